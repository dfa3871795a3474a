//! Reviewing an application: the programme's weighted rubric and the reviewers' scores on it
//! (with abstention for a conflict of interest), the inputs of a decision (approval terms, a
//! rejection's reason, the disbursement record, an information request's due date), and the
//! budget envelopes approvals are charged to.
//!
//! Scores are integers 0–5; averages are kept in hundredths (`370` = 3.70) so that nothing here
//! is floating point, and rounded half up once, at the end.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, t};
use super::money::Tiyn;
use super::params::{FieldError, Problem};
use super::program::LocalText;

mod decision;
pub use decision::DecisionFields;
use decision::{get, text};

/// The top of the scale (the bottom is 0).
pub const MAX_SCORE: u8 = 5;
/// The most criteria a rubric may have.
pub const MAX_CRITERIA: usize = 20;
/// The largest weight of one criterion.
pub const MAX_WEIGHT: u32 = 100;
/// The longest free text of a decision (conditions, a comment, a note).
pub const MAX_TEXT: usize = 4000;
/// The longest payment reference.
pub const MAX_REFERENCE: usize = 100;
/// The furthest an information request's due date may be.
pub const MAX_DUE_DAYS: i64 = 90;

/// One criterion of a rubric.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RubricCriterion {
    /// Stable key the scores refer to (`plan`, `jobs`…).
    pub key: String,
    /// Name in Russian.
    pub ru: String,
    /// Name in Kazakh.
    pub kk: String,
    /// Relative weight, 1..=100.
    pub weight: u32,
    /// What each score from 0 to 5 means: six descriptions, or none.
    #[serde(default)]
    pub levels: Vec<LocalText>,
}

/// A programme's rubric: its criteria in order.
pub type Rubric = Vec<RubricCriterion>;

/// One reviewer's scores: criterion key → 0..=5.
pub type Scores = BTreeMap<String, u8>;

/// Checks a rubric an operator wrote.
pub fn validate_rubric(rubric: &[RubricCriterion]) -> Result<(), FieldError> {
    let field = "rubric";
    if rubric.len() > MAX_CRITERIA {
        return Err(FieldError::new(
            field,
            Problem::OutOfRange {
                min: 0,
                max: MAX_CRITERIA as i64,
            },
        ));
    }
    let mut keys = BTreeSet::new();
    for c in rubric {
        let key_ok = !c.key.is_empty()
            && c.key.len() <= 40
            && c.key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(FieldError::new(field, Problem::NotAccepted));
        }
        if !keys.insert(c.key.as_str()) {
            return Err(FieldError::new(field, Problem::Taken));
        }
        if c.ru.trim().is_empty() || c.kk.trim().is_empty() {
            return Err(FieldError::new(field, Problem::Required));
        }
        if !(1..=MAX_WEIGHT).contains(&c.weight) {
            return Err(FieldError::new(
                field,
                Problem::OutOfRange {
                    min: 1,
                    max: i64::from(MAX_WEIGHT),
                },
            ));
        }
        if !c.levels.is_empty() && c.levels.len() != usize::from(MAX_SCORE) + 1 {
            return Err(FieldError::new(field, Problem::NotAccepted));
        }
    }
    Ok(())
}

/// What a criterion's score field starts with; the criterion's key follows.
const SCORE_PREFIX: &str = "score_";

/// The form field of a criterion's score.
pub fn score_field(key: &str) -> String {
    format!("{SCORE_PREFIX}{key}")
}

/// A reviewer's sheet as posted: the typed command of "score an application", read once at
/// its door ([`Scoring::from_pairs`]). The reading knows nothing of the application or its
/// programme; which criteria must be scored is the use case's to check against the rubric
/// ([`on_rubric`]) once it has found the reviewer assigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scoring {
    /// Scores on the scale (`score_<key>`), and a comment (`comment`).
    Scored {
        /// Each criterion key posted with a score, 0..=5 (the rubric decides which count).
        scores: Scores,
        /// In the reviewer's words.
        comment: Option<String>,
    },
    /// Stepped aside for a conflict of interest (`abstain`), saying what it is (`conflict`).
    Abstained {
        /// What the conflict is.
        conflict: String,
    },
}

