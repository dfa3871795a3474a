//! The message outbox's queries: writing a message in the caller's transaction, claiming due
//! rows under a lease, recording what happened to each, and the figures `/healthz`,
//! `/metrics` and the admin's view show.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Offset, TimeZone, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    TransactionTrait,
};

use super::entities::messages;

/// Where a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageState {
    /// Waiting for a worker (or for its next try, or for the quiet hours to end).
    Pending,
    /// A worker holds it under a lease and is handing it to the provider.
    Sending,
    /// The provider took it; an SMS waits for its delivery report.
    Sent,
    /// The phone received it.
    Delivered,
    /// Tried until giving up, or refused for good before reaching the provider.
    Failed,
    /// The provider says it will never arrive.
    Undeliverable,
    /// Stopped by the platform admin.
    Cancelled,
}

impl MessageState {
    /// Every state, in the order of the admin's table.
    pub const ALL: [MessageState; 7] = [
        MessageState::Pending,
        MessageState::Sending,
        MessageState::Sent,
        MessageState::Delivered,
        MessageState::Failed,
        MessageState::Undeliverable,
        MessageState::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Pending => "pending",
            MessageState::Sending => "sending",
            MessageState::Sent => "sent",
            MessageState::Delivered => "delivered",
            MessageState::Failed => "failed",
            MessageState::Undeliverable => "undeliverable",
            MessageState::Cancelled => "cancelled",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<MessageState> {
        MessageState::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// How soon a message must go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    /// Codes, information requests, decisions: at once, day or night.
    Urgent,
    /// Other messages about a person's own application: at once.
    Normal,
    /// Alerts about new programmes: by SMS only between 09:00 and 21:00 Asia/Almaty.
    Bulk,
}

impl Urgency {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
            Urgency::Bulk => "bulk",
        }
    }
}

/// A message to write into the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// The account it is for, when there is one.
    pub user_id: Option<i32>,
    /// The application it is about, when it is about one.
    pub application_id: Option<i32>,
    /// Who to tell when it cannot be delivered (the akimat staff member who filed for the
    /// resident).
    pub fallback_user_id: Option<i32>,
    /// `sms` or `email`.
    pub channel: &'static str,
    /// The phone or the address.
    pub recipient: String,
    /// What it is: `reset_code`, `transition`, …
    pub template: &'static str,
    /// The values it was made from, as JSON.
    pub params: String,
    /// The language it is written in; `None` when written in Kazakh and Russian together.
    pub lang: Option<&'static str>,
    /// How soon it must go.
    pub urgency: Urgency,
    /// Subject (e-mail only; empty for SMS).
    pub subject: String,
    /// The text.
    pub body: String,
    /// The body holds a code or a sign-in link.
    pub secret: bool,
    /// The one-click unsubscribe address, for alerts.
    pub unsubscribe_url: Option<String>,
    /// Parts counted before sending (1 for e-mail).
    pub segments: i32,
    /// The earliest it may go (the quiet hours' end for a bulk SMS at night).
    pub not_before: DateTime<Utc>,
}

