//! How many applications each programme has in each state, kept by the database itself in the
//! same transaction as every change to an application (triggers on insert, on a change of state
//! or programme, and on delete), so that it can never drift from the rows, whatever writes them:
//! a step, the bulk loads, a test. The operator's queue read its counts per state by counting
//! every application of the organisation's programmes on each page (a million in one queue:
//! most of its 280 ms on SQLite); the unfiltered views now add up a few rows per programme.
//!
//! On PostgreSQL a count row is updated under a row lock held to the end of the transaction,
//! so two applications of one programme changing state at once queue for each other's commit
//! for that row: a few milliseconds, against a count that used to cost hundreds on every page.
//! A change takes its two rows' locks in one order (by programme, then state), so that two
//! applications moving opposite ways at once cannot deadlock.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Adds `delta` to the count of (`program`, `state`), creating the row at need.
fn bump(program: &str, state: &str, delta: &str) -> String {
    format!(
        "INSERT INTO queue_counts (program_id, state, n) VALUES ({program}, {state}, {delta}) \
         ON CONFLICT (program_id, state) DO UPDATE SET n = queue_counts.n + excluded.n;"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("queue_counts")
                    .col(integer("program_id"))
                    .col(string_len("state", 32))
                    .col(big_integer("n").default(0))
                    .primary_key(Index::create().col("program_id").col("state"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO queue_counts (program_id, state, n) \
             SELECT program_id, state, COUNT(*) FROM applications GROUP BY program_id, state",
        )
        .await?;
        let add_new = bump("NEW.program_id", "NEW.state", "1");
        let remove_old = bump("OLD.program_id", "OLD.state", "-1");
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION queue_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN \
                       IF TG_OP = 'INSERT' THEN {add_new} \
                       ELSIF TG_OP = 'DELETE' THEN {remove_old} \
                       ELSIF (NEW.program_id, NEW.state) < (OLD.program_id, OLD.state) THEN \
                         {add_new} {remove_old} \
                       ELSE {remove_old} {add_new} \
                       END IF; \
                       RETURN NULL; \
                     END $$"
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER queue_counts_insert_delete AFTER INSERT OR DELETE ON applications \
                     FOR EACH ROW EXECUTE FUNCTION queue_counts_follow()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER queue_counts_update AFTER UPDATE OF state, program_id ON applications \
                     FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state \
                     OR OLD.program_id IS DISTINCT FROM NEW.program_id) \
                     EXECUTE FUNCTION queue_counts_follow()",
                )
                .await?;
            }
            _ => {
                for sql in [
                    format!(
                        "CREATE TRIGGER queue_counts_insert AFTER INSERT ON applications \
                         BEGIN {add_new} END"
                    ),
                    format!(
                        "CREATE TRIGGER queue_counts_update AFTER UPDATE OF state, program_id \
                         ON applications WHEN OLD.state IS NOT NEW.state \
                         OR OLD.program_id IS NOT NEW.program_id \
                         BEGIN {remove_old} {add_new} END"
                    ),
                    format!(
                        "CREATE TRIGGER queue_counts_delete AFTER DELETE ON applications \
                         BEGIN {remove_old} END"
                    ),
                ] {
                    db.execute_unprepared(&sql).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER queue_counts_insert_delete ON applications; \
                     DROP TRIGGER queue_counts_update ON applications; \
                     DROP FUNCTION queue_counts_follow()",
                )
                .await?;
            }
            _ => {
                for name in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER queue_counts_{name}"))
                        .await?;
                }
            }
        }
        manager
            .drop_table(Table::drop().table("queue_counts").to_owned())
            .await
    }
}
