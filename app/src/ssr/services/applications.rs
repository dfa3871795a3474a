//! Applications: opening a draft from a programme, saving it as the person types, every step
//! of the state machine (each an append-only event written in the same transaction as the
//! state, with the notifications it raises), documents, and the page of one application.
//!
//! Durability comes from the database: on SQLite the connection runs `synchronous=FULL` in
//! WAL mode (`db::connect`), so a commit is on disk before the user is told "submitted"; on
//! PostgreSQL the default `fsync`/`synchronous_commit` do the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::instrument;

use super::ServiceError;
use crate::domain::account::{Principal, Role, Scope};
use crate::domain::application::form::{
    self, ApplicationSummary, ApplicationView, AssistedView, DocumentView, Draft, EventView,
    Limits, RequiredDocument, field,
};
use crate::domain::application::{Moment, Party, State, Step, StepError, decision_time, estimate};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::program::ProgramView;
use crate::domain::review::{self, ApprovalLimits};
use crate::ssr::db;
use crate::ssr::db::applications::{Changes, NewDocument, NewEvent};
use crate::ssr::db::entities::{application_documents, applications, assisted_filings};
use crate::ssr::mail::{Mail, Mailer};

/// The most past decisions the estimate reads (the latest ones).
const ESTIMATE_WINDOW: u64 = 500;
/// The most items one information request may list, and the longest item.
const MAX_ITEMS: usize = 20;
const MAX_ITEM: usize = 500;

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

fn signed_in(who: Option<&Principal>) -> Result<&Principal, ServiceError> {
    who.ok_or(ServiceError::Denied(Denied::SignInRequired))
}

fn state_of(a: &applications::Model) -> Result<State, ServiceError> {
    State::parse(&a.state).ok_or(ServiceError::Seed(format!(
        "application {} has an unknown state {:?}",
        a.id, a.state
    )))
}

