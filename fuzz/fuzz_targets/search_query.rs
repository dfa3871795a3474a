//! The search box and the catalogue's query string: any text is either a search or a named
//! field error, never a panic; a search survives its own canonical query string unchanged (the
//! address bar and every pager link are built from it); the query parser, the search rule's plan
//! (at most ten words, only the last a prefix) and the spelling helpers take any text.
#![no_main]

use app::domain::matching::{MAX_WORDS, Plan};
use app::domain::search::SearchQuery;
use app::domain::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(query) = SearchQuery::from_query_string(raw) {
        let again = SearchQuery::from_query_string(&query.to_query_string())
            .expect("a canonical query string parses");
        assert_eq!(again, query, "{raw:?} → {:?}", query.to_query_string());
        let _ = query.parts();
    }
    let _ = text::parse_query(raw);
    let plan = Plan::new(raw);
    assert!(plan.words.len() <= MAX_WORDS, "{raw:?}");
    let prefixes = plan.words.iter().filter(|w| w.prefix).count();
    assert!(
        prefixes == 0 || (prefixes == 1 && plan.words.last().is_some_and(|w| w.prefix)),
        "only the last word may be a prefix: {raw:?}"
    );
    assert!(plan.words.iter().all(|w| !w.text.is_empty() && !w.text.contains(' ')));
    let _ = plan.nodes();
    let _ = text::index_text(raw);
    let _ = text::latin_words(raw);
    let _ = text::other_layout(raw);
});
