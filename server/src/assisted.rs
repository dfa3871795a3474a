//! `POST /akimat/assist`: the assisted-filing form of `/akimat/assist` (multipart, so the
//! consent scan travels with the fields). `action=send_code` sends the resident a consent
//! code and returns to the form with what was typed; `action=start` starts the application and
//! opens it. Each reads the form into its typed command here, once. A refusal returns to the
//! form with the error beside its field.

use app::components::form::FormId;
use app::domain::application::Done;
use app::domain::application::assisted::{SendConsentCode, StartAssisted, field};
use app::domain::i18n::Lang;
use app::domain::params::{FieldError, encode_component};
use app::ssr::AppState;
use app::ssr::http::{FormReply, PostedForm, Upload};
use app::ssr::services::assisted::{self as service, Helpers};
use app::ssr::session::RequestCaller;
use axum::Extension;
use axum::extract::State;

use crate::applications::notifier;

/// The fields the form gets back after a post (the scan and the code are not echoed).
const ECHOED: &[&str] = &[
    field::NAME,
    field::PHONE,
    field::SETTLEMENT,
    field::PROGRAM,
    field::METHOD,
];

fn echo(posted: &PostedForm) -> String {
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

/// `POST /akimat/assist`.
pub(crate) async fn post_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let who = caller.principal.as_ref();
    let page = "/akimat/assist";
    let posted = match posted {
        Ok(p) => p,
        Err(e) => return FormReply::of(lang, page, FormId::Assist, String::new(), Err(e.into())),
    };
    let query = echo(&posted);
    // Asked before the form is read: a lapsed session goes to sign in, not to a field's error.
    if let Err(e) = app::ssr::services::signed_in(who) {
        return FormReply::of(lang, page, FormId::Assist, query, Err(e));
    }
    let notifier = notifier(&st);
    let result = match posted.get("action").unwrap_or("start") {
        "send_code" => match SendConsentCode::from_pairs(&posted.pairs) {
            Ok(command) => service::send_code(&st.db, who, &command)
                .await
                .map(|()| format!("{page}?{query}&sent=1")),
            Err(e) => Err(e.into()),
        },
        _ => {
            let uploads = st.config.uploads_dir();
            let h = Helpers {
                hasher: &st.hasher,
                notifier: &notifier,
                uploads: &uploads,
            };
            let scan = posted.files.iter().find(|f| f.field == field::SCAN);
            let command = scan
                .map(Upload::checked)
                .transpose()
                .and_then(|scan| StartAssisted::from_form(&posted.pairs, scan));
            match command {
                Ok(command) => service::start(&st.db, &h, who, &command, st.config.today())
                    .await
                    .map(|id| format!("/applications/{id}?done={}", Done::Assisted.as_str())),
                Err(e) => Err(e.into()),
            }
        }
    };
    FormReply::of(lang, page, FormId::Assist, query, result)
}
