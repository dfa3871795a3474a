//! Configuration, read once from the environment at start-up. Every variable is listed in
//! `.env.sample` and the README with its default; nothing else reads the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;

/// The whole configuration of one app instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`. Default: SQLite file under `DATA_DIR`.
    pub database_url: String,
    /// `DATA_DIR`: where the SQLite file and the embedded search index live. Default `./data`.
    pub data_dir: PathBuf,
    /// `LEPTOS_SITE_ADDR`: address to listen on. Default `127.0.0.1:3000`.
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: directory with the built site (`pkg/`, assets). Default `target/site`.
    pub site_root: String,
    /// `LEPTOS_SITE_PKG_DIR`: the site's package directory under the root. Default `pkg`.
    pub site_pkg_dir: String,
    /// `LEPTOS_OUTPUT_NAME`: base name of the wasm, JS and CSS files. Default `auyl`.
    pub output_name: String,
    /// `DEMO_DATA`: load the demo catalogue into an empty database at start-up. Default `true`.
    pub demo_data: bool,
    /// `DEMO_HISTORY`: with the demo data, a year of made-up applications in two districts, so
    /// that reports and the akim's workspace have figures. Default `false`; `make run` sets it.
    pub demo_history: bool,
    /// `APP_TODAY` (`YYYY-MM-DD`): the date the catalogue is shown for (deadlines, the MCI
    /// year). Unset: today in Asia/Almaty. Set it for demos and reproducible tests.
    pub today: Option<NaiveDate>,
    /// `MEILI_URL` (+ `MEILI_API_KEY`, `MEILI_INDEX`, `MEILI_TIMEOUT_MS`,
    /// `MEILI_TASK_TIMEOUT_MS`): search with Meilisearch. Unset: the embedded engine alone.
    pub meili: Option<super::search::meili::MeiliConfig>,
    /// `OUTBOX_POLL_MS`: how often index workers look for changes made by other instances
    /// (changes made by this instance wake them at once). Default 1000.
    pub outbox_poll: Duration,
    /// `RECONCILE_EVERY_S`: how often indexes are compared with the database. Default 600.
    pub reconcile_every: Duration,
    /// `OUTBOX_RETENTION_H`: how long applied outbox rows are kept. Default 168 (a week).
    pub outbox_retention: Duration,
    /// `APP_ENV`: `development` (default) or `production`. Production refuses to start with
    /// demo data, demo accounts, an `http://` public address, or nothing to send e-mail with.
    pub production: bool,
    /// `PUBLIC_URL`: the address people reach the site at. Default `http://` + the listen
    /// address. An `https://` address makes session cookies `Secure`.
    pub public_url: String,
    /// `SMTP_URL` (e.g. `smtps://user:pass@smtp.example.kz`): send password-reset e-mail. Unset:
    /// reset links are written to the server log (development).
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender of e-mail. Default `Auyl Business <no-reply@localhost>`.
    pub mail_from: String,
    /// `SMS_PROVIDER` (`log`, `mobizon` or `smsc`) with `SMS_API_KEY` (Mobizon's key, or
    /// SMSC's `login:password`), `SMS_SENDER`, `SMS_API_URL`, `SMS_DAILY_PER_PHONE` and
    /// `SMS_MONTHLY_LIMIT`: how text messages reach phones. Default `log`: the server log.
    pub sms: SmsConfig,
    /// `TRUST_PROXY`: take the client address from `X-Forwarded-For` (behind a reverse proxy).
    /// Default `false`.
    pub trust_proxy: bool,
    /// Password hashing cost (argon2id). OWASP's parameters in service; tests use cheap ones.
    pub hashing: Hashing,
}

/// Which SMS provider carries text messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsProvider {
    /// The server log (development).
    Log,
    /// Mobizon (mobizon.kz).
    Mobizon,
    /// SMSC.kz.
    Smsc,
}

