//! `/akimat`: the akimat's own page: the okrug's workspace (its figures, stuck applications,
//! rejection reasons), the way to file for a resident, and the requests for a recommendation.

use leptos::prelude::*;

use crate::PageTitle;
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::i18n::{Msg, format_date, pick, t, tf};

use super::applications::api;

/// `/akimat`: the requests for a recommendation made to one's akimat, oldest first.
#[component]
pub fn AkimatPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/akimat");
    let content = Suspend::new(async move {
        match api::akimat_queue().await {
            Ok(list) if list.is_empty() => {
                view! { <p>{t(lang, Msg::AkimatQueueNone)}</p> }.into_any()
            }
            Ok(list) => {
                let rows = list
                    .into_iter()
                    .map(|q| {
                        let href = format!("/applications/{}", q.application_id);
                        let title = tf(lang, Msg::AppTitle, &[("id", &q.application_id.to_string())]);
                        let answer = match q.latest {
                            Some(v) => v.label(lang),
                            None => t(lang, Msg::AkimatQueueAwaiting),
                        };
                        view! {
                            <li data-testid="request">
                                <a href=href>{title}</a> " — "
                                {pick(lang, &q.program_title_ru, &q.program_title_kk).to_owned()}
                                " · " {q.state.label(lang)}
                                " · " <strong>{answer}</strong>
                                " · " <small>{format_date(lang, q.requested_at.date_naive())}</small>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                view! { <ul class="applications">{rows}</ul> }.into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{crate::features::load_error(lang, &e)}</p> }.into_any(),
        }
    });
    let workspace = Suspend::new(async move {
        match crate::features::reports::api::okrug_workspace().await {
            Ok(w) => view! { <crate::features::reports::WorkspaceView lang w /> }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{crate::features::load_error(lang, &e)}</p> }.into_any(),
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::NavAkimat) />
        <div class="page narrow">
            <Suspense fallback=|| ()>{workspace}</Suspense>
            <p><a class="button button-secondary" href="/akimat/assist" data-testid="assist-link">{t(lang, Msg::AssistLink)}</a></p>
            <section aria-labelledby="queue-h">
                <h2 id="queue-h">{t(lang, Msg::AkimatQueueHeading)}</h2>
                <Suspense fallback=|| ()>{content}</Suspense>
            </section>
        </div>
    }
}
