//! Setting a new password without the old one: a six-digit code by SMS for a phone login, a
//! one-hour link by e-mail for an e-mail login; each request and each use rate-limited, and the
//! same answer whether the account exists or not.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::{Caller, Limit, limit};
use crate::domain::account::{Login, check_password};
use crate::domain::i18n::{Msg, t, tf};
use crate::domain::params::{FieldError, Problem};
use crate::ssr::db::messages::Urgency;
use crate::ssr::db::{self, accounts as q};
use crate::ssr::mail::Mail;
use crate::ssr::security::{PasswordHasher, code_hash, new_token, six_digits, token_hash};
use crate::ssr::services::{ServiceError, messages};

/// How long a reset link works.
pub const RESET_VALID: Duration = Duration::hours(1);
/// How long a reset code sent by SMS works.
pub const RESET_CODE_VALID: Duration = Duration::minutes(10);
/// What a reset code is for, as `phone_codes` records it.
const RESET_PURPOSE: &str = "reset";
/// Tries at reset codes from one address: enough for a village's shared connection, too few to
/// try a million codes.
pub const RESET_CODE_PER_IP: Limit = Limit {
    attempts: 300,
    window: Duration::minutes(15),
};

/// Reset requests from one address.
pub const RESET_PER_IP: Limit = Limit {
    attempts: 10,
    window: Duration::hours(1),
};
/// Reset requests for one account (flooding someone's inbox).
pub const RESET_PER_ACCOUNT: Limit = Limit {
    attempts: 3,
    window: Duration::hours(1),
};
/// Sends a reset link if the account exists; says the same either way, so it cannot be used
/// to find out who has an account.
#[instrument(skip_all)]
pub async fn request_reset(
    db: &DatabaseConnection,
    public_url: &str,
    login: &str,
    caller: &Caller,
) -> Result<(), ServiceError> {
    if let Some(ip) = &caller.ip {
        limit(db, &format!("reset:ip:{ip}"), RESET_PER_IP, "login").await?;
    }
    let login = Login::parse("login", login)?;
    limit(
        db,
        &format!("reset:account:{}", login.as_str()),
        RESET_PER_ACCOUNT,
        "login",
    )
    .await?;
    let Some(user) = q::user_by_login(db, &login).await? else {
        q::audit(
            db,
            "password_reset_requested",
            None,
            None,
            caller.ip.as_deref(),
            "no such account",
        )
        .await?;
        return Ok(());
    };
    if let Login::Phone(phone) = &login {
        return send_reset_code(db, user.id, phone, caller).await;
    }
    let (token, hash) = new_token()?;
    let link = format!("{}/reset/{token}", public_url.trim_end_matches('/'));
    // In the language of the page the link was asked from (the person is reading it now), or
    // Kazakh and Russian when the request states none. The link and its message are written
    // together: a link exists only if its message will go.
    let message = messages::letter(
        messages::Letter {
            to: login.as_str(),
            lang: caller.lang,
            user_id: Some(user.id),
            application_id: None,
            fallback_user_id: None,
            template: "reset_link",
            params: messages::params(&[]),
            urgency: Urgency::Urgent,
            secret: true,
        },
        || {
            Mail::in_language(
                login.as_str(),
                caller.lang,
                |lang| t(lang, Msg::MailResetSubject).to_owned(),
                |lang| tf(lang, Msg::MailResetBody, &[("link", &link)]),
            )
        },
        |lang| tf(lang, Msg::MailResetBody, &[("link", &link)]),
        Utc::now(),
    );
    let txn = db::begin_write(db).await?;
    q::insert_reset(&txn, hash, user.id, Utc::now() + RESET_VALID).await?;
    messages::enqueue(&txn, message).await?;
    q::audit(
        &txn,
        "password_reset_requested",
        Some(user.id),
        None,
        caller.ip.as_deref(),
        "",
    )
    .await?;
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// A phone login's reset: a six-digit code by SMS (one part, where a link would take three),
/// valid ten minutes, five tries, used once. Asking again retires the previous code.
async fn send_reset_code(
    db: &DatabaseConnection,
    user_id: i32,
    phone: &str,
    caller: &Caller,
) -> Result<(), ServiceError> {
    let code = six_digits()?;
    let now = Utc::now();
    let message = messages::letter(
        messages::Letter {
            to: phone,
            lang: caller.lang,
            user_id: Some(user_id),
            application_id: None,
            fallback_user_id: None,
            template: "reset_code",
            params: messages::params(&[]),
            urgency: Urgency::Urgent,
            secret: true,
        },
        || Mail::in_language(phone, caller.lang, |_| String::new(), |_| String::new()),
        |lang| messages::texts::reset_code(lang, &code),
        now,
    );
    let txn = db::begin_write(db).await?;
    db::phone_codes::insert(
        &txn,
        phone,
        RESET_PURPOSE,
        code_hash(phone, RESET_PURPOSE, &code),
        now + RESET_CODE_VALID,
        now,
    )
    .await?;
    messages::enqueue(&txn, message).await?;
    q::audit(
        &txn,
        "password_reset_requested",
        Some(user_id),
        None,
        caller.ip.as_deref(),
        "by code",
    )
    .await?;
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// Sets a new password for phone login `login` with the code sent to it. A wrong code counts a
/// try (five spend it); the answer is the same whether the account exists or not.
#[instrument(skip_all)]
pub async fn reset_with_code(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    login: &str,
    code: &str,
    new: &str,
    caller: &Caller,
) -> Result<(), ServiceError> {
    let invalid = || ServiceError::Invalid(FieldError::new("code", Problem::CodeInvalid));
    if let Some(ip) = &caller.ip {
        limit(
            db,
            &format!("reset_code:ip:{ip}"),
            RESET_CODE_PER_IP,
            "code",
        )
        .await?;
    }
    let login = Login::parse("login", login)?;
    let Login::Phone(phone) = &login else {
        return Err(FieldError::new("login", Problem::BadPhone).into());
    };
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    check_password("password", new, &login)?;
    let now = Utc::now();
    let Some(row) = db::phone_codes::live(db, phone, RESET_PURPOSE, now).await? else {
        return Err(invalid());
    };
    if row.code_hash != code_hash(phone, RESET_PURPOSE, code) {
        db::phone_codes::count_try(db, row.id).await?;
        return Err(invalid());
    }
    let user = q::user_by_login(db, &login).await?.ok_or_else(invalid)?;
    let password_hash = hasher.hash(new).await?;
    let tx = db::begin_write(db).await?;
    if !db::phone_codes::spend(&tx, row.id, now).await? {
        return Err(invalid());
    }
    q::set_password(&tx, user.id, password_hash).await?;
    // The code reached the phone: the number is proved as well.
    db::phone_codes::mark_verified(&tx, user.id, now).await?;
    tx.commit().await?;
    q::delete_other_sessions(db, user.id, None).await?;
    q::audit(
        db,
        "password_reset",
        Some(user.id),
        None,
        caller.ip.as_deref(),
        "by code",
    )
    .await?;
    Ok(())
}

/// Sets a new password with a reset link; the link stops working and every session ends.
pub async fn reset_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    token: &str,
    new: &str,
    caller: &Caller,
) -> Result<(), ServiceError> {
    let link_invalid = || ServiceError::Invalid(FieldError::new("token", Problem::LinkInvalid));
    let hash = token_hash(token);
    // The link is only looked at until the new password passes the checks, so a too-short
    // password does not cost the person their link.
    let user_id = q::live_reset(db, &hash).await?.ok_or_else(link_invalid)?;
    let user = q::user(db, user_id).await?.ok_or_else(link_invalid)?;
    let login = user
        .phone
        .as_deref()
        .or(user.email.as_deref())
        .map(|l| Login::parse("login", l))
        .transpose()?;
    if let Some(login) = &login {
        check_password("password", new, login)?;
    }
    let password_hash = hasher.hash(new).await?;
    // Using the link up and setting the password happen together or not at all; of two
    // requests racing with one link, one wins.
    let tx = db::begin_write(db).await?;
    if q::use_reset(&tx, &hash).await? != Some(user_id) {
        return Err(link_invalid());
    }
    q::set_password(&tx, user_id, password_hash).await?;
    tx.commit().await?;
    q::delete_other_sessions(db, user_id, None).await?;
    q::audit(
        db,
        "password_reset",
        Some(user_id),
        None,
        caller.ip.as_deref(),
        "",
    )
    .await?;
    Ok(())
}
