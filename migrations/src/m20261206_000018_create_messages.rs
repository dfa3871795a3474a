//! The message outbox: every SMS and e-mail the platform owes a person is a row written in the
//! same transaction as the event that causes it (a decision, a code, an alert), so a crash or a
//! provider's outage delays a message but never loses it. Workers on any instance claim rows
//! with a lease, deliver them, follow an SMS until its delivery is final, and retry with
//! backoff. And the codes sent by SMS that prove a phone (a password reset, a new number).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("messages")
                    .col(big_pk_auto("id"))
                    // No foreign keys: the record of what was sent outlives an account or an
                    // application (the admin's view and the month's cost read it).
                    .col(integer_null("user_id"))
                    .col(integer_null("application_id"))
                    // Who else to tell when the message cannot be delivered: the akimat staff
                    // member who filed for the resident.
                    .col(integer_null("fallback_user_id"))
                    // "sms" or "email".
                    .col(string("channel"))
                    // A phone in international form or an e-mail address.
                    .col(string("recipient"))
                    // What the message is (e.g. "reset_code", "transition") and the values it
                    // was made from, as JSON: the admin's view and the template tests read them.
                    .col(string("template"))
                    .col(text("params"))
                    .col(string_len_null("lang", 2))
                    // "urgent" (codes, information requests, decisions), "normal", or "bulk"
                    // (alerts: SMS only between 09:00 and 21:00 Asia/Almaty).
                    .col(string("urgency"))
                    // Rendered when the event happens, in the reader's language.
                    .col(text("subject"))
                    .col(text("body"))
                    // A code or a sign-in link: the body is blanked once the message is final.
                    .col(boolean("secret").default(false))
                    .col(string_null("unsubscribe_url"))
                    // pending → sending → sent → delivered | failed | undeliverable, or
                    // cancelled by the platform admin.
                    .col(string("state"))
                    .col(integer("attempts").default(0))
                    // When a worker may next take the row: the next try, the next delivery
                    // check of a sent SMS, or the end of the quiet hours.
                    .col(timestamp_with_time_zone_null("next_attempt_at"))
                    // The worker that took the row, and until when it holds it: a worker that
                    // died mid-send leaves a lease that runs out, and another takes the row.
                    .col(string_null("lease_owner"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(string_null("provider"))
                    .col(string_null("provider_id"))
                    // Parts counted before sending (UCS-2: 70 characters, 67 per part after).
                    .col(integer("segments").default(0))
                    .col(big_integer_null("cost_tiyn"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        // Claiming: WHERE state IN (…) AND next_attempt_at <= now ORDER BY next_attempt_at.
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_state_next")
                    .table("messages")
                    .col("state")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        // The daily cap per phone and the month's parts: by recipient and by time.
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_recipient_created")
                    .table("messages")
                    .col("recipient")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_channel_created")
                    .table("messages")
                    .col("channel")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        create_phone_codes(manager).await?;
        add_user_columns(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["alerts_by_message", "alerts_in_app", "phone_verified_at"] {
            manager
                .alter_table(Table::alter().table("users").drop_column(column).to_owned())
                .await?;
        }
        for table in ["phone_codes", "messages"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The codes sent by SMS that prove a phone (a reset, a new number).
async fn create_phone_codes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("phone_codes")
                .col(pk_auto("id"))
                .col(string("phone"))
                // "reset" (a new password) or "verify" (the number is the person's).
                .col(string("purpose"))
                // SHA-256 of the phone, the purpose and the six digits: never the code.
                .col(string("code_hash"))
                // Wrong tries; the code is spent at five.
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_phone_codes_phone_purpose")
                .table("phone_codes")
                .col("phone")
                .col("purpose")
                .col("created_at")
                .to_owned(),
        )
        .await
}

/// The columns of `users` this feature adds: a proved phone, and which alerts a person wants.
async fn add_user_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // When the account's phone was proved by a code. Accounts that existed before codes
    // were sent keep working: their numbers have been in use, so they count as proved.
    manager
        .alter_table(
            Table::alter()
                .table("users")
                .add_column(
                    ColumnDef::new("phone_verified_at")
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
    manager
        .get_connection()
        .execute_unprepared(
            "UPDATE users SET phone_verified_at = created_at WHERE phone IS NOT NULL",
        )
        .await?;
    // Which messages that are not owed (alerts about new programmes) a person wants, per
    // channel: in the bell, and by SMS or e-mail (whichever their login is). Codes,
    // decisions and information requests are owed and always sent.
    for column in ["alerts_in_app", "alerts_by_message"] {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(ColumnDef::new(column).boolean().not_null().default(true))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}
