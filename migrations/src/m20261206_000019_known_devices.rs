//! Known devices: a browser that has signed in to an account before, by the hash of its device
//! cookie. Sign-in judges such a device by its own failures only, so that someone else's
//! guessing at the account (or from the same shared address) does not lock its owner out.
//! One browser can be known for several accounts (a shared computer in an akimat).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("known_devices")
                    // SHA-256 of the device cookie's random token: a leaked row cannot be
                    // replayed as a cookie.
                    .col(string_len("token_hash", 64))
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    // The device's last successful sign-in to the account; a device unseen
                    // for longer than the cookie lives is no longer known (and is pruned).
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .primary_key(Index::create().col("token_hash").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_known_devices_user")
                            .from("known_devices", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_known_devices_user_seen")
                    .table("known_devices")
                    .col("user_id")
                    .col("last_seen_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("known_devices").to_owned())
            .await
    }
}
