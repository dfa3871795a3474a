//! Invitations and staff. Akims, akimat staff, operators and admins get their accounts only
//! through an invitation link from someone allowed to give that role in that scope (the
//! policy decides who); nobody can declare themselves one.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;

use super::ServiceError;
use super::accounts::{Caller, NewSession, SignUp};
use crate::domain::account::{InvitationOffer, InvitationView, Role, Scope, StaffView};
use crate::domain::i18n::Lang;
use crate::domain::location::{KatoCode, Level};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, allow};
use crate::ssr::db::{self, accounts as q};
use crate::ssr::security::{PasswordHasher, new_token, token_hash};

/// How long an invitation link works.
pub const INVITATION_VALID: Duration = Duration::days(7);

/// The scope an invitation form asks for, parsed: the okrug code for akims and akimat staff,
/// the organisation's slug for operators. The caller's own scope when they may only invite
/// within it and left the field empty.
async fn parse_scope(
    db: &DatabaseConnection,
    inviter: &Scope,
    role: Role,
    okrug: &str,
    organisation: &str,
) -> Result<Scope, ServiceError> {
    if role.needs_district() {
        // The platform admin names the district in the same KATO field as an okrug.
        let code = KatoCode::parse(okrug.trim())
            .map_err(|_| FieldError::new("okrug", Problem::RegionFormat))?;
        if code.level() != Level::District
            || db::locations::existing(db, &[code.to_string()])
                .await?
                .is_empty()
        {
            return Err(
                FieldError::new("okrug", Problem::UnknownReference(code.to_string())).into(),
            );
        }
        return Ok(Scope::District(code));
    }
    if role.needs_okrug() {
        let raw = okrug.trim();
        if raw.is_empty()
            && let Scope::Okrug(own) = inviter
        {
            return Ok(Scope::Okrug(own.clone()));
        }
        let code =
            KatoCode::parse(raw).map_err(|_| FieldError::new("okrug", Problem::RegionFormat))?;
        if code.level() != Level::Okrug
            || db::locations::existing(db, &[code.to_string()])
                .await?
                .is_empty()
        {
            return Err(
                FieldError::new("okrug", Problem::UnknownReference(code.to_string())).into(),
            );
        }
        return Ok(Scope::Okrug(code));
    }
    if role.needs_organisation() {
        let raw = organisation.trim();
        if raw.is_empty()
            && let Scope::Organisation(own) = inviter
        {
            return Ok(Scope::Organisation(*own));
        }
        let id = db::catalog::organisation_ids(db)
            .await?
            .get(raw)
            .copied()
            .ok_or_else(|| {
                FieldError::new("organisation", Problem::UnknownReference(raw.to_owned()))
            })?;
        return Ok(Scope::Organisation(id));
    }
    Ok(Scope::None)
}

/// Creates an invitation; returns the token (shown once, in the link) and the invitation's id.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    role: &str,
    okrug: &str,
    organisation: &str,
    note: &str,
) -> Result<(String, i32), ServiceError> {
    let p = caller.principal()?;
    let role = Role::parse(role)
        .ok_or_else(|| FieldError::new("role", Problem::UnknownReference(role.to_owned())))?;
    let scope = parse_scope(db, &p.scope, role, okrug, organisation).await?;
    allow(
        Some(p),
        &Action::Invite {
            role,
            scope: &scope,
        },
    )?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(FieldError::new("note", Problem::TooLong { max: 200 }).into());
    }
    let (token, hash) = new_token()?;
    let id = q::insert_invitation(
        db,
        hash,
        role,
        &scope,
        note,
        p.user_id,
        Utc::now() + INVITATION_VALID,
    )
    .await?;
    q::audit(
        db,
        "invitation_created",
        None,
        Some(p.user_id),
        caller.ip.as_deref(),
        &format!("invitation {id}: {} {scope:?}", role.as_str()),
    )
    .await?;
    Ok((token, id))
}

fn status(i: &db::entities::invitations::Model) -> &'static str {
    if i.accepted_at.is_some() {
        "accepted"
    } else if i.revoked_at.is_some() {
        "revoked"
    } else if i.expires_at < Utc::now() {
        "expired"
    } else {
        "pending"
    }
}

fn scope_of(i: &db::entities::invitations::Model) -> Option<(Role, Scope)> {
    let role = Role::parse(&i.role)?;
    let okrug = i
        .okrug_code
        .as_deref()
        .and_then(|c| KatoCode::parse(c).ok());
    Some((role, Scope::for_role(role, okrug, i.organisation_id)?))
}

