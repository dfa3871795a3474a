//! The matching and ranking rule of the catalogue search: one rule, which every engine
//! implements, so that Meilisearch, the embedded index and the database fallback find the same
//! programmes, count the same facets and show them in the same order.
//!
//! Meilisearch cannot be given a rule of our own, so the rule is Meilisearch's matching under the
//! settings its adapter sends (`ssr::search::meili`), written down here exactly; the embedded
//! engine and the database fallback implement it from this module, and a side-by-side test on a
//! real Meilisearch (`ssr::search::agreement`) checks that the three agree.
//!
//! **Terms.** Every text and every query is prepared by `domain::text`: lower-cased, Kazakh
//! letters folded, and indexed as its words, their Russian stems, the Latin spellings of its
//! Cyrillic words and the tokens of the synonym groups it contains ([`text::index_text`]).
//!
//! **Query words.** Stop words are dropped. A phrase of a synonym group is one word: the group's
//! token, matched exactly (no typo, no prefix), so that a typo can never turn one kind of support
//! into another («гарантия» is never «грант»). Any other word is sent as its stem, which matches
//! every form of it («микрокредиты» finds «микрокредит»), unless the stem is too short to keep a
//! typo the typed word is allowed (then as typed). At most [`MAX_WORDS`] words.
//!
//! **Matching.** A programme matches when it has every query word (Meilisearch's `all`
//! strategy); when no programme has them all, the last word is dropped until some do. A query
//! word matches a programme's term
//! - exactly;
//! - as a prefix, for the last word only (as it is being typed; and the way a Kazakh word reaches
//!   its suffixed forms, «омарта» → «омартаға», which the Russian stemmer does not know). A
//!   synonym token is never a prefix: «молодым» is the young people's group and does not reach
//!   «молодняк»;
//! - with typos: one from 5 letters, two from 9 (of the word sent); a typo on the first letter
//!   counts as two, so with one allowed the first letter must be right; at most
//!   [`MAX_ONE_TYPO_WORDS`] one-typo and [`MAX_TWO_TYPO_WORDS`] two-typo terms per word, the first
//!   in byte order; prefixes of 3 letters and more reach at most [`MAX_PREFIX_WORDS`] terms;
//! - split in two at the point where the two halves stand next to each other in the most
//!   programmes («бизнесидея» finds «бизнес идея»), counted as one typo;
//! - and two or three neighbouring query words match their concatenation («бизнес идея» finds
//!   «бизнесидея»), with the concatenation's typo budget less one per extra word, counted as that
//!   many typos.
//!
//! **Order.** An explicit sort (deadline, amount, rate) first; then the fields the words were
//! found in (the sum over words of 0 for the title, 1 for the summary, 2 for the rest); then the
//! typos (their sum); then nationwide programmes before regional ones; then the programme id, so
//! that every order is total and paging never repeats or skips a programme.
//!
//! **What Meilisearch does that is not reproduced** (each rare, and listed by the agreement test
//! when it happens): with several query words, its ranking rules see only the query shapes (words
//! or concatenations) that brought a document into the previous bucket, so when a document is
//! found both through a concatenation and through the separate words in different fields, its
//! typo count may differ; and prefixes of one or two letters shared by at least 100 terms use a
//! cache with no cap, which is reproduced, but the cache is rebuilt by Meilisearch only after
//! writes, so right after a write a short prefix may reach a few terms more or less.

use std::sync::LazyLock;

use chrono::NaiveDate;
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};

use super::catalog::{ProgramKind, Sector};
use super::location::REGIONS;
use super::search::{Facets, SearchDoc, SearchQuery, SortOrder};
use super::text::{self, QueryPart, QueryTerm, Segment};

