//! The embedded search engine: tantivy in `DATA_DIR/search`, no server to run.
//!
//! Matching and ranking follow `domain::matching`, the rule Meilisearch is configured to apply,
//! so the two engines find the same programmes in the same order: tantivy keeps the terms, their
//! positions and the programmes' fast fields on disk; the rule picks the terms a query reaches
//! from the index's vocabulary and ranks the programmes that have them.
//!
//! Generations: the index lives in `search/gen-NNNNNN/`, and `search/CURRENT` names the live one.
//! A rebuild writes a new generation and then replaces `CURRENT` by an atomic rename, so
//! searches are answered from the old generation until the new one is complete, and a crash
//! mid-rebuild leaves the old one in place. A running server notices a new `CURRENT` written by
//! `server reindex` within a couple of seconds.

mod query;
mod schema;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tantivy::schema::TantivyDocument;
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use self::schema::{ANY_SECTOR_BIT, Fields, NATIONWIDE_BIT, TOKENIZER, schema};
use super::{SearchError, SearchIndex};
use crate::domain::matching::{Meta, Plan, Vocabulary};
use crate::domain::search::{SearchDoc, SearchHit, SearchQuery, SearchResults};
use crate::domain::text;

/// Writer memory budget; tantivy needs at least 15 MB per thread.
const WRITER_HEAP_BYTES: usize = 50_000_000;
/// How often a search checks whether `CURRENT` names a new generation.
const GENERATION_CHECK: Duration = Duration::from_secs(2);

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
    /// The last search-outbox row applied, kept in tantivy's commit payload so that documents
    /// and position are committed together.
    checkpoint: Mutex<Option<i64>>,
    /// The terms of the index as of a searcher generation, read from the term dictionaries once
    /// per write rather than per search.
    vocabulary: Mutex<Option<(u64, Arc<Vocabulary>)>>,
    f: Fields,
}

/// What the commit payload holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    outbox: i64,
}

