use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use sea_orm::{EntityTrait, TransactionTrait};

use super::*;
use crate::domain::application::State;
use crate::ssr::db::entities::messages as rows;
use crate::ssr::sms::{Delivery, SmsError};
use crate::ssr::testing::{RecordingGateway, RecordingMailer, concurrent_db, test_db};

fn courier(mailer: Arc<RecordingMailer>, sms: Arc<RecordingGateway>) -> Courier {
    Courier {
        mailer,
        sms,
        daily_per_phone: 10,
        monthly_limit: None,
    }
}

fn code_sms(to: &str, code: &str) -> NewMessage {
    letter(
        Letter {
            to,
            lang: Some(Lang::Ru),
            user_id: None,
            application_id: None,
            fallback_user_id: None,
            template: "reset_code",
            params: params(&[]),
            urgency: Urgency::Urgent,
            secret: true,
        },
        || Mail::in_language(to, Some(Lang::Ru), |_| "s".into(), |_| code.into()),
        |lang| texts::reset_code(lang, code),
        Utc::now(),
    )
}

async fn row(db: &DatabaseConnection, id: i64) -> rows::Model {
    rows::Entity::find_by_id(id)
        .one(db)
        .await
        .expect("read")
        .expect("the row")
}

/// Makes a row due now (the tests do not wait out backoffs or report delays).
async fn due_now(db: &DatabaseConnection, id: i64) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let mut m = row(db, id).await.into_active_model();
    m.next_attempt_at = Set(Some(Utc::now().fixed_offset() - Duration::seconds(1)));
    m.update(db).await.expect("update");
}

#[test]
fn every_sms_template_fits_one_part_in_russian_and_kazakh_with_the_longest_values() {
    // The longest values real messages carry: a seven-digit application number, a site
    // address of 20 characters, the longest state label, a two-digit number of minutes.
    let site = "auyl-business.gov.kz";
    assert_eq!(site.chars().count(), 20);
    let id = "1234567";
    for lang in [Lang::Ru, Lang::Kk] {
        let longest_state = [
            State::Draft,
            State::Submitted,
            State::InReview,
            State::InfoRequested,
            State::Approved,
            State::Disbursed,
            State::Rejected,
            State::Withdrawn,
        ]
        .into_iter()
        .map(|s| s.label(lang))
        .max_by_key(|l| l.chars().count())
        .unwrap_or_default();
        let all = [
            texts::reset_code(lang, "999999"),
            texts::verify_code(lang, "999999"),
            texts::consent_code(lang, "999999", "15"),
            texts::filed(lang, id, site),
            texts::transition(lang, id, longest_state, site),
            texts::alert(lang, site),
            texts::thread(lang, id, site),
            texts::appeal(lang, id, site),
            texts::complaint(lang, id, site),
        ];
        for text in all {
            assert!(!text.contains('{'), "a placeholder left in {text:?}");
            assert_eq!(
                segments(&text),
                1,
                "{lang:?}: {text:?} is {} characters",
                text.chars().count()
            );
        }
    }
}

#[test]
fn a_bulk_sms_written_at_night_waits_for_nine_in_almaty_and_an_urgent_one_does_not() {
    // 23:30 in Almaty is 18:30 UTC.
    let night = Utc
        .with_ymd_and_hms(2026, 12, 6, 18, 30, 0)
        .single()
        .expect("time");
    let nine_next_morning = Utc
        .with_ymd_and_hms(2026, 12, 7, 4, 0, 0)
        .single()
        .expect("time");
    assert_eq!(quiet_hours_end(night), nine_next_morning);
    // 06:00 in Almaty (01:00 UTC): the same morning's nine.
    let early = Utc
        .with_ymd_and_hms(2026, 12, 7, 1, 0, 0)
        .single()
        .expect("time");
    assert_eq!(quiet_hours_end(early), nine_next_morning);
    let noon = Utc
        .with_ymd_and_hms(2026, 12, 7, 7, 0, 0)
        .single()
        .expect("time");
    assert_eq!(quiet_hours_end(noon), noon);
    let alert = |urgency| {
        letter(
            Letter {
                to: "+77010000001",
                lang: None,
                user_id: None,
                application_id: None,
                fallback_user_id: None,
                template: "alert",
                params: params(&[]),
                urgency,
                secret: false,
            },
            || Mail::in_language("x", None, |_| String::new(), |_| String::new()),
            |lang| texts::alert(lang, "auyl.kz"),
            night,
        )
    };
    assert_eq!(alert(Urgency::Bulk).not_before, nine_next_morning);
    assert_eq!(alert(Urgency::Urgent).not_before, night);
    // Unknown language: Kazakh alone, one part.
    let m = alert(Urgency::Bulk);
    assert_eq!(m.lang, Some("kk"));
    assert_eq!(m.segments, 1);
    assert_eq!(m.channel, "sms");
}

