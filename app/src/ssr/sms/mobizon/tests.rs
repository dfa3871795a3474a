use std::collections::HashMap;

use wiremock::{MockServer, Request, ResponseTemplate};

use super::*;
use crate::ssr::sms::test_support::*;

const KEY: &str = "kz0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01";
const SEND: &str = "/service/message/sendsmsmessage";
const STATUS: &str = "/service/message/getsmsstatus";

fn gateway(server: &MockServer, timeout: Duration) -> Mobizon {
    Mobizon::new(&server.uri(), KEY, Some("AUYL"), timeout).expect("a gateway")
}

fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

/// What a send answered by `response` was refused with.
async fn send_refused(response: ResponseTemplate) -> SmsError {
    let server = MockServer::start().await;
    answer(&server, SEND, response).await;
    gateway(&server, Duration::from_secs(5))
        .send(&sms())
        .await
        .expect_err("refused")
}

fn query(request: &Request) -> HashMap<String, String> {
    request.url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn a_send_carries_the_documented_parameters_and_returns_the_message_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        SEND,
        json(include_str!("../fixtures/mobizon/send_success.json")),
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
        json(include_str!("../fixtures/mobizon/send_success.json")),
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
        json(include_str!(
            "../fixtures/mobizon/send_invalid_recipient.json"
        )),
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
    let err = send_refused(json(include_str!(
        "../fixtures/mobizon/send_operation_error.json"
    )))
    .await;

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
    let err = send_refused(json(include_str!(
        "../fixtures/mobizon/send_rate_limited.json"
    )))
    .await;

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
    let err = send_refused(json(include_str!(
        "../fixtures/mobizon/send_login_error.json"
    )))
    .await;

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
    let err = send_refused(
        ResponseTemplate::new(503)
            .insert_header("retry-after", "120")
            .set_body_string("<html>Service Unavailable</html>"),
    )
    .await;

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
    let err = send_refused(ResponseTemplate::new(500)).await;

    assert_eq!(transient(err), ("Mobizon: HTTP 500".to_owned(), None));
}

#[tokio::test]
async fn a_slow_server_times_out_as_a_transient_error_without_the_key() {
    let server = MockServer::start().await;
    answer(
        &server,
        SEND,
        json(include_str!("../fixtures/mobizon/send_success.json"))
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
        json(include_str!("../fixtures/mobizon/status_delivered.json")),
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
        json(include_str!("../fixtures/mobizon/status_undelivered.json")),
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
        json(include_str!("../fixtures/mobizon/status_accepted.json")),
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
        json(include_str!("../fixtures/mobizon/status_unknown_id.json")),
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
    let err =
        Mobizon::new("api.mobizon.kz", KEY, None, Duration::from_secs(1)).expect_err("no scheme");
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
