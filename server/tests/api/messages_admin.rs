//! `/admin/messages` and `/admin/messages.csv`: the platform admin's view of the message
//! outbox — counts, the failures with the provider's reason, retry and cancel through plain
//! forms — with every recipient masked and no message's text anywhere, and nobody else let in.

use app::domain::i18n::{Lang, Msg, t};
use app::ssr::db;
use app::ssr::db::entities::messages as rows;
use app::ssr::db::messages::{NewMessage, Urgency};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{TestApp, spawn_app};

const ADMIN: &str = "admin@auyl.demo";
/// The phone of the failed message the tests write, and how the admin sees it.
const PHONE: &str = "+77012223344";
const MASKED: &str = "+7701•••3344";
/// Words of its text, which must never reach the admin.
const TEXT: &str = "Заявка 4242 одобрена, секретное слово ЖЕЛТЫЙ-КОТ";
const REASON: &str = "provider: number 77012223344 is blocked by the operator";

/// Writes an SMS into the outbox that nothing picks up by itself: waiting until tomorrow, or
/// (when `failed`) given up on after its tries, with the provider's reason.
pub(crate) async fn stuck_message(app: &TestApp, to: &str, text: &str, failed: bool) -> i64 {
    let db = &app.state.db;
    let id = db::messages::enqueue(
        db,
        NewMessage {
            user_id: None,
            application_id: None,
            fallback_user_id: None,
            channel: "sms",
            recipient: to.into(),
            template: "transition",
            params: "{}".into(),
            lang: Some("ru"),
            urgency: Urgency::Normal,
            subject: String::new(),
            body: text.into(),
            secret: false,
            unsubscribe_url: None,
            segments: 1,
            not_before: Utc::now() + Duration::days(1),
        },
    )
    .await
    .expect("writes a message");
    if failed {
        rows::Entity::update_many()
            .col_expr(rows::Column::State, Expr::value("failed"))
            .col_expr(rows::Column::Attempts, Expr::value(20))
            .col_expr(rows::Column::LastError, Expr::value(REASON))
            .col_expr(
                rows::Column::FinishedAt,
                Expr::value(Utc::now().fixed_offset()),
            )
            .col_expr(
                rows::Column::NextAttemptAt,
                Expr::value(None::<chrono::DateTime<chrono::FixedOffset>>),
            )
            .filter(rows::Column::Id.eq(id))
            .exec(db)
            .await
            .expect("fails it");
    }
    id
}

async fn row(app: &TestApp, id: i64) -> rows::Model {
    rows::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .expect("reads")
        .expect("the row")
}

