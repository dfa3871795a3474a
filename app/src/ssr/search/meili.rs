//! Meilisearch, through `meilisearch-sdk`: the search engine at scale, shared by every app
//! instance.
//!
//! A real Meilisearch folds no Kazakh letters and knows no Russian word forms, so every
//! searchable text is sent as `domain::text::index_text` prepares it, and a query as the words of
//! `domain::matching::Plan`. The settings make Meilisearch apply exactly the rule written down in
//! `domain::matching`, which the embedded engine and the database fallback implement too: every
//! word must match (`matchingStrategy: all`; when nothing has them all, the adapter drops the last
//! word and asks again), the synonym tokens take no typo (`disableOnWords`), the last word is a
//! prefix only when the plan says so (a trailing space says it is not), and the ranking rules are
//! the explicit sort, the fields (`attributeRank`), the typos, nationwide first and the id.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode};
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{
    MatchingStrategies, SearchQuery as MeiliQuery, SearchResults as MeiliResults, Selectors,
};
use meilisearch_sdk::settings::{
    FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::{Deserialize, Serialize};

use super::{SearchError, SearchIndex};
use crate::domain::catalog::Sector;
use crate::domain::location::REGIONS;
use crate::domain::matching::{self, Meta, Plan};
use crate::domain::search::{Facets, SearchDoc, SearchHit, SearchQuery, SearchResults, SortOrder};
use crate::domain::text;

/// Facet value for programmes open to every sector (the same as the embedded engine's).
const ANY_SECTOR: &str = "any";
/// Facet value for nationwide programmes.
const NATIONWIDE: &str = "nationwide";
/// How many results Meilisearch counts at most: far above any catalogue, so that its totals are
/// exact like the other engines'. Paging stops at `MAX_RESULTS_WINDOW` anyway.
const MAX_TOTAL_HITS: usize = 1_000_000;
/// How long Meilisearch may rank before it cuts a search short and returns the rest in its
/// internal order. Far above any `MEILI_TIMEOUT_MS`: the adapter gives up (and the fallback
/// answers, in the rule's order) long before Meilisearch would answer in another order.
const SEARCH_CUTOFF_MS: u64 = 60_000;
/// The ranking rules: `domain::matching`'s order.
const RANKING_RULES: [&str; 5] = ["sort", "attributeRank", "typo", "nationwide:desc", "id:asc"];

/// Where and how to reach Meilisearch.
#[derive(Clone, Debug)]
pub struct MeiliConfig {
    /// `MEILI_URL`, e.g. `http://127.0.0.1:7700`.
    pub url: String,
    /// `MEILI_API_KEY`: the master key or an admin key.
    pub api_key: Option<String>,
    /// `MEILI_INDEX`: the index name.
    pub index: String,
    /// `MEILI_TIMEOUT_MS`: how long a search may take before the fallback answers.
    pub search_timeout: Duration,
    /// `MEILI_TASK_TIMEOUT_MS`: how long a write may wait for Meilisearch to process it.
    pub task_timeout: Duration,
}

/// The document as Meilisearch stores it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct MeiliDoc {
    id: i64,
    /// Folded words and stems of the titles, then summaries, then everything else (in ranking
    /// order).
    title: String,
    summary: String,
    body: String,
    kind: String,
    sectors: Vec<String>,
    regions: Vec<String>,
    deadline: i64,
    amount: i64,
    rate: i64,
    /// 1 for a nationwide programme, 0 for a regional one (a ranking rule).
    nationwide: u8,
    /// A string: the stamp exceeds the integers a double holds exactly.
    stamp: String,
    hit: SearchHit,
}

/// What searches retrieve.
#[derive(Clone, Debug, Deserialize)]
struct Card {
    hit: SearchHit,
}

/// What reconciliation retrieves.
#[derive(Clone, Debug, Deserialize)]
struct Stamped {
    id: i64,
    stamp: String,
}

