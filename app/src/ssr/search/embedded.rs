//! The embedded search engine: tantivy in `DATA_DIR/search`, no server to run.
//!
//! Matching follows Meilisearch's defaults so the two engines agree: every query word must match
//! (dropping words from the end when nothing matches, Meilisearch's `last` strategy), typos by
//! word length, a prefix on the last word, title matches above summary above body. The words
//! themselves are prepared in `domain::text` for both engines.
//!
//! Generations: the index lives in `search/gen-NNNNNN/`, and `search/CURRENT` names the live one.
//! A rebuild writes a new generation and then replaces `CURRENT` by an atomic rename, so
//! searches are answered from the old generation until the new one is complete, and a crash
//! mid-rebuild leaves the old one in place. A running server notices a new `CURRENT` written by
//! `server reindex` within a couple of seconds.

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, Term,
};

use super::{SearchError, SearchIndex};
use crate::domain::search::{Facets, SearchDoc, SearchHit, SearchQuery, SearchResults, SortOrder};
use crate::domain::text::{self, QueryPart, QueryTerm};

/// The tokenizer of analysed text: `domain::text::analyze` has already folded and stemmed every
/// word, so splitting on spaces is all that is left to do.
const TOKENIZER: &str = "terms";
/// Writer memory budget; tantivy needs at least 15 MB per thread.
const WRITER_HEAP_BYTES: usize = 50_000_000;
/// How often a search checks whether `CURRENT` names a new generation.
const GENERATION_CHECK: Duration = Duration::from_secs(2);
/// Facet value for programmes open to every sector.
const ANY_SECTOR: &str = "any";
/// Facet value for nationwide programmes.
const NATIONWIDE: &str = "nationwide";

/// The embedded engine.
pub struct EmbeddedIndex {
    root: PathBuf,
    live: RwLock<Arc<Generation>>,
    last_check: Mutex<Instant>,
    check_every: Duration,
}

/// One generation of the index on disk, open for reading and writing.
struct Generation {
    name: String,
    index: Index,
    reader: IndexReader,
    /// Opened on the first write, so that a process that only searches or rebuilds (like
    /// `server reindex` beside a running server) never contends for the generation's lock.
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    hit: Field,
    /// Per text, a field of folded words (typos, prefixes) and one of stems (word forms).
    title: (Field, Field),
    summary: (Field, Field),
    body: (Field, Field),
    kind: Field,
    sector: Field,
    region: Field,
    deadline: Field,
    amount: Field,
    rate: Field,
    updated_at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let f = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        // The result card as JSON, so a page of results needs no database round trip.
        hit: b.add_text_field("hit", STORED),
        title: (
            b.add_text_field("title", text.clone()),
            b.add_text_field("title_stems", text.clone()),
        ),
        summary: (
            b.add_text_field("summary", text.clone()),
            b.add_text_field("summary_stems", text.clone()),
        ),
        body: (
            b.add_text_field("body", text.clone()),
            b.add_text_field("body_stems", text),
        ),
        kind: b.add_facet_field("kind", FacetOptions::default()),
        sector: b.add_facet_field("sector", FacetOptions::default()),
        region: b.add_facet_field("region", FacetOptions::default()),
        // Days since 1970-01-01; no deadline is i64::MAX so that it sorts last.
        deadline: b.add_i64_field("deadline", INDEXED | FAST),
        amount: b.add_i64_field("amount", FAST),
        rate: b.add_i64_field("rate", FAST),
        updated_at: b.add_i64_field("updated_at", STORED | FAST),
    };
    (b.build(), f)
}

fn engine_err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}

fn days(date: NaiveDate) -> i64 {
    i64::from(date.signed_duration_since(NaiveDate::default()).num_days() as i32)
}

impl Generation {
    fn create(dir: &Path, name: &str) -> Result<Generation, SearchError> {
        let path = dir.join(name);
        std::fs::create_dir_all(&path)
            .map_err(|e| SearchError::Unavailable(format!("{}: {e}", path.display())))?;
        let (schema, _) = schema();
        let index = Index::create_in_dir(&path, schema).map_err(engine_err)?;
        Generation::from_index(index, name)
    }

    fn open(dir: &Path, name: &str) -> Result<Generation, SearchError> {
        let index =
            Index::open_in_dir(dir.join(name)).map_err(|e| SearchError::Corrupt(e.to_string()))?;
        // A generation written by an older schema is as good as corrupt: rebuild it.
        if index.schema() != schema().0 {
            return Err(SearchError::Corrupt(format!(
                "{name}: schema differs from this version's"
            )));
        }
        Generation::from_index(index, name)
    }

