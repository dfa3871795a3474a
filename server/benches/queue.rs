//! The operator's review queue and the application view with the operator's desk, with
//! 1,000,000 applications in the database, on SQLite and, when `BENCH_DATABASE_URL` names a
//! PostgreSQL admin URL, on PostgreSQL. Run by `make bench`; prints Markdown table rows.
//!
//! Each backend gets the KATO directory, the demo catalogue, an akim for every okrug, an
//! operator of the organisation `agrocredit` and a bulk load made of one `INSERT … SELECT` per
//! table: 250,000 entrepreneurs with profiles in real settlements; 1,000,000 applications of
//! theirs, all for the organisation's 7 programmes (the whole load is its queue: the worst
//! case), each in its applicant's settlement, submitted over the 12 months before the
//! configured day, in the reports benchmark's mix of states (10 % submitted, 10 % in review,
//! 5 % asked for information, 25 % approved, 25 % paid, 20 % rejected, 5 % withdrawn), each with
//! the moment its state began, the approved (and paid) amount and an information request's due
//! date where its state has them; the events of each (`submit`, then `start_review`,
//! `request_info`, `approve` or `reject`, `disburse`, `withdraw` as its state needs); a
//! recommendation by the okrug's akim for about a fifth of them and the operator assigned to
//! about a tenth; and an envelope for each programme.
//!
//! Timed: `services::review::queue` (the queue page's service) for six views, the application
//! view with the operator's desk (`services::applications::view`) on random applications, and
//! the CSV export of the default view (`services::review::queue_csv`, at most 10,000 lines).
//! A view is called up to 150 times, or for 20 seconds (at least 20 calls), whichever ends
//! first, after a first call timed apart.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use app::domain::account::{Login, Principal, Role, Scope};
use app::domain::queue::QueueQuery;
use app::domain::review::WHOLE;
use app::domain::synthetic::Rng;
use app::ssr::config::Config;
use app::ssr::db::{self, TestDatabase};
use app::ssr::services::{self, review, seed};
use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

#[path = "support/common.rs"]
mod common;
use common::{exec, ms, percentile, scalar, thousands};
use server::synthetic::{Bulk, H, STATES, by_state, moments};

/// Bulk entrepreneurs, each with a profile in a real settlement; every one has applied.
const APPLICANTS: i64 = 250_000;
/// The operator whose queue it is.
const ORGANISATION: &str = "agrocredit";
/// Calls of each queue view: at most this many…
const CALLS: usize = 150;
/// …or as many as fit in this time…
const BUDGET: Duration = Duration::from_secs(20);
/// …but at least this many.
const MIN_CALLS: usize = 20;
/// Application views timed.
const VIEWS: usize = 200;
/// CSV exports timed.
const EXPORTS: usize = 3;
/// The queue's open states (its default view).
const OPEN: &str = "'submitted', 'in_review', 'info_requested', 'approved'";

/// One step of the bulk applications' history: an event for each application in `states`,
/// taken in `role` by `actor` (an SQL expression; the operator when `None`), `at` minutes
/// before the anchor.
struct Event<'a> {
    step: &'a str,
    from: &'a str,
    to: &'a str,
    version: i32,
    actor: Option<&'a str>,
    role: &'a str,
    reason: &'a str,
    states: &'a [&'a str],
    at: &'a str,
}

impl<'a> Event<'a> {
    /// A step the operator takes (the actor filled in when the statement is made).
    fn by(
        step: &'a str,
        from: &'a str,
        to: &'a str,
        version: i32,
        states: &'a [&'a str],
        at: &'a str,
    ) -> Event<'a> {
        Event {
            step,
            from,
            to,
            version,
            actor: None,
            role: "operator",
            reason: "NULL",
            states,
            at,
        }
    }

    /// Taken by the applicant instead.
    fn applicant(self) -> Event<'a> {
        Event {
            actor: Some("user_id"),
            role: "entrepreneur",
            ..self
        }
    }

    /// With a reason (an SQL expression).
    fn because(self, reason: &'a str) -> Event<'a> {
        Event { reason, ..self }
    }
}

