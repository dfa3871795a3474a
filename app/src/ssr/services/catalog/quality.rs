//! How good and how consistent the catalogue search is: the judged queries
//! (`app/fixtures/search/judged.json`) with nDCG@10 and recall, and the side-by-side comparison
//! of two engines (totals, facets, the first ten) over a set of queries and filters. Used by the
//! real-server tests and by `make bench` (`server/benches/search.rs`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::search;
use crate::domain::search::{SearchDoc, SearchQuery, SearchResults};
use crate::ssr::search::SearchIndex;

/// How synthetic programmes (`server seed --synthetic`) are graded for a query.
#[derive(Clone, Debug, Deserialize)]
pub struct SyntheticRule {
    /// Only those whose Russian title holds `на <purpose>`.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Only those of this kind (its code).
    #[serde(default)]
    pub kind: Option<String>,
    /// The grade of a nationwide one.
    pub nationwide: u8,
    /// The grade of a regional one.
    pub regional: u8,
}

/// A judged query.
#[derive(Clone, Debug, Deserialize)]
pub struct Judged {
    /// What is typed.
    pub q: String,
    /// `ru` or `kk`.
    pub lang: String,
    /// Grades of real programmes by slug.
    #[serde(default)]
    pub slugs: BTreeMap<String, u8>,
    /// Grades of synthetic programmes.
    #[serde(default)]
    pub synthetic: Option<SyntheticRule>,
    /// Why the query is there.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct File {
    queries: Vec<Judged>,
}

/// The judged queries.
pub fn judged() -> Vec<Judged> {
    serde_json::from_str::<File>(include_str!("../../../../fixtures/search/judged.json"))
        .map(|f| f.queries)
        .unwrap_or_default()
}

impl Judged {
    /// The grade of a programme for this query: 0 to 3.
    pub fn grade(&self, doc: &SearchDoc) -> u8 {
        if let Some(g) = self.slugs.get(&doc.slug) {
            return *g;
        }
        match &self.synthetic {
            Some(rule) if doc.slug.starts_with("synthetic-") => {
                let purpose = rule
                    .purpose
                    .as_ref()
                    .is_none_or(|p| doc.title_ru.contains(&format!("на {p}")));
                let kind = rule.kind.as_ref().is_none_or(|k| doc.kind.as_str() == k);
                match (purpose && kind, doc.regions.is_empty()) {
                    (false, _) => 0,
                    (true, true) => rule.nationwide,
                    (true, false) => rule.regional,
                }
            }
            _ => 0,
        }
    }
}

