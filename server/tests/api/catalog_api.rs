use serde_json::Value;

use crate::helpers::spawn_app;

fn slugs(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .map(|h| {
            h.iter()
                .filter_map(|x| x["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn search_finds_ken_dala_typed_without_kazakh_letters_and_marks_the_match() {
    let app = spawn_app().await;

    let (status, body) = app.get_json("/api/v1/programs?q=кен+дала").await;

    assert_eq!(status, 200);
    assert_eq!(
        slugs(&body).first().map(String::as_str),
        Some("ken-dala-2026"),
        "{body}"
    );
    let marked: Vec<&str> = body["hits"][0]["highlight"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter(|p| p["hit"] == true)
                .filter_map(|p| p["text"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(marked, ["Кең", "дала"]);
}

#[tokio::test]
async fn search_results_have_the_documented_shape() {
    let app = spawn_app().await;

    let (status, body) = app.get_json("/api/v1/programs?q=аманат").await;

    assert_eq!(status, 200);
    for key in ["total", "hits", "facets", "took_ms", "engine", "degraded"] {
        assert!(body.get(key).is_some(), "missing {key}: {body}");
    }
    assert_eq!(body["engine"], "embedded");
    assert_eq!(body["degraded"], false);
    let took = body["took_ms"].as_f64().expect("a number");
    assert!(
        took >= 0.0 && (took * 10.0 - (took * 10.0).round()).abs() < 1e-9,
        "milliseconds to a tenth: {took}"
    );
    let hit = &body["hits"][0];
    for key in [
        "id",
        "slug",
        "title",
        "kind",
        "operator",
        "amount_max_kzt",
        "rate_bps",
        "term_months_max",
        "deadline",
    ] {
        assert!(hit.get(key).is_some(), "hit misses {key}: {hit}");
    }
    for facet in ["kind", "sector", "region"] {
        assert!(body["facets"][facet].is_object(), "facet {facet}: {body}");
    }
}

#[tokio::test]
async fn an_mci_limit_is_shown_in_tenge_of_the_current_year() {
    // Auyl Amanaty: 2,500 MCI; the tests run on 2026-11-27, when one MCI is 4,325 ₸.
    let app = spawn_app().await;

    let (_, body) = app
        .get_json("/api/v1/programs?q=ауыл+аманаты&per_page=100")
        .await;

    let hit = body["hits"]
        .as_array()
        .and_then(|h| h.iter().find(|x| x["slug"] == "auyl-amanaty-microcredit"))
        .cloned();
    assert_eq!(
        hit.map(|h| h["amount_max_kzt"].clone()),
        Some(Value::from(10_812_500)),
        "{body}"
    );
}

#[tokio::test]
async fn filters_narrow_results_and_facets_still_offer_the_other_values() {
    let app = spawn_app().await;

    let (_, all) = app.get_json("/api/v1/programs?per_page=100").await;
    let (_, grants) = app
        .get_json("/api/v1/programs?kind=grant&per_page=100")
        .await;
    let (_, turkestan) = app
        .get_json("/api/v1/programs?region=610000000&per_page=100")
        .await;

    assert!(grants["total"].as_u64() > Some(0));
    assert!(
        grants["hits"]
            .as_array()
            .is_some_and(|h| h.iter().all(|x| x["kind"] == "grant")),
        "{grants}"
    );
    // The kind facet ignores the kind filter, so a user can switch kinds.
    assert_eq!(grants["facets"]["kind"], all["facets"]["kind"]);
    assert_eq!(grants["facets"]["kind"]["grant"], grants["total"]);
    // A region shows its own programmes and the nationwide ones, nothing from elsewhere.
    let ok = turkestan["hits"].as_array().is_some_and(|h| {
        h.iter().all(|x| {
            let regions = x["regions"].as_array().cloned().unwrap_or_default();
            regions.is_empty() || regions.iter().any(|r| r == "610000000")
        })
    });
    assert!(ok, "{turkestan}");
    assert!(turkestan["total"].as_u64() < all["total"].as_u64());
    assert!(turkestan["hits"].as_array().is_some_and(|h| {
        h.iter()
            .any(|x| x["regions"] == serde_json::json!(["610000000"]))
    }));
}

#[tokio::test]
async fn sorting_by_amount_rate_and_deadline_orders_results() {
    let app = spawn_app().await;

    let (_, by_amount) = app
        .get_json("/api/v1/programs?sort=amount&per_page=100")
        .await;
    let (_, by_rate) = app
        .get_json("/api/v1/programs?sort=rate&per_page=100")
        .await;
    let (_, by_deadline) = app
        .get_json("/api/v1/programs?sort=deadline&per_page=100")
        .await;

    let column = |body: &Value, key: &str| -> Vec<Value> {
        body["hits"]
            .as_array()
            .map(|h| h.iter().map(|x| x[key].clone()).collect())
            .unwrap_or_default()
    };
    let amounts: Vec<i64> = column(&by_amount, "amount_max_kzt")
        .iter()
        .map(|v| v.as_i64().unwrap_or(i64::MIN))
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    let rates: Vec<i64> = column(&by_rate, "rate_bps")
        .iter()
        .map(|v| v.as_i64().unwrap_or(i64::MAX))
        .collect();
    assert!(rates.windows(2).all(|w| w[0] <= w[1]), "{rates:?}");
    let deadlines: Vec<String> = column(&by_deadline, "deadline")
        .iter()
        .map(|v| v.as_str().unwrap_or("9999").to_owned())
        .collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
}

#[tokio::test]
async fn pages_do_not_overlap_and_keep_the_total() {
    let app = spawn_app().await;

    let (_, first) = app.get_json("/api/v1/programs?per_page=5&page=1").await;
    let (_, second) = app.get_json("/api/v1/programs?per_page=5&page=2").await;
    let (_, far) = app.get_json("/api/v1/programs?per_page=5&page=400").await;

    assert_eq!(first["total"], second["total"]);
    let (a, b) = (slugs(&first), slugs(&second));
    assert_eq!((a.len(), b.len()), (5, 5));
    assert!(a.iter().all(|s| !b.contains(s)), "{a:?} / {b:?}");
    assert_eq!(
        slugs(&far).len(),
        0,
        "a page past the end is empty, not an error"
    );
}

#[tokio::test]
async fn a_programme_is_served_by_slug_and_a_missing_one_is_a_json_404() {
    let app = spawn_app().await;

    let (status, program) = app.get_json("/api/v1/programs/damu-guarantee").await;
    let (missing_status, missing) = app.get_json("/api/v1/programs/no-such-programme").await;
    let (bad_status, bad) = app.get_json("/api/v1/programs/NOT%20A%20SLUG").await;

    assert_eq!(status, 200);
    assert_eq!(program["slug"], "damu-guarantee");
    assert_eq!(program["kind"], "guarantee");
    assert_eq!(program["fee_bps"], 150);
    assert_eq!(missing_status, 404);
    assert_eq!(missing["error"]["code"], "not_found");
    assert_eq!(missing["error"]["message"], "Программа не найдена.");
    assert_eq!(bad_status, 404);
    assert_eq!(bad["error"]["code"], "not_found");
}

#[tokio::test]
async fn closed_programmes_are_not_searchable_but_keep_their_page() {
    let app = spawn_app().await;

    let (_, found) = app.get_json("/api/v1/programs?q=Іскер&per_page=100").await;
    let (status, page) = app.get_html("/programs/isker").await;

    assert!(!slugs(&found).contains(&"isker".to_owned()), "{found}");
    assert_eq!(status, 200);
    assert!(
        page.contains("Приём заявок по этой программе закрыт"),
        "the page says it is closed"
    );
}

#[tokio::test]
async fn the_live_search_server_function_answers_with_the_same_results_as_the_api() {
    let app = spawn_app().await;

    let (status, results) = app
        .call("search_programs", &[("query", "q=микрозайм&sort=amount")])
        .await;
    let (_, api) = app
        .get_json("/api/v1/programs?q=микрозайм&sort=amount")
        .await;

    assert_eq!(status, 200);
    assert_eq!(results["total"], api["total"]);
    let fn_slugs: Vec<&str> = results["hits"]
        .as_array()
        .map(|h| h.iter().filter_map(|x| x["slug"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fn_slugs,
        slugs(&api).iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(
        results["total"].as_u64() > Some(2),
        "микрозайм finds microcredits through synonyms: {results}"
    );
}
