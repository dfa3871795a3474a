//! The conversation on an application, over HTTP and without JavaScript: a question and its
//! answer with a file, unread counts and "read" marks, one notice per unread stretch through the
//! outbox; who reads and who writes (the applicant, the operator, the akimat once asked, an
//! admin reading only, nobody else); bad messages and files refused by name, nothing kept.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use super::{
    APPLICANT, OPERATOR, OTHER, PDF, in_the_akim_s_okrug, location, page, submitted, version_of,
};
use crate::helpers::{Browser, TestApp, spawn_app};

const AKIM: &str = "+77010000003";
const ADMIN: &str = "admin@auyl.demo";
/// Staff of another lender.
const OTHER_LENDER: &str = "operator@damu.demo";

/// Posts the thread's form of application `id` as `b`, with `files` (name, bytes): the answer.
async fn write(b: &Browser, id: i64, text: &str, files: &[(&str, &[u8])]) -> reqwest::Response {
    let mut form = Form::new()
        .text("version", version_of_or_zero(b, id).await.to_string())
        .text("action", "write_message")
        .text("message", text.to_owned());
    for (name, bytes) in files {
        form = form.part(
            "attachment",
            Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    b.client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("sent")
}

/// The application's version as `b` reads it (0 for someone who cannot read it).
async fn version_of_or_zero(b: &Browser, id: i64) -> i64 {
    let (_, v) = b.get_json(&format!("/api/v1/applications/{id}")).await;
    v["summary"]["version"].as_i64().unwrap_or(0)
}

/// Posts a plain action of the page (`assign_me`, `ask_recommendation`).
async fn act(b: &Browser, id: i64, action: &str) -> String {
    let form = Form::new()
        .text("version", version_of(b, id).await.to_string())
        .text("action", action.to_owned());
    let r = b
        .client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .multipart(form)
        .send()
        .await
        .expect("sent");
    location(&r)
}

/// The notices of new messages in the outbox: (recipient, text).
async fn notices(app: &TestApp) -> Vec<(String, String)> {
    use app::ssr::db::entities::messages;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    messages::Entity::find()
        .filter(messages::Column::Template.eq("thread"))
        .all(&app.state.db)
        .await
        .expect("messages")
        .into_iter()
        .map(|m| (m.recipient, m.body))
        .collect()
}

#[tokio::test]
async fn a_question_and_its_answer_with_a_file_are_read_and_told_once_per_unread_stretch() {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let op = app.signed_in(OPERATOR).await;
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert!(html.contains("data-testid=\"thread-empty\""), "{html}");
    // The operator takes the application: its reviewer hears of the applicant's messages.
    assert!(act(&op, id, "assign_me").await.contains("done=assigned"));

    let r = write(&applicant, id, "Когда будет решение?", &[]).await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    let (_, html) = page(&applicant, &location(&r)).await;
    assert!(html.contains("Сообщение отправлено"), "{html}");
    assert!(html.contains("Когда будет решение?"));
    let r = write(&applicant, id, "И нужен ли залог?", &[]).await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    // Two messages, one notice: the reviewer had not read the first.
    let told = notices(&app).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, OPERATOR);

    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert!(html.contains("Новых сообщений: 2"), "{html}");
    assert_eq!(html.matches("data-new=\"true\"").count(), 2);
    // Seen once, they are read: not new on the next visit, and marked read for the applicant.
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert!(!html.contains("thread-unread"));
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert_eq!(html.matches("data-testid=\"thread-read\"").count(), 2);

    // The answer carries a file; the applicant is told once, and sees both as new.
    let r = write(
        &op,
        id,
        "Решение до 10 декабря. Образец договора залога — в файле.",
        &[("dogovor.pdf", PDF)],
    )
    .await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    let r = write(&op, id, "Залог нужен для суммы свыше 5 млн ₸.", &[]).await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    let told = notices(&app).await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[1].0, APPLICANT);
    assert!(told[1].1.contains(&id.to_string()), "{}", told[1].1);
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(html.contains("Новых сообщений: 2"), "{html}");
    assert!(html.contains("Оператор программы"));
    let at = html.find("dogovor.pdf").expect("the file is listed");
    let href = html[..at].rfind("href=\"").expect("a link") + 6;
    let link: String = html[href..].chars().take_while(|c| *c != '"').collect();
    let file = applicant.get_with(&link, &[]).await;
    assert_eq!(file.status(), StatusCode::OK, "{link}");
    assert!(file.bytes().await.expect("bytes").starts_with(b"%PDF"));
    // The timeline of the application shows every message in order (JSON for a program).
    let (_, v) = applicant
        .get_json(&format!("/api/v1/applications/{id}"))
        .await;
    let sides: Vec<&str> = v["thread"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["side"].as_str())
        .collect();
    assert_eq!(sides, ["applicant", "applicant", "operator", "operator"]);
    // Each message is also a line of the application's timeline, newest first among the steps.
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    let timeline = &html[html.find("data-testid=\"timeline\"").expect("a timeline")..];
    let lines: Vec<i64> = timeline
        .split("data-message=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    assert_eq!(lines.len(), 4, "{timeline}");
    assert!(lines.windows(2).all(|w| w[0] > w[1]), "{lines:?}");
    let message = timeline.find("Сообщение в переписке").expect("said");
    let sent = timeline.find("Заявка отправлена").expect("the submission");
    assert!(message < sent, "the messages came after the submission");
}

#[tokio::test]
async fn who_reads_and_who_writes_the_thread() {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    // The business is in okrug 101033000, the demo akim's.
    in_the_akim_s_okrug(&applicant).await;
    let id = submitted(&applicant).await;
    let path = format!("/applications/{id}");
    assert!(write(&applicant, id, "Вопрос", &[]).await.status() == StatusCode::SEE_OTHER);

    // Nobody else's: another entrepreneur and another lender's staff see no such application.
    for login in [OTHER, OTHER_LENDER] {
        let b = app.signed_in(login).await;
        let (status, _) = page(&b, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{login}");
        let r = write(&b, id, "Чужое", &[]).await;
        assert!(!location(&r).contains("done=written"), "{login}");
    }
    // The okrug's akim reads the application, but takes part only once asked.
    let akim = app.signed_in(AKIM).await;
    let (_, html) = page(&akim, &path).await;
    assert!(!html.contains("data-testid=\"thread\""), "{html}");
    let r = write(&akim, id, "Акимат на связи", &[]).await;
    assert!(!location(&r).contains("done=written"));
    assert!(
        act(&applicant, id, "ask_recommendation")
            .await
            .contains("done=asked")
    );
    let (_, html) = page(&akim, &path).await;
    assert!(html.contains("data-testid=\"thread-form\""), "{html}");
    let r = write(&akim, id, "Акимат на связи", &[]).await;
    assert_eq!(location(&r), format!("{path}?done=written"));
    // The platform's admin reads, to support, and cannot write.
    let admin = app.signed_in(ADMIN).await;
    let (_, html) = page(&admin, &path).await;
    assert!(
        html.contains("Акимат на связи") && !html.contains("thread-form"),
        "{html}"
    );
    let r = write(&admin, id, "Поддержка", &[]).await;
    assert!(!location(&r).contains("done=written"));
    // The operator sees the three sides in order; nothing refused was kept.
    let op = app.signed_in(OPERATOR).await;
    let (_, v) = op.get_json(&format!("/api/v1/applications/{id}")).await;
    let said: Vec<(&str, &str)> = v["thread"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["side"].as_str().unwrap_or_default(),
                m["body"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [("applicant", "Вопрос"), ("akimat", "Акимат на связи")]
    );
    // A draft has no conversation yet.
    let (draft, _) = {
        let (s, v) = super::post(
            &app.signed_in(OTHER).await,
            "/api/v1/applications",
            serde_json::json!({ "program": super::PROGRAM }),
        )
        .await;
        (v["summary"]["id"].as_i64().unwrap_or(0), s)
    };
    let other = app.signed_in(OTHER).await;
    let (_, html) = page(&other, &format!("/applications/{draft}")).await;
    assert!(!html.contains("data-testid=\"thread\""));
}

#[tokio::test]
async fn a_bad_message_or_file_is_refused_by_its_field_and_nothing_is_kept() {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    let id = submitted(&applicant).await;
    let r = write(&applicant, id, "   ", &[]).await;
    let (status, html) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"message-error\""), "{html}");
    // A text file named as a PDF is refused by its content.
    let r = write(
        &applicant,
        id,
        "Справка во вложении",
        &[("spravka.pdf", b"not a pdf at all")],
    )
    .await;
    let (status, html) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"attachment-error\""), "{html}");
    let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("a.pdf", PDF)).collect();
    let r = write(&applicant, id, "Шесть файлов", &six).await;
    let (status, html) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"attachment-error\""), "{html}");
    let long = "ә".repeat(4001);
    let r = write(&applicant, id, &long, &[]).await;
    let (status, _) = page(&applicant, &location(&r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, html) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(
        html.contains("data-testid=\"thread-empty\""),
        "nothing was kept"
    );
    assert!(!html.contains("spravka.pdf"));
}

