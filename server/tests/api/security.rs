//! Defences that hold whatever the endpoint: cross-site requests, security headers, body
//! size, production settings, and the audit log.

use app::ssr::db::accounts as q;
use app::ssr::services::accounts::DEMO_PASSWORD;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

use crate::helpers::{spawn_app, spawn_app_at};

/// A POST to a server function with the given extra headers and the browser's cookies.
async fn post_with(
    browser: &crate::helpers::Browser,
    endpoint: &str,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = browser
        .client
        .post(format!("{}/api/{endpoint}", browser.address));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.form(fields).send().await.expect("request is sent")
}

#[tokio::test]
async fn a_form_posted_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let victim = app.signed_in("+77010000001").await;
    let attacks: [&[(&str, &str)]; 4] = [
        // A modern browser says where the request comes from…
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://sub.127.0.0.1"),
        ],
        // …an older one only sends Origin…
        &[("origin", "https://evil.example"), ("accept", "text/html")],
        // …and a request that says neither is not from a browser form on this site.
        &[("accept", "text/html")],
    ];
    for headers in attacks {
        let response = post_with(
            &victim,
            "change_password",
            headers,
            &[
                ("current", DEMO_PASSWORD),
                ("password", "attacker-chose-this"),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        let body = response.text().await.unwrap_or_default();
        assert!(
            body.contains("Запрос отклонён: форма отправлена с другого сайта."),
            "{headers:?}: {body}"
        );
        let out = post_with(&victim, "sign_out", headers, &[]).await;
        assert_eq!(out.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    // The victim is still signed in with the old password.
    let (status, _) = victim.call("current_account", &[]).await;
    assert_eq!(status, StatusCode::OK);
    app.browser().sign_in("+77010000001", DEMO_PASSWORD).await;
    // A same-origin request with the same cookie works: the check is not just refusing all.
    let ok = post_with(
        &victim,
        "sign_out",
        &[("sec-fetch-site", "same-origin"), ("origin", &app.address)],
        &[],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_cross_site_request_to_the_json_api_or_a_page_is_refused_when_it_is_not_a_read() {
    let app = spawn_app().await;
    for path in ["/api/v1/programs", "/programs", "/sign-in"] {
        let response = app
            .client
            .post(format!("{}{path}", app.address))
            .header("origin", "https://evil.example")
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Reads from anywhere are fine (links from other sites must work).
    let response = app
        .get_with("/programs", &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_page_carries_a_nonce_csp_and_the_other_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/programs?q=кредит", "/okrugs", "/sign-in", "/sign-up"] {
        let response = app.get_with(path, &[("accept", "text/html")]).await;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let csp = header("content-security-policy");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'self'") || csp.contains("default-src 'none'"));
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in {csp}"))
            .to_owned();
        assert!(
            !script_src.contains("'unsafe-inline'"),
            "{path}: {script_src}"
        );
        let kept = response.headers().contains_key("etag");
        let html = response.text().await.expect("body");
        if kept {
            // A page kept for every visitor (`server::page_cache`) names its inline scripts by
            // their hashes instead of a nonce; tests/api/page_cache.rs checks each hash.
            assert!(!script_src.contains("'nonce-"), "{path}: {script_src}");
            assert!(script_src.contains("'sha256-"), "{path}: {script_src}");
            continue;
        }
        let nonce = script_src
            .split_whitespace()
            .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{path}: no nonce in {script_src}"))
            .to_owned();
        assert!(nonce.len() >= 16, "{path}: a nonce worth the name");
        let scripts = html.matches("<script").count();
        let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(
            with_nonce >= scripts,
            "{path}: {scripts} scripts, {with_nonce} carry the nonce"
        );
    }
    let first = app.get_with("/", &[("accept", "text/html")]).await;
    let second = app.get_with("/", &[("accept", "text/html")]).await;
    assert_ne!(
        first.headers().get("content-security-policy"),
        second.headers().get("content-security-policy"),
        "a fresh nonce per page"
    );
    let api = app.get_with("/api/v1/programs", &[]).await;
    let csp = api
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'"),
        "JSON allows nothing: {csp}"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let big = "x".repeat(server::MAX_BODY + 1);
    for endpoint in ["sign_in", "search_programs"] {
        let response = app
            .client
            .post(format!("{}/api/{endpoint}", app.address))
            .header("origin", &app.address)
            .form(&[("login", big.as_str()), ("password", "x")])
            .send()
            .await
            .expect("sent");
        assert_eq!(
            response.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{endpoint}"
        );
    }
    // Just under the limit is an ordinary (refused) sign-in, not a transport error.
    let fits = "x".repeat(server::MAX_BODY / 2);
    let (status, _) = app
        .call("sign_in", &[("login", &fits), ("password", "x")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn production_mode_refuses_demo_accounts_and_unsafe_settings() {
    let dir = tempfile::tempdir().expect("dir");
    let demo = spawn_app_at(dir.path(), |_| {}).await;
    let mut config = (*demo.state.config).clone();
    config.site_addr = "127.0.0.1:0".parse().expect("addr");

    let mut careless = config.clone();
    careless.production = true;
    let refused = server::build(careless).await.err().map(|e| e.to_string());
    let refused = refused.expect("production refuses");
    assert!(refused.contains("DEMO_DATA"), "{refused}");
    assert!(refused.contains("PUBLIC_URL"), "{refused}");
    assert!(refused.contains("SMTP_URL"), "{refused}");
    assert!(refused.contains("SMS_PROVIDER"), "{refused}");

    // Settings right, but the database still has the demo accounts with their known password.
    let mut careful = config.clone();
    careful.production = true;
    careful.demo_data = false;
    careful.public_url = "https://auyl.example.kz".into();
    careful.smtp_url = Some("smtp://127.0.0.1:1".into());
    careful.sms.provider = app::ssr::config::SmsProvider::Mobizon;
    careful.sms.api_key = Some("a-generated-key-0123456789".into());
    // Nothing is sent in this test; a closed port, should anything try.
    careful.sms.api_url = Some("http://127.0.0.1:1".into());
    let refused = server::build(careful.clone())
        .await
        .err()
        .map(|e| e.to_string())
        .expect("production refuses demo accounts");
    assert!(refused.contains("demo accounts"), "{refused}");

    demo.state
        .db
        .execute_unprepared("DELETE FROM sessions; DELETE FROM users WHERE demo")
        .await
        .expect("demo accounts removed");
    let started = server::build(careful).await;
    assert!(
        started.is_ok(),
        "without demo accounts it starts: {:?}",
        started.err().map(|e| e.to_string())
    );
}

#[tokio::test]
async fn security_events_are_written_to_an_audit_log_nobody_can_rewrite() {
    let app = spawn_app().await;
    let _ = app
        .call(
            "sign_in",
            &[("login", "+77010000001"), ("password", "wrong-password")],
        )
        .await;
    let browser = app.signed_in("+77010000001").await;
    let _ = browser.call("sign_out", &[]).await;

    let events = q::audit_tail(&app.state.db, 10).await.expect("audit log");
    let kinds: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    for expected in ["sign_in_failed", "sign_in", "sign_out"] {
        assert!(kinds.contains(&expected), "{expected} in {kinds:?}");
    }
    assert!(
        events.iter().all(|e| e.ip.is_some()),
        "each entry says where it came from"
    );
    assert!(
        !events
            .iter()
            .any(|e| e.detail.contains(DEMO_PASSWORD) || e.detail.contains("wrong-password")),
        "passwords never reach the log"
    );

    for sql in [
        "UPDATE audit_log SET event = 'nothing'",
        "DELETE FROM audit_log",
    ] {
        let result = app.state.db.execute_unprepared(sql).await;
        assert!(result.is_err(), "{sql} must fail");
    }
    let after = q::audit_tail(&app.state.db, 10).await.expect("audit log");
    assert_eq!(after.len(), events.len(), "nothing was lost");
}
