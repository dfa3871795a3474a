//! A phone login's password reset by a code sent by SMS.

use crate::domain::account::{Login, Role, Scope};
use crate::domain::i18n::Lang;
use crate::domain::params::Problem;
use crate::ssr::config::Hashing;
use crate::ssr::db;
use crate::ssr::security::PasswordHasher;
use crate::ssr::services::ServiceError;
use crate::ssr::services::accounts::{self, Caller};
use crate::ssr::testing::{RecordingMailer, deliver, test_db};

const PHONE: &str = "+77015550101";
const NEW: &str = "жаңа-құпиясөз-2026";

fn hasher() -> PasswordHasher {
    PasswordHasher::new(Hashing {
        memory_kib: 256,
        iterations: 1,
        concurrent: 2,
    })
    .expect("hasher")
}

fn caller(lang: Lang) -> Caller {
    Caller {
        lang: Some(lang),
        ..Caller::default()
    }
}

fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_owned()
}

fn refused_as(result: Result<(), ServiceError>, field: &str, problem: Problem) {
    match result {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!((e.field.as_str(), &e.problem), (field, &problem));
        }
        other => panic!("expected {field}: {problem:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_phone_login_resets_by_a_six_digit_code_that_works_once_and_five_wrong_tries_spend_it() {
    let t = test_db().await;
    let db = &t.db;
    let h = hasher();
    let old = h.hash("старый-пароль-2025").await.expect("hash");
    db::accounts::insert_user(
        db,
        db::accounts::NewUser {
            login: &Login::Phone(PHONE.into()),
            password_hash: old,
            display_name: "Ерлан",
            role: Role::Entrepreneur,
            scope: &Scope::None,
            demo: false,
        },
    )
    .await
    .expect("user");
    let outbox = RecordingMailer::default();

    accounts::request_reset(db, "https://auyl.kz", PHONE, &caller(Lang::Kk))
        .await
        .expect("asks");
    deliver(db, &outbox).await;
    let sms = outbox.0.lock().expect("lock").pop().expect("an SMS");
    assert_eq!(sms.to, PHONE);
    assert!(
        sms.body.starts_with("Auyl Business: құпиясөз коды"),
        "{}",
        sms.body
    );
    assert!(
        !sms.body.contains("http"),
        "a code, not a link: {}",
        sms.body
    );
    assert_eq!(crate::ssr::sms::segments(&sms.body), 1);
    let code = code_in(&sms.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // Four wrong tries, then the right code still works.
    for _ in 0..4 {
        refused_as(
            accounts::reset_with_code(db, &h, PHONE, wrong, NEW, &Caller::default()).await,
            "code",
            Problem::CodeInvalid,
        );
    }
    accounts::reset_with_code(db, &h, "8 701 555 01 01", &code, NEW, &Caller::default())
        .await
        .expect("the right code, the number typed the Kazakh way");
    accounts::sign_in(db, &h, PHONE, NEW, &Caller::default())
        .await
        .expect("signs in with the new password");
    // Used once.
    refused_as(
        accounts::reset_with_code(
            db,
            &h,
            PHONE,
            &code,
            "ещё-один-пароль-1",
            &Caller::default(),
        )
        .await,
        "code",
        Problem::CodeInvalid,
    );

    // A new code; five wrong tries spend it, and then even the right one is refused.
    accounts::request_reset(db, "https://auyl.kz", PHONE, &caller(Lang::Ru))
        .await
        .expect("asks again");
    deliver(db, &outbox).await;
    let sms = outbox.0.lock().expect("lock").pop().expect("an SMS");
    assert!(
        sms.body.contains("для смены пароля"),
        "in Russian: {}",
        sms.body
    );
    let code = code_in(&sms.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let _ = accounts::reset_with_code(db, &h, PHONE, wrong, NEW, &Caller::default()).await;
    }
    refused_as(
        accounts::reset_with_code(
            db,
            &h,
            PHONE,
            &code,
            "третий-пароль-2026",
            &Caller::default(),
        )
        .await,
        "code",
        Problem::CodeInvalid,
    );
    // A short password is refused by its own field.
    match accounts::reset_with_code(db, &h, PHONE, "123456", "коротко", &Caller::default()).await
    {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.field, "password"),
        other => panic!("expected the password refused, got {other:?}"),
    }
    // The outbox keeps that codes were sent, never the codes.
    let kept = db::messages::latest(db, &[], 10).await.expect("rows");
    assert!(
        kept.iter()
            .all(|m| m.template == "reset_code" && m.body.is_empty())
    );
}

#[tokio::test]
async fn nobody_learns_whether_a_phone_has_an_account_and_an_unknown_one_gets_nothing() {
    let t = test_db().await;
    let db = &t.db;
    let outbox = RecordingMailer::default();
    accounts::request_reset(db, "https://auyl.kz", "+77015559999", &Caller::default())
        .await
        .expect("the same answer");
    deliver(db, &outbox).await;
    assert!(outbox.0.lock().expect("lock").is_empty());
    refused_as(
        accounts::reset_with_code(
            db,
            &hasher(),
            "+77015559999",
            "123456",
            NEW,
            &Caller::default(),
        )
        .await,
        "code",
        Problem::CodeInvalid,
    );
}
