//! What `/healthz` reports: whether the database and the search engines answer, and how far
//! each index is behind the database.

use chrono::Utc;
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
    /// The message outbox (absent when the database does not answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<MessagesHealth>,
}

/// How the message outbox stands.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MessagesHealth {
    /// Messages waiting to go (or being sent).
    pub pending: u64,
    /// Age of the oldest of them, in seconds (0 when none).
    pub oldest_pending_seconds: u64,
    /// Messages that failed or could not be delivered this month.
    pub failed_this_month: u64,
    /// SMS parts sent this calendar month (Asia/Almaty).
    pub sms_segments_this_month: u64,
    /// `SMS_MONTHLY_LIMIT`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_monthly_limit: Option<u64>,
    /// The month's limit is reached: SMS wait until the next month (or a higher limit).
    pub sms_limit_reached: bool,
}

/// Checks the dependencies. Failures are logged here; the report carries no error text, as it
/// is public.
pub async fn check(
    db: &DatabaseConnection,
    indexes: &Indexes,
    sms_monthly_limit: Option<u64>,
) -> Health {
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
    let messages = match db::messages::figures(db, Utc::now()).await {
        Ok(f) => {
            let segments = u64::try_from(f.sms_segments_this_month).unwrap_or(0);
            Some(MessagesHealth {
                pending: f.pending,
                oldest_pending_seconds: f.oldest_pending.map_or(0, |t| {
                    u64::try_from((Utc::now() - t.with_timezone(&Utc)).num_seconds()).unwrap_or(0)
                }),
                failed_this_month: f.failed_this_month,
                sms_segments_this_month: segments,
                sms_monthly_limit,
                sms_limit_reached: sms_monthly_limit.is_some_and(|l| segments >= l),
            })
        }
        Err(e) => {
            tracing::warn!(error = %e, "health: the message outbox cannot be read");
            None
        }
    };
    let limit_reached = messages.as_ref().is_some_and(|m| m.sms_limit_reached);
    let status = match (
        database.status,
        search.status,
        breaker_open || limit_reached,
    ) {
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
        messages,
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
    let m = h.messages.clone().unwrap_or_default();
    metric(
        &mut out,
        "auyl_messages_pending",
        "gauge",
        "Messages (SMS and e-mail) waiting to go.",
        &[(None, m.pending)],
    );
    metric(
        &mut out,
        "auyl_messages_oldest_pending_seconds",
        "gauge",
        "Age of the oldest message waiting to go.",
        &[(None, m.oldest_pending_seconds)],
    );
    metric(
        &mut out,
        "auyl_messages_failed_this_month",
        "gauge",
        "Messages that failed or could not be delivered this month.",
        &[(None, m.failed_this_month)],
    );
    metric(
        &mut out,
        "auyl_sms_segments_this_month",
        "gauge",
        "SMS parts sent this calendar month (Asia/Almaty).",
        &[(None, m.sms_segments_this_month)],
    );
    metric(
        &mut out,
        "auyl_sms_monthly_limit_reached",
        "gauge",
        "Whether SMS_MONTHLY_LIMIT is reached (SMS wait).",
        &[(None, u64::from(m.sms_limit_reached))],
    );
    out
}