/// Query words beyond this are ignored (Meilisearch's words limit).
pub const MAX_WORDS: usize = 10;
/// One-typo terms a query word reaches at most.
pub const MAX_ONE_TYPO_WORDS: usize = 150;
/// Two-typo terms a query word reaches at most.
pub const MAX_TWO_TYPO_WORDS: usize = 50;
/// Completions a prefix reaches at most, unless it is short and common (see
/// [`PREFIX_CACHE_MAX_BYTES`]).
pub const MAX_PREFIX_WORDS: usize = 1000;
/// Prefixes of at most this many bytes, shared by at least [`PREFIX_CACHE_MIN_WORDS`] terms,
/// reach every completion (Meilisearch keeps them in a prefix cache).
pub const PREFIX_CACHE_MAX_BYTES: usize = 4;
/// See [`PREFIX_CACHE_MAX_BYTES`].
pub const PREFIX_CACHE_MIN_WORDS: usize = 100;
/// Concatenations longer than this (bytes) are not tried.
const MAX_WORD_BYTES: usize = 250;
/// The searchable fields, in ranking order: title, summary, the rest.
pub const FIELDS: [&str; 3] = ["title", "summary", "body"];

/// Stored instead of "no deadline" (sorts last): engines store days since 1970-01-01.
pub const NO_DEADLINE: i64 = 99_999_999;
/// Stored instead of "no amount" (sorts last by amount, descending).
pub const NO_AMOUNT: i64 = -1;
/// Stored instead of "no rate" (sorts last by rate, ascending).
pub const NO_RATE: i64 = 1_000_000;

static ONE_TYPO: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static TWO_TYPOS: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

/// One word of a plan: what an engine searches for at one position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The term, in its canonical form.
    pub text: String,
    /// Typos allowed.
    pub typos: u8,
    /// Whether longer terms starting with it match too.
    pub prefix: bool,
}

impl Word {
    fn new(text: String, prefix: bool, exact: bool) -> Word {
        Word {
            typos: if exact {
                0
            } else {
                text::max_typos(text.chars().count())
            },
            text,
            prefix,
        }
    }
}

/// A search text compiled by the rule: the words every engine looks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The words, in query order.
    pub words: Vec<Word>,
}

/// The term a query word is searched as: its stem, unless the stem is too short to keep a typo
/// the typed word is allowed.
fn sent(t: &QueryTerm) -> &str {
    let typed = text::max_typos(t.folded.chars().count());
    if text::max_typos(t.stem.chars().count()) < typed {
        &t.folded
    } else {
        &t.stem
    }
}

impl Plan {
    /// The plan of a search text.
    pub fn new(query: &str) -> Plan {
        Plan::from_parts(&text::parse_query(query))
    }

    /// The plan of a parsed query.
    pub fn from_parts(parts: &[QueryPart]) -> Plan {
        let mut words = Vec::new();
        for part in parts {
            match part {
                QueryPart::Term(t) => {
                    let canonical = text::canonical(sent(t));
                    let pieces: Vec<&str> =
                        canonical.split(' ').filter(|p| !p.is_empty()).collect();
                    let last = pieces.len().saturating_sub(1);
                    for (i, piece) in pieces.iter().enumerate() {
                        words.push(Word::new((*piece).to_owned(), t.prefix && i == last, false));
                    }
                }
                QueryPart::Synonym { group, .. } => {
                    words.push(Word::new(text::synonym_token(*group), false, true));
                }
            }
        }
        if words.len() > MAX_WORDS {
            // Meilisearch stops reading the query before its last word: none is a prefix.
            words.truncate(MAX_WORDS);
            for w in &mut words {
                w.prefix = false;
            }
        }
        Plan { words }
    }

    /// Whether there is nothing to search for (every programme matches).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The query text that makes Meilisearch search for exactly these words: a space after the
    /// last word when it is not a prefix (Meilisearch treats the last word as a prefix unless a
    /// separator follows it).
    pub fn query_text(&self) -> String {
        let mut out = self
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if self.words.last().is_some_and(|w| !w.prefix) {
            out.push(' ');
        }
        out
    }

