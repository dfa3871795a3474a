//! The last fallback: search answered from the database itself, with the same matching rule as
//! the engines (`domain::text`), over a short-lived snapshot of the open programmes. Slower and
//! with simpler ranking than an index, but it needs nothing that can be lost or unreachable.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;

use super::{SearchError, SearchIndex};
use crate::domain::location::REGIONS;
use crate::domain::search::{Facets, SearchDoc, SearchHit, SearchQuery, SearchResults, SortOrder};
use crate::domain::text::{self, QueryPart};
use crate::ssr::db;

/// How long a snapshot of the catalogue is reused.
const SNAPSHOT_TTL: Duration = Duration::from_secs(5);

/// A programme prepared for matching: its folded words per field.
struct Prepared {
    doc: SearchDoc,
    title: Vec<String>,
    summary: Vec<String>,
    body: Vec<String>,
}

/// The folded words of a text, then their Latin spellings (as the other engines index them).
fn words(text: &str) -> Vec<String> {
    let folded = text::tokens(text).map(|t| text::fold(t.text));
    let latin = text::tokens(text).flat_map(|t| text::latin(t.text));
    folded.chain(latin).collect()
}

/// The open programmes as read at a moment, for a day.
struct Snapshot {
    taken: Instant,
    day: NaiveDate,
    programmes: Arc<Vec<Prepared>>,
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

    async fn programmes(&self, today: NaiveDate) -> Result<Arc<Vec<Prepared>>, SearchError> {
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
        let prepared: Vec<Prepared> = docs
            .into_iter()
            .map(|doc| Prepared {
                title: words(&format!("{} {}", doc.title_ru, doc.title_kk)),
                summary: words(&format!("{} {}", doc.summary_ru, doc.summary_kk)),
                body: words(&format!(
                    "{} {} {}",
                    doc.operator_ru, doc.operator_kk, doc.body
                )),
                doc,
            })
            .collect();
        let prepared = Arc::new(prepared);
        if let Ok(mut guard) = self.snapshot.lock() {
            *guard = Some(Snapshot {
                taken: Instant::now(),
                day: today,
                programmes: prepared.clone(),
            });
        }
        Ok(prepared)
    }
}

/// Whether a part matches one of a field's words.
fn part_matches(part: &QueryPart, field: &[String]) -> bool {
    match part {
        QueryPart::Term(t) => field.iter().any(|w| t.matches(w)),
        QueryPart::AnyOf(alternatives) => alternatives.iter().any(|phrase| {
            phrase.iter().all(|t| {
                field
                    .iter()
                    .any(|w| w == &t.folded || text::stem(w) == t.stem)
            })
        }),
    }
}

/// A relevance score: title matches weigh most, as in the engines.
fn score(p: &Prepared, parts: &[QueryPart]) -> Option<f32> {
    let mut total = 0.0;
    for part in parts {
        let s = if part_matches(part, &p.title) {
            3.0
        } else if part_matches(part, &p.summary) {
            1.5
        } else if part_matches(part, &p.body) {
            1.0
        } else {
            return None;
        };
        total += s;
    }
    Some(total)
}

#[derive(Clone, Copy)]
struct Use {
    kind: bool,
    sector: bool,
    region: bool,
}

fn passes(d: &SearchDoc, q: &SearchQuery, open_on: NaiveDate, u: Use) -> bool {
    d.deadline.is_none_or(|dl| dl >= open_on)
        && (!u.kind || q.kind.is_none_or(|k| d.kind == k))
        && (!u.sector
            || q.sector
                .is_none_or(|s| d.sectors.is_empty() || d.sectors.contains(&s)))
        && (!u.region
            || q.region
                .as_ref()
                .is_none_or(|r| d.regions.is_empty() || d.regions.contains(r)))
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
        let all = self.programmes(open_on).await?;
        let mut parts = q.parts();
        let every = Use {
            kind: true,
            sector: true,
            region: true,
        };
        // The same `last` matching strategy as the engines.
        let matched: Vec<(&Prepared, f32)> = loop {
            let m: Vec<(&Prepared, f32)> = all
                .iter()
                .filter(|p| passes(&p.doc, q, open_on, every))
                .filter_map(|p| score(p, &parts).map(|s| (p, s)))
                .collect();
            if !m.is_empty() || parts.len() <= 1 {
                break m;
            }
            parts.pop();
        };
        let count = |u: Use| -> Vec<&SearchDoc> {
            all.iter()
                .filter(|p| passes(&p.doc, q, open_on, u) && score(p, &parts).is_some())
                .map(|p| &p.doc)
                .collect()
        };
        let mut facets = Facets::default();
        for d in count(Use {
            kind: false,
            ..every
        }) {
            *facets.kind.entry(d.kind.as_str().to_owned()).or_default() += 1;
        }
        let sector_docs = count(Use {
            sector: false,
            ..every
        });
        for sector in crate::domain::catalog::Sector::ALL {
            let n = sector_docs
                .iter()
                .filter(|d| d.sectors.is_empty() || d.sectors.contains(sector))
                .count() as u64;
            if n > 0 {
                facets.sector.insert(sector.as_str().into(), n);
            }
        }
        let region_docs = count(Use {
            region: false,
            ..every
        });
        for region in REGIONS {
            let n = region_docs
                .iter()
                .filter(|d| {
                    d.regions.is_empty() || d.regions.iter().any(|r| r.as_str() == region.code)
                })
                .count() as u64;
            if n > 0 {
                facets.region.insert(region.code.into(), n);
            }
        }

        let mut ranked = matched;
        let key = |d: &SearchDoc| -> (i64, i64) {
            match (q.sort, parts.is_empty()) {
                (SortOrder::Amount, _) => (-d.amount_max_kzt.unwrap_or(i64::MIN / 2), d.id),
                (SortOrder::Rate, _) => (d.rate_bps.map_or(i64::MAX, i64::from), d.id),
                (SortOrder::Deadline, _) | (SortOrder::Relevance, true) => (
                    d.deadline
                        .map_or(i64::MAX, |x| i64::from(x.num_days_from_ce())),
                    d.id,
                ),
                (SortOrder::Relevance, false) => (0, d.id),
            }
        };
        ranked.sort_by(|(a, sa), (b, sb)| {
            let by_score = if q.sort == SortOrder::Relevance && !parts.is_empty() {
                sb.total_cmp(sa)
            } else {
                std::cmp::Ordering::Equal
            };
            key(&a.doc)
                .0
                .cmp(&key(&b.doc).0)
                .then(by_score)
                .then(key(&a.doc).1.cmp(&key(&b.doc).1))
        });
        let total = ranked.len() as u64;
        let hits: Vec<SearchHit> = ranked
            .into_iter()
            .skip(q.offset())
            .take(q.per_page as usize)
            .map(|(p, _)| SearchHit::from(&p.doc))
            .collect();
        Ok(SearchResults {
            total,
            hits,
            facets,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
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
    use crate::ssr::testing::test_db;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
    }

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
