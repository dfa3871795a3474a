//! Applications over HTTP: the pages' form posts (multipart, so files travel with the fields
//! and everything works without JavaScript), the JSON API `/api/v1/applications`, and the
//! document downloads. The use cases are in `app::ssr::services::applications`.

use app::components::form::FormId;
use app::domain::application::form::{ApplicationView, DocumentView, Draft, MAX_DOCUMENT};
use app::domain::application::{Done, Step};
use app::domain::i18n::Lang;
use app::domain::params::{FieldError, Problem, decode_query, encode_component};
use app::error::AppError;
use app::ssr::services::ServiceError;
use app::ssr::services::applications::{self as service, Notifier, StepInput, parse_step};
use app::ssr::services::review;
use app::ssr::session::RequestCaller;
use app::ssr::{AppState, lang_of, to_app_error};
use axum::Extension;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use app::domain::account::Principal;
use app::ssr::http::{ApiError, ApiJson, ApiPath, back_to_page, error_response, see_other};

/// The largest request that carries documents: a few files at the per-file limit, and the
/// form. A file over its own limit is still read to the end and refused by name.
pub const MAX_UPLOAD_BODY: usize = 64 * 1024 * 1024;

pub(crate) fn notifier(st: &AppState) -> Notifier<'_> {
    Notifier {
        mailer: &*st.mailer,
        public_url: &st.config.public_url,
    }
}

/// One uploaded file of a form.
pub(crate) struct Upload {
    /// The form field it came in.
    pub(crate) field: String,
    /// The name the browser gave.
    pub(crate) file_name: String,
    /// Its bytes (empty when too large).
    pub(crate) bytes: Vec<u8>,
    /// Whether it was over the limit.
    pub(crate) too_large: bool,
}

/// A posted form: its text fields and its files.
#[derive(Default)]
pub(crate) struct Posted {
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) files: Vec<Upload>,
}

impl Posted {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn version(&self) -> Result<i32, FieldError> {
        self.get("version")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| FieldError::new("version", Problem::NotANumber))
    }
}

/// Reads a form post: multipart (with files) or URL-encoded.
pub(crate) async fn read_form(st: &AppState, req: Request) -> Result<Posted, FieldError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_UPLOAD_BODY)
            .await
            .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| FieldError::new("body", Problem::Encoding))?;
        return Ok(Posted {
            pairs: decode_query(text)?,
            files: Vec::new(),
        });
    }
    let mut form = Multipart::from_request(req, st)
        .await
        .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
    let mut posted = Posted::default();
    let broken = |_| FieldError::new("document", Problem::NotAccepted);
    while let Some(mut part) = form.next_field().await.map_err(broken)? {
        let name = part.name().unwrap_or_default().to_owned();
        match part.file_name().map(str::to_owned) {
            Some(file_name) => {
                let mut bytes = Vec::new();
                let mut too_large = false;
                // Counted as it arrives: an oversize file is drained, never kept whole.
                while let Some(chunk) = part.chunk().await.map_err(broken)? {
                    if too_large {
                        continue;
                    }
                    if bytes.len() + chunk.len() > MAX_DOCUMENT {
                        too_large = true;
                        bytes = Vec::new();
                    } else {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                // An empty file input arrives as a nameless, empty part.
                if file_name.is_empty() && bytes.is_empty() && !too_large {
                    continue;
                }
                posted.files.push(Upload {
                    field: name,
                    file_name,
                    bytes,
                    too_large,
                });
            }
            None => {
                let value = part.text().await.map_err(broken)?;
                posted.pairs.push((name, value));
            }
        }
    }
    Ok(posted)
}

pub(crate) fn too_large() -> FieldError {
    FieldError::new(
        "document",
        Problem::FileTooLarge {
            max_mb: (MAX_DOCUMENT / (1024 * 1024)) as u64,
        },
    )
}

/// `POST /applications`: opens the signed-in entrepreneur's application to the posted
/// programme (their open one, or a new draft) and goes to it.
pub(crate) async fn open_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    let slug = std::str::from_utf8(&body)
        .ok()
        .and_then(|t| decode_query(t).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "program"))
        .map(|(_, v)| v)
        .unwrap_or_default();
    match service::open(&st.db, caller.principal.as_ref(), &slug, st.config.today()).await {
        Ok(id) => see_other(&format!("/applications/{id}")),
        Err(ServiceError::Denied(app::domain::policy::Denied::SignInRequired)) => {
            see_other(&format!(
                "/sign-in?next={}",
                encode_component(&format!("/programs/{slug}"))
            ))
        }
        Err(e) => error_response(lang, to_app_error(lang, e)),
    }
}

