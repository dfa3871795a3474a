//! Tests of index maintenance: followers, shared drains, faults, reconciliation, rebuilds.

use std::sync::atomic::{AtomicUsize, Ordering};

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use super::*;
use crate::domain::catalog::ProgramStatus;
use crate::domain::search::SearchQuery;
use crate::ssr::db::entities::search_outbox;
use crate::ssr::search::embedded::EmbeddedIndex;
use crate::ssr::search::{SearchError, SearchIndex};
use crate::ssr::services::{programs, seed};
use crate::ssr::testing::{test_db, today};

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

    assert_eq!(
        applied_before, 0,
        "the rebuild of the shared index covers every row up to its snapshot"
    );
    assert_eq!(
        outbox::unapplied_lag(&t.db).await.expect("lag").pending,
        1,
        "the edit after the snapshot waits for the shared index"
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
        eprintln!("skipped on SQLite: one database file has one writer, so one instance drains");
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
