//! Use cases. Each takes its dependencies explicitly (database, search engine, date) and domain
//! input, and returns domain output or a `ServiceError`. Nothing here knows about HTTP or Leptos.

pub mod accounts;
pub mod alerts;
pub mod applications;
pub mod assisted;
pub mod catalog;
pub mod demo_history;
pub mod editor;
pub mod health;
pub mod indexer;
pub mod invitations;
pub mod profiles;
pub mod programs;
pub mod recommendations;
pub mod reports;
pub mod review;
pub mod seed;

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
    Storage(String),
    /// Hashing a password failed (a bug or exhausted resources, never the user's input).
    #[error("password hashing: {0}")]
    Hashing(String),
}

/// Whether a storage error says the store takes no writes for now: a full disk or a read-only
/// database or file system (SQLite's and PostgreSQL's wording, and the OS's errors 28 and 30).
/// Such a failure is the operator's to fix, not a bug, and the user is told so.
pub fn cannot_write(error: &str) -> bool {
    let e = error.to_lowercase();
    [
        "readonly database",
        "read-only transaction",
        "read-only file system",
        "database or disk is full",
        "no space left on device",
        "could not extend file",
        "disk full",
        "os error 28",
        "os error 30",
    ]
    .iter()
    .any(|needle| e.contains(needle))
}