/// A reset code by SMS to the first demo entrepreneur, delivered.
async fn reset_code_sent(app: &TestApp) {
    let (status, _) = app
        .call("request_reset", &[("login", "+77010000001")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        app.delivered()
            .await
            .sent()
            .iter()
            .any(|m| m.to == "+77010000001"),
        "the code went to the phone"
    );
}

/// Asserts that `body` holds no recipient in full and no message's text.
fn assert_nothing_private(body: &str, what: &str) {
    for private in [
        PHONE,
        "77012223344",
        "+77010000001",
        "ЖЕЛТЫЙ-КОТ",
        "одобрена",
    ] {
        assert!(!body.contains(private), "{what} shows {private:?}:\n{body}");
    }
}

#[tokio::test]
async fn the_admin_sees_the_counts_and_a_failure_with_its_reason_masked_and_without_its_text() {
    // Arrange
    let app = spawn_app().await;
    reset_code_sent(&app).await;
    let failed = stuck_message(&app, PHONE, TEXT, true).await;
    let admin = app.signed_in(ADMIN).await;

    // Act
    let (status, page) = admin.get_html("/admin/messages").await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(t(Lang::Ru, Msg::OutboxTitle)), "{page}");
    assert!(
        page.contains(r#"data-testid="count-sms-failed">1<"#),
        "{page}"
    );
    assert!(
        page.contains(r#"data-testid="count-sms-sent">1<"#),
        "the reset code is with the provider:\n{page}"
    );
    assert!(page.contains(r#"data-testid="outbox-failed-month">1<"#));
    assert_eq!(page.matches(r#"data-testid="outbox-failure""#).count(), 1);
    assert!(page.contains(MASKED), "{page}");
    assert!(
        page.contains("provider: number +7701•••3344 is blocked by the operator"),
        "the provider's reason, with the number in it masked:\n{page}"
    );
    assert!(page.contains(r#"action="/api/retry_message""#));
    assert!(page.contains(&format!(r#"name="id" value="{failed}""#)));
    assert!(page.contains(r#"href="/admin/messages.csv""#));
    assert_nothing_private(&page, "the page");

    // The same in Kazakh and English.
    for (lang, title) in [("kk", Lang::Kk), ("en", Lang::En)] {
        let (status, page) = admin
            .get_html(&format!("/admin/messages?lang={lang}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(t(title, Msg::OutboxFailures)), "{lang}");
        assert!(page.contains(t(title, Msg::OutboxRetry)), "{lang}");
    }
}

#[tokio::test]
async fn retry_puts_a_failed_message_back_in_the_queue_and_the_worker_sends_it() {
    // Arrange
    let app = spawn_app().await;
    let failed = stuck_message(&app, PHONE, TEXT, true).await;
    let admin = app.signed_in(ADMIN).await;

    // Act: the page's form, posted without JavaScript.
    let (status, location) = admin
        .post_form(
            "/admin/messages",
            "retry_message",
            &[("id", &failed.to_string())],
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location.as_deref(), Some("/admin/messages?done=retried"));
    let again = row(&app, failed).await;
    assert_ne!(again.state, "failed", "back in the queue");
    assert!(again.finished_at.is_none());
    let sent = app.delivered().await.sent();
    assert!(
        sent.iter().any(|m| m.to == PHONE && m.body == TEXT),
        "the worker sent it: {sent:?}"
    );
    let after = row(&app, failed).await;
    assert_eq!(after.state, "sent");
    assert_eq!(after.attempts, 1, "tries counted afresh");
    let (_, page) = admin.get_html("/admin/messages?done=retried").await;
    assert!(page.contains(t(Lang::Ru, Msg::OutboxRetried)));

    // A message that has gone is not sent twice: refused beside the page, with a reason.
    let (status, location) = admin
        .post_form(
            "/admin/messages",
            "retry_message",
            &[("id", &failed.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let back = location.expect("back to the page");
    assert!(
        back.starts_with("/admin/messages?") && back.contains("__err"),
        "{back}"
    );
    let (status, page) = admin.get_html(&back).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(t(Lang::Ru, Msg::OutboxNotNow)), "{page}");
    assert_eq!(row(&app, failed).await.state, "sent");
}

#[tokio::test]
async fn cancel_stops_a_waiting_message_and_it_is_never_sent() {
    // Arrange
    let app = spawn_app().await;
    let waiting = stuck_message(&app, "+77013334455", TEXT, false).await;
    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.get_html("/admin/messages").await;
    assert_eq!(page.matches(r#"data-testid="outbox-waiting""#).count(), 1);
    assert!(page.contains(r#"action="/api/cancel_message""#));
    assert!(page.contains("+7701•••4455"));
    assert!(!page.contains("+77013334455"));

    // Act
    let (status, location) = admin
        .post_form(
            "/admin/messages",
            "cancel_message",
            &[("id", &waiting.to_string())],
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location.as_deref(), Some("/admin/messages?done=cancelled"));
    let stopped = row(&app, waiting).await;
    assert_eq!(stopped.state, "cancelled");
    assert!(stopped.finished_at.is_some());
    // Even when it is due now, no worker takes it.
    rows::Entity::update_many()
        .col_expr(
            rows::Column::NextAttemptAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(rows::Column::Id.eq(waiting))
        .exec(&app.state.db)
        .await
        .expect("due now");
    app::ssr::services::messages::wake();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        app.delivered()
            .await
            .sent()
            .iter()
            .all(|m| m.to != "+77013334455")
    );
    assert_eq!(row(&app, waiting).await.state, "cancelled");
    let (_, page) = admin.get_html("/admin/messages?done=cancelled").await;
    assert!(page.contains(t(Lang::Ru, Msg::OutboxCancelled)));
    assert!(page.contains(r#"data-testid="count-sms-cancelled">1<"#));

    // A cancelled message cannot be cancelled again.
    let (status, body) = admin
        .call("cancel_message", &[("id", &waiting.to_string())])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["Invalid"]["field"], "id", "{body}");
    assert_eq!(body["Invalid"]["code"], "not_accepted", "{body}");
}

#[tokio::test]
async fn the_csv_has_its_header_and_masked_lines_and_never_a_text() {
    // Arrange
    let app = spawn_app().await;
    reset_code_sent(&app).await;
    let failed = stuck_message(&app, PHONE, TEXT, true).await;
    let admin = app.signed_in(ADMIN).await;

    // Act
    let response = admin.get_with("/admin/messages.csv?lang=en", &[]).await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert!(header("content-disposition").starts_with("attachment"));
    let csv = response.text().await.expect("body");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "\u{feff}id,created_at,channel,recipient,template,lang,urgency,state,attempts,segments,cost_kzt,provider,provider_id,last_error,sent_at,finished_at"
        )
    );
    assert_eq!(
        lines.len(),
        3,
        "the header, the failure, the reset code:\n{csv}"
    );
    let failure = lines
        .iter()
        .find(|l| l.starts_with(&format!("{failed},")))
        .expect("the failed message's line");
    assert!(
        failure.contains(",sms,'+7701•••3344,transition,ru,normal,failed,20,1,"),
        "{failure}"
    );
    assert!(failure.contains("provider: number +7701•••3344 is blocked by the operator"));
    assert!(csv.contains(",sms,'+7701•••0001,reset_code,"), "{csv}");
    assert_nothing_private(&csv, "the CSV");

    // In Russian: `;` between fields, for a spreadsheet in that locale.
    let (status, ru) = admin.get("/admin/messages.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ru.starts_with("\u{feff}id;created_at;channel;recipient;"));
    assert_nothing_private(&ru, "the Russian CSV");
}

#[tokio::test]
async fn an_operator_and_an_entrepreneur_are_refused_and_a_visitor_is_sent_to_sign_in() {
    // Arrange
    let app = spawn_app().await;
    let failed = stuck_message(&app, PHONE, TEXT, true).await;
    let id = failed.to_string();

    for login in ["operator@agrocredit.demo", "+77010000001"] {
        let someone = app.signed_in(login).await;

        // Act
        let (page_status, page) = someone.get_html("/admin/messages").await;
        let (csv_status, csv) = someone.get("/admin/messages.csv").await;
        let (retry_status, _) = someone.call("retry_message", &[("id", &id)]).await;

        // Assert
        assert_eq!(page_status, StatusCode::FORBIDDEN, "{login}");
        assert!(page.contains(t(Lang::Ru, Msg::ErrorForbidden)), "{login}");
        assert!(!page.contains(MASKED), "{login} sees no message");
        assert_eq!(csv_status, StatusCode::FORBIDDEN, "{login}");
        assert!(!csv.contains(MASKED), "{login}");
        assert_eq!(retry_status, StatusCode::FORBIDDEN, "{login}");
    }
    assert_eq!(row(&app, failed).await.state, "failed", "nobody retried it");

    // Signed out: to sign in, and back here afterwards.
    let visitor = app.browser();
    let response = visitor
        .get_with("/admin/messages", &[("accept", "text/html")])
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/sign-in?next=%2Fadmin%2Fmessages")
    );
    let (status, _) = visitor.get("/admin/messages.csv").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = visitor.call("cancel_message", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
