//! Public okrug reports: each okrug's figures are kept computed, so a district, region or
//! country page sums about 2,300 stored rows instead of reading a million applications.
//!
//! Every write that changes an okrug's figures bumps its `generation` in the same transaction;
//! a row whose `computed_generation` is behind is recomputed (by the worker, or by the first
//! page that needs it). A write during a recomputation leaves the row behind again, so no
//! change is ever lost to a race.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("okrug_reports")
                    .col(string_len("okrug_code", 9).primary_key())
                    .col(big_integer("generation"))
                    .col(big_integer("computed_generation"))
                    // `app::domain::report::Figures` as JSON; NULL until first computed.
                    .col(text_null("figures"))
                    .col(timestamp_with_time_zone_null("computed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_okrug_reports_stale")
                    .table("okrug_reports")
                    .col("computed_generation")
                    .col("generation")
                    .to_owned(),
            )
            .await?;
        // An okrug's applications are found by the range of its settlements' codes.
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_settlement")
                    .table("applications")
                    .col("settlement_code")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_applications_settlement")
                    .table("applications")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("okrug_reports").to_owned())
            .await
    }
}
