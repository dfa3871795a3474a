//! The platform admin's view of the message outbox (`/admin/messages`): what it holds by state
//! and channel, the month's SMS parts and cost, the latest failures with the provider's reason,
//! what waits to go; putting a failed message back in the queue, stopping a waiting one, and the
//! latest messages as CSV. Recipients are masked everywhere and a message's text never leaves
//! the outbox here: a code or a sign-in link may be in it.

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};
use tracing::instrument;

use super::ServiceError;
use super::accounts::Caller;
use super::messages;
use crate::domain::account::Principal;
use crate::domain::i18n::Lang;
use crate::domain::outbox::{
    MessageLine, OutboxOverview, csv_field, mask_in, mask_recipient, tenge_decimal,
};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, allow};
use crate::ssr::db;
use crate::ssr::db::entities::messages as rows;
use crate::ssr::db::messages::MessageState;

/// Failures the page lists.
pub const FAILURES: u64 = 50;
/// Waiting messages the page lists.
pub const WAITING: u64 = 50;
/// Lines of the CSV at most (the newest messages).
pub const CSV_MAX: u64 = 10_000;

/// The CSV's first line.
pub const CSV_HEADER: [&str; 16] = [
    "id",
    "created_at",
    "channel",
    "recipient",
    "template",
    "lang",
    "urgency",
    "state",
    "attempts",
    "segments",
    "cost_kzt",
    "provider",
    "provider_id",
    "last_error",
    "sent_at",
    "finished_at",
];

/// The platform admin, or why not.
fn admin(who: &Caller) -> Result<&Principal, ServiceError> {
    allow(who.principal.as_ref(), &Action::ManageMessages)?;
    who.principal()
}

use crate::ssr::db::messages::almaty;

