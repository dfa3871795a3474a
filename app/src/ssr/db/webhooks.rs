//! Webhook endpoints and their deliveries (the durable outbox and the delivery log).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{webhook_deliveries, webhook_endpoints};

/// The endpoints of organisation `org`, oldest first.
pub async fn endpoints(
    db: &impl ConnectionTrait,
    org: i32,
) -> Result<Vec<webhook_endpoints::Model>, DbErr> {
    webhook_endpoints::Entity::find()
        .filter(webhook_endpoints::Column::OrganisationId.eq(org))
        .order_by_asc(webhook_endpoints::Column::Id)
        .all(db)
        .await
}

/// Registers an endpoint; its id.
pub async fn create(
    db: &impl ConnectionTrait,
    org: i32,
    url: &str,
    secret: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(
        webhook_endpoints::Entity::insert(webhook_endpoints::ActiveModel {
            id: NotSet,
            organisation_id: Set(org),
            url: Set(url.to_owned()),
            secret: Set(secret.to_owned()),
            created_by: Set(by),
            created_at: Set(now.fixed_offset()),
            disabled_at: Set(None),
        })
        .exec(db)
        .await?
        .last_insert_id,
    )
}

/// Switches endpoint `id` of `org` off; whether it was on.
pub async fn disable(
    db: &impl ConnectionTrait,
    org: i32,
    id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = webhook_endpoints::Entity::update_many()
        .col_expr(
            webhook_endpoints::Column::DisabledAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(webhook_endpoints::Column::Id.eq(id))
        .filter(webhook_endpoints::Column::OrganisationId.eq(org))
        .filter(webhook_endpoints::Column::DisabledAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Writes a delivery of `payload` for endpoint `endpoint`, due now.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    endpoint: i32,
    application_id: Option<i32>,
    event: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(
        webhook_deliveries::Entity::insert(webhook_deliveries::ActiveModel {
            id: NotSet,
            endpoint_id: Set(endpoint),
            application_id: Set(application_id),
            event: Set(event.to_owned()),
            payload: Set(payload.to_owned()),
            state: Set("pending".to_owned()),
            attempts: Set(0),
            next_at: Set(now.fixed_offset()),
            last_status: Set(None),
            last_error: Set(None),
            created_at: Set(now.fixed_offset()),
            delivered_at: Set(None),
        })
        .exec(db)
        .await?
        .last_insert_id,
    )
}

/// The deliveries that may go now: due, and each the oldest still pending of its endpoint and
/// application (a later event never overtakes an earlier one). Looked for among the due ones
/// (the index on state and next time), so that a dead endpoint's backlog, waiting for its
/// next try, never hides another endpoint's.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<webhook_deliveries::Model>, DbErr> {
    let candidates = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::State.eq("pending"))
        .filter(webhook_deliveries::Column::NextAt.lte(now.fixed_offset()))
        .order_by_asc(webhook_deliveries::Column::Id)
        .limit(limit * 5)
        .all(db)
        .await?;
    let mut apps: Vec<i32> = candidates.iter().filter_map(|d| d.application_id).collect();
    apps.sort_unstable();
    apps.dedup();
    // The first pending delivery of each (endpoint, application) among theirs, due or not.
    let mut first = std::collections::BTreeMap::new();
    for chunk in apps.chunks(1000) {
        let rows: Vec<(i32, Option<i32>, i32)> = webhook_deliveries::Entity::find()
            .select_only()
            .column(webhook_deliveries::Column::EndpointId)
            .column(webhook_deliveries::Column::ApplicationId)
            .column_as(webhook_deliveries::Column::Id.min(), "first")
            .filter(webhook_deliveries::Column::State.eq("pending"))
            .filter(webhook_deliveries::Column::ApplicationId.is_in(chunk.to_vec()))
            .group_by(webhook_deliveries::Column::EndpointId)
            .group_by(webhook_deliveries::Column::ApplicationId)
            .into_tuple()
            .all(db)
            .await?;
        for (endpoint, app, id) in rows {
            if let Some(app) = app {
                first.insert((endpoint, app), id);
            }
        }
    }
    Ok(candidates
        .into_iter()
        .filter(|d| match d.application_id {
            Some(a) => first.get(&(d.endpoint_id, a)).is_none_or(|f| *f == d.id),
            None => true,
        })
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect())
}

