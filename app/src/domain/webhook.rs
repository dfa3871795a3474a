//! Webhooks for operators' systems: the events an organisation's endpoints receive, the retry
//! schedule, the addresses accepted, and what the delivery log shows. (The signature is the
//! server's: `ssr::services::webhooks::signature`.)

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::params::{FieldError, Problem};

/// The longest endpoint address.
pub const MAX_URL: usize = 500;
/// Attempts before a delivery is given up (its log says so).
pub const MAX_ATTEMPTS: i32 = 12;
/// The most endpoints an organisation keeps.
pub const MAX_ENDPOINTS: usize = 10;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Event {
    /// An application was submitted.
    #[serde(rename = "application.submitted")]
    Submitted,
    /// It was approved or refused.
    #[serde(rename = "application.decided")]
    Decided,
    /// Its money was paid.
    #[serde(rename = "application.paid")]
    Paid,
    /// A repayment (or a reversal) was recorded on its loan.
    #[serde(rename = "repayment.recorded")]
    RepaymentRecorded,
    /// Its refusal was appealed.
    #[serde(rename = "appeal.filed")]
    AppealFiled,
    /// The "send a test event" button.
    #[serde(rename = "test")]
    Test,
}

impl Event {
    /// As sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Submitted => "application.submitted",
            Event::Decided => "application.decided",
            Event::Paid => "application.paid",
            Event::RepaymentRecorded => "repayment.recorded",
            Event::AppealFiled => "appeal.filed",
            Event::Test => "test",
        }
    }
}

/// When attempt `attempts` (1-based, just failed) is tried again: 1 minute, then 5, 15, 1 hour,
/// 4 hours, then every 12 hours.
pub fn retry_after(attempts: i32) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        4 => Duration::hours(1),
        5 => Duration::hours(4),
        _ => Duration::hours(12),
    }
}

/// An endpoint's address as typed: `https://…`, or `http://` to this machine (a receiver
/// under test). Refused by the field `url`.
pub fn url(raw: &str) -> Result<String, FieldError> {
    let url = raw.trim();
    if url.is_empty() {
        return Err(FieldError::new("url", Problem::Required));
    }
    if url.chars().count() > MAX_URL {
        return Err(FieldError::new("url", Problem::TooLong { max: MAX_URL }));
    }
    let local = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://localhost/",
    ];
    let https = url
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if !(https || local.iter().any(|p| url.starts_with(p))) || url.chars().any(char::is_whitespace)
    {
        return Err(FieldError::new("url", Problem::NotAccepted));
    }
    Ok(url.to_owned())
}

/// One delivery in an endpoint's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryLine {
    /// Id (the event's id, sent as `Auyl-Delivery`).
    pub id: i32,
    /// What happened.
    pub event: String,
    /// The application, if any.
    pub application_id: Option<i32>,
    /// `pending`, `delivered` or `failed` (given up).
    pub state: String,
    /// Attempts so far.
    pub attempts: i32,
    /// The receiver's last HTTP status.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// An endpoint with its recent deliveries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EndpointLine {
    /// Id.
    pub id: i32,
    /// The address.
    pub url: String,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it was switched off.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Its last deliveries, newest first.
    pub deliveries: Vec<DeliveryLine>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_slow_down_and_addresses_must_be_https() {
        assert_eq!(retry_after(1), Duration::minutes(1));
        assert!(retry_after(3) < retry_after(4));
        assert_eq!(retry_after(40), Duration::hours(12));
        assert!(url("https://bank.kz/hooks/auyl").is_ok());
        assert!(url("http://127.0.0.1:8080/hook").is_ok());
        for bad in [
            "",
            "http://bank.kz/hook",
            "ftp://bank.kz",
            "https://",
            "https://a b",
        ] {
            assert!(url(bad).is_err(), "{bad:?}");
        }
        assert_eq!(url(" ").expect_err("empty").field, "url");
    }
}
