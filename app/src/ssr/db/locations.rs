//! Queries on the KATO location directory.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::entities::locations;
use crate::domain::location::{self, KatoCode, KatoRow, Level};
use crate::domain::program::PlaceView;

/// How many locations are loaded.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    locations::Entity::find().count(db).await
}

/// Inserts the classifier's rows (parents resolved from row ids to codes), in batches.
pub async fn insert_all(db: &impl ConnectionTrait, rows: &[KatoRow]) -> Result<u64, DbErr> {
    let codes: BTreeMap<u32, &KatoCode> = rows.iter().map(|r| (r.id, &r.code)).collect();
    let now = Utc::now().fixed_offset();
    let models: Vec<locations::ActiveModel> = rows
        .iter()
        .map(|r| {
            let level = r.code.level();
            locations::ActiveModel {
                code: Set(r.code.to_string()),
                parent_code: Set(codes.get(&r.parent_id).map(|c| c.to_string())),
                level: Set(level.as_i16()),
                name_ru: Set(r.name.clone()),
                // The published classifier is Russian only; the top-level units' Kazakh names
                // are known to the domain.
                name_kk: Set((level == Level::Region)
                    .then(|| location::region(r.code.as_str()).map(|g| g.kk.to_owned()))
                    .flatten()),
                created_at: Set(now),
                updated_at: Set(now),
            }
        })
        .collect();
    // 7 columns × 1,000 rows stays far below SQLite's and PostgreSQL's bind-parameter limits.
    for chunk in models.chunks(1000) {
        locations::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(models.len() as u64)
}

/// Which of `codes` exist.
pub async fn existing(db: &impl ConnectionTrait, codes: &[String]) -> Result<Vec<String>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let found = locations::Entity::find()
        .filter(locations::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|l| l.code).collect())
}

/// The regions, by name.
pub async fn regions(db: &impl ConnectionTrait) -> Result<Vec<locations::Model>, DbErr> {
    locations::Entity::find()
        .filter(locations::Column::Level.eq(1))
        .order_by_asc(locations::Column::NameRu)
        .all(db)
        .await
}

/// Names of the given places, by code; unknown codes are left out.
pub async fn places(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<BTreeMap<String, PlaceView>, DbErr> {
    if codes.is_empty() {
        return Ok(BTreeMap::new());
    }
    let found = locations::Entity::find()
        .filter(locations::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|l| {
            let code = KatoCode::parse(&l.code).ok()?;
            Some((
                l.code,
                PlaceView {
                    code,
                    name_ru: l.name_ru,
                    name_kk: l.name_kk,
                },
            ))
        })
        .collect())
}

/// The settlements of `okrug`: code and Russian name, by name.
pub async fn within(
    db: &impl ConnectionTrait,
    okrug: &KatoCode,
) -> Result<Vec<(String, String)>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let stem = &okrug.as_str()[..6];
    locations::Entity::find()
        .select_only()
        .column(locations::Column::Code)
        .column(locations::Column::NameRu)
        .filter(locations::Column::Level.eq(Level::Settlement.as_i16()))
        .filter(locations::Column::Code.between(format!("{stem}000"), format!("{stem}999")))
        .order_by_asc(locations::Column::NameRu)
        .into_tuple()
        .all(db)
        .await
}
