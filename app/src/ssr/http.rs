//! The HTTP edge that every handler of the `server` crate shares: the caller's language, the
//! JSON API's errors, and parsing a path or a JSON body into the field-named errors the rest of
//! the product speaks. Handlers stay a few lines: extract, call the use case, answer; every
//! failure goes through `?` into an [`ApiError`].

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::services::ServiceError;
use super::{lang_of, to_app_error};
use crate::components::form::FormId;
use crate::domain::i18n::{Lang, Msg, t};
use crate::domain::params::{FieldError, Problem, encode_component};
use crate::domain::policy::Denied;
use crate::error::AppError;

mod posted;
pub use posted::{MAX_UPLOAD_BODY, PostedForm, Upload, too_large};

/// The language a request asks for (`lang` parameter, cookie, `Accept-Language`, Russian).
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Lang, Self::Rejection> {
        Ok(lang_of(&parts.headers, parts.uri.query()))
    }
}

/// Every error of the JSON API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong, for programs (`code`, `field`) and for people (`message`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `not_found`, `sign_in_required`, `forbidden`, `unavailable`, `internal`,
    /// `conflict`, `too_large`, `cannot_save`, or the problem with a field (`required`,
    /// `not_accepted`, …).
    code: String,
    /// The field (parameter or body key) at fault, when one is.
    field: Option<String>,
    /// The explanation in the caller's language.
    message: String,
}

/// The JSON error response for `e`, worded in `lang`. A `NotFound` of the API says so in the
/// API's words unless `not_found` names the thing that is missing.
pub fn error_response(lang: Lang, e: AppError) -> Response {
    error_with(lang, e, Msg::ErrorApiNotFound)
}

fn error_with(lang: Lang, e: AppError, not_found: Msg) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (code, field) = match &e {
        AppError::Invalid { field, code, .. } => (code.as_str().into(), Some(field.clone())),
        AppError::NotFound => ("not_found".into(), None),
        AppError::Unauthorized => ("sign_in_required".into(), None),
        AppError::Forbidden => ("forbidden".into(), None),
        AppError::Unavailable => ("unavailable".into(), None),
        AppError::CannotSave => ("cannot_save".into(), None),
        AppError::Internal | AppError::Transport(_) => ("internal".into(), None),
    };
    let message = match &e {
        AppError::NotFound => t(lang, not_found).to_owned(),
        other => other.message(lang),
    };
    let body = ErrorBody {
        error: ErrorDetail {
            code,
            field,
            message,
        },
    };
    (status, Json(body)).into_response()
}

/// An error on its way to an API client. A handler returns `Result<_, ApiError>` and uses `?`
/// on use cases, paths and bodies; the words are chosen later, by [`render_errors`], in the
/// language of the request (which the handler need not know).
#[derive(Debug)]
pub struct ApiError {
    failure: Failure,
    not_found: Msg,
}

#[derive(Debug)]
enum Failure {
    Service(ServiceError),
    Shown(AppError),
}

impl ApiError {
    /// A `NotFound` that says what is missing (`Msg::ErrorProgramNotFound`…).
    pub fn not_found(what: Msg) -> ApiError {
        ApiError {
            failure: Failure::Service(ServiceError::NotFound),
            not_found: what,
        }
    }

    /// Says what is missing when this is a `NotFound`.
    pub fn missing(mut self, what: Msg) -> ApiError {
        self.not_found = what;
        self
    }

    /// The response in `lang` (logging internal failures once, as every edge does).
    pub fn render(self, lang: Lang) -> Response {
        let shown = match self.failure {
            Failure::Service(e) => to_app_error(lang, e),
            Failure::Shown(e) => e,
        };
        error_with(lang, shown, self.not_found)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> ApiError {
        ApiError {
            failure: Failure::Service(e),
            not_found: Msg::ErrorApiNotFound,
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> ApiError {
        ServiceError::Invalid(e).into()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError {
            failure: Failure::Shown(e),
            not_found: Msg::ErrorApiNotFound,
        }
    }
}

/// The error a response carries until [`render_errors`] words it. Shared and taken once:
/// response extensions must be `Clone`, a service error is not.
#[derive(Clone)]
struct Pending(Arc<Mutex<Option<ApiError>>>);

/// A refused field as an extractor's rejection answers like the API's errors.
impl IntoResponse for FieldError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response
            .extensions_mut()
            .insert(Pending(Arc::new(Mutex::new(Some(self)))));
        response
    }
}

/// The layer that words every [`ApiError`] in the language of its request. Without it an
/// `ApiError` would reach the client as a bare 500, so the router puts it outside every route.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let lang = lang_of(request.headers(), request.uri().query());
    let mut response = next.run(request).await;
    let pending = response
        .extensions_mut()
        .remove::<Pending>()
        .and_then(|p| p.0.lock().ok().and_then(|mut e| e.take()));
    match pending {
        Some(error) => error.render(lang),
        None => response,
    }
}

/// A path parameter; one that does not parse is a JSON error naming `id` (axum's own
/// rejection is plain text).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|_| FieldError::new("id", Problem::NotANumber).into())
    }
}

/// A JSON body. Whatever does not fit the type (an unknown field, a wrong type, broken JSON)
/// is refused with the field's name, as a form's unknown field is.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        read_json(req, state, |_| None)
            .await
            .map(ApiJson)
            .map_err(ApiError::from)
    }
}

/// Reads a request's JSON body as [`parse_json_as`] does (a body that cannot be read is
/// refused as `body`).
pub async fn read_json<S: Send + Sync, T: DeserializeOwned>(
    req: Request,
    state: &S,
    mistyped: fn(&str) -> Option<Problem>,
) -> Result<T, FieldError> {
    let bytes = axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
    parse_json_as(&bytes, mistyped)
}

