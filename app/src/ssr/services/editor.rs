//! The operator's programme editor: its organisation's programmes, creating and editing one
//! (every catalogue field, criteria, documents, rubric, budget, intake window), publishing,
//! pausing and closing. Each change is one transaction: the programme, its search-outbox row,
//! its review settings and budget envelopes, and a version recording who changed what.
//! The live preview counts the registered profiles the criteria would admit.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tracing::instrument;

use super::ServiceError;
use super::indexer::Wake;
use crate::domain::account::{Principal, Role, Scope};
use crate::domain::catalog::ProgramStatus;
use crate::domain::criteria::Criterion;
use crate::domain::editor::command::EditProgramme;
use crate::domain::editor::{EditorView, Preview, Programme, ProgrammeLine, VersionView};
use crate::domain::eligibility::{Context, Outcome, assess};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::program::Slug;
use crate::domain::review::WHOLE;
use crate::ssr::db;

/// The organisation `who` edits for, and its slug.
async fn organisation(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<(i32, Slug), ServiceError> {
    let p = who.ok_or(ServiceError::Denied(Denied::SignInRequired))?;
    let Scope::Organisation(org) = p.scope else {
        return Err(ServiceError::Denied(Denied::Forbidden));
    };
    allow(Some(p), &Action::ManageProgramme { organisation: org })?;
    let slug = db::catalog::organisation_ids(db)
        .await?
        .into_iter()
        .find(|(_, id)| *id == org)
        .and_then(|(s, _)| Slug::parse(&s))
        .ok_or(ServiceError::NotFound)?;
    Ok((org, slug))
}

/// The programme at `slug` if `who` may edit it: its id and the input that stores it.
async fn editable(
    db: &impl sea_orm::ConnectionTrait,
    who: Option<&Principal>,
    slug: &str,
) -> Result<(i32, crate::domain::program::ProgramInput), ServiceError> {
    let p = who.ok_or(ServiceError::Denied(Denied::SignInRequired))?;
    let (id, _) = db::catalog::find_by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = db::catalog::organisation_of(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Another operator's programme is not theirs to know about here.
    allow(Some(p), &Action::ManageProgramme { organisation })
        .map_err(|_| ServiceError::NotFound)?;
    let input = db::catalog::program_input(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((id, input))
}

/// The programme as the editor keeps it, read from the database.
async fn stored(
    db: &impl sea_orm::ConnectionTrait,
    id: i32,
    input: crate::domain::program::ProgramInput,
) -> Result<Programme, ServiceError> {
    let row = db::catalog::program_model(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let budget: BTreeMap<String, i64> = db::reviews::envelopes(db, id)
        .await?
        .into_iter()
        .map(|e| (e.area, e.total_kzt))
        .collect();
    Ok(Programme {
        input,
        rubric: super::review::rubric_of(&row.rubric, id),
        target_days: row.target_days,
        appeal_days: row.appeal_days,
        budget,
    })
}

/// The organisation's programmes, by title.
pub async fn programmes(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<ProgrammeLine>, ServiceError> {
    let (org, _) = organisation(db, who).await?;
    let mut out = Vec::new();
    for (id, slug, ru, kk, _) in db::reviews::programs_of(db, org).await? {
        let status = db::catalog::find_by_slug(db, &slug)
            .await?
            .and_then(|(_, s)| ProgramStatus::parse(&s))
            .unwrap_or(ProgramStatus::Draft);
        let budget = super::review::envelopes(db, id)
            .await?
            .into_iter()
            .find(|e| e.area == WHOLE);
        out.push(ProgrammeLine {
            slug,
            title_ru: ru,
            title_kk: kk,
            status,
            budget,
        });
    }
    Ok(out)
}

/// What the editor shows for the programme at `slug` (`None`: a new one).
pub async fn editor(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    slug: Option<&str>,
) -> Result<EditorView, ServiceError> {
    let regions = db::locations::regions(db)
        .await?
        .into_iter()
        .map(|r| (r.code, r.name_ru))
        .collect();
    let Some(slug) = slug else {
        organisation(db, who).await?;
        return Ok(EditorView {
            programme: None,
            envelopes: Vec::new(),
            versions: Vec::new(),
            regions,
            followups: None,
        });
    };
    let (id, input) = editable(db, who, slug).await?;
    let programme = stored(db, id, input).await?;
    let rows = db::catalog::versions(db, id).await?;
    let mut versions = Vec::new();
    let mut before: Option<Programme> = None;
    for (v, author) in rows {
        let data: Option<Programme> = serde_json::from_str(&v.data).ok();
        let fields = match (&data, &before) {
            (Some(now), Some(then)) => now.changed_fields(then),
            _ => Vec::new(),
        };
        versions.push(VersionView {
            version: v.version,
            change: v.change.clone(),
            author,
            at: v.created_at.with_timezone(&Utc),
            fields,
        });
        before = data;
    }
    versions.reverse();
    Ok(EditorView {
        programme: Some(programme),
        envelopes: super::review::envelopes(db, id).await?,
        versions,
        regions,
        followups: Some(super::followups::requirements(db, id).await?),
    })
}

/// Stores the budget envelopes of `programme`: new totals set, envelopes removed from the form
/// deleted, and none set below what has been approved from it.
async fn save_budget(
    txn: &DatabaseTransaction,
    id: i32,
    budget: &BTreeMap<String, i64>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    for e in db::reviews::envelopes(txn, id).await? {
        let field = if e.area == WHOLE {
            "budget_total"
        } else {
            "budget"
        };
        match budget.get(&e.area) {
            Some(total) if *total >= e.approved_kzt => {}
            _ if e.approved_kzt == 0 => {}
            _ => {
                return Err(FieldError::new(
                    field,
                    Problem::BelowApproved {
                        approved_kzt: e.approved_kzt,
                    },
                )
                .into());
            }
        }
        if !budget.contains_key(&e.area) {
            db::reviews::delete_envelope(txn, id, &e.area).await?;
        }
    }
    for (area, total) in budget {
        db::reviews::set_envelope(txn, id, area, *total, now).await?;
    }
    Ok(())
}

async fn record(
    txn: &DatabaseTransaction,
    id: i32,
    change: &str,
    programme: &Programme,
    user: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let data = serde_json::to_string(programme)?;
    db::catalog::add_version(txn, id, change, &data, user, now).await?;
    Ok(())
}

/// Creates (`slug` = `None`) or edits a programme as the editor's form says; returns its slug.
/// The caller is found allowed before anything of the form is said to be wrong.
#[instrument(skip(db, wake, who, edit))]
pub async fn save(
    db: &DatabaseConnection,
    wake: &Wake,
    who: Option<&Principal>,
    slug: Option<&str>,
    edit: &EditProgramme,
) -> Result<String, ServiceError> {
    let user = who.map_or(0, |p| p.user_id);
    let now = Utc::now();
    // A new programme belongs to the editor's organisation (read before the transaction: SQLite
    // in memory has one connection).
    let new_for = match slug {
        Some(_) => None,
        None => Some(organisation(db, who).await?.1),
    };
    let txn = db::begin_write(db).await?;
    let (id, programme, change) = match slug {
        Some(slug) => {
            let (id, base) = editable(&txn, who, slug).await?;
            let org = base.organisation.clone();
            let programme = edit.programme(&org, Some(&base), base.status)?;
            let id_after = super::programs::update_in(&txn, slug, &programme.input).await?;
            debug_assert_eq!(id, id_after);
            (id, programme, "edit")
        }
        None => {
            let org = new_for.ok_or(ServiceError::NotFound)?;
            let programme = edit.programme(&org, None, ProgramStatus::Draft)?;
            let id = super::programs::create_in(&txn, &programme.input).await?;
            (id, programme, "create")
        }
    };
    let rubric = serde_json::to_string(&programme.rubric)?;
    db::catalog::set_review_settings(
        &txn,
        id,
        &rubric,
        programme.target_days,
        programme.appeal_days,
    )
    .await?;
    save_budget(&txn, id, &programme.budget, now).await?;
    record(&txn, id, change, &programme, user, now).await?;
    txn.commit().await?;
    wake.wake();
    Ok(programme.input.slug.as_str().to_owned())
}

/// Publishes (`open`), pauses or closes the programme at `slug`.
#[instrument(skip(db, wake, who))]
pub async fn set_status(
    db: &DatabaseConnection,
    wake: &Wake,
    who: Option<&Principal>,
    slug: &str,
    status: &str,
) -> Result<(), ServiceError> {
    let user = who.map_or(0, |p| p.user_id);
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let (id, mut input) = editable(&txn, who, slug).await?;
    let status = ProgramStatus::parse(status)
        .filter(|s| *s != ProgramStatus::Draft)
        .ok_or_else(|| FieldError::new("status", Problem::UnknownChoice(status.to_owned())))?;
    if input.status == status {
        return Ok(());
    }
    input.status = status;
    db::catalog::set_status(&txn, id, status).await?;
    db::outbox::enqueue(&txn, id, db::outbox::Op::Upsert).await?;
    let programme = stored(&txn, id, input).await?;
    record(&txn, id, status.as_str(), &programme, user, now).await?;
    txn.commit().await?;
    wake.wake();
    Ok(())
}

/// How many registered profiles `criteria` (the editor's, read from its form with
/// [`crate::domain::editor::parse_criteria`], or a stored programme's) admit on `today`:
/// eligible (every criterion met) and possibly (none unmet, some fact missing).
pub async fn preview(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    criteria: &[Criterion],
    today: NaiveDate,
) -> Result<Preview, ServiceError> {
    // Operators' staff and admins: a count, no one's data.
    let p = who.ok_or(ServiceError::Denied(Denied::SignInRequired))?;
    if !matches!(p.role, Role::Operator | Role::OrgAdmin | Role::Admin) {
        return Err(ServiceError::Denied(Denied::Forbidden));
    }
    let ctx = &Context {
        today,
        mci: db::catalog::mci_table(db).await?,
    };
    let mut out = Preview::default();
    for profile in db::profiles::all(db).await? {
        let facts = profile.facts(today);
        let outcomes: Vec<Outcome> = criteria.iter().map(|c| assess(c, &facts, ctx)).collect();
        out.profiles += 1;
        if outcomes.iter().all(|o| *o == Outcome::Met) {
            out.eligible += 1;
        } else if !outcomes.contains(&Outcome::NotMet) {
            out.possible += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
