//! Open data of the public reports: `GET /okrugs/{area}/data.csv` and `data.json`, and the
//! same JSON at `GET /api/v1/reports/{area}`. `{area}` is a KATO code of a region, district or
//! okrug, or `kz` for the country. The schema (`auyl-report/1`) is described at
//! `/okrugs/open-data` and in `docs/open-data.md`.

use app::domain::i18n::Lang;
use app::domain::report;
use app::domain::report::COUNTRY;
use app::ssr::http::ApiError;
use app::ssr::services::ServiceError;
use app::ssr::{AppState, services};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

async fn build(st: &AppState, area: &str) -> Result<report::Report, services::ServiceError> {
    let code = (area != COUNTRY).then_some(area);
    services::reports::report(&st.db, code, st.config.today()).await
}

/// `GET /okrugs/{area}/{file}` with `file` one of `data.csv`, `data.json`. A path that does
/// not read is simply not there.
pub(crate) async fn data(
    State(st): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Ok(Path((area, file))) = path else {
        return Err(ServiceError::NotFound.into());
    };
    if file != "data.csv" && file != "data.json" {
        return Err(ServiceError::NotFound.into());
    }
    let r = build(&st, &area).await?;
    let name = format!("okrug-report-{area}");
    Ok(if file == "data.csv" {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            report::csv(&r),
        )
            .into_response()
    } else {
        (
            [(
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.json\""),
            )],
            Json(r),
        )
            .into_response()
    })
}

/// `GET /api/v1/reports/{area}`: the report as JSON.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{area}",
    tag = "reports",
    summary = "The public report of an area",
    description = "What support reached an okrug, district or region (a nine-digit KATO \
        code), or the whole country (`kz`): applications by stage, outcomes, programmes, months \
        and recommenders. Counts under 3 are published as \"<3\".",
    params(
        ("area" = String, Path, description = "A KATO code, or `kz`"),
        ("lang" = Option<Lang>, Query, description = "Language of messages"),
    ),
    responses(
        (status = 200, description = "The report", body = app::domain::report::Report),
        (status = 404, description = "No such area", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn api_report(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<report::Report>, ApiError> {
    let Ok(Path(area)) = path else {
        return Err(ServiceError::NotFound.into());
    };
    Ok(Json(build(&st, &area).await?))
}
