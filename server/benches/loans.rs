//! Loans after the money at national scale: the operator's portfolio, its CSV, PAR30 by okrug
//! and for the country, and the import of a lender's file of repayments, on SQLite and, when
//! `BENCH_DATABASE_URL` names a PostgreSQL admin URL, on PostgreSQL. Run by `make bench`;
//! prints Markdown table rows.
//!
//! Each backend gets the KATO directory, the demo catalogue and its accounts, and the bulk load
//! of the reports benchmark (`server::synthetic::load`: 300,000 entrepreneurs in real
//! settlements over every okrug, 1,000,000 applications with their events, a quarter of them
//! paid). The paid applications become the demo's `agrocredit` lender's (its 7 programmes, round
//! robin; approved and paid their asked amount), so that its demo operator
//! (`operator@agrocredit.demo`) sees them all, and each gets its loan: 12 monthly instalments
//! from the day it was paid (annuity, one in four differentiated, at its programme's rate,
//! made by `domain::loan` and `domain::repayment::instalments`), the repayments of the
//! instalments already due (paid on or a few days before the day, often in two or three
//! transfers), and the standing columns `db::loans::restand` would write, computed by
//! `domain::repayment::allocate` and `db::loans::standing_of`. On the configured day 76.5 % are
//! on time (one in eight of those once paid an instalment late), 10 % are 1–30 days late, 6 %
//! 31–60, 3 % 61–90 and 4 % more than 90 (12, 8, 5 and 7 % were meant to be: a loan too young
//! to be that late is on time). Loans, then instalments and repayments, are written with
//! multi-row `INSERT`s, 50,000 loans per transaction, not through the services.
//!
//! Timed, as the demo operator: `services::loans::portfolio` (the portfolio page's service)
//! for four views (the default, bucket=31-60, the region with the most loans, page 50), each
//! called up to 150 times or for 20 seconds (at least 20 calls) after a first call timed apart;
//! `services::loans::portfolio_csv` of the okrug with the most loans, the same way;
//! `db::loans::totals` (PAR30 and the buckets) of 200 okrugs, each once, and of the whole
//! country like a view. Last, a file of 100,000 new repayments over 100,000 existing loans
//! (a bank's export: `;`, Russian column names, `dd.mm.yyyy`, `1 234,56`) goes through
//! `keep_upload`, `preview` and `import`, each timed; the same file uploaded again previews
//! as already recorded.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use app::domain::account::{Login, Principal, Role, Scope};
use app::domain::i18n::Lang;
use app::domain::loan::{Grace, Loan, Method, Season};
use app::domain::location::KatoCode;
use app::domain::money::Tiyn;
use app::domain::portfolio::PortfolioQuery;
use app::domain::repayment::{Bucket, Repayment, allocate, instalments};
use app::domain::synthetic::Rng;
use app::ssr::config::Config;
use app::ssr::db::entities::{applications, programs};
use app::ssr::db::loans::{LoanFilter, days_past_due, standing_of};
use app::ssr::db::{self, TestDatabase};
use app::ssr::security::PasswordHasher;
use app::ssr::services::{self, accounts, seed};
use chrono::{DateTime, Duration as Days, FixedOffset, NaiveDate};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

#[path = "support/common.rs"]
mod common;
use common::{exec, ms, percentile, scalar, thousands};

/// Bulk entrepreneurs (the reports benchmark's).
const USERS: i64 = 300_000;
/// The lender whose loans they all are.
const ORGANISATION: &str = "agrocredit";
/// Its demo operator, who calls the services.
const OPERATOR: &str = "operator@agrocredit.demo";
/// Calls of each view: at most this many…
const CALLS: usize = 150;
/// …or as many as fit in this time…
const BUDGET: Duration = Duration::from_secs(20);
/// …but at least this many.
const MIN_CALLS: usize = 20;
/// Okrugs whose PAR30 is timed.
const OKRUG_TOTALS: usize = 200;
/// Lines of the imported file.
const IMPORT_LINES: usize = 100_000;
/// Loans per transaction of the bulk load.
const LOANS_PER_TXN: usize = 50_000;
/// Rows per `INSERT` (loans have 17 columns; well under PostgreSQL's and SQLite's limits on
/// a statement's size, and no bound parameters at all).
const ROWS_PER_INSERT: usize = 1000;
/// The page target of the issue.
const TARGET: &str = "p99 ≤ 100 ms";

