//! The organisation's API keys: made by its administrator, shown once, stored as a hash,
//! revoked by hand; a lender's system presents one as a bearer token.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use crate::domain::account::Principal;
use crate::domain::params::{FieldError, Problem};
use crate::domain::portfolio::ApiKeyLine;
use crate::ssr::db;
use crate::ssr::services::{ServiceError, org_admin_of};

/// How a key begins: readable in a log or a config file as this platform's.
const KEY_PREFIX: &str = "auyl_";

/// The organisation's keys.
pub async fn api_keys(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<ApiKeyLine>, ServiceError> {
    let (org, _) = org_admin_of(who)?;
    Ok(db::loans::keys(db, org)
        .await?
        .into_iter()
        .map(|k| ApiKeyLine {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at.with_timezone(&Utc),
            last_used_at: k.last_used_at.map(|d| d.with_timezone(&Utc)),
            revoked_at: k.revoked_at.map(|d| d.with_timezone(&Utc)),
        })
        .collect())
}

/// A new key named `name` for the administrator's organisation: the key itself, shown once.
pub async fn create_api_key(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    name: &str,
) -> Result<String, ServiceError> {
    let (org, _) = org_admin_of(who)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", Problem::Required).into());
    }
    if name.chars().count() > 100 {
        return Err(FieldError::new("name", Problem::TooLong { max: 100 }).into());
    }
    let (secret, _) = crate::ssr::security::new_token()?;
    let (prefix_part, _) = crate::ssr::security::new_token()?;
    let prefix: String = prefix_part
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let key = format!("{KEY_PREFIX}{prefix}_{secret}");
    let hash = crate::ssr::security::token_hash(&key);
    let user = who.map_or(0, |p| p.user_id);
    db::loans::create_key(db, org, name, &prefix, &hash, user, Utc::now()).await?;
    Ok(key)
}

/// Revokes key `id` of the administrator's organisation.
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<(), ServiceError> {
    let (org, _) = org_admin_of(who)?;
    if db::loans::revoke_key(db, org, id, Utc::now()).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The live key `presented` (an `Authorization: Bearer` value): its id and organisation.
pub async fn authenticate_key(
    db: &DatabaseConnection,
    presented: &str,
) -> Result<Option<(i32, i32)>, ServiceError> {
    let Some(rest) = presented.trim().strip_prefix(KEY_PREFIX) else {
        return Ok(None);
    };
    let Some((prefix, _)) = rest.split_once('_') else {
        return Ok(None);
    };
    if prefix.len() > 16 {
        return Ok(None);
    }
    let Some(key) = db::loans::key_by_prefix(db, prefix).await? else {
        return Ok(None);
    };
    let hash = crate::ssr::security::token_hash(presented.trim());
    let matches: bool = subtle_eq(hash.as_bytes(), key.secret_hash.as_bytes());
    if !matches || key.revoked_at.is_some() || key.scope != "repayments" {
        return Ok(None);
    }
    db::loans::key_used(db, key.id, Utc::now()).await?;
    Ok(Some((key.id, key.organisation_id)))
}

/// Compares in time that does not depend on where the bytes differ.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
