//! Recommendation requests and the versions of recommendations (append-only).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{recommendation_requests, recommendations, users};

/// Records that the applicant asked the akimat of `okrug`; whether it is new.
pub async fn request(
    db: &impl ConnectionTrait,
    application_id: i32,
    okrug: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = recommendation_requests::ActiveModel {
        application_id: Set(application_id),
        okrug_code: Set(okrug.to_owned()),
        created_at: Set(now.fixed_offset()),
    };
    let inserted = recommendation_requests::Entity::insert(row)
        .on_conflict(
            OnConflict::column(recommendation_requests::Column::ApplicationId)
                .do_nothing()
                .to_owned(),
        )
        .exec(db)
        .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(DbErr::RecordNotInserted) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The request of an application, if any.
pub async fn request_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<recommendation_requests::Model>, DbErr> {
    recommendation_requests::Entity::find_by_id(application_id)
        .one(db)
        .await
}

/// The requests made to the akimat of `okrug`, oldest first.
pub async fn requests_in(
    db: &impl ConnectionTrait,
    okrug: &str,
    limit: u64,
) -> Result<Vec<recommendation_requests::Model>, DbErr> {
    recommendation_requests::Entity::find()
        .filter(recommendation_requests::Column::OkrugCode.eq(okrug))
        .order_by_asc(recommendation_requests::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// A version to record.
#[derive(Clone, Debug)]
pub struct NewVersion<'a> {
    /// The application.
    pub application_id: i32,
    /// Its number.
    pub version: i32,
    /// Who.
    pub author: i32,
    /// Their role.
    pub role: &'a str,
    /// The okrug.
    pub okrug: &'a str,
    /// The verdict's code.
    pub verdict: &'a str,
    /// The reasons, JSON.
    pub reasons: &'a str,
    /// Free text.
    pub text: Option<&'a str>,
    /// The relationship's code.
    pub relationship: &'a str,
    /// What it is.
    pub relationship_note: Option<&'a str>,
}

/// Records a version; `false` when that number is taken (someone corrected at the same
/// moment: the caller takes the next number).
pub async fn insert(
    db: &impl ConnectionTrait,
    v: &NewVersion<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = recommendations::ActiveModel {
        id: NotSet,
        application_id: Set(v.application_id),
        version: Set(v.version),
        author_user_id: Set(v.author),
        author_role: Set(v.role.to_owned()),
        okrug_code: Set(v.okrug.to_owned()),
        verdict: Set(v.verdict.to_owned()),
        reasons: Set(v.reasons.to_owned()),
        text: Set(v.text.map(str::to_owned)),
        relationship: Set(v.relationship.to_owned()),
        relationship_note: Set(v.relationship_note.map(str::to_owned)),
        created_at: Set(now.fixed_offset()),
    };
    let inserted = recommendations::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                recommendations::Column::ApplicationId,
                recommendations::Column::Version,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec(db)
        .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(DbErr::RecordNotInserted) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Every version of an application's recommendation, oldest first, with the authors' names.
pub async fn versions(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<(recommendations::Model, String)>, DbErr> {
    let rows = recommendations::Entity::find()
        .filter(recommendations::Column::ApplicationId.eq(application_id))
        .order_by_asc(recommendations::Column::Version)
        .all(db)
        .await?;
    let authors: Vec<i32> = rows.iter().map(|r| r.author_user_id).collect();
    let names = users::Entity::find()
        .filter(users::Column::Id.is_in(authors))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = names
                .iter()
                .find(|u| u.id == r.author_user_id)
                .map(|u| u.display_name.clone())
                .unwrap_or_default();
            (r, name)
        })
        .collect())
}
