//! After the money, over HTTP: the payment makes the loan's schedule from the approved terms;
//! repayments recorded by hand, from a CSV (preview, every bad line named, nothing half
//! imported, re-import adds nothing) and from a lender's system with an API key (its own
//! organisation's loans only, `Idempotency-Key` replays); the same payment posted twice at once
//! through the API and the CSV is recorded once; the portfolio and its CSV; time passing
//! (a second app on the same data, months later) turns unpaid instalments into arrears.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::{
    APPLICANT, OPERATOR, in_the_akim_s_okrug, location, page, post, submitted, version_of,
};
use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_at, spawn_app_with};

const ORG_ADMIN: &str = "admin@agrocredit.demo";
/// The administrator of another lender.
const OTHER_ADMIN: &str = "operator@damu.demo";

async fn step(op: &Browser, id: i64, step: &str, fields: Value) -> (StatusCode, Value) {
    let body = json!({ "version": version_of(op, id).await, "step": step, "fields": fields });
    post(op, &format!("/api/v1/applications/{id}/steps"), body).await
}

/// A loan of 1,200,000 ₸ over 12 months at 2.5 %, paid out on the test's today (27 November
/// 2026) with `method`: the application's id.
async fn disbursed(app: &TestApp, op: &Browser, extra: Value) -> i64 {
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let (s, v) = step(op, id, "start_review", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut fields = json!({
        "approved_amount": 1_200_000,
        "approved_term": 12,
        "approved_rate": 2.5,
    });
    if let (Some(f), Some(e)) = (fields.as_object_mut(), extra.as_object()) {
        f.extend(e.clone());
    }
    let (s, v) = step(op, id, "approve", fields).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = step(
        op,
        id,
        "disburse",
        json!({ "disbursed_on": "2026-11-27", "disbursed_amount": 1_200_000, "reference": "PP-1" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

/// Posts the loan page's repayment form: the page it lands on.
async fn by_hand(op: &Browser, id: i64, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let mut form = Form::new()
        .text("version", version_of(op, id).await.to_string())
        .text("action", "repayment");
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let r = op
        .client
        .post(format!("{}/applications/{id}", op.address))
        .header("origin", &op.address)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    page(op, &location(&r)).await
}

/// Uploads `csv` to the import page: where it lands (the preview's address).
async fn upload(op: &Browser, csv: &str) -> String {
    let form = Form::new().text("action", "preview").part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("bank.csv"),
    );
    let r = op
        .client
        .post(format!("{}/operator/repayments", op.address))
        .header("origin", &op.address)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
}

/// Posts a URL-encoded form to `path` as a browser does: the status and where it leads.
async fn post_to(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (StatusCode, Option<String>) {
    let r = b
        .client
        .post(format!("{}{path}", b.address))
        .header("origin", &b.address)
        .header("accept", "text/html")
        .form(fields)
        .send()
        .await
        .expect("sent");
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (r.status(), to)
}

/// Confirms the import of the file at `preview` (its digest is in the address).
async fn confirm(op: &Browser, preview: &str) -> String {
    let digest = preview.split("file=").nth(1).unwrap_or_default();
    let (status, to) = post_to(
        op,
        "/operator/repayments",
        &[("action", "import"), ("digest", digest)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    to.unwrap_or_default()
}

async fn api(
    app: &TestApp,
    key: Option<&str>,
    idempotency: Option<&str>,
    body: &Value,
) -> (StatusCode, Value, bool) {
    let mut r = reqwest::Client::new()
        .post(format!("{}/api/v1/repayments", app.address))
        .json(body);
    if let Some(k) = key {
        r = r.header("authorization", format!("Bearer {k}"));
    }
    if let Some(k) = idempotency {
        r = r.header("idempotency-key", k);
    }
    let r = r.send().await.expect("sent");
    let status = r.status();
    let replayed = r.headers().contains_key("idempotent-replayed");
    (status, r.json().await.unwrap_or(Value::Null), replayed)
}

/// A new API key of the organisation of `admin`, through its page.
async fn new_key(app: &TestApp, admin: &str) -> String {
    let b = app.signed_in(admin).await;
    let (status, _) = post_to(
        &b,
        "/operator/api-keys",
        &[("action", "create"), ("name", "1С бухгалтерия")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&b, "/operator/api-keys").await;
    let start = html.find("auyl_").expect("the key is shown once");
    let key: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let (_, again) = page(&b, "/operator/api-keys").await;
    assert!(!again.contains(&key), "a reload no longer shows the key");
    key
}

fn schedule_statuses(html: &str) -> Vec<String> {
    html.split("data-status=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_payment_makes_the_schedule_and_repayments_by_hand_move_it() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let id = disbursed(&app, &op, json!({ "approved_grace": 2 })).await;
    let applicant = app.signed_in(APPLICANT).await;
    let (status, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"schedule\""), "{html}");
    // Twelve instalments, the first two interest only (the grace).
    assert_eq!(schedule_statuses(&html).len(), 12);
    let at = html
        .find("data-testid=\"instalment-1\"")
        .expect("the first instalment");
    let first: String = html[at..].chars().take(300).collect();
    assert!(first.contains("декабря"), "a month later: {first}");
    // The grace: interest only, 2.5 % a year on 1,200,000 ₸ is 2,500 ₸ a month.
    assert!(first.contains("2\u{202f}500"), "{first}");
    // The applicant reads; only the lender records.
    assert!(!html.contains("data-testid=\"form-repayment\""));

    let (_, html) = by_hand(
        &op,
        id,
        &[
            ("repaid_reference", "KASPI-001"),
            ("repaid_on", "2026-11-27"),
            ("repaid_amount", "2 500,00"),
        ],
    )
    .await;
    assert!(html.contains("Платёж записан"), "{html}");
    assert!(html.contains("KASPI-001"));
    // The same reference again, the same payment: nothing new; other content: refused by name.
    let (_, html) = by_hand(
        &op,
        id,
        &[
            ("repaid_reference", "KASPI-001"),
            ("repaid_on", "2026-11-27"),
            ("repaid_amount", "9 999"),
        ],
    )
    .await;
    assert!(html.contains("repaid_reference-error"), "{html}");
    // A future date and a negative amount are named.
    let (_, html) = by_hand(
        &op,
        id,
        &[
            ("repaid_reference", "KASPI-002"),
            ("repaid_on", "2026-12-01"),
            ("repaid_amount", "100"),
        ],
    )
    .await;
    assert!(html.contains("repaid_on-error"), "{html}");
    let (_, html) = by_hand(
        &op,
        id,
        &[
            ("repaid_reference", "KASPI-002"),
            ("repaid_on", "2026-11-27"),
            ("repaid_amount", "-5"),
        ],
    )
    .await;
    assert!(html.contains("repaid_amount-error"), "{html}");
    // A reversal is a record of its own; the payment it cancels counts for nothing.
    let (_, html) = by_hand(
        &op,
        id,
        &[
            ("repaid_reference", "KASPI-001-R"),
            ("repaid_on", "2026-11-27"),
            ("repaid_amount", "2500"),
            ("repaid_reverses", "KASPI-001"),
        ],
    )
    .await;
    assert!(html.contains("сторно платежа KASPI-001"), "{html}");
    let (_, v) = applicant
        .get_json(&format!("/api/v1/applications/{id}"))
        .await;
    assert_eq!(v["loan"]["paid"], 0, "{}", v["loan"]);
    assert_eq!(v["loan"]["repayments"].as_array().map(Vec::len), Some(2));

    // Another lender's staff cannot record on it.
    let other = app.signed_in(OTHER_ADMIN).await;
    let form = Form::new()
        .text("version", version_of(&op, id).await.to_string())
        .text("action", "repayment")
        .text("repaid_reference", "X")
        .text("repaid_on", "2026-11-27")
        .text("repaid_amount", "1");
    let r = other
        .client
        .post(format!("{}/applications/{id}", other.address))
        .header("origin", &other.address)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("sent");
    assert!(
        matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status()
    );
    let (_, v) = op.get_json(&format!("/api/v1/applications/{id}")).await;
    assert_eq!(
        v["loan"]["repayments"].as_array().map(Vec::len),
        Some(2),
        "nothing recorded"
    );
}

#[tokio::test]
async fn seasonal_and_balloon_approvals_make_their_schedules() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let id = disbursed(
        &app,
        &op,
        json!({ "approved_method": "seasonal", "approved_season": [10, 11] }),
    )
    .await;
    let (_, v) = op.get_json(&format!("/api/v1/applications/{id}")).await;
    let lines = v["loan"]["instalments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(lines.len(), 12);
    let principal_of = |due: &str| {
        lines
            .iter()
            .find(|l| l["due_on"] == due)
            .map(|l| l["principal"].as_i64().unwrap_or(-1))
    };
    // Interest only until the harvest months; the principal in two equal parts then.
    assert_eq!(principal_of("2027-01-27"), Some(0));
    assert_eq!(principal_of("2027-10-27"), Some(60_000_000));
    assert_eq!(principal_of("2027-11-27"), Some(60_000_000));
    let id = disbursed(&app, &op, json!({ "approved_method": "balloon" })).await;
    let (_, v) = op.get_json(&format!("/api/v1/applications/{id}")).await;
    let lines = v["loan"]["instalments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let principal: Vec<i64> = lines
        .iter()
        .map(|l| l["principal"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(principal.iter().sum::<i64>(), 120_000_000, "to the tiyn");
    assert_eq!(principal.last(), Some(&120_000_000));
}

#[tokio::test]
async fn a_csv_is_previewed_refused_whole_with_its_bad_lines_named_then_imported_once() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let a = disbursed(&app, &op, json!({})).await;
    let b = disbursed(&app, &op, json!({})).await;
    // A loan of another lender.
    let damu = app.signed_in(OTHER_ADMIN).await;
    let _ = damu;

    let bad = format!(
        "Заявка;Номер платежа;Дата;Сумма\n\
         {a};P-1;27.11.2026;101 000,00\n\
         99999;P-2;2026-11-27;100\n\
         {b};P-3;2026-12-30;100\n\
         {b};P-1;2026-11-27;100\n"
    );
    let preview = upload(&op, &bad).await;
    let (_, html) = page(&op, &preview).await;
    let at = html
        .find("data-testid=\"import-errors\"")
        .expect("the errors");
    let html = html[at..].to_owned();
    for line in ["3", "4"] {
        assert!(
            html.contains(&format!("data-line=\"{line}\"")),
            "line {line} named: {html}"
        );
    }
    assert!(
        !html.contains("data-testid=\"import-go\""),
        "nothing to confirm"
    );
    // Nothing was recorded.
    let (_, v) = op.get_json(&format!("/api/v1/applications/{a}")).await;
    assert_eq!(v["loan"]["repayments"].as_array().map(Vec::len), Some(0));

    let good = format!(
        "application,reference,paid_on,amount\r\n\
         {a},P-1,2026-11-27,\"101 000,00\"\r\n\
         {b},P-3,2026-11-27,50000\r\n"
    );
    let preview = upload(&op, &good).await;
    let (_, html) = page(&op, &preview).await;
    assert!(html.contains("data-testid=\"import-preview\""), "{html}");
    let done = confirm(&op, &preview).await;
    assert!(done.contains("imported=2"), "{done}");
    // The same file again: nothing new.
    let preview = upload(&op, &good).await;
    let (_, html) = page(&op, &preview).await;
    assert!(html.contains("уже записаны ранее: 2"), "{html}");
    assert!(!html.contains("data-testid=\"import-go\""));
    let (_, v) = op.get_json(&format!("/api/v1/applications/{a}")).await;
    assert_eq!(v["loan"]["paid"], 10_100_000);
    assert_eq!(v["loan"]["repayments"].as_array().map(Vec::len), Some(1));

    // The portfolio lists both, and its CSV too; the applicant may not see it.
    let (status, html) = page(&op, "/operator/portfolio").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        html.matches("data-testid=\"portfolio-row\"").count(),
        2,
        "{html}"
    );
    let (status, csv) = op.get("/operator/portfolio.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let applicant = app.signed_in(APPLICANT).await;
    let (status, _) = applicant.get("/operator/portfolio.csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_takes_a_key_of_its_own_organisation_and_replays_an_idempotency_key() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let id = disbursed(&app, &op, json!({})).await;
    let body = json!({
        "application_id": id,
        "reference": "BANK-77",
        "paid_on": "2026-11-27",
        "amount_tiyn": 10_000_000,
    });
    let (s, e, _) = api(&app, None, None, &body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{e}");
    let (s, _, _) = api(&app, Some("auyl_nope_nope"), None, &body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The operator (not the administrator) cannot make keys.
    let (status, _) = post_to(
        &op,
        "/operator/api-keys",
        &[("action", "create"), ("name", "x")],
    )
    .await;
    assert_ne!(status, StatusCode::OK);

    let key = new_key(&app, ORG_ADMIN).await;
    let (s, v, replayed) = api(&app, Some(&key), Some("try-1"), &body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "recorded");
    assert!(!replayed);
    let (s, v2, replayed) = api(&app, Some(&key), Some("try-1"), &body).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, true));
    assert_eq!(v, v2);
    // The same key with another body is refused, by the header's name.
    let mut other = body.clone();
    other["amount_tiyn"] = json!(5);
    let (s, e, _) = api(&app, Some(&key), Some("try-1"), &other).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "Idempotency-Key");
    // Without the header, the reference alone keeps it once.
    let (s, v, _) = api(&app, Some(&key), None, &body).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("already_recorded"))
    );
    // Bad fields are named with the JSON's names.
    let mut bad = body.clone();
    bad["reference"] = json!("BANK-78");
    bad["amount_tiyn"] = json!(-1);
    let (s, e, _) = api(&app, Some(&key), None, &bad).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("amount_tiyn"))
    );
    let mut unknown = body.clone();
    unknown["extra"] = json!(1);
    let (_, e, _) = api(&app, Some(&key), None, &unknown).await;
    assert_eq!(e["error"]["field"], "extra");

    // Another organisation's key sees no such loan.
    let foreign = new_key(&app, OTHER_ADMIN).await;
    let mut theirs = body.clone();
    theirs["reference"] = json!("DAMU-1");
    let (s, e, _) = api(&app, Some(&foreign), None, &theirs).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("application_id"))
    );

    // A revoked key is refused.
    let admin = app.signed_in(ORG_ADMIN).await;
    let (_, html) = page(&admin, "/operator/api-keys").await;
    let id_start = html.find("name=\"id\" value=\"").expect("a revoke form") + 17;
    let key_id: String = html[id_start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let (status, _) = post_to(
        &admin,
        "/operator/api-keys",
        &[("action", "revoke"), ("id", &key_id)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut later = body.clone();
    later["reference"] = json!("BANK-79");
    let (s, _, _) = api(&app, Some(&key), None, &later).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_same_payment_through_the_api_and_a_csv_at_once_is_recorded_once() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let id = disbursed(&app, &op, json!({})).await;
    let key = new_key(&app, ORG_ADMIN).await;
    for n in 0..5 {
        let reference = format!("SAME-{n}");
        let csv =
            format!("application,reference,paid_on,amount\n{id},{reference},2026-11-27,1000\n");
        let preview = upload(&op, &csv).await;
        let body = json!({
            "application_id": id,
            "reference": reference,
            "paid_on": "2026-11-27",
            "amount_tiyn": 100_000,
        });
        let (through_api, through_csv) =
            tokio::join!(api(&app, Some(&key), None, &body), confirm(&op, &preview));
        assert!(through_api.0.is_success(), "{:?}", through_api.1);
        // Whichever came second found the payment there: the file imports nothing new.
        assert!(
            through_csv.contains("imported=1") || through_csv.contains("imported=0"),
            "{through_csv}"
        );
    }
    let (_, v) = op.get_json(&format!("/api/v1/applications/{id}")).await;
    assert_eq!(
        v["loan"]["repayments"].as_array().map(Vec::len),
        Some(5),
        "{}",
        v["loan"]
    );
    assert_eq!(v["loan"]["paid"], 500_000);
}

#[tokio::test]
async fn months_later_unpaid_instalments_are_arrears_in_the_portfolio() {
    let dir = tempfile::tempdir().expect("dir");
    let first = spawn_app_at(dir.path(), |_| {}).await;
    // The applicant lives in okrug 101033000: the loans count in its public report.
    let applicant = first.signed_in(APPLICANT).await;
    in_the_akim_s_okrug(&applicant).await;
    let op = first.signed_in(OPERATOR).await;
    let late = disbursed(&first, &op, json!({})).await;
    let paying = disbursed(&first, &op, json!({})).await;
    // Two more that nobody repays: three late loans are enough for the public report to say.
    disbursed(&first, &op, json!({})).await;
    disbursed(&first, &op, json!({})).await;
    let url = first.state.config.database_url.clone();
    // 15 March 2027: instalments of 27 December, 27 January and 27 February are due.
    // Its own data directory (the search index is one process's), the same database.
    let later = spawn_app_with(|c| {
        c.database_url = url;
        c.today = chrono::NaiveDate::from_ymd_opt(2027, 3, 15);
    })
    .await;
    let op = later.signed_in(OPERATOR).await;
    let (_, v) = op.get_json(&format!("/api/v1/applications/{paying}")).await;
    let monthly = v["loan"]["instalments"][0]["principal"]
        .as_i64()
        .unwrap_or(0)
        + v["loan"]["instalments"][0]["interest"]
            .as_i64()
            .unwrap_or(0);
    let a = format!("{}.{:02}", monthly / 100, monthly % 100);
    let csv = format!(
        "application;reference;paid_on;amount\n\
         {paying};M-1;2026-12-27;{a}\n{paying};M-2;2027-01-27;{a}\n{paying};M-3;2027-02-27;{a}\n"
    );
    let preview = upload(&op, &csv).await;
    let done = confirm(&op, &preview).await;
    assert!(done.contains("imported=3"), "{done}");
    let (_, v) = op.get_json(&format!("/api/v1/applications/{late}")).await;
    assert_eq!(v["loan"]["days_past_due"], 78, "since 27 December");
    assert_eq!(v["loan"]["bucket"], "late61_to90");
    let (_, html) = page(&op, "/operator/portfolio").await;
    // PAR30: the late loan's whole principal over both loans' outstanding principal.
    let figure = |id: &str| -> String {
        let at = html
            .find(&format!("data-testid=\"{id}\">"))
            .expect("a total")
            + id.len()
            + 15;
        html[at..].chars().take_while(|c| *c != '<').collect()
    };
    let par: f64 = figure("total-par30")
        .trim_end_matches(" %")
        .replace(',', ".")
        .parse()
        .expect("a percentage");
    // 3,600,000 of about 4,500,000 outstanding: the paying loan repaid three months of twelve.
    assert!((79.0..81.0).contains(&par), "{par}");
    assert_eq!(figure("total-on-time"), "1");
    assert_eq!(figure("total-loans"), "4");
    let (_, html) = page(&op, "/operator/portfolio?bucket=61-90").await;
    assert_eq!(
        html.matches("data-testid=\"portfolio-row\"").count(),
        3,
        "{html}"
    );
    // The view's count (taken from its totals) is its rows'.
    assert!(html.contains("Займов в выборке: 3"), "{html}");
    assert!(html.contains(&format!("data-id=\"{late}\"")));
    let (_, html) = page(&op, "/operator/portfolio?bucket=current").await;
    assert!(html.contains(&format!("data-id=\"{paying}\"")), "{html}");
    let (_, v) = later
        .signed_in(APPLICANT)
        .await
        .get_json(&format!("/api/v1/applications/{paying}"))
        .await;
    assert_eq!(v["loan"]["days_past_due"], 0);
    assert_eq!(v["loan"]["next"][0], "2027-03-27");

    // The public report says how the okrug's loans are repaid (schema 2); schema 1 stays as it
    // was at its own address.
    let public = later.browser();
    let (status, v2) = public.get_json("/okrugs/101033000/data-v2.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v2["schema"], "auyl-report/2");
    let all = &v2["after_money"]["all"];
    assert_eq!(all["loans"], 4, "{v2}");
    // One borrower paying on time is one person: the share is not published.
    assert_eq!(all["repaid_on_time_pct"], serde_json::Value::Null);
    let par = all["par30_bps"].as_i64().expect("published");
    assert!((7900..8100).contains(&par), "{par}");
    assert_eq!(v2["after_money"]["by_said"][2][0], "nothing");
    let (_, v1) = public.get_json("/okrugs/101033000/data.json").await;
    assert_eq!(v1["schema"], "auyl-report/1");
    assert!(v1.get("after_money").is_none(), "{v1}");
    let (_, csv) = public.get("/okrugs/101033000/data-v2.csv").await;
    assert!(csv.contains(",loans,,4\n"), "{csv}");
    assert!(csv.contains(&format!(",loans_par30_bps,,{par}\n")), "{csv}");
    let (_, csv1) = public.get("/okrugs/101033000/data.csv").await;
    assert!(!csv1.contains("loans_"), "{csv1}");
    let (_, html) = public.get("/okrugs/101033000").await;
    assert!(html.contains("data-testid=\"after-money\""), "{html}");
    // The region and the country add the okrug's loans up.
    let (_, region) = public.get_json("/api/v1/reports/100000000").await;
    assert_eq!(
        region["after_money"]["all"]["loans"], 4,
        "{}",
        region["after_money"]
    );

    // The whole book's totals (kept per group as loans change) are those counted over the
    // loans of the region that holds them all: after the import, and after a reversal that
    // puts the paying loan back in arrears.
    let totals = |html: &str| -> String {
        let from = html.find("portfolio-totals").expect("the totals");
        let to = from + html[from..].find("</ul>").expect("the buckets");
        let mut text = String::new();
        let mut in_tag = false;
        for c in html[from..to].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text
    };
    let (_, book) = page(&op, "/operator/portfolio").await;
    let (_, region) = page(&op, "/operator/portfolio?area=100000000").await;
    assert_eq!(totals(&book), totals(&region));
    let (_, html) = by_hand(
        &op,
        paying,
        &[
            ("repaid_reference", "M-3-R"),
            ("repaid_on", "2027-03-01"),
            ("repaid_amount", &a),
            ("repaid_reverses", "M-3"),
        ],
    )
    .await;
    assert!(html.contains("сторно платежа M-3"), "{html}");
    let (_, after) = page(&op, "/operator/portfolio").await;
    let (_, region) = page(&op, "/operator/portfolio?area=100000000").await;
    assert_ne!(totals(&after), totals(&book), "the reversal moved the book");
    assert_eq!(totals(&after), totals(&region));
}

/// The messages of `template` in the outbox, with their texts.
async fn written(app: &TestApp, template: &str) -> Vec<(String, String)> {
    use app::ssr::db::entities::messages;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    messages::Entity::find()
        .filter(messages::Column::Template.eq(template))
        .all(&app.state.db)
        .await
        .expect("messages")
        .into_iter()
        .map(|m| (m.recipient, m.body))
        .collect()
}

#[tokio::test]
async fn reminders_go_three_days_before_and_on_the_first_day_late_once_each() {
    use app::ssr::services::loans::reminders::remind;
    let first = spawn_app().await;
    let op = first.signed_in(OPERATOR).await;
    let unpaid = disbursed(&first, &op, json!({})).await;
    let paid = disbursed(&first, &op, json!({})).await;
    // The first instalments fall due on 27 December; the lender records one ahead of time.
    let key = new_key(&first, ORG_ADMIN).await;
    let (s, v, _) = api(
        &first,
        Some(&key),
        None,
        &json!({ "application_id": paid, "reference": "EARLY-1", "paid_on": "2026-11-27", "amount_tiyn": 20_000_000 }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let day = |d: u32, m: u32, y: i32| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let db = &first.state.db;
    let now = chrono::Utc::now();
    // Four days before: nothing yet.
    assert_eq!(
        remind(db, "http://x", day(23, 12, 2026), now)
            .await
            .expect("round"),
        0
    );
    // Three days before: the borrower who has not paid is told, once.
    assert_eq!(
        remind(db, "http://x", day(24, 12, 2026), now)
            .await
            .expect("round"),
        1
    );
    assert_eq!(
        remind(db, "http://x", day(25, 12, 2026), now)
            .await
            .expect("round"),
        0
    );
    let due = written(&first, "repayment_due").await;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].0, APPLICANT);
    assert!(due[0].1.contains(&format!("№{unpaid}")), "{due:?}");
    // The first day late, once; the one who paid ahead hears nothing.
    assert_eq!(
        remind(db, "http://x", day(28, 12, 2026), now)
            .await
            .expect("round"),
        1
    );
    assert_eq!(
        remind(db, "http://x", day(29, 12, 2026), now)
            .await
            .expect("round"),
        0
    );
    let late = written(&first, "repayment_late").await;
    assert_eq!(late.len(), 1, "{late:?}");
    assert!(late[0].1.contains(&format!("№{unpaid}")));
    // The use-of-funds reports fall due 90 days after 27 November (25 February): a week
    // before, both borrowers are reminded, once; nobody is once a report is filed.
    assert_eq!(
        remind(db, "http://x", day(17, 2, 2027), now)
            .await
            .expect("round"),
        0
    );
    let before = remind(db, "http://x", day(18, 2, 2027), now)
        .await
        .expect("round");
    assert_eq!(before, 2, "two reports due a week later");
    assert_eq!(
        remind(db, "http://x", day(19, 2, 2027), now)
            .await
            .expect("round"),
        0
    );
    assert_eq!(written(&first, "report_due").await.len(), 2);
}

/// Posts one of the page's forms of application `id` with `fields` and files `files`
/// (field, name, bytes): the page it lands on.
async fn page_form(
    b: &Browser,
    id: i64,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (StatusCode, String) {
    // Someone who may not read the application posts a version they guessed.
    let (_, v) = b.get_json(&format!("/api/v1/applications/{id}")).await;
    let version = v["summary"]["version"].as_i64().unwrap_or(1);
    let mut form = Form::new().text("version", version.to_string());
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    for (field, name, bytes) in files {
        form = form.part(
            (*field).to_owned(),
            Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    let r = b
        .client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("sent");
    if r.status() != StatusCode::SEE_OTHER {
        let status = r.status();
        return (status, r.text().await.unwrap_or_default());
    }
    page(b, &location(&r)).await
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

#[tokio::test]
async fn reports_after_the_payment_are_filed_returned_accepted_and_confirmed_on_site() {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    in_the_akim_s_okrug(&applicant).await;
    let op = app.signed_in(OPERATOR).await;
    let id = disbursed(&app, &op, json!({})).await;
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(
        html.contains("data-testid=\"report-use_of_funds\""),
        "{html}"
    );
    assert!(html.contains("data-testid=\"form-report-use_of_funds\""));
    // A half-filled row is named, and nothing is filed.
    let (_, html) = page_form(
        &applicant,
        id,
        &[
            ("action", "file_report"),
            ("report_kind", "use_of_funds"),
            ("item_amount_1", "100"),
        ],
        &[],
    )
    .await;
    assert!(html.contains("item_what_1-error"), "{html}");
    // A file that is no picture is refused by name.
    let (_, html) = page_form(
        &applicant,
        id,
        &[
            ("action", "file_report"),
            ("report_kind", "use_of_funds"),
            ("item_what_1", "Пять нетелей"),
            ("item_amount_1", "1 150 000"),
        ],
        &[("receipt", "receipt.exe", b"MZ not a picture")],
    )
    .await;
    assert!(html.contains("receipt-error"), "{html}");
    let (_, html) = page_form(
        &applicant,
        id,
        &[
            ("action", "file_report"),
            ("report_kind", "use_of_funds"),
            ("item_what_1", "Пять нетелей"),
            ("item_amount_1", "1 150 000"),
        ],
        &[("receipt", "chek.png", PNG)],
    )
    .await;
    assert!(html.contains("Отчёт отправлен"), "{html}");
    assert!(html.contains("chek.png"));
    // The lender returns it with a reason; a return without one is refused.
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    let at = html
        .find("name=\"report_id\" value=\"")
        .expect("a decision form")
        + 24;
    let report: String = html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let (_, html) = page_form(
        &op,
        id,
        &[("action", "return_report"), ("report_id", &report)],
        &[],
    )
    .await;
    assert!(
        html.contains("report_reason-error") || html.contains("Причина"),
        "{html}"
    );
    let (_, html) = page_form(
        &op,
        id,
        &[
            ("action", "return_report"),
            ("report_id", &report),
            ("report_reason", "Нет накладной на корма"),
        ],
        &[],
    )
    .await;
    assert!(html.contains("Решение по отчёту записано"), "{html}");
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(html.contains("Нет накладной на корма"));
    assert!(html.contains("data-state=\"returned\""));
    // Filed again, accepted.
    let (_, html) = page_form(
        &applicant,
        id,
        &[
            ("action", "file_report"),
            ("report_kind", "use_of_funds"),
            ("item_what_1", "Пять нетелей"),
            ("item_amount_1", "1 150 000"),
            ("item_what_2", "Корма"),
            ("item_amount_2", "50 000"),
        ],
        &[("receipt", "nakladnaya.png", PNG)],
    )
    .await;
    assert!(html.contains("Отчёт отправлен"), "{html}");
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    let at = html
        .rfind("name=\"report_id\" value=\"")
        .expect("a decision form")
        + 24;
    let report: String = html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let (_, html) = page_form(
        &op,
        id,
        &[("action", "accept_report"), ("report_id", &report)],
        &[],
    )
    .await;
    assert!(html.contains("data-state=\"accepted\""), "{html}");
    // Accepting twice is refused and changes nothing.
    let (status, html) = page_form(
        &op,
        id,
        &[("action", "accept_report"), ("report_id", &report)],
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(html.matches("data-state=\"accepted\"").count(), 1);
    // The results: jobs of which more for women than created are refused.
    let (_, html) = page_form(
        &applicant,
        id,
        &[
            ("action", "file_report"),
            ("report_kind", "results"),
            ("jobs_created", "2"),
            ("jobs_women", "3"),
            ("revenue", "100"),
        ],
        &[],
    )
    .await;
    assert!(html.contains("jobs_women-error"), "{html}");
    // Another entrepreneur cannot file on it; the lender cannot file either.
    let other = app.signed_in("+77010000002").await;
    let (status, _) = page_form(
        &other,
        id,
        &[
            ("action", "file_report"),
            ("report_kind", "results"),
            ("jobs_created", "2"),
            ("revenue", "100"),
        ],
        &[],
    )
    .await;
    assert_ne!(status, StatusCode::OK);
    // The okrug's akim confirms on site, named; an akim of another okrug may not.
    let akim = app.signed_in("+77010000003").await;
    let (_, html) = page_form(
        &akim,
        id,
        &[
            ("action", "confirm_on_site"),
            ("confirmation", "Видели пять нетелей на ферме"),
        ],
        &[],
    )
    .await;
    assert!(html.contains("Видели пять нетелей на ферме"), "{html}");
    let far = app.signed_in("+77010000005").await;
    let (status, _) = page_form(
        &far,
        id,
        &[("action", "confirm_on_site"), ("confirmation", "x")],
        &[],
    )
    .await;
    assert_ne!(status, StatusCode::OK);
    // The okrug's public report: the use-of-funds report is not due yet; one report of jobs
    // is too few to publish.
    let (_, v2) = app
        .browser()
        .get_json("/okrugs/101033000/data-v2.json")
        .await;
    assert_eq!(
        v2["after_money"]["all"]["jobs_created"], 0,
        "{}",
        v2["after_money"]
    );
}
