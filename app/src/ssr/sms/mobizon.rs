//! Mobizon (mobizon.kz), written from its published API documentation (read 2026-12-06; the
//! sources are listed in `fixtures/mobizon/README.md`):
//!
//! - Every call is `POST <base>/service/<module>/<method>?output=json&api=v1&apiKey=<key>` with
//!   the method's parameters form-encoded in the body, as the vendor's PHP client sends them.
//!   The answer is always the envelope `{"code": N, "data": …, "message": "…"}`; code 0 is
//!   success, the others are the documented API response codes. Numbers often arrive as JSON
//!   strings (`"messageId": "123"`), so both forms are read.
//! - `message/sendSmsMessage` takes `recipient` (international form, digits only: the plus is
//!   dropped), `text` and, optionally, `from` (the sender name). Its `data` holds `messageId`;
//!   it says nothing about parts or price, so those stay unknown.
//! - `message/getSMSStatus` takes `ids` and answers a list of `{id, status, segNum, …}`; ids
//!   that do not exist or are not the account's are left out of the list.
//!
//! How the answers map (the uncertain ones say why):
//!
//! | Mobizon | here |
//! | --- | --- |
//! | code 0 | accepted / the status below |
//! | 1 validation (a wrong `recipient`, `text`, `from`), 2 not found, 4–6 wrong module/method/format, 8 login (the key), 9 method access, 11 missing parameter, 12 parameter out of bounds, 13 wrong API server (its `data` names the right one), 14 account blocked or deleted | permanent |
//! | 30 rate limit | transient, 60 s (the documentation gives no wait) |
//! | 3 unidentified error, 10 save error, 999 general error | transient |
//! | 15 "error during an operation, details in `message`" | transient. Mobizon documents no code for an empty balance; if it has one it is most likely this or 999, and retrying later is the safe side |
//! | any other code (98/99/100 are for mass operations) | transient |
//! | HTTP 5xx, 408, 429, timeouts, connection errors, a 2xx body that is not the envelope | transient (5xx and 429 answers honour `Retry-After`) |
//! | other HTTP 4xx without the envelope | permanent (a wrong base URL or a refused client) |
//! | status `DELIVRD` | delivered |
//! | `UNDELIV`, `REJECTD`, `EXPIRED`, `DELETED` (final) | undeliverable |
//! | `NEW`, `ENQUEUD`, `ACCEPTD`, `PDLIVRD` (not final) and unknown statuses | pending |
//! | an id missing from the status list | permanent error (Mobizon does not know the message) |
//!
//! The key travels in the query string, so no error built here quotes a URL, and every reason
//! is scrubbed of the key before it leaves the adapter.

use std::fmt;
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use super::http::{self, RATE_LIMIT_WAIT, international_digits};
use super::{Accepted, Delivery, Sms, SmsError, SmsGateway};

/// The Mobizon gateway. Its `Debug` form hides the key.
pub struct Mobizon {
    http: reqwest::Client,
    send_url: Url,
    status_url: Url,
    api_key: String,
    sender: Option<String>,
}