/// Writes `m` into the outbox. Call it in the transaction of the event that causes it: the
/// message exists exactly when the event does.
pub async fn enqueue(db: &impl ConnectionTrait, m: NewMessage) -> Result<i64, DbErr> {
    let now = Utc::now().fixed_offset();
    let row = messages::ActiveModel {
        id: NotSet,
        user_id: Set(m.user_id),
        application_id: Set(m.application_id),
        fallback_user_id: Set(m.fallback_user_id),
        channel: Set(m.channel.to_owned()),
        recipient: Set(m.recipient),
        template: Set(m.template.to_owned()),
        params: Set(m.params),
        lang: Set(m.lang.map(str::to_owned)),
        urgency: Set(m.urgency.as_str().to_owned()),
        subject: Set(m.subject),
        body: Set(m.body),
        secret: Set(m.secret),
        unsubscribe_url: Set(m.unsubscribe_url),
        state: Set(MessageState::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(Some(m.not_before.fixed_offset())),
        lease_owner: Set(None),
        lease_until: Set(None),
        provider: Set(None),
        provider_id: Set(None),
        segments: Set(m.segments),
        cost_tiyn: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
    };
    Ok(messages::Entity::insert(row).exec(db).await?.last_insert_id)
}

/// Takes up to `limit` rows that are due, for worker `owner`, until `lease_until`: pending
/// rows whose time has come, sent SMS whose delivery report is due, and rows whose previous
/// worker's lease ran out (it died mid-send). On PostgreSQL the rows are locked
/// `FOR UPDATE SKIP LOCKED`, so workers of several instances take disjoint batches.
pub async fn claim(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<messages::Model>, DbErr> {
    let now = now.fixed_offset();
    let txn = db.begin().await?;
    if txn.get_database_backend() == DatabaseBackend::Sqlite {
        // Take SQLite's write lock first, so two claimers never read the same rows.
        txn.execute_unprepared("UPDATE seaql_migrations SET version = version WHERE 0")
            .await?;
    }
    // Three narrow queries rather than one with OR, so that each walks the index on
    // (state, next_attempt_at) in order and stops at `limit`, with a million rows waiting:
    // pending rows whose time has come, sent SMS whose report is due, and rows whose worker's
    // lease ran out.
    let mut rows = Vec::new();
    for (state, column) in [
        (MessageState::Pending, messages::Column::NextAttemptAt),
        (MessageState::Sent, messages::Column::NextAttemptAt),
        (MessageState::Sending, messages::Column::LeaseUntil),
    ] {
        let left = limit.saturating_sub(rows.len() as u64);
        if left == 0 {
            break;
        }
        let mut query = messages::Entity::find()
            .filter(messages::Column::State.eq(state.as_str()))
            .filter(column.lte(now))
            .order_by_asc(messages::Column::NextAttemptAt)
            .limit(left);
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        rows.extend(query.all(&txn).await?);
    }
    if rows.is_empty() {
        txn.commit().await?;
        return Ok(rows);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    messages::Entity::update_many()
        .col_expr(messages::Column::LeaseOwner, Expr::value(owner))
        .col_expr(
            messages::Column::LeaseUntil,
            Expr::value(lease_until.fixed_offset()),
        )
        .col_expr(messages::Column::UpdatedAt, Expr::value(now))
        .filter(messages::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    // A pending row (or one whose sender died) is now being sent; a sent SMS keeps its state
    // while its report is asked for.
    let sending: Vec<i64> = rows
        .iter()
        .filter(|r| r.state != MessageState::Sent.as_str())
        .map(|r| r.id)
        .collect();
    if !sending.is_empty() {
        messages::Entity::update_many()
            .col_expr(
                messages::Column::State,
                Expr::value(MessageState::Sending.as_str()),
            )
            .col_expr(
                messages::Column::Attempts,
                Expr::col(messages::Column::Attempts).add(1),
            )
            .filter(messages::Column::Id.is_in(sending))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    // The rows as they now stand: a try counted for each one being sent.
    Ok(rows
        .into_iter()
        .map(|mut r| {
            if r.state != MessageState::Sent.as_str() {
                r.attempts += 1;
            }
            r
        })
        .collect())
}

/// What happened to a claimed message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The new state.
    pub state: Option<MessageState>,
    /// When to look at it again (the next try or delivery check); `None`: never.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The provider that took it and its id there.
    pub provider: Option<(String, String)>,
    /// Parts and cost the provider reported.
    pub segments: Option<i32>,
    /// Cost in tiyn.
    pub cost_tiyn: Option<i64>,
    /// Why it failed this time.
    pub error: Option<String>,
    /// It reached the provider now.
    pub sent_now: bool,
    /// It is final now (delivered, failed, undeliverable).
    pub finished_now: bool,
    /// Give back the attempt the claim counted (it was not tried: a cap or quiet hours).
    pub untried: bool,
    /// Blank the body: it held a secret that has now left (or will never leave).
    pub forget_body: bool,
}

/// Records `outcome` for message `id` if worker `owner` still holds its lease; `false` when
/// another worker took it meanwhile (this one was too slow), in which case nothing changes.
pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    owner: &str,
    outcome: &Outcome,
) -> Result<bool, DbErr> {
    let now = Utc::now().fixed_offset();
    let mut update = messages::Entity::update_many()
        .col_expr(messages::Column::LeaseOwner, Expr::value(None::<String>))
        .col_expr(
            messages::Column::LeaseUntil,
            Expr::value(None::<DateTime<FixedOffset>>),
        )
        .col_expr(
            messages::Column::NextAttemptAt,
            Expr::value(outcome.next_attempt_at.map(|t| t.fixed_offset())),
        )
        .col_expr(messages::Column::UpdatedAt, Expr::value(now));
    if let Some(state) = outcome.state {
        update = update.col_expr(messages::Column::State, Expr::value(state.as_str()));
    }
    if let Some((provider, provider_id)) = &outcome.provider {
        update = update
            .col_expr(messages::Column::Provider, Expr::value(provider.clone()))
            .col_expr(
                messages::Column::ProviderId,
                Expr::value(provider_id.clone()),
            );
    }
    if let Some(segments) = outcome.segments {
        update = update.col_expr(messages::Column::Segments, Expr::value(segments));
    }
    if let Some(cost) = outcome.cost_tiyn {
        update = update.col_expr(messages::Column::CostTiyn, Expr::value(cost));
    }
    if let Some(error) = &outcome.error {
        update = update.col_expr(messages::Column::LastError, Expr::value(error.clone()));
    }
    if outcome.sent_now {
        update = update.col_expr(messages::Column::SentAt, Expr::value(now));
    }
    if outcome.untried {
        update = update.col_expr(
            messages::Column::Attempts,
            Expr::col(messages::Column::Attempts).sub(1),
        );
    }
    if outcome.finished_now {
        update = update.col_expr(messages::Column::FinishedAt, Expr::value(now));
    }
    if outcome.forget_body {
        update = update.col_expr(messages::Column::Body, Expr::value(""));
    }
    let done = update
        .filter(messages::Column::Id.eq(id))
        .filter(messages::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// SMS handed to the provider for `phone` since `since` (the daily cap counts them).
///
/// By recipient alone: a phone number is never an e-mail recipient, and with the channel in
/// the filter SQLite (which keeps no statistics) walked the channel's index, every SMS ever
/// sent, once per message: 5 SMS/s with a million rows in the outbox.
pub async fn sms_to_since(
    db: &impl ConnectionTrait,
    phone: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    messages::Entity::find()
        .filter(messages::Column::Recipient.eq(phone))
        .filter(messages::Column::SentAt.gte(since.fixed_offset()))
        .count(db)
        .await
}

/// SMS parts handed to the provider in the calendar month (Asia/Almaty) of `now`, and what
/// they cost in tiyn where the provider said: one row of `sms_spend`, kept by
/// [`add_sms_spend`], so that neither the monthly limit (checked every batch) nor `/healthz`
/// sums a month of messages (a million rows at national scale).
pub async fn sms_spent_in_month(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(i64, i64), DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                DatabaseBackend::Postgres => {
                    "SELECT segments, cost_tiyn FROM sms_spend WHERE month = $1"
                }
                _ => "SELECT segments, cost_tiyn FROM sms_spend WHERE month = ?",
            },
            [month_key(now).into()],
        ))
        .await?;
    match row {
        Some(row) => Ok((
            row.try_get::<i64>("", "segments")?,
            row.try_get::<i64>("", "cost_tiyn")?,
        )),
        None => Ok((0, 0)),
    }
}

/// Adds an SMS handed to the provider at `now` to its month's spend, in the transaction that
/// records it as sent.
pub async fn add_sms_spend(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    segments: i64,
    cost_tiyn: i64,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO sms_spend (month, segments, cost_tiyn) VALUES ($1, $2, $3) \
             ON CONFLICT (month) DO UPDATE SET segments = sms_spend.segments + excluded.segments, \
             cost_tiyn = sms_spend.cost_tiyn + excluded.cost_tiyn"
        }
        _ => {
            "INSERT INTO sms_spend (month, segments, cost_tiyn) VALUES (?, ?, ?) \
             ON CONFLICT (month) DO UPDATE SET segments = sms_spend.segments + excluded.segments, \
             cost_tiyn = sms_spend.cost_tiyn + excluded.cost_tiyn"
        }
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [month_key(now).into(), segments.into(), cost_tiyn.into()],
    ))
    .await
    .map(|_| ())
}

