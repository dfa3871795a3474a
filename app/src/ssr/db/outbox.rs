//! The search outbox: rows written with every programme change, read by the index workers.

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::entities::{search_outbox, search_state};

/// What changed about a programme. Applying a row always reads the programme's current state,
/// so the operation is informational (it makes the log readable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Created, edited, published or closed.
    Upsert,
    /// Deleted.
    Delete,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }
}

/// One outbox row, as the workers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Position in the outbox.
    pub id: i64,
    /// The programme that changed.
    pub program_id: i32,
    /// How many times applying it to the shared index failed.
    pub attempts: i32,
}

impl From<search_outbox::Model> for Row {
    fn from(m: search_outbox::Model) -> Self {
        Row {
            id: m.id,
            program_id: m.program_id,
            attempts: m.attempts,
        }
    }
}

/// How far behind an index is: rows not applied yet and the age of the oldest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lag {
    /// Rows waiting.
    pub pending: u64,
    /// When the oldest waiting row was written.
    pub oldest: Option<DateTime<FixedOffset>>,
}

/// The name under which the last pruned outbox id is kept.
const PRUNED_THROUGH: &str = "outbox_pruned_through";

/// Makes outbox ids commit in the order they were given out.
///
/// Followers read rows after the last id they applied. On PostgreSQL two transactions can take
/// ids 10 and 11 and commit 11 first; a follower reading then would move past 10 forever. A
/// transaction-scoped advisory lock taken before the insert serialises the writers of the
/// outbox until they commit (programme edits are rare; applications never write here). SQLite
/// has a single writer already.
async fn serialise_writers(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(7302)",
        ))
        .await?;
    }
    Ok(())
}

