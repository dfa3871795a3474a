//! Applications, their events, documents and the notifications they raise. Every change of an
//! application is one `UPDATE … WHERE version = seen` (the version check and the write are one
//! statement, so two writers cannot both pass it) plus an event, in the caller's transaction.

use chrono::{DateTime, Utc};

use crate::domain::account::Role;
use crate::domain::application::{EventKind, State};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{
    application_documents, application_events, applications, notifications, programs, users,
};

/// A new draft; `None` when the person already has an open application to this programme
/// (the open key is taken), which the caller then opens instead.
pub async fn insert_draft(
    db: &impl ConnectionTrait,
    user_id: i32,
    program_id: i32,
    data: &str,
    settlement: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<i32>, DbErr> {
    let row = applications::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        program_id: Set(program_id),
        state: Set("draft".into()),
        version: Set(1),
        data: Set(data.to_owned()),
        amount_kzt: Set(None),
        settlement_code: Set(settlement.map(str::to_owned)),
        open_key: Set(Some(open_key(user_id, program_id))),
        created_at: Set(now.fixed_offset()),
        updated_at: Set(now.fixed_offset()),
        submitted_at: Set(None),
        decided_at: Set(None),
        approved_kzt: Set(None),
        disbursed_kzt: Set(None),
        state_at: Set(Some(now.fixed_offset())),
        info_due_on: Set(None),
    };
    let inserted = applications::Entity::insert(row)
        .on_conflict(
            OnConflict::column(applications::Column::OpenKey)
                .do_nothing()
                .to_owned(),
        )
        .exec(db)
        .await;
    match inserted {
        Ok(r) => Ok(Some(r.last_insert_id)),
        Err(DbErr::RecordNotInserted) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The key that allows one open application per person and programme.
pub fn open_key(user_id: i32, program_id: i32) -> String {
    format!("{user_id}:{program_id}")
}

/// Application `id`.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<applications::Model>, DbErr> {
    applications::Entity::find_by_id(id).one(db).await
}

/// The open application of `user_id` to `program_id`, if any.
pub async fn find_open(
    db: &impl ConnectionTrait,
    user_id: i32,
    program_id: i32,
) -> Result<Option<applications::Model>, DbErr> {
    applications::Entity::find()
        .filter(applications::Column::OpenKey.eq(open_key(user_id, program_id)))
        .one(db)
        .await
}

/// The applications of `user_id`, newest first, with their programmes.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    limit: u64,
) -> Result<Vec<(applications::Model, programs::Model)>, DbErr> {
    let rows = applications::Entity::find()
        .filter(applications::Column::UserId.eq(user_id))
        .order_by_desc(applications::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    super::catalog::with_programs(db, rows, |a| a.program_id).await
}

/// Saves a draft's fields if it is still a draft at version `seen`; whether it was.
pub async fn update_draft(
    db: &impl ConnectionTrait,
    id: i32,
    seen: i32,
    data: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = applications::Entity::update_many()
        .col_expr(applications::Column::Data, Expr::value(data))
        .col_expr(
            applications::Column::Version,
            Expr::col(applications::Column::Version).add(1),
        )
        .col_expr(
            applications::Column::UpdatedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(applications::Column::Id.eq(id))
        .filter(applications::Column::Version.eq(seen))
        .filter(applications::Column::State.eq("draft"))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// What a transition writes besides the state.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// The validated form, at submission.
    pub data: Option<String>,
    /// The amount, at submission.
    pub amount_kzt: Option<i64>,
    /// The settlement, at submission.
    pub settlement: Option<String>,
    /// Set `submitted_at`.
    pub submitted: bool,
    /// Set `decided_at`.
    pub decided: bool,
    /// The application is final: free the open key so that the person may apply again.
    pub close: bool,
    /// The approved amount, at approval.
    pub approved_kzt: Option<i64>,
    /// The amount paid, at disbursement.
    pub disbursed_kzt: Option<i64>,
    /// An information request's due date (cleared by any other step).
    pub info_due_on: Option<chrono::NaiveDate>,
    /// Back to review after an appeal: the decision's time is cleared.
    pub reopen: bool,
    /// …and, when given, the application's open key again (the person's one open
    /// application to its programme).
    pub reopen_key: Option<String>,
}

/// Moves application `id` from `from` at version `seen` to `to`; whether it was there.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: i32,
    seen: i32,
    from: &str,
    to: &str,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let at = now.fixed_offset();
    let mut update = applications::Entity::update_many()
        .col_expr(applications::Column::State, Expr::value(to))
        .col_expr(
            applications::Column::Version,
            Expr::col(applications::Column::Version).add(1),
        )
        .col_expr(applications::Column::UpdatedAt, Expr::value(at))
        .col_expr(applications::Column::StateAt, Expr::value(at))
        .col_expr(
            applications::Column::InfoDueOn,
            Expr::value(changes.info_due_on),
        );
    if let Some(amount) = changes.approved_kzt {
        update = update.col_expr(applications::Column::ApprovedKzt, Expr::value(amount));
    }
    if let Some(amount) = changes.disbursed_kzt {
        update = update.col_expr(applications::Column::DisbursedKzt, Expr::value(amount));
    }
    if let Some(data) = &changes.data {
        update = update.col_expr(applications::Column::Data, Expr::value(data.clone()));
    }
    if let Some(amount) = changes.amount_kzt {
        update = update.col_expr(applications::Column::AmountKzt, Expr::value(amount));
    }
    if let Some(code) = &changes.settlement {
        update = update.col_expr(
            applications::Column::SettlementCode,
            Expr::value(code.clone()),
        );
    }
    if changes.submitted {
        update = update.col_expr(applications::Column::SubmittedAt, Expr::value(at));
    }
    if changes.decided {
        update = update.col_expr(applications::Column::DecidedAt, Expr::value(at));
    }
    if changes.reopen {
        update = update.col_expr(
            applications::Column::DecidedAt,
            Expr::value(Option::<sea_orm::prelude::DateTimeWithTimeZone>::None),
        );
    }
    if let Some(key) = &changes.reopen_key {
        update = update.col_expr(applications::Column::OpenKey, Expr::value(key.clone()));
    }
    if changes.close {
        update = update.col_expr(
            applications::Column::OpenKey,
            Expr::value(Option::<String>::None),
        );
    }
    let done = update
        .filter(applications::Column::Id.eq(id))
        .filter(applications::Column::Version.eq(seen))
        .filter(applications::Column::State.eq(from))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// One event to append.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    /// The application.
    pub application_id: i32,
    /// Its version after the event.
    pub version: i32,
    /// What happened.
    pub kind: EventKind,
    /// The state before.
    pub from: Option<State>,
    /// The state after.
    pub to: State,
    /// Who.
    pub actor: Option<i32>,
    /// Their role.
    pub role: Role,
    /// Why.
    pub reason: Option<&'a str>,
    /// What changed (JSON).
    pub data: &'a str,
}

/// Appends an event; returns its id.
pub async fn append_event(
    db: &impl ConnectionTrait,
    e: &NewEvent<'_>,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let row = application_events::ActiveModel {
        id: NotSet,
        application_id: Set(e.application_id),
        version: Set(e.version),
        step: Set(e.kind.as_str().to_owned()),
        from_state: Set(e.from.map(|s| s.as_str().to_owned())),
        to_state: Set(e.to.as_str().to_owned()),
        actor_user_id: Set(e.actor),
        actor_role: Set(e.role.as_str().to_owned()),
        reason: Set(e.reason.map(str::to_owned)),
        data: Set(e.data.to_owned()),
        at: Set(now.fixed_offset()),
    };
    Ok(application_events::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// The events of application `id`, oldest first, with the actors' names.
pub async fn events(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<(application_events::Model, Option<String>)>, DbErr> {
    let rows = application_events::Entity::find()
        .filter(application_events::Column::ApplicationId.eq(id))
        .order_by_asc(application_events::Column::Id)
        .all(db)
        .await?;
    let actors: Vec<i32> = rows.iter().filter_map(|e| e.actor_user_id).collect();
    let names = users::Entity::find()
        .filter(users::Column::Id.is_in(actors))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let name = e
                .actor_user_id
                .and_then(|a| names.iter().find(|u| u.id == a))
                .map(|u| u.display_name.clone());
            (e, name)
        })
        .collect())
}

