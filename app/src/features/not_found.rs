//! The page for addresses that lead nowhere.

use leptos::prelude::*;

use super::set_status;
use crate::PageTitle;
use crate::components::layout::use_lang;
use crate::domain::i18n::{Msg, t};

/// 404.
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    set_status(404);
    view! {
        <PageTitle text=t(lang, Msg::ErrorNotFoundTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::ErrorNotFoundTitle)}</h1>
            <p>{t(lang, Msg::ErrorNotFoundText)}</p>
            <p>
                <a href="/programs">{t(lang, Msg::HomeAllPrograms)}</a>
            </p>
        </div>
    }
}
