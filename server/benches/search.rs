//! Search at 10,000 synthetic programmes (and the demo catalogue), side by side on every
//! engine: latency over a fixed mix of queries and the judged queries, nDCG@10 and recall on the
//! judged set (`app/fixtures/search/judged.json`), and whether the engines agree (totals, facets
//! and the first ten) over every judged query with five sets of filters. Meilisearch is the real
//! 1.50 server from `MEILI_BIN` (`make bench` sets it); without it, its rows say why they are
//! missing. Run by `make bench`; prints one Markdown table row per figure.
//!
//! The catalogue goes through the real pipeline: SQLite, the seeding service, the indexer,
//! and searches through the catalogue service (the same call the pages and the API make).

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use app::domain::search::SearchQuery;
use app::ssr::db;
use app::ssr::search::SearchIndex;
use app::ssr::search::database::DatabaseSearch;
use app::ssr::search::embedded::EmbeddedIndex;
use app::ssr::search::meili::MeiliIndex;
use app::ssr::search::meili::process::MeiliServer;
use app::ssr::services::catalog::quality;
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

/// Times every query `ROUNDS` times through the catalogue service: (p50, p99, max, per second).
async fn latency(
    engine: &dyn SearchIndex,
    queries: &[SearchQuery],
    today: NaiveDate,
) -> (Duration, Duration, Duration, f64) {
    for q in queries {
        catalog::search(engine, q, today)
            .await
            .expect("warm-up search");
    }
    let mut samples = Vec::with_capacity(queries.len() * ROUNDS);
    let total = Instant::now();
    for _ in 0..ROUNDS {
        for q in queries {
            let t = Instant::now();
            let results = catalog::search(engine, q, today).await.expect("search");
            samples.push(t.elapsed());
            std::hint::black_box(results);
        }
    }
    let wall = total.elapsed();
    samples.sort_unstable();
    (
        percentile(&samples, 50.0),
        percentile(&samples, 99.0),
        samples[samples.len() - 1],
        samples.len() as f64 / wall.as_secs_f64(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
    // The demo catalogue too: the judged queries grade its real programmes.
    seed::ensure_demo(&database).await.expect("demo catalogue");
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

    let mix: Vec<SearchQuery> = MIX
        .iter()
        .map(|q| SearchQuery::from_query_string(q).expect("valid query"))
        .collect();
    let judged = quality::judged();
    let judged_queries: Vec<SearchQuery> = judged
        .iter()
        .map(|j| SearchQuery {
            text: j.q.clone(),
            ..SearchQuery::default()
        })
        .collect();
    let sets = [
        (format!("the mix of {} queries", mix.len()), &mix),
        (
            format!("the {} judged queries", judged_queries.len()),
            &judged_queries,
        ),
    ];

    for (name, queries) in &sets {
        let (p50, p99, max, rate) = latency(&index, queries, today).await;
        println!(
            "| embedded search, {indexed} programmes, {name} × {ROUNDS} | p50 {:.2} ms · p99 {:.2} ms · max {:.2} ms · {:.0} searches/s (one at a time) |",
            ms(p50),
            ms(p99),
            ms(max),
            rate
        );
    }
    println!(
        "| seeding {n} synthetic programmes into SQLite | {:.1} s |",
        seeded.as_secs_f64()
    );
    println!(
        "| rebuilding the index of {indexed} programmes | {:.1} s |",
        reindex.as_secs_f64()
    );

    let docs = db::catalog::search_docs(
        &database,
        &db::catalog::mci_table(&database).await.expect("MCI"),
        2026,
        None,
    )
    .await
    .expect("documents");
    let database_search = DatabaseSearch::new(database.clone());
    let mut engines: Vec<(&str, Box<dyn SearchIndex>)> = Vec::new();
    let server = MeiliServer::start("the search benchmark").await;
    match &server {
        Some(server) => {
            let meili = MeiliIndex::new(server.config("programs")).expect("client");
            meili.ensure().await.expect("sets up Meilisearch");
            let started = Instant::now();
            let filled = indexer::fill_if_empty(&database, &meili, today)
                .await
                .expect("fills Meilisearch")
                .unwrap_or_default();
            println!(
                "| filling an empty Meilisearch 1.50 in bulk (the first start with MEILI_URL), {filled} programmes | {:.1} s |",
                started.elapsed().as_secs_f64()
            );
            for (name, queries) in &sets {
                let (p50, p99, max, rate) = latency(&meili, queries, today).await;
                println!(
                    "| Meilisearch 1.50 search, same data, {name} × {ROUNDS}, same run | p50 {:.2} ms · p99 {:.2} ms · max {:.2} ms · {:.0} searches/s (one at a time) |",
                    ms(p50),
                    ms(p99),
                    ms(max),
                    rate
                );
            }
            engines.push(("Meilisearch", Box::new(meili)));
        }
        None => println!(
            "| Meilisearch 1.50 rows | not measured: no Meilisearch binary (MEILI_BIN unset) |"
        ),
    }

    // Ranking quality on the judged set, per engine.
    let mut figures = Vec::new();
    let embedded_quality = quality::quality(&index, &docs, today)
        .await
        .expect("judged");
    figures.push(("embedded", embedded_quality.clone()));
    for (name, engine) in &engines {
        figures.push((
            name,
            quality::quality(&**engine, &docs, today)
                .await
                .expect("judged"),
        ));
    }
    figures.push((
        "database fallback",
        quality::quality(&database_search, &docs, today)
            .await
            .expect("judged"),
    ));
    let kk = judged.iter().filter(|j| j.lang == "kk").count();
    println!(
        "| judged queries ({} in Russian, {kk} in Kazakh; app/fixtures/search/judged.json): nDCG@10 · recall of the programmes graded 2–3 in the first 1,000 | {} |",
        judged.len() - kk,
        figures
            .iter()
            .map(|(name, q)| format!("{name} {:.3} · {:.3}", q.ndcg10, q.recall))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let worst: Vec<String> = {
        let mut per: Vec<&(String, f64, Option<f64>)> = embedded_quality.per_query.iter().collect();
        per.sort_by(|a, b| a.1.total_cmp(&b.1));
        per.iter()
            .take(5)
            .map(|(q, n, _)| format!("«{q}» {n:.2}"))
            .collect()
    };
    println!(
        "| judged queries with the lowest nDCG@10 (embedded) | {} |",
        worst.join(" · ")
    );

    // Agreement: every judged query with five sets of filters, programme for programme.
    let comparison = quality::comparison_queries();
    let mut others: Vec<(&str, &dyn SearchIndex)> = engines
        .iter()
        .map(|(name, e)| (*name, &**e as &dyn SearchIndex))
        .collect();
    others.push(("database fallback", &database_search));
    let mut differences = String::new();
    for (name, engine) in others {
        let a = quality::compare(engine, &index, &comparison, today)
            .await
            .expect("compares");
        println!(
            "| {name} vs embedded, {} searches (judged queries × 5 filter sets) | same total {} · same facets {} · same first ten {} ({:.1} %) |",
            a.cases,
            a.same_total,
            a.same_facets,
            a.same_top,
            100.0 * a.same_top as f64 / a.cases.max(1) as f64
        );
        for d in a.differences {
            differences.push_str(&format!("{name}: {d}\n"));
        }
    }
    let out = std::path::Path::new("target/bench");
    let _ = std::fs::create_dir_all(out);
    let _ = std::fs::write(out.join("search-differences.txt"), differences);
}
