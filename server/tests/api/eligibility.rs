//! The entrepreneur's profile, "My matches", the what-if without JavaScript, the explanation on
//! programme pages, and `POST /api/v1/eligibility`, as an entrepreneur and API clients meet
//! them.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Browser, TestApp, leaks_internals, spawn_app};

const ENTREPRENEUR: &str = "+77010000001";
const AUYL_AMANATY: &str = "auyl-amanaty-microcredit";
const YOUTH: &str = "turkestan-youth-livestock-microcredit";

/// A valid IIN of a man born on 14 May 1992: 34 on the test date (27 November 2026).
fn iin_aged_34() -> String {
    for serial in 1..100u32 {
        let first11 = format!("9205143{serial:04}");
        let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
        let arr: [u8; 11] = digits.try_into().expect("11 digits");
        if let Some(check) = app::domain::identity::check_digit(&arr) {
            return format!("{first11}{check}");
        }
    }
    unreachable!("some serial has a check digit")
}

/// A livestock farm in the village of Shayan (Turkestan region) with collateral.
fn herder_form(iin: &str) -> Vec<(&'static str, String)> {
    vec![
        ("form", "1".into()),
        ("full_name", "Ержан Сапаров".into()),
        ("iin", iin.into()),
        ("groups_answered", "1".into()),
        ("legal_form", "farm".into()),
        ("sector", "livestock".into()),
        ("stage", "y1_3".into()),
        ("livestock", "35".into()),
        ("collateral", "yes".into()),
        ("certificates_answered", "1".into()),
        ("amount", "5 000 000".into()),
        ("settlement", "613630100".into()),
    ]
}

async fn post_profile(b: &Browser, fields: &[(&'static str, String)]) -> (StatusCode, String) {
    let response = b
        .client
        .post(format!("{}/profile", b.address))
        .header("origin", &b.address)
        .header("accept", "text/html")
        .form(fields)
        .send()
        .await
        .expect("request is sent");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), location)
}

async fn html(b: &Browser, path: &str) -> (StatusCode, String) {
    let response = b.get_with(path, &[("accept", "text/html")]).await;
    (response.status(), response.text().await.expect("body"))
}

/// The part of the page from the section with `testid` to the next section.
fn section<'a>(page: &'a str, testid: &str) -> &'a str {
    let start = page
        .find(&format!("data-testid=\"{testid}\""))
        .unwrap_or_else(|| panic!("no section {testid}"));
    let rest = &page[start..];
    let end = rest[1..].find("<section").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

async fn saved_herder(app: &TestApp) -> Browser {
    let b = app.signed_in(ENTREPRENEUR).await;
    let (status, location) = post_profile(&b, &herder_form(&iin_aged_34())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/matches?saved=1");
    b
}

#[tokio::test]
async fn a_herder_of_34_in_turkestan_is_eligible_for_auyl_amanaty_and_misses_the_youth_programme_by_age()
 {
    let app = spawn_app().await;
    let b = saved_herder(&app).await;
    let (status, page) = html(&b, "/matches?saved=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Профиль сохранён."));
    let eligible = section(&page, "standing-eligible");
    assert!(
        eligible.contains(&format!("data-slug=\"{AUYL_AMANATY}\"")),
        "Auyl Amanaty fits"
    );
    assert!(eligible.contains("Есть залоговое имущество"));
    let near = section(&page, "standing-near-miss");
    let youth = &near[near
        .find(&format!("data-slug=\"{YOUTH}\""))
        .expect("youth is a near miss")..];
    let youth = &youth[..youth[1..].find("data-slug=").map_or(youth.len(), |e| e + 1)];
    assert!(
        youth.contains("Возраст 34, а программа для возраста от 18 до 29 лет"),
        "the reason: {youth}"
    );
    assert!(
        youth.contains("Подходит из того же вида:"),
        "the next-best eligible programme"
    );
    // Programmes of other regions are near misses for the place, named.
    assert!(near.contains("не входит в территорию программы"));
}

#[tokio::test]
async fn the_what_if_without_javascript_re_ranks_without_saving() {
    let app = spawn_app().await;
    let b = saved_herder(&app).await;
    let (status, page) = html(&b, "/matches?age=25").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"what-if-active\""));
    let eligible = section(&page, "standing-eligible");
    assert!(
        eligible.contains(&format!("data-slug=\"{YOUTH}\"")),
        "at 25 the youth programme fits"
    );
    // Nothing was saved: without the what-if the age is 34 again.
    let (_, page) = html(&b, "/matches").await;
    assert!(!section(&page, "standing-eligible").contains(&format!("data-slug=\"{YOUTH}\"")));
    // A bad what-if value is said beside its field, with a 400.
    let (status, page) = html(&b, "/matches?age=two-hundred").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Здесь нужно целое число."), "field message");
    assert!(
        page.contains("aria-invalid=\"true\""),
        "the field is marked"
    );
    assert!(leaks_internals(&page).is_none());
}