/// How late a bulk loan is meant to be: its share in per cent (cumulative bounds of a roll of
/// 100) and its days past due; `None` is paid on time.
const LATENESS: [(usize, Option<(i64, i64)>); 5] = [
    (68, None),
    (80, Some((1, 30))),
    (88, Some((31, 60))),
    (93, Some((61, 90))),
    (100, Some((91, i64::MAX))),
];

/// A paid application, as the bulk load left it.
struct Paid {
    id: i32,
    program_id: i32,
    okrug: Option<String>,
    amount_kzt: i64,
    disbursed_on: NaiveDate,
}

/// A paid application's id, programme, settlement, amount and moment of payment.
type PaidRow = (i32, i32, Option<String>, Option<i64>, DateTime<FixedOffset>);

/// What the loans' load made, for the checks and the import.
#[derive(Default)]
struct Book {
    loans: i64,
    instalments: i64,
    repayments: i64,
    /// Loans per bucket on the day, in `domain::portfolio::BUCKETS` order.
    buckets: [i64; 5],
    /// Loans per okrug.
    by_okrug: BTreeMap<String, i64>,
    /// Loans with something still to pay: the loan and what its oldest unpaid instalment
    /// still asks for (what the imported file pays).
    owing: Vec<(i32, i64)>,
    took: Duration,
}

fn bucket_index(b: Bucket) -> usize {
    match b {
        Bucket::Current => 0,
        Bucket::Late1To30 => 1,
        Bucket::Late31To60 => 2,
        Bucket::Late61To90 => 3,
        Bucket::Late90Plus => 4,
    }
}

/// SQL literals of one backend.
struct Sql {
    backend: DatabaseBackend,
    /// The moment the rows are written, as the column stores it.
    now: String,
}

impl Sql {
    fn new(backend: DatabaseBackend, today: NaiveDate) -> Sql {
        let now = match backend {
            // The RFC 3339 text sqlx writes for a `DateTime<FixedOffset>` on SQLite.
            DatabaseBackend::Sqlite => format!("'{today}T07:00:00.000+00:00'"),
            _ => format!("'{today} 07:00:00+00'"),
        };
        Sql { backend, now }
    }

    fn date(d: Option<NaiveDate>) -> String {
        d.map_or_else(|| "NULL".to_owned(), |d| format!("'{d}'"))
    }

    fn bool(b: bool) -> &'static str {
        // SQLite reads TRUE and FALSE as 1 and 0, which is how sqlx stores a bool there.
        if b { "TRUE" } else { "FALSE" }
    }
}

/// Multi-row `INSERT`s of one table, sent as they fill up.
struct Inserts {
    head: &'static str,
    rows: Vec<String>,
    written: i64,
}

impl Inserts {
    fn new(head: &'static str) -> Inserts {
        Inserts {
            head,
            rows: Vec::with_capacity(ROWS_PER_INSERT),
            written: 0,
        }
    }

    async fn push(&mut self, db: &impl ConnectionTrait, row: String) {
        self.rows.push(row);
        if self.rows.len() == ROWS_PER_INSERT {
            self.flush(db).await;
        }
    }

    async fn flush(&mut self, db: &impl ConnectionTrait) {
        if self.rows.is_empty() {
            return;
        }
        let sql = format!("{} VALUES {}", self.head, self.rows.join(", "));
        let done = db
            .execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("{e}: {}", self.head));
        assert_eq!(
            done.rows_affected(),
            self.rows.len() as u64,
            "{}",
            self.head
        );
        self.written += self.rows.len() as i64;
        self.rows.clear();
    }
}