impl Scoring {
    /// From a form's fields (other fields, such as the post's own controls, are not read).
    /// An abstention names its conflict; a score that is not a whole number from 0 to 5 is
    /// refused by its field's name; an over-long text is refused by name.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Scoring, FieldError> {
        if get(pairs, "abstain").is_some() {
            let conflict = text("conflict", get(pairs, "conflict"), MAX_TEXT)?
                .ok_or_else(|| FieldError::new("conflict", Problem::Required))?;
            return Ok(Scoring::Abstained { conflict });
        }
        // Each score as last posted, in the order of the form; an empty one is no score.
        let mut posted: Vec<(&str, &str)> = Vec::new();
        for (k, v) in pairs {
            let Some(key) = k.strip_prefix(SCORE_PREFIX) else {
                continue;
            };
            match posted.iter_mut().find(|(seen, _)| *seen == key) {
                Some(slot) => slot.1 = v.trim(),
                None => posted.push((key, v.trim())),
            }
        }
        let mut scores = Scores::new();
        for (key, raw) in posted.into_iter().filter(|(_, raw)| !raw.is_empty()) {
            let value = raw
                .parse::<u8>()
                .ok()
                .filter(|v| *v <= MAX_SCORE)
                .ok_or_else(|| {
                    FieldError::new(
                        score_field(key),
                        Problem::OutOfRange {
                            min: 0,
                            max: i64::from(MAX_SCORE),
                        },
                    )
                })?;
            scores.insert(key.to_owned(), value);
        }
        let comment = text("comment", get(pairs, "comment"), MAX_TEXT)?;
        Ok(Scoring::Scored { scores, comment })
    }
}

/// The `posted` scores on `rubric`: every criterion scored (the first one missing named, in the
/// rubric's order), and nothing else kept.
pub fn on_rubric(rubric: &[RubricCriterion], posted: &Scores) -> Result<Scores, FieldError> {
    rubric
        .iter()
        .map(|c| {
            posted
                .get(&c.key)
                .map(|s| (c.key.clone(), *s))
                .ok_or_else(|| FieldError::new(score_field(&c.key), Problem::Required))
        })
        .collect()
}

/// The weighted average of `scores` on the 0–5 scale, in hundredths; `None` for an empty rubric.
/// A criterion added after the reviewer scored counts as not scored: the average is over what
/// they scored, so that a later change of the rubric does not silently turn into zeros.
pub fn weighted(rubric: &[RubricCriterion], scores: &Scores) -> Option<u32> {
    let (points, weights) = rubric
        .iter()
        .filter_map(|c| scores.get(&c.key).map(|s| (c.weight, u32::from(*s))))
        .fold((0u32, 0u32), |(p, w), (weight, s)| {
            (p + weight * s, w + weight)
        });
    (weights > 0).then(|| round_div(points * 100, weights))
}

fn round_div(num: u32, den: u32) -> u32 {
    (num + den / 2) / den
}

/// What one reviewer said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = ReviewVerdict))]
pub enum Verdict {
    /// Scored every criterion.
    Scored(Scores),
    /// Stepped aside for a conflict of interest, saying what it is.
    Abstained(String),
}

/// One reviewer's line in the panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Sheet {
    /// The reviewer's account.
    pub reviewer: i32,
    /// Their name.
    pub name: String,
    /// What they said.
    pub verdict: Verdict,
    /// Their weighted total, in hundredths (none when they abstained).
    pub total: Option<u32>,
}

/// Everything the reviewers said about one application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Panel {
    /// Each reviewer's sheet.
    pub sheets: Vec<Sheet>,
    /// The mean of the reviewers' weighted totals, in hundredths; abstentions do not count.
    pub mean: Option<u32>,
    /// Per criterion, in rubric order: the mean score in hundredths over those who scored it.
    pub criteria: Vec<(String, Option<u32>)>,
    /// How many scored, how many abstained.
    pub scored: usize,
    /// How many stepped aside.
    pub abstained: usize,
}

