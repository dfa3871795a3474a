//! The last fallback: search answered from the database itself, by the engines' rule
//! (`domain::matching`), over a short-lived snapshot of the open programmes held in memory.
//! Slower than an index, but it needs nothing that can be lost or unreachable, and it finds,
//! counts and orders programmes exactly as the engines do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;

use super::{SearchError, SearchIndex};
use crate::domain::matching::{self, Hit, Meta, Plan, Vocabulary};
use crate::domain::search::{SearchDoc, SearchHit, SearchQuery, SearchResults};
use crate::domain::text;
use crate::ssr::db;

/// How long a snapshot of the catalogue is reused.
const SNAPSHOT_TTL: Duration = Duration::from_secs(5);

/// A programme prepared for matching: its terms per field, as the engines index them.
struct Prepared {
    doc: SearchDoc,
    meta: Meta,
    /// The terms of the title, the summary and the rest, in order.
    fields: [Vec<String>; 3],
    /// Each term with the bit of every field that has it.
    terms: HashMap<String, u8>,
}

impl Prepared {
    fn new(doc: SearchDoc) -> Prepared {
        let fields = doc.texts().map(|t| {
            text::index_text(&t)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        });
        let mut terms: HashMap<String, u8> = HashMap::new();
        for (i, field) in fields.iter().enumerate() {
            for term in field {
                *terms.entry(term.clone()).or_default() |= 1 << i;
            }
        }
        Prepared {
            meta: Meta::of(&doc),
            doc,
            fields,
            terms,
        }
    }

    /// The best field that has `term`.
    fn field_of(&self, term: &str) -> Option<u8> {
        self.terms.get(term).map(|bits| bits.trailing_zeros() as u8)
    }

    /// Whether some field has `left` directly followed by `right`.
    fn adjacent(&self, left: &str, right: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.windows(2).any(|w| w[0] == left && w[1] == right))
    }
}

/// The open programmes as read at a moment, for a day.
struct Snapshot {
    taken: Instant,
    day: NaiveDate,
    programmes: Arc<(Vec<Prepared>, Vocabulary)>,
}

/// Search over the database.
pub struct DatabaseSearch {
    db: DatabaseConnection,
    snapshot: Mutex<Option<Snapshot>>,
}

impl DatabaseSearch {
    /// Search over `db`.
    pub fn new(db: DatabaseConnection) -> DatabaseSearch {
        DatabaseSearch {
            db,
            snapshot: Mutex::new(None),
        }
    }

    async fn programmes(
        &self,
        today: NaiveDate,
    ) -> Result<Arc<(Vec<Prepared>, Vocabulary)>, SearchError> {
        if let Ok(guard) = self.snapshot.lock()
            && let Some(s) = guard.as_ref()
            && s.taken.elapsed() < SNAPSHOT_TTL
            && s.day == today
        {
            return Ok(s.programmes.clone());
        }
        let failed = |e: sea_orm::DbErr| SearchError::Unavailable(format!("database: {e}"));
        let mci = db::catalog::mci_table(&self.db).await.map_err(failed)?;
        let docs = db::catalog::search_docs(&self.db, &mci, today.year(), None)
            .await
            .map_err(failed)?;
        let prepared: Vec<Prepared> = docs.into_iter().map(Prepared::new).collect();
        let vocabulary = Vocabulary::new(
            prepared
                .iter()
                .flat_map(|p| p.terms.keys().cloned())
                .collect::<Vec<_>>(),
        );
        let programmes = Arc::new((prepared, vocabulary));
        if let Ok(mut guard) = self.snapshot.lock() {
            *guard = Some(Snapshot {
                taken: Instant::now(),
                day: today,
                programmes: programmes.clone(),
            });
        }
        Ok(programmes)
    }
}

/// The answer for one plan.
fn evaluate<'a>(
    all: &'a [Prepared],
    vocabulary: &Vocabulary,
    plan: &Plan,
    q: &SearchQuery,
    open_on: NaiveDate,
) -> matching::Answer<&'a Prepared> {
    let nodes = plan.nodes();
    let derived: Vec<matching::Derived> = nodes
        .iter()
        .map(|n| {
            vocabulary.derive(n, &mut |l, r| {
                all.iter().filter(|p| p.adjacent(l, r)).count() as u64
            })
        })
        .collect();
    let hit = |p: &Prepared, d: &matching::Derived| -> Option<Hit> {
        let mut best: Option<Hit> = None;
        let mut add = |h: Hit| best = Some(best.map_or(h, |b| b.merge(h)));
        for (term, level) in &d.terms {
            if let Some(field) = p.field_of(term) {
                add(Hit {
                    field,
                    level: *level,
                });
            }
        }
        if let Some((l, r)) = &d.split
            && p.adjacent(l, r)
            && let Some(field) = p.field_of(l)
        {
            add(Hit { field, level: 1 });
        }
        best
    };
    let words = plan.words.len();
    let matching = all.iter().filter_map(|p| {
        matching::costs(words, &nodes, |k| hit(p, &derived[k])).map(|c| (p.meta, c, p))
    });
    matching::answer(q, open_on, words > 0, matching)
}

