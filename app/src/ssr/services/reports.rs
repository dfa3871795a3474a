//! Accountability reports: the public figures of every okrug, district, region and the country,
//! the akim's workspace, and the picker that finds an okrug by name.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tracing::instrument;

use super::ServiceError;
use crate::domain::account::{Principal, Scope};
use crate::domain::application::State;
use crate::domain::location::{self, KatoCode, Level};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::report::{
    self, AreaHit, AreaLevel, AreaRef, ChildRow, Comparison, Figures, MonthRow, ProgramRow, Report,
    Shown, Stage, Stuck, Workspace,
};
use crate::domain::text;
use crate::ssr::db;
use crate::ssr::db::entities::locations;

/// How many out-of-date okrugs a district, region or country page recomputes before
/// answering (an okrug page recomputes its own); the worker does the rest within seconds.
const RECOMPUTE_ON_READ: u64 = 10;
/// How many the worker recomputes per round.
const RECOMPUTE_BATCH: u64 = 200;

/// Recomputes up to `limit` out-of-date okrugs within the area `prefix`; how many it did.
pub async fn refresh(
    db: &impl ConnectionTrait,
    prefix: &str,
    limit: u64,
) -> Result<usize, ServiceError> {
    let stale = db::reports::stale(db, prefix, limit).await?;
    for (code, generation) in &stale {
        let Ok(okrug) = KatoCode::parse(code) else {
            continue;
        };
        let figures = db::reports::compute(db, &okrug).await?;
        db::reports::store(db, code, *generation, &figures, Utc::now()).await?;
    }
    Ok(stale.len())
}

/// The worker's round: whether more remains. Once every okrug is current, it also sums the
/// country (so every district and region), so that no visitor waits for that: right after a
/// start it reads every okrug's figures (1.3 s at a million applications), later only the
/// districts a write touched.
pub async fn refresh_round(db: &DatabaseConnection) -> Result<bool, ServiceError> {
    let more = refresh(db, "", RECOMPUTE_BATCH).await? as u64 == RECOMPUTE_BATCH;
    if !more {
        sum(db, String::new()).await?;
    }
    Ok(more)
}

/// An area's summed figures, with the figures of each unit directly within it.
#[derive(Clone, Debug, Default)]
struct Sum {
    total: Figures,
    children: BTreeMap<String, Figures>,
    oldest: Option<DateTime<FixedOffset>>,
}

/// Sums already made, by area prefix, with the signature of the rows they were made from.
/// The country is summed from its regions' sums and a region from its districts', so a write
/// in one okrug costs re-reading its district's rows, not the country's 2,300.
static SUMS: LazyLock<Mutex<HashMap<String, Cached>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A sum with the signature it was made at.
type Cached = (db::reports::Signature, Arc<Sum>);

fn pad(prefix: &str) -> String {
    format!("{prefix:0<9}")
}

fn keep_oldest(s: &mut Sum, at: Option<DateTime<FixedOffset>>) {
    if let Some(at) = at {
        s.oldest = Some(s.oldest.map_or(at, |o| o.min(at)));
    }
}

/// One summing of each area at a time: visitors who arrive together at a sum that is not made
/// yet (16 of them right after a restart) wait for one computation and then find it made,
/// instead of each reading every okrug's figures at once. Per area, so that an okrug's page
/// does not wait for the country's sum the worker is making.
static SUMMING: LazyLock<Turns> = LazyLock::new(Turns::default);

