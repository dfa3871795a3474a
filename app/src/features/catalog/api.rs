//! Server functions of the catalogue.

use leptos::prelude::*;

use crate::domain::search::SearchResults;
use crate::error::AppError;

/// Searches the catalogue. `query` is a URL query string (`q=…&kind=…`), the same the search
/// page's address holds, so the live search and the page can never disagree.
#[server(endpoint = "search_programs")]
pub async fn search_programs(query: String) -> Result<SearchResults, AppError> {
    use crate::domain::search::SearchQuery;
    use crate::ssr::{boundary, request_lang, services, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let query = SearchQuery::from_query_string(&query)?;
        let results = services::catalog::search(&*st.search, &query, st.config.today()).await?;
        // An answer from a fallback may be incomplete: the page that shows it is not kept
        // (`server::page_cache`) and says so to whoever looks at its headers.
        if results.degraded {
            crate::ssr::session::respond_with_header(
                axum::http::HeaderName::from_static(crate::ssr::search::DEGRADED_HEADER),
                axum::http::HeaderValue::from_static("1"),
            );
        }
        Ok(results)
    })
    .await
}
