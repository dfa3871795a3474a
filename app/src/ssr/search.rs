//! Search behind one trait, so the engine is chosen at start-up: the embedded engine (tantivy,
//! no set-up) by default, Meilisearch at scale. The database is the source of truth; an index
//! holds derived data and can always be rebuilt from it (`server reindex`).

pub mod contract;
pub mod embedded;

use chrono::NaiveDate;

use crate::domain::search::{SearchDoc, SearchQuery, SearchResults};

/// A search engine adapter.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// The engine's name as the API reports it (`embedded`, `meilisearch`).
    fn engine(&self) -> &'static str;

    /// Adds or replaces documents (by id).
    async fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError>;

    /// Removes documents by programme id; unknown ids are ignored.
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError>;

    /// Runs a search. Only programmes still taking applications on `open_on` are returned.
    async fn search(
        &self,
        query: &SearchQuery,
        open_on: NaiveDate,
    ) -> Result<SearchResults, SearchError>;

    /// Waits until every write made so far is visible to searches.
    async fn flush(&self) -> Result<(), SearchError>;

    /// How many documents the index holds (for health checks and consistency checks).
    async fn count(&self) -> Result<u64, SearchError>;

    /// Replaces the whole index with `docs` atomically: searches keep being answered from the
    /// old contents until the new ones are complete. `progress` is told how many are done.
    async fn rebuild(
        &self,
        docs: Vec<SearchDoc>,
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
