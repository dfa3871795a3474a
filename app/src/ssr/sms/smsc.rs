//! SMSC.kz, written from its published API documentation (read 2026-12-06; the sources are
//! listed in `fixtures/smsc/README.md`). SMSC.kz, SMSC.ru and smscentre.com are one platform
//! with one HTTP API.
//!
//! - Sending is `POST <base>/sys/send.php` with `login`, `psw`, `phones`, `mes`, `charset=utf-8`,
//!   `fmt=3` (JSON answers), `cost=3` (the answer carries the price) and, optionally, `sender`,
//!   form-encoded in the body so the password never sits in a URL. The documentation allows
//!   GET or POST. Numbers are sent as digits without the plus, the documented form
//!   ("may be given without +") that the recorded exchanges use.
//! - A success is `{"id": N, "cnt": N, "cost": "…", "balance": "…"}`: `cnt` is the number of SMS
//!   charged, which for one number is the number of parts, and `cost` is in the account's
//!   currency (tenge on smsc.kz). Errors are `{"error": "…", "error_code": N}`, with HTTP 200.
//! - The status request, `POST <base>/sys/status.php`, needs both the message `id` and the
//!   `phone`, so the provider id handed back by [`Smsc`] is `<id>:<digits of the number>`.
//!
//! How the answers map (the uncertain ones say why):
//!
//! | SMSC | here |
//! | --- | --- |
//! | send error 1 parameters, 2 login or password (or a client IP not allowed), 5 date format, 6 message forbidden (text or sender), 7 invalid number format, 8 cannot be delivered to this number | permanent |
//! | 3 insufficient funds | transient |
//! | 9 duplicate request or too many requests within a minute | transient, 60 s (the documentation speaks of a minute). The first of two identical requests was sent; a retry a minute later sends the message again |
//! | 4 client IP temporarily blocked after frequent errors | transient, 60 s (the documentation gives no duration) |
//! | status error 1, 2, 5 / 4, 9 | permanent / transient as above |
//! | undocumented error codes, HTTP 5xx, 408, 429, timeouts, connection errors, a 2xx body that is not JSON | transient (5xx and 429 answers honour `Retry-After`) |
//! | other HTTP 4xx | permanent (a wrong base URL) |
//! | status 1 delivered, 2 read, 4 link clicked | delivered |
//! | 3 expired, 20 impossible to deliver, 22 invalid number, 23 prohibited, 24 insufficient funds, 25 unavailable number | undeliverable (with the `err` code when not 0) |
//! | -1 waiting, 0 handed to the operator, -2 stopped (a paused mailing, which may resume) and unknown codes | pending |
//! | -3 no message with this id for this number | permanent error |
//!
//! The password is only ever in request bodies; every reason is scrubbed of it all the same.

use std::fmt;
use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

use super::http::{self, RATE_LIMIT_WAIT, international_digits};
use super::{Accepted, Delivery, Sms, SmsError, SmsGateway};

/// The SMSC.kz gateway. Its `Debug` form hides the password.
pub struct Smsc {
    http: reqwest::Client,
    send_url: Url,
    status_url: Url,
    login: String,
    password: String,
    sender: Option<String>,
}

