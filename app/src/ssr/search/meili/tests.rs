//! The Meilisearch adapter against an HTTP stub that checks what it sends and answers with the
//! exchanges recorded from a real Meilisearch 1.50 (`app/fixtures/meilisearch-1.50`), and
//! against a real server when `MEILI_URL` is set.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::stub::{fixture, healthy, searches};
use super::*;
use crate::ssr::search::contract;

fn config(url: String) -> MeiliConfig {
    MeiliConfig {
        url,
        api_key: Some("test-master-key".into()),
        index: "programs".into(),
        search_timeout: Duration::from_millis(300),
        task_timeout: Duration::from_secs(2),
    }
}

async fn requests(server: &MockServer, verb: &str, url_path: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == url_path)
        .collect()
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON body")
}

#[tokio::test]
async fn setting_up_creates_the_index_and_sends_the_domain_s_settings() {
    let server = MockServer::start().await;
    healthy(&server).await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");

    meili.ensure().await.expect("sets up");

    let created = requests(&server, "POST", "/indexes").await;
    assert_eq!(
        body(&created[0]),
        fixture("create_index.json")["request"]["body"],
        "the recorded request"
    );
    assert_eq!(
        created[0]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer test-master-key")
    );
    let settings = body(&requests(&server, "PATCH", "/indexes/programs/settings").await[0]);
    assert_eq!(
        settings["searchableAttributes"],
        json!(["title", "summary", "body"])
    );
    assert_eq!(
        settings["filterableAttributes"],
        json!(["kind", "sectors", "regions", "deadline"])
    );
    assert_eq!(
        settings["sortableAttributes"],
        json!(["deadline", "amount", "rate"])
    );
    assert_eq!(
        settings["rankingRules"],
        json!(["sort", "attributeRank", "typo", "nationwide:desc", "id:asc"]),
        "an explicit order first, then the rule's: fields, typos, nationwide first, the id"
    );
    assert_eq!(
        settings["typoTolerance"]["minWordSizeForTypos"],
        json!({"oneTypo": 5, "twoTypos": 9})
    );
    assert_eq!(
        settings["typoTolerance"]["disableOnWords"],
        json!(text::synonym_tokens()),
        "no typo reaches or leaves a synonym group's token"
    );
    assert_eq!(
        settings["synonyms"],
        json!({}),
        "synonyms are tokens in the documents"
    );
    assert_eq!(settings["searchCutoffMs"], SEARCH_CUTOFF_MS);
    assert_eq!(settings["pagination"]["maxTotalHits"], MAX_TOTAL_HITS);
    assert_eq!(settings["faceting"]["maxValuesPerFacet"], 100);
}

#[tokio::test]
async fn writes_send_normalised_documents_and_a_batch_delete_then_wait_for_their_tasks() {
    let server = MockServer::start().await;
    healthy(&server).await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");
    let doc = contract::corpus()[0].clone();

    meili
        .apply(std::slice::from_ref(&doc), &[1, 2, 3], None)
        .await
        .expect("enqueues");
    meili.flush().await.expect("waits for the tasks");

    let deleted = requests(&server, "POST", "/indexes/programs/documents/delete-batch").await;
    assert_eq!(
        body(&deleted[0]),
        fixture("delete_documents.json")["request"]["body"],
        "the recorded request"
    );
    let added = body(&requests(&server, "POST", "/indexes/programs/documents").await[0]);
    let sent = &added[0];
    assert_eq!(sent["id"], doc.id);
    let title = format!("{} {}", doc.title_ru, doc.title_kk);
    assert_eq!(
        sent["title"],
        text::index_text(&title),
        "words, stems, Latin spellings and synonym tokens"
    );
    assert!(
        sent["title"]
            .as_str()
            .is_some_and(|t| t.contains(&text::synonym_token(0))),
        "«микрокредит» brings its group's token: {}",
        sent["title"]
    );
    assert!(
        sent["title"]
            .as_str()
            .is_some_and(|t| t.contains("auyl amanaty")),
        "a Latin query must find «Ауыл аманаты» in Meilisearch too: {}",
        sent["title"]
    );
    assert_eq!(sent["kind"], "microcredit");
    assert_eq!(sent["sectors"], json!(["any"]), "open to every sector");
    assert_eq!(sent["regions"], json!(["nationwide"]));
    assert_eq!(sent["deadline"], matching::NO_DEADLINE);
    assert_eq!(sent["nationwide"], 1);
    assert_eq!(sent["amount"], 10_812_500);
    assert_eq!(sent["rate"], 250);
    assert_eq!(
        sent["stamp"],
        doc.stamp.to_string(),
        "a string: doubles cannot hold it"
    );
    assert_eq!(sent["hit"]["slug"], doc.slug);
    let waited: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with("/tasks/"))
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(waited.len() % 2, 0, "both tasks were awaited: {waited:?}");
    assert!(
        waited.contains(&"/tasks/6".to_owned()) && waited.contains(&"/tasks/3".to_owned()),
        "{waited:?}"
    );
}

