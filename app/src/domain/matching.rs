//! The matching and ranking rule of the catalogue search: one rule, which every engine
//! implements, so that Meilisearch, the embedded index and the database fallback find the same
//! programmes, count the same facets and show them in the same order.
//!
//! Meilisearch cannot be given a rule of our own, so the rule is Meilisearch's matching under the
//! settings its adapter sends (`ssr::search::meili`), written down here exactly; the embedded
//! engine and the database fallback implement it from this module, and a side-by-side test on a
//! real Meilisearch (`server/tests/api/meili_real.rs`, with `ssr::services::catalog::quality`)
//! checks that the three agree.
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
//! **What Meilisearch does that is not reproduced** (rare: the agreement tests list it when it
//! happens): with several query words, its ranking rules after the first see only the query
//! shapes (the separate words, or a concatenation) that brought some programme into the current
//! bucket of fields. A programme found through a concatenation in its title and through the
//! separate words elsewhere counts no typo by the rule, but two in Meilisearch unless another
//! programme of the bucket has the separate words in its title. The rule's count does not depend
//! on the other programmes; `real_meilisearch_differs_from_the_rule_only_as_documented` shows
//! the case.

mod highlight;
mod order;
mod plan;
mod reach;

pub use highlight::Highlighter;
pub use order::{Answer, Costs, Hit, Meta, answer, costs, days};
pub use plan::{Node, Plan, Word};
pub use reach::{Derived, Vocabulary, warm_up};

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

#[cfg(test)]
mod tests;
