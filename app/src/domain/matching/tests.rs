use chrono::NaiveDate;

use super::*;
use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::location::{KatoCode, REGIONS};
use crate::domain::search::{SearchQuery, SortOrder};
use crate::domain::text::{self, stem, synonym_token};

fn word(text: &str, typos: u8, prefix: bool) -> Word {
    Word {
        text: text.into(),
        typos,
        prefix,
    }
}

fn node(w: Word) -> Node {
    Node {
        first: 0,
        span: 1,
        parts: vec![w.text.clone()],
        word: w,
    }
}

fn vocabulary(words: &[&str]) -> Vocabulary {
    Vocabulary::new(words.iter().map(|w| (*w).to_owned()))
}

fn derive(v: &Vocabulary, w: Word) -> Vec<(String, u8)> {
    let mut terms = v.derive(&node(w), &mut |_, _| 0).terms;
    terms.sort();
    terms
}

fn terms(pairs: &[(&str, u8)]) -> Vec<(String, u8)> {
    let mut out: Vec<(String, u8)> = pairs.iter().map(|(t, l)| ((*t).into(), *l)).collect();
    out.sort();
    out
}

#[test]
fn a_query_becomes_stems_synonym_tokens_and_at_most_one_prefix() {
    let plan = Plan::new("Кредиты на скот");
    assert_eq!(
        plan.words,
        [word(&synonym_token(1), 0, false), word("скот", 0, true)],
        "«кредиты» is the credit group's token; the stop word goes; the last word is a prefix"
    );
    assert_eq!(plan.query_text(), format!("{} скот", synonym_token(1)));

    // The last word is a prefix, as its stem; a last synonym token is not, and Meilisearch is
    // told so by a space after it.
    let plan = Plan::new("переработка молока");
    assert_eq!(plan.words[1], word(&stem("молока"), 1, true));
    assert!(!plan.query_text().ends_with(' '), "{:?}", plan.query_text());
    assert!(Plan::new("кредит на гарантия").query_text().ends_with(' '));

    // The stem is sent unless it would lose a typo the typed word has.
    assert_eq!(Plan::new("кердит").words, [word("кердит", 1, true)]);
    assert_eq!(
        Plan::new("животноводства скот").words[0],
        word(&stem("животноводства"), 2, false)
    );
    // Still being typed: a prefix.
    let typing = Plan::new("микрокр");
    assert_eq!(typing.words, [word("микрокр", 1, true)]);
    assert!(!typing.query_text().ends_with(' '));
}

#[test]
fn the_kinds_of_support_and_the_young_are_synonym_tokens_that_take_no_typo() {
    for (q, group) in [
        ("гарантия", "гарантия"),
        ("гарантии", "гарантия"),
        ("Кепілдік", "гарантия"),
        ("грант", "грант"),
        ("гранты", "грант"),
        ("молодым", "молодежь"),
        ("молодых", "молодежь"),
        ("жастар", "молодежь"),
        ("субсидия", "субсидия"),
        ("лизинг", "лизинг"),
        ("займ", "кредит"),
    ] {
        let g = text::SYNONYMS
            .iter()
            .position(|members| members.contains(&group))
            .expect("a group");
        assert_eq!(
            Plan::new(q).words,
            [word(&synonym_token(g), 0, false)],
            "{q}"
        );
    }
    assert_ne!(
        Plan::new("гарантия").words,
        Plan::new("грант").words,
        "two kinds of support, two tokens"
    );
}

#[test]
fn terms_are_canonical_so_meilisearch_sees_the_same_letters() {
    assert_eq!(
        text::canonical("мойка"),
        "моика",
        "й is и without its breve"
    );
    assert_eq!(text::canonical("café"), "cafe");
    assert_eq!(text::canonical("½"), "1 2");
    assert_eq!(Plan::new("мойка").words[0].text, "моика");
    assert!(
        text::index_text("Мойка")
            .split(' ')
            .all(|t| !t.contains('й'))
    );
}

#[test]
fn more_than_ten_words_keep_the_first_ten_and_no_prefix() {
    let plan = Plan::new("один два три четыре пять шесть семь восемь девять десять одиннадцать");
    assert_eq!(plan.words.len(), MAX_WORDS);
    assert!(plan.words.iter().all(|w| !w.prefix));
    assert!(plan.query_text().ends_with(' '));
}

