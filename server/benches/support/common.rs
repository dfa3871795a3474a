//! What the benchmarks share: percentiles, number formatting, raw SQL for bulk loads.

#![allow(dead_code, reason = "each bench uses the parts it needs")]

use std::time::Duration;

use sea_orm::DatabaseConnection;

/// The `p`th percentile of sorted durations (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 1000000 → "1,000,000".
pub fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs a statement; the rows it changed.
pub async fn exec(db: &DatabaseConnection, sql: &str) -> u64 {
    server::synthetic::exec(db, sql)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}

/// The single integer a query returns.
pub async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    server::synthetic::scalar(db, sql)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}
