//! Ranking every open programme for one profile at 10,000 synthetic programmes (plus the
//! demo catalogue), on the server. Run by `make bench`; prints Markdown table rows. The same
//! ranking in the browser's wasm is measured by `end2end/bench/ranking.spec.ts`.
//!
//! Three figures: the engine alone (`rank` over candidates in memory: what the what-if island
//! runs on each change), and the whole request path of the matches page and the API (the open
//! programmes and place names, rank, word the reasons of the 50 shown), once with the
//! programmes read from SQLite (the first request after a change to the catalogue) and once
//! kept between requests, as the server keeps them.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use app::domain::catalog::{LegalForm, Sector, Stage};
use app::domain::eligibility::{Facts, explain_all, rank};
use app::domain::i18n::Lang;
use app::domain::location::KatoCode;
use app::ssr::db;
use app::ssr::services::{profiles, seed};
use chrono::NaiveDate;

const ROUNDS: usize = 200;
const SHOWN: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A livestock farm of a 34-year-old in the village of Shayan (Turkestan region).
fn herder() -> Facts {
    Facts {
        age: Some(34),
        groups: Some(vec![]),
        location: KatoCode::parse("613630100").ok(),
        sector: Some(Sector::Livestock),
        stage: Some(Stage::Y1To3),
        legal_form: Some(LegalForm::Farm),
        employees: Some(2),
        amount_tenge: Some(5_000_000),
        collateral: Some(true),
        certificates: Some(vec![]),
        ..Facts::default()
    }
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
    seed::ensure_demo(&database).await.expect("demo catalogue");
    seed::synthetic(&database, n).await.expect("seeds");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    let facts = herder();
    let extra: Vec<&KatoCode> = facts.location.iter().collect();

    // The whole path, as the matches page and the API take it: first with the programmes read
    // afresh each time (the first request after a change to the catalogue), then kept between
    // requests as the server keeps them.
    let kept = profiles::OpenProgrammes::default();
    let mut fresh = Vec::with_capacity(ROUNDS / 4);
    let mut full = Vec::with_capacity(ROUNDS / 4);
    let mut open = 0;
    for round in 0..ROUNDS / 2 {
        let afresh = profiles::OpenProgrammes::default();
        let store = if round % 2 == 0 { &afresh } else { &kept };
        let t = Instant::now();
        let data = profiles::ranking_data(&database, store, today, &extra)
            .await
            .expect("ranking data");
        let ranked = rank(&data.candidates, &facts, &data.ctx);
        for m in ranked.iter().take(SHOWN) {
            let c = &data.candidates[m.index];
            std::hint::black_box(explain_all(Lang::Ru, c, m, &facts, &data.ctx, &data.places));
        }
        // The kept list's first read is a fresh one too: left out.
        match round {
            1 => {}
            r if r % 2 == 0 => fresh.push(t.elapsed()),
            _ => full.push(t.elapsed()),
        }
        open = data.candidates.len();
    }

    // The engine alone, on the same candidates.
    let data = profiles::ranking_data(&database, &kept, today, &extra)
        .await
        .expect("ranking data");
    let mut engine = Vec::with_capacity(ROUNDS);
    let mut eligible = 0;
    for i in 0..ROUNDS {
        // Alternate the age, as the what-if does.
        let f = Facts {
            age: Some(if i % 2 == 0 { 34 } else { 25 }),
            ..facts.clone()
        };
        let t = Instant::now();
        let ranked = rank(&data.candidates, &f, &data.ctx);
        engine.push(t.elapsed());
        eligible = ranked
            .iter()
            .filter(|m| m.standing == app::domain::eligibility::Standing::Eligible)
            .count();
        std::hint::black_box(ranked);
    }
    fresh.sort_unstable();
    full.sort_unstable();
    engine.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| ranking {open} open programmes for one profile, engine only (server, native), {ROUNDS} runs | p50 {:.2} ms · p99 {:.2} ms ({eligible} eligible) |",
        ms(percentile(&engine, 50.0)),
        ms(percentile(&engine, 99.0)),
    );
    println!(
        "| matches for one profile: load {open} programmes from SQLite + rank + reasons of the first {SHOWN}, {} runs | p50 {:.1} ms · p99 {:.1} ms |",
        fresh.len(),
        ms(percentile(&fresh, 50.0)),
        ms(percentile(&fresh, 99.0)),
    );
    println!(
        "| matches for one profile: the programmes kept between requests (services::profiles::OpenProgrammes) + rank + reasons of the first {SHOWN}, {} runs | p50 {:.1} ms · p99 {:.1} ms |",
        full.len(),
        ms(percentile(&full, 50.0)),
        ms(percentile(&full, 99.0)),
    );
}
