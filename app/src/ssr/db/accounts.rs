//! Queries on accounts: users, sessions, known devices, password resets, invitations, rate
//! limits and the audit log.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::entities::{
    audit_log, invitations, known_devices, password_resets, rate_limits, sessions, users,
};
use crate::domain::account::{Login, Principal, Role, Scope};
use crate::domain::i18n::Lang;
use crate::domain::location::KatoCode;

fn now() -> DateTime<FixedOffset> {
    Utc::now().fixed_offset()
}

/// The principal of a user row, or `None` if the row is not a valid account (disabled, or a
/// role without its scope).
pub fn principal(u: &users::Model) -> Option<Principal> {
    if u.disabled_at.is_some() {
        return None;
    }
    let role = Role::parse(&u.role)?;
    let okrug = u
        .okrug_code
        .as_deref()
        .and_then(|c| KatoCode::parse(c).ok());
    let scope = Scope::for_role(role, okrug, u.organisation_id)?;
    Some(Principal {
        user_id: u.id,
        role,
        scope,
        display_name: u.display_name.clone(),
    })
}

/// The user signing in with `login`.
pub async fn user_by_login(
    db: &impl ConnectionTrait,
    login: &Login,
) -> Result<Option<users::Model>, DbErr> {
    let column = match login {
        Login::Phone(_) => users::Column::Phone,
        Login::Email(_) => users::Column::Email,
    };
    users::Entity::find()
        .filter(column.eq(login.as_str()))
        .one(db)
        .await
}

/// A user by id.
pub async fn user(db: &impl ConnectionTrait, id: i32) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

/// What a new account is made of.
pub struct NewUser<'a> {
    /// How they sign in.
    pub login: &'a Login,
    /// Their password's hash.
    pub password_hash: String,
    /// Their name.
    pub display_name: &'a str,
    /// Their role and where it applies.
    pub role: Role,
    /// Their scope.
    pub scope: &'a Scope,
    /// Whether it is a demo account.
    pub demo: bool,
}

/// Creates an account; a unique violation means the login is taken.
pub async fn insert_user(db: &impl ConnectionTrait, u: NewUser<'_>) -> Result<i32, DbErr> {
    let now = now();
    let (phone, email) = match u.login {
        Login::Phone(p) => (Some(p.clone()), None),
        Login::Email(e) => (None, Some(e.clone())),
    };
    let (okrug, organisation) = match u.scope {
        Scope::None => (None, None),
        // A district's code is kept in the same column: the role says which level it is.
        Scope::Okrug(o) | Scope::District(o) => (Some(o.to_string()), None),
        Scope::Organisation(id) => (None, Some(*id)),
    };
    let row = users::ActiveModel {
        id: NotSet,
        phone: Set(phone),
        email: Set(email),
        password_hash: Set(u.password_hash),
        display_name: Set(u.display_name.to_owned()),
        role: Set(u.role.as_str().to_owned()),
        okrug_code: Set(okrug),
        organisation_id: Set(organisation),
        demo: Set(u.demo),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        // Set at sign-up and each sign-in (see `set_lang`); staff created by invitation get
        // theirs when they first sign in.
        lang: Set(None),
        // A phone is proved by a code after sign-up (`services::phones`); a demo account's
        // made-up number has nothing to prove.
        phone_verified_at: Set(u.demo.then_some(now)),
        alerts_in_app: Set(true),
        alerts_by_message: Set(true),
    };
    Ok(users::Entity::insert(row).exec(db).await?.last_insert_id)
}

/// Replaces a user's password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i32,
    hash: String,
) -> Result<(), DbErr> {
    users::Entity::update(users::ActiveModel {
        id: Set(user_id),
        password_hash: Set(hash),
        updated_at: Set(now()),
        ..Default::default()
    })
    .exec(db)
    .await
    .map(|_| ())
}

