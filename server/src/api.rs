//! The JSON API (`/api/v1`) and the health check. Errors are `{"error": {code, field, message}}`
//! with the message in the caller's language (`lang` parameter, cookie or `Accept-Language`);
//! no error ever carries internal details.

use std::any::Any;

use app::domain::catalog::ProgramKind;
use app::domain::i18n::{Lang, Msg, pick};
use app::domain::location::KatoCode;
use app::domain::search::{Facets, SearchQuery};
use app::domain::text::Segment;
use app::error::AppError;
use app::ssr::http::{ApiError, SlugPath};
use app::ssr::services::ServiceError;
use app::ssr::{AppState, services};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;

// The JSON errors of every handler are `app::ssr::http`'s; the OpenAPI annotations name the
// body from here.
pub(crate) use app::ssr::http::{ErrorBody, error_response};

/// Any other path under `/api/v1`: a JSON 404, not the HTML one of pages.
pub async fn not_found() -> ApiError {
    ServiceError::NotFound.into()
}

/// One result, as API clients see it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApiHit {
    id: i64,
    slug: String,
    title: String,
    title_ru: String,
    title_kk: String,
    kind: ProgramKind,
    operator: String,
    summary: String,
    regions: Vec<KatoCode>,
    amount_max_kzt: Option<i64>,
    rate_bps: Option<i32>,
    term_months_max: Option<i32>,
    deadline: Option<NaiveDate>,
    /// The title in the caller's language, split into matching and other pieces.
    highlight: Vec<Segment>,
}

/// A page of search results with the facet counts of the whole result.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApiSearch {
    total: u64,
    page: u32,
    per_page: u32,
    hits: Vec<ApiHit>,
    facets: Facets,
    /// Time the engine took, in milliseconds, to a tenth.
    took_ms: f64,
    engine: String,
    degraded: bool,
}

/// `GET /api/v1/programs?q=…&kind=…&sector=…&region=…&sort=…&page=…&per_page=…`
#[utoipa::path(
    get,
    path = "/api/v1/programs",
    tag = "catalogue",
    summary = "Search the programmes",
    description = "Full-text search over every published programme (Russian, Kazakh and Latin \
        spellings, typo-tolerant), with filters and facet counts. Unknown parameters are ignored; \
        an empty value means not set.",
    params(
        ("q" = Option<String>, Query, description = "Search text (at most 200 characters)"),
        ("kind" = Option<ProgramKind>, Query, description = "Kind of support"),
        ("sector" = Option<app::domain::catalog::Sector>, Query, description = "Line of business"),
        ("region" = Option<String>, Query, description = "A nine-digit KATO code of a region or lower area"),
        ("sort" = Option<app::domain::search::SortOrder>, Query, description = "Order of the results"),
        ("page" = Option<u32>, Query, description = "Page number, from 1"),
        ("per_page" = Option<u32>, Query, description = "Results per page, 1 to 100"),
        ("lang" = Option<Lang>, Query, description = "Language of titles and messages"),
    ),
    responses(
        (status = 200, description = "The page of results", body = ApiSearch),
        (status = 400, description = "A parameter is wrong; `field` names it", body = ErrorBody),
        (status = 503, description = "No search engine can answer", body = ErrorBody),
    )
)]
pub(crate) async fn list_programs(
    State(st): State<AppState>,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Result<Json<ApiSearch>, ApiError> {
    let query = SearchQuery::from_query_string(raw.as_deref().unwrap_or(""))?;
    let results = services::catalog::search(&*st.search, &query, st.config.today()).await?;
    let hits = results
        .hits
        .into_iter()
        .map(|h| {
            let kk = lang == Lang::Kk && !h.title_kk.is_empty();
            ApiHit {
                id: h.id,
                title: if kk {
                    h.title_kk.clone()
                } else {
                    h.title_ru.clone()
                },
                highlight: if kk {
                    h.title_kk_marked
                } else {
                    h.title_ru_marked
                },
                operator: pick(lang, &h.operator_ru, &h.operator_kk).to_owned(),
                summary: pick(lang, &h.summary_ru, &h.summary_kk).to_owned(),
                slug: h.slug,
                title_ru: h.title_ru,
                title_kk: h.title_kk,
                kind: h.kind,
                regions: h.regions,
                amount_max_kzt: h.amount_max_kzt,
                rate_bps: h.rate_bps,
                term_months_max: h.term_months_max,
                deadline: h.deadline,
            }
        })
        .collect();
    Ok(Json(ApiSearch {
        total: results.total,
        page: query.page,
        per_page: query.per_page,
        hits,
        facets: results.facets,
        took_ms: results.took_ms,
        engine: results.engine,
        degraded: results.degraded,
    }))
}

/// `GET /api/v1/programs/{slug}`
#[utoipa::path(
    get,
    path = "/api/v1/programs/{slug}",
    tag = "catalogue",
    summary = "One programme",
    params(
        ("slug" = String, Path, description = "The programme's URL handle"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    responses(
        (status = 200, description = "The programme, in both languages", body = app::domain::program::ProgramView),
        (status = 400, description = "The handle is not valid text", body = ErrorBody),
        (status = 404, description = "No such programme", body = ErrorBody),
    )
)]
pub(crate) async fn get_program(
    State(st): State<AppState>,
    SlugPath(slug): SlugPath,
) -> Result<Json<app::domain::program::ProgramView>, ApiError> {
    services::catalog::program(&st.db, &slug, st.config.today())
        .await
        .map(Json)
        .map_err(|e| ApiError::from(e).missing(Msg::ErrorProgramNotFound))
}

/// `GET /programs/{slug}/schedule.csv?amount=…&rate=…&term=…&grace=…&grace_kind=…&method=…`:
/// the calculator's schedule as a spreadsheet file; bad inputs get the JSON error.
pub(crate) async fn schedule_csv(
    State(st): State<AppState>,
    lang: Lang,
    RawQuery(raw): RawQuery,
    SlugPath(slug): SlugPath,
) -> Result<Response, ApiError> {
    let program = services::catalog::program(&st.db, &slug, st.config.today()).await?;
    if !program.is_loan_like() {
        return Err(ServiceError::NotFound.into());
    }
    let (_, result) = app::domain::loan::calculate(
        raw.as_deref().unwrap_or(""),
        &program.loan_limits(),
        program.rate_max_bps.or(program.rate_min_bps),
    );
    let schedule = result?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-schedule.csv\"",
                    program.slug.as_str()
                ),
            ),
        ],
        schedule.to_csv(lang),
    )
        .into_response())
}

/// `GET /healthz`: 200 while the database answers (search down is reported as `degraded`),
/// 503 when it does not.
pub async fn healthz(State(st): State<AppState>) -> Response {
    let health = services::health::check(&st.db, &st.indexes, st.config.sms.monthly_limit).await;
    let status = if health.status == services::health::HealthStatus::Down {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, Json(health)).into_response()
}

/// `GET /metrics`: the health figures in Prometheus's text format.
pub async fn metrics(State(st): State<AppState>) -> Response {
    let health = services::health::check(&st.db, &st.indexes, st.config.sms.monthly_limit).await;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        services::health::metrics(&health),
    )
        .into_response()
}

/// What a request that panicked gets: a plain 500, nothing from the panic itself.
pub fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    error_response(Lang::Ru, AppError::Internal)
}
