//! The background work of an app instance: applying the search outbox to its indexes,
//! reconciling them with the database, pruning old outbox rows, and keeping okrug reports
//! computed. Each loop retries with backoff, so a dead engine or database costs a log line,
//! not a crash.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tokio::task::JoinHandle;

use super::config::Config;
use super::search::SearchIndex;
use super::search::embedded::EmbeddedIndex;
use super::search::meili::MeiliIndex;
use super::search::resilient::ResilientSearch;
use super::services::ServiceError;
use super::services::indexer::{self, Wake};

/// The indexes of one app instance.
pub struct Indexes {
    /// This instance's embedded index: the search engine when Meilisearch is not configured,
    /// the first fallback when it is. It follows the outbox itself.
    pub embedded: Arc<EmbeddedIndex>,
    /// Meilisearch, shared by every instance, when configured.
    pub meili: Option<Arc<MeiliIndex>>,
    /// What searches go through: the primary engine behind a breaker, then the fallbacks.
    pub search: Arc<ResilientSearch>,
}

const BATCH: u64 = 500;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
const ALERTS_EVERY: Duration = Duration::from_secs(60);
const MESSAGES_EVERY: Duration = Duration::from_secs(1);
const REPORTS_EVERY: Duration = Duration::from_secs(5);
/// Webhook deliveries are looked for every two seconds (each waits only for its receiver).
const WEBHOOKS_EVERY: Duration = Duration::from_secs(2);
/// Repayment reminders are looked for hourly: each goes once, and a day's are due from 09:00.
const REMINDERS_EVERY: Duration = Duration::from_secs(3600);

