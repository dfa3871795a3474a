//! The words for each outcome, in the reader's language, with what to do about an unmet one.

use super::assess::{Context, Outcome};
use super::facts::Facts;
use super::rank::{Candidate, Match, Places};
use Outcome::{Met, NotMet, Unknown};

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Certificate, LegalForm, Sector, Stage, TargetGroup};
use crate::domain::criteria::{Criterion, range_text};
use crate::domain::i18n::{Lang, Msg, pick, t, tf};
use crate::domain::location::KatoCode;
use crate::domain::money::{AmountUnit, Tenge};

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
    let w = Words { lang, outcome };
    match criterion {
        Criterion::Age { min, max } => age(w, *min, *max, facts),
        Criterion::LocationWithin { codes } => location_within(w, codes, facts, places),
        Criterion::SectorIn { sectors } => sector_in(w, sectors, facts),
        Criterion::ExcludedSectors { sectors } => excluded_sectors(w, sectors, facts),
        Criterion::StageIn { stages } => stage_in(w, stages, facts),
        Criterion::LegalFormIn { forms } => legal_form_in(w, forms, facts),
        Criterion::TargetGroupAny { groups } => target_group_any(w, groups, facts),
        Criterion::AmountWithin { unit, min, max } => {
            amount_within(w, *unit, *min, *max, facts, ctx)
        }
        Criterion::CollateralAvailable => collateral_available(w),
        Criterion::Certificate { name } => certificate(w, *name),
        Criterion::BusinessAgeMonths { min, max } => business_age_months(w, *min, *max, facts),
        Criterion::Employees { min, max } => employees(w, *min, *max, facts),
        Criterion::TaxRegistered => tax_registered(w, facts),
    }
}

/// What every criterion's words are built with: the reader's language and the outcome the line
/// explains, so each criterion's function below only says what is particular to it.
#[derive(Clone, Copy)]
struct Words {
    lang: Lang,
    outcome: Outcome,
}

impl Words {
    fn line(self, text: String, fix: Option<String>) -> Line {
        Line {
            outcome: self.outcome,
            text,
            fix,
        }
    }

    /// The fix for an unknown outcome: the person has not said yet.
    fn fill_in(self) -> Option<String> {
        Some(t(self.lang, Msg::FixFillIn).to_owned())
    }
}

fn age(w: Words, min: Option<u8>, max: Option<u8>, facts: &Facts) -> Line {
    let lang = w.lang;
    let range = range_text(
        lang,
        min,
        max,
        Msg::CritAgeRange,
        Msg::CritAgeMin,
        Msg::CritAgeMax,
    );
    let age = facts.age.unwrap_or_default().to_string();
    match w.outcome {
        Met => w.line(
            tf(lang, Msg::ExplAgeMet, &[("age", &age), ("range", &range)]),
            None,
        ),
        NotMet => w.line(
            tf(
                lang,
                Msg::ExplAgeNotMet,
                &[("age", &age), ("range", &range)],
            ),
            None,
        ),
        Unknown => w.line(t(lang, Msg::ExplAgeUnknown).to_owned(), w.fill_in()),
    }
}

fn location_within(w: Words, codes: &[KatoCode], facts: &Facts, places: &Places) -> Line {
    let lang = w.lang;
    let areas = codes
        .iter()
        .map(|c| place_name(lang, places, c))
        .collect::<Vec<_>>()
        .join(", ");
    let here = facts.location.as_ref();
    let name = here
        .map(|h| place_name(lang, places, h))
        .unwrap_or_default();
    match (w.outcome, here) {
        (Met, Some(h)) => {
            let area = codes
                .iter()
                .find(|a| h.is_within(a))
                .map(|a| place_name(lang, places, a))
                .unwrap_or_else(|| areas.clone());
            w.line(
                tf(
                    lang,
                    Msg::ExplLocationMet,
                    &[("place", &name), ("area", &area)],
                ),
                None,
            )
        }
        (NotMet, _) => w.line(
            tf(
                lang,
                Msg::ExplLocationNotMet,
                &[("place", &name), ("areas", &areas)],
            ),
            None,
        ),
        (_, Some(_)) => w.line(
            tf(
                lang,
                Msg::ExplLocationVague,
                &[("place", &name), ("areas", &areas)],
            ),
            w.fill_in(),
        ),
        (_, None) => w.line(
            tf(lang, Msg::ExplLocationUnknown, &[("areas", &areas)]),
            w.fill_in(),
        ),
    }
}

