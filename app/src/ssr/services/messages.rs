//! Messages the platform owes people: written into the outbox in the transaction of the event
//! that causes them ([`letter`] and [`enqueue`]), then delivered by [`deliver_due`] on any app
//! instance: e-mail through the mailer, SMS through the configured gateway, with a lease, retries
//! with backoff, caps on what SMS may cost, and a delivery report followed until it is final.
//! A message that cannot be delivered leaves a notice in the bell of the person who filed for
//! the resident (the akimat), so somebody calls.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::json;

use crate::domain::i18n::{Lang, Msg, tf};
use crate::ssr::db;
use crate::ssr::db::entities::messages as rows;
use crate::ssr::db::messages::{MessageState, NewMessage, Outcome, Urgency};
use crate::ssr::mail::{Mail, Mailer};
use crate::ssr::services::ServiceError;
use crate::ssr::sms::{Delivery, Sms, SmsError, SmsGateway, segments};

/// Wakes this instance's delivery worker after a transaction that wrote messages committed.
static WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Tells the delivery worker there is something new. Call it after the commit: a worker woken
/// before would not see the row (it still looks every second).
pub fn wake() {
    WAKE.notify_one();
}

/// Waits until [`wake`] is called.
pub async fn woken() {
    WAKE.notified().await;
}

/// Tries before a message is given up as failed: with the backoff below, about four hours.
pub const MAX_ATTEMPTS: i32 = 20;
/// How long a worker holds the messages it claimed.
pub const LEASE: Duration = Duration::seconds(60);
/// Messages claimed at once.
pub const BATCH: u64 = 50;
/// The templates that carry a code: the only SMS a number gets before it is proved.
pub const CODES: [&str; 3] = ["verify_code", "reset_code", "consent_code"];
/// After this long without a final delivery report, a sent SMS is no longer asked about.
const REPORT_PATIENCE: Duration = Duration::hours(48);

/// What delivers: the mailer, the SMS gateway, and what SMS may cost.
#[derive(Clone)]
pub struct Courier {
    /// E-mail (SMTP, or the log).
    pub mailer: Arc<dyn Mailer>,
    /// SMS (a provider, or the log).
    pub sms: Arc<dyn SmsGateway>,
    /// Text messages one phone may be sent in 24 hours.
    pub daily_per_phone: u64,
    /// Parts the platform may send in a calendar month.
    pub monthly_limit: Option<u64>,
}

/// The channel that reaches `recipient`: e-mail for an address, SMS for a phone.
pub fn channel_of(recipient: &str) -> &'static str {
    if recipient.contains('@') {
        "email"
    } else {
        "sms"
    }
}

/// A message to one person, before it is written.
pub struct Letter<'a> {
    /// The phone or e-mail address.
    pub to: &'a str,
    /// The reader's language, when known.
    pub lang: Option<Lang>,
    /// The account it is for.
    pub user_id: Option<i32>,
    /// The application it is about.
    pub application_id: Option<i32>,
    /// Who to tell if it cannot be delivered.
    pub fallback_user_id: Option<i32>,
    /// What it is.
    pub template: &'static str,
    /// The values it is made from (kept in the row; secrets left out).
    pub params: serde_json::Value,
    /// How soon it must go.
    pub urgency: Urgency,
    /// It holds a code or a sign-in link.
    pub secret: bool,
}

/// Makes the outbox row of `letter`: the e-mail `mail` for an address, or the SMS `sms` in
/// the reader's language (Kazakh, the state language, when it is not known: two languages
/// would double the parts) for a phone. A bulk SMS written at night waits for 09:00 in
/// Asia/Almaty.
pub fn letter(
    letter: Letter<'_>,
    mail: impl FnOnce() -> Mail,
    sms: impl FnOnce(Lang) -> String,
    now: DateTime<Utc>,
) -> NewMessage {
    let channel = channel_of(letter.to);
    let (subject, body, unsubscribe_url, lang, parts) = if channel == "email" {
        let m = mail();
        (
            m.subject,
            m.body,
            m.unsubscribe,
            letter.lang.map(Lang::code),
            1,
        )
    } else {
        let lang = letter.lang.unwrap_or(Lang::Kk);
        let text = sms(lang);
        let parts = i32::try_from(segments(&text)).unwrap_or(i32::MAX);
        (String::new(), text, None, Some(lang.code()), parts)
    };
    let not_before = if channel == "sms" && letter.urgency == Urgency::Bulk {
        quiet_hours_end(now)
    } else {
        now
    };
    NewMessage {
        user_id: letter.user_id,
        application_id: letter.application_id,
        fallback_user_id: letter.fallback_user_id,
        channel,
        recipient: letter.to.to_owned(),
        template: letter.template,
        params: letter.params.to_string(),
        lang,
        urgency: letter.urgency,
        subject,
        body,
        secret: letter.secret,
        unsubscribe_url,
        segments: parts,
        not_before,
    }
}

