//! Accounts: signing up, in and out, sessions, passwords and their reset, with rate limits and
//! an audit entry for every security event.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, SqlErr};
use serde::{Deserialize, Serialize};
use tracing::instrument;

use super::ServiceError;
use crate::domain::account::{
    AccountView, Login, Principal, Role, Scope, check_password, parse_display_name,
};
use crate::domain::i18n::Lang;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, allow};
use crate::ssr::db::{self, accounts as q};
use crate::ssr::security::{PasswordHasher, new_token, token_hash};

pub mod phones;
mod reset;

pub use reset::{
    RESET_CODE_PER_IP, RESET_CODE_VALID, RESET_PER_ACCOUNT, RESET_PER_IP, RESET_VALID,
    request_reset, reset_password, reset_with_code,
};

/// A session ends after this long without use…
pub const SESSION_IDLE: Duration = Duration::days(14);
/// …and this long after sign-in in any case.
pub const SESSION_ABSOLUTE: Duration = Duration::days(30);
/// How stale `last_seen_at` may get before a request refreshes it (one write per this, not per
/// request).
const TOUCH_EVERY: Duration = Duration::minutes(10);
/// A fixed-window rate limit.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Attempts allowed in a window.
    pub attempts: i32,
    /// The window.
    pub window: Duration,
}

// Sign-in limits count failures only (a wrong password, or a login with no account), never a
// sign-in with the right password, and they count them in three places:
//
// - per address, against one machine guessing across many accounts. Kazakh mobile operators put
//   thousands of phones behind one address (carrier-grade NAT), and an akimat signs forty
//   farmers in on its Wi-Fi in an afternoon, so the limit is sized for a crowd that mistypes:
//   a few hundred failures in 15 minutes is a town's worth of typos, and still far below what
//   a script guessing from one machine would try;
// - per account, against guessing one person's password from devices the account has not seen;
// - per known device and account: a browser that has signed in to the account before (its
//   device cookie, see `DEVICE_REMEMBERED`) is judged by its own failures alone, so neither a
//   stranger's guesses at the account nor guessing from the same shared address lock the owner
//   out.

/// Failed sign-ins from one address (not from a device known to the account; see above).
pub const SIGN_IN_FAILURES_PER_IP: Limit = Limit {
    attempts: 300,
    window: Duration::minutes(15),
};
/// Failed sign-ins to one account from devices it does not know (guessing one person's
/// password); after them, such devices are refused even the right password until the window
/// ends.
pub const SIGN_IN_FAILURES_PER_ACCOUNT: Limit = Limit {
    attempts: 5,
    window: Duration::minutes(15),
};
/// Failed sign-ins to one account from one device that has signed in to it before.
pub const SIGN_IN_FAILURES_PER_DEVICE: Limit = Limit {
    attempts: 5,
    window: Duration::minutes(15),
};
/// How long a device stays known after its last sign-in to an account (and how long its
/// cookie lives).
pub const DEVICE_REMEMBERED: Duration = Duration::days(365);
/// The devices an account remembers at most (the most recently seen).
const DEVICES_KEPT: u64 = 20;
/// Accounts created from one address. Sized, like the sign-in limits, for an address shared by
/// a whole mobile network or an akimat's sign-up day (sixty people in an afternoon are welcome),
/// so it only stops a script from one machine. The defence meant to carry the weight against mass
/// sign-ups is verifying the phone number with a code sent to it (being built with the SMS
/// gateway), not the address.
pub const SIGN_UP_PER_IP: Limit = Limit {
    attempts: 300,
    window: Duration::hours(1),
};

/// An attempt counted in a rate-limit bucket, which can be taken back (see [`refund`]).
#[derive(Clone, Debug)]
pub struct Counted {
    bucket: String,
}

/// Takes back an attempt [`limit`] counted (it turned out to be one the limit is not about).
pub async fn refund(db: &DatabaseConnection, counted: &Counted) -> Result<(), ServiceError> {
    Ok(q::unhit(db, &counted.bucket).await?)
}