/// A multi-search answer in the recorded shape, with our documents' cards as hits.
fn answer(hits: &[SearchDoc], total: usize, facets: &[Value]) -> Value {
    let recorded_page = fixture("search_page_sort.json")["response"].clone();
    let recorded_facets = fixture("search_filter_facets.json")["response"].clone();
    let mut main = recorded_page;
    main["hits"] = json!(
        hits.iter()
            .map(|d| json!({"hit": SearchHit::from(d)}))
            .collect::<Vec<_>>()
    );
    main["page"] = json!(1);
    main["hitsPerPage"] = json!(20);
    main["totalHits"] = json!(total);
    main["totalPages"] = json!(total.div_ceil(20));
    main["indexUid"] = json!("programs");
    main["facetDistribution"] = facets.first().cloned().unwrap_or(json!({}));
    let mut results = vec![main];
    for f in &facets[1..] {
        let mut extra = recorded_facets.clone();
        extra["hits"] = json!([]);
        extra["limit"] = json!(0);
        extra["indexUid"] = json!("programs");
        extra["facetDistribution"] = f.clone();
        results.push(extra);
    }
    json!({ "results": results })
}

#[tokio::test]
async fn a_search_sends_stems_filters_sort_paging_and_facets_in_one_request() {
    let server = MockServer::start().await;
    let corpus = contract::corpus();
    let reply = answer(
        &corpus[..2],
        7,
        &[
            json!({"sectors": {"livestock": 2, "any": 1}}),
            json!({"kind": {"microcredit": 3, "loan": 1}}),
            json!({"regions": {"610000000": 2, "nationwide": 1}}),
        ],
    );
    searches(&server, reply).await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");
    let query = SearchQuery::from_query_string(
        "q=микрокредиты&kind=microcredit&region=610000000&sort=amount&page=1",
    )
    .expect("valid");
    let open_on = contract::open_on();

    let results = meili.search(&query, open_on).await.expect("searches");

    let sent = body(&requests(&server, "POST", "/multi-search").await[0]);
    let queries = sent["queries"].as_array().expect("queries");
    assert_eq!(
        queries.len(),
        3,
        "results and the two filtered facets in one round trip"
    );
    let main = &queries[0];
    assert_eq!(main["indexUid"], "programs");
    assert_eq!(
        main["q"],
        format!("{} ", text::synonym_token(0)),
        "the plan's words: «микрокредиты» is its group's token, complete (a space after it)"
    );
    assert_eq!(main["matchingStrategy"], "all");
    let day = matching::days(open_on);
    assert_eq!(
        main["filter"],
        format!(
            "deadline >= {day} AND kind = \"microcredit\" AND (regions = \"610000000\" OR regions = \"nationwide\")"
        )
    );
    assert_eq!(
        main["sort"],
        json!(["amount:desc"]),
        "ties go to the ranking rules, which end with the id"
    );
    assert_eq!(
        (main["page"].clone(), main["hitsPerPage"].clone()),
        (json!(1), json!(20))
    );
    assert_eq!(main["attributesToRetrieve"], json!(["hit"]));
    assert_eq!(main["facets"], json!(["sectors"]));
    assert_eq!(queries[1]["facets"], json!(["kind"]));
    assert_eq!(
        queries[1]["filter"],
        format!("deadline >= {day} AND (regions = \"610000000\" OR regions = \"nationwide\")"),
        "the kind facet ignores the kind filter"
    );
    assert_eq!(queries[2]["facets"], json!(["regions"]));
    assert_eq!(queries[2]["limit"], 0);

    assert_eq!(results.total, 7);
    assert_eq!(results.engine, "meilisearch");
    assert_eq!(
        results.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(results.facets.kind.get("microcredit"), Some(&3));
    assert_eq!(
        results.facets.sector.get("livestock"),
        Some(&3),
        "open-to-all programmes count in each sector"
    );
    assert_eq!(results.facets.sector.get("crafts"), Some(&1));
    assert_eq!(
        results.facets.region.get("610000000"),
        Some(&3),
        "nationwide ones count in each region"
    );
}

/// The first search finds nothing; every later one answers `reply`.
async fn nothing_then(server: &MockServer, reply: Value) {
    Mock::given(method("POST"))
        .and(path("/multi-search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(&[], 0, &[json!({})])))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    searches(server, reply).await;
}

#[tokio::test]
async fn a_query_typed_on_the_wrong_layout_is_searched_again_on_the_other() {
    let server = MockServer::start().await;
    let corpus = contract::corpus();
    nothing_then(&server, answer(&corpus[..1], 1, &[json!({})])).await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");
    let query = SearchQuery::from_query_string("q=vbrhjrhtlbn").expect("valid");

    let results = crate::ssr::services::catalog::search(&meili, &query, contract::open_on())
        .await
        .expect("searches");

    let sent: Vec<Value> = requests(&server, "POST", "/multi-search")
        .await
        .iter()
        .map(|r| body(r)["queries"][0]["q"].clone())
        .collect();
    assert_eq!(
        sent,
        [
            json!("vbrhjrhtlbn"),
            json!(format!("{} ", text::synonym_token(0)))
        ],
        "as typed, then the same keys on the Russian layout"
    );
    assert_eq!(results.corrected.as_deref(), Some("микрокредит"));
    assert_eq!(results.hits.len(), 1);
    assert!(
        results.hits[0]
            .title_ru_marked
            .iter()
            .any(|s| s.hit && s.text == "микрокредит"),
        "the corrected word is marked: {:?}",
        results.hits[0].title_ru_marked
    );
}

#[tokio::test]
async fn when_nothing_has_every_word_the_last_is_dropped_and_asked_again() {
    let server = MockServer::start().await;
    let corpus = contract::corpus();
    nothing_then(&server, answer(&corpus[1..2], 1, &[json!({})])).await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");
    let query = SearchQuery::from_query_string("q=кен+дала+xyzzy").expect("valid");

    let results = meili
        .search(&query, contract::open_on())
        .await
        .expect("searches");

    let sent: Vec<Value> = requests(&server, "POST", "/multi-search")
        .await
        .iter()
        .map(|r| body(r)["queries"][0]["q"].clone())
        .collect();
    assert_eq!(
        sent,
        [
            json!(format!("кен {} xyzzy", text::stem("дала"))),
            json!(format!("кен {} ", text::stem("дала")))
        ],
        "the second time without the last word, and nothing a prefix"
    );
    assert_eq!(results.total, 1);
}

#[tokio::test]
async fn a_failed_task_is_an_error_with_meilisearch_s_reason() {
    let server = MockServer::start().await;
    let bad = fixture("add_documents_bad.json");
    Mock::given(method("POST"))
        .and(path("/indexes/programs/documents"))
        .respond_with(ResponseTemplate::new(202).set_body_json(bad["response"].clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tasks/5"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("task_failed.json")["response"].clone()),
        )
        .mount(&server)
        .await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");

    meili
        .upsert(&contract::corpus()[..1])
        .await
        .expect("enqueued");
    let err = meili.flush().await.expect_err("the task failed");

    assert!(
        matches!(&err, SearchError::Engine(m) if m.contains("MissingDocumentId") && m.contains("task 5")),
        "{err}"
    );
}

#[tokio::test]
async fn server_errors_bad_keys_missing_indexes_and_timeouts_are_errors_not_hangs() {
    let error_body = |code: &str, kind: &str| json!({"message": format!("{code} happened"), "code": code, "type": kind, "link": "https://docs.meilisearch.com/errors"});
    let cases = [
        (
            ResponseTemplate::new(500).set_body_json(error_body("internal", "internal")),
            "a 500",
        ),
        (
            ResponseTemplate::new(503).set_body_string("upstream unavailable"),
            "a 503 without JSON",
        ),
        (
            ResponseTemplate::new(403)
                .set_body_json(fixture("invalid_api_key.json")["response"].clone()),
            "a wrong key",
        ),
        (
            ResponseTemplate::new(404)
                .set_body_json(fixture("index_not_found.json")["response"].clone()),
            "a missing index",
        ),
        (
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(3))
                .set_body_json(json!({"results": []})),
            "a slow server",
        ),
    ];
    for (reply, desc) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/multi-search"))
            .respond_with(reply)
            .mount(&server)
            .await;
        let meili = MeiliIndex::new(config(server.uri())).expect("client");
        let started = Instant::now();

        let result = meili
            .search(&SearchQuery::default(), contract::open_on())
            .await;

        assert!(result.is_err(), "failed for {desc}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "failed for {desc}: took {:?}",
            started.elapsed()
        );
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/multi-search"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(fixture("index_not_found.json")["response"].clone()),
        )
        .mount(&server)
        .await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");
    let missing = meili
        .search(&SearchQuery::default(), contract::open_on())
        .await;
    assert!(
        matches!(missing, Err(SearchError::Unavailable(_))),
        "a missing index is an outage, not a bug: {missing:?}"
    );
}

#[tokio::test]
async fn a_rebuild_fills_a_new_index_and_swaps_it_in_atomically() {
    let server = MockServer::start().await;
    healthy(&server).await;
    let meili = MeiliIndex::new(config(server.uri())).expect("client");
    let done = std::sync::Mutex::new(Vec::new());

    meili
        .rebuild(contract::corpus(), None, &|n| {
            done.lock().expect("lock").push(n)
        })
        .await
        .expect("rebuilds");

    let calls: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| !r.url.path().starts_with("/tasks/"))
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        calls,
        [
            "DELETE /indexes/programs_next",
            "POST /indexes",
            "PATCH /indexes/programs_next/settings",
            "POST /indexes/programs_next/documents",
            "POST /indexes",
            "PATCH /indexes/programs/settings",
            "POST /swap-indexes",
            "DELETE /indexes/programs_next",
        ]
    );
    let swap = body(&requests(&server, "POST", "/swap-indexes").await[0]);
    assert_eq!(
        swap,
        fixture("swap_indexes.json")["request"]["body"],
        "the recorded request"
    );
    assert_eq!(
        *done.lock().expect("lock"),
        [contract::corpus().len() as u64]
    );
}

