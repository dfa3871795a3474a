//! The terms of an index a word reaches: exactly, as a prefix, with typos (Meilisearch's own
//! automata, first-letter rule, caps and byte order) and split in two.

use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};

use super::plan::{Node, Word};
use super::{
    MAX_ONE_TYPO_WORDS, MAX_PREFIX_WORDS, MAX_TWO_TYPO_WORDS, PREFIX_CACHE_MAX_BYTES,
    PREFIX_CACHE_MIN_WORDS,
};

static ONE_TYPO: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static TWO_TYPOS: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

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
pub(super) struct Automata {
    one: DFA,
    two: Option<DFA>,
}

impl Automata {
    pub(super) fn new(word: &Word) -> Automata {
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
    pub(super) fn level(&self, word: &Word, candidate: &str) -> Option<u8> {
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

/// Builds the typo automata ahead of the first search: the two-typo builder takes about half a
/// second, which the first visitor after a start would otherwise wait for.
pub fn warm_up() {
    LazyLock::force(&ONE_TYPO);
    LazyLock::force(&TWO_TYPOS);
}
