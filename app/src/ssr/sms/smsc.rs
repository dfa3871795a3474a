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

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::{Accepted, Delivery, Sms, SmsError, SmsGateway};

/// The wait asked of the outbox after a rate-limit refusal: the documentation speaks of "within
/// a minute".
const RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

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
        text.replace(&self.password, "<hidden>")
    }
}

#[async_trait::async_trait]
impl SmsGateway for Smsc {
    fn name(&self) -> &'static str {
        "smsc"
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

/// `+77011234567` → `77011234567`.
fn international_digits(number: &str) -> Option<String> {
    let digits = number.trim().strip_prefix('+').unwrap_or(number.trim());
    (!digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_owned())
}

/// A transport failure, told without the URL.
fn transport(err: reqwest::Error) -> SmsError {
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    SmsError::transient(format!("SMSC: {what}: {}", err.without_url()))
}

/// The HTTP statuses that decide the outcome whatever the body says.
fn http_failure(status: StatusCode, retry_after: Option<Duration>) -> Option<SmsError> {
    if status.is_server_error() {
        return Some(SmsError::Transient {
            reason: format!("SMSC: HTTP {}", status.as_u16()),
            retry_after,
        });
    }
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some(SmsError::Transient {
            reason: "SMSC: HTTP 429".into(),
            retry_after: retry_after.or(Some(RATE_LIMIT_WAIT)),
        }),
        StatusCode::REQUEST_TIMEOUT => Some(SmsError::transient("SMSC: HTTP 408")),
        _ => None,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored).
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

    const LOGIN: &str = "auyl";
    const PASSWORD: &str = "s3cret-Pa55word";
    const SEND: &str = "/sys/send.php";
    const STATUS: &str = "/sys/status.php";

    fn gateway(server: &MockServer, timeout: Duration) -> Smsc {
        Smsc::new(&server.uri(), LOGIN, PASSWORD, Some("AUYL"), timeout).expect("a gateway")
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
        ResponseTemplate::new(200).set_body_raw(body, "application/json; charset=utf-8")
    }

    async fn only_request(server: &MockServer) -> Request {
        let mut requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1, "one request");
        requests.remove(0)
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

    async fn send_answered(body: &str) -> SmsError {
        let server = MockServer::start().await;
        answer(&server, SEND, json(body)).await;
        gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused")
    }

    async fn status_answered(body: &str) -> Result<Delivery, SmsError> {
        let server = MockServer::start().await;
        answer(&server, STATUS, json(body)).await;
        gateway(&server, Duration::from_secs(5))
            .status("33:77011234567")
            .await
    }

