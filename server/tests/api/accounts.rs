//! Accounts as a person meets them: signing up, in and out, the session cookie, password
//! change and reset, and the attacks on them (guessing, fixation, stolen ids).

use app::ssr::services::accounts::DEMO_PASSWORD;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Browser, spawn_app, spawn_app_with};

/// The `Set-Cookie` header that sets the session cookie, if the response has one.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("auyl_session="))
        .map(str::to_owned)
}

/// The `Set-Cookie` header that sets the device cookie, if the response has one.
fn device_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("auyl_device="))
        .map(str::to_owned)
}

/// The session id in a `Set-Cookie` value.
fn cookie_value(set_cookie: &str) -> &str {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map_or("", |(_, v)| v)
}

/// The error a server function answered with: (field, code, message).
fn field_error(body: &Value) -> (String, String, String) {
    let e = &body["Invalid"];
    (
        e["field"].as_str().unwrap_or_default().to_owned(),
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Who the browser is signed in as, by asking the server: the display name, or `None` when
/// the server treats it as anonymous.
async fn whoami(browser: &Browser) -> Option<String> {
    let (status, body) = browser.call("current_account", &[]).await;
    match status {
        StatusCode::OK => body["display_name"].as_str().map(str::to_owned),
        StatusCode::UNAUTHORIZED => None,
        other => panic!("current_account answered {other}: {body}"),
    }
}

/// Sends a request with exactly this session cookie (as an attacker replaying one would).
async fn whoami_with_cookie(browser: &Browser, session: &str) -> StatusCode {
    let client = reqwest::Client::new();
    client
        .post(format!("{}/api/current_account", browser.address))
        .header("origin", &browser.address)
        .header("cookie", format!("auyl_session={session}"))
        .send()
        .await
        .expect("request is sent")
        .status()
}

#[tokio::test]
async fn signing_up_signs_in_with_an_http_only_same_site_cookie() {
    let app = spawn_app().await;
    let browser = app.browser();

    let response = browser
        .submit(
            "/sign-up",
            "sign_up",
            &[
                ("name", "Алма Жунусова"),
                ("login", "8 (701) 555-12-34"),
                ("password", "qurt-jane-irimshik"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/account")
    );
    let cookie = session_cookie(&response).expect("a session cookie is set");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain-http development cannot use Secure cookies: {cookie}"
    );
    assert!(
        cookie_value(&cookie).len() >= 40,
        "a long random id: {cookie}"
    );
    // The device is known to the account from now on (a long-lived cookie of its own).
    let device = device_cookie(&response).expect("a device cookie is set");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000"] {
        assert!(device.contains(part), "{part}: {device}");
    }
    assert!(!device.contains("Secure"), "{device}");
    assert!(cookie_value(&device).len() >= 40, "{device}");
    assert_eq!(whoami(&browser).await.as_deref(), Some("Алма Жунусова"));
    let (status, page) = browser.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("+77015551234"), "the login, normalised");
    assert!(page.contains("Предприниматель"), "the role is shown");
    // Signed in with the phone number as written any way.
    let again = app.browser();
    again.sign_in("+7 701 555 1234", "qurt-jane-irimshik").await;
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_site_is_served_over_https() {
    let app = spawn_app_with(|c| c.public_url = "https://auyl.example.kz".into()).await;
    let response = app
        .submit(
            "/sign-in",
            "sign_in",
            &[("login", "+77010000001"), ("password", DEMO_PASSWORD)],
        )
        .await;

    let cookie = session_cookie(&response).expect("a session cookie is set");
    assert!(cookie.contains("Secure"), "{cookie}");
    let device = device_cookie(&response).expect("a device cookie is set");
    assert!(device.contains("Secure"), "{device}");
    assert!(
        response.headers().contains_key("strict-transport-security"),
        "HSTS over https"
    );
}

#[tokio::test]
async fn sign_up_refuses_bad_input_field_by_field_and_keeps_nothing() {
    let app = spawn_app().await;
    // (the form, the field named in the error, the error's code)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case<'_>; 5] = [
        (
            &[
                ("name", "Алма"),
                ("login", "12345"),
                ("password", "qurt-jane-irimshik"),
            ],
            "login",
            "bad_login",
        ),
        (
            &[
                ("name", "Алма"),
                ("login", "alma@example.kz"),
                ("password", "short"),
            ],
            "password",
            "password_too_short",
        ),
        (
            &[
                ("name", ""),
                ("login", "alma@example.kz"),
                ("password", "qurt-jane-irimshik"),
            ],
            "name",
            "required",
        ),
        (
            &[
                ("name", "Алма"),
                ("login", "+77010000001"),
                ("password", "qurt-jane-irimshik"),
            ],
            "login",
            "account_exists",
        ),
        (
            &[
                ("name", "Алма"),
                ("login", "alma@example.kz"),
                ("password", "alma@example.kz"),
            ],
            "password",
            "password_weak",
        ),
    ];
    for (fields, field, code) in cases {
        let (status, body) = app.call("sign_up", fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{fields:?}: {body}");
        let (got_field, got_code, message) = field_error(&body);
        assert_eq!(
            (got_field.as_str(), got_code.as_str()),
            (field, code),
            "{body}"
        );
        assert!(!message.is_empty(), "a message for the person: {body}");
    }
    assert_eq!(
        whoami(&app).await,
        None,
        "no failed sign-up signs anyone in"
    );
    let sign_in = app
        .call(
            "sign_in",
            &[
                ("login", "alma@example.kz"),
                ("password", "qurt-jane-irimshik"),
            ],
        )
        .await;
    assert_eq!(sign_in.0, StatusCode::BAD_REQUEST, "no account was created");
}

#[tokio::test]
async fn a_form_without_javascript_gets_its_error_back_on_the_page_with_the_input_kept() {
    let app = spawn_app().await;
    let (status, location) = app
        .post_form(
            "/sign-in?next=/account",
            "sign_in",
            &[("login", "+77010000001"), ("password", "not-the-password")],
        )
        .await;

    assert_eq!(status, StatusCode::FOUND);
    let back = location.expect("sent back to the form");
    assert!(
        back.starts_with("/sign-in") || back.contains("/sign-in"),
        "{back}"
    );
    let path = back.trim_start_matches(&app.address);
    let (status, page) = app.get_html(path).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    assert!(
        page.contains("Неверный телефон, e-mail или пароль."),
        "{path}"
    );
    assert!(
        page.contains("value=\"+77010000001\""),
        "the login typed is kept in the field"
    );
    assert!(
        back.contains("next=%2Faccount"),
        "and where to go after: {back}"
    );

    // A second failure from that page replaces the first error instead of stacking on it.
    let (_, again) = app
        .post_form(
            path,
            "sign_in",
            &[("login", "not a login"), ("password", "x")],
        )
        .await;
    let again = again.expect("sent back again");
    assert_eq!(again.matches("__err=").count(), 1, "{again}");
    let (_, page) = app.get_html(&again).await;
    assert!(page.contains("value=\"not a login\""), "{again}");
    assert!(
        !page.contains("Неверный телефон, e-mail или пароль."),
        "the old error is gone"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong_password = app
        .call(
            "sign_in",
            &[("login", "+77010000001"), ("password", "not-the-password")],
        )
        .await;
    let unknown = app
        .call(
            "sign_in",
            &[("login", "+77019999999"), ("password", "not-the-password")],
        )
        .await;

    assert_eq!(wrong_password.0, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_password, unknown, "nothing tells them apart");
    assert_eq!(
        field_error(&unknown.1).2,
        "Неверный телефон, e-mail или пароль."
    );
}

#[tokio::test]
async fn the_sixth_attempt_on_one_account_is_refused_even_with_the_right_password() {
    let app = spawn_app().await;
    for attempt in 1..=5 {
        let (status, body) = app
            .call(
                "sign_in",
                &[("login", "+77010000001"), ("password", "wrong-guess")],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            field_error(&body).1,
            "wrong_credentials",
            "attempt {attempt}"
        );
    }

    let (status, body) = app
        .call(
            "sign_in",
            &[("login", "+7 701 000 0001"), ("password", DEMO_PASSWORD)],
        )
        .await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (field, code, message) = field_error(&body);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("login", "too_many_attempts")
    );
    assert!(
        message.starts_with("Слишком много попыток. Попробуйте снова через "),
        "{message}"
    );
    // The limit is the account's, not everyone's: another account still signs in.
    app.browser().sign_in("+77010000002", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn only_failures_count_against_an_account_a_right_password_clears_them() {
    let app = spawn_app().await;
    let limit = app::ssr::services::accounts::SIGN_IN_FAILURES_PER_ACCOUNT.attempts;
    // More sign-ins than the limit, each right: a person on a phone, a tablet, a shared
    // computer in the akimat.
    for n in 0..=limit {
        let (status, body) = app
            .call(
                "sign_in",
                &[("login", "+77010000001"), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "sign-in {n}: {body}");
    }
    // Four wrong, one right, four wrong again: never five failures in a row, never locked.
    for round in 0..2 {
        for _ in 1..limit {
            let (_, body) = app
                .call(
                    "sign_in",
                    &[("login", "+77010000001"), ("password", "wrong-guess")],
                )
                .await;
            assert_eq!(field_error(&body).1, "wrong_credentials", "round {round}");
        }
        let (status, body) = app
            .call(
                "sign_in",
                &[("login", "+77010000001"), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "round {round}: {body}");
    }
}

#[tokio::test]
async fn one_address_guessing_across_many_accounts_is_stopped() {
    let app = spawn_app().await;
    // The akim has signed in on this browser before, from the same (shared) address.
    let akim = app.signed_in("+77010000003").await;
    let limit = app::ssr::services::accounts::SIGN_IN_FAILURES_PER_IP.attempts;
    for n in 0..limit {
        let login = format!("+7701{:07}", 1_000_000 + n);
        let (_, body) = app
            .call(
                "sign_in",
                &[("login", &login), ("password", "password-guess")],
            )
            .await;
        assert_eq!(field_error(&body).1, "wrong_credentials", "attempt {n}");
    }
    let (status, body) = app
        .call(
            "sign_in",
            &[("login", "+77010000001"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_error(&body).1, "too_many_attempts");
    // A device that has signed in to its account before is not held up by the address.
    akim.sign_in("+77010000003", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn behind_the_proxy_a_forged_forwarded_for_does_not_dodge_the_address_limit() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let limit = app::ssr::services::accounts::SIGN_IN_FAILURES_PER_IP.attempts;
    // The guesser writes a new address of their own into each request; nginx appends the
    // address it really saw, which is the same every time.
    let attempt = |n: i32, login: String, password: &'static str| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(format!("{}/api/sign_in", app.address))
                .header("origin", &app.address)
                .header(
                    "x-forwarded-for",
                    format!("10.9.{}.{}, 203.0.113.7", n / 250, n % 250),
                )
                .form(&[("login", login.as_str()), ("password", password)])
                .send()
                .await
                .expect("request is sent");
            let body: Value = response.json().await.expect("JSON");
            field_error(&body).1
        }
    };
    for n in 0..limit {
        let code = attempt(n, format!("+7701{:07}", 1_000_000 + n), "password-guess").await;
        assert_eq!(code, "wrong_credentials", "attempt {n}");
    }
    let code = attempt(limit, "+77010000001".into(), DEMO_PASSWORD).await;
    assert_eq!(code, "too_many_attempts");
}

/// Accounts `+7702000nnnn` (`n` of them) with the demo password, made directly in the database.
async fn farmers(app: &crate::helpers::TestApp, n: u32) -> Vec<String> {
    use app::domain::account::{Login, Role, Scope};
    use app::ssr::db::accounts as q;
    let hash = app.state.hasher.hash(DEMO_PASSWORD).await.expect("hashes");
    let mut logins = Vec::new();
    for i in 0..n {
        let phone = format!("+7702000{i:04}");
        let login = Login::parse("login", &phone).expect("a phone");
        let new = q::NewUser {
            login: &login,
            password_hash: hash.clone(),
            display_name: &format!("Фермер {i}"),
            role: Role::Entrepreneur,
            scope: &Scope::None,
            demo: false,
        };
        q::insert_user(&app.state.db, new).await.expect("user");
        logins.push(phone);
    }
    logins
}

#[tokio::test]
async fn two_hundred_people_sign_in_from_one_address() {
    // A mobile network's carrier-grade NAT, or an akimat's Wi-Fi: everyone has one address.
    let app = spawn_app().await;
    for (i, login) in farmers(&app, 200).await.iter().enumerate() {
        let phone = app.browser();
        // Every fifth one mistypes first: typos count against the address, not sign-ins.
        if i % 5 == 0 {
            let (status, body) = phone
                .call("sign_in", &[("login", login), ("password", "demo-parol")])
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{login}");
            assert_eq!(field_error(&body).1, "wrong_credentials", "{login}");
        }
        let (status, body) = phone
            .call("sign_in", &[("login", login), ("password", DEMO_PASSWORD)])
            .await;
        assert_eq!(status, StatusCode::OK, "{login}: {body}");
    }
}

#[tokio::test]
async fn sixty_people_sign_up_from_one_address() {
    // An akimat gathers the farmers of its okrug and signs them up on its Wi-Fi.
    let app = spawn_app().await;
    for i in 0..60 {
        let phone = app.browser();
        let login = format!("+7702555{i:04}");
        let name = format!("Фермер {i}");
        let response = phone
            .submit(
                "/sign-up",
                "sign_up",
                &[
                    ("name", name.as_str()),
                    ("login", login.as_str()),
                    ("password", "qurt-jane-irimshik"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FOUND, "sign-up {i}");
        assert!(device_cookie(&response).is_some(), "sign-up {i}");
        assert_eq!(whoami(&phone).await.as_deref(), Some(name.as_str()));
    }
}

#[tokio::test]
async fn the_owner_signs_in_on_a_known_device_while_someone_guesses_at_the_account() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let limit = app::ssr::services::accounts::SIGN_IN_FAILURES_PER_ACCOUNT.attempts;
    // The akim's phone signed in yesterday.
    let akim = app.signed_in("+77010000003").await;
    // The guesser uses a fresh device and a new address for every try, at the akim's account
    // and, the same way, at a login nobody has.
    let attempt = |n: i32, login: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let response = reqwest::Client::new()
                .post(format!("{}/api/sign_in", app.address))
                .header("origin", &app.address)
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .form(&[("login", login), ("password", password)])
                .send()
                .await
                .expect("request is sent");
            let status = response.status();
            let body: Value = response.json().await.expect("JSON");
            let (field, code, message) = field_error(&body);
            // The minutes to wait aside, the answers are compared whole.
            let message: String = message.chars().filter(|c| !c.is_ascii_digit()).collect();
            (status, field, code, message)
        }
    };
    let mut answers = Vec::new();
    for login in ["+77010000003", "+77019999999"] {
        let mut seen = Vec::new();
        for n in 0..limit {
            seen.push(attempt(n, login, "password-guess").await);
            assert_eq!(seen[seen.len() - 1].2, "wrong_credentials", "{login} {n}");
        }
        seen.push(attempt(limit, login, "password-guess").await);
        answers.push(seen);
    }
    let refused = &answers[0][answers[0].len() - 1];
    assert_eq!(refused.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        (refused.1.as_str(), refused.2.as_str()),
        ("login", "too_many_attempts")
    );
    assert_eq!(
        answers[0], answers[1],
        "a refusal says nothing about whether the account exists"
    );
    // A device the account has not seen waits, even with the right password…
    let (_, _, code, _) = attempt(100, "+77010000003", DEMO_PASSWORD).await;
    assert_eq!(code, "too_many_attempts");
    // …and the akim's own phone signs in.
    akim.sign_in("+77010000003", DEMO_PASSWORD).await;
    assert_eq!(whoami(&akim).await.as_deref(), Some("Бауыржан Әбенов"));
}

#[tokio::test]
async fn signing_in_replaces_a_planted_session_id_with_a_new_one() {
    let app = spawn_app().await;
    // The attacker signs in as themselves and plants their own session id in the victim's
    // browser (or plants an id they made up); the victim then signs in.
    let attacker_login = app
        .browser()
        .submit(
            "/sign-in",
            "sign_in",
            &[("login", "+77010000002"), ("password", DEMO_PASSWORD)],
        )
        .await;
    let planted_cookie = session_cookie(&attacker_login).expect("attacker's session");
    let planted = cookie_value(&planted_cookie).to_owned();
    for planted in [
        planted.as_str(),
        "made-up-id-0123456789abcdefghijklmnopqrstu",
    ] {
        let victim = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let response = victim
            .post(format!("{}/api/sign_in", app.address))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("referer", format!("{}/sign-in", app.address))
            .header("cookie", format!("auyl_session={planted}"))
            .form(&[("login", "+77010000001"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::FOUND);
        let issued = session_cookie(&response).expect("a new session cookie");
        let issued = cookie_value(&issued);
        assert_ne!(issued, planted, "the id changes at sign-in");

        assert_eq!(
            whoami_with_cookie(&app, planted).await,
            StatusCode::UNAUTHORIZED,
            "the pre-login id is worth nothing after the victim signs in"
        );
        assert_eq!(whoami_with_cookie(&app, issued).await, StatusCode::OK);
    }
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server_not_only_in_the_browser() {
    let app = spawn_app().await;
    let response = app
        .submit(
            "/sign-in",
            "sign_in",
            &[("login", "+77010000001"), ("password", DEMO_PASSWORD)],
        )
        .await;
    let id = cookie_value(&session_cookie(&response).expect("session")).to_owned();
    assert_eq!(whoami(&app).await.as_deref(), Some("Айгүл Серікқызы"));

    let out = app.submit("/account", "sign_out", &[]).await;

    assert_eq!(out.status(), StatusCode::FOUND);
    let cleared = session_cookie(&out).expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(whoami(&app).await, None);
    assert_eq!(
        whoami_with_cookie(&app, &id).await,
        StatusCode::UNAUTHORIZED,
        "a copy of the old cookie does not work either"
    );
}

#[tokio::test]
async fn the_account_page_sends_an_anonymous_visitor_to_sign_in_and_back() {
    let app = spawn_app().await;
    let response = app.get_with("/account", &[("accept", "text/html")]).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(location.starts_with("/sign-in?next="), "{location}");
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = spawn_app().await;
    let phone = app.signed_in("+77010000001").await;
    let laptop = app.signed_in("+77010000001").await;

    let (status, body) = laptop
        .call(
            "change_password",
            &[
                ("current", "wrong-current-password"),
                ("password", "new-password-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_error(&body).0, "current");
    assert!(
        whoami(&phone).await.is_some(),
        "a failed change ends nothing"
    );

    let (status, _) = laptop
        .call(
            "change_password",
            &[
                ("current", DEMO_PASSWORD),
                ("password", "new-password-2026"),
            ],
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert!(whoami(&laptop).await.is_some(), "this session stays");
    assert_eq!(whoami(&phone).await, None, "the other one ends");
    let (status, _) = app
        .call(
            "sign_in",
            &[("login", "+77010000001"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the old password is dead");
    app.browser()
        .sign_in("+77010000001", "new-password-2026")
        .await;
}

#[tokio::test]
async fn a_reset_link_works_once_and_a_bad_new_password_does_not_spend_it() {
    let app = spawn_app().await;
    let elsewhere = app.signed_in("operator@agrocredit.demo").await;

    let (status, _) = app
        .call("request_reset", &[("login", "Operator@AgroCredit.demo")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let link = app
        .delivered()
        .await
        .link_for("operator@agrocredit.demo")
        .expect("a link was sent");
    let token = link.rsplit('/').next().unwrap_or_default().to_owned();
    assert!(link.contains("/reset/"), "{link}");
    let (status, page) = app.get_html(&format!("/reset/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("name=\"password\""),
        "the page asks for the new password"
    );

    let (status, body) = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_error(&body).0, "password");

    let (status, _) = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "a-new-long-password")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the link survived the short password"
    );

    let (status, body) = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "another-long-password")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_error(&body).1, "link_invalid", "used once only");
    assert_eq!(whoami(&elsewhere).await, None, "every session ended");
    app.browser()
        .sign_in("operator@agrocredit.demo", "a-new-long-password")
        .await;
}

#[tokio::test]
async fn a_reset_request_for_an_unknown_account_looks_the_same_and_sends_nothing() {
    let app = spawn_app().await;
    let known = app
        .call("request_reset", &[("login", "+77010000001")])
        .await;
    let unknown = app
        .call("request_reset", &[("login", "nobody@example.kz")])
        .await;

    assert_eq!(known, unknown);
    assert_eq!(
        app.delivered().await.sent().len(),
        1,
        "only the real account got a message"
    );
    // A phone gets a six-digit code by SMS (one part), not a link.
    let sms = app.delivered().await.sent().pop().expect("the SMS");
    assert_eq!(sms.to, "+77010000001");
    assert!(app.delivered().await.link_for("+77010000001").is_none());
    assert!(
        sms.body
            .split(|c: char| !c.is_ascii_digit())
            .any(|d| d.len() == 6),
        "{}",
        sms.body
    );

    for _ in 0..2 {
        let _ = app
            .call("request_reset", &[("login", "+77010000001")])
            .await;
    }
    let (status, body) = app
        .call("request_reset", &[("login", "+77010000001")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&body).1,
        "too_many_attempts",
        "nobody can flood a person with reset messages"
    );
    assert_eq!(app.delivered().await.sent().len(), 3);
}

#[tokio::test]
async fn a_made_up_reset_link_is_refused_politely() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            "reset_password",
            &[
                ("token", "not-a-real-token"),
                ("password", "a-new-long-password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (field, code, message) = field_error(&body);
    assert_eq!((field.as_str(), code.as_str()), ("token", "link_invalid"));
    assert!(message.contains("Запросите новую"), "{message}");
}

#[tokio::test]
async fn sign_up_cannot_declare_a_role() {
    let app = spawn_app().await;
    let (status, _) = app
        .call(
            "sign_up",
            &[
                ("name", "Самозванец"),
                ("login", "akim@example.kz"),
                ("password", "i-am-the-akim-now"),
                ("role", "admin"),
            ],
        )
        .await;
    if status == StatusCode::OK {
        let (_, account) = app.call("current_account", &[]).await;
        assert_eq!(account["role"], "entrepreneur", "{account}");
    } else {
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "refused or ignored, never obeyed"
        );
    }
    let (status, _) = app.call("list_invitations", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_header_shows_who_is_signed_in_and_in_which_role() {
    let app = spawn_app().await;
    let (_, anonymous) = app.get_html("/").await;
    assert!(anonymous.contains("href=\"/sign-in\""), "a sign-in link");

    let akim = app.signed_in("+77010000003").await;
    let (_, page) = akim.get("/").await;

    assert!(page.contains("Бауыржан Әбенов"), "the name");
    assert!(page.contains("Аким"), "the role");
}

#[tokio::test]
async fn e_mails_come_in_the_language_the_person_reads() {
    let app = spawn_app().await;
    // A reset asked for from an English page comes in English alone.
    let response = app
        .client
        .post(format!("{}/api/request_reset", app.address))
        .header("origin", &app.address)
        .header("accept-language", "en-GB,en;q=0.9")
        .form(&[("login", "operator@agrocredit.demo")])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let mail = app.delivered().await.sent().pop().expect("a message");
    assert_eq!(mail.subject, "Auyl Business: changing your password");
    assert!(
        mail.body.starts_with("To set a new password"),
        "{}",
        mail.body
    );

    // Signing in from a Kazakh page makes Kazakh the account's language.
    let response = app
        .client
        .post(format!("{}/api/sign_in?lang=kk", app.address))
        .header("origin", &app.address)
        .form(&[("login", "+77010000001"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert!(response.status().is_success(), "{}", response.status());
    let user = app::ssr::db::accounts::user_by_login(
        &app.state.db,
        &app::domain::account::Login::parse("login", "+77010000001").expect("valid"),
    )
    .await
    .expect("reads")
    .expect("exists");
    assert_eq!(user.lang.as_deref(), Some("kk"));

    // A client that states no language (no address, cookie or header) leaves it as it is.
    let bare = reqwest::Client::new();
    let response = bare
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .form(&[("login", "+77010000001"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert!(response.status().is_success(), "{}", response.status());
    let user = app::ssr::db::accounts::user_by_login(
        &app.state.db,
        &app::domain::account::Login::parse("login", "+77010000001").expect("valid"),
    )
    .await
    .expect("reads")
    .expect("exists");
    assert_eq!(user.lang.as_deref(), Some("kk"), "not reset to the default");
}