/// Disables an account (staff removed); their sessions end with it.
pub async fn disable(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    users::Entity::update(users::ActiveModel {
        id: Set(user_id),
        disabled_at: Set(Some(now())),
        updated_at: Set(now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Active staff of a scope (akims and akimat staff of an okrug, operators of an organisation).
pub async fn staff(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<users::Model>, DbErr> {
    let query = users::Entity::find()
        .filter(users::Column::DisabledAt.is_null())
        .order_by_asc(users::Column::Id);
    let query = match scope {
        Scope::Okrug(o) | Scope::District(o) => {
            query.filter(users::Column::OkrugCode.eq(o.to_string()))
        }
        Scope::Organisation(id) => query.filter(users::Column::OrganisationId.eq(*id)),
        Scope::None => query.filter(users::Column::Role.ne(Role::Entrepreneur.as_str())),
    };
    query.all(db).await
}

/// Whether any demo account exists (production refuses to start then).
pub async fn demo_accounts(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    users::Entity::find()
        .filter(users::Column::Demo.eq(true))
        .count(db)
        .await
}

/// Stores a new session.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    id_hash: String,
    user_id: i32,
    expires: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = now();
    let row = sessions::ActiveModel {
        id_hash: Set(id_hash),
        user_id: Set(user_id),
        last_seen_at: Set(now),
        expires_at: Set(expires.fixed_offset()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    sessions::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// The live session with this id hash and its user: not past its absolute expiry, seen within
/// `idle`, user not disabled.
pub async fn live_session(
    db: &impl ConnectionTrait,
    id_hash: &str,
    idle: Duration,
) -> Result<Option<(sessions::Model, users::Model)>, DbErr> {
    let now = Utc::now();
    let found = sessions::Entity::find_by_id(id_hash.to_owned())
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((s, Some(u)))
            if s.expires_at > now && s.last_seen_at + idle > now && u.disabled_at.is_none() =>
        {
            Some((s, u))
        }
        _ => None,
    })
}

/// Marks a session as used now.
pub async fn touch_session(db: &impl ConnectionTrait, id_hash: &str) -> Result<(), DbErr> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now()))
        .filter(sessions::Column::IdHash.eq(id_hash))
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends a session.
pub async fn delete_session(db: &impl ConnectionTrait, id_hash: &str) -> Result<(), DbErr> {
    sessions::Entity::delete_by_id(id_hash.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends every session of a user except `keep`.
pub async fn delete_other_sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    keep: Option<&str>,
) -> Result<(), DbErr> {
    let mut q = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        q = q.filter(sessions::Column::IdHash.ne(keep));
    }
    q.exec(db).await.map(|_| ())
}

/// Whether the device whose cookie hashes to `token_hash` has signed in to `user_id` since
/// `since`.
pub async fn known_device(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i32,
    since: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(
        known_devices::Entity::find_by_id((token_hash.to_owned(), user_id))
            .one(db)
            .await?
            .is_some_and(|d| d.last_seen_at > since),
    )
}

/// Remembers that a device signed in to `user_id`. Its cookie changes at every sign-in: the
/// rows of the cookie it presented (`old`, the accounts it is known for) move to the new one
/// (`new`), so a cookie planted in someone's browser is worthless after they sign in; then the
/// row for `user_id` is made or refreshed, and the account's devices unseen since `since`, or
/// beyond its `keep` most recently seen, are forgotten.
pub async fn remember_device(
    db: &impl ConnectionTrait,
    user_id: i32,
    old: Option<&str>,
    new: &str,
    since: DateTime<Utc>,
    keep: u64,
) -> Result<(), DbErr> {
    let now = now();
    if let Some(old) = old {
        known_devices::Entity::update_many()
            .col_expr(known_devices::Column::TokenHash, Expr::value(new))
            .col_expr(known_devices::Column::UpdatedAt, Expr::value(now))
            .filter(known_devices::Column::TokenHash.eq(old))
            .exec(db)
            .await?;
    }
    let row = known_devices::ActiveModel {
        token_hash: Set(new.to_owned()),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        updated_at: Set(now),
    };
    known_devices::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                known_devices::Column::TokenHash,
                known_devices::Column::UserId,
            ])
            .update_columns([
                known_devices::Column::LastSeenAt,
                known_devices::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    known_devices::Entity::delete_many()
        .filter(known_devices::Column::UserId.eq(user_id))
        .filter(known_devices::Column::LastSeenAt.lte(since.fixed_offset()))
        .exec(db)
        .await?;
    // A handful of rows (this keeps them to `keep` at every sign-in), so skipped here rather
    // than with an OFFSET, which SQLite takes only after a LIMIT.
    let beyond: Vec<String> = known_devices_of(db, user_id)
        .await?
        .into_iter()
        .skip(usize::try_from(keep).unwrap_or(usize::MAX))
        .collect();
    if !beyond.is_empty() {
        known_devices::Entity::delete_many()
            .filter(known_devices::Column::UserId.eq(user_id))
            .filter(known_devices::Column::TokenHash.is_in(beyond))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The devices known for `user_id` (the hashes of their cookies), most recently seen first.
pub async fn known_devices_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<String>, DbErr> {
    known_devices::Entity::find()
        .select_only()
        .column(known_devices::Column::TokenHash)
        .filter(known_devices::Column::UserId.eq(user_id))
        .order_by_desc(known_devices::Column::LastSeenAt)
        .order_by_desc(known_devices::Column::TokenHash)
        .into_tuple()
        .all(db)
        .await
}

/// Remembers the language a person reads (their e-mails go out in it).
pub async fn set_lang(db: &impl ConnectionTrait, user_id: i32, lang: Lang) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::Lang, Expr::value(lang.code()))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Stores a password-reset token's hash.
pub async fn insert_reset(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: i32,
    expires: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = now();
    let row = password_resets::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        expires_at: Set(expires.fixed_offset()),
        used_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    password_resets::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Uses a reset token: returns its user if it was valid, and makes it invalid in the same
/// statement, so it cannot be used twice even by two requests at once.
/// The account of a reset link that still works (unused, unexpired), without using it up.
pub async fn live_reset(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<i32>, DbErr> {
    Ok(password_resets::Entity::find_by_id(token_hash.to_owned())
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now()))
        .one(db)
        .await?
        .map(|r| r.user_id))
}

pub async fn use_reset(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<i32>, DbErr> {
    let now = now();
    let Some(reset) = password_resets::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let used = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::TokenHash.eq(token_hash))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok((used.rows_affected == 1).then_some(reset.user_id))
}

/// Stores an invitation.
pub async fn insert_invitation(
    db: &impl ConnectionTrait,
    token_hash: String,
    role: Role,
    scope: &Scope,
    note: &str,
    invited_by: i32,
    expires: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let now = now();
    let (okrug, organisation) = match scope {
        Scope::None => (None, None),
        // A district's code is kept in the same column: the role says which level it is.
        Scope::Okrug(o) | Scope::District(o) => (Some(o.to_string()), None),
        Scope::Organisation(id) => (None, Some(*id)),
    };
    let row = invitations::ActiveModel {
        id: NotSet,
        token_hash: Set(token_hash),
        role: Set(role.as_str().to_owned()),
        okrug_code: Set(okrug),
        organisation_id: Set(organisation),
        note: Set(note.to_owned()),
        invited_by: Set(invited_by),
        expires_at: Set(expires.fixed_offset()),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(invitations::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// An invitation by its token's hash, if it can still be accepted.
pub async fn open_invitation(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<invitations::Model>, DbErr> {
    Ok(invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > Utc::now()))
}

/// An invitation by id.
pub async fn invitation(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<invitations::Model>, DbErr> {
    invitations::Entity::find_by_id(id).one(db).await
}

/// Marks an invitation accepted by `user_id`; `false` if it was accepted or revoked meanwhile.
pub async fn accept_invitation(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
) -> Result<bool, DbErr> {
    let r = invitations::Entity::update_many()
        .col_expr(invitations::Column::AcceptedAt, Expr::value(now()))
        .col_expr(invitations::Column::AcceptedBy, Expr::value(user_id))
        .filter(invitations::Column::Id.eq(id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Revokes an invitation that is still open.
pub async fn revoke_invitation(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let r = invitations::Entity::update_many()
        .col_expr(invitations::Column::RevokedAt, Expr::value(now()))
        .filter(invitations::Column::Id.eq(id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Invitations of a scope (all of them for `Scope::None`, the admin's view), newest first.
pub async fn invitations_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<Vec<invitations::Model>, DbErr> {
    let q = invitations::Entity::find()
        .order_by_desc(invitations::Column::Id)
        .limit(200);
    let q = match scope {
        Scope::Okrug(o) | Scope::District(o) => {
            q.filter(invitations::Column::OkrugCode.eq(o.to_string()))
        }
        Scope::Organisation(id) => q.filter(invitations::Column::OrganisationId.eq(*id)),
        Scope::None => q,
    };
    q.all(db).await
}

/// Counts one attempt in a fixed window and returns how many there have been in it, with the
/// window's start. One statement, so concurrent requests from several instances all count.
pub async fn hit(
    db: &impl ConnectionTrait,
    bucket: &str,
    window: Duration,
) -> Result<(i32, DateTime<FixedOffset>), DbErr> {
    #[derive(FromQueryResult)]
    struct Counted {
        hits: i32,
        window_start: DateTime<FixedOffset>,
    }
    let now = now();
    let cutoff = now - window;
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO rate_limits (bucket, window_start, hits, created_at, updated_at) VALUES ($1, $2, 1, $2, $2) \
             ON CONFLICT (bucket) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start < $3 THEN 1 ELSE rate_limits.hits + 1 END, \
               window_start = CASE WHEN rate_limits.window_start < $3 THEN $2 ELSE rate_limits.window_start END, \
               updated_at = $2 \
             RETURNING hits, window_start"
        }
        _ => {
            "INSERT INTO rate_limits (bucket, window_start, hits, created_at, updated_at) VALUES (?1, ?2, 1, ?2, ?2) \
             ON CONFLICT (bucket) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start < ?3 THEN 1 ELSE rate_limits.hits + 1 END, \
               window_start = CASE WHEN rate_limits.window_start < ?3 THEN ?2 ELSE rate_limits.window_start END, \
               updated_at = ?2 \
             RETURNING hits, window_start"
        }
    };
    let stmt =
        Statement::from_sql_and_values(backend, sql, [bucket.into(), now.into(), cutoff.into()]);
    let row = Counted::find_by_statement(stmt)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Custom("rate limit upsert returned nothing".into()))?;
    Ok((row.hits, row.window_start))
}

/// Takes back one attempt counted in `bucket` (it turned out not to be one the limit is about,
/// such as a sign-in with the right password). Should the window have turned over since it was
/// counted, the new window loses one, which only ever allows one attempt more.
pub async fn unhit(db: &impl ConnectionTrait, bucket: &str) -> Result<(), DbErr> {
    rate_limits::Entity::update_many()
        .col_expr(
            rate_limits::Column::Hits,
            Expr::col(rate_limits::Column::Hits).sub(1),
        )
        .filter(rate_limits::Column::Bucket.eq(bucket))
        .filter(rate_limits::Column::Hits.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Empties rate-limit `bucket` (a sign-in that succeeded clears its account's failures).
pub async fn clear_hits(db: &impl ConnectionTrait, bucket: &str) -> Result<(), DbErr> {
    rate_limits::Entity::delete_by_id(bucket.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Appends to the security audit log.
pub async fn audit(
    db: &impl ConnectionTrait,
    event: &str,
    user_id: Option<i32>,
    actor_id: Option<i32>,
    ip: Option<&str>,
    detail: &str,
) -> Result<(), DbErr> {
    let now = now();
    let row = audit_log::ActiveModel {
        id: NotSet,
        event: Set(event.to_owned()),
        user_id: Set(user_id),
        actor_id: Set(actor_id),
        ip: Set(ip.map(str::to_owned)),
        detail: Set(detail.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    audit_log::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// The latest audit entries.
pub async fn audit_tail(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
