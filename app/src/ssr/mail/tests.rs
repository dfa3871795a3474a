use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use super::*;
use crate::domain::i18n::{Msg, t, tf};

const FROM: &str = "Auyl Business <no-reply@auyl.test>";

/// A Kazakh alert: the alert's own templates, with a subject long enough to be folded into
/// several encoded words, and the Kazakh letters a wrong encoding loses first.
fn kazakh_alert(to: &str, unsubscribe: &str) -> Mail {
    let mut mail = Mail::in_language(
        to,
        Some(Lang::Kk),
        |l| {
            format!(
                "{}: «Әйел кәсіпкерлігі», өңірлік қор — ә ң ғ ү ұ қ ө һ і",
                t(l, Msg::AlertMailSubject)
            )
        },
        |l| {
            tf(
                l,
                Msg::AlertMailBody,
                &[
                    ("links", "https://auyl.test/programs/zhetisu-bees-2027"),
                    ("unsubscribe", unsubscribe),
                ],
            )
        },
    );
    mail.unsubscribe = Some(unsubscribe.to_owned());
    mail
}

/// A Russian message a person cannot opt out of (no unsubscribe address).
fn russian_notice(to: &str) -> Mail {
    Mail::in_language(
        to,
        Some(Lang::Ru),
        |_| "Решение по заявке № 42: одобрено, ещё ёлки".to_owned(),
        |_| "Здравствуйте!\n\nВаша заявка одобрена.\nСумма: 2 500 000 ₸.".to_owned(),
    )
}

#[test]
fn a_message_names_the_languages_it_is_written_in() {
    let known = Mail::in_language("a@b.kz", Some(Lang::Kk), |_| "s".into(), |_| "b".into());
    assert_eq!(known.langs, vec![Lang::Kk]);
    let unknown = Mail::in_language(
        "a@b.kz",
        None,
        |l| l.code().into(),
        |l| format!("body {}", l.code()),
    );
    assert_eq!(unknown.langs, vec![Lang::Kk, Lang::Ru]);
    assert_eq!(unknown.subject, "kk / ru");
    assert_eq!(unknown.body, "body kk\n\n---\n\nbody ru");
    let from: Mailbox = FROM.parse().expect("from");
    let text = formatted(message(&from, unknown).expect("builds"));
    assert!(text.contains("\r\nContent-Language: kk, ru\r\n"), "{text}");
}

/// The message as sent, as text (its headers are ASCII; the body is encoded).
fn formatted(message: Message) -> String {
    String::from_utf8(message.formatted()).expect("the formatted message is ASCII")
}

/// The header section of a raw message.
fn header_section(raw: &str) -> &str {
    raw.split_once("\r\n\r\n").map_or(raw, |(h, _)| h)
}

#[test]
fn the_message_carries_its_language_and_the_one_click_headers_only_when_it_can_be_stopped() {
    let from: Mailbox = FROM.parse().expect("from");
    let url = "https://auyl.test/unsubscribe/tok123";
    let text = formatted(message(&from, kazakh_alert("a@b.kz", url)).expect("builds"));
    let headers = header_section(&text);
    assert!(headers.is_ascii(), "8-bit header: {headers}");
    for line in [
        "From: \"Auyl Business\" <no-reply@auyl.test>",
        "To: a@b.kz",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Language: kk",
        "List-Unsubscribe: <https://auyl.test/unsubscribe/tok123>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ] {
        assert!(
            headers.lines().any(|l| l == line),
            "no {line:?} in\n{headers}"
        );
    }
    assert!(headers.contains("Subject: =?utf-8?b?"), "{headers}");
    assert!(headers.lines().any(|l| l.starts_with("Message-ID: <")));

    let text = formatted(message(&from, russian_notice("a@b.kz")).expect("builds"));
    let headers = header_section(&text);
    assert!(headers.lines().any(|l| l == "Content-Language: ru"));
    assert!(!headers.contains("List-Unsubscribe"), "{headers}");
}

