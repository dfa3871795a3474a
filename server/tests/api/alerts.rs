//! Saved searches and alerts: a programme that newly matches is announced once, in the app
//! (the bell) and by message with a one-click unsubscribe link; unsubscribing stops it.

use std::time::Duration;

use app::domain::program::{ProgramInput, Slug};
use app::ssr::services::{alerts, programs, seed};
use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, spawn_app};

const ENTREPRENEUR: &str = "+77010000001";
/// An entrepreneur who signs in with an e-mail address: alerts reach them by e-mail at any
/// hour, where an SMS alert waits for the day in Almaty.
const FARMER_EMAIL: &str = "aigul.farm@example.kz";

/// Signs up the e-mail entrepreneur; their browser.
async fn email_entrepreneur(app: &TestApp) -> Browser {
    let b = app.browser();
    let (status, body) = b
        .call(
            "sign_up",
            &[
                ("name", "Айгүл Сейітова"),
                ("login", FARMER_EMAIL),
                ("password", "a-long-password-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    b
}

fn copy_of(slug: &str, new_slug: &str) -> ProgramInput {
    let mut p = seed::demo_file()
        .expect("demo")
        .programs
        .into_iter()
        .find(|p| p.slug.as_str() == slug)
        .expect("demo programme");
    p.slug = Slug::parse(new_slug).expect("slug");
    p.title_ru = format!("{} (новый приём)", p.title_ru);
    p
}

async fn form(b: &Browser, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    form_from(b, "/programs", endpoint, fields).await
}

/// Posts a form from the page at `from` (the search a catalogue page shows is its address).
async fn form_from(
    b: &Browser,
    from: &str,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (status, location) = b.post_form(from, endpoint, fields).await;
    (status, location.unwrap_or_default())
}

/// The notifications of the person, waiting for the alert worker (woken by the change).
async fn notifications_after_change(b: &Browser, expected: usize) -> String {
    for _ in 0..100 {
        let (_, page) = html(b, "/notifications").await;
        if page.matches("data-testid=\"notification\"").count() >= expected {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no notification arrived")
}

async fn html(b: &Browser, path: &str) -> (StatusCode, String) {
    let response = b.get_with(path, &[("accept", "text/html")]).await;
    (response.status(), response.text().await.expect("body"))
}

async fn check(app: &TestApp) -> usize {
    alerts::check(
        &app.state.db,
        &app.state.config.public_url,
        app.state.config.today(),
    )
    .await
    .expect("check")
}

#[tokio::test]
async fn a_new_programme_for_a_saved_search_is_announced_once_and_unsubscribing_stops_it() {
    let app = spawn_app().await;
    let b = email_entrepreneur(&app).await;
    // The hidden field holds the query the page was served with; the address (Referer) wins,
    // since with JavaScript it follows the typing.
    let (status, location) = form_from(
        &b,
        "/programs?sector=beekeeping",
        "save_search",
        &[("kind", "search"), ("query", "sector=crop")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::FOUND, "/notifications?subscribed=1")
    );
    let (_, page) = html(&b, "/notifications?subscribed=1").await;
    assert!(page.contains("Подписка сохранена"));
    assert!(
        page.contains("Поиск: Пчеловодство"),
        "the subscription is listed"
    );
    assert!(
        !page.contains("data-testid=\"notification\""),
        "what matched already is not news"
    );
    assert_eq!(check(&app).await, 0);

    // A new beekeeping programme: announced once, with the bell counting it.
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("zhetisu-beekeeping-microcredit", "zhetisu-bees-2027"),
    )
    .await
    .expect("created");
    let page = notifications_after_change(&b, 1).await;
    assert!(page.contains("/programs/zhetisu-bees-2027"));
    let (_, programs_page) = html(&b, "/programs").await;
    assert!(
        programs_page.contains("class=\"bell-count\""),
        "the bell counts it"
    );
    // Drawn as an SVG, not an emoji that phones without an emoji font show as an empty box.
    assert!(
        programs_page.contains("data-testid=\"icon-bell\"") && !programs_page.contains('🔔'),
        "the bell is an SVG icon"
    );
    assert_eq!(check(&app).await, 0, "announced once");
    programs::update(
        &app.state.db,
        &app.state.wake,
        "zhetisu-bees-2027",
        &copy_of("zhetisu-beekeeping-microcredit", "zhetisu-bees-2027"),
    )
    .await
    .expect("updated");
    assert_eq!(
        check(&app).await,
        0,
        "a change to a programme already announced is not news"
    );
    // A programme of another sector is not announced.
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("ken-dala-2026", "ken-dala-2028"),
    )
    .await
    .expect("created");
    assert_eq!(check(&app).await, 0);
    let (_, page) = html(&b, "/notifications").await;
    assert_eq!(page.matches("data-testid=\"notification\"").count(), 1);

    // The message: the programme's link and the one-click unsubscribe link.
    let mail = app
        .delivered()
        .await
        .sent()
        .into_iter()
        .rev()
        .find(|m| m.to == FARMER_EMAIL)
        .expect("a message");
    assert!(mail.body.contains("/programs/zhetisu-bees-2027"));
    let unsubscribe = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/unsubscribe/"))
        .expect("an unsubscribe link");
    let path = &unsubscribe[unsubscribe.find("/unsubscribe/").expect("path")..];
    let token = path.trim_start_matches("/unsubscribe/").to_owned();

    // Read: the bell stops counting.
    let (status, _) = form(&b, "mark_notifications_read", &[]).await;
    assert_eq!(status, StatusCode::FOUND);
    let (_, page) = html(&b, "/programs").await;
    assert!(!page.contains("class=\"bell-count\""));

    // The e-mail's link works signed out, with one press of a button.
    let anonymous = app.browser();
    let (status, page) = html(&anonymous, path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"token\""));
    let (status, location) = anonymous
        .post_form(path, "unsubscribe_link", &[("token", &token)])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::FOUND, Some("/unsubscribe/done"))
    );
    let (status, _) = anonymous
        .post_form(path, "unsubscribe_link", &[("token", &token)])
        .await;
    assert_eq!(
        status,
        StatusCode::FOUND,
        "a used link goes back to its page with the error"
    );
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("zhetisu-beekeeping-microcredit", "zhetisu-bees-2028"),
    )
    .await
    .expect("created");
    assert_eq!(check(&app).await, 0, "nothing after unsubscribing");
    let (_, page) = html(&b, "/notifications").await;
    assert!(!page.contains("data-testid=\"subscription\""));
}

