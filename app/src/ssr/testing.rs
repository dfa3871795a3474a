//! Databases for service tests: SQLite in memory, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set, migrated with the real migrations.

use sea_orm::DatabaseConnection;

use super::db;

/// A migrated database that is dropped (PostgreSQL) when the test ends.
pub(crate) struct TestDb {
    pub(crate) db: DatabaseConnection,
    postgres: Option<(String, String)>,
}

/// A fresh, migrated database holding the reference data (locations, MCI).
pub(crate) async fn test_db() -> TestDb {
    let (url, postgres) = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let url = db::create_test_database(&admin)
                .await
                .expect("creates a test database");
            (url.clone(), Some((admin, url)))
        }
        _ => ("sqlite::memory:".to_owned(), None),
    };
    let db = db::connect(&url).await.expect("connects");
    db::migrate(&db).await.expect("migrates");
    super::services::seed::ensure_reference_data(&db)
        .await
        .expect("loads reference data");
    TestDb { db, postgres }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, url)) = self.postgres.take() {
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(db::drop_test_database(&admin, &url))
            })
            .join();
        }
    }
}