#[tokio::test]
async fn a_message_exists_exactly_when_its_transaction_commits_and_is_delivered_once() {
    let t = test_db().await;
    let db = &t.db;
    let mailer = Arc::new(RecordingMailer::default());
    let gateway = Arc::new(RecordingGateway::default());
    let c = courier(mailer.clone(), gateway.clone());

    let txn = db.begin().await.expect("begin");
    enqueue(&txn, code_sms("+77010000001", "111111"))
        .await
        .expect("enqueue");
    txn.rollback().await.expect("rollback");
    assert_eq!(deliver_due(db, &c, "w1").await.expect("deliver"), 0);

    let txn = db.begin().await.expect("begin");
    let id = enqueue(&txn, code_sms("+77010000001", "222222"))
        .await
        .expect("enqueue");
    txn.commit().await.expect("commit");
    assert_eq!(deliver_due(db, &c, "w1").await.expect("deliver"), 1);
    let texts = gateway.texts();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].to, "+77010000001");
    assert!(texts[0].text.contains("222222"), "{:?}", texts[0].text);

    let sent = row(db, id).await;
    assert_eq!(sent.state, "sent");
    assert_eq!(sent.provider.as_deref(), Some("recording"));
    assert_eq!(sent.provider_id.as_deref(), Some("r1"));
    assert_eq!(sent.cost_tiyn, Some(1_500));
    assert_eq!(sent.segments, 1);
    assert_eq!(sent.body, "", "the code is not kept once sent");

    // Nothing more until the delivery report is due; then it is final.
    assert_eq!(deliver_due(db, &c, "w1").await.expect("deliver"), 0);
    due_now(db, id).await;
    assert_eq!(deliver_due(db, &c, "w1").await.expect("deliver"), 1);
    let done = row(db, id).await;
    assert_eq!(done.state, "delivered");
    assert!(done.finished_at.is_some());
    assert_eq!(gateway.texts().len(), 1, "sent once");

    let f = db::messages::figures(db, Utc::now())
        .await
        .expect("figures");
    assert_eq!(f.pending, 0);
    assert_eq!(f.sms_segments_this_month, 1);
    assert_eq!(f.sms_cost_this_month_tiyn, 1_500);
}

#[tokio::test]
async fn a_provider_that_is_down_costs_retries_with_growing_waits_and_then_a_failure() {
    let t = test_db().await;
    let db = &t.db;
    let gateway = Arc::new(RecordingGateway::default());
    let c = courier(Arc::new(RecordingMailer::default()), gateway.clone());
    let id = enqueue(db, code_sms("+77010000002", "333333"))
        .await
        .expect("enqueue");
    {
        let mut answers = gateway.answers.lock().expect("lock");
        for _ in 0..MAX_ATTEMPTS {
            answers.push_back(Err(SmsError::transient("HTTP 503")));
        }
    }
    let mut waits = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        let before = Utc::now();
        assert_eq!(deliver_due(db, &c, "w1").await.expect("deliver"), 1);
        let r = row(db, id).await;
        assert_eq!(r.attempts, attempt);
        assert_eq!(r.last_error.as_deref(), Some("HTTP 503"));
        if attempt < MAX_ATTEMPTS {
            assert_eq!(r.state, "pending", "attempt {attempt}");
            assert_eq!(
                r.body, "Auyl Business: код 333333 для смены пароля. Никому его не говорите.",
                "kept until it leaves"
            );
            let next = r.next_attempt_at.expect("a next try").with_timezone(&Utc);
            waits.push((next - before).num_seconds());
            due_now(db, id).await;
        } else {
            assert_eq!(r.state, "failed");
            assert_eq!(r.body, "", "a code that will never leave is not kept");
        }
    }
    assert!(gateway.texts().is_empty());
    assert_eq!(&waits[..4], &[10, 20, 40, 80], "{waits:?}");
    assert_eq!(waits.iter().max(), Some(&600), "{waits:?}");
    let f = db::messages::figures(db, Utc::now())
        .await
        .expect("figures");
    assert_eq!(f.failed_this_month, 1);
}

