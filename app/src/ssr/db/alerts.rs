//! Saved searches, their hits and notifications.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{
    application_events, notifications, programs, saved_search_hits, saved_searches, users,
};
use crate::domain::i18n::Lang;

/// Saves a search; returns its id.
pub async fn insert_saved(
    db: &impl ConnectionTrait,
    user_id: i32,
    kind: &str,
    query: &str,
    token: &str,
) -> Result<i32, DbErr> {
    let row = saved_searches::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        kind: Set(kind.to_owned()),
        query: Set(query.to_owned()),
        unsubscribe_token: Set(token.to_owned()),
        created_at: Set(Utc::now().fixed_offset()),
    };
    Ok(saved_searches::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// The saved search of `user_id` of this kind and query, if it exists.
pub async fn find_saved(
    db: &impl ConnectionTrait,
    user_id: i32,
    kind: &str,
    query: &str,
) -> Result<Option<saved_searches::Model>, DbErr> {
    saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .filter(saved_searches::Column::Kind.eq(kind))
        .filter(saved_searches::Column::Query.eq(query))
        .one(db)
        .await
}

/// The saved searches of one person, newest first.
pub async fn saved_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<saved_searches::Model>, DbErr> {
    saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .order_by_desc(saved_searches::Column::Id)
        .all(db)
        .await
}

/// Every saved search, for the alert check, in id order.
pub async fn all_saved(db: &impl ConnectionTrait) -> Result<Vec<saved_searches::Model>, DbErr> {
    saved_searches::Entity::find()
        .order_by_asc(saved_searches::Column::Id)
        .all(db)
        .await
}

/// Deletes saved search `id` of `user_id`; whether there was one.
pub async fn delete_saved(db: &impl ConnectionTrait, user_id: i32, id: i32) -> Result<bool, DbErr> {
    let done = saved_searches::Entity::delete_many()
        .filter(saved_searches::Column::Id.eq(id))
        .filter(saved_searches::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Deletes the saved search with this unsubscribe token; whether there was one.
pub async fn delete_by_token(db: &impl ConnectionTrait, token: &str) -> Result<bool, DbErr> {
    let done = saved_searches::Entity::delete_many()
        .filter(saved_searches::Column::UnsubscribeToken.eq(token))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// The programmes a saved search has already matched.
pub async fn hits(db: &impl ConnectionTrait, saved_id: i32) -> Result<BTreeSet<i32>, DbErr> {
    Ok(saved_search_hits::Entity::find()
        .filter(saved_search_hits::Column::SavedSearchId.eq(saved_id))
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.program_id)
        .collect())
}

/// Records that `saved_id` matched `program_id`; `true` only for the call that recorded it
/// first (concurrent workers cannot both announce one programme).
pub async fn record_hit(
    db: &impl ConnectionTrait,
    saved_id: i32,
    program_id: i32,
) -> Result<bool, DbErr> {
    let row = saved_search_hits::ActiveModel {
        saved_search_id: Set(saved_id),
        program_id: Set(program_id),
        created_at: Set(Utc::now().fixed_offset()),
    };
    let done = saved_search_hits::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                saved_search_hits::Column::SavedSearchId,
                saved_search_hits::Column::ProgramId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(done == 1)
}

/// Adds a notification.
pub async fn notify(
    db: &impl ConnectionTrait,
    user_id: i32,
    program_id: i32,
    saved_id: i32,
) -> Result<(), DbErr> {
    let row = notifications::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        program_id: Set(program_id),
        saved_search_id: Set(Some(saved_id)),
        created_at: Set(Utc::now().fixed_offset()),
        read_at: Set(None),
        application_id: Set(None),
        event_id: Set(None),
    };
    notifications::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// How many notifications of `user_id` are unread.
pub async fn unread(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// The latest notifications of `user_id` with their programmes, newest first.
pub async fn notifications_of(
    db: &impl ConnectionTrait,
    user_id: i32,
    limit: u64,
) -> Result<Vec<(notifications::Model, programs::Model)>, DbErr> {
    let rows = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .order_by_desc(notifications::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    super::catalog::with_programs(db, rows, |n| n.program_id).await
}

/// The state each of these application events entered, by event id.
pub async fn event_states(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<std::collections::HashMap<i32, String>, DbErr> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(i32, String)> = application_events::Entity::find()
        .select_only()
        .column(application_events::Column::Id)
        .column(application_events::Column::ToState)
        .filter(application_events::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Marks every notification of `user_id` read.
pub async fn mark_read(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    notifications::Entity::update_many()
        .col_expr(
            notifications::Column::ReadAt,
            sea_orm::sea_query::Expr::value(Utc::now().fixed_offset()),
        )
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ids of the programmes with these slugs.
pub async fn program_ids(
    db: &impl ConnectionTrait,
    slugs: &[String],
) -> Result<Vec<(i32, String)>, DbErr> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(programs::Entity::find()
        .filter(programs::Column::Slug.is_in(slugs.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.slug))
        .collect())
}

/// Which alerts `user_id` wants: in the bell, and by SMS or e-mail. Both, for an account that
/// is gone (nothing will be sent to it anyway).
pub async fn alert_choices(db: &impl ConnectionTrait, user_id: i32) -> Result<(bool, bool), DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map_or((true, true), |u| (u.alerts_in_app, u.alerts_by_message)))
}

/// Records which alerts `user_id` wants.
pub async fn set_alert_choices(
    db: &impl ConnectionTrait,
    user_id: i32,
    in_app: bool,
    by_message: bool,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::AlertsInApp, Expr::value(in_app))
        .col_expr(users::Column::AlertsByMessage, Expr::value(by_message))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Where messages to `user_id` go: the e-mail address, or the phone number.
pub async fn address_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<(String, Option<Lang>)>, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .and_then(|u| {
            let lang = u.lang.as_deref().and_then(Lang::parse);
            u.email.or(u.phone).map(|to| (to, lang))
        }))
}
