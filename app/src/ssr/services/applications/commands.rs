//! The use cases that change an application: open, save the draft, and every step of the state
//! machine (authorize, apply, persist in one transaction with its event, then notify).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::access::{
    access, approval_limits, conflict, limits, program_of, signed_in, state_of, takes_applications,
};
use crate::domain::account::Principal;
pub use crate::domain::application::command::StepInput;
use crate::domain::application::command::{EventData, InfoRequest, StepCommand, StepContext};
use crate::domain::application::form::{self, Draft, SaveDraft, field};
use crate::domain::application::{EventKind, Party, State, Step, StepError};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::program::ProgramView;
use crate::domain::record::Kind;
use crate::domain::review::{self, ApprovalLimits};
use crate::domain::webhook::Event;
use crate::ssr::db;
use crate::ssr::db::applications::{Changes, NewEvent};
use crate::ssr::db::entities::applications;
use crate::ssr::db::messages::{NewMessage, Urgency};
use crate::ssr::mail::Mail;
use crate::ssr::services::ServiceError;
use crate::ssr::services::messages;

/// Where the messages a use case writes link to.
pub struct Notifier<'a> {
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
            kind: EventKind::Create,
            from: None,
            to: State::Draft,
            actor: Some(p.user_id),
            role: p.role,
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
#[instrument(skip(db, who, draft))]
pub async fn save_draft(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    seen: i32,
    draft: &SaveDraft,
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    let draft = &draft.0;
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
                    kind: EventKind::AssistEdit,
                    from: Some(State::Draft),
                    to: State::Draft,
                    actor: Some(p.user_id),
                    role: p.role,
                    reason: None,
                    data: &EventData::AssistedEdit { items }.to_json()?,
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
    if state_of(&now).ok() == Some(State::Draft) && draft_of(&now) == merged {
        Ok(now.version)
    } else {
        Err(conflict(now.version))
    }
}

/// Parses a step's name as forms and the API send it.
pub fn parse_step(s: &str) -> Option<Step> {
    Step::ALL
        .into_iter()
        .find(|st| EventKind::from(*st).as_str() == s)
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
            EventKind::parse(&e.step) == Some(EventKind::from(step))
                && e.actor_user_id == Some(actor)
                && (step == Step::Submit || e.version == seen + 1)
        });
    if repeat {
        Ok(current)
    } else {
        Err(conflict(current))
    }
}

/// Who takes a step on which application: allowed, and the state it goes to.
struct Grant<'a> {
    p: &'a Principal,
    a: applications::Model,
    organisation: i32,
    party: Party,
    from: State,
    to: State,
    seen: i32,
    step: Step,
}

/// A step ready to be written: what it carries, the columns it changes and its event.
struct Applied {
    reason: Option<String>,
    changes: Changes,
    data: EventData,
}

/// Makes `step` on application `id` at version `seen`, as `who`: authorize, apply, persist (the
/// state, the money, the event and the in-app notices in one transaction), then notify by
/// e-mail. Repeating a step that was just made from the same version (a double click, a
/// retried request) succeeds without making it twice. Returns the new version.
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
    let grant = match authorize(db, p, id, seen, step).await? {
        Ok(grant) => grant,
        Err(version) => return Ok(version),
    };
    let applied = apply(db, &grant, input, today).await?;
    let now = Utc::now();
    let for_resident = grant.party == Party::Applicant && p.user_id != grant.a.user_id;
    // The applicant hears of what the operator did (and of what the akimat did for them); the
    // message is written with the step, so it exists exactly when the step does.
    let message = if grant.party == Party::Operator || for_resident {
        let reason = applied.reason.as_deref();
        applicant_message(db, notifier, &grant.a, grant.to, reason, today, now).await?
    } else {
        None
    };
    if let Err(current) = persist(db, &grant, &applied, message, now).await? {
        return repeat_or_conflict(db, id, seen, step, p.user_id, current).await;
    }
    messages::wake();
    Ok(seen + 1)
}