    /// Searches this plan with `search`, and again without the last word while nothing matches
    /// every word (`total` says how many did), as every engine must.
    pub async fn first_found<T, E, Fut>(
        &self,
        total: impl Fn(&T) -> u64,
        mut search: impl FnMut(Plan) -> Fut,
    ) -> Result<T, E>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let mut plan = self.clone();
        loop {
            let found = search(plan.clone()).await?;
            match plan.shortened() {
                Some(shorter) if total(&found) == 0 => plan = shorter,
                _ => return Ok(found),
            }
        }
    }

    /// The plan without its last word, for when nothing has every word (`None` when one word
    /// or none is left).
    pub fn shortened(&self) -> Option<Plan> {
        (self.words.len() > 1).then(|| Plan {
            words: self.words[..self.words.len() - 1].to_vec(),
        })
    }

    /// What matches where: each word alone, and each run of two or three neighbouring words as
    /// their concatenation.
    pub fn nodes(&self) -> Vec<Node> {
        let n = self.words.len();
        let mut nodes: Vec<Node> = self
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| Node {
                first: i,
                span: 1,
                word: w.clone(),
                parts: vec![w.text.clone()],
            })
            .collect();
        for span in 2..=3 {
            for first in 0..n.saturating_sub(span - 1) {
                let parts: Vec<String> = self.words[first..first + span]
                    .iter()
                    .map(|w| w.text.clone())
                    .collect();
                let concat = parts.concat();
                if concat.len() > MAX_WORD_BYTES {
                    continue;
                }
                let typos = text::max_typos(concat.chars().count()).saturating_sub(span as u8 - 1);
                let includes_last = first + span == n;
                nodes.push(Node {
                    first,
                    span,
                    word: Word {
                        text: concat,
                        typos,
                        prefix: includes_last && self.words[n - 1].prefix,
                    },
                    parts,
                });
            }
        }
        nodes
    }
}

/// A word, or a run of neighbouring words searched as their concatenation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Index of its first query word.
    pub first: usize,
    /// How many query words it covers.
    pub span: usize,
    /// What is searched for.
    pub word: Word,
    /// The query words it covers.
    pub parts: Vec<String>,
}

/// The terms of an index a node reaches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derived {
    /// Each term with its typo level: 0 (exact or a prefix completion), 1 or 2.
    pub terms: Vec<(String, u8)>,
    /// Two terms that must stand next to each other (a split of the word), typo level 1.
    pub split: Option<(String, String)>,
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn distance(dfa: &DFA, candidate: &str) -> Option<u8> {
    match dfa.eval(candidate) {
        Distance::Exact(d) => Some(d),
        Distance::AtLeast(_) => None,
    }
}

/// Typo automata for one word.
struct Automata {
    one: DFA,
    two: Option<DFA>,
}

impl Automata {
    fn new(word: &Word) -> Automata {
        let build = |builder: &LevenshteinAutomatonBuilder| {
            if word.prefix {
                builder.build_prefix_dfa(&word.text)
            } else {
                builder.build_dfa(&word.text)
            }
        };
        Automata {
            one: build(&ONE_TYPO),
            two: (word.typos >= 2).then(|| build(&TWO_TYPOS)),
        }
    }

    /// The typo level at which `candidate` is reached (1 or 2), if it is; 0 when it is the word
    /// itself or a prefix completion (handled apart).
    fn level(&self, word: &Word, candidate: &str) -> Option<u8> {
        let same_first = first_char(candidate) == first_char(&word.text);
        match &self.two {
            None if word.typos == 0 => None,
            // One typo allowed: the first letter must be right.
            None => same_first
                .then(|| distance(&self.one, candidate))
                .flatten()
                .filter(|d| *d == 1 || *d == 0),
            // Two allowed: a wrong first letter is a typo that counts twice.
            Some(two) => {
                if same_first {
                    distance(two, candidate)
                } else {
                    distance(&self.one, candidate).map(|_| 2)
                }
            }
        }
    }
}

/// The terms of an index, sorted by bytes, as the engines' term dictionaries hold them.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    terms: Vec<String>,
    /// Each term's length in characters (at most 255), to skip terms no typo can reach.
    lengths: Vec<u8>,
}

impl Vocabulary {
    /// A vocabulary of these terms (in any order, repeats allowed).
    pub fn new(terms: impl IntoIterator<Item = String>) -> Vocabulary {
        let mut terms: Vec<String> = terms.into_iter().collect();
        terms.sort_unstable();
        terms.dedup();
        let lengths = terms
            .iter()
            .map(|t| u8::try_from(t.chars().count()).unwrap_or(u8::MAX))
            .collect();
        Vocabulary { terms, lengths }
    }

