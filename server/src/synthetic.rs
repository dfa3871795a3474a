//! Synthetic data at national scale, for benchmarks and load tests (`server seed --synthetic`):
//! entrepreneurs with profiles in real settlements, their applications in every state with the
//! events of each, and recommendations by each okrug's akim, written with one `INSERT … SELECT`
//! per table so that a million applications take about a minute on SQLite and PostgreSQL.
//!
//! [`load`] adds an akim for every okrug of the KATO directory (2,385) and `users`
//! entrepreneurs, each with a profile in a settlement (every settlement and settlement-less
//! okrug gets some); `applications` applications of five sixths of them (the rest registered
//! and never applied), over every programme present, submitted over the 12 months before the
//! configured day, in a mix of states (10 % submitted, 10 % in review, 5 % asked for
//! information, 25 % approved, 25 % paid, 20 % rejected, 5 % withdrawn) with their submitted
//! form; the events of each (`submit`, then `start_review`, `request_info`, `approve` or
//! `reject`, `disburse`, `withdraw` as its state needs) at increasing times; and a
//! recommendation by the okrug's akim for about a fifth of them. The benches of the reports and
//! the queue build on the same SQL ([`Bulk`], [`STATES`], [`moments`]).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use app::ssr::db;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

/// Why a synthetic load stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// The database refused a statement.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// What was written is not what was meant (a defect of this module).
    #[error("synthetic load: {0}")]
    Check(&'static str),
}

fn check(ok: bool, what: &'static str) -> Result<(), SyntheticError> {
    if ok {
        Ok(())
    } else {
        Err(SyntheticError::Check(what))
    }
}

/// Runs a statement; the rows it changed.
pub async fn exec(db: &DatabaseConnection, sql: &str) -> Result<u64, DbErr> {
    Ok(db
        .execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .rows_affected())
}

/// The single integer a query returns (0 when none).
pub async fn scalar(db: &DatabaseConnection, sql: &str) -> Result<i64, DbErr> {
    Ok(db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or_default())
}

/// The share of each state, in per cent (cumulative bounds of `h % 100`), and its version.
pub const STATES: [(&str, i64, i32); 7] = [
    ("submitted", 10, 2),
    ("in_review", 20, 3),
    ("info_requested", 25, 4),
    ("approved", 50, 4),
    ("disbursed", 75, 5),
    ("rejected", 95, 4),
    ("withdrawn", 100, 3),
];

/// The dialect bits of the bulk load.
pub struct Bulk {
    pub backend: DatabaseBackend,
    /// Noon of the configured day in Kazakhstan (UTC+5), in UTC: every time is before it.
    pub anchor: String,
}

impl Bulk {
    /// `insert` fed by `select … FROM s rest`, where `select` and `rest` may use `i` = 1..=`n`
    /// (a 64-bit integer).
    pub fn series(&self, n: i64, insert: &str, select: &str, rest: &str) -> String {
        match self.backend {
            DatabaseBackend::Sqlite => format!(
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
                 {insert} {select} FROM s {rest}"
            ),
            _ => format!(
                "{insert} {select} FROM generate_series(CAST(1 AS BIGINT), {n}) AS s(i) {rest}"
            ),
        }
    }

    /// The moment `minutes` (an integer expression) before the anchor, as the column stores
    /// it: on SQLite the RFC 3339 text sqlx writes for a `DateTime<FixedOffset>`.
    pub fn ago(&self, minutes: &str) -> String {
        let anchor = &self.anchor;
        match self.backend {
            DatabaseBackend::Sqlite => format!(
                "strftime('%Y-%m-%dT%H:%M:%f+00:00', '{anchor}', '-' || ({minutes}) || ' minutes')"
            ),
            _ => format!(
                "(TIMESTAMPTZ '{anchor}+00' - make_interval(mins => CAST(({minutes}) AS INTEGER)))"
            ),
        }
    }

