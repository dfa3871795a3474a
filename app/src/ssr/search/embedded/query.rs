//! Searching the embedded index by `domain::matching`'s rule: the terms a query reaches are
//! picked from the index's vocabulary, their postings say which programmes have them and where,
//! and the rule filters, counts, ranks and pages those programmes.

use std::collections::HashMap;

use chrono::NaiveDate;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use super::schema::{ANY_SECTOR_BIT, Fields, NATIONWIDE_BIT};
use super::{Generation, engine_err};
use crate::domain::matching::{self, Derived, Hit, Meta, Node, Plan};
use crate::domain::search::{SearchHit, SearchQuery, SearchResults};
use crate::ssr::search::SearchError;

fn postings(
    segment: &SegmentReader,
    field: Field,
    term: &str,
    positions: bool,
) -> Result<Option<SegmentPostings>, SearchError> {
    let option = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::Basic
    };
    segment
        .inverted_index(field)
        .map_err(engine_err)?
        .read_postings(&Term::from_field_text(field, term), option)
        .map_err(engine_err)
}

/// The documents of a segment in which `left` is directly followed by `right` in `field`.
fn adjacent(
    segment: &SegmentReader,
    field: Field,
    left: &str,
    right: &str,
) -> Result<Vec<DocId>, SearchError> {
    let (Some(mut l), Some(mut r)) = (
        postings(segment, field, left, true)?,
        postings(segment, field, right, true)?,
    ) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let (mut lp, mut rp) = (Vec::new(), Vec::new());
    loop {
        let (ld, rd) = (l.doc(), r.doc());
        if ld == TERMINATED || rd == TERMINATED {
            break;
        }
        if ld < rd {
            l.seek(rd);
        } else if rd < ld {
            r.seek(ld);
        } else {
            l.positions(&mut lp);
            r.positions(&mut rp);
            if lp.iter().any(|p| rp.binary_search(&(p + 1)).is_ok()) {
                out.push(ld);
            }
            l.advance();
        }
    }
    Ok(out)
}

/// The documents of a segment that have `left` directly followed by `right` in some field, each
/// with the best field in which it has `left` (how Meilisearch ranks a split word's field).
fn split_hits(
    segment: &SegmentReader,
    f: &Fields,
    left: &str,
    right: &str,
) -> Result<HashMap<DocId, u8>, SearchError> {
    let mut docs: HashMap<DocId, u8> = HashMap::new();
    for field in f.text {
        for doc in adjacent(segment, field, left, right)? {
            docs.insert(doc, u8::MAX);
        }
    }
    for (i, field) in f.text.iter().enumerate() {
        if let Some(mut p) = postings(segment, *field, left, false)? {
            while p.doc() != TERMINATED {
                if let Some(best) = docs.get_mut(&p.doc()) {
                    *best = (*best).min(i as u8);
                }
                p.advance();
            }
        }
    }
    Ok(docs)
}

/// How many programmes have `left` directly followed by `right` in some field.
fn pair_frequency(searcher: &Searcher, f: &Fields, left: &str, right: &str) -> u64 {
    let mut n = 0;
    for segment in searcher.segment_readers() {
        let mut docs: Vec<DocId> = Vec::new();
        for field in f.text {
            docs.extend(adjacent(segment, field, left, right).unwrap_or_default());
        }
        docs.sort_unstable();
        docs.dedup();
        n += docs.len() as u64;
    }
    n
}

/// How each node is found in each document of a segment (`None`: not found).
fn node_hits(
    segment: &SegmentReader,
    f: &Fields,
    derived: &[Derived],
) -> Result<Vec<Vec<Option<Hit>>>, SearchError> {
    let max_doc = segment.max_doc() as usize;
    let mut all = Vec::with_capacity(derived.len());
    for d in derived {
        let mut hits: Vec<Option<Hit>> = vec![None; max_doc];
        let mut record = |doc: DocId, hit: Hit| {
            if let Some(slot) = hits.get_mut(doc as usize) {
                *slot = Some(slot.map_or(hit, |h| h.merge(hit)));
            }
        };
        for (term, level) in &d.terms {
            for (i, field) in f.text.iter().enumerate() {
                if let Some(mut p) = postings(segment, *field, term, false)? {
                    while p.doc() != TERMINATED {
                        record(
                            p.doc(),
                            Hit {
                                field: i as u8,
                                level: *level,
                            },
                        );
                        p.advance();
                    }
                }
            }
        }
        if let Some((left, right)) = &d.split {
            for (doc, field) in split_hits(segment, f, left, right)? {
                record(doc, Hit { field, level: 1 });
            }
        }
        all.push(hits);
    }
    Ok(all)
}

