//! The server: builds the application (database, search, router) from a `Config`, and serves it.
//! `main.rs` only reads the configuration and calls this, so tests build the same application
//! on a random port.

pub mod admin;
pub mod api;
pub mod applications;
pub mod assets;
pub mod assisted;
pub mod cli;
pub mod complaints;
pub mod guard;
pub mod loans;
pub mod openapi;
pub mod operator;
pub mod page_cache;
pub mod profile;
pub mod reports;
pub mod synthetic;
pub mod unsubscribe;

use std::net::SocketAddr;
use std::sync::Arc;

use app::ssr::AppState;
use app::ssr::config::{Config, SmsConfig, SmsProvider};
use app::ssr::db;
use app::ssr::mail::{LogMailer, Mailer, SmtpMailer};
use app::ssr::search::SearchIndex;
use app::ssr::search::database::DatabaseSearch;
use app::ssr::search::embedded::EmbeddedIndex;
use app::ssr::search::meili::MeiliIndex;
use app::ssr::search::resilient::ResilientSearch;
use app::ssr::security::PasswordHasher;
use app::ssr::services::indexer::Wake;
use app::ssr::services::{self, ServiceError};
use app::ssr::sms::mobizon::Mobizon;
use app::ssr::sms::smsc::Smsc;
use app::ssr::sms::{LogGateway, SmsGateway};
use app::ssr::workers::{self, Indexes};
use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// A built application, bound to its port, not yet serving.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The data directory cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database cannot be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Loading data or the index failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The configuration or the data is not safe to serve with (production mode).
    #[error("refusing to start: {0}")]
    Unsafe(String),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Connects, migrates and seeds the database, opens the search index (rebuilding it from the
/// database when it is missing, stale or corrupt), and binds the listener.
pub async fn build(config: Config) -> Result<Application, StartupError> {
    build_with(config, None, None).await
}

/// [`build`], delivering e-mail through `mailer` and SMS through `sms` instead of the
/// configured ones when given (tests read what people were sent).
pub async fn build_with(
    config: Config,
    mailer: Option<Arc<dyn Mailer>>,
    sms: Option<Arc<dyn SmsGateway>>,
) -> Result<Application, StartupError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| StartupError::DataDir {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    // The key documents of record are signed with: made at the first start, not by the first
    // download (two of which at once would make two).
    app::ssr::signing::load(&config.data_dir).map_err(|source| StartupError::DataDir {
        path: config.data_dir.join("signing").display().to_string(),
        source,
    })?;
    let problems = config.production_problems();
    if !problems.is_empty() {
        return Err(StartupError::Unsafe(problems.join("; ")));
    }
    let hasher = Arc::new(PasswordHasher::new(config.hashing)?);
    // The search rule's typo automata are built while the database starts, not by the first
    // visitor's search.
    let warm = tokio::task::spawn_blocking(app::domain::matching::warm_up);
    let db = db::connect(&config.database_url).await?;
    let startup = db::startup_lock(&config.database_url).await?;
    db::migrate(&db).await?;
    services::seed::ensure_reference_data(&db).await?;
    if config.demo_data {
        services::seed::ensure_demo(&db).await?;
        services::accounts::ensure_demo_accounts(&db, &hasher).await?;
        if config.demo_history {
            services::demo_history::ensure(&db, &hasher, config.today()).await?;
        }
    }
    if let Some(lock) = startup {
        lock.close().await?;
    }
    // Nothing to report if it failed: the first search builds them then.
    let _ = warm.await;
    if config.production && db::accounts::demo_accounts(&db).await? > 0 {
        return Err(StartupError::Unsafe(
            "the database holds demo accounts (with a published password); remove them before serving in production".into(),
        ));
    }
    let mailer: Arc<dyn Mailer> = match (mailer, &config.smtp_url) {
        (Some(mailer), _) => mailer,
        (None, Some(url)) => Arc::new(
            SmtpMailer::new(url, &config.mail_from)
                .map_err(|e| StartupError::Unsafe(e.to_string()))?,
        ),
        (None, None) => Arc::new(LogMailer),
    };
    let sms = match sms {
        Some(sms) => sms,
        None => sms_gateway(&config.sms).map_err(StartupError::Unsafe)?,
    };
    let courier = services::messages::Courier {
        mailer,
        sms,
        daily_per_phone: config.sms.daily_per_phone,
        monthly_limit: config.sms.monthly_limit,
    };
    let indexes = Arc::new(open_indexes(&config, &db, CatchUp::Yes).await?);
    let wake = Wake::default();
    workers::spawn(
        db.clone(),
        indexes.clone(),
        &wake,
        Arc::new(config.clone()),
        courier,
    );

    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.site_addr,
            source,
        })?;
    let leptos_options = LeptosOptions::builder()
        .output_name(config.output_name.as_str())
        .site_root(config.site_root.as_str())
        .site_pkg_dir(config.site_pkg_dir.as_str())
        .site_addr(config.site_addr)
        .hash_files(assets::hashed())
        .build();
    let state = AppState {
        leptos_options,
        db,
        search: indexes.search.clone(),
        indexes,
        wake,
        hasher,
        config: Arc::new(config),
        open: Arc::default(),
    };
    Ok(Application {
        listener,
        router: router(state.clone()),
        state,
    })
}

