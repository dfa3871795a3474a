//! Entrepreneurs' profiles and their matches: saving a profile, the settlement picker, and
//! everything the matches page and the eligibility API rank with.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::ServiceError;
use crate::domain::account::Principal;
use crate::domain::criteria::Criterion;
use crate::domain::eligibility::{Candidate, Context, Facts, RankingData};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, allow};
use crate::domain::profile::{Profile, SaveProfile, SettlementHit, field};
use crate::ssr::db;

/// The signed-in person who may keep a profile (an entrepreneur), or why not. The form's door
/// asks first, so that someone signed out is sent to sign in, not told a field is wrong.
pub fn keeper(who: Option<&Principal>) -> Result<&Principal, ServiceError> {
    allow(who, &Action::KeepProfile)?;
    who.ok_or(ServiceError::Denied(
        crate::domain::policy::Denied::SignInRequired,
    ))
}

/// The saved profile of the signed-in entrepreneur (empty if none was saved yet).
#[instrument(skip_all)]
pub async fn profile(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Option<Profile>, ServiceError> {
    let p = keeper(who)?;
    Ok(db::profiles::find(db, p.user_id).await?)
}

/// Saves the profile of the signed-in entrepreneur, once its settlement is known to exist and
/// its IIN is nobody else's (what the form alone cannot tell).
#[instrument(skip_all)]
pub async fn save(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    profile: &SaveProfile,
) -> Result<(), ServiceError> {
    let p = keeper(who)?;
    let profile = &profile.0;
    if let Some(code) = &profile.settlement
        && db::locations::existing(db, &[code.to_string()])
            .await?
            .is_empty()
    {
        return Err(FieldError::new(
            field::SETTLEMENT,
            Problem::UnknownReference(code.to_string()),
        )
        .into());
    }
    if let Some(iin) = &profile.iin
        && db::profiles::holder_of_iin(db, iin.as_str())
            .await?
            .is_some_and(|holder| holder != p.user_id)
    {
        return Err(FieldError::new(field::IIN, Problem::IdTaken).into());
    }
    // The okrugs a move leaves and joins count their registered entrepreneurs anew.
    let before = db::profiles::find(db, p.user_id)
        .await?
        .and_then(|old| old.settlement);
    let txn = db::begin_write(db).await?;
    db::profiles::save(&txn, p.user_id, profile).await?;
    if before != profile.settlement {
        for okrug in [&before, &profile.settlement]
            .into_iter()
            .flatten()
            .filter_map(KatoCode::okrug)
        {
            db::reports::touch(&txn, &okrug).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Codes of the units above `code`, nearest first.
fn parents(code: &KatoCode) -> Vec<KatoCode> {
    let s = code.as_str();
    [
        format!("{}000", &s[..6]),
        format!("{}00000", &s[..4]),
        format!("{}0000000", &s[..2]),
    ]
    .into_iter()
    .filter(|c| c != s)
    .filter_map(|c| KatoCode::parse(&c).ok())
    .collect()
}

/// Settlements matching what was typed, at most 20.
#[instrument(skip(db))]
pub async fn settlements(
    db: &DatabaseConnection,
    needle: &str,
) -> Result<Vec<SettlementHit>, ServiceError> {
    if needle.chars().count() > 100 {
        return Err(FieldError::new("place_q", Problem::TooLong { max: 100 }).into());
    }
    let rows = db::profiles::search_settlements(db, needle, 20).await?;
    let mut codes: BTreeSet<String> = BTreeSet::new();
    let found: Vec<(KatoCode, String)> = rows
        .into_iter()
        .filter_map(|r| Some((KatoCode::parse(&r.code).ok()?, r.name_ru)))
        .collect();
    for (code, _) in &found {
        codes.extend(parents(code).iter().map(ToString::to_string));
    }
    let names = db::locations::places(db, &codes.into_iter().collect::<Vec<_>>()).await?;
    Ok(found
        .into_iter()
        .map(|(code, name)| {
            let within = parents(&code)
                .iter()
                .filter_map(|c| names.get(c.as_str()).map(|p| p.name_ru.clone()))
                .collect::<Vec<_>>()
                .join(", ");
            SettlementHit { code, name, within }
        })
        .collect())
}

/// The open programmes and the places their criteria name, kept between requests. At 10,000
/// programmes, reading and decoding them was most of the matches page's time (of 114 ms in
/// `cargo bench --bench ranking`, the ranking itself took 9), and they change only with the
/// catalogue. Every change to a programme writes a row to the search outbox in its own
/// transaction (services::programs, services::editor), so what was kept holds while the
/// outbox's last position and the date are the same; on several instances the position is the
/// shared database's, so a change made on one is seen by all. Held in the application's state
/// (one per database).
#[derive(Default)]
pub struct OpenProgrammes(std::sync::Mutex<Option<std::sync::Arc<KeptOpen>>>);

/// What [`OpenProgrammes`] holds, with the date and the outbox position it was read at.
struct KeptOpen {
    today: NaiveDate,
    position: i64,
    candidates: crate::domain::eligibility::Candidates,
    places: crate::domain::eligibility::Places,
}

impl std::fmt::Debug for OpenProgrammes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenProgrammes")
    }
}

impl OpenProgrammes {
    fn kept(&self, today: NaiveDate, position: i64) -> Option<std::sync::Arc<KeptOpen>> {
        let kept = self.0.lock().ok()?.clone()?;
        (kept.today == today && kept.position == position).then_some(kept)
    }

    fn keep(&self, kept: std::sync::Arc<KeptOpen>) {
        // A poisoned lock only loses the keeping, never correctness.
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(kept);
        }
    }
}

/// The open programmes on `today` and the names of the places that `extra` and their criteria
/// mention (with the units above each, so a what-if by region is named too).
#[instrument(skip(db, open, extra))]
pub async fn ranking_data(
    db: &DatabaseConnection,
    open: &OpenProgrammes,
    today: NaiveDate,
    extra: &[&KatoCode],
) -> Result<RankingData, ServiceError> {
    // Read first: a change committed after it moves the position, so the next request reads
    // again rather than keeping an older list under the newer position.
    let position = db::outbox::last_id(db).await?;
    let kept = match open.kept(today, position) {
        Some(kept) => kept,
        None => {
            let candidates = db::catalog::open_candidates(db, today).await?;
            let places = db::locations::places(db, &criteria_codes(&candidates)).await?;
            let kept = std::sync::Arc::new(KeptOpen {
                today,
                position,
                candidates: candidates.into(),
                places,
            });
            open.keep(kept.clone());
            kept
        }
    };
    let mut places = kept.places.clone();
    let missing: Vec<String> = extra_codes(extra)
        .into_iter()
        .filter(|c| !places.contains_key(c))
        .collect();
    places.extend(db::locations::places(db, &missing).await?);
    let mci = db::catalog::mci_table(db).await?;
    Ok(RankingData {
        candidates: kept.candidates.clone(),
        places,
        ctx: Context { today, mci },
    })
}

/// The codes the criteria of `candidates` name.
fn criteria_codes(candidates: &[Candidate]) -> Vec<String> {
    let mut codes: BTreeSet<String> = BTreeSet::new();
    for c in candidates {
        for criterion in &c.criteria {
            if let Criterion::LocationWithin { codes: within } = criterion {
                codes.extend(within.iter().map(ToString::to_string));
            }
        }
    }
    codes.into_iter().collect()
}

/// `extra` with the units above each.
fn extra_codes(extra: &[&KatoCode]) -> Vec<String> {
    let mut codes: BTreeSet<String> = BTreeSet::new();
    for code in extra {
        codes.insert(code.to_string());
        codes.extend(parents(code).iter().map(ToString::to_string));
    }
    codes.into_iter().collect()
}

/// [`RankingData`] of `candidates`: the places they and `extra` mention, and the MCI table.
async fn ranking_of(
    db: &DatabaseConnection,
    today: NaiveDate,
    candidates: Vec<Candidate>,
    extra: &[&KatoCode],
) -> Result<RankingData, ServiceError> {
    let mut codes = criteria_codes(&candidates);
    codes.extend(extra_codes(extra));
    let places = db::locations::places(db, &codes).await?;
    let mci = db::catalog::mci_table(db).await?;
    Ok(RankingData {
        candidates: candidates.into(),
        places,
        ctx: Context { today, mci },
    })
}

/// The ranking data of programme `slug` alone for a person with `facts` (no candidate when it
/// is not open): one programme's row, not every open one's.
async fn ranking_of_one(
    db: &DatabaseConnection,
    slug: &str,
    facts: &Facts,
    today: NaiveDate,
) -> Result<RankingData, ServiceError> {
    let candidates: Vec<Candidate> = db::catalog::open_candidate(db, today, slug)
        .await?
        .into_iter()
        .collect();
    let extra: Vec<&KatoCode> = facts.location.iter().collect();
    ranking_of(db, today, candidates, &extra).await
}

/// The facts of the signed-in entrepreneur's saved profile (none known if not saved).
pub async fn facts(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    today: NaiveDate,
) -> Result<(Facts, Option<Profile>), ServiceError> {
    let profile = profile(db, who).await?;
    Ok((
        profile.as_ref().map(|p| p.facts(today)).unwrap_or_default(),
        profile,
    ))
}

/// One settlement by code, named with the units above it; `None` for a code not in KATO.
pub async fn settlement(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<SettlementHit>, ServiceError> {
    let Ok(code) = KatoCode::parse(code) else {
        return Ok(None);
    };
    let mut codes = vec![code.to_string()];
    codes.extend(parents(&code).iter().map(ToString::to_string));
    let names = db::locations::places(db, &codes).await?;
    let Some(own) = names.get(code.as_str()) else {
        return Ok(None);
    };
    let within = parents(&code)
        .iter()
        .filter_map(|c| names.get(c.as_str()).map(|p| p.name_ru.clone()))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Some(SettlementHit {
        name: own.name_ru.clone(),
        code,
        within,
    }))
}

/// How programme `slug` stands for the signed-in entrepreneur: `None` for anybody else; a
/// ranking of that one programme (empty when it is not open) otherwise.
#[instrument(skip(db, who))]
pub async fn fit(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    slug: &str,
    today: NaiveDate,
) -> Result<Option<(RankingData, Facts)>, ServiceError> {
    if allow(who, &Action::KeepProfile).is_err() {
        return Ok(None);
    }
    let (facts, _) = facts(db, who, today).await?;
    let data = ranking_of_one(db, slug, &facts, today).await?;
    Ok(Some((data, facts)))
}

/// How programme `slug` stands for entrepreneur `user_id`: what the operator reviewing their
/// application sees (the caller has checked that it may read the application). The ranking is
/// empty when the programme no longer takes applications.
pub async fn fit_of(
    db: &DatabaseConnection,
    user_id: i32,
    slug: &str,
    today: NaiveDate,
) -> Result<(RankingData, Facts), ServiceError> {
    let facts = db::profiles::find(db, user_id)
        .await?
        .map(|p| p.facts(today))
        .unwrap_or_default();
    let data = ranking_of_one(db, slug, &facts, today).await?;
    Ok((data, facts))
}

/// Keeps what-if values in the signed-in entrepreneur's profile: the amount and the sector
/// (the age follows from the IIN and a region is coarser than the settlement, so those two
/// stay what-ifs).
#[instrument(skip(db, who))]
pub async fn keep_what_if(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    amount: &str,
    sector: &str,
) -> Result<(), ServiceError> {
    let p = keeper(who)?;
    let input = crate::domain::eligibility::WhatIfInput {
        amount: amount.trim().to_owned(),
        sector: sector.trim().to_owned(),
        ..Default::default()
    };
    let what_if = input.parse()?;
    let mut profile = db::profiles::find(db, p.user_id).await?.unwrap_or_default();
    if let Some(amount) = what_if.amount_tenge {
        profile.amount_tenge = Some(amount);
    }
    if let Some(sector) = what_if.sector {
        profile.sector = Some(sector);
    }
    db::profiles::save(db, p.user_id, &profile).await?;
    Ok(())
}