/// A lock per area prefix.
#[derive(Default)]
struct Turns(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl Turns {
    /// Waits for `prefix`'s turn.
    async fn take(&self, prefix: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = match self.0.lock() {
            Ok(mut locks) => locks.entry(prefix.to_owned()).or_default().clone(),
            // A poisoned map only loses the sharing of work, never correctness.
            Err(_) => Arc::default(),
        };
        lock.lock_owned().await
    }
}

/// The sum kept for `prefix`, if it was made at `signature`.
fn kept(prefix: &str, signature: &db::reports::Signature) -> Option<Arc<Sum>> {
    let cache = SUMS.lock().ok()?;
    let (sig, sum) = cache.get(prefix)?;
    (sig == signature).then(|| sum.clone())
}

/// The sum of the area `prefix` (`""` the country, 2 digits a region, 4 a district, 6 an
/// okrug).
async fn sum(db: &DatabaseConnection, prefix: String) -> Result<Arc<Sum>, ServiceError> {
    let signature = db::reports::signature(db, &prefix).await?;
    if let Some(s) = kept(&prefix, &signature) {
        return Ok(s);
    }
    let _turn = SUMMING.take(&prefix).await;
    summed(db, prefix).await
}

/// [`sum`] within its turn: made from the units within, each taken from the cache when it
/// still holds.
fn summed(
    db: &DatabaseConnection,
    prefix: String,
) -> Pin<Box<dyn Future<Output = Result<Arc<Sum>, ServiceError>> + Send + '_>> {
    Box::pin(async move {
        let signature = db::reports::signature(db, &prefix).await?;
        if let Some(s) = kept(&prefix, &signature) {
            return Ok(s);
        }
        let mut s = Sum::default();
        if prefix.len() >= 4 {
            // A district or an okrug: its okrugs' rows.
            for (code, figures, at) in db::reports::in_area(db, &prefix).await? {
                add_okrug(&mut s, &code, &figures, at, prefix.len() == 6);
            }
        } else {
            // A region or the country: the sums of the units within it.
            let width = prefix.len() + 2;
            if width == 4 {
                sum_districts(db, &prefix).await?;
            }
            let parts: BTreeSet<String> = db::reports::codes_in(db, &prefix)
                .await?
                .iter()
                .filter_map(|c| c.get(..width).map(str::to_owned))
                .collect();
            for part in parts {
                let child = summed(db, part.clone()).await?;
                s.total.add(&child.total);
                s.children.insert(pad(&part), child.total.clone());
                keep_oldest(&mut s, child.oldest);
            }
        }
        let s = Arc::new(s);
        if let Ok(mut cache) = SUMS.lock() {
            cache.insert(prefix, (signature, s.clone()));
        }
        Ok(s)
    })
}

/// Adds an okrug's stored figures to the sum of an area (`own`: the area is the okrug itself,
/// which also shows its record of who recommended what).
fn add_okrug(
    s: &mut Sum,
    code: &str,
    figures: &Figures,
    at: Option<DateTime<FixedOffset>>,
    own: bool,
) {
    s.total.add(figures);
    if own {
        s.total.recommenders = figures.recommenders.clone();
    }
    s.children
        .entry(pad(code.get(..6).unwrap_or(code)))
        .or_default()
        .add(figures);
    keep_oldest(s, at);
}

/// Sums the districts of `region` that are not kept already from one read of the region's
/// rows, rather than one read (and one signature) per district: summing the country from
/// nothing, right after a start, took 220 reads of each kind.
async fn sum_districts(db: &DatabaseConnection, region: &str) -> Result<(), ServiceError> {
    let signatures = db::reports::signatures_within(db, region, 4).await?;
    let missing: BTreeSet<&str> = signatures
        .iter()
        .filter(|(district, sig)| kept(district, sig).is_none())
        .map(|(district, _)| district.as_str())
        .collect();
    if missing.len() < 2 {
        return Ok(());
    }
    let mut sums: BTreeMap<String, Sum> = BTreeMap::new();
    for (code, figures, at) in db::reports::in_area(db, region).await? {
        let Some(district) = code.get(..4).filter(|d| missing.contains(d)) else {
            continue;
        };
        add_okrug(
            sums.entry(district.to_owned()).or_default(),
            &code,
            &figures,
            at,
            false,
        );
    }
    if let Ok(mut cache) = SUMS.lock() {
        for (district, s) in sums {
            if let Some(sig) = signatures.get(&district) {
                cache.insert(district, (*sig, Arc::new(s)));
            }
        }
    }
    Ok(())
}

fn area_ref(l: &locations::Model) -> Option<AreaRef> {
    let code = KatoCode::parse(&l.code).ok()?;
    let level = match code.level() {
        Level::Region => AreaLevel::Region,
        Level::District => AreaLevel::District,
        Level::Okrug => AreaLevel::Okrug,
        Level::Settlement => return None,
    };
    let name_kk = l.name_kk.clone().or_else(|| {
        (level == AreaLevel::Region)
            .then(|| location::region(&l.code).map(|r| r.kk.to_owned()))
            .flatten()
    });
    Some(AreaRef {
        code: Some(code),
        level,
        name_ru: l.name_ru.clone(),
        name_kk,
    })
}

