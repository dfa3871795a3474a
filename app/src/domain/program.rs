//! Programmes and their operators: the input shape (seed files, later the operator's editor),
//! its validation, and the view a programme page renders.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::catalog::{
    Collateral, OrganisationKind, ProgramKind, ProgramStatus, Sector, TargetGroup,
};
use super::criteria::{Criterion, CriterionError};
use super::location::KatoCode;
use super::money::{AmountUnit, Converted, Limit, MciTable};

/// A programme's URL handle: lowercase Latin letters, digits and single hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Longest slug accepted.
    pub const MAX_LEN: usize = 80;

    /// Parses a slug; `None` when it has other characters, is empty or too long.
    pub fn parse(s: &str) -> Option<Slug> {
        let ok = !s.is_empty()
            && s.len() <= Slug::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        ok.then(|| Slug(s.to_owned()))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s).ok_or_else(|| format!("invalid slug {s:?}"))
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

/// An operator as written in a seed file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    /// Stable handle.
    pub slug: Slug,
    /// What kind of body it is.
    pub kind: OrganisationKind,
    /// Russian name.
    pub name_ru: String,
    /// Kazakh name.
    pub name_kk: String,
    /// Web site, when it has one.
    pub website: Option<String>,
}

/// Amount limits as the rules state them: whole tenge for `kzt`, whole MCI for `mci`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AmountInput {
    /// Unit of `min` and `max`.
    pub unit: AmountUnit,
    /// Smallest amount.
    pub min: Option<i64>,
    /// Largest amount.
    pub max: Option<i64>,
}

/// A rate range in basis points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    /// Lowest rate.
    pub min: Option<i32>,
    /// Highest rate.
    pub max: Option<i32>,
}

/// A text in Russian and Kazakh.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalText {
    /// Russian.
    pub ru: String,
    /// Kazakh.
    pub kk: String,
}

/// A programme as written in a seed file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgramInput {
    /// URL handle.
    pub slug: Slug,
    /// The operator's slug.
    pub organisation: Slug,
    /// Kind of support.
    pub kind: ProgramKind,
    /// Open or closed.
    pub status: ProgramStatus,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
    /// Russian one-sentence summary.
    pub summary_ru: String,
    /// Kazakh one-sentence summary.
    pub summary_kk: String,
    /// Russian description, paragraphs separated by blank lines.
    pub description_ru: String,
    /// Kazakh description.
    pub description_kk: String,
    /// Amount limits.
    pub amount: AmountInput,
    /// Annual rate range, when there is a rate.
    pub rate_bps: Option<RateInput>,
    /// A fee in basis points (guarantees).
    pub fee_bps: Option<i32>,
    /// Longest term in months.
    pub term_months_max: Option<i32>,
    /// Longest grace period in months.
    pub grace_months_max: Option<i32>,
    /// Security asked for.
    pub collateral: Collateral,
    /// Russian note on collateral.
    pub collateral_note_ru: Option<String>,
    /// Kazakh note on collateral.
    pub collateral_note_kk: Option<String>,
    /// Where it applies; empty means nationwide.
    pub locations: Vec<KatoCode>,
    /// Sectors supported; empty means any.
    pub sectors: Vec<Sector>,
    /// Priority groups.
    pub target_groups: Vec<TargetGroup>,
    /// First day of intake.
    pub intake_opens: Option<NaiveDate>,
    /// Last day of intake.
    pub deadline: Option<NaiveDate>,
    /// Russian steps to apply, one per line.
    pub how_to_apply_ru: String,
    /// Kazakh steps to apply.
    pub how_to_apply_kk: String,
    /// Documents to bring.
    pub required_documents: Vec<LocalText>,
    /// Eligibility rules.
    pub criteria: Vec<Criterion>,
    /// Where the facts come from.
    pub source_url: String,
    /// The source's name.
    pub source_name: String,
    /// Fields whose figures are uncertain.
    pub uncertain: Vec<String>,
    /// Russian note on what is uncertain.
    pub uncertain_note_ru: Option<String>,
    /// Kazakh note on what is uncertain.
    pub uncertain_note_kk: Option<String>,
    /// Whether it is an illustrative regional variant rather than a real programme.
    pub demo_variant: bool,
    /// The real programme a variant is modelled on.
    pub variant_of: Option<Slug>,
}

/// The fields a programme may flag as uncertain.
pub const UNCERTAIN_FIELDS: &[&str] = &[
    "amount",
    "rate_bps",
    "fee_bps",
    "term_months_max",
    "grace_months_max",
    "collateral",
    "intake_opens",
    "deadline",
    "locations",
    "sectors",
    "target_groups",
    "criteria",
    "required_documents",
    "organisation",
];

