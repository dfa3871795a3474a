//! Search behind one trait, so the engine is chosen at start-up: the embedded engine (tantivy,
//! no set-up) by default, Meilisearch at scale. The database is the source of truth; an index
//! holds derived data and can always be rebuilt from it (`server reindex`).

/// The header on a page whose search answer came from a fallback (and may be incomplete), so
/// that it is not kept (`server::page_cache`).
pub const DEGRADED_HEADER: &str = "x-search-degraded";

#[cfg(any(test, feature = "test-support"))]
pub mod contract;
pub mod database;
pub mod embedded;
pub mod meili;
pub mod resilient;

use std::time::Instant;

use chrono::NaiveDate;

use crate::domain::search::{SearchDoc, SearchQuery, SearchResults};

/// The time since `started` in milliseconds, to a tenth, as `SearchResults::took_ms` reports it.
pub fn took_ms(started: Instant) -> f64 {
    (started.elapsed().as_micros() as f64 / 100.0).round() / 10.0
}

/// A search engine adapter.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// The engine's name as the API reports it (`embedded`, `meilisearch`, `database`).
    fn engine(&self) -> &'static str;

    /// Writes a batch: documents to add or replace (by id) and ids to remove (unknown ones are
    /// ignored). An index that keeps its own position in the search outbox (see
    /// [`SearchIndex::checkpoint`]) stores `checkpoint`, the last outbox row the batch covers,
    /// atomically with the documents; `None` keeps the position it has.
    async fn apply(
        &self,
        upserts: &[SearchDoc],
        deletes: &[i64],
        checkpoint: Option<i64>,
    ) -> Result<(), SearchError>;

    /// Adds or replaces documents.
    async fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        self.apply(docs, &[], None).await
    }

    /// Removes documents by programme id.
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        self.apply(&[], ids, None).await
    }

    /// Runs a search. Only programmes still taking applications on `open_on` are returned.
    async fn search(
        &self,
        query: &SearchQuery,
        open_on: NaiveDate,
    ) -> Result<SearchResults, SearchError>;

    /// Waits until every write made so far is visible to searches.
    async fn flush(&self) -> Result<(), SearchError>;

    /// How many documents the index holds.
    async fn count(&self) -> Result<u64, SearchError>;

    /// Every document's id and stamp (`domain::search::stamp`), for reconciliation.
    async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError>;

    /// The last search-outbox row this index has applied, for an index that follows the outbox
    /// itself (the embedded one, one per app instance). `None` for a shared index (Meilisearch),
    /// whose progress is kept in the outbox table.
    async fn checkpoint(&self) -> Result<Option<i64>, SearchError>;

    /// Replaces the whole index with `docs` (a snapshot of the database taken at outbox row
    /// `checkpoint`) atomically: searches keep being answered from the old contents until the
    /// new ones are complete. `progress` is told how many documents are done.
    async fn rebuild(
        &self,
        docs: Vec<SearchDoc>,
        checkpoint: Option<i64>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(), SearchError>;
}

/// A search engine failure. Details are for the log; users see `AppError::Unavailable`.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine cannot be reached or is not ready.
    #[error("search engine unavailable: {0}")]
    Unavailable(String),
    /// The index on disk cannot be read; a rebuild repairs it.
    #[error("search index is corrupt: {0}")]
    Corrupt(String),
    /// Anything else the engine reported.
    #[error("search engine error: {0}")]
    Engine(String),
}