/// The state changes of the latest `limit` decided applications of a programme, for the
/// decision-time estimate: `(application, state entered, when)`.
pub async fn decision_history(
    db: &impl ConnectionTrait,
    program_id: i32,
    limit: u64,
) -> Result<Vec<(i32, String, DateTime<Utc>)>, DbErr> {
    let decided: Vec<i32> = applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .filter(applications::Column::ProgramId.eq(program_id))
        .filter(applications::Column::DecidedAt.is_not_null())
        .order_by_desc(applications::Column::DecidedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if decided.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i32, String, sea_orm::prelude::DateTimeWithTimeZone)> =
        application_events::Entity::find()
            .select_only()
            .column(application_events::Column::ApplicationId)
            .column(application_events::Column::ToState)
            .column(application_events::Column::At)
            .filter(application_events::Column::ApplicationId.is_in(decided))
            .into_tuple()
            .all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(a, s, at)| (a, s, at.with_timezone(&Utc)))
        .collect())
}

/// The documents of application `id` not removed, oldest first.
pub async fn documents(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<application_documents::Model>, DbErr> {
    application_documents::Entity::find()
        .filter(application_documents::Column::ApplicationId.eq(id))
        .filter(application_documents::Column::RemovedAt.is_null())
        .order_by_asc(application_documents::Column::Id)
        .all(db)
        .await
}

/// Document `doc` of application `id` (removed ones too: the record keeps them).
pub async fn document(
    db: &impl ConnectionTrait,
    id: i32,
    doc: i32,
) -> Result<Option<application_documents::Model>, DbErr> {
    application_documents::Entity::find_by_id(doc)
        .filter(application_documents::Column::ApplicationId.eq(id))
        .one(db)
        .await
}

/// A document to record.
#[derive(Clone, Debug)]
pub struct NewDocument<'a> {
    /// The application.
    pub application_id: i32,
    /// Which required document, if one.
    pub slot: Option<i32>,
    /// The name uploaded.
    pub file_name: &'a str,
    /// Its type, by content.
    pub content_type: &'a str,
    /// Bytes.
    pub size: i64,
    /// Its stored name.
    pub sha256: &'a str,
    /// Who.
    pub uploaded_by: i32,
}