/// The programme's meta from the fast fields.
struct MetaColumns {
    id: std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>,
    kind: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    sectors: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    regions: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    deadline: std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>,
    amount: std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>,
    rate: std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>,
}

impl MetaColumns {
    fn open(segment: &SegmentReader) -> Result<MetaColumns, SearchError> {
        let fast = segment.fast_fields();
        let i = |name: &str, default: i64| {
            fast.i64(name)
                .map(|c| c.first_or_default_col(default))
                .map_err(engine_err)
        };
        let u = |name: &str| {
            fast.u64(name)
                .map(|c| c.first_or_default_col(0))
                .map_err(engine_err)
        };
        Ok(MetaColumns {
            id: i("id", 0)?,
            kind: u("kind")?,
            sectors: u("sectors")?,
            regions: u("regions")?,
            deadline: i("deadline", matching::NO_DEADLINE)?,
            amount: i("amount", matching::NO_AMOUNT)?,
            rate: i("rate", matching::NO_RATE)?,
        })
    }

    fn get(&self, doc: DocId) -> Meta {
        let sectors = self.sectors.get_val(doc);
        let regions = self.regions.get_val(doc);
        Meta {
            id: self.id.get_val(doc),
            kind: u8::try_from(self.kind.get_val(doc)).unwrap_or(u8::MAX),
            sectors: sectors & !ANY_SECTOR_BIT,
            any_sector: sectors & ANY_SECTOR_BIT != 0,
            regions: regions & !NATIONWIDE_BIT,
            nationwide: regions & NATIONWIDE_BIT != 0,
            deadline: self.deadline.get_val(doc),
            amount: self.amount.get_val(doc),
            rate: self.rate.get_val(doc),
        }
    }
}

/// The answer for one plan (before dropping words).
fn evaluate(
    g: &Generation,
    searcher: &Searcher,
    plan: &Plan,
    q: &SearchQuery,
    open_on: NaiveDate,
) -> Result<matching::Answer<DocAddress>, SearchError> {
    let f = g.f;
    let nodes: Vec<Node> = plan.nodes();
    let vocabulary = g.vocabulary(searcher)?;
    let derived: Vec<Derived> = nodes
        .iter()
        .map(|n| vocabulary.derive(n, &mut |l, r| pair_frequency(searcher, &f, l, r)))
        .collect();
    let words = plan.words.len();
    let mut matching = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let columns = MetaColumns::open(segment)?;
        let hits = node_hits(segment, &f, &derived)?;
        let alive = |doc: DocId| segment.alive_bitset().is_none_or(|a| a.is_alive(doc));
        let mut consider = |doc: DocId| {
            if !alive(doc) {
                return;
            }
            if let Some(costs) = matching::costs(words, &nodes, |k| hits[k][doc as usize]) {
                matching.push((columns.get(doc), costs, DocAddress::new(ord as u32, doc)));
            }
        };
        if words == 0 {
            (0..segment.max_doc()).for_each(&mut consider);
        } else {
            // Only a document that has the first word (alone or in a concatenation) can match.
            for doc in 0..segment.max_doc() {
                let starts = nodes
                    .iter()
                    .zip(&hits)
                    .any(|(n, h)| n.first == 0 && h[doc as usize].is_some());
                if starts {
                    consider(doc);
                }
            }
        }
    }
    Ok(matching::answer(q, open_on, words > 0, matching))
}

/// Answers one plan (the caller drops words while nothing matches).
pub(super) fn run_search(
    g: &Generation,
    q: &SearchQuery,
    plan: &Plan,
    open_on: NaiveDate,
) -> Result<SearchResults, SearchError> {
    let searcher = g.reader.searcher();
    let answer = evaluate(g, &searcher, plan, q, open_on)?;
    let hits = answer
        .page
        .into_iter()
        .map(|address| {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine_err)?;
            let json = doc
                .get_first(g.f.hit)
                .and_then(|v| v.as_str())
                .ok_or_else(|| SearchError::Corrupt("hit without its card".into()))?;
            serde_json::from_str::<SearchHit>(json).map_err(|e| SearchError::Corrupt(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SearchResults {
        total: answer.total,
        hits,
        facets: answer.facets,
        took_ms: 0.0,
        engine: "embedded".into(),
        degraded: false,
        corrected: None,
    })
}
