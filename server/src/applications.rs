//! Applications over HTTP: the pages' form posts (multipart, so files travel with the fields
//! and everything works without JavaScript), the JSON API `/api/v1/applications`, and the
//! document downloads. The use cases are in `app::ssr::services::applications`.

use app::components::form::FormId;
use app::domain::application::Step;
use app::domain::application::form::{ApplicationView, DocumentView, Draft, SaveDraft};
use app::domain::i18n::Lang;
use app::domain::params::{FieldError, Problem, encode_component};
use app::domain::review::DecisionFields;
use app::error::AppError;
use app::ssr::http::{ApiError, ApiJson, ApiPath, FormReply, PostedForm, read_json};
use app::ssr::services::ServiceError;
use app::ssr::services::applications::{
    self as service, Notifier, StepInput, form_post, parse_step,
};
use app::ssr::session::RequestCaller;
use app::ssr::{AppState, to_app_error};
use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Path, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub(crate) fn notifier(st: &AppState) -> Notifier<'_> {
    Notifier {
        public_url: &st.config.public_url,
    }
}

/// `POST /applications`: opens the signed-in entrepreneur's application to the posted
/// programme (their open one, or a new draft) and goes to it.
pub(crate) async fn open_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let slug = posted
        .ok()
        .and_then(|p| p.get("program").map(str::to_owned))
        .unwrap_or_default();
    match service::open(&st.db, caller.principal.as_ref(), &slug, st.config.today()).await {
        Ok(id) => FormReply::Next(format!("/applications/{id}")),
        Err(ServiceError::Denied(app::domain::policy::Denied::SignInRequired)) => {
            FormReply::SignIn(format!("/programs/{slug}"))
        }
        Err(e) => FormReply::Failed(lang, to_app_error(lang, e)),
    }
}

/// `POST /applications/{id}`: the page's forms (`form_post::post` says which). Success and
/// failure both go back to the page, the failure with the error beside its field; what was
/// typed is saved before anything is checked.
pub(crate) async fn post_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    Path(id): Path<i32>,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let page = format!("/applications/{id}");
    let (typed, result) = match posted {
        Ok(posted) => {
            let uploads = st.config.uploads_dir();
            let out = form_post::Outside {
                db: &st.db,
                uploads: &uploads,
                notifier: &notifier(&st),
                today: st.config.today(),
            };
            let done = form_post::post(&out, caller.principal.as_ref(), id, &posted).await;
            (echo_decision(&posted), done)
        }
        Err(e) => (String::new(), Err(e.into())),
    };
    let next = result.map(|done| format!("{page}?done={}", done.as_str()));
    FormReply::of(lang, &page, FormId::Application, typed, next)
}

/// The operator's form fields that go back to the page with an error, so that nothing typed
/// is lost (the draft's own fields are saved before anything is checked, and need not): a
/// step's own (its reason, the items asked, the decision's fields) and the note and score sheet.
const ECHOED_BESIDES_STEP: &[&str] = &[
    "note",
    "conflict",
    "comment",
    "repaid_reference",
    "repaid_on",
    "repaid_amount",
    "repaid_reverses",
    "report_kind",
    "report_note",
    "jobs_created",
    "jobs_young",
    "jobs_women",
    "revenue",
    "report_reason",
    "confirmation",
    "item_what_1",
    "item_amount_1",
    "item_what_2",
    "item_amount_2",
    "item_what_3",
    "item_amount_3",
];

fn echo_decision(posted: &PostedForm) -> String {
    let step = StepInput::NAMES.iter().filter(|f| **f != "answer");
    step.chain(DecisionFields::NAMES.iter())
        .chain(ECHOED_BESIDES_STEP)
        // Every value: a seasonal loan's months are one box each.
        .flat_map(|f| {
            posted
                .all(f)
                .into_iter()
                .filter(|v| !v.is_empty())
                .map(move |v| format!("&{f}={}", encode_component(&v)))
        })
        .collect()
}

