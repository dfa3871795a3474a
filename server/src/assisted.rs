//! `POST /akimat/assist`: the assisted-filing form of `/akimat/assist` (multipart, so the
//! consent scan travels with the fields). `action=send_code` sends the resident a consent
//! code and returns to the form with what was typed; `action=start` starts the application and
//! opens it. A refusal returns to the form with the error beside its field.

use app::components::form::FormId;
use app::domain::params::encode_component;
use app::error::AppError;
use app::ssr::services::ServiceError;
use app::ssr::services::assisted::{self as service, Helpers, field};
use app::ssr::session::RequestCaller;
use app::ssr::{AppState, lang_of, to_app_error};
use axum::Extension;
use axum::extract::{Request, State};
use axum::response::Response;

use crate::applications::{Posted, notifier, read_form, too_large};
use app::ssr::http::{back_to_page, error_response, see_other};

/// The fields the form gets back after a post (the scan and the code are not echoed).
const ECHOED: &[&str] = &[
    field::NAME,
    field::PHONE,
    field::SETTLEMENT,
    field::PROGRAM,
    field::METHOD,
];

fn echo(posted: &Posted) -> String {
    ECHOED
        .iter()
        .filter_map(|f| {
            posted
                .get(f)
                .map(|v| format!("{f}={}", encode_component(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn back(query: &str, error: Option<&AppError>) -> Response {
    match error {
        None => see_other(&format!("/akimat/assist?{query}")),
        Some(e) => back_to_page("/akimat/assist", FormId::Assist, e, query),
    }
}

/// `POST /akimat/assist`.
pub(crate) async fn post_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    req: Request,
) -> Response {
    let lang = lang_of(req.headers(), req.uri().query());
    let who = caller.principal.clone();
    let posted = match read_form(&st, req).await {
        Ok(p) => p,
        Err(e) => return back("", Some(&AppError::invalid(&e, lang))),
    };
    let query = echo(&posted);
    let notifier = notifier(&st);
    let result = match posted.get("action").unwrap_or("start") {
        "send_code" => service::send_code(&st.db, &notifier, who.as_ref(), &posted.pairs)
            .await
            .map(|()| None),
        _ => {
            let scan = posted.files.iter().find(|f| f.field == field::SCAN);
            if scan.is_some_and(|f| f.too_large) {
                return back(&query, Some(&AppError::invalid(&too_large(), lang)));
            }
            let uploads = st.config.uploads_dir();
            let h = Helpers {
                hasher: &st.hasher,
                notifier: &notifier,
                uploads: &uploads,
            };
            service::start(
                &st.db,
                &h,
                who.as_ref(),
                &posted.pairs,
                scan.map(|f| (f.file_name.as_str(), f.bytes.as_slice())),
                st.config.today(),
            )
            .await
            .map(Some)
        }
    };
    match result {
        Ok(None) => see_other(&format!("/akimat/assist?{query}&sent=1")),
        Ok(Some(id)) => see_other(&format!(
            "/applications/{id}?done={}",
            app::domain::application::Done::Assisted.as_str()
        )),
        Err(ServiceError::Denied(app::domain::policy::Denied::SignInRequired)) => {
            see_other("/sign-in?next=%2Fakimat%2Fassist")
        }
        Err(e @ (ServiceError::NotFound | ServiceError::Denied(_))) => {
            error_response(lang, to_app_error(lang, e))
        }
        Err(e) => back(&query, Some(&to_app_error(lang, e))),
    }
}
