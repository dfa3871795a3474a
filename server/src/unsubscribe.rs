//! `POST /unsubscribe/{token}` with the body `List-Unsubscribe=One-Click`: the one-click
//! unsubscribe of RFC 8058. An alert e-mail names this address in its `List-Unsubscribe` header
//! and says `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; the mail client then shows an
//! unsubscribe button and posts that body here itself, from its own servers, with no cookie and
//! no `Origin` (so the cross-site check lets this path through: the token is the whole
//! permission, as it is for the page's button). `GET /unsubscribe/{token}` stays the page with
//! one button, for people following the link in the text.

use app::domain::i18n::{Lang, Msg, t};
use app::domain::params::{FieldError, Problem};
use app::ssr::http::{ApiError, PostedForm};
use app::ssr::{AppState, services};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The form field and value RFC 8058 has the client post.
const FIELD: &str = "List-Unsubscribe";
const ONE_CLICK: &str = "One-Click";

/// Whether a POST to `path` is a one-click unsubscribe, which mail clients send without
/// `Origin` or `Sec-Fetch-Site`.
pub fn is_one_click(path: &str) -> bool {
    path.strip_prefix("/unsubscribe/")
        .is_some_and(|token| !token.is_empty() && !token.contains('/'))
}

/// `POST /unsubscribe/{token}` (`List-Unsubscribe=One-Click`, URL-encoded or multipart):
/// deletes the saved search of the token and answers 200 with a line of text; a body without
/// that field is refused (400), and so is a token that is unknown or already used.
pub(crate) async fn one_click(
    State(st): State<AppState>,
    lang: Lang,
    token: Result<Path<String>, PathRejection>,
    posted: Result<PostedForm, FieldError>,
) -> Result<Response, ApiError> {
    let Ok(Path(token)) = token else {
        return Err(FieldError::new("token", Problem::LinkInvalid).into());
    };
    if posted?.get(FIELD) != Some(ONE_CLICK) {
        return Err(FieldError::new(FIELD, Problem::Required).into());
    }
    services::alerts::unsubscribe_by_token(&st.db, &token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        t(lang, Msg::Unsubscribed),
    )
        .into_response())
}
