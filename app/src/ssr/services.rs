//! Use cases. Each takes its dependencies explicitly (database, search engine, date) and domain
//! input, and returns domain output or a `ServiceError`. Nothing here knows about HTTP or Leptos.

pub mod accounts;
pub mod admin_messages;
pub mod alerts;
pub mod appeals;
pub mod applications;
pub mod assisted;
pub mod catalog;
pub mod complaints;
pub mod demo_history;
pub mod editor;
pub mod followups;
pub mod health;
pub mod indexer;
pub mod invitations;
pub mod loans;
pub mod messages;
pub use accounts::phones;
pub mod profiles;
pub mod programs;
pub mod recommendations;
pub mod records;
pub mod reports;
pub mod review;
pub mod seed;
pub mod threads;
pub mod webhooks;

use sea_orm::DbErr;

use super::search::SearchError;
use crate::domain::params::FieldError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input: the user can fix the named field.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// The search engine failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// Shipped or generated data is not valid (a defect in the seed files).
    #[error("seed data: {0}")]
    Seed(String),
    /// A value did not encode to (or decode from) its stored JSON: a defect, since our own
    /// types always encode.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A stored row holds what no version of the code writes (an unknown state): a defect or a
    /// hand edit, never the user's input.
    #[error("stored data: {0}")]
    Stored(String),
    /// The app is wired wrongly (a missing context value).
    #[error("wiring: {0}")]
    Wiring(&'static str),
    /// The policy refuses the action.
    #[error(transparent)]
    Denied(#[from] crate::domain::policy::Denied),
    /// Storing or reading an uploaded file failed (disk full, permissions).
    #[error("file storage: {0}")]
    Storage(#[from] std::io::Error),
    /// An e-mail could not be handed to the mail server.
    #[error("mail: {0}")]
    Mail(#[from] crate::ssr::mail::MailError),
    /// Hashing a password failed (a bug or exhausted resources, never the user's input).
    #[error("password hashing: {0}")]
    Hashing(String),
}

/// The signed-in caller, or `SignInRequired`. A form's door asks this before it reads the form,
/// so that someone whose session ran out is sent to sign in (and back), not told about a field.
pub fn signed_in(
    who: Option<&crate::domain::account::Principal>,
) -> Result<&crate::domain::account::Principal, ServiceError> {
    who.ok_or(ServiceError::Denied(
        crate::domain::policy::Denied::SignInRequired,
    ))
}

/// The organisation `who` administers, and `who`'s account: its API keys and its webhooks act
/// for the whole organisation, so its administrator alone keeps them.
pub fn org_admin_of(
    who: Option<&crate::domain::account::Principal>,
) -> Result<(i32, i32), ServiceError> {
    let p = signed_in(who)?;
    let crate::domain::account::Scope::Organisation(org) = p.scope else {
        return Err(crate::domain::policy::Denied::Forbidden.into());
    };
    crate::domain::policy::allow(
        Some(p),
        &crate::domain::policy::Action::ManageApiKeys { organisation: org },
    )?;
    Ok((org, p.user_id))
}

/// Whether a failure says the store takes no writes for now: a full disk or a read-only
/// database or file system, recognised by the operating system's error kind, SQLite's result
/// code (`SQLITE_FULL`, `SQLITE_READONLY` and its extended codes) or PostgreSQL's SQLSTATE
/// (`53100` disk full, `25006` read-only transaction). Such a failure is the operator's to
/// fix, not a bug, and the user is told so.
pub fn cannot_write(error: &ServiceError) -> bool {
    match error {
        ServiceError::Storage(e) => io_cannot_write(e),
        ServiceError::Db(e) => db_cannot_write(e),
        _ => false,
    }
}

fn io_cannot_write(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::StorageFull | ErrorKind::ReadOnlyFilesystem | ErrorKind::QuotaExceeded
    )
}

fn db_cannot_write(e: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = e
    else {
        return false;
    };
    match &**e {
        sqlx::Error::Io(io) => io_cannot_write(io),
        sqlx::Error::Database(d) => {
            let Some(code) = d.code() else {
                return false;
            };
            if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The primary result code is the extended code's low byte: 13 full, 8 read-only.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 13 | 8))
            } else {
                matches!(&*code, "53100" | "25006")
            }
        }
        _ => false,
    }
}
