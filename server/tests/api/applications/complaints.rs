//! Residents' complaints over HTTP and without JavaScript: routed to whoever answers for what
//! they are about (the operator's admin; the district akimat, a role a platform admin invites),
//! read by nobody else (not the reviewer or the akim complained about, not another
//! organisation or district), due 15 working days on by Kazakhstan's calendar, answered once
//! with the resident told, escalated by the worker when late, and counted in the public okrug
//! report without their text or author.

use reqwest::StatusCode;

use super::{APPLICANT, OPERATOR, OTHER, in_the_akim_s_okrug, location, page, submitted};
use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_with};

const ORG_ADMIN: &str = "admin@agrocredit.demo";
const OTHER_ORG_ADMIN: &str = "operator@damu.demo";
const AKIM: &str = "+77010000003";
const AKIMAT_STAFF: &str = "+77010000004";
const DISTRICT: &str = "+77010000006";
const PLATFORM: &str = "admin@auyl.demo";

/// Posts a plain form to `path` as `b`.
async fn post(b: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    b.client
        .post(format!("{}{path}", b.address))
        .header("origin", &b.address)
        .header("accept", "text/html")
        .form(fields)
        .send()
        .await
        .expect("sent")
}

/// Files a complaint as `b`; where the form sent it.
async fn complain(b: &Browser, about: &str, application: &str, text: &str) -> String {
    let r = post(
        b,
        "/complaints",
        &[
            ("complaint_about", about),
            ("complaint_application", application),
            ("complaint_reason", "no_answer"),
            ("complaint_text", text),
        ],
    )
    .await;
    location(&r)
}

