//! A step of an application as one typed command. The three doors (the page's form post, the
//! `#[server]` functions, the JSON API) all deliver a step as a typed [`StepInput`]: each door
//! refuses there, by name, a field that is not a step's or a value not of its field's kind (a
//! date, a whole number, a percentage: what the API's schema says anyway). The use case reads
//! it once, with [`StepCommand::read`], into what the step carries, after it has checked that
//! the caller may take the step (so a stranger learns nothing of a step's rules), and against
//! what the application allows (the programme's caps, the approved amount).

use chrono::NaiveDate;
use serde::Serialize;

use super::Step;
use super::form::{ApplicationForm, MAX_TEXT};
use crate::domain::params::{FieldError, Problem};
use crate::domain::review::{
    Approval, ApprovalLimits, DecisionFields, Disbursement, RejectReason, Rejection,
};

/// The most items one information request may list, and the longest item.
pub const MAX_ITEMS: usize = 20;

/// The longest item of an information request.
pub const MAX_ITEM: usize = 500;

/// What a step may carry besides itself: the same typed input whichever door it came through
/// (the page's form post reads it with [`StepInput::from_pairs`], the JSON API with serde).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepInput {
    /// Why (a rejection's reason is required; others optional).
    pub reason: Option<String>,
    /// What an information request asks for.
    pub items: Vec<String>,
    /// The applicant's answer to an information request.
    pub answer: Option<String>,
    /// The decision's fields, typed (`due_on`, `approved_amount`, `reject_reason`…).
    pub fields: DecisionFields,
}

impl StepInput {
    /// The names a step's form posts besides the decision's fields.
    pub const NAMES: [&str; 3] = ["reason", "items", "answer"];

    /// Reads a step's form post (its own controls, `version` and `action`, already removed):
    /// every name must be one of a step's fields, or it is refused by name as the JSON API
    /// refuses it; a value that is not of its field's kind is refused by that field.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<StepInput, FieldError> {
        let known = |k: &str| Self::NAMES.contains(&k) || DecisionFields::NAMES.contains(&k);
        if let Some((k, _)) = pairs.iter().find(|(k, _)| !known(k)) {
            return Err(FieldError::new(k.clone(), Problem::NotAccepted));
        }
        let last = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        Ok(StepInput {
            reason: last("reason"),
            items: pairs
                .iter()
                .filter(|(k, _)| k == "items")
                .map(|(_, v)| v.clone())
                .collect(),
            answer: last("answer"),
            fields: DecisionFields::from_pairs(pairs)?,
        })
    }
}

/// What an information request asks for, and by when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InfoRequest {
    /// One line each.
    pub items: Vec<String>,
    /// The day the answer is due.
    pub due_on: NaiveDate,
}

/// One step with what it carries, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepCommand {
    /// The applicant sends the draft (checked against the programme by the use case).
    Submit,
    /// The operator takes it up.
    StartReview,
    /// The operator asks for more.
    RequestInfo(InfoRequest),
    /// The applicant answers; the files sent since the request go with it.
    Answer(String),
    /// The operator approves, on these terms.
    Approve(Approval),
    /// The operator refuses, for this reason.
    Reject(Rejection),
    /// The money was paid.
    Disburse(Disbursement),
    /// The applicant withdraws.
    Withdraw,
}

/// What reading a step's input needs to know of the application and the day.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepContext {
    /// Today, in Kazakhstan (or the demo's clock).
    pub today: NaiveDate,
    /// What the programme allows an approval to be (read for approvals only).
    pub approval: ApprovalLimits,
    /// The amount approved (or applied for), which a payment may not exceed.
    pub approved_kzt: i64,
    /// The day of the approval, which a payment may not precede.
    pub approved_on: Option<NaiveDate>,
}

/// An optional text, trimmed, at most `max` characters.
pub fn bounded(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    let v = value.map(str::trim).filter(|v| !v.is_empty());
    match v {
        Some(v) if v.chars().count() > max => Err(FieldError::new(field, Problem::TooLong { max })),
        Some(v) => Ok(Some(v.to_owned())),
        None => Ok(None),
    }
}

impl StepCommand {
    /// The step this command takes.
    pub fn step(&self) -> Step {
        match self {
            StepCommand::Submit => Step::Submit,
            StepCommand::StartReview => Step::StartReview,
            StepCommand::RequestInfo(_) => Step::RequestInfo,
            StepCommand::Answer(_) => Step::Answer,
            StepCommand::Approve(_) => Step::Approve,
            StepCommand::Reject(_) => Step::Reject,
            StepCommand::Disburse(_) => Step::Disburse,
            StepCommand::Withdraw => Step::Withdraw,
        }
    }

