//! Proving a phone number: a six-digit code by SMS, at sign-up and on demand from the account
//! page. A number must be proved before its owner's first submission and before it is sent any
//! SMS but a code: a mistyped number then costs one code, not a stream of messages to a
//! stranger, and mass sign-ups cost a real phone each.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::{Caller, Limit, limit};
use crate::domain::account::Principal;
use crate::domain::params::{FieldError, Problem};
use crate::ssr::db;
use crate::ssr::db::messages::Urgency;
use crate::ssr::mail::Mail;
use crate::ssr::security::{code_hash, six_digits};
use crate::ssr::services::ServiceError;
use crate::ssr::services::messages;

/// What a verification code is for, as `phone_codes` records it.
const PURPOSE: &str = "verify";
/// How long a verification code works.
pub const CODE_VALID: Duration = Duration::minutes(10);
/// Codes one account may ask for: a few resends, not an SMS cannon.
pub const SENDS_PER_ACCOUNT: Limit = Limit {
    attempts: 5,
    window: Duration::hours(1),
};

/// Whether account `user_id` must still prove its phone: it signs in with one and has not.
pub async fn unverified(db: &DatabaseConnection, user_id: i32) -> Result<bool, ServiceError> {
    Ok(db::phone_codes::phone_unverified(db, user_id).await?)
}

/// Sends a verification code to the phone account `user_id` signs in with. Nothing happens for
/// an e-mail account or a number already proved.
pub async fn send_code(
    db: &DatabaseConnection,
    user_id: i32,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Some(phone) = db::phone_codes::unverified_phone(db, user_id).await? else {
        return Ok(());
    };
    limit(
        db,
        &format!("verify:account:{user_id}"),
        SENDS_PER_ACCOUNT,
        "code",
    )
    .await?;
    let code = six_digits()?;
    let message = messages::letter(
        messages::Letter {
            to: &phone,
            lang: caller.lang,
            user_id: Some(user_id),
            application_id: None,
            fallback_user_id: None,
            template: "verify_code",
            params: messages::params(&[]),
            urgency: Urgency::Urgent,
            secret: true,
        },
        || {
            Mail::in_language(
                phone.as_str(),
                caller.lang,
                |_| String::new(),
                |_| String::new(),
            )
        },
        |lang| messages::texts::verify_code(lang, &code),
        now,
    );
    let txn = db::begin_write(db).await?;
    db::phone_codes::insert(
        &txn,
        &phone,
        PURPOSE,
        code_hash(&phone, PURPOSE, &code),
        now + CODE_VALID,
        now,
    )
    .await?;
    messages::enqueue(&txn, message).await?;
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// Sends the signed-in person a new verification code.
#[instrument(skip_all)]
pub async fn resend(db: &DatabaseConnection, caller: &Caller) -> Result<(), ServiceError> {
    let p = caller.principal()?;
    send_code(db, p.user_id, caller, Utc::now()).await
}

/// Proves the signed-in person's phone with `code`: five wrong tries spend it, and it works
/// once.
#[instrument(skip_all)]
pub async fn verify(
    db: &DatabaseConnection,
    caller: &Caller,
    code: &str,
) -> Result<(), ServiceError> {
    let p: &Principal = caller.principal()?;
    let invalid = || ServiceError::Invalid(FieldError::new("code", Problem::CodeInvalid));
    let Some(phone) = db::phone_codes::unverified_phone(db, p.user_id).await? else {
        return Ok(());
    };
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    let now = Utc::now();
    let Some(row) = db::phone_codes::live(db, &phone, PURPOSE, now).await? else {
        return Err(invalid());
    };
    if row.code_hash != code_hash(&phone, PURPOSE, code) {
        db::phone_codes::count_try(db, row.id).await?;
        return Err(invalid());
    }
    let txn = db::begin_write(db).await?;
    if !db::phone_codes::spend(&txn, row.id, now).await? {
        return Err(invalid());
    }
    db::phone_codes::mark_verified(&txn, p.user_id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Refuses a submission by an account whose phone is not proved yet, naming the `phone`.
pub async fn require_verified(db: &DatabaseConnection, user_id: i32) -> Result<(), ServiceError> {
    if unverified(db, user_id).await? {
        return Err(FieldError::new("phone", Problem::PhoneUnverified).into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