/// What the bulk load made.
struct Loaded {
    operator: Principal,
    /// The first bulk application's id is `app_base + 1`.
    app_base: i64,
    /// The region with the most applications.
    region: String,
    events: u64,
    recommendations: u64,
    assignments: u64,
    took: Duration,
}

/// The operator, the akims, the places, then one `INSERT … SELECT` per table (see the top of
/// the file).
async fn bulk_load(db: &DatabaseConnection, applications: i64, today: NaiveDate) -> Loaded {
    let b = Bulk {
        backend: db.get_database_backend(),
        anchor: format!("{today} 07:00:00"),
    };
    let started = Instant::now();
    let now = b.ago("0");

    // The operator, and the organisation's programmes with an envelope each.
    let org = db::catalog::organisation_ids(db)
        .await
        .expect("organisations")[ORGANISATION];
    let login = Login::parse("login", "operator@bench.kz").expect("login");
    let scope = Scope::Organisation(org);
    let name = "Оператор";
    let user_id = db::accounts::insert_user(
        db,
        db::accounts::NewUser {
            login: &login,
            password_hash: "not-a-hash".into(),
            display_name: name,
            role: Role::Operator,
            scope: &scope,
            demo: false,
        },
    )
    .await
    .expect("the operator");
    let operator = Principal {
        user_id,
        role: Role::Operator,
        scope,
        display_name: name.into(),
    };
    let program_ids: Vec<i32> = db::reviews::programs_of(db, org)
        .await
        .expect("programmes")
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert!(!program_ids.is_empty(), "the organisation has programmes");
    for id in &program_ids {
        db::reviews::set_envelope(db, *id, WHOLE, 10_000_000_000_000, Utc::now())
            .await
            .expect("an envelope");
    }

    // An akim for every okrug.
    exec(
        db,
        &format!(
            "INSERT INTO users (phone, email, password_hash, display_name, role, okrug_code, \
             organisation_id, demo, disabled_at, created_at, updated_at) \
             SELECT NULL, 'akim-' || code || '@bench.kz', 'bench', 'Аким ' || name_ru, 'akim', \
             code, NULL, {no}, NULL, {now}, {now} FROM locations WHERE level = 3",
            no = b.no(),
        ),
    )
    .await;
    let akim_of: BTreeMap<String, i32> = db
        .query_all_raw(Statement::from_string(
            b.backend,
            "SELECT okrug_code, id FROM users WHERE role = 'akim' AND email LIKE 'akim-%@bench.kz'",
        ))
        .await
        .expect("akims")
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).expect("okrug"),
                r.try_get_by_index::<i32>(1).expect("id"),
            )
        })
        .collect();

    // The places people live in: every settlement of an okrug.
    let places: Vec<(String, String)> = db
        .query_all_raw(Statement::from_string(
            b.backend,
            "SELECT code FROM locations WHERE level = 4 ORDER BY code",
        ))
        .await
        .expect("settlements")
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("code"))
        .filter_map(|c| {
            let okrug = format!("{}000", &c[..6]);
            akim_of.contains_key(&okrug).then_some((c, okrug))
        })
        .collect();
    let p = places.len() as i64;
    assert!(p > 0, "settlements");
    exec(
        db,
        "CREATE TABLE bench_places (k INTEGER PRIMARY KEY, code VARCHAR(9) NOT NULL, \
         okrug VARCHAR(9) NOT NULL, akim INTEGER NOT NULL)",
    )
    .await;
    for (n, chunk) in places.chunks(1000).enumerate() {
        let values: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(k, (code, okrug))| {
                format!(
                    "({}, '{code}', '{okrug}', {})",
                    n * 1000 + k,
                    akim_of[okrug]
                )
            })
            .collect();
        exec(
            db,
            &format!(
                "INSERT INTO bench_places (k, code, okrug, akim) VALUES {}",
                values.join(", ")
            ),
        )
        .await;
    }

    // Entrepreneurs, user k (from 0) living in place k % p.
    let user_base = scalar(db, "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM users").await;
    let users = b.series(
        APPLICANTS,
        "INSERT INTO users (phone, email, password_hash, display_name, role, okrug_code, \
         organisation_id, demo, disabled_at, created_at, updated_at)",
        &format!(
            "SELECT {phone}, NULL, 'bench', 'Кәсіпкер ' || i, 'entrepreneur', NULL, NULL, {no}, \
             NULL, {created}, {created}",
            phone = b.phone(),
            no = b.no(),
            created = b.ago("525600 + 60 + i"),
        ),
        "",
    );
    assert_eq!(exec(db, &users).await, APPLICANTS as u64, "users");
    assert_eq!(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM users WHERE role = 'entrepreneur' AND id > {user_base} \
                 AND id <= {}",
                user_base + APPLICANTS
            ),
        )
        .await,
        APPLICANTS,
        "the bulk users' ids are consecutive"
    );
    let profiles = exec(
        db,
        &format!(
            "INSERT INTO profiles (user_id, data, iin, settlement_code, created_at, updated_at) \
             SELECT u.id, '{{\"full_name\":\"' || u.display_name || '\",\"settlement\":\"' || \
             p.code || '\"}}', NULL, p.code, u.created_at, u.created_at \
             FROM users u CROSS JOIN bench_places p \
             WHERE u.id > {user_base} AND u.id <= {last} AND p.k = (u.id - {user_base} - 1) % {p}",
            last = user_base + APPLICANTS,
        ),
    )
    .await;
    assert_eq!(profiles, APPLICANTS as u64, "profiles");

    // Applications: application i by applicant i % APPLICANTS, in that applicant's place, for
    // programme i % (the organisation's programmes).
    let app_base = scalar(
        db,
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM applications",
    )
    .await;
    let program = format!(
        "CASE i % {} {} END",
        program_ids.len(),
        program_ids
            .iter()
            .enumerate()
            .map(|(k, id)| format!("WHEN {k} THEN {id}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (submitted, reviewed, decided, paid) = moments(&b);
    let state = by_state(|s| format!("'{s}'"));
    let version = by_state(|s| {
        let v = STATES.iter().find(|x| x.0 == s).map_or(1, |x| x.2);
        v.to_string()
    });
    // The last change is when the state began.
    let changed = by_state(|s| {
        b.ago(match s {
            "submitted" => &submitted,
            "in_review" | "withdrawn" => &reviewed,
            "disbursed" => &paid,
            _ => &decided,
        })
    });
    let decided_at = by_state(|s| match s {
        "approved" | "disbursed" | "rejected" => b.ago(&decided),
        _ => "NULL".to_owned(),
    });
    let amount = "(500000 + 100000 * (i % 50))";
    // One approval in four for less than was asked.
    let approved = format!("(CASE WHEN i % 4 = 0 THEN {amount} * 9 / 10 ELSE {amount} END)");
    let approved_kzt = by_state(|s| match s {
        "approved" | "disbursed" => approved.clone(),
        _ => "NULL".to_owned(),
    });
    let disbursed_kzt = by_state(|s| match s {
        "disbursed" => approved.clone(),
        _ => "NULL".to_owned(),
    });
    let info_due_on = by_state(|s| match s {
        "info_requested" => b.fortnight_after(&decided),
        _ => "NULL".to_owned(),
    });
    // The validated form, as submitting stores it.
    let data = format!(
        "'{{\"amount_kzt\":' || {amount} || ',\"term_months\":24,\"purpose\":\"Покупка скота\",\
         \"plan\":{{\"activity\":\"Откорм бычков\",\"costs_kzt\":' || {amount} || \
         ',\"revenue_kzt\":' || ({amount} * 3 / 2) || ',\"jobs\":' || (1 + i % 5) || \
         '}},\"collateral\":null}}'"
    );
    let apps = b.series(
        applications,
        "INSERT INTO applications (user_id, program_id, state, version, data, amount_kzt, \
         settlement_code, open_key, created_at, updated_at, submitted_at, decided_at, \
         approved_kzt, disbursed_kzt, state_at, info_due_on)",
        &format!(
            "SELECT {user_base} + 1 + i % {APPLICANTS}, {program}, {state}, {version}, {data}, \
             {amount}, p.code, NULL, {created_at}, {changed}, {submitted_at}, {decided_at}, \
             {approved_kzt}, {disbursed_kzt}, {changed}, {info_due_on}",
            created_at = b.ago(&format!("{submitted} + 60")),
            submitted_at = b.ago(&submitted),
        ),
        &format!("CROSS JOIN bench_places p WHERE p.k = (i % {APPLICANTS}) % {p}"),
    );
    assert_eq!(exec(db, &apps).await, applications as u64, "applications");

    // Events, one statement per step.
    let bulk = format!(
        "(SELECT id, user_id, state, CAST(id AS BIGINT) - {app_base} AS i FROM applications \
         WHERE id > {app_base}) a"
    );
    let reasons = "CASE i % 3 WHEN 0 THEN 'Бизнес-план не окупается' \
                   WHEN 1 THEN 'Недостаточно залога' ELSE 'Неполный пакет документов' END";
    let everyone: &[&str] = &STATES.map(|s| s.0);
    let reviewed_states: &[&str] = &[
        "in_review",
        "info_requested",
        "approved",
        "disbursed",
        "rejected",
    ];
    let steps = [
        Event::by("submit", "draft", "submitted", 2, everyone, &submitted).applicant(),
        Event::by(
            "start_review",
            "submitted",
            "in_review",
            3,
            reviewed_states,
            &reviewed,
        ),
        Event::by(
            "request_info",
            "in_review",
            "info_requested",
            4,
            &["info_requested"],
            &decided,
        )
        .because("'Приложите справку об отсутствии задолженности'"),
        Event::by(
            "approve",
            "in_review",
            "approved",
            4,
            &["approved", "disbursed"],
            &decided,
        ),
        Event::by(
            "reject",
            "in_review",
            "rejected",
            4,
            &["rejected"],
            &decided,
        )
        .because(reasons),
        Event::by(
            "disburse",
            "approved",
            "disbursed",
            5,
            &["disbursed"],
            &paid,
        ),
        Event::by(
            "withdraw",
            "submitted",
            "withdrawn",
            3,
            &["withdrawn"],
            &reviewed,
        )
        .applicant(),
    ];
    let mut events = 0;
    for e in steps {
        let states = e
            .states
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        events += exec(
            db,
            &format!(
                "INSERT INTO application_events (application_id, version, step, from_state, \
                 to_state, actor_user_id, actor_role, reason, data, at) \
                 SELECT id, {version}, '{step}', '{from}', '{to}', {actor}, '{role}', {reason}, \
                 '{{}}', {at} FROM {bulk} WHERE state IN ({states})",
                version = e.version,
                step = e.step,
                from = e.from,
                to = e.to,
                actor = e.actor.map_or(user_id.to_string(), str::to_owned),
                role = e.role,
                reason = e.reason,
                at = b.ago(e.at),
            ),
        )
        .await;
    }

    // About one application in five recommended (or not) by its okrug's akim, before review.
    let between = format!("({submitted} + {reviewed}) / 2");
    let recommendations = exec(
        db,
        &format!(
            "INSERT INTO recommendations (application_id, version, author_user_id, author_role, \
             okrug_code, verdict, reasons, text, relationship, relationship_note, created_at) \
             SELECT a.id, 1, p.akim, 'akim', p.okrug, CASE WHEN ({H} / 100) % 4 = 0 \
             THEN 'do_not_recommend' ELSE 'recommend' END, \
             '[\"known_to_akimat\",\"local_demand\"]', NULL, 'none', NULL, {at} \
             FROM {bulk} CROSS JOIN bench_places p \
             WHERE p.k = (a.i % {APPLICANTS}) % {p} AND ({H} / 7) % 5 = 0",
            at = b.ago(&between),
        ),
    )
    .await;
    // About one in ten assigned to the operator, by themselves.
    let assignments = exec(
        db,
        &format!(
            "INSERT INTO review_assignments (application_id, user_id, assigned_by, assigned_at) \
             SELECT id, {user_id}, {user_id}, {at} FROM {bulk} WHERE ({H} / 11) % 10 = 0",
            at = b.ago(&between),
        ),
    )
    .await;
    exec(db, "DROP TABLE bench_places").await;
    match b.backend {
        // Statistics, as autovacuum would have gathered on a database of this size.
        DatabaseBackend::Postgres => {
            exec(db, "ANALYZE").await;
        }
        // Start the timed part with an empty write-ahead log.
        _ => {
            exec(db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
        }
    }
    let took = started.elapsed();

    let region = db
        .query_one_raw(Statement::from_string(
            b.backend,
            "SELECT substr(settlement_code, 1, 2) AS r, COUNT(*) AS n FROM applications \
             GROUP BY substr(settlement_code, 1, 2) ORDER BY n DESC LIMIT 1",
        ))
        .await
        .expect("regions")
        .and_then(|r| r.try_get_by_index::<String>(0).ok())
        .map(|r| format!("{r}0000000"))
        .expect("a region");

    Loaded {
        operator,
        app_base,
        region,
        events,
        recommendations,
        assignments,
        took,
    }
}

/// Everything on one database; returns the rows to print.
async fn run(url: &str, what: &str, applications: i64, today: NaiveDate) -> Vec<String> {
    let run_started = Instant::now();
    let database = db::connect(url).await.expect("connects");
    db::migrate(&database).await.expect("migrates");
    seed::ensure_reference_data(&database)
        .await
        .expect("reference data");
    seed::ensure_demo(&database).await.expect("demo");
    let loaded = bulk_load(&database, applications, today).await;
    let op = Some(&loaded.operator);
    let n = thousands(applications);
    let open = scalar(
        &database,
        &format!("SELECT COUNT(*) FROM applications WHERE state IN ({OPEN})"),
    )
    .await;

    let mut rows = vec![format!(
        "| review queue benchmark, {what}: bulk load of {users} entrepreneurs, {n} applications to one operator's 7 programmes ({open} open), {events} events, {recs} recommendations, {assigned} assignments | {:.0} s |",
        loaded.took.as_secs_f64(),
        users = thousands(APPLICANTS),
        open = thousands(open),
        events = thousands(loaded.events as i64),
        recs = thousands(loaded.recommendations as i64),
        assigned = thousands(loaded.assignments as i64),
    )];

    // The queue page's service, view by view.
    let area = format!("area={}", loaded.region);
    let views: [(&str, &str, String); 6] = [
        (
            "default view (open states, waiting longest first)",
            "",
            format!("state IN ({OPEN})"),
        ),
        (
            "one state (state=in_review)",
            "state=in_review",
            "state = 'in_review'".to_owned(),
        ),
        (
            "one region, the largest (area=…)",
            &area,
            format!(
                "state IN ({OPEN}) AND settlement_code LIKE '{}%'",
                &loaded.region[..2]
            ),
        ),
        (
            "nobody assigned (assigned=nobody)",
            "assigned=nobody",
            format!(
                "state IN ({OPEN}) AND id NOT IN (SELECT application_id FROM review_assignments)"
            ),
        ),
        (
            "largest amount first (sort=amount)",
            "sort=amount",
            format!("state IN ({OPEN})"),
        ),
        (
            "page 50 of the default view (page=50)",
            "page=50",
            format!("state IN ({OPEN})"),
        ),
    ];
    for (label, query, expected) in &views {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let q = QueueQuery::parse(&pairs).expect("a valid view");
        let expected = scalar(
            &database,
            &format!("SELECT COUNT(*) FROM applications WHERE {expected}"),
        )
        .await as u64;
        let first = Instant::now();
        let page = review::queue(&database, op, &q, today)
            .await
            .expect("the queue");
        let first = first.elapsed();
        assert_eq!(page.total, expected, "{label}: the view's lines");
        let shown = expected.saturating_sub((q.page - 1) * 50).min(50) as usize;
        assert_eq!(page.rows.len(), shown, "{label}: a page");
        let mut samples = Vec::with_capacity(CALLS);
        let started = Instant::now();
        while samples.len() < CALLS && (samples.len() < MIN_CALLS || started.elapsed() < BUDGET) {
            let t = Instant::now();
            let page = review::queue(&database, op, &q, today)
                .await
                .expect("the queue");
            samples.push(t.elapsed());
            assert_eq!(page.total, expected);
        }
        samples.sort_unstable();
        rows.push(format!(
            "| review queue page (services::review::queue), {label}, {what}, {n} applications | p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms ({} calls after a first of {:.0} ms; {} lines in the view) |",
            ms(percentile(&samples, 50.0)),
            ms(percentile(&samples, 99.0)),
            ms(samples.last().copied().unwrap_or_default()),
            samples.len(),
            ms(first),
            thousands(expected as i64),
        ));
    }

    // The application view with the operator's desk, on random applications.
    let mut rng = Rng::new(7);
    let mut samples = Vec::with_capacity(VIEWS);
    for _ in 0..VIEWS {
        let i = 1 + rng.below(usize::try_from(applications).expect("a count")) as i64;
        let id = i32::try_from(loaded.app_base + i).expect("an id");
        let t = Instant::now();
        let view = services::applications::view(&database, op, id, today)
            .await
            .expect("the application view");
        samples.push(t.elapsed());
        assert!(
            view.operator && view.desk.is_some() && !view.events.is_empty(),
            "the operator's view of {id}"
        );
    }
    samples.sort_unstable();
    rows.push(format!(
        "| application view with the operator's desk (services::applications::view), {what}, {n} applications | p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms ({} random applications) |",
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
        samples.len(),
    ));

    // The CSV export of the default view.
    let q = QueueQuery::parse(&[]).expect("the default view");
    let mut samples = Vec::with_capacity(EXPORTS);
    let mut bytes = 0;
    for _ in 0..EXPORTS {
        let t = Instant::now();
        let csv = review::queue_csv(&database, op, &q, today)
            .await
            .expect("the export");
        samples.push(t.elapsed());
        let lines = csv.lines().count() as i64;
        assert_eq!(lines, 1 + open.min(10_000), "a header and the lines");
        bytes = csv.len();
    }
    samples.sort_unstable();
    rows.push(format!(
        "| review queue CSV export (services::review::queue_csv), default view, {what}, {n} applications | p50 {:.0} ms · max {:.0} ms ({} exports of {} lines, {:.1} MiB) |",
        ms(percentile(&samples, 50.0)),
        ms(samples.last().copied().unwrap_or_default()),
        samples.len(),
        thousands(open.min(10_000)),
        bytes as f64 / 1_048_576.0,
    ));

    database.close().await.expect("closes");
    rows.push(format!(
        "| review queue benchmark, {what}, whole run | {:.0} s |",
        run_started.elapsed().as_secs_f64()
    ));
    rows
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Fewer applications for a quick look; the figure is for 1,000,000.
    let applications: i64 = std::env::var("BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(dir.path());
    let today = config.today();
    for row in run(
        &config.database_url,
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
        for row in run(&pg.url, "PostgreSQL", applications, today).await {
            println!("{row}");
        }
    }
}
