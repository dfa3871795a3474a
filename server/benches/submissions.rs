//! Durable submissions per second (issue 6) with 1,000,000 existing applications, on SQLite
//! and, when `BENCH_DATABASE_URL` names a PostgreSQL admin URL, on PostgreSQL. Run by
//! `make bench`; prints Markdown table rows.
//!
//! Each backend gets the demo catalogue, an operator and an org admin of the programme's
//! organisation (so every submission notifies two staff, as it would in production), and a
//! bulk load made of one `INSERT … SELECT` per table: 100,000 entrepreneurs, 1,000,000
//! applications over them and every demo programme, a `submit` event for each and a decision
//! event for each decided one. Then complete drafts are prepared through the services and only
//! the submissions are timed: `services::applications::step(…, Step::Submit, …)`, each one
//! transaction (version-checked update, event, notices) committed durably: SQLite in WAL mode
//! with `synchronous=FULL` as `db::connect` opens it, PostgreSQL with its default `fsync` and
//! `synchronous_commit`.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::account::{Login, Principal, Role, Scope};
use app::domain::application::Step;
use app::domain::application::form::field;
use app::ssr::config::Config;
use app::ssr::db::{self, TestDatabase, accounts};
use app::ssr::services::applications::{self, Notifier, StepInput};
use app::ssr::services::seed;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

#[path = "support/common.rs"]
mod common;
use common::{exec, ms, percentile, scalar, thousands};

/// Bulk entrepreneurs the existing applications belong to.
const USERS: i64 = 100_000;
/// Submissions timed from `TASKS` concurrent tasks.
const SUBMISSIONS: usize = 400;
/// Submissions timed one at a time, after the concurrent run.
const SEQUENTIAL: usize = 100;
const TASKS: usize = 8;
/// Takes applications on 2026-11-27 and has a term; agrocredit's.
const PROGRAM: &str = "auyl-amanaty-microcredit";
const ORGANISATION: &str = "agrocredit";

fn notifier() -> Notifier<'static> {
    Notifier {
        public_url: "http://127.0.0.1",
    }
}

/// The dialect bits of the bulk load.
struct Bulk {
    backend: DatabaseBackend,
}

impl Bulk {
    /// `insert` fed by `select`, which may use `i` = 1..=`n`.
    fn series(&self, n: i64, insert: &str, select: &str) -> String {
        match self.backend {
            DatabaseBackend::Sqlite => format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
                 {insert} {select} FROM n"
            ),
            _ => format!("{insert} {select} FROM generate_series(1, {n}) AS n(i)"),
        }
    }

    /// The moment `minutes` (an integer expression) before now, as the column stores it:
    /// on SQLite the RFC 3339 text sqlx writes for a `DateTime<FixedOffset>`.
    fn ago(&self, minutes: &str) -> String {
        match self.backend {
            DatabaseBackend::Sqlite => format!(
                "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-' || ({minutes}) || ' minutes')"
            ),
            _ => format!("(now() - make_interval(mins => ({minutes})::int))"),
        }
    }

    fn phone(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Sqlite => "'+7709' || printf('%07d', i)",
            _ => "'+7709' || lpad(i::text, 7, '0')",
        }
    }

    fn no(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Sqlite => "0",
            _ => "false",
        }
    }
}

/// What the bulk load made.
struct Loaded {
    applications: i64,
    events: i64,
    took: Duration,
    /// A bulk application and its applicant, to read back through the service.
    sample: (i32, i32),
}

