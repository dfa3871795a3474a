//! Residents' complaints: about an operator's handling of an application (answered by the
//! organisation's administrator) or about an okrug's akimat (answered by the district
//! akimat's staff). Each is due in 15 working days and escalated to the platform's staff
//! when late. The public okrug report counts them, never their text or their author.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("complaints")
                    .col(pk_auto("id"))
                    .col(integer("author_id"))
                    // "operator" or "akimat".
                    .col(string_len("about", 16))
                    // What went wrong, from a short list (`domain::complaint::Reason`).
                    .col(string_len("reason", 32))
                    .col(text("text"))
                    // The application it is about; an akimat complaint may have none.
                    .col(integer_null("application_id"))
                    // The operator complained about (or whose programme it was).
                    .col(integer_null("organisation_id"))
                    // The okrug whose public report counts it (the akimat complained about, or
                    // where the applicant's business is).
                    .col(string_len_null("okrug_code", 9))
                    // The district whose akimat answers a complaint about an okrug akimat.
                    .col(string_len_null("district_code", 9))
                    // Who answers for it now; `None` while nobody holds the role.
                    .col(integer_null("owner_id"))
                    .col(timestamp_with_time_zone("filed_at"))
                    // 15 working days after filing, by Kazakhstan's calendar.
                    .col(date("due_on"))
                    .col(timestamp_with_time_zone_null("escalated_at"))
                    .col(text_null("answer"))
                    .col(integer_null("answered_by"))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("complaints", "author_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("complaints", "application_id")
                            .to("applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_complaints_author", &["author_id"][..]),
            (
                "idx_complaints_organisation",
                &["organisation_id", "answered_at"][..],
            ),
            (
                "idx_complaints_district",
                &["district_code", "answered_at"][..],
            ),
            ("idx_complaints_okrug", &["okrug_code"][..]),
            // The sweep that escalates late ones.
            (
                "idx_complaints_due",
                &["answered_at", "escalated_at", "due_on"][..],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("complaints");
            for c in cols {
                index.col(*c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("complaints").to_owned())
            .await
    }
}