/// Discounted cumulative gain of grades in order, over the first `k`.
fn dcg(grades: &[u8], k: usize) -> f64 {
    grades
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| (2f64.powi(i32::from(*g)) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@k of `ranked` (the grades of the results in order) against every grade there is.
pub fn ndcg(ranked: &[u8], all: &[u8], k: usize) -> f64 {
    let mut ideal = all.to_vec();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&ideal, k);
    if best == 0.0 {
        1.0
    } else {
        dcg(ranked, k) / best
    }
}

/// The judged set's figures for one engine.
#[derive(Clone, Debug, Default)]
pub struct Quality {
    /// Queries judged.
    pub queries: usize,
    /// Mean nDCG@10.
    pub ndcg10: f64,
    /// Mean share of the programmes graded 2 or 3 found among the first 1,000 results (over the
    /// queries that have any).
    pub recall: f64,
    /// Per query: (query, nDCG@10, recall).
    pub per_query: Vec<(String, f64, Option<f64>)>,
}

/// Runs every judged query through the catalogue service on `engine` and grades the answers
/// against `docs` (every programme the engine holds).
pub async fn quality(
    engine: &dyn SearchIndex,
    docs: &[SearchDoc],
    today: NaiveDate,
) -> Result<Quality, super::ServiceError> {
    let mut out = Quality::default();
    let by_id: BTreeMap<i64, &SearchDoc> = docs.iter().map(|d| (d.id, d)).collect();
    for j in judged() {
        let all: Vec<u8> = docs.iter().map(|d| j.grade(d)).collect();
        let relevant = all.iter().filter(|g| **g >= 2).count();
        let mut found = Vec::new();
        for page in 1..=10 {
            let q = SearchQuery {
                text: j.q.clone(),
                per_page: 100,
                page,
                ..SearchQuery::default()
            };
            let r = search(engine, &q, today).await?;
            let n = r.hits.len();
            found.extend(r.hits.into_iter().map(|h| h.id));
            if n < 100 || page == 1 && relevant == 0 {
                break;
            }
        }
        let grades: Vec<u8> = found
            .iter()
            .map(|id| by_id.get(id).map_or(0, |d| j.grade(d)))
            .collect();
        let n = ndcg(&grades, &all, 10);
        let recall = (relevant > 0)
            .then(|| grades.iter().filter(|g| **g >= 2).count() as f64 / relevant as f64);
        out.per_query.push((j.q.clone(), n, recall));
    }
    out.queries = out.per_query.len();
    out.ndcg10 = out.per_query.iter().map(|(_, n, _)| n).sum::<f64>() / out.queries.max(1) as f64;
    let recalls: Vec<f64> = out.per_query.iter().filter_map(|(_, _, r)| *r).collect();
    out.recall = recalls.iter().sum::<f64>() / recalls.len().max(1) as f64;
    Ok(out)
}

/// The filters every judged query is tried with when engines are compared.
pub const FILTERS: [&str; 5] = [
    "",
    "&kind=microcredit",
    "&region=610000000",
    "&sector=livestock&sort=deadline",
    "&sort=amount&page=2",
];

/// The searches engines are compared on: every judged query with every filter of [`FILTERS`],
/// and the filters alone.
pub fn comparison_queries() -> Vec<SearchQuery> {
    let mut out = Vec::new();
    let texts = std::iter::once(String::new()).chain(judged().into_iter().map(|j| j.q));
    for text in texts {
        for filter in FILTERS {
            let qs = format!(
                "q={}{filter}",
                crate::domain::params::encode_component(&text)
            );
            if let Ok(q) = SearchQuery::from_query_string(&qs) {
                out.push(q);
            }
        }
    }
    out
}

/// How two engines compare on a set of searches.
#[derive(Clone, Debug, Default)]
pub struct Agreement {
    /// Searches compared.
    pub cases: usize,
    /// With the same total.
    pub same_total: usize,
    /// With the same facet counts.
    pub same_facets: usize,
    /// With the same programmes, in the same order, on the page (up to ten).
    pub same_top: usize,
    /// Every difference, described.
    pub differences: Vec<String>,
}

fn top(r: &SearchResults) -> Vec<String> {
    r.hits.iter().take(10).map(|h| h.slug.clone()).collect()
}

/// Runs every search on both engines (through the catalogue service) and compares the answers.
pub async fn compare(
    a: &dyn SearchIndex,
    b: &dyn SearchIndex,
    queries: &[SearchQuery],
    today: NaiveDate,
) -> Result<Agreement, super::ServiceError> {
    let mut out = Agreement::default();
    for q in queries {
        let (ra, rb) = (search(a, q, today).await?, search(b, q, today).await?);
        out.cases += 1;
        let name = q.to_query_string();
        if ra.total == rb.total {
            out.same_total += 1;
        } else {
            out.differences.push(format!(
                "{name}: total {} ({}) vs {} ({})",
                ra.total, ra.engine, rb.total, rb.engine
            ));
        }
        if ra.facets == rb.facets {
            out.same_facets += 1;
        } else {
            out.differences
                .push(format!("{name}: facets {:?} vs {:?}", ra.facets, rb.facets));
        }
        let (ta, tb) = (top(&ra), top(&rb));
        if ta == tb {
            out.same_top += 1;
        } else {
            out.differences
                .push(format!("{name}: first ten {ta:?} vs {tb:?}"));
        }
    }
    Ok(out)
}
