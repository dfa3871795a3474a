//! The review queue's two non-page routes: `GET /operator/queue.csv` exports the view named by
//! the query string (the same filters as `/operator`), and `POST /operator/assign` assigns the
//! checked lines to a reviewer, then returns to the same view.

use app::components::form::FormId;
use app::domain::params::{Problem, decode_query};
use app::domain::queue::QueueQuery;
use app::error::AppError;
use app::ssr::services::{ServiceError, review};
use app::ssr::session::RequestCaller;
use app::ssr::{AppState, lang_of, to_app_error};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use app::ssr::http::{back_to_page, error_response, see_other};

/// `GET /operator/queue.csv?…`: the view as CSV.
pub(crate) async fn csv(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    let result = async {
        let pairs = decode_query(raw.as_deref().unwrap_or_default())?;
        let q = QueueQuery::parse(&pairs)?;
        review::queue_csv(&st.db, caller.principal.as_ref(), &q, st.config.today()).await
    }
    .await;
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"queue.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => error_response(lang, to_app_error(lang, e)),
    }
}

fn back(query: &str, error: Option<&AppError>) -> Response {
    match error {
        None => {
            let sep = if query.is_empty() { "" } else { "&" };
            see_other(&format!("/operator?{query}{sep}done=assigned"))
        }
        Some(e) => back_to_page("/operator", FormId::Assign, e, query),
    }
}

/// `POST /operator/assign` (form: `id` for each checked line, `reviewer`, `back` = the view).
pub(crate) async fn assign(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    let pairs = match std::str::from_utf8(&body)
        .map_err(|_| app::domain::params::FieldError::new("form", Problem::Encoding))
        .and_then(decode_query)
    {
        Ok(p) => p,
        Err(e) => return error_response(lang, to_app_error(lang, e.into())),
    };
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    // The view to return to, re-read so that only a valid query string goes into the address.
    let view = decode_query(get("back").unwrap_or_default())
        .ok()
        .and_then(|p| QueueQuery::parse(&p).ok())
        .map(|q| q.to_query(Some(q.page)))
        .unwrap_or_default();
    let result: Result<u64, ServiceError> = async {
        let ids = pairs
            .iter()
            .filter(|(k, _)| k == "id")
            .map(|(_, v)| {
                v.parse::<i32>()
                    .map_err(|_| app::domain::params::FieldError::new("id", Problem::NotANumber))
            })
            .collect::<Result<Vec<i32>, _>>()?;
        let reviewer = get("reviewer")
            .unwrap_or_default()
            .parse::<i32>()
            .map_err(|_| app::domain::params::FieldError::new("reviewer", Problem::Required))?;
        review::assign(&st.db, caller.principal.as_ref(), &ids, reviewer).await
    }
    .await;
    match result {
        Ok(_) => back(&view, None),
        Err(e @ (ServiceError::NotFound | ServiceError::Denied(_))) => {
            error_response(lang, to_app_error(lang, e))
        }
        Err(e) => back(&view, Some(&to_app_error(lang, e))),
    }
}

/// The editor's page, with the error beside its field and what was typed (`typed=1`).
fn back_to_editor(here: &str, pairs: &[(String, String)], error: &AppError) -> Response {
    use app::domain::params::encode_component;
    let typed: String = pairs
        .iter()
        .filter(|(k, _)| k != "action" && !k.starts_with("__"))
        .map(|(k, v)| format!("&{}={}", encode_component(k), encode_component(v)))
        .collect();
    back_to_page(here, FormId::Programme, error, &format!("typed=1{typed}"))
}

async fn programme_form(
    st: &AppState,
    caller: &app::ssr::services::accounts::Caller,
    lang: app::domain::i18n::Lang,
    slug: Option<String>,
    body: &[u8],
) -> Response {
    use app::ssr::services::editor;
    let pairs = match std::str::from_utf8(body)
        .map_err(|_| app::domain::params::FieldError::new("form", Problem::Encoding))
        .and_then(decode_query)
    {
        Ok(p) => p,
        Err(e) => return error_response(lang, to_app_error(lang, e.into())),
    };
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let who = caller.principal.as_ref();
    let here = slug.as_ref().map_or_else(
        || "/operator/programs/new".to_owned(),
        |s| format!("/operator/programs/{s}"),
    );
    let result = match (get("action"), &slug) {
        (Some("status"), Some(s)) => {
            editor::set_status(&st.db, &st.wake, who, s, get("status").unwrap_or_default())
                .await
                .map(|()| (s.clone(), "status"))
        }
        _ => editor::save(&st.db, &st.wake, who, slug.as_deref(), &pairs)
            .await
            .map(|s| (s, "saved")),
    };
    match result {
        Ok((slug, done)) => see_other(&format!("/operator/programs/{slug}?done={done}")),
        Err(ServiceError::Denied(app::domain::policy::Denied::SignInRequired)) => {
            see_other(&format!(
                "/sign-in?next={}",
                app::domain::params::encode_component(&here)
            ))
        }
        Err(e @ (ServiceError::NotFound | ServiceError::Denied(_))) => {
            error_response(lang, to_app_error(lang, e))
        }
        Err(e) => back_to_editor(&here, &pairs, &to_app_error(lang, e)),
    }
}

/// `POST /operator/programs`: a new programme from the editor's form.
pub(crate) async fn programme_new(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    programme_form(&st, &caller, lang, None, &body).await
}

/// `POST /operator/programs/{slug}`: the editor's form (`action=save`) or a status button
/// (`action=status`, `status=open|paused|closed`).
pub(crate) async fn programme_edit(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    axum::extract::Path(slug): axum::extract::Path<String>,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    programme_form(&st, &caller, lang, Some(slug), &body).await
}
