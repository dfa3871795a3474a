//! Every migration can be applied, rolled back and applied again, on SQLite and (when
//! `TEST_DATABASE_URL` names a PostgreSQL server) on PostgreSQL.

use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::SchemaManager;
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

const TABLES: [&str; 16] = [
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

async fn up_down_up(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("up");
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
