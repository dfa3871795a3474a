//! Open data of the public reports: `GET /okrugs/{area}/data.csv` and `data.json` in the first
//! schema (`auyl-report/1`, served as it always was), `data-v2.csv` and `data-v2.json` in the
//! second (`auyl-report/2`: the first plus the outcomes after the money), and the second's JSON
//! at `GET /api/v1/reports/{area}`. `{area}` is a KATO code of a region, district or okrug, or
//! `kz` for the country. Both schemas are described at `/okrugs/open-data` and in
//! `docs/open-data.md`.

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

/// `GET /okrugs/{area}/{file}` with `file` one of `data.csv`, `data.json` (schema 1),
/// `data-v2.csv`, `data-v2.json` (schema 2). A path that does
/// not read is simply not there.
pub(crate) async fn data(
    State(st): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Ok(Path((area, file))) = path else {
        return Err(ServiceError::NotFound.into());
    };
    // The first schema keeps its addresses; the second (outcomes after the money) has its own.
    let (v2, csv) = match file.as_str() {
        "data.csv" => (false, true),
        "data.json" => (false, false),
        "data-v2.csv" => (true, true),
        "data-v2.json" => (true, false),
        _ => return Err(ServiceError::NotFound.into()),
    };
    let r = build(&st, &area).await?;
    let r = if v2 { r } else { r.v1() };
    let name = if v2 {
        format!("okrug-report-{area}-v2")
    } else {
        format!("okrug-report-{area}")
    };
    Ok(if csv {
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
        and recommenders, and how the loans paid out are being repaid (on time, PAR30), overall and by what the akimat said (schema `auyl-report/2`). Counts under 3 are published as \"<3\".",
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