/// Takes delivery `d` for one attempt: pushes its next try past the attempt, so that another
/// instance does not send it at the same time; whether this one got it.
pub async fn claim(
    db: &impl ConnectionTrait,
    d: &webhook_deliveries::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = webhook_deliveries::Entity::update_many()
        .col_expr(
            webhook_deliveries::Column::NextAt,
            Expr::value((now + Duration::minutes(2)).fixed_offset()),
        )
        .filter(webhook_deliveries::Column::Id.eq(d.id))
        .filter(webhook_deliveries::Column::State.eq("pending"))
        .filter(webhook_deliveries::Column::NextAt.eq(d.next_at))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records an attempt: delivered, or when to try again (or given up).
pub async fn attempted(
    db: &impl ConnectionTrait,
    id: i32,
    attempts: i32,
    outcome: Result<i32, (Option<i32>, String)>,
    next_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = webhook_deliveries::Entity::update_many()
        .col_expr(webhook_deliveries::Column::Attempts, Expr::value(attempts));
    q = match outcome {
        Ok(status) => q
            .col_expr(webhook_deliveries::Column::State, Expr::value("delivered"))
            .col_expr(webhook_deliveries::Column::LastStatus, Expr::value(status))
            .col_expr(
                webhook_deliveries::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                webhook_deliveries::Column::DeliveredAt,
                Expr::value(now.fixed_offset()),
            ),
        Err((status, error)) => {
            let state = if next_at.is_some() {
                "pending"
            } else {
                "failed"
            };
            q.col_expr(webhook_deliveries::Column::State, Expr::value(state))
                .col_expr(webhook_deliveries::Column::LastStatus, Expr::value(status))
                .col_expr(webhook_deliveries::Column::LastError, Expr::value(error))
                .col_expr(
                    webhook_deliveries::Column::NextAt,
                    Expr::value(next_at.unwrap_or(now).fixed_offset()),
                )
        }
    };
    q.filter(webhook_deliveries::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The last `limit` deliveries of endpoint `endpoint`, newest first.
pub async fn log(
    db: &impl ConnectionTrait,
    endpoint: i32,
    limit: u64,
) -> Result<Vec<webhook_deliveries::Model>, DbErr> {
    webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(endpoint))
        .order_by_desc(webhook_deliveries::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The endpoint of a delivery.
pub async fn endpoint(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<webhook_endpoints::Model>, DbErr> {
    webhook_endpoints::Entity::find_by_id(id).one(db).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::testing::test_db;

    #[tokio::test]
    async fn a_dead_endpoint_s_backlog_hides_no_one_else_and_nothing_overtakes_its_elder() {
        let t = test_db().await;
        crate::ssr::services::seed::ensure_demo(&t.db)
            .await
            .expect("organisations");
        let org = crate::ssr::db::entities::organisations::Entity::find()
            .one(&t.db)
            .await
            .expect("q")
            .expect("an organisation")
            .id;
        let now = Utc::now();
        let dead = create(&t.db, org, "https://dead.example", "s", 1, now)
            .await
            .expect("a");
        let live = create(&t.db, org, "https://live.example", "s", 1, now)
            .await
            .expect("b");
        // The dead one's backlog: 300 deliveries waiting for their next try in an hour.
        for app in 1..=300 {
            let id = enqueue(&t.db, dead, Some(app), "application.submitted", "{}", now)
                .await
                .expect("enqueued");
            attempted(
                &t.db,
                id,
                1,
                Err((Some(503), "HTTP 503".into())),
                Some(now + Duration::hours(1)),
                now,
            )
            .await
            .expect("failed once");
        }
        // Behind application 7's waiting delivery, its next one is due but must wait.
        let behind = enqueue(&t.db, dead, Some(7), "application.decided", "{}", now)
            .await
            .expect("enqueued");
        let other = enqueue(&t.db, live, Some(7), "application.submitted", "{}", now)
            .await
            .expect("enqueued");
        let ids: Vec<i32> = due(&t.db, now, 20)
            .await
            .expect("due")
            .iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(
            ids,
            [other],
            "the live endpoint's delivery goes; {behind} waits"
        );
    }
}
