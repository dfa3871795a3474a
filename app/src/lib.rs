//! The application shared by the server (SSR, `ssr` feature) and the browser (`hydrate`):
//! pages, islands, server functions, and the pure domain under them.
//!
//! Pages are documents first: rendered on the server, complete without JavaScript. Only the
//! components marked `#[island]` ship wasm (Leptos's `islands` mode), which keeps the first load
//! small for villagers on weak mobile networks.

#![recursion_limit = "256"]

pub mod components;
pub mod domain;
pub mod error;
pub mod features;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{SsrMode, StaticSegment, path};

use crate::components::layout::{Layout, use_lang};
use crate::domain::i18n::{Msg, t};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = current_lang();
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1f6f50" />
                // The stylesheet by its hashed name when the build hashed them (see server::assets).
                <HashedStylesheet options=options.clone() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The language of the current request (server) or of the page (browser).
fn current_lang() -> domain::i18n::Lang {
    #[cfg(feature = "ssr")]
    {
        ssr::request_lang()
    }
    #[cfg(not(feature = "ssr"))]
    {
        domain::i18n::Lang::default()
    }
}

/// The application: language context, routes, layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = current_lang();
    provide_context(lang);
    #[cfg(feature = "ssr")]
    remember_lang_choice();

    view! {
        <Router>
            <Layout>
                <FlatRoutes fallback=features::not_found::NotFound>
                    <Route path=StaticSegment("") view=features::home::HomePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("programs") view=features::catalog::ProgramsPage ssr=SsrMode::Async />
                    <Route path=path!("/programs/:slug") view=features::program::ProgramPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-in") view=features::account::SignInPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-up") view=features::account::SignUpPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("account") view=features::account::AccountPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("profile") view=features::profile::ProfilePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("matches") view=features::matches::MatchesPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("akimat") view=features::akimat::AkimatPage ssr=SsrMode::Async />
                    <Route path=path!("/akimat/assist") view=features::assisted::AssistPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("operator") view=features::operator::OperatorPage ssr=SsrMode::Async />
                    <Route path=path!("/operator/programs") view=features::editor::ProgrammesPage ssr=SsrMode::Async />
                    <Route path=path!("/operator/portfolio") view=features::portfolio::PortfolioPageView ssr=SsrMode::Async />
                    <Route path=path!("/operator/repayments") view=features::portfolio::RepaymentsImportPage ssr=SsrMode::Async />
                    <Route path=path!("/operator/api-keys") view=features::portfolio::ApiKeysPage ssr=SsrMode::Async />
                    <Route path=path!("/operator/webhooks") view=features::webhooks::WebhooksPage ssr=SsrMode::Async />
                    <Route path=path!("/complaints") view=features::complaints::ComplaintsListPage ssr=SsrMode::Async />
                    <Route path=path!("/complaints/:id") view=features::complaints::ComplaintPage ssr=SsrMode::Async />
                    <Route path=path!("/operator/programs/:slug") view=features::editor::EditorPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("applications") view=features::applications::ApplicationsPage ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id") view=features::applications::ApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("/records/:code") view=features::records::RecordPage ssr=SsrMode::Async />
                    <Route path=path!("/verify") view=features::records::VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("/verify/:code") view=features::records::VerifyPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("notifications") view=features::alerts::NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/unsubscribe/:token") view=features::alerts::UnsubscribePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("reset") view=features::account::ResetRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/reset/:token") view=features::account::ResetPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("invitations") view=features::account::InvitationsPage ssr=SsrMode::Async />
                    <Route path=path!("/invite/:token") view=features::account::InvitePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/messages") view=features::admin_messages::AdminMessagesPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("okrugs") view=features::reports::OkrugsPage ssr=SsrMode::Async />
                    <Route path=path!("/okrugs/open-data") view=features::reports::OpenDataPage ssr=SsrMode::Async />
                    <Route path=path!("/okrugs/:kato") view=features::reports::AreaPage ssr=SsrMode::Async />
                </FlatRoutes>
            </Layout>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or with this response's
/// nonce (the hydration script Leptos writes inline), wasm compilation allowed, no inline
/// styles or scripts otherwise, no framing, forms posting only here.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use axum::http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        ssr::session::respond_with_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// A `?lang=` link sets the language for later visits too (a year-long cookie).
#[cfg(feature = "ssr")]
fn remember_lang_choice() {
    use axum::http::{HeaderValue, header::SET_COOKIE};
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return;
    };
    let chosen = parts.uri.query().and_then(|q| {
        domain::params::decode_query(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| domain::i18n::Lang::parse(&v))
    });
    if let (Some(lang), Some(response)) = (chosen, use_context::<leptos_axum::ResponseOptions>())
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ))
    {
        response.append_header(SET_COOKIE, cookie);
    }
}

/// The page title, "<page> · Ауыл Бизнес".
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let lang = use_lang();
    view! { <Title text=format!("{text} · {}", t(lang, Msg::SiteName)) /> }
}
