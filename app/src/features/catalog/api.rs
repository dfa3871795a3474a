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
        services::catalog::search(&*st.search, &query, st.config.today()).await
    })
    .await
}
