//! Server functions of the application pages. Saving the whole form, uploading and every
//! step are plain form posts to `POST /applications/{id}` (multipart: files travel with the
//! fields); only the island's autosave is a server function here (the thread's new messages
//! are its module's own).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::application::form::{ApplicationSummary, ApplicationView, Draft};
use crate::error::AppError;

/// Everything the page of application `id` shows.
#[server(endpoint = "application_page")]
pub async fn application_page(id: i32) -> Result<ApplicationView, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::applications::view(&st.db, who.as_ref(), id, st.config.today()).await
    })
    .await
}

/// The signed-in person's applications.
#[server(endpoint = "my_applications")]
pub async fn my_applications() -> Result<Vec<ApplicationSummary>, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::applications::list(&st.db, who.as_ref()).await
    })
    .await
}

/// Saves a draft's fields as typed (the island's autosave); returns the new version.
#[server(endpoint = "autosave_draft", input = Json)]
pub async fn autosave_draft(id: i32, version: i32, fields: Draft) -> Result<i32, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let draft = crate::domain::application::form::SaveDraft::from_fields(fields)?;
        services::applications::save_draft(&st.db, who.as_ref(), id, version, &draft).await
    })
    .await
}

/// The requests for a recommendation made to the signed-in person's akimat.
#[server(endpoint = "akimat_queue")]
pub async fn akimat_queue() -> Result<Vec<crate::domain::recommendation::QueueItem>, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::recommendations::queue(&st.db, who.as_ref()).await
    })
    .await
}