impl From<&SearchDoc> for MeiliDoc {
    fn from(d: &SearchDoc) -> Self {
        let [title, summary, body] = d.texts().map(|t| text::index_text(&t));
        let meta = Meta::of(d);
        MeiliDoc {
            id: d.id,
            title,
            summary,
            body,
            kind: d.kind.as_str().to_owned(),
            sectors: if d.sectors.is_empty() {
                vec![ANY_SECTOR.to_owned()]
            } else {
                d.sectors.iter().map(|s| s.as_str().to_owned()).collect()
            },
            regions: if d.regions.is_empty() {
                vec![NATIONWIDE.to_owned()]
            } else {
                d.regions.iter().map(ToString::to_string).collect()
            },
            deadline: meta.deadline,
            amount: meta.amount,
            rate: meta.rate,
            nationwide: u8::from(meta.nationwide),
            stamp: d.stamp.to_string(),
            hit: SearchHit::from(d),
        }
    }
}

/// The index settings, applied at start-up and to every rebuilt index.
pub fn settings() -> Settings {
    Settings::new()
        .with_searchable_attributes(matching::FIELDS)
        .with_displayed_attributes(["id", "hit", "stamp"])
        .with_filterable_attributes(["kind", "sectors", "regions", "deadline"])
        .with_sortable_attributes(["deadline", "amount", "rate"])
        .with_ranking_rules(RANKING_RULES)
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(Vec::new()),
            // A synonym group's token is matched exactly: no typo turns one kind of support into
            // another.
            disable_on_words: Some(text::synonym_tokens()),
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(5),
                two_typos: Some(9),
            }),
            disable_on_numbers: Some(false),
        })
        // Synonyms are tokens in the documents themselves (`text::index_text`), not a setting.
        .with_synonyms(HashMap::<String, Vec<String>>::new())
        .with_stop_words(Vec::<String>::new())
        .with_search_cutoff(SEARCH_CUTOFF_MS)
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_TOTAL_HITS,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: 100,
            sort_facet_values_by: None,
        })
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The filter of a search; `without` leaves out one facet's own filter (for its counts).
fn filter(q: &SearchQuery, open_on: NaiveDate, without: Option<&str>) -> String {
    let mut clauses = vec![format!("deadline >= {}", matching::days(open_on))];
    if without != Some("kind")
        && let Some(kind) = q.kind
    {
        clauses.push(format!("kind = {}", quoted(kind.as_str())));
    }
    if without != Some("sectors")
        && let Some(sector) = q.sector
    {
        clauses.push(format!(
            "(sectors = {} OR sectors = {})",
            quoted(sector.as_str()),
            quoted(ANY_SECTOR)
        ));
    }
    if without != Some("regions")
        && let Some(region) = &q.region
    {
        clauses.push(format!(
            "(regions = {} OR regions = {})",
            quoted(region.as_str()),
            quoted(NATIONWIDE)
        ));
    }
    clauses.join(" AND ")
}

/// The explicit sort: the ranking rules after it (fields, typos, nationwide first, id) order what
/// it leaves tied.
fn sort(q: &SearchQuery, has_text: bool) -> &'static [&'static str] {
    match (q.sort, has_text) {
        (SortOrder::Relevance, true) => &[],
        // With no words to rank by, "relevance" means the most urgent first.
        (SortOrder::Relevance, false) | (SortOrder::Deadline, _) => &["deadline:asc"],
        (SortOrder::Amount, _) => &["amount:desc"],
        (SortOrder::Rate, _) => &["rate:asc"],
    }
}

fn classify(e: MeiliError) -> SearchError {
    match e {
        MeiliError::Meilisearch(m) if m.error_code == ErrorCode::IndexNotFound => {
            SearchError::Unavailable(format!("Meilisearch index missing: {}", m.error_message))
        }
        MeiliError::Meilisearch(m) => {
            SearchError::Engine(format!("{:?}: {}", m.error_code, m.error_message))
        }
        MeiliError::Timeout => {
            SearchError::Unavailable("Meilisearch did not finish a task in time".into())
        }
        other => SearchError::Unavailable(format!("Meilisearch: {other}")),
    }
}

