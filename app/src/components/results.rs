//! A page of search results: the count, the cards, the pages. Rendered on the server for the
//! first load and in the browser by the live search, from the same code.

use leptos::prelude::*;

use super::facts;
use crate::domain::i18n::{Lang, Msg, pick, t, tf, tn};
use crate::domain::search::{SearchHit, SearchQuery, SearchResults};
use crate::domain::text::Segment;

/// The results of `query`.
#[component]
pub fn ResultsView(lang: Lang, query: SearchQuery, results: SearchResults) -> impl IntoView {
    // Results for the query on the other keyboard layout: say so, and page through that query.
    let corrected = results.corrected.clone().map(|fixed| {
        let notice = tf(lang, Msg::ResultsCorrected, &[("typed", &query.text), ("query", &fixed)]);
        (fixed, view! { <p class="notice notice-info" role="note" data-testid="corrected">{notice}</p> })
    });
    let query = match &corrected {
        Some((fixed, _)) => SearchQuery {
            text: fixed.clone(),
            ..query
        },
        None => query,
    };
    let corrected = corrected.map(|(_, notice)| notice);
    let pages = results.pages(&query);
    let count = tn(lang, Msg::ResultsCount, results.total);
    let degraded = results.degraded.then(|| view! { <p class="notice notice-warning" role="note">{t(lang, Msg::DegradedNotice)}</p> });
    let body = if results.total == 0 {
        view! { <p class="empty">{t(lang, Msg::ResultsNone)}</p> }.into_any()
    } else if results.hits.is_empty() {
        let first = query.with_page(1).url();
        view! {
            <p class="empty">
                {t(lang, Msg::ResultsPageEmpty)} " " <a href=first>{t(lang, Msg::ResultsFirstPage)}</a>
            </p>
        }
        .into_any()
    } else {
        let cards = results
            .hits
            .into_iter()
            .map(|hit| view! { <HitCard lang hit /> })
            .collect_view();
        view! { <ol class="results" data-testid="results">{cards}</ol> }.into_any()
    };
    view! {
        <section class="results-section" aria-labelledby="results-count">
            <h2 id="results-count" class="results-count">{count}</h2>
            {degraded}
            {corrected}
            {body}
            <Pagination lang query pages />
        </section>
    }
}

/// One result.
#[component]
fn HitCard(lang: Lang, hit: SearchHit) -> impl IntoView {
    let href = format!("/programs/{}", hit.slug);
    let (plain, marked) = match lang {
        Lang::Kk if !hit.title_kk.trim().is_empty() => {
            (hit.title_kk.clone(), hit.title_kk_marked.clone())
        }
        _ => (hit.title_ru.clone(), hit.title_ru_marked.clone()),
    };
    let title = if marked.is_empty() {
        vec![Segment {
            text: plain,
            hit: false,
        }]
    } else {
        marked
    };
    let title = title
        .into_iter()
        .map(|s| {
            if s.hit {
                view! { <mark>{s.text}</mark> }.into_any()
            } else {
                s.text.into_any()
            }
        })
        .collect_view();
    let mut facts_list = vec![facts::amount_up_to(lang, hit.amount_max_kzt)];
    facts_list.extend(facts::rate(lang, None, hit.rate_bps));
    facts_list.extend(facts::term(lang, hit.term_months_max));
    facts_list.push(facts::deadline(lang, hit.deadline));
    let facts_view = facts_list
        .into_iter()
        .map(|f| view! { <li>{f}</li> })
        .collect_view();
    view! {
        <li class="card">
            <p class="card-kind">
                <span class=format!("badge badge-{}", hit.kind.as_str())>{hit.kind.label(lang)}</span>
                <span class="card-where">{facts::regions(lang, &hit.regions)}</span>
            </p>
            <h3 class="card-title">
                <a href=href>{title}</a>
            </h3>
            <p class="card-summary">{pick(lang, &hit.summary_ru, &hit.summary_kk).to_owned()}</p>
            <ul class="card-facts">{facts_view}</ul>
            <p class="card-operator">{pick(lang, &hit.operator_ru, &hit.operator_kk).to_owned()}</p>
        </li>
    }
}

/// Previous / next links and where we are.
#[component]
fn Pagination(lang: Lang, query: SearchQuery, pages: u32) -> impl IntoView {
    (pages > 1).then(|| {
        let page = query.page;
        let prev = (page > 1).then(|| {
            let href = query.with_page(page.min(pages + 1) - 1).url();
            view! { <a class="page-prev" rel="prev" href=href>{t(lang, Msg::PagePrevious)}</a> }
        });
        let next = (page < pages).then(|| {
            let href = query.with_page(page + 1).url();
            view! { <a class="page-next" rel="next" href=href>{t(lang, Msg::PageNext)}</a> }
        });
        let of = tf(
            lang,
            Msg::PageOf,
            &[("page", &page.to_string()), ("pages", &pages.to_string())],
        );
        view! {
            <nav class="pagination" aria-label=t(lang, Msg::PaginationLabel)>
                {prev}
                <span class="page-of" aria-current="page">{of}</span>
                {next}
            </nav>
        }
    })
}