/// Records that programme `program_id` changed. Call it in the transaction of the change.
pub async fn enqueue(db: &impl ConnectionTrait, program_id: i32, op: Op) -> Result<i64, DbErr> {
    serialise_writers(db).await?;
    let now = Utc::now().fixed_offset();
    let row = search_outbox::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        op: Set(op.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(None),
        last_error: Set(None),
        applied_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(search_outbox::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// Records that many programmes changed, in one statement per thousand.
pub async fn enqueue_many(
    db: &impl ConnectionTrait,
    program_ids: &[i32],
    op: Op,
) -> Result<(), DbErr> {
    serialise_writers(db).await?;
    let now = Utc::now().fixed_offset();
    for chunk in program_ids.chunks(1000) {
        let rows = chunk.iter().map(|&program_id| search_outbox::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            op: Set(op.as_str().to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(None),
            last_error: Set(None),
            applied_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        search_outbox::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Claims up to `limit` rows not yet applied to the shared index and due for an attempt, in id
/// order. On PostgreSQL the rows are locked `FOR UPDATE SKIP LOCKED`, so workers of several app
/// instances take disjoint batches; call it inside the transaction that marks them.
pub async fn claim(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Row>, DbErr> {
    let now = Utc::now().fixed_offset();
    let mut query = search_outbox::Entity::find()
        .filter(search_outbox::Column::AppliedAt.is_null())
        .filter(
            Condition::any()
                .add(search_outbox::Column::NextAttemptAt.is_null())
                .add(search_outbox::Column::NextAttemptAt.lte(now)),
        )
        .order_by_asc(search_outbox::Column::Id)
        .limit(limit);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    Ok(query.all(db).await?.into_iter().map(Row::from).collect())
}

/// On PostgreSQL, takes a transaction-scoped advisory lock on a programme for the shared index,
/// so that two workers never push two states of one programme at once (the later push could
/// otherwise carry the older state). `false` when another worker holds it. Always `true` on
/// SQLite, where one database file means one writer.
pub async fn lock_program(db: &impl ConnectionTrait, program_id: i32) -> Result<bool, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(true);
    }
    #[derive(FromQueryResult)]
    struct Locked {
        locked: bool,
    }
    // The first key names this use of advisory locks, the second the programme.
    let stmt = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_try_advisory_xact_lock(7301, $1) AS locked",
        [program_id.into()],
    );
    Ok(Locked::find_by_statement(stmt)
        .one(db)
        .await?
        .is_some_and(|r| r.locked))
}

/// Marks rows as applied to the shared index.
pub async fn mark_applied(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now().fixed_offset();
    search_outbox::Entity::update_many()
        .col_expr(search_outbox::Column::AppliedAt, Expr::value(now))
        .col_expr(search_outbox::Column::UpdatedAt, Expr::value(now))
        .filter(search_outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks every row up to `id` applied (a rebuild of the shared index from a snapshot taken at
/// `id` covers them all), so that they are not replayed one by one after it.
pub async fn mark_applied_through(db: &impl ConnectionTrait, id: i64) -> Result<u64, DbErr> {
    let now = Utc::now().fixed_offset();
    Ok(search_outbox::Entity::update_many()
        .col_expr(search_outbox::Column::AppliedAt, Expr::value(now))
        .col_expr(search_outbox::Column::UpdatedAt, Expr::value(now))
        .filter(search_outbox::Column::Id.lte(id))
        .filter(search_outbox::Column::AppliedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Records a failed attempt; the row is retried after `retry_at`.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    row: &Row,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = Utc::now().fixed_offset();
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::Attempts,
            Expr::value(row.attempts + 1),
        )
        .col_expr(
            search_outbox::Column::LastError,
            Expr::value(error.chars().take(500).collect::<String>()),
        )
        .col_expr(
            search_outbox::Column::NextAttemptAt,
            Expr::value(retry_at.fixed_offset()),
        )
        .col_expr(search_outbox::Column::UpdatedAt, Expr::value(now))
        .filter(search_outbox::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Rows after `cursor`, in id order: what a follower (an index that keeps its own position)
/// has not applied yet.
pub async fn after(db: &impl ConnectionTrait, cursor: i64, limit: u64) -> Result<Vec<Row>, DbErr> {
    Ok(search_outbox::Entity::find()
        .filter(search_outbox::Column::Id.gt(cursor))
        .order_by_asc(search_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Row::from)
        .collect())
}

/// The newest row's id (0 when the outbox is empty).
pub async fn last_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(search_outbox::Entity::find()
        .order_by_desc(search_outbox::Column::Id)
        .one(db)
        .await?
        .map_or(0, |r| r.id))
}

/// Rows not yet applied to the shared index.
pub async fn unapplied_lag(db: &impl ConnectionTrait) -> Result<Lag, DbErr> {
    let pending = search_outbox::Entity::find()
        .filter(search_outbox::Column::AppliedAt.is_null())
        .count(db)
        .await?;
    let oldest = search_outbox::Entity::find()
        .filter(search_outbox::Column::AppliedAt.is_null())
        .order_by_asc(search_outbox::Column::Id)
        .one(db)
        .await?
        .map(|r| r.created_at);
    Ok(Lag { pending, oldest })
}

/// Rows after a follower's cursor.
pub async fn lag_after(db: &impl ConnectionTrait, cursor: i64) -> Result<Lag, DbErr> {
    let pending = search_outbox::Entity::find()
        .filter(search_outbox::Column::Id.gt(cursor))
        .count(db)
        .await?;
    let oldest = search_outbox::Entity::find()
        .filter(search_outbox::Column::Id.gt(cursor))
        .order_by_asc(search_outbox::Column::Id)
        .one(db)
        .await?
        .map(|r| r.created_at);
    Ok(Lag { pending, oldest })
}

/// Sets the shared index's position back: rows after `id` count as not applied again (after a
/// rebuild from a snapshot taken at `id`, the changes made during the rebuild must be replayed).
pub async fn reopen_after(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::AppliedAt,
            Expr::value(Option::<DateTime<FixedOffset>>::None),
        )
        .col_expr(search_outbox::Column::Attempts, Expr::value(0))
        .col_expr(
            search_outbox::Column::NextAttemptAt,
            Expr::value(Option::<DateTime<FixedOffset>>::None),
        )
        .filter(search_outbox::Column::Id.gt(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes rows written before `before` that the shared index has applied (or all of them, when
/// there is no shared index), and remembers the highest id deleted: a follower whose position is
/// below it has missed rows and rebuilds.
pub async fn prune(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    shared: bool,
) -> Result<u64, DbErr> {
    let mut old = search_outbox::Entity::find()
        .filter(search_outbox::Column::CreatedAt.lt(before.fixed_offset()));
    if shared {
        old = old.filter(search_outbox::Column::AppliedAt.is_not_null());
    }
    let Some(highest) = old
        .clone()
        .order_by_desc(search_outbox::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    // Only a contiguous prefix is removed, so "everything up to N was pruned" stays true.
    let mut prefix =
        search_outbox::Entity::find().filter(search_outbox::Column::Id.lte(highest.id));
    if shared {
        prefix = prefix.filter(search_outbox::Column::AppliedAt.is_null());
        if let Some(blocker) = prefix
            .order_by_asc(search_outbox::Column::Id)
            .one(db)
            .await?
        {
            return prune_through(db, blocker.id - 1).await;
        }
    }
    prune_through(db, highest.id).await
}

async fn prune_through(db: &impl ConnectionTrait, id: i64) -> Result<u64, DbErr> {
    if id <= 0 {
        return Ok(0);
    }
    let deleted = search_outbox::Entity::delete_many()
        .filter(search_outbox::Column::Id.lte(id))
        .exec(db)
        .await?
        .rows_affected;
    let now = Utc::now().fixed_offset();
    let row = search_state::ActiveModel {
        key: Set(PRUNED_THROUGH.to_owned()),
        value: Set(id),
        created_at: Set(now),
        updated_at: Set(now),
    };
    search_state::Entity::insert(row)
        .on_conflict(
            OnConflict::column(search_state::Column::Key)
                .update_columns([search_state::Column::Value, search_state::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(deleted)
}

/// The highest outbox id pruned so far (0 if none).
pub async fn pruned_through(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(search_state::Entity::find_by_id(PRUNED_THROUGH.to_owned())
        .one(db)
        .await?
        .map_or(0, |s| s.value))
}