/// How text messages reach phones, and what they may cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsConfig {
    /// `SMS_PROVIDER`. Default `log`.
    pub provider: SmsProvider,
    /// `SMS_API_KEY`: Mobizon's API key, or SMSC's `login:password`.
    pub api_key: Option<String>,
    /// `SMS_SENDER`: the registered sender name; unset, the provider's default.
    pub sender: Option<String>,
    /// `SMS_API_URL`: the provider's API address. Default its public one.
    pub api_url: Option<String>,
    /// `SMS_DAILY_PER_PHONE`: text messages one phone may be sent in 24 hours. Default 10.
    pub daily_per_phone: u64,
    /// `SMS_MONTHLY_LIMIT`: parts the platform may send in a calendar month (Asia/Almaty);
    /// beyond it SMS wait and `/healthz` says so. Unset: no limit.
    pub monthly_limit: Option<u64>,
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            provider: SmsProvider::Log,
            api_key: None,
            sender: None,
            api_url: None,
            daily_per_phone: 10,
            monthly_limit: None,
        }
    }
}

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hashing {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Hashes computed at once; more wait, so a burst of sign-ins cannot exhaust memory.
    pub concurrent: usize,
}

impl Hashing {
    /// OWASP's recommendation for argon2id: 19 MiB, 2 passes, 1 lane.
    pub const OWASP: Hashing = Hashing {
        memory_kib: 19_456,
        iterations: 2,
        concurrent: 4,
    };
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct ConfigError {
    /// The variable.
    pub name: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl Config {
    /// Reads the configuration from the environment, with the defaults above.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `get`, so tests can supply variables without touching
    /// the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| default_sqlite_url(&data_dir));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError {
                name: "DATABASE_URL",
                reason: "must start with sqlite: or postgres://".into(),
            });
        }
        let site_addr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| ConfigError {
                name: "LEPTOS_SITE_ADDR",
                reason: format!("{e}"),
            })?;
        let demo_data = match var("DEMO_DATA").as_deref() {
            None | Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => {
                return Err(ConfigError {
                    name: "DEMO_DATA",
                    reason: format!("expected true or false, got {other:?}"),
                });
            }
        };
        let demo_history = match var("DEMO_HISTORY").as_deref() {
            None | Some("0" | "false" | "no") => false,
            Some("1" | "true" | "yes") => true,
            Some(other) => {
                return Err(ConfigError {
                    name: "DEMO_HISTORY",
                    reason: format!("expected true or false, got {other:?}"),
                });
            }
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            var(name).map_or(Ok(default), |v| {
                v.parse().map_err(|_| ConfigError {
                    name,
                    reason: format!("expected a whole number, got {v:?}"),
                })
            })
        };
        let meili = match var("MEILI_URL") {
            None => None,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(super::search::meili::MeiliConfig {
                    url,
                    api_key: var("MEILI_API_KEY"),
                    index: var("MEILI_INDEX").unwrap_or_else(|| "programs".into()),
                    search_timeout: Duration::from_millis(number("MEILI_TIMEOUT_MS", 1000)?),
                    task_timeout: Duration::from_millis(number("MEILI_TASK_TIMEOUT_MS", 30_000)?),
                })
            }
            Some(other) => {
                return Err(ConfigError {
                    name: "MEILI_URL",
                    reason: format!("expected an http(s) URL, got {other:?}"),
                });
            }
        };
        let outbox_poll = Duration::from_millis(number("OUTBOX_POLL_MS", 1000)?.max(10));
        let reconcile_every = Duration::from_secs(number("RECONCILE_EVERY_S", 600)?.max(1));
        let outbox_retention =
            Duration::from_secs(number("OUTBOX_RETENTION_H", 168)?.saturating_mul(3600));
        let production = match var("APP_ENV").as_deref() {
            None | Some("development") => false,
            Some("production") => true,
            Some(other) => {
                return Err(ConfigError {
                    name: "APP_ENV",
                    reason: format!("expected development or production, got {other:?}"),
                });
            }
        };
        let sms = SmsConfig {
            provider: match var("SMS_PROVIDER").as_deref() {
                None | Some("log") => SmsProvider::Log,
                Some("mobizon") => SmsProvider::Mobizon,
                Some("smsc") => SmsProvider::Smsc,
                Some(other) => {
                    return Err(ConfigError {
                        name: "SMS_PROVIDER",
                        reason: format!("expected log, mobizon or smsc, got {other:?}"),
                    });
                }
            },
            api_key: var("SMS_API_KEY"),
            sender: var("SMS_SENDER"),
            api_url: var("SMS_API_URL"),
            daily_per_phone: number("SMS_DAILY_PER_PHONE", 10)?,
            monthly_limit: match var("SMS_MONTHLY_LIMIT") {
                Some(_) => Some(number("SMS_MONTHLY_LIMIT", 0)?),
                None => None,
            },
        };
        if sms.provider != SmsProvider::Log && sms.api_key.is_none() {
            return Err(ConfigError {
                name: "SMS_API_KEY",
                reason: "must be set when SMS_PROVIDER is mobizon or smsc".into(),
            });
        }
        if sms.provider == SmsProvider::Smsc
            && sms.api_key.as_deref().is_some_and(|k| !k.contains(':'))
        {
            return Err(ConfigError {
                name: "SMS_API_KEY",
                reason: "for smsc, give login:password".into(),
            });
        }
        let trust_proxy = matches!(var("TRUST_PROXY").as_deref(), Some("1" | "true" | "yes"));
        let today = var("APP_TODAY")
            .map(|v| {
                NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|e| ConfigError {
                    name: "APP_TODAY",
                    reason: format!("{e}; expected YYYY-MM-DD"),
                })
            })
            .transpose()?;
        Ok(Config {
            database_url,
            data_dir,
            site_addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            site_pkg_dir: var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()),
            output_name: var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "auyl".into()),
            demo_data,
            demo_history,
            today,
            meili,
            outbox_poll,
            reconcile_every,
            outbox_retention,
            production,
            public_url: var("PUBLIC_URL").unwrap_or_else(|| format!("http://{site_addr}")),
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Auyl Business <no-reply@localhost>".into()),
            sms,
            trust_proxy,
            hashing: Hashing::OWASP,
        })
    }

    /// Why this configuration may not serve in production, if it may not.
    pub fn production_problems(&self) -> Vec<&'static str> {
        let mut problems = Vec::new();
        if !self.production {
            return problems;
        }
        if self.demo_data {
            problems.push("DEMO_DATA must be false in production");
        }
        if !self.public_url.starts_with("https://") {
            problems.push(
                "PUBLIC_URL must be an https:// address in production (session cookies are Secure)",
            );
        }
        if self.smtp_url.is_none() {
            problems.push(
                "SMTP_URL must be set in production (password reset links are sent by e-mail)",
            );
        }
        if self.sms.provider == SmsProvider::Log {
            problems.push(
                "SMS_PROVIDER must be mobizon or smsc in production (codes and decisions reach phones by SMS)",
            );
        }
        if self.meili.as_ref().is_some_and(|m| m.api_key.is_none()) {
            problems.push("MEILI_API_KEY must be set when MEILI_URL is");
        }
        if self
            .meili
            .as_ref()
            .and_then(|m| m.api_key.as_deref())
            .is_some_and(|k| k.len() < 16 || DEFAULT_SECRETS.contains(&k))
        {
            problems.push("MEILI_API_KEY is a default or short key; use a generated one");
        }
        if database_password(&self.database_url).is_some_and(|p| DEFAULT_SECRETS.contains(&p)) {
            problems.push(
                "DATABASE_URL has a default password (see deploy/.env.example for making one)",
            );
        }
        problems
    }

    /// Whether cookies must be `Secure` (the site is served over HTTPS).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A configuration for tests: a fresh SQLite file and index under `dir`, port 0 (any free
    /// port), demo data loaded, a fixed date. The test harness swaps in PostgreSQL when
    /// `TEST_DATABASE_URL` is set (see `db::test_database`).
    pub fn for_tests(dir: &Path) -> Config {
        Config {
            database_url: default_sqlite_url(dir),
            data_dir: dir.to_path_buf(),
            site_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: "target/site".into(),
            site_pkg_dir: "pkg".into(),
            output_name: "auyl".into(),
            demo_data: true,
            demo_history: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 27),
            meili: None,
            // Tests wake workers explicitly; a short poll keeps cross-instance tests quick.
            outbox_poll: Duration::from_millis(50),
            reconcile_every: Duration::from_secs(600),
            outbox_retention: Duration::from_secs(7 * 24 * 3600),
            production: false,
            public_url: "http://127.0.0.1".into(),
            smtp_url: None,
            mail_from: "Auyl Business <no-reply@localhost>".into(),
            sms: SmsConfig::default(),
            trust_proxy: false,
            // Cheap hashing keeps tests fast; the hash format and the code path are the same.
            hashing: Hashing {
                memory_kib: 256,
                iterations: 1,
                concurrent: 4,
            },
        }
    }

    /// Where the embedded search index keeps its generations.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// Where uploaded documents are kept, each under its SHA-256.
    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }

    /// Today in Kazakhstan (UTC+5 everywhere since 1 March 2024), unless `APP_TODAY` is set.
    pub fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| (chrono::Utc::now() + chrono::Duration::hours(5)).date_naive())
    }
}

