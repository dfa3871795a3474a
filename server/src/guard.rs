//! What every request passes through: who is calling (session and device cookies, client
//! address), the cross-site request check for every state-changing request, and security
//! headers.

use std::net::SocketAddr;

use app::domain::i18n::{Msg, t};
use app::ssr::services::accounts::{self, Caller};
use app::ssr::session::{RequestCaller, device_token, session_token};
use app::ssr::{AppState, lang_of};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The client's address: the peer, or with `TRUST_PROXY` the last `X-Forwarded-For` entry.
/// The last one is the address our proxy saw (nginx's `$proxy_add_x_forwarded_for` appends
/// it); earlier entries come from the client, who could write anything there to dodge the
/// per-address limits.
fn client_ip(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<String> {
    if state.config.trust_proxy
        && let Some(forwarded) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded
            .rsplit(',')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return Some(last.to_owned());
    }
    peer.map(|p| p.ip().to_string())
}

/// Finds the caller and puts it into the request's extensions for pages, server functions and
/// handlers. A failing session lookup makes the caller anonymous rather than failing the page.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let ip = client_ip(&state, req.headers(), peer);
    let mut caller = Caller {
        principal: None,
        session: None,
        device: device_token(req.headers()).map(|t| app::ssr::security::token_hash(&t)),
        ip,
        unread: 0,
        lang: app::ssr::stated_lang(req.headers(), req.uri().query()),
    };
    if let Some(token) = session_token(req.headers()) {
        match accounts::principal_of(&state.db, &token).await {
            Ok(Some((principal, hash))) => {
                // The bell's count: one indexed count per signed-in request.
                match app::ssr::services::alerts::unread(&state.db, principal.user_id).await {
                    Ok(n) => caller.unread = n,
                    Err(e) => tracing::warn!(error = %e, "unread notifications not counted"),
                }
                caller.principal = Some(principal);
                caller.session = Some(hash);
            }
            // An unknown or expired id is still passed on, so that signing in ends it.
            Ok(None) => caller.session = Some(app::ssr::security::token_hash(&token)),
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    req.extensions_mut().insert(RequestCaller(caller));
    next.run(req).await
}

/// POST endpoints authorised by an API key alone (never by the session).
pub const KEY_POSTS: &[&str] = &["/api/v1/repayments"];

/// POST endpoints that neither read the session nor change anything.
pub const STATELESS_POSTS: &[&str] = &["/api/v1/eligibility"];

/// Refuses state-changing requests that come from another site (CSRF), in addition to the
/// session cookie's `SameSite=Lax`: the browser's `Sec-Fetch-Site` must say same-origin, or
/// failing that the `Origin` must be this site. A request with neither is refused too: every
/// browser that can use this site sends one of them on a POST.
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // POSTs that change nothing and ignore the session (a computation over the posted body)
    // are for any API client, which sends no `Origin`; a forged one gains nothing.
    if STATELESS_POSTS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    // A mail client's one-click unsubscribe (RFC 8058) comes from its servers, with neither
    // header; the token in the address is its whole authority, so a forged one gains nothing.
    if crate::unsubscribe::is_one_click(req.uri().path()) {
        return next.run(req).await;
    }
    // A lender's system posts with an API key in `Authorization`, which a browser never adds
    // to a cross-site request by itself; the door ignores the session cookie, so a forged
    // request carries no authority.
    if KEY_POSTS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let allowed = match (fetch_site, origin) {
        (Some(site), _) => site == "same-origin",
        (None, Some(origin)) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
            let public_host = state
                .config
                .public_url
                .split_once("://")
                .map(|(_, h)| h.trim_end_matches('/'));
            Some(origin_host) == host || Some(origin_host) == public_host
        }
        (None, None) => false,
    };
    if allowed {
        return next.run(req).await;
    }
    let lang = lang_of(headers, req.uri().query());
    tracing::warn!(path = %req.uri().path(), origin = origin.unwrap_or("-"), fetch_site = fetch_site.unwrap_or("-"), "refused a cross-site request");
    let message = t(lang, Msg::ErrorCrossSite);
    let body =
        serde_json::json!({"error": {"code": "cross_site", "field": null, "message": message}});
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}

/// A server function whose arguments do not decode (a field missing or of the wrong type)
/// answers as bad input, naming the field, not as a server fault: Leptos reports it as a 500
/// carrying a transport error, which is the client's mistake, never ours.
pub async fn server_fn_input(req: Request, next: Next) -> Response {
    let server_fn =
        req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/api/v1/");
    let lang = lang_of(req.headers(), req.uri().query());
    let res = next.run(req).await;
    if !server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    if !text.contains("error deserializing server function arguments") {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    let error = app::ssr::http::not_accepted(&text);
    let body = app::error::AppError::invalid(&error, lang);
    let mut res = (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res
}

/// Security headers on every response. HTML pages get their Content-Security-Policy from the
/// app (it carries the page's script nonce); everything else gets one that allows nothing.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        if !h.contains_key(name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "strict-origin-when-cross-origin");
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        h,
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    );
    if state.config.secure_cookies() {
        set(h, "strict-transport-security", "max-age=31536000");
    }
    res
}
