//! Searching the embedded index: the query built from `domain::text`'s rule, filters,
//! disjunctive facets and sort keys.

use std::ops::Bound;

use chrono::NaiveDate;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, Score, SegmentReader, Term};

use super::schema::{ANY_SECTOR, Fields, NATIONWIDE, days};
use super::{Generation, engine_err};
use crate::domain::search::{Facets, SearchHit, SearchQuery, SearchResults, SortOrder};
use crate::domain::text::{QueryPart, QueryTerm};
use crate::ssr::search::SearchError;

/// Builds the tantivy query for the text: every part must match somewhere.
fn text_query(f: &Fields, parts: &[QueryPart]) -> Box<dyn Query> {
    if parts.is_empty() {
        return Box::new(AllQuery);
    }
    let clauses = parts
        .iter()
        .map(|p| (Occur::Must, part_query(f, p)))
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// One query part in any of the text fields, title weighted most.
fn part_query(f: &Fields, part: &QueryPart) -> Box<dyn Query> {
    let fields = [(f.title, 3.0), (f.summary, 1.5), (f.body, 1.0)];
    let per_field = fields
        .iter()
        .map(|&(field, boost)| {
            let q: Box<dyn Query> = match part {
                QueryPart::Term(t) => term_query(field, t),
                QueryPart::AnyOf(alternatives) => Box::new(BooleanQuery::new(
                    alternatives
                        .iter()
                        .map(|phrase| (Occur::Should, phrase_query(field, phrase)))
                        .collect(),
                )),
            };
            (
                Occur::Should,
                Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(per_field))
}

/// A word, by the rule of `QueryTerm::matches`: the same word or stem (scored by BM25, so exact
/// matches rank first), a word within the typo budget, or a prefix if it is the last word.
fn term_query((words, stems): (Field, Field), t: &QueryTerm) -> Box<dyn Query> {
    let word = Term::from_field_text(words, &t.folded);
    let mut options: Vec<(Occur, Box<dyn Query>)> = vec![
        (
            Occur::Should,
            Box::new(TermQuery::new(word.clone(), IndexRecordOption::WithFreqs)),
        ),
        (
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(stems, &t.stem),
                IndexRecordOption::WithFreqs,
            )),
        ),
    ];
    if t.typos > 0 {
        options.push((
            Occur::Should,
            Box::new(FuzzyTermQuery::new(word.clone(), t.typos, true)),
        ));
    }
    if t.prefix {
        options.push((
            Occur::Should,
            Box::new(FuzzyTermQuery::new_prefix(word, t.typos, true)),
        ));
    }
    Box::new(BooleanQuery::new(options))
}

/// A synonym: one word, or a phrase whose words appear in order, as written or in another form.
fn phrase_query((words, stems): (Field, Field), phrase: &[QueryTerm]) -> Box<dyn Query> {
    let exact = |field: Field, pick: fn(&QueryTerm) -> &str| -> Box<dyn Query> {
        match phrase {
            [single] => Box::new(TermQuery::new(
                Term::from_field_text(field, pick(single)),
                IndexRecordOption::WithFreqs,
            )),
            many => Box::new(PhraseQuery::new(
                many.iter()
                    .map(|w| Term::from_field_text(field, pick(w)))
                    .collect(),
            )),
        }
    };
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, exact(words, |t| &t.folded)),
        (Occur::Should, exact(stems, |t| &t.stem)),
    ]))
}

/// Which filters to apply; facets are counted without their own filter.
#[derive(Clone, Copy)]
struct FilterSet {
    kind: bool,
    sector: bool,
    region: bool,
}

