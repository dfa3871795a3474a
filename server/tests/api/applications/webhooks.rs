//! Webhooks for operators' systems, against a real HTTP receiver (wiremock): registered by the
//! organisation's admin with the secret shown once; events signed with HMAC-SHA256, the
//! signature checked by Python's `hmac` (an implementation apart from ours); a receiver down
//! for a while loses nothing and gets each application's events in order; a test event; a
//! slow receiver slows no request.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{OPERATOR, submitted, version_of};
use crate::helpers::{Browser, TestApp, spawn_app};

const ADMIN: &str = "admin@agrocredit.demo";
const APPLICANT: &str = "+77010000001";

/// Registers `url` as `admin`: the secret, read from the page once.
async fn register(admin: &Browser, url: &str) -> String {
    let r = admin
        .client
        .post(format!("{}/operator/webhooks", admin.address))
        .header("origin", &admin.address)
        .form(&[("action", "create"), ("url", url)])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = admin.get_html("/operator/webhooks").await;
    let mark = "data-testid=\"fresh-secret-value\">";
    let at = html.find(mark).expect("the secret, once") + mark.len();
    let secret: String = html[at..].chars().take_while(|c| *c != '<').collect();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let (_, again) = admin.get_html("/operator/webhooks").await;
    assert!(!again.contains(&secret), "shown once");
    secret
}

/// Whether Python's `hmac` finds `header` (`t=…,v1=…`) to be the signature of `body` with
/// `secret`; `None` (said why) without a Python.
fn python_verifies(secret: &str, header: &str, body: &[u8]) -> Option<bool> {
    let script = "import hashlib, hmac, sys\n\
        secret, header, body = sys.argv[1], sys.argv[2], sys.stdin.buffer.read()\n\
        parts = dict(p.split('=', 1) for p in header.split(','))\n\
        mac = hmac.new(secret.encode(), parts['t'].encode() + b'.' + body, hashlib.sha256)\n\
        sys.exit(0 if hmac.compare_digest(mac.hexdigest(), parts['v1']) else 1)\n";
    let mut child = match std::process::Command::new("python3")
        .args(["-c", script, secret, header])
        .stdin(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("skipped: the independent signature check (no python3: {e})");
            return None;
        }
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body)
        .expect("written");
    Some(child.wait().expect("ran").success())
}

/// What the receiver got: (event, body, signature header), in order.
async fn received(receiver: &MockServer) -> Vec<(String, Vec<u8>, String)> {
    receiver
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let h = |n: &str| {
                r.headers
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            (h("auyl-event"), r.body.clone(), h("auyl-signature"))
        })
        .collect()
}

/// Sends everything due as if `ahead` had passed (retries included), until nothing is left.
async fn deliver(app: &TestApp, ahead: chrono::Duration) {
    let client = reqwest::Client::new();
    for _ in 0..10 {
        let any = app::ssr::services::webhooks::deliver_due(
            &app.state.db,
            &client,
            chrono::Utc::now() + ahead,
        )
        .await
        .expect("delivers");
        if !any {
            break;
        }
    }
}

async fn step(op: &Browser, id: i64, step: &str, fields: Value, reason: &str) {
    let body = json!({ "version": version_of(op, id).await, "step": step, "fields": fields, "reason": reason });
    let r = op
        .client
        .post(format!("{}/api/v1/applications/{id}/steps", op.address))
        .header("origin", &op.address)
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn events_arrive_signed_in_order_after_the_receiver_was_down_and_a_slow_one_slows_nothing() {
    let app = spawn_app().await;
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&receiver)
        .await;
    let admin = app.signed_in(ADMIN).await;
    let secret = register(&admin, &format!("{}/hook", receiver.uri())).await;

    // The receiver is down: the submission and the refusal wait, the refusal behind.
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let op = app.signed_in(OPERATOR).await;
    step(&op, id, "start_review", json!({}), "").await;
    step(
        &op,
        id,
        "reject",
        json!({ "reject_reason": "weak_plan" }),
        "Нет сбыта",
    )
    .await;
    deliver(&app, chrono::Duration::zero()).await;
    let tried = received(&receiver).await;
    assert!(!tried.is_empty(), "the first event was tried");
    assert!(
        tried.iter().all(|(e, _, _)| e == "application.submitted"),
        "the refusal waits behind the submission: {:?}",
        tried.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    let (_, html) = admin.get_html("/operator/webhooks").await;
    assert!(
        html.contains("HTTP 503") && html.contains("data-state=\"pending\""),
        "{html}"
    );

    // Back up: after the retry's wait, both arrive, in order, each signed.
    receiver.reset().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    deliver(&app, chrono::Duration::hours(1)).await;
    let got = received(&receiver).await;
    let events: Vec<&str> = got.iter().map(|(e, _, _)| e.as_str()).collect();
    assert_eq!(events, ["application.submitted", "application.decided"]);
    for (_, body, signature) in &got {
        let v: Value = serde_json::from_slice(body).expect("JSON");
        assert_eq!(v["data"]["application_id"], id);
        if let Some(ok) = python_verifies(&secret, signature, body) {
            assert!(ok, "Python's hmac accepts {signature}");
            assert!(
                python_verifies("whsec_wrong", signature, body) == Some(false),
                "and refuses another secret"
            );
        }
    }
    let decided: Value = serde_json::from_slice(&got[1].1).expect("JSON");
    assert_eq!(decided["data"]["decision"], "rejected");
    let (_, html) = admin.get_html("/operator/webhooks").await;
    assert_eq!(
        html.matches("data-state=\"delivered\"").count(),
        2,
        "{html}"
    );

    // The test button.
    let endpoint = html
        .split("name=\"id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an endpoint id")
        .to_owned();
    let r = admin
        .client
        .post(format!("{}/operator/webhooks", admin.address))
        .header("origin", &admin.address)
        .form(&[("action", "test"), ("id", endpoint.as_str())])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    deliver(&app, chrono::Duration::zero()).await;
    assert_eq!(
        received(&receiver)
            .await
            .last()
            .map(|r| r.0.clone())
            .as_deref(),
        Some("test")
    );

    // A receiver that takes 30 s to answer: the next submission does not wait for it.
    receiver.reset().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&receiver)
        .await;
    let started = Instant::now();
    let next = submitted(&applicant).await;
    assert!(next > id);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the submission took {:?}",
        started.elapsed()
    );
    // Others' pages are not theirs.
    let other = app.signed_in("operator@damu.demo").await;
    let (_, html) = other.get_html("/operator/webhooks").await;
    assert!(!html.contains(&receiver.uri()));
}
