//! `server [serve|reindex|seed --synthetic N|help]`: see `cli.rs`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match server::cli::run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