/// The SMS gateway `c` names, with its key and sender.
pub fn sms_gateway(c: &SmsConfig) -> Result<Arc<dyn SmsGateway>, String> {
    let timeout = std::time::Duration::from_secs(10);
    let key = c.api_key.as_deref().unwrap_or_default();
    Ok(match c.provider {
        SmsProvider::Log => Arc::new(LogGateway),
        SmsProvider::Mobizon => Arc::new(Mobizon::new(
            c.api_url.as_deref().unwrap_or("https://api.mobizon.kz"),
            key,
            c.sender.as_deref(),
            timeout,
        )?),
        SmsProvider::Smsc => {
            let (login, password) = key.split_once(':').unwrap_or((key, ""));
            Arc::new(Smsc::new(
                c.api_url.as_deref().unwrap_or("https://smsc.kz"),
                login,
                password,
                c.sender.as_deref(),
                timeout,
            )?)
        }
    })
}

/// The embedded index; an unreadable one is replaced by an empty one that the caller refills.
pub fn open_embedded(config: &Config) -> Result<EmbeddedIndex, ServiceError> {
    let dir = config.search_dir();
    match EmbeddedIndex::open(&dir) {
        Ok(index) => Ok(index),
        Err(app::ssr::search::SearchError::Corrupt(reason)) => {
            tracing::warn!(reason = %reason, "the search index cannot be read; starting a new one from the database");
            Ok(EmbeddedIndex::recreate(&dir)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether opening the indexes brings the embedded one up to date first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// A serving instance: the first searches must see every programme.
    Yes,
    /// `server reindex`, which may run beside a serving instance that owns the index's writer:
    /// it only builds new generations.
    No,
}

/// Opens this instance's indexes (bringing the embedded one up to date when asked).
/// Meilisearch, when configured, is set up here if it answers; if not, the app starts anyway,
/// searches fall back, and its worker sets it up when it returns.
pub async fn open_indexes(
    config: &Config,
    db: &sea_orm::DatabaseConnection,
    catch_up: CatchUp,
) -> Result<Indexes, ServiceError> {
    let embedded = Arc::new(open_embedded(config)?);
    if catch_up == CatchUp::Yes {
        services::indexer::catch_up(db, &*embedded, config.today()).await?;
    }
    let database: Arc<dyn SearchIndex> = Arc::new(DatabaseSearch::new(db.clone()));
    let meili = match &config.meili {
        Some(c) => {
            let meili = Arc::new(MeiliIndex::new(c.clone())?);
            if let Err(e) = meili.ensure().await {
                tracing::warn!(error = %e, "Meilisearch is not ready; searches fall back until it is");
            }
            Some(meili)
        }
        None => None,
    };
    let search = match &meili {
        Some(m) => ResilientSearch::new(m.clone(), vec![embedded.clone(), database]),
        None => ResilientSearch::new(embedded.clone(), vec![database]),
    };
    Ok(Indexes {
        embedded,
        meili,
        search: Arc::new(search),
    })
}

/// Every route besides Leptos's pages and server functions. One list, so that the
/// authorization tests see exactly what the router serves.
pub fn routes() -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::get;
    vec![
        ("/healthz", get(api::healthz)),
        ("/metrics", get(api::metrics)),
        ("/api/v1/openapi.json", get(openapi::openapi_json)),
        ("/api/v1/programs", get(api::list_programs)),
        ("/api/v1/programs/{slug}", get(api::get_program)),
        ("/programs/{slug}/schedule.csv", get(api::schedule_csv)),
        ("/profile", axum::routing::post(profile::save_profile)),
        (
            "/applications",
            axum::routing::post(applications::open_form),
        ),
        (
            "/applications/{id}",
            axum::routing::post(applications::post_form),
        ),
        (
            "/applications/{id}/documents/{doc}",
            get(applications::download),
        ),
        ("/records/{code}/pdf", get(applications::record_pdf)),
        (
            app::ssr::signing::KEYS_PATH,
            get(applications::signing_keys),
        ),
        (
            "/api/v1/applications",
            get(applications::api_list).post(applications::api_create),
        ),
        (
            "/api/v1/applications/{id}",
            get(applications::api_read).put(applications::api_update),
        ),
        (
            "/api/v1/applications/{id}/documents",
            axum::routing::post(applications::api_upload),
        ),
        (
            "/api/v1/applications/{id}/{verb}",
            axum::routing::post(applications::api_step),
        ),
        (
            "/api/v1/eligibility",
            axum::routing::post(profile::eligibility),
        ),
        ("/akimat/assist", axum::routing::post(assisted::post_form)),
        // RFC 8058 one-click unsubscribe; the page at the same address is Leptos's (GET).
        (
            "/unsubscribe/{token}",
            axum::routing::post(unsubscribe::one_click),
        ),
        ("/api/v1/reports/{area}", get(reports::api_report)),
        ("/okrugs/{area}/{file}", get(reports::data)),
        ("/operator/queue.csv", get(operator::csv)),
        ("/operator/portfolio.csv", get(loans::portfolio_csv)),
        (
            "/operator/repayments",
            axum::routing::post(loans::import_form),
        ),
        (
            "/operator/api-keys",
            axum::routing::post(loans::api_keys_form),
        ),
        (
            "/operator/webhooks",
            axum::routing::post(loans::webhooks_form),
        ),
        ("/complaints", axum::routing::post(complaints::file_form)),
        (
            "/complaints/{id}",
            axum::routing::post(complaints::answer_form),
        ),
        (
            "/api/v1/repayments",
            axum::routing::post(loans::api_repayment),
        ),
        ("/admin/messages.csv", get(admin::messages_csv)),
        ("/operator/assign", axum::routing::post(operator::assign)),
        (
            "/operator/programs",
            axum::routing::post(operator::programme_new),
        ),
        (
            "/operator/programs/{slug}",
            axum::routing::post(operator::programme_edit),
        ),
        ("/api/v1/{*rest}", axum::routing::any(api::not_found)),
    ]
}

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// The routes that take documents, with their own, larger body limit.
pub const UPLOAD_ROUTES: &[&str] = &[
    "/applications/{id}",
    "/api/v1/applications/{id}/documents",
    "/akimat/assist",
    // The programme editor's form: descriptions in two languages outgrow the small limit.
    "/operator/programs",
    "/operator/programs/{slug}",
    // A lender's file of repayments: 100,000 lines are a few megabytes.
    "/operator/repayments",
];

/// What tells this build's pages from another's: the hashes of its script and style files when
/// they have hashed names (`hash.txt`), else nothing (the crate's version then says it).
fn build_id() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|exe| assets::hash_file(&exe))
        .and_then(|file| std::fs::read_to_string(file).ok())
        .unwrap_or_default()
}

