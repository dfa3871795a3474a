//! The app against a real Meilisearch 1.50 (`MEILI_BIN`, which `make test` sets when
//! `../shared/tools/meilisearch/meilisearch` exists; without it each test prints why it is skipped
//! and passes): a first fill in bulk, the outbox draining into it, the three engines agreeing
//! programme for programme, `server reindex` swapping indexes while searches go on, the breaker
//! opening when the process is killed and closing when it is back, and reconciliation after
//! documents were deleted behind the app's back. Each test starts its own server (a temporary
//! directory, a free port, a random key). They run on SQLite and, in the PostgreSQL pass, on
//! PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::ssr::search::SearchIndex;
use app::ssr::search::database::DatabaseSearch;
use app::ssr::search::meili::process::MeiliServer;
use app::ssr::search::meili::{MeiliConfig, MeiliIndex};
use app::ssr::services::catalog::quality;
use app::ssr::services::{indexer, seed};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app_with};

/// Synthetic programmes added to the demo catalogue for the comparison.
const SYNTHETIC: usize = 1_000;

fn config(server: &MeiliServer) -> MeiliConfig {
    MeiliConfig {
        search_timeout: Duration::from_millis(1_500),
        ..server.config("programs")
    }
}

async fn meili_health(app: &TestApp) -> Value {
    let (_, health) = app.get_json("/healthz").await;
    health["indexes"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["kind"] == "meilisearch").cloned())
        .unwrap_or(Value::Null)
}

/// Waits until Meilisearch has applied every outbox row and the embedded index has caught up.
async fn settled(app: &TestApp, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let (_, health) = app.get_json("/healthz").await;
        let pending: u64 = health["indexes"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["outbox_pending"].as_u64()).sum())
            .unwrap_or(u64::MAX);
        if pending == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {health}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn meili(app: &TestApp) -> Arc<MeiliIndex> {
    app.state
        .indexes
        .meili
        .clone()
        .expect("Meilisearch configured")
}

#[tokio::test]
async fn real_meilisearch_is_filled_in_bulk_follows_the_outbox_and_agrees_with_every_engine() {
    let Some(server) = MeiliServer::start("real_meilisearch_agrees").await else {
        return;
    };
    let app = spawn_app_with(|c| c.meili = Some(config(&server))).await;
    settled(&app, Duration::from_secs(60)).await;
    // The demo catalogue reached an empty Meilisearch through the bulk path: one batch, not
    // one task per programme.
    let tasks: Value = reqwest::Client::new()
        .get(format!(
            "{}/tasks?indexUids=programs&types=documentAdditionOrUpdate&limit=1000",
            server.url()
        ))
        .bearer_auth(server.key())
        .send()
        .await
        .expect("tasks")
        .json()
        .await
        .expect("JSON");
    let additions = tasks["results"].as_array().map_or(0, Vec::len);
    assert!(
        additions <= 2,
        "the first fill went one programme at a time: {additions} addition tasks"
    );

    // Then the outbox: a large load of programmes, drained in batches.
    seed::synthetic(&app.state.db, SYNTHETIC)
        .await
        .expect("synthetic programmes");
    app.state.wake.wake();
    settled(&app, Duration::from_secs(180)).await;
    let m = meili(&app);
    let embedded = app.state.indexes.embedded.clone();
    assert_eq!(
        m.count().await.expect("count"),
        embedded.count().await.expect("count"),
        "both indexes hold every open programme"
    );

    // The same searches on every engine: the same totals, facets and first ten.
    let today = app.state.config.today();
    let queries = quality::comparison_queries();
    assert!(queries.len() >= 100, "{}", queries.len());
    let database = DatabaseSearch::new(app.state.db.clone());
    let meili_vs_embedded = quality::compare(&*m, &*embedded, &queries, today)
        .await
        .expect("compares");
    let database_vs_embedded = quality::compare(&database, &*embedded, &queries, today)
        .await
        .expect("compares");
    for (name, a) in [
        ("Meilisearch and the embedded engine", &meili_vs_embedded),
        (
            "the database fallback and the embedded engine",
            &database_vs_embedded,
        ),
    ] {
        eprintln!(
            "{name}: {} searches, same total {}, same facets {}, same first ten {}",
            a.cases, a.same_total, a.same_facets, a.same_top
        );
        assert!(
            a.differences.is_empty(),
            "{name} differ in {} of {} searches:\n{}",
            a.differences.len(),
            a.cases,
            a.differences.join("\n")
        );
    }

    // An edit reaches Meilisearch through the outbox and is found there.
    app.retitle("ken-dala-2026", "Посевная 2026: правка через очередь")
        .await;
    let found = app
        .search_until(
            "q=правка+очередь",
            Duration::from_secs(20),
            |r| r["hits"][0]["slug"] == "ken-dala-2026",
        )
        .await;
    assert_eq!(found["engine"], "meilisearch");
    assert_eq!(found["degraded"], false);
}