/// A real Meilisearch for a test: the server at `MEILI_URL` (with `MEILI_API_KEY`) when set,
/// else one started from `MEILI_BIN` (`make test` sets it), else `None` and a printed reason.
pub(crate) async fn real_server(test: &str) -> Option<(Option<process::MeiliServer>, MeiliConfig)> {
    let index = format!("test_{}", uuid::Uuid::new_v4().simple());
    if let Ok(url) = std::env::var("MEILI_URL") {
        let config = MeiliConfig {
            url,
            api_key: std::env::var("MEILI_API_KEY").ok(),
            index,
            search_timeout: Duration::from_secs(5),
            task_timeout: Duration::from_secs(60),
        };
        return Some((None, config));
    }
    let server = process::MeiliServer::start(test).await?;
    let config = server.config(&index);
    Some((Some(server), config))
}

/// The search contract against a real Meilisearch 1.50 (see [`real_server`]).
#[tokio::test]
async fn real_meilisearch_meets_the_search_contract() {
    let Some((_server, config)) = real_server("real_meilisearch_meets_the_search_contract").await
    else {
        return;
    };
    let meili = MeiliIndex::new(config.clone()).expect("client");
    meili.ensure().await.expect("sets up");

    let (cases, failures) = contract::run(&meili).await;

    if let Ok(task) = meili.client.delete_index(&config.index).await {
        let _ = meili.wait(task).await;
    }
    eprintln!(
        "search contract on a real Meilisearch: {cases} cases, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "contract failures:\n{}",
        failures.join("\n")
    );
}

