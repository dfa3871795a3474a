//! Reminders of a loan's instalments, through the message outbox: three days before a due
//! date, and on the first day an instalment is late, by SMS (or e-mail) in the borrower's
//! language. They are bulk messages, so an SMS written at night waits for the morning. Each
//! goes once: the reminder is noted in the transaction that writes its message, and a second
//! instance or a second round finds it noted.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::domain::money::format_kzt;
use crate::domain::repayment::allocate;
use crate::ssr::db;
use crate::ssr::db::entities::applications;
use crate::ssr::db::messages::Urgency;
use crate::ssr::mail::Mail;
use crate::ssr::services::{ServiceError, messages};

/// Days before a due date the first reminder goes.
pub const DAYS_BEFORE: i64 = 3;

/// How far back a late reminder still goes (a round missed while the service was down is
/// made up; an older lateness is the lender's to chase).
const LATE_WINDOW_DAYS: i64 = 3;

/// Which reminder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Before,
    Late,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Before => "before",
            Kind::Late => "late",
        }
    }
}

/// Writes the reminders due on `today` that were not written yet; how many.
pub async fn remind(
    db: &DatabaseConnection,
    public_url: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let mut written = 0;
    let rounds = [
        (
            Kind::Before,
            today + Duration::days(1),
            today + Duration::days(DAYS_BEFORE),
        ),
        (
            Kind::Late,
            today - Duration::days(LATE_WINDOW_DAYS),
            today - Duration::days(1),
        ),
    ];
    for (kind, from, to) in rounds {
        for (loan, instalment) in db::loans::due_between(db, from, to).await? {
            // Exactly what is left of this instalment now.
            let schedule = db::loans::instalments(db, loan.application_id).await?;
            let paid =
                db::loans::as_repayments(&db::loans::repayments(db, loan.application_id).await?);
            let ledger = allocate(&schedule, &paid, None);
            let Some(left) = ledger
                .standings
                .iter()
                .find(|s| s.instalment.number == instalment.number)
                .map(|s| s.unpaid())
                .filter(|u| u.0 > 0)
            else {
                continue;
            };
            if send(
                db,
                public_url,
                kind,
                loan.application_id,
                &instalment,
                left,
                now,
            )
            .await?
            {
                written += 1;
            }
        }
    }
    if written > 0 {
        messages::wake();
    }
    Ok(written)
}

/// Notes and writes one reminder in one transaction; whether it was new.
async fn send(
    db: &DatabaseConnection,
    public_url: &str,
    kind: Kind,
    id: i32,
    instalment: &crate::domain::repayment::Instalment,
    left: crate::domain::money::Tiyn,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let Some(a) = applications::Entity::find_by_id(id).one(db).await? else {
        return Ok(false);
    };
    let Some((address, lang)) = db::alerts::address_of(db, a.user_id).await? else {
        return Ok(false);
    };
    let txn = db::begin_write(db).await?;
    if !db::loans::remember_reminder(&*txn, id, instalment.number, kind.as_str(), now).await? {
        txn.rollback().await?;
        return Ok(false);
    }
    let id_text = id.to_string();
    let site = messages::site(public_url).to_owned();
    let link = format!("{}/applications/{id}", public_url.trim_end_matches('/'));
    let due = instalment.due_on;
    let (sms, subject) = match kind {
        Kind::Before => (Msg::SmsRepaymentDue, Msg::MailRepaymentDueSubject),
        Kind::Late => (Msg::SmsRepaymentLate, Msg::MailRepaymentLateSubject),
    };
    let words = |lang: Lang| {
        tf(
            lang,
            sms,
            &[
                ("id", &id_text),
                ("amount", &format_kzt(lang, left)),
                ("date", &format_date(lang, due)),
                ("site", &site),
            ],
        )
    };
    let message = messages::letter(
        messages::Letter {
            to: &address,
            lang,
            user_id: Some(a.user_id),
            application_id: Some(id),
            fallback_user_id: None,
            template: if kind == Kind::Before {
                "repayment_due"
            } else {
                "repayment_late"
            },
            params: messages::params(&[
                ("id", &id_text),
                ("number", &instalment.number.to_string()),
                ("due_on", &due.to_string()),
                ("amount_tiyn", &left.0.to_string()),
            ]),
            urgency: Urgency::Bulk,
            secret: false,
        },
        || {
            Mail::in_language(
                &address,
                lang,
                |l| tf(l, subject, &[("id", &id_text)]),
                |l| format!("{}\n\n{}\n{link}", words(l), t(l, Msg::MailRepaymentFooter)),
            )
        },
        words,
        now,
    );
    messages::enqueue(&*txn, message).await?;
    txn.commit().await?;
    Ok(true)
}
