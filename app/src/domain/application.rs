//! An application's life: the states it goes through, the one table of transitions (each
//! naming who may make it), the optimistic version check, and the expected time to a decision
//! from past decisions with the clock paused while the applicant is asked for something.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, t};

pub mod assisted;
pub mod command;
pub mod form;

/// Where an application is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Being written; only the applicant sees it.
    Draft,
    /// Sent; waiting for the operator to take it.
    Submitted,
    /// The operator is looking at it.
    InReview,
    /// The operator asked the applicant for something; the decision clock is paused.
    InfoRequested,
    /// Approved; waiting for the money.
    Approved,
    /// The money is paid out.
    Disbursed,
    /// Refused.
    Rejected,
    /// Taken back by the applicant before a decision.
    Withdrawn,
}

impl State {
    /// Every state, in the order of a typical life.
    pub const ALL: [State; 8] = [
        State::Draft,
        State::Submitted,
        State::InReview,
        State::InfoRequested,
        State::Approved,
        State::Disbursed,
        State::Rejected,
        State::Withdrawn,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::InReview => "in_review",
            State::InfoRequested => "info_requested",
            State::Approved => "approved",
            State::Disbursed => "disbursed",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether nothing can happen to it any more.
    pub fn is_final(self) -> bool {
        !TABLE.iter().any(|r| r.from == self)
    }

    /// The state in plain words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                State::Draft => Msg::AppStateDraft,
                State::Submitted => Msg::AppStateSubmitted,
                State::InReview => Msg::AppStateInReview,
                State::InfoRequested => Msg::AppStateInfoRequested,
                State::Approved => Msg::AppStateApproved,
                State::Disbursed => Msg::AppStateDisbursed,
                State::Rejected => Msg::AppStateRejected,
                State::Withdrawn => Msg::AppStateWithdrawn,
            },
        )
    }

    /// What the applicant is expected to do now, if anything.
    pub fn applicant_todo(self, lang: Lang) -> Option<&'static str> {
        let msg = match self {
            State::Draft => Msg::AppTodoDraft,
            State::InfoRequested => Msg::AppTodoInfoRequested,
            State::Approved => Msg::AppTodoApproved,
            _ => return None,
        };
        Some(t(lang, msg))
    }
}

/// Something that moves an application from one state to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The applicant sends the draft.
    Submit,
    /// The operator takes it up.
    StartReview,
    /// The operator asks for missing items.
    RequestInfo,
    /// The applicant answers; back to review.
    Answer,
    /// The operator approves.
    Approve,
    /// The operator refuses.
    Reject,
    /// The operator records the payment.
    Disburse,
    /// The applicant takes it back.
    Withdraw,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 8] = [
        Step::Submit,
        Step::StartReview,
        Step::RequestInfo,
        Step::Answer,
        Step::Approve,
        Step::Reject,
        Step::Disburse,
        Step::Withdraw,
    ];
}

crate::domain::catalog::code_enum! {
    /// What an event of an application records: a step of the state machine, or one of the
    /// acts around it (opening, asking for a recommendation, staff filing for a resident).
    EventKind {
        /// The draft was opened.
        Create = "create" => AppStepCreate,
        /// [`Step::Submit`].
        Submit = "submit" => AppStepSubmit,
        /// [`Step::StartReview`].
        StartReview = "start_review" => AppStepStartReview,
        /// [`Step::RequestInfo`].
        RequestInfo = "request_info" => AppStepRequestInfo,
        /// [`Step::Answer`].
        Answer = "answer" => AppStepAnswer,
        /// [`Step::Approve`].
        Approve = "approve" => AppStepApprove,
        /// [`Step::Reject`].
        Reject = "reject" => AppStepReject,
        /// [`Step::Disburse`].
        Disburse = "disburse" => AppStepDisburse,
        /// [`Step::Withdraw`].
        Withdraw = "withdraw" => AppStepWithdraw,
        /// The applicant asked the akimat for a recommendation.
        AskRecommendation = "ask_recommendation" => AppStepAskRecommendation,
        /// The akimat recommended (or declined to).
        Recommend = "recommend" => AppStepRecommend,
        /// Akimat staff opened the application for a resident.
        AssistOpen = "assist_open" => AppStepAssistOpen,
        /// Akimat staff typed into a resident's draft.
        AssistEdit = "assist_edit" => AppStepAssistEdit,
        /// The applicant appealed the refusal.
        Appeal = "appeal" => AppStepAppeal,
        /// The akimat that recommended the applicant supported the appeal.
        AppealSupport = "appeal_support" => AppStepAppealSupport,
        /// The appeal was decided: the refusal stands.
        AppealUpheld = "appeal_upheld" => AppStepAppealUpheld,
        /// The appeal was decided: the refusal is set aside, the application back in review.
        AppealOverturned = "appeal_overturned" => AppStepAppealOverturned,
    }
}

