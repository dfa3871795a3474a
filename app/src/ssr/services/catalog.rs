//! Reading the catalogue: search and programme pages.

#[cfg(any(test, feature = "test-support"))]
pub mod quality;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::ServiceError;
use crate::domain::matching::{Highlighter, Plan};
use crate::domain::program::{ProgramView, Slug};
use crate::domain::search::{SearchQuery, SearchResults};
use crate::domain::text;
use crate::ssr::db;
use crate::ssr::search::SearchIndex;

/// What the catalogue page is made of, for pages kept and validated like files: the search
/// outbox's position, once the embedded index (the one answering) has applied all of it.
/// `None` with Meilisearch, whose position this instance does not know, and while the index
/// catches up.
pub async fn version(
    db: &DatabaseConnection,
    embedded: &dyn SearchIndex,
    meilisearch: bool,
) -> Result<Option<String>, ServiceError> {
    if meilisearch {
        return Ok(None);
    }
    let Some(applied) = embedded.checkpoint().await? else {
        return Ok(None);
    };
    let last = db::outbox::last_id(db).await?;
    Ok((applied >= last).then(|| format!("c{applied}")))
}

/// Searches open programmes as of `today`.
#[instrument(skip(search), fields(search.engine = search.engine(), search.text_chars = query.text.chars().count()))]
pub async fn search(
    search: &dyn SearchIndex,
    query: &SearchQuery,
    today: NaiveDate,
) -> Result<SearchResults, ServiceError> {
    let mut results = search.search(query, today).await?;
    let mut plan = Plan::new(&query.text);
    // Nothing found: perhaps the keyboard was on the other layout ("vbrhjrhtlbn" for
    // «микрокредит»). The same keys in the other layout are tried once, above every engine, and
    // the page says which query it shows.
    if results.total == 0
        && let Some(swapped) = text::other_layout(&query.text)
    {
        let retry = SearchQuery {
            text: swapped,
            ..query.clone()
        };
        // The retry is a guess: when it fails, the honest answer is the first one (nothing found).
        if let Ok(again) = search.search(&retry, today).await
            && again.total > 0
        {
            results = SearchResults {
                corrected: Some(retry.text.clone()),
                ..again
            };
            plan = Plan::new(&retry.text);
        }
    }
    if !plan.is_empty() {
        let marker = Highlighter::new(&plan);
        for hit in &mut results.hits {
            hit.title_ru_marked = marker.mark(&hit.title_ru);
            hit.title_kk_marked = marker.mark(&hit.title_kk);
        }
    }
    Ok(results)
}

