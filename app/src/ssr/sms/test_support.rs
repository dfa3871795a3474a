//! What the adapters' tests share: a message, a stub answer, the one request the stub got and
//! its form, and the two kinds of refusal taken apart.

use std::collections::HashMap;
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{Sms, SmsError};

pub(super) fn sms() -> Sms {
    Sms {
        to: "+77011234567".into(),
        text: "Код: 4821".into(),
    }
}

/// Makes the stub answer every POST to `url_path` with `response`.
pub(super) async fn answer(server: &MockServer, url_path: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(url_path))
        .respond_with(response)
        .mount(server)
        .await;
}

pub(super) async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "one request");
    requests.remove(0)
}

/// The form-encoded body of `request`, as name → value.
pub(super) fn form(request: &Request) -> HashMap<String, String> {
    let mut url = request.url.clone();
    url.set_query(Some(
        std::str::from_utf8(&request.body).expect("a UTF-8 form"),
    ));
    url.query_pairs().into_owned().collect()
}

pub(super) fn transient(err: SmsError) -> (String, Option<Duration>) {
    match err {
        SmsError::Transient {
            reason,
            retry_after,
        } => (reason, retry_after),
        SmsError::Permanent(reason) => panic!("expected a transient error, got: {reason}"),
    }
}

pub(super) fn permanent(err: SmsError) -> String {
    match err {
        SmsError::Permanent(reason) => reason,
        other => panic!("expected a permanent error, got: {other}"),
    }
}