pub(super) fn engine_err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
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
        // Garbled segment files (a failing disk, a bad copy) are as much a corrupt generation as
        // an unreadable meta.json: every file's checksum is checked once, at open, so that the
        // caller rebuilds instead of failing searches (or the start) later.
        let damaged = index
            .validate_checksum()
            .map_err(|e| SearchError::Corrupt(e.to_string()))?;
        if !damaged.is_empty() {
            return Err(SearchError::Corrupt(format!(
                "{name}: {} file(s) fail their checksum",
                damaged.len()
            )));
        }
        Generation::from_index(index, name).map_err(|e| match e {
            SearchError::Engine(reason) => SearchError::Corrupt(reason),
            other => other,
        })
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
        let checkpoint = index
            .load_metas()
            .map_err(|e| SearchError::Corrupt(e.to_string()))?
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .map(|p| p.outbox);
        Ok(Generation {
            name: name.to_owned(),
            index,
            reader,
            writer: Mutex::new(None),
            checkpoint: Mutex::new(checkpoint),
            vocabulary: Mutex::new(None),
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
            // A process killed in the middle of a commit leaves files that no commit names
            // (a segment's deletes, a new segment). Their names come round again once the
            // operation stamps restart from the last commit, and tantivy refuses to write over
            // a file: the next start would fail on the first write. Collected before any write.
            if let Err(e) = writer.garbage_collect_files().wait() {
                tracing::warn!(index = %self.name, error = %e, "leftover index files not collected");
            }
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
        for (field, text) in f.text.iter().zip(doc.texts()) {
            d.add_text(*field, text::index_text(&text));
        }
        let m = Meta::of(doc);
        d.add_u64(f.kind, u64::from(m.kind));
        d.add_u64(
            f.sectors,
            m.sectors | if m.any_sector { ANY_SECTOR_BIT } else { 0 },
        );
        d.add_u64(
            f.regions,
            m.regions | if m.nationwide { NATIONWIDE_BIT } else { 0 },
        );
        d.add_i64(f.deadline, m.deadline);
        d.add_i64(f.amount, m.amount);
        d.add_i64(f.rate, m.rate);
        d.add_i64(f.stamp, doc.stamp);
        Ok(d)
    }

    /// The vocabulary of what `searcher` sees: every term of the three text fields.
    fn vocabulary(&self, searcher: &tantivy::Searcher) -> Result<Arc<Vocabulary>, SearchError> {
        let generation = searcher.generation().generation_id();
        let mut cache = self
            .vocabulary
            .lock()
            .map_err(|_| SearchError::Engine("vocabulary cache poisoned".into()))?;
        if let Some((g, v)) = cache.as_ref()
            && *g == generation
        {
            return Ok(v.clone());
        }
        let mut terms = Vec::new();
        for segment in searcher.segment_readers() {
            for field in self.f.text {
                let index = segment.inverted_index(field).map_err(engine_err)?;
                let mut stream = index.terms().stream().map_err(engine_err)?;
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        terms.push(term.to_owned());
                    }
                }
            }
        }
        let v = Arc::new(Vocabulary::new(terms));
        *cache = Some((generation, v.clone()));
        Ok(v)
    }

    /// Runs `op` and commits, with the outbox position (`None` keeps the current one).
    fn write(
        &self,
        checkpoint: Option<i64>,
        op: impl FnOnce(&IndexWriter, &Fields) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let mut position = self
            .checkpoint
            .lock()
            .map_err(|_| SearchError::Engine("index checkpoint poisoned".into()))?;
        let next = checkpoint.or(*position);
        self.with_writer(|writer| {
            op(writer, &self.f)?;
            let mut commit = writer.prepare_commit().map_err(engine_err)?;
            if let Some(outbox) = next {
                let payload = serde_json::to_string(&Payload { outbox }).map_err(engine_err)?;
                commit.set_payload(&payload);
            }
            commit.commit().map_err(engine_err)?;
            Ok(())
        })?;
        *position = next;
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

    async fn apply(
        &self,
        upserts: &[SearchDoc],
        deletes: &[i64],
        checkpoint: Option<i64>,
    ) -> Result<(), SearchError> {
        let docs = upserts.to_vec();
        let deletes = deletes.to_vec();
        self.blocking(move |g| {
            let prepared = docs
                .iter()
                .map(|d| Ok((d.id, g.document(d)?)))
                .collect::<Result<Vec<_>, SearchError>>()?;
            g.write(checkpoint, |w, f| {
                for id in deletes {
                    w.delete_term(Term::from_field_i64(f.id, id));
                }
                for (id, doc) in prepared {
                    w.delete_term(Term::from_field_i64(f.id, id));
                    w.add_document(doc).map_err(engine_err)?;
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
        let started = Instant::now();
        let mut results = Plan::from_parts(&query.parts())
            .first_found(
                |r: &SearchResults| r.total,
                |plan| {
                    let query = query.clone();
                    self.blocking(move |g| query::run_search(&g, &query, &plan, open_on))
                },
            )
            .await?;
        results.took_ms = super::took_ms(started);
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

    async fn stamps(&self) -> Result<Vec<(i64, i64)>, SearchError> {
        self.blocking(|g| {
            let searcher = g.reader.searcher();
            let mut out = Vec::with_capacity(searcher.num_docs() as usize);
            for segment in searcher.segment_readers() {
                let fast = segment.fast_fields();
                let ids = fast.i64("id").map_err(engine_err)?.first_or_default_col(0);
                let stamps = fast
                    .i64("stamp")
                    .map_err(engine_err)?
                    .first_or_default_col(0);
                for doc in segment.doc_ids_alive() {
                    out.push((ids.get_val(doc), stamps.get_val(doc)));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn checkpoint(&self) -> Result<Option<i64>, SearchError> {
        let g = self.live()?;
        let position = *g
            .checkpoint
            .lock()
            .map_err(|_| SearchError::Engine("index checkpoint poisoned".into()))?;
        Ok(Some(position.unwrap_or(0)))
    }

    async fn rebuild(
        &self,
        docs: Vec<SearchDoc>,
        checkpoint: Option<i64>,
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
        tokio::task::spawn_blocking(move || g.write(checkpoint, |_, _| Ok(())))
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
