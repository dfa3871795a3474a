//! Proving a phone at sign-up: the code arrives, the account browses meanwhile, submissions
//! and every SMS but codes wait for the proof.

use chrono::Utc;

use super::*;
use crate::domain::i18n::Lang;
use crate::ssr::config::Hashing;
use crate::ssr::db::messages::MessageState;
use crate::ssr::security::PasswordHasher;
use crate::ssr::services::accounts::{self, SignUp};
use crate::ssr::testing::{RecordingMailer, deliver, test_db};

const PHONE: &str = "+77015550202";

fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_owned()
}

#[tokio::test]
async fn a_phone_sign_up_gets_a_code_and_nothing_but_codes_until_the_number_is_proved() {
    let t = test_db().await;
    let db = &t.db;
    let h = PasswordHasher::new(Hashing {
        memory_kib: 256,
        iterations: 1,
        concurrent: 2,
    })
    .expect("hasher");
    let caller = Caller {
        lang: Some(Lang::Ru),
        ..Caller::default()
    };
    accounts::sign_up(
        db,
        &h,
        &SignUp {
            name: "Ерлан Тасов".into(),
            login: "8 701 555 02 02".into(),
            password: "құпия-сөз-2026".into(),
        },
        &caller,
    )
    .await
    .expect("signs up");
    let (_, me) = accounts::sign_in(db, &h, PHONE, "құпия-сөз-2026", &caller)
        .await
        .expect("the account works at once");
    let outbox = RecordingMailer::default();
    deliver(db, &outbox).await;
    let sms = outbox.0.lock().expect("lock").pop().expect("the code");
    assert_eq!(sms.to, PHONE);
    assert!(
        sms.body.starts_with("Auyl Business: код подтверждения"),
        "{}",
        sms.body
    );
    let code = code_in(&sms.body);

    // Until it is proved: no submission, and no SMS but codes.
    assert!(unverified(db, me.user_id).await.expect("reads"));
    match require_verified(db, me.user_id).await {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(
                (e.field.as_str(), &e.problem),
                ("phone", &Problem::PhoneUnverified)
            );
        }
        other => panic!("expected the phone named, got {other:?}"),
    }
    let alert = messages::letter(
        messages::Letter {
            to: PHONE,
            lang: Some(Lang::Ru),
            user_id: Some(me.user_id),
            application_id: None,
            fallback_user_id: None,
            template: "alert",
            params: messages::params(&[]),
            urgency: Urgency::Urgent,
            secret: false,
        },
        || Mail::in_language(PHONE, None, |_| String::new(), |_| String::new()),
        |lang| messages::texts::alert(lang, "auyl.kz"),
        Utc::now(),
    );
    let held = messages::enqueue(db, alert).await.expect("enqueue");
    deliver(db, &outbox).await;
    assert!(
        outbox.0.lock().expect("lock").is_empty(),
        "nothing but the code went"
    );
    let row = db::messages::latest(db, &[MessageState::Failed], 5)
        .await
        .expect("rows");
    assert_eq!(row.first().map(|r| r.id), Some(held));
    assert_eq!(
        row.first().and_then(|r| r.last_error.as_deref()),
        Some("the number is not confirmed yet: codes only")
    );

    // A wrong code is refused by its field; the right one proves the number.
    let signed = Caller {
        principal: Some(me.clone()),
        ..Caller::default()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    match verify(db, &signed, wrong).await {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.problem, Problem::CodeInvalid),
        other => panic!("expected the code refused, got {other:?}"),
    }
    verify(db, &signed, &code).await.expect("proved");
    assert!(!unverified(db, me.user_id).await.expect("reads"));
    require_verified(db, me.user_id)
        .await
        .expect("may submit now");
    // Asking for another code now sends nothing: there is nothing left to prove.
    resend(db, &signed).await.expect("fine");
    deliver(db, &outbox).await;
    assert!(outbox.0.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn an_e_mail_account_has_no_phone_to_prove() {
    let t = test_db().await;
    let db = &t.db;
    let h = PasswordHasher::new(Hashing {
        memory_kib: 256,
        iterations: 1,
        concurrent: 2,
    })
    .expect("hasher");
    accounts::sign_up(
        db,
        &h,
        &SignUp {
            name: "Айгүл".into(),
            login: "aigul@example.kz".into(),
            password: "a-long-password-2026".into(),
        },
        &Caller::default(),
    )
    .await
    .expect("signs up");
    let (_, me) = accounts::sign_in(
        db,
        &h,
        "aigul@example.kz",
        "a-long-password-2026",
        &Caller::default(),
    )
    .await
    .expect("signs in");
    assert!(!unverified(db, me.user_id).await.expect("reads"));
    let outbox = RecordingMailer::default();
    deliver(db, &outbox).await;
    assert!(
        outbox.0.lock().expect("lock").is_empty(),
        "no code for an e-mail"
    );
}
