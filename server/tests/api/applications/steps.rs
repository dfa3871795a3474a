//! One step, two doors: an operator's decision through the page's form (text, without
//! JavaScript) and through the JSON API (typed JSON) is read into the same typed input, so a
//! refusal reads the same through each: the same field, the same words.

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};

use super::{APPLICANT, OPERATOR, location, page, post, submitted, version_of};
use crate::helpers::{Browser, spawn_app};

/// What the JSON API answers to an approval of `id` with `fields` (and `extra` beside them):
/// the status and the error.
async fn through_json(op: &Browser, id: i64, fields: Value, extra: Value) -> (StatusCode, Value) {
    let mut body =
        json!({ "version": version_of(op, id).await, "step": "approve", "fields": fields });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let (status, e) = post(op, &format!("/api/v1/applications/{id}/steps"), body).await;
    (status, e["error"].clone())
}

/// What the page shows after the approval form of `id` is posted with `fields`: (status, page).
async fn through_form(op: &Browser, id: i64, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let mut form = Form::new()
        .text("version", version_of(op, id).await.to_string())
        .text("action", "approve");
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

/// One bad approval, as the form posts it and as the JSON API receives it, and the refusal
/// both must answer.
struct Case {
    what: &'static str,
    form: Vec<(&'static str, &'static str)>,
    fields: Value,
    beside: Value,
    field: &'static str,
    code: &'static str,
}

fn escaped(message: &str) -> String {
    message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn a_refused_approval_reads_the_same_through_the_form_and_the_json_api() {
    let app = spawn_app().await;
    let b = app.signed_in(APPLICANT).await;
    let id = submitted(&b).await;
    let op = app.signed_in(OPERATOR).await;
    let (s, body) = post(
        &op,
        &format!("/api/v1/applications/{id}/steps"),
        json!({ "version": version_of(&op, id).await, "step": "start_review" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let version = version_of(&op, id).await;

    let approval = [
        ("approved_amount", "2000000"),
        ("approved_term", "36"),
        ("approved_rate", "2,5"),
    ];
    let json_approval =
        json!({ "approved_amount": 2_000_000, "approved_term": 36, "approved_rate": 2.5 });
    let with = |f: &[(&'static str, &'static str)]| {
        let mut v: Vec<(&str, &str)> = approval.to_vec();
        v.extend_from_slice(f);
        v
    };
    let json_with = |f: Value| {
        let mut v = json_approval.clone();
        if let (Some(v), Some(f)) = (v.as_object_mut(), f.as_object()) {
            v.extend(f.clone());
        }
        v
    };
    let cases = [
        Case {
            what: "an amount above the programme's largest",
            form: with(&[("approved_amount", "1 000 000 000 000")]),
            fields: json_with(json!({ "approved_amount": 1_000_000_000_000_i64 })),
            beside: json!({}),
            field: "approved_amount",
            code: "above_cap",
        },
        Case {
            what: "an amount that is no number",
            form: with(&[("approved_amount", "два миллиона")]),
            fields: json_with(json!({ "approved_amount": "два миллиона" })),
            beside: json!({}),
            field: "approved_amount",
            code: "not_a_number",
        },
        Case {
            what: "an unknown field among the decision's",
            form: with(&[("approved_amout", "1")]),
            fields: json_with(json!({ "approved_amout": 1 })),
            beside: json!({}),
            field: "approved_amout",
            code: "not_accepted",
        },
        Case {
            what: "an unknown field beside them",
            form: with(&[("approved_amout", "1")]),
            fields: json_approval.clone(),
            beside: json!({ "approved_amout": 1 }),
            field: "approved_amout",
            code: "not_accepted",
        },
    ];
    for Case {
        what,
        form,
        fields,
        beside,
        field,
        code,
    } in cases
    {
        let (status, api) = through_json(&op, id, fields, beside).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {api}");
        assert_eq!(
            (api["field"].as_str(), api["code"].as_str()),
            (Some(field), Some(code)),
            "{what}: {api}"
        );
        let message = api["message"].as_str().expect("message");
        assert!(!message.is_empty(), "{what}");

        let (status, html) = through_form(&op, id, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}");
        assert!(
            html.contains(&escaped(message)),
            "{what}: the page says {message}"
        );
        if field == "approved_amount" {
            let beside = format!(
                "id=\"{field}-error\" class=\"error-message\">{}</p>",
                escaped(message)
            );
            assert!(html.contains(&beside), "{what}: beside its field");
        }
    }
    // A decision field beside `fields` instead of in it is a field the body does not have: not
    // accepted, not read as a wrong number.
    let (status, api) =
        through_json(&op, id, json!({}), json!({ "approved_amount": 2_000_000 })).await;
    assert_eq!(
        (status, api["field"].as_str(), api["code"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("approved_amount"),
            Some("not_accepted")
        ),
        "{api}"
    );
    // Nothing was decided through either door.
    assert_eq!(version_of(&op, id).await, version);
    let (_, v) = op.get_json(&format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["summary"]["state"], "in_review");
}
