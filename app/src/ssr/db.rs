//! The database: connecting (SQLite by default, PostgreSQL at scale), migrating, and the
//! queries of each aggregate. Entities are generated (`make entities`); rows become domain types
//! here and never cross the wire themselves.

pub mod accounts;
pub mod alerts;
pub mod appeals;
pub mod applications;
pub mod assisted;
pub mod catalog;
pub mod complaints;
pub mod entities;
pub mod loans;
pub mod locations;
pub mod messages;
pub mod outbox;
pub mod phone_codes;
pub mod profiles;
pub mod recommendations;
pub mod records;
pub mod reports;
pub mod reviews;
pub mod threads;
pub mod webhooks;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, ExecResult, QueryResult, Statement, TransactionTrait,
};

/// Connects to `url` with the settings this app relies on.
///
/// SQLite: WAL (readers never wait for the writer), `synchronous=FULL` (a write the user was told
/// succeeded survives a power cut), foreign keys on, and a busy timeout so concurrent writers
/// queue instead of failing. The pool has a few connections for the file database (WAL allows
/// concurrent readers) and exactly one for `:memory:`, where each connection is its own database.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        options.max_connections(if memory { 1 } else { 4 });
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(BUSY_TIMEOUT)
                // Bounds the rows `PRAGMA optimize` reads per index (see `optimize`).
                .pragma("analysis_limit", "1000")
        });
    } else {
        options.max_connections(16);
    }
    Database::connect(options).await
}

/// Begins a transaction that is going to write.
///
/// On a SQLite file it first waits for this process's turn to write: SQLite lets one writer in
/// at a time, and a connection that finds the file locked sleeps in SQLite's busy handler
/// (1, 2, 5, 10 … 100 ms) before it looks again, so under concurrent writes the lock sat idle
/// between writers while they slept (`make bench`: 362 submissions/s with 8 writers, against
/// 251/s one at a time). Turns are handed over in order the moment a writer commits or rolls
/// back. Then it takes SQLite's write lock (an empty `UPDATE`): a plain `BEGIN` takes it at the
/// first write, and a transaction that read before it fails at once with "database is locked"
/// (`SQLITE_BUSY_SNAPSHOT`) whenever another connection committed in between, which the busy
/// timeout does not cover. PostgreSQL needs neither: its row locks and constraints decide.
///
/// A writer that waits longer than SQLite's busy timeout (5 s) for its turn gets the same
/// "database is locked" error SQLite would give, rather than waiting for ever.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = match db.get_database_backend() {
        DatabaseBackend::Sqlite => match writer_lock(db) {
            Some(lock) => Some(
                tokio::time::timeout(BUSY_TIMEOUT, lock.lock_owned())
                    .await
                    .map_err(|_| {
                        DbErr::Custom("database is locked (waited 5 s for a turn to write)".into())
                    })?,
            ),
            None => None,
        },
        _ => None,
    };
    let txn = db.begin().await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        txn.execute_unprepared("UPDATE seaql_migrations SET version = version WHERE 0")
            .await?;
    }
    Ok(WriteTxn { txn, _turn: turn })
}

/// How long a SQLite connection waits for a lock (and a writer for its turn).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The turn of writing to each SQLite file this process has open, by its path. `None` for an
/// in-memory database: its pool has one connection, which already makes writers queue.
fn writer_lock(db: &DatabaseConnection) -> Option<Arc<tokio::sync::Mutex<()>>> {
    static WRITERS: LazyLock<std::sync::Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Default::default);
    let options = db.get_sqlite_connection_pool().connect_options();
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path == Path::new(":memory:") {
        return None;
    }
    // A poisoned map only means another thread panicked while inserting: the map is still whole.
    let mut writers = WRITERS.lock().unwrap_or_else(|p| p.into_inner());
    Some(Arc::clone(writers.entry(path.to_path_buf()).or_default()))
}

/// A transaction that writes (see [`begin_write`]): used as a [`DatabaseTransaction`], and
/// holding the process's turn to write to a SQLite file until it is committed, rolled back or
/// dropped.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits, then gives the turn to the next writer.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back, then gives the turn to the next writer.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// Applies every pending migration, then lets SQLite gather the statistics it plans with.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    optimize(db, true).await
}

/// SQLite's query planner knows a table's size and an index's selectivity only from
/// `sqlite_stat1`, which nothing fills unless asked: without it every index looks alike and a
/// tie goes to the newest. `PRAGMA optimize` gathers statistics for the tables that changed a
/// lot since they were last measured, each within a bounded number of rows (`analysis_limit`),
/// so it stays cheap at a million rows; SQLite recommends it at start (`0x10002`: every table,
/// not only those this connection has queried) and every few hours. PostgreSQL's autovacuum
/// does the same by itself.
pub async fn optimize(db: &DatabaseConnection, at_start: bool) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    db.execute_unprepared(if at_start {
        "PRAGMA optimize = 0x10002"
    } else {
        "PRAGMA optimize"
    })
    .await?;
    Ok(())
}

