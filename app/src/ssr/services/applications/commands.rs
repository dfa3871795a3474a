//! The use cases that change an application: open, save the draft, and every step of the state
//! machine (authorize, apply, persist in one transaction with its event, then notify).

use chrono::{NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tracing::instrument;

use super::access::{
    access, approval_limits, conflict, limits, program_of, signed_in, state_of, takes_applications,
};
use crate::domain::account::Principal;
use crate::domain::application::form::{self, Draft, field};
use crate::domain::application::{Party, State, Step, StepError};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::program::ProgramView;
use crate::domain::review::{self};
use crate::ssr::db;
use crate::ssr::db::applications::{Changes, NewEvent};
use crate::ssr::db::entities::applications;
use crate::ssr::mail::{Mail, Mailer};
use crate::ssr::services::ServiceError;

/// The most items one information request may list, and the longest item.
pub(super) const MAX_ITEMS: usize = 20;

pub(super) const MAX_ITEM: usize = 500;

/// What a step may carry besides itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    /// Why (a rejection's reason is required; others optional).
    #[serde(default)]
    pub reason: Option<String>,
    /// What an information request asks for.
    #[serde(default)]
    pub items: Vec<String>,
    /// The applicant's answer to an information request.
    #[serde(default)]
    pub answer: Option<String>,
    /// The decision's form fields: `due_on` of an information request; `approved_amount`,
    /// `approved_term`, `approved_rate`, `conditions` of an approval; `reject_reason` of a
    /// refusal; `disbursed_on`, `disbursed_amount`, `reference` of a payment.
    #[serde(default)]
    pub fields: Vec<(String, String)>,
}

/// Where outgoing e-mails link to, and who sends them.
pub struct Notifier<'a> {
    /// Delivers e-mail (or logs it).
    pub mailer: &'a dyn Mailer,
    /// The site's public address.
    pub public_url: &'a str,
}