impl fmt::Debug for Mobizon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mobizon")
            .field("send_url", &self.send_url.path())
            .field("api_key", &"<hidden>")
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl Mobizon {
    /// A gateway talking to the Mobizon API server `base_url` (`https://api.mobizon.kz`) with
    /// the account's `api_key`, sending as `sender` when given (a registered sender name;
    /// otherwise the account's default), each request bounded by `timeout`. Fails on a base
    /// URL that is not http(s), an empty key, or an HTTP client that cannot be built; the
    /// message never contains the key.
    pub fn new(
        base_url: &str,
        api_key: &str,
        sender: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let api_key = api_key.trim();
        if api_key.is_empty() {
            return Err("Mobizon: the API key is empty".into());
        }
        let send_url = endpoint(base_url, "sendsmsmessage", api_key)?;
        let status_url = endpoint(base_url, "getsmsstatus", api_key)?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| format!("Mobizon: cannot build the HTTP client: {}", e.without_url()))?;
        Ok(Mobizon {
            http,
            send_url,
            status_url,
            api_key: api_key.to_owned(),
            sender: sender
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        })
    }

    async fn send_unscrubbed(&self, sms: &Sms) -> Result<Accepted, SmsError> {
        let Some(recipient) = international_digits(&sms.to) else {
            return Err(SmsError::Permanent(
                "Mobizon: the number is not in international form (+ and digits)".into(),
            ));
        };
        let mut form = vec![
            ("recipient", recipient.as_str()),
            ("text", sms.text.as_str()),
        ];
        if let Some(sender) = &self.sender {
            form.push(("from", sender.as_str()));
        }
        let envelope = self.call(&self.send_url, &form).await?;
        if envelope.code != 0 {
            return Err(envelope.refusal());
        }
        match envelope.data.get("messageId").and_then(id_string) {
            Some(provider_id) => Ok(Accepted {
                provider_id,
                segments: None,
                cost_tiyn: None,
            }),
            // Code 0 without an id: the message may be on its way, but it cannot be followed.
            // Sending again risks a duplicate, giving up risks a lost code; a duplicate is the
            // lesser harm.
            None => Err(SmsError::transient(
                "Mobizon: accepted the message without a messageId",
            )),
        }
    }

    async fn status_unscrubbed(&self, provider_id: &str) -> Result<Delivery, SmsError> {
        let envelope = self
            .call(&self.status_url, &[("ids[0]", provider_id)])
            .await?;
        if envelope.code != 0 {
            return Err(envelope.refusal());
        }
        let entry = envelope.data.as_array().and_then(|entries| {
            entries
                .iter()
                .find(|e| e.get("id").and_then(id_string).as_deref() == Some(provider_id))
        });
        let Some(entry) = entry else {
            return Err(SmsError::Permanent(format!(
                "Mobizon: no message {provider_id} in this account"
            )));
        };
        let status = entry.get("status").and_then(Value::as_str).unwrap_or("");
        Ok(delivery(status))
    }

    /// Posts `form` to `url` and returns Mobizon's envelope, or the transport's or HTTP's
    /// failure.
    async fn call(&self, url: &Url, form: &[(&str, &str)]) -> Result<Envelope, SmsError> {
        let (status, body) = http::post_form(&self.http, "Mobizon", url, form).await?;
        match Envelope::parse(&body) {
            Some(envelope) => Ok(envelope),
            None if status.is_success() => Err(SmsError::transient(format!(
                "Mobizon: HTTP {} with a body that is not its JSON envelope",
                status.as_u16()
            ))),
            None => Err(SmsError::Permanent(format!(
                "Mobizon: HTTP {} without its JSON envelope",
                status.as_u16()
            ))),
        }
    }

    fn redact(&self, text: &str) -> String {
        text.replace(&self.api_key, "<hidden>")
    }
}

#[async_trait::async_trait]
impl SmsGateway for Mobizon {
    fn name(&self) -> &'static str {
        "mobizon"
    }

    async fn send(&self, sms: &Sms) -> Result<Accepted, SmsError> {
        self.send_unscrubbed(sms)
            .await
            .map_err(|e| e.redacted(&self.api_key))
    }

    async fn status(&self, provider_id: &str) -> Result<Delivery, SmsError> {
        match self.status_unscrubbed(provider_id).await {
            Ok(Delivery::Undeliverable(reason)) => {
                Ok(Delivery::Undeliverable(self.redact(&reason)))
            }
            Ok(delivery) => Ok(delivery),
            Err(err) => Err(err.redacted(&self.api_key)),
        }
    }
}

