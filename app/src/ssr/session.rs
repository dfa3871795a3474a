//! The caller of a request, as the server's middleware found it (session cookie, device
//! cookie, client address), and those cookies themselves.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{DateTime, Utc};

use super::services::accounts::Caller;
use crate::domain::account::Principal;

/// The session cookie's name.
pub const COOKIE: &str = "auyl_session";

/// Put into each request's extensions by the server's middleware.
#[derive(Clone, Debug, Default)]
pub struct RequestCaller(pub Caller);

/// The device cookie's name: a random token a browser gets at each sign-in, by which an
/// account knows the devices that have signed in to it (see
/// `services::accounts::DEVICE_REMEMBERED`).
pub const DEVICE_COOKIE: &str = "auyl_device";

/// The value of cookie `name`, if the request carries it.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| {
            cookies
                .split(';')
                .find_map(|c| c.trim().strip_prefix(&prefix).map(str::to_owned))
        })
}

/// The session cookie's value, if the request carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// The device cookie's value, if the request carries one (an empty one counts as none).
pub fn device_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, DEVICE_COOKIE).filter(|t| !t.is_empty())
}

/// A `Set-Cookie` value starting a session: not readable by scripts, not sent on cross-site
/// requests other than top-level navigation, HTTPS-only when the site is served over HTTPS.
pub fn set_cookie(token: &str, expires: DateTime<Utc>, secure: bool) -> Option<HeaderValue> {
    let max_age = (expires - Utc::now()).num_seconds().max(0);
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

/// A `Set-Cookie` value setting the device cookie for `max_age`, with the session cookie's
/// protections: not readable by scripts, `SameSite=Lax`, HTTPS-only when the site is served
/// over HTTPS. Signing out leaves it: the device stays known to the account.
pub fn set_device_cookie(
    token: &str,
    max_age: chrono::Duration,
    secure: bool,
) -> Option<HeaderValue> {
    let max_age = max_age.num_seconds().max(0);
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{DEVICE_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

/// A `Set-Cookie` value removing the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("auyl_session=; Path=/; Max-Age=0"))
}

/// The caller of the request Leptos is handling (page or server function).
pub fn caller() -> Caller {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestCaller>().map(|c| c.0.clone()))
        .unwrap_or_default()
}

/// The signed-in person of the request Leptos is handling, if any.
pub fn principal() -> Option<Principal> {
    caller().principal
}

/// Adds a response header to the response Leptos is building.
pub fn respond_with_header(name: header::HeaderName, value: HeaderValue) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(name, value);
    }
}

/// The cookie that carries a just-created API key or webhook secret from its form's post to the
/// page that shows it once: a minute long, only sent to that page, never readable by scripts.
pub const FRESH_KEY_COOKIE: &str = "auyl_fresh_key";

/// A `Set-Cookie` value carrying `key` (or clearing it when `None`) to the page at `path`.
pub fn fresh_key_cookie(key: Option<&str>, secure: bool, path: &str) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    let (value, max_age) = key.map_or(("", 0), |k| (k, 60));
    HeaderValue::from_str(&format!(
        "{FRESH_KEY_COOKIE}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok()
}

/// The just-created API key the request carries, clearing it from the browser as the page
/// shows it (a reload no longer shows it).
pub fn take_fresh_key(path: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let key = cookie(&parts.headers, FRESH_KEY_COOKIE).filter(|k| !k.is_empty())?;
    let secure = crate::ssr::state().is_ok_and(|st| st.config.secure_cookies());
    if let Some(clear) = fresh_key_cookie(None, secure, path) {
        respond_with_header(header::SET_COOKIE, clear);
    }
    Some(key)
}
