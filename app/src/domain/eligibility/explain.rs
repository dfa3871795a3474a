//! The words for each outcome, in the reader's language, with what to do about an unmet one.

use super::assess::{Context, Outcome};
use super::facts::Facts;
use super::rank::{Candidate, Match, Places};

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{LegalForm, Sector, Stage, TargetGroup};
use crate::domain::criteria::{Criterion, range_text};
use crate::domain::i18n::{Lang, Msg, pick, t, tf};
use crate::domain::location::KatoCode;
use crate::domain::money::Tenge;

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

/// The name of a place in `lang`; regions are named by the domain when the map lacks them.
pub fn place_name(lang: Lang, places: &Places, code: &KatoCode) -> String {
    if let Some(p) = places.get(code.as_str()) {
        return pick(lang, &p.name_ru, p.name_kk.as_deref().unwrap_or("")).to_owned();
    }
    crate::domain::location::region(code.as_str())
        .map_or_else(|| code.to_string(), |r| r.name(lang).to_owned())
}

pub(super) fn labels<T: Copy>(
    lang: Lang,
    items: &[T],
    label: fn(T, Lang) -> &'static str,
) -> String {
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
