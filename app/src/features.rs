//! Pages and their server functions, one module per feature.

pub mod account;
pub mod alerts;
pub mod catalog;
pub mod home;
pub mod matches;
pub mod not_found;
pub mod profile;
pub mod program;

#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// The raw query string of the request being rendered (server only; pages are not hydrated).
pub(crate) fn request_query() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|p| p.uri.query().map(str::to_owned))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// Sets the HTTP status of the page being rendered.
pub(crate) fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
