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

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use app::domain::location::KatoCode;
use app::domain::report::Figures;
use app::domain::synthetic::Rng;
use app::ssr::config::Config;
use app::ssr::db::{self, TestDatabase};
use app::ssr::services::{reports, seed};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

#[path = "support/bulk.rs"]
mod bulk;
#[path = "support/common.rs"]
mod common;
use bulk::{Bulk, H, STATES, by_state, moments};
use common::{exec, ms, percentile, scalar, thousands};

/// Bulk entrepreneurs, each with a profile in a real settlement.
const USERS: i64 = 300_000;
/// Those of them the applications belong to (the rest registered and never applied).
const APPLICANTS: i64 = 250_000;
/// Pages timed at each level (every region).
const OKRUG_PAGES: usize = 200;
const DISTRICT_PAGES: usize = 50;
const COUNTRY_PAGES: usize = 50;
/// Okrug pages timed right after a write in the okrug.
const OKRUG_PAGES_AFTER_WRITE: usize = 100;

/// Code and level of every location, by code.
async fn directory(db: &DatabaseConnection) -> Vec<(String, i16)> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT code, level FROM locations ORDER BY code",
    ))
    .await
    .expect("locations")
    .iter()
    .map(|r| {
        (
            r.try_get_by_index::<String>(0).expect("code"),
            r.try_get_by_index::<i16>(1).expect("level"),
        )
    })
    .collect()
}

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
struct Loaded {
    okrugs: Vec<String>,
    districts: Vec<String>,
    regions: Vec<String>,
    events: i64,
    recommendations: i64,
    took: Duration,
}

/// The akims, the places, then one `INSERT … SELECT` per table (see the top of the file).
async fn bulk_load(db: &DatabaseConnection, applications: i64, today: NaiveDate) -> Loaded {
    let b = Bulk {
        backend: db.get_database_backend(),
        anchor: format!("{today} 07:00:00"),
    };
    let started = Instant::now();
    let now = b.ago("0");

    // An akim for every okrug.
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
    .await;
    let akim_of: std::collections::BTreeMap<String, i32> = db
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
    assert_eq!(akim_of.len() as u64, akims, "an akim per okrug");

    // The places people live in: every settlement of an okrug, and the okrugs that have no
    // settlements of their own (towns; the profile accepts an okrug's code). The 77 settlements
    // outside every okrug of the directory (directly under a district, or under an okrug code it
    // lacks) are left out: `touch_all` marks no row that would count them.
    let places_of_directory = directory(db).await;
    let okrugs: Vec<String> = places_of_directory
        .iter()
        .filter(|(_, level)| *level == 3)
        .map(|(c, _)| c.clone())
        .collect();
    let districts: Vec<String> = places_of_directory
        .iter()
        .filter(|(c, level)| *level == 2 && okrugs.iter().any(|o| o[..4] == c[..4]))
        .map(|(c, _)| c.clone())
        .collect();
    let mut places: Vec<(String, String)> = places_of_directory
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
    let p = places.len() as i64;
    assert!(APPLICANTS >= p, "every place has an applicant");
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
        USERS,
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
    let profiles = exec(
        db,
        &format!(
            "INSERT INTO profiles (user_id, data, iin, settlement_code, created_at, updated_at) \
             SELECT u.id, '{{\"full_name\":\"' || u.display_name || '\",\"settlement\":\"' || \
             p.code || '\"}}', NULL, p.code, u.created_at, u.created_at \
             FROM users u CROSS JOIN bench_places p \
             WHERE u.id > {user_base} AND u.id <= {last} AND p.k = (u.id - {user_base} - 1) % {p}",
            last = user_base + USERS,
        ),
    )
    .await;
    assert_eq!(profiles, USERS as u64, "profiles");

    // Applications: application i by applicant i % APPLICANTS, in that applicant's place.
    let app_base = scalar(
        db,
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM applications",
    )
    .await;
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
    let (submitted, reviewed, decided, paid) = moments(&b);
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
            "SELECT {user_base} + 1 + i % {APPLICANTS}, {program}, {state}, {version}, {data}, \
             {amount}, p.code, NULL, {created_at}, {updated}, {submitted_at}, {decided_at}",
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
                actor = e.actor,
                role = e.role,
                reason = e.reason,
                at = b.ago(e.at),
            ),
        )
        .await;
    }

    // About one application in five recommended (or not) by its okrug's akim, before review.
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
            at = b.ago(&format!("({submitted} + {reviewed}) / 2")),
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

    // A bulk profile reads back through the domain.
    let sample_user = i32::try_from(user_base + USERS / 2).expect("id");
    let profile = db::profiles::find(db, sample_user)
        .await
        .expect("a bulk profile reads back")
        .expect("exists");
    assert!(profile.settlement.is_some());

    Loaded {
        regions: places_of_directory
            .iter()
            .filter(|(_, level)| *level == 1)
            .map(|(c, _)| c.clone())
            .collect(),
        okrugs,
        districts,
        events: events as i64,
        recommendations: recommendations as i64,
        took,
    }
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
    let loaded = bulk_load(&database, applications, today).await;

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
