//! Appeals against a refusal, over HTTP and without JavaScript: filed with reasons and a file
//! within the programme's period, supported by the akimat that recommended the applicant, never
//! decided by the reviewer who refused, overturned back to review with the history kept (and
//! the applicant told); refused after the period with its last day; counted in the public
//! report without who or why.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::{
    APPLICANT, OPERATOR, PDF, in_the_akim_s_okrug, location, page, post, submitted, version_of,
};
use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_at, spawn_app_with};

const AKIM: &str = "+77010000003";
const ORG_ADMIN: &str = "admin@agrocredit.demo";

async fn step(
    op: &Browser,
    id: i64,
    step: &str,
    fields: Value,
    reason: &str,
) -> (StatusCode, Value) {
    let body = json!({
        "version": version_of(op, id).await,
        "step": step,
        "fields": fields,
        "reason": reason,
    });
    post(op, &format!("/api/v1/applications/{id}/steps"), body).await
}

/// Posts a form of application `id`'s page as `b`: `fields` and `files` (field, name, bytes).
async fn form(
    b: &Browser,
    id: i64,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> reqwest::Response {
    let mut f = Form::new().text("version", version_of(b, id).await.to_string());
    for (k, v) in fields {
        f = f.text((*k).to_owned(), (*v).to_owned());
    }
    for (field, name, bytes) in files {
        f = f.part(
            (*field).to_owned(),
            Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    b.client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .header("accept", "text/html")
        .multipart(f)
        .send()
        .await
        .expect("sent")
}

/// A submitted application of the applicant, refused by `op`: its id.
async fn refused(app: &TestApp, op: &Browser) -> i64 {
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let (s, v) = step(op, id, "start_review", json!({}), "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = step(
        op,
        id,
        "reject",
        json!({ "reject_reason": "weak_plan" }),
        "Бизнес-план не показывает сбыт молока",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

/// The steps of application `id`'s history, in order.
async fn history(b: &Browser, id: i64) -> Vec<String> {
    let (_, v) = b.get_json(&format!("/api/v1/applications/{id}")).await;
    v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["step"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_appeal_supported_by_the_akimat_is_overturned_by_someone_other_than_the_refuser() {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    in_the_akim_s_okrug(&applicant).await;
    let id = submitted(&applicant).await;
    // The applicant asked the akimat, which recommends.
    let r = form(&applicant, id, &[("action", "ask_recommendation")], &[]).await;
    assert_eq!(location(&r), format!("/applications/{id}?done=asked"));
    let akim = app.signed_in(AKIM).await;
    let r = form(
        &akim,
        id,
        &[
            ("action", "recommend"),
            ("verdict", "recommend"),
            ("reasons", "verified_on_site"),
            ("relationship", "none"),
        ],
        &[],
    )
    .await;
    assert_eq!(location(&r), format!("/applications/{id}?done=recommended"));
    let op = app.signed_in(OPERATOR).await;
    let (s, v) = step(&op, id, "start_review", json!({}), "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = step(
        &op,
        id,
        "reject",
        json!({ "reject_reason": "weak_plan" }),
        "Нет рынка сбыта",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The applicant may appeal until 30 days after the refusal (the test's today: 27 November).
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"appeal-form\""), "{html}");
    assert!(
        html.contains("27\u{a0}декабря\u{a0}2026"),
        "the last day is said"
    );
    // Reasons are required; a file is checked by its content; nothing is kept of either.
    let r = form(
        &applicant,
        id,
        &[("action", "appeal"), ("appeal_reasons", " ")],
        &[],
    )
    .await;
    let (status, html) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"appeal_reasons-error\""), "{html}");
    let r = form(
        &applicant,
        id,
        &[
            ("action", "appeal"),
            ("appeal_reasons", "Договор с молокозаводом есть"),
        ],
        &[("appeal_file", "dogovor.pdf", b"MZ\x90\x00 not a pdf")],
    )
    .await;
    let (status, html) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"appeal_file-error\""), "{html}");
    assert!(!history(&applicant, id).await.contains(&"appeal".to_owned()));
    let r = form(
        &applicant,
        id,
        &[
            ("action", "appeal"),
            ("appeal_reasons", "Договор с молокозаводом есть"),
        ],
        &[("appeal_file", "dogovor.pdf", PDF)],
    )
    .await;
    assert_eq!(location(&r), format!("/applications/{id}?done=appealed"));
    let (_, html) = page(&applicant, &location(&r)).await;
    assert!(
        html.contains("Апелляция подана.") && html.contains("dogovor.pdf"),
        "{html}"
    );
    assert!(
        html.contains("12\u{a0}декабря\u{a0}2026"),
        "the decision's due day: 15 days on"
    );
    // A refusal is appealed once.
    let r = form(
        &applicant,
        id,
        &[("action", "appeal"), ("appeal_reasons", "Ещё раз")],
        &[],
    )
    .await;
    assert_eq!(
        page(&applicant, &location(&r)).await.0,
        StatusCode::BAD_REQUEST
    );

    // The akimat that recommended supports it.
    let (_, html) = page(&akim, &format!("/applications/{id}")).await;
    assert!(
        html.contains("data-testid=\"appeal-support-form\""),
        "{html}"
    );
    let r = form(
        &akim,
        id,
        &[
            ("action", "support_appeal"),
            ("appeal_support", "Хозяйство проверено, сбыт есть"),
        ],
        &[],
    )
    .await;
    assert_eq!(
        location(&r),
        format!("/applications/{id}?done=appeal_supported")
    );

    // The queue lists the open appeal; the reviewer who refused cannot decide it.
    let (_, queue) = page(&op, "/operator").await;
    assert!(queue.contains("data-testid=\"queue-appeal\""), "{queue}");
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"appeal-not-yours\""));
    assert!(!html.contains("data-testid=\"appeal-decide\""));
    assert!(
        html.contains("Хозяйство проверено, сбыт есть"),
        "the support is shown"
    );
    let r = form(
        &op,
        id,
        &[
            ("action", "decide_appeal"),
            ("appeal_outcome", "upheld"),
            ("appeal_answer", "Нет"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The organisation's admin decides it: the reasons are required, then it is overturned.
    let admin = app.signed_in(ORG_ADMIN).await;
    let (_, html) = page(&admin, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"appeal-decide\""), "{html}");
    let r = form(
        &admin,
        id,
        &[
            ("action", "decide_appeal"),
            ("appeal_outcome", "overturned"),
        ],
        &[],
    )
    .await;
    let (status, html) = page(&admin, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"appeal_answer-error\""), "{html}");
    let r = form(
        &admin,
        id,
        &[
            ("action", "decide_appeal"),
            ("appeal_outcome", "overturned"),
            ("appeal_answer", "Договор сбыта снимает причину отказа"),
        ],
        &[],
    )
    .await;
    assert_eq!(
        location(&r),
        format!("/applications/{id}?done=appeal_decided")
    );

    // Back in review, with its whole history; the applicant is told, and sees why.
    let (_, v) = applicant
        .get_json(&format!("/api/v1/applications/{id}"))
        .await;
    assert_eq!(v["summary"]["state"], "in_review");
    let steps = history(&applicant, id).await;
    let tail: Vec<&str> = steps
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        ["reject", "appeal", "appeal_support", "appeal_overturned"]
    );
    assert_eq!(v["appeals"]["appeals"][0]["outcome"], "overturned");
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(html.contains("Договор сбыта снимает причину отказа"));
    assert!(html.contains("data-outcome=\"overturned\""));
    let told = told(&app, "appeal").await;
    assert_eq!(told, [APPLICANT.to_owned()]);
    let (_, queue) = page(&op, "/operator").await;
    assert!(
        !queue.contains("data-testid=\"queue-appeal\""),
        "decided: off the list"
    );
    // The reviewer may now approve it: the application is theirs again.
    let (s, v) = step(
        &op,
        id,
        "approve",
        json!({ "approved_amount": 2_000_000, "approved_term": 36, "approved_rate": 2.5 }),
        "",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
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
async fn an_appeal_after_the_period_is_refused_with_its_last_day_and_appeals_are_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let first = spawn_app_at(dir.path(), |_| {}).await;
    let applicant = first.signed_in(APPLICANT).await;
    in_the_akim_s_okrug(&applicant).await;
    let op = first.signed_in(OPERATOR).await;
    let admin = first.signed_in(ORG_ADMIN).await;
    // A refusal nobody appeals in time.
    let late = refused(&first, &op).await;
    // Three refusals appealed and decided: two upheld, one overturned (last: it is the
    // applicant's open application to the programme again).
    for outcome in ["upheld", "upheld", "overturned"] {
        let id = refused(&first, &op).await;
        let r = form(
            &applicant,
            id,
            &[
                ("action", "appeal"),
                ("appeal_reasons", "Прошу пересмотреть"),
            ],
            &[],
        )
        .await;
        assert_eq!(location(&r), format!("/applications/{id}?done=appealed"));
        let r = form(
            &admin,
            id,
            &[
                ("action", "decide_appeal"),
                ("appeal_outcome", outcome),
                ("appeal_answer", "Рассмотрено"),
            ],
            &[],
        )
        .await;
        assert_eq!(
            location(&r),
            format!("/applications/{id}?done=appeal_decided")
        );
        let (_, v) = applicant
            .get_json(&format!("/api/v1/applications/{id}"))
            .await;
        let state = if outcome == "upheld" {
            "rejected"
        } else {
            "in_review"
        };
        assert_eq!(v["summary"]["state"], state);
    }
    let public = first.browser();
    let (_, report) = public.get_json("/okrugs/101033000/data-v2.json").await;
    let a = &report["figures"]["appeals"];
    assert_eq!(a["filed"], 3, "{report}");
    assert_eq!(a["open"], 0);
    assert_eq!(a["overturned"], "<3", "a count under 3 is not said");
    assert_eq!(a["median_days"], 0);
    let (_, v1) = public.get_json("/okrugs/101033000/data.json").await;
    assert!(
        v1["figures"].get("appeals").is_none(),
        "schema 1 stays as it was"
    );
    let (_, csv) = public.get("/okrugs/101033000/data-v2.csv").await;
    assert!(csv.contains("appeals_filed,,3"), "{csv}");
    assert!(!csv.contains("Прошу пересмотреть") && !csv.contains("Рассмотрено"));

    // Years later, the period is over: refused by its field, with the last day.
    let url = first.state.config.database_url.clone();
    let later = spawn_app_with(|c| {
        c.database_url = url;
        c.today = chrono::NaiveDate::from_ymd_opt(2030, 1, 15);
    })
    .await;
    let applicant = later.signed_in(APPLICANT).await;
    let (_, html) = page(&applicant, &format!("/applications/{late}")).await;
    assert!(html.contains("data-testid=\"appeal-closed\""), "{html}");
    assert!(!html.contains("data-testid=\"appeal-form\""));
    let (_, v) = applicant
        .get_json(&format!("/api/v1/applications/{late}"))
        .await;
    let last = v["appeals"]["closed_on"]
        .as_str()
        .expect("the last day")
        .to_owned();
    let r = form(
        &applicant,
        late,
        &[("action", "appeal"), ("appeal_reasons", "Поздно")],
        &[],
    )
    .await;
    let (status, html) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Срок обжалования истёк"), "{html}");
    let day = chrono::NaiveDate::parse_from_str(&last, "%Y-%m-%d").expect("a date");
    let said = app::domain::i18n::format_date(app::domain::i18n::Lang::Ru, day);
    assert!(html.contains(&said), "the last day, {said}, is said");
    assert!(
        !history(&applicant, late)
            .await
            .contains(&"appeal".to_owned())
    );
}