fn country() -> AreaRef {
    AreaRef {
        code: None,
        level: AreaLevel::Country,
        name_ru: "Казахстан".to_owned(),
        name_kk: Some("Қазақстан".to_owned()),
    }
}

/// The area a report is asked for: `None` for the country; an error for anything that is not
/// a region, district or okrug of the directory.
async fn area(
    db: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<(Option<KatoCode>, AreaRef, Vec<AreaRef>), ServiceError> {
    let Some(code) = code else {
        return Ok((None, country(), Vec::new()));
    };
    let code = KatoCode::parse(code).map_err(|_| ServiceError::NotFound)?;
    let s = code.as_str();
    let above: Vec<String> = match code.level() {
        Level::Region => Vec::new(),
        Level::District => vec![format!("{}0000000", &s[..2])],
        Level::Okrug => vec![format!("{}0000000", &s[..2]), format!("{}00000", &s[..4])],
        Level::Settlement => return Err(ServiceError::NotFound),
    };
    let mut codes = above.clone();
    codes.push(s.to_owned());
    let rows = db::reports::areas(db, &codes).await?;
    let by_code: BTreeMap<&str, &locations::Model> =
        rows.iter().map(|r| (r.code.as_str(), r)).collect();
    let own = by_code
        .get(s)
        .and_then(|l| area_ref(l))
        .ok_or(ServiceError::NotFound)?;
    let within = above
        .iter()
        .filter_map(|c| by_code.get(c.as_str()).and_then(|l| area_ref(l)))
        .collect();
    Ok((Some(code), own, within))
}

/// What every public report page is made of, for pages kept and validated like files: every
/// okrug's computed figures and the search outbox's position (programme names change with
/// it). `None` while an okrug waits to be recomputed: a page then recomputes before it answers,
/// and is not kept.
pub async fn version(db: &DatabaseConnection) -> Result<Option<String>, ServiceError> {
    if db::reports::any_stale(db).await? {
        return Ok(None);
    }
    let (generations, rows, latest) = db::reports::signature(db, "").await?;
    let outbox = db::outbox::last_id(db).await?;
    let latest = latest.map_or(0, |t| t.timestamp_micros());
    Ok(Some(format!("{generations}.{rows}.{latest}.{outbox}")))
}

/// The public report of an area (`None`: the country).
#[instrument(skip(db))]
pub async fn report(
    db: &DatabaseConnection,
    code: Option<&str>,
    today: NaiveDate,
) -> Result<Report, ServiceError> {
    let (code, own, within) = area(db, code).await?;
    let prefix = db::reports::prefix(code.as_ref()).to_owned();
    // An okrug's page shows its own figures as of now; larger areas take a few out-of-date
    // okrugs along and leave the rest to the worker.
    let okrug = code.as_ref().is_some_and(|c| c.level() == Level::Okrug);
    refresh(db, &prefix, if okrug { 1 } else { RECOMPUTE_ON_READ }).await?;
    let s = sum(db, prefix).await?;
    let f = &s.total;

    // The areas above are compared by their counts alone (see `light`).
    let mut comparison = vec![Comparison::new(own.clone(), f)];
    for up in within.iter().rev() {
        let figures = light::counts(db, db::reports::prefix(up.code.as_ref())).await?;
        comparison.push(Comparison::new(up.clone(), &figures));
    }
    if code.is_some() {
        let figures = light::counts(db, "").await?;
        comparison.push(Comparison::new(country(), &figures));
    }

    let children = if code.as_ref().is_some_and(|c| c.level() == Level::Okrug) {
        Vec::new()
    } else {
        db::reports::children(db, code.as_ref())
            .await?
            .iter()
            .filter_map(|l| {
                let area = area_ref(l)?;
                let figures = s.children.get(&l.code).cloned().unwrap_or_default();
                Some(ChildRow::new(area, &figures))
            })
            .collect()
    };

    let mut top: Vec<(i32, report::ProgramFigures)> =
        f.programs.iter().map(|(k, v)| (*k, *v)).collect();
    top.sort_by(|a, b| b.1.applied.cmp(&a.1.applied).then(a.0.cmp(&b.0)));
    top.truncate(report::TOP_PROGRAMS);
    let names = db::catalog::names_of(db, &top.iter().map(|t| t.0).collect::<Vec<_>>()).await?;
    let programs = top
        .iter()
        .filter_map(|(id, p)| {
            let (slug, title_ru, title_kk) = names.get(id)?.clone();
            Some(ProgramRow {
                slug,
                title_ru,
                title_kk,
                applied: Shown::count(p.applied),
                approved: Shown::count(p.approved),
                disbursed_kzt: Shown::sum(p.disbursed_kzt, p.approved),
            })
        })
        .collect();

    let months = report::last_months(today, report::MONTHS)
        .into_iter()
        .map(|m| {
            let v = f.months.get(&m).copied().unwrap_or_default();
            MonthRow {
                month: m,
                applied: Shown::count(v.applied),
                approved: Shown::count(v.approved),
                disbursed_kzt: Shown::sum(v.disbursed_kzt, v.disbursed),
            }
        })
        .collect();

    Ok(Report {
        schema: report::SCHEMA.to_owned(),
        recommenders: if own.level == AreaLevel::Okrug {
            report::recommender_rows(f)
        } else {
            Vec::new()
        },
        area: own,
        within,
        as_of: s
            .oldest
            .map_or_else(|| Utc::now().to_rfc3339(), |t| t.to_rfc3339()),
        figures: f.public(),
        after_money: Some(report::AfterMoney::of(&f.loans, today)),
        comparison,
        children,
        programs,
        months,
    })
}

/// Used when a programme has decided too few applications to know its usual time.
pub const USUAL_DAYS_DEFAULT: u32 = 30;

/// The workspace of the signed-in akim's (or akimat staff member's) okrug.
#[instrument(skip(db, who))]
pub async fn workspace(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Workspace, ServiceError> {
    let p = who.ok_or(ServiceError::Denied(Denied::SignInRequired))?;
    let Scope::Okrug(okrug) = &p.scope else {
        return Err(Denied::Forbidden.into());
    };
    allow(who, &Action::OkrugWorkspace { okrug })?;
    let (_, area, _) = area(db, Some(okrug.as_str())).await?;
    refresh(db, db::reports::prefix(Some(okrug)), 1).await?;
    let figures = db::reports::compute(db, okrug).await?;
    let stages = Stage::ALL
        .into_iter()
        .map(|s| (s, figures.stage(s)))
        .collect();

    let now = Utc::now();
    let mut usual: BTreeMap<i32, u32> = BTreeMap::new();
    let mut stuck = Vec::new();
    for (id, program, state, since) in db::reports::open_in(db, okrug).await? {
        let Some(state) = State::parse(&state) else {
            continue;
        };
        let usual_days = match usual.get(&program) {
            Some(d) => *d,
            None => {
                let d = super::applications::decision_estimate(db, program)
                    .await?
                    .map_or(USUAL_DAYS_DEFAULT, |e| (e.p90_secs / 86_400).max(1) as u32);
                usual.insert(program, d);
                d
            }
        };
        let days = (now - since.with_timezone(&Utc)).num_days().max(0) as u32;
        if days > usual_days {
            let (title_ru, title_kk) = db::catalog::titles_of(db, program)
                .await?
                .unwrap_or_default();
            stuck.push(Stuck {
                application_id: id,
                program_title_ru: title_ru,
                program_title_kk: title_kk,
                state,
                days,
                usual_days,
            });
        }
    }
    stuck.sort_by(|a, b| {
        b.days
            .cmp(&a.days)
            .then(a.application_id.cmp(&b.application_id))
    });

    let mut reasons: BTreeMap<String, (String, u64)> = BTreeMap::new();
    for reason in db::reports::rejection_reasons(db, okrug).await? {
        let shown = reason.trim().to_owned();
        let e = reasons
            .entry(text::fold(&shown))
            .or_insert_with(|| (shown, 0));
        e.1 += 1;
    }
    let mut rejections: Vec<(String, u64)> = reasons.into_values().collect();
    rejections.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rejections.truncate(10);

    Ok(Workspace {
        area,
        figures,
        stages,
        stuck,
        rejections,
    })
}

/// Words in the names of units that say what kind they are, not which: dropped from queries,
/// so "Ақжар ауылдық округі" finds «Акжарский сельский округ».
const KIND_WORDS: &[&str] = &[
    "сельский",
    "округ",
    "округи",
    "ауылдык",
    "с/о",
    "со",
    "район",
    "ауданы",
    "аудан",
    "область",
    "облысы",
    "город",
    "каласы",
    "г",
    "поселок",
    "кенти",
    "акимат",
    "акимдиги",
];

/// Every area's folded name words, read once per process: the directory does not change while
/// the app runs.
static AREAS: tokio::sync::OnceCell<Vec<(locations::Model, Vec<String>)>> =
    tokio::sync::OnceCell::const_new();

fn word_matches(typed: &str, word: &str) -> bool {
    let typos = text::max_typos(typed.chars().count());
    word.starts_with(typed)
        || (typos > 0 && text::within(typed, word, typos))
        || text::prefix_within(typed, word, typos)
}

/// Regions, districts and okrugs whose name matches `q` (Russian or Kazakh letters, a typo or
/// two allowed), okrugs first, at most 20.
#[instrument(skip(db))]
pub async fn find_areas(db: &DatabaseConnection, q: &str) -> Result<Vec<AreaHit>, ServiceError> {
    if q.chars().count() > 100 {
        return Err(crate::domain::params::FieldError::new(
            "q",
            crate::domain::params::Problem::TooLong { max: 100 },
        )
        .into());
    }
    let typed: Vec<String> = text::tokens(q)
        .map(|t| text::fold(t.text))
        .filter(|w| !KIND_WORDS.contains(&w.as_str()))
        .collect();
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let areas = AREAS
        .get_or_try_init(|| async {
            let rows = db::reports::all_areas(db).await?;
            Ok::<_, ServiceError>(
                rows.into_iter()
                    .map(|l| {
                        let mut words: Vec<String> = text::tokens(&l.name_ru)
                            .map(|t| text::fold(t.text))
                            .collect();
                        if let Some(kk) = &l.name_kk {
                            words.extend(text::tokens(kk).map(|t| text::fold(t.text)));
                        }
                        (l, words)
                    })
                    .collect(),
            )
        })
        .await?;
    let mut hits: Vec<(u8, usize, &locations::Model)> = areas
        .iter()
        .filter(|(_, words)| {
            typed
                .iter()
                .all(|t| words.iter().any(|w| word_matches(t, w)))
        })
        .map(|(l, words)| {
            // Exact words first, then okrugs before districts before regions.
            let exact = typed
                .iter()
                .all(|t| words.iter().any(|w| w.starts_with(t.as_str())));
            (u8::from(!exact), usize::from(3 - l.level.min(3) as u8), l)
        })
        .collect();
    hits.sort_by(|a, b| {
        (a.0, a.1, a.2.name_ru.len(), &a.2.code).cmp(&(b.0, b.1, b.2.name_ru.len(), &b.2.code))
    });
    hits.truncate(20);
    let mut parents: Vec<String> = Vec::new();
    for (_, _, l) in &hits {
        let s = &l.code;
        parents.push(format!("{}0000000", &s[..2]));
        parents.push(format!("{}00000", &s[..4]));
    }
    let names: BTreeMap<String, String> = db::reports::areas(db, &parents)
        .await?
        .into_iter()
        .map(|l| (l.code, l.name_ru))
        .collect();
    Ok(hits
        .into_iter()
        .filter_map(|(_, _, l)| {
            let area = area_ref(l)?;
            let s = &l.code;
            let within = [format!("{}00000", &s[..4]), format!("{}0000000", &s[..2])]
                .iter()
                .filter(|c| *c != s)
                .filter_map(|c| names.get(c).cloned())
                .collect::<Vec<_>>()
                .join(", ");
            Some(AreaHit { area, within })
        })
        .collect())
}

mod light;
#[cfg(test)]
mod tests;
