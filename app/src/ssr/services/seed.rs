//! Loading data: the KATO directory and MCI values (always, once), the demo catalogue (into an
//! empty database when `DEMO_DATA` is on), and synthetic programmes for benchmarks.
//!
//! The files are compiled into the binary, so a deployed server needs nothing beside it.

use std::collections::BTreeSet;
use std::time::Instant;

use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::ServiceError;
use crate::domain::criteria::Criterion;
use crate::domain::location::parse_kato_csv;
use crate::domain::money::{MciRate, Tiyn};
use crate::domain::program::SeedFile;
use crate::domain::synthetic;
use crate::ssr::db;

/// The national classifier of locations (KATO, 2022-10-17).
pub const KATO_CSV: &str = include_str!("../../../../seed/kato_2022-10-17_ru.csv");
/// The demo catalogue: real programmes and illustrative regional variants.
pub const PROGRAMS_JSON: &str = include_str!("../../../../seed/programs.json");
/// MCI values per year.
pub const MCI_JSON: &str = include_str!("../../../../seed/mci.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MciEntry {
    year: i32,
    tenge: i64,
    source: String,
}

/// What a seeding run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Operators added.
    pub organisations: usize,
    /// Ids of programmes added.
    pub programs: Vec<i32>,
    /// Programmes skipped because their slug was already taken.
    pub skipped: usize,
}

/// Loads the location directory into an empty table and records MCI values not yet on record.
/// Returns how many locations were loaded (0 when they already were).
pub async fn ensure_reference_data(db: &DatabaseConnection) -> Result<u64, ServiceError> {
    let mut rates = Vec::new();
    for e in serde_json::from_str::<Vec<MciEntry>>(MCI_JSON)
        .map_err(|e| ServiceError::Seed(format!("mci.json: {e}")))?
    {
        let tiyn = Tiyn::from_tenge(e.tenge)
            .ok_or_else(|| ServiceError::Seed(format!("mci.json: {} overflows", e.tenge)))?;
        rates.push((MciRate { year: e.year, tiyn }, e.source));
    }
    let known = db::catalog::mci_table(db).await?;
    let missing: Vec<_> = rates
        .into_iter()
        .filter(|(r, _)| known.rates().iter().all(|k| k.year != r.year))
        .collect();
    db::catalog::upsert_mci(db, &missing).await?;

    if db::locations::count(db).await? > 0 {
        return Ok(0);
    }
    let started = Instant::now();
    let rows = parse_kato_csv(KATO_CSV).map_err(|e| ServiceError::Seed(e.to_string()))?;
    let txn = db::begin_write(db).await?;
    let n = db::locations::insert_all(&txn, &rows).await?;
    txn.commit().await?;
    tracing::info!(
        locations = n,
        duration_ms = started.elapsed().as_millis() as u64,
        "loaded the KATO location directory"
    );
    Ok(n)
}

/// The shipped demo catalogue, parsed (not yet checked against the database).
pub fn demo_file() -> Result<SeedFile, ServiceError> {
    serde_json::from_str(PROGRAMS_JSON)
        .map_err(|e| ServiceError::Seed(format!("programs.json: {e}")))
}

/// Loads the demo catalogue if there are no programmes yet.
pub async fn ensure_demo(db: &DatabaseConnection) -> Result<SeedReport, ServiceError> {
    if db::catalog::count_programs(db).await? > 0 {
        return Ok(SeedReport::default());
    }
    let report = load(db, demo_file()?).await?;
    demo_review_settings(db).await?;
    tracing::info!(
        organisations = report.organisations,
        programs = report.programs.len(),
        "loaded the demo catalogue"
    );
    Ok(report)
}

/// The demo's scoring rubric: what a fund's credit committee weighs in a village business.
const DEMO_RUBRIC: &str = r#"[
  {"key": "plan", "ru": "Обоснованность бизнес-плана", "kk": "Бизнес-жоспардың негізділігі", "weight": 40,
   "levels": [
     {"ru": "Плана нет", "kk": "Жоспар жоқ"},
     {"ru": "Только идея", "kk": "Тек идея"},
     {"ru": "Есть расходы, нет доходов", "kk": "Шығыстар бар, табыс жоқ"},
     {"ru": "Расходы и доходы, без расчёта сбыта", "kk": "Шығыстар мен табыс, өткізу есебі жоқ"},
     {"ru": "Полный расчёт со сбытом", "kk": "Өткізуімен толық есеп"},
     {"ru": "Полный расчёт, подтверждённый договорами", "kk": "Шарттармен расталған толық есеп"}
   ]},
  {"key": "jobs", "ru": "Новые рабочие места", "kk": "Жаңа жұмыс орындары", "weight": 25},
  {"key": "local", "ru": "Польза для села", "kk": "Ауылға пайдасы", "weight": 20},
  {"key": "repay", "ru": "Доход покрывает платежи", "kk": "Табыс төлемдерді жабады", "weight": 15}
]"#;

