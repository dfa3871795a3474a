//! What the providers' adapters share: posting a form over HTTP and telling the outbox which
//! failures to retry, and the number in the digits-only form both providers document.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};

use super::SmsError;

/// The wait asked of the outbox after a rate-limit refusal that names none. Neither provider
/// documents one; SMSC speaks of "within a minute".
pub(super) const RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Posts `form` to `url` and returns the answer's status and body when the status alone does
/// not decide the outcome. Transport failures, 5xx, 408 and 429 are transient errors (honouring
/// `Retry-After`), told as `provider`'s and without the URL, which may carry a key.
pub(super) async fn post_form(
    http: &reqwest::Client,
    provider: &str,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<(StatusCode, Vec<u8>), SmsError> {
    let transport = |err: reqwest::Error| {
        let what = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else {
            "request failed"
        };
        SmsError::transient(format!("{provider}: {what}: {}", err.without_url()))
    };
    let response = http
        .post(url.clone())
        .form(form)
        .send()
        .await
        .map_err(transport)?;
    let status = response.status();
    let wait = retry_after(response.headers());
    let body = response.bytes().await.map_err(transport)?;
    match http_failure(provider, status, wait) {
        Some(err) => Err(err),
        None => Ok((status, body.to_vec())),
    }
}

/// The HTTP statuses that decide the outcome whatever the body says.
fn http_failure(
    provider: &str,
    status: StatusCode,
    retry_after: Option<Duration>,
) -> Option<SmsError> {
    let code = status.as_u16();
    if status.is_server_error() {
        return Some(SmsError::Transient {
            reason: format!("{provider}: HTTP {code}"),
            retry_after,
        });
    }
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some(SmsError::Transient {
            reason: format!("{provider}: HTTP {code}"),
            retry_after: retry_after.or(Some(RATE_LIMIT_WAIT)),
        }),
        StatusCode::REQUEST_TIMEOUT => {
            Some(SmsError::transient(format!("{provider}: HTTP {code}")))
        }
        _ => None,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by these APIs and is ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .map(Duration::from_secs)
}

/// `+77011234567` → `77011234567`: international form, digits only, as both providers
/// document it. `None` for anything else.
pub(super) fn international_digits(number: &str) -> Option<String> {
    let digits = number.trim().strip_prefix('+').unwrap_or(number.trim());
    (!digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_owned())
}