    #[tokio::test]
    async fn a_send_carries_the_documented_parameters_and_returns_id_parts_and_price() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/smsc/send_success.json")),
        )
        .await;

        let accepted = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect("accepted");

        assert_eq!(
            accepted,
            Accepted {
                provider_id: "33:77011234567".into(),
                segments: Some(2),
                cost_tiyn: Some(2925),
            }
        );
        let request = only_request(&server).await;
        assert_eq!(request.url.query(), None, "nothing in the URL");
        let form = form(&request);
        let expected: HashMap<String, String> = [
            ("login", LOGIN),
            ("psw", PASSWORD),
            ("phones", "77011234567"),
            ("mes", "Код: 4821"),
            ("charset", "utf-8"),
            ("fmt", "3"),
            ("cost", "3"),
            ("sender", "AUYL"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(form, expected);
    }

    #[tokio::test]
    async fn without_a_sender_name_the_sender_parameter_is_left_out() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/smsc/send_success.json")),
        )
        .await;
        let gateway = Smsc::new(&server.uri(), LOGIN, PASSWORD, None, Duration::from_secs(5))
            .expect("a gateway");

        gateway.send(&sms()).await.expect("accepted");

        let form = form(&only_request(&server).await);
        assert!(!form.contains_key("sender"));
        assert_eq!(form.get("phones").map(String::as_str), Some("77011234567"));
    }

    #[tokio::test]
    async fn an_invalid_number_is_refused_for_good() {
        let err = send_answered(include_str!("fixtures/smsc/send_invalid_number.json")).await;

        assert_eq!(permanent(err), "SMSC error 7: invalid number");
    }

    #[tokio::test]
    async fn insufficient_funds_are_tried_again_later() {
        let err = send_answered(include_str!("fixtures/smsc/send_no_money.json")).await;

        assert_eq!(
            transient(err),
            (
                "SMSC error 3: Placeholder: insufficient funds on the account".to_owned(),
                None
            )
        );
    }

    #[tokio::test]
    async fn a_duplicate_or_too_frequent_request_asks_for_a_minute() {
        let err = send_answered(include_str!("fixtures/smsc/send_duplicate_request.json")).await;

        assert_eq!(
            transient(err),
            (
                "SMSC error 9: duplicate request, wait a minute".to_owned(),
                Some(Duration::from_secs(60))
            )
        );
    }

    #[tokio::test]
    async fn wrong_credentials_are_refused_for_good_without_the_password() {
        let err = send_answered(include_str!("fixtures/smsc/send_authorise_error.json")).await;

        assert!(!err.to_string().contains(PASSWORD));
        assert_eq!(permanent(err), "SMSC error 2: authorise error");
    }

    #[tokio::test]
    async fn a_reason_that_quotes_the_password_is_scrubbed() {
        let body = format!(r#"{{"error": "bad psw {PASSWORD}", "error_code": 2}}"#);

        let err = send_answered(&body).await;

        assert_eq!(permanent(err), "SMSC error 2: bad psw <hidden>");
    }

    #[tokio::test]
    async fn a_server_error_is_tried_again_and_its_retry_after_kept() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            ResponseTemplate::new(502)
                .insert_header("retry-after", "30")
                .set_body_string("<html>Bad Gateway</html>"),
        )
        .await;

        let err = gateway(&server, Duration::from_secs(5))
            .send(&sms())
            .await
            .expect_err("refused");

        assert_eq!(
            transient(err),
            ("SMSC: HTTP 502".to_owned(), Some(Duration::from_secs(30)))
        );
    }

    #[tokio::test]
    async fn a_slow_server_times_out_as_a_transient_error_without_the_password() {
        let server = MockServer::start().await;
        answer(
            &server,
            SEND,
            json(include_str!("fixtures/smsc/send_success.json"))
                .set_delay(Duration::from_millis(1500)),
        )
        .await;

        let err = gateway(&server, Duration::from_millis(200))
            .send(&sms())
            .await
            .expect_err("timed out");

        let (reason, retry_after) = transient(err);
        assert!(reason.starts_with("SMSC: timed out"), "{reason}");
        assert!(!reason.contains(PASSWORD), "{reason}");
        assert_eq!(retry_after, None);
    }

    #[tokio::test]
    async fn a_closed_port_is_a_transient_connection_error() {
        // A port that was free a moment ago (wiremock's servers are pooled, not closed).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let uri = format!("http://{}", listener.local_addr().expect("an address"));
        drop(listener);
        let gateway =
            Smsc::new(&uri, LOGIN, PASSWORD, None, Duration::from_secs(2)).expect("a gateway");

        let (reason, _) = transient(gateway.send(&sms()).await.expect_err("no server"));

        assert!(reason.starts_with("SMSC: could not connect"), "{reason}");
    }

    #[tokio::test]
    async fn a_final_delivery_report_is_delivered_and_asks_with_id_and_phone() {
        let server = MockServer::start().await;
        answer(
            &server,
            STATUS,
            json(include_str!("fixtures/smsc/status_delivered.json")),
        )
        .await;

        let delivery = gateway(&server, Duration::from_secs(5))
            .status("33:77011234567")
            .await
            .expect("a status");

        assert_eq!(delivery, Delivery::Delivered);
        let form = form(&only_request(&server).await);
        assert_eq!(form.get("id").map(String::as_str), Some("33"));
        assert_eq!(form.get("phone").map(String::as_str), Some("77011234567"));
        assert_eq!(form.get("login").map(String::as_str), Some(LOGIN));
        assert_eq!(form.get("psw").map(String::as_str), Some(PASSWORD));
        assert_eq!(form.get("fmt").map(String::as_str), Some("3"));
    }

    #[tokio::test]
    async fn a_final_failure_is_undeliverable_with_status_and_err() {
        let delivery = status_answered(include_str!("fixtures/smsc/status_invalid_number.json"))
            .await
            .expect("a status");

        assert_eq!(
            delivery,
            Delivery::Undeliverable("SMSC status 22: invalid number (err 1)".into())
        );
    }

    #[tokio::test]
    async fn a_message_handed_to_the_operator_is_still_pending() {
        let delivery = status_answered(include_str!("fixtures/smsc/status_transferred.json"))
            .await
            .expect("a status");

        assert_eq!(delivery, Delivery::Pending);
    }

    #[tokio::test]
    async fn a_message_smsc_does_not_know_is_a_permanent_error() {
        let err = status_answered(include_str!("fixtures/smsc/status_not_found.json"))
            .await
            .expect_err("not found");

        assert_eq!(
            permanent(err),
            "SMSC status -3: no message with this id for this number"
        );
    }

    #[tokio::test]
    async fn too_frequent_status_requests_ask_for_a_minute() {
        let err =
            status_answered(r#"{"error": "duplicate request, wait a minute", "error_code": 9}"#)
                .await
                .expect_err("refused");

        assert_eq!(transient(err).1, Some(Duration::from_secs(60)));
    }

    #[tokio::test]
    async fn a_provider_id_without_the_number_is_refused_without_a_request() {
        let server = MockServer::start().await;

        let err = gateway(&server, Duration::from_secs(5))
            .status("33")
            .await
            .expect_err("not an SMSC id");

        assert!(permanent(err).contains("<id>:<number>"));
        assert!(
            server
                .received_requests()
                .await
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[test]
    fn every_documented_status_maps_to_its_finality() {
        for pending in [-2, -1, 0, 7] {
            assert_eq!(
                delivery(pending, 0).ok(),
                Some(Delivery::Pending),
                "{pending}"
            );
        }
        for delivered in [1, 2, 4] {
            assert_eq!(
                delivery(delivered, 0).ok(),
                Some(Delivery::Delivered),
                "{delivered}"
            );
        }
        for failed in [3, 20, 22, 23, 24, 25] {
            assert!(
                matches!(
                    delivery(failed, 0),
                    Ok(Delivery::Undeliverable(r)) if r.starts_with(&format!("SMSC status {failed}:"))
                ),
                "{failed}"
            );
        }
    }

    #[test]
    fn prices_in_tenge_become_tiyn() {
        assert_eq!(tiyn("29.25"), Some(2925));
        assert_eq!(tiyn("7"), Some(700));
        assert_eq!(tiyn("7.5"), Some(750));
        assert_eq!(tiyn("0.125"), Some(13));
        assert_eq!(tiyn("0.124"), Some(12));
        assert_eq!(tiyn(".5"), Some(50));
        assert_eq!(tiyn(""), None);
        assert_eq!(tiyn("-1.00"), None);
        assert_eq!(tiyn("1,50"), None);
    }

    #[test]
    fn construction_refuses_a_bad_url_or_empty_credentials_and_debug_hides_the_password() {
        let err = Smsc::new("smsc.kz", LOGIN, PASSWORD, None, Duration::from_secs(1))
            .expect_err("no scheme");
        assert!(!err.contains(PASSWORD), "{err}");
        assert!(Smsc::new("https://smsc.kz", LOGIN, "", None, Duration::from_secs(1)).is_err());
        assert!(
            Smsc::new(
                "https://smsc.kz",
                " ",
                PASSWORD,
                None,
                Duration::from_secs(1)
            )
            .is_err()
        );

        let gateway = Smsc::new(
            "https://smsc.kz/",
            LOGIN,
            PASSWORD,
            None,
            Duration::from_secs(1),
        )
        .expect("a gateway");
        assert_eq!(gateway.send_url.as_str(), "https://smsc.kz/sys/send.php");
        assert_eq!(
            gateway.status_url.as_str(),
            "https://smsc.kz/sys/status.php"
        );
        assert!(!format!("{gateway:?}").contains(PASSWORD));
    }
}
