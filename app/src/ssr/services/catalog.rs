//! Reading the catalogue: search and programme pages.

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::ServiceError;
use crate::domain::program::{ProgramView, Slug};
use crate::domain::search::{SearchQuery, SearchResults};
use crate::ssr::db;
use crate::ssr::search::SearchIndex;

/// Searches open programmes as of `today`.
#[instrument(skip(search), fields(search.engine = search.engine(), search.text_chars = query.text.chars().count()))]
pub async fn search(search: &dyn SearchIndex, query: &SearchQuery, today: NaiveDate) -> Result<SearchResults, ServiceError> {
    let mut results = search.search(query, today).await?;
    let parts = query.parts();
    for hit in &mut results.hits {
        hit.mark(&parts);
    }
    Ok(results)
}

/// The page of programme `slug`, with amounts in tenge of `today`'s year. A slug that cannot
/// exist is simply not found.
#[instrument(skip(db))]
pub async fn program(db: &DatabaseConnection, slug: &str, today: NaiveDate) -> Result<ProgramView, ServiceError> {
    let slug = Slug::parse(slug).ok_or(ServiceError::NotFound)?;
    let mci = db::catalog::mci_table(db).await?;
    db::catalog::program_view(db, slug.as_str(), mci, today).await?.ok_or(ServiceError::NotFound)
}
