//! Databases for service tests: SQLite in memory, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set, migrated with the real migrations.

use sea_orm::DatabaseConnection;

use super::db::{self, TestDatabase};

/// A migrated database; a PostgreSQL one is dropped when the test ends.
pub(crate) struct TestDb {
    pub(crate) db: DatabaseConnection,
    _postgres: Option<TestDatabase>,
}

/// A fresh, migrated database holding the reference data (locations, MCI).
pub(crate) async fn test_db() -> TestDb {
    let postgres = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => Some(
            TestDatabase::create(&admin)
                .await
                .expect("creates a test database"),
        ),
        _ => None,
    };
    let url = postgres
        .as_ref()
        .map_or("sqlite::memory:", |p| p.url.as_str());
    let db = db::connect(url).await.expect("connects");
    db::migrate(&db).await.expect("migrates");
    super::services::seed::ensure_reference_data(&db)
        .await
        .expect("loads reference data");
    TestDb {
        db,
        _postgres: postgres,
    }
}
