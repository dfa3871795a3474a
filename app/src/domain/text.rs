//! Text normalisation for search: the one place where documents and queries are prepared, for
//! both search engines.
//!
//! A real Meilisearch folds no Kazakh letters and knows no Russian word forms (see
//! `../shared/data/meilisearch-1.50/README.md`), so neither engine is trusted to do it: every
//! searchable text is lower-cased, folded (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, һ→х, і→и, ё→е) and
//! stemmed here, and the engines index and match the resulting terms. Typo tolerance follows
//! Meilisearch's rule (1 typo from 5 letters, 2 from 9, prefix on the last word).

use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

/// Lower-cases and folds one character; Kazakh-specific letters map to their nearest Russian
/// ones so that "кен дала" finds «Кең дала».
pub fn fold_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        'ё' => 'е',
        // Kazakh in the Latin alphabets (2018, 2021) and its ASCII habits: «Ауыл» is typed "Auyl"
        // or "Aýyl", so the Latin letters fold the way the transliteration below writes.
        'ä' => 'a',
        'ö' => 'o',
        'ü' | 'ū' | 'ý' => 'u',
        // The 2021 alphabet writes і as ı (and ы as y).
        'ı' => 'i',
        'ğ' => 'g',
        'ñ' => 'n',
        other => other,
    }
}

/// Folds a whole string (see [`fold_char`]); `ş` and `ç` become `sh` and `ch`, as typed in ASCII.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match fold_char(c) {
            'ş' => out.push_str("sh"),
            'ç' => out.push_str("ch"),
            other => out.push(other),
        }
    }
    out
}

/// The Latin spellings of a Cyrillic word, the way villagers type it on a phone without a
/// Kazakh keyboard: «Ауыл» → `auyl`; «Кең» → `ken` (ASCII habit) and `keng`; «Жас» → `zhas` and
/// `jas`; «Қазақ» → `kazak` and `qazaq`. The second spelling follows the 2021 Kazakh Latin
/// alphabet with its diacritics folded as [`fold`] folds them. Documents index these beside
/// their Cyrillic words, so a Latin query finds a Cyrillic title in every engine. Empty for a
/// word with no Cyrillic letter.
pub fn latin(word: &str) -> Vec<String> {
    if !word.chars().any(is_cyrillic) {
        return Vec::new();
    }
    let mut common = String::with_capacity(word.len() * 2);
    let mut kazakh = String::with_capacity(word.len() * 2);
    for c in word.chars().flat_map(char::to_lowercase) {
        let (both, kz): (&str, Option<&str>) = match c {
            'а' | 'ә' => ("a", None),
            'б' => ("b", None),
            'в' => ("v", None),
            'г' | 'ғ' => ("g", None),
            'д' => ("d", None),
            'е' | 'ё' | 'э' => ("e", None),
            'ж' => ("zh", Some("j")),
            'з' => ("z", None),
            'и' | 'і' => ("i", None),
            'й' => ("y", Some("i")),
            'к' => ("k", None),
            'қ' => ("k", Some("q")),
            'л' => ("l", None),
            'м' => ("m", None),
            'н' => ("n", None),
            'ң' => ("n", Some("ng")),
            'о' | 'ө' => ("o", None),
            'п' => ("p", None),
            'р' => ("r", None),
            'с' => ("s", None),
            'т' => ("t", None),
            'у' | 'ұ' | 'ү' => ("u", None),
            'ф' => ("f", None),
            'х' => ("kh", Some("h")),
            'һ' => ("h", None),
            'ц' => ("ts", None),
            'ч' => ("ch", None),
            'ш' => ("sh", None),
            'щ' => ("shch", Some("sh")),
            'ъ' | 'ь' => ("", None),
            'ы' => ("y", None),
            'ю' => ("yu", None),
            'я' => ("ya", None),
            other => {
                common.push(other);
                kazakh.push(other);
                continue;
            }
        };
        common.push_str(both);
        kazakh.push_str(kz.unwrap_or(both));
    }
    if kazakh == common {
        vec![common]
    } else {
        vec![common, kazakh]
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{4ff}').contains(&c)
}

/// The same keys on the other keyboard layout: a query typed with the wrong layout switched on
/// ("vbrhjrhtlbn" for «микрокредит», "Вфьг" for "Damu"). `None` when the text is not wholly in
/// one of the two layouts' letters, has fewer than three letters (too short to tell a slip from
/// a word), or would turn a letter into punctuation (б, ю, ж, э, х, ъ, ё sit on the English
/// layout's punctuation keys). The search retries with this when the query as typed finds
/// nothing.
pub fn other_layout(text: &str) -> Option<String> {
    const LATIN: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
    const RUSSIAN: &str = "йцукенгшщзхъфывапролджэячсмитьбюё";
    let latin: Vec<char> = LATIN.chars().collect();
    let russian: Vec<char> = RUSSIAN.chars().collect();
    let (mut has_latin, mut has_cyrillic, mut letters) = (false, false, 0);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        has_latin |= c.is_ascii_alphabetic();
        has_cyrillic |= is_cyrillic(c);
        letters += 1;
    }
    if letters < 3 {
        return None;
    }
    let (from, to) = match (has_latin, has_cyrillic) {
        (true, false) => (&latin, &russian),
        (false, true) => (&russian, &latin),
        _ => return None,
    };
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        match from.iter().position(|&k| k == lower) {
            // A letter must stay a letter; punctuation typed on the English layout may become one.
            Some(i) if c.is_alphabetic() && !to[i].is_alphabetic() => return None,
            Some(i) => out.push(to[i]),
            // A letter the layout has no key for (ә, қ…): not a layout slip.
            None if c.is_alphabetic() => return None,
            None => out.push(c),
        }
    }
    Some(out)
}