fn sector_in(w: Words, sectors: &[Sector], facts: &Facts) -> Line {
    let lang = w.lang;
    let sector = facts.sector.map(|s| s.label(lang)).unwrap_or_default();
    let list = labels(lang, sectors, Sector::label);
    match w.outcome {
        Met => w.line(tf(lang, Msg::ExplSectorMet, &[("sector", sector)]), None),
        NotMet => w.line(
            tf(
                lang,
                Msg::ExplSectorNotMet,
                &[("sector", sector), ("sectors", &list)],
            ),
            None,
        ),
        Unknown => w.line(
            tf(lang, Msg::ExplSectorUnknown, &[("sectors", &list)]),
            w.fill_in(),
        ),
    }
}

fn excluded_sectors(w: Words, sectors: &[Sector], facts: &Facts) -> Line {
    let lang = w.lang;
    let sector = facts.sector.map(|s| s.label(lang)).unwrap_or_default();
    let list = labels(lang, sectors, Sector::label);
    match w.outcome {
        Met => w.line(tf(lang, Msg::ExplExcludedMet, &[("sector", sector)]), None),
        NotMet => w.line(
            tf(lang, Msg::ExplExcludedNotMet, &[("sector", sector)]),
            None,
        ),
        Unknown => w.line(
            tf(lang, Msg::ExplSectorUnknown, &[("sectors", &list)]),
            w.fill_in(),
        ),
    }
}

fn stage_in(w: Words, stages: &[Stage], facts: &Facts) -> Line {
    let lang = w.lang;
    let stage = facts.stage.map(|s| s.label(lang)).unwrap_or_default();
    let list = labels(lang, stages, Stage::label);
    match w.outcome {
        Met => w.line(tf(lang, Msg::ExplStageMet, &[("stage", stage)]), None),
        NotMet => w.line(
            tf(
                lang,
                Msg::ExplStageNotMet,
                &[("stage", stage), ("stages", &list)],
            ),
            None,
        ),
        Unknown => w.line(t(lang, Msg::ExplStageUnknown).to_owned(), w.fill_in()),
    }
}

fn legal_form_in(w: Words, forms: &[LegalForm], facts: &Facts) -> Line {
    let lang = w.lang;
    let form = facts.legal_form.map(|f| f.label(lang)).unwrap_or_default();
    let list = labels(lang, forms, LegalForm::label);
    match w.outcome {
        Met => w.line(tf(lang, Msg::ExplFormMet, &[("form", form)]), None),
        NotMet => w.line(
            tf(
                lang,
                Msg::ExplFormNotMet,
                &[("form", form), ("forms", &list)],
            ),
            Some(tf(lang, Msg::FixForm, &[("forms", &list)])),
        ),
        Unknown => w.line(t(lang, Msg::ExplFormUnknown).to_owned(), w.fill_in()),
    }
}

fn target_group_any(w: Words, groups: &[TargetGroup], facts: &Facts) -> Line {
    let lang = w.lang;
    let list = labels(lang, groups, TargetGroup::label);
    match w.outcome {
        Met => {
            let group = groups
                .iter()
                .find(|g| facts.in_group(**g) == Some(true))
                .map(|g| g.label(lang))
                .unwrap_or_default();
            w.line(tf(lang, Msg::ExplGroupMet, &[("group", group)]), None)
        }
        NotMet => w.line(tf(lang, Msg::ExplGroupNotMet, &[("groups", &list)]), None),
        Unknown => w.line(
            tf(lang, Msg::ExplGroupUnknown, &[("groups", &list)]),
            w.fill_in(),
        ),
    }
}

fn amount_within(
    w: Words,
    unit: AmountUnit,
    min: Option<i64>,
    max: Option<i64>,
    facts: &Facts,
    ctx: &Context,
) -> Line {
    let lang = w.lang;
    let lo = min.and_then(|m| ctx.tenge(unit, m));
    let hi = max.and_then(|m| ctx.tenge(unit, m));
    let range = amount_range(lang, lo, hi);
    let amount = facts
        .amount_tenge
        .map(|a| Tenge(a).format(lang))
        .unwrap_or_default();
    match w.outcome {
        Met => w.line(
            tf(
                lang,
                Msg::ExplAmountMet,
                &[("amount", &amount), ("range", &range)],
            ),
            None,
        ),
        NotMet => {
            let fix = amount_fix(lang, facts, lo, hi);
            w.line(
                tf(
                    lang,
                    Msg::ExplAmountNotMet,
                    &[("amount", &amount), ("range", &range)],
                ),
                (!fix.is_empty()).then_some(fix),
            )
        }
        Unknown => w.line(t(lang, Msg::ExplAmountUnknown).to_owned(), w.fill_in()),
    }
}

