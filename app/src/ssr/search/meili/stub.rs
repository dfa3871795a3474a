//! A stand-in for Meilisearch in tests: an HTTP stub (wiremock) that answers with the exchanges
//! recorded from a real Meilisearch 1.50 (`app/fixtures/meilisearch-1.50`). Compiled for tests
//! and for the `test-support` feature, which the server's integration tests enable.

use serde_json::Value;
use wiremock::matchers::{any, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A recorded exchange (`{request, status, response}`) by file name.
pub fn fixture(name: &str) -> Value {
    let text = match name {
        "add_documents.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/add_documents.json")
        }
        "add_documents_bad.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/add_documents_bad.json")
        }
        "create_index.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/create_index.json")
        }
        "delete_documents.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/delete_documents.json")
        }
        "get_index_stats.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/get_index_stats.json")
        }
        "index_not_found.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/index_not_found.json")
        }
        "invalid_api_key.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/invalid_api_key.json")
        }
        "search_filter_facets.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/search_filter_facets.json")
        }
        "search_page_sort.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/search_page_sort.json")
        }
        "swap_indexes.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/swap_indexes.json")
        }
        "task_failed.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/task_failed.json")
        }
        "task_succeeded.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/task_succeeded.json")
        }
        "update_settings.json" => {
            include_str!("../../../../fixtures/meilisearch-1.50/update_settings.json")
        }
        other => panic!("no recorded exchange {other}"),
    };
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

fn reply(name: &str, status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(fixture(name)["response"].clone())
}

/// Answers the calls of a healthy write path (index creation, settings, documents, deletions,
/// swaps, task polling, stats) as Meilisearch does.
pub async fn healthy(server: &MockServer) {
    let routes = [
        ("POST", "^/indexes$", "create_index.json", 202),
        (
            "PATCH",
            "^/indexes/[a-z0-9_]+/settings$",
            "update_settings.json",
            202,
        ),
        (
            "POST",
            "^/indexes/[a-z0-9_]+/documents$",
            "add_documents.json",
            202,
        ),
        (
            "POST",
            "^/indexes/[a-z0-9_]+/documents/delete-batch$",
            "delete_documents.json",
            202,
        ),
        ("POST", "^/swap-indexes$", "swap_indexes.json", 202),
        ("DELETE", "^/indexes/[a-z0-9_]+$", "swap_indexes.json", 202),
        ("GET", "^/tasks/[0-9]+$", "task_succeeded.json", 200),
        (
            "GET",
            "^/indexes/[a-z0-9_]+/stats$",
            "get_index_stats.json",
            200,
        ),
    ];
    for (verb, route, file, status) in routes {
        Mock::given(method(verb))
            .and(path_regex(route))
            .respond_with(reply(file, status))
            .mount(server)
            .await;
    }
}

/// Fails every request as a Meilisearch behind a broken proxy would.
pub async fn down(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("no healthy upstream"))
        .mount(server)
        .await;
}

/// Answers searches with `body`.
pub async fn searches(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path("/multi-search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}
