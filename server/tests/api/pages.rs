use crate::helpers::spawn_app;

#[tokio::test]
async fn the_home_page_offers_search_and_the_kinds_of_support_without_javascript() {
    let app = spawn_app().await;

    let (status, html) = app.get_html("/").await;

    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"ru\""));
    assert!(html.contains("action=\"/programs\""), "a GET search form");
    assert!(
        html.contains("href=\"/programs?kind=microcredit\""),
        "kinds link to filtered searches"
    );
    assert!(html.contains("Скоро закрывается приём"));
    assert!(
        !html.contains("<leptos-island"),
        "the home page ships no island"
    );
}

#[tokio::test]
async fn the_search_page_renders_results_marks_and_filters_without_javascript() {
    let app = spawn_app().await;

    let (status, html) = app.get_html("/programs?q=аманат&sort=amount").await;

    assert_eq!(status, 200);
    assert!(html.contains("<mark>"), "matching words are marked");
    assert!(html.contains("href=\"/programs/auyl-amanaty-microcredit\""));
    assert!(
        html.contains("value=\"аманат\""),
        "the form keeps the query"
    );
    assert!(
        html.contains("<option value=\"amount\" selected"),
        "the form keeps the sort"
    );
    assert!(
        html.contains("id=\"f-kind\"")
            && html.contains("id=\"f-region\"")
            && html.contains("id=\"f-sector\"")
    );
    assert!(
        html.contains("Найдено") || html.contains("Найдена"),
        "the count is stated"
    );
    assert!(html.contains("Микрокредит ("), "filters show counts");
}

#[tokio::test]
async fn pagination_links_keep_the_search() {
    let app = spawn_app().await;

    let (_, html) = app.get_html("/programs?kind=microcredit&per_page=5").await;

    assert!(
        html.contains("href=\"/programs?kind=microcredit&amp;page=2&amp;per_page=5\""),
        "next page link"
    );
    assert!(html.contains("Страница 1 из"));
}

#[tokio::test]
async fn a_programme_page_states_its_conditions_in_plain_words() {
    let app = spawn_app().await;

    let (status, html) = app.get_html("/programs/auyl-amanaty-microcredit").await;

    assert_eq!(status, 200);
    assert!(
        html.contains("10\u{202f}812\u{202f}500\u{a0}₸"),
        "2,500 MCI in tenge of 2026"
    );
    assert!(
        html.contains("2\u{202f}500 МРП × 4\u{202f}325\u{a0}₸ (МРП 2026 года)"),
        "how the amount was worked out"
    );
    assert!(html.contains("2,5\u{a0}% годовых"));
    assert!(html.contains("Как подать заявку"));
    assert!(
        html.contains("rel=\"noopener noreferrer external\""),
        "the source is linked"
    );
    assert!(
        html.contains("class=\"uncertain\""),
        "uncertain figures are marked"
    );
    assert!(html.contains("<title>"), "a title");
}

#[tokio::test]
async fn a_demo_variant_says_it_is_illustrative_and_links_the_real_programme() {
    let app = spawn_app().await;

    let (status, html) = app.get_html("/programs/kostanay-dairy-microcredit").await;

    assert_eq!(status, 200);
    assert!(html.contains("демонстрационный региональный вариант"));
    assert!(html.contains("href=\"/programs/auyl-amanaty-microcredit\""));
}

#[tokio::test]
async fn choosing_kazakh_translates_the_page_and_is_remembered() {
    let app = spawn_app().await;

    let first = app
        .get_with("/programs?q=кредит&lang=kk", &[("accept", "text/html")])
        .await;
    let cookie = first
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let html = first.text().await.expect("body");
    let (_, later) = app.get_html("/programs/ken-dala-2026").await;

    assert!(
        cookie.is_some_and(|c| c.starts_with("lang=kk")),
        "the choice is stored in a cookie"
    );
    assert!(html.contains("<html lang=\"kk\""));
    assert!(html.contains("Не іздейсіз?"));
    assert!(
        later.contains("<html lang=\"kk\""),
        "the next page is in Kazakh too"
    );
    assert!(
        later.contains("көктемгі"),
        "programme texts are shown in Kazakh"
    );
}

#[tokio::test]
async fn a_missing_programme_or_page_is_a_404_page() {
    let app = spawn_app().await;

    let (status, html) = app.get_html("/programs/no-such-programme").await;
    let (other_status, _) = app.get_html("/no/such/page").await;

    assert_eq!(status, 404);
    assert!(html.contains("Программа не найдена"));
    assert_eq!(other_status, 404);
}