    /// How many distinct terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether it has no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether `term` is in it.
    pub fn contains(&self, term: &str) -> bool {
        self.terms
            .binary_search_by(|t| t.as_str().cmp(term))
            .is_ok()
    }

    /// The terms that start with `prefix`, in byte order.
    fn starting_with(&self, prefix: &str) -> &[String] {
        let (from, to) = self.offset_of(prefix);
        &self.terms[from..to]
    }

    /// Where the terms that start with `prefix` are: `from..to`.
    fn offset_of(&self, prefix: &str) -> (usize, usize) {
        let from = self.terms.partition_point(|t| t.as_str() < prefix);
        let len = self.terms[from..].partition_point(|t| t.starts_with(prefix));
        (from, from + len)
    }

    /// The terms `node` reaches. `pairs(left, right)` counts the programmes in which `left` is
    /// directly followed by `right` in one field; it is asked only about terms of this vocabulary.
    pub fn derive(&self, node: &Node, pairs: &mut dyn FnMut(&str, &str) -> u64) -> Derived {
        let word = &node.word;
        let mut terms = Vec::new();
        if self.contains(&word.text) {
            terms.push((word.text.clone(), 0));
        }
        if word.prefix {
            let completions = self.starting_with(&word.text);
            let cached = word.text.len() <= PREFIX_CACHE_MAX_BYTES
                && completions.len() >= PREFIX_CACHE_MIN_WORDS;
            let limit = if cached { usize::MAX } else { MAX_PREFIX_WORDS };
            terms.extend(
                completions
                    .iter()
                    .filter(|t| **t != word.text)
                    .take(limit)
                    .map(|t| (t.clone(), 0)),
            );
        }
        if word.typos > 0 {
            terms.extend(self.typos(word));
        }
        let own: &[String] = if node.span == 1 { &[] } else { &node.parts };
        let split = self.split(&word.text, own, pairs);
        Derived { terms, split }
    }

    /// The terms reached with typos, with the caps and order of Meilisearch.
    fn typos(&self, word: &Word) -> Vec<(String, u8)> {
        let automata = Automata::new(word);
        // A term more than `typos` letters longer or shorter than the word is out of reach (for
        // a prefix, only shorter): skipped without running the automata, which would refuse it.
        let len = i32::try_from(word.text.chars().count()).unwrap_or(i32::MAX);
        let budget = i32::from(word.typos);
        let reachable = |i: usize| {
            let l = i32::from(self.lengths[i]);
            l >= len - budget && (word.prefix || l <= len + budget)
        };
        let (mut one, mut two) = (Vec::new(), Vec::new());
        if word.typos == 1 {
            let Some(first) = first_char(&word.text) else {
                return Vec::new();
            };
            let mut buf = [0u8; 4];
            let from = self.offset_of(first.encode_utf8(&mut buf));
            for (i, candidate) in (from.0..from.1).zip(&self.terms[from.0..from.1]) {
                if reachable(i) && automata.level(word, candidate) == Some(1) {
                    if one.len() >= MAX_ONE_TYPO_WORDS {
                        break;
                    }
                    one.push((candidate.clone(), 1));
                }
            }
        } else {
            for (i, candidate) in self.terms.iter().enumerate() {
                if one.len() >= MAX_ONE_TYPO_WORDS && two.len() >= MAX_TWO_TYPO_WORDS {
                    break;
                }
                if !reachable(i) {
                    continue;
                }
                match automata.level(word, candidate) {
                    Some(1) if one.len() < MAX_ONE_TYPO_WORDS => {
                        one.push((candidate.clone(), 1));
                    }
                    Some(2) if two.len() < MAX_TWO_TYPO_WORDS => {
                        two.push((candidate.clone(), 2));
                    }
                    _ => {}
                }
            }
        }
        one.extend(two);
        one
    }

