//! Saved searches, the programmes each has already announced, and in-app notifications.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("saved_searches")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    // `search`: a catalogue query; `matches`: the owner's eligible programmes.
                    .col(string("kind"))
                    // The catalogue query string, canonical (empty for `matches`).
                    .col(text("query"))
                    // A random token for the one-click unsubscribe link in e-mails. Kept as
                    // is, not hashed: every e-mail repeats it, and all it can do is
                    // unsubscribe.
                    .col(string_len("unsubscribe_token", 64).unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_saved_searches_user")
                            .from("saved_searches", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_saved_searches_user_id")
                    .table("saved_searches")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("saved_search_hits")
                    // One row per programme a saved search has matched: the primary key is
                    // what makes an alert fire once, even with two workers racing.
                    .col(integer("saved_search_id"))
                    .col(integer("program_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("saved_search_id").col("program_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_saved_search_hits_search")
                            .from("saved_search_hits", "saved_search_id")
                            .to("saved_searches", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_saved_search_hits_program")
                            .from("saved_search_hits", "program_id")
                            .to("programs", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(integer("program_id"))
                    .col(integer_null("saved_search_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_user")
                            .from("notifications", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_program")
                            .from("notifications", "program_id")
                            .to("programs", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_saved_search")
                            .from("notifications", "saved_search_id")
                            .to("saved_searches", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_user_read")
                    .table("notifications")
                    .col("user_id")
                    .col("read_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["notifications", "saved_search_hits", "saved_searches"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
