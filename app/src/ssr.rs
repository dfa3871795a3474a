//! Server-only code (the `ssr` feature): configuration, state, database, search engines and the
//! services that use them. Named like Leptos's `mod ssr` convention, so it cannot be mistaken
//! for the `server` crate.

pub mod config;
pub mod db;
pub mod http;
pub mod mail;
pub mod pdf;
pub mod search;
pub mod security;
pub mod services;
pub mod session;
pub mod signing;
pub mod sms;
pub mod state;
#[cfg(test)]
pub(crate) mod testing;
pub mod workers;

use std::future::Future;

use axum::http::HeaderMap;

pub use state::{AppState, state};

use crate::components::form::FormId;
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
    work.await.map_err(|e| {
        let error = to_app_error(lang, e);
        // A server function's failure carries its real status (401, 403, 400...) so that
        // clients and the authorization tests can tell a refusal from a fault. Not for a plain
        // form post (it wants HTML): that one is redirected back to its page with the error,
        // and a status set here would replace the redirect.
        let wants_html = leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(axum::http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false);
        if !wants_html
            && let (Some(response), Ok(status)) = (
                leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
                axum::http::StatusCode::from_u16(error.status()),
            )
        {
            response.set_status(status);
        }
        error
    })
}

/// [`boundary`] for a server function that a page's form posts to. Without JavaScript a failed
/// post sends the browser back to the form's page; this makes that address carry the error
/// once (not stacked on an earlier one) and what the person typed in `keep`, so the page shows
/// the message beside the field with the input still in it. Never put a password in `keep`.
pub async fn form_boundary<T>(
    lang: Lang,
    form: FormId,
    keep: &[(&str, &str)],
    work: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, AppError> {
    let result = boundary(lang, work).await;
    if let Err(error) = &result
        && let Some(back) = back_to_form(form, error, keep)
    {
        leptos_axum::redirect(&back);
    }
    result
}

/// A form's server function that changes something, then goes on to `next` (a path on this
/// site): [`form_boundary`] in the request's language, and the redirect once `work` succeeded.
pub async fn form_then(
    form: FormId,
    keep: &[(&str, &str)],
    next: &str,
    work: impl Future<Output = Result<(), ServiceError>>,
) -> Result<(), AppError> {
    form_boundary(request_lang(), form, keep, async move {
        work.await?;
        leptos_axum::redirect(next);
        Ok(())
    })
    .await
}

/// The address of the form page a failed no-JS post returns to, or `None` for a call from
/// JavaScript (which shows the error itself) or without a usable `Referer`.
fn back_to_form(form: FormId, error: &AppError, keep: &[(&str, &str)]) -> Option<String> {
    use leptos::server_fn::error::ServerFnUrlError;
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if !header(axum::http::header::ACCEPT).is_some_and(|a| a.contains("text/html")) {
        return None;
    }
    let referer = header(axum::http::header::REFERER)?;
    // Only the path and query of the page are used, so the redirect stays on this site.
    let after_scheme = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    let local = &after_scheme[after_scheme.find('/')?..];
    let (path, query) = local.split_once('?').unwrap_or((local, ""));
    let kept_keys: Vec<&str> = keep.iter().map(|(k, _)| *k).collect();
    let mut pairs: Vec<(String, String)> = crate::domain::params::decode_query(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "__path" && k != "__err" && !kept_keys.contains(&k.as_str()))
        .collect();
    pairs.extend(
        keep.iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let mut base = format!("http://localhost{path}");
    if !pairs.is_empty() {
        base.push('?');
        base.push_str(
            &pairs
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        crate::domain::params::encode_component(k),
                        crate::domain::params::encode_component(v)
                    )
                })
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    let url = ServerFnUrlError::new(form.path(), error.clone())
        .to_url(&base)
        .ok()?;
    Some(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    })
}

/// Maps a service error to the user-facing error, logging internal ones.
pub fn to_app_error(lang: Lang, e: ServiceError) -> AppError {
    match e {
        ServiceError::Invalid(field) => AppError::invalid(&field, lang),
        ServiceError::NotFound => AppError::NotFound,
        ServiceError::Denied(crate::domain::policy::Denied::SignInRequired) => {
            AppError::Unauthorized
        }
        ServiceError::Denied(crate::domain::policy::Denied::Forbidden) => AppError::Forbidden,
        ServiceError::Search(error) => {
            tracing::error!(error = %error, "search failed");
            AppError::Unavailable
        }
        error if services::cannot_write(&error) => {
            tracing::error!(error = %error, "the store takes no writes (full or read-only)");
            AppError::CannotSave
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
    stated_lang(headers, query).unwrap_or_default()
}

/// The language the request states (address, cookie, `Accept-Language`), if any: what may be
/// remembered as a person's own, unlike the default a bare API client gets.
pub fn stated_lang(headers: &HeaderMap, query: Option<&str>) -> Option<Lang> {
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
    from_query.or_else(from_cookie).or_else(from_header)
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
