//! Server functions of the programme page.

use leptos::prelude::*;

use crate::domain::program::ProgramView;
use crate::error::AppError;

/// Everything the page of programme `slug` shows.
#[server(endpoint = "get_program")]
pub async fn get_program(slug: String) -> Result<ProgramView, AppError> {
    use crate::ssr::{boundary, request_lang, services, state};
    boundary(request_lang(), async move {
        let st = state()?;
        services::catalog::program(&st.db, &slug, st.config.today()).await
    })
    .await
}

/// How the programme stands for the signed-in entrepreneur (`None` for anybody else).
#[server(endpoint = "my_fit")]
pub async fn my_fit(
    slug: String,
) -> Result<
    Option<(
        crate::domain::eligibility::RankingData,
        crate::domain::eligibility::Facts,
    )>,
    AppError,
> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::profiles::fit(&st.db, who.as_ref(), &slug, st.config.today()).await
    })
    .await
}
