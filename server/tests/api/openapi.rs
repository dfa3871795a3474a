//! The OpenAPI document: served, complete, and true to what the API answers. Schemathesis runs
//! the generated requests against it in `make test`; these tests pin what a client reads first.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_api_describes_every_operation_at_openapi_json() {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let operations: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    for expected in [
        "GET /api/v1/programs",
        "GET /api/v1/programs/{slug}",
        "POST /api/v1/eligibility",
        "GET /api/v1/reports/{area}",
        "GET /api/v1/applications",
        "POST /api/v1/applications",
        "GET /api/v1/applications/{id}",
        "PUT /api/v1/applications/{id}",
        "POST /api/v1/applications/{id}/{verb}",
        "POST /api/v1/applications/{id}/documents",
    ] {
        assert!(
            operations.iter().any(|o| o == expected),
            "{expected} is documented (have {operations:?})"
        );
    }
    // Every `$ref` points at a schema the document holds (a dangling one makes clients and
    // schemathesis skip the part it describes).
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap_or_default();
        assert!(schemas.contains_key(name), "{name} is defined");
    }
    // The catalogue's codes are the wire values, not the Rust names.
    let kinds = &schemas["ProgramKind"]["enum"];
    assert!(
        kinds
            .as_array()
            .is_some_and(|k| k.contains(&Value::from("rate_subsidy"))),
        "{kinds}"
    );
}

#[tokio::test]
async fn an_application_number_that_is_not_a_number_is_a_json_error_naming_it() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/applications/abc?lang=en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "id", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

/// A step's body says what the API reads: the decision's fields typed (dates, whole numbers, the
/// rate as a number in percent), and nothing else accepted, there or beside them.
#[tokio::test]
async fn a_step_s_decision_fields_are_described_as_typed() {
    let app = spawn_app().await;
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    let body = &schemas["StepBody"];
    assert_eq!(
        body["properties"]["fields"]["$ref"], "#/components/schemas/DecisionFields",
        "{body}"
    );
    let fields = &schemas["DecisionFields"];
    for schema in [body, fields] {
        assert_eq!(schema["additionalProperties"], false, "{schema}");
    }
    let property = |name: &str| {
        let p = &fields["properties"][name];
        (p["type"][0].as_str(), p["format"].as_str())
    };
    for (name, kind) in [
        ("due_on", (Some("string"), Some("date"))),
        ("disbursed_on", (Some("string"), Some("date"))),
        ("approved_amount", (Some("integer"), Some("int64"))),
        ("approved_term", (Some("integer"), Some("int64"))),
        ("disbursed_amount", (Some("integer"), Some("int64"))),
        ("approved_rate", (Some("number"), Some("double"))),
        ("conditions", (Some("string"), None)),
        ("reject_reason", (Some("string"), None)),
        ("reference", (Some("string"), None)),
        ("approved_grace", (Some("integer"), Some("int64"))),
        ("approved_method", (Some("string"), None)),
        ("approved_season", (Some("array"), None)),
    ] {
        assert_eq!(property(name), kind, "{name}: {fields}");
    }
    assert_eq!(
        fields["properties"].as_object().map(serde_json::Map::len),
        Some(12),
        "{fields}"
    );
}
