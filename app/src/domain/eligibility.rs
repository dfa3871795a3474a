//! The eligibility engine: a programme's criteria against what is known about an entrepreneur.
//!
//! Every criterion comes out as met, not met, or unknown. Unknown means a fact the criterion
//! needs was not given; it is never read as "not met", so an empty profile shows what to fill
//! in rather than a wall of refusals. Evaluation ([`assess`]) is cheap and language-free, so
//! ranking thousands of programmes costs no text; the words come after, only for what is shown
//! ([`explain`]). Pure: the same code ranks on the server and in the browser's what-if.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::catalog::{Certificate, LegalForm, ProgramKind, Sector, Stage, TargetGroup};
use super::criteria::{Criterion, range_text};
use super::i18n::{Lang, Msg, pick, t, tf};
use super::identity::Sex;
use super::location::KatoCode;
use super::money::{AmountUnit, MciTable, Tenge, Tiyn, format_kzt};
use super::params::{FieldError, Problem};
use super::program::PlaceView;

/// The age up to which a person counts as young (the "youth" target group).
pub const YOUTH_MAX_AGE: u32 = 29;

/// What the engine knows about an entrepreneur. Every fact is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Facts {
    /// Age in whole years.
    pub age: Option<u32>,
    /// Sex, from the IIN.
    pub sex: Option<Sex>,
    /// Target groups the person declared; `None` when the question was not answered. Youth and
    /// women follow from age and sex when those are known.
    pub groups: Option<Vec<TargetGroup>>,
    /// Where the business is: a settlement, or a coarser unit (what-if by region).
    pub location: Option<KatoCode>,
    /// Line of business.
    pub sector: Option<Sector>,
    /// How far along the business is.
    pub stage: Option<Stage>,
    /// Legal form.
    pub legal_form: Option<LegalForm>,
    /// Number of employees.
    pub employees: Option<u32>,
    /// Months since the business started.
    pub business_age_months: Option<u32>,
    /// The amount the person needs, in whole tenge.
    pub amount_tenge: Option<i64>,
    /// Whether they have property to pledge.
    pub collateral: Option<bool>,
    /// Certificates held; `None` when the question was not answered.
    pub certificates: Option<Vec<Certificate>>,
}

impl Facts {
    /// Whether the person belongs to `group`: `None` when that is not known.
    pub fn in_group(&self, group: TargetGroup) -> Option<bool> {
        match group {
            // Age decides youth whenever it is known, whatever was ticked.
            TargetGroup::Youth => self
                .age
                .map(|a| a <= YOUTH_MAX_AGE)
                .or_else(|| self.declared(group)),
            TargetGroup::Women => match (self.sex, self.declared(group)) {
                (Some(sex), _) => Some(sex == Sex::Female),
                (None, declared) => declared,
            },
            _ => self.declared(group),
        }
    }

    fn declared(&self, group: TargetGroup) -> Option<bool> {
        self.groups.as_ref().map(|g| g.contains(&group))
    }

    /// Applies what-if changes; nothing else is touched.
    pub fn with(&self, what_if: &WhatIf) -> Facts {
        let mut f = self.clone();
        if let Some(age) = what_if.age {
            f.age = Some(age);
        }
        if let Some(amount) = what_if.amount_tenge {
            f.amount_tenge = Some(amount);
        }
        if let Some(sector) = what_if.sector {
            f.sector = Some(sector);
        }
        if let Some(location) = &what_if.location {
            f.location = Some(location.clone());
        }
        f
    }
}

/// Facts changed for a "what if" look at the ranking; never saved by themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhatIf {
    /// Another age.
    pub age: Option<u32>,
    /// Another amount, whole tenge.
    pub amount_tenge: Option<i64>,
    /// Another sector.
    pub sector: Option<Sector>,
    /// Another place (a region, district, okrug or settlement).
    pub location: Option<KatoCode>,
}

