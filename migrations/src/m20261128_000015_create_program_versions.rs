//! Every change an operator makes to a programme (its fields, criteria, rubric, budget,
//! status) is kept as a version: who, when, and the whole programme as it then stood.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("program_versions")
                    // Append-only: rows are inserted, never updated.
                    .col(pk_auto("id"))
                    .col(integer("program_id"))
                    // 1, 2, … per programme.
                    .col(integer("version"))
                    // `edit`, `create` or the status it moved to (`open`, `paused`, `closed`).
                    .col(string_len("change", 20))
                    // The programme as it then stood (JSON: the editor's fields).
                    .col(text("data"))
                    .col(integer_null("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_program_versions_program")
                            .from("program_versions", "program_id")
                            .to("programs", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_program_versions_user")
                            .from("program_versions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_program_versions_program")
                    .table("program_versions")
                    .col("program_id")
                    .col("version")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("program_versions").to_owned())
            .await
    }
}
