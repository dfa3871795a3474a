//! Keeping search indexes in step with the database, which is the source of truth.
//!
//! Every programme change writes a search-outbox row in its transaction. Two kinds of index
//! consume the outbox:
//! - a **follower** (the embedded index, one per app instance) reads the rows after its own
//!   checkpoint, in order, and stores the new checkpoint atomically with the documents;
//! - a **shared** index (Meilisearch, one for all instances) has its rows claimed by whichever
//!   instance gets them first (`FOR UPDATE SKIP LOCKED` on PostgreSQL), marked applied once the
//!   engine has processed them, or retried with backoff.
//!
//! Applying a row reads the programme's current state, so it is idempotent and a row applied
//! twice changes nothing. `reconcile` compares an index with the database and repairs any drift
//! the outbox could not prevent (a lost index directory, a restored backup, a new MCI year).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{AccessMode, DatabaseConnection, IsolationLevel, TransactionTrait};
use tokio::sync::Notify;

use super::ServiceError;
use crate::ssr::db::{self, outbox};
use crate::ssr::search::SearchIndex;

/// Wakes the index workers of this instance after a programme change commits, so that a change
/// is searchable in milliseconds rather than at the next poll.
#[derive(Clone, Default)]
pub struct Wake {
    listeners: Arc<Mutex<Vec<Arc<Notify>>>>,
}

impl Wake {
    /// A new listener, woken by every later [`Wake::wake`] (a wake with no one waiting is kept
    /// for the next wait).
    pub fn listen(&self) -> Arc<Notify> {
        let notify = Arc::new(Notify::new());
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.push(notify.clone());
        }
        notify
    }

    /// Wakes every listener.
    pub fn wake(&self) {
        if let Ok(listeners) = self.listeners.lock() {
            for l in listeners.iter() {
                l.notify_one();
            }
        }
    }
}

/// Rebuilds `index` from a snapshot of the database and returns how many programmes it holds.
/// Searches keep being answered from the old contents meanwhile. Changes committed during the
/// rebuild are not lost: a follower continues from the snapshot's outbox position, and for a
/// shared index the rows after it are replayed.
pub async fn reindex(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    today: NaiveDate,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<u64, ServiceError> {
    // One snapshot for the documents and the outbox position they correspond to.
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    // Pruning may have emptied the outbox: the position is then where pruning stopped.
    let position = outbox::last_id(&txn)
        .await?
        .max(outbox::pruned_through(&txn).await?);
    let mci = db::catalog::mci_table(&txn).await?;
    let docs = db::catalog::search_docs(&txn, &mci, today.year(), None).await?;
    txn.commit().await?;

    let total = docs.len() as u64;
    progress(0, total);
    let follower = index.checkpoint().await?.is_some();
    index
        .rebuild(docs, follower.then_some(position), &|done| {
            progress(done, total)
        })
        .await?;
    index.flush().await?;
    if !follower {
        outbox::reopen_after(db, position).await?;
    }
    tracing::info!(
        documents = total,
        engine = index.engine(),
        outbox_position = position,
        "search index rebuilt"
    );
    Ok(total)
}

/// Documents for the given programmes as they are now, and which of them must leave the index
/// (deleted, closed, or drafts).
async fn current_state(
    db: &impl sea_orm::ConnectionTrait,
    ids: &BTreeSet<i32>,
    today: NaiveDate,
) -> Result<(Vec<crate::domain::search::SearchDoc>, Vec<i64>), ServiceError> {
    let ids: Vec<i32> = ids.iter().copied().collect();
    let mci = db::catalog::mci_table(db).await?;
    let docs = db::catalog::search_docs(db, &mci, today.year(), Some(&ids)).await?;
    let present: BTreeSet<i64> = docs.iter().map(|d| d.id).collect();
    let gone = ids
        .iter()
        .map(|&i| i64::from(i))
        .filter(|i| !present.contains(i))
        .collect();
    Ok((docs, gone))
}

/// Applies the next batch of outbox rows to a follower index. Returns how many rows it covered
/// (0 when the index is up to date). A follower that fell behind the pruned part of the outbox
/// is rebuilt from the database instead.
pub async fn follow(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    today: NaiveDate,
    batch: u64,
) -> Result<usize, ServiceError> {
    let Some(cursor) = index.checkpoint().await? else {
        return Ok(0);
    };
    if cursor < outbox::pruned_through(db).await? {
        tracing::warn!(
            checkpoint = cursor,
            "the search index missed pruned outbox rows; rebuilding it"
        );
        reindex(db, index, today, &|_, _| {}).await?;
        return Ok(1);
    }
    let rows = outbox::after(db, cursor, batch).await?;
    let Some(last) = rows.last().map(|r| r.id) else {
        return Ok(0);
    };
    let ids: BTreeSet<i32> = rows.iter().map(|r| r.program_id).collect();
    let (docs, gone) = current_state(db, &ids, today).await?;
    index.apply(&docs, &gone, Some(last)).await?;
    Ok(rows.len())
}

/// What one pass over the shared index's outbox rows did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drained {
    /// Rows applied.
    pub applied: usize,
    /// Rows whose application failed (they are retried later).
    pub failed: usize,
}

