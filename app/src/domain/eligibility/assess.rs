//! One criterion against the facts: met, not met, or unknown (never "not met" for want of a fact).

use super::facts::Facts;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::catalog::LegalForm;
use crate::domain::criteria::Criterion;
use crate::domain::money::{AmountUnit, MciTable};

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
    pub(super) fn tenge(&self, unit: AmountUnit, value: i64) -> Option<i64> {
        match unit {
            AmountUnit::Kzt => Some(value),
            AmountUnit::Mci => self
                .mci
                .convert(value, self.today.year())
                .map(|c| c.tiyn.whole_tenge()),
        }
    }
}

pub(super) fn within<N: PartialOrd>(value: N, min: Option<N>, max: Option<N>) -> bool {
    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m)
}

pub(super) fn verdict(met: bool) -> Outcome {
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
