//! The KATO location directory: region → district → rural okrug → settlement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("locations")
                    // The 9-digit KATO code is the national key of a unit; every other table
                    // refers to locations by it, so it is the primary key.
                    .col(string_len("code", 9).primary_key())
                    // No foreign key to itself: the classifier is loaded and replaced as a
                    // whole, and a self-reference would force row-by-row ordering on reloads.
                    .col(string_len_null("parent_code", 9))
                    // 1 region or city of republican significance, 2 district, 3 rural okrug or
                    // akimat (the akim's unit), 4 settlement. Derived from the code, stored so
                    // that "all okrugs of a district" is an indexed query.
                    .col(small_integer("level"))
                    .col(string("name_ru"))
                    .col(string_null("name_kk"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_locations_parent_code")
                    .table("locations")
                    .col("parent_code")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_locations_level")
                    .table("locations")
                    .col("level")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("locations").to_owned())
            .await
    }
}
