use std::collections::HashMap;

use wiremock::{MockServer, ResponseTemplate};

use super::*;
use crate::ssr::sms::test_support::*;

const LOGIN: &str = "auyl";
const PASSWORD: &str = "s3cret-Pa55word";
const SEND: &str = "/sys/send.php";
const STATUS: &str = "/sys/status.php";

fn gateway(server: &MockServer, timeout: Duration) -> Smsc {
    Smsc::new(&server.uri(), LOGIN, PASSWORD, Some("AUYL"), timeout).expect("a gateway")
}

fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json; charset=utf-8")
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
        json(include_str!("../fixtures/smsc/send_success.json")),
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
        json(include_str!("../fixtures/smsc/send_success.json")),
    )
    .await;
    let gateway =
        Smsc::new(&server.uri(), LOGIN, PASSWORD, None, Duration::from_secs(5)).expect("a gateway");

    gateway.send(&sms()).await.expect("accepted");

    let form = form(&only_request(&server).await);
    assert!(!form.contains_key("sender"));
    assert_eq!(form.get("phones").map(String::as_str), Some("77011234567"));
}

#[tokio::test]
async fn an_invalid_number_is_refused_for_good() {
    let err = send_answered(include_str!("../fixtures/smsc/send_invalid_number.json")).await;

    assert_eq!(permanent(err), "SMSC error 7: invalid number");
}

#[tokio::test]
async fn insufficient_funds_are_tried_again_later() {
    let err = send_answered(include_str!("../fixtures/smsc/send_no_money.json")).await;

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
    let err = send_answered(include_str!("../fixtures/smsc/send_duplicate_request.json")).await;

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
    let err = send_answered(include_str!("../fixtures/smsc/send_authorise_error.json")).await;

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
        json(include_str!("../fixtures/smsc/send_success.json"))
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
        json(include_str!("../fixtures/smsc/status_delivered.json")),
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
    let delivery = status_answered(include_str!("../fixtures/smsc/status_invalid_number.json"))
        .await
        .expect("a status");

    assert_eq!(
        delivery,
        Delivery::Undeliverable("SMSC status 22: invalid number (err 1)".into())
    );
}

#[tokio::test]
async fn a_message_handed_to_the_operator_is_still_pending() {
    let delivery = status_answered(include_str!("../fixtures/smsc/status_transferred.json"))
        .await
        .expect("a status");

    assert_eq!(delivery, Delivery::Pending);
}

#[tokio::test]
async fn a_message_smsc_does_not_know_is_a_permanent_error() {
    let err = status_answered(include_str!("../fixtures/smsc/status_not_found.json"))
        .await
        .expect_err("not found");

    assert_eq!(
        permanent(err),
        "SMSC status -3: no message with this id for this number"
    );
}

#[tokio::test]
async fn too_frequent_status_requests_ask_for_a_minute() {
    let err = status_answered(r#"{"error": "duplicate request, wait a minute", "error_code": 9}"#)
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
    let err =
        Smsc::new("smsc.kz", LOGIN, PASSWORD, None, Duration::from_secs(1)).expect_err("no scheme");
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
