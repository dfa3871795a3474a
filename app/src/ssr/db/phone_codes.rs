//! Codes sent by SMS that prove a phone: written hashed, tried at most five times, used once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{phone_codes, users};

/// Wrong tries before a code is spent.
pub const TRIES: i32 = 5;

/// Records a code for `phone` and `purpose`, valid until `expires`.
pub async fn insert(
    db: &impl ConnectionTrait,
    phone: &str,
    purpose: &str,
    code_hash: String,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let row = phone_codes::ActiveModel {
        id: NotSet,
        phone: Set(phone.to_owned()),
        purpose: Set(purpose.to_owned()),
        code_hash: Set(code_hash),
        attempts: Set(0),
        expires_at: Set(expires.fixed_offset()),
        used_at: Set(None),
        created_at: Set(now.fixed_offset()),
    };
    Ok(phone_codes::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// The latest code for `phone` and `purpose` that may still be tried: unused, unexpired, with
/// tries left. Only the latest counts: asking for a new code retires the older ones.
pub async fn live(
    db: &impl ConnectionTrait,
    phone: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Option<phone_codes::Model>, DbErr> {
    let latest = phone_codes::Entity::find()
        .filter(phone_codes::Column::Phone.eq(phone))
        .filter(phone_codes::Column::Purpose.eq(purpose))
        .order_by_desc(phone_codes::Column::Id)
        .one(db)
        .await?;
    Ok(latest
        .filter(|c| c.used_at.is_none() && c.attempts < TRIES && c.expires_at > now.fixed_offset()))
}

/// Counts a wrong try.
pub async fn count_try(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    phone_codes::Entity::update_many()
        .col_expr(
            phone_codes::Column::Attempts,
            Expr::col(phone_codes::Column::Attempts).add(1),
        )
        .filter(phone_codes::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Spends code `id`; `false` when it was spent already (two requests racing with one code).
pub async fn spend(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let done = phone_codes::Entity::update_many()
        .col_expr(phone_codes::Column::UsedAt, Expr::value(now.fixed_offset()))
        .filter(phone_codes::Column::Id.eq(id))
        .filter(phone_codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The phone account `user_id` signs in with, if it has one and has not proved it.
pub async fn unverified_phone(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<String>, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.phone_verified_at.is_none())
        .and_then(|u| u.phone))
}

/// Whether account `user_id` signs in with a phone it has not proved.
pub async fn phone_unverified(db: &impl ConnectionTrait, user_id: i32) -> Result<bool, DbErr> {
    Ok(unverified_phone(db, user_id).await?.is_some())
}

/// Records that account `user_id` proved its phone.
pub async fn mark_verified(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(
            users::Column::PhoneVerifiedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::PhoneVerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
