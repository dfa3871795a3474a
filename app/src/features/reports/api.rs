//! Server functions of the report pages.

use leptos::prelude::*;

use crate::domain::report::{AreaHit, Report, Workspace};
use crate::error::AppError;

/// The public report of an area (a KATO code; `None` for the country).
#[server(endpoint = "area_report")]
pub async fn area_report(area: Option<String>) -> Result<Report, AppError> {
    use crate::ssr::{boundary, request_lang, services, state};
    boundary(request_lang(), async move {
        let st = state()?;
        services::reports::report(&st.db, area.as_deref(), st.config.today()).await
    })
    .await
}

/// Regions, districts and okrugs whose name matches `q`.
#[server(endpoint = "find_areas")]
pub async fn find_areas(q: String) -> Result<Vec<AreaHit>, AppError> {
    use crate::ssr::{boundary, request_lang, services, state};
    boundary(request_lang(), async move {
        let st = state()?;
        services::reports::find_areas(&st.db, &q).await
    })
    .await
}

/// The signed-in akim's (or akimat staff member's) okrug workspace.
#[server(endpoint = "okrug_workspace")]
pub async fn okrug_workspace() -> Result<Workspace, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::reports::workspace(&st.db, who.as_ref()).await
    })
    .await
}
