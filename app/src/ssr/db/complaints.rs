//! Residents' complaints: filed, answered once, escalated when late.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::complaints;

/// The most a list shows (the waiting ones come first).
const LIST_LIMIT: u64 = 500;

/// A complaint as filed.
pub struct NewComplaint<'a> {
    /// The resident.
    pub author_id: i32,
    /// `operator` or `akimat`.
    pub about: &'a str,
    /// What went wrong.
    pub reason: &'a str,
    /// Their words.
    pub text: &'a str,
    /// The application, if it concerns one.
    pub application_id: Option<i32>,
    /// The operator.
    pub organisation_id: Option<i32>,
    /// The okrug whose report counts it.
    pub okrug_code: Option<String>,
    /// The district that answers a complaint about an okrug akimat.
    pub district_code: Option<String>,
    /// Who answers for it.
    pub owner_id: Option<i32>,
    /// Due.
    pub due_on: NaiveDate,
}

/// Files a complaint; its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    c: NewComplaint<'_>,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(complaints::Entity::insert(complaints::ActiveModel {
        id: NotSet,
        author_id: Set(c.author_id),
        about: Set(c.about.to_owned()),
        reason: Set(c.reason.to_owned()),
        text: Set(c.text.to_owned()),
        application_id: Set(c.application_id),
        organisation_id: Set(c.organisation_id),
        okrug_code: Set(c.okrug_code),
        district_code: Set(c.district_code),
        owner_id: Set(c.owner_id),
        filed_at: Set(now.fixed_offset()),
        due_on: Set(c.due_on),
        escalated_at: Set(None),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
    })
    .exec(db)
    .await?
    .last_insert_id)
}

/// Complaint `id`.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<complaints::Model>, DbErr> {
    complaints::Entity::find_by_id(id).one(db).await
}

/// Whose complaints a list shows.
pub enum Kept<'a> {
    /// A resident's own.
    Author(i32),
    /// About an operator.
    Organisation(i32),
    /// About the okrug akimats of a district.
    District(&'a str),
    /// Every one (the platform's staff).
    All,
}

/// The complaints of a list, the waiting ones first, the first due first.
pub async fn list(
    db: &impl ConnectionTrait,
    kept: Kept<'_>,
) -> Result<Vec<complaints::Model>, DbErr> {
    let q = complaints::Entity::find();
    let q = match kept {
        Kept::Author(id) => q.filter(complaints::Column::AuthorId.eq(id)),
        Kept::Organisation(id) => q
            .filter(complaints::Column::About.eq("operator"))
            .filter(complaints::Column::OrganisationId.eq(id)),
        Kept::District(code) => q
            .filter(complaints::Column::About.eq("akimat"))
            .filter(complaints::Column::DistrictCode.eq(code)),
        Kept::All => q,
    };
    let mut rows = q
        .order_by_desc(complaints::Column::Id)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    rows.sort_by_key(|c| (c.answered_at.is_some(), c.due_on, c.id));
    Ok(rows)
}

/// Records the answer to complaint `id`; whether it was still unanswered (a colleague may
/// have answered first).
pub async fn answer(
    db: &impl ConnectionTrait,
    id: i32,
    text: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = complaints::Entity::update_many()
        .col_expr(complaints::Column::Answer, Expr::value(text))
        .col_expr(complaints::Column::AnsweredBy, Expr::value(by))
        .col_expr(
            complaints::Column::AnsweredAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(complaints::Column::Id.eq(id))
        .filter(complaints::Column::AnsweredAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Unanswered complaints due before `today` and not yet escalated, the oldest first.
pub async fn overdue(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<complaints::Model>, DbErr> {
    complaints::Entity::find()
        .filter(complaints::Column::AnsweredAt.is_null())
        .filter(complaints::Column::EscalatedAt.is_null())
        .filter(complaints::Column::DueOn.lt(today))
        .order_by_asc(complaints::Column::DueOn)
        .order_by_asc(complaints::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Marks complaint `id` escalated, to `owner`; whether this call did it (another instance's
/// sweep, or an answer, may have come first).
pub async fn escalate(
    db: &impl ConnectionTrait,
    id: i32,
    owner: Option<i32>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = complaints::Entity::update_many()
        .col_expr(
            complaints::Column::EscalatedAt,
            Expr::value(now.fixed_offset()),
        )
        .col_expr(complaints::Column::OwnerId, Expr::value(owner))
        .filter(complaints::Column::Id.eq(id))
        .filter(complaints::Column::AnsweredAt.is_null())
        .filter(complaints::Column::EscalatedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A complaint as the okrug report counts it: about, due on, filed at, answered at, escalated.
pub type Counted = (
    String,
    NaiveDate,
    DateTime<chrono::FixedOffset>,
    Option<DateTime<chrono::FixedOffset>>,
    Option<DateTime<chrono::FixedOffset>>,
);

/// The complaints an okrug's report counts (no text, no author).
pub async fn of_okrug(db: &impl ConnectionTrait, okrug: &str) -> Result<Vec<Counted>, DbErr> {
    complaints::Entity::find()
        .select_only()
        .column(complaints::Column::About)
        .column(complaints::Column::DueOn)
        .column(complaints::Column::FiledAt)
        .column(complaints::Column::AnsweredAt)
        .column(complaints::Column::EscalatedAt)
        .filter(complaints::Column::OkrugCode.eq(okrug))
        .into_tuple()
        .all(db)
        .await
}