/// Serialises the start-up of app instances sharing a PostgreSQL database: migrations and the
/// first loading of data run in one instance at a time (the others wait, then find the work
/// done). Hold the returned connection until start-up is over. SQLite needs no lock: one file,
/// one instance. The lock is a session-level advisory lock on a connection of its own, so it
/// is released even if the instance dies.
pub async fn startup_lock(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Ok(None);
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let conn = Database::connect(options).await?;
    conn.execute_raw(Statement::from_string(
        DatabaseBackend::Postgres,
        "SELECT pg_advisory_lock(7303)",
    ))
    .await?;
    Ok(Some(conn))
}

/// A trivial round trip, for health checks.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT 1",
    ))
    .await
    .map(|_| ())
}

/// The backend's name, for health output.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => "sqlite",
        DatabaseBackend::Postgres => "postgres",
        _ => "other",
    }
}

/// A PostgreSQL database made for one test, dropped when the value is dropped.
pub struct TestDatabase {
    admin_url: String,
    /// The database's URL.
    pub url: String,
}

impl TestDatabase {
    /// Creates a fresh database on the server at `admin_url` (see [`create_test_database`]).
    pub async fn create(admin_url: &str) -> Result<TestDatabase, DbErr> {
        let url = create_test_database(admin_url).await?;
        Ok(TestDatabase {
            admin_url: admin_url.to_owned(),
            url,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, url) = (self.admin_url.clone(), self.url.clone());
        // Drop is synchronous and may run inside a runtime: drop the database from a thread
        // with a runtime of its own. A failure leaves a `test_` database for the next sweep.
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                let _ = runtime.block_on(drop_test_database(&admin, &url));
            }
        })
        .join();
    }
}

/// Creates a uniquely named PostgreSQL database for one test run on the server at `admin_url`
/// and returns its URL. Leftovers of crashed runs older than an hour are dropped first, so the
/// server does not fill up.
pub async fn create_test_database(admin_url: &str) -> Result<String, DbErr> {
    let admin = Database::connect(admin_url).await?;
    let backend = admin.get_database_backend();
    let stale = admin
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT d.datname FROM pg_database d WHERE d.datname LIKE 'test\\_%' \
             AND (pg_stat_file('base/' || d.oid || '/PG_VERSION')).modification < now() - interval '1 hour'",
        ))
        .await
        .unwrap_or_default();
    for row in stale {
        if let Ok(name) = row.try_get::<String>("", "datname") {
            let _ = admin
                .execute_raw(Statement::from_string(
                    backend,
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                ))
                .await;
        }
    }
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_raw(Statement::from_string(
            backend,
            format!("CREATE DATABASE \"{name}\""),
        ))
        .await?;
    admin.close().await?;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}

/// Drops a database made by [`create_test_database`].
pub async fn drop_test_database(admin_url: &str, url: &str) -> Result<(), DbErr> {
    let Some((_, name)) = url.rsplit_once('/') else {
        return Ok(());
    };
    if !name.starts_with("test_") {
        return Err(DbErr::Custom(format!(
            "refusing to drop {name}: not a test database"
        )));
    }
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        ))
        .await?;
    admin.close().await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thirty-two writers at once on one SQLite file, each reading a counter, yielding, and
    /// writing it back plus one: every one commits (none is refused as "database is locked")
    /// and none overwrites another's increment.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_to_a_sqlite_file_take_turns_and_all_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = connect(&url).await.expect("connect");
        migrate(&db).await.expect("migrate");
        db.execute_unprepared(
            "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)",
        )
        .await
        .expect("table");
        let writers = (0..32).map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let txn = begin_write(&db).await?;
                let row = txn
                    .query_one_raw(Statement::from_string(
                        DatabaseBackend::Sqlite,
                        "SELECT n FROM counter",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Custom("no row".into()))?;
                let n: i64 = row.try_get("", "n")?;
                tokio::time::sleep(Duration::from_millis(1)).await;
                txn.execute_unprepared(&format!("UPDATE counter SET n = {}", n + 1))
                    .await?;
                txn.commit().await
            })
        });
        for writer in writers.collect::<Vec<_>>() {
            writer.await.expect("joined").expect("committed");
        }
        let row = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT n FROM counter",
            ))
            .await
            .expect("read")
            .expect("a row");
        assert_eq!(row.try_get::<i64>("", "n").expect("n"), 32);
    }
}
