//! Server functions of the profile page. Saving is a plain form post to `POST /profile` (the
//! form repeats field names for checkboxes, which server functions' encoding cannot carry).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::profile::{Profile, SettlementHit};
use crate::error::AppError;

/// What the profile page shows besides the typed values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileData {
    /// The saved profile, if any.
    pub saved: Option<Profile>,
    /// Settlements matching the picker's search.
    pub hits: Vec<SettlementHit>,
    /// The chosen settlement, named.
    pub chosen: Option<SettlementHit>,
}

/// The saved profile, the picker's results for `place_q`, and the name of `settlement` (or of
/// the saved one).
#[server(endpoint = "profile_page")]
pub async fn profile_page(
    place_q: Option<String>,
    settlement: Option<String>,
) -> Result<ProfileData, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let saved = services::profiles::profile(&st.db, who.as_ref()).await?;
        let hits = match place_q.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => services::profiles::settlements(&st.db, q).await?,
            _ => Vec::new(),
        };
        let code = settlement.filter(|s| !s.trim().is_empty()).or_else(|| {
            saved
                .as_ref()
                .and_then(|p| p.settlement.as_ref())
                .map(ToString::to_string)
        });
        let chosen = match code {
            Some(c) => services::profiles::settlement(&st.db, &c).await?,
            None => None,
        };
        Ok(ProfileData {
            saved,
            hits,
            chosen,
        })
    })
    .await
}
