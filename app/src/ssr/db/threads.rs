//! The conversation on an application: its messages (append-only), the files they carry, and
//! how far each person has read.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{canned_replies, thread_files, thread_messages, thread_reads, users};

/// A message as written.
pub struct NewMessage<'a> {
    /// The application.
    pub application_id: i32,
    /// Who wrote it.
    pub author_id: i32,
    /// The side they wrote for (`applicant`, `operator`, `akimat`).
    pub side: &'a str,
    /// The text.
    pub body: &'a str,
}

/// Writes a message and the ids of the documents it carries. Returns its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    m: &NewMessage<'_>,
    documents: &[i32],
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let id = thread_messages::Entity::insert(thread_messages::ActiveModel {
        id: NotSet,
        application_id: Set(m.application_id),
        author_id: Set(m.author_id),
        side: Set(m.side.to_owned()),
        body: Set(m.body.to_owned()),
        created_at: Set(now.fixed_offset()),
    })
    .exec(db)
    .await?
    .last_insert_id;
    if !documents.is_empty() {
        thread_files::Entity::insert_many(documents.iter().map(|d| thread_files::ActiveModel {
            message_id: Set(id),
            document_id: Set(*d),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(id)
}

/// The messages of application `id`, oldest first, with their authors' names and the ids of
/// the documents each carries.
pub async fn messages(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<(thread_messages::Model, String, Vec<i32>)>, DbErr> {
    let rows = thread_messages::Entity::find()
        .filter(thread_messages::Column::ApplicationId.eq(id))
        .order_by_asc(thread_messages::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let authors: Vec<i32> = rows.iter().map(|m| m.author_id).collect();
    let names = users::Entity::find()
        .filter(users::Column::Id.is_in(authors))
        .all(db)
        .await?;
    let files = thread_files::Entity::find()
        .filter(thread_files::Column::MessageId.is_in(rows.iter().map(|m| m.id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let name = names
                .iter()
                .find(|u| u.id == m.author_id)
                .map(|u| u.display_name.clone())
                .unwrap_or_default();
            let docs = files
                .iter()
                .filter(|f| f.message_id == m.id)
                .map(|f| f.document_id)
                .collect();
            (m, name, docs)
        })
        .collect())
}

/// How far each person has read the thread of application `id`: (user, last message read).
pub async fn reads(db: &impl ConnectionTrait, id: i32) -> Result<Vec<(i32, i32)>, DbErr> {
    Ok(thread_reads::Entity::find()
        .filter(thread_reads::Column::ApplicationId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.last_read_id))
        .collect())
}

/// Records that `user` has read the thread of application `id` up to message `upto` (never
/// backwards: two pages open at once cannot unread a message).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    id: i32,
    user: i32,
    upto: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let already = thread_reads::Entity::find_by_id((id, user)).one(db).await?;
    if already.is_some_and(|r| r.last_read_id >= upto) {
        return Ok(());
    }
    thread_reads::Entity::insert(thread_reads::ActiveModel {
        application_id: Set(id),
        user_id: Set(user),
        last_read_id: Set(upto),
        read_at: Set(now.fixed_offset()),
    })
    .on_conflict(
        OnConflict::columns([
            thread_reads::Column::ApplicationId,
            thread_reads::Column::UserId,
        ])
        .update_columns([
            thread_reads::Column::LastReadId,
            thread_reads::Column::ReadAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// The ready answers of programme `program_id`, oldest first.
pub async fn replies(
    db: &impl ConnectionTrait,
    program_id: i32,
) -> Result<Vec<canned_replies::Model>, DbErr> {
    canned_replies::Entity::find()
        .filter(canned_replies::Column::ProgramId.eq(program_id))
        .order_by_asc(canned_replies::Column::Id)
        .all(db)
        .await
}

/// Keeps `body` as a ready answer of programme `program_id` (once: the same text twice is one).
pub async fn add_reply(
    db: &impl ConnectionTrait,
    program_id: i32,
    body: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if replies(db, program_id)
        .await?
        .iter()
        .any(|r| r.body == body)
    {
        return Ok(());
    }
    canned_replies::Entity::insert(canned_replies::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        body: Set(body.to_owned()),
        created_by: Set(by),
        created_at: Set(now.fixed_offset()),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Removes ready answer `id` of programme `program_id`; whether there was one.
pub async fn delete_reply(
    db: &impl ConnectionTrait,
    id: i32,
    program_id: i32,
) -> Result<bool, DbErr> {
    let done = canned_replies::Entity::delete_many()
        .filter(canned_replies::Column::Id.eq(id))
        .filter(canned_replies::Column::ProgramId.eq(program_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