/// Moves the paid applications to the lender's programmes and reads them back.
async fn paid_applications(db: &DatabaseConnection, org: i32) -> (Vec<Paid>, BTreeMap<i32, i32>) {
    let programs: Vec<programs::Model> = programs::Entity::find()
        .filter(programs::Column::OrganisationId.eq(org))
        .order_by_asc(programs::Column::Id)
        .all(db)
        .await
        .expect("programmes");
    assert_eq!(programs.len(), 7, "the demo lender's programmes");
    let rate: BTreeMap<i32, i32> = programs
        .iter()
        .map(|p| (p.id, p.rate_max_bps.unwrap_or(600)))
        .collect();
    let program = format!(
        "CASE id % {} {} END",
        programs.len(),
        programs
            .iter()
            .enumerate()
            .map(|(k, p)| format!("WHEN {k} THEN {}", p.id))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // Approved and paid what was asked, the state since the payment (the bulk load's
    // `updated_at` of a paid application is the payment's moment).
    exec(
        db,
        &format!(
            "UPDATE applications SET program_id = {program}, approved_kzt = amount_kzt, \
             disbursed_kzt = amount_kzt, state_at = updated_at WHERE state = 'disbursed'"
        ),
    )
    .await;
    analyze(db, "applications").await;
    let rows: Vec<PaidRow> = applications::Entity::find()
        .select_only()
        .columns([
            applications::Column::Id,
            applications::Column::ProgramId,
            applications::Column::SettlementCode,
            applications::Column::AmountKzt,
            applications::Column::UpdatedAt,
        ])
        .filter(applications::Column::State.eq("disbursed"))
        .order_by_asc(applications::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .expect("paid applications");
    let paid = rows
        .into_iter()
        .map(|(id, program_id, settlement, amount, at)| Paid {
            id,
            program_id,
            okrug: settlement
                .and_then(|c| KatoCode::parse(&c).ok())
                .and_then(|k| k.okrug())
                .map(|k| k.as_str().to_owned()),
            amount_kzt: amount.expect("an amount"),
            // The day in Kazakhstan (UTC+5).
            disbursed_on: (at.to_utc() + Days::hours(5)).date_naive(),
        })
        .collect();
    (paid, rate)
}

/// One loan's rows: its terms, instalments and repayments, and its standing as `restand`
/// would write it. Returns the loan's bucket on `today` and what its oldest unpaid instalment
/// still asks for.
fn one_loan(
    p: &Paid,
    rate_bps: i32,
    org: i32,
    operator: i32,
    sql: &Sql,
    today: NaiveDate,
) -> (String, Vec<String>, Vec<String>, Bucket, Option<i64>) {
    let mut rng = Rng::new(u64::try_from(p.id).expect("an id") * 7919 + 17);
    let method = if rng.below(4) == 0 {
        Method::Differentiated
    } else {
        Method::Annuity
    };
    let loan = Loan {
        amount: Tiyn(p.amount_kzt * 100),
        rate_bps,
        term_months: 12,
        grace_months: 0,
        grace: Grace::InterestOnly,
        method,
        season: Season {
            months: 0,
            first_month: 1,
        },
    };
    let schedule = instalments(&loan.schedule(), p.disbursed_on);
    assert_eq!(schedule.len(), 12, "12 instalments");
    // An instalment is late from the day after its due date.
    let due: Vec<usize> = (0..schedule.len())
        .filter(|&m| schedule[m].due_on < today)
        .collect();
    let roll = rng.below(100);
    let lateness = LATENESS
        .iter()
        .find(|(upto, _)| roll < *upto)
        .and_then(|(_, late)| *late);
    // The oldest instalment left unpaid: one whose days past due fall in the range meant, or
    // the first not due yet.
    let stop = lateness
        .and_then(|(from, to)| {
            let fit: Vec<usize> = due
                .iter()
                .copied()
                .filter(|&m| (from..=to).contains(&(today - schedule[m].due_on).num_days()))
                .collect();
            (!fit.is_empty()).then(|| fit[rng.below(fit.len())])
        })
        .unwrap_or(due.len());
    // One on-time payer in eight was once late, by 3 to 20 days (before the next was due).
    let late_once = (lateness.is_none() && rng.below(8) == 0)
        .then(|| {
            let could: Vec<usize> = (0..stop)
                .filter(|&m| schedule[m].due_on + Days::days(20) < today)
                .collect();
            (!could.is_empty()).then(|| could[rng.below(could.len())])
        })
        .flatten();

    let mut paid = Vec::new();
    let reference = |paid: &Vec<Repayment>| format!("BANK-{}-{:02}", p.id, paid.len() + 1);
    for (m, inst) in schedule.iter().enumerate().take(stop) {
        let day = match late_once {
            Some(l) if l == m => inst.due_on + Days::days(3 + rng.below(18) as i64),
            _ => inst.due_on - Days::days(rng.below(6) as i64),
        };
        // One transfer (a quarter), two (three in five) or three: what farmers' bank
        // statements show, and about 2,000,000 repayments for 250,000 loans.
        let parts = match rng.below(20) {
            0..=4 => 1,
            5..=16 => 2,
            _ => 3,
        };
        let mut left = inst.amount().0;
        for part in (0..parts).rev() {
            let amount = if part == 0 {
                left
            } else {
                left * (40 + rng.below(20) as i64) / 100
            };
            left -= amount;
            let on = (day - Days::days(3 * part)).max(p.disbursed_on + Days::days(1));
            paid.push(Repayment {
                reference: reference(&paid),
                paid_on: on,
                amount: Tiyn(amount),
                reverses: None,
            });
        }
    }
    // A third of the late ones paid the interest of the instalment they stopped at.
    if lateness.is_some() && stop < due.len() && rng.below(3) == 0 {
        let inst = &schedule[stop];
        let on = inst.due_on - Days::days(1);
        if on > p.disbursed_on && on < today {
            paid.push(Repayment {
                reference: reference(&paid),
                paid_on: on,
                amount: inst.interest,
                reverses: None,
            });
        }
    }

    let ledger = allocate(&schedule, &paid, None);
    let (paid_tiyn, outstanding, first_unpaid, paid_late) = standing_of(&ledger);
    let owing = ledger
        .standings
        .iter()
        .find(|s| s.unpaid().0 > 0)
        .map(|s| s.unpaid().0);
    let okrug = p
        .okrug
        .as_ref()
        .map_or_else(|| "NULL".to_owned(), |o| format!("'{o}'"));
    let loan_row = format!(
        "({id}, {org}, {program}, {okrug}, '{on}', {principal}, {rate_bps}, 12, 0, \
         'interest_only', '{method}', 0, {paid_tiyn}, {outstanding}, {first}, {late}, {now})",
        id = p.id,
        program = p.program_id,
        on = p.disbursed_on,
        principal = loan.amount.0,
        method = method.as_str(),
        first = Sql::date(first_unpaid),
        late = Sql::bool(paid_late),
        now = sql.now,
    );
    let instalment_rows = schedule
        .iter()
        .map(|i| {
            format!(
                "({}, {}, '{}', {}, {})",
                p.id, i.number, i.due_on, i.principal.0, i.interest.0
            )
        })
        .collect();
    let repayment_rows = paid
        .iter()
        .map(|r| {
            format!(
                "({}, {org}, '{}', '{}', {}, NULL, 'csv', {operator}, NULL, {})",
                p.id, r.reference, r.paid_on, r.amount.0, sql.now
            )
        })
        .collect();
    let bucket = Bucket::of(days_past_due(first_unpaid, today));
    (loan_row, instalment_rows, repayment_rows, bucket, owing)
}

/// Statistics on PostgreSQL, as autovacuum would have gathered on tables of this size; none on
/// SQLite (the application never runs `ANALYZE` there).
async fn analyze(db: &DatabaseConnection, table: &str) {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        exec(db, &format!("ANALYZE {table}")).await;
    }
}

/// The loans of the paid applications, with multi-row `INSERT`s in big transactions: every
/// loan first, then their instalments and repayments (made again: `one_loan` is a function of
/// the application). On PostgreSQL the foreign-key checks of the instalments and repayments
/// are planned once per connection: planned while `loans` looked empty they scanned the whole
/// table for each row (75 loans/s, about an hour), planned after its statistics they use its
/// primary key.
async fn load_loans(
    db: &DatabaseConnection,
    paid: &[Paid],
    rate: &BTreeMap<i32, i32>,
    org: i32,
    operator: i32,
    today: NaiveDate,
) -> Book {
    let started = Instant::now();
    let sql = Sql::new(db.get_database_backend(), today);
    let mut book = Book::default();
    let mut loans = Inserts::new(
        "INSERT INTO loans (application_id, organisation_id, program_id, okrug_code, \
         disbursed_on, principal_tiyn, rate_bps, term_months, grace_months, grace, method, \
         season_months, paid_tiyn, outstanding_principal_tiyn, first_unpaid_due_on, paid_late, \
         updated_at)",
    );
    for chunk in paid.chunks(LOANS_PER_TXN) {
        let txn = db.begin().await.expect("begins");
        for p in chunk {
            let (loan, _, _, bucket, owing) =
                one_loan(p, rate[&p.program_id], org, operator, &sql, today);
            loans.push(&txn, loan).await;
            book.buckets[bucket_index(bucket)] += 1;
            if let Some(o) = &p.okrug {
                *book.by_okrug.entry(o.clone()).or_default() += 1;
            }
            if let Some(owing) = owing {
                book.owing.push((p.id, owing));
            }
        }
        loans.flush(&txn).await;
        txn.commit().await.expect("commits");
    }
    analyze(db, "loans").await;

    let mut schedule = Inserts::new(
        "INSERT INTO instalments (application_id, number, due_on, principal_tiyn, interest_tiyn)",
    );
    let mut repaid = Inserts::new(
        "INSERT INTO repayments (application_id, organisation_id, reference, paid_on, \
         amount_tiyn, reverses, source, recorded_by, api_key_id, recorded_at)",
    );
    for chunk in paid.chunks(LOANS_PER_TXN) {
        let txn = db.begin().await.expect("begins");
        for p in chunk {
            let (_, instalments, repayments, _, _) =
                one_loan(p, rate[&p.program_id], org, operator, &sql, today);
            for row in instalments {
                schedule.push(&txn, row).await;
            }
            for row in repayments {
                repaid.push(&txn, row).await;
            }
        }
        schedule.flush(&txn).await;
        repaid.flush(&txn).await;
        txn.commit().await.expect("commits");
    }
    // Written around `db::loans::create`: their totals per group are made in one pass.
    app::ssr::db::loans::rebuild_tallies(db)
        .await
        .expect("tallies the loans");
    book.loans = loans.written;
    book.instalments = schedule.written;
    book.repayments = repaid.written;
    match sql.backend {
        // Statistics and visibility maps, as autovacuum keeps them on tables of this size;
        // left to it, it would vacuum the millions of rows just written while the first
        // views are timed, on one of the two cores.
        DatabaseBackend::Postgres => {
            exec(db, "VACUUM (ANALYZE)").await;
        }
        // Start the timed part with an empty write-ahead log.
        _ => {
            exec(db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
        }
    }
    book.took = started.elapsed();
    book
}

/// Times `call` up to [`CALLS`] times or for [`BUDGET`] (at least [`MIN_CALLS`] times) after a
/// first call timed apart: (the first, the sorted samples).
async fn bounded<F, Fut>(mut call: F) -> (Duration, Vec<Duration>)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = Instant::now();
    call().await;
    let first = t.elapsed();
    let mut samples = Vec::with_capacity(CALLS);
    let started = Instant::now();
    while samples.len() < CALLS && (samples.len() < MIN_CALLS || started.elapsed() < BUDGET) {
        let t = Instant::now();
        call().await;
        samples.push(t.elapsed());
    }
    samples.sort_unstable();
    (first, samples)
}

/// "p50 … · p99 … · max …" of sorted samples.
fn spread(samples: &[Duration]) -> String {
    format!(
        "p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
    )
}

/// An amount as Kazakh banks' exports write it: `1 234 567,89`.
fn bank_amount(tiyn: i64) -> String {
    let digits = (tiyn / 100).to_string();
    let mut whole = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            whole.push(' ');
        }
        whole.push(c);
    }
    format!("{whole},{:02}", tiyn % 100)
}

