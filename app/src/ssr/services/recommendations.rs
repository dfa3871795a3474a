//! Akims' recommendations: the applicant asks (never a condition to apply), the akimat of
//! the applicant's okrug answers with a structured recommendation, and corrects it with new
//! versions. Each request and each version is an event on the application's timeline and a
//! notice to the applicant and the operator's staff.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::ServiceError;
use super::applications::access::{access, okrug_of, signed_in, state_of};
use crate::domain::account::Principal;
use crate::domain::application::{EventKind, Party, State};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::recommendation::{
    QueueItem, Reason, RecommendationInput, RecommendationView, Relationship, Verdict,
};
use crate::ssr::db;
use crate::ssr::db::applications::NewEvent;
use crate::ssr::db::entities::applications;
use crate::ssr::db::recommendations::NewVersion;

/// The most requests an akimat's queue shows at once.
const QUEUE_MAX: u64 = 500;

/// Appends a note to the timeline (no change of state) and tells `recipients`, in one
/// transaction with whatever the caller wrote in `txn`.
async fn note(
    txn: &sea_orm::DatabaseTransaction,
    a: &applications::Model,
    kind: EventKind,
    p: &Principal,
    data: &str,
    recipients: &[i32],
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let state = state_of(a)?;
    let event = db::applications::append_event(
        txn,
        &NewEvent {
            application_id: a.id,
            version: a.version,
            kind,
            from: Some(state),
            to: state,
            actor: Some(p.user_id),
            role: p.role,
            reason: None,
            data,
        },
        now,
    )
    .await?;
    for r in recipients {
        db::applications::notify(txn, *r, a.program_id, a.id, event, now).await?;
    }
    Ok(())
}

/// The applicant asks the akimat of their okrug to recommend application `id`. Possible once
/// it is submitted and before a decision; asking twice is one request.
#[instrument(skip(db, who))]
pub async fn request(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let (a, _, party) = access(db, p, id).await?;
    if party != Some(Party::Applicant) {
        return Err(ServiceError::Denied(Denied::Forbidden));
    }
    let state = state_of(&a)?;
    if !matches!(
        state,
        State::Submitted | State::InReview | State::InfoRequested
    ) {
        return Err(FieldError::new("step", Problem::NotNow { state }).into());
    }
    let okrug = okrug_of(&a).ok_or_else(|| FieldError::new("settlement", Problem::Required))?;
    let txn = db::begin_write(db).await?;
    if db::recommendations::request(&txn, id, okrug.as_str(), Utc::now()).await? {
        note(&txn, &a, EventKind::AskRecommendation, p, "{}", &[]).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The requests made to the akimat of the signed-in akim or staff member, oldest first.
pub async fn queue(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<QueueItem>, ServiceError> {
    let p = signed_in(who)?;
    let crate::domain::account::Scope::Okrug(okrug) = &p.scope else {
        return Err(ServiceError::Denied(Denied::Forbidden));
    };
    allow(Some(p), &Action::Recommend { okrug: Some(okrug) })?;
    let mut items = Vec::new();
    for r in db::recommendations::requests_in(db, okrug.as_str(), QUEUE_MAX).await? {
        let Some(a) = db::applications::find(db, r.application_id).await? else {
            continue;
        };
        let latest = db::recommendations::versions(db, a.id)
            .await?
            .last()
            .and_then(|(v, _)| Verdict::parse(&v.verdict));
        let (ru, kk) = db::catalog::titles_of(db, a.program_id)
            .await?
            .unwrap_or_default();
        items.push(QueueItem {
            application_id: a.id,
            program_title_ru: ru,
            program_title_kk: kk,
            state: state_of(&a)?,
            amount_kzt: a.amount_kzt,
            requested_at: r.created_at.with_timezone(&Utc),
            latest,
        });
    }
    Ok(items)
}

/// The akimat gives (or corrects) its recommendation `input` of application `id` (read from
/// the form at its door: [`crate::domain::recommendation::parse`]). Only for a requested application, by the
/// akimat of its okrug; each call is a new version. Returns the version's number.
#[instrument(skip(db, who, input))]
pub async fn recommend(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    input: &RecommendationInput,
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let okrug = okrug_of(&a);
    if allow(
        Some(p),
        &Action::Recommend {
            okrug: okrug.as_ref(),
        },
    )
    .is_err()
    {
        // The application is not this akimat's to speak of: not found, as for reading.
        return Err(ServiceError::NotFound);
    }
    let (Some(okrug), Some(_)) = (okrug, db::recommendations::request_of(db, id).await?) else {
        return Err(FieldError::new("application", Problem::NotAccepted).into());
    };
    let organisation = db::catalog::organisation_of(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reasons: Vec<&str> = input.reasons.iter().map(|r| r.as_str()).collect();
    let reasons = serde_json::to_string(&reasons)?;
    let data = serde_json::to_string(input)?;
    // Two akimat members correcting at once: the unique (application, version) key makes
    // the second take the next number; nothing is overwritten.
    for _ in 0..5 {
        let version = db::recommendations::versions(db, id)
            .await?
            .last()
            .map_or(1, |(v, _)| v.version + 1);
        let txn = db::begin_write(db).await?;
        let inserted = db::recommendations::insert(
            &txn,
            &NewVersion {
                application_id: id,
                version,
                author: p.user_id,
                role: p.role.as_str(),
                okrug: okrug.as_str(),
                verdict: input.verdict.as_str(),
                reasons: &reasons,
                text: input.text.as_deref(),
                relationship: input.relationship.as_str(),
                relationship_note: input.relationship_note.as_deref(),
            },
            Utc::now(),
        )
        .await?;
        if !inserted {
            txn.rollback().await?;
            continue;
        }
        let mut recipients = vec![a.user_id];
        recipients.extend(
            db::applications::staff_of(&txn, organisation)
                .await?
                .iter()
                .map(|u| u.id),
        );
        note(&txn, &a, EventKind::Recommend, p, &data, &recipients).await?;
        db::reports::touch(&txn, &okrug).await?;
        txn.commit().await?;
        return Ok(version);
    }
    Err(FieldError::new("version", Problem::Conflict { current: a.version }).into())
}

/// Every version of application `id`'s recommendation, for anyone who may read it.
pub async fn of_application(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<Vec<RecommendationView>, ServiceError> {
    let p = signed_in(who)?;
    access(db, p, id).await?;
    views_of(db, id).await
}

/// Every version of application `id`'s recommendation (the caller has checked access).
pub(crate) async fn views_of(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Vec<RecommendationView>, ServiceError> {
    Ok(db::recommendations::versions(db, id)
        .await?
        .into_iter()
        .filter_map(|(r, author)| {
            let reasons: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
            Some(RecommendationView {
                version: r.version,
                input: RecommendationInput {
                    verdict: Verdict::parse(&r.verdict)?,
                    reasons: reasons.iter().filter_map(|c| Reason::parse(c)).collect(),
                    text: r.text,
                    relationship: Relationship::parse(&r.relationship)?,
                    relationship_note: r.relationship_note,
                },
                author,
                author_role: r.author_role,
                at: r.created_at.with_timezone(&Utc),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests;
