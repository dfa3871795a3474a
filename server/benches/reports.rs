//! Public report pages (issue 7) with 1,000,000 applications across every okrug, on SQLite and,
//! when `BENCH_DATABASE_URL` names a PostgreSQL admin URL, on PostgreSQL. Run by `make bench`;
//! prints Markdown table rows.
//!
//! Each backend gets the KATO directory, the demo catalogue, an akim for every okrug and a bulk
//! load made of one `INSERT … SELECT` per table: 300,000 entrepreneurs with profiles in real
//! settlements; 1,000,000 applications of 250,000 of them, each in its applicant's settlement,
//! so that every okrug has some, submitted over the 12 months before the configured day, in a
//! mix of states (10 % submitted, 10 % in review, 5 % asked for information, 25 % approved,
//! 25 % paid, 20 % rejected, 5 % withdrawn) with their submitted form; the events of each
//! (`submit`, then `start_review`, `request_info`, `approve` or `reject`, `disburse`,
//! `withdraw` as its state needs) at increasing times; and a recommendation by the okrug's akim
//! for about a fifth of them. Then every okrug is marked out of date (`touch_all`, as after any
//! bulk load) and recomputed one at a time, each timed; and `services::reports::report` is timed
//! for okrugs, districts, regions and the country, as they are and right after a write in the
//! area (one of its okrugs touched before each call: the page recomputes that okrug, re-reads
//! that okrug's district and re-sums the areas above it from their units' cached sums).

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use app::domain::location::KatoCode;
use app::domain::report::Figures;
use app::domain::synthetic::Rng;
use app::ssr::config::Config;
use app::ssr::db::{self, TestDatabase};
use app::ssr::services::{reports, seed};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

#[path = "support/common.rs"]
mod common;
use common::{ms, percentile, scalar, thousands};

/// Bulk entrepreneurs, each with a profile in a real settlement.
const USERS: i64 = 300_000;
/// Pages timed at each level (every region).
const OKRUG_PAGES: usize = 200;
const DISTRICT_PAGES: usize = 50;
const COUNTRY_PAGES: usize = 50;
/// Okrug pages timed right after a write in the okrug.
const OKRUG_PAGES_AFTER_WRITE: usize = 100;

/// `n` distinct items of `from` (all of them if it has fewer), the same ones every run.
fn sample<T: Clone>(rng: &mut Rng, from: &[T], n: usize) -> Vec<T> {
    let mut all = from.to_vec();
    for i in (1..all.len()).rev() {
        let j = rng.below(i + 1);
        all.swap(i, j);
    }
    all.truncate(n);
    all
}

/// A page to time: its area (`None`: the country) and an okrug to touch just before, if any.
type Page = (Option<String>, Option<String>);

/// Times `report` for each area, touching the given okrug (if any) just before each call.
async fn pages(db: &DatabaseConnection, areas: &[Page], today: NaiveDate) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(areas.len());
    for (area, touch) in areas {
        if let Some(okrug) = touch {
            let okrug = KatoCode::parse(okrug).expect("okrug code");
            db::reports::touch(db, &okrug).await.expect("touches");
        }
        let t = Instant::now();
        let report = reports::report(db, area.as_deref(), today)
            .await
            .expect("a report");
        samples.push(t.elapsed());
        assert_eq!(report.area.code.map(|c| c.to_string()), *area);
    }
    samples.sort_unstable();
    samples
}

