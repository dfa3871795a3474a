use crate::helpers::{leaks_internals, spawn_app};

/// (query string, field, code, what the case is)
fn cases() -> Vec<(String, &'static str, &'static str, &'static str)> {
    vec![
        ("kind=bank".into(), "kind", "unknown_value", "unknown kind"),
        ("sort=price".into(), "sort", "unknown_value", "unknown sort"),
        (
            "sector=oil".into(),
            "sector",
            "unknown_value",
            "unknown sector",
        ),
        ("page=0".into(), "page", "out_of_range", "page 0"),
        (
            "page=1000000000".into(),
            "page",
            "out_of_range",
            "page 10^9",
        ),
        (
            "page=abc".into(),
            "page",
            "not_a_number",
            "page not a number",
        ),
        (
            "per_page=-5".into(),
            "per_page",
            "out_of_range",
            "negative per_page",
        ),
        (
            "per_page=101".into(),
            "per_page",
            "out_of_range",
            "per_page over 100",
        ),
        (
            format!("q={}", "а".repeat(5000)),
            "q",
            "too_long",
            "a 5,000-character query",
        ),
        (
            "region=61".into(),
            "region",
            "invalid_format",
            "malformed region code",
        ),
        (
            "region=6100000x0".into(),
            "region",
            "invalid_format",
            "region code with a letter",
        ),
        (
            "region=612000000".into(),
            "region",
            "unknown_region",
            "a district, not a region",
        ),
        (
            "q=%FF%FE".into(),
            "q",
            "invalid_encoding",
            "invalid UTF-8 in the query string",
        ),
        (
            "kind=%C3%28".into(),
            "kind",
            "invalid_encoding",
            "invalid UTF-8 in a filter",
        ),
    ]
}

#[tokio::test]
async fn the_api_answers_bad_parameters_with_a_400_naming_the_field() {
    let app = spawn_app().await;
    for (qs, field, code, desc) in cases() {
        let (status, body) = app.get_json(&format!("/api/v1/programs?{qs}")).await;

        assert_eq!(status, 400, "failed for {desc}");
        assert_eq!(body["error"]["field"], field, "failed for {desc}");
        assert_eq!(body["error"]["code"], code, "failed for {desc}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.chars().count() > 10 && message.chars().count() < 200,
            "failed for {desc}: {message}"
        );
        assert_eq!(
            leaks_internals(&body.to_string()),
            None,
            "failed for {desc}"
        );
    }
}

#[tokio::test]
async fn the_search_page_shows_bad_parameters_as_a_400_with_the_field_and_a_way_back() {
    let app = spawn_app().await;
    for (qs, _, _, desc) in cases() {
        let (status, html) = app.get_html(&format!("/programs?{qs}")).await;

        assert_eq!(status, 400, "failed for {desc}");
        assert!(
            html.contains("role=\"alert\""),
            "failed for {desc}: no alert"
        );
        assert!(
            html.contains("Ошибка в поле"),
            "failed for {desc}: the field is not named"
        );
        assert!(
            html.contains("href=\"/programs\""),
            "failed for {desc}: no way back"
        );
        assert!(
            html.contains("name=\"q\""),
            "failed for {desc}: the search form is still there"
        );
    }
}

#[tokio::test]
async fn error_messages_follow_the_user_s_language() {
    let app = spawn_app().await;

    let kk = app
        .get_with(
            "/api/v1/programs?page=0",
            &[("accept-language", "kk-KZ,kk;q=0.9")],
        )
        .await;
    let kk: serde_json::Value = kk.json().await.expect("json");
    let (_, en) = app.get_json("/api/v1/programs?page=0&lang=en").await;

    assert_eq!(
        kk["error"]["message"],
        "Бет нөмірі 1-ден 500-ге дейін болуы керек."
    );
    assert_eq!(
        en["error"]["message"],
        "The page number must be between 1 and 500."
    );
}

#[tokio::test]
async fn unknown_api_paths_and_bad_path_bytes_get_json_errors() {
    let app = spawn_app().await;

    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    let (bad_status, bad) = app.get_json("/api/v1/programs/%FF%FE").await;

    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(bad_status, 400);
    assert_eq!(bad["error"]["field"], "slug");
}

#[tokio::test]
async fn a_server_function_with_missing_or_mistyped_arguments_is_a_400_naming_the_field() {
    let app = crate::helpers::spawn_app().await;
    let (status, body) = app.call("get_program", &[("nothing", "1")]).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["Invalid"]["field"], "slug", "{body}");
    assert!(
        body["Invalid"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("slug")),
        "{body}"
    );
    let (status, body) = app.call("application_page", &[("id", "seven")]).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{body}");
}
