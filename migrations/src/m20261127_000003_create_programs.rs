//! Support programmes, where they apply, and the yearly MCI values their limits are set in.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_mci_rates(manager).await?;
        create_programs(manager).await?;
        create_program_locations(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["program_locations", "programs", "mci_rates"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_mci_rates(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("mci_rates")
                // The monthly calculation index is re-set every January by the budget law;
                // limits written in MCI are shown in tenge with the value of the year.
                .col(integer("year").primary_key())
                .col(big_integer("tiyn"))
                .col(string("source"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await
}

async fn create_programs(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("programs")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(integer("organisation_id"))
                .col(string("kind"))
                .col(string("status"))
                .col(string("title_ru"))
                .col(string("title_kk"))
                .col(text("summary_ru"))
                .col(text("summary_kk"))
                .col(text("description_ru"))
                .col(text("description_kk"))
                // Limits are kept in the unit the programme's rules use: "kzt" (values in
                // tiyn) or "mci" (values in whole MCI), so a new year's MCI needs no edit.
                .col(string("amount_unit"))
                .col(big_integer_null("amount_min"))
                .col(big_integer_null("amount_max"))
                // Rates and fees in basis points (2.5 % = 250): integers, never floats.
                .col(integer_null("rate_min_bps"))
                .col(integer_null("rate_max_bps"))
                .col(integer_null("fee_bps"))
                .col(integer_null("term_months_max"))
                .col(integer_null("grace_months_max"))
                .col(string("collateral"))
                .col(text_null("collateral_note_ru"))
                .col(text_null("collateral_note_kk"))
                // Small closed lists stored as JSON arrays of codes; they are filtered in
                // the search index, not in SQL.
                .col(text("sectors"))
                .col(text("target_groups"))
                .col(date_null("intake_opens"))
                .col(date_null("deadline"))
                .col(text("how_to_apply_ru"))
                .col(text("how_to_apply_kk"))
                .col(text("required_documents"))
                // Structured eligibility rules (domain::criteria), validated on write.
                .col(text("criteria"))
                .col(string("source_url"))
                .col(string("source_name"))
                // Which published figures are uncertain, so the page can say so.
                .col(text("uncertain_fields"))
                .col(text_null("uncertain_note_ru"))
                .col(text_null("uncertain_note_kk"))
                // Demo regional variants are illustrative, and the page must say that.
                .col(boolean("demo_variant"))
                .col(string_null("variant_of"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_programs_organisation")
                        .from("programs", "organisation_id")
                        .to("organisations", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_programs_organisation_id")
                .table("programs")
                .col("organisation_id")
                .to_owned(),
        )
        .await
}

async fn create_program_locations(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("program_locations")
                .col(integer("program_id"))
                .col(string_len("location_code", 9))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("program_id").col("location_code"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_program_locations_program")
                        .from("program_locations", "program_id")
                        .to("programs", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_program_locations_location")
                        .from("program_locations", "location_code")
                        .to("locations", "code")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
    // "Which programmes apply in this region" starts from the location.
    manager
        .create_index(
            Index::create()
                .name("idx_program_locations_location_code")
                .table("program_locations")
                .col("location_code")
                .to_owned(),
        )
        .await
}
