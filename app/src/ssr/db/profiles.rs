//! Entrepreneurs' profiles, and the settlement picker's look-ups in the KATO directory.

use chrono::Utc;
use sea_orm::sea_query::{LikeExpr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entities::{locations, profiles};
use crate::domain::location::Level;
use crate::domain::profile::Profile;

/// The profile of `user_id`, if one was saved.
pub async fn find(db: &impl ConnectionTrait, user_id: i32) -> Result<Option<Profile>, DbErr> {
    let Some(row) = profiles::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    serde_json::from_str(&row.data)
        .map(Some)
        .map_err(|e| DbErr::Custom(format!("profiles.data of user {user_id}: {e}")))
}

/// Every saved profile (those that no longer read are left out), read a page at a time.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Profile>, DbErr> {
    const PAGE: u64 = 5_000;
    let mut out = Vec::new();
    let mut after = i32::MIN;
    loop {
        let rows: Vec<(i32, String)> = profiles::Entity::find()
            .select_only()
            .column(profiles::Column::UserId)
            .column(profiles::Column::Data)
            .filter(profiles::Column::UserId.gt(after))
            .order_by_asc(profiles::Column::UserId)
            .limit(PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some((last, _)) = rows.last() else {
            return Ok(out);
        };
        after = *last;
        out.extend(
            rows.iter()
                .filter_map(|(_, d)| serde_json::from_str(d).ok()),
        );
    }
}

/// The account holding `iin`, if any.
pub async fn holder_of_iin(db: &impl ConnectionTrait, iin: &str) -> Result<Option<i32>, DbErr> {
    Ok(profiles::Entity::find()
        .filter(profiles::Column::Iin.eq(iin))
        .one(db)
        .await?
        .map(|p| p.user_id))
}

/// Creates or replaces the profile of `user_id`.
pub async fn save(db: &impl ConnectionTrait, user_id: i32, profile: &Profile) -> Result<(), DbErr> {
    let now = Utc::now().fixed_offset();
    let data = serde_json::to_string(profile)
        .map_err(|e| DbErr::Custom(format!("profile of user {user_id}: {e}")))?;
    let row = profiles::ActiveModel {
        user_id: Set(user_id),
        data: Set(data),
        iin: Set(profile.iin.as_ref().map(|i| i.as_str().to_owned())),
        settlement_code: Set(profile.settlement.as_ref().map(ToString::to_string)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    profiles::Entity::insert(row)
        .on_conflict(
            OnConflict::column(profiles::Column::UserId)
                .update_columns([
                    profiles::Column::Data,
                    profiles::Column::Iin,
                    profiles::Column::SettlementCode,
                    profiles::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Settlements (and okrug-level towns) whose Russian name contains `needle`, at most `limit`,
/// shortest names first so "Шаян" comes before "Шаянтау". Cyrillic has no case folding in
/// SQLite's LIKE, so the query tries the word as typed, capitalised and in lower case.
pub async fn search_settlements(
    db: &impl ConnectionTrait,
    needle: &str,
    limit: u64,
) -> Result<Vec<locations::Model>, DbErr> {
    let needle = needle.trim();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let lower = needle.to_lowercase();
    let mut chars = lower.chars();
    let capital: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    };
    let mut any = Condition::any();
    for form in [needle.to_owned(), lower, capital] {
        any = any.add(
            locations::Column::NameRu
                .like(LikeExpr::new(format!("%{}%", escape(&form))).escape('\\')),
        );
    }
    locations::Entity::find()
        .filter(locations::Column::Level.eq(Level::Settlement.as_i16()))
        .filter(any)
        .order_by_asc(sea_orm::sea_query::Expr::cust("length(name_ru)"))
        .order_by_asc(locations::Column::Code)
        .limit(limit)
        .all(db)
        .await
}
