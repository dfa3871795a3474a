//! The review queue's two non-page routes: `GET /operator/queue.csv` exports the view named by
//! the query string (the same filters as `/operator`), and `POST /operator/assign` assigns the
//! checked lines to a reviewer, then returns to the same view.

use app::components::form::FormId;
use app::domain::editor::command::EditProgramme;
use app::domain::i18n::Lang;
use app::domain::params::{FieldError, decode_query};
use app::domain::queue::{Assignment, QueueQuery};
use app::ssr::AppState;
use app::ssr::http::{ApiError, FormReply, PostedForm, SlugPath, typed_query};
use app::ssr::services::{ServiceError, editor, review};
use app::ssr::session::RequestCaller;
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `GET /operator/queue.csv?…`: the view as CSV.
pub(crate) async fn csv(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = decode_query(raw.as_deref().unwrap_or_default())?;
    let q = QueueQuery::parse(&pairs)?;
    let body = review::queue_csv(&st.db, caller.principal.as_ref(), &q, st.config.today()).await?;
    Ok((
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
        .into_response())
}

/// `POST /operator/assign` (form: `id` for each checked line, `reviewer`, `back` = the view):
/// assigns, then returns to the same view.
pub(crate) async fn assign(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let posted = posted.unwrap_or_default();
    // The view to return to, re-read so that only a valid query string goes into the address.
    let view = decode_query(posted.get("back").unwrap_or_default())
        .ok()
        .and_then(|p| QueueQuery::parse(&p).ok())
        .map(|q| q.to_query(Some(q.page)))
        .unwrap_or_default();
    // Who is asked before the form is read: a lapsed session goes to sign in.
    let result = match app::ssr::services::signed_in(caller.principal.as_ref())
        .and_then(|_| Assignment::from_pairs(&posted.pairs).map_err(Into::into))
    {
        Ok(a) => review::assign(&st.db, caller.principal.as_ref(), &a.ids, a.reviewer).await,
        Err(e) => Err(e),
    };
    let sep = if view.is_empty() { "" } else { "&" };
    let next = result.map(|_| format!("/operator?{view}{sep}done=assigned"));
    FormReply::of(lang, "/operator", FormId::Assign, view, next)
}

/// What was typed in the editor, for its page (`typed=1` says the values are the form's).
fn typed_programme(pairs: &[(String, String)]) -> String {
    format!("typed=1{}", typed_query(pairs, &["action"]))
}

/// `POST /operator/programs`: a new programme from the editor's form.
pub(crate) async fn programme_new(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let page = "/operator/programs/new";
    let result = async {
        let pairs = posted.map_err(|e| (e.into(), Vec::new()))?.pairs;
        let edit = EditProgramme::from_pairs(&pairs);
        editor::save(&st.db, &st.wake, caller.principal.as_ref(), None, &edit)
            .await
            .map(|slug| format!("/operator/programs/{slug}?done=saved"))
            .map_err(|e| (e, pairs))
    };
    reply_programme(lang, page, result.await)
}

/// `POST /operator/programs/{slug}`: the editor's form (`action=save`) or a status button
/// (`action=status`, `status=open|paused|closed`).
pub(crate) async fn programme_edit(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    SlugPath(slug): SlugPath,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let page = format!("/operator/programs/{slug}");
    let who = caller.principal.as_ref();
    let result = async {
        let posted = posted.map_err(|e| (e.into(), Vec::new()))?;
        let saved = match posted.get("action") {
            Some("followups") => app::ssr::services::followups::set_requirements(
                &st.db,
                who,
                &slug,
                posted.get("use_of_funds_days"),
                posted.get("results_months"),
            )
            .await
            .map(|()| format!("{page}?done=saved")),
            Some("status") => {
                let status = posted.get("status").unwrap_or_default();
                editor::set_status(&st.db, &st.wake, who, &slug, status)
                    .await
                    .map(|()| format!("{page}?done=status"))
            }
            _ => {
                let edit = EditProgramme::from_pairs(&posted.pairs);
                editor::save(&st.db, &st.wake, who, Some(&slug), &edit)
                    .await
                    .map(|s| format!("/operator/programs/{s}?done=saved"))
            }
        };
        saved.map_err(|e| (e, posted.pairs))
    };
    reply_programme(lang, &page, result.await)
}

fn reply_programme(
    lang: Lang,
    page: &str,
    result: Result<String, (ServiceError, Vec<(String, String)>)>,
) -> FormReply {
    let (result, typed) = match result {
        Ok(next) => (Ok(next), String::new()),
        Err((e, pairs)) => (Err(e), typed_programme(&pairs)),
    };
    FormReply::of(lang, page, FormId::Programme, typed, result)
}
