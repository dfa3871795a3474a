//! The search form, and live results as the user types: the one island of the catalogue.
//!
//! Without JavaScript it is a plain GET form and the server renders the results (the island's
//! children). With JavaScript, typing or changing a filter searches after a short pause, swaps
//! in the new results and keeps the address bar in step, so a copied link shows the same page.

use std::time::Duration;

use leptos::prelude::*;

use crate::features::replace_address;

use super::api::search_programs;
use crate::components::results::ResultsView;
use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::i18n::{Lang, Msg, t, tn};
use crate::domain::location::REGIONS;
use crate::domain::search::{
    DEFAULT_PER_PAGE, Facets, MAX_QUERY_CHARS, SearchQuery, SearchResults, SortOrder,
};

/// How long typing must pause before a search is sent: short enough to feel live, long enough
/// not to send a request per keystroke on a slow link.
const DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Idle,
    Searching,
    Done(u64),
    Failed,
}

fn with_count(label: &str, count: Option<u64>) -> String {
    match count {
        Some(n) => format!("{label} ({n})"),
        None => label.to_owned(),
    }
}

/// The search form with live results. `children` are the server-rendered results, shown until
/// the first live search replaces them.
#[island(lazy)]
pub fn LiveSearch(
    lang: Lang,
    query: SearchQuery,
    facets: Facets,
    children: Children,
) -> impl IntoView {
    let server_results = children();
    // What the form holds when the island wakes, which on a slow connection can be seconds
    // after the page showed: a query typed meanwhile is kept (and searched), never wiped.
    let rendered = rendered_values(&query);
    let found = [
        current_value("q", &rendered[0]),
        current_value("f-kind", &rendered[1]),
        current_value("f-sector", &rendered[2]),
        current_value("f-region", &rendered[3]),
        current_value("f-sort", &rendered[4]),
    ];
    let changed_before_waking = found != rendered;
    let [text, kind, sector, region, sort] = found.map(RwSignal::new);
    let per_page = query.per_page;
    let facets = RwSignal::new(facets);
    let live: RwSignal<Option<(SearchQuery, SearchResults)>> = RwSignal::new(None);
    let status = RwSignal::new(Status::Idle);
    let hydrated = RwSignal::new(false);

    let sequence = StoredValue::new(0u64);
    let timer = StoredValue::new(None::<TimeoutHandle>);

    let run = move || {
        let pairs = [
            ("q", text.get_untracked()),
            ("kind", kind.get_untracked()),
            ("sector", sector.get_untracked()),
            ("region", region.get_untracked()),
            ("sort", sort.get_untracked()),
            ("per_page", per_page.to_string()),
        ];
        let Ok(query) = SearchQuery::from_pairs(pairs.map(|(k, v)| (k.to_owned(), v))) else {
            status.set(Status::Failed);
            return;
        };
        sequence.update_value(|n| *n += 1);
        let mine = sequence.get_value();
        status.set(Status::Searching);
        replace_address(&query.url());
        leptos::task::spawn_local(async move {
            let answer = search_programs(query.to_query_string()).await;
            // A slower answer to an older query must not overwrite a newer one.
            if sequence.get_value() != mine {
                return;
            }
            match answer {
                Ok(results) => {
                    status.set(Status::Done(results.total));
                    facets.set(results.facets.clone());
                    live.set(Some((query, results)));
                }
                Err(_) => status.set(Status::Failed),
            }
        });
    };
    let schedule = move |delay: Duration| {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        timer.set_value(set_timeout_with_handle(run, delay).ok());
    };
    Effect::new(move |_| {
        hydrated.set(true);
        if changed_before_waking {
            schedule(Duration::ZERO);
        }
    });

    view! {
        <div class="live-search" data-hydrated=move || hydrated.get().then_some("true")>
            <form
                class="search-form"
                method="get"
                action="/programs"
                role="search"
                on:submit=move |ev| {
                    ev.prevent_default();
                    schedule(Duration::ZERO);
                }
            >
                {search_box(lang, query.text, text, schedule)}
                {filters(lang, Filters { facets, kind, sector, region, sort }, per_page, schedule)}
            </form>
            <p class="live-status" role="status" aria-live="polite">{live_status(lang, status)}</p>
            <div class="server-results" hidden=move || live.with(Option::is_some)>{server_results}</div>
            {move || live.get().map(|(query, results)| view! { <ResultsView lang query results /> })}
        </div>
    }
}

/// The form's values as the server rendered them: text, kind, sector, region, sort.
fn rendered_values(query: &SearchQuery) -> [String; 5] {
    [
        query.text.clone(),
        query
            .kind
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        query
            .sector
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        query
            .region
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        query.sort.as_str().to_owned(),
    ]
}

/// The search box: typing searches after a pause.
fn search_box(
    lang: Lang,
    rendered: String,
    text: RwSignal<String>,
    schedule: impl Fn(Duration) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="search-box">
            <label for="q" class="search-label">{t(lang, Msg::SearchLabel)}</label>
            <div class="search-row">
                <input
                    id="q"
                    name="q"
                    type="search"
                    maxlength=MAX_QUERY_CHARS
                    autocomplete="off"
                    placeholder=t(lang, Msg::SearchPlaceholder)
                    value=rendered
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        schedule(DEBOUNCE);
                    }
                />
                <button type="submit" class="button">{t(lang, Msg::SearchButton)}</button>
            </div>
        </div>
    }
}