impl WhatIf {
    /// Whether anything is changed.
    pub fn is_empty(&self) -> bool {
        *self == WhatIf::default()
    }
}

/// The what-if form as typed: kept as text so a bad value is shown back beside its field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhatIfInput {
    /// Age.
    pub age: String,
    /// Amount, tenge.
    pub amount: String,
    /// Sector code.
    pub sector: String,
    /// Region KATO code.
    pub region: String,
}

impl WhatIfInput {
    /// Field names, as the form and the address use them.
    pub const FIELDS: [&'static str; 4] = ["age", "amount", "sector", "region"];

    /// The form's fields from decoded address pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> WhatIfInput {
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        WhatIfInput {
            age: get("age"),
            amount: get("amount"),
            sector: get("sector"),
            region: get("region"),
        }
    }

    /// The changes, or the first field that is wrong. Empty fields change nothing.
    pub fn parse(&self) -> Result<WhatIf, FieldError> {
        use super::params::parse_count;
        fn opt(s: &str) -> Option<&str> {
            Some(s).filter(|v| !v.is_empty())
        }
        Ok(WhatIf {
            age: opt(&self.age)
                .map(|v| parse_count("age", v, 0, 120).map(|n| n as u32))
                .transpose()?,
            amount_tenge: opt(&self.amount)
                .map(|v| parse_count("amount", v, 1, 1_000_000_000_000))
                .transpose()?,
            sector: opt(&self.sector)
                .map(|v| {
                    Sector::parse(v).ok_or_else(|| {
                        FieldError::new("sector", Problem::UnknownSector(v.to_owned()))
                    })
                })
                .transpose()?,
            location: opt(&self.region)
                .map(|v| {
                    KatoCode::parse(v)
                        .ok()
                        .filter(|c| super::location::region(c.as_str()).is_some())
                        .ok_or_else(|| {
                            FieldError::new("region", Problem::RegionUnknown(v.to_owned()))
                        })
                })
                .transpose()?,
        })
    }

    /// The address query of these inputs (empty fields left out).
    pub fn query(&self) -> String {
        [
            ("age", &self.age),
            ("amount", &self.amount),
            ("sector", &self.sector),
            ("region", &self.region),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::params::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// Whole years between `birth` and `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Whole months between `start` and `today`.
pub fn months_between(start: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut months =
        (today.year() - start.year()) * 12 + today.month() as i32 - start.month() as i32;
    if today.day() < start.day() {
        months -= 1;
    }
    u32::try_from(months).ok()
}

/// How one criterion came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The facts satisfy it.
    Met,
    /// The facts contradict it.
    NotMet,
    /// A fact it needs is missing.
    Unknown,
}

/// What is needed to evaluate criteria that depend on the date: amounts in MCI use the MCI of
/// `today`'s year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Context {
    /// The date of the evaluation.
    pub today: NaiveDate,
    /// MCI values.
    pub mci: MciTable,
}

impl Context {
    /// An amount bound in whole tenge; `None` when an MCI bound cannot be converted.
    fn tenge(&self, unit: AmountUnit, value: i64) -> Option<i64> {
        match unit {
            AmountUnit::Kzt => Some(value),
            AmountUnit::Mci => self
                .mci
                .convert(value, self.today.year())
                .map(|c| c.tiyn.whole_tenge()),
        }
    }
}

fn within<N: PartialOrd>(value: N, min: Option<N>, max: Option<N>) -> bool {
    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m)
}

fn verdict(met: bool) -> Outcome {
    if met { Outcome::Met } else { Outcome::NotMet }
}

