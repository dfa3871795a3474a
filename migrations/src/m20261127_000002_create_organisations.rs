//! Operators: the funds, lenders and grant commissions that publish programmes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("organisations")
                    .col(pk_auto("id"))
                    // Stable public handle used in URLs and in the seed files.
                    .col(string_uniq("slug"))
                    .col(string("kind"))
                    .col(string("name_ru"))
                    .col(string("name_kk"))
                    .col(string_null("website"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("organisations").to_owned())
            .await
    }
}
