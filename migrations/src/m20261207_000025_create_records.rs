//! Documents of record: a filing receipt at submission and a decision letter at approval,
//! refusal and payment. Each keeps what it proves (the facts, as JSON) and the code anyone
//! holding it can check at `/verify/{code}`; a later event may supersede it (an appeal that
//! sets a refusal aside).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("records")
                    .col(pk_auto("id"))
                    // Twelve characters of Crockford's base32, as printed (without dashes).
                    .col(string_len("code", 16))
                    .col(integer("application_id"))
                    // "receipt", "approved", "rejected" or "disbursed".
                    .col(string_len("kind", 16))
                    .col(text("facts"))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone_null("superseded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("records", "application_id")
                            .to("applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_records_code")
                    .table("records")
                    .col("code")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_records_application")
                    .table("records")
                    .col("application_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("records").to_owned())
            .await
    }
}
