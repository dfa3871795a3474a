//! Assisted filings and the consent codes sent to residents' phones.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{assisted_filings, consent_codes};

/// The filing of application `id`, if it was filed with help.
pub async fn filing(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<assisted_filings::Model>, DbErr> {
    assisted_filings::Entity::find_by_id(application_id)
        .one(db)
        .await
}

/// Records a filing.
pub async fn insert(db: &impl ConnectionTrait, f: assisted_filings::Model) -> Result<(), DbErr> {
    let row = assisted_filings::ActiveModel {
        application_id: Set(f.application_id),
        okrug_code: Set(f.okrug_code),
        staff_user_id: Set(f.staff_user_id),
        resident_user_id: Set(f.resident_user_id),
        consent_method: Set(f.consent_method),
        consent_sha256: Set(f.consent_sha256),
        consent_file_name: Set(f.consent_file_name),
        consented_at: Set(f.consented_at),
    };
    assisted_filings::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Stores a code sent by `staff` to `phone`.
pub async fn insert_code(
    db: &impl ConnectionTrait,
    staff: i32,
    phone: &str,
    code_hash: String,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = consent_codes::ActiveModel {
        id: NotSet,
        staff_user_id: Set(staff),
        phone: Set(phone.to_owned()),
        code_hash: Set(code_hash),
        attempts: Set(0),
        expires_at: Set(expires.fixed_offset()),
        used_at: Set(None),
        created_at: Set(now.fixed_offset()),
    };
    consent_codes::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The latest unused, unexpired code `staff` sent to `phone`.
pub async fn latest_code(
    db: &impl ConnectionTrait,
    staff: i32,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Option<consent_codes::Model>, DbErr> {
    consent_codes::Entity::find()
        .filter(consent_codes::Column::StaffUserId.eq(staff))
        .filter(consent_codes::Column::Phone.eq(phone))
        .filter(consent_codes::Column::UsedAt.is_null())
        .filter(consent_codes::Column::ExpiresAt.gt(now.fixed_offset()))
        .order_by_desc(consent_codes::Column::Id)
        .one(db)
        .await
}

/// Counts a wrong try at code `id`.
pub async fn count_attempt(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    consent_codes::Entity::update_many()
        .col_expr(
            consent_codes::Column::Attempts,
            Expr::col(consent_codes::Column::Attempts).add(1),
        )
        .filter(consent_codes::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks code `id` used; whether it was still unused (two starts racing use it once).
pub async fn use_code(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = consent_codes::Entity::update_many()
        .col_expr(
            consent_codes::Column::UsedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(consent_codes::Column::Id.eq(id))
        .filter(consent_codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
