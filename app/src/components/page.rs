//! What a page knows of its request and says of its response, on the server (pages are
//! rendered there; only islands hydrate).

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

/// Puts an island's state into the address bar without a new history entry per keystroke, so
/// a copied link shows the same thing (browser only; nothing on the server).
pub(crate) fn replace_address(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// The message a page shows when loading its data failed: the role's refusal in plain words
/// where the page is for entrepreneurs only; the error's own message otherwise. Sets the
/// page's status, except for "sign in" (the page has already redirected).
pub(crate) fn load_error(lang: crate::domain::i18n::Lang, e: &crate::error::AppError) -> String {
    use crate::error::AppError;
    if *e != AppError::Unauthorized {
        set_status(e.status());
    }
    if *e == AppError::Forbidden {
        crate::domain::i18n::t(lang, crate::domain::i18n::Msg::ProfileOnlyEntrepreneurs).to_owned()
    } else {
        e.message(lang)
    }
}