/// The id in `/complaints/{id}?done=filed`.
fn filed_id(location: &str) -> i64 {
    location
        .strip_prefix("/complaints/")
        .and_then(|r| r.strip_suffix("?done=filed"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not filed: {location}"))
}

/// Who the outbox holds a message of `template` for.
async fn told(app: &TestApp, template: &str) -> Vec<String> {
    use app::ssr::db::entities::messages;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    messages::Entity::find()
        .filter(messages::Column::Template.eq(template))
        .all(&app.state.db)
        .await
        .expect("messages")
        .into_iter()
        .map(|m| m.recipient)
        .collect()
}

#[tokio::test]
async fn a_complaint_about_an_operator_reaches_its_admin_alone_and_the_answer_reaches_the_resident()
{
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let other = app.signed_in(OTHER).await;
    let foreign = submitted(&other).await;

    // The application's page leads to the form, which offers the application.
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"complain\""), "{html}");
    let (status, html) = page(&applicant, "/complaints").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"complaint-form\""));
    assert!(html.contains(&format!("<option value=\"{id}\"")), "{html}");
    assert!(!html.contains(&format!("<option value=\"{foreign}\"")));

    // Bad input: each refused by its field, in Russian, and what was typed is kept.
    let text = "Третью неделю не отвечают на звонки, заявка стоит";
    let back = complain(&applicant, "operator", "", text).await;
    let (status, html) = page(&applicant, &back).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("id=\"complaint_application-error\""),
        "{html}"
    );
    assert!(html.contains(text), "the text typed is back in the form");
    let back = complain(&applicant, "operator", &foreign.to_string(), text).await;
    let (status, html) = page(&applicant, &back).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("id=\"complaint_application-error\""),
        "another's application is refused like a mistyped one"
    );
    let back = complain(&applicant, "operator", &id.to_string(), "   ").await;
    let (status, html) = page(&applicant, &back).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"complaint_text-error\""), "{html}");
    let back = complain(&applicant, "the_moon", &id.to_string(), text).await;
    assert_eq!(page(&applicant, &back).await.0, StatusCode::BAD_REQUEST);
    assert!(
        told(&app, "complaint").await.is_empty(),
        "nothing filed yet"
    );

    // Filed: 15 working days from Friday 27 November 2026 step over Independence Day
    // (16 December) to Monday 21 December; the organisation's admin owns it and is told.
    let done = complain(&applicant, "operator", &id.to_string(), text).await;
    let cid = filed_id(&done);
    let (_, html) = page(&applicant, &done).await;
    assert!(html.contains("data-testid=\"complaint-done\""), "{html}");
    assert!(html.contains("21\u{a0}декабря\u{a0}2026"), "{html}");
    assert!(html.contains("Серік Әлиев"), "the owner is named");
    assert!(html.contains("data-standing=\"open\""));
    assert_eq!(told(&app, "complaint").await, [ORG_ADMIN.to_owned()]);

    // Nobody else reads it: not the reviewer complained about, not another organisation, not
    // the akim, not another resident. The same "not found" as a made-up number.
    let path = format!("/complaints/{cid}");
    for login in [OPERATOR, OTHER_ORG_ADMIN, AKIM, OTHER] {
        let b = app.signed_in(login).await;
        let (status, html) = page(&b, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{login}");
        assert!(!html.contains(text), "{login}");
    }
    let (status, _) = page(&app.signed_in(OPERATOR).await, "/complaints").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a reviewer keeps no complaints"
    );
    let (_, html) = page(&app.signed_in(OTHER_ORG_ADMIN).await, "/complaints").await;
    assert!(html.contains("data-testid=\"complaints-none\""), "{html}");
    // Signed out (a link from an SMS): to sign-in, and back here after it; nothing shown.
    let r = app
        .browser()
        .get_with(&path, &[("accept", "text/html")])
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(location(&r), format!("/sign-in?next=%2Fcomplaints%2F{cid}"));
    assert!(!r.text().await.expect("body").contains(text));

    // The admin sees it on their list with the resident's name, and answers once.
    let admin = app.signed_in(ORG_ADMIN).await;
    let (_, list) = page(&admin, "/complaints").await;
    assert!(
        list.contains(&format!("href=\"/complaints/{cid}\"")),
        "{list}"
    );
    let (_, html) = page(&admin, &path).await;
    assert!(
        html.contains("Айгүл Серікқызы") && html.contains(text),
        "{html}"
    );
    assert!(html.contains("data-testid=\"complaint-answer-form\""));
    let r = post(&admin, &path, &[("complaint_answer", "")]).await;
    let (status, html) = page(&admin, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"complaint_answer-error\""), "{html}");
    let answer = "Извините: рецензент был в отпуске. Заявку рассмотрят до 4 декабря.";
    let r = post(&admin, &path, &[("complaint_answer", answer)]).await;
    assert_eq!(location(&r), format!("{path}?done=answered"));
    let r = post(&admin, &path, &[("complaint_answer", "Другой ответ")]).await;
    let (status, html) = page(&admin, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an answer is given once");
    assert!(html.contains("уже ответили"), "{html}");

    // The resident sees the answer, answered in time, and is told.
    let (_, html) = page(&applicant, &path).await;
    assert!(html.contains(answer), "{html}");
    assert!(html.contains("data-standing=\"answered\""));
    assert!(!html.contains("Другой ответ"));
    assert_eq!(told(&app, "complaint_answer").await, [APPLICANT.to_owned()]);
    // A resident cannot answer, even their own.
    let r = post(&applicant, &path, &[("complaint_answer", "Сам себе")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// Invites a district akimat's staff member for `district` as the platform admin, and signs
/// them up: their browser.
async fn district_staff(app: &TestApp, district: &str, login: &str) -> Browser {
    let admin = app.signed_in(PLATFORM).await;
    // An okrug's code is refused for a district role, by its field.
    let (_, location) = admin
        .post_form(
            "/invitations",
            "create_invitation",
            &[
                ("role", "district_staff"),
                ("okrug", "101033000"),
                ("organisation", ""),
                ("note", ""),
            ],
        )
        .await;
    assert!(
        location.as_deref().is_some_and(|l| l.contains("okrug")),
        "{location:?}"
    );
    let (_, location) = admin
        .post_form(
            "/invitations",
            "create_invitation",
            &[
                ("role", "district_staff"),
                ("okrug", district),
                ("organisation", ""),
                ("note", "жалобы"),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/invitations"));
    let (_, html) = admin.get_html("/invitations").await;
    let start = html.find("/invite/").expect("the link is shown");
    let end = html[start..].find('<').map_or(html.len(), |n| start + n);
    let link = &html[start..end];
    let newcomer = app.browser();
    let (status, _) = newcomer
        .post_form(
            link,
            "accept_invitation",
            &[
                ("token", link.trim_start_matches("/invite/")),
                ("name", "Сотрудник района"),
                ("login", login),
                ("password", "новый-сотрудник-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    newcomer
}

#[tokio::test]
async fn complaints_about_an_akimat_go_to_its_district_are_escalated_when_late_and_counted_without_content()
 {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    // Without an okrug known, an akimat cannot be named: refused by the field that would.
    let back = complain(&applicant, "akimat", "", "Аким просил деньги за справку").await;
    let (status, html) = page(&applicant, &back).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("id=\"complaint_application-error\""),
        "{html}"
    );
    assert!(
        html.contains("укажите свой населённый пункт в профиле"),
        "{html}"
    );
    in_the_akim_s_okrug(&applicant).await;
    let texts = [
        "Аким просил деньги за справку",
        "Рекомендацию не дали без объяснения",
        "В акимате грубо разговаривали",
        "Справку о доходах не выдают месяц",
    ];
    let mut ids = Vec::new();
    for text in texts {
        ids.push(filed_id(&complain(&applicant, "akimat", "", text).await));
    }
    // Owned by the district akimat of Semey (which holds okrug 101033000), who is told.
    let (_, html) = page(&applicant, &format!("/complaints/{}", ids[0])).await;
    assert!(html.contains("Жанар Сейітова"), "{html}");
    assert_eq!(told(&app, "complaint").await.len(), 4);

    // The akimat complained about reads none of them, nor keeps a list.
    for login in [AKIM, AKIMAT_STAFF] {
        let b = app.signed_in(login).await;
        assert_eq!(
            page(&b, &format!("/complaints/{}", ids[0])).await.0,
            StatusCode::NOT_FOUND,
            "{login}"
        );
        assert_eq!(page(&b, "/complaints").await.0, StatusCode::FORBIDDEN);
    }
    // Another district's staff, invited by the platform admin, reads none of them either.
    let arys = district_staff(&app, "611600000", "+77019990001").await;
    let (status, html) = page(&arys, "/complaints").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"complaints-none\""), "{html}");
    for id in &ids {
        assert_eq!(
            page(&arys, &format!("/complaints/{id}")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    // The platform reads them but may not answer in time: the district answers first.
    let platform = app.signed_in(PLATFORM).await;
    let (status, html) = page(&platform, &format!("/complaints/{}", ids[1])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("complaint-answer-form"));
    let district = app.signed_in(DISTRICT).await;
    let (_, list) = page(&district, "/complaints").await;
    assert_eq!(
        list.matches("data-testid=\"complaint\"").count(),
        4,
        "{list}"
    );
    for id in [ids[0], ids[2], ids[3]] {
        let path = format!("/complaints/{id}");
        let r = post(
            &district,
            &path,
            &[("complaint_answer", "Проверили, аким наказан")],
        )
        .await;
        assert_eq!(location(&r), format!("{path}?done=answered"));
    }

    // After the due day (Monday 21 December 2026) the other one is late; the worker escalates
    // it to the platform, which is told, as is the resident.
    let url = app.state.config.database_url.clone();
    let later = spawn_app_with(|c| {
        c.database_url = url;
        c.today = chrono::NaiveDate::from_ymd_opt(2026, 12, 22);
    })
    .await;
    let resident = later.signed_in(APPLICANT).await;
    let second = format!("/complaints/{}", ids[1]);
    let mut html = String::new();
    for _ in 0..100 {
        html = page(&resident, &second).await.1;
        if html.contains("data-standing=\"escalated\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(html.contains("data-standing=\"escalated\""), "{html}");
    assert!(html.contains("Администратор платформы"), "the new owner");
    let mut escalated = told(&later, "complaint_escalated").await;
    escalated.sort();
    assert_eq!(escalated, [APPLICANT.to_owned(), PLATFORM.to_owned()]);
    // Now the platform answers one.
    let platform = later.signed_in(PLATFORM).await;
    let r = post(
        &platform,
        &second,
        &[("complaint_answer", "Передано в прокуратуру района")],
    )
    .await;
    assert_eq!(location(&r), format!("{second}?done=answered"));
    let (_, html) = page(&resident, &second).await;
    assert!(html.contains("data-standing=\"answered_late\""), "{html}");

    // The okrug's report counts them: four about the akimat, three of them answered in time
    // (the late answer counts as late), the same day.
    // Never a word of them or who wrote them.
    let public = later.browser();
    let (_, report) = public.get_json("/okrugs/101033000/data-v2.json").await;
    let c = &report["figures"]["complaints"];
    assert_eq!(c["akimat"], 4, "{report}");
    assert_eq!(c["operator"], 0);
    assert_eq!(c["on_time_share"], 75, "{c}");
    assert_eq!(c["median_days"], 0, "{c}");
    let (_, v1) = public.get_json("/okrugs/101033000/data.json").await;
    assert!(v1["figures"].get("complaints").is_none(), "schema 1 stays");
    let (_, csv) = public.get("/okrugs/101033000/data-v2.csv").await;
    assert!(csv.contains("complaints_akimat,,4"), "{csv}");
    assert!(csv.contains("complaints_on_time_pct,,75"), "{csv}");
    let (_, html) = page(&public, "/okrugs/101033000").await;
    assert!(html.contains("data-testid=\"report-complaints\""), "{html}");
    for published in [report.to_string(), csv, html] {
        for secret in texts.iter().chain(&["Айгүл", "наказан", "прокуратуру"])
        {
            assert!(!published.contains(secret), "{secret} published");
        }
    }
}
