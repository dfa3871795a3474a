//! What service tests share: databases (SQLite in memory, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set, migrated with the real migrations), the day they live on, and a
//! mailer that keeps what it is given.

use std::sync::Mutex;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::mail::{Mail, MailError, Mailer};

use super::db::{self, TestDatabase};

/// The day the tests live on: the demo catalogue's programmes are open then.
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
}

/// Form pairs as a page posts them.
pub(crate) fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A draft's fields to save, read as the doors read them (the test's fields are known ones).
pub(crate) fn draft(pairs: &[(String, String)]) -> crate::domain::application::form::SaveDraft {
    crate::domain::application::form::SaveDraft::from_pairs(pairs).expect("the draft's own fields")
}

/// A profile to save, read from `pairs` as the profile's form post reads it (the test's
/// fields are valid ones).
pub(crate) fn profile(pairs: &[(String, String)]) -> crate::domain::profile::SaveProfile {
    crate::domain::profile::SaveProfile::from_pairs(pairs, today()).expect("a valid profile")
}

/// The scope of an akim of okrug `code` (a KATO code the test knows to be an okrug).
pub(crate) fn okrug(code: &str) -> crate::domain::account::Scope {
    let code = crate::domain::location::KatoCode::parse(code).expect("an okrug's KATO code");
    crate::domain::account::Scope::Okrug(code)
}

/// A mailer that keeps every message, for tests that read what people were sent.
#[derive(Default)]
pub(crate) struct RecordingMailer(pub(crate) Mutex<Vec<Mail>>);

#[async_trait::async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        self.0
            .lock()
            .map_err(|_| MailError("poisoned".into()))?
            .push(mail);
        Ok(())
    }
}

/// A migrated database; a PostgreSQL one is dropped when the test ends.
pub(crate) struct TestDb {
    pub(crate) db: DatabaseConnection,
    _postgres: Option<TestDatabase>,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh, migrated database holding the reference data (locations, MCI).
pub(crate) async fn test_db() -> TestDb {
    open_test_db(false).await
}

/// Like [`test_db`], but SQLite in a file with several connections (WAL), as the server runs
/// it: for tests of concurrent writers, which one in-memory connection would serialise.
pub(crate) async fn concurrent_db() -> TestDb {
    open_test_db(true).await
}

async fn open_test_db(file: bool) -> TestDb {
    let postgres = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => Some(
            TestDatabase::create(&admin)
                .await
                .expect("creates a test database"),
        ),
        _ => None,
    };
    let dir = (file && postgres.is_none()).then(|| tempfile::tempdir().expect("temp dir"));
    let url = match (&postgres, &dir) {
        (Some(p), _) => p.url.clone(),
        (None, Some(d)) => format!("sqlite://{}/test.db?mode=rwc", d.path().display()),
        (None, None) => "sqlite::memory:".to_owned(),
    };
    let db = db::connect(&url).await.expect("connects");
    db::migrate(&db).await.expect("migrates");
    super::services::seed::ensure_reference_data(&db)
        .await
        .expect("loads reference data");
    TestDb {
        db,
        _postgres: postgres,
        _dir: dir,
    }
}

/// An account of `role` in `scope`, made directly (no password anyone could use), as the
/// principal a signed-in request would carry.
pub(crate) async fn person(
    db: &DatabaseConnection,
    login: &str,
    name: &str,
    role: crate::domain::account::Role,
    scope: crate::domain::account::Scope,
) -> crate::domain::account::Principal {
    let login = crate::domain::account::Login::parse("login", login).expect("login");
    let user_id = db::accounts::insert_user(
        db,
        db::accounts::NewUser {
            login: &login,
            password_hash: "not-a-hash".into(),
            display_name: name,
            role,
            scope: &scope,
            demo: false,
        },
    )
    .await
    .expect("user");
    crate::domain::account::Principal {
        user_id,
        role,
        scope,
        display_name: name.into(),
    }
}

/// A password hasher cheap enough for tests.
pub(crate) fn cheap_hasher() -> super::security::PasswordHasher {
    super::security::PasswordHasher::new(super::config::Hashing {
        memory_kib: 256,
        iterations: 1,
        concurrent: 2,
    })
    .expect("hasher")
}

