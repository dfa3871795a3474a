//! Documents of record: issued with the step they record, found by their code, superseded by
//! a later event.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::records;

/// Records a document; its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    code: &str,
    application_id: i32,
    kind: &str,
    facts: &str,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(records::Entity::insert(records::ActiveModel {
        id: NotSet,
        code: Set(code.to_owned()),
        application_id: Set(application_id),
        kind: Set(kind.to_owned()),
        facts: Set(facts.to_owned()),
        issued_at: Set(now.fixed_offset()),
        superseded_at: Set(None),
    })
    .exec(db)
    .await?
    .last_insert_id)
}

/// The document with this code.
pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<records::Model>, DbErr> {
    records::Entity::find()
        .filter(records::Column::Code.eq(code))
        .one(db)
        .await
}

/// The documents of application `id`, oldest first.
pub async fn of_application(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<records::Model>, DbErr> {
    records::Entity::find()
        .filter(records::Column::ApplicationId.eq(id))
        .order_by_asc(records::Column::Id)
        .all(db)
        .await
}

/// Marks application `id`'s standing documents of `kind` superseded.
pub async fn supersede(
    db: &impl ConnectionTrait,
    id: i32,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    records::Entity::update_many()
        .col_expr(
            records::Column::SupersededAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(records::Column::ApplicationId.eq(id))
        .filter(records::Column::Kind.eq(kind))
        .filter(records::Column::SupersededAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