#[test]
fn the_custom_headers_read_back_what_they_write() {
    let lang = ContentLanguage(vec![Lang::Kk, Lang::Ru]);
    assert_eq!(ContentLanguage::parse("kk, ru").ok(), Some(lang));
    assert!(ContentLanguage::parse("kk, de").is_err());
    assert_eq!(
        ListUnsubscribe::parse("<https://a.kz/unsubscribe/x>").ok(),
        Some(ListUnsubscribe("https://a.kz/unsubscribe/x".into()))
    );
    assert!(ListUnsubscribe::parse("https://a.kz/unsubscribe/x").is_err());
    assert!(ListUnsubscribePost::parse("List-Unsubscribe=One-Click").is_ok());
    assert!(ListUnsubscribePost::parse("List-Unsubscribe=Later").is_err());
}

#[tokio::test]
async fn a_phone_number_goes_to_the_log_not_to_the_server() {
    // Nothing listens on port 9 (discard): reaching for the server would fail.
    let mailer = SmtpMailer::new("smtp://127.0.0.1:9", FROM).expect("mailer");
    let mail = Mail::in_language("+77010000001", None, |_| "s".into(), |_| "b".into());
    assert!(mailer.send(mail).await.is_ok());
}

/// Decodes an unfolded header value made of RFC 2047 encoded words (`B` or `Q`, UTF-8) and
/// plain words; each encoded word must hold whole characters, as RFC 2047 requires.
fn decode_rfc2047(value: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for (i, word) in value.split_whitespace().enumerate() {
        let encoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut parts = w.splitn(3, '?');
                Some((parts.next()?, parts.next()?, parts.next()?))
            });
        match encoded {
            Some((charset, encoding, text)) => {
                assert!(charset.eq_ignore_ascii_case("utf-8"), "charset {charset}");
                let bytes = if encoding.eq_ignore_ascii_case("b") {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .expect("base64")
                } else {
                    decode_q(text)
                };
                // Whitespace between two encoded words is not part of the text.
                if i > 0 && !last_encoded {
                    out.push(' ');
                }
                out.push_str(&String::from_utf8(bytes).expect("whole characters per word"));
                last_encoded = true;
            }
            None => {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(word);
                last_encoded = false;
            }
        }
    }
    out
}

/// RFC 2047 `Q` encoding: `_` is a space, `=XX` a byte.
fn decode_q(text: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'_' => bytes.push(b' '),
            b'=' if tail.len() >= 2 => {
                let hex = std::str::from_utf8(&tail[..2]).expect("hex");
                bytes.push(u8::from_str_radix(hex, 16).expect("hex"));
                rest = &tail[2..];
                continue;
            }
            b => bytes.push(b),
        }
        rest = tail;
    }
    bytes
}

#[test]
fn the_test_decoder_reads_encoded_words() {
    assert_eq!(
        decode_rfc2047("=?utf-8?b?0JDSmw==?= =?UTF-8?Q?_=C3=A9?= / plain"),
        "Ақ é / plain"
    );
}

