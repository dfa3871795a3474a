//! Server functions of the matches page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::eligibility::{Facts, RankingData};
use crate::error::AppError;

/// What the matches page ranks with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchesData {
    /// Open programmes, place names, date.
    pub data: RankingData,
    /// The saved profile's facts.
    pub facts: Facts,
    /// Facts given, out of those the ranking uses.
    pub completeness: (usize, usize),
}

/// The signed-in entrepreneur's facts and every open programme.
#[server(endpoint = "my_matches")]
pub async fn my_matches() -> Result<MatchesData, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let today = st.config.today();
        let who = session::principal();
        let (facts, profile) = services::profiles::facts(&st.db, who.as_ref(), today).await?;
        let extra: Vec<&crate::domain::location::KatoCode> = facts.location.iter().collect();
        let data = services::profiles::ranking_data(&st.db, &st.open, today, &extra).await?;
        Ok(MatchesData {
            data,
            facts,
            completeness: profile.unwrap_or_default().completeness(),
        })
    })
    .await
}

/// Keeps the what-if's amount and sector in the profile, then shows the matches again.
#[server(endpoint = "keep_what_if")]
pub async fn keep_what_if(amount: String, sector: String) -> Result<(), AppError> {
    use crate::ssr::{form_boundary, request_lang, services, session, state};
    form_boundary(
        request_lang(),
        crate::components::form::FormId::KeepWhatIf,
        &[],
        async move {
            let st = state()?;
            let who = session::principal();
            services::profiles::keep_what_if(&st.db, who.as_ref(), &amount, &sector).await?;
            leptos_axum::redirect("/matches?saved=1");
            Ok(())
        },
    )
    .await
}