    fn from_index(index: Index, name: &str) -> Result<Generation, SearchError> {
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::from(WhitespaceTokenizer::default()),
        );
        let (_, f) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(engine_err)?;
        Ok(Generation {
            name: name.to_owned(),
            index,
            reader,
            writer: Mutex::new(None),
            f,
        })
    }

    /// Runs `op` with the generation's writer, opening it on first use.
    fn with_writer<T>(
        &self,
        op: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut slot = self
            .writer
            .lock()
            .map_err(|_| SearchError::Engine("index writer poisoned".into()))?;
        if slot.is_none() {
            // One indexing thread: writes are small and rare, and the machine serves requests.
            let writer =
                self.index
                    .writer_with_num_threads(1, WRITER_HEAP_BYTES)
                    .map_err(|e| match e {
                        tantivy::TantivyError::LockFailure(..) => SearchError::Unavailable(
                            format!("index {} is locked by another process", self.name),
                        ),
                        other => engine_err(other),
                    })?;
            *slot = Some(writer);
        }
        match slot.as_mut() {
            Some(writer) => op(writer),
            None => Err(SearchError::Engine("index writer missing".into())),
        }
    }

    fn document(&self, doc: &SearchDoc) -> Result<TantivyDocument, SearchError> {
        let f = &self.f;
        let hit = serde_json::to_string(&SearchHit::from(doc)).map_err(engine_err)?;
        let mut d = TantivyDocument::default();
        d.add_i64(f.id, doc.id);
        d.add_text(f.hit, hit);
        let texts = [
            (f.title, format!("{} {}", doc.title_ru, doc.title_kk)),
            (f.summary, format!("{} {}", doc.summary_ru, doc.summary_kk)),
            (
                f.body,
                format!("{} {} {}", doc.operator_ru, doc.operator_kk, doc.body),
            ),
        ];
        for ((words, stems), text) in texts {
            d.add_text(words, text::words(&text));
            d.add_text(stems, text::stems(&text));
        }
        d.add_facet(f.kind, Facet::from_path([doc.kind.as_str()]));
        if doc.sectors.is_empty() {
            d.add_facet(f.sector, Facet::from_path([ANY_SECTOR]));
        }
        for sector in &doc.sectors {
            d.add_facet(f.sector, Facet::from_path([sector.as_str()]));
        }
        if doc.regions.is_empty() {
            d.add_facet(f.region, Facet::from_path([NATIONWIDE]));
        }
        for region in &doc.regions {
            d.add_facet(f.region, Facet::from_path([region.as_str()]));
        }
        d.add_i64(f.deadline, doc.deadline.map_or(i64::MAX, days));
        d.add_i64(f.amount, doc.amount_max_kzt.unwrap_or(i64::MIN));
        d.add_i64(f.rate, doc.rate_bps.map_or(i64::MAX, i64::from));
        d.add_i64(f.updated_at, doc.updated_at);
        Ok(d)
    }

    fn write(
        &self,
        op: impl FnOnce(&IndexWriter, &Fields) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            op(writer, &self.f)?;
            writer.commit().map_err(engine_err)?;
            Ok(())
        })?;
        self.reader.reload().map_err(engine_err)
    }
}

impl EmbeddedIndex {
    /// Opens the live generation under `root`, creating an empty index on first use. A
    /// generation that cannot be read gives [`SearchError::Corrupt`]; see [`EmbeddedIndex::recreate`].
    pub fn open(root: &Path) -> Result<EmbeddedIndex, SearchError> {
        std::fs::create_dir_all(root)
            .map_err(|e| SearchError::Unavailable(format!("{}: {e}", root.display())))?;
        let generation = match read_current(root) {
            Some(name) => Generation::open(root, &name)?,
            None => {
                let g = Generation::create(root, &next_generation_name(root))?;
                write_current(root, &g.name)?;
                g
            }
        };
        remove_stale_generations(root, &generation.name);
        Ok(EmbeddedIndex::new(root, generation))
    }

    fn new(root: &Path, generation: Generation) -> EmbeddedIndex {
        EmbeddedIndex {
            root: root.to_path_buf(),
            live: RwLock::new(Arc::new(generation)),
            last_check: Mutex::new(Instant::now()),
            check_every: GENERATION_CHECK,
        }
    }

    /// Changes how often searches look for a generation published by another process.
    pub fn with_generation_check(mut self, every: Duration) -> EmbeddedIndex {
        self.check_every = every;
        self
    }

