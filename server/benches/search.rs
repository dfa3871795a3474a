//! Embedded search latency at 10,000 synthetic programmes, over a fixed mix of queries.
//! Run by `make bench`; prints one Markdown table row per figure.
//!
//! The catalogue goes through the real pipeline: SQLite, the seeding service, the indexer,
//! and searches through the catalogue service (the same call the pages and the API make).

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use app::domain::search::SearchQuery;
use app::ssr::db;
use app::ssr::search::embedded::EmbeddedIndex;
use app::ssr::services::{catalog, indexer, seed};
use chrono::NaiveDate;

/// Realistic queries: words, Kazakh names without Kazakh letters, typos, synonyms, filters,
/// sorts, deep pages, and the empty query of a first visit.
const MIX: &[&str] = &[
    "",
    "q=кредит",
    "q=микрокредит+на+скот",
    "q=кен+дала",
    "q=аманат",
    "q=амонаты",
    "q=кердит",
    "q=теплица",
    "q=грант+молодежь",
    "q=переработка+молока",
    "q=пасека",
    "q=лизинг+трактора",
    "q=микрозайм",
    "q=КРС",
    "q=субсидия&kind=rate_subsidy",
    "q=ферма&region=610000000",
    "kind=microcredit&sort=amount",
    "sector=livestock&region=390000000&sort=rate",
    "q=бизнес&sort=deadline&page=5",
    "q=сельский+магазин&per_page=50",
];

const ROUNDS: usize = 30;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("BENCH_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = db::connect(&format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("connects");
    db::migrate(&database).await.expect("migrates");
    seed::ensure_reference_data(&database)
        .await
        .expect("reference data");
    let started = Instant::now();
    seed::synthetic(&database, n).await.expect("seeds");
    let seeded = started.elapsed();
    let index = EmbeddedIndex::open(&dir.path().join("search")).expect("opens");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    let started = Instant::now();
    let indexed = indexer::reindex(&database, &index, today, &|_, _| {})
        .await
        .expect("indexes");
    let reindex = started.elapsed();

    let queries: Vec<SearchQuery> = MIX
        .iter()
        .map(|q| SearchQuery::from_query_string(q).expect("valid query"))
        .collect();
    for q in &queries {
        catalog::search(&index, q, today)
            .await
            .expect("warm-up search");
    }
    let mut samples = Vec::with_capacity(queries.len() * ROUNDS);
    let total = Instant::now();
    for _ in 0..ROUNDS {
        for q in &queries {
            let t = Instant::now();
            let results = catalog::search(&index, q, today).await.expect("search");
            samples.push(t.elapsed());
            std::hint::black_box(results);
        }
    }
    let wall = total.elapsed();
    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| embedded search, {indexed} programmes, {} queries × {ROUNDS} | p50 {:.2} ms · p99 {:.2} ms · max {:.2} ms · {:.0} searches/s (one at a time) |",
        queries.len(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 99.0)),
        ms(samples[samples.len() - 1]),
        samples.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "| seeding {n} synthetic programmes into SQLite | {:.1} s |",
        seeded.as_secs_f64()
    );
    println!(
        "| rebuilding the index of {indexed} programmes | {:.1} s |",
        reindex.as_secs_f64()
    );
}