/// Every route: pages, server functions, the JSON API, health, static files.
pub fn router(state: AppState) -> Router {
    let pages = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (uploads, others): (Vec<_>, Vec<_>) = routes()
        .into_iter()
        .partition(|(path, _)| UPLOAD_ROUTES.contains(path));
    let router = others
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .leptos_routes(&state, pages, move || shell(options.clone()))
        .nest_service(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            assets::pkg(
                &state.leptos_options.site_root,
                &state.leptos_options.site_pkg_dir,
                state.leptos_options.hash_files,
            ),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Forms and server-function arguments are small. `DefaultBodyLimit` covers axum's
        // extractors; the layer covers everything else, server functions included, and
        // answers 413 before reading a declared-too-large body.
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY));
    // Documents get room for a few files; each file's own limit is checked as it arrives,
    // so that an oversize one is refused with a message naming the limit.
    let upload_router = uploads
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .layer(DefaultBodyLimit::max(app::ssr::http::MAX_UPLOAD_BODY))
        .layer(RequestBodyLimitLayer::new(app::ssr::http::MAX_UPLOAD_BODY));
    router
        .merge(upload_router)
        // Handlers return `ApiError`s unworded; this words them in the request's language.
        .layer(axum::middleware::from_fn(app::ssr::http::render_errors))
        // Inside compression, so that it reads the body as written.
        .layer(axum::middleware::from_fn(guard::server_fn_input))
        // Inside compression, which leaves alone the pages it answers already compressed.
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::new(state.clone(), &build_id()),
            page_cache::reports,
        ))
        // Brotli's default quality (11) is meant for compressing files once, ahead of time; for
        // responses compressed per request, level 4 keeps most of the saving for far less CPU.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::same_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::identify,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::headers,
        ))
        // A panic is a bug; the user still gets a plain 500 and the process keeps serving.
        .layer(CatchPanicLayer::custom(api::panic_response))
        .with_state(state)
}

impl Application {
    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The shared state, for tests that check side effects.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        // Without TCP_NODELAY a response written in two parts (headers, then a file body) waits
        // for the client's delayed ACK: a constant 40 ms per static file, measured with wrk.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "could not set TCP_NODELAY");
            }
        });
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Logs to stderr, filtered by `RUST_LOG` (default: info for our crates, warnings for others).
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tantivy=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
