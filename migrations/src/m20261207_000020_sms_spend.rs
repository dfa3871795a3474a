//! What SMS cost per calendar month (Asia/Almaty): the parts handed to the provider and their
//! price where it said. Kept as one row a month, added to in the transaction that records a
//! message as sent, so that the monthly limit (checked by every batch of the delivery worker)
//! and `/healthz` read one row instead of summing a month of messages. Filled at creation from
//! the messages already sent.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sms_spend")
                    // `2026-12`: the month in Asia/Almaty (UTC+5).
                    .col(string_len("month", 7).primary_key())
                    .col(big_integer("segments").default(0))
                    .col(big_integer("cost_tiyn").default(0))
                    .to_owned(),
            )
            .await?;
        let month = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "to_char((sent_at AT TIME ZONE 'UTC') + interval '5 hours', 'YYYY-MM')"
            }
            _ => "strftime('%Y-%m', sent_at, '+5 hours')",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO sms_spend (month, segments, cost_tiyn) \
                 SELECT {month}, SUM(segments), SUM(COALESCE(cost_tiyn, 0)) FROM messages \
                 WHERE channel = 'sms' AND sent_at IS NOT NULL GROUP BY {month}"
            ))
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("sms_spend").to_owned())
            .await
    }
}