/// `<base>/service/message/<method>?output=json&api=v1&apiKey=<key>`.
fn endpoint(base_url: &str, method: &str, api_key: &str) -> Result<Url, String> {
    let base = base_url.trim().trim_end_matches('/');
    let mut url = Url::parse(&format!("{base}/service/message/{method}"))
        .map_err(|e| format!("Mobizon: the base URL {base:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(format!(
            "Mobizon: the base URL {base:?} must be http(s) and without a query"
        ));
    }
    url.query_pairs_mut()
        .append_pair("output", "json")
        .append_pair("api", "v1")
        .append_pair("apiKey", api_key);
    Ok(url)
}

/// Mobizon's answer to every call.
#[derive(Debug)]
struct Envelope {
    code: i64,
    data: Value,
    message: String,
}

impl Envelope {
    fn parse(body: &[u8]) -> Option<Envelope> {
        #[derive(Deserialize)]
        struct Raw {
            code: Value,
            #[serde(default)]
            data: Value,
            #[serde(default)]
            message: Option<String>,
        }
        let raw: Raw = serde_json::from_slice(body).ok()?;
        let code = match &raw.code {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        Some(Envelope {
            code,
            data: raw.data,
            message: raw.message.unwrap_or_default(),
        })
    }

    /// The error for a code other than 0, with Mobizon's message and field details.
    fn refusal(&self) -> SmsError {
        let reason = self.reason();
        match self.code {
            30 => SmsError::Transient {
                reason,
                retry_after: Some(RATE_LIMIT_WAIT),
            },
            1 | 2 | 4 | 5 | 6 | 8 | 9 | 11 | 12 | 13 | 14 => SmsError::Permanent(reason),
            // 3, 10, 15, 999 and codes not documented for single messages.
            _ => SmsError::transient(reason),
        }
    }

    fn reason(&self) -> String {
        let message = self.message.trim();
        let message = if message.is_empty() {
            code_meaning(self.code)
        } else {
            message
        };
        let mut details = Vec::new();
        flatten(&self.data, "", &mut details);
        if details.is_empty() {
            format!("Mobizon code {}: {message}", self.code)
        } else {
            format!(
                "Mobizon code {}: {message} ({})",
                self.code,
                details.join("; ")
            )
        }
    }
}

/// The documented meaning of an API response code, for answers with an empty `message`.
fn code_meaning(code: i64) -> &'static str {
    match code {
        1 => "validation error",
        2 => "record not found",
        3 => "unidentified application error",
        4 => "wrong module",
        5 => "wrong method",
        6 => "wrong format",
        8 => "login error (API key)",
        9 => "no access to this API method",
        10 => "error saving data",
        11 => "required parameters missing",
        12 => "a parameter is out of its bounds",
        13 => "this API server does not serve the account",
        14 => "account blocked or deleted",
        15 => "operation error",
        30 => "request rate limit exceeded",
        999 => "general service error",
        _ => "undocumented code",
    }
}

/// `data` as `field: message` lines: validation errors name the wrong fields, code 13 names
/// the right server.
fn flatten(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.trim().is_empty() => out.push(if prefix.is_empty() {
            s.trim().to_owned()
        } else {
            format!("{prefix}: {}", s.trim())
        }),
        Value::Array(items) => {
            for item in items {
                flatten(item, prefix, out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(item, &path, out);
            }
        }
        _ => {}
    }
}

/// A status of the documented list, as a delivery.
fn delivery(status: &str) -> Delivery {
    let reason = match status {
        "DELIVRD" => return Delivery::Delivered,
        "UNDELIV" => "not delivered to the recipient",
        "REJECTD" => "rejected by the operator",
        "EXPIRED" => "expired before it could be delivered",
        "DELETED" => "deleted by the operator",
        // NEW, ENQUEUD, ACCEPTD, PDLIVRD are not final; an unknown status is not taken as one.
        _ => return Delivery::Pending,
    };
    Delivery::Undeliverable(format!("Mobizon {status}: {reason}"))
}

/// An id sent as a JSON string or number.
fn id_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