/// A word of a text, with its byte range in the original.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The word as written.
    pub text: &'a str,
    /// Byte offset of the word's start.
    pub start: usize,
}

/// Splits a text into words: runs of letters and digits. Everything else separates words.
pub fn tokens(s: &str) -> impl Iterator<Item = Token<'_>> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| Token {
            text: w,
            start: w.as_ptr() as usize - s.as_ptr() as usize,
        })
}

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::Russian));

/// The search term of one folded word: its Russian stem for Cyrillic words, the word itself
/// otherwise. Short words are kept whole, because stemming them only creates false matches.
pub fn stem(folded: &str) -> String {
    let cyrillic = folded.chars().any(is_cyrillic);
    if !cyrillic || folded.chars().count() < 4 {
        return folded.to_owned();
    }
    RUSSIAN.stem(folded).into_owned()
}

/// The folded words of a document text, separated by spaces: what typo tolerance and prefix
/// search match against. Both engines index this string, so they see the same vocabulary.
pub fn words(text: &str) -> String {
    join(tokens(text).map(|t| fold(t.text)))
}

/// The Latin spellings of a document text's Cyrillic words (see [`latin`]), separated by
/// spaces. Every engine indexes them with the folded words, so "Auyl amanaty" finds «Ауыл
/// аманаты» with the same typo tolerance.
pub fn latin_words(text: &str) -> String {
    join(tokens(text).flat_map(|t| latin(t.text)))
}

/// The stems of a document text's words, separated by spaces: what lets «микрокредиты» find
/// «микрокредит». Indexed beside [`words`]; a query word matches either.
pub fn stems(text: &str) -> String {
    join(tokens(text).map(|t| stem(&fold(t.text))))
}

/// The form in which every engine indexes and matches a term: compatibility-decomposed (NFKD)
/// without combining marks, lower case, split where the decomposition made a separator («½» →
/// `1 2`). Meilisearch's tokenizer would otherwise change our terms on its own terms: it
/// decomposes «й» into «и» and a breve that it keeps, so the two engines would count letters,
/// typo budgets and distances differently. Applied after stemming, which needs the «й».
pub fn canonical(term: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    // Nearly every term is lower-case Latin, Cyrillic without «й», or digits, which the
    // decomposition leaves as they are.
    let plain = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || (('а'..='я').contains(&c) && c != 'й')
    };
    if term.chars().all(plain) {
        return term.to_owned();
    }
    let mut out = String::with_capacity(term.len());
    for c in term.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    if out.contains(' ') {
        join(out.split(' ').filter(|w| !w.is_empty()).map(str::to_owned))
    } else {
        out
    }
}

