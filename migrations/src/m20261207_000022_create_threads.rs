//! The conversation on an application: messages between the applicant, the operator's staff
//! and (when the applicant asked for a recommendation or was filed for) the okrug's akimat,
//! their attached files (rows of `application_documents`), and how far each person has read.
//!
//! Messages are append-only, like the events: nothing is edited or deleted, so that what an
//! institution told a villager stays on record.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("thread_messages")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    .col(integer("author_id"))
                    // "applicant", "operator" or "akimat": the side the author wrote for.
                    .col(string_len("side", 16))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("thread_messages", "application_id")
                            .to("applications", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("thread_messages", "author_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_thread_messages_application")
                    .table("thread_messages")
                    .col("application_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("thread_files")
                    .col(integer("message_id"))
                    .col(integer("document_id"))
                    .primary_key(Index::create().col("message_id").col("document_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("thread_files", "message_id")
                            .to("thread_messages", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("thread_files", "document_id")
                            .to("application_documents", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // The last message each person has seen on each application: unread counts, "read"
        // marks, and whether a new message needs a notice (one per unread stretch).
        manager
            .create_table(
                Table::create()
                    .table("thread_reads")
                    .col(integer("application_id"))
                    .col(integer("user_id"))
                    .col(integer("last_read_id"))
                    .col(timestamp_with_time_zone("read_at"))
                    .primary_key(Index::create().col("application_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("thread_reads", "application_id")
                            .to("applications", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["thread_reads", "thread_files", "thread_messages"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
