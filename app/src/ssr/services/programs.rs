//! Changing programmes: create, edit, publish, close, delete. Every change writes a search-outbox
//! row in the same transaction, so no committed change can miss the search index, and wakes this
//! instance's index workers after the commit.
//!
//! Who may make these changes is decided with accounts and roles (a later issue); the operators'
//! editor calls these services.

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tracing::instrument;

use super::ServiceError;
use super::indexer::Wake;
use crate::domain::catalog::ProgramStatus;
use crate::domain::criteria::Criterion;
use crate::domain::params::{FieldError, Problem};
use crate::domain::program::{ProgramInput, Slug};
use crate::ssr::db::{self, outbox};

/// Checks what only the database knows: the operator, the places and the programme a variant
/// follows exist.
async fn check_references(
    db: &impl sea_orm::ConnectionTrait,
    p: &ProgramInput,
) -> Result<i32, ServiceError> {
    p.validate().map_err(FieldError::from)?;
    let organisations = db::catalog::organisation_ids(db).await?;
    let organisation = *organisations.get(p.organisation.as_str()).ok_or_else(|| {
        FieldError::new(
            "organisation",
            Problem::UnknownReference(p.organisation.as_str().to_owned()),
        )
    })?;
    let mut codes: Vec<String> = p.locations.iter().map(ToString::to_string).collect();
    for c in &p.criteria {
        if let Criterion::LocationWithin { codes: within } = c {
            codes.extend(within.iter().map(ToString::to_string));
        }
    }
    let found = db::locations::existing(db, &codes).await?;
    if let Some(missing) = codes.iter().find(|c| !found.contains(c)) {
        return Err(
            FieldError::new("locations", Problem::UnknownReference(missing.clone())).into(),
        );
    }
    if let Some(v) = &p.variant_of
        && db::catalog::find_by_slug(db, v.as_str()).await?.is_none()
    {
        return Err(FieldError::new(
            "variant_of",
            Problem::UnknownReference(v.as_str().to_owned()),
        )
        .into());
    }
    Ok(organisation)
}

/// Creates a programme; returns its id.
#[instrument(skip_all, fields(program.slug = %p.slug.as_str()))]
pub async fn create(
    db: &DatabaseConnection,
    wake: &Wake,
    p: &ProgramInput,
) -> Result<i32, ServiceError> {
    let txn = db::begin_write(db).await?;
    let id = create_in(&txn, p).await?;
    txn.commit().await?;
    wake.wake();
    Ok(id)
}

/// [`create`] inside the caller's transaction (the caller wakes the index workers after the
/// commit).
pub async fn create_in(txn: &DatabaseTransaction, p: &ProgramInput) -> Result<i32, ServiceError> {
    let organisation = check_references(txn, p).await?;
    if db::catalog::find_by_slug(txn, p.slug.as_str())
        .await?
        .is_some()
    {
        return Err(FieldError::new("slug", Problem::Taken).into());
    }
    let id = db::catalog::insert_program(txn, p, organisation).await?;
    outbox::enqueue(txn, id, outbox::Op::Upsert).await?;
    Ok(id)
}

/// Replaces every field of the programme at `slug` (the slug itself may change).
#[instrument(skip_all, fields(program.slug = %slug))]
pub async fn update(
    db: &DatabaseConnection,
    wake: &Wake,
    slug: &str,
    p: &ProgramInput,
) -> Result<(), ServiceError> {
    let txn = db::begin_write(db).await?;
    update_in(&txn, slug, p).await?;
    txn.commit().await?;
    wake.wake();
    Ok(())
}

/// [`update`] inside the caller's transaction (the caller wakes the index workers after the
/// commit); returns the programme's id.
pub async fn update_in(
    txn: &DatabaseTransaction,
    slug: &str,
    p: &ProgramInput,
) -> Result<i32, ServiceError> {
    let (id, _) = db::catalog::find_by_slug(txn, slug)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = check_references(txn, p).await?;
    if p.slug.as_str() != slug
        && db::catalog::find_by_slug(txn, p.slug.as_str())
            .await?
            .is_some()
    {
        return Err(FieldError::new("slug", Problem::Taken).into());
    }
    db::catalog::update_program(txn, id, p, organisation).await?;
    outbox::enqueue(txn, id, outbox::Op::Upsert).await?;
    Ok(id)
}

