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