/// Runs `step` forever: again at once while it reports more work, then after a wake-up or
/// `poll`, and with growing pauses while it fails.
async fn run<F, Fut>(
    name: &'static str,
    wake: Arc<tokio::sync::Notify>,
    poll: Duration,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, ServiceError>>,
{
    let mut backoff = FIRST_BACKOFF;
    loop {
        match step().await {
            Ok(true) => backoff = FIRST_BACKOFF,
            Ok(false) => {
                backoff = FIRST_BACKOFF;
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(poll) => {}
                }
            }
            Err(e) => {
                tracing::warn!(worker = name, error = %e, retry_in_ms = backoff.as_millis() as u64, "index worker failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Starts the workers; they run until the runtime stops.
pub fn spawn(
    db: DatabaseConnection,
    indexes: Arc<Indexes>,
    wake: &Wake,
    config: Arc<Config>,
    courier: super::services::messages::Courier,
) -> Vec<JoinHandle<()>> {
    let mut handles = vec![
        spawn_messages(db.clone(), courier),
        spawn_alerts(db.clone(), wake, config.clone()),
        spawn_reports(db.clone()),
        spawn_reminders(db.clone(), config.clone()),
        spawn_webhooks(db.clone()),
        spawn_embedded(db.clone(), indexes.embedded.clone(), wake, config.clone()),
    ];
    if let Some(meili) = indexes.meili.clone() {
        handles.push(spawn_meilisearch(db.clone(), meili, wake, config.clone()));
    }
    handles.push(spawn_reconcile(db.clone(), indexes.clone(), config.clone()));
    handles.push(spawn_prune(
        db,
        indexes.meili.is_some(),
        config.outbox_retention,
    ));
    handles
}

/// Alerts: after every programme change on this instance, and every minute for changes made by
/// other instances and for the date moving on.
fn spawn_alerts(d: DatabaseConnection, wake: &Wake, c: Arc<Config>) -> JoinHandle<()> {
    tokio::spawn(run("alerts", wake.listen(), ALERTS_EVERY, move || {
        let (d, c) = (d.clone(), c.clone());
        async move {
            let created = super::services::alerts::check(&d, &c.public_url, c.today()).await?;
            if created > 0 {
                tracing::info!(notifications = created, "alerts sent");
            }
            Ok(false)
        }
    }))
}

/// Messages: delivers what the outbox holds, at once after a commit on this instance wrote
/// some, and every second for what other instances wrote, retries came due and delivery
/// reports to ask for. Each instance is one worker under its own name; leases keep them apart.
fn spawn_messages(
    d: DatabaseConnection,
    courier: super::services::messages::Courier,
) -> JoinHandle<()> {
    use super::services::messages;
    let owner = uuid::Uuid::new_v4().to_string();
    tokio::spawn(async move {
        let mut backoff = FIRST_BACKOFF;
        loop {
            match messages::deliver_due(&d, &courier, &owner).await {
                Ok(n) if n > 0 => backoff = FIRST_BACKOFF,
                Ok(_) => {
                    backoff = FIRST_BACKOFF;
                    tokio::select! {
                        () = messages::woken() => {}
                        () = tokio::time::sleep(MESSAGES_EVERY) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(worker = "messages", error = %e, retry_in_ms = backoff.as_millis() as u64, "message worker failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    })
}

/// Repayment reminders: three days before each due date and on the first day late; and the
/// escalation of complaints answered late.
fn spawn_reminders(d: DatabaseConnection, c: Arc<Config>) -> JoinHandle<()> {
    tokio::spawn(run(
        "reminders",
        Arc::new(tokio::sync::Notify::new()),
        REMINDERS_EVERY,
        move || {
            let (d, c) = (d.clone(), c.clone());
            async move {
                let n = super::services::loans::reminders::remind(
                    &d,
                    &c.public_url,
                    c.today(),
                    chrono::Utc::now(),
                )
                .await?;
                if n > 0 {
                    tracing::info!(reminders = n, "repayment reminders written");
                }
                // Complaints past their due date go to the platform's staff on the same beat:
                // both are about days, not seconds.
                let late = super::services::complaints::escalate_late(&d, &c.public_url, c.today())
                    .await?;
                if late > 0 {
                    tracing::info!(complaints = late, "late complaints escalated");
                }
                Ok(false)
            }
        },
    ))
}

/// Webhooks: send the deliveries that are due, each signed, retried until taken.
fn spawn_webhooks(d: DatabaseConnection) -> JoinHandle<()> {
    // Redirects are not followed: a delivery goes where it was registered, nowhere else.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(super::services::webhooks::TIMEOUT)
        .build()
        .unwrap_or_default();
    tokio::spawn(run(
        "webhooks",
        Arc::new(tokio::sync::Notify::new()),
        WEBHOOKS_EVERY,
        move || {
            let (d, client) = (d.clone(), client.clone());
            async move { super::services::webhooks::deliver_due(&d, &client, chrono::Utc::now()).await }
        },
    ))
}

/// Okrug reports: recompute the okrugs whose figures a write has put out of date. Pages
/// recompute what they show anyway; this keeps district, region and country pages from having
/// to.
fn spawn_reports(d: DatabaseConnection) -> JoinHandle<()> {
    tokio::spawn(run(
        "reports",
        Arc::new(tokio::sync::Notify::new()),
        REPORTS_EVERY,
        move || {
            let d = d.clone();
            async move { super::services::reports::refresh_round(&d).await }
        },
    ))
}

/// The embedded index follows the outbox.
fn spawn_embedded(
    d: DatabaseConnection,
    embedded: Arc<EmbeddedIndex>,
    wake: &Wake,
    c: Arc<Config>,
) -> JoinHandle<()> {
    let poll = c.outbox_poll;
    tokio::spawn(run("embedded", wake.listen(), poll, move || {
        let (d, embedded, today) = (d.clone(), embedded.clone(), c.today());
        async move { Ok(indexer::follow(&d, &*embedded, today, BATCH).await? > 0) }
    }))
}

/// Meilisearch drains the outbox, its settings applied (and, if empty, filled) first.
fn spawn_meilisearch(
    d: DatabaseConnection,
    meili: Arc<MeiliIndex>,
    wake: &Wake,
    c: Arc<Config>,
) -> JoinHandle<()> {
    let poll = c.outbox_poll;
    let settings_applied = Arc::new(AtomicBool::new(false));
    tokio::spawn(run("meilisearch", wake.listen(), poll, move || {
        let (d, meili, today, applied) = (
            d.clone(),
            meili.clone(),
            c.today(),
            settings_applied.clone(),
        );
        async move { meili_step(&d, &meili, today, &applied).await }
    }))
}

/// One round of the Meilisearch worker; `applied` says whether its settings are known to be in
/// place.
async fn meili_step(
    d: &DatabaseConnection,
    meili: &MeiliIndex,
    today: NaiveDate,
    applied: &AtomicBool,
) -> Result<bool, ServiceError> {
    // At start and after every failure: the settings, and a first fill in bulk if Meilisearch
    // came up empty (new, or its data lost).
    if !applied.load(Ordering::Relaxed) {
        meili.ensure().await?;
        if let Some(n) = indexer::fill_if_empty(d, meili, today).await? {
            tracing::info!(documents = n, "filled an empty Meilisearch index in bulk");
        }
        applied.store(true, Ordering::Relaxed);
    }
    let drained = indexer::drain(d, meili, today, BATCH).await;
    if !matches!(&drained, Ok(d) if d.failed == 0) {
        applied.store(false, Ordering::Relaxed);
    }
    let drained = drained?;
    if drained.failed > 0 {
        return Err(ServiceError::Search(
            super::search::SearchError::Unavailable("Meilisearch refused a batch".into()),
        ));
    }
    Ok(drained.applied > 0)
}

/// Every `reconcile_every`, each index is reconciled with the database.
fn spawn_reconcile(d: DatabaseConnection, idx: Arc<Indexes>, c: Arc<Config>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(c.reconcile_every).await;
            let today = c.today();
            if let Err(e) = indexer::reconcile(&d, &*idx.embedded, today).await {
                tracing::warn!(error = %e, "reconciling the embedded index failed");
            }
            if let Some(meili) = &idx.meili
                && let Err(e) = indexer::reconcile(&d, &**meili, today).await
            {
                tracing::warn!(error = %e, "reconciling Meilisearch failed");
            }
        }
    })
}

/// Every hour, outbox rows older than `retention` are removed and SQLite's statistics renewed.
fn spawn_prune(d: DatabaseConnection, shared: bool, retention: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(PRUNE_EVERY).await;
            let before = chrono::Utc::now()
                - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(7));
            match super::db::outbox::prune(&d, before, shared).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "pruned the search outbox"),
                Err(e) => tracing::warn!(error = %e, "pruning the search outbox failed"),
            }
            // SQLite's planner statistics follow the tables as they grow (see `db::optimize`).
            if let Err(e) = super::db::optimize(&d, false).await {
                tracing::warn!(error = %e, "PRAGMA optimize failed");
            }
        }
    })
}

/// The lag of each index, for `/healthz` and `/metrics`: (engine, rows pending, oldest age).
pub async fn lags(
    db: &DatabaseConnection,
    indexes: &Indexes,
) -> Vec<(&'static str, Result<(u64, u64), ServiceError>)> {
    let mut targets: Vec<&dyn SearchIndex> = vec![&*indexes.embedded];
    if let Some(m) = &indexes.meili {
        targets.push(&**m);
    }
    let mut out = Vec::new();
    for index in targets {
        let lag = indexer::lag(db, index).await.map(|l| {
            let age = l.oldest.map_or(0, |t| {
                (chrono::Utc::now() - t.with_timezone(&chrono::Utc))
                    .num_seconds()
                    .max(0) as u64
            });
            (l.pending, age)
        });
        out.push((index.engine(), lag));
    }
    out
}