/// Counts an attempt against `limit`; refuses it once the window is full, as `field`'s
/// `TooManyAttempts` (in the reader's language, like any field's error). The attempt is counted
/// before it is made, in one statement, so that many requests at once cannot all slip under
/// the limit; one that should not have counted is given back with [`refund`].
pub async fn limit(
    db: &DatabaseConnection,
    bucket: &str,
    limit: Limit,
    field: &str,
) -> Result<Counted, ServiceError> {
    let (hits, started) = q::hit(db, bucket, limit.window).await?;
    if hits > limit.attempts {
        let reopens = started.with_timezone(&Utc) + limit.window;
        let minutes = (reopens - Utc::now()).num_minutes().max(0) as u64 + 1;
        return Err(FieldError::new(field, Problem::TooManyAttempts { minutes }).into());
    }
    Ok(Counted {
        bucket: bucket.to_owned(),
    })
}

/// A session just created: the cookie's value and when it expires at the latest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    /// The cookie value (only its hash is stored).
    pub token: String,
    /// Absolute expiry.
    pub expires: DateTime<Utc>,
    /// The device cookie's new value, to be set for [`DEVICE_REMEMBERED`] (only its hash is
    /// stored): a device that signed in is known to the account from then on. `None` when
    /// the session did not start by signing in or up.
    pub device: Option<String>,
}

/// Who a request comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// The signed-in person, if any.
    pub principal: Option<Principal>,
    /// The hash of the session cookie presented, if any.
    pub session: Option<String>,
    /// The hash of the device cookie presented, if any (see [`DEVICE_REMEMBERED`]).
    pub device: Option<String>,
    /// The client address.
    pub ip: Option<String>,
    /// Unread notifications of the signed-in person (the bell in the header).
    pub unread: u64,
    /// The language the request states (address, cookie or `Accept-Language`): what the person
    /// is reading, remembered as theirs when a session starts. `None` for a client that states
    /// none, whose account keeps the language it had.
    pub lang: Option<Lang>,
}

impl Caller {
    /// The signed-in person, or `SignInRequired`.
    pub fn principal(&self) -> Result<&Principal, ServiceError> {
        self.principal.as_ref().ok_or(ServiceError::Denied(
            crate::domain::policy::Denied::SignInRequired,
        ))
    }
}

async fn start_session(db: &DatabaseConnection, user_id: i32) -> Result<NewSession, ServiceError> {
    let (token, hash) = new_token()?;
    let expires = Utc::now() + SESSION_ABSOLUTE;
    q::insert_session(db, hash, user_id, expires).await?;
    Ok(NewSession {
        token,
        expires,
        device: None,
    })
}

/// Remembers the caller's device for `user_id` and returns the device cookie's new value.
async fn remember_device(
    db: &DatabaseConnection,
    user_id: i32,
    caller: &Caller,
) -> Result<String, ServiceError> {
    let (token, hash) = new_token()?;
    q::remember_device(
        db,
        user_id,
        caller.device.as_deref(),
        &hash,
        Utc::now() - DEVICE_REMEMBERED,
        DEVICES_KEPT,
    )
    .await?;
    Ok(token)
}

/// The principal of a session cookie, if the session is live; refreshes its last use now and
/// then (idle expiry).
pub async fn principal_of(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<(Principal, String)>, ServiceError> {
    let hash = token_hash(token);
    let Some((session, user)) = q::live_session(db, &hash, SESSION_IDLE).await? else {
        return Ok(None);
    };
    if session.last_seen_at + TOUCH_EVERY < Utc::now() {
        q::touch_session(db, &hash).await?;
    }
    Ok(q::principal(&user).map(|p| (p, hash)))
}

/// What sign-up asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    /// Display name.
    pub name: String,
    /// Phone or e-mail.
    pub login: String,
    /// Password.
    pub password: String,
}

/// A new account's checked fields and password hash, ready to be inserted.
pub(crate) struct NewAccount {
    name: String,
    login: Login,
    hash: String,
}

/// Checks a new account's fields and hashes its password (slow on purpose: do it before
/// opening a transaction).
pub(crate) async fn prepare_account(
    hasher: &PasswordHasher,
    input: &SignUp,
) -> Result<NewAccount, ServiceError> {
    let name = parse_display_name("name", &input.name)?;
    let login = Login::parse("login", &input.login)?;
    check_password("password", &input.password, &login)?;
    let hash = hasher.hash(&input.password).await?;
    Ok(NewAccount { name, login, hash })
}

