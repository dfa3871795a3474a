//! Eligibility criteria: structured rules stored with a programme. This module decodes and
//! validates them and says them in words; evaluating them against a profile comes with the
//! entrepreneur profile.

use serde::{Deserialize, Serialize};

use super::catalog::{Certificate, LegalForm, Sector, Stage, TargetGroup};
use super::i18n::group_digits;
use super::i18n::{Lang, Msg, t, tf};
use super::location::KatoCode;
use super::money::{AmountUnit, MciTable, Tiyn, format_kzt};

/// One eligibility rule. Amount bounds in tenge are whole tenge; in MCI, whole MCI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Criterion {
    /// The applicant's age in years, inclusive bounds.
    Age {
        /// Youngest allowed.
        min: Option<u8>,
        /// Oldest allowed.
        max: Option<u8>,
    },
    /// The business is located within one of these units.
    LocationWithin {
        /// KATO codes of regions, districts, okrugs or settlements.
        codes: Vec<KatoCode>,
    },
    /// The business works in one of these sectors.
    SectorIn {
        /// Allowed sectors.
        sectors: Vec<Sector>,
    },
    /// The business does not work in any of these sectors.
    ExcludedSectors {
        /// Excluded sectors.
        sectors: Vec<Sector>,
    },
    /// The business is at one of these stages.
    StageIn {
        /// Allowed stages.
        stages: Vec<Stage>,
    },
    /// The business has one of these legal forms.
    LegalFormIn {
        /// Allowed forms.
        forms: Vec<LegalForm>,
    },
    /// The applicant belongs to at least one of these groups.
    TargetGroupAny {
        /// Qualifying groups.
        groups: Vec<TargetGroup>,
    },
    /// The amount asked for lies within these bounds.
    AmountWithin {
        /// Unit of the bounds.
        unit: AmountUnit,
        /// Smallest amount.
        min: Option<i64>,
        /// Largest amount.
        max: Option<i64>,
    },
    /// The applicant has property to pledge.
    CollateralAvailable,
    /// The applicant holds this certificate.
    Certificate {
        /// Which certificate.
        name: Certificate,
    },
    /// The business has existed for this many months.
    BusinessAgeMonths {
        /// Fewest months.
        min: Option<u32>,
        /// Most months.
        max: Option<u32>,
    },
    /// The business has this many employees.
    Employees {
        /// Fewest.
        min: Option<u32>,
        /// Most.
        max: Option<u32>,
    },
    /// The business is registered with the tax authority.
    TaxRegistered,
}

