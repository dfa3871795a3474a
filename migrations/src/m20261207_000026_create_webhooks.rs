//! Webhooks for operators' systems: the endpoints an organisation registers (each with the
//! secret its deliveries are signed with), and the deliveries themselves, a durable outbox
//! written in the same transaction as the event, tried until the receiver takes them (in order
//! per application) and kept as the delivery log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook_endpoints")
                    .col(pk_auto("id"))
                    .col(integer("organisation_id"))
                    .col(string_len("url", 500))
                    // Used to sign every delivery, so kept as it is; shown once, when made.
                    .col(string_len("secret", 100))
                    .col(integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhook_endpoints", "organisation_id")
                            .to("organisations", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(pk_auto("id"))
                    .col(integer("endpoint_id"))
                    .col(integer_null("application_id"))
                    .col(string_len("event", 40))
                    .col(text("payload"))
                    // "pending", "delivered" or "failed" (given up after the last attempt).
                    .col(string_len("state", 16))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_at"))
                    .col(integer_null("last_status"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhook_deliveries", "endpoint_id")
                            .to("webhook_endpoints", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table("webhook_deliveries")
                    .col("state")
                    .col("next_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_endpoint")
                    .table("webhook_deliveries")
                    .col("endpoint_id")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_deliveries", "webhook_endpoints"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
