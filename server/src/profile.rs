//! The profile form's post and the eligibility API.

use app::components::form::FormId;
use app::domain::eligibility::{Facts, Standing, explain_all, rank};
use app::domain::i18n::{Lang, pick};
use app::domain::params::FieldError;
use app::domain::profile::SaveProfile;
use app::ssr::http::{ApiError, FormReply, PostedForm, typed_query};
use app::ssr::session::RequestCaller;
use app::ssr::{AppState, services};
use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Serialize;

/// `POST /profile`: saves the form and goes to the matches; a bad field sends the browser back
/// to the form with everything typed and the error beside the field (`form=1` opens it).
pub(crate) async fn save_profile(
    State(st): State<AppState>,
    Extension(RequestCaller(caller)): Extension<RequestCaller>,
    lang: Lang,
    posted: Result<PostedForm, FieldError>,
) -> FormReply {
    let (typed, result) = match posted {
        Ok(posted) => {
            let who = caller.principal.as_ref();
            let saved = async {
                services::profiles::keeper(who)?;
                let profile = SaveProfile::from_pairs(&posted.pairs, st.config.today())?;
                services::profiles::save(&st.db, who, &profile).await
            };
            let typed = typed_query(&posted.pairs, &["form"]);
            (typed, saved.await.map(|()| "/matches?saved=1".to_owned()))
        }
        Err(e) => (String::new(), Err(e.into())),
    };
    FormReply::of(lang, "/profile?form=1", FormId::Profile, typed, result)
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
    lang: Lang,
    body: Bytes,
) -> Result<Json<ApiRanking>, ApiError> {
    let facts = app::domain::eligibility::parse_facts(&body)?;
    let today = st.config.today();
    let extra: Vec<&app::domain::location::KatoCode> = facts.location.iter().collect();
    let data = services::profiles::ranking_data(&st.db, &st.open, today, &extra).await?;
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
    Ok(Json(ApiRanking {
        date: today,
        results,
    }))
}
