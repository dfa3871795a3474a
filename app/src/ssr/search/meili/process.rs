//! A real Meilisearch server for tests: the binary named by `MEILI_BIN` (which `make test` sets
//! to the shared Meilisearch 1.50.0, see `scripts/meili.sh`), started per test on a free port,
//! with a temporary `--db-path` and a random key, and stopped when dropped. Tests can kill it
//! and start it again on the same port and data, as an outage and a recovery.
//!
//! Without `MEILI_BIN` (a user's own machine: no registry ships Meilisearch) the tests that need
//! it print why they are skipped and pass.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::MeiliConfig;

/// A Meilisearch process owned by a test.
pub struct MeiliServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    key: String,
    child: Option<Child>,
}

/// The reason the real-server tests are skipped, or the binary to run.
pub fn binary() -> Result<PathBuf, String> {
    match std::env::var_os("MEILI_BIN") {
        Some(bin) if !bin.is_empty() => {
            let bin = PathBuf::from(bin);
            if bin.is_file() {
                Ok(bin)
            } else {
                Err(format!("MEILI_BIN={} is not a file", bin.display()))
            }
        }
        _ => Err("MEILI_BIN is not set (make test sets it when ../shared/tools/meilisearch/meilisearch exists)".into()),
    }
}

impl MeiliServer {
    /// Starts a server, or prints why it cannot and returns `None` (the caller then skips).
    pub async fn start(test: &str) -> Option<MeiliServer> {
        let bin = match binary() {
            Ok(bin) => bin,
            Err(reason) => {
                eprintln!("skipped {test}: {reason}");
                return None;
            }
        };
        let dir = tempfile::tempdir().expect("a temporary directory for Meilisearch");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut server = MeiliServer {
            bin,
            dir,
            port,
            key: uuid::Uuid::new_v4().simple().to_string(),
            child: None,
        };
        server.spawn().await;
        Some(server)
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("server.log"))
            .expect("a log file");
        let child = Command::new(&self.bin)
            .current_dir(self.dir.path())
            .arg("--db-path")
            .arg(self.dir.path().join("db"))
            .arg("--dump-dir")
            .arg(self.dir.path().join("dumps"))
            .args(["--http-addr", &format!("127.0.0.1:{}", self.port)])
            .args(["--master-key", &self.key])
            .args(["--no-analytics", "--env", "development"])
            // Two cores: the test suite runs beside it.
            .args(["--max-indexing-threads", "1"])
            .stdout(Stdio::from(log.try_clone().expect("log handle")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("starts Meilisearch");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        let client =
            meilisearch_sdk::client::Client::new(self.url(), Some(&self.key)).expect("a client");
        while client.health().await.is_err() {
            assert!(
                Instant::now() < deadline,
                "Meilisearch did not start: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Its master key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// A configuration for an index of this server.
    pub fn config(&self, index: &str) -> MeiliConfig {
        MeiliConfig {
            url: self.url(),
            api_key: Some(self.key.clone()),
            index: index.into(),
            search_timeout: Duration::from_secs(5),
            task_timeout: Duration::from_secs(60),
        }
    }

    /// Kills the process at once (SIGKILL), as a crash or an unplugged machine would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port and data.
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await;
    }

    /// What it logged, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for MeiliServer {
    fn drop(&mut self) {
        self.kill();
    }
}