/// The Meilisearch adapter.
pub struct MeiliIndex {
    client: Client,
    config: MeiliConfig,
    /// Tasks enqueued by writes and not yet waited for by `flush`.
    pending: Mutex<Vec<TaskInfo>>,
}

impl MeiliIndex {
    /// A client for `config`; nothing is sent until the first call.
    pub fn new(config: MeiliConfig) -> Result<MeiliIndex, SearchError> {
        let client = Client::new(config.url.trim_end_matches('/'), config.api_key.clone())
            .map_err(|e| SearchError::Unavailable(format!("Meilisearch client: {e}")))?;
        Ok(MeiliIndex {
            client,
            config,
            pending: Mutex::new(Vec::new()),
        })
    }

    fn index(&self) -> Index {
        self.client.index(&self.config.index)
    }

    async fn bounded<T>(
        &self,
        limit: Duration,
        work: impl Future<Output = Result<T, MeiliError>>,
    ) -> Result<T, SearchError> {
        match tokio::time::timeout(limit, work).await {
            Ok(result) => result.map_err(classify),
            Err(_) => Err(SearchError::Unavailable(format!(
                "Meilisearch did not answer within {} ms",
                limit.as_millis()
            ))),
        }
    }

    /// Waits for a task; a failed task is an error with Meilisearch's reason.
    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        let limit = self.config.task_timeout;
        let task = self
            .bounded(
                limit + Duration::from_secs(1),
                task.wait_for_completion(
                    &self.client,
                    Some(Duration::from_millis(25)),
                    Some(limit),
                ),
            )
            .await?;
        match task {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => Err(SearchError::Engine(format!(
                "Meilisearch task {} failed: {:?}: {}",
                content.task.uid, content.error.error_code, content.error.error_message
            ))),
            Task::Enqueued { .. } | Task::Processing { .. } => Err(SearchError::Unavailable(
                "Meilisearch did not finish a task in time".into(),
            )),
        }
    }

    /// Creates the index if it is missing and applies the settings; idempotent. Called at
    /// start-up and before rebuilding.
    pub async fn ensure(&self) -> Result<(), SearchError> {
        self.ensure_index(&self.config.index).await
    }

    async fn ensure_index(&self, uid: &str) -> Result<(), SearchError> {
        let limit = self.config.task_timeout;
        let created = self
            .bounded(limit, self.client.create_index(uid, Some("id")))
            .await?;
        match self.wait(created).await {
            Ok(()) => {}
            // An existing index is fine: the settings below bring it up to date.
            Err(SearchError::Engine(reason)) if reason.contains("IndexAlreadyExists") => {}
            Err(e) => return Err(e),
        }
        let task = self
            .bounded(limit, self.client.index(uid).set_settings(&settings()))
            .await?;
        self.wait(task).await
    }

    fn build<'a>(
        &'a self,
        index: &'a Index,
        q: &'a SearchQuery,
        text: &'a str,
        filter: &'a str,
    ) -> MeiliQuery<'a, meilisearch_sdk::DefaultHttpClient> {
        let mut search = MeiliQuery::new(index);
        search
            .with_query(text)
            .with_filter(filter)
            .with_matching_strategy(MatchingStrategies::ALL);
        let order = sort(q, !text.trim().is_empty());
        if !order.is_empty() {
            search.with_sort(order);
        }
        search
    }
}

