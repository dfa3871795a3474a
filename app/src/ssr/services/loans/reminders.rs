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
    written += report_reminders(db, public_url, today, now).await?;
    if written > 0 {
        messages::wake();
    }
    Ok(written)
}

/// How long after a payment's day it may be recorded and still be found by the report
/// reminders.
const LATE_ENTRY_DAYS: i64 = 60;

/// Days before a report's due date its reminder goes.
pub const REPORT_DAYS_BEFORE: i64 = 7;

/// Reminders of the reports after the payment falling due within a week and not filed yet:
/// looked for per programme among the applications paid in the window that makes their report
/// due then (the payment is an application's last step, so its state's time is the payment's).
async fn report_reminders(
    db: &DatabaseConnection,
    public_url: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    use crate::domain::followup::ReportKind;
    use crate::ssr::db::entities::{followup_reports, programs};
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut written = 0;
    let ids: Vec<i32> = programs::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for program in ids {
        let asked = crate::ssr::services::followups::requirements(db, program).await?;
        for kind in ReportKind::ALL {
            // The payments whose report falls due in the next week: the due date taken back
            // by the programme's delay, a day wider on each side for the time of day.
            let back = |d: NaiveDate| match kind {
                ReportKind::UseOfFunds => asked
                    .use_of_funds_days
                    .map(|n| d - Duration::days(i64::from(n))),
                ReportKind::Results => asked
                    .results_months
                    .and_then(|m| u32::try_from(m).ok())
                    .and_then(|m| d.checked_sub_months(chrono::Months::new(m))),
            };
            let (Some(from), Some(to)) = (
                back(today),
                back(today + Duration::days(REPORT_DAYS_BEFORE + 1)),
            ) else {
                continue;
            };
            let at = |d: NaiveDate| {
                d.and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
                    .fixed_offset()
            };
            let paid: Vec<applications::Model> = applications::Entity::find()
                .filter(applications::Column::ProgramId.eq(program))
                .filter(applications::Column::State.eq("disbursed"))
                // Recorded on the day of the payment or later (a payment may be entered after
                // the fact): up to [`LATE_ENTRY_DAYS`] later.
                .filter(
                    applications::Column::StateAt
                        .between(at(from), at(to + Duration::days(LATE_ENTRY_DAYS))),
                )
                .all(db)
                .await?;
            for a in paid {
                let Some(paid_on) = crate::ssr::services::followups::paid_on(db, &a).await? else {
                    continue;
                };
                let Some((_, due)) = asked.due(paid_on).into_iter().find(|(k, _)| *k == kind)
                else {
                    continue;
                };
                if due <= today || due > today + Duration::days(REPORT_DAYS_BEFORE) {
                    continue;
                }
                let filed = followup_reports::Entity::find()
                    .filter(followup_reports::Column::ApplicationId.eq(a.id))
                    .filter(followup_reports::Column::Kind.eq(kind.as_str()))
                    .one(db)
                    .await?
                    .is_some();
                if !filed && send_report(db, public_url, &a, kind, due, now).await? {
                    written += 1;
                }
            }
        }
    }
    Ok(written)
}

/// Notes and writes one report reminder in one transaction; whether it was new.
async fn send_report(
    db: &DatabaseConnection,
    public_url: &str,
    a: &applications::Model,
    kind: crate::domain::followup::ReportKind,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let Some((address, lang)) = db::alerts::address_of(db, a.user_id).await? else {
        return Ok(false);
    };
    let txn = db::begin_write(db).await?;
    if !db::loans::remember_reminder(&*txn, a.id, kind.number(), "report", now).await? {
        txn.rollback().await?;
        return Ok(false);
    }
    let id_text = a.id.to_string();
    let site = messages::site(public_url).to_owned();
    let link = format!("{}/applications/{}", public_url.trim_end_matches('/'), a.id);
    let what = |l: Lang| match kind {
        crate::domain::followup::ReportKind::UseOfFunds => t(l, Msg::FupUseOfFunds),
        crate::domain::followup::ReportKind::Results => t(l, Msg::FupResults),
    };
    let words = |l: Lang| {
        tf(
            l,
            Msg::SmsReportDue,
            &[
                ("id", &id_text),
                ("date", &format_date(l, due)),
                ("site", &site),
            ],
        )
    };
    let message = messages::letter(
        messages::Letter {
            to: &address,
            lang,
            user_id: Some(a.user_id),
            application_id: Some(a.id),
            fallback_user_id: None,
            template: "report_due",
            params: messages::params(&[
                ("id", &id_text),
                ("kind", kind.as_str()),
                ("due_on", &due.to_string()),
            ]),
            urgency: Urgency::Bulk,
            secret: false,
        },
        || {
            Mail::in_language(
                &address,
                lang,
                |l| tf(l, Msg::MailReportDueSubject, &[("id", &id_text)]),
                |l| format!("{}\n\n{}\n{link}", words(l), what(l)),
            )
        },
        words,
        now,
    );
    messages::enqueue(&*txn, message).await?;
    txn.commit().await?;
    Ok(true)
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