    /// The split of `word` into two terms that stand next to each other in the most programmes
    /// (the earliest split on a tie); none when that split is `parts` (a concatenation split back
    /// into its own words adds nothing).
    fn split(
        &self,
        word: &str,
        parts: &[String],
        pairs: &mut dyn FnMut(&str, &str) -> u64,
    ) -> Option<(String, String)> {
        let own = |l: &str, r: &str| parts.len() == 2 && parts[0] == l && parts[1] == r;
        let candidates: Vec<(&str, &str)> = word
            .char_indices()
            .skip(1)
            .map(|(i, _)| word.split_at(i))
            .filter(|(l, r)| self.contains(l) && self.contains(r))
            .collect();
        // Counting neighbours reads positions: not when the answer is known without them.
        if candidates.iter().all(|(l, r)| own(l, r)) {
            return None;
        }
        let mut best: Option<(u64, &str, &str)> = None;
        for (left, right) in candidates {
            let frequency = pairs(left, right);
            if frequency > 0 && best.is_none_or(|(old, _, _)| frequency > old) {
                best = Some((frequency, left, right));
            }
        }
        best.filter(|(_, l, r)| !own(l, r))
            .map(|(_, l, r)| (l.to_owned(), r.to_owned()))
    }
}

/// How a node is found in one programme: the best field (0 title, 1 summary, 2 the rest) and the
/// fewest typos, each over every term the node reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Best field.
    pub field: u8,
    /// Fewest typos.
    pub level: u8,
}

impl Hit {
    /// Merges another way the node is found.
    pub fn merge(self, other: Hit) -> Hit {
        Hit {
            field: self.field.min(other.field),
            level: self.level.min(other.level),
        }
    }
}

/// A programme's relevance costs: the lower the better.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Costs {
    /// Sum over query words of the best field they were found in.
    pub fields: u32,
    /// Sum over query words of their typos.
    pub typos: u32,
}

/// The costs of a programme, given how it has each node (`hit(k)` for `nodes[k]`), or `None`
/// when it lacks a query word. Each cost is the cheapest way of covering every query word with
/// words and concatenations.
pub fn costs(words: usize, nodes: &[Node], hit: impl Fn(usize) -> Option<Hit>) -> Option<Costs> {
    if words == 0 {
        return Some(Costs::default());
    }
    if words > MAX_WORDS {
        return None;
    }
    // Called for every candidate programme: no allocation.
    let mut fields = [None::<u32>; MAX_WORDS + 1];
    let mut typos = [None::<u32>; MAX_WORDS + 1];
    fields[0] = Some(0);
    typos[0] = Some(0);
    for end in 1..=words {
        for (k, node) in nodes.iter().enumerate() {
            if node.first + node.span != end || fields[node.first].is_none() {
                continue;
            }
            let Some(h) = hit(k) else { continue };
            let span = node.span as u32;
            let extra = if span > 1 { span } else { 0 };
            if let Some(before) = fields[node.first] {
                let c = before + u32::from(h.field) * span;
                fields[end] = Some(fields[end].map_or(c, |old| old.min(c)));
            }
            if let Some(before) = typos[node.first] {
                let c = before + u32::from(h.level) + extra;
                typos[end] = Some(typos[end].map_or(c, |old| old.min(c)));
            }
        }
    }
    Some(Costs {
        fields: fields[words]?,
        typos: typos[words]?,
    })
}

/// What filters, facets and sorting need of a programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    /// Programme id.
    pub id: i64,
    /// Index of its kind in [`ProgramKind::ALL`].
    pub kind: u8,
    /// Bit `i` for [`Sector::ALL`]`[i]`; 0 with `any_sector`.
    pub sectors: u64,
    /// Open to every sector.
    pub any_sector: bool,
    /// Bit `i` for [`REGIONS`]`[i]`.
    pub regions: u64,
    /// Available everywhere.
    pub nationwide: bool,
    /// Last day to apply, days since 1970-01-01, or [`NO_DEADLINE`].
    pub deadline: i64,
    /// Largest amount in tenge, or [`NO_AMOUNT`].
    pub amount: i64,
    /// Highest rate in basis points, or [`NO_RATE`].
    pub rate: i64,
}