/// Whether `p` may take `step` on application `id` now: the grant, or (as `Err`) the version
/// to answer with when the step was already made by this very request's twin.
async fn authorize<'a>(
    db: &DatabaseConnection,
    p: &'a Principal,
    id: i32,
    seen: i32,
    step: Step,
) -> Result<Result<Grant<'a>, i32>, ServiceError> {
    let (a, organisation, party) = access(db, p, id).await?;
    let party = party.ok_or(ServiceError::Denied(Denied::Forbidden))?;
    let from = state_of(&a)?;
    if a.version != seen {
        return repeat_or_conflict(db, id, seen, step, p.user_id, a.version)
            .await
            .map(Err);
    }
    let to = crate::domain::application::next(from, step, party).map_err(|e| refused(e, from))?;
    Ok(Ok(Grant {
        p,
        a,
        organisation,
        party,
        from,
        to,
        seen,
        step,
    }))
}

/// What reading a step's input needs: the programme's approval limits (approvals only) and
/// the approved amount and day (payments).
async fn context(
    db: &DatabaseConnection,
    g: &Grant<'_>,
    today: NaiveDate,
) -> Result<StepContext, ServiceError> {
    let approval = if g.step == Step::Approve {
        approval_limits(db, g.a.program_id, today).await?
    } else {
        ApprovalLimits::default()
    };
    // The approval's day in Kazakhstan (UTC+5), never after `today` (which a test or demo clock
    // may hold back).
    let approved_on =
        g.a.decided_at
            .map(|d| (d.with_timezone(&Utc) + chrono::Duration::hours(5)).date_naive())
            .map(|d| std::cmp::min(d, today));
    Ok(StepContext {
        today,
        approval,
        approved_kzt: g.a.approved_kzt.or(g.a.amount_kzt).unwrap_or(0),
        approved_on,
    })
}

/// Reads the step's input into its command and works out what it changes.
async fn apply(
    db: &DatabaseConnection,
    g: &Grant<'_>,
    input: &StepInput,
    today: NaiveDate,
) -> Result<Applied, ServiceError> {
    let ctx = context(db, g, today).await?;
    let (command, reason) = StepCommand::read(g.step, input, &ctx)?;
    let mut changes = Changes {
        decided: matches!(g.to, State::Approved | State::Rejected),
        close: g.to.is_final(),
        ..Changes::default()
    };
    let data = match command {
        StepCommand::Submit => {
            let program = program_of(db, g.a.program_id, today).await?;
            if !takes_applications(&program, today) {
                return Err(FieldError::new("program", Problem::ProgramClosed).into());
            }
            // Decisions about it go to the applicant's phone: it must be theirs.
            crate::ssr::services::phones::require_verified(db, g.a.user_id).await?;
            let valid = form::validate(&draft_of(&g.a), &limits(&program))?;
            let profile = db::profiles::find(db, g.a.user_id).await?;
            changes.amount_kzt = Some(valid.amount_kzt);
            changes.settlement = profile
                .and_then(|pr| pr.settlement)
                .map(|c| c.as_str().to_owned())
                .or(g.a.settlement_code.clone());
            changes.submitted = true;
            changes.data = Some(serde_json::to_string(&valid)?);
            EventData::Submitted(valid)
        }
        StepCommand::RequestInfo(InfoRequest { items, due_on }) => {
            changes.info_due_on = Some(due_on);
            EventData::InfoRequested { items, due_on }
        }
        StepCommand::Answer(answer) => EventData::Answered {
            answer,
            documents: answered_documents(db, g.a.id).await?,
        },
        StepCommand::Reject(rejection) => EventData::Rejected {
            reject_reason: rejection.reason,
        },
        StepCommand::Approve(approval) => {
            changes.approved_kzt = Some(approval.amount_kzt);
            EventData::Approved { approval }
        }
        StepCommand::Disburse(disbursement) => {
            changes.disbursed_kzt = Some(disbursement.amount_kzt);
            EventData::Disbursed { disbursement }
        }
        StepCommand::StartReview | StepCommand::Withdraw => EventData::Nothing {},
    };
    Ok(Applied {
        reason,
        changes,
        data,
    })
}

/// The files sent since the last information request: they go with the answer.
async fn answered_documents(db: &DatabaseConnection, id: i32) -> Result<Vec<i32>, ServiceError> {
    let asked_at = db::applications::events(db, id)
        .await?
        .iter()
        .rev()
        .find(|(e, _)| State::parse(&e.to_state) == Some(State::InfoRequested))
        .map(|(e, _)| e.at);
    Ok(db::applications::documents(db, id)
        .await?
        .iter()
        .filter(|d| asked_at.is_some_and(|at| d.created_at >= at))
        .map(|d| d.id)
        .collect())
}