    /// The date two weeks after the moment `minutes` before the anchor.
    pub fn fortnight_after(&self, minutes: &str) -> String {
        let anchor = &self.anchor;
        match self.backend {
            DatabaseBackend::Sqlite => {
                format!("date('{anchor}', '-' || ({minutes}) || ' minutes', '+14 days')")
            }
            _ => format!("CAST({} + INTERVAL '14 days' AS DATE)", self.ago(minutes)),
        }
    }

    pub fn least(&self, a: &str, b: &str) -> String {
        match self.backend {
            DatabaseBackend::Sqlite => format!("MIN({a}, {b})"),
            _ => format!("LEAST({a}, {b})"),
        }
    }

    pub fn phone(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Sqlite => "'+7709' || printf('%07d', i)",
            _ => "'+7709' || lpad(i::text, 7, '0')",
        }
    }

    pub fn no(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Sqlite => "0",
            _ => "false",
        }
    }
}

/// A pseudo-random number of application `i`, for its state and whether it is recommended.
pub const H: &str = "((i * 48271) % 2147483647)";

/// `CASE` over the states of application `i`: `value(state)` for each.
pub fn by_state(value: impl Fn(&str) -> String) -> String {
    let mut out = String::from("CASE");
    for (state, upto, _) in &STATES[..STATES.len() - 1] {
        out.push_str(&format!(" WHEN {H} % 100 < {upto} THEN {}", value(state)));
    }
    out.push_str(&format!(" ELSE {} END", value(STATES[STATES.len() - 1].0)));
    out
}

/// Minutes before the anchor of application `i`'s steps: (submitted, review started, decided
/// or asked for information, paid). Submitted 1 hour to 365 days before; 1–7 days waiting,
/// 1–30 days in review, 1–15 days to the money, each at most a quarter of its age.
pub fn moments(b: &Bulk) -> (String, String, String, String) {
    let submitted = "(60 + (i * 7919) % 525600)".to_owned();
    let quarter = format!("({submitted} / 4)");
    let waiting = b.least("1440 * (1 + i % 7)", &quarter);
    let review = b.least("1440 * (1 + i % 30)", &quarter);
    let payment = b.least("1440 * (1 + i % 15)", &quarter);
    let reviewed = format!("({submitted} - {waiting})");
    let decided = format!("({reviewed} - {review})");
    let paid = format!("({decided} - {payment})");
    (submitted, reviewed, decided, paid)
}

/// Code and level of every location, by code.
pub async fn directory(db: &DatabaseConnection) -> Result<Vec<(String, i16)>, SyntheticError> {
    Ok(db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT code, level FROM locations ORDER BY code",
        ))
        .await?
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).unwrap_or_default(),
                r.try_get_by_index::<i16>(1).unwrap_or_default(),
            )
        })
        .collect())
}

/// One step of the bulk applications' history: an event for each application in `states`.
struct Event<'a> {
    step: &'a str,
    from: &'a str,
    to: &'a str,
    version: i32,
    actor: &'a str,
    role: &'a str,
    reason: &'a str,
    states: &'a [&'a str],
    /// Minutes before the anchor (an expression of `i`).
    at: &'a str,
}