#[tokio::test]
async fn a_number_the_provider_refuses_is_undeliverable_at_once_and_a_report_can_say_so_too() {
    let t = test_db().await;
    let db = &t.db;
    let gateway = Arc::new(RecordingGateway::default());
    let c = courier(Arc::new(RecordingMailer::default()), gateway.clone());
    gateway
        .answers
        .lock()
        .expect("lock")
        .push_back(Err(SmsError::Permanent("invalid number".into())));
    let refused = enqueue(db, code_sms("+77010000003", "444444"))
        .await
        .expect("enqueue");
    deliver_due(db, &c, "w1").await.expect("deliver");
    let r = row(db, refused).await;
    assert_eq!(
        (r.state.as_str(), r.attempts, r.last_error.as_deref()),
        ("undeliverable", 1, Some("invalid number"))
    );

    let expired = enqueue(db, code_sms("+77010000004", "555555"))
        .await
        .expect("enqueue");
    deliver_due(db, &c, "w1").await.expect("deliver");
    *gateway.report.lock().expect("lock") = Some(Delivery::Pending);
    due_now(db, expired).await;
    deliver_due(db, &c, "w1").await.expect("deliver");
    assert_eq!(row(db, expired).await.state, "sent", "not final yet");
    *gateway.report.lock().expect("lock") = Some(Delivery::Undeliverable("expired".into()));
    due_now(db, expired).await;
    deliver_due(db, &c, "w1").await.expect("deliver");
    let r = row(db, expired).await;
    assert_eq!(
        (r.state.as_str(), r.last_error.as_deref()),
        ("undeliverable", Some("expired"))
    );
}

#[tokio::test]
async fn a_worker_that_died_mid_send_leaves_a_lease_that_runs_out_and_its_late_word_is_ignored() {
    let t = test_db().await;
    let db = &t.db;
    let gateway = Arc::new(RecordingGateway::default());
    let c = courier(Arc::new(RecordingMailer::default()), gateway.clone());
    let id = enqueue(db, code_sms("+77010000005", "666666"))
        .await
        .expect("enqueue");
    let now = Utc::now();
    // Worker "dead" claims it and never reports back.
    let claimed = db::messages::claim(db, "dead", now, now + LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(row(db, id).await.state, "sending");
    // While its lease holds, nobody else takes the message.
    assert_eq!(deliver_due(db, &c, "alive").await.expect("deliver"), 0);
    // The lease runs out: another worker takes it and sends it.
    let later = now + LEASE + Duration::seconds(1);
    let taken = db::messages::claim(db, "alive", later, later + LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(taken.len(), 1);
    assert_eq!(
        taken[0].attempts, 2,
        "two tries: the dead worker's and this one"
    );
    assert_eq!(row(db, id).await.attempts, 2);
    // The first worker wakes up and tries to record: refused, nothing changes.
    let late = db::messages::Outcome {
        state: Some(MessageState::Failed),
        ..Default::default()
    };
    assert!(
        !db::messages::record(db, id, "dead", &late)
            .await
            .expect("record")
    );
    assert_eq!(row(db, id).await.state, "sending");
}

#[tokio::test]
async fn two_workers_at_once_send_every_message_exactly_once() {
    let t = concurrent_db().await;
    let db = t.db.clone();
    let gateway = Arc::new(RecordingGateway::default());
    let c = courier(Arc::new(RecordingMailer::default()), gateway.clone());
    for i in 0..120 {
        enqueue(&db, code_sms(&format!("+7701{i:07}"), &format!("{i:06}")))
            .await
            .expect("enqueue");
    }
    let work = |name: &'static str| {
        let (db, c) = (db.clone(), c.clone());
        tokio::spawn(async move {
            let mut handled = 0;
            loop {
                let n = deliver_due(&db, &c, name).await.expect("deliver");
                if n == 0 {
                    return handled;
                }
                handled += n;
            }
        })
    };
    let (a, b) = (work("a"), work("b"));
    let (a, b) = (a.await.expect("a"), b.await.expect("b"));
    assert_eq!(a + b, 120, "a took {a}, b took {b}");
    let mut to: Vec<String> = gateway.texts().into_iter().map(|s| s.to).collect();
    assert_eq!(to.len(), 120);
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 120, "no phone got its message twice");
}