/// Records a document; one for a slot replaces the slot's previous one. Returns its id.
pub async fn insert_document(
    db: &impl ConnectionTrait,
    d: &NewDocument<'_>,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    if let Some(slot) = d.slot {
        application_documents::Entity::update_many()
            .col_expr(
                application_documents::Column::RemovedAt,
                Expr::value(now.fixed_offset()),
            )
            .filter(application_documents::Column::ApplicationId.eq(d.application_id))
            .filter(application_documents::Column::Slot.eq(slot))
            .filter(application_documents::Column::RemovedAt.is_null())
            .exec(db)
            .await?;
    }
    let row = application_documents::ActiveModel {
        id: NotSet,
        application_id: Set(d.application_id),
        slot: Set(d.slot),
        file_name: Set(d.file_name.to_owned()),
        content_type: Set(d.content_type.to_owned()),
        size: Set(d.size),
        sha256: Set(d.sha256.to_owned()),
        uploaded_by: Set(d.uploaded_by),
        created_at: Set(now.fixed_offset()),
        removed_at: Set(None),
    };
    Ok(application_documents::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// The programme of application `id` and its latest event, for a notice about it.
pub async fn latest_event(db: &impl ConnectionTrait, id: i32) -> Result<Option<(i32, i32)>, DbErr> {
    let Some(a) = applications::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let event = application_events::Entity::find()
        .filter(application_events::Column::ApplicationId.eq(id))
        .order_by_desc(application_events::Column::Id)
        .one(db)
        .await?;
    Ok(event.map(|e| (a.program_id, e.id)))
}

/// Tells `user_id` in the app about event `event_id` of an application.
pub async fn notify(
    db: &impl ConnectionTrait,
    user_id: i32,
    program_id: i32,
    application_id: i32,
    event_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = notifications::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        program_id: Set(program_id),
        saved_search_id: Set(None),
        created_at: Set(now.fixed_offset()),
        read_at: Set(None),
        application_id: Set(Some(application_id)),
        event_id: Set(Some(event_id)),
    };
    notifications::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The active staff of an operator organisation.
pub async fn staff_of(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::OrganisationId.eq(organisation_id))
        .filter(users::Column::Role.is_in(["operator", "org_admin"]))
        .filter(users::Column::DisabledAt.is_null())
        .all(db)
        .await
}

/// The active akim and akimat staff of okrug `code`.
pub async fn akimat_of(db: &impl ConnectionTrait, code: &str) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::OkrugCode.eq(code))
        .filter(users::Column::Role.is_in(["akim", "akimat_staff"]))
        .filter(users::Column::DisabledAt.is_null())
        .all(db)
        .await
}