/// Why a programme input is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    /// A required text is empty.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// A range has its bounds the wrong way round.
    #[error("{0}: min is greater than max")]
    Inverted(&'static str),
    /// A number outside its sensible range.
    #[error("{0} is out of range")]
    OutOfRange(&'static str),
    /// The source is not an https link.
    #[error("source_url must be an https link")]
    SourceUrl,
    /// An unknown field is flagged uncertain.
    #[error("unknown uncertain field {0:?}")]
    UnknownUncertainField(String),
    /// A demo variant must name the programme it follows, and only a variant may.
    #[error("demo_variant and variant_of must go together")]
    Variant,
    /// A criterion is invalid.
    #[error(transparent)]
    Criterion(#[from] CriterionError),
}

impl ProgramError {
    /// The input field at fault, for a field-named error.
    pub fn field(&self) -> &'static str {
        match self {
            ProgramError::Empty(f) | ProgramError::Inverted(f) | ProgramError::OutOfRange(f) => f,
            ProgramError::SourceUrl => "source_url",
            ProgramError::UnknownUncertainField(_) => "uncertain",
            ProgramError::Variant => "variant_of",
            ProgramError::Criterion(_) => "criteria",
        }
    }
}

impl From<ProgramError> for super::params::FieldError {
    fn from(e: ProgramError) -> Self {
        super::params::FieldError::new(e.field(), super::params::Problem::NotAccepted)
    }
}

impl ProgramInput {
    /// Checks everything that can be checked without the database.
    pub fn validate(&self) -> Result<(), ProgramError> {
        let texts = [
            ("title_ru", &self.title_ru),
            ("title_kk", &self.title_kk),
            ("summary_ru", &self.summary_ru),
            ("summary_kk", &self.summary_kk),
            ("description_ru", &self.description_ru),
            ("description_kk", &self.description_kk),
            ("how_to_apply_ru", &self.how_to_apply_ru),
            ("how_to_apply_kk", &self.how_to_apply_kk),
            ("source_name", &self.source_name),
        ];
        for (name, text) in texts {
            if text.trim().is_empty() {
                return Err(ProgramError::Empty(name));
            }
        }
        let AmountInput { min, max, .. } = self.amount;
        if min.is_some_and(|m| m < 0) || max.is_some_and(|m| m <= 0) {
            return Err(ProgramError::OutOfRange("amount"));
        }
        // Whole tenge become tiyn (×100) and MCI become tiyn (× about 400 000): refuse values
        // that could overflow i64 on the way.
        if max.is_some_and(|m| m > 1_000_000_000_000) {
            return Err(ProgramError::OutOfRange("amount"));
        }
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            return Err(ProgramError::Inverted("amount"));
        }
        if let Some(RateInput { min, max }) = self.rate_bps {
            let out = |r: Option<i32>| r.is_some_and(|r| !(0..=10_000).contains(&r));
            if out(min) || out(max) || (min.is_none() && max.is_none()) {
                return Err(ProgramError::OutOfRange("rate_bps"));
            }
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(ProgramError::Inverted("rate_bps"));
            }
        }
        if self.fee_bps.is_some_and(|f| !(0..=10_000).contains(&f)) {
            return Err(ProgramError::OutOfRange("fee_bps"));
        }
        if self
            .term_months_max
            .is_some_and(|t| !(1..=600).contains(&t))
        {
            return Err(ProgramError::OutOfRange("term_months_max"));
        }
        if self
            .grace_months_max
            .is_some_and(|g| !(0..=600).contains(&g))
        {
            return Err(ProgramError::OutOfRange("grace_months_max"));
        }
        if let (Some(opens), Some(deadline)) = (self.intake_opens, self.deadline)
            && opens > deadline
        {
            return Err(ProgramError::Inverted("intake_opens/deadline"));
        }
        if !self.source_url.starts_with("https://") || self.source_url.len() > 500 {
            return Err(ProgramError::SourceUrl);
        }
        if let Some(field) = self
            .uncertain
            .iter()
            .find(|f| !UNCERTAIN_FIELDS.contains(&f.as_str()))
        {
            return Err(ProgramError::UnknownUncertainField(field.clone()));
        }
        if self.demo_variant != self.variant_of.is_some() {
            return Err(ProgramError::Variant);
        }
        self.criteria.iter().try_for_each(Criterion::validate)?;
        Ok(())
    }

    /// The largest amount for `year`, in whole tenge, for the index and result cards.
    pub fn amount_max_kzt(&self, mci: &MciTable, year: i32) -> Option<i64> {
        let max = self.amount.max?;
        Limit::from_stored(self.amount.unit, stored_amount(self.amount.unit, max)?)
            .in_tiyn(mci, year)
            .map(|c| c.tiyn.whole_tenge())
    }
}

