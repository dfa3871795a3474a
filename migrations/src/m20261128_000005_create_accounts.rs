//! Accounts, sessions, password resets, invitations, rate limits and the security audit log.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_users(manager).await?;
        create_sessions(manager).await?;
        create_password_resets(manager).await?;
        create_invitations(manager).await?;
        create_rate_limits(manager).await?;
        create_audit_log(manager).await?;
        make_audit_log_append_only(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
                .await?;
        }
        for table in [
            "audit_log",
            "rate_limits",
            "invitations",
            "password_resets",
            "sessions",
            "users",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_users(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                // Sign-in is by phone (+77xxxxxxxxx) or e-mail, both stored normalised;
                // at least one is set (checked in the domain), each unique.
                .col(string_null("phone").unique_key())
                .col(string_null("email").unique_key())
                // An argon2id PHC string; never leaves the server.
                .col(string("password_hash"))
                .col(string("display_name"))
                // entrepreneur, akim, akimat_staff, operator, org_admin or admin.
                .col(string("role"))
                // The okrug an akim or akimat staff member answers for.
                .col(string_len_null("okrug_code", 9))
                // The organisation an operator works for.
                .col(integer_null("organisation_id"))
                // Demo accounts are refused in production mode.
                .col(boolean("demo").default(false))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_users_organisation")
                        .from("users", "organisation_id")
                        .to("organisations", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_users_okrug")
                        .from("users", "okrug_code")
                        .to("locations", "code")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
}

async fn create_sessions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("sessions")
                // SHA-256 of the cookie's random token: a leaked table row cannot be
                // replayed as a cookie.
                .col(string_len("id_hash", 64).primary_key())
                .col(integer("user_id"))
                .col(timestamp_with_time_zone("last_seen_at"))
                // Absolute expiry; idle expiry is last_seen_at + the idle limit.
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from("sessions", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_sessions_user_id")
                .table("sessions")
                .col("user_id")
                .to_owned(),
        )
        .await
}

async fn create_password_resets(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("password_resets")
                .col(string_len("token_hash", 64).primary_key())
                .col(integer("user_id"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_password_resets_user")
                        .from("password_resets", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

async fn create_invitations(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("invitations")
                .col(pk_auto("id"))
                // The link carries the token; only its hash is kept.
                .col(string_len_uniq("token_hash", 64))
                .col(string("role"))
                .col(string_len_null("okrug_code", 9))
                .col(integer_null("organisation_id"))
                // Who the invitation is for, as a note for the inviter.
                .col(string("note"))
                .col(integer("invited_by"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(integer_null("accepted_by"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_invitations_inviter")
                        .from("invitations", "invited_by")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
}

async fn create_rate_limits(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("rate_limits")
                // e.g. "sign_in:ip:203.0.113.7" or "sign_in:account:+77011234567"; kept in
                // the database so every app instance counts together.
                .col(string("bucket").primary_key())
                .col(timestamp_with_time_zone("window_start"))
                .col(integer("hits"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await
}

async fn create_audit_log(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                // sign_in, sign_in_failed, sign_out, sign_up, password_changed,
                // password_reset_requested, password_reset, invitation_created,
                // invitation_accepted, invitation_revoked, role_changed, staff_removed.
                .col(string("event"))
                // Whom it concerns, and who did it (they differ for invitations and
                // removals); null when unknown (a failed sign-in for no account).
                .col(integer_null("user_id"))
                .col(integer_null("actor_id"))
                .col(string_null("ip"))
                .col(text("detail"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_audit_log_user_id")
                .table("audit_log")
                .col("user_id")
                .to_owned(),
        )
        .await
}

/// Append-only: the database itself refuses to change or remove an entry, whatever the
/// application code does.
async fn make_audit_log_append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            )
            .await?;
        }
        DatabaseBackend::Sqlite => {
            for (name, op) in [("update", "UPDATE"), ("delete", "DELETE")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER audit_log_no_{name} BEFORE {op} ON audit_log \
                         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                ))
                .await?;
            }
        }
        _ => {}
    }
    Ok(())
}