impl MeiliIndex {
    /// One search for the words `text` (a plan's query text): the page, the total and every
    /// facet, each counted without its own filter, in one round trip.
    async fn search_words(
        &self,
        q: &SearchQuery,
        text: &str,
        open_on: NaiveDate,
    ) -> Result<(u64, Vec<SearchHit>, Facets), SearchError> {
        let index = self.index();
        let facet_names = ["kind", "sectors", "regions"];
        let own_filter = |name: &str| match name {
            "kind" => q.kind.is_some(),
            "sectors" => q.sector.is_some(),
            _ => q.region.is_some(),
        };
        let main_filter = filter(q, open_on, None);
        let shared: Vec<&str> = facet_names
            .iter()
            .copied()
            .filter(|f| !own_filter(f))
            .collect();
        let own: Vec<[&str; 1]> = facet_names
            .iter()
            .copied()
            .filter(|f| own_filter(f))
            .map(|f| [f])
            .collect();
        let own_filters: Vec<String> = own.iter().map(|[f]| filter(q, open_on, Some(f))).collect();

        let mut multi = self.client.multi_search();
        let mut main = self.build(&index, q, text, &main_filter);
        main.with_page(q.page as usize)
            .with_hits_per_page(q.per_page as usize)
            .with_attributes_to_retrieve(Selectors::Some(&["hit"]))
            .with_facets(Selectors::Some(&shared));
        multi.with_search_query(main);
        for (name, f) in own.iter().zip(&own_filters) {
            let mut extra = self.build(&index, q, text, f);
            extra.with_limit(0).with_facets(Selectors::Some(name));
            multi.with_search_query(extra);
        }
        let answer = self
            .bounded(self.config.search_timeout, multi.execute::<Card>())
            .await?;
        let mut results = answer.results.into_iter();
        let main: MeiliResults<Card> = results
            .next()
            .ok_or_else(|| SearchError::Engine("no results".into()))?;
        let mut distribution: HashMap<String, HashMap<String, usize>> =
            main.facet_distribution.unwrap_or_default();
        for r in results {
            distribution.extend(r.facet_distribution.unwrap_or_default());
        }
        Ok((
            main.total_hits.or(main.estimated_total_hits).unwrap_or(0) as u64,
            main.hits.into_iter().map(|h| h.result.hit).collect(),
            facets(&distribution),
        ))
    }
}

