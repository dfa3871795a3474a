//! The command line: serve (the default), rebuild the search index, add synthetic data.

#![expect(
    clippy::print_stdout,
    reason = "commands report their result on the terminal"
)]

use std::time::Instant;

use app::ssr::config::Config;
use app::ssr::db;
use app::ssr::services;
use indicatif::{ProgressBar, ProgressStyle};

const USAGE: &str = "\
usage: server [command]

commands:
  serve                   serve the site (the default); configured by environment variables,
                          see .env.sample
  reindex                 rebuild the search index from the database; a running server keeps
                          answering from the old index and switches when the new one is ready
  seed --synthetic N [--entrepreneurs M] [--applications K]
                          add N synthetic programmes (for benchmarks), and M entrepreneurs with
                          K applications in every state over every okrug (see
                          server/src/synthetic.rs), then recompute the okrug reports and reindex
  signing-key rotate      make a new Ed25519 key for documents of record (in DATA_DIR/signing):
                          it signs from now on; the old ones stay listed at
                          /.well-known/auyl-signing-keys.json, so what they signed still checks
  help                    show this text";

/// A command that could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Wrong arguments.
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    /// Configuration.
    #[error(transparent)]
    Config(#[from] app::ssr::config::ConfigError),
    /// Start-up.
    #[error(transparent)]
    Startup(#[from] crate::StartupError),
    /// A service.
    #[error(transparent)]
    Service(#[from] services::ServiceError),
    /// The synthetic load.
    #[error("{0}")]
    Synthetic(String),
    /// Serving.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the command in `args` (without the program name).
pub async fn run(args: &[String]) -> Result<(), CliError> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => serve().await,
        ["reindex"] => reindex().await,
        ["seed", "--synthetic", n, rest @ ..] => {
            let n: usize = whole("N", n)?;
            let (mut people, mut applications) = (0, 0);
            let mut flags = rest.iter();
            while let Some(flag) = flags.next() {
                let value = flags
                    .next()
                    .ok_or_else(|| CliError::Usage(format!("{flag} needs a number")))?;
                match *flag {
                    "--entrepreneurs" => people = whole("M", value)?,
                    "--applications" => applications = whole("K", value)?,
                    other => return Err(CliError::Usage(format!("unknown option {other:?}"))),
                }
            }
            if applications > 0 && people == 0 {
                return Err(CliError::Usage(
                    "--applications needs --entrepreneurs to apply".into(),
                ));
            }
            seed_synthetic(n, people as i64, applications as i64).await
        }
        ["signing-key", "rotate"] => {
            let config = Config::from_env()?;
            let id = app::ssr::signing::rotate(&config.data_dir)?;
            println!("new signing key {id}: it signs documents from now on");
            Ok(())
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(CliError::Usage(format!(
            "unknown command {:?}",
            other.join(" ")
        ))),
    }
}

async fn serve() -> Result<(), CliError> {
    let config = Config::from_env()?;
    let started = Instant::now();
    let app = crate::build(config.clone()).await?;
    tracing::info!(
        address = %format!("http://{}:{}", config.site_addr.ip(), app.port()),
        database = db::backend_name(&app.state().db),
        search = app.state().search.engine(),
        startup_ms = started.elapsed().as_millis() as u64,
        "serving"
    );
    app.run_until_stopped().await?;
    Ok(())
}

fn progress_bar(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

async fn reindex() -> Result<(), CliError> {
    let config = Config::from_env()?;
    let db = db::connect(&config.database_url)
        .await
        .map_err(crate::StartupError::from)?;
    db::migrate(&db).await.map_err(crate::StartupError::from)?;
    let indexes = crate::open_indexes(&config, &db, crate::CatchUp::No).await?;
    let mut targets: Vec<&dyn app::ssr::search::SearchIndex> = Vec::new();
    if let Some(meili) = &indexes.meili {
        targets.push(&**meili);
    }
    targets.push(&*indexes.embedded);
    for index in targets {
        let bar = progress_bar(match index.engine() {
            "meilisearch" => "Meilisearch",
            _ => "embedded index",
        });
        let started = Instant::now();
        let n = services::indexer::reindex(&db, index, config.today(), &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
        bar.finish();
        println!(
            "{}: indexed {n} programmes in {:.1} s",
            index.engine(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn whole(name: &str, raw: &str) -> Result<usize, CliError> {
    raw.parse()
        .map_err(|_| CliError::Usage(format!("{name} must be a whole number, got {raw:?}")))
}

async fn seed_synthetic(n: usize, people: i64, applications: i64) -> Result<(), CliError> {
    let config = Config::from_env()?;
    let db = db::connect(&config.database_url)
        .await
        .map_err(crate::StartupError::from)?;
    db::migrate(&db).await.map_err(crate::StartupError::from)?;
    services::seed::ensure_reference_data(&db).await?;
    // The demo catalogue first: its organisations and demo accounts (made at the next start)
    // are how benchmarks sign in as an operator or an entrepreneur. It loads into an empty
    // catalogue only, so after synthetic programmes it would never come.
    services::seed::ensure_demo(&db).await?;
    let started = Instant::now();
    let report = services::seed::synthetic(&db, n).await?;
    println!(
        "added {} synthetic programmes ({} already present) in {:.1} s",
        report.programs.len(),
        report.skipped,
        started.elapsed().as_secs_f64()
    );
    if people > 0 {
        let started = Instant::now();
        let loaded = crate::synthetic::load(&db, people, applications, config.today())
            .await
            .map_err(|e| CliError::Synthetic(e.to_string()))?;
        println!(
            "added {people} entrepreneurs, {applications} applications ({} events, {} \
             recommendations) and an akim for each of {} okrugs in {:.1} s",
            loaded.events,
            loaded.recommendations,
            loaded.okrugs.len(),
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let okrugs = db::reports::touch_all(&db)
            .await
            .map_err(services::ServiceError::from)?;
        let bar = progress_bar("okrug reports");
        bar.set_length(okrugs);
        loop {
            let done = services::reports::refresh(&db, "", 50).await?;
            if done == 0 {
                break;
            }
            bar.inc(done as u64);
        }
        bar.finish();
        println!(
            "recomputed the reports of {okrugs} okrugs in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    reindex().await
}
