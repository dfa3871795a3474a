//! Indexes for the review queue's views at a million applications (measured by
//! `server/benches/queue.rs`): a region, district or okrug filter (the area's code range first,
//! then programme and state, so that the filter is read from the index), the largest amounts
//! first (walked in order, stopping at a page), and, on PostgreSQL only, the longest-waiting
//! first (PostgreSQL cannot keep an index's order across a list of programmes and states and
//! otherwise sorts the whole queue).
//!
//! None of them starts with `(program_id, state)`: SQLite breaks a tie between equally good
//! indexes by taking the newest, and a new `(program_id, state, …)` index took the default view
//! away from migration 014's `(program_id, state, state_at)`, which holds its order (measured:
//! 1.2 s instead of 0.3 s at a million applications).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 2] = [
    (
        "idx_applications_area_program_state",
        &["settlement_code", "program_id", "state"],
    ),
    ("idx_applications_amount", &["amount_kzt", "id"]),
];

/// PostgreSQL only (see the top of the file).
const WAITING: (&str, &[&str]) = ("idx_applications_state_at", &["state_at", "id"]);

fn postgres(manager: &SchemaManager<'_>) -> bool {
    manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let waiting = postgres(manager).then_some(WAITING);
        for (name, cols) in INDEXES.into_iter().chain(waiting) {
            let mut index = Index::create();
            index.name(name).table("applications");
            for c in cols {
                index.col(*c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let waiting = postgres(manager).then_some(WAITING);
        for (name, _) in INDEXES.into_iter().chain(waiting) {
            manager
                .drop_index(Index::drop().name(name).table("applications").to_owned())
                .await?;
        }
        Ok(())
    }
}
