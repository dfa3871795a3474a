//! Entrepreneurs' profiles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("profiles")
                    // One profile per account.
                    .col(integer("user_id").primary_key())
                    // The profile as the domain's `Profile` in JSON: nearly twenty optional
                    // facts, read and written whole and validated by the domain both ways.
                    // The facts other tables or reports select on are columns beside it.
                    .col(text("data"))
                    // An IIN belongs to one person: two accounts cannot claim the same one.
                    .col(string_len_null("iin", 12).unique_key())
                    // The settlement, for per-okrug figures.
                    .col(string_len_null("settlement_code", 9))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_profiles_user")
                            .from("profiles", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_profiles_settlement")
                            .from("profiles", "settlement_code")
                            .to("locations", "code")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_profiles_settlement_code")
                    .table("profiles")
                    .col("settlement_code")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("profiles").to_owned())
            .await
    }
}