/// The stored value of a limit: tiyn for tenge amounts, whole MCI for MCI amounts.
pub fn stored_amount(unit: AmountUnit, value: i64) -> Option<i64> {
    match unit {
        AmountUnit::Kzt => value.checked_mul(100),
        AmountUnit::Mci => Some(value),
    }
}

/// The contents of a seed file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Operators.
    pub organisations: Vec<OrganisationInput>,
    /// Programmes.
    pub programs: Vec<ProgramInput>,
}

/// An operator, as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationView {
    /// Stable handle.
    pub slug: String,
    /// Kind of body.
    pub kind: OrganisationKind,
    /// Russian name.
    pub name_ru: String,
    /// Kazakh name.
    pub name_kk: String,
    /// Web site.
    pub website: Option<String>,
}

/// A place named on a programme page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlaceView {
    /// KATO code.
    pub code: KatoCode,
    /// Russian name.
    pub name_ru: String,
    /// Kazakh name, where known.
    pub name_kk: Option<String>,
}

/// A limit with its value in money for the year shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LimitView {
    /// As the rules state it.
    pub limit: Limit,
    /// In money, for the year shown.
    pub converted: Option<Converted>,
}

/// The real programme a demo variant follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VariantOf {
    /// Its slug.
    pub slug: String,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
}

