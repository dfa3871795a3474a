//! Appeals against a refusal: the applicant's reasons and files, the akimat's support, and the
//! outcome decided by someone other than the reviewer who refused. A programme sets how many
//! days after a refusal an appeal may be filed (`programs.appeal_days`, 30 when empty).
//!
//! One appeal per refusal: the refusal's event is unique here. An application refused again
//! after an overturned appeal may be appealed again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("programs")
                    .add_column(integer_null("appeal_days"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("appeals")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    // The programme's operator (kept here for its list of open appeals).
                    .col(integer("organisation_id"))
                    // The refusal appealed (an `application_events` row) and who made it: they
                    // may not decide the appeal.
                    .col(integer("refusal_event_id"))
                    .col(integer_null("refused_by"))
                    .col(integer("filed_by"))
                    .col(text("reasons"))
                    // The ids of the files filed with it (JSON array of application documents).
                    .col(text("files"))
                    .col(timestamp_with_time_zone("filed_at"))
                    // The day the operator is to decide by (Kazakhstan's calendar day).
                    .col(date("due_on"))
                    .col(integer_null("support_by"))
                    .col(text_null("support"))
                    .col(timestamp_with_time_zone_null("support_at"))
                    // "upheld" or "overturned"; empty while open.
                    .col(string_len_null("outcome", 16))
                    .col(text_null("answer"))
                    .col(integer_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("appeals", "application_id")
                            .to("applications", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("appeals", "refusal_event_id")
                            .to("application_events", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("appeals", "filed_by")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_appeals_refusal")
                    .table("appeals")
                    .col("refusal_event_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_appeals_application")
                    .table("appeals")
                    .col("application_id")
                    .to_owned(),
            )
            .await?;
        // The operator's list of open appeals, oldest due first.
        manager
            .create_index(
                Index::create()
                    .name("idx_appeals_open")
                    .table("appeals")
                    .col("organisation_id")
                    .col("outcome")
                    .col("due_on")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("appeals").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("programs")
                    .drop_column("appeal_days")
                    .to_owned(),
            )
            .await
    }
}