/// The demo programmes' back-office settings: the rubric, 20 days to a decision, a budget of
/// 500 million tenge, and 60 million set aside for Abai region (100000000) in microcredit ones.
async fn demo_review_settings(db: &DatabaseConnection) -> Result<(), ServiceError> {
    let now = chrono::Utc::now();
    for slug in db::catalog::program_slugs(db).await? {
        let Some((id, _)) = db::catalog::find_by_slug(db, &slug).await? else {
            continue;
        };
        db::catalog::set_review_settings(db, id, DEMO_RUBRIC, Some(20), None).await?;
        db::reviews::set_envelope(db, id, crate::domain::review::WHOLE, 500_000_000, now).await?;
        let microcredit = db::catalog::program_model(db, id)
            .await?
            .is_some_and(|p| p.kind == "microcredit");
        if microcredit {
            db::reviews::set_envelope(db, id, "100000000", 60_000_000, now).await?;
        }
    }
    Ok(())
}

/// Adds `n` synthetic programmes (`synthetic-000001`…); ones already present are skipped, so
/// running it twice does not double them.
pub async fn synthetic(db: &DatabaseConnection, n: usize) -> Result<SeedReport, ServiceError> {
    load(
        db,
        SeedFile {
            organisations: synthetic::organisations(),
            programs: synthetic::programs(n),
        },
    )
    .await
}

