//! Applications, their append-only events and their documents; notifications learn to point
//! at an application's event.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_applications(manager).await?;
        create_application_events(manager).await?;
        create_application_documents(manager).await?;
        link_notifications_to_events(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["event_id", "application_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("notifications")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            "application_documents",
            "application_events",
            "applications",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The applications, indexed for a user's list and a programme's decisions.
async fn create_applications(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("applications")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(integer("program_id"))
                // `app::domain::application::State`; changed only together with an event.
                .col(string_len("state", 20))
                // Bumped by every change: a change based on an older version is refused.
                .col(integer("version"))
                // The form as typed, field by field (JSON): a draft keeps even what does
                // not validate yet, so nothing typed is lost; submitting validates it.
                .col(text("data"))
                // Filled at submission, for queues and reports.
                .col(big_integer_null("amount_kzt"))
                .col(string_len_null("settlement_code", 9))
                // "user:programme" while the application is open, NULL once it is final:
                // the unique key makes a double click on "apply" open one application.
                .col(string_len_null("open_key", 40).unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_applications_user")
                        .from("applications", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_applications_program")
                        .from("applications", "program_id")
                        .to("programs", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
    for (name, cols) in [
        ("idx_applications_user", &["user_id", "id"][..]),
        (
            "idx_applications_program_decided",
            &["program_id", "decided_at"][..],
        ),
    ] {
        let mut index = Index::create();
        index.name(name).table("applications");
        for c in cols {
            index.col(*c);
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

async fn create_application_events(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("application_events")
                // Append-only: rows are inserted, never updated or deleted.
                .col(pk_auto("id"))
                .col(integer("application_id"))
                // The application's version after this event.
                .col(integer("version"))
                // `create` or a `Step`.
                .col(string_len("step", 20))
                .col(string_len_null("from_state", 20))
                .col(string_len("to_state", 20))
                .col(integer_null("actor_user_id"))
                // The actor's role at the time (roles change; the record does not).
                .col(string_len("actor_role", 20))
                .col(text_null("reason"))
                // What changed, as JSON: the submitted form, the items asked for, an answer.
                .col(text("data"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_application_events_application")
                        .from("application_events", "application_id")
                        .to("applications", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_application_events_actor")
                        .from("application_events", "actor_user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_application_events_application")
                .table("application_events")
                .col("application_id")
                .col("id")
                .to_owned(),
        )
        .await
}

async fn create_application_documents(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("application_documents")
                .col(pk_auto("id"))
                .col(integer("application_id"))
                // Which of the programme's required documents this is (its position);
                // NULL for anything else, such as a file sent with an answer.
                .col(integer_null("slot"))
                .col(string_len("file_name", 200))
                .col(string_len("content_type", 40))
                .col(big_integer("size"))
                // The file's name under DATA_DIR/uploads.
                .col(string_len("sha256", 64))
                .col(integer("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                // Replaced or removed in a draft: kept for the record, no longer shown.
                .col(timestamp_with_time_zone_null("removed_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_application_documents_application")
                        .from("application_documents", "application_id")
                        .to("applications", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_application_documents_uploader")
                        .from("application_documents", "uploaded_by")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_application_documents_application")
                .table("application_documents")
                .col("application_id")
                .to_owned(),
        )
        .await
}

/// One column per statement: SQLite alters a table one change at a time. No foreign
/// keys either (SQLite cannot add one to an existing table); the service writes both
/// columns together with the event they name.
async fn link_notifications_to_events(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for column in ["application_id", "event_id"] {
        manager
            .alter_table(
                Table::alter()
                    .table("notifications")
                    .add_column(integer_null(column))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}