#[tokio::test]
async fn the_daily_cap_per_phone_and_the_monthly_limit_stop_runaway_costs() {
    let t = test_db().await;
    let db = &t.db;
    let gateway = Arc::new(RecordingGateway::default());
    let mut c = courier(Arc::new(RecordingMailer::default()), gateway.clone());
    c.daily_per_phone = 3;
    for i in 0..5 {
        enqueue(db, code_sms("+77010000006", &format!("{i:06}")))
            .await
            .expect("enqueue");
    }
    deliver_due(db, &c, "w1").await.expect("deliver");
    assert_eq!(gateway.texts().len(), 3, "three reach the phone in a day");
    let capped = db::messages::latest(db, &[MessageState::Failed], 10)
        .await
        .expect("latest");
    assert_eq!(capped.len(), 2);
    assert!(
        capped[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("SMS_DAILY_PER_PHONE")),
        "{:?}",
        capped[0].last_error
    );

    c.monthly_limit = Some(4);
    let waiting = enqueue(db, code_sms("+77010000007", "777777"))
        .await
        .expect("enqueue");
    let over = enqueue(db, code_sms("+77010000008", "888888"))
        .await
        .expect("enqueue");
    deliver_due(db, &c, "w1").await.expect("deliver");
    assert_eq!(
        gateway.texts().len(),
        4,
        "the fourth part of the month goes"
    );
    assert_eq!(row(db, waiting).await.state, "sent");
    let held = row(db, over).await;
    assert_eq!(held.state, "pending", "the fifth waits for the limit");
    assert_eq!(held.attempts, 0, "waiting is not a try");
    assert!(
        held.last_error
            .as_deref()
            .is_some_and(|e| e.contains("SMS_MONTHLY_LIMIT"))
    );
}

#[tokio::test]
async fn an_email_goes_to_the_mailer_with_its_unsubscribe_address() {
    let t = test_db().await;
    let db = &t.db;
    let mailer = Arc::new(RecordingMailer::default());
    let c = courier(mailer.clone(), Arc::new(RecordingGateway::default()));
    let m = letter(
        Letter {
            to: "farmer@example.kz",
            lang: Some(Lang::Kk),
            user_id: None,
            application_id: None,
            fallback_user_id: None,
            template: "alert",
            params: params(&[("count", "2")]),
            urgency: Urgency::Bulk,
            secret: false,
        },
        || {
            let mut m = Mail::in_language(
                "farmer@example.kz",
                Some(Lang::Kk),
                |_| "Жаңа бағдарламалар".into(),
                |_| "мәтін".into(),
            );
            m.unsubscribe = Some("https://auyl.kz/unsubscribe/t".into());
            m
        },
        |lang| texts::alert(lang, "auyl.kz"),
        Utc::now(),
    );
    assert_eq!(m.channel, "email");
    let id = enqueue(db, m).await.expect("enqueue");
    deliver_due(db, &c, "w1").await.expect("deliver");
    let got = mailer.0.lock().expect("lock").clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].subject, "Жаңа бағдарламалар");
    assert_eq!(
        got[0].unsubscribe.as_deref(),
        Some("https://auyl.kz/unsubscribe/t")
    );
    let r = row(db, id).await;
    assert_eq!(
        (r.state.as_str(), r.provider.as_deref()),
        ("sent", Some("smtp"))
    );
    assert!(r.finished_at.is_some());
}
