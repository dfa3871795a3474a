//! A decision's fields, typed, and the rules they must meet: read once at whichever door they
//! came through (the operator's form as text, the JSON API as JSON), then checked against the
//! application (the programme's limits, the approved amount, today).

use chrono::NaiveDate;
use serde::Deserialize;

use super::{
    Approval, ApprovalLimits, Disbursement, MAX_DUE_DAYS, MAX_REFERENCE, MAX_TEXT, RejectReason,
    Rejection,
};
use crate::domain::loan::{Method, Season, parse_percent, parse_whole};
use crate::domain::params::{FieldError, Problem};

/// The fields of a decision, typed, whichever door they came through: the operator's form
/// posts them as text, the JSON API as JSON (a name that is not one of them is refused by
/// name); the decision's rules then check them against the application. Each field belongs to
/// one step: `due_on` to an information request; `approved_amount`, `approved_term`,
/// `approved_rate`, `approved_grace`, `approved_method`, `approved_season`, `conditions` to an
/// approval; `reject_reason` to a refusal; `disbursed_on`,
/// `disbursed_amount`, `reference` to a payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionFields {
    /// The day an information request wants its answer by (after today, within 90 days).
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// The amount approved, whole tenge (at most the programme's largest).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub approved_amount: Option<i64>,
    /// The term approved in months (a loan's; at most the programme's longest).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub approved_term: Option<i64>,
    /// The annual rate approved (a loan's), in percent with at most two decimals: `2.5` in
    /// JSON, `2,5` typed on the form; kept in basis points (250).
    #[serde(default, rename = "approved_rate", deserialize_with = "percent")]
    #[cfg_attr(
        feature = "ssr",
        schema(value_type = Option<f64>, minimum = 0, maximum = 100)
    )]
    pub approved_rate_bps: Option<i32>,
    /// Conditions of an approval (insurance, a guarantor…).
    #[serde(default)]
    pub conditions: Option<String>,
    /// A loan's months of grace at the start, paying the interest only (0 when absent; less
    /// than the term).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 0))]
    pub approved_grace: Option<i64>,
    /// How a loan's principal is repaid: `annuity` (when absent), `differentiated`,
    /// `seasonal` (in the months of `approved_season`) or `balloon` (all with the last payment).
    #[serde(default)]
    pub approved_method: Option<String>,
    /// A seasonal loan's calendar months (1–12) that repay principal; the form posts one
    /// `approved_season` per ticked month.
    #[serde(default)]
    pub approved_season: Option<Vec<u8>>,
    /// A refusal's reason from the list (`not_eligible`, `documents`, `weak_plan`,
    /// `collateral`, `budget`, `duplicate`, `other`).
    #[serde(default)]
    pub reject_reason: Option<String>,
    /// The day the money was paid (not after today, not before the approval).
    #[serde(default)]
    pub disbursed_on: Option<NaiveDate>,
    /// The amount paid, whole tenge (at most the amount approved).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub disbursed_amount: Option<i64>,
    /// The payment order's number or the bank's reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A rate in percent as JSON writes it (`2.5`, `12`), as basis points: at most two decimals,
/// as on the form (the tolerance absorbs binary fractions such as 2.55 × 100).
fn percent<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let Some(percent) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    let hundredths = percent * 100.0;
    let bps = hundredths.round();
    if !(0.0..=f64::from(i32::MAX)).contains(&bps) || (hundredths - bps).abs() > 1e-6 {
        return Err(serde::de::Error::custom(
            "a percentage with at most two decimals",
        ));
    }
    // In range and whole: checked above.
    Ok(Some(bps as i32))
}

/// Every month ticked under `approved_season` (none: absent).
fn season(pairs: &[(String, String)]) -> Result<Option<Vec<u8>>, FieldError> {
    let months = pairs
        .iter()
        .filter(|(k, v)| k == "approved_season" && !v.trim().is_empty())
        .map(|(_, v)| {
            v.trim()
                .parse::<u8>()
                .map_err(|_| FieldError::new("approved_season", Problem::NotANumber))
        })
        .collect::<Result<Vec<u8>, FieldError>>()?;
    Ok((!months.is_empty()).then_some(months))
}

