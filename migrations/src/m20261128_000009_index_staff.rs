//! Finding an organisation's or an okrug's staff without reading every account: each
//! submission tells the operator's staff, and the accounts table holds every entrepreneur.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in [
            ("idx_users_organisation_id", "organisation_id"),
            ("idx_users_okrug_code", "okrug_code"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("users")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_users_okrug_code", "idx_users_organisation_id"] {
            manager
                .drop_index(Index::drop().name(name).table("users").to_owned())
                .await?;
        }
        Ok(())
    }
}