#[tokio::test]
async fn real_meilisearch_killed_opens_the_breaker_and_back_closes_it() {
    let Some(mut server) = MeiliServer::start("real_meilisearch_breaker").await else {
        return;
    };
    let app = spawn_app_with(|c| c.meili = Some(config(&server))).await;
    settled(&app, Duration::from_secs(60)).await;
    let (_, before) = app.get_json("/api/v1/programs?q=кредит").await;
    assert_eq!(before["engine"], "meilisearch");
    assert_eq!(before["degraded"], false);

    server.kill();
    // Searches go on, from the embedded index, with the same answer; after three failures the
    // breaker stops asking the dead server.
    for _ in 0..4 {
        let (status, during) = app.get_json("/api/v1/programs?q=кредит").await;
        assert_eq!(status, 200);
        assert_eq!(during["degraded"], true);
        assert_eq!(during["engine"], "embedded");
        assert_eq!(
            during["total"], before["total"],
            "the fallback counts the same"
        );
        assert_eq!(during["hits"], before["hits"], "and shows the same page");
    }
    let (_, health) = app.get_json("/healthz").await;
    assert_eq!(health["breaker_open"], true, "{health}");
    let started = Instant::now();
    let (_, quick) = app.get_json("/api/v1/programs?q=грант").await;
    assert_eq!(quick["degraded"], true);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "an open breaker answers at once: {:?}",
        started.elapsed()
    );
    // A change made during the outage waits in the outbox.
    app.retitle("ken-dala-2026", "Посевная 2026: правка во время сбоя")
        .await;

    server.restart().await;
    app.state.wake.wake();
    // The breaker lets a trial through after its cooldown (5 s, doubled after a failed trial);
    // the outbox drains; Meilisearch answers again, with the change.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, after) = app.get_json("/api/v1/programs?q=правка+сбоя").await;
        let (_, health) = app.get_json("/healthz").await;
        if after["engine"] == "meilisearch"
            && after["degraded"] == false
            && after["hits"][0]["slug"] == "ken-dala-2026"
            && health["breaker_open"] == false
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Meilisearch never took over again: {after} {health}\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(meili_health(&app).await["outbox_pending"], 0);
}

#[tokio::test]
async fn real_meilisearch_reindex_swaps_indexes_while_searches_go_on() {
    let Some(server) = MeiliServer::start("real_meilisearch_reindex").await else {
        return;
    };
    let app = spawn_app_with(|c| c.meili = Some(config(&server))).await;
    seed::synthetic(&app.state.db, 500)
        .await
        .expect("synthetic programmes");
    app.state.wake.wake();
    settled(&app, Duration::from_secs(120)).await;
    let (_, before) = app.get_json("/api/v1/programs?q=кредит").await;
    let total = before["total"].clone();

    // Searches from a second task all through the rebuild.
    let done = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let searcher = {
        let (done, answered) = (done.clone(), answered.clone());
        let browser = app.browser();
        tokio::spawn(async move {
            let mut wrong = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let (status, r) = browser.get_json("/api/v1/programs?q=кредит").await;
                if status != 200 || r["engine"] != "meilisearch" || r["degraded"] != false {
                    wrong.push(format!("{status} {}", r["engine"]));
                } else if r["total"] != total {
                    wrong.push(format!("total {}", r["total"]));
                }
                answered.fetch_add(1, Ordering::Relaxed);
            }
            wrong
        })
    };
    let m = meili(&app);
    let n = indexer::reindex(&app.state.db, &*m, app.state.config.today(), &|_, _| {})
        .await
        .expect("reindexes");
    done.store(true, Ordering::Relaxed);
    let wrong = searcher.await.expect("the searches ran");

    assert!(answered.load(Ordering::Relaxed) > 0);
    assert!(
        wrong.is_empty(),
        "searches during the swap: {} of {} wrong: {wrong:?}",
        wrong.len(),
        answered.load(Ordering::Relaxed)
    );
    assert_eq!(m.count().await.expect("count"), n);
    assert_eq!(meili_health(&app).await["outbox_pending"], 0);
}

#[tokio::test]
async fn real_meilisearch_reconciliation_restores_documents_deleted_behind_the_apps_back() {
    let Some(server) = MeiliServer::start("real_meilisearch_reconcile").await else {
        return;
    };
    let app = spawn_app_with(|c| c.meili = Some(config(&server))).await;
    settled(&app, Duration::from_secs(60)).await;
    let m = meili(&app);
    let (_, before) = app.get_json("/api/v1/programs?q=аманат").await;
    let ids: Vec<i64> = before["hits"]
        .as_array()
        .map(|h| h.iter().filter_map(|h| h["id"].as_i64()).collect())
        .unwrap_or_default();
    assert!(ids.len() >= 3, "{before}");

    // Someone deletes documents with Meilisearch's own API.
    let client =
        meilisearch_sdk::client::Client::new(server.url(), Some(server.key())).expect("client");
    client
        .index("programs")
        .delete_documents(&ids)
        .await
        .expect("deletes")
        .wait_for_completion(&client, None, Some(Duration::from_secs(30)))
        .await
        .expect("done");
    let (_, gone) = app.get_json("/api/v1/programs?q=аманат").await;
    assert_eq!(gone["engine"], "meilisearch");
    assert!(gone["total"].as_u64() < before["total"].as_u64(), "{gone}");

    let repair = indexer::reconcile(&app.state.db, &*m, app.state.config.today())
        .await
        .expect("reconciles");

    assert_eq!(repair.missing, ids.len(), "{repair:?}");
    let (_, after) = app.get_json("/api/v1/programs?q=аманат").await;
    assert_eq!(after["total"], before["total"]);
    assert_eq!(after["hits"], before["hits"]);
}