/// `2026-12`: the calendar month of `now` in Asia/Almaty (UTC+5), as `sms_spend` keys it.
fn month_key(now: DateTime<Utc>) -> String {
    let almaty = almaty();
    now.with_timezone(&almaty).format("%Y-%m").to_string()
}

/// Asia/Almaty: Kazakhstan keeps one time zone, UTC+5, all year (since 1 March 2024).
pub fn almaty() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The start of the calendar month of `now` in Asia/Almaty (UTC+5), in UTC.
pub fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let almaty = almaty();
    let local = now.with_timezone(&almaty);
    almaty
        .with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0)
        .single()
        .map_or(now - Duration::days(31), |t| t.with_timezone(&Utc))
}

/// What the outbox holds: the figures of `/healthz`, `/metrics` and the admin's view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Rows by channel and state.
    pub counts: Vec<(String, String, u64)>,
    /// Messages waiting to go (pending or being sent).
    pub pending: u64,
    /// When the oldest of them was written.
    pub oldest_pending: Option<DateTime<FixedOffset>>,
    /// Failed or undeliverable this month.
    pub failed_this_month: u64,
    /// SMS parts handed to the provider this month.
    pub sms_segments_this_month: i64,
    /// What they cost, in tiyn, where the provider said.
    pub sms_cost_this_month_tiyn: i64,
}

