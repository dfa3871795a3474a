//! Server-only code (the `ssr` feature): configuration, state, database, search engines and the
//! services that use them. Named like Leptos's `mod ssr` convention, so it cannot be mistaken
//! for the `server` crate.

pub mod config;
pub mod db;
pub mod search;
pub mod services;
pub mod state;
#[cfg(test)]
pub(crate) mod testing;
pub mod workers;

use std::future::Future;

use axum::http::HeaderMap;

pub use state::{AppState, state};

use crate::domain::i18n::Lang;
use crate::error::AppError;
use services::ServiceError;

/// Runs a service call at the edge of a server function or handler: the one place where a
/// `ServiceError` becomes what the user sees. Internal failures are logged here, once, with
/// their details; the user gets a plain message in their language and nothing else.
pub async fn boundary<T>(
    lang: Lang,
    work: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, AppError> {
    work.await.map_err(|e| to_app_error(lang, e))
}

/// Maps a service error to the user-facing error, logging internal ones.
pub fn to_app_error(lang: Lang, e: ServiceError) -> AppError {
    match e {
        ServiceError::Invalid(field) => AppError::invalid(&field, lang),
        ServiceError::NotFound => AppError::NotFound,
        ServiceError::Search(error) => {
            tracing::error!(error = %error, "search failed");
            AppError::Unavailable
        }
        other => {
            tracing::error!(error = ?other, "request failed");
            AppError::Internal
        }
    }
}

/// The language of a request: an explicit `lang` query parameter, then the `lang` cookie, then
/// `Accept-Language`, then Russian.
pub fn lang_of(headers: &HeaderMap, query: Option<&str>) -> Lang {
    let from_query = query.and_then(|q| {
        crate::domain::params::decode_query(q)
            .ok()?
            .into_iter()
            .rev()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    let from_cookie = || {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|cookies| {
                cookies
                    .split(';')
                    .find_map(|c| c.trim().strip_prefix("lang=").and_then(Lang::parse))
            })
    };
    let from_header = || {
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
    };
    from_query
        .or_else(from_cookie)
        .or_else(from_header)
        .unwrap_or_default()
}

/// The language of the request being served by Leptos (page or server function).
pub fn request_lang() -> Lang {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|parts| lang_of(&parts.headers, parts.uri.query()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_query_parameter_beats_the_cookie_which_beats_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9"),
        );
        assert_eq!(lang_of(&headers, None), Lang::En);
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("theme=dark; lang=kk"),
        );
        assert_eq!(lang_of(&headers, None), Lang::Kk);
        assert_eq!(lang_of(&headers, Some("q=x&lang=ru")), Lang::Ru);
        assert_eq!(lang_of(&HeaderMap::new(), Some("lang=xx")), Lang::Ru);
    }
}