impl fmt::Debug for Smsc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smsc")
            .field("send_url", &self.send_url.as_str())
            .field("login", &self.login)
            .field("password", &"<hidden>")
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl Smsc {
    /// A gateway talking to the SMSC server `base_url` (`https://smsc.kz`) as `login` with
    /// `password` (the account's API password), sending as `sender` when given (a sender name
    /// approved in the account; otherwise the account's default), each request bounded by
    /// `timeout`. Fails on a base URL that is not http(s), an empty login or password, or an HTTP
    /// client that cannot be built; the message never contains the password.
    pub fn new(
        base_url: &str,
        login: &str,
        password: &str,
        sender: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let login = login.trim();
        if login.is_empty() || password.is_empty() {
            return Err("SMSC: the login or the password is empty".into());
        }
        let send_url = endpoint(base_url, "send.php")?;
        let status_url = endpoint(base_url, "status.php")?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| format!("SMSC: cannot build the HTTP client: {}", e.without_url()))?;
        Ok(Smsc {
            http,
            send_url,
            status_url,
            login: login.to_owned(),
            password: password.to_owned(),
            sender: sender
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        })
    }

    async fn send_unscrubbed(&self, sms: &Sms) -> Result<Accepted, SmsError> {
        let Some(phone) = international_digits(&sms.to) else {
            return Err(SmsError::Permanent(
                "SMSC: the number is not in international form (+ and digits)".into(),
            ));
        };
        let mut form = vec![
            ("login", self.login.as_str()),
            ("psw", self.password.as_str()),
            ("phones", phone.as_str()),
            ("mes", sms.text.as_str()),
            ("charset", "utf-8"),
            ("fmt", "3"),
            ("cost", "3"),
        ];
        if let Some(sender) = &self.sender {
            form.push(("sender", sender.as_str()));
        }
        let answer = self.call(&self.send_url, &form).await?;
        if let Some(err) = refusal(&answer, send_error) {
            return Err(err);
        }
        let Some(id) = answer.get("id").and_then(id_string) else {
            // Accepted without an id: the message may be on its way, but it cannot be followed.
            // Sending again risks a duplicate, giving up risks a lost code; a duplicate is the
            // lesser harm.
            return Err(SmsError::transient(
                "SMSC: answered without an error and without a message id",
            ));
        };
        Ok(Accepted {
            provider_id: format!("{id}:{phone}"),
            segments: answer
                .get("cnt")
                .and_then(number)
                .and_then(|n| u32::try_from(n).ok()),
            cost_tiyn: answer.get("cost").and_then(amount).and_then(|a| tiyn(&a)),
        })
    }

    async fn status_unscrubbed(&self, provider_id: &str) -> Result<Delivery, SmsError> {
        let Some((id, phone)) = provider_id
            .split_once(':')
            .filter(|(id, phone)| !id.is_empty() && !phone.is_empty())
        else {
            return Err(SmsError::Permanent(format!(
                "SMSC: {provider_id:?} is not an SMSC provider id (<id>:<number>)"
            )));
        };
        let form = [
            ("login", self.login.as_str()),
            ("psw", self.password.as_str()),
            ("phone", phone),
            ("id", id),
            ("charset", "utf-8"),
            ("fmt", "3"),
        ];
        let answer = self.call(&self.status_url, &form).await?;
        if let Some(err) = refusal(&answer, status_error) {
            return Err(err);
        }
        let Some(status) = answer.get("status").and_then(number) else {
            return Err(SmsError::transient(
                "SMSC: a status answer without a status",
            ));
        };
        let err = answer.get("err").and_then(number).unwrap_or(0);
        delivery(status, err)
    }

    /// Posts `form` to `url` and returns SMSC's JSON object, or the transport's or HTTP's
    /// failure.
    async fn call(&self, url: &Url, form: &[(&str, &str)]) -> Result<Value, SmsError> {
        let (status, body) = http::post_form(&self.http, "SMSC", url, form).await?;
        match serde_json::from_slice::<Value>(&body) {
            Ok(answer @ Value::Object(_)) => Ok(answer),
            _ if status.is_success() => Err(SmsError::transient(format!(
                "SMSC: HTTP {} with a body that is not a JSON object",
                status.as_u16()
            ))),
            _ => Err(SmsError::Permanent(format!(
                "SMSC: HTTP {} without a JSON answer",
                status.as_u16()
            ))),
        }
    }

    fn redact(&self, text: &str) -> String {
        text.replace(&self.password, "<hidden>")
    }
}