/// How long a failed row waits before its next attempt: 1 s, 2 s, 4 s… up to 5 minutes.
pub fn backoff(attempts: i32) -> Duration {
    Duration::from_secs(1u64 << attempts.clamp(0, 9)).min(Duration::from_secs(300))
}

/// Claims a batch of outbox rows and applies them to a shared index. Several instances may run
/// this at once: rows are claimed with `FOR UPDATE SKIP LOCKED`, and a programme is pushed by
/// one worker at a time (an advisory lock), so no worker can overwrite a newer state with an
/// older one. Rows are marked applied only after the engine has processed them.
pub async fn drain(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    today: NaiveDate,
    batch: u64,
) -> Result<Drained, ServiceError> {
    let txn = db.begin().await?;
    let rows = outbox::claim(&txn, batch).await?;
    if rows.is_empty() {
        txn.commit().await?;
        return Ok(Drained::default());
    }
    let mut mine = Vec::new();
    let mut programs = BTreeSet::new();
    for row in rows {
        if programs.contains(&row.program_id) || outbox::lock_program(&txn, row.program_id).await? {
            programs.insert(row.program_id);
            mine.push(row);
        }
    }
    let (docs, gone) = current_state(&txn, &programs, today).await?;
    let pushed = match index.apply(&docs, &gone, None).await {
        Ok(()) => index.flush().await,
        Err(e) => Err(e),
    };
    let outcome = match pushed {
        Ok(()) => {
            let ids: Vec<i64> = mine.iter().map(|r| r.id).collect();
            outbox::mark_applied(&txn, &ids).await?;
            Drained {
                applied: mine.len(),
                failed: 0,
            }
        }
        Err(e) => {
            let message = e.to_string();
            for row in &mine {
                let retry_at = Utc::now() + backoff(row.attempts);
                outbox::mark_failed(&txn, row, &message, retry_at).await?;
            }
            tracing::warn!(error = %message, rows = mine.len(), engine = index.engine(), "search index write failed; will retry");
            Drained {
                applied: 0,
                failed: mine.len(),
            }
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// What a reconciliation found and repaired.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Repair {
    /// Open programmes missing from the index.
    pub missing: usize,
    /// Documents older than their programme (or made with another year's MCI).
    pub stale: usize,
    /// Documents of programmes that are gone, closed or drafts.
    pub extra: usize,
}

impl Repair {
    /// Whether anything was out of step.
    pub fn is_empty(&self) -> bool {
        self.missing + self.stale + self.extra == 0
    }
}

/// Compares the index with the database (ids and stamps) and repairs the differences.
pub async fn reconcile(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    today: NaiveDate,
) -> Result<Repair, ServiceError> {
    // The index is read before the database: a programme that changes in between then looks
    // missing or stale (repaired with its current state) rather than extra.
    let have: HashMap<i64, i64> = index.stamps().await?.into_iter().collect();
    let want: HashMap<i64, i64> = db::catalog::open_stamps(db, today.year())
        .await?
        .into_iter()
        .collect();
    let mut repair = Repair::default();
    let mut ids = BTreeSet::new();
    for (id, stamp) in &want {
        match have.get(id) {
            None => repair.missing += 1,
            Some(s) if s != stamp => repair.stale += 1,
            Some(_) => continue,
        }
        ids.insert(*id);
    }
    for id in have.keys().filter(|id| !want.contains_key(id)) {
        repair.extra += 1;
        ids.insert(*id);
    }
    if repair.is_empty() {
        return Ok(repair);
    }
    // Read the current state of everything that differed, so that a change made since the
    // comparison is not undone.
    let ids: BTreeSet<i32> = ids
        .into_iter()
        .filter_map(|id| i32::try_from(id).ok())
        .collect();
    for chunk in ids.iter().copied().collect::<Vec<_>>().chunks(1000) {
        let chunk: BTreeSet<i32> = chunk.iter().copied().collect();
        let (docs, gone) = current_state(db, &chunk, today).await?;
        index.apply(&docs, &gone, None).await?;
    }
    index.flush().await?;
    tracing::info!(
        missing = repair.missing,
        stale = repair.stale,
        extra = repair.extra,
        engine = index.engine(),
        "search index reconciled"
    );
    Ok(repair)
}

/// How far an index is behind the outbox.
pub async fn lag(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
) -> Result<outbox::Lag, ServiceError> {
    Ok(match index.checkpoint().await? {
        Some(cursor) => outbox::lag_after(db, cursor).await?,
        None => outbox::unapplied_lag(db).await?,
    })
}

/// Brings an index up to date before the app starts serving (first start, a restart after a
/// crash, a lost index directory), so the first searches see every programme.
pub async fn catch_up(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    today: NaiveDate,
) -> Result<(), ServiceError> {
    if index.checkpoint().await?.is_some() {
        while follow(db, index, today, 1000).await? > 0 {}
    }
    // Programmes written without outbox rows (a database restored from a backup, data from
    // before the outbox existed) are found by comparing.
    reconcile(db, index, today).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

    use super::*;
    use crate::domain::catalog::ProgramStatus;
    use crate::domain::search::SearchQuery;
    use crate::ssr::db::entities::search_outbox;
    use crate::ssr::search::embedded::EmbeddedIndex;
    use crate::ssr::search::{SearchError, SearchIndex};
    use crate::ssr::services::{programs, seed};
    use crate::ssr::testing::test_db;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
    }

    async fn titles(index: &dyn SearchIndex, q: &str) -> Vec<String> {
        let query = SearchQuery {
            text: q.into(),
            per_page: 100,
            ..SearchQuery::default()
        };
        index
            .search(&query, today())
            .await
            .expect("searches")
            .hits
            .into_iter()
            .map(|h| h.slug)
            .collect()
    }

    async fn caught_up(db: &DatabaseConnection, index: &dyn SearchIndex) {
        while follow(db, index, today(), 1000).await.expect("follows") > 0 {}
    }

    /// A shared index (no checkpoint of its own) around an embedded one, which can be told to
    /// fail or to hang after a write, like an engine that dies mid-batch.
    struct Shared {
        inner: EmbeddedIndex,
        fail: AtomicUsize,
        hang: bool,
        applied: tokio::sync::Notify,
        /// How often each programme reached the index.
        pushes: Mutex<HashMap<i64, usize>>,
        /// A pause in every write, so that concurrent workers overlap.
        delay: Duration,
    }

    impl Shared {
        fn new(dir: &std::path::Path) -> Shared {
            Shared {
                inner: EmbeddedIndex::open(dir).expect("opens"),
                fail: AtomicUsize::new(0),
                hang: false,
                applied: tokio::sync::Notify::new(),
                pushes: Mutex::new(HashMap::new()),
                delay: Duration::ZERO,
            }
        }
    }

    #[async_trait::async_trait]
    impl SearchIndex for Shared {
        fn engine(&self) -> &'static str {
            "shared"
        }
        async fn apply(
            &self,
            u: &[crate::domain::search::SearchDoc],
            d: &[i64],
            _: Option<i64>,
        ) -> Result<(), SearchError> {
            if self.fail.load(Ordering::SeqCst) > 0 {
                self.fail.fetch_sub(1, Ordering::SeqCst);
                return Err(SearchError::Unavailable("engine down".into()));
            }
            tokio::time::sleep(self.delay).await;
            if let Ok(mut pushes) = self.pushes.lock() {
                for doc in u {
                    *pushes.entry(doc.id).or_default() += 1;
                }
            }
            self.inner.apply(u, d, None).await?;
            self.applied.notify_one();
            Ok(())
        }
        async fn search(
            &self,
            q: &SearchQuery,
            o: NaiveDate,
        ) -> Result<crate::domain::search::SearchResults, SearchError> {
            self.inner.search(q, o).await
        }
        async fn flush(&self) -> Result<(), SearchError> {
            if self.hang {
                std::future::pending::<()>().await;
            }
            self.inner.flush().await
        }
        async fn count(&self) -> Result<u64, SearchError> {
            self.inner.count().await
        }
        async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError> {
            self.inner.stamps().await
        }
        async fn checkpoint(&self) -> Result<Option<i64>, SearchError> {
            Ok(None)
        }
        async fn rebuild(
            &self,
            docs: Vec<crate::domain::search::SearchDoc>,
            _: Option<i64>,
            p: &(dyn Fn(u64) + Send + Sync),
        ) -> Result<(), SearchError> {
            self.inner.rebuild(docs, None, p).await
        }
    }

    #[tokio::test]
    async fn a_follower_applies_every_change_and_keeps_its_place_across_restarts() {
        let t = test_db().await;
        let wake = Wake::default();
        seed::ensure_demo(&t.db).await.expect("demo");
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let index = EmbeddedIndex::open(dir.path()).expect("opens");
            caught_up(&t.db, &index).await;
            assert_eq!(
                index.checkpoint().await.expect("reads"),
                Some(outbox::last_id(&t.db).await.expect("reads"))
            );
            assert!(
                titles(&index, "кен дала")
                    .await
                    .contains(&"ken-dala-2026".to_owned())
            );
        }
        // Edit, close and delete while the index is "down", then restart it.
        let mut ken = seed::demo_file()
            .expect("demo")
            .programs
            .into_iter()
            .find(|p| p.slug.as_str() == "ken-dala-2026")
            .expect("ken dala");
        ken.title_ru = "Весенний сев 2026: редакция".into();
        programs::update(&t.db, &wake, "ken-dala-2026", &ken)
            .await
            .expect("updates");
        programs::set_status(&t.db, &wake, "damu-guarantee", ProgramStatus::Closed)
            .await
            .expect("closes");
        programs::delete(&t.db, &wake, "bastau-business")
            .await
            .expect("deletes");

        let index = EmbeddedIndex::open(dir.path()).expect("reopens");
        assert_eq!(
            lag(&t.db, &index).await.expect("lag").pending,
            3,
            "three changes wait"
        );
        caught_up(&t.db, &index).await;

        assert_eq!(lag(&t.db, &index).await.expect("lag").pending, 0);
        assert!(
            titles(&index, "редакция")
                .await
                .contains(&"ken-dala-2026".to_owned())
        );
        assert!(
            !titles(&index, "гарантия")
                .await
                .contains(&"damu-guarantee".to_owned()),
            "closed programmes leave the index"
        );
        assert!(
            !titles(&index, "бастау")
                .await
                .contains(&"bastau-business".to_owned()),
            "deleted programmes leave the index"
        );
        assert!(
            reconcile(&t.db, &index, today())
                .await
                .expect("reconciles")
                .is_empty(),
            "nothing drifted"
        );
    }

    #[tokio::test]
    async fn a_shared_index_retries_failed_writes_with_backoff_until_they_land() {
        let t = test_db().await;
        seed::synthetic(&t.db, 20).await.expect("seeds");
        let dir = tempfile::tempdir().expect("temp dir");
        let index = Shared::new(dir.path());
        index.fail.store(1, Ordering::SeqCst);

        let first = drain(&t.db, &index, today(), 100).await.expect("drains");
        let again = drain(&t.db, &index, today(), 100).await.expect("drains");

        assert_eq!(
            first,
            Drained {
                applied: 0,
                failed: 20
            }
        );
        assert_eq!(
            again,
            Drained::default(),
            "failed rows wait for their backoff"
        );
        let row = search_outbox::Entity::find()
            .one(&t.db)
            .await
            .expect("reads")
            .expect("a row");
        assert_eq!(row.attempts, 1);
        assert!(row.last_error.is_some_and(|e| e.contains("engine down")));
        assert_eq!(unapplied(&t.db).await, 20, "nothing is lost");

        // The backoff passes.
        t.db.execute_unprepared("UPDATE search_outbox SET next_attempt_at = NULL")
            .await
            .expect("time passes");
        let last = drain(&t.db, &index, today(), 100).await.expect("drains");

        assert_eq!(
            last,
            Drained {
                applied: 20,
                failed: 0
            }
        );
        assert_eq!(unapplied(&t.db).await, 0);
        assert_eq!(index.count().await.expect("counts"), 20);
    }

    async fn unapplied(db: &DatabaseConnection) -> u64 {
        outbox::unapplied_lag(db).await.expect("lag").pending
    }

    #[tokio::test]
    async fn a_worker_killed_mid_batch_loses_nothing_and_a_replay_changes_nothing() {
        let t = test_db().await;
        seed::synthetic(&t.db, 10).await.expect("seeds");
        let dir = tempfile::tempdir().expect("temp dir");
        let hanging = Arc::new(Shared {
            hang: true,
            ..Shared::new(dir.path())
        });

        // The worker pushes the batch, then dies before the engine confirms it.
        let worker = {
            let (db, index) = (t.db.clone(), hanging.clone());
            tokio::spawn(async move { drain(&db, &*index, today(), 100).await })
        };
        hanging.applied.notified().await;
        worker.abort();
        let _ = worker.await;
        drop(hanging);

        assert_eq!(
            unapplied(&t.db).await,
            10,
            "the rows were not marked applied"
        );
        let index = Shared::new(dir.path());
        let replay = drain(&t.db, &index, today(), 100).await.expect("drains");
        assert_eq!(
            replay,
            Drained {
                applied: 10,
                failed: 0
            }
        );
        assert_eq!(
            index.count().await.expect("counts"),
            10,
            "applying twice left one document each"
        );
        assert!(
            reconcile(&t.db, &index, today())
                .await
                .expect("reconciles")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn reconciliation_repairs_missing_stale_and_extra_documents() {
        let t = test_db().await;
        seed::synthetic(&t.db, 30).await.expect("seeds");
        let dir = tempfile::tempdir().expect("temp dir");
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        caught_up(&t.db, &index).await;
        // Drift: a document lost, a programme changed behind the outbox's back, a stray document.
        index.delete(&[1]).await.expect("deletes");
        t.db.execute_unprepared(
            "UPDATE programs SET updated_at = '2027-01-01T00:00:00+00:00' WHERE id = 2",
        )
        .await
        .expect("edits");
        let mut stray = crate::ssr::search::contract::corpus()[0].clone();
        stray.id = 999_999;
        index.upsert(&[stray]).await.expect("adds");

        let repair = reconcile(&t.db, &index, today()).await.expect("reconciles");

        assert_eq!(
            repair,
            Repair {
                missing: 1,
                stale: 1,
                extra: 1
            }
        );
        assert!(
            reconcile(&t.db, &index, today())
                .await
                .expect("reconciles")
                .is_empty()
        );
        assert_eq!(index.count().await.expect("counts"), 30);
    }

    #[tokio::test]
    async fn a_new_year_makes_every_document_stale_so_amounts_follow_the_mci() {
        let t = test_db().await;
        seed::synthetic(&t.db, 5).await.expect("seeds");
        let dir = tempfile::tempdir().expect("temp dir");
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        caught_up(&t.db, &index).await;

        let repair = reconcile(
            &t.db,
            &index,
            NaiveDate::from_ymd_opt(2027, 1, 2).expect("date"),
        )
        .await
        .expect("reconciles");

        assert_eq!(repair.stale, 5);
    }

    #[tokio::test]
    async fn a_rebuild_keeps_changes_committed_while_it_ran() {
        let t = test_db().await;
        let wake = Wake::default();
        seed::ensure_demo(&t.db).await.expect("demo");
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = Shared::new(dir.path());
        let follower_dir = tempfile::tempdir().expect("temp dir");
        let follower = EmbeddedIndex::open(follower_dir.path()).expect("opens");
        let everything = |_: u64, _: u64| {};
        reindex(&t.db, &shared, today(), &everything)
            .await
            .expect("rebuilds");
        reindex(&t.db, &follower, today(), &everything)
            .await
            .expect("rebuilds");
        let applied_before = outbox::unapplied_lag(&t.db).await.expect("lag").pending;

        // An edit lands after the snapshot (as if during a long rebuild).
        let mut ken = seed::demo_file()
            .expect("demo")
            .programs
            .into_iter()
            .find(|p| p.slug.as_str() == "ken-dala-2026")
            .expect("ken dala");
        ken.title_ru = "Посевная: после снимка".into();
        programs::update(&t.db, &wake, "ken-dala-2026", &ken)
            .await
            .expect("updates");

        assert!(
            applied_before >= 46,
            "a rebuild of the shared index reopens the rows after its snapshot"
        );
        while drain(&t.db, &shared, today(), 500)
            .await
            .expect("drains")
            .applied
            > 0
        {}
        caught_up(&t.db, &follower).await;
        assert!(
            titles(&shared, "снимка")
                .await
                .contains(&"ken-dala-2026".to_owned())
        );
        assert!(
            titles(&follower, "снимка")
                .await
                .contains(&"ken-dala-2026".to_owned())
        );
    }

    #[tokio::test]
    async fn a_follower_behind_the_pruned_outbox_rebuilds_from_the_database() {
        let t = test_db().await;
        seed::synthetic(&t.db, 8).await.expect("seeds");
        let pruned = outbox::prune(&t.db, Utc::now() + chrono::Duration::hours(1), false)
            .await
            .expect("prunes");
        assert_eq!(pruned, 8);
        assert_eq!(
            search_outbox::Entity::find()
                .count(&t.db)
                .await
                .expect("counts"),
            0
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let index = EmbeddedIndex::open(dir.path()).expect("opens");

        follow(&t.db, &index, today(), 100).await.expect("follows");

        assert_eq!(index.count().await.expect("counts"), 8);
        assert_eq!(index.checkpoint().await.expect("reads"), Some(8));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_instances_draining_at_once_apply_each_change_once() {
        let t = test_db().await;
        if t.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            eprintln!(
                "skipped on SQLite: one database file has one writer, so one instance drains"
            );
            return;
        }
        seed::synthetic(&t.db, 300).await.expect("seeds");
        let dir = tempfile::tempdir().expect("temp dir");
        let index = Arc::new(Shared {
            delay: Duration::from_millis(5),
            ..Shared::new(dir.path())
        });
        let worker = |db: DatabaseConnection, index: Arc<Shared>| async move {
            let mut applied = 0;
            loop {
                let d = drain(&db, &*index, today(), 20).await.expect("drains");
                if d.applied == 0 && unapplied(&db).await == 0 {
                    return applied;
                }
                applied += d.applied;
            }
        };
        let (a, b) = tokio::join!(
            tokio::spawn(worker(t.db.clone(), index.clone())),
            tokio::spawn(worker(t.db.clone(), index.clone()))
        );
        let (a, b) = (a.expect("joins"), b.expect("joins"));

        assert_eq!(a + b, 300, "every row applied once ({a} + {b})");
        assert!(a > 0 && b > 0, "both instances did work ({a} / {b})");
        let applied = index.pushes.lock().expect("lock");
        assert_eq!(applied.len(), 300);
        assert!(
            applied.values().all(|&n| n == 1),
            "no programme was pushed twice"
        );
    }

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let secs: Vec<u64> = [0, 1, 2, 3, 8, 20]
            .iter()
            .map(|&a| backoff(a).as_secs())
            .collect();
        assert_eq!(secs, [1, 2, 4, 8, 256, 300]);
        assert_eq!(backoff(9).as_secs(), 300);
        assert!(backoff(i32::MAX) <= Duration::from_secs(300));
    }
}