#[test]
fn one_typo_needs_the_right_first_letter_and_two_count_a_wrong_one_twice() {
    let v = vocabulary(&["кредат", "кредит", "кредитт", "ткредит", "кридит", "кредо"]);
    assert_eq!(
        derive(&v, word("кредит", 1, false)),
        terms(&[("кредит", 0), ("кредат", 1), ("кредитт", 1), ("кридит", 1)]),
        "«ткредит» changes the first letter: out of reach with one typo"
    );
    let v = vocabulary(&[
        "сельскохозяйственный",
        "сельскохозяйственый",
        "сельскохозяйствный",
        "тельскохозяйственный",
        "тельскохозяйственны",
    ]);
    assert_eq!(
        derive(&v, word("сельскохозяйственный", 2, false)),
        terms(&[
            ("сельскохозяйственный", 0),
            ("сельскохозяйственый", 1),
            ("сельскохозяйствный", 2),
            ("тельскохозяйственный", 2),
        ]),
        "a wrong first letter costs two typos, and nothing more may be wrong"
    );
    assert_eq!(
        derive(&vocabulary(&["скот", "скат"]), word("скот", 0, false)),
        terms(&[("скот", 0)]),
        "four letters: no typo"
    );
}

#[test]
fn a_prefix_reaches_completions_and_typos_of_completions() {
    let v = vocabulary(&[
        "аманат",
        "аманаты",
        "амонаты",
        "ауыл",
        "ауылдагы",
        "ауылдык",
    ]);
    assert_eq!(
        derive(&v, word("ауыл", 0, true)),
        terms(&[("ауыл", 0), ("ауылдагы", 0), ("ауылдык", 0)])
    );
    assert_eq!(
        derive(&v, word("аманат", 1, true)),
        terms(&[("аманат", 0), ("аманаты", 0), ("амонаты", 1)])
    );
    assert_eq!(
        derive(&v, word("аманат", 1, false)),
        terms(&[("аманат", 0), ("аманаты", 1)]),
        "without the prefix, «амонаты» is two typos away"
    );
}

#[test]
fn typo_and_prefix_reach_is_capped_as_in_meilisearch() {
    // Every one-letter change of «абвгдеж» but the first: more than 150 one-typo neighbours.
    let query: Vec<char> = "абвгдеж".chars().collect();
    let mut neighbours = Vec::new();
    for pos in 1..query.len() {
        for c in 'а'..='я' {
            let mut w = query.clone();
            w[pos] = c;
            neighbours.push(w.into_iter().collect::<String>());
        }
    }
    let v = Vocabulary::new(neighbours.clone());
    assert!(v.len() > MAX_ONE_TYPO_WORDS + 20, "{}", v.len());
    let reached = derive(&v, word("абвгдеж", 1, false));
    let ones: Vec<&String> = reached
        .iter()
        .filter(|(_, l)| *l == 1)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(ones.len(), MAX_ONE_TYPO_WORDS);
    let mut first: Vec<String> = neighbours.into_iter().filter(|w| w != "абвгдеж").collect();
    first.sort();
    first.dedup();
    first.truncate(MAX_ONE_TYPO_WORDS);
    assert_eq!(
        ones.into_iter().cloned().collect::<Vec<_>>(),
        first,
        "the first 150 in byte order"
    );

    let one_letter: Vec<String> = (0..1200).map(|i| format!("к{i:04}")).collect();
    let v = Vocabulary::new(one_letter);
    assert_eq!(
        derive(&v, word("к", 0, true)).len(),
        1200,
        "a short, common prefix reaches everything"
    );
    assert_eq!(
        derive(&v, word("к0", 0, true)).len(),
        1000,
        "«к0» is 3 bytes and shared by 1,000 terms: cached, all of them"
    );
    let v = Vocabulary::new((0..1200).map(|i| format!("кре{i:04}")));
    assert_eq!(
        derive(&v, word("кре", 0, true)).len(),
        MAX_PREFIX_WORDS,
        "a longer prefix reaches at most 1,000 terms"
    );
}

#[test]
fn a_word_splits_where_its_halves_stand_together_most_often() {
    let v = vocabulary(&["бизнес", "бизнесидея", "идея", "би", "знесидея"]);
    let pairs = |l: &str, r: &str| match (l, r) {
        ("бизнес", "идея") => 3,
        ("би", "знесидея") => 1,
        _ => 0,
    };
    let d = v.derive(&node(word("бизнесидея", 2, false)), &mut |l, r| pairs(l, r));
    assert_eq!(d.split, Some(("бизнес".into(), "идея".into())));
    // A concatenation is not split back into its own words.
    let plan = Plan::new("бизнес идея");
    let nodes = plan.nodes();
    let concat = nodes.iter().find(|n| n.span == 2).expect("a 2-gram");
    let d = v.derive(concat, &mut |l, r| pairs(l, r));
    assert_eq!(d.split, None);
}