/// Opens the signed-in entrepreneur's application to programme `slug`: their open one if
/// there is one (a second click on "apply" lands on the same), else a new draft filled in
/// from their profile. Returns its id.
#[instrument(skip(db, who))]
pub async fn open(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    slug: &str,
    today: NaiveDate,
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    allow(who, &Action::KeepProfile)?;
    let program = crate::ssr::services::catalog::program(db, slug, today).await?;
    let program_id = i32::try_from(program.id).map_err(|_| ServiceError::NotFound)?;
    if let Some(a) = db::applications::find_open(db, p.user_id, program_id).await? {
        return Ok(a.id);
    }
    if !takes_applications(&program, today) {
        return Err(FieldError::new("program", Problem::ProgramClosed).into());
    }
    let profile = db::profiles::find(db, p.user_id).await?;
    let draft = form::prefill(profile.as_ref());
    let settlement = profile
        .as_ref()
        .and_then(|pr| pr.settlement.as_ref())
        .map(|c| c.as_str().to_owned());
    let data = serde_json::to_string(&draft)?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let Some(id) = db::applications::insert_draft(
        &txn,
        p.user_id,
        program_id,
        &data,
        settlement.as_deref(),
        now,
    )
    .await?
    else {
        // Another click won the race: open that one.
        txn.rollback().await?;
        return db::applications::find_open(db, p.user_id, program_id)
            .await?
            .map(|a| a.id)
            .ok_or(ServiceError::NotFound);
    };
    db::applications::append_event(
        &txn,
        &NewEvent {
            application_id: id,
            version: 1,
            step: "create",
            from: None,
            to: State::Draft.as_str(),
            actor: Some(p.user_id),
            role: p.role.as_str(),
            reason: None,
            data: &data,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Saves a draft's fields as typed, if `seen` is still its version. Returns the new version.
#[instrument(skip(db, who, pairs))]
pub async fn save_draft(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    seen: i32,
    pairs: &[(String, String)],
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    let draft = form::draft_from_pairs(pairs)?;
    let (a, _, party) = access(db, p, id).await?;
    if party != Some(Party::Applicant) {
        return Err(ServiceError::NotFound);
    }
    let state = state_of(&a)?;
    if state != State::Draft {
        return Err(FieldError::new("step", Problem::NotNow { state }).into());
    }
    // Fields the request does not carry keep their saved value: an autosave sends only
    // the form, never less than it.
    let mut merged = draft_of(&a);
    merged.extend(draft.clone());
    let data = serde_json::to_string(&merged)?;
    let txn = db::begin_write(db).await?;
    if db::applications::update_draft(&txn, id, seen, &data, Utc::now()).await? {
        // Someone typing for the resident leaves a record of what they typed.
        if p.user_id != a.user_id {
            let items: Vec<String> = draft.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            db::applications::append_event(
                &txn,
                &NewEvent {
                    application_id: id,
                    version: seen + 1,
                    step: "assist_edit",
                    from: Some(State::Draft.as_str()),
                    to: State::Draft.as_str(),
                    actor: Some(p.user_id),
                    role: p.role.as_str(),
                    reason: None,
                    data: &serde_json::json!({ "items": items }).to_string(),
                },
                Utc::now(),
            )
            .await?;
        }
        txn.commit().await?;
        return Ok(seen + 1);
    }
    txn.rollback().await?;
    let now = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Someone saved first. If what they saved is exactly this (the autosave and the form's
    // own post racing each other), nothing would be lost: no conflict.
    if now.state == State::Draft.as_str() && draft_of(&now) == merged {
        Ok(now.version)
    } else {
        Err(conflict(now.version))
    }
}

pub(super) fn step_name(step: Step) -> &'static str {
    match step {
        Step::Submit => "submit",
        Step::StartReview => "start_review",
        Step::RequestInfo => "request_info",
        Step::Answer => "answer",
        Step::Approve => "approve",
        Step::Reject => "reject",
        Step::Disburse => "disburse",
        Step::Withdraw => "withdraw",
    }
}

/// Parses a step's name as forms and the API send it.
pub fn parse_step(s: &str) -> Option<Step> {
    Step::ALL.into_iter().find(|st| step_name(*st) == s)
}

pub(super) fn refused(e: StepError, state: State) -> ServiceError {
    match e {
        StepError::Conflict { current, .. } => conflict(current),
        StepError::NotFromHere { .. } | StepError::NotYours { .. } => {
            FieldError::new("step", Problem::NotNow { state }).into()
        }
    }
}

/// A step that finds the application changed since `seen`: fine if the change was this very
/// step by this person (a double click, a resent request: answered as done, made once), a
/// conflict otherwise. A submission is one per application, so any earlier submission by
/// the applicant is the same one, whatever version the repeat was based on.
pub(super) async fn repeat_or_conflict(
    db: &DatabaseConnection,
    id: i32,
    seen: i32,
    step: Step,
    actor: i32,
    current: i32,
) -> Result<i32, ServiceError> {
    let repeat = db::applications::events(db, id)
        .await?
        .iter()
        .any(|(e, _)| {
            e.step == step_name(step)
                && e.actor_user_id == Some(actor)
                && (step == Step::Submit || e.version == seen + 1)
        });
    if repeat {
        Ok(current)
    } else {
        Err(conflict(current))
    }
}

pub(super) fn bounded(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let v = value.map(str::trim).filter(|v| !v.is_empty());
    match v {
        Some(v) if v.chars().count() > max => Err(FieldError::new(field, Problem::TooLong { max })),
        Some(v) => Ok(Some(v.to_owned())),
        None => Ok(None),
    }
}

/// Makes `step` on application `id` at version `seen`, as `who`. Repeating a step that was
/// just made from the same version (a double click, a retried request) succeeds without
/// making it twice. Returns the new version.
#[instrument(skip(db, notifier, who, input))]
#[expect(
    clippy::too_many_arguments,
    reason = "each is a separate input of the use case (who, which application, at which version, what)"
)]
pub async fn step(
    db: &DatabaseConnection,
    notifier: &Notifier<'_>,
    who: Option<&Principal>,
    id: i32,
    seen: i32,
    step: Step,
    input: &StepInput,
    today: NaiveDate,
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    let (a, organisation, party) = access(db, p, id).await?;
    let party = party.ok_or(ServiceError::Denied(Denied::Forbidden))?;
    let from = state_of(&a)?;
    if a.version != seen {
        return repeat_or_conflict(db, id, seen, step, p.user_id, a.version).await;
    }
    let to = crate::domain::application::next(from, step, party).map_err(|e| refused(e, from))?;

    let reason = bounded("reason", input.reason.as_deref(), form::MAX_TEXT)?;
    let mut changes = Changes {
        decided: matches!(to, State::Approved | State::Rejected),
        close: to.is_final(),
        ..Changes::default()
    };
    let now = Utc::now();
    let data = match step {
        Step::Submit => {
            let program = program_of(db, a.program_id, today).await?;
            if !takes_applications(&program, today) {
                return Err(FieldError::new("program", Problem::ProgramClosed).into());
            }
            let valid = form::validate(&draft_of(&a), &limits(&program))?;
            let profile = db::profiles::find(db, a.user_id).await?;
            changes.amount_kzt = Some(valid.amount_kzt);
            changes.settlement = profile
                .and_then(|pr| pr.settlement)
                .map(|c| c.as_str().to_owned())
                .or(a.settlement_code.clone());
            changes.submitted = true;
            let json = serde_json::to_string(&valid)?;
            changes.data = Some(json.clone());
            json
        }
        Step::RequestInfo => {
            let items: Vec<String> = input
                .items
                .iter()
                .flat_map(|i| i.lines())
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .map(str::to_owned)
                .collect();
            if items.is_empty() {
                return Err(FieldError::new("items", Problem::Required).into());
            }
            if items.len() > MAX_ITEMS || items.iter().any(|i| i.chars().count() > MAX_ITEM) {
                return Err(FieldError::new("items", Problem::TooLong { max: MAX_ITEM }).into());
            }
            let due = review::parse_due(&input.fields, today)?;
            changes.info_due_on = Some(due);
            serde_json::json!({ "items": items, "due_on": due }).to_string()
        }
        Step::Answer => {
            let answer = bounded("answer", input.answer.as_deref(), form::MAX_TEXT)?
                .ok_or_else(|| FieldError::new("answer", Problem::Required))?;
            // The files sent since the request go with the answer.
            let asked_at = db::applications::events(db, id)
                .await?
                .iter()
                .rev()
                .find(|(e, _)| e.to_state == State::InfoRequested.as_str())
                .map(|(e, _)| e.at);
            let documents: Vec<i32> = db::applications::documents(db, id)
                .await?
                .iter()
                .filter(|d| asked_at.is_some_and(|at| d.created_at >= at))
                .map(|d| d.id)
                .collect();
            serde_json::json!({ "answer": answer, "documents": documents }).to_string()
        }
        Step::Reject => {
            let mut fields = input.fields.clone();
            fields.push(("reason".into(), reason.clone().unwrap_or_default()));
            let rejection = review::parse_rejection(&fields)?;
            serde_json::json!({ "reject_reason": rejection.reason }).to_string()
        }
        Step::Approve => {
            let limits = approval_limits(db, a.program_id, today).await?;
            let approval = review::parse_approval(&input.fields, limits)?;
            changes.approved_kzt = Some(approval.amount_kzt);
            serde_json::to_string(&serde_json::json!({ "approval": approval }))?
        }
        Step::Disburse => {
            let approved = a.approved_kzt.or(a.amount_kzt).unwrap_or(0);
            // The approval's day in Kazakhstan (UTC+5).
            // (never after `today`, which a test or demo clock may hold back).
            let approved_on = a
                .decided_at
                .map(|d| (d.with_timezone(&Utc) + chrono::Duration::hours(5)).date_naive())
                .map(|d| std::cmp::min(d, today));
            let paid = review::parse_disbursement(&input.fields, approved, approved_on, today)?;
            changes.disbursed_kzt = Some(paid.amount_kzt);
            serde_json::to_string(&serde_json::json!({ "disbursement": paid }))?
        }
        Step::StartReview | Step::Withdraw => "{}".to_owned(),
    };

    let txn = db::begin_write(db).await?;
    if !db::applications::transition(&txn, id, seen, from.as_str(), to.as_str(), &changes, now)
        .await?
    {
        txn.rollback().await?;
        let current = db::applications::find(db, id)
            .await?
            .map_or(seen + 1, |a| a.version);
        return repeat_or_conflict(db, id, seen, step, p.user_id, current).await;
    }
    // The money: an approval is charged to the programme's envelope (and its region's) in the
    // same transaction, or nothing happens; a payment is added to what was paid.
    let region = db::reviews::region_of(a.settlement_code.as_deref());
    let areas: Vec<&str> = {
        let mut v = vec![review::WHOLE];
        v.extend(region.as_deref());
        // Always in the same order, so that two approvals lock envelopes alike.
        v.sort_unstable();
        v
    };
    if let Some(amount) = changes.approved_kzt {
        for area in &areas {
            let exists = db::reviews::envelopes(&txn, a.program_id)
                .await?
                .iter()
                .any(|e| e.area == *area);
            if exists && !db::reviews::charge(&txn, a.program_id, area, amount, now).await? {
                txn.rollback().await?;
                return Err(over_budget(db, a.program_id, area, amount).await);
            }
        }
    }
    if let Some(amount) = changes.disbursed_kzt {
        for area in &areas {
            db::reviews::record_paid(&txn, a.program_id, area, amount, now).await?;
        }
    }
    let event = db::applications::append_event(
        &txn,
        &NewEvent {
            application_id: id,
            version: seen + 1,
            step: step_name(step),
            from: Some(from.as_str()),
            to: to.as_str(),
            actor: Some(p.user_id),
            role: p.role.as_str(),
            reason: reason.as_deref(),
            data: &data,
        },
        now,
    )
    .await?;
    // Whom it concerns: the applicant of what the operator did, the operator's staff of what
    // the applicant did. The in-app notice is part of the same commit as the step.
    let mut recipients: Vec<i32> = match (party, step) {
        (Party::Operator, _) => vec![a.user_id],
        // A withdrawn draft concerns nobody else.
        (Party::Applicant, Step::Withdraw) if from == State::Draft => Vec::new(),
        (Party::Applicant, Step::Submit | Step::Answer | Step::Withdraw) => {
            db::applications::staff_of(&txn, organisation)
                .await?
                .iter()
                .map(|u| u.id)
                .collect()
        }
        (Party::Applicant, _) => Vec::new(),
    };
    // Staff acting for a resident: the resident hears of every step made in their name.
    let for_resident = party == Party::Applicant && p.user_id != a.user_id;
    if for_resident {
        recipients.push(a.user_id);
    }
    // The akimat that was asked to recommend hears of an information request too, so that
    // it can help the villager answer.
    if step == Step::RequestInfo
        && let Some(request) = db::recommendations::request_of(&txn, id).await?
    {
        recipients.extend(
            db::applications::akimat_of(&txn, &request.okrug_code)
                .await?
                .iter()
                .map(|u| u.id),
        );
    }
    for r in &recipients {
        db::applications::notify(&txn, *r, a.program_id, id, event, now).await?;
    }
    // The okrug's public figures change with the step (drafts are not counted).
    let counted = from != State::Draft || step == Step::Submit;
    if counted
        && let Some(okrug) = changes
            .settlement
            .as_deref()
            .or(a.settlement_code.as_deref())
            .and_then(|c| KatoCode::parse(c).ok())
            .and_then(|c| c.okrug())
    {
        db::reports::touch(&txn, &okrug).await?;
    }
    txn.commit().await?;

    if party == Party::Operator || for_resident {
        // Mail is best effort: the step and the in-app notice are committed.
        if let Err(e) = mail_applicant(db, notifier, &a, to, reason.as_deref(), today).await {
            tracing::warn!(error = %e, application = id, "transition e-mail not sent");
        }
    }
    Ok(seen + 1)
}

/// The refusal of an approval that does not fit envelope `area`, with its figures.
pub(super) async fn over_budget(
    db: &DatabaseConnection,
    program_id: i32,
    area: &str,
    amount: i64,
) -> ServiceError {
    let envelopes = match crate::ssr::services::review::envelopes(db, program_id).await {
        Ok(e) => e,
        Err(e) => return e,
    };
    let e = envelopes.iter().find(|e| e.area == area);
    FieldError::new(
        "approved_amount",
        Problem::BudgetExceeded {
            area: e.map(|e| e.area_name.clone()).unwrap_or_default(),
            remaining_kzt: e.map_or(0, review::Envelope::remaining_kzt),
            requested_kzt: amount,
        },
    )
    .into()
}

pub(super) async fn mail_applicant(
    db: &DatabaseConnection,
    notifier: &Notifier<'_>,
    a: &applications::Model,
    to: State,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<(), ServiceError> {
    let Some((address, lang)) = db::alerts::address_of(db, a.user_id).await? else {
        return Ok(());
    };
    let program = program_of(db, a.program_id, today).await?;
    let mail = transition_mail(
        &address,
        lang,
        notifier.public_url,
        a.id,
        &program,
        to,
        reason,
    );
    notifier
        .mailer
        .send(mail)
        .await
        .map_err(|e| ServiceError::Storage(e.to_string()))
}

/// The e-mail of a transition, in the applicant's language (see [`Mail::in_language`]).
pub fn transition_mail(
    to: &str,
    lang: Option<Lang>,
    public_url: &str,
    id: i32,
    program: &ProgramView,
    state: State,
    reason: Option<&str>,
) -> Mail {
    let link = format!("{}/applications/{id}", public_url.trim_end_matches('/'));
    let id_text = id.to_string();
    let body = |lang: Lang| {
        let title = crate::domain::i18n::pick(lang, &program.title_ru, &program.title_kk);
        let mut text = tf(
            lang,
            Msg::AppMailBody,
            &[
                ("id", &id_text),
                ("program", title),
                ("state", state.label(lang)),
                ("link", &link),
            ],
        );
        if let Some(todo) = state.applicant_todo(lang) {
            text = format!("{text}\n\n{todo}");
        }
        if let Some(r) = reason {
            text = format!("{text}\n\n{}: {r}", t(lang, Msg::AppReason));
        }
        text
    };
    let subject = |lang: Lang| {
        tf(
            lang,
            Msg::AppMailSubject,
            &[("id", &id_text), ("state", state.label(lang))],
        )
    };
    Mail::in_language(to, lang, subject, body)
}

pub(super) fn draft_of(a: &applications::Model) -> Draft {
    // A submitted application stores the validated form; both read as fields.
    serde_json::from_str::<Draft>(&a.data)
        .or_else(|_| serde_json::from_str::<form::ApplicationForm>(&a.data).map(|f| fields_of(&f)))
        .unwrap_or_default()
}

pub(super) fn fields_of(f: &form::ApplicationForm) -> Draft {
    let mut d = Draft::new();
    d.insert(field::AMOUNT.into(), f.amount_kzt.to_string());
    if let Some(term) = f.term_months {
        d.insert(field::TERM.into(), term.to_string());
    }
    d.insert(field::PURPOSE.into(), f.purpose.clone());
    d.insert(field::PLAN_ACTIVITY.into(), f.plan.activity.clone());
    d.insert(field::PLAN_COSTS.into(), f.plan.costs_kzt.to_string());
    d.insert(field::PLAN_REVENUE.into(), f.plan.revenue_kzt.to_string());
    d.insert(field::PLAN_JOBS.into(), f.plan.jobs.to_string());
    if let Some(c) = &f.collateral {
        d.insert(field::COLLATERAL.into(), c.clone());
    }
    d
}