/// What every engine indexes for a text, as space-separated terms: its folded words, their
/// stems, the Latin spellings of its Cyrillic words, then the tokens of the synonym groups it
/// contains, each in its [`canonical`] form. One string for every engine, so they all see the
/// same vocabulary and the same neighbouring words.
pub fn index_text(text: &str) -> String {
    // Every programme's texts go through here at each rebuild: each word is folded, stemmed and
    // spelled once.
    let words: Vec<Token<'_>> = tokens(text).collect();
    let forms: Vec<Forms> = words.iter().map(|t| forms(t.text)).collect();
    let mut out = String::with_capacity(text.len() * 4);
    let mut push = |term: &str| {
        if term.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(term);
    };
    for (folded, _) in &forms {
        push(&canonical(folded));
    }
    for (_, stem) in &forms {
        push(&canonical(stem));
    }
    for t in &words {
        for spelling in latin(t.text) {
            push(&canonical(&spelling));
        }
    }
    let mut groups: Vec<usize> = spans(&forms).into_iter().map(|(g, _)| g).collect();
    groups.sort_unstable();
    groups.dedup();
    for g in groups {
        push(&synonym_token(g));
    }
    out
}

fn join(parts: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for part in parts {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&part);
    }
    out
}

/// How many typos a word of `len` characters tolerates: 0 below 5, 1 from 5, 2 from 9
/// (Meilisearch's `minWordSizeForTypos` defaults).
pub fn max_typos(len: usize) -> u8 {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Words that carry no meaning in a query ("кредит на скот"): dropped from queries, never from
/// documents, so a query made only of them still matches literally.
const STOP_WORDS: &[&str] = &[
    "в", "во", "на", "для", "и", "с", "со", "по", "из", "к", "ко", "у", "о", "об", "от", "до",
    "за", "под", "при", "или", "а", "же", "ли", "бы", "мен", "мен", "бен", "пен", "және", "үшін",
    "да", "де", "та", "те", "the", "a", "an", "of", "for", "and", "in", "to",
];

/// Groups of interchangeable words and phrases, in Russian and Kazakh. A group is matched as one
/// token of its own (see [`synonym_token`]): documents carry the token of every group a phrase
/// of theirs belongs to (by stems, so any word form counts), and a query phrase of a group is
/// searched as that token alone, exactly: no typo and no prefix can reach it. So the kinds of
/// support are groups, and a typo can never turn one into another («гарантия» into «грант»).
pub const SYNONYMS: &[&[&str]] = &[
    &["микрокредит", "микрозайм", "микрозаем", "шағын несие"],
    &["кредит", "заем", "займ", "несие"],
    &["КРС", "крупный рогатый скот", "ірі қара мал"],
    &["МРС", "мелкий рогатый скот", "ұсақ мал"],
    &["ИП", "индивидуальный предприниматель", "жеке кәсіпкер"],
    &[
        "КХ",
        "крестьянское хозяйство",
        "фермерское хозяйство",
        "шаруа қожалығы",
    ],
    &["теплица", "жылыжай"],
    &["пчеловодство", "ара шаруашылығы"],
    // «молодым», «молодых» are the young people («молодым предпринимателям»), never the young
    // livestock («молодняк»), which a prefix of the stem «молод» would reach.
    &["молодежь", "молодые", "жастар"],
    &["женщины", "әйелдер"],
    &["грант", "безвозмездный"],
    &["гарантия", "гарантирование", "кепілдік"],
    &["субсидия", "субсидирование", "субсидиялау"],
    &["лизинг"],
    &["обучение", "оқыту"],
];

/// The token that stands for synonym group `group` in documents and queries: `zzsyn` and two
/// letters. Latin letters keep it clear of every word and of the Latin spellings of Cyrillic
/// words (which never start with `zz`); one length for all keeps any token from being the prefix
/// of another.
pub fn synonym_token(group: usize) -> String {
    let letter = |n: usize| char::from(b'a' + (n % 26) as u8);
    format!("zzsyn{}{}", letter(group / 26), letter(group))
}

/// Every synonym token, for engines that must not apply typos to them.
pub fn synonym_tokens() -> Vec<String> {
    (0..SYNONYMS.len()).map(synonym_token).collect()
}

/// A word's forms for finding synonym phrases: folded, and its stem.
type Forms = (String, String);

fn forms(word: &str) -> Forms {
    let folded = fold(word);
    let stem = stem(&folded);
    (folded, stem)
}

/// Whether a word (its forms) is a form of a phrase's word: the same folded word or stem, or
/// one's stem is the other as written (the Russian stemmer cuts «кредит» to «кред» but
/// «кредиты» to «кредит»).
fn same_word(a: &Forms, b: &Forms) -> bool {
    a.0 == b.0 || a.1 == b.1 || a.1 == b.0 || a.0 == b.1
}

/// The forms of each word of each phrase of each group, computed once.
static SYNONYM_FORMS: LazyLock<Vec<Vec<Vec<Forms>>>> = LazyLock::new(|| {
    SYNONYMS
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|phrase| tokens(phrase).map(|t| forms(t.text)).collect())
                .collect()
        })
        .collect()
});

