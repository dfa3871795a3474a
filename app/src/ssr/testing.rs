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

/// An account of `role` in `scope`, made directly (no password anyone could use), as the
/// principal a signed-in request would carry.
pub(crate) async fn person(
    db: &DatabaseConnection,
    login: &str,
    name: &str,
    role: crate::domain::account::Role,
    scope: crate::domain::account::Scope,
) -> crate::domain::account::Principal {
    let login = crate::domain::account::Login::parse("login", login).expect("login");
    let user_id = db::accounts::insert_user(
        db,
        db::accounts::NewUser {
            login: &login,
            password_hash: "not-a-hash".into(),
            display_name: name,
            role,
            scope: &scope,
            demo: false,
        },
    )
    .await
    .expect("user");
    crate::domain::account::Principal {
        user_id,
        role,
        scope,
        display_name: name.into(),
    }
}

/// A password hasher cheap enough for tests.
pub(crate) fn cheap_hasher() -> super::security::PasswordHasher {
    super::security::PasswordHasher::new(super::config::Hashing {
        memory_kib: 256,
        iterations: 1,
        concurrent: 2,
    })
    .expect("hasher")
}