/// Writes `message` into the outbox in the caller's transaction.
pub async fn enqueue(db: &impl ConnectionTrait, message: NewMessage) -> Result<i64, DbErr> {
    db::messages::enqueue(db, message).await
}

use crate::ssr::db::messages::almaty;

/// `now` if it is between 09:00 and 21:00 in Asia/Almaty, else the next 09:00 there.
pub fn quiet_hours_end(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&almaty());
    if (9..21).contains(&local.hour()) {
        return now;
    }
    let day = if local.hour() >= 21 {
        local.date_naive() + Duration::days(1)
    } else {
        local.date_naive()
    };
    day.and_hms_opt(9, 0, 0)
        .and_then(|t| almaty().from_local_datetime(&t).single())
        .map_or(now, |t| t.with_timezone(&Utc))
}

/// The site's address as an SMS shows it: without the scheme, to save characters.
pub fn site(public_url: &str) -> &str {
    let url = public_url.trim_end_matches('/');
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
}

/// The SMS texts, one function per template: the test renders each with the longest values.
pub mod texts {
    use super::*;

    /// A code for a new password.
    pub fn reset_code(lang: Lang, code: &str) -> String {
        tf(lang, Msg::SmsResetCode, &[("code", code)])
    }

    /// A code that proves the number.
    pub fn verify_code(lang: Lang, code: &str) -> String {
        tf(lang, Msg::SmsVerifyCode, &[("code", code)])
    }

    /// The consent code a resident reads back to the akimat.
    pub fn consent_code(lang: Lang, code: &str, minutes: &str) -> String {
        tf(
            lang,
            Msg::SmsConsentCode,
            &[("code", code), ("minutes", minutes)],
        )
    }

    /// An application filed for a resident.
    pub fn filed(lang: Lang, id: &str, site: &str) -> String {
        tf(lang, Msg::SmsFiled, &[("id", id), ("site", site)])
    }

    /// An application's new state.
    pub fn transition(lang: Lang, id: &str, state: &str, site: &str) -> String {
        tf(
            lang,
            Msg::SmsTransition,
            &[("id", id), ("state", state), ("site", site)],
        )
    }

    /// A new message in an application's thread.
    pub fn thread(lang: Lang, id: &str, site: &str) -> String {
        tf(lang, Msg::SmsThread, &[("id", id), ("site", site)])
    }

    /// An appeal decided.
    pub fn appeal(lang: Lang, id: &str, site: &str) -> String {
        tf(lang, Msg::SmsAppeal, &[("id", id), ("site", site)])
    }

    /// News of a complaint: filed (to its owner), answered, or escalated.
    pub fn complaint(lang: Lang, id: &str, site: &str) -> String {
        tf(lang, Msg::SmsComplaint, &[("id", id), ("site", site)])
    }

    /// New programmes for a saved search.
    pub fn alert(lang: Lang, site: &str) -> String {
        tf(lang, Msg::SmsAlert, &[("site", site)])
    }
}