/// Why a criterion is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CriterionError {
    /// Neither bound is set.
    #[error("criterion {0}: a range needs at least one bound")]
    NoBounds(&'static str),
    /// The lower bound is above the upper.
    #[error("criterion {0}: min is greater than max")]
    Inverted(&'static str),
    /// A list that must name something is empty.
    #[error("criterion {0}: the list is empty")]
    EmptyList(&'static str),
    /// A value outside what the criterion can mean.
    #[error("criterion {0}: value out of range")]
    OutOfRange(&'static str),
    /// The JSON is not a list of known criteria.
    #[error("criteria are not valid JSON: {0}")]
    Decode(String),
}

impl Criterion {
    /// The criterion's type name, as stored.
    pub fn type_name(&self) -> &'static str {
        match self {
            Criterion::Age { .. } => "age",
            Criterion::LocationWithin { .. } => "location_within",
            Criterion::SectorIn { .. } => "sector_in",
            Criterion::ExcludedSectors { .. } => "excluded_sectors",
            Criterion::StageIn { .. } => "stage_in",
            Criterion::LegalFormIn { .. } => "legal_form_in",
            Criterion::TargetGroupAny { .. } => "target_group_any",
            Criterion::AmountWithin { .. } => "amount_within",
            Criterion::CollateralAvailable => "collateral_available",
            Criterion::Certificate { .. } => "certificate",
            Criterion::BusinessAgeMonths { .. } => "business_age_months",
            Criterion::Employees { .. } => "employees",
            Criterion::TaxRegistered => "tax_registered",
        }
    }

    /// Checks that the rule can mean something.
    pub fn validate(&self) -> Result<(), CriterionError> {
        let name = self.type_name();
        match self {
            Criterion::Age { min, max } => {
                bounds(name, min.map(u64::from), max.map(u64::from))?;
                if max.is_some_and(|m| m > 120) {
                    return Err(CriterionError::OutOfRange(name));
                }
                Ok(())
            }
            Criterion::BusinessAgeMonths { min, max } | Criterion::Employees { min, max } => {
                bounds(name, min.map(u64::from), max.map(u64::from))
            }
            Criterion::AmountWithin { min, max, .. } => {
                if min.is_some_and(|m| m < 0) || max.is_some_and(|m| m <= 0) {
                    return Err(CriterionError::OutOfRange(name));
                }
                bounds(
                    name,
                    min.map(|m| m.unsigned_abs()),
                    max.map(|m| m.unsigned_abs()),
                )
            }
            Criterion::LocationWithin { codes } => non_empty(name, codes),
            Criterion::SectorIn { sectors } | Criterion::ExcludedSectors { sectors } => {
                non_empty(name, sectors)
            }
            Criterion::StageIn { stages } => non_empty(name, stages),
            Criterion::LegalFormIn { forms } => non_empty(name, forms),
            Criterion::TargetGroupAny { groups } => non_empty(name, groups),
            Criterion::CollateralAvailable
            | Criterion::Certificate { .. }
            | Criterion::TaxRegistered => Ok(()),
        }
    }

    /// The rule in words, e.g. "Возраст: от 18 до 29 лет". `place` names a KATO unit.
    pub fn describe(
        &self,
        lang: Lang,
        place: &dyn Fn(&KatoCode) -> String,
        mci: &MciTable,
        year: i32,
    ) -> String {
        let list = |items: Vec<&str>| items.join(", ");
        match self {
            Criterion::Age { min, max } => {
                let range = range_text(
                    lang,
                    *min,
                    *max,
                    Msg::CritAgeRange,
                    Msg::CritAgeMin,
                    Msg::CritAgeMax,
                );
                tf(lang, Msg::CritAge, &[("range", &range)])
            }
            Criterion::LocationWithin { codes } => {
                let places: Vec<String> = codes.iter().map(place).collect();
                tf(lang, Msg::CritLocation, &[("places", &places.join(", "))])
            }
            Criterion::SectorIn { sectors } => tf(
                lang,
                Msg::CritSectorIn,
                &[(
                    "sectors",
                    &list(sectors.iter().map(|s| s.label(lang)).collect()),
                )],
            ),
            Criterion::ExcludedSectors { sectors } => tf(
                lang,
                Msg::CritExcludedSectors,
                &[(
                    "sectors",
                    &list(sectors.iter().map(|s| s.label(lang)).collect()),
                )],
            ),
            Criterion::StageIn { stages } => tf(
                lang,
                Msg::CritStageIn,
                &[(
                    "stages",
                    &list(stages.iter().map(|s| s.label(lang)).collect()),
                )],
            ),
            Criterion::LegalFormIn { forms } => tf(
                lang,
                Msg::CritLegalFormIn,
                &[(
                    "forms",
                    &list(forms.iter().map(|f| f.label(lang)).collect()),
                )],
            ),
            Criterion::TargetGroupAny { groups } => tf(
                lang,
                Msg::CritTargetGroupAny,
                &[(
                    "groups",
                    &list(groups.iter().map(|g| g.label(lang)).collect()),
                )],
            ),
            Criterion::AmountWithin { unit, min, max } => {
                let money = |v: i64| match unit {
                    AmountUnit::Kzt => format_kzt(lang, Tiyn(v.saturating_mul(100))),
                    AmountUnit::Mci => mci
                        .convert(v, year)
                        .map(|c| format_kzt(lang, c.tiyn))
                        .unwrap_or_else(|| {
                            let n = group_digits(lang, i128::from(v));
                            format!("{n}\u{a0}{}", t(lang, Msg::EdMci))
                        }),
                };
                let range = match (min, max) {
                    (Some(a), Some(b)) => tf(
                        lang,
                        Msg::FactAmountRange,
                        &[("min", &money(*a)), ("max", &money(*b))],
                    ),
                    (None, Some(b)) => tf(lang, Msg::FactAmountUpTo, &[("amount", &money(*b))]),
                    (Some(a), None) => tf(lang, Msg::CritCountMin, &[("min", &money(*a))]),
                    (None, None) => String::new(),
                };
                tf(lang, Msg::CritAmountWithin, &[("range", &range)])
            }
            Criterion::CollateralAvailable => t(lang, Msg::CritCollateral).to_owned(),
            Criterion::Certificate { name } => {
                tf(lang, Msg::CritCertificate, &[("name", name.label(lang))])
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
                tf(lang, Msg::CritBusinessAge, &[("range", &range)])
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
                tf(lang, Msg::CritEmployees, &[("range", &range)])
            }
            Criterion::TaxRegistered => t(lang, Msg::CritTaxRegistered).to_owned(),
        }
    }
}

/// A range in words with the message for each shape: both bounds, only the lower, only the
/// upper.
pub(crate) fn range_text<N: ToString + Copy>(
    lang: Lang,
    min: Option<N>,
    max: Option<N>,
    both: Msg,
    lo: Msg,
    hi: Msg,
) -> String {
    match (min, max) {
        (Some(a), Some(b)) => tf(
            lang,
            both,
            &[("min", &a.to_string()), ("max", &b.to_string())],
        ),
        (Some(a), None) => tf(lang, lo, &[("min", &a.to_string())]),
        (None, Some(b)) => tf(lang, hi, &[("max", &b.to_string())]),
        (None, None) => String::new(),
    }
}

fn bounds(name: &'static str, min: Option<u64>, max: Option<u64>) -> Result<(), CriterionError> {
    match (min, max) {
        (None, None) => Err(CriterionError::NoBounds(name)),
        (Some(a), Some(b)) if a > b => Err(CriterionError::Inverted(name)),
        _ => Ok(()),
    }
}

fn non_empty<T>(name: &'static str, items: &[T]) -> Result<(), CriterionError> {
    if items.is_empty() {
        Err(CriterionError::EmptyList(name))
    } else {
        Ok(())
    }
}

/// Decodes and validates a stored list of criteria.
pub fn decode(json: &str) -> Result<Vec<Criterion>, CriterionError> {
    let criteria: Vec<Criterion> =
        serde_json::from_str(json).map_err(|e| CriterionError::Decode(e.to_string()))?;
    criteria.iter().try_for_each(Criterion::validate)?;
    Ok(criteria)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::MciRate;

    #[test]
    fn every_criterion_type_decodes() {
        let json = r#"[
            {"type": "age", "min": 18, "max": 29},
            {"type": "location_within", "codes": ["610000000"]},
            {"type": "sector_in", "sectors": ["crop"]},
            {"type": "excluded_sectors", "sectors": ["trade"]},
            {"type": "stage_in", "stages": ["idea", "under_1y"]},
            {"type": "legal_form_in", "forms": ["ie", "farm"]},
            {"type": "target_group_any", "groups": ["disabled", "kandas"]},
            {"type": "amount_within", "unit": "mci", "min": null, "max": 2500},
            {"type": "collateral_available"},
            {"type": "certificate", "name": "bastau_business"},
            {"type": "business_age_months", "min": null, "max": 12},
            {"type": "employees", "min": null, "max": 250},
            {"type": "tax_registered"}
        ]"#;
        let criteria = decode(json).expect("valid");
        assert_eq!(criteria.len(), 13);
        assert_eq!(
            criteria[0],
            Criterion::Age {
                min: Some(18),
                max: Some(29)
            }
        );
    }

    #[test]
    fn invalid_criteria_are_refused_with_a_reason() {
        let cases = [
            (
                r#"[{"type": "age", "min": 30, "max": 18}]"#,
                "min is greater",
            ),
            (
                r#"[{"type": "age", "min": null, "max": null}]"#,
                "at least one bound",
            ),
            (r#"[{"type": "age", "max": 200}]"#, "out of range"),
            (r#"[{"type": "sector_in", "sectors": []}]"#, "empty"),
            (
                r#"[{"type": "sector_in", "sectors": ["oil"]}]"#,
                "not valid JSON",
            ),
            (
                r#"[{"type": "zodiac_sign", "sign": "leo"}]"#,
                "not valid JSON",
            ),
            (
                r#"[{"type": "age", "min": 18, "colour": "red"}]"#,
                "not valid JSON",
            ),
            (
                r#"[{"type": "location_within", "codes": ["12"]}]"#,
                "not valid JSON",
            ),
            (
                r#"[{"type": "amount_within", "unit": "kzt", "max": -5}]"#,
                "out of range",
            ),
            (r#"{"type": "age"}"#, "not valid JSON"),
        ];
        for (json, reason) in cases {
            let err = decode(json).expect_err(json).to_string();
            assert!(err.contains(reason), "failed for {json}: {err}");
        }
    }

    #[test]
    fn criteria_read_as_plain_words() {
        let mci = MciTable::new(vec![MciRate {
            year: 2026,
            tiyn: Tiyn(432_500),
        }]);
        let place = |c: &KatoCode| format!("<{c}>");
        let say = |c: Criterion| c.describe(Lang::Ru, &place, &mci, 2026);
        assert_eq!(
            say(Criterion::Age {
                min: Some(18),
                max: Some(29)
            }),
            "Возраст: от 18 до 29 лет"
        );
        assert_eq!(
            say(Criterion::Age {
                min: None,
                max: Some(29)
            }),
            "Возраст: до 29 лет"
        );
        assert_eq!(
            say(Criterion::AmountWithin {
                unit: AmountUnit::Mci,
                min: None,
                max: Some(2500)
            }),
            "Запрашиваемая сумма: до 10\u{202f}812\u{202f}500\u{a0}₸"
        );
        assert_eq!(
            say(Criterion::TargetGroupAny {
                groups: vec![TargetGroup::Disabled, TargetGroup::Kandas]
            }),
            "Относитесь к одной из групп: Люди с инвалидностью, Кандасы"
        );
        let codes = vec![KatoCode::parse("610000000").expect("valid")];
        assert_eq!(
            say(Criterion::LocationWithin { codes }),
            "Бизнес находится в: <610000000>"
        );
    }
}
