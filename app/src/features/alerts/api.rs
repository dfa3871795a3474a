//! Server functions of saved searches and notifications. Each is a plain form's target too:
//! without JavaScript the browser posts and is redirected back.

use leptos::prelude::*;

use crate::domain::alerts::{NotificationView, SavedSearchView};
use crate::error::AppError;

/// Saves a catalogue search (`kind` = `search`, `query` its address query) or "my matches"
/// (`kind` = `matches`), then shows the notifications page.
#[server(endpoint = "save_search")]
pub async fn save_search(kind: String, query: String) -> Result<(), AppError> {
    use crate::ssr::{form_then, services, session, state};
    // With JavaScript the catalogue's address follows the typing after the page was served,
    // so the page's own address (the Referer) is the search the person is looking at.
    let query = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            let referer = p.headers.get(axum::http::header::REFERER)?.to_str().ok()?;
            let after_scheme = referer.split_once("://").map_or(referer, |(_, r)| r);
            let local = &after_scheme[after_scheme.find('/')?..];
            let (path, q) = local.split_once('?').unwrap_or((local, ""));
            (kind == "search" && path == "/programs").then(|| q.to_owned())
        })
        .unwrap_or(query);
    form_then(
        crate::components::form::FormId::SaveSearch,
        &[],
        "/notifications?subscribed=1",
        async move {
            let st = state()?;
            let who = session::principal();
            services::alerts::save(&st.db, who.as_ref(), &kind, &query, st.config.today()).await?;
            Ok(())
        },
    )
    .await
}

/// Deletes one of one's saved searches.
#[server(endpoint = "unsubscribe")]
pub async fn unsubscribe(id: i32) -> Result<(), AppError> {
    use crate::ssr::{form_then, services, session, state};
    form_then(
        crate::components::form::FormId::Unsubscribe,
        &[],
        "/notifications",
        async move {
            let st = state()?;
            let who = session::principal();
            services::alerts::unsubscribe(&st.db, who.as_ref(), id).await?;
            Ok(())
        },
    )
    .await
}

/// Deletes the saved search of an e-mail's link (no sign-in needed).
#[server(endpoint = "unsubscribe_link")]
pub async fn unsubscribe_link(token: String) -> Result<(), AppError> {
    use crate::ssr::{form_then, services, state};
    form_then(
        crate::components::form::FormId::UnsubscribeLink,
        &[],
        "/unsubscribe/done",
        async move {
            let st = state()?;
            services::alerts::unsubscribe_by_token(&st.db, &token).await?;
            Ok(())
        },
    )
    .await
}

/// Marks one's notifications read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::ssr::{form_then, services, session, state};
    form_then(
        crate::components::form::FormId::MarkNotificationsRead,
        &[],
        "/notifications",
        async move {
            let st = state()?;
            let who = session::principal();
            services::alerts::mark_read(&st.db, who.as_ref()).await?;
            Ok(())
        },
    )
    .await
}

/// One's notifications and saved searches.
#[server(endpoint = "my_alerts")]
pub async fn my_alerts() -> Result<(Vec<NotificationView>, Vec<SavedSearchView>), AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        Ok((
            services::alerts::notifications(&st.db, who.as_ref()).await?,
            services::alerts::saved(&st.db, who.as_ref()).await?,
        ))
    })
    .await
}