/// The imported file: the oldest unpaid instalment of `IMPORT_LINES` loans, paid in full
/// today, spread over the whole book; with a column of the bank's own, which is ignored.
fn import_file(book: &Book, today: NaiveDate) -> (Vec<u8>, i64) {
    let step = (book.owing.len() / IMPORT_LINES).max(1);
    let mut out = String::from("№ заявки;Номер платежа;Дата платежа;Сумма;Назначение\r\n");
    let mut amount = 0;
    for (id, owing) in book.owing.iter().step_by(step).take(IMPORT_LINES) {
        out.push_str(&format!(
            "{id};IMP-{id};{};{};Погашение по договору {id}\r\n",
            today.format("%d.%m.%Y"),
            bank_amount(*owing)
        ));
        amount += owing;
    }
    (out.into_bytes(), amount)
}

/// Everything on one database; returns the rows to print.
async fn run(
    url: &str,
    config: &Config,
    what: &str,
    applications: i64,
    today: NaiveDate,
) -> Vec<String> {
    let run_started = Instant::now();
    let database = db::connect(url).await.expect("connects");
    db::migrate(&database).await.expect("migrates");
    seed::ensure_reference_data(&database)
        .await
        .expect("reference data");
    seed::ensure_demo(&database).await.expect("demo");
    let hasher = PasswordHasher::new(config.hashing).expect("a hasher");
    accounts::ensure_demo_accounts(&database, &hasher)
        .await
        .expect("demo accounts");
    let org = db::catalog::organisation_ids(&database)
        .await
        .expect("organisations")[ORGANISATION];
    let login = Login::parse("login", OPERATOR).expect("a login");
    let user = db::accounts::user_by_login(&database, &login)
        .await
        .expect("the operator")
        .expect("the demo operator");
    let operator = Principal {
        user_id: user.id,
        role: Role::Operator,
        scope: Scope::Organisation(org),
        display_name: user.display_name,
    };
    let op = Some(&operator);
    // Captured by the timed closures, each call copying the reference.
    let dbr = &database;

    // Fewer entrepreneurs for a quick look with fewer applications (enough for every place).
    let users = (applications * 3 / 10).clamp(20_000, USERS);
    let loaded = server::synthetic::load(&database, users, applications, today)
        .await
        .expect("bulk load");
    let (paid, rate) = paid_applications(&database, org).await;
    let book = load_loans(&database, &paid, &rate, org, operator.user_id, today).await;
    assert_eq!(
        book.loans as usize,
        paid.len(),
        "a loan per paid application"
    );
    let n = thousands(applications);
    let mix = book
        .buckets
        .iter()
        .zip(["on time", "1–30", "31–60", "61–90", "90+"])
        .map(|(k, b)| format!("{b} {:.1} %", 100.0 * *k as f64 / book.loans as f64))
        .collect::<Vec<_>>()
        .join(", ");
    let mut rows = vec![format!(
        "| loans benchmark, {what}: {n} applications (bulk load of {users} entrepreneurs, {events} events: {:.0} s), {loans} of them paid loans of one lender over {okrugs} okrugs with {inst} instalments and {reps} repayments ({mix} days late on {today}) | {:.0} s (the loans' multi-row INSERTs, {per} loans per transaction) |",
        loaded.took.as_secs_f64(),
        book.took.as_secs_f64(),
        users = thousands(users),
        events = thousands(loaded.events),
        loans = thousands(book.loans),
        okrugs = thousands(book.by_okrug.len() as i64),
        inst = thousands(book.instalments),
        reps = thousands(book.repayments),
        per = thousands(LOANS_PER_TXN as i64),
    )];

    // The portfolio page's service, view by view.
    let (region, in_region) = {
        let mut by_region: BTreeMap<&str, i64> = BTreeMap::new();
        for (o, k) in &book.by_okrug {
            *by_region.entry(&o[..2]).or_default() += k;
        }
        let (r, k) = by_region
            .into_iter()
            .max_by_key(|(_, k)| *k)
            .expect("a region");
        (format!("{r}0000000"), k)
    };
    let views: [(&str, String, i64); 4] = [
        (
            "default view (every loan, worst first)",
            String::new(),
            book.loans,
        ),
        (
            "one bucket (bucket=31-60)",
            "bucket=31-60".into(),
            book.buckets[2],
        ),
        (
            "one region, the largest (area=…)",
            format!("area={region}"),
            in_region,
        ),
        (
            "page 50 of the default view (page=50)",
            "page=50".into(),
            book.loans,
        ),
    ];
    for (label, query, expected) in &views {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let q = PortfolioQuery::parse(&pairs).expect("a valid view");
        let shown = (*expected - i64::from(q.page - 1) * 50).clamp(0, 50) as usize;
        let page = services::loans::portfolio(&database, op, &q, today, false)
            .await
            .expect("the portfolio");
        assert_eq!(page.total as i64, *expected, "{label}: the view's loans");
        assert_eq!(page.lines.len(), shown, "{label}: a page");
        if query.is_empty() {
            assert_eq!(page.totals.buckets, book.buckets, "the buckets as loaded");
            assert!(page.lines.iter().all(|l| !l.borrower.is_empty()));
            // Worst first on the first page; on the last, the repaid loans (no unpaid
            // instalment) after the owing ones, by application.
            let last = PortfolioQuery {
                page: u32::try_from((book.loans + 49) / 50).expect("a page"),
                ..q.clone()
            };
            let tail = services::loans::portfolio(&database, op, &last, today, false)
                .await
                .expect("the last page");
            for lines in [&page.lines, &tail.lines] {
                let order: Vec<_> = lines
                    .iter()
                    .map(|l| {
                        (
                            l.first_unpaid_due_on.is_none(),
                            l.first_unpaid_due_on,
                            l.application_id,
                        )
                    })
                    .collect();
                assert!(order.is_sorted(), "the portfolio's order");
            }
        }
        let q = &q;
        let (first, samples) = bounded(move || async move {
            let page = services::loans::portfolio(dbr, op, q, today, false)
                .await
                .expect("the portfolio");
            assert_eq!(page.total as i64, *expected);
        })
        .await;
        rows.push(format!(
            "| loans portfolio page (services::loans::portfolio), {label}, {what}, {loans} loans of {n} applications | {} ({} calls after a first of {:.0} ms; {} loans in the view; target {TARGET}) |",
            spread(&samples),
            samples.len(),
            ms(first),
            thousands(*expected),
            loans = thousands(book.loans),
        ));
    }

    // The CSV of the okrug with the most loans.
    let (okrug, in_okrug) = book
        .by_okrug
        .iter()
        .max_by_key(|(_, k)| **k)
        .map(|(o, k)| (o.clone(), *k))
        .expect("an okrug");
    let q = PortfolioQuery::parse(&[("area".into(), okrug.clone())]).expect("an okrug's view");
    let bytes = std::cell::Cell::new(0);
    let (q, b) = (&q, &bytes);
    let (first, samples) = bounded(move || async move {
        let csv = services::loans::portfolio_csv(dbr, op, q, today)
            .await
            .expect("the CSV");
        assert_eq!(
            csv.lines().count() as i64,
            1 + in_okrug,
            "a header and the loans"
        );
        b.set(csv.len());
    })
    .await;
    rows.push(format!(
        "| loans portfolio CSV (services::loans::portfolio_csv), the okrug with the most loans (area={okrug}), {what} | {} ({} calls after a first of {:.0} ms; {} lines, {:.0} KiB; target {TARGET}) |",
        spread(&samples),
        samples.len(),
        ms(first),
        thousands(in_okrug),
        bytes.get() as f64 / 1024.0,
    ));

    // PAR30 and the buckets of 200 okrugs (every lender's loans), each once.
    let mut rng = Rng::new(7);
    let mut okrugs: Vec<(&String, &i64)> = book.by_okrug.iter().collect();
    for i in (1..okrugs.len()).rev() {
        okrugs.swap(i, rng.below(i + 1));
    }
    okrugs.truncate(OKRUG_TOTALS);
    let mut samples = Vec::with_capacity(okrugs.len());
    for (o, k) in &okrugs {
        let f = LoanFilter {
            area_prefix: Some(o[..6].to_owned()),
            ..LoanFilter::default()
        };
        let t = Instant::now();
        let totals = db::loans::totals(&database, &f, today)
            .await
            .expect("totals");
        samples.push(t.elapsed());
        assert_eq!(totals.loans, **k, "the okrug's loans");
    }
    samples.sort_unstable();
    rows.push(format!(
        "| loans PAR30 and buckets (db::loans::totals) of one okrug, {what} | {} ({} okrugs, {:.0} loans each on average; target {TARGET}) |",
        spread(&samples),
        samples.len(),
        okrugs.iter().map(|(_, k)| **k).sum::<i64>() as f64 / okrugs.len() as f64,
    ));
    let all = book.loans;
    let (first, samples) = bounded(move || async move {
        let totals = db::loans::totals(dbr, &LoanFilter::default(), today)
            .await
            .expect("totals");
        assert_eq!(totals.loans, all, "the country's loans");
    })
    .await;
    rows.push(format!(
        "| loans PAR30 and buckets (db::loans::totals) of the whole country, {what}, {} loans | {} ({} calls after a first of {:.0} ms; target {TARGET}) |",
        thousands(book.loans),
        spread(&samples),
        samples.len(),
        ms(first),
    ));

    // The import of a file of 100,000 repayments: upload, preview, import.
    let before = scalar(&database, "SELECT COUNT(*) FROM repayments").await;
    let (file, amount) = import_file(&book, today);
    let lines = file.iter().filter(|b| **b == b'\n').count() - 1;
    let dir = &config.data_dir;
    let t = Instant::now();
    let digest = services::loans::keep_upload(op, dir, &file)
        .await
        .expect("kept");
    let upload = t.elapsed();
    let t = Instant::now();
    let preview = services::loans::preview(&database, op, dir, &digest, Lang::Ru, today)
        .await
        .expect("a preview");
    let previewed = t.elapsed();
    assert!(preview.errors.is_empty(), "{:?}", &preview.errors[..1]);
    assert_eq!((preview.lines, preview.already), (lines, 0));
    assert_eq!((preview.loans, preview.amount.0), (lines, amount));
    let t = Instant::now();
    let done = services::loans::import(&database, op, dir, &digest, today)
        .await
        .expect("imports")
        .expect("every line good");
    let imported = t.elapsed();
    assert_eq!(
        (done.added, done.loans, done.amount.0),
        (lines, lines, amount)
    );
    let after = scalar(&database, "SELECT COUNT(*) FROM repayments").await;
    assert_eq!(after - before, lines as i64, "every line recorded");
    // The same file again adds nothing: its preview finds every line recorded.
    let digest = services::loans::keep_upload(op, dir, &file)
        .await
        .expect("kept");
    let t = Instant::now();
    let again = services::loans::preview(&database, op, dir, &digest, Lang::Ru, today)
        .await
        .expect("a preview");
    let previewed_again = t.elapsed();
    assert_eq!((again.already, again.amount.0), (lines, 0));
    let per_s = |d: Duration| lines as f64 / d.as_secs_f64();
    rows.push(format!(
        "| loans CSV import (services::loans::keep_upload + preview + import), {what}: {} new repayments over {} loans ({:.1} MiB) | preview {:.0} lines/s ({:.1} s) · import {:.0} lines/s ({:.1} s) · upload {:.0} ms · the same file again previews as recorded in {:.1} s |",
        thousands(lines as i64),
        thousands(done.loans as i64),
        file.len() as f64 / 1_048_576.0,
        per_s(previewed),
        previewed.as_secs_f64(),
        per_s(imported),
        imported.as_secs_f64(),
        ms(upload),
        previewed_again.as_secs_f64(),
    ));

    database.close().await.expect("closes");
    rows.push(format!(
        "| loans benchmark, {what}, whole run | {:.0} s |",
        run_started.elapsed().as_secs_f64()
    ));
    rows
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Fewer applications for a quick look; the figures are for 1,000,000.
    let applications: i64 = std::env::var("BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(dir.path());
    let today = config.today();
    for row in run(
        &config.database_url,
        &config,
        "SQLite (WAL, synchronous=FULL)",
        applications,
        today,
    )
    .await
    {
        println!("{row}");
    }

    if let Ok(admin) = std::env::var("BENCH_DATABASE_URL") {
        let pg = TestDatabase::create(&admin)
            .await
            .expect("creates a database");
        for row in run(&pg.url, &config, "PostgreSQL", applications, today).await {
            println!("{row}");
        }
    }
}
