//! The counts per programme and state that the database keeps beside the applications
//! (`queue_counts`, migration 029) and the operator's queue shows: after a random sequence of
//! changes, four writers at once, they equal a fresh count of the rows.

use std::collections::BTreeMap;

use app::domain::synthetic::Rng;
use app::ssr::db;
use app::ssr::db::entities::applications;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryOrder, QuerySelect, Statement,
};

use crate::helpers::spawn_app;

const STATES: [&str; 6] = [
    "draft",
    "submitted",
    "in_review",
    "approved",
    "rejected",
    "disbursed",
];

async fn count(db: &DatabaseConnection, sql: &str) -> BTreeMap<(i32, String), i64> {
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("counts");
    rows.iter()
        .map(|r| {
            (
                (
                    r.try_get::<i32>("", "program_id").expect("programme"),
                    r.try_get::<String>("", "state").expect("state"),
                ),
                r.try_get::<i64>("", "n").expect("n"),
            )
        })
        .filter(|(_, n)| *n != 0)
        .collect()
}

/// One writer: `steps` random changes, each in its own write transaction.
async fn writer(db: DatabaseConnection, seed: u64, users: Vec<i32>, programmes: Vec<i32>) {
    let mut rng = Rng::new(seed);
    let mut mine: Vec<i32> = Vec::new();
    for _ in 0..80 {
        let txn = db::begin_write(&db).await.expect("begins");
        let now = chrono::Utc::now().fixed_offset();
        match rng.below(4) {
            // A new application, or nothing of mine to change yet.
            0 | 1 if mine.len() < 3 || rng.chance(40) => {
                let row = applications::ActiveModel {
                    user_id: Set(*rng.pick(&users)),
                    program_id: Set(*rng.pick(&programmes)),
                    state: Set((*rng.pick(&STATES)).to_owned()),
                    version: Set(1),
                    data: Set("{}".to_owned()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .expect("inserts");
                mine.push(row.id);
            }
            // A step: another state.
            0 | 1 => {
                let id = *rng.pick(&mine);
                applications::ActiveModel {
                    id: Set(id),
                    state: Set((*rng.pick(&STATES)).to_owned()),
                    ..Default::default()
                }
                .update(&txn)
                .await
                .expect("steps");
            }
            // Moved to another programme, in another state.
            2 if !mine.is_empty() => {
                let id = *rng.pick(&mine);
                applications::ActiveModel {
                    id: Set(id),
                    program_id: Set(*rng.pick(&programmes)),
                    state: Set((*rng.pick(&STATES)).to_owned()),
                    ..Default::default()
                }
                .update(&txn)
                .await
                .expect("moves");
            }
            // Removed.
            _ if !mine.is_empty() => {
                let id = mine.swap_remove(rng.below(mine.len()));
                applications::Entity::delete_by_id(id)
                    .exec(&txn)
                    .await
                    .expect("deletes");
            }
            _ => {}
        }
        txn.commit().await.expect("commits");
    }
}

#[tokio::test]
async fn the_kept_counts_equal_a_fresh_count_after_random_changes_by_four_writers_at_once() {
    let app = spawn_app().await;
    let db = app.state.db.clone();
    let users: Vec<i32> = app::ssr::db::entities::users::Entity::find()
        .select_only()
        .column(app::ssr::db::entities::users::Column::Id)
        .order_by_asc(app::ssr::db::entities::users::Column::Id)
        .limit(6)
        .into_tuple()
        .all(&db)
        .await
        .expect("users");
    let programmes: Vec<i32> = app::ssr::db::entities::programs::Entity::find()
        .select_only()
        .column(app::ssr::db::entities::programs::Column::Id)
        .order_by_asc(app::ssr::db::entities::programs::Column::Id)
        .limit(3)
        .into_tuple()
        .all(&db)
        .await
        .expect("programmes");
    assert!(users.len() >= 2 && programmes.len() == 3, "demo data");

    let writers: Vec<_> = (0..4)
        .map(|seed| tokio::spawn(writer(db.clone(), seed, users.clone(), programmes.clone())))
        .collect();
    for w in writers {
        w.await.expect("a writer finishes");
    }

    let fresh = count(
        &db,
        "SELECT program_id, state, CAST(COUNT(*) AS BIGINT) AS n FROM applications \
         GROUP BY program_id, state",
    )
    .await;
    let kept = count(&db, "SELECT program_id, state, n FROM queue_counts").await;
    assert!(
        fresh.len() > 3,
        "the writers left applications behind: {fresh:?}"
    );
    assert_eq!(kept, fresh);

    // And the queue reads them: its counts per state for these programmes.
    let shown: BTreeMap<String, i64> = db::reviews::kept_counts(&db, &programmes)
        .await
        .expect("kept counts")
        .into_iter()
        .collect();
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for ((_, state), n) in &fresh {
        if state != "draft" {
            *expected.entry(state.clone()).or_default() += n;
        }
    }
    expected.retain(|_, n| *n != 0);
    assert_eq!(
        shown
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .collect::<BTreeMap<_, _>>(),
        expected
    );
}
