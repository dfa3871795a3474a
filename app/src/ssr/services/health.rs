//! What `/healthz` reports: whether the database and the search engine answer.

use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::ssr::db;
use crate::ssr::search::SearchIndex;

/// Health of one dependency.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// `ok` or `down`.
    pub status: &'static str,
    /// Which implementation (`sqlite`, `postgres`, `embedded`…).
    pub kind: &'static str,
    /// Documents in the index, for the search engine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<u64>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Health {
    /// `ok` when everything answers, `degraded` when search does not, `down` when the
    /// database does not.
    pub status: &'static str,
    /// The database.
    pub database: Component,
    /// The search engine.
    pub search: Component,
}

/// Checks both dependencies. Failures are logged here; the report carries no error text, as it
/// is public.
pub async fn check(db: &DatabaseConnection, search: &dyn SearchIndex) -> Health {
    let database = match db::ping(db).await {
        Ok(()) => Component {
            status: "ok",
            kind: db::backend_name(db),
            documents: None,
        },
        Err(e) => {
            tracing::error!(error = %e, "health: database does not answer");
            Component {
                status: "down",
                kind: db::backend_name(db),
                documents: None,
            }
        }
    };
    let search_health = match search.count().await {
        Ok(n) => Component {
            status: "ok",
            kind: search.engine(),
            documents: Some(n),
        },
        Err(e) => {
            tracing::error!(error = %e, "health: search engine does not answer");
            Component {
                status: "down",
                kind: search.engine(),
                documents: None,
            }
        }
    };
    let status = match (database.status, search_health.status) {
        ("ok", "ok") => "ok",
        ("ok", _) => "degraded",
        _ => "down",
    };
    Health {
        status,
        database,
        search: search_health,
    }
}