/// `GET /applications/{id}/documents/{doc}`: the file, to people who may read the
/// application, as a download (or shown in the browser with `?inline=1`).
pub(crate) async fn download(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    RawQuery(raw): RawQuery,
    Path((id, doc)): Path<(i32, i32)>,
) -> Result<Response, ApiError> {
    let uploads = st.config.uploads_dir();
    let (view, path) =
        service::document(&st.db, &uploads, caller.principal.as_ref(), id, doc).await?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::error!(error = %e, path = %path.display(), "a stored document cannot be read");
        ApiError::from(AppError::Unavailable)
    })?;
    // RFC 6266: an ASCII fallback and the real name in UTF-8.
    let ascii: String = view
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // `?inline=1` shows it in the browser (the operator's preview). Safe: a stored document is
    // a PDF, JPEG or PNG by its content (checked at upload) and is served with its sniffed
    // type, `nosniff` and a policy that allows nothing to run.
    let inline = raw
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "inline=1"));
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        encode_component(&view.file_name)
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, view.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// `GET /records/{code}/pdf`: a document of record as a signed PDF, in the reader's language,
/// to people who may read its application.
pub(crate) async fn record_pdf(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let (bytes, name) = app::ssr::services::records::pdf(
        &st.db,
        caller.principal.as_ref(),
        &code,
        lang,
        &st.config.public_url,
        &st.config.data_dir,
    )
    .await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// `GET /.well-known/auyl-signing-keys.json`: the public keys documents of record are signed
/// with, the newest last, so that a bank checks a PDF offline.
pub(crate) async fn signing_keys(State(st): State<AppState>) -> Result<Response, ApiError> {
    let keys = app::ssr::signing::load(&st.config.data_dir).map_err(|e| {
        tracing::error!(error = %e, "the signing keys cannot be read");
        ApiError::from(AppError::Unavailable)
    })?;
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=3600")],
        Json(serde_json::json!({ "keys": app::ssr::signing::public(&keys) })),
    )
        .into_response())
}

// ---- The JSON API -------------------------------------------------------------------------

/// Opens an application.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBody {
    /// The programme's URL handle.
    program: String,
}

/// A draft's fields, saved over the version the client last read.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateBody {
    /// The version the client last read; a newer one on the server is a conflict (409).
    version: i32,
    /// Form field name to value, as the form posts them.
    fields: Draft,
}

/// One step of an application. An unknown field, here or in `fields`, is refused by name, as
/// the page's form refuses it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepBody {
    /// The version the client last read; a newer one on the server is a conflict (409).
    version: i32,
    /// The step, for `steps`: `start_review`, `request_info`, `approve`, `reject`, `disburse`…
    #[serde(default)]
    step: Option<String>,
    /// Why (a rejection's reason is required; others optional).
    #[serde(default)]
    reason: Option<String>,
    /// What an information request asks for, one item each.
    #[serde(default)]
    items: Vec<String>,
    /// The applicant's answer to an information request.
    #[serde(default)]
    answer: Option<String>,
    /// The decision's fields, typed: dates as `YYYY-MM-DD`, amounts and the term as whole
    /// numbers, the rate as a number in percent.
    #[serde(default)]
    fields: DecisionFields,
}

/// A step's body, read as [`ApiJson`] reads a body, but a decision field's value of the wrong
/// type is refused as the page's form refuses text of the wrong kind (`"approved_amount":
/// "abc"` is `not_a_number`, as `abc` typed on the form is).
pub(crate) struct StepJson(StepBody);

impl<S: Send + Sync> FromRequest<S> for StepJson {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let body = read_json(req, state, DecisionFields::mistyped).await?;
        Ok(StepJson(body))
    }
}

/// The application's new version after a change.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct VersionBody {
    id: i32,
    version: i32,
}

/// A document upload.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document only"
)]
pub(crate) struct UploadForm {
    /// The file: PDF, JPEG or PNG.
    #[schema(value_type = String, format = Binary)]
    document: Vec<u8>,
    /// The required document it answers, if any.
    slot: Option<i32>,
}

/// The caller's applications.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApplicationList {
    applications: Vec<app::domain::application::form::ApplicationSummary>,
}