#[tokio::test]
async fn a_bad_field_comes_back_named_with_everything_typed_kept() {
    let app = spawn_app().await;
    let b = app.signed_in(ENTREPRENEUR).await;
    let mut form = herder_form(&iin_aged_34());
    form.retain(|(k, _)| *k != "iin");
    form.push(("iin", "123456789012".into()));
    let (status, location) = post_profile(&b, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/profile?form=1"), "{location}");
    let (status, page) = html(&b, &location).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("href=\"#iin\""),
        "the summary links to the field"
    );
    assert!(page.contains("value=\"Ержан Сапаров\""), "the name is kept");
    assert!(
        page.contains("value=\"123456789012\""),
        "the wrong IIN is shown to correct"
    );
    assert!(page.contains("value=\"5 000 000\""), "the amount is kept");
    // Nothing was saved.
    let (_, page) = html(&b, "/profile").await;
    assert!(!page.contains("Ержан Сапаров"));
}

#[tokio::test]
async fn the_settlement_picker_finds_villages_and_keeps_the_form() {
    let app = spawn_app().await;
    let b = app.signed_in(ENTREPRENEUR).await;
    let (status, page) = html(&b, "/profile?form=1&full_name=%D0%90%D0%B9%D0%B3%D1%83%D0%BB%D1%8C&place_q=%D1%88%D0%B0%D1%8F%D0%BD").await;
    assert_eq!(status, StatusCode::OK);
    let found = section(&page, "settlements");
    assert!(
        found.contains("value=\"613630100\""),
        "с.Шаян is offered for «шаян»"
    );
    assert!(found.contains("Туркестанская область"), "with its region");
    assert!(page.contains("value=\"Айгуль\""), "what was typed stays");
    let (_, page) = html(&b, "/profile?form=1&place_q=zzzz").await;
    assert!(page.contains("Ничего не найдено"));
}

#[tokio::test]
async fn a_programme_page_tells_a_signed_in_entrepreneur_why_it_fits() {
    let app = spawn_app().await;
    let b = saved_herder(&app).await;
    let (_, page) = html(&b, &format!("/programs/{YOUTH}")).await;
    let fit = section(&page, "fit");
    assert!(fit.contains("Пока не подходит."));
    assert!(fit.contains("Возраст 34, а программа для возраста от 18 до 29 лет"));
    let (_, page) = html(&b, &format!("/programs/{AUYL_AMANATY}")).await;
    assert!(section(&page, "fit").contains("По вашему профилю вы подходите."));
    // Someone not signed in is invited to sign in; staff see nothing.
    let (_, page) = app.get_html(&format!("/programs/{AUYL_AMANATY}")).await;
    assert!(section(&page, "fit").contains("/sign-in"));
    let operator = app.signed_in("operator@agrocredit.demo").await;
    let (_, page) = html(&operator, &format!("/programs/{AUYL_AMANATY}")).await;
    assert!(!page.contains("data-testid=\"fit\""));
}