#[async_trait::async_trait]
impl SearchIndex for MeiliIndex {
    fn engine(&self) -> &'static str {
        "meilisearch"
    }

    async fn apply(
        &self,
        upserts: &[SearchDoc],
        deletes: &[i64],
        _checkpoint: Option<i64>,
    ) -> Result<(), SearchError> {
        let index = self.index();
        let limit = self.config.task_timeout;
        let mut tasks = Vec::new();
        if !deletes.is_empty() {
            tasks.push(self.bounded(limit, index.delete_documents(deletes)).await?);
        }
        if !upserts.is_empty() {
            let docs: Vec<MeiliDoc> = upserts.iter().map(MeiliDoc::from).collect();
            tasks.push(
                self.bounded(limit, index.add_or_replace(&docs, None))
                    .await?,
            );
        }
        self.pending
            .lock()
            .map_err(|_| SearchError::Engine("pending tasks poisoned".into()))?
            .extend(tasks);
        Ok(())
    }

    async fn search(
        &self,
        q: &SearchQuery,
        open_on: NaiveDate,
    ) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        // `all` finds nothing when one word is missing everywhere: then the last word is
        // dropped and the search made again, as every engine does.
        let (total, hits, facets) = Plan::from_parts(&q.parts())
            .first_found(
                |(total, _, _)| *total,
                |plan| async move { self.search_words(q, &plan.query_text(), open_on).await },
            )
            .await?;
        Ok(SearchResults {
            total,
            hits,
            facets,
            took_ms: super::took_ms(started),
            engine: "meilisearch".into(),
            degraded: false,
            corrected: None,
        })
    }

    async fn flush(&self) -> Result<(), SearchError> {
        let tasks = std::mem::take(
            &mut *self
                .pending
                .lock()
                .map_err(|_| SearchError::Engine("pending tasks poisoned".into()))?,
        );
        for task in tasks {
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn count(&self) -> Result<u64, SearchError> {
        let stats = self
            .bounded(self.config.search_timeout, self.index().get_stats())
            .await?;
        Ok(stats.number_of_documents as u64)
    }

    async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError> {
        let index = self.index();
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let mut query = DocumentsQuery::new(&index);
            query
                .with_fields(["id", "stamp"])
                .with_limit(1000)
                .with_offset(offset);
            let page = self
                .bounded(self.config.task_timeout, query.execute::<Stamped>())
                .await?;
            let n = page.results.len();
            out.extend(
                page.results
                    .into_iter()
                    .map(|d| (d.id, d.stamp.parse().unwrap_or(0))),
            );
            offset += n;
            if n == 0 || offset >= page.total as usize {
                return Ok(out);
            }
        }
    }

    async fn checkpoint(&self) -> Result<Option<i64>, SearchError> {
        Ok(None)
    }

    async fn rebuild(
        &self,
        docs: Vec<SearchDoc>,
        _checkpoint: Option<i64>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(), SearchError> {
        let live = self.config.index.clone();
        let next = format!("{live}_next");
        let limit = self.config.task_timeout;
        // A leftover from an interrupted rebuild is removed first.
        if let Ok(task) = self.bounded(limit, self.client.delete_index(&next)).await {
            let _ = self.wait(task).await;
        }
        self.ensure_index(&next).await?;
        let target = self.client.index(&next);
        // Every batch is enqueued before any is waited for: Meilisearch then indexes them
        // together (its auto-batching), several times faster than one batch at a time.
        let mut tasks = Vec::new();
        for chunk in docs.chunks(1000) {
            let batch: Vec<MeiliDoc> = chunk.iter().map(MeiliDoc::from).collect();
            let task = self
                .bounded(limit, target.add_or_replace(&batch, None))
                .await?;
            tasks.push((task, chunk.len() as u64));
        }
        let mut done = 0u64;
        for (task, n) in tasks {
            self.wait(task).await?;
            done += n;
            progress(done);
        }
        self.ensure_index(&live).await?;
        // Searches hit the old contents until the swap, which Meilisearch makes atomically.
        let swap = SwapIndexes {
            indexes: (live.clone(), next.clone()),
            rename: None,
        };
        let task = self
            .bounded(limit, self.client.swap_indexes([&swap]))
            .await?;
        self.wait(task).await?;
        let task = self.bounded(limit, self.client.delete_index(&next)).await?;
        self.wait(task).await
    }
}

/// Facet counts in the embedded engine's terms: programmes open to every sector count under
/// each sector, nationwide ones under each region.
fn facets(distribution: &HashMap<String, HashMap<String, usize>>) -> Facets {
    let get = |facet: &str, value: &str| -> u64 {
        distribution
            .get(facet)
            .and_then(|d| d.get(value))
            .map_or(0, |n| *n as u64)
    };
    let mut out = Facets::default();
    if let Some(kinds) = distribution.get("kind") {
        out.kind = kinds
            .iter()
            .map(|(k, n)| (k.clone(), *n as u64))
            .collect::<BTreeMap<_, _>>();
    }
    let any = get("sectors", ANY_SECTOR);
    for sector in Sector::ALL {
        let n = get("sectors", sector.as_str()) + any;
        if n > 0 {
            out.sector.insert(sector.as_str().into(), n);
        }
    }
    let nationwide = get("regions", NATIONWIDE);
    for region in REGIONS {
        let n = get("regions", region.code) + nationwide;
        if n > 0 {
            out.region.insert(region.code.into(), n);
        }
    }
    out
}

#[cfg(any(test, feature = "test-support"))]
pub mod process;
#[cfg(any(test, feature = "test-support"))]
pub mod stub;
#[cfg(test)]
mod tests;
