//! After the money over HTTP: the portfolio's CSV (`GET /operator/portfolio.csv`), the lender's
//! file of repayments (`POST /operator/repayments`: upload, then confirm), the organisation's
//! API keys (`POST /operator/api-keys`), and the lenders' systems' door
//! (`POST /api/v1/repayments`, with an API key and an optional `Idempotency-Key`).

use app::components::form::FormId;
use app::domain::i18n::Lang;
use app::domain::params::{FieldError, Problem, decode_query};
use app::domain::portfolio::PortfolioQuery;
use app::domain::repayment::import;
use app::error::AppError;
use app::ssr::AppState;
use app::ssr::http::{ApiError, FormReply, PostedForm, parse_json};
use app::ssr::services::{ServiceError, loans};
use app::ssr::session::RequestCaller;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// `GET /operator/portfolio.csv?…`: the portfolio's view as CSV.
pub(crate) async fn portfolio_csv(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = decode_query(raw.as_deref().unwrap_or_default())?;
    let q = PortfolioQuery::parse(&pairs)?;
    let body =
        loans::portfolio_csv(&st.db, caller.principal.as_ref(), &q, st.config.today()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"portfolio.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// `POST /operator/repayments`: `action=preview` with the `file` keeps it and shows its
/// preview; `action=import` with its `digest` imports it (every line or none).
pub(crate) async fn import_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let page = "/operator/repayments";
    let who = caller.principal.as_ref();
    let dir = st.config.uploads_dir();
    let result = async {
        loans::lender_of(who)?;
        let posted = posted?;
        if posted.get("action") == Some("import") {
            let digest = posted.get("digest").unwrap_or_default().to_owned();
            return match loans::import(&st.db, who, &dir, &digest, st.config.today()).await? {
                Ok(done) => Ok(format!(
                    "{page}?imported={}&already={}",
                    done.added, done.already
                )),
                // Refused now (a line recorded by someone else since the preview): the
                // preview names the lines again.
                Err(_) => Ok(format!("{page}?file={digest}")),
            };
        }
        let file = posted
            .files
            .iter()
            .find(|f| f.field == "file")
            .ok_or_else(|| FieldError::new("file", Problem::Required))?;
        let (_, bytes) = file
            .checked()
            .map_err(|e| FieldError::new("file", e.problem))?;
        if bytes.is_empty() {
            return Err(FieldError::new("file", Problem::Required).into());
        }
        let digest = loans::keep_upload(who, &dir, bytes).await?;
        Ok(format!("{page}?file={digest}"))
    };
    FormReply::of(
        lang,
        page,
        FormId::ImportRepayments,
        String::new(),
        result.await,
    )
}

/// `POST /operator/api-keys`: `action=create` with a `name` (the key is shown once on the
/// page, carried there in a cookie that lives a minute), or `action=revoke` with an `id`.
pub(crate) async fn api_keys_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> Response {
    let page = "/operator/api-keys";
    let who = caller.principal.as_ref();
    let posted = posted.unwrap_or_default();
    let mut fresh = None;
    let result = async {
        app::ssr::services::signed_in(who)?;
        match posted.get("action") {
            Some("revoke") => {
                let id = posted
                    .get("id")
                    .and_then(|v| v.trim().parse::<i32>().ok())
                    .ok_or_else(|| FieldError::new("id", Problem::NotANumber))?;
                loans::revoke_api_key(&st.db, who, id).await?;
            }
            _ => {
                let name = posted.get("name").unwrap_or_default();
                fresh = Some(loans::create_api_key(&st.db, who, name).await?);
            }
        }
        Ok::<_, ServiceError>(page.to_owned())
    }
    .await;
    let mut response =
        FormReply::of(lang, page, FormId::ApiKeys, String::new(), result).into_response();
    if let Some(cookie) = fresh.and_then(|k| {
        app::ssr::session::fresh_key_cookie(Some(&k), st.config.secure_cookies(), page)
    }) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /operator/webhooks`: `action=create` with a `url` (the secret is shown once on the
/// page, carried there in a cookie that lives a minute), `action=test` or `action=disable`
/// with an `id`.
pub(crate) async fn webhooks_form(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> Response {
    use app::ssr::services::webhooks;
    let page = "/operator/webhooks";
    let who = caller.principal.as_ref();
    let posted = posted.unwrap_or_default();
    let mut fresh = None;
    let result = async {
        app::ssr::services::signed_in(who)?;
        let id = || {
            posted
                .get("id")
                .and_then(|v| v.trim().parse::<i32>().ok())
                .ok_or_else(|| FieldError::new("id", Problem::NotANumber))
        };
        match posted.get("action") {
            Some("disable") => webhooks::disable(&st.db, who, id()?).await?,
            Some("test") => webhooks::test(&st.db, who, id()?).await?,
            _ => {
                let url = posted.get("url").unwrap_or_default();
                fresh = Some(webhooks::create(&st.db, who, url).await?);
            }
        }
        Ok::<_, ServiceError>(page.to_owned())
    }
    .await;
    let mut response =
        FormReply::of(lang, page, FormId::Webhooks, String::new(), result).into_response();
    if let Some(cookie) = fresh.and_then(|k| {
        app::ssr::session::fresh_key_cookie(Some(&k), st.config.secure_cookies(), page)
    }) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// A repayment as a lender's system posts it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepaymentBody {
    /// The application (the loan) it repays.
    application_id: i32,
    /// The lender's reference: unique per loan; posting it again records nothing new.
    reference: String,
    /// The day the money arrived (not after today).
    paid_on: NaiveDate,
    /// The amount in tiyn (1 ₸ = 100 tiyn), positive.
    #[schema(minimum = 1)]
    amount_tiyn: i64,
    /// For a reversal: the reference of the payment it cancels (same amount).
    #[serde(default)]
    reverses: Option<String>,
}

/// The loan after a recorded repayment.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RepaymentAnswer {
    application_id: i32,
    reference: String,
    /// `recorded`, or `already_recorded` (the same reference with the same content).
    status: &'static str,
    /// Principal still out, tiyn.
    outstanding_principal_tiyn: i64,
    /// Unpaid on instalments already due, tiyn.
    overdue_tiyn: i64,
    /// Days past due today.
    days_past_due: i64,
    /// The next instalment not paid in full.
    next_due_on: Option<NaiveDate>,
    /// What is left of it, tiyn.
    next_amount_tiyn: Option<i64>,
}

/// The longest `Idempotency-Key` kept.
const MAX_IDEMPOTENCY_KEY: usize = 128;

/// `POST /api/v1/repayments`
#[utoipa::path(
    post,
    path = "/api/v1/repayments",
    tag = "repayments",
    summary = "Record a repayment (a lender's system)",
    description = "Records one repayment of a loan disbursed by the key's organisation. \
        Authenticated by an organisation's API key (`Authorization: Bearer auyl_…`), created by \
        its administrator at /operator/api-keys; the session cookie is not used. Idempotent by \
        the lender's `reference` per loan: the same reference with the same content records \
        nothing new (200, `already_recorded`), with other content it is refused. An optional \
        `Idempotency-Key` header (at most 128 characters) replays the first answer to a retried \
        request; the same key with another body is refused. A reversal is a new record naming \
        the reference it cancels.",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer to a retry"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    request_body = RepaymentBody,
    responses(
        (status = 201, description = "Recorded", body = RepaymentAnswer),
        (status = 200, description = "Already recorded (the same reference and content), or a replay", body = RepaymentAnswer),
        (status = 400, description = "A field is wrong (named), or the loan is not the key's organisation's", body = crate::api::ErrorBody),
        (status = 401, description = "No key, or a key that is unknown or revoked", body = crate::api::ErrorBody),
        (status = 413, description = "Body too large", body = crate::api::ErrorBody),
    ),
    security(("api_key" = [])),
)]
pub(crate) async fn api_repayment(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some((key_id, organisation)) = loans::authenticate_key(&st.db, bearer).await? else {
        return Err(AppError::Unauthorized.into());
    };
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| {
                    !k.is_empty()
                        && k.len() <= MAX_IDEMPOTENCY_KEY
                        && k.bytes().all(|b| b.is_ascii_graphic())
                })
                .ok_or_else(|| {
                    FieldError::new(
                        "Idempotency-Key",
                        Problem::TooLong {
                            max: MAX_IDEMPOTENCY_KEY,
                        },
                    )
                })?
                .to_owned(),
        ),
    };
    let digest = app::ssr::security::bytes_hash(&body);
    if let Some(k) = &idempotency
        && let Some(kept) = app::ssr::db::loans::idempotent(&st.db, key_id, k)
            .await
            .map_err(ServiceError::from)?
    {
        if kept.request_hash != digest {
            return Err(FieldError::new("Idempotency-Key", Problem::Taken).into());
        }
        return Ok(replay(kept.status, kept.body));
    }
    let b: RepaymentBody = parse_json(&body)?;
    let today = st.config.today();
    let line = import::parse_fields(
        b.application_id,
        &b.reference,
        &b.paid_on.to_string(),
        &tenge_text(b.amount_tiyn)
            .ok_or_else(|| FieldError::new("amount_tiyn", Problem::MustBePositive))?,
        b.reverses.as_deref().unwrap_or_default(),
        today,
    )
    .map_err(api_field)?;
    let recorder = loans::Recorder::Key {
        id: key_id,
        organisation,
    };
    let done =
        match loans::record(&st.db, recorder, std::slice::from_ref(&line), Utc::now()).await? {
            Ok(done) => done,
            Err(mut errors) => {
                let e = errors.pop().map_or_else(
                    || FieldError::new("body", Problem::NotAccepted),
                    |e| e.error,
                );
                return Err(api_field(e).into());
            }
        };
    let view = loans::loan_view(&st.db, b.application_id, today)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = if done.added > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let answer = RepaymentAnswer {
        application_id: b.application_id,
        reference: line.reference,
        status: if done.added > 0 {
            "recorded"
        } else {
            "already_recorded"
        },
        outstanding_principal_tiyn: view.outstanding_principal.0,
        overdue_tiyn: view.overdue.0,
        days_past_due: view.days_past_due,
        next_due_on: view.next.map(|(d, _)| d),
        next_amount_tiyn: view.next.map(|(_, a)| a.0),
    };
    let text = serde_json::to_string(&answer).map_err(ServiceError::from)?;
    if let Some(k) = &idempotency {
        app::ssr::db::loans::keep_answer(
            &st.db,
            key_id,
            k,
            &digest,
            status.as_u16(),
            &text,
            Utc::now(),
        )
        .await
        .map_err(ServiceError::from)?;
    }
    Ok(json(status, text))
}

/// The JSON names of the fields the checks name after the CSV's columns.
fn api_field(mut e: FieldError) -> FieldError {
    e.field = match e.field.as_str() {
        "application" => "application_id",
        "amount" => "amount_tiyn",
        other => return FieldError::new(other, e.problem),
    }
    .to_owned();
    e
}

/// Tiyn as the tenge text the line checks read (`12.05`); `None` when not positive.
fn tenge_text(tiyn: i64) -> Option<String> {
    (tiyn > 0).then(|| format!("{}.{:02}", tiyn / 100, tiyn % 100))
}

fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn replay(status: i32, body: String) -> Response {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut r = json(status, body);
    r.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}