/// Everything a programme page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgramView {
    /// Id.
    pub id: i64,
    /// URL handle.
    pub slug: String,
    /// Kind of support.
    pub kind: ProgramKind,
    /// Open or closed.
    pub status: ProgramStatus,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
    /// Russian summary.
    pub summary_ru: String,
    /// Kazakh summary.
    pub summary_kk: String,
    /// Russian description.
    pub description_ru: String,
    /// Kazakh description.
    pub description_kk: String,
    /// The operator.
    pub organisation: OrganisationView,
    /// Smallest amount.
    pub amount_min: Option<LimitView>,
    /// Largest amount.
    pub amount_max: Option<LimitView>,
    /// Lowest rate.
    pub rate_min_bps: Option<i32>,
    /// Highest rate.
    pub rate_max_bps: Option<i32>,
    /// Fee.
    pub fee_bps: Option<i32>,
    /// Longest term.
    pub term_months_max: Option<i32>,
    /// Longest grace period.
    pub grace_months_max: Option<i32>,
    /// Security.
    pub collateral: Collateral,
    /// Russian note on collateral.
    pub collateral_note_ru: Option<String>,
    /// Kazakh note on collateral.
    pub collateral_note_kk: Option<String>,
    /// Where it applies; empty means nationwide.
    pub locations: Vec<PlaceView>,
    /// Sectors; empty means any.
    pub sectors: Vec<Sector>,
    /// Priority groups.
    pub target_groups: Vec<TargetGroup>,
    /// First day of intake.
    pub intake_opens: Option<NaiveDate>,
    /// Last day of intake.
    pub deadline: Option<NaiveDate>,
    /// Russian steps.
    pub how_to_apply_ru: String,
    /// Kazakh steps.
    pub how_to_apply_kk: String,
    /// Documents.
    pub required_documents: Vec<LocalText>,
    /// Eligibility rules.
    pub criteria: Vec<Criterion>,
    /// Names of every place the criteria mention, by code.
    pub places: BTreeMap<String, PlaceView>,
    /// Source link.
    pub source_url: String,
    /// Source name.
    pub source_name: String,
    /// Uncertain fields.
    pub uncertain: Vec<String>,
    /// Russian note on uncertainty.
    pub uncertain_note_ru: Option<String>,
    /// Kazakh note on uncertainty.
    pub uncertain_note_kk: Option<String>,
    /// Whether it is an illustrative variant.
    pub demo_variant: bool,
    /// The real programme it follows.
    pub variant_of: Option<VariantOf>,
    /// MCI values, to restate limits.
    pub mci: MciTable,
    /// The date the page is shown for: amounts use its year's MCI, deadlines are judged by it.
    pub today: NaiveDate,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl ProgramView {
    /// Whether the programme lends money that is repaid, so a payment schedule means something.
    pub fn is_loan_like(&self) -> bool {
        matches!(
            self.kind,
            super::catalog::ProgramKind::Microcredit
                | super::catalog::ProgramKind::Loan
                | super::catalog::ProgramKind::Leasing
        )
    }

    /// The limits a loan under this programme keeps to, in tiyn of the year shown.
    pub fn loan_limits(&self) -> super::loan::Limits {
        let tiyn = |l: &LimitView| match (l.converted, l.limit) {
            (Some(c), _) => Some(c.tiyn),
            (None, super::money::Limit::Kzt(t)) => Some(t),
            (None, super::money::Limit::Mci(_)) => None,
        };
        super::loan::Limits {
            amount_min: self.amount_min.as_ref().and_then(tiyn),
            amount_max: self.amount_max.as_ref().and_then(tiyn),
            term_months_max: self.term_months_max,
            grace_months_max: self.grace_months_max,
        }
    }

    /// Whether a field's figure is flagged uncertain.
    pub fn is_uncertain(&self, field: &str) -> bool {
        self.uncertain.iter().any(|f| f == field)
    }

    /// Whether the programme takes applications on the day shown.
    pub fn is_open(&self) -> bool {
        self.status == ProgramStatus::Open && self.deadline.is_none_or(|d| d >= self.today)
    }

    /// The year amounts are shown for.
    pub fn year(&self) -> i32 {
        chrono::Datelike::year(&self.today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::{MciRate, Tiyn};

    fn input() -> ProgramInput {
        ProgramInput {
            slug: Slug::parse("auyl-amanaty").expect("valid"),
            organisation: Slug::parse("agrocredit").expect("valid"),
            kind: ProgramKind::Microcredit,
            status: ProgramStatus::Open,
            title_ru: "Ауыл аманаты".into(),
            title_kk: "Ауыл аманаты".into(),
            summary_ru: "s".into(),
            summary_kk: "s".into(),
            description_ru: "d".into(),
            description_kk: "d".into(),
            amount: AmountInput {
                unit: AmountUnit::Mci,
                min: None,
                max: Some(2500),
            },
            rate_bps: Some(RateInput {
                min: None,
                max: Some(250),
            }),
            fee_bps: None,
            term_months_max: Some(60),
            grace_months_max: None,
            collateral: Collateral::Required,
            collateral_note_ru: None,
            collateral_note_kk: None,
            locations: vec![],
            sectors: vec![],
            target_groups: vec![],
            intake_opens: None,
            deadline: None,
            how_to_apply_ru: "1".into(),
            how_to_apply_kk: "1".into(),
            required_documents: vec![],
            criteria: vec![],
            source_url: "https://spk-tobol.kz/auyl-amanaty".into(),
            source_name: "spk-tobol.kz".into(),
            uncertain: vec![],
            uncertain_note_ru: None,
            uncertain_note_kk: None,
            demo_variant: false,
            variant_of: None,
        }
    }

    #[test]
    fn slugs_are_lowercase_latin_digits_and_single_hyphens() {
        for good in ["a", "auyl-amanaty-2026", "ken-dala"] {
            assert!(Slug::parse(good).is_some(), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Auyl",
            "ауыл",
            "a b",
            "a/b",
            "a.b",
            &"a".repeat(81),
        ] {
            assert!(Slug::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_valid_programme_passes_and_each_defect_is_named() {
        assert_eq!(input().validate(), Ok(()));
        type Mutation = Box<dyn Fn(&mut ProgramInput)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|p| p.title_ru = " ".into()), "title_ru is empty"),
            (
                Box::new(|p| p.amount.min = Some(3000)),
                "amount: min is greater than max",
            ),
            (
                Box::new(|p| p.amount.max = Some(0)),
                "amount is out of range",
            ),
            (
                Box::new(|p| {
                    p.rate_bps = Some(RateInput {
                        min: Some(300),
                        max: Some(250),
                    })
                }),
                "rate_bps: min",
            ),
            (
                Box::new(|p| {
                    p.rate_bps = Some(RateInput {
                        min: None,
                        max: Some(10_001),
                    })
                }),
                "rate_bps is out",
            ),
            (
                Box::new(|p| p.term_months_max = Some(0)),
                "term_months_max is out",
            ),
            (Box::new(|p| p.source_url = "http://x".into()), "https"),
            (Box::new(|p| p.uncertain = vec!["colour".into()]), "colour"),
            (Box::new(|p| p.demo_variant = true), "demo_variant"),
            (
                Box::new(|p| {
                    p.intake_opens = NaiveDate::from_ymd_opt(2027, 2, 1);
                    p.deadline = NaiveDate::from_ymd_opt(2027, 1, 1);
                }),
                "intake_opens/deadline",
            ),
        ];
        for (mutate, expected) in cases {
            let mut p = input();
            mutate(&mut p);
            let err = p.validate().expect_err(expected).to_string();
            assert!(err.contains(expected), "expected {expected:?}, got {err:?}");
        }
    }

    #[test]
    fn the_largest_amount_is_shown_in_tenge_of_the_year() {
        let mci = MciTable::new(vec![MciRate {
            year: 2026,
            tiyn: Tiyn(432_500),
        }]);
        assert_eq!(input().amount_max_kzt(&mci, 2026), Some(10_812_500));
        let mut p = input();
        p.amount = AmountInput {
            unit: AmountUnit::Kzt,
            min: None,
            max: Some(20_000_000),
        };
        assert_eq!(p.amount_max_kzt(&mci, 2026), Some(20_000_000));
    }
}
