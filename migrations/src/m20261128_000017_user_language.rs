//! The language each person reads: `users.lang` (`kk`, `ru` or `en`), the interface language
//! they last signed up or signed in with. E-mails go out in it; before anyone has one, in Kazakh
//! and Russian together.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(ColumnDef::new("lang").string_len(2).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("users").drop_column("lang").to_owned())
            .await
    }
}