/// Inserts a prepared account; a login already taken is the login field's error.
pub(crate) async fn insert_account(
    db: &impl ConnectionTrait,
    account: &NewAccount,
    role: Role,
    scope: &Scope,
) -> Result<i32, ServiceError> {
    let new = q::NewUser {
        login: &account.login,
        password_hash: account.hash.clone(),
        display_name: &account.name,
        role,
        scope,
        demo: false,
    };
    match q::insert_user(db, new).await {
        Ok(id) => Ok(id),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(FieldError::new("login", Problem::AccountExists).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Starts a session for a user who just got their account (`why`: how, for the audit log).
pub(crate) async fn session_for(
    db: &DatabaseConnection,
    user_id: i32,
    caller: &Caller,
    why: &str,
) -> Result<NewSession, ServiceError> {
    let session = start_session(db, user_id).await?;
    if let Some(lang) = caller.lang {
        q::set_lang(db, user_id, lang).await?;
    }
    q::audit(
        db,
        "sign_in",
        Some(user_id),
        Some(user_id),
        caller.ip.as_deref(),
        why,
    )
    .await?;
    Ok(session)
}

/// Creates an entrepreneur's account and signs them in.
#[instrument(skip_all)]
pub async fn sign_up(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    input: &SignUp,
    caller: &Caller,
) -> Result<NewSession, ServiceError> {
    if let Some(ip) = &caller.ip {
        limit(db, &format!("sign_up:ip:{ip}"), SIGN_UP_PER_IP, "login").await?;
    }
    let account = prepare_account(hasher, input).await?;
    let user_id = insert_account(db, &account, Role::Entrepreneur, &Scope::None).await?;
    let login = account.login;
    q::audit(
        db,
        "sign_up",
        Some(user_id),
        Some(user_id),
        caller.ip.as_deref(),
        login.as_str(),
    )
    .await?;
    // A phone account is sent its code at once; it works for browsing and the profile until
    // the number is proved, and submits after.
    phones::send_code(db, user_id, caller, Utc::now()).await?;
    let mut session = session_for(db, user_id, caller, "after sign-up").await?;
    session.device = Some(remember_device(db, user_id, caller).await?);
    Ok(session)
}

/// Signs in with a login and password. The old session presented (if any) is ended and a new
/// one with a new id is started, so an id planted before sign-in is worthless after it.
/// Failures say only that the pair is wrong. Only failures count towards the limits (see
/// [`SIGN_IN_FAILURES_PER_IP`]): a device the account knows is judged by its own failures,
/// any other by the address's and the account's.
#[instrument(skip_all)]
pub async fn sign_in(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    login: &str,
    password: &str,
    caller: &Caller,
) -> Result<(NewSession, Principal), ServiceError> {
    let login = Login::parse("login", login)?;
    let user = q::user_by_login(db, &login).await?;
    // Looked up whether or not the account exists (no account has id 0), so that the time an
    // answer takes does not tell.
    let known = match &caller.device {
        Some(device) => {
            let user_id = user.as_ref().map_or(0, |u| u.id);
            q::known_device(db, device, user_id, Utc::now() - DEVICE_REMEMBERED).await?
        }
        None => false,
    };
    // Each attempt is counted before the password is checked (so that a burst of guesses at
    // once cannot all get through), and given back if the password is right.
    let (device_bucket, address, account_bucket) = match (&user, &caller.device) {
        (Some(user), Some(device)) if known => {
            let bucket = format!("sign_in:device:{}:{device}", user.id);
            limit(db, &bucket, SIGN_IN_FAILURES_PER_DEVICE, "login").await?;
            (Some(bucket), None, None)
        }
        _ => {
            let address = match &caller.ip {
                Some(ip) => Some(
                    limit(
                        db,
                        &format!("sign_in:ip:{ip}"),
                        SIGN_IN_FAILURES_PER_IP,
                        "login",
                    )
                    .await?,
                ),
                None => None,
            };
            // Keyed by the login as typed (normalised), whether or not it has an account, so
            // that a refusal says nothing about who has one.
            let bucket = format!("sign_in:account:{}", login.as_str());
            limit(db, &bucket, SIGN_IN_FAILURES_PER_ACCOUNT, "login").await?;
            (None, address, Some(bucket))
        }
    };
    let verified = hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    let principal = user.as_ref().filter(|_| verified).and_then(q::principal);
    let Some(principal) = principal else {
        q::audit(
            db,
            "sign_in_failed",
            user.as_ref().map(|u| u.id),
            None,
            caller.ip.as_deref(),
            login.as_str(),
        )
        .await?;
        return Err(FieldError::new("login", Problem::WrongCredentials).into());
    };
    // A right password is not what the limits are about: the address gets its attempt back,
    // and the count it was judged by (the device's, or the account's from unknown devices)
    // starts again, so that a person signing in on several devices is never locked out. The
    // owner signing in on a known device leaves the strangers' count at the account as it is.
    if let Some(address) = &address {
        refund(db, address).await?;
    }
    for bucket in [&device_bucket, &account_bucket].into_iter().flatten() {
        q::clear_hits(db, bucket).await?;
    }
    if let Some(old) = &caller.session {
        q::delete_session(db, old).await?;
    }
    let mut session = start_session(db, principal.user_id).await?;
    session.device = Some(remember_device(db, principal.user_id, caller).await?);
    if let Some(lang) = caller.lang {
        q::set_lang(db, principal.user_id, lang).await?;
    }
    q::audit(
        db,
        "sign_in",
        Some(principal.user_id),
        Some(principal.user_id),
        caller.ip.as_deref(),
        if known { "known device" } else { "" },
    )
    .await?;
    Ok((session, principal))
}

/// Ends the caller's session.
pub async fn sign_out(db: &DatabaseConnection, caller: &Caller) -> Result<(), ServiceError> {
    if let Some(session) = &caller.session {
        q::delete_session(db, session).await?;
    }
    if let Some(p) = &caller.principal {
        q::audit(
            db,
            "sign_out",
            Some(p.user_id),
            Some(p.user_id),
            caller.ip.as_deref(),
            "",
        )
        .await?;
    }
    Ok(())
}

/// Changes the caller's password after checking the current one; every other session of the
/// account ends.
pub async fn change_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    caller: &Caller,
    current: &str,
    new: &str,
) -> Result<(), ServiceError> {
    let p = caller.principal()?;
    allow(Some(p), &Action::ManageOwnAccount)?;
    let user = q::user(db, p.user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !hasher.verify(current, Some(&user.password_hash)).await? {
        return Err(FieldError::new("current", Problem::WrongCredentials).into());
    }
    let login = user
        .phone
        .as_deref()
        .or(user.email.as_deref())
        .map(|l| Login::parse("login", l))
        .transpose()?;
    if let Some(login) = &login {
        check_password("password", new, login)?;
    }
    q::set_password(db, p.user_id, hasher.hash(new).await?).await?;
    q::delete_other_sessions(db, p.user_id, caller.session.as_deref()).await?;
    q::audit(
        db,
        "password_changed",
        Some(p.user_id),
        Some(p.user_id),
        caller.ip.as_deref(),
        "",
    )
    .await?;
    Ok(())
}

/// The caller's account.
pub async fn account(
    db: &DatabaseConnection,
    caller: &Caller,
    lang: Lang,
) -> Result<AccountView, ServiceError> {
    let p = caller.principal()?;
    allow(Some(p), &Action::ManageOwnAccount)?;
    let user = q::user(db, p.user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(AccountView {
        display_name: user.display_name,
        role: p.role,
        phone_unverified: user.phone.is_some() && user.phone_verified_at.is_none(),
        alerts_in_app: user.alerts_in_app,
        alerts_by_message: user.alerts_by_message,
        login: user.phone.or(user.email).unwrap_or_default(),
        scope: scope_name(db, &p.scope, lang).await?,
    })
}

/// Records which alerts about new programmes the signed-in person wants: in the bell, and by
/// SMS or e-mail. Codes, decisions and information requests are owed and always sent.
#[instrument(skip_all)]
pub async fn choose_alerts(
    db: &DatabaseConnection,
    caller: &Caller,
    in_app: bool,
    by_message: bool,
) -> Result<(), ServiceError> {
    let p = caller.principal()?;
    db::alerts::set_alert_choices(db, p.user_id, in_app, by_message).await?;
    Ok(())
}

/// Demo accounts, one per role (and a second entrepreneur, akim and operator for tenancy
/// checks), all with [`DEMO_PASSWORD`]. Created with the demo catalogue; listed in the README.
pub async fn ensure_demo_accounts(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
) -> Result<usize, ServiceError> {
    if q::demo_accounts(db).await? > 0 {
        return Ok(0);
    }
    let organisations = db::catalog::organisation_ids(db).await?;
    let org = |slug: &str| organisations.get(slug).copied().map(Scope::Organisation);
    let okrug = |code: &str| {
        crate::domain::location::KatoCode::parse(code)
            .ok()
            .map(Scope::Okrug)
    };
    let accounts: Vec<(&str, &str, Role, Option<Scope>)> = vec![
        (
            "+77010000001",
            "Айгүл Серікқызы",
            Role::Entrepreneur,
            Some(Scope::None),
        ),
        (
            "+77010000002",
            "Ерлан Тасов",
            Role::Entrepreneur,
            Some(Scope::None),
        ),
        (
            "+77010000003",
            "Бауыржан Әбенов",
            Role::Akim,
            okrug("101033000"),
        ),
        (
            "+77010000004",
            "Гүлнар Омарова",
            Role::AkimatStaff,
            okrug("101033000"),
        ),
        (
            "+77010000005",
            "Нұрлан Жақсыбеков",
            Role::Akim,
            okrug("611633000"),
        ),
        (
            // Answers residents' complaints about the okrug akimats of Semey's district,
            // Abraly's (101033000) among them.
            "+77010000006",
            "Жанар Сейітова",
            Role::DistrictStaff,
            crate::domain::location::KatoCode::parse("101000000")
                .ok()
                .map(Scope::District),
        ),
        (
            "operator@agrocredit.demo",
            "Динара Ким",
            Role::Operator,
            org("agrocredit"),
        ),
        (
            "admin@agrocredit.demo",
            "Серік Әлиев",
            Role::OrgAdmin,
            org("agrocredit"),
        ),
        (
            "operator@damu.demo",
            "Асель Нурланова",
            Role::OrgAdmin,
            org("damu"),
        ),
        (
            "admin@auyl.demo",
            "Администратор платформы",
            Role::Admin,
            Some(Scope::None),
        ),
    ];
    // One hash for all: they share the demo password, and hashing is deliberately slow.
    let hash = hasher.hash(DEMO_PASSWORD).await?;
    let mut made = 0;
    for (login, name, role, scope) in accounts {
        let (Ok(login), Some(scope)) = (Login::parse("login", login), scope) else {
            continue;
        };
        let new = q::NewUser {
            login: &login,
            password_hash: hash.clone(),
            display_name: name,
            role,
            scope: &scope,
            demo: true,
        };
        q::insert_user(db, new).await?;
        made += 1;
    }
    tracing::info!(
        accounts = made,
        "created the demo accounts (password in the README)"
    );
    Ok(made)
}

/// The password of every demo account (documented in the README; refused in production).
pub const DEMO_PASSWORD: &str = "demo-parol-2026";
/// The okrug or organisation of a scope, by name in `lang` (`None` for no scope).
pub async fn scope_name(
    db: &DatabaseConnection,
    scope: &Scope,
    lang: Lang,
) -> Result<Option<String>, ServiceError> {
    Ok(match scope {
        Scope::None => None,
        Scope::Okrug(code) | Scope::District(code) => {
            let places = db::locations::places(db, &[code.to_string()]).await?;
            Some(places.get(code.as_str()).map_or_else(
                || code.to_string(),
                |p| {
                    let name = match (&p.name_kk, lang) {
                        (Some(kk), Lang::Kk) => kk,
                        _ => &p.name_ru,
                    };
                    format!("{name} ({code})")
                },
            ))
        }
        Scope::Organisation(id) => Some(db::catalog::organisation(db, *id).await?.map_or_else(
            || id.to_string(),
            |o| match lang {
                Lang::Kk if !o.name_kk.is_empty() => o.name_kk,
                _ => o.name_ru,
            },
        )),
    })
}

#[cfg(test)]
mod reset_tests;
#[cfg(test)]
mod tests;
