//! What `/healthz` reports: whether the database and the search engines answer, and how far
//! each index is behind the database.

use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::ssr::db;
use crate::ssr::search::SearchIndex;
use crate::ssr::workers::{self, Indexes};

/// How something stands: serialised as `ok`, `degraded` or `down`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Answers.
    Ok,
    /// Answers, through a fallback or without one of its indexes (the whole report only).
    Degraded,
    /// Does not answer.
    Down,
}

/// Health of one dependency.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// `ok` or `down`.
    pub status: HealthStatus,
    /// Which implementation (`sqlite`, `postgres`, `embedded`, `meilisearch`).
    pub kind: &'static str,
    /// Documents in the index, for a search engine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<u64>,
    /// Search-outbox rows the index has not applied yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbox_pending: Option<u64>,
    /// Age of the oldest of them, in seconds (0 when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbox_lag_seconds: Option<u64>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Health {
    /// `ok` when everything answers, `degraded` when search is answered by a fallback or an
    /// index does not answer, `down` when the database does not.
    pub status: HealthStatus,
    /// The database.
    pub database: Component,
    /// The engine searches go to first.
    pub search: Component,
    /// Every index this instance keeps in step (the embedded one, and Meilisearch if used).
    pub indexes: Vec<Component>,
    /// Whether the circuit breaker keeps searches away from the primary engine.
    pub breaker_open: bool,
    /// Searches answered by a fallback since start-up.
    pub degraded_searches: u64,
}

/// Checks the dependencies. Failures are logged here; the report carries no error text, as it
/// is public.
pub async fn check(db: &DatabaseConnection, indexes: &Indexes) -> Health {
    let database = match db::ping(db).await {
        Ok(()) => component(HealthStatus::Ok, db::backend_name(db), None, None),
        Err(e) => {
            tracing::error!(error = %e, "health: database does not answer");
            component(HealthStatus::Down, db::backend_name(db), None, None)
        }
    };
    let lags = workers::lags(db, indexes).await;
    let mut list = Vec::new();
    let mut targets: Vec<&dyn SearchIndex> = vec![&*indexes.embedded];
    if let Some(m) = &indexes.meili {
        targets.push(&**m);
    }
    for index in targets {
        let lag = lags
            .iter()
            .find(|(e, _)| *e == index.engine())
            .and_then(|(_, l)| l.as_ref().ok())
            .copied();
        let c = match index.count().await {
            Ok(n) => component(HealthStatus::Ok, index.engine(), Some(n), lag),
            Err(e) => {
                tracing::warn!(error = %e, engine = index.engine(), "health: search index does not answer");
                component(HealthStatus::Down, index.engine(), None, lag)
            }
        };
        list.push(c);
    }
    let primary = indexes.search.engine();
    let search = list
        .iter()
        .find(|c| c.kind == primary)
        .cloned()
        .unwrap_or_else(|| component(HealthStatus::Down, primary, None, None));
    let breaker_open = indexes.search.breaker().is_open();
    let status = match (database.status, search.status, breaker_open) {
        (HealthStatus::Ok, HealthStatus::Ok, false) => HealthStatus::Ok,
        (HealthStatus::Ok, _, _) => HealthStatus::Degraded,
        _ => HealthStatus::Down,
    };
    Health {
        status,
        database,
        search,
        indexes: list,
        breaker_open,
        degraded_searches: indexes.search.degraded_total(),
    }
}

fn component(
    status: HealthStatus,
    kind: &'static str,
    documents: Option<u64>,
    lag: Option<(u64, u64)>,
) -> Component {
    Component {
        status,
        kind,
        documents,
        outbox_pending: lag.map(|l| l.0),
        outbox_lag_seconds: lag.map(|l| l.1),
    }
}

/// One metric in Prometheus's text format: its help, its type and its samples (label, value).
fn metric(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(Option<&str>, u64)]) {
    out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
    for (index, value) in samples {
        match index {
            Some(index) => out.push_str(&format!("{name}{{index=\"{index}\"}} {value}\n")),
            None => out.push_str(&format!("{name} {value}\n")),
        }
    }
}

/// The same facts in Prometheus's text format, for `/metrics`.
pub fn metrics(h: &Health) -> String {
    let per_index = |value: fn(&Component) -> Option<u64>| -> Vec<(Option<&str>, u64)> {
        h.indexes
            .iter()
            .map(|i| (Some(i.kind), value(i).unwrap_or(0)))
            .collect()
    };
    let mut out = String::new();
    metric(
        &mut out,
        "auyl_up",
        "gauge",
        "Whether the database answers.",
        &[(None, u64::from(h.database.status == HealthStatus::Ok))],
    );
    metric(
        &mut out,
        "auyl_search_documents",
        "gauge",
        "Documents in each search index.",
        &per_index(|i| i.documents),
    );
    metric(
        &mut out,
        "auyl_search_outbox_pending",
        "gauge",
        "Search-outbox rows an index has not applied yet.",
        &per_index(|i| i.outbox_pending),
    );
    metric(
        &mut out,
        "auyl_search_outbox_lag_seconds",
        "gauge",
        "Age of the oldest row an index has not applied.",
        &per_index(|i| i.outbox_lag_seconds),
    );
    metric(
        &mut out,
        "auyl_search_breaker_open",
        "gauge",
        "Whether searches are kept away from the primary engine.",
        &[(None, u64::from(h.breaker_open))],
    );
    metric(
        &mut out,
        "auyl_search_degraded_total",
        "counter",
        "Searches answered by a fallback.",
        &[(None, h.degraded_searches)],
    );
    out
}
