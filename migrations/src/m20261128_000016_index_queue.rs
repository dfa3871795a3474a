//! Indexes for the review queue's views at a million applications (measured by
//! `server/benches/queue.rs`): a region, district or okrug filter, the largest amounts first,
//! and (for PostgreSQL, which cannot keep an index's order across a list of programmes and
//! states) the longest-waiting first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 3] = [
    (
        "idx_applications_program_state_settlement",
        &["program_id", "state", "settlement_code"],
    ),
    (
        "idx_applications_program_state_amount",
        &["program_id", "state", "amount_kzt"],
    ),
    ("idx_applications_state_at", &["state_at", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in INDEXES {
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
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table("applications").to_owned())
                .await?;
        }
        Ok(())
    }
}
