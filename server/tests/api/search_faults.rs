//! Search when Meilisearch is unreachable, and the outbox converging once it returns. The
//! "Meilisearch" here is an HTTP stub answering with the exchanges recorded from a real one.

use std::time::{Duration, Instant};

use app::ssr::search::meili::MeiliConfig;
use app::ssr::search::meili::stub::{down, healthy};
use serde_json::Value;
use wiremock::MockServer;

use crate::helpers::{TestApp, spawn_app_with};

fn meili(url: String) -> MeiliConfig {
    MeiliConfig {
        url,
        api_key: Some("test-master-key".into()),
        index: "programs".into(),
        search_timeout: Duration::from_millis(200),
        task_timeout: Duration::from_secs(2),
    }
}

async fn meili_index(app: &TestApp) -> Value {
    let (_, health) = app.get_json("/healthz").await;
    health["indexes"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["kind"] == "meilisearch").cloned())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn search_answers_from_the_embedded_index_when_meilisearch_is_down_and_the_breaker_stops_waiting()
 {
    let stub = MockServer::start().await;
    down(&stub).await;
    let app = spawn_app_with(|c| c.meili = Some(meili(stub.uri()))).await;

    let (status, body) = app.get_json("/api/v1/programs?q=кен+дала").await;
    assert_eq!(status, 200);
    assert_eq!(body["degraded"], true);
    assert_eq!(body["engine"], "embedded", "it says which engine answered");
    assert_eq!(
        body["hits"][0]["slug"], "ken-dala-2026",
        "the fallback is complete"
    );
    let (_, page) = app.get_html("/programs?q=кен+дала").await;
    assert!(
        page.contains("упрощённом режиме"),
        "the page says search is degraded"
    );

    // After a few failures the breaker opens: Meilisearch is no longer asked, answers are quick.
    for _ in 0..3 {
        app.get_json("/api/v1/programs?q=кредит").await;
    }
    let asked = stub
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/multi-search")
        .count();
    let started = Instant::now();
    for _ in 0..5 {
        let (_, b) = app.get_json("/api/v1/programs?q=кредит").await;
        assert_eq!(b["degraded"], true);
    }
    let later = stub
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/multi-search")
        .count();
    assert_eq!(
        asked, later,
        "an open breaker keeps searches away from the dead engine"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "five searches took {:?}",
        started.elapsed()
    );
    let (_, health) = app.get_json("/healthz").await;
    assert_eq!(health["breaker_open"], true);
    assert_eq!(health["status"], "degraded");
    assert!(health["degraded_searches"].as_u64() >= Some(8));
    let (_, metrics) = app.get("/metrics").await;
    assert!(metrics.contains("auyl_search_breaker_open 1"), "{metrics}");
}

#[tokio::test]
async fn changes_made_while_meilisearch_is_down_wait_in_the_outbox_and_drain_when_it_returns() {
    let stub = MockServer::start().await;
    down(&stub).await;
    let app = spawn_app_with(|c| c.meili = Some(meili(stub.uri()))).await;
    app.retitle("ken-dala-2026", "Посевная 2026: правка во время сбоя")
        .await;

    let pending = meili_index(&app).await["outbox_pending"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        pending >= 47,
        "the demo catalogue and the edit wait for Meilisearch: {pending}"
    );
    // The embedded fallback follows the outbox on its own and soon has the edit.
    app.search_until("q=правка", Duration::from_secs(10), |r| {
        r["hits"][0]["slug"] == "ken-dala-2026"
    })
    .await;

    // Meilisearch comes back.
    stub.reset().await;
    healthy(&stub).await;
    app.state.wake.wake();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let index = meili_index(&app).await;
        if index["outbox_pending"] == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {index}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent: usize = stub
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        // The bulk first fill writes a new index and swaps it in; later changes go to the live one.
        .filter(|r| r.url.path().starts_with("/indexes/") && r.url.path().ends_with("/documents"))
        .map(|r| {
            serde_json::from_slice::<Vec<Value>>(&r.body)
                .map(|d| d.len())
                .unwrap_or(0)
        })
        .sum();
    assert!(
        sent >= 42,
        "every open programme reached Meilisearch: {sent}"
    );
}
