//! An application's events are its record: the database itself refuses to change or remove
//! one, whatever the application code does (as for the audit log).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION application_events_append_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'application_events is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER application_events_append_only BEFORE UPDATE OR DELETE \
                     ON application_events FOR EACH ROW \
                     EXECUTE FUNCTION application_events_append_only()",
                )
                .await?;
            }
            DatabaseBackend::Sqlite => {
                for (name, op) in [("update", "UPDATE"), ("delete", "DELETE")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER application_events_no_{name} BEFORE {op} \
                         ON application_events \
                         BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END"
                    ))
                    .await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "DROP FUNCTION IF EXISTS application_events_append_only() CASCADE",
                )
                .await?;
            }
            DatabaseBackend::Sqlite => {
                for name in ["update", "delete"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS application_events_no_{name}"
                    ))
                    .await?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
