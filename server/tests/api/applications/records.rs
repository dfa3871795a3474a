//! Documents of record over HTTP: a receipt at submission and a letter at refusal, printable
//! and as a PDF whose text (extracted by poppler's `pdftotext`, when installed) says what the
//! page says in Russian and in Kazakh; the PDF's signature checks with the published key, as a
//! bank would check it, and fails after one byte changes; `/verify` says what a code proves,
//! that an appeal superseded the refusal, and nothing useful to a guesser (who is limited).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{APPLICANT, OPERATOR, OTHER, page, post, submitted, version_of};
use crate::helpers::{Browser, spawn_app};

async fn step(op: &Browser, id: i64, step: &str, fields: Value, reason: &str) {
    let body = json!({
        "version": version_of(op, id).await,
        "step": step,
        "fields": fields,
        "reason": reason,
    });
    let (s, v) = post(op, &format!("/api/v1/applications/{id}/steps"), body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// The PDF's text as poppler reads it; `None` (said why) when `pdftotext` is not installed.
fn text_of(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).expect("written");
    match std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            eprintln!(
                "skipped: the PDF's text (pdftotext, from Debian's poppler-utils, is not installed: {e})"
            );
            None
        }
    }
}

/// Whether the last line of `signed` is a signature that holds with one of `keys` (the
/// published JSON), over every byte before it: what a bank does offline.
fn signature_holds(signed: &[u8], keys: &Value) -> bool {
    let body_end = signed[..signed.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .expect("lines")
        + 1;
    let line = std::str::from_utf8(&signed[body_end..]).expect("text");
    let mut parts = line.trim_end().split(' ');
    assert_eq!(parts.next(), Some("%AUYL-SIGNATURE"));
    assert_eq!(parts.next(), Some("Ed25519"));
    let id = parts.next().expect("a key id");
    let sig: [u8; 64] = STANDARD
        .decode(parts.next().expect("a signature"))
        .expect("base64")
        .try_into()
        .expect("64 bytes");
    let key = keys["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["id"] == id)
        .expect("the key is listed");
    let public: [u8; 32] = STANDARD
        .decode(key["public_key"].as_str().expect("a key"))
        .expect("base64")
        .try_into()
        .expect("32 bytes");
    VerifyingKey::from_bytes(&public)
        .expect("a key")
        .verify(&signed[..body_end], &Signature::from_bytes(&sig))
        .is_ok()
}

#[tokio::test]
async fn a_refusal_letter_is_a_signed_pdf_anyone_can_check_until_an_appeal_supersedes_it() {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let (_, v) = applicant
        .get_json(&format!("/api/v1/applications/{id}"))
        .await;
    assert_eq!(v["records"][0]["facts"]["kind"], "receipt", "{v}");
    let op = app.signed_in(OPERATOR).await;
    step(&op, id, "start_review", json!({}), "").await;
    step(
        &op,
        id,
        "reject",
        json!({ "reject_reason": "weak_plan" }),
        "Нет рынка сбыта",
    )
    .await;
    let (_, v) = applicant
        .get_json(&format!("/api/v1/applications/{id}"))
        .await;
    let letter = &v["records"][1];
    assert_eq!(letter["facts"]["kind"], "rejected");
    let printed = letter["code"].as_str().expect("a code").to_owned();
    let code = printed.replace('-', "");
    let title = v["summary"]["program_title_ru"]
        .as_str()
        .expect("a title")
        .to_owned();
    // The initials, never the whole name.
    let initials = letter["facts"]["initials"]
        .as_str()
        .expect("initials")
        .to_owned();
    assert!(
        initials.ends_with('.') && initials.chars().count() <= 8,
        "{initials}"
    );

    // The page lists it; the printable page and the PDF say the same.
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"records\"") && html.contains(&printed));
    let (status, sheet) = page(&applicant, &format!("/records/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        sheet.contains("В заявке отказано") && sheet.contains(&title) && sheet.contains("<svg")
    );
    let pdf = applicant
        .get_with(&format!("/records/{code}/pdf"), &[])
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let pdf = pdf.bytes().await.expect("bytes").to_vec();
    assert!(
        pdf.starts_with(b"%PDF-") && pdf.len() < 80_000,
        "{} bytes",
        pdf.len()
    );
    if let Some(text) = text_of(&pdf) {
        for said in [
            "Письмо о решении по заявке",
            "В заявке отказано",
            &title,
            &printed,
            &id.to_string(),
        ] {
            assert!(text.contains(said), "{said:?} not in {text}");
        }
    }
    let kk = applicant
        .get_with(
            &format!("/records/{code}/pdf"),
            &[("accept-language", "kk")],
        )
        .await
        .bytes()
        .await
        .expect("bytes")
        .to_vec();
    if let Some(text) = text_of(&kk) {
        assert!(text.contains("Өтінімнен бас тартылды"), "{text}");
        assert!(text.contains("Тексеру коды"), "{text}");
    }

    // The signature holds with the published key, and not after one byte changes.
    let (status, keys) = app
        .browser()
        .get_json("/.well-known/auyl-signing-keys.json")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(signature_holds(&pdf, &keys));
    let mut changed = pdf.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x01;
    assert!(!signature_holds(&changed, &keys));

    // Nobody else downloads it.
    let other = app.signed_in(OTHER).await;
    assert_eq!(
        other
            .get_with(&format!("/records/{code}/pdf"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Anyone holding the code checks it, typed loosely.
    let public = app.browser();
    let (status, html) = public
        .get(&format!("/verify/{}", printed.to_lowercase()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("data-current=\"true\"") && html.contains("В заявке отказано"),
        "{html}"
    );
    assert!(html.contains(&initials));

    // An appeal overturns the refusal: the letter no longer stands, and says so.
    let r = applicant
        .client
        .post(format!("{}/applications/{id}", applicant.address))
        .header("origin", &applicant.address)
        .form(&[
            (
                "version",
                version_of(&applicant, id).await.to_string().as_str(),
            ),
            ("action", "appeal"),
            ("appeal_reasons", "Договор сбыта есть"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let admin = app.signed_in("admin@agrocredit.demo").await;
    let r = admin
        .client
        .post(format!("{}/applications/{id}", admin.address))
        .header("origin", &admin.address)
        .form(&[
            ("version", version_of(&admin, id).await.to_string().as_str()),
            ("action", "decide_appeal"),
            ("appeal_outcome", "overturned"),
            ("appeal_answer", "Причина отказа снята"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = public.get(&format!("/verify/{code}")).await;
    assert!(
        html.contains("data-current=\"false\"") && html.contains("больше не действует"),
        "{html}"
    );

    // A made-up code says only that there is no such document; a guesser is stopped.
    let (status, html) = public.get("/verify/K7Q2-M9XD-4TPA").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Документа с таким кодом нет") && !html.contains("record-facts"));
    let mut stopped = false;
    for _ in 0..40 {
        let (status, html) = public.get("/verify/0000-0000-0000").await;
        if status == StatusCode::BAD_REQUEST && html.contains("Слишком много попыток")
        {
            stopped = true;
            break;
        }
    }
    assert!(stopped, "the checks of one address are limited");
}
