//! The platform admin's routes besides Leptos's pages: `GET /admin/messages.csv`, the latest
//! messages of the outbox as CSV (recipients masked, never a message's text).

use app::domain::i18n::Lang;
use app::ssr::AppState;
use app::ssr::http::ApiError;
use app::ssr::services::admin_messages;
use app::ssr::session::RequestCaller;
use axum::Extension;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `GET /admin/messages.csv`: the latest messages as a spreadsheet file in the reader's
/// language; 401 signed out, 403 for anyone but the platform admin.
pub(crate) async fn messages_csv(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
) -> Result<Response, ApiError> {
    let body = admin_messages::csv(&st.db, &caller, lang).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"messages.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}