/// The page of programme `slug`, with amounts in tenge of `today`'s year. A slug that cannot
/// exist is simply not found.
#[instrument(skip(db))]
pub async fn program(
    db: &DatabaseConnection,
    slug: &str,
    today: NaiveDate,
) -> Result<ProgramView, ServiceError> {
    let slug = Slug::parse(slug).ok_or(ServiceError::NotFound)?;
    let mci = db::catalog::mci_table(db).await?;
    db::catalog::program_view(db, slug.as_str(), mci, today)
        .await?
        .ok_or(ServiceError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Limit;
    use crate::ssr::search::embedded::EmbeddedIndex;
    use crate::ssr::services::{indexer, seed};
    use crate::ssr::testing::{test_db, today};

    #[tokio::test]
    async fn a_programme_page_converts_mci_for_the_year_and_odd_slugs_are_not_found() {
        let t = test_db().await;
        seed::ensure_demo(&t.db).await.expect("demo");

        let view = program(&t.db, "auyl-amanaty-microcredit", today())
            .await
            .expect("found");
        let next_year = program(
            &t.db,
            "auyl-amanaty-microcredit",
            today() + chrono::Days::new(60),
        )
        .await
        .expect("found");

        let max = view.amount_max.expect("has a cap");
        assert_eq!(max.limit, Limit::Mci(2500));
        assert_eq!(
            max.converted.map(|c| c.tiyn.whole_tenge()),
            Some(10_812_500)
        );
        // 2027's MCI is not on record yet: the latest known (2026) is used, and said so.
        assert_eq!(
            next_year
                .amount_max
                .and_then(|m| m.converted)
                .and_then(|c| c.mci_year),
            Some(2026)
        );
        for slug in [
            "",
            "no-such-programme",
            "../etc/passwd",
            "AUYL",
            &"a".repeat(500),
        ] {
            assert!(
                matches!(
                    program(&t.db, slug, today()).await,
                    Err(ServiceError::NotFound)
                ),
                "{slug}"
            );
        }
    }

    #[tokio::test]
    async fn search_marks_the_words_that_matched() {
        let t = test_db().await;
        seed::ensure_demo(&t.db).await.expect("demo");
        let dir = tempfile::tempdir().expect("temp dir");
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        indexer::reindex(&t.db, &index, today(), &|_, _| {})
            .await
            .expect("indexes");

        let query = SearchQuery {
            text: "микрокредиты".into(),
            ..SearchQuery::default()
        };
        let results = search(&index, &query, today()).await.expect("searches");

        assert!(results.total >= 5, "{}", results.total);
        let hit = results
            .hits
            .iter()
            .find(|h| h.slug == "auyl-amanaty-microcredit")
            .expect("found");
        assert!(
            hit.title_ru_marked
                .iter()
                .any(|s| s.hit && s.text.to_lowercase().starts_with("микрокредит")),
            "{hit:?}"
        );
    }

    /// Kazakh typed in Latin letters, and Russian typed on the English layout, find the same
    /// programmes in the embedded engine and in the database fallback (the Meilisearch adapter's
    /// share is in `search::meili::tests` and the search contract).
    #[tokio::test]
    async fn latin_kazakh_and_the_wrong_keyboard_layout_find_programmes_in_every_engine() {
        let t = test_db().await;
        seed::ensure_demo(&t.db).await.expect("demo");
        let dir = tempfile::tempdir().expect("temp dir");
        let embedded = EmbeddedIndex::open(dir.path()).expect("opens");
        indexer::reindex(&t.db, &embedded, today(), &|_, _| {})
            .await
            .expect("indexes");
        let database = crate::ssr::search::database::DatabaseSearch::new(t.db.clone());
        let engines: [&dyn crate::ssr::search::SearchIndex; 2] = [&embedded, &database];
        let slugs = |r: &SearchResults| r.hits.iter().map(|h| h.slug.clone()).collect::<Vec<_>>();

        for engine in engines {
            let name = engine.engine();
            let q = |text: &str| SearchQuery {
                text: text.into(),
                ..SearchQuery::default()
            };
            let latin = search(engine, &q("Auyl amanaty"), today())
                .await
                .expect("searches");
            assert!(
                slugs(&latin).contains(&"auyl-amanaty-microcredit".to_owned()),
                "{name}: {:?}",
                slugs(&latin)
            );
            assert_eq!(latin.corrected, None, "{name}: found as typed");
            let first = &latin.hits[0];
            assert!(
                first
                    .title_ru_marked
                    .iter()
                    .any(|s| s.hit && s.text.contains("Ауыл")),
                "{name}: the Cyrillic words a Latin query matched are marked: {first:?}"
            );

            let layout = search(engine, &q("vbrhjrhtlbn"), today())
                .await
                .expect("searches");
            assert_eq!(layout.corrected.as_deref(), Some("микрокредит"), "{name}");
            assert!(layout.total >= 3, "{name}: {:?}", slugs(&layout));

            let nothing = search(engine, &q("zzxxqq"), today())
                .await
                .expect("searches");
            assert_eq!(nothing.total, 0, "{name}");
            assert_eq!(
                nothing.corrected, None,
                "{name}: no correction that finds nothing"
            );
        }
    }
}