fn default_sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("auyl.db").display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_serve_demo_data_from_a_local_sqlite_file() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.database_url, "sqlite://data/auyl.db?mode=rwc");
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert!(c.demo_data);
        assert_eq!(c.search_dir(), PathBuf::from("data/search"));
        assert!(
            c.meili.is_none(),
            "the embedded engine unless MEILI_URL is set"
        );
    }

    #[test]
    fn meili_url_selects_meilisearch_with_its_settings() {
        let c = config(&[
            ("MEILI_URL", "http://127.0.0.1:7700"),
            ("MEILI_API_KEY", "k"),
            ("MEILI_TIMEOUT_MS", "250"),
        ])
        .expect("valid");
        let meili = c.meili.expect("meilisearch configured");
        assert_eq!(
            (
                meili.url.as_str(),
                meili.api_key.as_deref(),
                meili.index.as_str()
            ),
            ("http://127.0.0.1:7700", Some("k"), "programs")
        );
        assert_eq!(meili.search_timeout, Duration::from_millis(250));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases = [
            (("DATABASE_URL", "mysql://x"), "DATABASE_URL"),
            (("LEPTOS_SITE_ADDR", "localhost"), "LEPTOS_SITE_ADDR"),
            (("DEMO_DATA", "maybe"), "DEMO_DATA"),
            (("APP_TODAY", "27.11.2026"), "APP_TODAY"),
            (("MEILI_URL", "localhost:7700"), "MEILI_URL"),
            (("OUTBOX_POLL_MS", "soon"), "OUTBOX_POLL_MS"),
            (("APP_ENV", "staging"), "APP_ENV"),
        ];
        for ((name, value), expected) in cases {
            let err = config(&[(name, value)]).expect_err(name);
            assert_eq!(err.name, expected);
        }
    }

    #[test]
    fn data_dir_moves_the_default_database() {
        let c = config(&[("DATA_DIR", "/srv/auyl")]).expect("valid");
        assert_eq!(c.database_url, "sqlite:///srv/auyl/auyl.db?mode=rwc");
        let c = config(&[("APP_TODAY", "2027-01-15"), ("DEMO_DATA", "false")]).expect("valid");
        assert_eq!(
            c.today(),
            NaiveDate::from_ymd_opt(2027, 1, 15).expect("date")
        );
        assert!(!c.demo_data);
    }
}