/// The one difference between the rule and Meilisearch that `domain::matching` documents: a
/// programme found both through a concatenation (in its title) and through the separate words
/// (elsewhere). The rule counts the typos of its best way (none); Meilisearch counts only the
/// ways that brought some programme into the same field bucket, so without another programme
/// having the separate words in its title, it counts the concatenation's two typos.
#[tokio::test]
async fn real_meilisearch_differs_from_the_rule_only_as_documented() {
    let Some((_server, config)) =
        real_server("real_meilisearch_differs_from_the_rule_only_as_documented").await
    else {
        return;
    };
    let doc = |id: i64, title: &str, body: &str| {
        SearchDoc {
            title_ru: title.into(),
            title_kk: String::new(),
            body: body.into(),
            operator_ru: String::new(),
            operator_kk: String::new(),
            regions: Vec::new(),
            ..contract::corpus()[0].clone()
        }
        .with_id(id)
    };
    let once = doc(1, "аабб", "");
    let twice = doc(2, "аабб", "аа бб");
    let apart = doc(3, "аа бб", "");
    let meili = MeiliIndex::new(config.clone()).expect("client");
    meili.ensure().await.expect("sets up");
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded = crate::ssr::search::embedded::EmbeddedIndex::open(dir.path()).expect("opens");
    let order = async |index: &dyn SearchIndex| -> Vec<i64> {
        let q = SearchQuery::from_query_string("q=аа+бб").expect("valid");
        let r = index
            .search(&q, contract::open_on())
            .await
            .expect("searches");
        r.hits.iter().map(|h| h.id).collect()
    };
    for index in [&meili as &dyn SearchIndex, &embedded] {
        index
            .rebuild(vec![once.clone(), twice.clone()], None, &|_| {})
            .await
            .expect("loads");
        index.flush().await.expect("flushes");
    }

    assert_eq!(order(&embedded).await, [2, 1], "the rule: 2 has no typo");
    assert_eq!(
        order(&meili).await,
        [1, 2],
        "Meilisearch: both count the concatenation's typos, then the id"
    );

    // With a programme that has the separate words in its title, the two agree again.
    for index in [&meili as &dyn SearchIndex, &embedded] {
        index
            .upsert(std::slice::from_ref(&apart))
            .await
            .expect("adds");
        index.flush().await.expect("flushes");
    }
    assert_eq!(order(&embedded).await, [2, 3, 1]);
    assert_eq!(order(&meili).await, [2, 3, 1]);
    if let Ok(task) = meili.client.delete_index(&config.index).await {
        let _ = meili.wait(task).await;
    }
}