fn filtered(
    g: &Generation,
    q: &SearchQuery,
    text: Box<dyn Query>,
    open_on: NaiveDate,
    use_: FilterSet,
) -> Box<dyn Query> {
    let f = &g.f;
    let facet_term = |field: Field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(field, &Facet::from_path([value])),
            IndexRecordOption::Basic,
        ))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
    clauses.push((
        Occur::Must,
        Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.deadline, days(open_on))),
            Bound::Unbounded,
        )),
    ));
    if use_.kind
        && let Some(kind) = q.kind
    {
        clauses.push((Occur::Must, facet_term(f.kind, kind.as_str())));
    }
    if use_.sector
        && let Some(sector) = q.sector
    {
        let either = vec![
            (Occur::Should, facet_term(f.sector, sector.as_str())),
            (Occur::Should, facet_term(f.sector, ANY_SECTOR)),
        ];
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
    }
    if use_.region
        && let Some(region) = &q.region
    {
        let either = vec![
            (Occur::Should, facet_term(f.region, region.as_str())),
            (Occur::Should, facet_term(f.region, NATIONWIDE)),
        ];
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The sort key of a document: larger keys come first.
type SortKey = (i64, Score, i64);

pub(super) fn run_search(
    g: &Generation,
    q: &SearchQuery,
    open_on: NaiveDate,
) -> Result<SearchResults, SearchError> {
    let searcher = g.reader.searcher();
    let all = FilterSet {
        kind: true,
        sector: true,
        region: true,
    };
    let mut parts = q.parts();

    // Meilisearch's `last` matching strategy: if nothing matches every word, drop words from
    // the end until something does.
    let (total, page) = loop {
        let query = filtered(g, q, text_query(&g.f, &parts), open_on, all);
        let top = TopDocs::with_limit(q.per_page as usize)
            .and_offset(q.offset())
            .tweak_score(sort_key(g.f, q.sort, !parts.is_empty()));
        let (total, page): (usize, Vec<(SortKey, DocAddress)>) = searcher
            .search(&*query, &(Count, top))
            .map_err(engine_err)?;
        if total > 0 || parts.len() <= 1 {
            break (total, page);
        }
        parts.pop();
    };

    let facet_counts = |field: Field, use_: FilterSet| -> Result<FacetCounts, SearchError> {
        let mut collector = FacetCollector::for_field(searcher.schema().get_field_name(field));
        collector.add_facet(Facet::root());
        let query = filtered(g, q, text_query(&g.f, &parts), open_on, use_);
        searcher.search(&*query, &collector).map_err(engine_err)
    };
    let kinds = facet_counts(g.f.kind, FilterSet { kind: false, ..all })?;
    let sectors = facet_counts(
        g.f.sector,
        FilterSet {
            sector: false,
            ..all
        },
    )?;
    let regions = facet_counts(
        g.f.region,
        FilterSet {
            region: false,
            ..all
        },
    )?;

    let mut facets = Facets::default();
    for (facet, count) in kinds.get(Facet::root()) {
        facets.kind.insert(leaf(facet), count);
    }
    // Programmes open to every sector (or nationwide) are available in each one: count them in.
    let any_sector = sectors
        .get(Facet::root())
        .find(|(f, _)| leaf(f) == ANY_SECTOR)
        .map_or(0, |(_, c)| c);
    for sector in crate::domain::catalog::Sector::ALL {
        let own = sectors
            .get(Facet::root())
            .find(|(f, _)| leaf(f) == sector.as_str())
            .map_or(0, |(_, c)| c);
        if own + any_sector > 0 {
            facets
                .sector
                .insert(sector.as_str().into(), own + any_sector);
        }
    }
    let nationwide = regions
        .get(Facet::root())
        .find(|(f, _)| leaf(f) == NATIONWIDE)
        .map_or(0, |(_, c)| c);
    for region in crate::domain::location::REGIONS {
        let own = regions
            .get(Facet::root())
            .find(|(f, _)| leaf(f) == region.code)
            .map_or(0, |(_, c)| c);
        if own + nationwide > 0 {
            facets.region.insert(region.code.into(), own + nationwide);
        }
    }

    let hits = page
        .into_iter()
        .map(|(_, address)| {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine_err)?;
            let json = doc
                .get_first(g.f.hit)
                .and_then(|v| v.as_str())
                .ok_or_else(|| SearchError::Corrupt("hit without its card".into()))?;
            serde_json::from_str::<SearchHit>(json).map_err(|e| SearchError::Corrupt(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;

    Ok(SearchResults {
        total: total as u64,
        hits,
        facets,
        took_ms: 0,
        engine: "embedded".into(),
        degraded: false,
        corrected: None,
    })
}

fn leaf(facet: &Facet) -> String {
    facet
        .to_path()
        .last()
        .map(|s| (*s).to_owned())
        .unwrap_or_default()
}

/// Builds the per-segment sort key function for an order. Ties are broken by id, so paging is
/// stable.
fn sort_key(
    f: Fields,
    sort: SortOrder,
    has_text: bool,
) -> impl Fn(&SegmentReader) -> Box<dyn Fn(tantivy::DocId, Score) -> SortKey> + Send + Sync + 'static
{
    move |segment: &SegmentReader| {
        let column = |field: Field, default: i64| {
            let name = segment.schema().get_field_name(field).to_owned();
            segment
                .fast_fields()
                .i64(&name)
                .ok()
                .map(|c| c.first_or_default_col(default))
        };
        let id = column(f.id, 0);
        let value =
            |c: &Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>>,
             doc: tantivy::DocId,
             default: i64| { c.as_ref().map_or(default, |c| c.get_val(doc)) };
        match (sort, has_text) {
            (SortOrder::Relevance, true) => {
                Box::new(move |doc, score| (0, score, -value(&id, doc, 0)))
            }
            // With no words to rank by, "relevance" means the most urgent first.
            (SortOrder::Relevance, false) | (SortOrder::Deadline, _) => {
                let deadline = column(f.deadline, i64::MAX);
                Box::new(move |doc, score| {
                    (
                        -value(&deadline, doc, i64::MAX).min(i64::MAX - 1),
                        score,
                        -value(&id, doc, 0),
                    )
                })
            }
            (SortOrder::Amount, _) => {
                let amount = column(f.amount, i64::MIN);
                Box::new(move |doc, score| {
                    (value(&amount, doc, i64::MIN), score, -value(&id, doc, 0))
                })
            }
            (SortOrder::Rate, _) => {
                let rate = column(f.rate, i64::MAX);
                Box::new(move |doc, score| {
                    (
                        -value(&rate, doc, i64::MAX).min(i64::MAX - 1),
                        score,
                        -value(&id, doc, 0),
                    )
                })
            }
        }
    }
}
