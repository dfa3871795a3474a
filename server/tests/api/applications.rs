//! Applications over HTTP: the page's forms without JavaScript (apply, fill in, attach,
//! submit, answer), the JSON API, documents (type by content, size, who may fetch them), and
//! concurrent writers on one application.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, leaks_internals, spawn_app};

mod appeal;
mod complaints;
mod loans;
mod records;
mod steps;
mod thread;
mod webhooks;

const APPLICANT: &str = "+77010000001";
const OTHER: &str = "+77010000002";
const OPERATOR: &str = "operator@agrocredit.demo";
const PROGRAM: &str = "auyl-amanaty-microcredit";

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn fields() -> Value {
    json!({
        "amount": "2500000",
        "term": "36",
        "purpose": "Покупка пяти нетелей",
        "plan_activity": "Молочная ферма",
        "plan_costs": "3000000",
        "plan_revenue": "2400000",
        "plan_jobs": "2"
    })
}

async fn send(
    b: &Browser,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = b
        .client
        .request(method, format!("{}{path}", b.address))
        .header("origin", &b.address);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status();
    let text = response.text().await.expect("body");
    assert!(leaks_internals(&text).is_none(), "{path}: {text}");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn post(b: &Browser, path: &str, body: Value) -> (StatusCode, Value) {
    send(b, reqwest::Method::POST, path, Some(body)).await
}

/// A new draft of `b` to `PROGRAM`, through the API: (id, version).
async fn draft(b: &Browser) -> (i64, i64) {
    let (status, v) = post(b, "/api/v1/applications", json!({ "program": PROGRAM })).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    (
        v["summary"]["id"].as_i64().expect("id"),
        v["summary"]["version"].as_i64().expect("version"),
    )
}

/// The applicant lives in okrug 101033000 (the demo akim's).
pub(crate) async fn in_the_akim_s_okrug(b: &Browser) {
    let r = b
        .client
        .post(format!("{}/profile", b.address))
        .header("origin", &b.address)
        .form(&[("settlement", "101033100")])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// A submitted application of `b`: its id.
async fn submitted(b: &Browser) -> i64 {
    let (id, version) = draft(b).await;
    let (status, v) = send(
        b,
        reqwest::Method::PUT,
        &format!("/api/v1/applications/{id}"),
        Some(json!({ "version": version, "fields": fields() })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = post(
        b,
        &format!("/api/v1/applications/{id}/submit"),
        json!({ "version": v["version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    id
}

async fn upload(b: &Browser, id: i64, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new()
        .text("slot", "0")
        .part("document", Part::bytes(bytes).file_name(name.to_owned()));
    let response = b
        .client
        .post(format!("{}/api/v1/applications/{id}/documents", b.address))
        .header("origin", &b.address)
        .multipart(form)
        .send()
        .await
        .expect("request is sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn page(b: &Browser, path: &str) -> (StatusCode, String) {
    let response = b.get_with(path, &[("accept", "text/html")]).await;
    (response.status(), response.text().await.expect("body"))
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn version_of(b: &Browser, id: i64) -> i64 {
    let (_, v) = b.get_json(&format!("/api/v1/applications/{id}")).await;
    v["summary"]["version"].as_i64().expect("version")
}

#[tokio::test]
async fn an_entrepreneur_applies_without_javascript_from_the_programme_page_to_the_timeline() {
    let app = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    let (_, programme) = page(&b, &format!("/programs/{PROGRAM}")).await;
    assert!(
        programme.contains("data-testid=\"apply\""),
        "the programme page offers to apply"
    );

    let r = b
        .client
        .post(format!("{}/applications", b.address))
        .header("origin", &b.address)
        .form(&[("program", PROGRAM)])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = location(&r);
    assert!(at.starts_with("/applications/"), "{at}");
    let id: i64 = at.trim_start_matches("/applications/").parse().expect("id");
    let (status, html) = page(&b, &at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Черновик") && html.contains("name=\"amount\""),
        "the draft's form"
    );

    // One multipart post: the fields, a document for the first slot, and "submit". The amount
    // is over the programme's cap: the error comes back beside the field, the rest is kept.
    let send_form = |amount: &'static str, version: i64| {
        let mut form = Form::new()
            .text("version", version.to_string())
            .text("action", "submit")
            .part(
                "document_0",
                Part::bytes(PDF.to_vec()).file_name("удостоверение.pdf"),
            );
        for (k, v) in fields().as_object().expect("object") {
            let v = if k == "amount" {
                amount.to_owned()
            } else {
                v.as_str().unwrap_or_default().to_owned()
            };
            form = form.text(k.clone(), v);
        }
        b.client
            .post(format!("{}/applications/{id}", b.address))
            .header("origin", &b.address)
            .multipart(form)
            .send()
    };
    let r = send_form("900000000", 1).await.expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = location(&r);
    let (status, html) = page(&b, &back).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{back}");
    assert!(
        html.contains("field-error") && html.contains("900000000"),
        "the typed amount is kept with its error"
    );
    assert!(
        html.contains("Приложен:") && html.contains("удостоверение.pdf"),
        "the file is attached"
    );

    let version = version_of(&b, id).await;
    let r = send_form("2500000", version).await.expect("sent");
    assert_eq!(location(&r), format!("/applications/{id}?done=submit"));
    // The same form sent again (a double click): answered as done, still one submission.
    let r = send_form("2500000", version).await.expect("sent");
    assert_eq!(location(&r), format!("/applications/{id}?done=submit"));

    let (_, html) = page(&b, &format!("/applications/{id}?done=submit")).await;
    assert!(html.contains("Заявка отправлена"), "says it is sent");
    assert!(html.contains("data-testid=\"state\"") && html.contains("Подана"));
    // The submitted amount as the rest of the site writes money, not as it was typed.
    assert!(
        html.contains("<dd>2\u{202f}500\u{202f}000\u{a0}₸</dd>")
            && !html.contains("<dd>2500000</dd>"),
        "the submitted amount is written as money"
    );
    assert!(
        html.contains("слишком мало решений"),
        "no invented decision time"
    );
    assert_eq!(
        html.matches("data-testid=\"event\"").count(),
        2,
        "created, sent"
    );

    // The operator takes it up and asks for something; the applicant sees it and answers.
    let op = app.signed_in(OPERATOR).await;
    let v = version_of(&op, id).await;
    let (s, body) = post(
        &op,
        &format!("/api/v1/applications/{id}/steps"),
        json!({ "version": v, "step": "start_review" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = post(
        &op,
        &format!("/api/v1/applications/{id}/steps"),
        json!({ "version": body["version"], "step": "request_info", "items": ["Справка о составе семьи"], "fields": { "due_on": "2026-12-11" } }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, html) = page(&b, &format!("/applications/{id}")).await;
    assert!(
        html.contains("Справка о составе семьи") && html.contains("data-testid=\"info-request\"")
    );
    let (_, html) = page(&b, "/notifications").await;
    assert!(
        html.contains(&format!("/applications/{id}")) && html.contains("Запрошены сведения"),
        "the bell tells"
    );
    // And an SMS to the applicant's phone, in one part: in Kazakh, as the applicant has no
    // language on record (a test client states none).
    let sent = app.delivered().await.sent();
    let sms = format!("№{id} өтінім: Мәліметтер сұралды. 127.0.0.1");
    assert!(
        sent.iter().any(|m| m.to == APPLICANT && m.body == sms),
        "{sms:?} in {sent:#?}"
    );
    // An answer of blanks is refused by the field, and the field points at its message (what a
    // screen reader reads with it).
    let blank = Form::new()
        .text("version", version_of(&b, id).await.to_string())
        .text("action", "answer")
        .text("answer", "   ");
    let r = b
        .client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .multipart(blank)
        .send()
        .await
        .expect("sent");
    let (status, html) = page(&b, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("id=\"answer-error\"") && html.contains("aria-describedby=\"answer-error\""),
        "the refused answer is tied to its message"
    );
    let form = Form::new()
        .text("version", version_of(&b, id).await.to_string())
        .text("action", "answer")
        .text("answer", "Справку прилагаю")
        .part(
            "document",
            Part::bytes(PDF.to_vec()).file_name("spravka.pdf"),
        );
    let r = b
        .client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .multipart(form)
        .send()
        .await
        .expect("sent");
    assert_eq!(location(&r), format!("/applications/{id}?done=answer"));
    let (_, v) = b.get_json(&format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["summary"]["state"], "in_review");
    assert_eq!(v["documents"].as_array().map(Vec::len), Some(2));

    // The operator's minimal buttons on the same page: a rejection needs its reason.
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert!(
        html.contains("data-testid=\"op-approve\"") && html.contains("data-testid=\"op-reject\"")
    );
    // The operator previews the documents in place; the applicant's page only downloads them.
    assert!(html.contains("data-testid=\"document-view\"") && html.contains("?inline=1"));
    let (_, mine) = page(&b, &format!("/applications/{id}")).await;
    assert!(!mine.contains("data-testid=\"document-view\""));
    let version = version_of(&op, id).await.to_string();
    let decide = |action: &'static str, reason: &'static str| {
        op.client
            .post(format!("{}/applications/{id}", op.address))
            .header("origin", &op.address)
            .form(&[
                ("action", action),
                ("version", version.as_str()),
                ("reason", reason),
                ("approved_amount", "2000000"),
                ("approved_term", "36"),
                ("approved_rate", "2,5"),
            ])
            .send()
    };
    let r = decide("reject", "").await.expect("sent");
    let (status, html) = page(&op, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("Заполните это поле"),
        "the reason is asked for"
    );
    let r = decide("approve", "Бизнес-план реалистичен")
        .await
        .expect("sent");
    assert_eq!(location(&r), format!("/applications/{id}?done=step"));
    let (_, html) = page(&b, &format!("/applications/{id}")).await;
    assert!(html.contains("Одобрена") && html.contains("Бизнес-план реалистичен"));
    assert!(
        !html.contains("data-testid=\"estimate\""),
        "no estimate after the decision"
    );
}

#[tokio::test]
async fn documents_are_checked_by_content_and_size_and_served_only_to_those_concerned() {
    let app = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    let (id, _) = draft(&b).await;

    let (s, e) = upload(
        &b,
        id,
        "passport.pdf",
        b"MZ\x90\x00\x03 this is a program".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "unsupported_type");
    assert_eq!(e["error"]["field"], "document");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("PDF, JPEG или PNG")
    );

    let big = [b"%PDF-1.7\n".to_vec(), vec![b' '; 10 * 1024 * 1024]].concat();
    let (s, e) = upload(&b, id, "big.pdf", big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(e["error"]["code"], "too_large");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("10 МБ"),
        "{e}"
    );

    let (s, d) = upload(&b, id, "паспорт.pdf", PDF.to_vec()).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let url = format!("/applications/{id}/documents/{}", d["id"]);
    let r = b.get_with(&url, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"),
        "{disposition}"
    );
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), PDF);
    // The preview shows it in the browser, still as the type its content has, with nothing
    // allowed to run.
    let r = b.get_with(&format!("{url}?inline=1"), &[]).await;
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-disposition").starts_with("inline;"));
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").starts_with("default-src 'none'"));

    // Stored under its SHA-256, nothing else.
    let names: Vec<String> = std::fs::read_dir(app.state.config.uploads_dir())
        .expect("uploads dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].len() == 64 && names[0].bytes().all(|c| c.is_ascii_hexdigit()));

    let other = app.signed_in(OTHER).await;
    assert_eq!(
        other.get_with(&url, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let op = app.signed_in(OPERATOR).await;
    assert_eq!(
        op.get_with(&url, &[]).await.status(),
        StatusCode::NOT_FOUND,
        "a draft is its author's"
    );
    assert_eq!(
        app.browser().get_with(&url, &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (s, _) = upload(&other, id, "x.pdf", PDF.to_vec()).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "nobody attaches to another's application"
    );
}

#[tokio::test]
async fn concurrent_writers_one_change_wins_and_a_double_submit_is_one_submission() {
    let app: TestApp = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    let (id, version) = draft(&b).await;
    let path = format!("/api/v1/applications/{id}");
    let edit = |purpose: &str| {
        let mut f = fields();
        f["purpose"] = json!(purpose);
        send(
            &b,
            reqwest::Method::PUT,
            &path,
            Some(json!({ "version": version, "fields": f })),
        )
    };
    let ((s1, v1), (s2, v2)) = tokio::join!(edit("Трактор"), edit("Теплица"));
    let mut statuses = [s1, s2];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{v1} {v2}"
    );
    let conflict = if s1 == StatusCode::CONFLICT { v1 } else { v2 };
    assert_eq!(conflict["error"]["code"], "conflict");
    assert!(
        conflict["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Обновите страницу")
    );

    let version = version_of(&b, id).await;
    let submit_path = format!("{path}/submit");
    let submit = || post(&b, &submit_path, json!({ "version": version }));
    let ((s1, _), (s2, _)) = tokio::join!(submit(), submit());
    assert_eq!(
        (s1, s2),
        (StatusCode::OK, StatusCode::OK),
        "both clicks are answered as done"
    );
    let (_, v) = b.get_json(&path).await;
    assert_eq!(v["summary"]["state"], "submitted");
    let submits = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["step"] == "submit")
        .count();
    assert_eq!(submits, 1);
    let (_, list) = b.get_json("/api/v1/applications").await;
    assert_eq!(
        list["applications"].as_array().map(Vec::len),
        Some(1),
        "one application"
    );
}

#[tokio::test]
async fn the_api_names_every_bad_field_and_refuses_steps_out_of_turn() {
    let app = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    let (s, e) = post(&b, "/api/v1/applications", json!({ "programme": PROGRAM })).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("programme"))
    );
    let (s, e) = post(
        &b,
        "/api/v1/applications",
        json!({ "program": "no-such-programme" }),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    let (id, version) = draft(&b).await;
    let path = format!("/api/v1/applications/{id}");
    let (s, e) = send(
        &b,
        reqwest::Method::PUT,
        &path,
        Some(json!({ "version": version, "fields": { "amount_typo": "1" } })),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("amount_typo"))
    );
    let (s, e) = send(
        &b,
        reqwest::Method::PUT,
        &path,
        Some(json!({ "version": "one", "fields": {} })),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, e) = post(&b, &format!("{path}/submit"), json!({ "version": version })).await;
    // The demo applicant has no profile, so nothing was filled in: the first field is named.
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("amount")),
        "{e}"
    );
    let (s, e) = post(
        &b,
        &format!("{path}/steps"),
        json!({ "version": version, "step": "approve" }),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("not_allowed")),
        "{e}"
    );
    let (s, e) = post(
        &b,
        &format!("{path}/steps"),
        json!({ "version": version, "step": "fly" }),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("step")),
        "{e}"
    );
    let (s, _) = post(
        &b,
        &format!("{path}/withdraw"),
        json!({ "version": version }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = b.get_json(&path).await;
    assert_eq!(v["summary"]["state"], "withdrawn");
    let submitted_id = submitted(&b).await;
    assert_ne!(
        submitted_id, id,
        "a withdrawn application frees the programme for a new one"
    );
}

#[tokio::test]
async fn an_applicant_asks_the_akimat_which_recommends_with_a_declared_relationship() {
    let app = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    in_the_akim_s_okrug(&b).await;
    let id = submitted(&b).await;
    let (_, html) = page(&b, &format!("/applications/{id}")).await;
    assert!(
        html.contains("не условие подачи"),
        "asking is optional and says so"
    );
    let post = |who: &Browser, fields: Vec<(&'static str, String)>| {
        let mut form = Form::new();
        for (k, v) in fields {
            form = form.text(k, v);
        }
        who.client
            .post(format!("{}/applications/{id}", who.address))
            .header("origin", &who.address)
            .multipart(form)
            .send()
    };
    let version = version_of(&b, id).await.to_string();
    let r = post(
        &b,
        vec![
            ("action", "ask_recommendation".into()),
            ("version", version.clone()),
        ],
    )
    .await
    .expect("sent");
    assert_eq!(location(&r), format!("/applications/{id}?done=asked"));

    let akim = app.signed_in("+77010000003").await;
    let (_, queue) = page(&akim, "/akimat").await;
    assert!(queue.contains(&format!("/applications/{id}")) && queue.contains("ждёт ответа"));
    let (_, html) = page(&akim, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"recommend-form\""));
    // The declaration is required, and a relationship must be described.
    let r = post(
        &akim,
        vec![
            ("action", "recommend".into()),
            ("version", version.clone()),
            ("verdict", "recommend".into()),
        ],
    )
    .await
    .expect("sent");
    let (status, html) = page(&akim, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("field-error"));
    let r = post(
        &akim,
        vec![
            ("action", "recommend".into()),
            ("version", version.clone()),
            ("verdict", "recommend".into()),
            ("reasons", "verified_on_site".into()),
            ("reasons", "jobs_for_village".into()),
            ("text", "Коровник построен, проверено на месте".into()),
            ("relationship", "family".into()),
            ("relationship_note", "Племянница".into()),
        ],
    )
    .await
    .expect("sent");
    assert_eq!(location(&r), format!("/applications/{id}?done=recommended"));

    // The applicant and the operator see it, the relationship first and plainly.
    for who in [&b, &app.signed_in(OPERATOR).await] {
        let (_, html) = page(who, &format!("/applications/{id}")).await;
        assert!(
            html.contains("Рекомендует")
                && html.contains("Хозяйство или участок проверены на месте")
        );
        assert!(
            html.contains("Заявлена связь с заявителем: Родство — Племянница"),
            "{html}"
        );
    }
    // Another okrug's akim neither sees nor acts.
    let other = app.signed_in("+77010000005").await;
    assert_eq!(
        page(&other, &format!("/applications/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let r = post(
        &other,
        vec![
            ("action", "recommend".into()),
            ("version", version),
            ("verdict", "recommend".into()),
            ("relationship", "none".into()),
        ],
    )
    .await
    .expect("sent");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// One use case, three doors: saving a draft through the JSON API, through the page's form
/// without JavaScript, and through the autosave's server function. A field the form does not
/// have is refused by each, named, in the same words; and so is an over-long one.
#[tokio::test]
async fn a_refused_draft_field_reads_the_same_through_each_door() {
    let app = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    let (id, version) = draft(&b).await;
    let long = "я".repeat(4_001);
    for (name, value) in [("amount_typo", "1"), ("purpose", long.as_str())] {
        // The JSON API.
        let (status, api) = send(
            &b,
            reqwest::Method::PUT,
            &format!("/api/v1/applications/{id}"),
            Some(json!({ "version": version, "fields": { name: value } })),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{api}");
        assert_eq!(api["error"]["field"].as_str(), Some(name), "{api}");
        let message = api["error"]["message"]
            .as_str()
            .expect("message")
            .to_owned();
        assert!(!message.is_empty());

        // The autosave's server function (what the page's island calls).
        let response = b
            .client
            .post(format!("{}/api/autosave_draft", b.address))
            .header("origin", &b.address)
            .json(&json!({ "id": id, "version": version, "fields": { name: value } }))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let server_fn: Value = response.json().await.expect("a JSON error");
        assert_eq!(
            (
                server_fn["Invalid"]["field"].as_str(),
                server_fn["Invalid"]["message"].as_str()
            ),
            (Some(name), Some(message.as_str())),
            "{server_fn}"
        );

        // The page's form, without JavaScript: back to the page, the message on it.
        let r = b
            .client
            .post(format!("{}/applications/{id}", b.address))
            .header("origin", &b.address)
            .header("accept", "text/html")
            .multipart(
                Form::new()
                    .text("version", version.to_string())
                    .text("action", "save")
                    .text(name, value.to_owned()),
            )
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (status, html) = page(&b, &location(&r)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let escaped = message
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(html.contains(&escaped), "the page says: {message}");
    }
    // Nothing was saved by any door.
    assert_eq!(version_of(&b, id).await, version);
}

/// A form posted by someone whose session ran out is answered with the sign-in page (and a way
/// back), whatever is wrong in the form: each door asks who is there before it reads the form,
/// so a villager or an akim does not correct a field only to be asked to sign in afterwards.
#[tokio::test]
async fn a_lapsed_session_is_asked_to_sign_in_before_any_field_is_read() {
    let app = spawn_app().await;
    let anonymous = app.browser();
    let posts: [(&str, &[(&str, &str)]); 6] = [
        (
            "/applications/1",
            &[
                ("action", "score"),
                ("version", "1"),
                ("score_plan", "eleven"),
            ],
        ),
        (
            "/applications/1",
            &[
                ("action", "recommend"),
                ("version", "1"),
                ("verdict", "maybe"),
            ],
        ),
        ("/applications/1", &[("action", "save"), ("version", "x")]),
        (
            "/akimat/assist",
            &[("action", "send_code"), ("phone", "12")],
        ),
        (
            "/akimat/assist",
            &[("action", "start"), ("name", ""), ("phone", "12")],
        ),
        ("/operator/assign", &[("id", "one"), ("reviewer", "")]),
    ];
    for (path, form) in posts {
        let response = anonymous
            .client
            .post(format!("{}{path}", anonymous.address))
            .header("origin", &anonymous.address)
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("request is sent");
        let location = location(&response);
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path} {form:?}");
        assert!(
            location.starts_with("/sign-in"),
            "{path} {form:?}: {location}"
        );
    }
}
