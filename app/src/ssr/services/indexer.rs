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
        // The snapshot covers every row up to its position; the rows after it are replayed.
        outbox::mark_applied_through(db, position).await?;
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

/// Fills an empty shared index (a new Meilisearch, or one whose data was lost) in bulk, as
/// `server reindex` does, instead of replaying the outbox one programme at a time. Returns how
/// many programmes it indexed, or `None` when the index was not empty (or there is nothing to
/// index).
pub async fn fill_if_empty(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    today: NaiveDate,
) -> Result<Option<u64>, ServiceError> {
    if index.count().await? > 0 || !db::catalog::any_open(db).await? {
        return Ok(None);
    }
    let n = reindex(db, index, today, &|_, _| {}).await?;
    Ok(Some(n))
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
    let txn = db::begin_write(db).await?;
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
mod tests;