/// Publishes (open), closes or withdraws to draft the programme at `slug`.
#[instrument(skip_all, fields(program.slug = %slug, program.status = %status))]
pub async fn set_status(
    db: &DatabaseConnection,
    wake: &Wake,
    slug: &str,
    status: ProgramStatus,
) -> Result<(), ServiceError> {
    let slug = Slug::parse(slug).ok_or(ServiceError::NotFound)?;
    let txn = db::begin_write(db).await?;
    let (id, _) = db::catalog::find_by_slug(&txn, slug.as_str())
        .await?
        .ok_or(ServiceError::NotFound)?;
    db::catalog::set_status(&txn, id, status).await?;
    outbox::enqueue(&txn, id, outbox::Op::Upsert).await?;
    txn.commit().await?;
    wake.wake();
    Ok(())
}

/// Deletes the programme at `slug`.
#[instrument(skip_all, fields(program.slug = %slug))]
pub async fn delete(db: &DatabaseConnection, wake: &Wake, slug: &str) -> Result<(), ServiceError> {
    let slug = Slug::parse(slug).ok_or(ServiceError::NotFound)?;
    let txn = db::begin_write(db).await?;
    let (id, _) = db::catalog::find_by_slug(&txn, slug.as_str())
        .await?
        .ok_or(ServiceError::NotFound)?;
    db::catalog::delete_program(&txn, id).await?;
    outbox::enqueue(&txn, id, outbox::Op::Delete).await?;
    txn.commit().await?;
    wake.wake();
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, PaginatorTrait};

    use super::*;
    use crate::domain::location::KatoCode;
    use crate::domain::program::RateInput;
    use crate::ssr::db::entities::search_outbox;
    use crate::ssr::services::seed;
    use crate::ssr::testing::test_db;

    fn demo(slug: &str) -> ProgramInput {
        seed::demo_file()
            .expect("demo")
            .programs
            .into_iter()
            .find(|p| p.slug.as_str() == slug)
            .expect("demo programme")
    }

    async fn rows(db: &DatabaseConnection) -> u64 {
        search_outbox::Entity::find()
            .count(db)
            .await
            .expect("counts")
    }

    #[tokio::test]
    async fn every_change_writes_one_outbox_row_in_its_transaction() {
        let t = test_db().await;
        let wake = Wake::default();
        seed::ensure_demo(&t.db).await.expect("demo");
        let before = rows(&t.db).await;
        let mut copy = demo("ken-dala-2026");
        copy.slug = Slug::parse("ken-dala-2027").expect("slug");

        create(&t.db, &wake, &copy).await.expect("creates");
        update(&t.db, &wake, "ken-dala-2027", &copy)
            .await
            .expect("updates");
        set_status(&t.db, &wake, "ken-dala-2027", ProgramStatus::Closed)
            .await
            .expect("closes");
        delete(&t.db, &wake, "ken-dala-2027")
            .await
            .expect("deletes");

        assert_eq!(rows(&t.db).await, before + 4);
        assert!(
            db::catalog::find_by_slug(&t.db, "ken-dala-2027")
                .await
                .expect("reads")
                .is_none()
        );
    }

    #[tokio::test]
    async fn bad_changes_name_the_field_and_write_nothing() {
        let t = test_db().await;
        let wake = Wake::default();
        seed::ensure_demo(&t.db).await.expect("demo");
        let before = rows(&t.db).await;
        let field = |r: Result<_, ServiceError>| match r {
            Err(ServiceError::Invalid(f)) => format!("{}:{}", f.field, f.code()),
            other => format!("{other:?}"),
        };
        let mut unknown_org = demo("damu-guarantee");
        unknown_org.slug = Slug::parse("new-one").expect("slug");
        unknown_org.organisation = Slug::parse("no-such-fund").expect("slug");
        let mut nowhere = demo("damu-guarantee");
        nowhere.slug = Slug::parse("new-two").expect("slug");
        nowhere.locations = vec![KatoCode::parse("999999999").expect("well formed")];
        let mut usurious = demo("damu-guarantee");
        usurious.slug = Slug::parse("new-three").expect("slug");
        usurious.rate_bps = Some(RateInput {
            min: None,
            max: Some(20_000),
        });

        assert_eq!(
            field(create(&t.db, &wake, &demo("damu-guarantee")).await),
            "slug:taken"
        );
        assert_eq!(
            field(create(&t.db, &wake, &unknown_org).await),
            "organisation:unknown_reference"
        );
        assert_eq!(
            field(create(&t.db, &wake, &nowhere).await),
            "locations:unknown_reference"
        );
        assert_eq!(
            field(create(&t.db, &wake, &usurious).await),
            "rate_bps:not_accepted"
        );
        assert!(matches!(
            update(&t.db, &wake, "no-such-programme", &usurious).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            delete(&t.db, &wake, "Not A Slug").await,
            Err(ServiceError::NotFound)
        ));
        assert_eq!(rows(&t.db).await, before, "nothing was written");
    }
}
