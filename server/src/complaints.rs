//! Residents' complaints over plain form posts: `POST /complaints` files one (then to its page,
//! which says when the answer is due), `POST /complaints/{id}` answers it. A refusal goes back
//! to the form with the message beside its field and what was typed kept.

use app::components::form::FormId;
use app::domain::i18n::Lang;
use app::domain::params::FieldError;
use app::ssr::AppState;
use app::ssr::http::{FormReply, PostedForm, typed_query};
use app::ssr::services::complaints::{self, Filing};
use app::ssr::session::RequestCaller;
use axum::Extension;
use axum::extract::{Path, State};

/// `POST /complaints`: a resident's complaint.
pub(crate) async fn file_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let page = "/complaints";
    let (typed, result) = match posted {
        Ok(posted) => {
            let filing = Filing {
                about: posted.get("complaint_about"),
                application: posted.get("complaint_application"),
                reason: posted.get("complaint_reason"),
                text: posted.get("complaint_text"),
            };
            let done = complaints::file(
                &st.db,
                &st.config.public_url,
                caller.principal.as_ref(),
                filing,
                st.config.today(),
            )
            .await
            .map(|id| format!("/complaints/{id}?done=filed"));
            (typed_query(&posted.pairs, &[]), done)
        }
        Err(e) => (String::new(), Err(e.into())),
    };
    FormReply::of(lang, page, FormId::Complaint, typed, result)
}

/// `POST /complaints/{id}`: the answer.
pub(crate) async fn answer_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    Path(id): Path<i32>,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let page = format!("/complaints/{id}");
    let (typed, result) = match posted {
        Ok(posted) => {
            let done = complaints::answer(
                &st.db,
                &st.config.public_url,
                caller.principal.as_ref(),
                id,
                posted.get(complaints::ANSWER),
            )
            .await
            .map(|()| format!("{page}?done=answered"));
            (typed_query(&posted.pairs, &[]), done)
        }
        Err(e) => (String::new(), Err(e.into())),
    };
    FormReply::of(lang, &page, FormId::ComplaintAnswer, typed, result)
}
