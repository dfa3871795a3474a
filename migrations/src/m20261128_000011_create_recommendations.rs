//! Akims' recommendations: the applicant's request, and every version the akimat gives
//! (append-only: a correction is a new row, and the database refuses to change an old one).

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("recommendation_requests")
                    // One request per application.
                    .col(integer("application_id").primary_key())
                    // The okrug asked (the application's at the time), for the akimat's queue.
                    .col(string_len("okrug_code", 9))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendation_requests_application")
                            .from("recommendation_requests", "application_id")
                            .to("applications", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recommendation_requests_okrug")
                    .table("recommendation_requests")
                    .col("okrug_code")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("recommendations")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    // 1, then one more per correction; the pair is unique, so two akimat
                    // members correcting at once make two versions, never one lost.
                    .col(integer("version"))
                    .col(integer("author_user_id"))
                    .col(string_len("author_role", 20))
                    .col(string_len("okrug_code", 9))
                    .col(string_len("verdict", 20))
                    // The checklist reasons, as a JSON array of codes.
                    .col(text("reasons"))
                    .col(text_null("text"))
                    .col(string_len("relationship", 20))
                    .col(text_null("relationship_note"))
                    .col(timestamp_with_time_zone("created_at"))
                    .index(
                        Index::create()
                            .name("uq_recommendations_version")
                            .col("application_id")
                            .col("version")
                            .unique(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendations_application")
                            .from("recommendations", "application_id")
                            .to("applications", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendations_author")
                            .from("recommendations", "author_user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recommendations_okrug")
                    .table("recommendations")
                    .col("okrug_code")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION recommendations_append_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'recommendations is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER recommendations_append_only BEFORE UPDATE OR DELETE \
                     ON recommendations FOR EACH ROW \
                     EXECUTE FUNCTION recommendations_append_only()",
                )
                .await?;
            }
            DatabaseBackend::Sqlite => {
                for (name, op) in [("update", "UPDATE"), ("delete", "DELETE")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER recommendations_no_{name} BEFORE {op} \
                         ON recommendations \
                         BEGIN SELECT RAISE(ABORT, 'recommendations is append-only'); END"
                    ))
                    .await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS recommendations_append_only() CASCADE")
                .await?;
        }
        for table in ["recommendations", "recommendation_requests"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