#[async_trait::async_trait]
impl SearchIndex for DatabaseSearch {
    fn engine(&self) -> &'static str {
        "database"
    }

    /// The database is the source of truth: there is nothing to write.
    async fn apply(&self, _: &[SearchDoc], _: &[i64], _: Option<i64>) -> Result<(), SearchError> {
        Ok(())
    }

    async fn search(
        &self,
        q: &SearchQuery,
        open_on: NaiveDate,
    ) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        let programmes = self.programmes(open_on).await?;
        let (all, vocabulary) = (&programmes.0, &programmes.1);
        let answer =
            Plan::from_parts(&q.parts())
                .first_found(
                    |a: &matching::Answer<&Prepared>| a.total,
                    |plan| async move {
                        Ok::<_, SearchError>(evaluate(all, vocabulary, &plan, q, open_on))
                    },
                )
                .await?;
        Ok(SearchResults {
            total: answer.total,
            hits: answer
                .page
                .into_iter()
                .map(|p| SearchHit::from(&p.doc))
                .collect(),
            facets: answer.facets,
            took_ms: super::took_ms(started),
            engine: "database".into(),
            degraded: false,
            corrected: None,
        })
    }

    async fn flush(&self) -> Result<(), SearchError> {
        Ok(())
    }

    async fn count(&self) -> Result<u64, SearchError> {
        Ok(0)
    }

    async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError> {
        Ok(Vec::new())
    }

    async fn checkpoint(&self) -> Result<Option<i64>, SearchError> {
        Ok(None)
    }

    async fn rebuild(
        &self,
        _: Vec<SearchDoc>,
        _: Option<i64>,
        _: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(), SearchError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ssr::search::resilient::ResilientSearch;
    use crate::ssr::services::seed;
    use crate::ssr::testing::{test_db, today};

    fn query(qs: &str) -> SearchQuery {
        SearchQuery::from_query_string(qs).expect("valid")
    }

    #[tokio::test]
    async fn the_database_answers_with_the_engines_matching_rule() {
        let t = test_db().await;
        seed::ensure_demo(&t.db).await.expect("demo");
        let search = DatabaseSearch::new(t.db.clone());

        let ken = search
            .search(&query("q=кен+дала"), today())
            .await
            .expect("searches");
        let typo = search
            .search(&query("q=амонаты"), today())
            .await
            .expect("searches");
        let grants = search
            .search(&query("kind=grant&sort=amount"), today())
            .await
            .expect("searches");
        let turkestan = search
            .search(&query("region=610000000"), today())
            .await
            .expect("searches");

        assert_eq!(ken.engine, "database");
        assert_eq!(
            ken.hits.first().map(|h| h.slug.as_str()),
            Some("ken-dala-2026")
        );
        assert!(
            typo.hits
                .iter()
                .any(|h| h.slug == "auyl-amanaty-microcredit"),
            "typos are forgiven"
        );
        assert!(
            grants
                .hits
                .iter()
                .all(|h| h.kind == crate::domain::catalog::ProgramKind::Grant)
        );
        let amounts: Vec<i64> = grants
            .hits
            .iter()
            .map(|h| h.amount_max_kzt.unwrap_or(i64::MIN))
            .collect();
        assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
        assert!(
            grants.facets.kind.len() > 1,
            "the kind facet ignores the kind filter"
        );
        assert!(
            turkestan.hits.iter().all(
                |h| h.regions.is_empty() || h.regions.iter().any(|r| r.as_str() == "610000000")
            )
        );
    }

    /// An engine that is down.
    struct Down;

    #[async_trait::async_trait]
    impl SearchIndex for Down {
        fn engine(&self) -> &'static str {
            "embedded"
        }
        async fn apply(
            &self,
            _: &[SearchDoc],
            _: &[i64],
            _: Option<i64>,
        ) -> Result<(), SearchError> {
            Err(SearchError::Corrupt("gone".into()))
        }
        async fn search(
            &self,
            _: &SearchQuery,
            _: NaiveDate,
        ) -> Result<SearchResults, SearchError> {
            Err(SearchError::Corrupt("gone".into()))
        }
        async fn flush(&self) -> Result<(), SearchError> {
            Ok(())
        }
        async fn count(&self) -> Result<u64, SearchError> {
            Err(SearchError::Corrupt("gone".into()))
        }
        async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError> {
            Ok(Vec::new())
        }
        async fn checkpoint(&self) -> Result<Option<i64>, SearchError> {
            Ok(None)
        }
        async fn rebuild(
            &self,
            _: Vec<SearchDoc>,
            _: Option<i64>,
            _: &(dyn Fn(u64) + Send + Sync),
        ) -> Result<(), SearchError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_broken_index_falls_back_to_the_database_and_says_so() {
        let t = test_db().await;
        seed::ensure_demo(&t.db).await.expect("demo");
        let search = ResilientSearch::new(
            Arc::new(Down),
            vec![Arc::new(DatabaseSearch::new(t.db.clone()))],
        );

        let results = search
            .search(&query("q=грант"), today())
            .await
            .expect("answers");

        assert!(results.degraded);
        assert_eq!(results.engine, "database");
        assert!(results.total > 0);
        assert_eq!(search.degraded_total(), 1);
    }
}