fn utc(t: DateTime<FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

/// A secret message whose text is already blanked cannot be sent again.
fn text_gone(m: &rows::Model) -> bool {
    m.secret && m.body.is_empty()
}

/// A row as the admin's tables show it: recipient masked, no text.
fn line(m: &rows::Model) -> MessageLine {
    let state = MessageState::parse(&m.state);
    MessageLine {
        id: m.id,
        channel: m.channel.clone(),
        recipient: mask_recipient(&m.recipient),
        template: m.template.clone(),
        state: m.state.clone(),
        attempts: m.attempts,
        last_error: m.last_error.as_deref().map(|e| mask_in(e, &m.recipient)),
        created_at: utc(m.created_at),
        next_attempt_at: m.next_attempt_at.map(utc),
        finished_at: m.finished_at.map(utc),
        retryable: matches!(
            state,
            Some(MessageState::Failed | MessageState::Undeliverable | MessageState::Cancelled)
        ) && !text_gone(m),
        cancellable: state == Some(MessageState::Pending),
    }
}

/// What the outbox holds as of `now`, for the platform admin.
#[instrument(skip(db, who))]
pub async fn overview(
    db: &DatabaseConnection,
    who: &Caller,
    now: DateTime<Utc>,
) -> Result<OutboxOverview, ServiceError> {
    admin(who)?;
    let f = db::messages::figures(db, now).await?;
    let failures = db::messages::latest(
        db,
        &[MessageState::Failed, MessageState::Undeliverable],
        FAILURES,
    )
    .await?;
    let waiting =
        db::messages::latest(db, &[MessageState::Pending, MessageState::Sending], WAITING).await?;
    Ok(OutboxOverview {
        counts: f.counts,
        pending: f.pending,
        oldest_pending_secs: f
            .oldest_pending
            .map(|t| (now - utc(t)).num_seconds().max(0)),
        failed_this_month: f.failed_this_month,
        sms_parts_this_month: f.sms_segments_this_month,
        sms_cost_this_month_tiyn: f.sms_cost_this_month_tiyn,
        failures: failures.iter().map(line).collect(),
        waiting: waiting.iter().map(line).collect(),
    })
}

/// Puts failed, undeliverable or cancelled message `id` back in the queue (its tries counted
/// afresh) and wakes the delivery worker. Refused on the field `id` when its state does not
/// allow it, or when it held a code whose text is already gone.
#[instrument(skip(db, who))]
pub async fn retry(db: &DatabaseConnection, who: &Caller, id: i64) -> Result<(), ServiceError> {
    act(db, who, id, true).await?;
    // After the commit: a worker woken before would not see the row.
    messages::wake();
    Ok(())
}

/// Stops waiting message `id` (it will not be sent). Refused on the field `id` when it is not
/// waiting any more (being sent, sent, or already final).
#[instrument(skip(db, who))]
pub async fn cancel(db: &DatabaseConnection, who: &Caller, id: i64) -> Result<(), ServiceError> {
    act(db, who, id, false).await
}

async fn act(
    db: &DatabaseConnection,
    who: &Caller,
    id: i64,
    retry: bool,
) -> Result<(), ServiceError> {
    let p = admin(who)?;
    let txn = db.begin().await?;
    if !db::messages::retry_or_cancel(&txn, id, retry).await? {
        // Nothing changed: say whether the message is missing or in the wrong state.
        return match rows::Entity::find_by_id(id).one(&txn).await? {
            None => Err(ServiceError::NotFound),
            Some(_) => Err(FieldError::new("id", Problem::NotAccepted).into()),
        };
    }
    let event = if retry {
        "message_retried"
    } else {
        "message_cancelled"
    };
    db::accounts::audit(
        &txn,
        event,
        None,
        Some(p.user_id),
        who.ip.as_deref(),
        &format!("message {id}"),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        message = id,
        admin = p.user_id,
        event,
        "the admin changed a message"
    );
    Ok(())
}

/// The latest [`CSV_MAX`] messages as CSV for a spreadsheet in `lang`: a byte-order mark (so
/// Excel reads UTF-8), `;` and a decimal comma in Russian and Kazakh, `,` and a point in
/// English; times in Asia/Almaty with their offset; recipients masked and never a message's text.
#[instrument(skip(db, who))]
pub async fn csv(
    db: &DatabaseConnection,
    who: &Caller,
    lang: Lang,
) -> Result<String, ServiceError> {
    admin(who)?;
    let (sep, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Ru | Lang::Kk => (';', ','),
    };
    let time = |t: Option<DateTime<FixedOffset>>| {
        t.map(|t| {
            t.with_timezone(&almaty())
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
    };
    let all = db::messages::latest(db, &[], CSV_MAX).await?;
    let mut out = format!("\u{feff}{}\r\n", CSV_HEADER.join(&sep.to_string()));
    for m in &all {
        let fields = [
            m.id.to_string(),
            time(Some(m.created_at)),
            m.channel.clone(),
            mask_recipient(&m.recipient),
            m.template.clone(),
            m.lang.clone().unwrap_or_default(),
            m.urgency.clone(),
            m.state.clone(),
            m.attempts.to_string(),
            m.segments.to_string(),
            m.cost_tiyn
                .map(|c| tenge_decimal(c, point))
                .unwrap_or_default(),
            m.provider.clone().unwrap_or_default(),
            m.provider_id.clone().unwrap_or_default(),
            m.last_error
                .as_deref()
                .map(|e| mask_in(e, &m.recipient))
                .unwrap_or_default(),
            time(m.sent_at),
            time(m.finished_at),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f, sep)).collect();
        out.push_str(&line.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};

    use super::*;
    use crate::domain::account::{Role, Scope};
    use crate::domain::policy::Denied;
    use crate::ssr::db::messages::{NewMessage, Urgency};
    use crate::ssr::testing::{person, test_db};

    fn sms(to: &str, body: &str, secret: bool) -> NewMessage {
        NewMessage {
            user_id: None,
            application_id: None,
            fallback_user_id: None,
            channel: "sms",
            recipient: to.into(),
            template: "transition",
            params: "{}".into(),
            lang: Some("ru"),
            urgency: Urgency::Normal,
            subject: String::new(),
            body: body.into(),
            secret,
            unsubscribe_url: None,
            segments: 1,
            // Far ahead, so that nothing picks them up.
            not_before: Utc::now() + Duration::days(1),
        }
    }

    async fn fail(db: &DatabaseConnection, id: i64, body: &str, reason: &str) {
        rows::Entity::update_many()
            .col_expr(rows::Column::State, Expr::value("failed"))
            .col_expr(rows::Column::Body, Expr::value(body))
            .col_expr(rows::Column::LastError, Expr::value(reason))
            .filter(rows::Column::Id.eq(id))
            .exec(db)
            .await
            .expect("fails it");
    }

    fn caller(p: Principal) -> Caller {
        Caller {
            principal: Some(p),
            ..Caller::default()
        }
    }

    #[tokio::test]
    async fn the_admin_sees_failures_masked_and_without_text_and_acts_on_them() {
        // Arrange
        let t = test_db().await;
        let db = &t.db;
        let admin = caller(person(db, "root@auyl.kz", "Админ", Role::Admin, Scope::None).await);
        let someone =
            caller(person(db, "+77015550000", "Айгүл", Role::Entrepreneur, Scope::None).await);
        let failed = db::messages::enqueue(db, sms("+77011234567", "Заявка 17 одобрена", false))
            .await
            .expect("enqueues");
        fail(
            db,
            failed,
            "Заявка 17 одобрена",
            "number 77011234567 is blocked",
        )
        .await;
        let code = db::messages::enqueue(db, sms("+77017654321", "Код 123456", true))
            .await
            .expect("enqueues");
        fail(db, code, "", "timeout").await;
        let waiting = db::messages::enqueue(db, sms("+77019990000", "Новость", false))
            .await
            .expect("enqueues");

        // Act
        let o = overview(db, &admin, Utc::now()).await.expect("overview");
        let text = csv(db, &admin, Lang::En).await.expect("csv");

        // Assert
        assert_eq!(o.count("sms", "failed"), 2);
        assert_eq!(o.count("sms", "pending"), 1);
        assert_eq!(o.pending, 1);
        let f = o.failures.iter().find(|l| l.id == failed).expect("listed");
        assert_eq!(f.recipient, "+7701•••4567");
        assert_eq!(
            f.last_error.as_deref(),
            Some("number +7701•••4567 is blocked")
        );
        assert!(f.retryable);
        let c = o.failures.iter().find(|l| l.id == code).expect("listed");
        assert!(!c.retryable, "a code whose text is gone is not sent again");
        assert!(o.waiting.iter().any(|l| l.id == waiting && l.cancellable));
        let listed = format!("{o:?}");
        for secret in ["одобрена", "Новость", "1234567", "7654321"] {
            assert!(!listed.contains(secret), "{secret} on the page");
            assert!(!text.contains(secret), "{secret} in the CSV");
        }
        assert!(text.starts_with("\u{feff}id,created_at,channel,recipient,"));
        assert_eq!(text.lines().count(), 4, "{text}");

        // Someone else is refused, whatever the message.
        for e in [
            overview(db, &someone, Utc::now()).await.err(),
            csv(db, &someone, Lang::Ru).await.err(),
            retry(db, &someone, failed).await.err(),
            cancel(db, &someone, waiting).await.err(),
        ] {
            assert!(
                matches!(e, Some(ServiceError::Denied(Denied::Forbidden))),
                "{e:?}"
            );
        }

        // Retry and cancel where the state allows, refuse by field where not.
        let not_waiting = cancel(db, &admin, failed).await.err();
        retry(db, &admin, failed).await.expect("retries");
        cancel(db, &admin, waiting).await.expect("cancels");
        let state = |id| async move {
            rows::Entity::find_by_id(id)
                .one(db)
                .await
                .expect("reads")
                .expect("the row")
                .state
        };
        assert_eq!(state(failed).await, "pending");
        assert_eq!(state(waiting).await, "cancelled");
        let audit: Vec<(String, Option<i32>, String)> = db::accounts::audit_tail(db, 10)
            .await
            .expect("audit log")
            .into_iter()
            .map(|a| (a.event, a.actor_id, a.detail))
            .collect();
        let by = admin.principal.as_ref().map(|p| p.user_id);
        assert!(audit.contains(&("message_retried".into(), by, format!("message {failed}"))));
        assert!(audit.contains(&("message_cancelled".into(), by, format!("message {waiting}"))));
        for e in [
            not_waiting,
            retry(db, &admin, code).await.err(),
            retry(db, &admin, failed).await.err(),
            cancel(db, &admin, waiting).await.err(),
        ] {
            assert!(
                matches!(&e, Some(ServiceError::Invalid(f)) if f.field == "id"),
                "{e:?}"
            );
        }
        assert!(matches!(
            retry(db, &admin, 999_999).await,
            Err(ServiceError::NotFound)
        ));
    }
}