impl<'a> Event<'a> {
    /// A step an operator takes (no account: a bulk operator is not needed by the reports).
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
            actor: "NULL",
            role: "operator",
            reason: "NULL",
            states,
            at,
        }
    }

    /// Taken by the applicant instead.
    fn applicant(self) -> Event<'a> {
        Event {
            actor: "user_id",
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
pub struct Loaded {
    pub okrugs: Vec<String>,
    pub districts: Vec<String>,
    pub regions: Vec<String>,
    pub events: i64,
    pub recommendations: i64,
    pub took: Duration,
}

/// The akims, the places, then one `INSERT … SELECT` per table (see the top of the file).
pub async fn load(
    db: &DatabaseConnection,
    users: i64,
    applications: i64,
    today: NaiveDate,
) -> Result<Loaded, SyntheticError> {
    let applicants = (users * 5 / 6).max(1);
    let b = Bulk {
        backend: db.get_database_backend(),
        anchor: format!("{today} 07:00:00"),
    };
    let started = Instant::now();
    let akim_of = insert_akims(db, &b).await?;
    let places_of_directory = directory(db).await?;
    let homes = homes(&places_of_directory, &akim_of);
    let p = homes.places.len() as i64;
    check(
        applicants >= p,
        "every place has an applicant (too few entrepreneurs)",
    )?;
    create_bench_places(db, &homes.places, &akim_of).await?;
    let user_base = insert_entrepreneurs(db, &b, users, p).await?;
    let app_base = insert_applications(db, &b, applications, applicants, user_base, p).await?;
    // The bulk applications, each with its `i` (1..=applications).
    let bulk = format!(
        "(SELECT id, user_id, state, CAST(id AS BIGINT) - {app_base} AS i FROM applications \
         WHERE id > {app_base}) a"
    );
    let events = insert_events(db, &b, &bulk).await?;
    let recommendations = insert_recommendations(db, &b, &bulk, applicants, p).await?;
    exec(db, "DROP TABLE bench_places").await?;
    settle(db, &b).await?;
    let took = started.elapsed();

    // A bulk profile reads back through the domain.
    let sample_user = i32::try_from(user_base + users / 2).unwrap_or_default();
    let profile = db::profiles::find(db, sample_user).await?;
    check(
        profile.is_some_and(|p| p.settlement.is_some()),
        "a bulk profile reads back through the domain",
    )?;

    Ok(Loaded {
        regions: places_of_directory
            .iter()
            .filter(|(_, level)| *level == 1)
            .map(|(c, _)| c.clone())
            .collect(),
        okrugs: homes.okrugs,
        districts: homes.districts,
        events: events as i64,
        recommendations: recommendations as i64,
        took,
    })
}

/// An akim for every okrug; returns each okrug's akim's id.
async fn insert_akims(
    db: &DatabaseConnection,
    b: &Bulk,
) -> Result<BTreeMap<String, i32>, SyntheticError> {
    let now = b.ago("0");
    let akims = exec(
        db,
        &format!(
            "INSERT INTO users (phone, email, password_hash, display_name, role, okrug_code, \
             organisation_id, demo, disabled_at, created_at, updated_at) \
             SELECT NULL, 'akim-' || code || '@bench.kz', 'bench', 'Аким ' || name_ru, 'akim', \
             code, NULL, {no}, NULL, {now}, {now} FROM locations WHERE level = 3",
            no = b.no(),
        ),
    )
    .await?;
    let akim_of: BTreeMap<String, i32> = db
        .query_all_raw(Statement::from_string(
            b.backend,
            "SELECT okrug_code, id FROM users WHERE role = 'akim' AND email LIKE 'akim-%@bench.kz'",
        ))
        .await?
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).unwrap_or_default(),
                r.try_get_by_index::<i32>(1).unwrap_or_default(),
            )
        })
        .collect();
    check(akim_of.len() as u64 == akims, "an akim per okrug")?;
    Ok(akim_of)
}

/// Where the bulk entrepreneurs live, out of the directory.
struct Homes {
    okrugs: Vec<String>,
    /// The districts that have okrugs.
    districts: Vec<String>,
    /// (place, its okrug), by place.
    places: Vec<(String, String)>,
}

