//! Appeals against refusals: filed, supported by the akimat, decided once.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::appeals;

/// An appeal as filed.
pub struct NewAppeal<'a> {
    /// The application.
    pub application_id: i32,
    /// The programme's operator.
    pub organisation_id: i32,
    /// The refusal's event.
    pub refusal_event_id: i32,
    /// Who refused.
    pub refused_by: Option<i32>,
    /// Who filed it.
    pub filed_by: i32,
    /// Why.
    pub reasons: &'a str,
    /// The documents filed with it.
    pub files: &'a [i32],
    /// The day it is to be decided by.
    pub due_on: NaiveDate,
}

/// Files an appeal; its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    a: &NewAppeal<'_>,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let files = serde_json::to_string(a.files).unwrap_or_else(|_| "[]".to_owned());
    Ok(appeals::Entity::insert(appeals::ActiveModel {
        id: NotSet,
        application_id: Set(a.application_id),
        organisation_id: Set(a.organisation_id),
        refusal_event_id: Set(a.refusal_event_id),
        refused_by: Set(a.refused_by),
        filed_by: Set(a.filed_by),
        reasons: Set(a.reasons.to_owned()),
        files: Set(files),
        filed_at: Set(now.fixed_offset()),
        due_on: Set(a.due_on),
        support_by: Set(None),
        support: Set(None),
        support_at: Set(None),
        outcome: Set(None),
        answer: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
    })
    .exec(db)
    .await?
    .last_insert_id)
}

/// The appeals of application `id`, oldest first.
pub async fn of_application(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<appeals::Model>, DbErr> {
    appeals::Entity::find()
        .filter(appeals::Column::ApplicationId.eq(id))
        .order_by_asc(appeals::Column::Id)
        .all(db)
        .await
}

/// The documents filed with an appeal.
pub fn files(a: &appeals::Model) -> Vec<i32> {
    serde_json::from_str(&a.files).unwrap_or_default()
}

/// Records the outcome of open appeal `id`; whether it was still open (a twin request or a
/// colleague may have decided it first).
pub async fn decide(
    db: &impl ConnectionTrait,
    id: i32,
    outcome: &str,
    answer: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = appeals::Entity::update_many()
        .col_expr(appeals::Column::Outcome, Expr::value(outcome))
        .col_expr(appeals::Column::Answer, Expr::value(answer))
        .col_expr(appeals::Column::DecidedBy, Expr::value(by))
        .col_expr(appeals::Column::DecidedAt, Expr::value(now.fixed_offset()))
        .filter(appeals::Column::Id.eq(id))
        .filter(appeals::Column::Outcome.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records the akimat's support of open appeal `id` (the last word counts until the
/// decision); whether it was still open.
pub async fn support(
    db: &impl ConnectionTrait,
    id: i32,
    text: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = appeals::Entity::update_many()
        .col_expr(appeals::Column::Support, Expr::value(text))
        .col_expr(appeals::Column::SupportBy, Expr::value(by))
        .col_expr(appeals::Column::SupportAt, Expr::value(now.fixed_offset()))
        .filter(appeals::Column::Id.eq(id))
        .filter(appeals::Column::Outcome.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The open appeals on organisation `organisation`'s applications, the first due first.
pub async fn open_for(
    db: &impl ConnectionTrait,
    organisation: i32,
    limit: u64,
) -> Result<Vec<appeals::Model>, DbErr> {
    appeals::Entity::find()
        .filter(appeals::Column::OrganisationId.eq(organisation))
        .filter(appeals::Column::Outcome.is_null())
        .order_by_asc(appeals::Column::DueOn)
        .order_by_asc(appeals::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
