//! Public report pages served like files (`server::page_cache`): validators and `304` for a
//! phone that has the page, the same kept bytes for every visitor who is not signed in, a new
//! page as soon as the figures or a programme change, and never one person's page for another.

use crate::helpers::{Browser, spawn_app};
use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

const REPORT: &str = "/okrugs/101033000";

/// The report as a visitor who is not signed in gets it, once it is kept (an okrug waiting
/// for the worker's recomputation is answered but not kept).
async fn kept(visitor: &Browser) -> (String, reqwest::header::HeaderMap, String) {
    kept_at(visitor, REPORT).await
}

/// The page at `path` once it is kept.
async fn kept_at(visitor: &Browser, path: &str) -> (String, reqwest::header::HeaderMap, String) {
    for _ in 0..200 {
        let response = visitor.get_with(path, &[("accept", "text/html")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        let body = response.text().await.expect("body");
        if let Some(etag) = headers.get("etag").and_then(|v| v.to_str().ok()) {
            return (etag.to_owned(), headers, body);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path} was never kept");
}

#[tokio::test]
async fn a_phone_that_has_the_report_gets_304_and_a_change_brings_a_new_page() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let (etag, headers, body) = kept(&visitor).await;
    assert_eq!(
        headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-cache"),
        "asked again every time, answered by a 304 while it holds"
    );

    let again = visitor.get_with(REPORT, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // The browser puts a 304's headers on its copy: the page's own policy, not one that allows
    // nothing (which left a revalidated page without its styles and scripts).
    assert_eq!(
        again.headers().get("content-security-policy"),
        headers.get("content-security-policy")
    );
    assert_eq!(again.text().await.expect("body"), "");

    // Another visitor gets the same page, and its scripts are allowed by their hashes: a kept
    // page cannot carry a fresh nonce for each visitor.
    let (etag2, headers2, body2) = kept(&app.browser()).await;
    assert_eq!((&etag2, &body2), (&etag, &body));
    let csp = headers2
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a policy");
    assert!(!csp.contains("'nonce-"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let mut inline = 0;
    for (at, _) in body2.match_indices("<script") {
        let rest = &body2[at..];
        let open = rest.find('>').expect("a tag");
        if rest[..open].contains(" src=") {
            continue;
        }
        let script = &rest[open + 1..open + 1 + rest[open + 1..].find("</script>").expect("end")];
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{script} in {csp}"
        );
        inline += 1;
    }
    assert!(inline > 0, "the page hydrates with inline scripts");

    // The language is part of the address's page.
    let kazakh = app
        .browser()
        .get_with(REPORT, &[("accept-language", "kk")])
        .await;
    let kk_etag = kazakh.headers().get("etag").cloned();
    assert_ne!(
        kk_etag.as_ref().and_then(|v| v.to_str().ok()),
        Some(etag.as_str())
    );

    // The okrug's figures recomputed: the phone's copy no longer holds.
    let okrug = app::domain::location::KatoCode::parse("101033000").expect("code");
    app::ssr::db::reports::touch(&app.state.db, &okrug)
        .await
        .expect("touch");
    app::ssr::services::reports::refresh(&app.state.db, "", 10)
        .await
        .expect("recomputed");
    let after = visitor.get_with(REPORT, &[("if-none-match", &etag)]).await;
    assert_eq!(after.status(), StatusCode::OK, "the figures changed");
    let (etag3, _, _) = kept(&visitor).await;
    assert_ne!(etag3, etag);

    // A programme renamed (its search outbox row): a new page too.
    app.retitle("auyl-amanaty-microcredit", "Ауыл аманаты: новое название")
        .await;
    let renamed = visitor.get_with(REPORT, &[("if-none-match", &etag3)]).await;
    assert_eq!(renamed.status(), StatusCode::OK, "a programme changed");
}

#[tokio::test]
async fn a_signed_in_person_s_page_is_never_kept_or_shown_to_another() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let (_, _, anonymous) = kept(&visitor).await;

    let erlan = app.signed_in("+77010000002").await;
    let response = erlan.get_with(REPORT, &[("accept", "text/html")]).await;
    assert!(response.headers().get("etag").is_none(), "not kept");
    let page = response.text().await.expect("body");
    assert!(page.contains("Ерлан Тасов"), "the header names the person");

    let akim = app.signed_in("+77010000003").await;
    let page = akim.get_html(REPORT).await.1;
    assert!(page.contains("Бауыржан Әбенов"));
    assert!(!page.contains("Ерлан Тасов"), "never another person's page");

    let (_, _, later) = kept(&app.browser()).await;
    for page in [&anonymous, &later] {
        assert!(!page.contains("Ерлан Тасов") && !page.contains("Бауыржан Әбенов"));
    }
}

#[tokio::test]
async fn the_catalogue_is_kept_until_a_programme_changes() {
    let app = spawn_app().await;
    let visitor = app.browser();
    // A word no programme has yet.
    let path = "/programs?q=%D0%B6%D0%B0%D0%BD%D0%B0%D1%82%D0%B0%D1%83"; // жанатау
    let (etag, _, before) = kept_at(&visitor, path).await;
    assert!(!before.contains("/programs/auyl-amanaty-microcredit"));
    let again = visitor.get_with(path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    app.retitle("auyl-amanaty-microcredit", "Жанатау микрокредит")
        .await;
    // Once the index has the new title, the phone's copy no longer holds and the page finds it.
    for _ in 0..200 {
        let response = visitor.get_with(path, &[("if-none-match", &etag)]).await;
        if response.status() == StatusCode::OK {
            let page = response.text().await.expect("body");
            if page.contains("/programs/auyl-amanaty-microcredit") {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the renamed programme never showed on the kept page's address");
}