/// The places people live in: every settlement of an okrug, and the okrugs that have no
/// settlements of their own (towns; the profile accepts an okrug's code). The 77 settlements
/// outside every okrug of the directory (directly under a district, or under an okrug code it
/// lacks) are left out: `touch_all` marks no row that would count them.
fn homes(directory: &[(String, i16)], akim_of: &BTreeMap<String, i32>) -> Homes {
    let okrugs: Vec<String> = directory
        .iter()
        .filter(|(_, level)| *level == 3)
        .map(|(c, _)| c.clone())
        .collect();
    let districts: Vec<String> = directory
        .iter()
        .filter(|(c, level)| *level == 2 && okrugs.iter().any(|o| o[..4] == c[..4]))
        .map(|(c, _)| c.clone())
        .collect();
    let mut places: Vec<(String, String)> = directory
        .iter()
        .filter(|(c, level)| *level == 4 && akim_of.contains_key(&format!("{}000", &c[..6])))
        .map(|(c, _)| (c.clone(), format!("{}000", &c[..6])))
        .collect();
    let settled: BTreeSet<&str> = places.iter().map(|p| p.1.as_str()).collect();
    let bare: Vec<String> = okrugs
        .iter()
        .filter(|o| !settled.contains(o.as_str()))
        .cloned()
        .collect();
    places.extend(bare.iter().map(|o| (o.clone(), o.clone())));
    places.sort();
    Homes {
        okrugs,
        districts,
        places,
    }
}

/// The places as a work table, numbered from 0, with their okrug's akim, for the statements
/// below to join.
async fn create_bench_places(
    db: &DatabaseConnection,
    places: &[(String, String)],
    akim_of: &BTreeMap<String, i32>,
) -> Result<(), SyntheticError> {
    exec(
        db,
        "CREATE TABLE bench_places (k INTEGER PRIMARY KEY, code VARCHAR(9) NOT NULL, \
         okrug VARCHAR(9) NOT NULL, akim INTEGER NOT NULL)",
    )
    .await?;
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
        .await?;
    }
    Ok(())
}

/// Entrepreneurs, user k (from 0) living in place k % p, with their profiles; returns the
/// largest user id before them.
async fn insert_entrepreneurs(
    db: &DatabaseConnection,
    b: &Bulk,
    users: i64,
    p: i64,
) -> Result<i64, SyntheticError> {
    let user_base = scalar(db, "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM users").await?;
    let users_sql = b.series(
        users,
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
    check(exec(db, &users_sql).await? == users as u64, "users")?;
    check(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM users WHERE role = 'entrepreneur' AND id > {user_base} \
                 AND id <= {}",
                user_base + users
            ),
        )
        .await?
            == users,
        "the bulk users' ids are consecutive",
    )?;
    let profiles = exec(
        db,
        &format!(
            "INSERT INTO profiles (user_id, data, iin, settlement_code, created_at, updated_at) \
             SELECT u.id, '{{\"full_name\":\"' || u.display_name || '\",\"settlement\":\"' || \
             p.code || '\"}}', NULL, p.code, u.created_at, u.created_at \
             FROM users u CROSS JOIN bench_places p \
             WHERE u.id > {user_base} AND u.id <= {last} AND p.k = (u.id - {user_base} - 1) % {p}",
            last = user_base + users,
        ),
    )
    .await?;
    check(profiles == users as u64, "profiles")?;
    Ok(user_base)
}

/// Applications: application i by applicant i % applicants, in that applicant's place; returns
/// the largest application id before them.
async fn insert_applications(
    db: &DatabaseConnection,
    b: &Bulk,
    applications: i64,
    applicants: i64,
    user_base: i64,
    p: i64,
) -> Result<i64, SyntheticError> {
    let app_base = scalar(
        db,
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM applications",
    )
    .await?;
    let program = program_case(db, b).await?;
    let (submitted, reviewed, decided, paid) = moments(b);
    let state = by_state(|s| format!("'{s}'"));
    let version = by_state(|s| {
        let v = STATES.iter().find(|x| x.0 == s).map_or(1, |x| x.2);
        v.to_string()
    });
    let updated = by_state(|s| {
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
         settlement_code, open_key, created_at, updated_at, submitted_at, decided_at)",
        &format!(
            "SELECT {user_base} + 1 + i % {applicants}, {program}, {state}, {version}, {data}, \
             {amount}, p.code, NULL, {created_at}, {updated}, {submitted_at}, {decided_at}",
            created_at = b.ago(&format!("{submitted} + 60")),
            submitted_at = b.ago(&submitted),
        ),
        &format!("CROSS JOIN bench_places p WHERE p.k = (i % {applicants}) % {p}"),
    );
    check(
        exec(db, &apps).await? == applications as u64,
        "applications",
    )?;
    Ok(app_base)
}

