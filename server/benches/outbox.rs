//! Freshness (a programme edit's commit to its visibility in search, embedded engine) and the
//! search outbox's drain rate, on SQLite and, when `BENCH_DATABASE_URL` names a PostgreSQL admin
//! URL, on PostgreSQL. Run by `make bench`; prints Markdown table rows.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::search::SearchQuery;
use app::ssr::config::Config;
use app::ssr::db::{self, TestDatabase};
use app::ssr::search::SearchIndex;
use app::ssr::search::embedded::EmbeddedIndex;
use app::ssr::services::indexer::{self, Wake};
use app::ssr::services::{programs, seed};
use app::ssr::workers;

const EDITS: usize = 200;
const DRAIN_ROWS: usize = 10_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Edits a programme's title `EDITS` times through the service (the operator's path) and
/// measures how long each edit takes to show in search, with the real workers running.
async fn freshness(dir: &std::path::Path) -> (Duration, Duration) {
    std::fs::create_dir_all(dir).expect("dir");
    let mut config = Config::for_tests(dir);
    config.outbox_poll = Duration::from_millis(1000);
    let database = db::connect(&config.database_url).await.expect("connects");
    db::migrate(&database).await.expect("migrates");
    seed::ensure_reference_data(&database)
        .await
        .expect("reference data");
    seed::ensure_demo(&database).await.expect("demo");
    let indexes = Arc::new(
        server::open_indexes(&config, &database, server::CatchUp::Yes)
            .await
            .expect("indexes"),
    );
    let wake = Wake::default();
    workers::spawn(
        database.clone(),
        indexes.clone(),
        &wake,
        Arc::new(config.clone()),
        app::ssr::services::messages::Courier {
            mailer: Arc::new(app::ssr::mail::LogMailer),
            sms: Arc::new(app::ssr::sms::LogGateway),
            daily_per_phone: 10,
            monthly_limit: None,
        },
    );
    let today = config.today();
    let mut program = seed::demo_file()
        .expect("demo")
        .programs
        .into_iter()
        .find(|p| p.slug.as_str() == "ken-dala-2026")
        .expect("ken dala");
    let mut samples = Vec::with_capacity(EDITS);
    for i in 0..EDITS {
        // A word no other programme has, different each time.
        let marker = format!("метка{i:04}");
        program.title_ru = format!("«Кең дала» 2026 {marker}");
        programs::update(&database, &wake, "ken-dala-2026", &program)
            .await
            .expect("updates");
        let committed = Instant::now();
        let query = SearchQuery {
            text: marker.clone(),
            ..SearchQuery::default()
        };
        loop {
            let found = indexes
                .embedded
                .search(&query, today)
                .await
                .expect("searches");
            if found.hits.iter().any(|h| h.title_ru.ends_with(&marker)) {
                break;
            }
            assert!(
                committed.elapsed() < Duration::from_secs(10),
                "edit {i} never showed"
            );
            tokio::task::yield_now().await;
        }
        samples.push(committed.elapsed());
    }
    samples.sort_unstable();
    (percentile(&samples, 50.0), percentile(&samples, 99.0))
}

/// Seeds `DRAIN_ROWS` programmes (one outbox row each) and times an embedded index applying
/// them all through the outbox, in the workers' batch size.
async fn drain_rate(url: &str, dir: &std::path::Path) -> f64 {
    let database = db::connect(url).await.expect("connects");
    db::migrate(&database).await.expect("migrates");
    seed::ensure_reference_data(&database)
        .await
        .expect("reference data");
    seed::synthetic(&database, DRAIN_ROWS).await.expect("seeds");
    let index = EmbeddedIndex::open(dir).expect("opens");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    let started = Instant::now();
    let mut rows = 0;
    loop {
        let n = indexer::follow(&database, &index, today, 500)
            .await
            .expect("follows");
        if n == 0 {
            break;
        }
        rows += n;
    }
    let rate = rows as f64 / started.elapsed().as_secs_f64();
    assert_eq!(index.count().await.expect("counts"), DRAIN_ROWS as u64);
    database.close().await.expect("closes");
    rate
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (p50, p99) = freshness(&dir.path().join("fresh")).await;
    println!(
        "| freshness: programme edit committed → visible in search (embedded, {EDITS} edits) | p50 {:.1} ms · p99 {:.1} ms |",
        ms(p50),
        ms(p99)
    );

    let sqlite_dir = dir.path().join("drain-sqlite");
    std::fs::create_dir_all(&sqlite_dir).expect("dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        sqlite_dir.join("bench.db").display()
    );
    let rate = drain_rate(&url, &sqlite_dir.join("search")).await;
    println!(
        "| outbox drain into the embedded index, SQLite ({DRAIN_ROWS} rows) | {rate:.0} rows/s |"
    );

    if let Ok(admin) = std::env::var("BENCH_DATABASE_URL") {
        let pg = TestDatabase::create(&admin)
            .await
            .expect("creates a database");
        let rate = drain_rate(&pg.url, &dir.path().join("drain-pg")).await;
        println!(
            "| outbox drain into the embedded index, PostgreSQL ({DRAIN_ROWS} rows) | {rate:.0} rows/s |"
        );
    }
}
