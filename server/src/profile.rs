//! The profile form's post and the eligibility API.

use app::components::form::FormId;
use app::domain::eligibility::{Facts, Standing, explain_all, rank};
use app::domain::i18n::{Lang, pick};
use app::domain::params::{FieldError, Problem, decode_query, encode_component};
use app::error::AppError;
use app::ssr::http::{back_to_page, see_other};
use app::ssr::services::ServiceError;
use app::ssr::session::RequestCaller;
use app::ssr::{AppState, lang_of, services, to_app_error};
use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::error_response;

/// `POST /profile`: saves the form and goes to the matches; a bad field sends the browser back
/// to the form with everything typed and the error beside the field.
pub(crate) async fn save_profile(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    let text = String::from_utf8_lossy(&body);
    let result = match decode_query(&text) {
        Ok(pairs) => {
            services::profiles::save(&st.db, caller.principal.as_ref(), &pairs, st.config.today())
                .await
                .map(|_| ())
                .map_err(|e| (e, pairs))
        }
        Err(e) => Err((ServiceError::Invalid(e), Vec::new())),
    };
    match result {
        Ok(()) => see_other("/matches?saved=1"),
        Err((ServiceError::Denied(app::domain::policy::Denied::SignInRequired), _)) => {
            see_other("/sign-in?next=%2Fprofile")
        }
        // Only a forged post gets here: the page shows no form to other roles.
        Err((ServiceError::Denied(app::domain::policy::Denied::Forbidden), _)) => {
            error_response(lang, AppError::Forbidden)
        }
        Err((e, pairs)) => {
            let error = to_app_error(lang, e);
            back_to_profile(&error, &pairs)
        }
    }
}

/// Back to the profile's form with the error and the typed values (`form=1` opens the form).
fn back_to_profile(error: &AppError, pairs: &[(String, String)]) -> Response {
    let typed: String = pairs
        .iter()
        .filter(|(k, _)| !k.starts_with("__") && k != "form")
        .map(|(k, v)| format!("&{}={}", encode_component(k), encode_component(v)))
        .collect();
    back_to_page("/profile?form=1", FormId::Profile, error, &typed)
}

/// One condition of a programme, as it stands for the profile.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApiReason {
    outcome: app::domain::eligibility::Outcome,
    text: String,
    fix: Option<String>,
}

/// One programme, ranked for the profile.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApiResult {
    slug: String,
    title: String,
    kind: app::domain::catalog::ProgramKind,
    standing: Standing,
    unmet: usize,
    unknown: usize,
    reasons: Vec<ApiReason>,
    next_best: Option<String>,
}

/// Every open programme ranked for the profile, on a date.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApiRanking {
    date: chrono::NaiveDate,
    results: Vec<ApiResult>,
}

/// Reads the profile of an eligibility request: a JSON object whose keys are [`Facts`]' fields,
/// each optional. Every problem names its field.
pub fn parse_facts(body: &[u8]) -> Result<Facts, FieldError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
    let serde_json::Value::Object(map) = value else {
        return Err(FieldError::new("body", Problem::NotAccepted));
    };
    // Every field at its default: the keys that exist, and the base each field is tried on.
    let defaults = serde_json::to_value(Facts::default())
        .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
    let mut all = defaults.clone();
    for (key, v) in map {
        if defaults.get(&key).is_none() {
            return Err(FieldError::new(key, Problem::NotAccepted));
        }
        // Each field alone, so that a wrong one is named.
        let mut one = defaults.clone();
        one[&key] = v.clone();
        if serde_json::from_value::<Facts>(one).is_err() {
            return Err(FieldError::new(key, Problem::NotAccepted));
        }
        all[&key] = v;
    }
    serde_json::from_value(all).map_err(|_| FieldError::new("body", Problem::NotAccepted))
}

/// `POST /api/v1/eligibility`: every open programme ranked for the posted profile, with the
/// reasons in the caller's language. Needs no account: the profile is in the request and
/// nothing is stored.
#[utoipa::path(
    post,
    path = "/api/v1/eligibility",
    tag = "eligibility",
    summary = "Rank the programmes for a profile",
    description = "Every key of the profile is optional; what is not given counts as unknown, \
        never as unmet. Nothing is stored and no account is needed.",
    params(("lang" = Option<Lang>, Query, description = "Language of the reasons and messages")),
    request_body = Facts,
    responses(
        (status = 200, description = "The ranking with the reasons", body = ApiRanking),
        (status = 400, description = "A key is unknown or its value wrong; `field` names it", body = crate::api::ErrorBody),
        (status = 403, description = "A cross-site request", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn eligibility(
    State(st): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, raw.as_deref());
    let facts = match parse_facts(&body) {
        Ok(f) => f,
        Err(e) => return error_response(lang, AppError::invalid(&e, lang)),
    };
    let today = st.config.today();
    let extra: Vec<&app::domain::location::KatoCode> = facts.location.iter().collect();
    let data = match services::profiles::ranking_data(&st.db, today, &extra).await {
        Ok(d) => d,
        Err(e) => return error_response(lang, to_app_error(lang, e)),
    };
    let ranked = rank(&data.candidates, &facts, &data.ctx);
    let results = ranked
        .iter()
        .map(|m| {
            let c = &data.candidates[m.index];
            ApiResult {
                slug: c.slug.clone(),
                title: pick(lang, &c.title_ru, &c.title_kk).to_owned(),
                kind: c.kind,
                standing: m.standing,
                unmet: m.unmet,
                unknown: m.unknown,
                reasons: explain_all(lang, c, m, &facts, &data.ctx, &data.places)
                    .into_iter()
                    .map(|l| ApiReason {
                        outcome: l.outcome,
                        text: l.text,
                        fix: l.fix,
                    })
                    .collect(),
                next_best: m.next_best.map(|i| data.candidates[i].slug.clone()),
            }
        })
        .collect();
    Json(ApiRanking {
        date: today,
        results,
    })
    .into_response()
}