#[derive(FromQueryResult)]
struct CountRow {
    channel: String,
    state: String,
    n: i64,
}

/// The outbox's figures as of `now`.
pub async fn figures(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Figures, DbErr> {
    let counts: Vec<CountRow> = messages::Entity::find()
        .select_only()
        .column(messages::Column::Channel)
        .column(messages::Column::State)
        .column_as(messages::Column::Id.count(), "n")
        .group_by(messages::Column::Channel)
        .group_by(messages::Column::State)
        .into_model()
        .all(db)
        .await?;
    let waiting = [
        MessageState::Pending.as_str(),
        MessageState::Sending.as_str(),
    ];
    let oldest = messages::Entity::find()
        .filter(messages::Column::State.is_in(waiting))
        .order_by_asc(messages::Column::CreatedAt)
        .one(db)
        .await?
        .map(|m| m.created_at);
    let month = month_start(now).fixed_offset();
    let failed_this_month = messages::Entity::find()
        .filter(messages::Column::State.is_in([
            MessageState::Failed.as_str(),
            MessageState::Undeliverable.as_str(),
        ]))
        .filter(messages::Column::CreatedAt.gte(month))
        .count(db)
        .await?;
    let (segments, cost) = sms_spent_in_month(db, now).await?;
    let pending = counts
        .iter()
        .filter(|c| waiting.contains(&c.state.as_str()))
        .map(|c| u64::try_from(c.n).unwrap_or(0))
        .sum();
    Ok(Figures {
        counts: counts
            .into_iter()
            .map(|c| (c.channel, c.state, u64::try_from(c.n).unwrap_or(0)))
            .collect(),
        pending,
        oldest_pending: oldest,
        failed_this_month,
        sms_segments_this_month: segments,
        sms_cost_this_month_tiyn: cost,
    })
}

/// The latest messages in `states` (all when empty), newest first, for the admin's view.
pub async fn latest(
    db: &impl ConnectionTrait,
    states: &[MessageState],
    limit: u64,
) -> Result<Vec<messages::Model>, DbErr> {
    let mut query = messages::Entity::find().order_by_desc(messages::Column::Id);
    if !states.is_empty() {
        query = query.filter(messages::Column::State.is_in(states.iter().map(|s| s.as_str())));
    }
    query.limit(limit).all(db).await
}

/// Puts a failed, undeliverable or cancelled message back in the queue (`retry`) or stops a
/// waiting one (`cancel`); `false` when it is not in a state that allows it.
pub async fn retry_or_cancel(
    db: &impl ConnectionTrait,
    id: i64,
    retry: bool,
) -> Result<bool, DbErr> {
    let now = Utc::now().fixed_offset();
    let (from, to): (&[MessageState], MessageState) = if retry {
        (
            &[
                MessageState::Failed,
                MessageState::Undeliverable,
                MessageState::Cancelled,
            ],
            MessageState::Pending,
        )
    } else {
        (&[MessageState::Pending], MessageState::Cancelled)
    };
    let mut update = messages::Entity::update_many()
        .col_expr(messages::Column::State, Expr::value(to.as_str()))
        .col_expr(messages::Column::UpdatedAt, Expr::value(now));
    if retry {
        update = update
            .col_expr(messages::Column::NextAttemptAt, Expr::value(now))
            .col_expr(messages::Column::Attempts, Expr::value(0))
            .col_expr(
                messages::Column::FinishedAt,
                Expr::value(None::<DateTime<FixedOffset>>),
            );
    } else {
        update = update.col_expr(messages::Column::FinishedAt, Expr::value(now));
    }
    let done = update
        .filter(messages::Column::Id.eq(id))
        .filter(messages::Column::State.is_in(from.iter().map(|s| s.as_str())))
        // A secret whose body is already blanked cannot be sent again.
        .filter(
            Condition::any()
                .add(messages::Column::Secret.eq(false))
                .add(messages::Column::Body.ne("")),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