/// Writes the step in one transaction: the state, the money, the event, the in-app notices and
/// the okrug's figures. `Ok(Err(current))` when another change won the race.
async fn persist(
    db: &DatabaseConnection,
    g: &Grant<'_>,
    applied: &Applied,
    message: Option<NewMessage>,
    now: DateTime<Utc>,
) -> Result<Result<(), i32>, ServiceError> {
    let (a, changes) = (&g.a, &applied.changes);
    let txn = db::begin_write(db).await?;
    let (from, to) = (g.from.as_str(), g.to.as_str());
    if !db::applications::transition(&txn, a.id, g.seen, from, to, changes, now).await? {
        txn.rollback().await?;
        let current = db::applications::find(db, a.id)
            .await?
            .map_or(g.seen + 1, |a| a.version);
        return Ok(Err(current));
    }
    if let Err(e) = move_money(&txn, a, changes, now).await? {
        txn.rollback().await?;
        return Err(over_budget(db, a.program_id, &e.0, e.1).await);
    }
    let event = db::applications::append_event(
        &txn,
        &NewEvent {
            application_id: a.id,
            version: g.seen + 1,
            kind: EventKind::from(g.step),
            from: Some(g.from),
            to: g.to,
            actor: Some(g.p.user_id),
            role: g.p.role,
            reason: applied.reason.as_deref(),
            data: &applied.data.to_json()?,
        },
        now,
    )
    .await?;
    // The document of record of the step, issued with it: a receipt or a decision letter.
    let record = match g.step {
        Step::Submit => Some((Kind::Receipt, changes.amount_kzt)),
        Step::Approve => Some((Kind::Approved, changes.approved_kzt)),
        Step::Reject => Some((Kind::Rejected, None)),
        Step::Disburse => Some((Kind::Disbursed, changes.disbursed_kzt)),
        _ => None,
    };
    if let Some((kind, amount)) = record {
        let issue = crate::ssr::services::records::Issue {
            application_id: a.id,
            program_id: a.program_id,
            user_id: a.user_id,
            kind,
            amount_kzt: amount,
        };
        crate::ssr::services::records::issue(&*txn, &issue, now).await?;
    }
    // The organisation's systems hear of it (webhooks), written with the step.
    let hook = match &applied.data {
        EventData::Submitted(_) => Some((
            Event::Submitted,
            serde_json::json!({ "state": "submitted", "program_id": a.program_id, "amount_kzt": changes.amount_kzt }),
        )),
        EventData::Approved { approval } => Some((
            Event::Decided,
            serde_json::json!({ "decision": "approved", "amount_kzt": approval.amount_kzt }),
        )),
        EventData::Rejected { reject_reason } => Some((
            Event::Decided,
            serde_json::json!({ "decision": "rejected", "reason": reject_reason }),
        )),
        EventData::Disbursed { disbursement } => Some((
            Event::Paid,
            serde_json::json!({ "amount_kzt": disbursement.amount_kzt, "paid_on": disbursement.date }),
        )),
        _ => None,
    };
    if let Some((event, data)) = hook {
        crate::ssr::services::webhooks::emit(&*txn, g.organisation, a.id, event, data, now).await?;
    }
    // A loan's schedule is made with its payment, from the approved terms.
    if let EventData::Disbursed { disbursement } = &applied.data {
        crate::ssr::services::loans::on_disbursed(&*txn, a, g.organisation, disbursement, now)
            .await?;
    }
    for r in &recipients(&txn, g).await? {
        db::applications::notify(&txn, *r, a.program_id, a.id, event, now).await?;
    }
    if let Some(message) = message {
        messages::enqueue(&txn, message).await?;
    }
    // The okrug's public figures change with the step (drafts are not counted).
    let counted = g.from != State::Draft || g.step == Step::Submit;
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
    Ok(Ok(()))
}