async fn rank_api(app: &TestApp, body: &str, lang: &str) -> (StatusCode, Value) {
    let response = app
        .browser()
        .client
        .post(format!("{}/api/v1/eligibility?lang={lang}", app.address))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("request is sent");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn the_eligibility_api_ranks_a_posted_profile_with_reasons_in_the_callers_language() {
    let app = spawn_app().await;
    let body = r#"{"age": 34, "location": "613630100", "sector": "livestock",
        "legal_form": "farm", "collateral": true, "amount_tenge": 5000000, "groups": []}"#;
    let (status, json) = rank_api(&app, body, "kk").await;
    assert_eq!(status, StatusCode::OK);
    let results = json["results"].as_array().expect("results");
    let find = |slug: &str| {
        results
            .iter()
            .find(|r| r["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug} ranked"))
    };
    assert_eq!(find(AUYL_AMANATY)["standing"], "eligible");
    let youth = find(YOUTH);
    assert_eq!(youth["standing"], "near_miss");
    assert_eq!(youth["unmet"], 1);
    assert_eq!(
        youth["reasons"][0]["text"],
        "Жасыңыз 34, ал бағдарлама 18 жастан 29 жасқа дейін адамдарға арналған"
    );
    assert_eq!(results[0]["standing"], "eligible", "eligible first");

    // Every bad field is named; nothing internal leaks.
    for (body, field) in [
        (r#"{"age": "old"}"#, "age"),
        (r#"{"location": "Шаян"}"#, "location"),
        (r#"{"sector": "oil"}"#, "sector"),
        (r#"{"agee": 30}"#, "agee"),
        (r#"[1, 2]"#, "body"),
        (r#"{"age": 30"#, "body"),
    ] {
        let (status, json) = rank_api(&app, body, "ru").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(json["error"]["field"], field, "{body}");
        let text = json.to_string();
        assert!(leaks_internals(&text).is_none(), "{text}");
    }
}

#[tokio::test]
async fn an_iin_belongs_to_one_profile() {
    let app = spawn_app().await;
    let _first = saved_herder(&app).await;
    let other = app.signed_in("+77010000002").await;
    let (status, location) = post_profile(&other, &herder_form(&iin_aged_34())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = html(&other, &location).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Этот ИИН уже указан в профиле другого пользователя."));
}

#[tokio::test]
async fn a_what_if_is_kept_in_the_profile_only_when_asked() {
    let app = spawn_app().await;
    let b = saved_herder(&app).await;
    let from = "/matches?amount=1000000&sector=crop";
    let (_, page) = html(&b, from).await;
    assert!(page.contains("data-testid=\"keep-what-if\""), "offered");
    let (_, profile) = html(&b, "/profile").await;
    assert!(profile.contains("value=\"5000000\""), "not kept by looking");

    let (status, location) = b
        .post_form(
            from,
            "keep_what_if",
            &[("amount", "1 000 000"), ("sector", "crop")],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::FOUND, Some("/matches?saved=1"))
    );
    let (_, profile) = html(&b, "/profile").await;
    assert!(profile.contains("value=\"1000000\""), "the amount is kept");
    assert!(
        profile.contains("<option value=\"crop\" selected"),
        "the sector is kept"
    );
    assert!(
        profile.contains("value=\"613630100\" checked"),
        "the rest is untouched"
    );

    // A forged bad value comes back to the page, said.
    let (status, location) = b
        .post_form(from, "keep_what_if", &[("amount", "много"), ("sector", "")])
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.expect("back to the page");
    let (_, page) = html(&b, &location).await;
    assert!(page.contains("Здесь нужно целое число."), "{location}");
}

/// Someone signed out who posts a profile with a bad field is asked to sign in (and brought
/// back to the form), not told that a field is wrong: who may keep a profile is asked before
/// the form is read.
#[tokio::test]
async fn a_signed_out_profile_post_asks_to_sign_in_before_reading_the_form() {
    let app = spawn_app().await;
    let mut form = herder_form(&iin_aged_34());
    form.retain(|(k, _)| *k != "iin");
    form.push(("iin", "12345".into()));
    let (status, location) = post_profile(&app.browser(), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/sign-in"), "{location}");
    // Signed in, the same form is refused by its field.
    let b = app.signed_in(ENTREPRENEUR).await;
    let (status, location) = post_profile(&b, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/profile"), "{location}");
    let (status, page) = html(&b, &location).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("aria-invalid=\"true\""), "the IIN is marked");
}

/// The server keeps the open programmes between requests (services::profiles::OpenProgrammes):
/// an operator's change must still show on the very next page, as it did when every request
/// read them afresh.
#[tokio::test]
async fn a_programme_retitled_or_closed_shows_on_the_next_matches_page() {
    let app = spawn_app().await;
    let b = saved_herder(&app).await;
    let slug = format!("data-slug=\"{AUYL_AMANATY}\"");
    let (_, page) = html(&b, "/matches").await;
    assert!(section(&page, "standing-eligible").contains(&slug));
    assert!(!page.contains("Микрокредит «Новое имя»"));

    app.retitle(AUYL_AMANATY, "Микрокредит «Новое имя»").await;
    let (_, page) = html(&b, "/matches").await;
    assert!(
        section(&page, "standing-eligible").contains("Микрокредит «Новое имя»"),
        "the new title at once"
    );

    app::ssr::services::programs::set_status(
        &app.state.db,
        &app.state.wake,
        AUYL_AMANATY,
        app::domain::catalog::ProgramStatus::Closed,
    )
    .await
    .expect("closes");
    let (_, page) = html(&b, "/matches").await;
    assert!(!page.contains(&slug), "a closed programme is gone at once");
    // The eligibility API reads the same kept list.
    let (status, json) = rank_api(&app, r#"{"age": 34, "location": "613630100"}"#, "ru").await;
    assert_eq!(status, StatusCode::OK);
    let slugs: Vec<&str> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["slug"].as_str())
        .collect();
    assert!(!slugs.contains(&AUYL_AMANATY), "{slugs:?}");
    assert!(
        slugs.contains(&YOUTH),
        "the others are still ranked: {slugs:?}"
    );
}