/// `CASE` giving application `i` a programme, round-robin over every programme present.
async fn program_case(db: &DatabaseConnection, b: &Bulk) -> Result<String, SyntheticError> {
    let program_ids: Vec<i32> = db
        .query_all_raw(Statement::from_string(
            b.backend,
            "SELECT id FROM programs ORDER BY id",
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get_by_index::<i32>(0).ok())
        .collect();
    Ok(format!(
        "CASE i % {} {} END",
        program_ids.len(),
        program_ids
            .iter()
            .enumerate()
            .map(|(k, id)| format!("WHEN {k} THEN {id}"))
            .collect::<Vec<_>>()
            .join(" ")
    ))
}

/// Events of the `bulk` applications, one statement per step; returns how many.
async fn insert_events(
    db: &DatabaseConnection,
    b: &Bulk,
    bulk: &str,
) -> Result<u64, SyntheticError> {
    let (submitted, reviewed, decided, paid) = moments(b);
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
        events += exec(db, &event_sql(b, &e, bulk)).await?;
    }
    Ok(events)
}

/// The statement that writes step `e` for each `bulk` application in its states.
fn event_sql(b: &Bulk, e: &Event<'_>, bulk: &str) -> String {
    let states = e
        .states
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO application_events (application_id, version, step, from_state, \
         to_state, actor_user_id, actor_role, reason, data, at) \
         SELECT id, {version}, '{step}', '{from}', '{to}', {actor}, '{role}', {reason}, \
         '{{}}', {at} FROM {bulk} WHERE state IN ({states})",
        version = e.version,
        step = e.step,
        from = e.from,
        to = e.to,
        actor = e.actor,
        role = e.role,
        reason = e.reason,
        at = b.ago(e.at),
    )
}

/// About one application in five recommended (or not) by its okrug's akim, before review;
/// returns how many.
async fn insert_recommendations(
    db: &DatabaseConnection,
    b: &Bulk,
    bulk: &str,
    applicants: i64,
    p: i64,
) -> Result<u64, SyntheticError> {
    let (submitted, reviewed, _, _) = moments(b);
    Ok(exec(
        db,
        &format!(
            "INSERT INTO recommendations (application_id, version, author_user_id, author_role, \
             okrug_code, verdict, reasons, text, relationship, relationship_note, created_at) \
             SELECT a.id, 1, p.akim, 'akim', p.okrug, CASE WHEN ({H} / 100) % 4 = 0 \
             THEN 'do_not_recommend' ELSE 'recommend' END, \
             '[\"known_to_akimat\",\"local_demand\"]', NULL, 'none', NULL, {at} \
             FROM {bulk} CROSS JOIN bench_places p \
             WHERE p.k = (a.i % {applicants}) % {p} AND ({H} / 7) % 5 = 0",
            at = b.ago(&format!("({submitted} + {reviewed}) / 2")),
        ),
    )
    .await?)
}

/// Leaves the database as a long-running one of this size would be before the timed part.
async fn settle(db: &DatabaseConnection, b: &Bulk) -> Result<(), SyntheticError> {
    match b.backend {
        // Statistics, as autovacuum would have gathered on a database of this size.
        DatabaseBackend::Postgres => {
            exec(db, "ANALYZE").await?;
        }
        // Start the timed part with an empty write-ahead log.
        _ => {
            exec(db, "PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
    }
    Ok(())
}