/// `POST /applications/{id}`: the page's forms. `action` says what: `save` or `submit` the
/// draft (its fields and files), `answer` an information request, `withdraw`, or an
/// operator's step. Success and failure both go back to the page, the failure with the
/// error beside its field; what was typed is saved before anything is checked.
pub(crate) async fn post_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    Path(id): Path<i32>,
    req: Request,
) -> Response {
    let lang = lang_of(req.headers(), req.uri().query());
    let who = caller.principal.clone();
    let mut typed = String::new();
    let result = match read_form(&st, req).await {
        Ok(posted) => {
            typed = echo_decision(&posted);
            act(&st, who.as_ref(), id, &posted).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(done) => see_other(&format!("/applications/{id}?done={}", done.as_str())),
        Err(ServiceError::Denied(app::domain::policy::Denied::SignInRequired)) => {
            see_other(&format!("/sign-in?next=%2Fapplications%2F{id}"))
        }
        Err(e @ (ServiceError::NotFound | ServiceError::Denied(_))) => {
            error_response(lang, to_app_error(lang, e))
        }
        Err(e) => back_to_page(
            &format!("/applications/{id}"),
            FormId::Application,
            &to_app_error(lang, e),
            &typed,
        ),
    }
}

/// The operator's form fields that go back to the page with an error, so that nothing typed
/// is lost (the draft's own fields are saved before anything is checked, and need not).
const ECHOED: &[&str] = &[
    "items",
    "due_on",
    "approved_amount",
    "approved_term",
    "approved_rate",
    "conditions",
    "reject_reason",
    "reason",
    "disbursed_on",
    "disbursed_amount",
    "reference",
    "note",
    "conflict",
    "comment",
];

fn echo_decision(posted: &Posted) -> String {
    ECHOED
        .iter()
        .filter_map(|f| {
            posted
                .get(f)
                .filter(|v| !v.is_empty())
                .map(|v| format!("&{f}={}", app::domain::params::encode_component(v)))
        })
        .collect()
}

async fn act(
    st: &AppState,
    who: Option<&Principal>,
    id: i32,
    posted: &Posted,
) -> Result<Done, ServiceError> {
    let today = st.config.today();
    let uploads = st.config.uploads_dir();
    let version = posted.version()?;
    let action = posted.get("action").unwrap_or("save");
    match action {
        "save" | "submit" => {
            // The form's own controls are not the draft's; any other name is a field, and
            // an unknown one is refused by name, as the JSON API refuses it.
            let fields: Vec<(String, String)> = posted
                .pairs
                .iter()
                .filter(|(k, _)| k != "version" && k != "action")
                .cloned()
                .collect();
            let saved = match service::save_draft(&st.db, who, id, version, &fields).await {
                Ok(v) => Some(v),
                // Submitted already (a second click, a resent form): the submit below
                // recognises the repeat; the form's files went with the first.
                Err(ServiceError::Invalid(FieldError {
                    problem: Problem::NotNow { .. },
                    ..
                })) if action == "submit" => None,
                Err(e) => return Err(e),
            };
            if saved.is_some() {
                for f in &posted.files {
                    if f.too_large {
                        return Err(too_large().into());
                    }
                    let slot = f
                        .field
                        .strip_prefix("document_")
                        .and_then(|s| s.parse::<i32>().ok());
                    service::attach(
                        &st.db,
                        &uploads,
                        who,
                        id,
                        slot,
                        &f.file_name,
                        &f.bytes,
                        today,
                    )
                    .await?;
                }
                if action == "save" {
                    return Ok(Done::Save);
                }
            }
            service::step(
                &st.db,
                &notifier(st),
                who,
                id,
                saved.unwrap_or(version),
                Step::Submit,
                &StepInput::default(),
                today,
            )
            .await?;
            Ok(Done::Submit)
        }
        "answer" => {
            for f in &posted.files {
                if f.too_large {
                    return Err(too_large().into());
                }
                service::attach(
                    &st.db,
                    &uploads,
                    who,
                    id,
                    None,
                    &f.file_name,
                    &f.bytes,
                    today,
                )
                .await?;
            }
            let input = StepInput {
                answer: posted.get("answer").map(str::to_owned),
                ..StepInput::default()
            };
            service::step(
                &st.db,
                &notifier(st),
                who,
                id,
                version,
                Step::Answer,
                &input,
                today,
            )
            .await?;
            Ok(Done::Answer)
        }
        "ask_recommendation" => {
            app::ssr::services::recommendations::request(&st.db, who, id).await?;
            Ok(Done::Asked)
        }
        "recommend" => {
            app::ssr::services::recommendations::recommend(&st.db, who, id, &posted.pairs).await?;
            Ok(Done::Recommended)
        }
        "score" => {
            review::score(&st.db, who, id, &posted.pairs).await?;
            Ok(Done::Scored)
        }
        "note" => {
            review::note(&st.db, who, id, posted.get("note").unwrap_or_default()).await?;
            Ok(Done::Noted)
        }
        "assign_me" | "unassign_me" => {
            let me = who.map_or(0, |p| p.user_id);
            if action == "assign_me" {
                review::assign(&st.db, who, &[id], me).await?;
            } else {
                review::unassign(&st.db, who, id, me).await?;
            }
            Ok(Done::Assigned)
        }
        other => {
            let step = parse_step(other)
                .ok_or_else(|| FieldError::new("action", Problem::UnknownChoice(other.into())))?;
            let input = StepInput {
                reason: posted.get("reason").map(str::to_owned),
                items: posted.all("items"),
                answer: None,
                fields: posted.pairs.clone(),
            };
            service::step(&st.db, &notifier(st), who, id, version, step, &input, today).await?;
            Ok(if step == Step::Withdraw {
                Done::Withdraw
            } else {
                Done::Step
            })
        }
    }
}

/// `GET /applications/{id}/documents/{doc}`: the file, to people who may read the
/// application, as a download (or shown in the browser with `?inline=1`).
pub(crate) async fn download(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Path((id, doc)): Path<(i32, i32)>,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    let uploads = st.config.uploads_dir();
    let (view, path) =
        match service::document(&st.db, &uploads, caller.principal.as_ref(), id, doc).await {
            Ok(found) => found,
            Err(e) => return error_response(lang, to_app_error(lang, e)),
        };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "a stored document cannot be read");
            return error_response(lang, AppError::Unavailable);
        }
    };
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
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, view.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response()
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

