//! The operators' back office: budget envelopes that approvals can never overspend, reviewers
//! assigned to applications, their rubric scores and private notes, and the decision figures
//! (approved and paid amounts, the information request's due date, when the state last
//! changed) that queues and reports read.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns added to `applications`, one statement each (SQLite alters one change at a time).
fn application_columns() -> Vec<ColumnDef> {
    vec![
        // The operator's approved amount (whole tenge); what the budget counts.
        big_integer_null("approved_kzt"),
        // The amount paid out, from the disbursement record.
        big_integer_null("disbursed_kzt"),
        // When the state last changed: "days in state" in the queue.
        timestamp_with_time_zone_null("state_at"),
        // The date an open information request asks for an answer by.
        date_null("info_due_on"),
    ]
}

fn program_columns() -> Vec<ColumnDef> {
    vec![
        // The weighted scoring rubric, JSON (`app::domain::review::Rubric`).
        text("rubric").default("[]").take(),
        // How many days a decision should take; the queue colours applications past it.
        integer_null("target_days"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_decision_columns(manager).await?;
        create_budget_envelopes(manager).await?;
        create_review_assignments(manager).await?;
        create_review_scores(manager).await?;
        create_review_notes(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "review_notes",
            "review_scores",
            "review_assignments",
            "budget_envelopes",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_applications_program_state")
                    .table("applications")
                    .to_owned(),
            )
            .await?;
        for column in ["target_days", "rubric"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("programs")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in ["info_due_on", "state_at", "disbursed_kzt", "approved_kzt"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("applications")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// The new `applications` and `programs` columns, filled for the applications that exist, and
/// the queue's index over them.
async fn add_decision_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for mut column in application_columns() {
        manager
            .alter_table(
                Table::alter()
                    .table("applications")
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
    }
    for mut column in program_columns() {
        manager
            .alter_table(
                Table::alter()
                    .table("programs")
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
    }
    // Applications that exist have been in their state since their last change.
    manager
        .get_connection()
        .execute_unprepared("UPDATE applications SET state_at = updated_at")
        .await?;
    // The queue: an organisation's applications by state, the longest waiting first.
    manager
        .create_index(
            Index::create()
                .name("idx_applications_program_state")
                .table("applications")
                .col("program_id")
                .col("state")
                .col("state_at")
                .to_owned(),
        )
        .await
}

async fn create_budget_envelopes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("budget_envelopes")
                .col(pk_auto("id"))
                .col(integer("program_id"))
                // `all` for the programme's whole envelope, or a region's 9-digit KATO
                // code for the part set aside for that region.
                .col(string_len("area", 9))
                .col(big_integer("total_kzt"))
                // Sums of the approvals and disbursements charged to it. An approval adds
                // its amount with a conditional update in the approval's transaction.
                .col(big_integer("approved_kzt").default(0))
                .col(big_integer("disbursed_kzt").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                // The last line of defence: whatever the code does, the database refuses
                // a row whose approvals exceed its envelope.
                .check(Expr::col("approved_kzt").lte(Expr::col("total_kzt")))
                .check(Expr::col("total_kzt").gte(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_budget_envelopes_program")
                        .from("budget_envelopes", "program_id")
                        .to("programs", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_budget_envelopes_program_area")
                .table("budget_envelopes")
                .col("program_id")
                .col("area")
                .unique()
                .to_owned(),
        )
        .await
}

async fn create_review_assignments(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("review_assignments")
                .col(integer("application_id"))
                .col(integer("user_id"))
                .col(integer("assigned_by"))
                .col(timestamp_with_time_zone("assigned_at"))
                .primary_key(Index::create().col("application_id").col("user_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_assignments_application")
                        .from("review_assignments", "application_id")
                        .to("applications", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_assignments_user")
                        .from("review_assignments", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_review_assignments_user")
                .table("review_assignments")
                .col("user_id")
                .col("application_id")
                .to_owned(),
        )
        .await
}

async fn create_review_scores(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("review_scores")
                .col(integer("application_id"))
                .col(integer("user_id"))
                // Criterion key → 0..5, JSON; empty when the reviewer abstained.
                .col(text("scores"))
                // Stepped aside for a conflict of interest, with what the conflict is.
                .col(boolean("abstained"))
                .col(text_null("comment"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("application_id").col("user_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_scores_application")
                        .from("review_scores", "application_id")
                        .to("applications", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_scores_user")
                        .from("review_scores", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
}

async fn create_review_notes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("review_notes")
                // The operator's private notes: never shown to the applicant or the akim.
                .col(pk_auto("id"))
                .col(integer("application_id"))
                .col(integer("user_id"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_notes_application")
                        .from("review_notes", "application_id")
                        .to("applications", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_notes_user")
                        .from("review_notes", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_review_notes_application")
                .table("review_notes")
                .col("application_id")
                .col("id")
                .to_owned(),
        )
        .await
}