/// Posts a plain form of application `id`'s page as `b` (no files): the response.
async fn plain(b: &Browser, id: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    let version = version_of(b, id).await.to_string();
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    b.client
        .post(format!("{}/applications/{id}", b.address))
        .header("origin", &b.address)
        .form(&all)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn ready_answers_go_in_one_click_the_akimat_asked_is_told_and_new_messages_come_without_a_reload()
 {
    let app = spawn_app().await;
    let applicant = app.signed_in(APPLICANT).await;
    in_the_akim_s_okrug(&applicant).await;
    let id = submitted(&applicant).await;
    assert!(
        act(&applicant, id, "ask_recommendation")
            .await
            .contains("done=asked")
    );
    let op = app.signed_in(OPERATOR).await;
    let answer = "Справку о доходах можно взять в ЦОН или на egov.kz.";
    let r = plain(
        &op,
        id,
        &[
            ("action", "write_message"),
            ("message", answer),
            ("save_reply", "1"),
        ],
    )
    .await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    // The applicant and the akimat asked for a recommendation hear of it.
    let told: Vec<String> = notices(&app).await.into_iter().map(|(to, _)| to).collect();
    assert!(told.contains(&APPLICANT.to_owned()), "{told:?}");
    assert!(told.contains(&AKIM.to_owned()), "{told:?}");

    // The programme's ready answer is offered to its staff, and sent in one click.
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert_eq!(
        html.matches("data-testid=\"canned-reply\"").count(),
        1,
        "{html}"
    );
    let (_, mine) = page(&applicant, &format!("/applications/{id}")).await;
    assert!(
        !mine.contains("canned-replies"),
        "the applicant has no ready answers"
    );
    let r = plain(&op, id, &[("action", "write_message"), ("message", answer)]).await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    // Saved again, the same text is one ready answer.
    let r = plain(
        &op,
        id,
        &[
            ("action", "write_message"),
            ("message", answer),
            ("save_reply", "1"),
        ],
    )
    .await;
    assert_eq!(location(&r), format!("/applications/{id}?done=written"));
    let (_, html) = page(&op, &format!("/applications/{id}")).await;
    assert_eq!(html.matches("data-testid=\"canned-reply\"").count(), 1);
    let reply = html
        .split("name=\"reply_id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the reply's id")
        .to_owned();

    // What the open page adds without a reload: the messages after the last it shows.
    let (status, all) = applicant
        .call("thread_since", &[("id", &id.to_string()), ("after", "0")])
        .await;
    assert_eq!(status, StatusCode::OK, "{all}");
    // The messages as the page shows them (rendered, escaped), and the last one's id.
    let html = all[1].as_str().expect("HTML");
    assert_eq!(
        html.matches("data-testid=\"thread-message\"").count(),
        3,
        "{html}"
    );
    assert!(html.contains("egov.kz") && html.contains("data-side=\"operator\""));
    let last = all[0].as_i64().expect("an id").to_string();
    let (_, none) = applicant
        .call("thread_since", &[("id", &id.to_string()), ("after", &last)])
        .await;
    assert_eq!(none[1], "", "nothing new");
    assert_eq!(none[0].as_i64().map(|n| n.to_string()), Some(last));
    let stranger = app.signed_in(OTHER).await;
    let (status, _) = stranger
        .call("thread_since", &[("id", &id.to_string()), ("after", "0")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Only the operator's staff remove a ready answer.
    let r = plain(
        &applicant,
        id,
        &[("action", "delete_reply"), ("reply_id", &reply)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = plain(&op, id, &[("action", "delete_reply"), ("reply_id", &reply)]).await;
    assert_eq!(
        location(&r),
        format!("/applications/{id}?done=reply_deleted")
    );
    let (_, html) = page(&op, &location(&r)).await;
    assert!(!html.contains("canned-replies") && html.contains("Готовый ответ убран"));
}