/// Validates a seed file against itself and the database, then inserts what is new in one
/// transaction: either all of it lands or none.
pub async fn load(db: &DatabaseConnection, file: SeedFile) -> Result<SeedReport, ServiceError> {
    let seed_err = |slug: &str, what: String| ServiceError::Seed(format!("{slug}: {what}"));
    let mut organisations = db::catalog::organisation_ids(db).await?;
    let existing = db::catalog::program_slugs(db).await?;
    let in_file: BTreeSet<&str> = file.programs.iter().map(|p| p.slug.as_str()).collect();
    if in_file.len() != file.programs.len() {
        return Err(ServiceError::Seed("a programme slug is repeated".into()));
    }

    let mut codes = BTreeSet::new();
    for p in &file.programs {
        p.validate()
            .map_err(|e| seed_err(p.slug.as_str(), e.to_string()))?;
        let org_known = organisations.contains_key(p.organisation.as_str())
            || file.organisations.iter().any(|o| o.slug == p.organisation);
        if !org_known {
            return Err(seed_err(
                p.slug.as_str(),
                format!("unknown organisation {}", p.organisation.as_str()),
            ));
        }
        if let Some(v) = &p.variant_of
            && !in_file.contains(v.as_str())
            && !existing.contains(v.as_str())
        {
            return Err(seed_err(
                p.slug.as_str(),
                format!("variant of unknown programme {}", v.as_str()),
            ));
        }
        codes.extend(p.locations.iter().map(ToString::to_string));
        for c in &p.criteria {
            if let Criterion::LocationWithin { codes: within } = c {
                codes.extend(within.iter().map(ToString::to_string));
            }
        }
    }
    let codes: Vec<String> = codes.into_iter().collect();
    let found: BTreeSet<String> = db::locations::existing(db, &codes)
        .await?
        .into_iter()
        .collect();
    if let Some(missing) = codes.iter().find(|c| !found.contains(*c)) {
        return Err(ServiceError::Seed(format!(
            "location {missing} is not in KATO"
        )));
    }

    let txn = db::begin_write(db).await?;
    let mut report = SeedReport::default();
    for o in &file.organisations {
        if !organisations.contains_key(o.slug.as_str()) {
            let id = db::catalog::insert_organisation(&txn, o).await?;
            organisations.insert(o.slug.as_str().to_owned(), id);
            report.organisations += 1;
        }
    }
    for p in &file.programs {
        if existing.contains(p.slug.as_str()) {
            report.skipped += 1;
            continue;
        }
        let org = organisations[p.organisation.as_str()];
        report
            .programs
            .push(db::catalog::insert_program(&txn, p, org).await?);
    }
    // In the same transaction: the index workers pick the new programmes up.
    db::outbox::enqueue_many(&txn, &report.programs, db::outbox::Op::Upsert).await?;
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::location::KatoCode;
    use crate::ssr::testing::test_db;

    #[test]
    fn the_demo_catalogue_is_valid_and_covers_the_real_programmes() {
        let file = demo_file().expect("programs.json parses");
        assert!(
            file.programs.len() >= 40,
            "at least 40 programmes, got {}",
            file.programs.len()
        );
        for p in &file.programs {
            assert_eq!(p.validate(), Ok(()), "{}", p.slug.as_str());
        }
        let real = [
            "auyl-amanaty-microcredit",
            "auyl-amanaty-coop-processing",
            "auyl-amanaty-leasing",
            "damu-rate-subsidy",
            "damu-guarantee",
            "ken-dala-2026",
            "bastau-business",
            "business-idea-grant",
            "social-entrepreneur-grant",
        ];
        for slug in real {
            let p = file.programs.iter().find(|p| p.slug.as_str() == slug);
            assert!(
                p.is_some_and(|p| !p.demo_variant && p.source_url.starts_with("https://")),
                "{slug}"
            );
        }
        let regions: BTreeSet<String> = file
            .programs
            .iter()
            .flat_map(|p| p.locations.iter().map(|c| c.region().to_string()))
            .collect();
        assert!(
            regions.len() >= 12,
            "variants spread over regions: {regions:?}"
        );
    }

    #[test]
    fn the_shipped_kato_file_has_every_level() {
        let rows = parse_kato_csv(KATO_CSV).expect("parses");
        assert_eq!(rows.len(), 16_264);
        let okrugs = rows
            .iter()
            .filter(|r| r.code.level() == crate::domain::location::Level::Okrug)
            .count();
        assert_eq!(okrugs, 2_385);
    }

    #[tokio::test]
    async fn the_demo_catalogue_loads_once() {
        let t = test_db().await;
        let first = ensure_demo(&t.db).await.expect("loads");
        let second = ensure_demo(&t.db).await.expect("is a no-op");
        assert!(first.programs.len() >= 40);
        assert_eq!(second, SeedReport::default());
        assert_eq!(
            db::catalog::count_programs(&t.db).await.expect("counts"),
            first.programs.len() as u64
        );
    }

    #[tokio::test]
    async fn a_programme_in_a_place_outside_kato_is_refused_and_nothing_is_added() {
        let t = test_db().await;
        let mut file = SeedFile {
            organisations: synthetic::organisations(),
            programs: synthetic::programs(3),
        };
        file.programs[2].locations = vec![KatoCode::parse("999999999").expect("well formed")];

        let err = load(&t.db, file).await.expect_err("refused");

        assert!(err.to_string().contains("999999999"), "{err}");
        assert_eq!(db::catalog::count_programs(&t.db).await.expect("counts"), 0);
        assert!(
            db::catalog::organisation_ids(&t.db)
                .await
                .expect("reads")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn synthetic_programmes_are_added_once_however_often_seeding_runs() {
        let t = test_db().await;
        let first = synthetic(&t.db, 25).await.expect("seeds");
        let second = synthetic(&t.db, 30).await.expect("seeds");
        assert_eq!(first.programs.len(), 25);
        assert_eq!((second.programs.len(), second.skipped), (5, 25));
        assert_eq!(
            db::catalog::count_programs(&t.db).await.expect("counts"),
            30
        );
    }

    #[tokio::test]
    async fn mci_values_are_recorded_and_not_overwritten() {
        let t = test_db().await;
        let table = db::catalog::mci_table(&t.db).await.expect("reads");
        assert_eq!(table.rate_for(2026).map(|r| r.tiyn), Some(Tiyn(432_500)));
        assert_eq!(table.rate_for(2025).map(|r| r.tiyn), Some(Tiyn(393_200)));
        ensure_reference_data(&t.db).await.expect("runs again");
        assert_eq!(
            db::catalog::mci_table(&t.db)
                .await
                .expect("reads")
                .rates()
                .len(),
            2
        );
    }

    #[test]
    fn the_demo_rubric_is_a_valid_rubric_whose_weights_make_a_hundred() {
        let r: crate::domain::review::Rubric =
            serde_json::from_str(DEMO_RUBRIC).expect("the demo rubric reads");
        crate::domain::review::validate_rubric(&r).expect("valid");
        assert_eq!(r.iter().map(|c| c.weight).sum::<u32>(), 100);
        assert_eq!(r[0].levels.len(), 6);
    }
}