/// Delivers what is due: claims a batch, sends or asks after each message, records the
/// outcome. Returns how many messages it handled (0: nothing was due).
pub async fn deliver_due(
    db: &DatabaseConnection,
    courier: &Courier,
    owner: &str,
) -> Result<usize, ServiceError> {
    let now = Utc::now();
    let claimed = db::messages::claim(db, owner, now, now + LEASE, BATCH).await?;
    let n = claimed.len();
    // The month's parts so far, read once a batch (not once a message) when there is a limit.
    let mut month = match (courier.monthly_limit, claimed.is_empty()) {
        (Some(_), false) => {
            let (used, _) = db::messages::sms_spent_in_month(db, now).await?;
            Some(u64::try_from(used).unwrap_or(0))
        }
        _ => None,
    };
    for row in claimed {
        let mut outcome = if row.state == MessageState::Sent.as_str() {
            follow(courier, &row, now).await
        } else {
            send(db, courier, &row, now, &mut month).await?
        };
        // A code or a sign-in link is not kept once it has left, or once it never will.
        outcome.forget_body = row.secret && (outcome.sent_now || outcome.finished_now);
        let txn = db::begin_write(db).await?;
        if db::messages::record(&txn, row.id, owner, &outcome).await? {
            if row.channel == "sms" && outcome.sent_now {
                let segments = outcome.segments.unwrap_or(row.segments);
                db::messages::add_sms_spend(
                    &txn,
                    now,
                    i64::from(segments),
                    outcome.cost_tiyn.unwrap_or(0),
                )
                .await?;
            }
            if matches!(
                outcome.state,
                Some(MessageState::Failed | MessageState::Undeliverable)
            ) {
                fall_back(&txn, &row).await?;
            }
        } else {
            tracing::warn!(
                message = row.id,
                "another worker took this message over; its outcome here is dropped"
            );
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// The wait before try `attempts + 1`: 10 s doubling to 10 minutes, or longer when the
/// provider asked.
fn backoff(attempts: i32, asked: Option<std::time::Duration>) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    let ours = Duration::seconds(10 * 2_i64.pow(exp)).min(Duration::minutes(10));
    let asked = asked
        .and_then(|d| Duration::from_std(d).ok())
        .unwrap_or(Duration::zero());
    ours.max(asked)
}

fn retry_or_fail(
    row: &rows::Model,
    reason: String,
    asked: Option<std::time::Duration>,
    now: DateTime<Utc>,
) -> Outcome {
    if row.attempts >= MAX_ATTEMPTS {
        Outcome {
            state: Some(MessageState::Failed),
            error: Some(reason),
            finished_now: true,
            ..Outcome::default()
        }
    } else {
        Outcome {
            state: Some(MessageState::Pending),
            next_attempt_at: Some(now + backoff(row.attempts, asked)),
            error: Some(reason),
            ..Outcome::default()
        }
    }
}

async fn send(
    db: &DatabaseConnection,
    courier: &Courier,
    row: &rows::Model,
    now: DateTime<Utc>,
    month: &mut Option<u64>,
) -> Result<Outcome, ServiceError> {
    if row.channel == "email" {
        // Written in the reader's language, or in Kazakh and Russian when it was not known.
        let langs = match row.lang.as_deref().and_then(Lang::parse) {
            Some(lang) => vec![lang],
            None => vec![Lang::Kk, Lang::Ru],
        };
        let mail = Mail {
            to: row.recipient.clone(),
            subject: row.subject.clone(),
            body: row.body.clone(),
            langs,
            unsubscribe: row.unsubscribe_url.clone(),
        };
        return Ok(match courier.mailer.send(mail).await {
            // SMTP has no delivery report: handed to the server is as far as we can see.
            Ok(()) => Outcome {
                state: Some(MessageState::Sent),
                provider: Some(("smtp".into(), String::new())),
                sent_now: true,
                finished_now: true,
                ..Outcome::default()
            },
            Err(e) => retry_or_fail(row, e.to_string(), None, now),
        });
    }
    // A number nobody has proved gets codes only: a mistyped number costs one code, not every
    // message meant for somebody else.
    if let Some(user) = row.user_id
        && !CODES.contains(&row.template.as_str())
        && db::phone_codes::phone_unverified(db, user).await?
    {
        return Ok(Outcome {
            state: Some(MessageState::Failed),
            error: Some("the number is not confirmed yet: codes only".into()),
            finished_now: true,
            untried: true,
            ..Outcome::default()
        });
    }
    // Costs first: one phone's day, then the platform's month.
    let sent_today =
        db::messages::sms_to_since(db, &row.recipient, now - Duration::hours(24)).await?;
    if sent_today >= courier.daily_per_phone {
        return Ok(Outcome {
            state: Some(MessageState::Failed),
            error: Some(format!(
                "daily limit: {} SMS to this phone in 24 hours (SMS_DAILY_PER_PHONE)",
                courier.daily_per_phone
            )),
            finished_now: true,
            untried: true,
            ..Outcome::default()
        });
    }
    let this = u64::try_from(row.segments).unwrap_or(1);
    if let (Some(limit), Some(used)) = (courier.monthly_limit, *month)
        && used + this > limit
    {
        return Ok(Outcome {
            state: Some(MessageState::Pending),
            next_attempt_at: Some(now + Duration::hours(1)),
            error: Some(format!(
                "monthly limit reached: {used} of {limit} parts (SMS_MONTHLY_LIMIT)"
            )),
            untried: true,
            ..Outcome::default()
        });
    }
    let sms = Sms {
        to: row.recipient.clone(),
        text: row.body.clone(),
    };
    Ok(match courier.sms.send(&sms).await {
        Ok(accepted) => {
            if let Some(used) = month.as_mut() {
                *used += accepted.segments.map_or(this, u64::from);
            }
            Outcome {
                state: Some(MessageState::Sent),
                // The first delivery report is asked for half a minute later.
                next_attempt_at: Some(now + Duration::seconds(30)),
                provider: Some((courier.sms.name().to_owned(), accepted.provider_id)),
                segments: accepted
                    .segments
                    .and_then(|s| i32::try_from(s).ok())
                    .or(Some(row.segments)),
                cost_tiyn: accepted.cost_tiyn,
                sent_now: true,
                ..Outcome::default()
            }
        }
        Err(SmsError::Permanent(reason)) => Outcome {
            state: Some(MessageState::Undeliverable),
            error: Some(reason),
            finished_now: true,
            ..Outcome::default()
        },
        Err(SmsError::Transient {
            reason,
            retry_after,
        }) => retry_or_fail(row, reason, retry_after, now),
    })
}

/// Asks the provider where a sent SMS is.
async fn follow(courier: &Courier, row: &rows::Model, now: DateTime<Utc>) -> Outcome {
    let Some(id) = row.provider_id.as_deref() else {
        return Outcome {
            state: Some(MessageState::Sent),
            error: Some("no provider id to ask about".into()),
            ..Outcome::default()
        };
    };
    let sent_at = row.sent_at.map_or(now, |t| t.with_timezone(&Utc));
    let age = now - sent_at;
    // Ask again after half the message's age, between 30 s and 30 minutes.
    let again = now + (age / 2).clamp(Duration::seconds(30), Duration::minutes(30));
    match courier.sms.status(id).await {
        Ok(Delivery::Delivered) => Outcome {
            state: Some(MessageState::Delivered),
            finished_now: true,
            ..Outcome::default()
        },
        Ok(Delivery::Undeliverable(reason)) => Outcome {
            state: Some(MessageState::Undeliverable),
            error: Some(reason),
            finished_now: true,
            ..Outcome::default()
        },
        Ok(Delivery::Pending) if age > REPORT_PATIENCE => Outcome {
            state: Some(MessageState::Sent),
            error: Some("no final delivery report after 48 hours".into()),
            ..Outcome::default()
        },
        Ok(Delivery::Pending) => Outcome {
            state: Some(MessageState::Sent),
            next_attempt_at: Some(again),
            ..Outcome::default()
        },
        Err(e) => Outcome {
            state: Some(MessageState::Sent),
            next_attempt_at: Some(again),
            error: Some(e.to_string()),
            ..Outcome::default()
        },
    }
}

/// A message about an application that will not arrive: the person who filed it for the
/// resident (the akimat's staff) finds it in the bell, so somebody calls. The applicant's own
/// bell already holds the event.
async fn fall_back(db: &impl ConnectionTrait, row: &rows::Model) -> Result<(), DbErr> {
    let (Some(staff), Some(application)) = (row.fallback_user_id, row.application_id) else {
        return Ok(());
    };
    let Some((program_id, event_id)) = db::applications::latest_event(db, application).await?
    else {
        return Ok(());
    };
    db::applications::notify(db, staff, program_id, application, event_id, Utc::now()).await
}

/// The message's parameters, as JSON, for [`Letter::params`].
pub fn params(pairs: &[(&str, &str)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        map.insert((*k).to_owned(), json!(v));
    }
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests;