/// Passwords and keys that come with examples and images, which production must not use.
const DEFAULT_SECRETS: [&str; 7] = [
    "",
    "auyl",
    "postgres",
    "password",
    "secret",
    "changeme",
    "masterKey",
];

/// The password in a database URL (`scheme://user:password@host/...`), if it has one (without
/// one, PostgreSQL takes it from `PGPASSWORD` or `.pgpass`, which we cannot judge).
fn database_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let credentials = rest.rsplit_once('@')?.0;
    credentials.split_once(':').map(|(_, p)| p)
}

#[cfg(test)]
mod production_tests {
    use super::*;

    #[test]
    fn production_refuses_demo_data_plain_http_and_no_mail() {
        let vars = |v: &[(&str, &str)]| {
            let owned: Vec<(String, String)> =
                v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect();
            Config::from_lookup(move |n| owned.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
                .expect("valid")
        };
        let development = vars(&[]);
        assert!(development.production_problems().is_empty());
        let careless = vars(&[("APP_ENV", "production")]);
        assert_eq!(
            careless.production_problems().len(),
            4,
            "{:?}",
            careless.production_problems()
        );
        assert!(
            careless
                .production_problems()
                .iter()
                .any(|p| p.starts_with("SMS_PROVIDER")),
            "production refuses the log as the SMS gateway"
        );
        let ready = vars(&[
            ("APP_ENV", "production"),
            ("DEMO_DATA", "false"),
            ("PUBLIC_URL", "https://auyl.example.kz"),
            ("SMTP_URL", "smtps://u:p@smtp.example.kz"),
            ("SMS_PROVIDER", "mobizon"),
            ("SMS_API_KEY", "kz1234567890abcdef"),
        ]);
        assert!(
            ready.production_problems().is_empty(),
            "{:?}",
            ready.production_problems()
        );
        assert!(ready.secure_cookies());
        let defaults = vars(&[
            ("APP_ENV", "production"),
            ("DEMO_DATA", "false"),
            ("PUBLIC_URL", "https://auyl.example.kz"),
            ("SMTP_URL", "smtps://u:p@smtp.example.kz"),
            ("SMS_PROVIDER", "smsc"),
            ("SMS_API_KEY", "auyl:generated-password"),
            ("DATABASE_URL", "postgres://auyl:auyl@db:5432/auyl"),
            ("MEILI_URL", "http://meili:7700"),
            ("MEILI_API_KEY", "masterKey"),
        ]);
        let problems = defaults.production_problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("DATABASE_URL")));
        assert!(problems.iter().any(|p| p.starts_with("MEILI_API_KEY")));
    }

    #[test]
    fn a_bad_sms_configuration_is_refused_at_start_with_a_plain_message() {
        let read = |v: &[(&str, &str)]| {
            let owned: Vec<(String, String)> =
                v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect();
            Config::from_lookup(move |n| owned.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
        };
        let refused = |v: &[(&str, &str)]| match read(v) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{v:?} was accepted"),
        };
        assert_eq!(
            refused(&[("SMS_PROVIDER", "kcell")]),
            "SMS_PROVIDER: expected log, mobizon or smsc, got \"kcell\""
        );
        assert!(refused(&[("SMS_PROVIDER", "mobizon")]).starts_with("SMS_API_KEY: must be set"));
        assert!(
            refused(&[("SMS_PROVIDER", "smsc"), ("SMS_API_KEY", "only-a-login")])
                .starts_with("SMS_API_KEY: for smsc")
        );
        assert!(
            refused(&[("SMS_MONTHLY_LIMIT", "many")]).starts_with("SMS_MONTHLY_LIMIT: expected")
        );
        let fine = read(&[("SMS_MONTHLY_LIMIT", "5000")]).expect("valid");
        assert_eq!(fine.sms.monthly_limit, Some(5000));
        assert_eq!(fine.sms.provider, SmsProvider::Log);
    }

    #[test]
    fn the_password_is_found_in_a_database_url() {
        assert_eq!(
            database_password("postgres://u:s3cret@h/db"),
            Some("s3cret")
        );
        assert_eq!(database_password("postgres://u:p@ss@h/db"), Some("p@ss"));
        assert_eq!(database_password("postgres://u@h/db"), None);
        assert_eq!(database_password("postgres://u:@h/db"), Some(""));
        assert_eq!(database_password("sqlite://./data/auyl.db?mode=rwc"), None);
    }
}