/// The last value posted under `name`, trimmed; blank is absent.
pub(super) fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// An optional text, trimmed (blank is absent), at most `max` characters.
pub(super) fn text(
    name: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => Err(FieldError::new(name, Problem::TooLong { max })),
        v => Ok(v.map(str::to_owned)),
    }
}

impl DecisionFields {
    /// The fields' names, as forms post them and the JSON API sends them.
    pub const NAMES: [&str; 12] = [
        "due_on",
        "approved_amount",
        "approved_term",
        "approved_rate",
        "conditions",
        "approved_grace",
        "approved_method",
        "approved_season",
        "reject_reason",
        "disbursed_on",
        "disbursed_amount",
        "reference",
    ];

    /// Reads the decision's fields from a form's text (the last value of a name counts, blank
    /// is absent; other names are the caller's). A value that is not of its field's kind is
    /// refused by that field: a date not `YYYY-MM-DD` (`NotADate`), an amount or a term not a
    /// whole number (`NotANumber`), a rate not a percentage (`NotAPercent`).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<DecisionFields, FieldError> {
        let date = |name: &str| {
            get(pairs, name)
                .map(|v| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d")
                        .map_err(|_| FieldError::new(name, Problem::NotADate))
                })
                .transpose()
        };
        let whole = |name: &str| get(pairs, name).map(|v| parse_whole(name, v)).transpose();
        let owned = |name: &str| get(pairs, name).map(str::to_owned);
        Ok(DecisionFields {
            due_on: date("due_on")?,
            approved_amount: whole("approved_amount")?,
            approved_term: whole("approved_term")?,
            approved_rate_bps: get(pairs, "approved_rate")
                .map(|v| parse_percent("approved_rate", v))
                .transpose()?,
            conditions: owned("conditions"),
            approved_grace: whole("approved_grace")?,
            approved_method: owned("approved_method"),
            approved_season: season(pairs)?,
            reject_reason: owned("reject_reason"),
            disbursed_on: date("disbursed_on")?,
            disbursed_amount: whole("disbursed_amount")?,
            reference: owned("reference"),
        })
    }

    /// How a JSON door refuses a decision field's value of the wrong type: as the form refuses
    /// text that is not of the field's kind (a string for an amount is `NotANumber`, as `abc`
    /// typed there is); `None` for a name that is not a decision field's.
    pub fn mistyped(field: &str) -> Option<Problem> {
        match field {
            "due_on" | "disbursed_on" => Some(Problem::NotADate),
            "approved_amount" | "approved_term" | "approved_grace" | "disbursed_amount"
            | "approved_season" => Some(Problem::NotANumber),
            "approved_rate" => Some(Problem::NotAPercent),
            _ => None,
        }
    }

    /// The date an information request wants an answer by: after `today`, within
    /// [`MAX_DUE_DAYS`].
    pub fn due(&self, today: NaiveDate) -> Result<NaiveDate, FieldError> {
        let due = self
            .due_on
            .ok_or_else(|| FieldError::new("due_on", Problem::Required))?;
        if due <= today || (due - today).num_days() > MAX_DUE_DAYS {
            return Err(FieldError::new("due_on", Problem::NotADate));
        }
        Ok(due)
    }

    /// The terms of an approval within what the programme allows: the amount, and for a loan
    /// the term and the rate (a grant has neither: whatever is there is not asked for), with
    /// the conditions.
    pub fn approval(&self, limits: ApprovalLimits) -> Result<Approval, FieldError> {
        let field = "approved_amount";
        let amount = self
            .approved_amount
            .ok_or_else(|| FieldError::new(field, Problem::Required))?;
        if amount <= 0 {
            return Err(FieldError::new(field, Problem::MustBePositive));
        }
        if let Some(max) = limits.amount_max_kzt
            && amount > max
        {
            return Err(FieldError::new(
                field,
                Problem::AmountAboveCap { max_tenge: max },
            ));
        }
        let (term_months, rate_bps, schedule) = if limits.lends {
            let (term, rate) = self.loan_terms(limits)?;
            (Some(term), Some(rate), Some(self.schedule(term)?))
        } else {
            (None, None, None)
        };
        let (grace_months, method, season_months) = schedule.unwrap_or_default();
        Ok(Approval {
            amount_kzt: amount,
            term_months,
            rate_bps,
            conditions: text("conditions", self.conditions.as_deref(), MAX_TEXT)?,
            grace_months,
            method,
            season_months,
        })
    }

    /// A loan's grace (0 up to a month before the end), its method, and a seasonal loan's
    /// months (at least one).
    #[expect(
        clippy::type_complexity,
        reason = "three optional parts of one approval"
    )]
    fn schedule(
        &self,
        term: i32,
    ) -> Result<(Option<i32>, Option<Method>, Option<u16>), FieldError> {
        let field = "approved_grace";
        let grace = match self.approved_grace {
            None => 0,
            Some(n) => i32::try_from(n)
                .ok()
                .filter(|n| (0..term).contains(n))
                .ok_or_else(|| {
                    FieldError::new(
                        field,
                        Problem::OutOfRange {
                            min: 0,
                            max: i64::from(term - 1),
                        },
                    )
                })?,
        };
        let field = "approved_method";
        let method = match self.approved_method.as_deref().map(str::trim) {
            None | Some("") => Method::Annuity,
            Some(code) => Method::parse(code)
                .ok_or_else(|| FieldError::new(field, Problem::UnknownChoice(code.to_owned())))?,
        };
        let season = if method == Method::Seasonal {
            let mut mask = 0_u16;
            for m in self.approved_season.iter().flatten() {
                if !(1..=12).contains(m) {
                    return Err(FieldError::new(
                        "approved_season",
                        Problem::OutOfRange { min: 1, max: 12 },
                    ));
                }
                mask |= Season::month(*m);
            }
            if mask == 0 {
                return Err(FieldError::new("approved_season", Problem::Required));
            }
            Some(mask)
        } else {
            None
        };
        Ok((Some(grace), Some(method), season))
    }

    /// A loan's term (1 to the programme's longest, months) and rate (at most 100 %).
    fn loan_terms(&self, limits: ApprovalLimits) -> Result<(i32, i32), FieldError> {
        let field = "approved_term";
        let n = self
            .approved_term
            .ok_or_else(|| FieldError::new(field, Problem::Required))?;
        let max = limits.term_months_max.unwrap_or(360);
        let term = i32::try_from(n)
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    Problem::OutOfRange {
                        min: 1,
                        max: i64::from(max),
                    },
                )
            })?;
        let field = "approved_rate";
        let bps = self
            .approved_rate_bps
            .ok_or_else(|| FieldError::new(field, Problem::Required))?;
        if !(0..=10_000).contains(&bps) {
            return Err(FieldError::new(field, Problem::NotAPercent));
        }
        Ok((term, bps))
    }

    /// A refusal: the reason from the list (`reject_reason`) and the operator's words
    /// (`reason`), both required.
    pub fn rejection(&self, reason: Option<&str>) -> Result<Rejection, FieldError> {
        let field = "reject_reason";
        let code = self
            .reject_reason
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| FieldError::new(field, Problem::Required))?;
        let reason_code = RejectReason::parse(code)
            .ok_or_else(|| FieldError::new(field, Problem::UnknownChoice(code.to_owned())))?;
        let text = text("reason", reason, MAX_TEXT)?
            .ok_or_else(|| FieldError::new("reason", Problem::Required))?;
        Ok(Rejection {
            reason: reason_code,
            text,
        })
    }

    /// The record of a payment: on or before `today`, not before the approval, at most the
    /// approved amount, with its reference.
    pub fn disbursement(
        &self,
        approved_kzt: i64,
        approved_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Disbursement, FieldError> {
        let field = "disbursed_on";
        let date = self
            .disbursed_on
            .ok_or_else(|| FieldError::new(field, Problem::Required))?;
        if date > today || approved_on.is_some_and(|a| date < a) {
            return Err(FieldError::new(field, Problem::NotADate));
        }
        let field = "disbursed_amount";
        let amount = self
            .disbursed_amount
            .ok_or_else(|| FieldError::new(field, Problem::Required))?;
        if amount <= 0 {
            return Err(FieldError::new(field, Problem::MustBePositive));
        }
        if amount > approved_kzt {
            return Err(FieldError::new(
                field,
                Problem::AmountAboveCap {
                    max_tenge: approved_kzt,
                },
            ));
        }
        let reference = text("reference", self.reference.as_deref(), MAX_REFERENCE)?
            .ok_or_else(|| FieldError::new("reference", Problem::Required))?;
        Ok(Disbursement {
            date,
            amount_kzt: amount,
            reference,
        })
    }
}
