//! The search outbox: every change to a programme leaves a row here in the same transaction, and
//! background workers apply the rows to the search indexes, so the database (the source of
//! truth) and the indexes converge after any fault.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("search_outbox")
                    // Monotonic: followers (each instance's embedded index) read rows in id
                    // order after the last id they applied.
                    .col(big_pk_auto("id"))
                    // No foreign key: the row that removes a deleted programme from the index
                    // must outlive the programme.
                    .col(integer("program_id"))
                    // "upsert" or "delete", for the log; applying always reads the programme's
                    // current state, which makes it idempotent and order-insensitive.
                    .col(string("op"))
                    // For the shared index (Meilisearch): retries with backoff, then applied.
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone_null("next_attempt_at"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("applied_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        // Claiming pending rows in order: WHERE applied_at IS NULL ORDER BY id.
        manager
            .create_index(
                Index::create()
                    .name("idx_search_outbox_applied_at_id")
                    .table("search_outbox")
                    .col("applied_at")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("search_state")
                    // Small named counters, e.g. the last outbox id pruned: a follower that is
                    // behind it has missed rows and must rebuild from the database.
                    .col(string("key").primary_key())
                    .col(big_integer("value"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["search_state", "search_outbox"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