/// The longest synonym phrase that starts `words`: its length in words and its group.
fn synonym_at(words: &[Forms]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (group, phrases) in SYNONYM_FORMS.iter().enumerate() {
        for phrase in phrases {
            let len = phrase.len();
            let longer = best.is_none_or(|(b, _)| len > b);
            if len > 0
                && len <= words.len()
                && longer
                && phrase.iter().zip(words).all(|(p, w)| same_word(p, w))
            {
                best = Some((len, group));
            }
        }
    }
    best
}

/// The synonym groups whose phrases occur in a text, each with the range of words (indexes into
/// [`tokens`]) where it occurs.
pub fn synonym_spans(text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
    spans(&tokens(text).map(|t| forms(t.text)).collect::<Vec<_>>())
}

fn spans(words: &[Forms]) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    for (group, phrases) in SYNONYM_FORMS.iter().enumerate() {
        for phrase in phrases {
            if phrase.is_empty() || phrase.len() > words.len() {
                continue;
            }
            for start in 0..=words.len() - phrase.len() {
                let here = &words[start..start + phrase.len()];
                if phrase.iter().zip(here).all(|(p, w)| same_word(p, w)) {
                    found.push((group, start..start + phrase.len()));
                }
            }
        }
    }
    found
}

/// One word of a query, prepared for matching.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueryTerm {
    /// The folded word as typed.
    pub folded: String,
    /// Its search term (see [`stem`]).
    pub stem: String,
    /// Whether it may be the start of a longer word: the last word of the query, perhaps still
    /// being typed, and the way a Kazakh word finds its suffixed forms («омарта» finds
    /// «омартаға», which the Russian stemmer does not know).
    pub prefix: bool,
}

impl QueryTerm {
    fn new(folded: String, prefix: bool) -> QueryTerm {
        QueryTerm {
            stem: stem(&folded),
            folded,
            prefix,
        }
    }
}

/// One position of a query: a single word, or a phrase of a synonym group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum QueryPart {
    /// A word that must match.
    Term(QueryTerm),
    /// A phrase of synonym group `group` (an index into [`SYNONYMS`]), matched by the group's
    /// token (see [`synonym_token`]).
    Synonym {
        /// The group.
        group: usize,
        /// The words as typed.
        words: Vec<QueryTerm>,
    },
}

/// Turns a query into parts: folded words without stop words, the last one possibly a prefix,
/// and phrases of synonym groups as one part each.
pub fn parse_query(q: &str) -> Vec<QueryPart> {
    let words: Vec<String> = tokens(q).map(|t| fold(t.text)).collect();
    let meaningful: Vec<String> = words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    // A query of stop words only ("и") is searched literally rather than emptied.
    let words = if meaningful.is_empty() {
        words
    } else {
        meaningful
    };
    let word_forms: Vec<Forms> = words.iter().map(|w| forms(w)).collect();
    let last = words.len().saturating_sub(1);

    let mut parts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if let Some((len, group)) = synonym_at(&word_forms[i..]) {
            parts.push(QueryPart::Synonym {
                group,
                words: (i..i + len)
                    .map(|j| QueryTerm::new(words[j].clone(), false))
                    .collect(),
            });
            i += len;
        } else {
            parts.push(QueryPart::Term(QueryTerm::new(words[i].clone(), i == last)));
            i += 1;
        }
    }
    parts
}

/// Whether `a` and `b` are within `max` edits (insert, delete, substitute, swap neighbours).
pub fn within(a: &str, b: &str, max: u8) -> bool {
    distance(a, b, max).is_some()
}

/// Optimal-string-alignment distance, or `None` once it exceeds `max`.
fn distance(a: &str, b: &str, max: u8) -> Option<u8> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; a.len() + 1];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i][0] = i;
        let mut row_min = rows[i][0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
    }
    let d = rows[a.len()][b.len()];
    (d <= max).then(|| u8::try_from(d).unwrap_or(u8::MAX))
}