/// One `INSERT … SELECT` per table: `USERS` entrepreneurs, `existing` applications spread
/// over them and over every programme, a `submit` event for each and a decision event for
/// each decided one. States by `i % 20`: 20 % submitted, 15 % in review, 30 % approved,
/// 20 % rejected, 15 % disbursed; one application a minute, the latest a month ago, each
/// decided 1–30 days after its submission.
async fn bulk_load(db: &DatabaseConnection, existing: i64) -> Loaded {
    let b = Bulk {
        backend: db.get_database_backend(),
    };
    let started = Instant::now();
    let user_base = scalar(db, "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM users").await;
    let app_base = scalar(
        db,
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM applications",
    )
    .await;
    let users_ts = b.ago("i");
    let users = b.series(
        USERS,
        "INSERT INTO users (phone, email, password_hash, display_name, role, okrug_code, \
         organisation_id, demo, disabled_at, created_at, updated_at)",
        &format!(
            "SELECT {phone}, NULL, 'bench', 'Кәсіпкер ' || i, 'entrepreneur', NULL, NULL, {no}, \
             NULL, {users_ts}, {users_ts}",
            phone = b.phone(),
            no = b.no(),
        ),
    );
    assert_eq!(exec(db, &users).await, USERS as u64, "users");
    assert_eq!(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM users WHERE role = 'entrepreneur' AND id > {user_base} \
                 AND id <= {}",
                user_base + USERS
            ),
        )
        .await,
        USERS,
        "the bulk users' ids are consecutive"
    );

    let program_ids: Vec<i32> = db
        .query_all_raw(Statement::from_string(
            b.backend,
            "SELECT id FROM programs ORDER BY id",
        ))
        .await
        .expect("programmes")
        .iter()
        .map(|r| r.try_get_by_index::<i32>(0).expect("id"))
        .collect();
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
    let state = "CASE WHEN i % 20 < 4 THEN 'submitted' WHEN i % 20 < 7 THEN 'in_review' \
                 WHEN i % 20 < 13 THEN 'approved' WHEN i % 20 < 17 THEN 'rejected' \
                 ELSE 'disbursed' END";
    let version = "CASE WHEN i % 20 < 4 THEN 2 WHEN i % 20 < 7 THEN 3 \
                   WHEN i % 20 < 17 THEN 4 ELSE 5 END";
    // Minutes before now: created, submitted an hour later, decided 1-30 days after that.
    let created = format!("({existing} - i + 44640)");
    let submitted = format!("({created} - 60)");
    let decided = format!("({submitted} - 1440 * (1 + i % 30))");
    let decided_at = format!(
        "CASE WHEN i % 20 < 7 THEN NULL ELSE {} END",
        b.ago(&decided)
    );
    let updated_at = format!(
        "CASE WHEN i % 20 < 7 THEN {} ELSE {} END",
        b.ago(&submitted),
        b.ago(&decided)
    );
    let apps = b.series(
        existing,
        "INSERT INTO applications (user_id, program_id, state, version, data, amount_kzt, \
         settlement_code, open_key, created_at, updated_at, submitted_at, decided_at)",
        &format!(
            "SELECT {user_base} + 1 + i % {USERS}, {program}, {state}, {version}, '{{}}', \
             500000 + 100000 * (i % 50), NULL, NULL, {created_at}, {updated_at}, \
             {submitted_at}, {decided_at}",
            created_at = b.ago(&created),
            submitted_at = b.ago(&submitted),
        ),
    );
    assert_eq!(exec(db, &apps).await, existing as u64, "applications");

    let submits = exec(
        db,
        &format!(
            "INSERT INTO application_events (application_id, version, step, from_state, \
             to_state, actor_user_id, actor_role, reason, data, at) \
             SELECT id, 2, 'submit', 'draft', 'submitted', user_id, 'entrepreneur', NULL, \
             '{{}}', submitted_at FROM applications WHERE id > {app_base}"
        ),
    )
    .await;
    let decisions = exec(
        db,
        &format!(
            "INSERT INTO application_events (application_id, version, step, from_state, \
             to_state, actor_user_id, actor_role, reason, data, at) \
             SELECT id, 4, CASE WHEN state = 'rejected' THEN 'reject' ELSE 'approve' END, \
             'in_review', CASE WHEN state = 'rejected' THEN 'rejected' ELSE 'approved' END, \
             NULL, 'operator', NULL, '{{}}', decided_at \
             FROM applications WHERE id > {app_base} AND decided_at IS NOT NULL"
        ),
    )
    .await;
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
    let sample_id = i32::try_from(app_base + existing / 2).expect("id");
    let sample_user = scalar(
        db,
        &format!("SELECT CAST(user_id AS BIGINT) FROM applications WHERE id = {sample_id}"),
    )
    .await;
    Loaded {
        applications: existing,
        events: (submits + decisions) as i64,
        took,
        sample: (sample_id, i32::try_from(sample_user).expect("user id")),
    }
}

async fn person(
    db: &DatabaseConnection,
    login: &str,
    name: &str,
    role: Role,
    scope: Scope,
) -> Principal {
    let parsed = Login::parse("login", login).expect("login");
    let user_id = accounts::insert_user(
        db,
        accounts::NewUser {
            login: &parsed,
            password_hash: "not-a-hash".into(),
            display_name: name,
            role,
            scope: &scope,
            demo: false,
        },
    )
    .await
    .expect("user");
    Principal {
        user_id,
        role,
        scope,
        display_name: name.into(),
    }
}

fn to_save(pairs: &[(String, String)]) -> app::domain::application::form::SaveDraft {
    app::domain::application::form::SaveDraft::from_pairs(pairs).expect("the draft's own fields")
}