/// The unsubscribe address of the last alert to `to`, waiting for the alert worker.
async fn unsubscribe_address(app: &TestApp, to: &str) -> String {
    for _ in 0..100 {
        let address = app
            .mail
            .sent()
            .into_iter()
            .rev()
            .filter(|m| m.to == to)
            .find_map(|m| m.unsubscribe);
        if let Some(address) = address {
            return address;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no alert with an unsubscribe address to {to}")
}

#[tokio::test]
async fn a_mail_clients_one_click_post_unsubscribes_without_session_or_origin() {
    let app = spawn_app().await;
    let b = email_entrepreneur(&app).await;
    let (status, _) = form_from(
        &b,
        "/programs?sector=beekeeping",
        "save_search",
        &[("kind", "search"), ("query", "sector=beekeeping")],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("zhetisu-beekeeping-microcredit", "zhetisu-bees-2029"),
    )
    .await
    .expect("created");
    notifications_after_change(&b, 1).await;
    let address = unsubscribe_address(&app, FARMER_EMAIL).await;
    let path = &address[address.find("/unsubscribe/").expect("an unsubscribe path")..];
    let subscribed = |page: &str| page.contains("data-testid=\"subscription\"");
    let (_, page) = html(&b, "/notifications").await;
    assert!(subscribed(&page));

    // As a mail client posts it (RFC 8058): from its own servers, with no cookie, no Origin and
    // no Sec-Fetch-Site.
    let mail_client = reqwest::Client::new();
    let post = |body: &'static str| {
        mail_client
            .post(format!("{}{path}", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let response = post("List-Unsubscribe=Later").await.expect("sent");
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "only the RFC 8058 body unsubscribes"
    );
    let (_, page) = html(&b, "/notifications").await;
    assert!(subscribed(&page), "a refused post changes nothing");

    let response = post("List-Unsubscribe=One-Click").await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Вы отписались")
    );
    let (_, page) = html(&b, "/notifications").await;
    assert!(!subscribed(&page), "unsubscribed");
    let response = post("List-Unsubscribe=One-Click").await.expect("sent");
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "a used address is refused"
    );
    // The page at the same address still answers people who open the link.
    let (status, page) = html(&app.browser(), path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"token\""));
}