/// The programme an application is for, as its page shows it on `today`.
async fn program_of(
    db: &DatabaseConnection,
    program_id: i32,
    today: NaiveDate,
) -> Result<ProgramView, ServiceError> {
    let slug = db::catalog::slug_of(db, program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    super::catalog::program(db, &slug, today).await
}

fn limits(program: &ProgramView) -> Limits {
    let l = program.loan_limits();
    Limits {
        amount_min_kzt: l.amount_min.map(|t| t.whole_tenge()),
        amount_max_kzt: l.amount_max.map(|t| t.whole_tenge()),
        term_months_max: if program.is_loan_like() {
            program.term_months_max
        } else {
            None
        },
    }
}

/// What an approval of an application to programme `program_id` may be.
pub(crate) async fn approval_limits(
    db: &DatabaseConnection,
    program_id: i32,
    today: NaiveDate,
) -> Result<ApprovalLimits, ServiceError> {
    let program = program_of(db, program_id, today).await?;
    let l = limits(&program);
    Ok(ApprovalLimits {
        amount_max_kzt: l.amount_max_kzt,
        term_months_max: l.term_months_max,
        lends: program.is_loan_like(),
    })
}

pub(crate) fn takes_applications(program: &ProgramView, today: NaiveDate) -> bool {
    program.status == crate::domain::catalog::ProgramStatus::Open
        && program.deadline.is_none_or(|d| d >= today)
        && program.intake_opens.is_none_or(|d| d <= today)
}

/// How `p` stands to application `a` of a programme of `organisation`: as its applicant, for
/// its operator, or only as a reader (an akim). `NotFound` for anyone else, so that ids do not
/// reveal which applications exist; a draft is its applicant's alone.
fn standing(
    p: &Principal,
    a: &applications::Model,
    organisation: i32,
    filing: Option<&assisted_filings::Model>,
) -> Result<Option<Party>, ServiceError> {
    // Akimat staff of the okrug that filed it for a resident act for the resident.
    let assistant = filing.is_some_and(|f| {
        matches!(p.role, Role::Akim | Role::AkimatStaff)
            && matches!(&p.scope, Scope::Okrug(own) if own.as_str() == f.okrug_code)
    });
    let okrug = okrug_of(a);
    let action = Action::ViewApplication {
        applicant: a.user_id,
        okrug: okrug.as_ref(),
        organisation,
    };
    if !assistant && allow(Some(p), &action).is_err() {
        return Err(ServiceError::NotFound);
    }
    let mine = (p.role == Role::Entrepreneur && a.user_id == p.user_id) || assistant;
    if a.state == State::Draft.as_str() && !mine {
        return Err(ServiceError::NotFound);
    }
    Ok(if mine {
        Some(Party::Applicant)
    } else if p.role == Role::Admin
        || (matches!(p.role, Role::Operator | Role::OrgAdmin)
            && p.scope == Scope::Organisation(organisation))
    {
        Some(Party::Operator)
    } else {
        None
    })
}

/// Application `id` as `p` may see it: the row, its programme's operator, and how `p` stands
/// to it (`NotFound` for someone who may not read it).
pub(crate) async fn access(
    db: &DatabaseConnection,
    p: &Principal,
    id: i32,
) -> Result<(applications::Model, i32, Option<Party>), ServiceError> {
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = db::catalog::organisation_of(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let filing = db::assisted::filing(db, a.id).await?;
    let party = standing(p, &a, organisation, filing.as_ref())?;
    Ok((a, organisation, party))
}

/// The okrug of an application's settlement, if it names one.
pub(crate) fn okrug_of(a: &applications::Model) -> Option<KatoCode> {
    a.settlement_code
        .as_deref()
        .and_then(|c| KatoCode::parse(c).ok())
        .and_then(|c| c.okrug())
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
    let program = super::catalog::program(db, slug, today).await?;
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
    let data = serde_json::to_string(&draft).map_err(|e| ServiceError::Seed(e.to_string()))?;
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

fn summary(a: &applications::Model, slug: &str, ru: &str, kk: &str) -> ApplicationSummary {
    ApplicationSummary {
        id: a.id,
        program_slug: slug.to_owned(),
        program_title_ru: ru.to_owned(),
        program_title_kk: kk.to_owned(),
        state: State::parse(&a.state).unwrap_or(State::Draft),
        version: a.version,
        amount_kzt: a.amount_kzt,
        created_at: a.created_at.with_timezone(&Utc),
        updated_at: a.updated_at.with_timezone(&Utc),
    }
}

/// The signed-in person's applications, newest first.
pub async fn list(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<ApplicationSummary>, ServiceError> {
    let p = signed_in(who)?;
    Ok(db::applications::of_user(db, p.user_id, 200)
        .await?
        .iter()
        .map(|(a, pr)| summary(a, &pr.slug, &pr.title_ru, &pr.title_kk))
        .collect())
}

fn document_view(d: &application_documents::Model) -> DocumentView {
    DocumentView {
        id: d.id,
        slot: d.slot,
        file_name: d.file_name.clone(),
        content_type: d.content_type.clone(),
        size: d.size,
        uploaded_at: d.created_at.with_timezone(&Utc),
    }
}

fn draft_of(a: &applications::Model) -> Draft {
    // A submitted application stores the validated form; both read as fields.
    serde_json::from_str::<Draft>(&a.data)
        .or_else(|_| serde_json::from_str::<form::ApplicationForm>(&a.data).map(|f| fields_of(&f)))
        .unwrap_or_default()
}

fn fields_of(f: &form::ApplicationForm) -> Draft {
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

#[derive(Deserialize, Default)]
struct EventData {
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    approval: Option<review::Approval>,
    #[serde(default)]
    reject_reason: Option<review::RejectReason>,
    #[serde(default)]
    disbursement: Option<review::Disbursement>,
}

/// Everything the page of application `id` shows to `who`.
#[instrument(skip(db, who))]
pub async fn view(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    today: NaiveDate,
) -> Result<ApplicationView, ServiceError> {
    let p = signed_in(who)?;
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let program = program_of(db, a.program_id, today).await?;
    let organisation = db::catalog::organisation_of(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let filing = db::assisted::filing(db, a.id).await?;
    let party = standing(p, &a, organisation, filing.as_ref())?;
    let assisted = match &filing {
        Some(f) => Some(AssistedView {
            staff_name: db::accounts::user(db, f.staff_user_id)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default(),
            method: f.consent_method.clone(),
            at: f.consented_at.with_timezone(&Utc),
        }),
        None => None,
    };
    let state = state_of(&a)?;
    let documents: Vec<DocumentView> = db::applications::documents(db, id)
        .await?
        .iter()
        .map(document_view)
        .collect();
    let required = program
        .required_documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let slot = i32::try_from(i).unwrap_or(i32::MAX);
            RequiredDocument {
                slot,
                ru: d.ru.clone(),
                kk: d.kk.clone(),
                attached: documents.iter().find(|x| x.slot == Some(slot)).cloned(),
            }
        })
        .collect();
    let mut events = Vec::new();
    let mut decision = review::Decision {
        due_on: a.info_due_on.filter(|_| state == State::InfoRequested),
        ..review::Decision::default()
    };
    for (e, name) in db::applications::events(db, id).await? {
        let data: EventData = serde_json::from_str(&e.data).unwrap_or_default();
        decision.approval = data.approval.or(decision.approval);
        decision.rejection = data.reject_reason.or(decision.rejection);
        decision.disbursement = data.disbursement.or(decision.disbursement);
        events.push(EventView {
            step: e.step.clone(),
            from: e.from_state.as_deref().and_then(State::parse),
            to: State::parse(&e.to_state).unwrap_or(State::Draft),
            actor_role: e.actor_role.clone(),
            // Staff act in a role; the applicant sees the organisation, not the person.
            actor_name: name.filter(|_| e.actor_user_id == Some(a.user_id)),
            reason: e.reason.clone(),
            items: data.items,
            at: e.at.with_timezone(&Utc),
        });
    }
    let open_request = if state == State::InfoRequested {
        events
            .iter()
            .rev()
            .find(|e| e.to == State::InfoRequested)
            .map(|e| e.items.clone())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let recommendation_asked = db::recommendations::request_of(db, id).await?.is_some();
    Ok(ApplicationView {
        summary: summary(&a, &program.slug, &program.title_ru, &program.title_kk),
        fields: draft_of(&a),
        limits: limits(&program),
        required,
        documents,
        events,
        open_request,
        estimate: decision_estimate(db, a.program_id).await?,
        mine: party == Some(Party::Applicant),
        operator: party == Some(Party::Operator),
        recommendations: super::recommendations::views_of(db, id).await?,
        recommendation_asked,
        assisted,
        decision,
        desk: if party == Some(Party::Operator) {
            super::review::desk(db, p, &a, today).await?.map(Box::new)
        } else {
            None
        },
        can_recommend: recommendation_asked
            && allow(
                Some(p),
                &Action::Recommend {
                    okrug: okrug_of(&a).as_ref(),
                },
            )
            .is_ok(),
    })
}

/// The expected time to a decision for programme `program_id`, from its latest decisions.
pub async fn decision_estimate(
    db: &DatabaseConnection,
    program_id: i32,
) -> Result<Option<crate::domain::application::Estimate>, ServiceError> {
    let mut by_application: BTreeMap<i32, Vec<Moment>> = BTreeMap::new();
    for (app, state, at) in
        db::applications::decision_history(db, program_id, ESTIMATE_WINDOW).await?
    {
        if let Some(to) = State::parse(&state) {
            by_application
                .entry(app)
                .or_default()
                .push(Moment { at, to });
        }
    }
    let times: Vec<_> = by_application
        .values()
        .filter_map(|m| decision_time(m))
        .collect();
    Ok(estimate(&times))
}

fn conflict(current: i32) -> ServiceError {
    FieldError::new("version", Problem::Conflict { current }).into()
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
    let data = serde_json::to_string(&merged).map_err(|e| ServiceError::Seed(e.to_string()))?;
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

fn step_name(step: Step) -> &'static str {
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

fn refused(e: StepError, state: State) -> ServiceError {
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
async fn repeat_or_conflict(
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

fn bounded(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
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
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = db::catalog::organisation_of(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let filing = db::assisted::filing(db, a.id).await?;
    let party = standing(p, &a, organisation, filing.as_ref())?
        .ok_or(ServiceError::Denied(Denied::Forbidden))?;
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
            let json =
                serde_json::to_string(&valid).map_err(|e| ServiceError::Seed(e.to_string()))?;
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
            serde_json::to_string(&serde_json::json!({ "approval": approval }))
                .map_err(|e| ServiceError::Seed(e.to_string()))?
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
            serde_json::to_string(&serde_json::json!({ "disbursement": paid }))
                .map_err(|e| ServiceError::Seed(e.to_string()))?
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
async fn over_budget(
    db: &DatabaseConnection,
    program_id: i32,
    area: &str,
    amount: i64,
) -> ServiceError {
    let envelopes = match super::review::envelopes(db, program_id).await {
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

async fn mail_applicant(
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

/// Stores `bytes` under `dir` by their SHA-256 (written to a temporary file, synced, then
/// renamed, so a crash never leaves a half file under the final name). Returns the name.
pub async fn store(dir: &Path, bytes: &[u8]) -> Result<String, ServiceError> {
    let name = hex(&Sha256::digest(bytes));
    let path = dir.join(&name);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(name);
    }
    let storage = |e: std::io::Error| ServiceError::Storage(e.to_string());
    tokio::fs::create_dir_all(dir).await.map_err(storage)?;
    let tmp = dir.join(format!(".{name}.{}", std::process::id()));
    let bytes = bytes.to_vec();
    let (tmp2, path2, dir2) = (tmp.clone(), path.clone(), dir.to_path_buf());
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp2)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp2, &path2)?;
        std::fs::File::open(&dir2)?.sync_all()
    })
    .await
    .map_err(|e| ServiceError::Storage(e.to_string()))?
    .map_err(storage)?;
    Ok(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Attaches a document to application `id`: by its applicant, to a draft or in answer to an
/// information request. `slot` names the required document it is (`None`: something else).
#[instrument(skip(db, who, bytes))]
#[expect(
    clippy::too_many_arguments,
    reason = "each is a separate input of the use case (where files go, who, which application and slot, the file)"
)]
pub async fn attach(
    db: &DatabaseConnection,
    uploads: &Path,
    who: Option<&Principal>,
    id: i32,
    slot: Option<i32>,
    file_name: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<DocumentView, ServiceError> {
    let p = signed_in(who)?;
    let (a, _, party) = access(db, p, id).await?;
    if party != Some(Party::Applicant) {
        return Err(ServiceError::NotFound);
    }
    let state = state_of(&a)?;
    if !matches!(state, State::Draft | State::InfoRequested) {
        return Err(FieldError::new("document", Problem::NotNow { state }).into());
    }
    if bytes.len() > form::MAX_DOCUMENT {
        return Err(FieldError::new(
            "document",
            Problem::FileTooLarge {
                max_mb: (form::MAX_DOCUMENT / (1024 * 1024)) as u64,
            },
        )
        .into());
    }
    let content_type =
        form::sniff(bytes).ok_or_else(|| FieldError::new("document", Problem::FileType))?;
    if let Some(s) = slot {
        let program = program_of(db, a.program_id, today).await?;
        if s < 0 || usize::try_from(s).is_ok_and(|s| s >= program.required_documents.len()) {
            return Err(FieldError::new(
                "slot",
                Problem::OutOfRange {
                    min: 0,
                    max: program.required_documents.len() as i64 - 1,
                },
            )
            .into());
        }
    }
    let sha = store(uploads, bytes).await?;
    let name = form::clean_file_name(file_name);
    let now = Utc::now();
    let doc = NewDocument {
        application_id: id,
        slot,
        file_name: &name,
        content_type,
        size: bytes.len() as i64,
        sha256: &sha,
        uploaded_by: p.user_id,
    };
    let txn = db::begin_write(db).await?;
    let doc_id = db::applications::insert_document(&txn, &doc, now).await?;
    txn.commit().await?;
    Ok(DocumentView {
        id: doc_id,
        slot,
        file_name: name,
        content_type: content_type.to_owned(),
        size: bytes.len() as i64,
        uploaded_at: now,
    })
}

/// Document `doc` of application `id` and where its bytes are, for someone allowed to read
/// the application; `NotFound` for anyone else.
pub async fn document(
    db: &DatabaseConnection,
    uploads: &Path,
    who: Option<&Principal>,
    id: i32,
    doc: i32,
) -> Result<(DocumentView, PathBuf), ServiceError> {
    let p = signed_in(who)?;
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = db::catalog::organisation_of(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let filing = db::assisted::filing(db, a.id).await?;
    standing(p, &a, organisation, filing.as_ref())?;
    let d = db::applications::document(db, id, doc)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // The stored name is a hex digest; anything else is not ours to serve.
    if d.sha256.len() != 64 || !d.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServiceError::NotFound);
    }
    Ok((document_view(&d), uploads.join(&d.sha256)))
}

#[cfg(test)]
mod tests;