/// Puts the reviewers' verdicts together.
pub fn panel(rubric: &[RubricCriterion], verdicts: Vec<(i32, String, Verdict)>) -> Panel {
    let sheets: Vec<Sheet> = verdicts
        .into_iter()
        .map(|(reviewer, name, verdict)| {
            let total = match &verdict {
                Verdict::Scored(s) => weighted(rubric, s),
                Verdict::Abstained(_) => None,
            };
            Sheet {
                reviewer,
                name,
                verdict,
                total,
            }
        })
        .collect();
    let totals: Vec<u32> = sheets.iter().filter_map(|s| s.total).collect();
    let mean = (!totals.is_empty()).then(|| {
        round_div(
            totals.iter().sum(),
            u32::try_from(totals.len()).unwrap_or(1),
        )
    });
    let criteria = rubric
        .iter()
        .map(|c| {
            let given: Vec<u32> = sheets
                .iter()
                .filter_map(|s| match &s.verdict {
                    Verdict::Scored(scores) => scores.get(&c.key).map(|v| u32::from(*v) * 100),
                    Verdict::Abstained(_) => None,
                })
                .collect();
            let mean = (!given.is_empty())
                .then(|| round_div(given.iter().sum(), u32::try_from(given.len()).unwrap_or(1)));
            (c.key.clone(), mean)
        })
        .collect();
    let abstained = sheets
        .iter()
        .filter(|s| matches!(s.verdict, Verdict::Abstained(_)))
        .count();
    Panel {
        scored: sheets.len() - abstained,
        abstained,
        sheets,
        mean,
        criteria,
    }
}

/// Hundredths written as people read a score: `3,70` (`3.70` in English).
pub fn hundredths(lang: Lang, v: u32) -> String {
    let sep = if lang == Lang::En { '.' } else { ',' };
    format!("{}{sep}{:02}", v / 100, v % 100)
}

crate::domain::catalog::code_enum! {
    /// Why an application is refused (the applicant also reads the operator's text).
    RejectReason {
        /// The applicant or the business does not meet the programme's conditions.
        NotEligible = "not_eligible" => RejectNotEligible,
        /// Documents missing or not valid.
        Documents = "documents" => RejectDocuments,
        /// The business plan does not hold up.
        WeakPlan = "weak_plan" => RejectWeakPlan,
        /// Not enough security for the amount.
        Collateral = "collateral" => RejectCollateral,
        /// The programme's money has run out.
        Budget = "budget" => RejectBudget,
        /// The same request exists elsewhere (another programme, another application).
        Duplicate = "duplicate" => RejectDuplicate,
        /// Something else, said in the text.
        Other = "other" => RejectOther,
    }
}

/// The terms of an approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Approval {
    /// The amount approved, whole tenge.
    pub amount_kzt: i64,
    /// The term in months (loans).
    pub term_months: Option<i32>,
    /// The annual rate in basis points (loans).
    pub rate_bps: Option<i32>,
    /// Conditions the applicant must meet (insurance, a guarantor…).
    pub conditions: Option<String>,
    /// Months of grace at the start, paying the interest only (loans; none when absent).
    #[serde(default)]
    pub grace_months: Option<i32>,
    /// How the principal is repaid (loans; annuity when absent, as approvals made before
    /// schedules were stored).
    #[serde(default)]
    pub method: Option<crate::domain::loan::Method>,
    /// A seasonal loan's calendar months that repay principal (bit 0 January).
    #[serde(default)]
    pub season_months: Option<u16>,
}

impl Approval {
    /// The loan that a payment of `amount_kzt` on `disbursed_on` makes under these terms, or
    /// `None` for a grant (no term or rate).
    pub fn loan(
        &self,
        amount_kzt: i64,
        disbursed_on: NaiveDate,
    ) -> Option<crate::domain::loan::Loan> {
        use crate::domain::loan::{Grace, Loan, Method, Season};
        use chrono::Datelike;
        let (term_months, rate_bps) = (self.term_months?, self.rate_bps?);
        let next_month = u8::try_from(disbursed_on.month() % 12 + 1).unwrap_or(1);
        Some(Loan {
            amount: Tiyn(amount_kzt.saturating_mul(100)),
            rate_bps,
            term_months,
            grace_months: self.grace_months.unwrap_or(0),
            grace: Grace::InterestOnly,
            method: self.method.unwrap_or(Method::Annuity),
            season: Season {
                months: self.season_months.unwrap_or(0),
                first_month: next_month,
            },
        })
    }
}