#[test]
fn neighbouring_words_are_also_searched_as_their_concatenation() {
    let plan = Plan::new("аа бб вв");
    let nodes = plan.nodes();
    let spans: Vec<(usize, usize, &str, u8, bool)> = nodes
        .iter()
        .map(|n| {
            (
                n.first,
                n.span,
                n.word.text.as_str(),
                n.word.typos,
                n.word.prefix,
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            (0, 1, "аа", 0, false),
            (1, 1, "бб", 0, false),
            (2, 1, "вв", 0, true),
            (0, 2, "аабб", 0, false),
            (1, 2, "ббвв", 0, true),
            (0, 3, "ааббвв", 0, true),
        ]
    );
    let longer = Plan::new("ауылдык кооперативтер");
    let concat = longer
        .nodes()
        .into_iter()
        .find(|n| n.span == 2)
        .expect("2-gram");
    assert_eq!(concat.word.typos, 1, "two typos for its length, less one");
}

#[test]
fn costs_take_the_cheapest_cover_of_the_query_words() {
    let plan = Plan::new("аа бб");
    let nodes = plan.nodes();
    let hit = |field, level| Some(Hit { field, level });
    // Both words in the title.
    assert_eq!(
        costs(2, &nodes, |k| [hit(0, 0), hit(0, 1), None][k]),
        Some(Costs {
            fields: 0,
            typos: 1
        })
    );
    // Title and body.
    assert_eq!(
        costs(2, &nodes, |k| [hit(0, 0), hit(2, 0), None][k]),
        Some(Costs {
            fields: 2,
            typos: 0
        })
    );
    // Only the concatenation: its field counts for each word, and it costs two typos.
    assert_eq!(
        costs(2, &nodes, |k| [None, None, hit(1, 0)][k]),
        Some(Costs {
            fields: 2,
            typos: 2
        })
    );
    // A missing word.
    assert_eq!(costs(2, &nodes, |k| [hit(0, 0), None, None][k]), None);
    // Each cost is its own minimum over the ways to cover the words.
    assert_eq!(
        costs(2, &nodes, |k| [hit(2, 0), hit(2, 0), hit(0, 1)][k]),
        Some(Costs {
            fields: 0,
            typos: 0
        })
    );
}

fn meta(id: i64, nationwide: bool, deadline: i64) -> Meta {
    Meta {
        id,
        kind: 0,
        sectors: 0,
        any_sector: true,
        regions: if nationwide { 0 } else { 1 },
        nationwide,
        deadline,
        amount: 100 * id,
        rate: NO_RATE,
    }
}

#[test]
fn results_rank_by_fields_then_typos_then_nationwide_then_id() {
    let q = SearchQuery::default();
    let c = |fields, typos| Costs { fields, typos };
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    let open = days(today) + 10;
    let docs = vec![
        (meta(5, false, open), c(0, 0), 5),
        (meta(4, true, open), c(0, 0), 4),
        (meta(3, true, open), c(0, 1), 3),
        (meta(2, true, open), c(1, 0), 2),
        (meta(1, false, open), c(0, 0), 1),
        (meta(6, true, open), c(0, 0), 6),
        (meta(7, true, days(today) - 1), c(0, 0), 7),
    ];
    let a = answer(&q, today, true, docs.clone());
    assert_eq!(a.page, [4, 6, 1, 5, 3, 2], "expired 7 left out");
    assert_eq!(a.total, 6);
    let by_amount = SearchQuery {
        sort: SortOrder::Amount,
        ..SearchQuery::default()
    };
    assert_eq!(
        answer(&by_amount, today, true, docs.clone()).page,
        [6, 5, 4, 3, 2, 1]
    );
    let paged = |page| SearchQuery {
        per_page: 4,
        page,
        ..SearchQuery::default()
    };
    let mut seen = answer(&paged(1), today, true, docs.clone()).page;
    seen.extend(answer(&paged(2), today, true, docs).page);
    assert_eq!(seen, [4, 6, 1, 5, 3, 2], "pages neither repeat nor skip");
}

#[test]
fn facets_count_each_filter_without_its_own() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    let open = days(today) + 1;
    let turkestan = REGIONS
        .iter()
        .position(|r| r.code == "610000000")
        .expect("Turkestan");
    let mut local = meta(1, false, open);
    local.regions = 1 << turkestan;
    local.kind = 1;
    local.any_sector = false;
    local.sectors = 1;
    let national = meta(2, true, open);
    let q = SearchQuery {
        region: KatoCode::parse("610000000").ok(),
        kind: Some(ProgramKind::ALL[1]),
        ..SearchQuery::default()
    };
    let c = Costs::default();
    let a = answer(&q, today, false, vec![(local, c, 1), (national, c, 2)]);
    assert_eq!(a.page, [1]);
    assert_eq!(a.facets.kind.get(ProgramKind::ALL[0].as_str()), Some(&1));
    assert_eq!(a.facets.kind.get(ProgramKind::ALL[1].as_str()), Some(&1));
    assert_eq!(a.facets.region.get("610000000"), Some(&1));
    assert_eq!(
        a.facets.region.get("710000000"),
        None,
        "the one local programme is not there"
    );
    assert_eq!(a.facets.sector.get(Sector::ALL[0].as_str()), Some(&1));
}

