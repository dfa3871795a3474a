//! Assisted filing: akimat staff start an application for a resident who has no account or no
//! device, with the resident's recorded consent; the resident later claims it by phone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("assisted_filings")
                    // One per application; never changed once written.
                    .col(integer("application_id").primary_key())
                    .col(string_len("okrug_code", 9))
                    // Who started it, and for whom.
                    .col(integer("staff_user_id"))
                    .col(integer("resident_user_id"))
                    // How the resident consented: `paper` (a signed form, scanned) or
                    // `phone_code` (a code sent to their phone and read back to the staff).
                    .col(string_len("consent_method", 20))
                    // The scan, stored like a document (`DATA_DIR/uploads/<sha256>`).
                    .col(string_len_null("consent_sha256", 64))
                    .col(string_len_null("consent_file_name", 255))
                    .col(timestamp_with_time_zone("consented_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assisted_filings_application")
                            .from("assisted_filings", "application_id")
                            .to("applications", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assisted_filings_staff")
                            .from("assisted_filings", "staff_user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assisted_filings_resident")
                            .from("assisted_filings", "resident_user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("consent_codes")
                    .col(pk_auto("id"))
                    .col(integer("staff_user_id"))
                    .col(string_len("phone", 20))
                    // SHA-256 of the code: the code itself is only in the message.
                    .col(string_len("code_hash", 64))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consent_codes_staff")
                            .from("consent_codes", "staff_user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_codes_staff_phone")
                    .table("consent_codes")
                    .col("staff_user_id")
                    .col("phone")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("consent_codes").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("assisted_filings").to_owned())
            .await
    }
}