/// One step of an application.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepBody {
    /// The version the client last read; a newer one on the server is a conflict (409).
    version: i32,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    answer: Option<String>,
    /// The decision's fields (`approved_amount`, `due_on`, `reject_reason`…), as strings or
    /// numbers.
    #[serde(default)]
    #[schema(value_type = std::collections::BTreeMap<String, Object>)]
    fields: std::collections::BTreeMap<String, serde_json::Value>,
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
    let pairs: Vec<(String, String)> = b.fields.into_iter().collect();
    let version =
        service::save_draft(&st.db, caller.principal.as_ref(), id, b.version, &pairs).await?;
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
    ApiJson(b): ApiJson<StepBody>,
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
    // Numbers in JSON arrive as numbers; the step's parser reads text, as a form sends it.
    let fields = b
        .fields
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    let input = StepInput {
        reason: b.reason,
        items: b.items,
        answer: b.answer,
        fields,
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
    req: Request,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let posted = read_form(&st, req).await?;
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
    if file.too_large {
        return Err(too_large().into());
    }
    let (who, today) = (caller.principal.as_ref(), st.config.today());
    let uploads = st.config.uploads_dir();
    let doc = service::attach(
        &st.db,
        &uploads,
        who,
        id,
        slot,
        &file.file_name,
        &file.bytes,
        today,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(doc)))
}
