//! The operators' back office: the review queue (filters, counts per state, CSV export),
//! assigning reviewers, scoring on the programme's rubric (or abstaining), private notes, and the
//! desk shown beside an application. The decisions themselves are steps of the application
//! (`services::applications::step`), where the budget is charged.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::ServiceError;
use crate::domain::account::{Principal, Scope};
use crate::domain::application::State;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::queue::{
    CSV_MAX, DEFAULT_TARGET_DAYS, PER_PAGE, QueuePage, QueueQuery, QueueRow, overdue,
};
use crate::domain::recommendation::Verdict as Word;
use crate::domain::review::{
    Desk, Envelope, MAX_TEXT, NoteView, Rubric, Scores, Scoring, Verdict, WHOLE, on_rubric, panel,
};
use crate::ssr::db;
use crate::ssr::db::entities::applications;

/// The organisation whose queue `who` works, if they may.
fn organisation(who: Option<&Principal>) -> Result<(i32, &Principal), ServiceError> {
    let p = who.ok_or(ServiceError::Denied(Denied::SignInRequired))?;
    let Scope::Organisation(org) = p.scope else {
        return Err(ServiceError::Denied(Denied::Forbidden));
    };
    allow(Some(p), &Action::Review { organisation: org })?;
    Ok((org, p))
}

/// The programme's rubric as stored (an unreadable one reads as none, and is logged).
pub(crate) fn rubric_of(json: &str, program_id: i32) -> Rubric {
    serde_json::from_str(json).unwrap_or_else(|e| {
        tracing::warn!(error = %e, program = program_id, "unreadable rubric");
        Rubric::new()
    })
}

fn days_since(
    at: Option<DateTime<chrono::FixedOffset>>,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, i64) {
    let at = at.map_or(now, |a| a.with_timezone(&Utc));
    (at, (now - at).num_days().max(0))
}

/// One page of the queue view `q` of `who`'s organisation, with its counts.
#[instrument(skip(db, who))]
pub async fn queue(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    q: &QueueQuery,
    today: NaiveDate,
) -> Result<QueuePage, ServiceError> {
    let (org, p) = organisation(who)?;
    let programs = db::reviews::programs_of(db, org).await?;
    let ids = program_ids(&programs, q)?;
    let now = Utc::now();
    let offset = (q.page - 1) * PER_PAGE;
    let (lines, total) = db::reviews::queue(db, q, &ids, p.user_id, now, PER_PAGE, offset).await?;
    let rows = rows(db, &programs, lines, now, today).await?;
    let counted: BTreeMap<String, i64> = db::reviews::counts(db, q, &ids, p.user_id, now)
        .await?
        .into_iter()
        .collect();
    let counts = State::ALL
        .into_iter()
        .filter(|s| *s != State::Draft)
        .map(|s| {
            let n = counted.get(s.as_str()).copied().unwrap_or(0);
            (s, u64::try_from(n).unwrap_or(0))
        })
        .collect();
    let reviewers = db::applications::staff_of(db, org)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let appeals = db::appeals::open_for(db, org, APPEALS_SHOWN)
        .await?
        .into_iter()
        .map(|r| crate::domain::queue::AppealLine {
            application_id: r.application_id,
            due_on: r.due_on,
            late: today > r.due_on,
            refused_by_me: r.refused_by == Some(p.user_id),
        })
        .collect();
    Ok(QueuePage {
        rows,
        total,
        counts,
        programs: programs
            .into_iter()
            .map(|(_, slug, ru, kk, _)| (slug, ru, kk))
            .collect(),
        reviewers,
        appeals,
    })
}

/// The most open appeals the queue lists (the first due first).
const APPEALS_SHOWN: u64 = 50;

type ProgramRow = (i32, String, String, String, Option<i32>);

fn program_ids(programs: &[ProgramRow], q: &QueueQuery) -> Result<Vec<i32>, ServiceError> {
    match &q.program {
        Some(slug) => {
            let found = programs
                .iter()
                .find(|(_, s, ..)| s == slug)
                .ok_or_else(|| {
                    FieldError::new("program", Problem::UnknownReference(slug.clone()))
                })?;
            Ok(vec![found.0])
        }
        None => Ok(programs.iter().map(|(id, ..)| *id).collect()),
    }
}