/// One criterion against the facts.
pub fn assess(criterion: &Criterion, facts: &Facts, ctx: &Context) -> Outcome {
    match criterion {
        Criterion::Age { min, max } => facts.age.map_or(Outcome::Unknown, |a| {
            verdict(within(a, min.map(u32::from), max.map(u32::from)))
        }),
        Criterion::LocationWithin { codes } => match &facts.location {
            None => Outcome::Unknown,
            Some(here) if codes.iter().any(|area| here.is_within(area)) => Outcome::Met,
            // The person's place is coarser than the programme's area and contains part of
            // it (what-if by region, a programme for two districts of it): cannot tell.
            Some(here) if codes.iter().any(|area| area.is_within(here)) => Outcome::Unknown,
            Some(_) => Outcome::NotMet,
        },
        Criterion::SectorIn { sectors } => facts
            .sector
            .map_or(Outcome::Unknown, |s| verdict(sectors.contains(&s))),
        Criterion::ExcludedSectors { sectors } => facts
            .sector
            .map_or(Outcome::Unknown, |s| verdict(!sectors.contains(&s))),
        Criterion::StageIn { stages } => facts
            .stage
            .map_or(Outcome::Unknown, |s| verdict(stages.contains(&s))),
        Criterion::LegalFormIn { forms } => facts
            .legal_form
            .map_or(Outcome::Unknown, |f| verdict(forms.contains(&f))),
        Criterion::TargetGroupAny { groups } => {
            let answers: Vec<Option<bool>> = groups.iter().map(|g| facts.in_group(*g)).collect();
            if answers.contains(&Some(true)) {
                Outcome::Met
            } else if answers.iter().all(|a| *a == Some(false)) {
                Outcome::NotMet
            } else {
                Outcome::Unknown
            }
        }
        Criterion::AmountWithin { unit, min, max } => {
            let (Some(amount), Some(lo), Some(hi)) = (
                facts.amount_tenge,
                min.map_or(Some(None), |m| ctx.tenge(*unit, m).map(Some)),
                max.map_or(Some(None), |m| ctx.tenge(*unit, m).map(Some)),
            ) else {
                return Outcome::Unknown;
            };
            verdict(within(amount, lo, hi))
        }
        Criterion::CollateralAvailable => facts.collateral.map_or(Outcome::Unknown, verdict),
        Criterion::Certificate { name } => facts
            .certificates
            .as_ref()
            .map_or(Outcome::Unknown, |c| verdict(c.contains(name))),
        Criterion::BusinessAgeMonths { min, max } => facts
            .business_age_months
            .map_or(Outcome::Unknown, |m| verdict(within(m, *min, *max))),
        Criterion::Employees { min, max } => facts
            .employees
            .map_or(Outcome::Unknown, |n| verdict(within(n, *min, *max))),
        Criterion::TaxRegistered => facts
            .legal_form
            .map_or(Outcome::Unknown, |f| verdict(f != LegalForm::None)),
    }
}

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
    pub candidates: Vec<Candidate>,
    /// Place names by code.
    pub places: Places,
    /// Date and MCI.
    pub ctx: Context,
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
fn is_targeted(c: &Criterion) -> bool {
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
fn by_deadline(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Ordering {
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

/// One line of an explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Line {
    /// The outcome it explains.
    pub outcome: Outcome,
    /// "Возраст 34, а программа для возраста от 18 до 29 лет".
    pub text: String,
    /// What would change it, where the person can do something.
    pub fix: Option<String>,
}

/// Names of places, by code, for the words.
pub type Places = BTreeMap<String, PlaceView>;

/// The name of a place in `lang`; regions are named by the domain when the map lacks them.
pub fn place_name(lang: Lang, places: &Places, code: &KatoCode) -> String {
    if let Some(p) = places.get(code.as_str()) {
        return pick(lang, &p.name_ru, p.name_kk.as_deref().unwrap_or("")).to_owned();
    }
    super::location::region(code.as_str())
        .map_or_else(|| code.to_string(), |r| r.name(lang).to_owned())
}

fn labels<T: Copy>(lang: Lang, items: &[T], label: fn(T, Lang) -> &'static str) -> String {
    items
        .iter()
        .map(|i| label(*i, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The words for one criterion's outcome.
pub fn explain(
    lang: Lang,
    criterion: &Criterion,
    outcome: Outcome,
    facts: &Facts,
    ctx: &Context,
    places: &Places,
) -> Line {
    use Outcome::{Met, NotMet, Unknown};
    let line = |text: String, fix: Option<String>| Line { outcome, text, fix };
    let fill_in = || Some(t(lang, Msg::FixFillIn).to_owned());
    match criterion {
        Criterion::Age { min, max } => {
            let range = range_text(
                lang,
                *min,
                *max,
                Msg::CritAgeRange,
                Msg::CritAgeMin,
                Msg::CritAgeMax,
            );
            let age = facts.age.unwrap_or_default().to_string();
            match outcome {
                Met => line(
                    tf(lang, Msg::ExplAgeMet, &[("age", &age), ("range", &range)]),
                    None,
                ),
                NotMet => line(
                    tf(
                        lang,
                        Msg::ExplAgeNotMet,
                        &[("age", &age), ("range", &range)],
                    ),
                    None,
                ),
                Unknown => line(t(lang, Msg::ExplAgeUnknown).to_owned(), fill_in()),
            }
        }
        Criterion::LocationWithin { codes } => {
            let areas = codes
                .iter()
                .map(|c| place_name(lang, places, c))
                .collect::<Vec<_>>()
                .join(", ");
            let here = facts.location.as_ref();
            let name = here
                .map(|h| place_name(lang, places, h))
                .unwrap_or_default();
            match (outcome, here) {
                (Met, Some(h)) => {
                    let area = codes
                        .iter()
                        .find(|a| h.is_within(a))
                        .map(|a| place_name(lang, places, a))
                        .unwrap_or_else(|| areas.clone());
                    line(
                        tf(
                            lang,
                            Msg::ExplLocationMet,
                            &[("place", &name), ("area", &area)],
                        ),
                        None,
                    )
                }
                (NotMet, _) => line(
                    tf(
                        lang,
                        Msg::ExplLocationNotMet,
                        &[("place", &name), ("areas", &areas)],
                    ),
                    None,
                ),
                (_, Some(_)) => line(
                    tf(
                        lang,
                        Msg::ExplLocationVague,
                        &[("place", &name), ("areas", &areas)],
                    ),
                    fill_in(),
                ),
                (_, None) => line(
                    tf(lang, Msg::ExplLocationUnknown, &[("areas", &areas)]),
                    fill_in(),
                ),
            }
        }
        Criterion::SectorIn { sectors } => {
            let sector = facts.sector.map(|s| s.label(lang)).unwrap_or_default();
            let list = labels(lang, sectors, Sector::label);
            match outcome {
                Met => line(tf(lang, Msg::ExplSectorMet, &[("sector", sector)]), None),
                NotMet => line(
                    tf(
                        lang,
                        Msg::ExplSectorNotMet,
                        &[("sector", sector), ("sectors", &list)],
                    ),
                    None,
                ),
                Unknown => line(
                    tf(lang, Msg::ExplSectorUnknown, &[("sectors", &list)]),
                    fill_in(),
                ),
            }
        }
        Criterion::ExcludedSectors { sectors } => {
            let sector = facts.sector.map(|s| s.label(lang)).unwrap_or_default();
            let list = labels(lang, sectors, Sector::label);
            match outcome {
                Met => line(tf(lang, Msg::ExplExcludedMet, &[("sector", sector)]), None),
                NotMet => line(
                    tf(lang, Msg::ExplExcludedNotMet, &[("sector", sector)]),
                    None,
                ),
                Unknown => line(
                    tf(lang, Msg::ExplSectorUnknown, &[("sectors", &list)]),
                    fill_in(),
                ),
            }
        }
        Criterion::StageIn { stages } => {
            let stage = facts.stage.map(|s| s.label(lang)).unwrap_or_default();
            let list = labels(lang, stages, Stage::label);
            match outcome {
                Met => line(tf(lang, Msg::ExplStageMet, &[("stage", stage)]), None),
                NotMet => line(
                    tf(
                        lang,
                        Msg::ExplStageNotMet,
                        &[("stage", stage), ("stages", &list)],
                    ),
                    None,
                ),
                Unknown => line(t(lang, Msg::ExplStageUnknown).to_owned(), fill_in()),
            }
        }
        Criterion::LegalFormIn { forms } => {
            let form = facts.legal_form.map(|f| f.label(lang)).unwrap_or_default();
            let list = labels(lang, forms, LegalForm::label);
            match outcome {
                Met => line(tf(lang, Msg::ExplFormMet, &[("form", form)]), None),
                NotMet => line(
                    tf(
                        lang,
                        Msg::ExplFormNotMet,
                        &[("form", form), ("forms", &list)],
                    ),
                    Some(tf(lang, Msg::FixForm, &[("forms", &list)])),
                ),
                Unknown => line(t(lang, Msg::ExplFormUnknown).to_owned(), fill_in()),
            }
        }
        Criterion::TargetGroupAny { groups } => {
            let list = labels(lang, groups, TargetGroup::label);
            match outcome {
                Met => {
                    let group = groups
                        .iter()
                        .find(|g| facts.in_group(**g) == Some(true))
                        .map(|g| g.label(lang))
                        .unwrap_or_default();
                    line(tf(lang, Msg::ExplGroupMet, &[("group", group)]), None)
                }
                NotMet => line(tf(lang, Msg::ExplGroupNotMet, &[("groups", &list)]), None),
                Unknown => line(
                    tf(lang, Msg::ExplGroupUnknown, &[("groups", &list)]),
                    fill_in(),
                ),
            }
        }
        Criterion::AmountWithin { unit, min, max } => {
            let lo = min.and_then(|m| ctx.tenge(*unit, m));
            let hi = max.and_then(|m| ctx.tenge(*unit, m));
            let range = match (lo, hi) {
                (Some(a), Some(b)) => tf(
                    lang,
                    Msg::FactAmountRange,
                    &[
                        ("min", &Tenge(a).format(lang)),
                        ("max", &Tenge(b).format(lang)),
                    ],
                ),
                (None, Some(b)) => tf(
                    lang,
                    Msg::FactAmountUpTo,
                    &[("amount", &Tenge(b).format(lang))],
                ),
                (Some(a), None) => tf(lang, Msg::CritCountMin, &[("min", &Tenge(a).format(lang))]),
                (None, None) => String::new(),
            };
            let amount = facts
                .amount_tenge
                .map(|a| Tenge(a).format(lang))
                .unwrap_or_default();
            match outcome {
                Met => line(
                    tf(
                        lang,
                        Msg::ExplAmountMet,
                        &[("amount", &amount), ("range", &range)],
                    ),
                    None,
                ),
                NotMet => {
                    let too_much = hi.is_some_and(|h| facts.amount_tenge.is_some_and(|a| a > h));
                    let fix = match (too_much, lo, hi) {
                        (true, _, Some(h)) => tf(
                            lang,
                            Msg::FixAmountAbove,
                            &[("max", &Tenge(h).format(lang))],
                        ),
                        (_, Some(l), _) => tf(
                            lang,
                            Msg::FixAmountBelow,
                            &[("min", &Tenge(l).format(lang))],
                        ),
                        _ => String::new(),
                    };
                    line(
                        tf(
                            lang,
                            Msg::ExplAmountNotMet,
                            &[("amount", &amount), ("range", &range)],
                        ),
                        (!fix.is_empty()).then_some(fix),
                    )
                }
                Unknown => line(t(lang, Msg::ExplAmountUnknown).to_owned(), fill_in()),
            }
        }
        Criterion::CollateralAvailable => match outcome {
            Met => line(t(lang, Msg::ExplCollateralMet).to_owned(), None),
            NotMet => line(
                t(lang, Msg::ExplCollateralNotMet).to_owned(),
                Some(t(lang, Msg::FixCollateral).to_owned()),
            ),
            Unknown => line(t(lang, Msg::ExplCollateralUnknown).to_owned(), fill_in()),
        },
        Criterion::Certificate { name } => {
            let n = name.label(lang);
            match outcome {
                Met => line(tf(lang, Msg::ExplCertMet, &[("name", n)]), None),
                NotMet => line(
                    tf(lang, Msg::ExplCertNotMet, &[("name", n)]),
                    Some(tf(lang, Msg::FixCertificate, &[("name", n)])),
                ),
                Unknown => line(tf(lang, Msg::ExplCertUnknown, &[("name", n)]), fill_in()),
            }
        }
        Criterion::BusinessAgeMonths { min, max } => {
            let range = range_text(
                lang,
                *min,
                *max,
                Msg::CritMonthsRange,
                Msg::CritMonthsMin,
                Msg::CritMonthsMax,
            );
            let months = facts.business_age_months.unwrap_or_default().to_string();
            match outcome {
                Met => line(
                    tf(
                        lang,
                        Msg::ExplBusinessAgeMet,
                        &[("months", &months), ("range", &range)],
                    ),
                    None,
                ),
                NotMet => line(
                    tf(
                        lang,
                        Msg::ExplBusinessAgeNotMet,
                        &[("months", &months), ("range", &range)],
                    ),
                    None,
                ),
                Unknown => line(t(lang, Msg::ExplBusinessAgeUnknown).to_owned(), fill_in()),
            }
        }
        Criterion::Employees { min, max } => {
            let range = range_text(
                lang,
                *min,
                *max,
                Msg::CritCountRange,
                Msg::CritCountMin,
                Msg::CritCountMax,
            );
            let n = facts.employees.unwrap_or_default().to_string();
            match outcome {
                Met => line(
                    tf(lang, Msg::ExplEmployeesMet, &[("n", &n), ("range", &range)]),
                    None,
                ),
                NotMet => line(
                    tf(
                        lang,
                        Msg::ExplEmployeesNotMet,
                        &[("n", &n), ("range", &range)],
                    ),
                    None,
                ),
                Unknown => line(t(lang, Msg::ExplEmployeesUnknown).to_owned(), fill_in()),
            }
        }
        Criterion::TaxRegistered => match outcome {
            Met => {
                let form = facts.legal_form.map(|f| f.label(lang)).unwrap_or_default();
                line(tf(lang, Msg::ExplTaxMet, &[("form", form)]), None)
            }
            NotMet => line(
                t(lang, Msg::ExplTaxNotMet).to_owned(),
                Some(t(lang, Msg::FixTax).to_owned()),
            ),
            Unknown => line(t(lang, Msg::ExplFormUnknown).to_owned(), fill_in()),
        },
    }
}

/// Every line for one programme, unmet first, then unknown, then met: what matters most on top.
pub fn explain_all(
    lang: Lang,
    candidate: &Candidate,
    m: &Match,
    facts: &Facts,
    ctx: &Context,
    places: &Places,
) -> Vec<Line> {
    let mut lines: Vec<Line> = candidate
        .criteria
        .iter()
        .zip(&m.outcomes)
        .map(|(c, o)| explain(lang, c, *o, facts, ctx, places))
        .collect();
    let order = |o: Outcome| match o {
        Outcome::NotMet => 0,
        Outcome::Unknown => 1,
        Outcome::Met => 2,
    };
    lines.sort_by_key(|l| order(l.outcome));
    lines
}

/// The mark shown before a line: ✓, ✗ or ?.
pub fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "✓",
        Outcome::NotMet => "✗",
        Outcome::Unknown => "?",
    }
}

#[cfg(test)]
mod tests;