/// The raw header `name` of a raw message, unfolded.
fn raw_header(raw: &str, name: &str) -> Option<String> {
    let unfolded = header_section(raw)
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

/// What the test SMTP server (`scripts/smtp.sh`) stored for the message to `to`: its record
/// (the envelope, and the headers and body as Python's `email` package decodes them) and its
/// raw bytes.
async fn received(dir: &Path, to: &str) -> (Value, String) {
    for _ in 0..50 {
        let entries = std::fs::read_dir(dir).expect("SMTP_TEST_DIR is readable");
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let record: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("record")).expect("JSON");
            let to_us = record["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r == to));
            if to_us {
                let raw = std::fs::read(path.with_extension("eml")).expect("raw message");
                let raw = String::from_utf8(raw).expect("the message as sent is ASCII");
                return (record, raw);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the SMTP server stored no message to {to} in {}",
        dir.display()
    )
}

/// The decoded values of header `name` in a stored record.
fn decoded(record: &Value, name: &str) -> Vec<String> {
    record["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .filter(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|h| h[1].as_str().expect("a value").to_owned())
        .collect()
}

/// One decoded value of header `name`.
fn one(record: &Value, name: &str) -> String {
    let mut values = decoded(record, name);
    assert_eq!(values.len(), 1, "{name}: {values:?}");
    values.remove(0)
}

/// Sends through [`SmtpMailer`] to the real SMTP server `make test` starts (aiosmtpd,
/// `scripts/smtp.sh`), reads what it stored, and checks every header a mail client relies on.
#[tokio::test]
async fn real_smtp_server_receives_encoded_subject_language_and_one_click_headers() {
    let (Ok(url), Ok(dir)) = (
        std::env::var("SMTP_TEST_URL"),
        std::env::var("SMTP_TEST_DIR"),
    ) else {
        eprintln!(
            "skipped: no real SMTP server (SMTP_TEST_URL and SMTP_TEST_DIR unset; `make test` \
             sets them for its SQLite step from scripts/smtp.sh start)"
        );
        return;
    };
    let dir = Path::new(&dir);
    let run = uuid::Uuid::new_v4().simple().to_string();
    let to_kk = format!("kk-{run}@example.kz");
    let to_ru = format!("ru-{run}@example.kz");
    let unsubscribe = format!("https://auyl.test/unsubscribe/{run}");
    let mailer = SmtpMailer::new(&url, FROM).expect("mailer");
    let kk = kazakh_alert(&to_kk, &unsubscribe);
    let ru = russian_notice(&to_ru);
    mailer
        .send(kk.clone())
        .await
        .expect("the Kazakh alert is sent");
    mailer
        .send(ru.clone())
        .await
        .expect("the Russian notice is sent");

    let (record, raw) = received(dir, &to_kk).await;
    assert_eq!(record["defects"], serde_json::json!([]), "{record}");
    assert_eq!(record["mail_from"], "no-reply@auyl.test");
    let headers = header_section(&raw);
    assert!(headers.is_ascii(), "8-bit header on the wire:\n{headers}");
    let raw_subject = raw_header(&raw, "Subject").expect("a Subject");
    assert!(
        raw_subject.to_ascii_lowercase().starts_with("=?utf-8?"),
        "not encoded words: {raw_subject}"
    );
    assert!(kk.subject.contains("ә") && kk.subject.contains("ң") && kk.subject.contains("ғ"));
    assert_eq!(decode_rfc2047(&raw_subject), kk.subject, "decoded here");
    assert_eq!(one(&record, "Subject"), kk.subject, "decoded by Python");
    assert_eq!(one(&record, "From"), "Auyl Business <no-reply@auyl.test>");
    assert_eq!(one(&record, "To"), to_kk);
    assert_eq!(one(&record, "MIME-Version"), "1.0");
    assert_eq!(one(&record, "Content-Language"), "kk");
    assert_eq!(one(&record, "List-Unsubscribe"), format!("<{unsubscribe}>"));
    assert_eq!(
        one(&record, "List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(record["content_type"], "text/plain");
    assert_eq!(record["charset"], "utf-8");
    let body = record["body"].as_str().expect("body").replace("\r\n", "\n");
    assert_eq!(body.trim_end_matches('\n'), kk.body);
    assert!(body.contains("сәйкес") && body.contains(&unsubscribe));

    let (record, raw) = received(dir, &to_ru).await;
    assert_eq!(record["defects"], serde_json::json!([]), "{record}");
    assert!(header_section(&raw).is_ascii());
    let raw_subject = raw_header(&raw, "Subject").expect("a Subject");
    assert_eq!(decode_rfc2047(&raw_subject), ru.subject, "decoded here");
    assert_eq!(one(&record, "Subject"), ru.subject, "decoded by Python");
    assert_eq!(one(&record, "To"), to_ru);
    assert_eq!(one(&record, "MIME-Version"), "1.0");
    assert_eq!(one(&record, "Content-Language"), "ru");
    assert!(decoded(&record, "List-Unsubscribe").is_empty());
    assert!(decoded(&record, "List-Unsubscribe-Post").is_empty());
    let body = record["body"].as_str().expect("body").replace("\r\n", "\n");
    assert_eq!(body.trim_end_matches('\n'), ru.body);
}