impl From<Step> for EventKind {
    fn from(step: Step) -> EventKind {
        match step {
            Step::Submit => EventKind::Submit,
            Step::StartReview => EventKind::StartReview,
            Step::RequestInfo => EventKind::RequestInfo,
            Step::Answer => EventKind::Answer,
            Step::Approve => EventKind::Approve,
            Step::Reject => EventKind::Reject,
            Step::Disburse => EventKind::Disburse,
            Step::Withdraw => EventKind::Withdraw,
        }
    }
}

/// Who makes a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The entrepreneur whose application it is.
    Applicant,
    /// Staff of the programme's operator (or an admin acting for it).
    Operator,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// From this state…
    pub from: State,
    /// …this step…
    pub step: Step,
    /// …leads here…
    pub to: State,
    /// …and only this party may make it.
    pub by: Party,
}

const fn rule(from: State, step: Step, to: State, by: Party) -> Rule {
    Rule { from, step, to, by }
}

/// The whole state machine. Nothing else decides what may happen to an application.
pub const TABLE: &[Rule] = &[
    rule(
        State::Draft,
        Step::Submit,
        State::Submitted,
        Party::Applicant,
    ),
    rule(
        State::Submitted,
        Step::StartReview,
        State::InReview,
        Party::Operator,
    ),
    rule(
        State::InReview,
        Step::RequestInfo,
        State::InfoRequested,
        Party::Operator,
    ),
    rule(
        State::InfoRequested,
        Step::Answer,
        State::InReview,
        Party::Applicant,
    ),
    rule(
        State::InReview,
        Step::Approve,
        State::Approved,
        Party::Operator,
    ),
    rule(
        State::InReview,
        Step::Reject,
        State::Rejected,
        Party::Operator,
    ),
    rule(
        State::Approved,
        Step::Disburse,
        State::Disbursed,
        Party::Operator,
    ),
    // Withdrawing is possible until a decision.
    rule(
        State::Draft,
        Step::Withdraw,
        State::Withdrawn,
        Party::Applicant,
    ),
    rule(
        State::Submitted,
        Step::Withdraw,
        State::Withdrawn,
        Party::Applicant,
    ),
    rule(
        State::InReview,
        Step::Withdraw,
        State::Withdrawn,
        Party::Applicant,
    ),
    rule(
        State::InfoRequested,
        Step::Withdraw,
        State::Withdrawn,
        Party::Applicant,
    ),
];

/// Why a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The step does not exist from this state.
    #[error("{step:?} is not possible from {from:?}")]
    NotFromHere {
        /// The current state.
        from: State,
        /// The step tried.
        step: Step,
    },
    /// The step exists but belongs to the other party.
    #[error("{step:?} is made by {needed:?}")]
    NotYours {
        /// The step tried.
        step: Step,
        /// Who may make it.
        needed: Party,
    },
    /// Someone changed the application since the version the caller saw.
    #[error("stale: the application is at version {current}, the change was made on {seen}")]
    Conflict {
        /// The version now.
        current: i32,
        /// The version the change was based on.
        seen: i32,
    },
}

/// Where `step` by `by` leads from `from`, or why it may not be made.
pub fn next(from: State, step: Step, by: Party) -> Result<State, StepError> {
    let rule = TABLE
        .iter()
        .find(|r| r.from == from && r.step == step)
        .ok_or(StepError::NotFromHere { from, step })?;
    if rule.by == by {
        Ok(rule.to)
    } else {
        Err(StepError::NotYours {
            step,
            needed: rule.by,
        })
    }
}

/// Refuses a change based on an old version (optimistic locking): the caller re-reads and
/// sees what changed instead of overwriting it.
pub fn check_version(current: i32, seen: i32) -> Result<(), StepError> {
    if current == seen {
        Ok(())
    } else {
        Err(StepError::Conflict { current, seen })
    }
}

/// One recorded transition of a past application, for the decision-time estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// When.
    pub at: DateTime<Utc>,
    /// The state entered.
    pub to: State,
}

