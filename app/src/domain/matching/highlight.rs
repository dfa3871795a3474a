//! Marking the words of result titles that a search reached.

use super::plan::Plan;
use super::reach::Automata;
use crate::domain::text::{self, Segment};

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