/// The programme's amount bounds, already in tenge, in words; empty when it has none.
fn amount_range(lang: Lang, lo: Option<i64>, hi: Option<i64>) -> String {
    match (lo, hi) {
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
    }
}

/// Ask for less when the amount is over the top, else for at least the lower bound; empty
/// when neither applies.
fn amount_fix(lang: Lang, facts: &Facts, lo: Option<i64>, hi: Option<i64>) -> String {
    let too_much = hi.is_some_and(|h| facts.amount_tenge.is_some_and(|a| a > h));
    match (too_much, lo, hi) {
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
    }
}

fn collateral_available(w: Words) -> Line {
    let lang = w.lang;
    match w.outcome {
        Met => w.line(t(lang, Msg::ExplCollateralMet).to_owned(), None),
        NotMet => w.line(
            t(lang, Msg::ExplCollateralNotMet).to_owned(),
            Some(t(lang, Msg::FixCollateral).to_owned()),
        ),
        Unknown => w.line(t(lang, Msg::ExplCollateralUnknown).to_owned(), w.fill_in()),
    }
}

fn certificate(w: Words, name: Certificate) -> Line {
    let lang = w.lang;
    let n = name.label(lang);
    match w.outcome {
        Met => w.line(tf(lang, Msg::ExplCertMet, &[("name", n)]), None),
        NotMet => w.line(
            tf(lang, Msg::ExplCertNotMet, &[("name", n)]),
            Some(tf(lang, Msg::FixCertificate, &[("name", n)])),
        ),
        Unknown => w.line(tf(lang, Msg::ExplCertUnknown, &[("name", n)]), w.fill_in()),
    }
}

fn business_age_months(w: Words, min: Option<u32>, max: Option<u32>, facts: &Facts) -> Line {
    let lang = w.lang;
    let range = range_text(
        lang,
        min,
        max,
        Msg::CritMonthsRange,
        Msg::CritMonthsMin,
        Msg::CritMonthsMax,
    );
    let months = facts.business_age_months.unwrap_or_default().to_string();
    match w.outcome {
        Met => w.line(
            tf(
                lang,
                Msg::ExplBusinessAgeMet,
                &[("months", &months), ("range", &range)],
            ),
            None,
        ),
        NotMet => w.line(
            tf(
                lang,
                Msg::ExplBusinessAgeNotMet,
                &[("months", &months), ("range", &range)],
            ),
            None,
        ),
        Unknown => w.line(t(lang, Msg::ExplBusinessAgeUnknown).to_owned(), w.fill_in()),
    }
}

fn employees(w: Words, min: Option<u32>, max: Option<u32>, facts: &Facts) -> Line {
    let lang = w.lang;
    let range = range_text(
        lang,
        min,
        max,
        Msg::CritCountRange,
        Msg::CritCountMin,
        Msg::CritCountMax,
    );
    let n = facts.employees.unwrap_or_default().to_string();
    match w.outcome {
        Met => w.line(
            tf(lang, Msg::ExplEmployeesMet, &[("n", &n), ("range", &range)]),
            None,
        ),
        NotMet => w.line(
            tf(
                lang,
                Msg::ExplEmployeesNotMet,
                &[("n", &n), ("range", &range)],
            ),
            None,
        ),
        Unknown => w.line(t(lang, Msg::ExplEmployeesUnknown).to_owned(), w.fill_in()),
    }
}

fn tax_registered(w: Words, facts: &Facts) -> Line {
    let lang = w.lang;
    match w.outcome {
        Met => {
            let form = facts.legal_form.map(|f| f.label(lang)).unwrap_or_default();
            w.line(tf(lang, Msg::ExplTaxMet, &[("form", form)]), None)
        }
        NotMet => w.line(
            t(lang, Msg::ExplTaxNotMet).to_owned(),
            Some(t(lang, Msg::FixTax).to_owned()),
        ),
        Unknown => w.line(t(lang, Msg::ExplFormUnknown).to_owned(), w.fill_in()),
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
