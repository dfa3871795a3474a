//! The words a search text becomes: what every engine looks for, and where.

use super::{MAX_WORD_BYTES, MAX_WORDS};
use crate::domain::text::{self, QueryPart, QueryTerm};

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
