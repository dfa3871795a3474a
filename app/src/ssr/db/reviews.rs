//! The operators' back office in the database: budget envelopes (charged with a conditional
//! update, so that concurrent approvals cannot overspend), reviewer assignments, rubric scores,
//! private notes, and the review queue's query.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{
    applications, budget_envelopes, programs, recommendations, review_assignments, review_notes,
    review_scores, users,
};
use crate::domain::location::{KatoCode, Level};
use crate::domain::queue::{Assigned, QueueQuery, Recommended, Sort};

/// The envelopes of programme `program_id`.
pub async fn envelopes(
    db: &impl ConnectionTrait,
    program_id: i32,
) -> Result<Vec<budget_envelopes::Model>, DbErr> {
    budget_envelopes::Entity::find()
        .filter(budget_envelopes::Column::ProgramId.eq(program_id))
        .order_by_asc(budget_envelopes::Column::Area)
        .all(db)
        .await
}

/// Sets envelope `area` of a programme to `total_kzt` (creating it). Lowering it below what is
/// approved fails in the database's check.
pub async fn set_envelope(
    db: &impl ConnectionTrait,
    program_id: i32,
    area: &str,
    total_kzt: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = budget_envelopes::ActiveModel {
        program_id: Set(program_id),
        area: Set(area.to_owned()),
        total_kzt: Set(total_kzt),
        approved_kzt: Set(0),
        disbursed_kzt: Set(0),
        updated_at: Set(now.fixed_offset()),
        ..Default::default()
    };
    budget_envelopes::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                budget_envelopes::Column::ProgramId,
                budget_envelopes::Column::Area,
            ])
            .update_columns([
                budget_envelopes::Column::TotalKzt,
                budget_envelopes::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes envelope `area` of a programme.
pub async fn delete_envelope(
    db: &impl ConnectionTrait,
    program_id: i32,
    area: &str,
) -> Result<(), DbErr> {
    budget_envelopes::Entity::delete_many()
        .filter(budget_envelopes::Column::ProgramId.eq(program_id))
        .filter(budget_envelopes::Column::Area.eq(area))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds `amount_kzt` to envelope `area`'s approvals if it still fits; whether it did. The test
/// and the addition are one statement, so two approvals at once cannot both take the last
/// tenge: on PostgreSQL the second waits for the first's row lock and re-checks; on SQLite
/// writers take turns.
pub async fn charge(
    db: &impl ConnectionTrait,
    program_id: i32,
    area: &str,
    amount_kzt: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = budget_envelopes::Entity::update_many()
        .col_expr(
            budget_envelopes::Column::ApprovedKzt,
            Expr::col(budget_envelopes::Column::ApprovedKzt).add(amount_kzt),
        )
        .col_expr(
            budget_envelopes::Column::UpdatedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(budget_envelopes::Column::ProgramId.eq(program_id))
        .filter(budget_envelopes::Column::Area.eq(area))
        .filter(
            Expr::col(budget_envelopes::Column::ApprovedKzt)
                .add(amount_kzt)
                .lte(Expr::col(budget_envelopes::Column::TotalKzt)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Adds a payment of `amount_kzt` to envelope `area`.
pub async fn record_paid(
    db: &impl ConnectionTrait,
    program_id: i32,
    area: &str,
    amount_kzt: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    budget_envelopes::Entity::update_many()
        .col_expr(
            budget_envelopes::Column::DisbursedKzt,
            Expr::col(budget_envelopes::Column::DisbursedKzt).add(amount_kzt),
        )
        .col_expr(
            budget_envelopes::Column::UpdatedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(budget_envelopes::Column::ProgramId.eq(program_id))
        .filter(budget_envelopes::Column::Area.eq(area))
        .exec(db)
        .await?;
    Ok(())
}

/// Assigns reviewer `user_id` to each of `ids` (already assigned ones stay); how many are new.
pub async fn assign(
    db: &impl ConnectionTrait,
    ids: &[i32],
    user_id: i32,
    by: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut added = 0;
    for id in ids {
        let row = review_assignments::ActiveModel {
            application_id: Set(*id),
            user_id: Set(user_id),
            assigned_by: Set(by),
            assigned_at: Set(now.fixed_offset()),
        };
        added += review_assignments::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    review_assignments::Column::ApplicationId,
                    review_assignments::Column::UserId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(added)
}

/// Takes reviewer `user_id` off application `id`.
pub async fn unassign(db: &impl ConnectionTrait, id: i32, user_id: i32) -> Result<(), DbErr> {
    review_assignments::Entity::delete_many()
        .filter(review_assignments::Column::ApplicationId.eq(id))
        .filter(review_assignments::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The reviewers assigned to each of `ids`: (application, reviewer, name), by name.
pub async fn assignees(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, i32, String)>, DbErr> {
    let rows: Vec<(i32, i32, String)> = review_assignments::Entity::find()
        .select_only()
        .column(review_assignments::Column::ApplicationId)
        .column(review_assignments::Column::UserId)
        .column(users::Column::DisplayName)
        .inner_join(users::Entity)
        .filter(review_assignments::Column::ApplicationId.is_in(ids.iter().copied()))
        .order_by_asc(users::Column::DisplayName)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

/// Records reviewer `user_id`'s scores (or abstention) on application `id`, replacing theirs.
pub async fn save_score(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
    scores: &str,
    abstained: bool,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = review_scores::ActiveModel {
        application_id: Set(id),
        user_id: Set(user_id),
        scores: Set(scores.to_owned()),
        abstained: Set(abstained),
        comment: Set(comment.map(str::to_owned)),
        updated_at: Set(now.fixed_offset()),
    };
    review_scores::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                review_scores::Column::ApplicationId,
                review_scores::Column::UserId,
            ])
            .update_columns([
                review_scores::Column::Scores,
                review_scores::Column::Abstained,
                review_scores::Column::Comment,
                review_scores::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The scores given on application `id`, with the reviewers' names, by name.
pub async fn scores(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<(review_scores::Model, String)>, DbErr> {
    let rows = review_scores::Entity::find()
        .find_also_related(users::Entity)
        .filter(review_scores::Column::ApplicationId.eq(id))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, u)| (s, u.map(|u| u.display_name).unwrap_or_default()))
        .collect())
}

/// Adds a private note to application `id`.
pub async fn add_note(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = review_notes::ActiveModel {
        application_id: Set(id),
        user_id: Set(user_id),
        body: Set(body.to_owned()),
        created_at: Set(now.fixed_offset()),
        ..Default::default()
    };
    review_notes::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The notes on application `id`, oldest first, with their authors' names.
pub async fn notes(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<(review_notes::Model, String)>, DbErr> {
    let rows = review_notes::Entity::find()
        .find_also_related(users::Entity)
        .filter(review_notes::Column::ApplicationId.eq(id))
        .order_by_asc(review_notes::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(n, u)| (n, u.map(|u| u.display_name).unwrap_or_default()))
        .collect())
}

/// The programmes of organisation `organisation`: id, slug, titles, target days.
pub async fn programs_of(
    db: &impl ConnectionTrait,
    organisation: i32,
) -> Result<Vec<(i32, String, String, String, Option<i32>)>, DbErr> {
    programs::Entity::find()
        .select_only()
        .column(programs::Column::Id)
        .column(programs::Column::Slug)
        .column(programs::Column::TitleRu)
        .column(programs::Column::TitleKk)
        .column(programs::Column::TargetDays)
        .filter(programs::Column::OrganisationId.eq(organisation))
        .order_by_asc(programs::Column::TitleRu)
        .into_tuple()
        .all(db)
        .await
}

/// One line of the queue as stored.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Line {
    /// The application.
    pub id: i32,
    /// Its applicant.
    pub user_id: i32,
    /// Its programme.
    pub program_id: i32,
    /// Its state.
    pub state: String,
    /// Since when.
    pub state_at: Option<DateTime<chrono::FixedOffset>>,
    /// Submitted when.
    pub submitted_at: Option<DateTime<chrono::FixedOffset>>,
    /// Asked for.
    pub amount_kzt: Option<i64>,
    /// Approved.
    pub approved_kzt: Option<i64>,
    /// Where.
    pub settlement_code: Option<String>,
    /// An information request's due date.
    pub info_due_on: Option<NaiveDate>,
}

/// The conditions of view `q` over programmes `program_ids`, for the person `me`, leaving out
/// the state filter (the counts per state need the rest).
fn conditions(q: &QueueQuery, program_ids: &[i32], me: i32, now: DateTime<Utc>) -> Condition {
    let mut c = Condition::all()
        .add(applications::Column::ProgramId.is_in(program_ids.iter().copied()))
        .add(applications::Column::State.ne("draft"));
    if let Some(area) = &q.area {
        let keep = match area.level() {
            Level::Region => 2,
            Level::District => 4,
            Level::Okrug => 6,
            Level::Settlement => 9,
        };
        // A range rather than LIKE: both engines walk an index with it
        // (`idx_applications_area_program_state`).
        let (lo, hi) = super::reports::range(&area.as_str()[..keep]);
        c = c.add(applications::Column::SettlementCode.between(lo, hi));
    }
    // The latest version of each application's recommendation is the akimat's word.
    let latest = "SELECT r.application_id FROM recommendations r WHERE r.version = \
                  (SELECT MAX(r2.version) FROM recommendations r2 \
                  WHERE r2.application_id = r.application_id)";
    match q.recommended {
        None => {}
        Some(Recommended::Yes) => {
            c = c.add(Expr::cust(format!(
                "applications.id IN ({latest} AND r.verdict = 'recommend')"
            )));
        }
        Some(Recommended::No) => {
            c = c.add(Expr::cust(format!(
                "applications.id IN ({latest} AND r.verdict = 'do_not_recommend')"
            )));
        }
        // NOT EXISTS rather than NOT IN: an anti-join instead of a list rebuilt per query.
        Some(Recommended::None) => {
            c = c.add(Expr::cust(
                "NOT EXISTS (SELECT 1 FROM recommendations r WHERE r.application_id = applications.id)",
            ));
        }
    }
    match q.assigned {
        Assigned::Any => {}
        // `me` is the session's account id, an integer: nothing typed reaches the SQL.
        Assigned::Me => {
            c = c.add(Expr::cust(format!(
                "applications.id IN (SELECT application_id FROM review_assignments WHERE user_id = {me})"
            )));
        }
        Assigned::Nobody => {
            c = c.add(Expr::cust(
                "NOT EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.application_id = applications.id)",
            ));
        }
    }
    if let Some(days) = q.min_days {
        let before = now - Duration::days(i64::from(days));
        c = c.add(applications::Column::StateAt.lte(before.fixed_offset()));
    }
    c
}

/// The lines of view `q` (at most `limit`, from `offset`) and how many there are in all.
pub async fn queue(
    db: &impl ConnectionTrait,
    q: &QueueQuery,
    program_ids: &[i32],
    me: i32,
    now: DateTime<Utc>,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Line>, u64), DbErr> {
    let states: Vec<&str> = q.states.states().iter().map(|s| s.as_str()).collect();
    let filter =
        conditions(q, program_ids, me, now).add(applications::Column::State.is_in(states.clone()));
    let base = applications::Entity::find().filter(filter);
    let total = if unfiltered(q) {
        let counted = kept_counts(db, program_ids).await?;
        let n: i64 = counted
            .iter()
            .filter(|(s, _)| states.contains(&s.as_str()))
            .map(|(_, n)| n)
            .sum();
        u64::try_from(n).unwrap_or(0)
    } else {
        base.clone().count(db).await?
    };
    let ordered = match q.sort {
        Sort::Waiting => base
            .order_by_asc(applications::Column::StateAt)
            .order_by_asc(applications::Column::Id),
        Sort::Newest => base
            .order_by_desc(applications::Column::SubmittedAt)
            .order_by_desc(applications::Column::Id),
        // Both descending: `idx_applications_amount` walked backwards, stopping at a page.
        Sort::Amount => base
            .order_by_desc(applications::Column::AmountKzt)
            .order_by_desc(applications::Column::Id),
    };
    let lines = ordered
        .select_only()
        .column(applications::Column::Id)
        .column(applications::Column::UserId)
        .column(applications::Column::ProgramId)
        .column(applications::Column::State)
        .column(applications::Column::StateAt)
        .column(applications::Column::SubmittedAt)
        .column(applications::Column::AmountKzt)
        .column(applications::Column::ApprovedKzt)
        .column(applications::Column::SettlementCode)
        .column(applications::Column::InfoDueOn)
        .limit(limit)
        .offset(offset)
        .into_model::<Line>()
        .all(db)
        .await?;
    Ok((lines, total))
}

/// Whether view `q` takes every application of its programmes (in the states it shows), so
/// that the counts kept per programme and state answer for it.
fn unfiltered(q: &QueueQuery) -> bool {
    q.area.is_none()
        && q.recommended.is_none()
        && q.assigned == Assigned::Any
        && q.min_days.is_none()
}

/// Per state, how many applications `program_ids` have, from the counts the database keeps
/// (`queue_counts`, migration 029) instead of counting the applications themselves. Drafts
/// are left out, as in the queue.
pub async fn kept_counts(
    db: &impl ConnectionTrait,
    program_ids: &[i32],
) -> Result<Vec<(String, i64)>, DbErr> {
    let query = sea_orm::sea_query::Query::select()
        .column("state")
        // PostgreSQL sums bigints into numeric; the cast keeps it a 64-bit integer.
        .expr_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
        .from("queue_counts")
        .and_where(Expr::col("program_id").is_in(program_ids.iter().copied()))
        .and_where(Expr::col("state").ne("draft"))
        .group_by_col("state")
        .to_owned();
    let rows = db.query_all(&query).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String>("", "state")?,
                r.try_get::<i64>("", "n")?,
            ))
        })
        .collect()
}

/// Per state, how many lines view `q` has with that state chosen.
pub async fn counts(
    db: &impl ConnectionTrait,
    q: &QueueQuery,
    program_ids: &[i32],
    me: i32,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, DbErr> {
    if unfiltered(q) {
        return kept_counts(db, program_ids).await;
    }
    applications::Entity::find()
        .select_only()
        .column(applications::Column::State)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(conditions(q, program_ids, me, now))
        .group_by(applications::Column::State)
        .into_tuple()
        .all(db)
        .await
}

/// The latest recommendation verdict of each of `ids`.
pub async fn verdicts(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<(i32, String)>, DbErr> {
    let rows: Vec<(i32, i32, String)> = recommendations::Entity::find()
        .select_only()
        .column(recommendations::Column::ApplicationId)
        .column(recommendations::Column::Version)
        .column(recommendations::Column::Verdict)
        .filter(recommendations::Column::ApplicationId.is_in(ids.iter().copied()))
        .order_by_asc(recommendations::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    // Later versions come later and overwrite.
    let mut latest = std::collections::BTreeMap::new();
    for (id, _, verdict) in rows {
        latest.insert(id, verdict);
    }
    Ok(latest.into_iter().collect())
}

/// The names of accounts `ids`.
pub async fn names(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<(i32, String)>, DbErr> {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}

/// The region of a settlement code, if it is one.
pub fn region_of(settlement: Option<&str>) -> Option<String> {
    settlement
        .and_then(|c| KatoCode::parse(c).ok())
        .map(|c| c.region().as_str().to_owned())
}