/// The money of a step: an approval is charged to the programme's envelope (and its region's)
/// in the same transaction, or nothing happens; a payment is added to what was paid.
/// `Ok(Err((area, amount)))` when an envelope cannot take the approval.
async fn move_money(
    txn: &sea_orm::DatabaseTransaction,
    a: &applications::Model,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Result<(), (String, i64)>, ServiceError> {
    let region = db::reviews::region_of(a.settlement_code.as_deref());
    let mut areas = vec![review::WHOLE];
    areas.extend(region.as_deref());
    // Always in the same order, so that two approvals lock envelopes alike.
    areas.sort_unstable();
    if let Some(amount) = changes.approved_kzt {
        for area in &areas {
            let exists = db::reviews::envelopes(txn, a.program_id)
                .await?
                .iter()
                .any(|e| e.area == *area);
            if exists && !db::reviews::charge(txn, a.program_id, area, amount, now).await? {
                return Ok(Err(((*area).to_owned(), amount)));
            }
        }
    }
    if let Some(amount) = changes.disbursed_kzt {
        for area in &areas {
            db::reviews::record_paid(txn, a.program_id, area, amount, now).await?;
        }
    }
    Ok(Ok(()))
}

/// The akimat staff of the okrug asked to recommend application `id`.
async fn recommended_akimat(
    txn: &sea_orm::DatabaseTransaction,
    id: i32,
) -> Result<Vec<i32>, ServiceError> {
    let Some(request) = db::recommendations::request_of(txn, id).await? else {
        return Ok(Vec::new());
    };
    Ok(db::applications::akimat_of(txn, &request.okrug_code)
        .await?
        .iter()
        .map(|u| u.id)
        .collect())
}

/// Whom a step concerns: the applicant of what the operator did, the operator's staff of what
/// the applicant did, the resident of every step staff made in their name, and the akimat
/// asked to recommend of an information request (so that it can help the villager answer).
async fn recipients(
    txn: &sea_orm::DatabaseTransaction,
    g: &Grant<'_>,
) -> Result<Vec<i32>, ServiceError> {
    let mut recipients: Vec<i32> = match (g.party, g.step) {
        (Party::Operator, _) => vec![g.a.user_id],
        // A withdrawn draft concerns nobody else.
        (Party::Applicant, Step::Withdraw) if g.from == State::Draft => Vec::new(),
        (Party::Applicant, Step::Submit | Step::Answer | Step::Withdraw) => {
            db::applications::staff_of(txn, g.organisation)
                .await?
                .iter()
                .map(|u| u.id)
                .collect()
        }
        (Party::Applicant, _) => Vec::new(),
    };
    if g.party == Party::Applicant && g.p.user_id != g.a.user_id {
        recipients.push(g.a.user_id);
    }
    if g.step == Step::RequestInfo {
        recipients.extend(recommended_akimat(txn, g.a.id).await?);
    }
    Ok(recipients)
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

/// The message that tells the applicant of application `a` that it is now in state `to`: by
/// e-mail or SMS, whichever their login is; `None` when they have neither. For a resident filed
/// for by an akimat, the staff member who filed is told if it cannot be delivered.
pub(super) async fn applicant_message(
    db: &DatabaseConnection,
    notifier: &Notifier<'_>,
    a: &applications::Model,
    to: State,
    reason: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<NewMessage>, ServiceError> {
    let Some((address, lang)) = db::alerts::address_of(db, a.user_id).await? else {
        return Ok(None);
    };
    let program = program_of(db, a.program_id, today).await?;
    let filed_by = db::assisted::filing(db, a.id)
        .await?
        .map(|f| f.staff_user_id);
    let id = a.id.to_string();
    let urgency = match to {
        State::InfoRequested | State::Approved | State::Rejected | State::Disbursed => {
            Urgency::Urgent
        }
        _ => Urgency::Normal,
    };
    Ok(Some(messages::letter(
        messages::Letter {
            to: &address,
            lang,
            user_id: Some(a.user_id),
            application_id: Some(a.id),
            fallback_user_id: filed_by,
            template: "transition",
            params: messages::params(&[("id", &id), ("state", to.as_str())]),
            urgency,
            secret: false,
        },
        || {
            transition_mail(
                &address,
                lang,
                notifier.public_url,
                a.id,
                &program,
                to,
                reason,
            )
        },
        |lang| {
            messages::texts::transition(
                lang,
                &id,
                to.label(lang),
                messages::site(notifier.public_url),
            )
        },
        now,
    )))
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