fn complete() -> Vec<(String, String)> {
    [
        (field::AMOUNT, "1000000"),
        (field::TERM, "24"),
        (field::PURPOSE, "Покупка двух нетелей"),
        (field::PLAN_ACTIVITY, "Молочная ферма на 4 коровы"),
        (field::PLAN_COSTS, "1200000"),
        (field::PLAN_REVENUE, "1800000"),
        (field::PLAN_JOBS, "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A new entrepreneur's complete draft of `PROGRAM`: (who, id, version).
async fn draft(db: &DatabaseConnection, n: usize, today: NaiveDate) -> (Principal, i32, i32) {
    let who = person(
        db,
        &format!("bench-{n}@example.kz"),
        &format!("Өтініш беруші {n}"),
        Role::Entrepreneur,
        Scope::None,
    )
    .await;
    let id = applications::open(db, Some(&who), PROGRAM, today)
        .await
        .expect("opens");
    let version = applications::save_draft(db, Some(&who), id, 1, &to_save(&complete()))
        .await
        .expect("saves");
    (who, id, version)
}

/// Submits every draft from `tasks` concurrent tasks; the wall time and each submission's
/// latency, sorted.
async fn submit_all(
    db: &DatabaseConnection,
    drafts: Vec<(Principal, i32, i32)>,
    tasks: usize,
    today: NaiveDate,
) -> (Duration, Vec<Duration>) {
    let queue = Arc::new(std::sync::Mutex::new(drafts));
    let started = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (db, queue) = (db.clone(), queue.clone());
        running.spawn(async move {
            let mut samples = Vec::new();
            loop {
                let next = queue.lock().expect("queue").pop();
                let Some((who, id, version)) = next else {
                    break;
                };
                let t = Instant::now();
                let v = applications::step(
                    &db,
                    &notifier(),
                    Some(&who),
                    id,
                    version,
                    Step::Submit,
                    &StepInput::default(),
                    today,
                )
                .await
                .expect("submits");
                samples.push(t.elapsed());
                assert_eq!(v, version + 1);
            }
            samples
        });
    }
    let mut samples = Vec::new();
    while let Some(done) = running.join_next().await {
        samples.extend(done.expect("task"));
    }
    let wall = started.elapsed();
    samples.sort_unstable();
    (wall, samples)
}

/// Everything on one database; returns the rows to print.
async fn run(url: &str, what: &str, existing: i64, today: NaiveDate) -> Vec<String> {
    let database = db::connect(url).await.expect("connects");
    db::migrate(&database).await.expect("migrates");
    seed::ensure_reference_data(&database)
        .await
        .expect("reference data");
    seed::ensure_demo(&database).await.expect("demo");
    let organisation = db::catalog::organisation_ids(&database)
        .await
        .expect("organisations")[ORGANISATION];
    for (login, role) in [
        ("operator@agrocredit.bench", Role::Operator),
        ("admin@agrocredit.bench", Role::OrgAdmin),
    ] {
        person(
            &database,
            login,
            "Сотрудник",
            role,
            Scope::Organisation(organisation),
        )
        .await;
    }

    let loaded = bulk_load(&database, existing).await;
    // The bulk rows read back through the service: timestamps, the estimate from decisions.
    let (sample, owner) = loaded.sample;
    let reader = Principal {
        user_id: owner,
        role: Role::Entrepreneur,
        scope: Scope::None,
        display_name: String::new(),
    };
    let view = applications::view(&database, Some(&reader), sample, today)
        .await
        .expect("a bulk application reads back");
    assert!(view.mine && !view.events.is_empty());
    assert!(
        view.estimate.is_some(),
        "decided bulk rows give an estimate"
    );

    let mut drafts = Vec::with_capacity(SUBMISSIONS + SEQUENTIAL);
    for n in 0..SUBMISSIONS + SEQUENTIAL {
        drafts.push(draft(&database, n, today).await);
    }
    let sequential = drafts.split_off(SUBMISSIONS);
    let (wall, concurrent) = submit_all(&database, drafts, TASKS, today).await;
    let (one_wall, one) = submit_all(&database, sequential, 1, today).await;

    let notified = scalar(
        &database,
        "SELECT COUNT(*) FROM notifications WHERE event_id IS NOT NULL",
    )
    .await;
    assert_eq!(
        notified,
        2 * (SUBMISSIONS + SEQUENTIAL) as i64,
        "each submission notified both staff"
    );
    database.close().await.expect("closes");

    let n = thousands(loaded.applications);
    vec![
        format!(
            "| durable submissions, {what}, {n} existing applications, {TASKS} concurrent | {:.0} submissions/s · p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms ({SUBMISSIONS} submissions, each notifying 2 staff; bulk load of {} users, {n} applications, {} events: {:.0} s) |",
            SUBMISSIONS as f64 / wall.as_secs_f64(),
            ms(percentile(&concurrent, 50.0)),
            ms(percentile(&concurrent, 99.0)),
            ms(concurrent.last().copied().unwrap_or_default()),
            thousands(USERS),
            thousands(loaded.events),
            loaded.took.as_secs_f64(),
        ),
        format!(
            "| durable submissions, {what}, same database, one at a time | {:.0} submissions/s · p50 {:.1} ms · p99 {:.1} ms ({SEQUENTIAL} submissions) |",
            SEQUENTIAL as f64 / one_wall.as_secs_f64(),
            ms(percentile(&one, 50.0)),
            ms(percentile(&one, 99.0)),
        ),
    ]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Fewer existing applications for a quick look; the figure is for 1,000,000.
    let existing: i64 = std::env::var("BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(dir.path());
    // 2026-11-27: the programme takes applications.
    let today = config.today();
    for row in run(
        &config.database_url,
        "SQLite (WAL, synchronous=FULL)",
        existing,
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
        for row in run(
            &pg.url,
            "PostgreSQL (fsync, synchronous_commit on)",
            existing,
            today,
        )
        .await
        {
            println!("{row}");
        }
    }
}
