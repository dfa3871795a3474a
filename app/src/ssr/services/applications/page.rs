//! What one application's page shows, and the applicant's list. Nothing else depends on it.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing::instrument;

use super::access::{limits, okrug_of, party_of, program_of, signed_in, state_of};
use super::commands::draft_of;
use super::documents::document_view;
use crate::domain::account::Principal;
use crate::domain::account::Role;
use crate::domain::application::form::{
    ApplicationSummary, ApplicationView, AssistedView, DocumentView, EventView, RequiredDocument,
};
use crate::domain::application::{EventKind, Moment, Party, State, decision_time, estimate};
use crate::domain::policy::{Action, allow};
use crate::domain::review::{self};
use crate::ssr::db;
use crate::ssr::db::entities::applications;
use crate::ssr::services::{ServiceError, threads};

/// The most past decisions the estimate reads (the latest ones).
pub(super) const ESTIMATE_WINDOW: u64 = 500;

pub(super) fn summary(
    a: &applications::Model,
    slug: &str,
    ru: &str,
    kk: &str,
) -> ApplicationSummary {
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

#[derive(Deserialize, Default)]
pub(super) struct EventData {
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    approval: Option<review::Approval>,
    #[serde(default)]
    reject_reason: Option<review::RejectReason>,
    #[serde(default)]
    disbursement: Option<review::Disbursement>,
}

/// A paid application's loan and its reports after the payment (nothing before the payment).
async fn after_money(
    db: &DatabaseConnection,
    p: &Principal,
    a: &applications::Model,
    party: Option<Party>,
    state: State,
    today: NaiveDate,
) -> Result<
    (
        Option<crate::domain::portfolio::LoanView>,
        Option<crate::domain::followup::FollowupView>,
    ),
    ServiceError,
> {
    if state != State::Disbursed {
        return Ok((None, None));
    }
    Ok((
        crate::ssr::services::loans::loan_view(db, a.id, today).await?,
        crate::ssr::services::followups::view(db, p, a, party, today).await?,
    ))
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
    let party = party_of(p, &a, organisation, filing.as_ref())?;
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
            // Stored by this code, so always known; an unknown one reads as the opening.
            step: EventKind::parse(&e.step).unwrap_or(EventKind::Create),
            from: e.from_state.as_deref().and_then(State::parse),
            to: State::parse(&e.to_state).unwrap_or(State::Draft),
            actor_role: Role::parse(&e.actor_role),
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
    let (loan, followup) = after_money(db, p, &a, party, state, today).await?;
    let thread = threads::seen(db, p, &a, party, recommendation_asked).await?;
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
        recommendations: crate::ssr::services::recommendations::views_of(db, id).await?,
        recommendation_asked,
        assisted,
        decision,
        desk: if party == Some(Party::Operator) {
            crate::ssr::services::review::desk(db, p, &a, today)
                .await?
                .map(Box::new)
        } else {
            None
        },
        loan,
        followup,
        thread,
        records: crate::ssr::services::records::of_application(db, id).await?,
        appeals: crate::ssr::services::appeals::view(db, p, &a, organisation, party, today).await?,
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