/// Days since 1970-01-01.
pub fn days(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

impl Meta {
    /// The meta of a search document.
    pub fn of(doc: &SearchDoc) -> Meta {
        let mut sectors = 0u64;
        for s in &doc.sectors {
            if let Some(i) = Sector::ALL.iter().position(|x| x == s) {
                sectors |= 1 << i;
            }
        }
        let mut regions = 0u64;
        for r in &doc.regions {
            if let Some(i) = REGIONS.iter().position(|x| x.code == r.as_str()) {
                regions |= 1 << i;
            }
        }
        Meta {
            id: doc.id,
            kind: ProgramKind::ALL
                .iter()
                .position(|k| *k == doc.kind)
                .unwrap_or_default() as u8,
            sectors,
            any_sector: doc.sectors.is_empty(),
            regions,
            nationwide: doc.regions.is_empty(),
            deadline: doc.deadline.map_or(NO_DEADLINE, days),
            amount: doc.amount_max_kzt.unwrap_or(NO_AMOUNT),
            rate: doc.rate_bps.map_or(NO_RATE, i64::from),
        }
    }
}

/// A search's filters as bits, worked out once per search rather than per programme.
#[derive(Clone, Copy)]
struct Filters {
    kind: Option<u8>,
    /// The sector's bit; 0 when the sector is not known to the rule (nothing passes).
    sector: Option<u64>,
    /// The region's bit, likewise.
    region: Option<u64>,
}

impl Filters {
    fn of(q: &SearchQuery) -> Filters {
        let bit = |i: Option<usize>| i.map_or(0, |i| 1u64 << i);
        Filters {
            kind: q.kind.map(|k| {
                ProgramKind::ALL
                    .iter()
                    .position(|x| *x == k)
                    .map_or(u8::MAX, |i| i as u8)
            }),
            sector: q
                .sector
                .map(|s| bit(Sector::ALL.iter().position(|x| *x == s))),
            region: q
                .region
                .as_ref()
                .map(|r| bit(REGIONS.iter().position(|x| x.code == r.as_str()))),
        }
    }

    fn passes(&self, m: &Meta) -> Passes {
        Passes {
            kind: self.kind.is_none_or(|k| m.kind == k),
            sector: self
                .sector
                .is_none_or(|bit| m.any_sector || m.sectors & bit != 0),
            region: self
                .region
                .is_none_or(|bit| m.nationwide || m.regions & bit != 0),
        }
    }
}

/// Which of a search's filters a programme passes.
#[derive(Clone, Copy)]
struct Passes {
    kind: bool,
    sector: bool,
    region: bool,
}

/// Adds one to the count of every set bit of `bits`.
fn count_bits(counts: &mut [u64; 64], mut bits: u64) {
    while bits != 0 {
        counts[bits.trailing_zeros() as usize] += 1;
        bits &= bits - 1;
    }
}

/// The order of results: smaller keys first.
type Key = (i64, Costs, bool, i64);

fn key(q: &SearchQuery, has_text: bool, m: &Meta, c: Costs) -> Key {
    let primary = match (q.sort, has_text) {
        (SortOrder::Relevance, true) => 0,
        (SortOrder::Relevance, false) | (SortOrder::Deadline, _) => m.deadline,
        (SortOrder::Amount, _) => -m.amount,
        (SortOrder::Rate, _) => m.rate,
    };
    (primary, c, !m.nationwide, m.id)
}

/// A page of results, with the total and the facets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer<R> {
    /// Matching programmes in all.
    pub total: u64,
    /// The page, in order.
    pub page: Vec<R>,
    /// Counts for the filters, each without its own filter.
    pub facets: Facets,
}

