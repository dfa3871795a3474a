use sea_orm::ConnectionTrait;

use crate::helpers::{leaks_internals, spawn_app};

#[tokio::test]
async fn a_broken_database_gives_plain_errors_without_internals() {
    let app = spawn_app().await;
    // The tables that refer to programmes go first (PostgreSQL refuses to drop a table
    // others depend on).
    for table in [
        "complaints",
        "appeals",
        "records",
        "canned_replies",
        "thread_files",
        "thread_messages",
        "thread_reads",
        "program_locations",
        "saved_search_hits",
        "notifications",
        "recommendations",
        "recommendation_requests",
        "application_documents",
        "application_events",
        "assisted_filings",
        "review_assignments",
        "review_scores",
        "review_notes",
        "repayments",
        "reminders",
        "followup_reports",
        "followup_confirmations",
        "instalments",
        "loan_tallies",
        "loans",
        "applications",
        "budget_envelopes",
        "program_followups",
        "program_versions",
    ] {
        app.state
            .db
            .execute_unprepared(&format!("DROP TABLE {table}"))
            .await
            .expect("sabotage");
    }
    app.state
        .db
        .execute_unprepared("DROP TABLE programs")
        .await
        .expect("sabotage");

    let (api_status, api) = app
        .get_json("/api/v1/programs/auyl-amanaty-microcredit")
        .await;
    let (page_status, page) = app.get_html("/programs/auyl-amanaty-microcredit").await;
    let (_, health) = app.get_json("/healthz").await;
    let ranking = app
        .browser()
        .client
        .post(format!("{}/api/v1/eligibility", app.address))
        .header("content-type", "application/json")
        .body(r#"{"age": 30}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(ranking.status(), 500);
    let ranking = ranking.text().await.expect("body");
    assert!(ranking.contains("\"internal\""), "{ranking}");
    assert_eq!(leaks_internals(&ranking), None, "{ranking}");

    // The lender's portfolio reads the loans: plain errors too, page and CSV.
    let lender = app.signed_in("operator@agrocredit.demo").await;
    let (csv_status, csv) = lender.get("/operator/portfolio.csv").await;
    assert_eq!(csv_status, 500);
    assert_eq!(leaks_internals(&csv), None, "{csv}");
    let (portfolio_status, portfolio) = lender.get("/operator/portfolio").await;
    assert_eq!(portfolio_status, 500);
    assert_eq!(leaks_internals(&portfolio), None);

    assert_eq!(api_status, 500);
    assert_eq!(api["error"]["code"], "internal");
    assert_eq!(leaks_internals(&api.to_string()), None, "{api}");
    assert_eq!(page_status, 500);
    assert!(page.contains("У нас что-то пошло не так"));
    assert_eq!(leaks_internals(&page), None);
    assert_eq!(
        health["database"]["status"], "ok",
        "the database itself still answers"
    );
}