/// `GET /api/v1/applications`: the caller's applications.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    summary = "My applications",
    description = "Needs a signed-in session (the `auyl_session` cookie).",
    params(("lang" = Option<Lang>, Query, description = "Language of messages")),
    responses(
        (status = 200, description = "The caller's applications, newest first", body = ApplicationList),
        (status = 401, description = "Not signed in", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_list(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
) -> Result<Json<ApplicationList>, ApiError> {
    let applications = service::list(&st.db, caller.principal.as_ref()).await?;
    Ok(Json(ApplicationList { applications }))
}

/// `POST /api/v1/applications` `{"program": slug}`: opens a draft (or the open one).
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    summary = "Open an application",
    description = "Opens a draft to a programme, or returns the caller's open one. Needs a \
        signed-in entrepreneur and a same-site `Origin`.",
    params(("lang" = Option<Lang>, Query, description = "Language of messages")),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The draft", body = app::domain::application::form::ApplicationView),
        (status = 400, description = "The body is wrong; `field` names what", body = crate::api::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::ErrorBody),
        (status = 403, description = "Not an entrepreneur, or a cross-site request", body = crate::api::ErrorBody),
        (status = 404, description = "No such open programme", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_create(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let who = caller.principal.as_ref();
    let id = service::open(&st.db, who, &b.program, st.config.today()).await?;
    let view = service::view(&st.db, who, id, st.config.today()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/applications/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    summary = "One application",
    params(
        ("id" = i32, Path, description = "The application's number"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    responses(
        (status = 200, description = "The application with its history and documents", body = app::domain::application::form::ApplicationView),
        (status = 400, description = "The number is not a number", body = crate::api::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::ErrorBody),
        (status = 403, description = "Not the caller's to see", body = crate::api::ErrorBody),
        (status = 404, description = "No such application", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_read(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<ApplicationView>, ApiError> {
    let who = caller.principal.as_ref();
    Ok(Json(
        service::view(&st.db, who, id, st.config.today()).await?,
    ))
}

/// `PUT /api/v1/applications/{id}` `{"version", "fields": {…}}`: saves a draft's fields.
#[utoipa::path(
    put,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    summary = "Save a draft",
    params(
        ("id" = i32, Path, description = "The application's number"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "Saved", body = VersionBody),
        (status = 400, description = "A field is wrong; `field` names it", body = crate::api::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::ErrorBody),
        (status = 403, description = "Not the caller's, or a cross-site request", body = crate::api::ErrorBody),
        (status = 404, description = "No such application", body = crate::api::ErrorBody),
        (status = 409, description = "Changed since the version read", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_update(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    ApiPath(id): ApiPath<i32>,
    ApiJson(b): ApiJson<UpdateBody>,
) -> Result<Json<VersionBody>, ApiError> {
    let draft = SaveDraft::from_fields(b.fields)?;
    let version =
        service::save_draft(&st.db, caller.principal.as_ref(), id, b.version, &draft).await?;
    Ok(Json(VersionBody { id, version }))
}

/// `POST /api/v1/applications/{id}/{submit|withdraw|answer|steps}` `{"version", …}`: one step
/// of the state machine; `steps` takes the step by name (the operator's steps).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/{verb}",
    tag = "applications",
    summary = "Take a step",
    description = "`submit`, `withdraw` and `answer` are the applicant's; `steps` takes the \
        step named in the body (the operator's and the akim's steps).",
    params(
        ("id" = i32, Path, description = "The application's number"),
        ("verb" = String, Path, description = "`submit`, `withdraw`, `answer` or `steps`"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    request_body = StepBody,
    responses(
        (status = 200, description = "Done", body = VersionBody),
        (status = 400, description = "A field is wrong, or the step is not allowed now", body = crate::api::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::ErrorBody),
        (status = 403, description = "Not the caller's step, or a cross-site request", body = crate::api::ErrorBody),
        (status = 404, description = "No such application or verb", body = crate::api::ErrorBody),
        (status = 409, description = "Changed since the version read", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_step(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    ApiPath((id, verb)): ApiPath<(i32, String)>,
    StepJson(b): StepJson,
) -> Result<Json<VersionBody>, ApiError> {
    let step = match verb.as_str() {
        "submit" => Step::Submit,
        "withdraw" => Step::Withdraw,
        "answer" => Step::Answer,
        "steps" => {
            let name = b.step.clone().unwrap_or_default();
            parse_step(&name)
                .ok_or_else(|| FieldError::new("step", Problem::UnknownChoice(name)))?
        }
        _ => return Err(ServiceError::NotFound.into()),
    };
    let input = StepInput {
        reason: b.reason,
        items: b.items,
        answer: b.answer,
        fields: b.fields,
    };
    let who = caller.principal.as_ref();
    let today = st.config.today();
    let version = service::step(
        &st.db,
        &notifier(&st),
        who,
        id,
        b.version,
        step,
        &input,
        today,
    )
    .await?;
    Ok(Json(VersionBody { id, version }))
}

/// `POST /api/v1/applications/{id}/documents` (multipart: `document`, optional `slot`).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/documents",
    tag = "applications",
    summary = "Attach a document",
    params(
        ("id" = i32, Path, description = "The application's number"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = app::domain::application::form::DocumentView),
        (status = 400, description = "No file, or a wrong slot or type", body = crate::api::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::ErrorBody),
        (status = 403, description = "Not the caller's, or a cross-site request", body = crate::api::ErrorBody),
        (status = 404, description = "No such application", body = crate::api::ErrorBody),
        (status = 413, description = "The file is over the limit", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_upload(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    ApiPath(id): ApiPath<i32>,
    posted: PostedForm,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let slot = match posted.get("slot") {
        Some(s) if !s.trim().is_empty() => Some(
            s.trim()
                .parse::<i32>()
                .map_err(|_| FieldError::new("slot", Problem::NotANumber))?,
        ),
        _ => None,
    };
    let file = posted
        .files
        .first()
        .ok_or_else(|| FieldError::new("document", Problem::Required))?;
    let (name, bytes) = file.checked()?;
    let (who, today) = (caller.principal.as_ref(), st.config.today());
    let uploads = st.config.uploads_dir();
    let doc = service::attach(&st.db, &uploads, who, id, slot, name, bytes, today).await?;
    Ok((StatusCode::CREATED, Json(doc)))
}