/// The filters' state: the counts beside each choice, and the choices.
#[derive(Clone, Copy)]
struct Filters {
    facets: RwSignal<Facets>,
    kind: RwSignal<String>,
    sector: RwSignal<String>,
    region: RwSignal<String>,
    sort: RwSignal<String>,
}

/// The filters and the order: a change searches at once.
fn filters(
    lang: Lang,
    f: Filters,
    per_page: u32,
    schedule: impl Fn(Duration) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let Filters {
        facets,
        kind,
        sector,
        region,
        sort,
    } = f;
    let kind_options = ProgramKind::ALL
        .iter()
        .map(|k| {
            let code = k.as_str();
            let label =
                move || with_count(k.label(lang), facets.with(|f| f.kind.get(code).copied()));
            view! { <option value=code selected=move || kind.get() == code>{label}</option> }
        })
        .collect_view();
    let sector_options = Sector::ALL
        .iter()
        .map(|s| {
            let code = s.as_str();
            let label =
                move || with_count(s.label(lang), facets.with(|f| f.sector.get(code).copied()));
            view! { <option value=code selected=move || sector.get() == code>{label}</option> }
        })
        .collect_view();
    let region_options = REGIONS
        .iter()
        .map(|r| {
            let code = r.code;
            let label =
                move || with_count(r.name(lang), facets.with(|f| f.region.get(code).copied()));
            view! { <option value=code selected=move || region.get() == code>{label}</option> }
        })
        .collect_view();
    let sort_options = SortOrder::ALL
        .iter()
        .map(|o| {
            let code = o.as_str();
            view! { <option value=code selected=move || sort.get() == code>{t(lang, o.msg())}</option> }
        })
        .collect_view();
    view! {
        <fieldset class="filters">
            <legend>{t(lang, Msg::FiltersHeading)}</legend>
            <div class="field">
                <label for="f-kind">{t(lang, Msg::FilterKind)}</label>
                <select id="f-kind" name="kind" on:change=move |ev| { kind.set(event_target_value(&ev)); schedule(Duration::ZERO); }>
                    <option value="" selected=move || kind.get().is_empty()>{t(lang, Msg::FilterAnyKind)}</option>
                    {kind_options}
                </select>
            </div>
            <div class="field">
                <label for="f-sector">{t(lang, Msg::FilterSector)}</label>
                <select id="f-sector" name="sector" on:change=move |ev| { sector.set(event_target_value(&ev)); schedule(Duration::ZERO); }>
                    <option value="" selected=move || sector.get().is_empty()>{t(lang, Msg::FilterAnySector)}</option>
                    {sector_options}
                </select>
            </div>
            <div class="field">
                <label for="f-region">{t(lang, Msg::FilterRegion)}</label>
                <select id="f-region" name="region" on:change=move |ev| { region.set(event_target_value(&ev)); schedule(Duration::ZERO); }>
                    <option value="" selected=move || region.get().is_empty()>{t(lang, Msg::FilterAnyRegion)}</option>
                    {region_options}
                </select>
            </div>
            <div class="field">
                <label for="f-sort">{t(lang, Msg::FilterSort)}</label>
                <select id="f-sort" name="sort" on:change=move |ev| { sort.set(event_target_value(&ev)); schedule(Duration::ZERO); }>
                    {sort_options}
                </select>
            </div>
            {(per_page != DEFAULT_PER_PAGE).then(|| view! { <input type="hidden" name="per_page" value=per_page.to_string() /> })}
            <a class="filters-reset" href="/programs">{t(lang, Msg::FilterReset)}</a>
        </fieldset>
    }
}

/// What the live search is doing. Screen readers hear the new count; sighted users see it in
/// the results heading already.
fn live_status(lang: Lang, status: RwSignal<Status>) -> impl IntoView {
    move || match status.get() {
        Status::Idle => None,
        Status::Searching => {
            Some(view! { <span>{t(lang, Msg::ResultsSearching)}</span> }.into_any())
        }
        Status::Done(n) => Some(
            view! { <span class="visually-hidden">{tn(lang, Msg::ResultsCount, n)}</span> }
                .into_any(),
        ),
        Status::Failed => Some(view! { <span>{t(lang, Msg::ResultsLiveFailed)}</span> }.into_any()),
    }
}

/// The value the page's field `id` holds now (typed or chosen before the island woke), or
/// `rendered` on the server and when there is no such field.
fn current_value(id: &str, rendered: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id));
        if let Some(input) = field
            .as_ref()
            .and_then(|f| f.dyn_ref::<web_sys::HtmlInputElement>())
        {
            return input.value();
        }
        if let Some(select) = field
            .as_ref()
            .and_then(|f| f.dyn_ref::<web_sys::HtmlSelectElement>())
        {
            return select.value();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    rendered.to_owned()
}