#[async_trait::async_trait]
impl SmsGateway for Smsc {
    fn name(&self) -> &'static str {
        "smsc"
    }

    async fn send(&self, sms: &Sms) -> Result<Accepted, SmsError> {
        self.send_unscrubbed(sms)
            .await
            .map_err(|e| e.redacted(&self.password))
    }

    async fn status(&self, provider_id: &str) -> Result<Delivery, SmsError> {
        match self.status_unscrubbed(provider_id).await {
            Ok(Delivery::Undeliverable(reason)) => {
                Ok(Delivery::Undeliverable(self.redact(&reason)))
            }
            Ok(delivery) => Ok(delivery),
            Err(err) => Err(err.redacted(&self.password)),
        }
    }
}

/// `<base>/sys/<script>`.
fn endpoint(base_url: &str, script: &str) -> Result<Url, String> {
    let base = base_url.trim().trim_end_matches('/');
    let url = Url::parse(&format!("{base}/sys/{script}"))
        .map_err(|e| format!("SMSC: the base URL {base:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(format!(
            "SMSC: the base URL {base:?} must be http(s) and without a query"
        ));
    }
    Ok(url)
}

/// The error an `{"error": …, "error_code": N}` answer stands for, classified by `classify`.
fn refusal(answer: &Value, classify: fn(i64, String) -> SmsError) -> Option<SmsError> {
    let code = answer.get("error_code").and_then(number);
    let text = answer.get("error").and_then(Value::as_str);
    if code.is_none() && text.is_none() {
        return None;
    }
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("no description");
    Some(match code {
        Some(code) => classify(code, format!("SMSC error {code}: {text}")),
        None => SmsError::transient(format!("SMSC error without a code: {text}")),
    })
}

/// The documented errors of `send.php`.
fn send_error(code: i64, reason: String) -> SmsError {
    match code {
        1 | 2 | 5 | 6 | 7 | 8 => SmsError::Permanent(reason),
        4 | 9 => SmsError::Transient {
            reason,
            retry_after: Some(RATE_LIMIT_WAIT),
        },
        // 3 (insufficient funds) and undocumented codes.
        _ => SmsError::transient(reason),
    }
}

/// The documented errors of `status.php`.
fn status_error(code: i64, reason: String) -> SmsError {
    match code {
        1 | 2 | 5 => SmsError::Permanent(reason),
        4 | 9 => SmsError::Transient {
            reason,
            retry_after: Some(RATE_LIMIT_WAIT),
        },
        _ => SmsError::transient(reason),
    }
}

/// A status code of the documented list, with the delivery error code `err`.
fn delivery(status: i64, err: i64) -> Result<Delivery, SmsError> {
    let name = match status {
        1 | 2 | 4 => return Ok(Delivery::Delivered),
        -3 => {
            return Err(SmsError::Permanent(
                "SMSC status -3: no message with this id for this number".into(),
            ));
        }
        3 => "expired",
        20 => "impossible to deliver",
        22 => "invalid number",
        23 => "prohibited",
        24 => "insufficient funds",
        25 => "unavailable number",
        // -2, -1, 0 are not final; an unknown code is not taken as final.
        _ => return Ok(Delivery::Pending),
    };
    Ok(Delivery::Undeliverable(if err == 0 {
        format!("SMSC status {status}: {name}")
    } else {
        format!("SMSC status {status}: {name} (err {err})")
    }))
}

/// An integer sent as a JSON number or string.
fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An id sent as a JSON number or string.
fn id_string(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// A money amount sent as a JSON string (as documented) or number.
fn amount(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Tenge as written by SMSC (`"29.25"`) in tiyn, rounded half up at the third decimal; `None`
/// for anything else (a negative or unreadable amount is no price).
fn tiyn(tenge: &str) -> Option<i64> {
    let (whole, fraction) = tenge.split_once('.').unwrap_or((tenge, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut digits = fraction.bytes().map(|b| i64::from(b - b'0'));
    let tens = digits.next().unwrap_or(0);
    let units = digits.next().unwrap_or(0);
    let round_up = i64::from(digits.next().is_some_and(|d| d >= 5));
    whole
        .checked_mul(100)?
        .checked_add(tens * 10 + units + round_up)
}

#[cfg(test)]
mod tests;
