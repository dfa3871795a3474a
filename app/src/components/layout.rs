//! The frame around every page: header with the language switch, main region, footer.

use leptos::prelude::*;

use crate::domain::i18n::{Lang, Msg, t};

/// The language of the page being rendered (provided by `App`).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The current address with `lang` set, for the language switch (a plain link, so it works
/// without JavaScript and keeps the search the user was looking at).
fn lang_href(lang: Lang) -> String {
    #[cfg(feature = "ssr")]
    {
        use crate::domain::params::{decode_query, encode_component};
        if let Some(parts) = use_context::<axum::http::request::Parts>() {
            let mut pairs: Vec<(String, String)> = parts
                .uri
                .query()
                .and_then(|q| decode_query(q).ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "lang")
                .collect();
            pairs.push(("lang".into(), lang.code().into()));
            let query: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
                .collect();
            return format!("{}?{}", parts.uri.path(), query.join("&"));
        }
    }
    format!("?lang={}", lang.code())
}

/// Header, main content and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_lang();
    // Who is signed in, and in which role, or a way to sign in.
    let principal = crate::components::session::current_principal();
    // What to offer is policy's to say; the header only draws it.
    let menu = crate::domain::policy::menu(principal.as_ref());
    let matches = menu.own_business.then(|| {
        view! {
            <a href="/matches">{t(lang, Msg::NavMatches)}</a>
            <a href="/applications">{t(lang, Msg::NavApplications)}</a>
        }
    });
    let akimat = menu
        .akimat
        .then(|| view! { <a href="/akimat">{t(lang, Msg::NavAkimat)}</a> });
    let operator = menu.operator.then(|| {
        view! {
            <a href="/operator" data-testid="nav-queue">{t(lang, Msg::NavQueue)}</a>
            <a href="/operator/programs" data-testid="nav-programmes">{t(lang, Msg::NavProgrammes)}</a>
            <a href="/operator/portfolio" data-testid="nav-portfolio">{t(lang, Msg::NavPortfolio)}</a>
        }
    });
    let api_keys = menu
        .api_keys
        .then(|| view! { <a href="/operator/api-keys" data-testid="nav-api-keys">{t(lang, Msg::ApiKeysTitle)}</a> });
    let complaints = menu
        .complaints
        .then(|| view! { <a href="/complaints" data-testid="nav-complaints">{t(lang, Msg::NavComplaints)}</a> });
    // The bell: a link to the notifications, with the unread count when there are any. The
    // link's label says it all (the count included); the icon and the figure are decoration.
    let bell = menu.notifications.then(|| {
        let unread = crate::components::session::current_unread();
        let label = crate::domain::i18n::tf(lang, Msg::BellLabel, &[("n", &unread.to_string())]);
        view! {
            <a href="/notifications" class="bell" aria-label=label data-testid="bell">
                {super::icon::bell()}
                {(unread > 0).then(|| view! { <span class="bell-count" aria-hidden="true">{unread}</span> })}
            </a>
        }
    });
    let who = match principal {
        Some(p) => view! {
            <a href="/account" class="who" data-testid="who">
                {p.display_name} <span class="who-role">{p.role.label(lang)}</span>
            </a>
        }
        .into_any(),
        None => view! { <a href="/sign-in">{t(lang, Msg::NavSignIn)}</a> }.into_any(),
    };
    let switch = Lang::ALL
        .into_iter()
        .map(|l| {
            let current = l == lang;
            view! {
                <li>
                    <a
                        href=lang_href(l)
                        hreflang=l.code()
                        lang=l.code()
                        aria-current=current.then_some("true")
                    >
                        {l.native_name()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <a class="skip-link" href="#main">{t(lang, Msg::SkipToContent)}</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span class="brand-name">{t(lang, Msg::SiteName)}</span>
            </a>
            <nav class="site-nav" aria-label=t(lang, Msg::NavPrograms)>
                <a href="/programs">{t(lang, Msg::NavPrograms)}</a>
                <a href="/okrugs">{t(lang, Msg::NavReports)}</a>
                {matches}
                {akimat}
                {operator}
                {api_keys}
                {complaints}
                {bell}
                {who}
            </nav>
            <nav class="lang-switch" aria-label=t(lang, Msg::LanguageLabel)>
                <ul>{switch}</ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t(lang, Msg::FooterData)}</p>
        </footer>
    }
}