async fn rows(
    db: &DatabaseConnection,
    programs: &[ProgramRow],
    lines: Vec<db::reviews::Line>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<QueueRow>, ServiceError> {
    let ids: Vec<i32> = lines.iter().map(|l| l.id).collect();
    let users: Vec<i32> = lines.iter().map(|l| l.user_id).collect();
    let names: BTreeMap<i32, String> = db::reviews::names(db, &users).await?.into_iter().collect();
    let words: BTreeMap<i32, String> = db::reviews::verdicts(db, &ids).await?.into_iter().collect();
    let mut assignees: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for (app, _, name) in db::reviews::assignees(db, &ids).await? {
        assignees.entry(app).or_default().push(name);
    }
    let codes: Vec<String> = lines
        .iter()
        .filter_map(|l| l.settlement_code.clone())
        .collect();
    let places = db::locations::places(db, &codes).await?;
    Ok(lines
        .into_iter()
        .filter_map(|l| {
            let state = State::parse(&l.state)?;
            let program = programs.iter().find(|p| p.0 == l.program_id)?;
            let target_days = program.4.unwrap_or(DEFAULT_TARGET_DAYS);
            let (state_at, days) = days_since(l.state_at, now);
            Some(QueueRow {
                id: l.id,
                applicant: names.get(&l.user_id).cloned().unwrap_or_default(),
                settlement: l
                    .settlement_code
                    .as_deref()
                    .and_then(|c| places.get(c))
                    .map(|p| p.name_ru.clone()),
                settlement_code: l.settlement_code,
                program_slug: program.1.clone(),
                program_ru: program.2.clone(),
                program_kk: program.3.clone(),
                state,
                state_at,
                days,
                submitted_at: l.submitted_at.map(|a| a.with_timezone(&Utc)),
                amount_kzt: l.amount_kzt,
                approved_kzt: l.approved_kzt,
                recommendation: words.get(&l.id).and_then(|w| Word::parse(w)),
                assignees: assignees.remove(&l.id).unwrap_or_default(),
                target_days,
                due_on: l.info_due_on,
                overdue: overdue(state, days, target_days, l.info_due_on, today),
            })
        })
        .collect())
}

/// Quotes a CSV field when it needs it (RFC 4180), and defuses a leading `=`, `+`, `-` or `@`
/// so that a spreadsheet does not run a name typed by an applicant as a formula.
fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The whole view `q` (every page, at most [`CSV_MAX`] lines) as CSV, for a spreadsheet.
#[instrument(skip(db, who))]
pub async fn queue_csv(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    q: &QueueQuery,
    today: NaiveDate,
) -> Result<String, ServiceError> {
    let (org, p) = organisation(who)?;
    let programs = db::reviews::programs_of(db, org).await?;
    let ids = program_ids(&programs, q)?;
    let now = Utc::now();
    let (lines, _) = db::reviews::queue(db, q, &ids, p.user_id, now, CSV_MAX, 0).await?;
    let rows = rows(db, &programs, lines, now, today).await?;
    let mut out = String::from(
        "id,submitted_at,applicant,settlement_code,settlement,program,state,state_since,days_in_state,overdue,amount_kzt,approved_kzt,recommendation,assignees,due_on\n",
    );
    for r in rows {
        let fields = [
            r.id.to_string(),
            r.submitted_at
                .map(|a| a.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            r.applicant,
            r.settlement_code.unwrap_or_default(),
            r.settlement.unwrap_or_default(),
            r.program_slug,
            r.state.as_str().to_owned(),
            r.state_at.format("%Y-%m-%d").to_string(),
            r.days.to_string(),
            r.overdue.to_string(),
            r.amount_kzt.map(|a| a.to_string()).unwrap_or_default(),
            r.approved_kzt.map(|a| a.to_string()).unwrap_or_default(),
            r.recommendation
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
            r.assignees.join("; "),
            r.due_on.map(|d| d.to_string()).unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// Application `id` if it belongs to a programme of organisation `org` (`NotFound` otherwise,
/// so that ids do not reveal other operators' applications; drafts are the applicant's).
async fn of_organisation(
    db: &DatabaseConnection,
    org: i32,
    id: i32,
) -> Result<applications::Model, ServiceError> {
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let owner = db::catalog::organisation_of(db, a.program_id).await?;
    if owner != Some(org) || State::parse(&a.state) == Some(State::Draft) {
        return Err(ServiceError::NotFound);
    }
    Ok(a)
}

/// Assigns colleague `reviewer` to applications `ids` of `who`'s organisation (the queue's
/// form reads them into an [`crate::domain::queue::Assignment`] at its door); how many
/// assignments are new.
#[instrument(skip(db, who))]
pub async fn assign(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    ids: &[i32],
    reviewer: i32,
) -> Result<u64, ServiceError> {
    let (org, p) = organisation(who)?;
    if ids.is_empty() {
        return Err(FieldError::new("id", Problem::Required).into());
    }
    if ids.len() > PER_PAGE as usize * 4 {
        return Err(FieldError::new(
            "id",
            Problem::TooLong {
                max: PER_PAGE as usize * 4,
            },
        )
        .into());
    }
    // Another organisation's application is not found, whoever the reviewer.
    for id in ids {
        of_organisation(db, org, *id).await?;
    }
    let staff = db::applications::staff_of(db, org).await?;
    if !staff.iter().any(|u| u.id == reviewer) {
        return Err(
            FieldError::new("reviewer", Problem::UnknownReference(reviewer.to_string())).into(),
        );
    }
    let txn = db::begin_write(db).await?;
    let added = db::reviews::assign(&txn, ids, reviewer, p.user_id, Utc::now()).await?;
    txn.commit().await?;
    Ok(added)
}

/// Takes colleague `reviewer` off application `id`.
pub async fn unassign(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    reviewer: i32,
) -> Result<(), ServiceError> {
    let (org, _) = organisation(who)?;
    of_organisation(db, org, id).await?;
    db::reviews::unassign(db, id, reviewer).await?;
    Ok(())
}

/// Records `who`'s sheet on application `id`: their scores on the programme's rubric, or their
/// abstention for a conflict of interest. Only an assigned reviewer scores, and only while the
/// application is being reviewed; the rubric is checked after that.
#[instrument(skip(db, who, scoring))]
pub async fn score(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    scoring: &Scoring,
) -> Result<(), ServiceError> {
    let (org, p) = organisation(who)?;
    let a = of_organisation(db, org, id).await?;
    let state = State::parse(&a.state).unwrap_or(State::Draft);
    if !matches!(
        state,
        State::Submitted | State::InReview | State::InfoRequested
    ) {
        return Err(FieldError::new("score", Problem::NotNow { state }).into());
    }
    let assigned = db::reviews::assignees(db, &[id])
        .await?
        .iter()
        .any(|(_, u, _)| *u == p.user_id);
    if !assigned {
        return Err(ServiceError::Denied(Denied::Forbidden));
    }
    let now = Utc::now();
    let (posted, comment) = match scoring {
        Scoring::Abstained { conflict } => {
            db::reviews::save_score(db, id, p.user_id, "{}", true, Some(conflict), now).await?;
            return Ok(());
        }
        Scoring::Scored { scores, comment } => (scores, comment.as_deref()),
    };
    let program = db::catalog::program_model(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rubric = rubric_of(&program.rubric, program.id);
    if rubric.is_empty() {
        return Err(FieldError::new("score", Problem::NotAccepted).into());
    }
    let scores = on_rubric(&rubric, posted)?;
    let json = serde_json::to_string(&scores)?;
    db::reviews::save_score(db, id, p.user_id, &json, false, comment, now).await?;
    Ok(())
}

/// Adds `who`'s private note to application `id`.
pub async fn note(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    body: &str,
) -> Result<(), ServiceError> {
    let (org, p) = organisation(who)?;
    of_organisation(db, org, id).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(FieldError::new("note", Problem::Required).into());
    }
    if body.chars().count() > MAX_TEXT {
        return Err(FieldError::new("note", Problem::TooLong { max: MAX_TEXT }).into());
    }
    db::reviews::add_note(db, id, p.user_id, body, Utc::now()).await?;
    Ok(())
}

/// The envelopes of programme `program_id`, named.
pub async fn envelopes(
    db: &DatabaseConnection,
    program_id: i32,
) -> Result<Vec<Envelope>, ServiceError> {
    let rows = db::reviews::envelopes(db, program_id).await?;
    let codes: Vec<String> = rows.iter().map(|e| e.area.clone()).collect();
    let places = db::locations::places(db, &codes).await?;
    Ok(rows
        .into_iter()
        .map(|e| Envelope {
            area_name: if e.area == WHOLE {
                String::new()
            } else {
                places
                    .get(e.area.as_str())
                    .map(|p| p.name_ru.clone())
                    .unwrap_or_else(|| e.area.clone())
            },
            area: e.area,
            total_kzt: e.total_kzt,
            approved_kzt: e.approved_kzt,
            disbursed_kzt: e.disbursed_kzt,
        })
        .collect())
}

/// The desk beside application `a` for `who`, when they work its organisation's queue.
pub async fn desk(
    db: &DatabaseConnection,
    who: &Principal,
    a: &applications::Model,
    today: NaiveDate,
) -> Result<Option<Desk>, ServiceError> {
    let Ok((org, p)) = organisation(Some(who)) else {
        return Ok(None);
    };
    if db::catalog::organisation_of(db, a.program_id).await? != Some(org) {
        return Ok(None);
    }
    let program = db::catalog::program_model(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rubric = rubric_of(&program.rubric, program.id);
    let mut verdicts = Vec::new();
    let mut mine = None;
    for (s, name) in db::reviews::scores(db, a.id).await? {
        let verdict = if s.abstained {
            Verdict::Abstained(s.comment.clone().unwrap_or_default())
        } else {
            Verdict::Scored(serde_json::from_str::<Scores>(&s.scores).unwrap_or_default())
        };
        if s.user_id == p.user_id {
            mine = Some(verdict.clone());
        }
        verdicts.push((s.user_id, name, verdict));
    }
    let assignees: Vec<(i32, String)> = db::reviews::assignees(db, &[a.id])
        .await?
        .into_iter()
        .map(|(_, u, n)| (u, n))
        .collect();
    let region = db::reviews::region_of(a.settlement_code.as_deref());
    let envelopes: Vec<Envelope> = envelopes(db, a.program_id)
        .await?
        .into_iter()
        .filter(|e| e.area == WHOLE || Some(&e.area) == region.as_ref())
        .collect();
    let applicant = db::accounts::user(db, a.user_id).await?;
    let settlement = match &a.settlement_code {
        Some(code) => super::profiles::settlement(db, code)
            .await?
            .map(|h| format!("{}, {}", h.name, h.within)),
        None => None,
    };
    let fit = super::profiles::fit_of(db, a.user_id, &program.slug, today)
        .await
        .ok()
        .filter(|(d, _)| !d.candidates.is_empty());
    let target_days = program.target_days.unwrap_or(DEFAULT_TARGET_DAYS);
    let state = State::parse(&a.state).unwrap_or(State::Draft);
    let (_, days) = days_since(a.state_at, Utc::now());
    let notes = db::reviews::notes(db, a.id)
        .await?
        .into_iter()
        .map(|(n, author)| NoteView {
            author,
            body: n.body,
            at: n.created_at.with_timezone(&Utc),
        })
        .collect();
    Ok(Some(Desk {
        applicant: applicant
            .as_ref()
            .map(|u| u.display_name.clone())
            .unwrap_or_default(),
        phone: applicant.and_then(|u| u.phone),
        settlement,
        fit,
        panel: panel(&rubric, verdicts),
        rubric,
        mine,
        assigned_to_me: assignees.iter().any(|(u, _)| *u == p.user_id),
        assignees,
        envelopes,
        limits: super::applications::approval_limits(db, a.program_id, today).await?,
        target_days,
        days_in_state: days,
        overdue: overdue(state, days, target_days, a.info_due_on, today),
        notes,
    }))
}

#[cfg(test)]
mod tests;
