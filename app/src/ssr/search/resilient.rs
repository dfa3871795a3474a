//! Search that keeps answering when its engine does not: a circuit breaker in front of the
//! primary engine and fallbacks behind it (the embedded index, then the database), each answer
//! from a fallback marked `degraded`.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::{SearchError, SearchIndex};
use crate::domain::search::{SearchDoc, SearchQuery, SearchResults};

/// Consecutive failures that open the breaker.
const FAILURES_TO_OPEN: u32 = 3;
/// How long the breaker stays open at first; doubled after each failed trial, up to the max.
const FIRST_COOLDOWN: Duration = Duration::from_secs(5);
const MAX_COOLDOWN: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
        cooldown: Duration,
    },
    /// One trial request is allowed through; others go to the fallback until it reports.
    Trial {
        since: Instant,
        cooldown: Duration,
    },
}

/// A circuit breaker: after a few consecutive failures it stops sending requests to a dead
/// engine for a while, then lets one trial through.
#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }
}

impl Breaker {
    /// Whether a request may go to the engine now.
    pub fn allow(&self) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return true;
        };
        let now = Instant::now();
        match *state {
            State::Closed { .. } => true,
            State::Open { until, cooldown } if now >= until => {
                *state = State::Trial {
                    since: now,
                    cooldown,
                };
                true
            }
            State::Open { .. } => false,
            // A trial whose request was abandoned (the client went away) must not keep the
            // breaker half-open forever.
            State::Trial { since, cooldown } if now.duration_since(since) >= cooldown => {
                *state = State::Trial {
                    since: now,
                    cooldown,
                };
                true
            }
            State::Trial { .. } => false,
        }
    }

    /// The engine answered.
    pub fn success(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = State::Closed { failures: 0 };
        }
    }

    /// The engine failed or was too slow.
    pub fn failure(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        *state = match *state {
            State::Closed { failures } if failures + 1 >= FAILURES_TO_OPEN => State::Open {
                until: now + FIRST_COOLDOWN,
                cooldown: FIRST_COOLDOWN,
            },
            State::Closed { failures } => State::Closed {
                failures: failures + 1,
            },
            State::Trial { cooldown, .. } | State::Open { cooldown, .. } => {
                let cooldown = (cooldown * 2).min(MAX_COOLDOWN);
                State::Open {
                    until: now + cooldown,
                    cooldown,
                }
            }
        };
    }

    /// Whether requests are being kept away from the engine.
    pub fn is_open(&self) -> bool {
        self.state
            .lock()
            .map(|s| !matches!(*s, State::Closed { .. }))
            .unwrap_or(false)
    }
}

/// The search the app serves: the primary engine behind a breaker, then fallbacks.
pub struct ResilientSearch {
    primary: Arc<dyn SearchIndex>,
    fallbacks: Vec<Arc<dyn SearchIndex>>,
    breaker: Breaker,
    degraded: AtomicU64,
}

impl ResilientSearch {
    /// `primary` answers normally; `fallbacks` are tried in order when it cannot.
    pub fn new(
        primary: Arc<dyn SearchIndex>,
        fallbacks: Vec<Arc<dyn SearchIndex>>,
    ) -> ResilientSearch {
        ResilientSearch {
            primary,
            fallbacks,
            breaker: Breaker::default(),
            degraded: AtomicU64::new(0),
        }
    }

    /// The breaker in front of the primary engine.
    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }

    /// How many searches were answered by a fallback since start-up.
    pub fn degraded_total(&self) -> u64 {
        self.degraded.load(Ordering::Relaxed)
    }
}

#[async_trait::async_trait]
impl SearchIndex for ResilientSearch {
    fn engine(&self) -> &'static str {
        self.primary.engine()
    }

    async fn apply(
        &self,
        upserts: &[SearchDoc],
        deletes: &[i64],
        checkpoint: Option<i64>,
    ) -> Result<(), SearchError> {
        self.primary.apply(upserts, deletes, checkpoint).await
    }

    async fn search(
        &self,
        query: &SearchQuery,
        open_on: NaiveDate,
    ) -> Result<SearchResults, SearchError> {
        if self.breaker.allow() {
            match self.primary.search(query, open_on).await {
                Ok(results) => {
                    self.breaker.success();
                    return Ok(results);
                }
                Err(e) => {
                    self.breaker.failure();
                    tracing::warn!(error = %e, engine = self.primary.engine(), "search failed; answering from a fallback");
                }
            }
        }
        for fallback in &self.fallbacks {
            match fallback.search(query, open_on).await {
                Ok(mut results) => {
                    self.degraded.fetch_add(1, Ordering::Relaxed);
                    results.degraded = true;
                    return Ok(results);
                }
                Err(e) => {
                    tracing::warn!(error = %e, engine = fallback.engine(), "fallback search failed")
                }
            }
        }
        Err(SearchError::Unavailable("no search engine answered".into()))
    }

    async fn flush(&self) -> Result<(), SearchError> {
        self.primary.flush().await
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.primary.count().await
    }

    async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError> {
        self.primary.stamps().await
    }

    async fn checkpoint(&self) -> Result<Option<i64>, SearchError> {
        self.primary.checkpoint().await
    }

    async fn rebuild(
        &self,
        docs: Vec<SearchDoc>,
        checkpoint: Option<i64>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(), SearchError> {
        self.primary.rebuild(docs, checkpoint, progress).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_opens_after_repeated_failures_and_a_trial_closes_it() {
        let b = Breaker::default();
        for _ in 0..FAILURES_TO_OPEN - 1 {
            b.failure();
            assert!(b.allow(), "a few failures do not open it");
        }
        b.failure();
        assert!(!b.allow(), "open: requests stay away");
        assert!(b.is_open());
        // Pretend the cooldown passed.
        if let Ok(mut s) = b.state.lock() {
            *s = State::Open {
                until: Instant::now(),
                cooldown: FIRST_COOLDOWN,
            };
        }
        assert!(b.allow(), "one trial goes through");
        assert!(!b.allow(), "only one");
        b.success();
        assert!(b.allow() && !b.is_open(), "a successful trial closes it");
    }

    #[test]
    fn a_failed_trial_doubles_the_cooldown() {
        let b = Breaker::default();
        if let Ok(mut s) = b.state.lock() {
            *s = State::Trial {
                since: Instant::now(),
                cooldown: FIRST_COOLDOWN,
            };
        }
        b.failure();
        let state = *b.state.lock().expect("lock");
        assert!(
            matches!(state, State::Open { cooldown, .. } if cooldown == FIRST_COOLDOWN * 2),
            "{state:?}"
        );
    }
}