    /// Starts over with a new, empty generation (after [`SearchError::Corrupt`]); the caller
    /// refills it from the database.
    pub fn recreate(root: &Path) -> Result<EmbeddedIndex, SearchError> {
        std::fs::create_dir_all(root)
            .map_err(|e| SearchError::Unavailable(format!("{}: {e}", root.display())))?;
        let g = Generation::create(root, &next_generation_name(root))?;
        write_current(root, &g.name)?;
        remove_stale_generations(root, &g.name);
        Ok(EmbeddedIndex::new(root, g))
    }

    /// The live generation, switching to a newer one if `server reindex` has published it.
    fn live(&self) -> Result<Arc<Generation>, SearchError> {
        let due = self.last_check.lock().map(|mut last| {
            let due = last.elapsed() >= self.check_every;
            if due {
                *last = Instant::now();
            }
            due
        });
        let current = self
            .live
            .read()
            .map_err(|_| SearchError::Engine("index lock poisoned".into()))?
            .clone();
        if due.unwrap_or(false)
            && let Some(name) = read_current(&self.root)
            && name != current.name
        {
            let newer = Arc::new(Generation::open(&self.root, &name)?);
            tracing::info!(generation = %name, "switched to a rebuilt search index");
            if let Ok(mut live) = self.live.write() {
                *live = newer.clone();
            }
            return Ok(newer);
        }
        Ok(current)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(Arc<Generation>) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let generation = self.live()?;
        // tantivy is synchronous and CPU-bound: keep it off the async workers.
        tokio::task::spawn_blocking(move || work(generation))
            .await
            .map_err(|e| SearchError::Engine(format!("search task failed: {e}")))?
    }
}