/// How long the operator took to decide one application: from its submission to approval or
/// rejection, not counting the time it waited for the applicant. `None` for an application
/// without a decision (yet, or ever).
pub fn decision_time(moments: &[Moment]) -> Option<Duration> {
    let mut sorted = moments.to_vec();
    sorted.sort_by_key(|m| m.at);
    let submitted = sorted.iter().find(|m| m.to == State::Submitted)?.at;
    let decided = sorted
        .iter()
        .find(|m| matches!(m.to, State::Approved | State::Rejected) && m.at >= submitted)?
        .at;
    let mut paused = Duration::zero();
    let mut waiting_since: Option<DateTime<Utc>> = None;
    for m in sorted
        .iter()
        .filter(|m| m.at >= submitted && m.at <= decided)
    {
        match (m.to, waiting_since) {
            (State::InfoRequested, None) => waiting_since = Some(m.at),
            (State::InfoRequested, Some(_)) => {}
            (_, Some(since)) => {
                paused += m.at - since;
                waiting_since = None;
            }
            (_, None) => {}
        }
    }
    Some(decided - submitted - paused)
}

/// The fewest past decisions an estimate is made from; with fewer the page says so.
pub const ESTIMATE_MIN: usize = 10;

/// The expected time to a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Estimate {
    /// Half of the decisions took at most this long (seconds).
    pub median_secs: i64,
    /// Nine in ten took at most this long (seconds).
    pub p90_secs: i64,
    /// How many decisions the figures come from.
    pub decisions: usize,
}

/// The estimate from past decision times; `None` below [`ESTIMATE_MIN`] decisions, so that
/// no number is invented from too little. Percentiles by the nearest-rank method.
pub fn estimate(times: &[Duration]) -> Option<Estimate> {
    if times.len() < ESTIMATE_MIN {
        return None;
    }
    let mut secs: Vec<i64> = times.iter().map(|d| d.num_seconds()).collect();
    secs.sort_unstable();
    let rank = |p: usize| {
        let k = (p * secs.len()).div_ceil(100);
        secs[k.saturating_sub(1).min(secs.len() - 1)]
    };
    Some(Estimate {
        median_secs: rank(50),
        p90_secs: rank(90),
        decisions: secs.len(),
    })
}

/// What a form post on an application's page did: carried in the address (`?done=`) to the
/// page, which confirms it in words. Made by the form's adapter, read by the page: one type,
/// not a string in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// The draft was saved.
    Save,
    /// The application was submitted.
    Submit,
    /// The information request was answered.
    Answer,
    /// The application was withdrawn.
    Withdraw,
    /// An operator's step was made.
    Step,
    /// The akimat was asked for a recommendation.
    Asked,
    /// The akimat recommended (or not).
    Recommended,
    /// A reviewer scored it.
    Scored,
    /// A private note was kept.
    Noted,
    /// A reviewer was assigned or unassigned.
    Assigned,
    /// The akimat filed it for a resident.
    Assisted,
    /// The lender recorded a repayment (or a reversal) by hand.
    Repaid,
    /// The entrepreneur filed a report after the payment.
    Reported,
    /// The lender accepted or returned a report.
    ReportDecided,
    /// The akimat recorded what it saw on site.
    Confirmed,
    /// A message was written in the application's thread.
    Written,
    /// The applicant appealed the refusal.
    Appealed,
    /// The appeal was decided.
    AppealDecided,
    /// The akimat supported the appeal.
    AppealSupported,
    /// A ready answer was removed from the programme's list.
    ReplyDeleted,
}

impl Done {
    const CODES: [(Done, &'static str); 20] = [
        (Done::Save, "save"),
        (Done::Submit, "submit"),
        (Done::Answer, "answer"),
        (Done::Withdraw, "withdraw"),
        (Done::Step, "step"),
        (Done::Asked, "asked"),
        (Done::Recommended, "recommended"),
        (Done::Scored, "scored"),
        (Done::Noted, "noted"),
        (Done::Assigned, "assigned"),
        (Done::Assisted, "assisted"),
        (Done::Repaid, "repaid"),
        (Done::Reported, "reported"),
        (Done::ReportDecided, "report_decided"),
        (Done::Confirmed, "confirmed"),
        (Done::Written, "written"),
        (Done::Appealed, "appealed"),
        (Done::AppealDecided, "appeal_decided"),
        (Done::AppealSupported, "appeal_supported"),
        (Done::ReplyDeleted, "reply_deleted"),
    ];

    /// The code in the address.
    pub fn as_str(self) -> &'static str {
        Done::CODES
            .iter()
            .find(|(d, _)| *d == self)
            .map_or("step", |(_, code)| code)
    }

    /// Reads the code in the address (`None` for anything else).
    pub fn parse(code: &str) -> Option<Done> {
        Done::CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(d, _)| *d)
    }
}

#[cfg(test)]
mod tests;