/// An okrug of `area` (any, for the country).
fn okrug_in(rng: &mut Rng, okrugs: &[String], area: Option<&str>) -> String {
    let prefix = match area {
        None => "",
        Some(c) if c[2..] == *"0000000" => &c[..2],
        Some(c) if c[4..] == *"00000" => &c[..4],
        Some(c) => &c[..6],
    };
    let within: Vec<&String> = okrugs.iter().filter(|o| o.starts_with(prefix)).collect();
    within[rng.below(within.len())].clone()
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
    let loaded = server::synthetic::load(&database, USERS, applications, today)
        .await
        .expect("bulk load");

    let t = Instant::now();
    let touched = db::reports::touch_all(&database).await.expect("touches");
    let touch_all = t.elapsed();
    assert_eq!(touched as usize, loaded.okrugs.len());

    // Every okrug recomputed, one at a time as a page or the worker would.
    let mut recomputes = Vec::with_capacity(loaded.okrugs.len());
    let t = Instant::now();
    loop {
        let one = Instant::now();
        if reports::refresh(&database, "", 1).await.expect("refreshes") == 0 {
            break;
        }
        recomputes.push(one.elapsed());
    }
    let recompute = t.elapsed();
    recomputes.sort_unstable();
    assert_eq!(recomputes.len(), loaded.okrugs.len());

    // The stored figures add up to what was loaded.
    let mut total = Figures::default();
    for (_, figures, _) in db::reports::in_area(&database, "")
        .await
        .expect("stored figures")
    {
        total.add(&figures);
    }
    assert_eq!(
        total.applied, applications as u64,
        "every application counted"
    );
    assert_eq!(total.registered, USERS as u64, "every entrepreneur counted");
    assert_eq!(
        (total.recommended + total.not_recommended) as i64,
        loaded.recommendations,
        "every recommendation counted"
    );
    let approved = scalar(
        &database,
        "SELECT COUNT(*) FROM applications WHERE state IN ('approved', 'disbursed')",
    )
    .await;
    assert_eq!(total.approved as i64, approved, "every approval counted");
    assert!(total.jobs_planned > 0 && !total.stages.is_empty());

    let t = Instant::now();
    pages(&database, &[(None, None)], today).await;
    let first_country = t.elapsed();

    let mut rng = Rng::new(7);
    let okrugs = sample(&mut rng, &loaded.okrugs, OKRUG_PAGES);
    let districts = sample(&mut rng, &loaded.districts, DISTRICT_PAGES);
    let as_they_are =
        |codes: &[String]| -> Vec<Page> { codes.iter().map(|c| (Some(c.clone()), None)).collect() };
    let levels: [(&str, Vec<Page>); 4] = [
        ("okrug", as_they_are(&okrugs)),
        ("district", as_they_are(&districts)),
        ("region", as_they_are(&loaded.regions)),
        ("country", vec![(None, None); COUNTRY_PAGES]),
    ];
    let mut rows = Vec::new();
    let n = thousands(applications);
    rows.push(format!(
        "| report figures, {what}, {n} applications over {okrugs} okrugs: every okrug recomputed after a bulk load | {:.1} s · {:.1} ms per okrug · p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms (touch_all {:.1} s; then the first country page {:.0} ms; bulk load of {users} entrepreneurs, {n} applications, {events} events, {recs} recommendations: {:.0} s) |",
        recompute.as_secs_f64(),
        ms(recompute) / recomputes.len() as f64,
        ms(percentile(&recomputes, 50.0)),
        ms(percentile(&recomputes, 99.0)),
        ms(recomputes.last().copied().unwrap_or_default()),
        touch_all.as_secs_f64(),
        ms(first_country),
        loaded.took.as_secs_f64(),
        okrugs = thousands(loaded.okrugs.len() as i64),
        users = thousands(USERS),
        events = thousands(loaded.events),
        recs = thousands(loaded.recommendations),
    ));
    for (level, areas) in &levels {
        let samples = pages(&database, areas, today).await;
        rows.push(format!(
            "| report page, {level}, {what}, {n} applications | p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms ({} pages) |",
            ms(percentile(&samples, 50.0)),
            ms(percentile(&samples, 99.0)),
            ms(samples.last().copied().unwrap_or_default()),
            samples.len(),
        ));
    }
    for (level, areas) in &levels {
        let count = if *level == "okrug" {
            OKRUG_PAGES_AFTER_WRITE
        } else {
            areas.len()
        };
        let written: Vec<Page> = areas[..count]
            .iter()
            .map(|(area, _)| {
                let okrug = okrug_in(&mut rng, &loaded.okrugs, area.as_deref());
                (area.clone(), Some(okrug))
            })
            .collect();
        let samples = pages(&database, &written, today).await;
        rows.push(format!(
            "| report page, {level}, {what}, right after a write in it (one of its okrugs touched before each call) | p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms ({} pages) |",
            ms(percentile(&samples, 50.0)),
            ms(percentile(&samples, 99.0)),
            ms(samples.last().copied().unwrap_or_default()),
            samples.len(),
        ));
    }
    database.close().await.expect("closes");
    rows.push(format!(
        "| report benchmark, {what}, whole run | {:.0} s |",
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
