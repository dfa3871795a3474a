//! Every migration can be applied, rolled back and applied again, on SQLite and (when
//! `TEST_DATABASE_URL` names a PostgreSQL server) on PostgreSQL.

use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::SchemaManager;
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

const TABLES: [&str; 37] = [
    "locations",
    "organisations",
    "programs",
    "program_locations",
    "mci_rates",
    "search_outbox",
    "search_state",
    "users",
    "sessions",
    "password_resets",
    "invitations",
    "rate_limits",
    "audit_log",
    "known_devices",
    "messages",
    "phone_codes",
    "sms_spend",
    "loans",
    "loan_tallies",
    "instalments",
    "repayments",
    "reminders",
    "program_followups",
    "followup_reports",
    "followup_confirmations",
    "api_keys",
    "api_idempotency",
    "thread_messages",
    "thread_files",
    "thread_reads",
    "appeals",
    "canned_replies",
    "records",
    "webhook_endpoints",
    "webhook_deliveries",
    "complaints",
    "queue_counts",
];

async fn tables_present(db: &DatabaseConnection) -> Vec<&'static str> {
    let manager = SchemaManager::new(db);
    let mut present = Vec::new();
    for table in TABLES {
        if manager.has_table(table).await.expect("inspects the schema") {
            present.push(table);
        }
    }
    present
}

/// `sms_spend` is filled from the SMS already sent, per month in Asia/Almaty (UTC+5): 20:00
/// UTC on 30 November is already December there.
async fn sms_spend_is_filled_from_the_sent_messages(db: &DatabaseConnection) {
    // sms_spend (000020), then the loans, the threads, the appeals, the canned replies, the
    // documents of record, the webhooks, the complaints, the report signature's index and the
    // queue's counts.
    Migrator::down(db, Some(10))
        .await
        .expect("down to before sms_spend");
    let backend = db.get_database_backend();
    let secret = match backend {
        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "false",
        _ => "0",
    };
    for (sent_at, segments, cost) in [
        ("2026-11-15T10:00:00+00:00", 1, "NULL"),
        ("2026-11-30T20:00:00+00:00", 2, "1500"),
        ("2026-12-07T05:00:00+00:00", 1, "750"),
    ] {
        db.execute_raw(Statement::from_string(
            backend,
            format!(
                "INSERT INTO messages (channel, recipient, template, params, urgency, subject, \
                 body, secret, state, attempts, segments, cost_tiyn, created_at, sent_at, \
                 updated_at) VALUES ('sms', '+77010000001', 'code', '{{}}', 'urgent', '', \
                 'x', {secret}, 'delivered', 1, {segments}, {cost}, '{sent_at}', '{sent_at}', \
                 '{sent_at}')"
            ),
        ))
        .await
        .expect("a sent SMS");
    }
    Migrator::up(db, None).await.expect("up");
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT month, segments, cost_tiyn FROM sms_spend ORDER BY month",
        ))
        .await
        .expect("reads");
    let months: Vec<(String, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "month").expect("month"),
                r.try_get("", "segments").expect("segments"),
                r.try_get("", "cost_tiyn").expect("cost"),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-11".to_owned(), 1, 0),
            ("2026-12".to_owned(), 3, 2250)
        ]
    );
    db.execute_raw(Statement::from_string(backend, "DELETE FROM messages"))
        .await
        .expect("cleans up");
}

async fn up_down_up(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("up");
    sms_spend_is_filled_from_the_sent_messages(db).await;
    assert_eq!(
        tables_present(db).await,
        TABLES,
        "every table exists after up"
    );

    Migrator::down(db, None).await.expect("down");
    assert!(
        tables_present(db).await.is_empty(),
        "down removes every table"
    );

    Migrator::up(db, None).await.expect("up again");
    assert_eq!(tables_present(db).await, TABLES);
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_sqlite() {
    let db = Database::connect("sqlite::memory:")
        .await
        .expect("connects");
    up_down_up(&db).await;
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_postgres() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL case runs in `make test`");
        return;
    };
    let admin = Database::connect(&admin_url)
        .await
        .expect("connects to the admin database");
    let name = format!("test_migrations_{}", uuid::Uuid::new_v4().simple());
    let backend = admin.get_database_backend();
    admin
        .execute_raw(Statement::from_string(
            backend,
            format!("CREATE DATABASE \"{name}\""),
        ))
        .await
        .expect("creates");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let db = Database::connect(format!("{base}/{name}"))
        .await
        .expect("connects");
    up_down_up(&db).await;
    db.close().await.expect("closes");
    admin
        .execute_raw(Statement::from_string(
            backend,
            format!("DROP DATABASE \"{name}\""),
        ))
        .await
        .expect("drops");
}