/// Filters, counts, orders and pages the programmes that match a search's words (`costs`), as
/// of `open_on`.
pub fn answer<R>(
    q: &SearchQuery,
    open_on: NaiveDate,
    has_text: bool,
    matching: impl IntoIterator<Item = (Meta, Costs, R)>,
) -> Answer<R> {
    let today = days(open_on);
    let mut kinds = [0u64; 16];
    let mut sectors = [0u64; 64];
    let mut any_sector = 0u64;
    let mut regions = [0u64; 64];
    let mut nationwide = 0u64;
    let mut kept: Vec<(Key, R)> = Vec::new();
    let filters = Filters::of(q);
    for (m, c, r) in matching {
        if m.deadline < today {
            continue;
        }
        let p = filters.passes(&m);
        if p.sector && p.region {
            kinds[usize::from(m.kind) % 16] += 1;
        }
        if p.kind && p.region {
            if m.any_sector {
                any_sector += 1;
            }
            count_bits(&mut sectors, m.sectors);
        }
        if p.kind && p.sector {
            if m.nationwide {
                nationwide += 1;
            }
            count_bits(&mut regions, m.regions);
        }
        if p.kind && p.sector && p.region {
            kept.push((key(q, has_text, &m, c), r));
        }
    }
    let mut facets = Facets::default();
    for (i, kind) in ProgramKind::ALL.iter().enumerate() {
        if kinds[i] > 0 {
            facets.kind.insert(kind.as_str().into(), kinds[i]);
        }
    }
    // Programmes open to every sector (or nationwide) are available in each one: count them in.
    for (i, sector) in Sector::ALL.iter().enumerate() {
        let n = sectors[i] + any_sector;
        if n > 0 {
            facets.sector.insert(sector.as_str().into(), n);
        }
    }
    for (i, region) in REGIONS.iter().enumerate() {
        let n = regions[i] + nationwide;
        if n > 0 {
            facets.region.insert(region.code.into(), n);
        }
    }
    let total = kept.len() as u64;
    let (offset, limit) = (q.offset(), q.per_page as usize);
    let wanted = offset.saturating_add(limit).min(kept.len());
    if wanted > 0 && wanted < kept.len() {
        kept.select_nth_unstable_by_key(wanted - 1, |a| a.0);
        kept.truncate(wanted);
    }
    kept.sort_unstable_by_key(|a| a.0);
    Answer {
        total,
        page: kept.into_iter().skip(offset).map(|(_, r)| r).collect(),
        facets,
    }
}

/// Marks the words of titles that a plan's words reach by the rule (exactly, as a prefix or with
/// typos, through any of the terms a word is indexed as). Concatenations and splits are left
/// unmarked. Made once for a page of results.
pub struct Highlighter<'a> {
    plan: &'a Plan,
    automata: Vec<Automata>,
}

impl<'a> Highlighter<'a> {
    /// A highlighter for `plan`.
    pub fn new(plan: &'a Plan) -> Highlighter<'a> {
        Highlighter {
            automata: plan.words.iter().map(Automata::new).collect(),
            plan,
        }
    }

    fn reaches(&self, term: &str) -> bool {
        self.plan.words.iter().zip(&self.automata).any(|(w, a)| {
            term == w.text
                || (w.prefix && term.starts_with(&w.text))
                || a.level(w, term).is_some_and(|l| l <= w.typos)
        })
    }

    /// Splits `title` into pieces, marking the words the plan reaches.
    pub fn mark(&self, title: &str) -> Vec<Segment> {
        if self.plan.is_empty() {
            return text::highlight(title, |_, _| false);
        }
        let spans = text::synonym_spans(title);
        text::highlight(title, |i, word| {
            let folded = text::fold(word);
            let mut terms = vec![
                text::canonical(&folded),
                text::canonical(&text::stem(&folded)),
            ];
            terms.extend(text::latin(word));
            terms.extend(
                spans
                    .iter()
                    .filter(|(_, range)| range.contains(&i))
                    .map(|(g, _)| text::synonym_token(*g)),
            );
            terms
                .iter()
                .flat_map(|t| t.split(' '))
                .any(|t| !t.is_empty() && self.reaches(t))
        })
    }
}

/// Builds the typo automata ahead of the first search: the two-typo builder takes about half a
/// second, which the first visitor after a start would otherwise wait for.
pub fn warm_up() {
    LazyLock::force(&ONE_TYPO);
    LazyLock::force(&TWO_TYPOS);
}

#[cfg(test)]
mod tests;
