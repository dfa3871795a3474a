//! Starting the app for a test, and talking to it like a browser or an API client.

use std::sync::LazyLock;

use app::ssr::AppState;
use app::ssr::config::Config;
use app::ssr::db;
use reqwest::StatusCode;
use serde_json::Value;

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        server::init_tracing();
    }
});

/// A running app and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
    _postgres: Option<db::TestDatabase>,
}

/// Starts the app on SQLite in a temp dir, or on a fresh PostgreSQL database when
/// `TEST_DATABASE_URL` (an admin URL) is set.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = spawn_app_at(dir.path(), |_| {}).await;
    app._dir = Some(dir);
    app
}

/// Like [`spawn_app`], with changes to the configuration.
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = spawn_app_at(dir.path(), change).await;
    app._dir = Some(dir);
    app
}

/// Like [`spawn_app`], with changes to the configuration, keeping its data in `dir` (which the
/// caller owns, so a second app can be started on the same data).
pub async fn spawn_app_at(dir: &std::path::Path, change: impl FnOnce(&mut Config)) -> TestApp {
    LazyLock::force(&TRACING);
    let mut config = Config::for_tests(dir);
    let postgres = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => Some(
            db::TestDatabase::create(&admin)
                .await
                .expect("creates a test database"),
        ),
        _ => None,
    };
    if let Some(pg) = &postgres {
        config.database_url = pg.url.clone();
    }
    change(&mut config);
    let app = server::build(config).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client builds");
    TestApp {
        address,
        client,
        state,
        _dir: None,
        _postgres: postgres,
    }
}

impl TestApp {
    /// GET, returning the status and body.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// GET with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send().await.expect("request is sent")
    }

    /// GET a JSON API path.
    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let (status, body) = self.get(path).await;
        let json = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"));
        (status, json)
    }

    /// GET an HTML page, the way a browser without JavaScript would.
    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get_with(path, &[("accept", "text/html")]).await;
        let status = response.status();
        assert!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html")),
            "{path}: not HTML"
        );
        (status, response.text().await.expect("body"))
    }

    /// Calls a server function the way the browser's wasm does (URL-encoded form, JSON back).
    pub async fn call(&self, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/api/{endpoint}", self.address))
            .form(fields)
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        let body = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{endpoint}: not JSON ({e}): {body}")),
        )
    }
}

/// Whether a body leaks internals: SQL, table names, Rust panics or paths.
pub fn leaks_internals(body: &str) -> Option<&'static str> {
    let lower = body.to_lowercase();
    [
        "sql",
        "sqlite",
        "postgres",
        "no such table",
        "relation \"",
        "panicked",
        "dberr",
        ".rs:",
        "programs.",
        "stack backtrace",
    ]
    .into_iter()
    .find(|needle| lower.contains(needle))
}