/// The invitations the caller may see: all for an admin, their scope's otherwise.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    lang: Lang,
) -> Result<Vec<InvitationView>, ServiceError> {
    let p = caller.principal()?;
    allow(Some(p), &Action::ViewStaff { scope: &p.scope })?;
    let rows = q::invitations_of(
        db,
        if p.role == Role::Admin {
            &Scope::None
        } else {
            &p.scope
        },
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for i in rows {
        let Some((role, scope)) = scope_of(&i) else {
            continue;
        };
        out.push(InvitationView {
            id: i.id,
            role,
            scope: super::accounts::scope_name(db, &scope, lang).await?,
            status: status(&i).into(),
            note: i.note,
            created_at: i.created_at.with_timezone(&Utc),
        });
    }
    Ok(out)
}

/// Revokes a pending invitation.
pub async fn revoke(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<(), ServiceError> {
    let p = caller.principal()?;
    let invitation = q::invitation(db, id).await?.ok_or(ServiceError::NotFound)?;
    let (role, scope) = scope_of(&invitation).ok_or(ServiceError::NotFound)?;
    // Someone who may not see it must not learn that it exists.
    allow(Some(p), &Action::ViewStaff { scope: &scope }).map_err(|_| ServiceError::NotFound)?;
    allow(
        Some(p),
        &Action::RemoveStaff {
            role,
            scope: &scope,
            user_id: None,
        },
    )?;
    if q::revoke_invitation(db, id).await? {
        q::audit(
            db,
            "invitation_revoked",
            None,
            Some(p.user_id),
            caller.ip.as_deref(),
            &format!("invitation {id}"),
        )
        .await?;
    }
    Ok(())
}

/// The invitation of a link, if it can still be accepted.
pub async fn open(
    db: &DatabaseConnection,
    token: &str,
    lang: Lang,
) -> Result<InvitationOffer, ServiceError> {
    let invalid = || ServiceError::Invalid(FieldError::new("token", Problem::LinkInvalid));
    let i = q::open_invitation(db, &token_hash(token))
        .await?
        .ok_or_else(invalid)?;
    let (role, scope) = scope_of(&i).ok_or_else(invalid)?;
    Ok(InvitationOffer {
        role,
        scope: super::accounts::scope_name(db, &scope, lang).await?,
    })
}

/// Accepts an invitation: creates the account with the invitation's role and scope and signs
/// the person in.
pub async fn accept(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    token: &str,
    input: &SignUp,
    caller: &Caller,
) -> Result<NewSession, ServiceError> {
    let invalid = || ServiceError::Invalid(FieldError::new("token", Problem::LinkInvalid));
    let i = q::open_invitation(db, &token_hash(token))
        .await?
        .ok_or_else(invalid)?;
    let (role, scope) = scope_of(&i).ok_or_else(invalid)?;
    let account = super::accounts::prepare_account(hasher, input).await?;
    // The account and the invitation's acceptance commit together: when someone else took or
    // revoked the invitation meanwhile, nothing is kept and the login stays free.
    let txn = db::begin_write(db).await?;
    let user_id = super::accounts::insert_account(&txn, &account, role, &scope).await?;
    if !q::accept_invitation(&txn, i.id, user_id).await? {
        return Err(invalid());
    }
    q::audit(
        &txn,
        "invitation_accepted",
        Some(user_id),
        Some(i.invited_by),
        caller.ip.as_deref(),
        &format!("invitation {}", i.id),
    )
    .await?;
    q::audit(
        &txn,
        "role_changed",
        Some(user_id),
        Some(i.invited_by),
        caller.ip.as_deref(),
        &format!("{} {scope:?}", role.as_str()),
    )
    .await?;
    txn.commit().await?;
    super::accounts::session_for(db, user_id, caller, "after accepting an invitation").await
}

/// The staff of the caller's scope (every non-entrepreneur account for an admin).
pub async fn staff(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<StaffView>, ServiceError> {
    let p = caller.principal()?;
    allow(Some(p), &Action::ViewStaff { scope: &p.scope })?;
    let rows = q::staff(
        db,
        if p.role == Role::Admin {
            &Scope::None
        } else {
            &p.scope
        },
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|u| {
            let principal = q::principal(&u)?;
            let removable = allow(
                Some(p),
                &Action::RemoveStaff {
                    role: principal.role,
                    scope: &principal.scope,
                    user_id: Some(u.id),
                },
            )
            .is_ok();
            Some(StaffView {
                user_id: u.id,
                display_name: u.display_name,
                role: principal.role,
                login: u.phone.or(u.email).unwrap_or_default(),
                removable,
            })
        })
        .collect())
}

/// Removes a staff member's access (the account is disabled; its sessions end).
pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    user_id: i32,
) -> Result<(), ServiceError> {
    let p = caller.principal()?;
    let user = q::user(db, user_id).await?.ok_or(ServiceError::NotFound)?;
    let target = q::principal(&user).ok_or(ServiceError::NotFound)?;
    allow(
        Some(p),
        &Action::ViewStaff {
            scope: &target.scope,
        },
    )
    .map_err(|_| ServiceError::NotFound)?;
    allow(
        Some(p),
        &Action::RemoveStaff {
            role: target.role,
            scope: &target.scope,
            user_id: Some(user_id),
        },
    )?;
    q::disable(db, user_id).await?;
    q::audit(
        db,
        "staff_removed",
        Some(user_id),
        Some(p.user_id),
        caller.ip.as_deref(),
        target.role.as_str(),
    )
    .await?;
    Ok(())
}
