//! Every candidate programme against the facts: its standing, and the order the matches page shows.

use super::assess::{Context, Outcome, assess};
use super::facts::Facts;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::criteria::Criterion;
use crate::domain::program::PlaceView;

/// A programme as the ranking sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Candidate {
    /// URL handle.
    pub slug: String,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
    /// Kind of support: near misses are offered the best eligible programme of the same kind.
    pub kind: ProgramKind,
    /// Last day of intake.
    pub deadline: Option<NaiveDate>,
    /// Sectors it names (for relevance).
    pub sectors: Vec<Sector>,
    /// Its rules.
    pub criteria: Vec<Criterion>,
}

/// What a ranking needs besides the facts: the open programmes, the names of every place
/// they or the person mention, and the date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RankingData {
    /// Open programmes.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Candidate>))]
    pub candidates: Candidates,
    /// Place names by code.
    pub places: Places,
    /// Date and MCI.
    pub ctx: Context,
}

/// The open programmes of a ranking, shared: the server keeps them between requests (they
/// change only with the catalogue), and every person's ranking reads the same ones instead of
/// a copy of 10,000. On the wire, a plain list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates(std::sync::Arc<Vec<Candidate>>);

impl std::ops::Deref for Candidates {
    type Target = [Candidate];

    fn deref(&self) -> &[Candidate] {
        &self.0
    }
}

impl From<Vec<Candidate>> for Candidates {
    fn from(v: Vec<Candidate>) -> Self {
        Self(std::sync::Arc::new(v))
    }
}

impl Serialize for Candidates {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Candidates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Candidate>::deserialize(d).map(Self::from)
    }
}

/// Where a programme stands for a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Every criterion is met.
    Eligible,
    /// Nothing is unmet, but some facts are missing.
    Possible,
    /// At least one criterion is not met.
    NearMiss,
}

/// One programme's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Match {
    /// Index into the candidates.
    pub index: usize,
    /// Where it stands.
    pub standing: Standing,
    /// Each criterion's outcome, in the programme's order.
    pub outcomes: Vec<Outcome>,
    /// How many are not met.
    pub unmet: usize,
    /// How many are unknown.
    pub unknown: usize,
    /// How closely it is aimed at this person: targeted rules met, sector named.
    pub relevance: u32,
    /// For a near miss: the best programme of the same kind that is eligible (or possible),
    /// as an index into the candidates.
    pub next_best: Option<usize>,
}

/// Whether a criterion singles people out (a programme for your region, sector, group, age)
/// rather than being a formality every borrower meets.
pub(super) fn is_targeted(c: &Criterion) -> bool {
    matches!(
        c,
        Criterion::Age { .. }
            | Criterion::LocationWithin { .. }
            | Criterion::SectorIn { .. }
            | Criterion::StageIn { .. }
            | Criterion::TargetGroupAny { .. }
            | Criterion::Certificate { .. }
    )
}

/// One programme against the facts.
pub fn evaluate(index: usize, candidate: &Candidate, facts: &Facts, ctx: &Context) -> Match {
    let outcomes: Vec<Outcome> = candidate
        .criteria
        .iter()
        .map(|c| assess(c, facts, ctx))
        .collect();
    let unmet = outcomes.iter().filter(|o| **o == Outcome::NotMet).count();
    let unknown = outcomes.iter().filter(|o| **o == Outcome::Unknown).count();
    let standing = match (unmet, unknown) {
        (0, 0) => Standing::Eligible,
        (0, _) => Standing::Possible,
        _ => Standing::NearMiss,
    };
    let targeted = candidate
        .criteria
        .iter()
        .zip(&outcomes)
        .filter(|(c, o)| is_targeted(c) && **o == Outcome::Met)
        .count();
    let sector_named = facts.sector.is_some_and(|s| candidate.sectors.contains(&s));
    Match {
        index,
        standing,
        outcomes,
        unmet,
        unknown,
        relevance: u32::try_from(targeted).unwrap_or(u32::MAX) * 2 + u32::from(sector_named),
        next_best: None,
    }
}

/// Sooner deadlines first; programmes without one after those with one.
pub(super) fn by_deadline(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// All candidates ranked for `facts`: eligible first (most relevant, then soonest deadline),
/// then possible (fewest missing facts), then near misses (fewest unmet criteria). Ties keep a
/// stable order by slug, so the same facts always give the same list.
pub fn rank(candidates: &[Candidate], facts: &Facts, ctx: &Context) -> Vec<Match> {
    let mut matches: Vec<Match> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| evaluate(i, c, facts, ctx))
        .collect();
    matches.sort_by(|a, b| {
        let (ca, cb) = (&candidates[a.index], &candidates[b.index]);
        a.standing
            .cmp(&b.standing)
            .then(a.unmet.cmp(&b.unmet))
            .then(a.unknown.cmp(&b.unknown))
            .then(b.relevance.cmp(&a.relevance))
            .then(by_deadline(ca.deadline, cb.deadline))
            .then(ca.slug.cmp(&cb.slug))
    });
    // The best fitting programme of each kind, for near misses to point to.
    let mut best: BTreeMap<ProgramKind, usize> = BTreeMap::new();
    for m in matches.iter().filter(|m| m.standing != Standing::NearMiss) {
        best.entry(candidates[m.index].kind).or_insert(m.index);
    }
    for m in &mut matches {
        if m.standing == Standing::NearMiss {
            m.next_best = best.get(&candidates[m.index].kind).copied();
        }
    }
    matches
}

/// Names of places, by code, for the words.
pub type Places = BTreeMap<String, PlaceView>;