/// Whether some prefix of `word` is within `max` edits of `prefix`.
pub fn prefix_within(prefix: &str, word: &str, max: u8) -> bool {
    let len = prefix.chars().count();
    let max_usize = usize::from(max);
    (len.saturating_sub(max_usize)..=len + max_usize).any(|k| {
        let head: String = word.chars().take(k).collect();
        head.chars().count() == k && within(prefix, &head, max)
    })
}

/// A piece of a highlighted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Segment {
    /// The text of the piece, as written in the original.
    pub text: String,
    /// Whether it matched a query word.
    pub hit: bool,
}

/// Splits `text` into pieces, marking the words (by their index in [`tokens`]) for which `hit`
/// says so. Rendering the pieces (never raw HTML) keeps a programme title from injecting markup.
pub fn highlight(text: &str, hit: impl Fn(usize, &str) -> bool) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |piece: &str, hit: bool| {
        if piece.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(piece),
            _ => segments.push(Segment {
                text: piece.to_owned(),
                hit,
            }),
        }
    };
    let mut cursor = 0;
    for (i, token) in tokens(text).enumerate() {
        push(&text[cursor..token.start], false);
        push(token.text, hit(i, token.text));
        cursor = token.start + token.text.len();
    }
    push(&text[cursor..], false);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_words_get_the_latin_spellings_people_type() {
        assert_eq!(latin("Ауыл"), ["auyl"]);
        assert_eq!(latin("аманаты"), ["amanaty"]);
        assert_eq!(latin("Кең"), ["ken", "keng"]);
        assert_eq!(latin("Жас"), ["zhas", "jas"]);
        assert_eq!(latin("Қазақстан"), ["kazakstan", "qazaqstan"]);
        assert_eq!(latin("хозяйство"), ["khozyaystvo", "hozyaistvo"]);
        assert_eq!(latin("Bastau"), Vec::<String>::new(), "already Latin");
        assert_eq!(latin_words("Кең дала 2026"), "ken keng dala");
        // Typed with 2021 Latin letters, a query folds to the same spelling.
        assert_eq!(fold("Aýyl"), "auyl");
        assert_eq!(
            fold("Käsıpker"),
            latin("Кәсіпкер")[0],
            "ı is і in the 2021 alphabet"
        );
        assert_eq!(fold("Keñ Şarua"), "ken sharua");
    }

    #[test]
    fn a_query_on_the_wrong_layout_reads_on_the_other() {
        assert_eq!(other_layout("vbrhjrhtlbn").as_deref(), Some("микрокредит"));
        assert_eq!(other_layout("Uhfyn 2026").as_deref(), Some("грант 2026"));
        assert_eq!(other_layout("ltym,b").as_deref(), Some("деньби"));
        assert_eq!(other_layout("Вфьг").as_deref(), Some("damu"));
        assert_eq!(other_layout("эжх"), None, "would be punctuation only");
        assert_eq!(
            other_layout("кабачок"),
            None,
            "б and ю have no letter key on the other side"
        );
        assert_eq!(other_layout("ab"), None, "too short to tell");
        assert_eq!(
            other_layout("кең"),
            None,
            "ң has no key on the Russian layout"
        );
        assert_eq!(
            other_layout("grant грант"),
            None,
            "two scripts: typed on purpose"
        );
        assert_eq!(other_layout("2026"), None, "no letters");
        assert_eq!(other_layout(""), None);
    }

    #[test]
    fn kazakh_letters_fold_to_their_russian_neighbours() {
        assert_eq!(fold("Кең Дала"), "кен дала");
        assert_eq!(fold("ӘҒҚҢӨҰҮҺІ әғқңөұүһі Ёж"), "агкноуухи агкноуухи еж");
        assert_eq!(fold("Ауыл аманаты"), "ауыл аманаты");
        assert_eq!(fold("Bastau"), "bastau");
    }

    #[test]
    fn tokens_split_on_everything_but_letters_and_digits() {
        let words: Vec<&str> = tokens("«Кең дала» — 2026: 5,5%!").map(|t| t.text).collect();
        assert_eq!(words, ["Кең", "дала", "2026", "5", "5"]);
        let text = "а «бв»";
        let starts: Vec<usize> = tokens(text).map(|t| t.start).collect();
        assert_eq!(starts, [0, "а «".len()]);
    }

    #[test]
    fn word_forms_share_a_stem() {
        let cases = [
            ("микрокредиты", "микрокредитов"),
            ("кредитов", "кредиты"),
            ("субсидирование", "субсидирования"),
            ("гранты", "грант"),
            ("фермерам", "фермеров"),
        ];
        for (a, b) in cases {
            assert_eq!(stem(a), stem(b), "failed for {a} / {b}");
        }
        assert_ne!(stem("кредит"), stem("грант"));
        // Latin text and short words are left alone.
        assert_eq!(stem("bastau"), "bastau");
        assert_eq!(stem("мал"), "мал");
    }

    #[test]
    fn typo_budget_follows_word_length() {
        let cases = [(1, 0), (4, 0), (5, 1), (8, 1), (9, 2), (20, 2)];
        for (len, typos) in cases {
            assert_eq!(max_typos(len), typos, "failed for length {len}");
        }
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert!(within("аманат", "амонат", 1));
        assert!(
            within("кредит", "кердит", 1),
            "a swap of neighbours is one typo"
        );
        assert!(!within("кредит", "кдерит", 1));
        assert!(within("кредит", "кредит", 0));
        assert!(!within("кен", "кон", 0));
        assert!(within("субсидия", "субсидиа", 1));
        assert!(!within("а", "абвг", 2));
    }

    #[test]
    fn queries_drop_stop_words_and_mark_the_last_word_as_prefix() {
        let parts = parse_query("Кредит на СКОТ");
        let terms: Vec<(String, bool)> = parts
            .iter()
            .map(|p| match p {
                QueryPart::Term(t) => (t.folded.clone(), t.prefix),
                QueryPart::Synonym { .. } => ("<synonyms>".into(), false),
            })
            .collect();
        assert_eq!(terms, [("<synonyms>".into(), false), ("скот".into(), true)]);
        // Only stop words: searched literally.
        assert_eq!(parse_query("и").len(), 1);
        assert!(parse_query("  ,;  ").is_empty());
    }

    #[test]
    fn synonym_phrases_are_one_part_in_queries_and_one_token_in_documents() {
        let parts = parse_query("ірі қара мал");
        let krs = SYNONYMS
            .iter()
            .position(|g| g.contains(&"КРС"))
            .expect("the cattle group");
        assert!(
            matches!(&parts[..], [QueryPart::Synonym { group, words }] if *group == krs && words.len() == 3),
            "a three-word synonym is one part: {parts:?}"
        );
        let parts = parse_query("микрозаймы для фермы");
        assert!(
            matches!(parts[0], QueryPart::Synonym { group: 0, .. }),
            "{parts:?}"
        );
        // Any word form of a member brings the group's token into a document.
        let indexed = index_text("Кредит на покупку крупного рогатого скота");
        assert!(indexed.contains(&synonym_token(krs)), "{indexed}");
        assert!(indexed.contains(&synonym_token(1)), "кредит: {indexed}");
        assert!(
            !indexed.contains(&synonym_token(0)),
            "not a microcredit: {indexed}"
        );
        let groups: Vec<usize> = synonym_spans("Гарантия и грант")
            .into_iter()
            .map(|(g, _)| g)
            .collect();
        assert_eq!(groups.len(), 2, "two kinds, two groups: {groups:?}");
        let tokens = synonym_tokens();
        assert!(
            tokens
                .iter()
                .all(|t| t.len() == 7 && t.starts_with("zzsyn")),
            "one length: none is the prefix of another: {tokens:?}"
        );
    }

    #[test]
    fn documents_are_indexed_by_folded_words_and_by_stems() {
        assert_eq!(
            words("Кең дала: весенне-полевые"),
            "кен дала весенне полевые"
        );
        assert_eq!(
            stems("Кең дала: весенне-полевые"),
            format!(
                "кен {} {} {}",
                stem("дала"),
                stem("весенне"),
                stem("полевые")
            )
        );
        assert_eq!(words(""), "");
        assert_eq!(index_text(""), "");
        assert_eq!(
            index_text("Кең дала"),
            format!("кен дала кен {} ken keng dala", stem("дала"))
        );
    }

    #[test]
    fn highlight_keeps_the_text_and_marks_what_it_is_told() {
        let segments = highlight("Ауыл аманаты: микрокредит", |i, _| {
            i == 1
        });
        let rebuilt: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(rebuilt, "Ауыл аманаты: микрокредит");
        let hits: Vec<&str> = segments
            .iter()
            .filter(|s| s.hit)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(hits, ["аманаты"]);
        assert!(highlight("<b>x</b>", |_, _| false).iter().all(|s| !s.hit));
    }
}
