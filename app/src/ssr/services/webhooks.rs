//! Webhooks for operators' systems: an organisation's administrator registers endpoints (the
//! secret shown once), switches them off, sends a test event, and reads the delivery log; the
//! application's steps, repayments and appeals write a delivery for each of the
//! organisation's endpoints in their own transaction; a worker sends them, signed, retrying
//! until the receiver takes them, in order per application. Nothing waits for a receiver: a
//! slow or dead one slows no request.
//!
//! A receiver checks `Auyl-Signature: t=<unix seconds>,v1=<hex>` by computing
//! HMAC-SHA256(secret, "<t>.<body>") (as Stripe and GitHub sign theirs) and refusing a `t` more
//! than five minutes old.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::domain::account::Principal;
use crate::domain::params::{FieldError, Problem};
use crate::domain::webhook::{
    self, DeliveryLine, EndpointLine, Event, MAX_ATTEMPTS, MAX_ENDPOINTS,
};
use crate::ssr::db;
use crate::ssr::services::ServiceError;
use crate::ssr::services::org_admin_of;

/// How long a receiver has to answer.
pub const TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// Deliveries sent per round of the worker.
const BATCH: u64 = 20;
/// Deliveries each endpoint's log shows.
const LOG: u64 = 20;

/// HMAC-SHA256 of `message` with `secret`, in hex.
fn hmac_hex(secret: &str, message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `Auyl-Signature` header of `body` sent at `at` with `secret`.
pub fn signature(secret: &str, at: DateTime<Utc>, body: &str) -> String {
    let t = at.timestamp();
    format!(
        "t={t},v1={}",
        hmac_hex(secret, format!("{t}.{body}").as_bytes())
    )
}

/// The organisation's endpoints with their recent deliveries.
pub async fn endpoints(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<EndpointLine>, ServiceError> {
    let (org, _) = org_admin_of(who)?;
    let mut out = Vec::new();
    for e in db::webhooks::endpoints(db, org).await? {
        let deliveries = db::webhooks::log(db, e.id, LOG)
            .await?
            .into_iter()
            .map(|d| DeliveryLine {
                id: d.id,
                event: d.event,
                application_id: d.application_id,
                state: d.state,
                attempts: d.attempts,
                last_status: d.last_status,
                last_error: d.last_error,
                created_at: d.created_at.with_timezone(&Utc),
            })
            .collect();
        out.push(EndpointLine {
            id: e.id,
            url: e.url,
            created_at: e.created_at.with_timezone(&Utc),
            disabled_at: e.disabled_at.map(|d| d.with_timezone(&Utc)),
            deliveries,
        });
    }
    Ok(out)
}

/// Registers an endpoint at `url` (field `url`); its secret, shown once.
pub async fn create(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    url: &str,
) -> Result<String, ServiceError> {
    let (org, user) = org_admin_of(who)?;
    let url = webhook::url(url)?;
    let live = db::webhooks::endpoints(db, org)
        .await?
        .iter()
        .filter(|e| e.disabled_at.is_none())
        .count();
    if live >= MAX_ENDPOINTS {
        return Err(FieldError::new(
            "url",
            Problem::OutOfRange {
                min: 0,
                max: MAX_ENDPOINTS as i64,
            },
        )
        .into());
    }
    let (token, _) = crate::ssr::security::new_token()?;
    let secret = format!("whsec_{token}");
    db::webhooks::create(db, org, &url, &secret, user, Utc::now()).await?;
    Ok(secret)
}

/// Switches endpoint `id` off.
pub async fn disable(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<(), ServiceError> {
    let (org, _) = org_admin_of(who)?;
    if db::webhooks::disable(db, org, id, Utc::now()).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Sends endpoint `id` a test event.
pub async fn test(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<(), ServiceError> {
    let (org, _) = org_admin_of(who)?;
    let live = db::webhooks::endpoints(db, org)
        .await?
        .into_iter()
        .any(|e| e.id == id && e.disabled_at.is_none());
    if !live {
        return Err(ServiceError::NotFound);
    }
    let now = Utc::now();
    let payload = envelope(
        Event::Test,
        now,
        serde_json::json!({ "message": "Auyl Business" }),
    );
    db::webhooks::enqueue(db, id, None, Event::Test.as_str(), &payload, now).await?;
    Ok(())
}

/// The body a receiver gets: the event's type, when it happened, and its data.
fn envelope(event: Event, at: DateTime<Utc>, data: serde_json::Value) -> String {
    serde_json::json!({
        "type": event.as_str(),
        "created_at": at.to_rfc3339(),
        "data": data,
    })
    .to_string()
}

/// Writes `event` about application `application` for each live endpoint of organisation
/// `org`, in the caller's transaction: it exists exactly when the event does.
pub async fn emit(
    txn: &impl ConnectionTrait,
    org: i32,
    application: i32,
    event: Event,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let endpoints = db::webhooks::endpoints(txn, org).await?;
    if endpoints.iter().all(|e| e.disabled_at.is_some()) {
        return Ok(());
    }
    let mut data = data;
    if let Some(map) = data.as_object_mut() {
        map.insert("application_id".into(), application.into());
    }
    let payload = envelope(event, now, data);
    for e in endpoints.iter().filter(|e| e.disabled_at.is_none()) {
        db::webhooks::enqueue(txn, e.id, Some(application), event.as_str(), &payload, now).await?;
    }
    Ok(())
}

/// Sends what is due; whether there was anything.
pub async fn deliver_due(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let due = db::webhooks::due(db, now, BATCH).await?;
    let any = !due.is_empty();
    for d in due {
        if !db::webhooks::claim(db, &d, now).await? {
            continue;
        }
        let Some(endpoint) = db::webhooks::endpoint(db, d.endpoint_id).await? else {
            continue;
        };
        let attempts = d.attempts + 1;
        let outcome = if endpoint.disabled_at.is_some() {
            Err((None, "the endpoint was switched off".to_owned()))
        } else {
            send(
                client,
                &endpoint.url,
                &endpoint.secret,
                d.id,
                &d.event,
                &d.payload,
            )
            .await
        };
        let next = match &outcome {
            Ok(_) => None,
            Err(_) if endpoint.disabled_at.is_some() || attempts >= MAX_ATTEMPTS => None,
            Err(_) => Some(Utc::now() + webhook::retry_after(attempts)),
        };
        if let Err((status, error)) = &outcome {
            tracing::warn!(delivery = d.id, endpoint = d.endpoint_id, attempts, ?status, error = %error, "a webhook delivery failed");
        }
        db::webhooks::attempted(db, d.id, attempts, outcome, next, Utc::now()).await?;
    }
    Ok(any)
}

/// One attempt: the receiver's status when it took the delivery (2xx), else why not.
async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    id: i32,
    event: &str,
    body: &str,
) -> Result<i32, (Option<i32>, String)> {
    let response = client
        .post(url)
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .header("user-agent", "Auyl-Business-Webhooks/1")
        .header("auyl-event", event)
        .header("auyl-delivery", id.to_string())
        .header("auyl-signature", signature(secret, Utc::now(), body))
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| {
            (
                None,
                if e.is_timeout() {
                    "timed out".to_owned()
                } else {
                    "no connection".to_owned()
                },
            )
        })?;
    let status = i32::from(response.status().as_u16());
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("HTTP {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_the_body() {
        // The published example of HMAC-SHA256 (Wikipedia, "HMAC").
        assert_eq!(
            hmac_hex("key", b"The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        let at = DateTime::from_timestamp(1_765_000_000, 0).expect("a time");
        assert_eq!(
            signature("key", at, "{}"),
            format!("t=1765000000,v1={}", hmac_hex("key", b"1765000000.{}"))
        );
        assert_ne!(signature("key", at, "{}"), signature("kez", at, "{}"));
    }
}