#[async_trait::async_trait]
impl SearchIndex for EmbeddedIndex {
    fn engine(&self) -> &'static str {
        "embedded"
    }

    async fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let docs = docs.to_vec();
        self.blocking(move |g| {
            let prepared = docs
                .iter()
                .map(|d| Ok((d.id, g.document(d)?)))
                .collect::<Result<Vec<_>, SearchError>>()?;
            g.write(|w, f| {
                for (id, doc) in prepared {
                    w.delete_term(Term::from_field_i64(f.id, id));
                    w.add_document(doc).map_err(engine_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        let ids = ids.to_vec();
        self.blocking(move |g| {
            g.write(|w, f| {
                for id in ids {
                    w.delete_term(Term::from_field_i64(f.id, id));
                }
                Ok(())
            })
        })
        .await
    }

    async fn search(
        &self,
        query: &SearchQuery,
        open_on: NaiveDate,
    ) -> Result<SearchResults, SearchError> {
        let query = query.clone();
        let started = Instant::now();
        let mut results = self
            .blocking(move |g| run_search(&g, &query, open_on))
            .await?;
        results.took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(results)
    }

    async fn flush(&self) -> Result<(), SearchError> {
        // Every write commits and reloads the reader before returning, so a finished write is
        // already visible; reloading again covers a generation switched to by `live()`.
        self.blocking(|g| g.reader.reload().map_err(engine_err))
            .await
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.blocking(|g| Ok(g.reader.searcher().num_docs())).await
    }

    async fn rebuild(
        &self,
        docs: Vec<SearchDoc>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(), SearchError> {
        let root = self.root.clone();
        let name = next_generation_name(&root);
        let fresh = {
            let root = root.clone();
            let name = name.clone();
            tokio::task::spawn_blocking(move || Generation::create(&root, &name))
                .await
                .map_err(|e| SearchError::Engine(e.to_string()))??
        };
        let fresh = Arc::new(fresh);
        let mut done = 0u64;
        for chunk in docs.chunks(1000) {
            let chunk = chunk.to_vec();
            let g = fresh.clone();
            let n = chunk.len() as u64;
            tokio::task::spawn_blocking(move || {
                g.with_writer(|writer| {
                    for doc in &chunk {
                        writer.add_document(g.document(doc)?).map_err(engine_err)?;
                    }
                    Ok(())
                })
            })
            .await
            .map_err(|e| SearchError::Engine(e.to_string()))??;
            done += n;
            progress(done);
        }
        let g = fresh.clone();
        tokio::task::spawn_blocking(move || {
            g.with_writer(|writer| writer.commit().map(|_| ()).map_err(engine_err))?;
            g.reader.reload().map_err(engine_err)
        })
        .await
        .map_err(|e| SearchError::Engine(e.to_string()))??;
        // Publish: from here on every search, in this process and others, uses the new generation.
        write_current(&root, &name)?;
        let old = {
            let mut live = self
                .live
                .write()
                .map_err(|_| SearchError::Engine("index lock poisoned".into()))?;
            std::mem::replace(&mut *live, fresh)
        };
        drop(old);
        remove_stale_generations(&root, &name);
        Ok(())
    }
}

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

fn run_search(
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

fn read_current(root: &Path) -> Option<String> {
    let name = std::fs::read_to_string(root.join("CURRENT")).ok()?;
    let name = name.trim();
    (name.starts_with("gen-") && root.join(name).is_dir()).then(|| name.to_owned())
}

fn write_current(root: &Path, name: &str) -> Result<(), SearchError> {
    let tmp = root.join("CURRENT.tmp");
    let io = |e: std::io::Error| SearchError::Unavailable(format!("{}: {e}", root.display()));
    std::fs::write(&tmp, name).map_err(io)?;
    // rename(2) replaces CURRENT atomically: readers see the old name or the new, never half.
    std::fs::rename(&tmp, root.join("CURRENT")).map_err(io)
}

fn generation_numbers(root: &Path) -> Vec<u64> {
    std::fs::read_dir(root)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_prefix("gen-"))
                        .and_then(|n| n.parse().ok())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn next_generation_name(root: &Path) -> String {
    let next = generation_numbers(root).into_iter().max().unwrap_or(0) + 1;
    format!("gen-{next:06}")
}

/// Removes generations other than the live one. Best effort: a failure only leaves disk used.
fn remove_stale_generations(root: &Path, live: &str) {
    for n in generation_numbers(root) {
        let name = format!("gen-{n:06}");
        if name != live
            && let Err(e) = std::fs::remove_dir_all(root.join(&name))
        {
            tracing::warn!(generation = %name, error = %e, "could not remove an old search index generation");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::search::contract;

    #[tokio::test]
    async fn the_embedded_index_meets_the_search_contract() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        let failures = contract::check(&index).await;
        assert!(
            failures.is_empty(),
            "contract failures:\n{}",
            failures.join("\n")
        );
    }

    #[tokio::test]
    async fn a_reopened_index_keeps_its_documents_and_a_rebuild_leaves_one_generation() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let index = EmbeddedIndex::open(dir.path()).expect("opens");
            index
                .rebuild(contract::corpus(), &|_| {})
                .await
                .expect("rebuilds");
        }
        let index = EmbeddedIndex::open(dir.path()).expect("reopens");
        assert_eq!(
            index.count().await.expect("counts"),
            contract::corpus().len() as u64
        );
        let generations = generation_numbers(&dir.path().join(""));
        assert_eq!(
            generations.len(),
            1,
            "old generations are removed: {generations:?}"
        );
    }

    #[tokio::test]
    async fn a_rebuild_by_another_process_is_picked_up_by_a_running_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = EmbeddedIndex::open(dir.path())
            .expect("opens")
            .with_generation_check(Duration::ZERO);
        server
            .upsert(&contract::corpus()[..2])
            .await
            .expect("writes");
        assert_eq!(server.count().await.expect("counts"), 2);
        // `server reindex` in another process: its own handle on the same directory.
        let cli = EmbeddedIndex::open(dir.path()).expect("opens beside the server");
        cli.rebuild(contract::corpus(), &|_| {})
            .await
            .expect("rebuilds while the server has a writer");
        assert_eq!(
            server.count().await.expect("counts"),
            contract::corpus().len() as u64
        );
    }

    #[tokio::test]
    async fn an_unreadable_index_is_reported_as_corrupt_and_can_be_recreated() {
        let dir = tempfile::tempdir().expect("temp dir");
        let name = {
            let index = EmbeddedIndex::open(dir.path()).expect("opens");
            index.upsert(&contract::corpus()).await.expect("writes");
            read_current(dir.path()).expect("has a current generation")
        };
        std::fs::write(dir.path().join(&name).join("meta.json"), "{ not json").expect("sabotage");
        assert!(matches!(
            EmbeddedIndex::open(dir.path()),
            Err(SearchError::Corrupt(_))
        ));
        let fresh = EmbeddedIndex::recreate(dir.path()).expect("recreates");
        assert_eq!(fresh.count().await.expect("counts"), 0);
        assert!(
            EmbeddedIndex::open(dir.path()).is_ok(),
            "the new generation is the live one"
        );
    }
}
