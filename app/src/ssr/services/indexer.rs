//! Keeping the search index in step with the database, which is the source of truth.

use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;

use super::ServiceError;
use crate::ssr::db;
use crate::ssr::search::SearchIndex;

/// Rebuilds the index from every open programme; searches keep working meanwhile. `progress`
/// receives (done, total). Returns how many programmes were indexed.
pub async fn reindex(
    db: &DatabaseConnection,
    search: &dyn SearchIndex,
    today: NaiveDate,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<u64, ServiceError> {
    let mci = db::catalog::mci_table(db).await?;
    let docs = db::catalog::search_docs(db, &mci, today.year(), None).await?;
    let total = docs.len() as u64;
    progress(0, total);
    search.rebuild(docs, &|done| progress(done, total)).await?;
    search.flush().await?;
    tracing::info!(
        documents = total,
        engine = search.engine(),
        "search index rebuilt"
    );
    Ok(total)
}

/// At start-up: rebuilds the index when it does not hold as many programmes as the database
/// has open ones (first start, a lost or foreign index directory). Returns whether it rebuilt.
pub async fn ensure_consistent(
    db: &DatabaseConnection,
    search: &dyn SearchIndex,
    today: NaiveDate,
) -> Result<bool, ServiceError> {
    let mci = db::catalog::mci_table(db).await?;
    let docs = db::catalog::search_docs(db, &mci, today.year(), None).await?;
    if search.count().await? == docs.len() as u64 {
        return Ok(false);
    }
    let total = docs.len();
    search.rebuild(docs, &|_| {}).await?;
    search.flush().await?;
    tracing::info!(
        documents = total,
        "search index did not match the database; rebuilt it"
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::search::embedded::EmbeddedIndex;
    use crate::ssr::services::seed;
    use crate::ssr::testing::test_db;

    #[tokio::test]
    async fn the_index_is_rebuilt_only_when_it_disagrees_with_the_database() {
        let t = test_db().await;
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let report = seed::ensure_demo(&t.db).await.expect("demo");
        let dir = tempfile::tempdir().expect("temp dir");
        let index = EmbeddedIndex::open(dir.path()).expect("opens");

        assert!(
            ensure_consistent(&t.db, &index, today)
                .await
                .expect("checks"),
            "an empty index is rebuilt"
        );
        assert!(
            !ensure_consistent(&t.db, &index, today)
                .await
                .expect("checks"),
            "a matching one is left alone"
        );
        index
            .delete(&[i64::from(report.programs[0])])
            .await
            .expect("deletes");
        assert!(
            ensure_consistent(&t.db, &index, today)
                .await
                .expect("checks"),
            "a short one is rebuilt"
        );

        let seen = std::sync::Mutex::new(Vec::new());
        let n = reindex(&t.db, &index, today, &|done, total| {
            seen.lock().expect("lock").push((done, total))
        })
        .await
        .expect("reindexes");
        assert_eq!(index.count().await.expect("counts"), n);
        assert_eq!(
            seen.lock().expect("lock").last(),
            Some(&(n, n)),
            "progress reaches the end"
        );
    }
}
