//! Appeals against a refusal: the applicant files one within the programme's period, the
//! akimat that recommended them may support it, and the operator's staff (never the reviewer
//! who refused) decide it. *Overturned* sends the application back to review, its history
//! kept; *upheld* keeps the refusal, with the reasons. The applicant hears of the outcome
//! through the message outbox.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, SqlErr};

use crate::domain::account::Principal;
use crate::domain::appeal::{self, AppealView, AppealsView, Outcome};
use crate::domain::application::{EventKind, Party, State};
use crate::domain::i18n::{Msg, tf};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::Denied;
use crate::domain::thread::MAX_FILES;
use crate::ssr::db;
use crate::ssr::db::applications::{Changes, NewEvent};
use crate::ssr::db::entities::{appeals, application_events, applications, programs};
use crate::ssr::db::messages::Urgency;
use crate::ssr::http::Upload;
use crate::ssr::mail::Mail;
use crate::ssr::services::applications::access::state_of;
use crate::ssr::services::applications::documents::Loose;
use crate::ssr::services::applications::{access, okrug_of};
use crate::ssr::services::{ServiceError, messages, signed_in};

/// The field every refusal to file names.
const REASONS: &str = "appeal_reasons";
/// The field of a decision's outcome.
const OUTCOME: &str = "appeal_outcome";

/// The day of refusal `e` in Kazakhstan (UTC+5 all year), never after `today` (which a test or
/// demo clock may hold back).
fn refused_on(e: &application_events::Model, today: NaiveDate) -> NaiveDate {
    std::cmp::min(
        (e.at.with_timezone(&Utc) + Duration::hours(5)).date_naive(),
        today,
    )
}

