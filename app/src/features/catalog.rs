//! The catalogue search page, `/programs`. The address is the state: everything works with a
//! plain GET form; with JavaScript, results update as the user types.

pub mod api;
pub mod live;

use leptos::prelude::*;

use self::api::search_programs;
use self::live::LiveSearch;
use super::{request_query, set_status};
use crate::PageTitle;
use crate::components::layout::use_lang;
use crate::components::results::ResultsView;
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::search::{Facets, SearchQuery};
use crate::error::AppError;

/// The label of a search parameter, for error messages.
pub fn field_label(lang: Lang, field: &str) -> String {
    let msg = match field {
        "q" => Msg::SearchLabel,
        "kind" => Msg::FilterKind,
        "sector" => Msg::FilterSector,
        "region" => Msg::FilterRegion,
        "sort" => Msg::FilterSort,
        "page" | "per_page" => Msg::PaginationLabel,
        other => return other.to_owned(),
    };
    t(lang, msg).trim_end_matches('?').to_owned()
}

/// `/programs`.
#[component]
pub fn ProgramsPage() -> impl IntoView {
    let lang = use_lang();
    let raw = request_query();
    let content = Suspend::new(async move {
        let parsed = SearchQuery::from_query_string(&raw).map_err(|e| AppError::invalid(&e, lang));
        let outcome = match parsed {
            Ok(query) => search_programs(raw).await.map(|results| (query, results)),
            Err(e) => Err(e),
        };
        match outcome {
            Ok((query, results)) => {
                let facets = results.facets.clone();
                // Signed-in people can follow a search: new programmes it finds are announced.
                let subscribe = crate::components::session::current_principal().map(|_| {
                    view! { <crate::features::alerts::SubscribeForm lang kind=crate::domain::alerts::SavedKind::Search query=query.to_query_string() /> }
                });
                view! {
                    {subscribe}
                    <LiveSearch lang query=query.clone() facets>
                        <ResultsView lang query results />
                    </LiveSearch>
                }
                .into_any()
            }
            Err(error) => {
                set_status(error.status());
                let label = match &error {
                    AppError::Invalid { field, .. } => Some(tf(
                        lang,
                        Msg::ErrorFieldLabel,
                        &[("field", &field_label(lang, field))],
                    )),
                    _ => None,
                };
                view! {
                    <div class="notice notice-error" role="alert">
                        {label.map(|l| view! { <p class="notice-title">{l}</p> })}
                        <p>{error.message(lang)}</p>
                        <p>
                            <a href="/programs">{t(lang, Msg::FilterReset)}</a>
                        </p>
                    </div>
                    <LiveSearch lang query=SearchQuery::default() facets=Facets::default()>
                        ""
                    </LiveSearch>
                }
                .into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::NavPrograms) />
        <div class="page">
            <h1 class="visually-hidden">{t(lang, Msg::NavPrograms)}</h1>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}
