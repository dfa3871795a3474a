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

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde_json::Value;

use super::{Accepted, Delivery, Sms, SmsError, SmsGateway};

/// The wait asked of the outbox after a rate-limit refusal that names none.
const RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

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
        let response = self
            .http
            .post(url.clone())
            .form(form)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body = response.bytes().await.map_err(transport)?;
        if let Some(err) = http_failure(status, retry_after) {
            return Err(err);
        }
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

    fn scrub(&self, err: SmsError) -> SmsError {
        match err {
            SmsError::Permanent(reason) => SmsError::Permanent(self.redact(&reason)),
            SmsError::Transient {
                reason,
                retry_after,
            } => SmsError::Transient {
                reason: self.redact(&reason),
                retry_after,
            },
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
        self.send_unscrubbed(sms).await.map_err(|e| self.scrub(e))
    }

    async fn status(&self, provider_id: &str) -> Result<Delivery, SmsError> {
        match self.status_unscrubbed(provider_id).await {
            Ok(Delivery::Undeliverable(reason)) => {
                Ok(Delivery::Undeliverable(self.redact(&reason)))
            }
            Ok(delivery) => Ok(delivery),
            Err(err) => Err(self.scrub(err)),
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

/// `+77011234567` → `77011234567`: the form Mobizon documents ("international format, digits
/// only").
fn international_digits(number: &str) -> Option<String> {
    let digits = number.trim().strip_prefix('+').unwrap_or(number.trim());
    (!digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_owned())
}

/// A transport failure, told without the URL (it carries the key).
fn transport(err: reqwest::Error) -> SmsError {
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    SmsError::transient(format!("Mobizon: {what}: {}", err.without_url()))
}

/// The HTTP statuses that decide the outcome whatever the body says.
fn http_failure(status: StatusCode, retry_after: Option<Duration>) -> Option<SmsError> {
    if status.is_server_error() {
        return Some(SmsError::Transient {
            reason: format!("Mobizon: HTTP {}", status.as_u16()),
            retry_after,
        });
    }
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some(SmsError::Transient {
            reason: "Mobizon: HTTP 429".into(),
            retry_after: retry_after.or(Some(RATE_LIMIT_WAIT)),
        }),
        StatusCode::REQUEST_TIMEOUT => Some(SmsError::transient("Mobizon: HTTP 408")),
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use super::*;

    const KEY: &str = "kz0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01";
    const SEND: &str = "/service/message/sendsmsmessage";
    const STATUS: &str = "/service/message/getsmsstatus";

    fn gateway(server: &MockServer, timeout: Duration) -> Mobizon {
        Mobizon::new(&server.uri(), KEY, Some("AUYL"), timeout).expect("a gateway")
    }

    fn sms() -> Sms {
        Sms {
            to: "+77011234567".into(),
            text: "Код: 4821".into(),
        }
    }

    async fn answer(server: &MockServer, url_path: &str, response: ResponseTemplate) {
        Mock::given(method("POST"))
            .and(path(url_path))
            .respond_with(response)
            .mount(server)
            .await;
    }

    fn json(body: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }

    async fn only_request(server: &MockServer) -> Request {
        let mut requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1, "one request");
        requests.remove(0)
    }

    fn query(request: &Request) -> HashMap<String, String> {
        request.url.query_pairs().into_owned().collect()
    }

    fn form(request: &Request) -> HashMap<String, String> {
        let mut url = request.url.clone();
        url.set_query(Some(
            std::str::from_utf8(&request.body).expect("a UTF-8 form"),
        ));
        url.query_pairs().into_owned().collect()
    }

    fn transient(err: SmsError) -> (String, Option<Duration>) {
        match err {
            SmsError::Transient {
                reason,
                retry_after,
            } => (reason, retry_after),
            SmsError::Permanent(reason) => panic!("expected a transient error, got: {reason}"),
        }
    }

    fn permanent(err: SmsError) -> String {
        match err {
            SmsError::Permanent(reason) => reason,
            other => panic!("expected a permanent error, got: {other}"),
        }
    }

    #[tokio::test]
    async fn a_send_carries_the_documented_parameters_and_returns_the_message_id() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_success.json")),
        )
        .await;

        let accepted = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect("accepted");

        assert_eq!(
            accepted,
            Accepted {
                provider_id: "71000000002".into(),
                segments: None,
                cost_tiyn: None,
            }
        );
        let request = only_request(&server).await;
        let query = query(&request);
        assert_eq!(query.get("apiKey").map(String::as_str), Some(KEY));
        assert_eq!(query.get("api").map(String::as_str), Some("v1"));
        assert_eq!(query.get("output").map(String::as_str), Some("json"));
        assert_eq!(
            request
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/x-www-form-urlencoded")
        );
        let form = form(&request);
        assert_eq!(
            form.get("recipient").map(String::as_str),
            Some("77011234567")
        );
        assert_eq!(form.get("text").map(String::as_str), Some("Код: 4821"));
        assert_eq!(form.get("from").map(String::as_str), Some("AUYL"));
        assert!(!form.contains_key("apiKey"), "the key is not in the body");
    }

    #[tokio::test]
    async fn without_a_sender_name_the_from_parameter_is_left_out() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_success.json")),
        )
        .await;
        let gateway =
            Mobizon::new(&server.uri(), KEY, None, Duration::from_secs(5)).expect("a gateway");

        gateway.send(&sms()).await.expect("accepted");

        let form = form(&only_request(&server).await);
        assert!(!form.contains_key("from"));
        assert_eq!(
            form.get("recipient").map(String::as_str),
            Some("77011234567")
        );
    }

    #[tokio::test]
    async fn an_invalid_number_is_refused_for_good_with_the_field_named() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_invalid_recipient.json")),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(
            permanent(err),
            "Mobizon code 1: Placeholder: validation error. \
             (recipient: Placeholder: the recipient number is invalid.)"
        );
    }

    #[tokio::test]
    async fn a_number_that_is_not_international_is_refused_without_a_request() {
        let server = MockServer::start().await;
        let err = gateway(&server, Duration::from_secs(5))
            .send(&Sms {
                to: "8 701 123 45 67".into(),
                text: "x".into(),
            })
            .await
            .expect_err("refused");

        assert!(permanent(err).contains("international"));
        assert!(
            server
                .received_requests()
                .await
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn an_operation_error_such_as_an_empty_balance_is_tried_again_later() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_operation_error.json")),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(
            transient(err),
            (
                "Mobizon code 15: Placeholder: not enough money on the balance.".to_owned(),
                None
            )
        );
    }

    #[tokio::test]
    async fn the_rate_limit_asks_for_a_minute() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_rate_limited.json")),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(
            transient(err),
            (
                "Mobizon code 30: Placeholder: too many requests.".to_owned(),
                Some(Duration::from_secs(60))
            )
        );
    }

    #[tokio::test]
    async fn an_unknown_key_is_refused_for_good_and_the_key_is_not_told() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_login_error.json")),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        let text = err.to_string();
        assert_eq!(
            permanent(err),
            "Mobizon code 8: Placeholder: wrong API key."
        );
        assert!(!text.contains(KEY));
    }

    #[tokio::test]
    async fn a_reason_that_quotes_the_key_is_scrubbed() {
        let server = MockServer::start().await;
        let body = format!(r#"{{"code":8,"data":null,"message":"key {KEY} is not valid"}}"#);
        answer(&server, SEND, json(&body)).await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(permanent(err), "Mobizon code 8: key <hidden> is not valid");
    }

    #[tokio::test]
    async fn a_server_error_is_tried_again_and_its_retry_after_kept() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            ResponseTemplate::new(503)
                .insert_header("retry-after", "120")
                .set_body_string("<html>Service Unavailable</html>"),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(
            transient(err),
            (
                "Mobizon: HTTP 503".to_owned(),
                Some(Duration::from_secs(120))
            )
        );
    }

    #[tokio::test]
    async fn a_500_without_retry_after_is_tried_again_without_a_wait() {
        let server = MockServer::start().await;
        answer(&server, SEND, ResponseTemplate::new(500)).await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(transient(err), ("Mobizon: HTTP 500".to_owned(), None));
    }

    #[tokio::test]
    async fn a_slow_server_times_out_as_a_transient_error_without_the_key() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/mobizon/send_success.json"))
                .set_delay(Duration::from_millis(1500)),
        )
        .await;

        let err = gateway(&server, Duration::from_millis(200))
            .send(&sms())
            .await
            .expect_err("timed out");

        let (reason, retry_after) = transient(err);
        assert!(reason.starts_with("Mobizon: timed out"), "{reason}");
        assert!(!reason.contains(KEY), "{reason}");
        assert!(!reason.contains("apiKey"), "{reason}");
        assert_eq!(retry_after, None);
    }

    #[tokio::test]
    async fn a_closed_port_is_a_transient_connection_error_without_the_key() {
        // A port that was free a moment ago (wiremock's servers are pooled, not closed).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let uri = format!("http://{}", listener.local_addr().expect("an address"));
        drop(listener);
        let gateway = Mobizon::new(&uri, KEY, None, Duration::from_secs(2)).expect("a gateway");

        let err = gateway.send(&sms()).await.expect_err("no server");

        let (reason, _) = transient(err);
        assert!(reason.starts_with("Mobizon: could not connect"), "{reason}");
        assert!(!reason.contains(KEY), "{reason}");
    }

    #[tokio::test]
    async fn a_non_envelope_body_with_200_is_tried_again() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            ResponseTemplate::new(200).set_body_string("<html>proxy</html>"),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(
            transient(err).0,
            "Mobizon: HTTP 200 with a body that is not its JSON envelope"
        );
    }

    #[tokio::test]
    async fn a_final_delivery_report_is_delivered_and_asks_for_the_id() {
        let server = MockServer::start().await;
        answer(
            &server,
            STATUS,
            json(include_str!("fixtures/mobizon/status_delivered.json")),
        )
        .await;

        let delivery = gateway(&server, Duration::from_secs(5))
            .status("71000000002")
            .await
            .expect("a status");

        assert_eq!(delivery, Delivery::Delivered);
        let request = only_request(&server).await;
        assert_eq!(query(&request).get("apiKey").map(String::as_str), Some(KEY));
        assert_eq!(
            form(&request).get("ids[0]").map(String::as_str),
            Some("71000000002")
        );
    }

    #[tokio::test]
    async fn a_final_failure_is_undeliverable_with_mobizon_s_status() {
        let server = MockServer::start().await;
        answer(
            &server,
            STATUS,
            json(include_str!("fixtures/mobizon/status_undelivered.json")),
        )
        .await;

        let delivery = gateway(&server, Duration::from_secs(5))
            .status("71000000002")
            .await
            .expect("a status");

        assert_eq!(
            delivery,
            Delivery::Undeliverable("Mobizon UNDELIV: not delivered to the recipient".into())
        );
    }

    #[tokio::test]
    async fn a_message_accepted_by_the_operator_is_still_pending() {
        let server = MockServer::start().await;
        answer(
            &server,
            STATUS,
            json(include_str!("fixtures/mobizon/status_accepted.json")),
        )
        .await;

        let delivery = gateway(&server, Duration::from_secs(5))
            .status("71000000002")
            .await
            .expect("a status");

        assert_eq!(delivery, Delivery::Pending);
    }

    #[tokio::test]
    async fn an_id_mobizon_leaves_out_of_the_list_is_a_permanent_error() {
        let server = MockServer::start().await;
        answer(
            &server,
            STATUS,
            json(include_str!("fixtures/mobizon/status_unknown_id.json")),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .status("71000000002")
            .await
            .expect_err("unknown");

        assert_eq!(
            permanent(err),
            "Mobizon: no message 71000000002 in this account"
        );
    }

    #[test]
    fn every_documented_status_maps_to_its_finality() {
        for pending in ["NEW", "ENQUEUD", "ACCEPTD", "PDLIVRD", "SOMETHING"] {
            assert_eq!(delivery(pending), Delivery::Pending, "{pending}");
        }
        assert_eq!(delivery("DELIVRD"), Delivery::Delivered);
        for failed in ["UNDELIV", "REJECTD", "EXPIRED", "DELETED"] {
            assert!(
                matches!(delivery(failed), Delivery::Undeliverable(r) if r.contains(failed)),
                "{failed}"
            );
        }
    }

    #[test]
    fn numeric_string_codes_and_ids_are_read() {
        let envelope = Envelope::parse(br#"{"code":"0","data":{"messageId":123},"message":null}"#)
            .expect("an envelope");
        assert_eq!(envelope.code, 0);
        assert_eq!(
            envelope.data.get("messageId").and_then(id_string),
            Some("123".to_owned())
        );
        assert!(Envelope::parse(br#"{"data":5}"#).is_none());
    }

    #[test]
    fn construction_refuses_a_bad_url_or_an_empty_key_and_debug_hides_the_key() {
        let err = Mobizon::new("api.mobizon.kz", KEY, None, Duration::from_secs(1))
            .expect_err("no scheme");
        assert!(!err.contains(KEY), "{err}");
        let err = Mobizon::new("ftp://api.mobizon.kz", KEY, None, Duration::from_secs(1))
            .expect_err("not http");
        assert!(!err.contains(KEY), "{err}");
        assert!(Mobizon::new("https://api.mobizon.kz", " ", None, Duration::from_secs(1)).is_err());

        let gateway = Mobizon::new("https://api.mobizon.kz/", KEY, None, Duration::from_secs(1))
            .expect("a gateway");
        assert_eq!(gateway.send_url.path(), SEND);
        assert!(!format!("{gateway:?}").contains(KEY));
    }
}