/// Decodes a JSON body, naming the field serde stumbled on (the body when it names none).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, FieldError> {
    parse_json_as(body, |_| None)
}

/// Decodes a JSON body, naming the field serde stumbled on: the field it found unknown,
/// missing or twice, or where a value is of the wrong type (the innermost key:
/// `approved_amount` of `{"fields": {"approved_amount": "x"}}`); the body when it names none.
/// A value of the wrong type is `NotAccepted` unless `mistyped` words it for its field.
pub fn parse_json_as<T: DeserializeOwned>(
    body: &[u8],
    mistyped: fn(&str) -> Option<Problem>,
) -> Result<T, FieldError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let message = e.inner().to_string();
        let about_a_name = ["unknown field", "missing field", "duplicate field"]
            .iter()
            .any(|m| message.starts_with(m));
        if about_a_name {
            return not_accepted(&message);
        }
        let at = e
            .path()
            .iter()
            .rev()
            .find_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(key.as_str()),
                _ => None,
            })
            .filter(|f| is_field_name(f));
        match at {
            Some(field) => FieldError::new(field, mistyped(field).unwrap_or(Problem::NotAccepted)),
            None => FieldError::new("body", Problem::NotAccepted),
        }
    })
}

/// The field a decoding error is about: serde names it between backticks ("missing field
/// `slug`", "unknown field `amount_typo`"); the body when it names none.
pub fn not_accepted(serde_message: &str) -> FieldError {
    let field = serde_message
        .split('`')
        .nth(1)
        .filter(|f| is_field_name(f))
        .unwrap_or("body");
    FieldError::new(field, Problem::NotAccepted)
}

/// Whether `name` can be one of our fields (what a client wrote is named back only then).
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A programme's handle in the path; bytes that are not text are a JSON error naming `slug`.
pub struct SlugPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SlugPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| SlugPath(v))
            .map_err(|_| FieldError::new("slug", Problem::Encoding).into())
    }
}

/// `303 See Other` to `location`: where a form post sends the browser next.
pub fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, location.to_owned())],
    )
        .into_response()
}

/// What a page's form post answers (it works without JavaScript). A handler returns it; the
/// same four outcomes hold for every form, so no handler matches on them itself.
#[derive(Debug)]
pub enum FormReply {
    /// Done: on to this address.
    Next(String),
    /// Signed out: to sign-in, coming back to this page (a path) afterwards.
    SignIn(String),
    /// Not there, or not the caller's: the error page (nothing to go back to).
    Failed(Lang, AppError),
    /// Refused: back to the form's page with the refusal filed under its form and what was
    /// typed kept, so the page shows the message beside its field with the input still in it.
    Back {
        /// The page the form is on (a path, with a query of its own if it has one).
        page: String,
        /// The form, as the page looks for its error.
        form: FormId,
        /// What was wrong.
        error: AppError,
        /// What was typed, as a query string (never a password).
        typed: String,
    },
}

impl FormReply {
    /// The reply to a post of `form` on `page`, from its use case's result (`Ok` carries the
    /// address to go on to), worded in `lang`.
    pub fn of(
        lang: Lang,
        page: &str,
        form: FormId,
        typed: String,
        result: Result<String, ServiceError>,
    ) -> FormReply {
        match result {
            Ok(next) => FormReply::Next(next),
            Err(ServiceError::Denied(Denied::SignInRequired)) => {
                let path = page.split_once('?').map_or(page, |(path, _)| path);
                FormReply::SignIn(path.to_owned())
            }
            Err(e @ (ServiceError::NotFound | ServiceError::Denied(_))) => {
                FormReply::Failed(lang, to_app_error(lang, e))
            }
            Err(e) => FormReply::Back {
                page: page.to_owned(),
                form,
                error: to_app_error(lang, e),
                typed,
            },
        }
    }
}

impl IntoResponse for FormReply {
    fn into_response(self) -> Response {
        match self {
            FormReply::Next(location) => see_other(&location),
            FormReply::SignIn(path) => {
                see_other(&format!("/sign-in?next={}", encode_component(&path)))
            }
            FormReply::Failed(lang, error) => error_response(lang, error),
            FormReply::Back {
                page,
                form,
                error,
                typed,
            } => back_to_page(&page, form, &error, &typed),
        }
    }
}

/// What was typed in a form, as a query string (`&name=value…`) for its page: every field but
/// `skip` and the framework's own (`__…`). Never used for a form with a password.
pub fn typed_query(pairs: &[(String, String)], skip: &[&str]) -> String {
    pairs
        .iter()
        .filter(|(k, _)| !k.starts_with("__") && !skip.contains(&k.as_str()))
        .map(|(k, v)| format!("&{}={}", encode_component(k), encode_component(v)))
        .collect()
}

/// Back to `page` (a path, with a query of its own if it has one) after a refused form: the
/// error in the address the way pages read it (`__path` of the form, `__err`), then `typed` (a
/// query string).
pub fn back_to_page(page: &str, form: FormId, error: &AppError, typed: &str) -> Response {
    use leptos::server_fn::error::ServerFnUrlError;
    let path = page.split_once('?').map_or(page, |(path, _)| path);
    let with_error = ServerFnUrlError::new(form.path(), error.clone())
        .to_url(&format!("http://localhost{page}"))
        .map(|u| u.query().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let query: Vec<&str> = [with_error.as_str(), typed.trim_start_matches('&')]
        .into_iter()
        .filter(|q| !q.is_empty())
        .collect();
    see_other(&format!("{path}?{}", query.join("&")))
}

#[cfg(test)]
mod tests;