    /// Reads `step`'s input: the command, and the reason given for it (any step may say why; a
    /// refusal must). Every problem names its field.
    pub fn read(
        step: Step,
        input: &StepInput,
        ctx: &StepContext,
    ) -> Result<(Self, Option<String>), FieldError> {
        let reason = bounded("reason", input.reason.as_deref(), MAX_TEXT)?;
        let command = match step {
            Step::Submit => StepCommand::Submit,
            Step::StartReview => StepCommand::StartReview,
            Step::Withdraw => StepCommand::Withdraw,
            Step::RequestInfo => StepCommand::RequestInfo(info_request(input, ctx.today)?),
            Step::Answer => StepCommand::Answer(
                bounded("answer", input.answer.as_deref(), MAX_TEXT)?
                    .ok_or_else(|| FieldError::new("answer", Problem::Required))?,
            ),
            Step::Reject => StepCommand::Reject(input.fields.rejection(reason.as_deref())?),
            Step::Approve => StepCommand::Approve(input.fields.approval(ctx.approval)?),
            Step::Disburse => StepCommand::Disburse(input.fields.disbursement(
                ctx.approved_kzt,
                ctx.approved_on,
                ctx.today,
            )?),
        };
        Ok((command, reason))
    }
}

fn info_request(input: &StepInput, today: NaiveDate) -> Result<InfoRequest, FieldError> {
    let items: Vec<String> = input
        .items
        .iter()
        .flat_map(|i| i.lines())
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        return Err(FieldError::new("items", Problem::Required));
    }
    if items.len() > MAX_ITEMS || items.iter().any(|i| i.chars().count() > MAX_ITEM) {
        return Err(FieldError::new("items", Problem::TooLong { max: MAX_ITEM }));
    }
    let due_on = input.fields.due(today)?;
    Ok(InfoRequest { items, due_on })
}

/// What an event records beyond its step: the payload stored with it, one shape per kind
/// (written as JSON; the timeline and the reports read these keys).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EventData {
    /// A submission: the validated form.
    Submitted(ApplicationForm),
    /// An information request.
    InfoRequested {
        /// What was asked.
        items: Vec<String>,
        /// By when.
        due_on: NaiveDate,
    },
    /// An answer, with the documents sent since the request.
    Answered {
        /// The text.
        answer: String,
        /// The documents' ids.
        documents: Vec<i32>,
    },
    /// A refusal's reason from the list (its text is the event's reason).
    Rejected {
        /// From the list.
        reject_reason: RejectReason,
    },
    /// An approval's terms.
    Approved {
        /// The terms.
        approval: Approval,
    },
    /// A payment.
    Disbursed {
        /// The record.
        disbursement: Disbursement,
    },
    /// Fields typed by staff for a resident, as `name: value` lines.
    AssistedEdit {
        /// What was typed.
        items: Vec<String>,
    },
    /// Nothing more than the step.
    Nothing {},
}

impl EventData {
    /// The payload as stored.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_keep_the_stored_shape_the_timeline_reads() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 20).expect("a date");
        let asked = EventData::InfoRequested {
            items: vec!["Справка".into()],
            due_on: due,
        };
        assert_eq!(
            asked.to_json().expect("json"),
            r#"{"items":["Справка"],"due_on":"2026-12-20"}"#
        );
        assert_eq!(EventData::Nothing {}.to_json().expect("json"), "{}");
        let answered = EventData::Answered {
            answer: "Вот".into(),
            documents: vec![3],
        };
        assert_eq!(
            answered.to_json().expect("json"),
            r#"{"answer":"Вот","documents":[3]}"#
        );
    }

    #[test]
    fn a_step_form_is_read_typed_and_an_unknown_name_is_refused_by_name() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let input = StepInput::from_pairs(&pairs(&[
            ("items", "Справка"),
            ("reason", "first"),
            ("items", "Фото"),
            ("reason", "Нужны документы"),
            ("due_on", "2026-12-11"),
        ]))
        .expect("read");
        assert_eq!(
            input,
            StepInput {
                reason: Some("Нужны документы".into()),
                items: vec!["Справка".into(), "Фото".into()],
                answer: None,
                fields: DecisionFields {
                    due_on: NaiveDate::from_ymd_opt(2026, 12, 11),
                    ..DecisionFields::default()
                },
            }
        );
        assert_eq!(
            StepInput::from_pairs(&pairs(&[("reason", "x"), ("approved_amout", "1")])),
            Err(FieldError::new("approved_amout", Problem::NotAccepted))
        );
        assert_eq!(
            StepInput::from_pairs(&pairs(&[("approved_amount", "два миллиона")])),
            Err(FieldError::new("approved_amount", Problem::NotANumber))
        );
    }

    #[test]
    fn a_command_names_its_step_and_refuses_by_field() {
        let ctx = StepContext {
            today: NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date"),
            ..StepContext::default()
        };
        for step in Step::ALL {
            if let Ok((c, _)) = StepCommand::read(step, &StepInput::default(), &ctx) {
                assert_eq!(c.step(), step);
            }
        }
        let e = StepCommand::read(Step::RequestInfo, &StepInput::default(), &ctx)
            .expect_err("no items");
        assert_eq!(e.field, "items");
        let e =
            StepCommand::read(Step::Answer, &StepInput::default(), &ctx).expect_err("no answer");
        assert_eq!(e.field, "answer");
    }
}