/// The last refusal of application `id`: its event.
async fn last_refusal(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<application_events::Model>, ServiceError> {
    Ok(db::applications::events(db, id)
        .await?
        .into_iter()
        .rev()
        .map(|(e, _)| e)
        .find(|e| EventKind::parse(&e.step) == Some(EventKind::Reject)))
}

/// The programme's period to appeal (`None`: the default).
async fn period(db: &DatabaseConnection, program_id: i32) -> Result<Option<i32>, ServiceError> {
    Ok(programs::Entity::find_by_id(program_id)
        .one(db)
        .await?
        .and_then(|p| p.appeal_days))
}

/// Whether the okrug's akimat recommended the applicant (its latest word).
async fn recommended(db: &DatabaseConnection, id: i32) -> Result<bool, ServiceError> {
    Ok(db::recommendations::versions(db, id)
        .await?
        .last()
        .is_some_and(|(r, _)| r.verdict == "recommend"))
}

/// The appeals of `a` as `p` sees them; `None` when there is nothing to show (no refusal
/// appealed, and nothing for the reader to do).
pub async fn view(
    db: &DatabaseConnection,
    p: &Principal,
    a: &applications::Model,
    organisation: i32,
    party: Option<Party>,
    today: NaiveDate,
) -> Result<Option<AppealsView>, ServiceError> {
    let rows = db::appeals::of_application(db, a.id).await?;
    let state = state_of(a)?;
    let mut out = AppealsView::default();
    if party == Some(Party::Applicant)
        && state == State::Rejected
        && let Some(refusal) = last_refusal(db, a.id).await?
        && !rows.iter().any(|r| r.refusal_event_id == refusal.id)
    {
        let last = appeal::last_day(refused_on(&refusal, today), period(db, a.program_id).await?);
        if today <= last {
            out.open_until = Some(last);
        } else {
            out.closed_on = Some(last);
        }
    }
    let supports = !rows.is_empty()
        && appeal::may_support(p, okrug_of(a).as_ref(), recommended(db, a.id).await?);
    out.appeals = rows
        .into_iter()
        .map(|r| {
            let open = r.outcome.is_none();
            AppealView {
                id: r.id,
                filed_at: r.filed_at.with_timezone(&Utc),
                files: db::appeals::files(&r),
                due_on: r.due_on,
                late: open && today > r.due_on,
                outcome: r.outcome.as_deref().and_then(Outcome::parse),
                decided_at: r.decided_at.map(|d| d.with_timezone(&Utc)),
                can_decide: open
                    && party == Some(Party::Operator)
                    && appeal::may_decide(p, organisation, r.refused_by).is_ok(),
                refused_by_me: r.refused_by == Some(p.user_id),
                can_support: open && supports,
                reasons: r.reasons,
                support: r.support,
                answer: r.answer,
            }
        })
        .collect();
    Ok(
        (!out.appeals.is_empty() || out.open_until.is_some() || out.closed_on.is_some())
            .then_some(out),
    )
}

/// Appends an event of the appeal to the application's history; its id.
async fn record(
    txn: &impl sea_orm::ConnectionTrait,
    a: &applications::Model,
    p: &Principal,
    (kind, appeal_id, reason): (EventKind, i32, Option<&str>),
    (from, to, version): (State, State, i32),
    now: DateTime<Utc>,
) -> Result<i32, ServiceError> {
    let data = serde_json::json!({ "appeal": appeal_id }).to_string();
    Ok(db::applications::append_event(
        txn,
        &NewEvent {
            application_id: a.id,
            version,
            kind,
            from: Some(from),
            to,
            actor: Some(p.user_id),
            role: p.role,
            reason,
            data: &data,
        },
        now,
    )
    .await?)
}

/// The applicant appeals the refusal of application `id`: `reasons` (field `appeal_reasons`)
/// and files (field `appeal_file`). Refused by name after the programme's period, with its
/// last day; a refusal is appealed once.
pub async fn file(
    db: &DatabaseConnection,
    uploads: &Path,
    who: Option<&Principal>,
    id: i32,
    reasons: Option<&str>,
    files: &[Upload],
    today: NaiveDate,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let (a, organisation, party) = access(db, p, id).await?;
    match party {
        Some(Party::Applicant) => {}
        Some(Party::Operator) => return Err(Denied::Forbidden.into()),
        None => return Err(ServiceError::NotFound),
    }
    let state = state_of(&a)?;
    let refusal = match last_refusal(db, id).await? {
        Some(r) if state == State::Rejected => r,
        _ => return Err(FieldError::new(REASONS, Problem::NotNow { state }).into()),
    };
    if db::appeals::of_application(db, id)
        .await?
        .iter()
        .any(|r| r.refusal_event_id == refusal.id)
    {
        return Err(FieldError::new(REASONS, Problem::NotNow { state }).into());
    }
    appeal::in_time(
        today,
        refused_on(&refusal, today),
        period(db, a.program_id).await?,
    )?;
    let reasons = appeal::text(REASONS, reasons)?;
    let files = Loose::store(uploads, files, "appeal_file", MAX_FILES).await?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let documents = files.record(&*txn, id, p.user_id, now).await?;
    let row = db::appeals::NewAppeal {
        application_id: id,
        organisation_id: organisation,
        refusal_event_id: refusal.id,
        refused_by: refusal.actor_user_id,
        filed_by: p.user_id,
        reasons: &reasons,
        files: &documents,
        due_on: appeal::due_on(today),
    };
    let appeal_id = match db::appeals::insert(&*txn, &row, now).await {
        Ok(id) => id,
        // The same appeal sent twice at once: the first one stands.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let event = record(
        &*txn,
        &a,
        p,
        (EventKind::Appeal, appeal_id, None),
        (State::Rejected, State::Rejected, a.version),
        now,
    )
    .await?;
    crate::ssr::services::webhooks::emit(
        &*txn,
        organisation,
        id,
        crate::domain::webhook::Event::AppealFiled,
        serde_json::json!({ "appeal_id": appeal_id, "due_on": appeal::due_on(today) }),
        now,
    )
    .await?;
    // The operator's staff who can decide it hear of it in the app.
    for u in db::applications::staff_of(&*txn, organisation).await? {
        if appeal::may_decide(
            &Principal {
                user_id: u.id,
                role: crate::domain::account::Role::parse(&u.role)
                    .unwrap_or(crate::domain::account::Role::Operator),
                scope: crate::domain::account::Scope::Organisation(organisation),
                display_name: String::new(),
            },
            organisation,
            refusal.actor_user_id,
        )
        .is_ok()
        {
            db::applications::notify(&*txn, u.id, a.program_id, id, event, now).await?;
        }
    }
    if let Some(okrug) = okrug_of(&a) {
        db::reports::touch(&*txn, &okrug).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The open appeal of application `id`.
async fn open_appeal(
    db: &DatabaseConnection,
    id: i32,
    field: &str,
    state: State,
) -> Result<appeals::Model, ServiceError> {
    db::appeals::of_application(db, id)
        .await?
        .into_iter()
        .find(|r| r.outcome.is_none())
        .ok_or_else(|| FieldError::new(field, Problem::NotNow { state }).into())
}

/// The operator's staff decide the open appeal of application `id`: `outcome` (field
/// `appeal_outcome`) with its reasons (field `appeal_answer`). The reviewer who refused may
/// not. Overturned, the application is back in review.
pub async fn decide(
    db: &DatabaseConnection,
    public_url: &str,
    who: Option<&Principal>,
    id: i32,
    outcome: Option<&str>,
    answer: Option<&str>,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let (a, organisation, party) = access(db, p, id).await?;
    if party.is_none() {
        return Err(ServiceError::NotFound);
    }
    // Its staff only, whether or not there is an appeal; then never the one who refused.
    appeal::may_decide(p, organisation, None)?;
    let state = state_of(&a)?;
    let open = open_appeal(db, id, OUTCOME, state).await?;
    appeal::may_decide(p, organisation, open.refused_by)?;
    let outcome = appeal::outcome(outcome)?;
    let answer = appeal::text("appeal_answer", answer)?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    if !db::appeals::decide(&*txn, open.id, outcome.as_str(), &answer, p.user_id, now).await? {
        txn.rollback().await?;
        return Err(FieldError::new(OUTCOME, Problem::NotNow { state }).into());
    }
    let (kind, to, version) = match outcome {
        Outcome::Upheld => (EventKind::AppealUpheld, State::Rejected, a.version),
        Outcome::Overturned => {
            // Back in review: no decision yet, and (unless the person has applied to the
            // programme again meanwhile) the one open application they may have to it.
            let reopen_key = db::applications::find_open(&*txn, a.user_id, a.program_id)
                .await?
                .is_none()
                .then(|| db::applications::open_key(a.user_id, a.program_id));
            let changes = Changes {
                reopen: true,
                reopen_key,
                ..Changes::default()
            };
            let moved = db::applications::transition(
                &*txn,
                id,
                a.version,
                State::Rejected.as_str(),
                State::InReview.as_str(),
                &changes,
                now,
            )
            .await?;
            if !moved {
                txn.rollback().await?;
                let current = db::applications::find(db, id)
                    .await?
                    .map_or(a.version, |x| x.version);
                return Err(FieldError::new("version", Problem::Conflict { current }).into());
            }
            // The refusal's letter no longer stands: `/verify` says so.
            db::records::supersede(&*txn, id, "rejected", now).await?;
            (EventKind::AppealOverturned, State::InReview, a.version + 1)
        }
    };
    let event = record(
        &*txn,
        &a,
        p,
        (kind, open.id, Some(&answer)),
        (State::Rejected, to, version),
        now,
    )
    .await?;
    db::applications::notify(&*txn, a.user_id, a.program_id, id, event, now).await?;
    if let Some(m) = notice(db, &a, outcome, &answer, public_url, now).await? {
        messages::enqueue(&*txn, m).await?;
    }
    if let Some(okrug) = okrug_of(&a) {
        db::reports::touch(&*txn, &okrug).await?;
    }
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// The akimat that recommended the applicant supports their open appeal (field
/// `appeal_support`); writing again replaces its words until the decision.
pub async fn support(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    text: Option<&str>,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let (a, _, _) = access(db, p, id).await?;
    let state = state_of(&a)?;
    if !appeal::may_support(p, okrug_of(&a).as_ref(), recommended(db, id).await?) {
        return Err(Denied::Forbidden.into());
    }
    let open = open_appeal(db, id, "appeal_support", state).await?;
    let text = appeal::text("appeal_support", text)?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    if !db::appeals::support(&*txn, open.id, &text, p.user_id, now).await? {
        txn.rollback().await?;
        return Err(FieldError::new("appeal_support", Problem::NotNow { state }).into());
    }
    record(
        &*txn,
        &a,
        p,
        (EventKind::AppealSupport, open.id, None),
        (state, state, a.version),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The applicant's notice of the outcome, by SMS or e-mail; `None` without an address.
async fn notice(
    db: &DatabaseConnection,
    a: &applications::Model,
    outcome: Outcome,
    answer: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<db::messages::NewMessage>, ServiceError> {
    let Some((address, lang)) = db::alerts::address_of(db, a.user_id).await? else {
        return Ok(None);
    };
    let id = a.id.to_string();
    let link = format!("{}/applications/{id}", public_url.trim_end_matches('/'));
    Ok(Some(messages::letter(
        messages::Letter {
            to: &address,
            lang,
            user_id: Some(a.user_id),
            application_id: Some(a.id),
            fallback_user_id: None,
            template: "appeal",
            params: messages::params(&[("id", &id), ("outcome", outcome.as_str())]),
            urgency: Urgency::Normal,
            secret: false,
        },
        || {
            Mail::in_language(
                &address,
                lang,
                |l| tf(l, Msg::ApMailSubject, &[("id", &id)]),
                |l| {
                    tf(
                        l,
                        Msg::ApMailBody,
                        &[
                            ("id", &id),
                            ("outcome", outcome.label(l)),
                            ("answer", answer),
                            ("link", &link),
                        ],
                    )
                },
            )
        },
        |l| messages::texts::appeal(l, &id, messages::site(public_url)),
        now,
    )))
}
