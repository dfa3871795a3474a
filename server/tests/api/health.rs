use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::spawn_app;
use app::ssr::db::entities::programs;

#[tokio::test]
async fn healthz_reports_the_database_and_an_index_holding_every_open_programme() {
    // Arrange
    let app = spawn_app().await;
    let open = programs::Entity::find()
        .filter(programs::Column::Status.eq("open"))
        .count(&app.state.db)
        .await
        .expect("counts");

    // Act
    let (status, body) = app.get_json("/healthz").await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["status"], "ok");
    let backend = if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["database"]["kind"], backend);
    assert_eq!(body["search"]["kind"], "embedded");
    assert_eq!(
        body["search"]["documents"], open,
        "the index holds every open programme"
    );
    assert!(
        open >= 35,
        "the demo catalogue has its open programmes: {open}"
    );
}