/// The fields an operator's form sends with `step`, valid for an application of `amount_kzt`
/// decided on `today`: a due date two weeks on, a 36-month approval at 2.5 %, a refusal for
/// "another reason", a payment of the whole amount today.
pub(crate) fn decision(
    step: crate::domain::application::Step,
    amount_kzt: i64,
    today: chrono::NaiveDate,
) -> crate::domain::review::DecisionFields {
    use crate::domain::application::Step;
    use crate::domain::review::DecisionFields;
    match step {
        Step::RequestInfo => DecisionFields {
            due_on: Some(today + chrono::Duration::days(14)),
            ..DecisionFields::default()
        },
        Step::Approve => DecisionFields {
            approved_amount: Some(amount_kzt),
            approved_term: Some(36),
            approved_rate_bps: Some(250),
            ..DecisionFields::default()
        },
        Step::Reject => DecisionFields {
            reject_reason: Some("other".into()),
            ..DecisionFields::default()
        },
        Step::Disburse => DecisionFields {
            disbursed_on: Some(today),
            disbursed_amount: Some(amount_kzt),
            reference: Some("ПП-1".into()),
            ..DecisionFields::default()
        },
        _ => DecisionFields::default(),
    }
}

/// An SMS gateway that keeps what it is given and answers from a script (then accepts).
#[derive(Default)]
pub(crate) struct RecordingGateway {
    pub(crate) sent: Mutex<Vec<super::sms::Sms>>,
    pub(crate) answers: Mutex<std::collections::VecDeque<Result<(), super::sms::SmsError>>>,
    pub(crate) report: Mutex<Option<super::sms::Delivery>>,
}

impl RecordingGateway {
    /// The texts sent so far.
    pub(crate) fn texts(&self) -> Vec<super::sms::Sms> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl super::sms::SmsGateway for RecordingGateway {
    fn name(&self) -> &'static str {
        "recording"
    }

    async fn send(
        &self,
        sms: &super::sms::Sms,
    ) -> Result<super::sms::Accepted, super::sms::SmsError> {
        let answer = self
            .answers
            .lock()
            .ok()
            .and_then(|mut a| a.pop_front())
            .unwrap_or(Ok(()));
        answer?;
        let mut sent = self
            .sent
            .lock()
            .map_err(|_| super::sms::SmsError::transient("poisoned"))?;
        sent.push(sms.clone());
        Ok(super::sms::Accepted {
            provider_id: format!("r{}", sent.len()),
            segments: None,
            cost_tiyn: Some(1_500),
        })
    }

    async fn status(&self, _id: &str) -> Result<super::sms::Delivery, super::sms::SmsError> {
        Ok(self
            .report
            .lock()
            .ok()
            .and_then(|r| r.clone())
            .unwrap_or(super::sms::Delivery::Delivered))
    }
}

/// The recording mailer also takes SMS, as messages with the text as the body and no
/// subject, so a test reads everything people were sent in the order it went.
#[async_trait::async_trait]
impl super::sms::SmsGateway for RecordingMailer {
    fn name(&self) -> &'static str {
        "recording"
    }

    async fn send(
        &self,
        sms: &super::sms::Sms,
    ) -> Result<super::sms::Accepted, super::sms::SmsError> {
        let mut sent = self
            .0
            .lock()
            .map_err(|_| super::sms::SmsError::transient("poisoned"))?;
        sent.push(Mail {
            to: sms.to.clone(),
            subject: String::new(),
            body: sms.text.clone(),
            langs: Vec::new(),
            unsubscribe: None,
        });
        Ok(super::sms::Accepted {
            provider_id: format!("m{}", sent.len()),
            segments: None,
            cost_tiyn: None,
        })
    }

    async fn status(&self, _id: &str) -> Result<super::sms::Delivery, super::sms::SmsError> {
        Ok(super::sms::Delivery::Delivered)
    }
}

/// Delivers what the outbox holds, as the worker would, into `into`: e-mails and SMS in the
/// order they went.
pub(crate) async fn deliver(db: &DatabaseConnection, into: &RecordingMailer) {
    let recorder = std::sync::Arc::new(RecordingMailer::default());
    let courier = super::services::messages::Courier {
        mailer: recorder.clone(),
        sms: recorder.clone(),
        daily_per_phone: 1_000,
        monthly_limit: None,
    };
    // A sent SMS is next due for its delivery report half a minute later, so this ends.
    while super::services::messages::deliver_due(db, &courier, "test")
        .await
        .expect("delivers")
        > 0
    {}
    let got = recorder.0.lock().map(|m| m.clone()).unwrap_or_default();
    if let Ok(mut all) = into.0.lock() {
        all.extend(got);
    }
}
