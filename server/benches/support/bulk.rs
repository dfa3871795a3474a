//! The bulk load's SQL shared by the million-application benches (`reports.rs`, `queue.rs`):
//! the states' mix, the dialect bits of SQLite and PostgreSQL, and when each step happened.

#![allow(dead_code, reason = "each bench uses the parts it needs")]

use sea_orm::DatabaseBackend;
/// The share of each state, in per cent (cumulative bounds of `h % 100`), and its version.
pub const STATES: [(&str, i64, i32); 7] = [
    ("submitted", 10, 2),
    ("in_review", 20, 3),
    ("info_requested", 25, 4),
    ("approved", 50, 4),
    ("disbursed", 75, 5),
    ("rejected", 95, 4),
    ("withdrawn", 100, 3),
];

/// The dialect bits of the bulk load.
pub struct Bulk {
    pub backend: DatabaseBackend,
    /// Noon of the configured day in Kazakhstan (UTC+5), in UTC: every time is before it.
    pub anchor: String,
}

impl Bulk {
    /// `insert` fed by `select … FROM s rest`, where `select` and `rest` may use `i` = 1..=`n`
    /// (a 64-bit integer).
    pub fn series(&self, n: i64, insert: &str, select: &str, rest: &str) -> String {
        match self.backend {
            DatabaseBackend::Sqlite => format!(
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
                 {insert} {select} FROM s {rest}"
            ),
            _ => format!(
                "{insert} {select} FROM generate_series(CAST(1 AS BIGINT), {n}) AS s(i) {rest}"
            ),
        }
    }

    /// The moment `minutes` (an integer expression) before the anchor, as the column stores
    /// it: on SQLite the RFC 3339 text sqlx writes for a `DateTime<FixedOffset>`.
    pub fn ago(&self, minutes: &str) -> String {
        let anchor = &self.anchor;
        match self.backend {
            DatabaseBackend::Sqlite => format!(
                "strftime('%Y-%m-%dT%H:%M:%f+00:00', '{anchor}', '-' || ({minutes}) || ' minutes')"
            ),
            _ => format!(
                "(TIMESTAMPTZ '{anchor}+00' - make_interval(mins => CAST(({minutes}) AS INTEGER)))"
            ),
        }
    }

    /// The date two weeks after the moment `minutes` before the anchor.
    pub fn fortnight_after(&self, minutes: &str) -> String {
        let anchor = &self.anchor;
        match self.backend {
            DatabaseBackend::Sqlite => {
                format!("date('{anchor}', '-' || ({minutes}) || ' minutes', '+14 days')")
            }
            _ => format!("CAST({} + INTERVAL '14 days' AS DATE)", self.ago(minutes)),
        }
    }

    pub fn least(&self, a: &str, b: &str) -> String {
        match self.backend {
            DatabaseBackend::Sqlite => format!("MIN({a}, {b})"),
            _ => format!("LEAST({a}, {b})"),
        }
    }

    pub fn phone(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Sqlite => "'+7709' || printf('%07d', i)",
            _ => "'+7709' || lpad(i::text, 7, '0')",
        }
    }

    pub fn no(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Sqlite => "0",
            _ => "false",
        }
    }
}

/// A pseudo-random number of application `i`, for its state and whether it is recommended.
pub const H: &str = "((i * 48271) % 2147483647)";

/// `CASE` over the states of application `i`: `value(state)` for each.
pub fn by_state(value: impl Fn(&str) -> String) -> String {
    let mut out = String::from("CASE");
    for (state, upto, _) in &STATES[..STATES.len() - 1] {
        out.push_str(&format!(" WHEN {H} % 100 < {upto} THEN {}", value(state)));
    }
    out.push_str(&format!(" ELSE {} END", value(STATES[STATES.len() - 1].0)));
    out
}

/// Minutes before the anchor of application `i`'s steps: (submitted, review started, decided
/// or asked for information, paid). Submitted 1 hour to 365 days before; 1–7 days waiting,
/// 1–30 days in review, 1–15 days to the money, each at most a quarter of its age.
pub fn moments(b: &Bulk) -> (String, String, String, String) {
    let submitted = "(60 + (i * 7919) % 525600)".to_owned();
    let quarter = format!("({submitted} / 4)");
    let waiting = b.least("1440 * (1 + i % 7)", &quarter);
    let review = b.least("1440 * (1 + i % 30)", &quarter);
    let payment = b.least("1440 * (1 + i % 15)", &quarter);
    let reviewed = format!("({submitted} - {waiting})");
    let decided = format!("({reviewed} - {review})");
    let paid = format!("({decided} - {payment})");
    (submitted, reviewed, decided, paid)
}
