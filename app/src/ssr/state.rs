//! The state every request handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::config::Config;
use super::search::SearchIndex;
use super::security::PasswordHasher;
use super::services::ServiceError;
use super::services::indexer::Wake;
use super::workers::Indexes;

/// Shared, cheaply cloned application state.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: DatabaseConnection,
    /// What searches go through: the engine in use, behind a breaker, with fallbacks.
    pub search: Arc<dyn SearchIndex>,
    /// The indexes themselves, for health and the workers.
    pub indexes: Arc<Indexes>,
    /// Wakes this instance's index workers after a programme change.
    pub wake: Wake,
    /// Hashes and verifies passwords (with bounded concurrency).
    pub hasher: Arc<PasswordHasher>,
    /// The configuration.
    pub config: Arc<Config>,
    /// The open programmes as the rankings read them, kept between requests.
    pub open: Arc<super::services::profiles::OpenProgrammes>,
}

/// The state, from the Leptos context of the current request. Missing state is a wiring bug,
/// reported as an internal error rather than a panic.
pub fn state() -> Result<AppState, ServiceError> {
    leptos::prelude::use_context::<AppState>().ok_or(ServiceError::Wiring(
        "AppState is not in the Leptos context",
    ))
}
