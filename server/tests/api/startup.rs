use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{spawn_app, spawn_app_at};
use app::ssr::db::entities::{locations, programs};

#[tokio::test]
async fn the_first_start_loads_the_whole_kato_directory_and_the_demo_catalogue() {
    let app = spawn_app().await;

    let all = locations::Entity::find()
        .count(&app.state.db)
        .await
        .expect("counts");
    let okrugs = locations::Entity::find()
        .filter(locations::Column::Level.eq(3))
        .count(&app.state.db)
        .await
        .expect("counts");
    let regions = locations::Entity::find()
        .filter(locations::Column::Level.eq(1))
        .all(&app.state.db)
        .await
        .expect("loads");
    let programmes = programs::Entity::find()
        .count(&app.state.db)
        .await
        .expect("counts");

    assert_eq!(all, 16_264);
    assert_eq!(okrugs, 2_385);
    assert_eq!(regions.len(), 20);
    assert!(
        regions.iter().all(|r| r.name_kk.is_some()),
        "regions carry Kazakh names"
    );
    assert!(programmes >= 40, "{programmes}");
}

#[tokio::test]
async fn a_restart_keeps_the_data_and_a_lost_index_is_rebuilt_from_the_database() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        // Each PostgreSQL test app gets a fresh database; the SQLite run covers restarts.
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let first = spawn_app_at(dir.path(), |_| {}).await;
    let before = programs::Entity::find()
        .count(&first.state.db)
        .await
        .expect("counts");
    std::fs::remove_dir_all(dir.path().join("search")).expect("index removed");

    let second = spawn_app_at(dir.path(), |_| {}).await;

    let after = programs::Entity::find()
        .count(&second.state.db)
        .await
        .expect("counts");
    assert_eq!(before, after, "nothing is loaded twice");
    let (_, found) = second.get_json("/api/v1/programs?q=кен+дала").await;
    assert_eq!(
        found["hits"][0]["slug"], "ken-dala-2026",
        "the index was rebuilt: {found}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_starting_together_on_one_postgres_database_both_come_up_once_loaded() {
    let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipped: needs PostgreSQL (TEST_DATABASE_URL); SQLite is one instance per file");
        return;
    };
    let pg = app::ssr::db::TestDatabase::create(&admin)
        .await
        .expect("creates a database");
    let (one, two) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let config = |dir: &std::path::Path| {
        let mut c = app::ssr::config::Config::for_tests(dir);
        c.database_url = pg.url.clone();
        c
    };

    let (a, b) = tokio::join!(
        server::build(config(one.path())),
        server::build(config(two.path()))
    );

    let (a, b) = (
        a.expect("the first instance starts"),
        b.expect("the second instance starts"),
    );
    let programmes = programs::Entity::find()
        .count(&a.state().db)
        .await
        .expect("counts");
    let places = locations::Entity::find()
        .count(&b.state().db)
        .await
        .expect("counts");
    assert_eq!(
        programmes as usize,
        app::ssr::services::seed::demo_file()
            .expect("demo")
            .programs
            .len(),
        "loaded once"
    );
    assert_eq!(places, 16_264, "loaded once");
}

#[tokio::test]
async fn an_index_with_garbled_segment_files_is_rebuilt_at_start_instead_of_stopping_the_server() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        // Each PostgreSQL test app gets a fresh database; the SQLite run covers restarts.
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let first = spawn_app_at(dir.path(), |_| {}).await;
    drop(first);
    // Every segment file of the live generation overwritten, meta.json left whole: what a
    // failing disk or a bad copy leaves.
    let search = dir.path().join("search");
    let live = std::fs::read_to_string(search.join("CURRENT")).expect("CURRENT");
    let mut garbled = 0;
    for entry in std::fs::read_dir(search.join(live.trim())).expect("generation") {
        let path = entry.expect("entry").path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ["idx", "term", "store", "pos", "fast", "fieldnorm"].contains(&ext) {
            std::fs::write(&path, vec![0x5a; 3000]).expect("garbled");
            garbled += 1;
        }
    }
    assert!(garbled > 0, "the generation had segment files");

    let second = spawn_app_at(dir.path(), |_| {}).await;

    let (status, found) = second.get_json("/api/v1/programs?q=кен+дала").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(
        found["hits"][0]["slug"], "ken-dala-2026",
        "the index was rebuilt: {found}"
    );
}