#[test]
fn titles_are_marked_by_the_rule_and_a_typo_never_crosses_kinds() {
    let marked = |title: &str, q: &str| -> Vec<String> {
        Highlighter::new(&Plan::new(q))
            .mark(title)
            .into_iter()
            .filter(|s| s.hit)
            .map(|s| s.text)
            .collect()
    };
    assert_eq!(marked("Грант на пасеку", "гарантия"), Vec::<String>::new());
    assert_eq!(marked("Гарантия на пасеку", "гарантия"), ["Гарантия"]);
    assert_eq!(
        marked("«Ауыл аманаты»: микрокредит", "амонаты"),
        ["аманаты"]
    );
    assert_eq!(
        marked("Кредит на ірі қара мал", "КРС"),
        ["ірі", "қара", "мал"]
    );
    assert_eq!(marked("Кең дала 2026", "Keng dala"), ["Кең", "дала"]);
    assert_eq!(marked("Молодняк", "молодым"), Vec::<String>::new());
    let rebuilt: String = Highlighter::new(&Plan::new("кен"))
        .mark("«Кең дала» — 2026")
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(rebuilt, "«Кең дала» — 2026");
}

/// Whether the query finds a programme whose only text is `doc`, by the rule.
fn finds(query: &str, doc: &str) -> bool {
    let terms: Vec<String> = text::index_text(doc)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let v = Vocabulary::new(terms.clone());
    let plan = Plan::new(query);
    let nodes = plan.nodes();
    let hits: Vec<Option<Hit>> = nodes
        .iter()
        .map(|n| {
            let d = v.derive(n, &mut |l, r| {
                u64::from(terms.windows(2).any(|w| w[0] == l && w[1] == r))
            });
            (!d.terms.is_empty() || d.split.is_some()).then_some(Hit { field: 0, level: 0 })
        })
        .collect();
    costs(plan.words.len(), &nodes, |k| hits[k]).is_some()
}

#[test]
fn query_words_reach_document_words_by_the_rule() {
    let cases = [
        ("кен", "Кең", true),                 // ң folded
        ("кон", "Кең", false),                // 3 letters: no typo allowed
        ("амонаты", "аманаты", true),         // 1 typo from 5 letters
        ("аманат", "аманаты", true),          // the last word, still being typed
        ("гарантия", "Гарантирование", true), // one synonym group
        ("гарантия", "Грант", false),         // two kinds of support: no typo between them
        ("грант", "гарантия", false),
        ("субсидия", "субсидирование", true),
        ("кредт", "кредит", true),
        ("кредт", "крдт", true),
        ("кредт", "кдт", false),
        ("микрокредиты", "микрокредит", true),
        ("сельскохозяйственый", "сельскохозяйственный", true),
        ("пшеница", "теплица", false),
        ("молодым", "молодняк", false), // a complete word is not a prefix
        ("молодым", "молодёжь", true),  // the young: one group
        ("Auyl amanaty", "Ауыл аманаты", true),
        ("бизнес идея", "бизнес-идея", true),
        ("бизнесидея", "бизнес-идея", true), // split into neighbours
        ("лизинг техники", "лизинг", false), // every word must match
    ];
    for (query, doc, expected) in cases {
        assert_eq!(finds(query, doc), expected, "{query} → {doc}");
    }
}
