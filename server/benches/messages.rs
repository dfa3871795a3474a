//! The message outbox's drain rate with 1,000,000 rows in it, on SQLite and, when
//! `BENCH_DATABASE_URL` names a PostgreSQL admin URL, on PostgreSQL. Run by `make bench`;
//! prints Markdown table rows.
//!
//! Each backend gets a bulk load of 1,000,000 messages already delivered (a year of history:
//! what the claim's indexes must see past) and `PENDING` SMS waiting, then the delivery worker
//! (`services::messages::deliver_due`, the code the app runs) drains them through the real
//! Mobizon adapter to an HTTP stub answering as Mobizon's documentation shows (the adapter's
//! own fixture), with one worker and then with two at once (two app instances).

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::ssr::db::{self, TestDatabase};
use app::ssr::mail::LogMailer;
use app::ssr::services::messages::{self, Courier};
use app::ssr::sms::mobizon::Mobizon;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/common.rs"]
mod common;
use common::{exec, scalar, thousands};

/// Delivered messages already in the outbox.
const HISTORY: i64 = 1_000_000;
/// SMS waiting to be drained, per run.
const PENDING: i64 = 5_000;

/// Mobizon's answer to a send, from the adapter's fixture (its source is in the fixture's
/// folder).
const SENT: &str = include_str!("../../app/src/ssr/sms/fixtures/mobizon/send_success.json");

fn rows(backend: DatabaseBackend, n: i64, state: &str, offset: i64) -> String {
    let columns = "INSERT INTO messages (user_id, application_id, fallback_user_id, channel, \
                   recipient, template, params, lang, urgency, subject, body, secret, \
                   unsubscribe_url, state, attempts, next_attempt_at, lease_owner, lease_until, \
                   provider, provider_id, segments, cost_tiyn, last_error, created_at, sent_at, \
                   finished_at, updated_at)";
    let (series, now, phone) = match backend {
        DatabaseBackend::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})"
            ),
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-1 minutes')",
            format!("'+7701' || printf('%07d', i + {offset})"),
        ),
        _ => (
            String::new(),
            "(now() - interval '1 minute')",
            format!("'+7701' || lpad((i + {offset})::text, 7, '0')"),
        ),
    };
    let done = state == "delivered";
    let select = format!(
        "SELECT NULL, NULL, NULL, 'sms', {phone}, 'transition', '{{}}', 'kk', 'urgent', '', \
         '№1234567 өтінім: Мәліметтер сұралды. auyl.kz', {f}, NULL, '{state}', {attempts}, \
         {next}, NULL, NULL, {provider}, {provider_id}, 1, NULL, NULL, {now}, {sent}, {sent}, {now}",
        f = if backend == DatabaseBackend::Sqlite {
            "0"
        } else {
            "false"
        },
        attempts = i32::from(done),
        next = if done { "NULL" } else { now },
        provider = if done { "'mobizon'" } else { "NULL" },
        provider_id = if done { "'1'" } else { "NULL" },
        sent = if done { now } else { "NULL" },
    );
    match backend {
        DatabaseBackend::Sqlite => format!("{series} {columns} {select} FROM n"),
        _ => format!("{columns} {select} FROM generate_series(1, {n}) AS n(i)"),
    }
}

async fn drain(db: &DatabaseConnection, courier: &Courier, workers: usize) -> (Duration, i64) {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (db, courier) = (db.clone(), courier.clone());
        tasks.push(tokio::spawn(async move {
            let owner = format!("bench-{w}");
            let mut handled = 0;
            loop {
                let n = messages::deliver_due(&db, &courier, &owner)
                    .await
                    .expect("delivers");
                if n == 0 {
                    return handled;
                }
                handled += n;
            }
        }));
    }
    let mut handled = 0;
    for t in tasks {
        handled += t.await.expect("worker");
    }
    (start.elapsed(), handled as i64)
}

async fn run(name: &str, db: &DatabaseConnection, courier: &Courier) {
    db::migrate(db).await.expect("migrates");
    let backend = db.get_database_backend();
    let loaded = Instant::now();
    for chunk in 0..(HISTORY / 100_000) {
        exec(db, &rows(backend, 100_000, "delivered", chunk * 100_000)).await;
    }
    let load = loaded.elapsed();
    for workers in [1, 2] {
        exec(db, &rows(backend, PENDING, "pending", HISTORY)).await;
        let (took, handled) = drain(db, courier, workers).await;
        let left = scalar(
            db,
            "SELECT COUNT(*) FROM messages WHERE state = 'pending' OR state = 'sending'",
        )
        .await;
        assert_eq!(left, 0, "drained");
        assert_eq!(handled, PENDING, "each message handled once");
        let rate = handled as f64 / took.as_secs_f64();
        println!(
            "| message outbox drain, {workers} worker{s}, {hist} rows in the outbox ({name}) | {rate:.0} SMS/s ({pending} SMS in {secs:.1} s, through the Mobizon adapter to an HTTP stub; bulk load {load:.0} s) |",
            s = if workers == 1 { "" } else { "s" },
            hist = thousands(HISTORY + PENDING * i64::try_from(workers).unwrap_or(1)),
            pending = thousands(PENDING),
            secs = took.as_secs_f64(),
            load = load.as_secs_f64(),
        );
    }
}

#[tokio::main]
async fn main() {
    let stub = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(SENT))
        .mount(&stub)
        .await;
    let gateway = Mobizon::new(
        &stub.uri(),
        "bench-key-0123456789",
        Some("AuylBiz"),
        Duration::from_secs(5),
    )
    .expect("gateway");
    let courier = Courier {
        mailer: Arc::new(LogMailer),
        sms: Arc::new(gateway),
        // Every phone is different here; the cap is not what is measured.
        daily_per_phone: 1_000,
        monthly_limit: Some(100_000_000),
    };
    let dir = tempfile::tempdir().expect("dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let sqlite = db::connect(&url).await.expect("sqlite");
    run("SQLite", &sqlite, &courier).await;
    if let Ok(admin) = std::env::var("BENCH_DATABASE_URL")
        && !admin.is_empty()
    {
        let pg = TestDatabase::create(&admin).await.expect("postgres");
        let database = db::connect(&pg.url).await.expect("connects");
        run("PostgreSQL", &database, &courier).await;
    }
}
