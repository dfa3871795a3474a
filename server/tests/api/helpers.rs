//! Starting the app for a test, and talking to it like a browser or an API client.

use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex};

use app::ssr::AppState;
use app::ssr::config::Config;
use app::ssr::db;
use app::ssr::mail::{Mail, MailError, Mailer};
use app::ssr::sms::{Accepted, Delivery, Sms, SmsError, SmsGateway};
use reqwest::StatusCode;
use serde_json::Value;

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        server::init_tracing();
    }
});

/// A running app and a browser for it (more with [`TestApp::browser`]).
pub struct TestApp {
    browser: Browser,
    pub state: AppState,
    /// Every message the app sent (reset links), newest last.
    pub mail: Arc<Outbox>,
    _dir: Option<tempfile::TempDir>,
    _postgres: Option<db::TestDatabase>,
}

impl Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// One browser: its own cookie jar, so two of them are two people.
pub struct Browser {
    pub address: String,
    pub client: reqwest::Client,
}

/// A mailer that keeps what it is given.
#[derive(Default)]
pub struct Outbox(Mutex<Vec<Mail>>);

impl Outbox {
    /// The messages sent so far.
    pub fn sent(&self) -> Vec<Mail> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The first link to this site in the last message to `to`.
    pub fn link_for(&self, to: &str) -> Option<String> {
        let sent = self.sent();
        let mail = sent.iter().rev().find(|m| m.to == to)?;
        mail.body
            .split_whitespace()
            .find(|w| w.starts_with("http"))
            .map(str::to_owned)
    }
}

/// It takes SMS too, as messages with the text as the body and no subject, so a test reads
/// everything people were sent in the order it went.
#[async_trait::async_trait]
impl SmsGateway for Outbox {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn send(&self, sms: &Sms) -> Result<Accepted, SmsError> {
        let mut sent = self.0.lock().map_err(|_| SmsError::transient("poisoned"))?;
        sent.push(Mail {
            to: sms.to.clone(),
            subject: String::new(),
            body: sms.text.clone(),
            langs: Vec::new(),
            unsubscribe: None,
        });
        Ok(Accepted {
            provider_id: format!("t{}", sent.len()),
            segments: None,
            cost_tiyn: None,
        })
    }

    async fn status(&self, _id: &str) -> Result<Delivery, SmsError> {
        Ok(Delivery::Delivered)
    }
}

#[async_trait::async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        self.0
            .lock()
            .map_err(|_| MailError("poisoned".into()))?
            .push(mail);
        Ok(())
    }
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
    let mut app = start(config).await;
    app._postgres = postgres;
    app
}

/// Two instances of the app on one fresh PostgreSQL database (`admin`: an admin URL), each with
/// its own data directory (uploads, embedded index), as behind a load balancer.
pub async fn spawn_two_on_postgres(admin: &str) -> (TestApp, TestApp) {
    LazyLock::force(&TRACING);
    let pg = db::TestDatabase::create(admin)
        .await
        .expect("creates a test database");
    let (one, two) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let config = |dir: &std::path::Path| {
        let mut c = Config::for_tests(dir);
        c.database_url = pg.url.clone();
        c
    };
    let (mut a, mut b) = tokio::join!(start(config(one.path())), start(config(two.path())));
    a._dir = Some(one);
    b._dir = Some(two);
    a._postgres = Some(pg);
    (a, b)
}

async fn start(config: Config) -> TestApp {
    let mail = Arc::new(Outbox::default());
    let app = server::build_with(config, Some(mail.clone()), Some(mail.clone()))
        .await
        .expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        browser: Browser::new(address),
        state,
        mail,
        _dir: None,
        _postgres: None,
    }
}

impl TestApp {
    /// What people were sent, once the app's worker has delivered everything the outbox holds
    /// (it is woken by each commit; this waits up to five seconds).
    pub async fn delivered(&self) -> &Outbox {
        for _ in 0..500 {
            let f = db::messages::figures(&self.state.db, chrono::Utc::now())
                .await
                .expect("outbox figures");
            if f.pending == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        &self.mail
    }

    /// Gives a demo programme a new Russian title (an edit through the programme service, with
    /// its search-outbox row), as an operator's edit would.
    pub async fn retitle(&self, slug: &str, title: &str) {
        let mut programme = app::ssr::services::seed::demo_file()
            .expect("demo")
            .programs
            .into_iter()
            .find(|p| p.slug.as_str() == slug)
            .expect("a demo programme");
        programme.title_ru = title.into();
        app::ssr::services::programs::update(&self.state.db, &self.state.wake, slug, &programme)
            .await
            .expect("updates");
    }

    /// Another browser, with no cookies.
    pub fn browser(&self) -> Browser {
        Browser::new(self.address.clone())
    }

    /// A browser signed in as `login` (a demo account, whose password is the demo one).
    pub async fn signed_in(&self, login: &str) -> Browser {
        let browser = self.browser();
        browser
            .sign_in(login, app::ssr::services::accounts::DEMO_PASSWORD)
            .await;
        browser
    }
}

impl Browser {
    /// Searches `/api/v1/programs?{query}` until `found` says the answer is the awaited one, and
    /// returns it; fails with the last answer after `within`.
    pub async fn search_until(
        &self,
        query: &str,
        within: std::time::Duration,
        found: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = std::time::Instant::now() + within;
        loop {
            let (_, answer) = self.get_json(&format!("/api/v1/programs?{query}")).await;
            if found(&answer) {
                return answer;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{query}: never the awaited answer: {answer}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    fn new(address: String) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client builds");
        Browser { address, client }
    }

    /// Signs in through the form, expecting success.
    pub async fn sign_in(&self, login: &str, password: &str) {
        let (status, location) = self
            .post_form(
                "/sign-in",
                "sign_in",
                &[("login", login), ("password", password)],
            )
            .await;
        assert_eq!(status, StatusCode::FOUND, "{login} signs in");
        assert_eq!(location.as_deref(), Some("/account"), "{login} signs in");
    }

    /// Posts a form the way a browser does (same-origin, wanting HTML, from the page at
    /// `from`) to the server function `endpoint`.
    pub async fn submit(
        &self,
        from: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.address))
            .header("origin", &self.address)
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("{}{from}", self.address))
            .form(fields)
            .send()
            .await
            .expect("request is sent")
    }

    /// [`Browser::submit`], returning the status and where it redirects.
    pub async fn post_form(
        &self,
        from: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>) {
        let response = self.submit(from, endpoint, fields).await;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (response.status(), location)
    }

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
            .header("origin", &self.address)
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