/// What a programme allows an approval to be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApprovalLimits {
    /// The programme's largest amount, whole tenge.
    pub amount_max_kzt: Option<i64>,
    /// Its longest term.
    pub term_months_max: Option<i32>,
    /// Whether it lends (a term and rate make sense).
    pub lends: bool,
}

/// A refusal: the reason from the list and the text the applicant reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// From the list.
    pub reason: RejectReason,
    /// In the operator's words.
    pub text: String,
}

/// The record of a payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Disbursement {
    /// The day the money left.
    pub date: NaiveDate,
    /// How much, whole tenge.
    pub amount_kzt: i64,
    /// The payment order's number or the bank's reference.
    pub reference: String,
}

/// The whole-programme envelope's area code.
pub const WHOLE: &str = "all";

/// A budget envelope and what has been charged to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Envelope {
    /// [`WHOLE`] or a region's KATO code.
    pub area: String,
    /// The region's name (empty for the whole programme).
    pub area_name: String,
    /// The envelope, whole tenge.
    pub total_kzt: i64,
    /// Approved so far (paid or not).
    pub approved_kzt: i64,
    /// Paid out so far.
    pub disbursed_kzt: i64,
}

impl Envelope {
    /// What approvals may still use.
    pub fn remaining_kzt(&self) -> i64 {
        self.total_kzt - self.approved_kzt
    }

    /// How it is named on pages.
    pub fn label(&self, lang: Lang) -> String {
        if self.area == WHOLE {
            t(lang, Msg::BudgetWhole).to_owned()
        } else {
            self.area_name.clone()
        }
    }
}

/// The envelopes an approval in `region` is charged to: the whole programme's and, when the
/// programme sets one aside for that region, the region's.
pub fn charged<'a>(envelopes: &'a [Envelope], region: Option<&str>) -> Vec<&'a Envelope> {
    envelopes
        .iter()
        .filter(|e| e.area == WHOLE || Some(e.area.as_str()) == region)
        .collect()
}

/// The first envelope an approval of `amount_kzt` would overspend, if any.
pub fn overspent<'a>(
    envelopes: &'a [Envelope],
    region: Option<&str>,
    amount_kzt: i64,
) -> Option<&'a Envelope> {
    charged(envelopes, region)
        .into_iter()
        .find(|e| e.remaining_kzt() < amount_kzt)
}

/// A private note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoteView {
    /// Who wrote it.
    pub author: String,
    /// What it says.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What the operator's staff see beside an application: the applicant and how the programme's
/// conditions stand for them, the budget, the reviewers and their scores, the private notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Desk {
    /// The applicant's name.
    pub applicant: String,
    /// Their phone, to call them.
    pub phone: Option<String>,
    /// Their settlement, named with the units above it.
    pub settlement: Option<String>,
    /// The eligibility engine's view of the applicant and this programme (`None` when the
    /// programme no longer takes applications).
    pub fit: Option<(super::eligibility::RankingData, super::eligibility::Facts)>,
    /// The programme's rubric.
    pub rubric: Rubric,
    /// The reviewers' scores.
    pub panel: Panel,
    /// The viewer's own verdict.
    pub mine: Option<Verdict>,
    /// Whether the viewer is assigned.
    pub assigned_to_me: bool,
    /// Who is assigned: account and name.
    pub assignees: Vec<(i32, String)>,
    /// The envelopes an approval would be charged to.
    pub envelopes: Vec<Envelope>,
    /// What an approval may be.
    pub limits: ApprovalLimits,
    /// The programme's target days for a decision.
    pub target_days: i32,
    /// Whole days in the present state.
    pub days_in_state: i64,
    /// Past the target or the due date.
    pub overdue: bool,
    /// The private notes, oldest first.
    pub notes: Vec<NoteView>,
}

/// What was decided, as the applicant and the operator read it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Decision {
    /// The approval's terms.
    pub approval: Option<Approval>,
    /// The refusal's reason from the list.
    pub rejection: Option<RejectReason>,
    /// The payment.
    pub disbursement: Option<Disbursement>,
    /// The open information request's due date.
    pub due_on: Option<NaiveDate>,
}

impl Decision {
    /// Whether there is anything to show.
    pub fn is_empty(&self) -> bool {
        *self == Decision::default()
    }
}

#[cfg(test)]
mod tests;