#[tokio::test]
async fn my_matches_announce_a_new_programme_i_am_eligible_for() {
    let app = spawn_app().await;
    let b = app.signed_in(ENTREPRENEUR).await;
    // A farm in Turkestan region with collateral and a need of 5 000 000 ₸.
    let response = b
        .client
        .post(format!("{}/profile", b.address))
        .header("origin", &b.address)
        .form(&[
            ("form", "1"),
            ("legal_form", "farm"),
            ("sector", "livestock"),
            ("collateral", "yes"),
            ("amount", "5000000"),
            ("settlement", "613630100"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = form(&b, "save_search", &[("kind", "matches"), ("query", "")]).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(check(&app).await, 0);
    // A second Auyl Amanaty intake: the farm is eligible, so it is announced.
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("auyl-amanaty-microcredit", "auyl-amanaty-2027"),
    )
    .await
    .expect("created");
    let page = notifications_after_change(&b, 1).await;
    assert!(page.contains("/programs/auyl-amanaty-2027"));
    assert!(page.contains("Новые программы, которые мне подходят"));
    // An operator has no matches to follow.
    let operator = app.signed_in("operator@agrocredit.demo").await;
    let (status, location) = form(
        &operator,
        "save_search",
        &[("kind", "matches"), ("query", "")],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location.contains("__err"),
        "refused back to the page: {location}"
    );
}

#[tokio::test]
async fn a_person_chooses_which_alerts_reach_them_per_channel_and_old_news_stays_old() {
    let app = spawn_app().await;
    let b = email_entrepreneur(&app).await;
    let (status, _) = form_from(
        &b,
        "/programs?sector=beekeeping",
        "save_search",
        &[("kind", "search"), ("query", "sector=beekeeping")],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    // No e-mail, the bell only: the box for e-mail left unticked.
    let (status, body) = b.call("choose_alerts", &[("in_app", "on")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, page) = html(&b, "/account").await;
    assert!(
        page.contains("name=\"by_message\""),
        "the choice is on /account"
    );
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("zhetisu-beekeeping-microcredit", "zhetisu-bees-2031"),
    )
    .await
    .expect("created");
    // The alert worker (woken by the change) or this check announces it, whichever is first.
    let _ = check(&app).await;
    let (_, page) = html(&b, "/notifications").await;
    assert_eq!(
        page.matches("data-testid=\"notification\"").count(),
        1,
        "in the bell"
    );
    assert!(
        !app.delivered()
            .await
            .sent()
            .iter()
            .any(|m| m.to == FARMER_EMAIL),
        "but no e-mail"
    );
    // Nothing at all now; and turning e-mail back on does not bring back the old programme.
    let (status, _) = b.call("choose_alerts", &[]).await;
    assert_eq!(status, StatusCode::OK);
    programs::create(
        &app.state.db,
        &app.state.wake,
        &copy_of("zhetisu-beekeeping-microcredit", "zhetisu-bees-2032"),
    )
    .await
    .expect("created");
    let _ = check(&app).await;
    let (_, page) = html(&b, "/notifications").await;
    assert_eq!(
        page.matches("data-testid=\"notification\"").count(),
        1,
        "no new notice"
    );
    let (status, _) = b
        .call("choose_alerts", &[("in_app", "on"), ("by_message", "on")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(check(&app).await, 0, "old news stays old");
    assert!(
        !app.delivered()
            .await
            .sent()
            .iter()
            .any(|m| m.to == FARMER_EMAIL)
    );
}
