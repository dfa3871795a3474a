//! The OpenAPI document of `/api/v1`, generated from the handlers' annotations and the types
//! they send and take, served at `/api/v1/openapi.json`. Schemathesis checks the server against
//! it in `make test` (scripts/schemathesis.sh).

use axum::Json;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;

/// The document's source: every `/api/v1` operation.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Auyl Business API",
        description = "State support programmes for rural entrepreneurs in Kazakhstan: search, \
            eligibility, applications and the public reports of every okrug. Errors are \
            `{\"error\": {code, field, message}}` with the message in the caller's language \
            (`lang` parameter, the `lang` cookie or `Accept-Language`). Requests that change \
            something need a same-site `Origin` (or `Referer`) header; the applications need a \
            signed-in session cookie.",
        version = "1",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        crate::api::list_programs,
        crate::api::get_program,
        crate::profile::eligibility,
        crate::reports::api_report,
        crate::applications::api_list,
        crate::applications::api_create,
        crate::applications::api_read,
        crate::applications::api_update,
        crate::applications::api_step,
        crate::applications::api_upload,
        crate::loans::api_repayment,
    ),
    modifiers(&KeyScheme),
    // Types that only parameters use, which the paths do not collect.
    components(schemas(
        app::domain::i18n::Lang,
        app::domain::search::SortOrder,
        app::domain::catalog::ProgramKind,
        app::domain::catalog::Sector,
        // Behind a `Box`, which the collection does not look into.
        app::domain::review::Desk,
        app::domain::eligibility::Candidate,
        app::domain::eligibility::Context,
    )),
    tags(
        (name = "catalogue", description = "Published programmes"),
        (name = "eligibility", description = "Which programmes fit a profile, and why"),
        (name = "reports", description = "Public results of okrugs, districts, regions, the country"),
        (name = "applications", description = "An entrepreneur's applications"),
        (name = "repayments", description = "A lender's system recording repayments, with an organisation's API key"),
    )
)]
pub struct ApiDoc;

/// The organisation API keys of `POST /api/v1/repayments`: a bearer token.
struct KeyScheme;

impl utoipa::Modify for KeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "api_key",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("An organisation's API key, `auyl_…`"))
                        .build(),
                ),
            );
        }
    }
}

/// The document as JSON text (for tests and the `openapi` command).
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`
pub(crate) async fn openapi_json() -> Response {
    Json(document()).into_response()
}
