//! The home page: a search box, the kinds of support and sectors with how many programmes each
//! has, and the programmes whose intake closes soonest. No island: it ships no wasm at all.

use leptos::prelude::*;

use super::catalog::api::search_programs;
use super::set_status;
use crate::PageTitle;
use crate::components::facts;
use crate::components::layout::use_lang;
use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::i18n::{Msg, pick, t};
use crate::domain::search::MAX_QUERY_CHARS;

/// `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let overview = Suspend::new(async move {
        match search_programs("per_page=4".into()).await {
            Ok(results) => {
                let kinds = ProgramKind::ALL
                    .iter()
                    .filter_map(|k| {
                        let n = *results.facets.kind.get(k.as_str())?;
                        let href = format!("/programs?kind={}", k.as_str());
                        Some(view! {
                            <li>
                                <a class=format!("category badge-{}", k.as_str()) href=href>
                                    <span class="category-name">{k.label(lang)}</span>
                                    <span class="category-count">{n}</span>
                                </a>
                            </li>
                        })
                    })
                    .collect_view();
                let sectors = Sector::ALL
                    .iter()
                    .filter_map(|s| {
                        let n = *results.facets.sector.get(s.as_str())?;
                        let href = format!("/programs?sector={}", s.as_str());
                        Some(view! { <li><a href=href>{s.label(lang)} " (" {n} ")"</a></li> })
                    })
                    .collect_view();
                let soonest = results
                    .hits
                    .into_iter()
                    .map(|hit| {
                        let href = format!("/programs/{}", hit.slug);
                        view! {
                            <li>
                                <a href=href>{pick(lang, &hit.title_ru, &hit.title_kk).to_owned()}</a>
                                <span class="soon-deadline">{facts::deadline(lang, hit.deadline)}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section aria-labelledby="kinds">
                        <h2 id="kinds">{t(lang, Msg::HomeCategories)}</h2>
                        <ul class="categories">{kinds}</ul>
                    </section>
                    <section aria-labelledby="sectors">
                        <h2 id="sectors">{t(lang, Msg::HomeSectors)}</h2>
                        <ul class="sector-links">{sectors}</ul>
                    </section>
                    <section aria-labelledby="soonest">
                        <h2 id="soonest">{t(lang, Msg::HomeSoonest)}</h2>
                        <ul class="soonest">{soonest}</ul>
                        <p><a href="/programs">{t(lang, Msg::HomeAllPrograms)} " →"</a></p>
                    </section>
                }
                .into_any()
            }
            Err(error) => {
                set_status(error.status());
                view! { <p class="notice notice-error" role="alert">{error.message(lang)}</p> }
                    .into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::SiteTagline) />
        <div class="page home">
            <section class="hero">
                <h1>{t(lang, Msg::HomeTitle)}</h1>
                <p class="lead">{t(lang, Msg::HomeLead)}</p>
                <form class="search-form" method="get" action="/programs" role="search">
                    <label for="home-q" class="search-label">{t(lang, Msg::SearchLabel)}</label>
                    <div class="search-row">
                        <input id="home-q" name="q" type="search" maxlength=MAX_QUERY_CHARS placeholder=t(lang, Msg::SearchPlaceholder) />
                        <button type="submit" class="button">{t(lang, Msg::SearchButton)}</button>
                    </div>
                </form>
            </section>
            <Suspense fallback=|| ()>{overview}</Suspense>
        </div>
    }
}
