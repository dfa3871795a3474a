//! After the payment: the reports a programme asks of those it paid (use of funds, results),
//! filed by the entrepreneur on the application's page with receipts and photos, accepted or
//! returned by the lender, and the akimat's on-site confirmations. Each write marks the
//! okrug's public report for recomputing (jobs created, use-of-funds reports on time).

use std::path::Path;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::domain::account::{Principal, Role};
use crate::domain::application::{Party, State};
use crate::domain::followup::{
    self, Confirmation, Filing, FollowupView, ReportData, ReportKind, ReportState, ReportView,
    Requirements,
};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::ssr::db;
use crate::ssr::db::entities::{
    applications, followup_confirmations, followup_reports, program_followups, users,
};
use crate::ssr::http::Upload;
use crate::ssr::services::ServiceError;
use crate::ssr::services::applications::access::access;
use crate::ssr::services::applications::documents::Loose;
use crate::ssr::services::applications::okrug_of;

/// What programme `program_id` asks after the payment (the usual when it never said).
pub async fn requirements(
    db: &impl ConnectionTrait,
    program_id: i32,
) -> Result<Requirements, ServiceError> {
    Ok(program_followups::Entity::find_by_id(program_id)
        .one(db)
        .await?
        .map_or_else(Requirements::default, |r| Requirements {
            use_of_funds_days: r.use_of_funds_days,
            results_months: r.results_months,
        }))
}

/// Sets what programme `slug` asks after the payment (its operator's staff): `days` for the
/// use of funds (blank: not asked; 7–365), `months` for the results (blank: not asked; 1–60).
pub async fn set_requirements(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    slug: &str,
    days: Option<&str>,
    months: Option<&str>,
) -> Result<(), ServiceError> {
    let p = who.ok_or(Denied::SignInRequired)?;
    let (program_id, ..) = db::catalog::find_by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = db::catalog::organisation_of(db, program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    allow(Some(p), &Action::ManageProgramme { organisation })?;
    let read = |name: &str, v: Option<&str>, min: i64, max: i64| {
        let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        v.parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| FieldError::new(name, Problem::OutOfRange { min, max }))
    };
    let row = program_followups::ActiveModel {
        program_id: Set(program_id),
        use_of_funds_days: Set(read("use_of_funds_days", days, 7, 365)?),
        results_months: Set(read("results_months", months, 1, 60)?),
    };
    let txn = db::begin_write(db).await?;
    program_followups::Entity::delete_by_id(program_id)
        .exec(&*txn)
        .await?;
    program_followups::Entity::insert(row)
        .exec_without_returning(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The day application `a` was paid: its payment's record, or (rows written without one, as
/// the demo history's) its loan's day or the day of its payment's step in Asia/Almaty.
pub(crate) async fn paid_on(
    db: &impl ConnectionTrait,
    a: &applications::Model,
) -> Result<Option<NaiveDate>, ServiceError> {
    #[derive(serde::Deserialize)]
    struct Data {
        disbursement: Option<crate::domain::review::Disbursement>,
    }
    let mut day = None;
    let mut step_day = None;
    for (e, _) in db::applications::events(db, a.id).await? {
        if let Ok(Data {
            disbursement: Some(d),
        }) = serde_json::from_str::<Data>(&e.data)
        {
            day = Some(d.date);
        }
        if e.step == "disburse" {
            step_day = Some((e.at.with_timezone(&Utc) + chrono::Duration::hours(5)).date_naive());
        }
    }
    if day.is_none() {
        day = db::loans::find(db, a.id).await?.map(|l| l.disbursed_on);
    }
    Ok(day.or(step_day))
}

async fn filings(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<followup_reports::Model>, ServiceError> {
    Ok(followup_reports::Entity::find()
        .filter(followup_reports::Column::ApplicationId.eq(id))
        .order_by_asc(followup_reports::Column::Version)
        .all(db)
        .await?)
}

/// The reports part of paid application `a`'s page, for `p` standing as `party`.
pub async fn view(
    db: &DatabaseConnection,
    p: &Principal,
    a: &applications::Model,
    party: Option<Party>,
    today: NaiveDate,
) -> Result<Option<FollowupView>, ServiceError> {
    let Some(paid) = paid_on(db, a).await? else {
        return Ok(None);
    };
    let rows = filings(db, a.id).await?;
    let reports = requirements(db, a.program_id)
        .await?
        .due(paid)
        .into_iter()
        .map(|(kind, due_on)| ReportView {
            kind,
            due_on,
            filings: rows
                .iter()
                .filter(|r| r.kind == kind.as_str())
                .map(|r| Filing {
                    id: r.id,
                    version: r.version,
                    state: ReportState::parse(&r.state).unwrap_or(ReportState::Submitted),
                    data: serde_json::from_str(&r.data).unwrap_or_default(),
                    submitted_at: r.submitted_at.with_timezone(&Utc),
                    reason: r.reason.clone(),
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    if reports.is_empty() {
        return Ok(None);
    }
    let okrug = okrug_of(a);
    Ok(Some(FollowupView {
        reports,
        confirmations: confirmations(db, a.id).await?,
        can_file: party == Some(Party::Applicant),
        can_decide: party == Some(Party::Operator),
        can_confirm: allow(
            Some(p),
            &Action::Recommend {
                okrug: okrug.as_ref(),
            },
        )
        .is_ok(),
        as_of: today,
    }))
}

async fn confirmations(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Vec<Confirmation>, ServiceError> {
    let rows = followup_confirmations::Entity::find()
        .filter(followup_confirmations::Column::ApplicationId.eq(id))
        .order_by_asc(followup_confirmations::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let akim = r.author_role == Role::Akim.as_str();
        // The akim is an elected official, named; akimat staff are not.
        let author = if akim {
            users::Entity::find_by_id(r.author_user_id)
                .one(db)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default()
        } else {
            String::new()
        };
        out.push(Confirmation {
            author,
            akim,
            text: r.text,
            at: r.created_at.with_timezone(&Utc),
        });
    }
    Ok(out)
}

/// The paid application `id` as `who` stands to it: its row, and the party.
async fn paid(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<(applications::Model, Option<Party>, Principal), ServiceError> {
    let p = who.ok_or(Denied::SignInRequired)?;
    let (a, _, party) = access(db, p, id).await?;
    let state = State::parse(&a.state).unwrap_or(State::Draft);
    if state != State::Disbursed {
        return Err(FieldError::new("report_kind", Problem::NotNow { state }).into());
    }
    Ok((a, party, p.clone()))
}

async fn touch(txn: &impl ConnectionTrait, a: &applications::Model) -> Result<(), ServiceError> {
    if let Some(okrug) = okrug_of(a) {
        db::reports::touch(txn, &okrug).await?;
    }
    Ok(())
}

/// Files report `kind` of paid application `id` (its applicant), with its receipts and photos
/// (PDF, JPEG or PNG by content, each under the document limit).
pub async fn file(
    db: &DatabaseConnection,
    uploads: &Path,
    who: Option<&Principal>,
    id: i32,
    pairs: &[(String, String)],
    files: &[Upload],
) -> Result<(), ServiceError> {
    let (a, party, p) = paid(db, who, id).await?;
    if party != Some(Party::Applicant) {
        return Err(Denied::Forbidden.into());
    }
    let code = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "report_kind")
        .map_or("", |(_, v)| v.as_str());
    let kind = ReportKind::parse(code)
        .ok_or_else(|| FieldError::new("report_kind", Problem::UnknownChoice(code.to_owned())))?;
    let due = requirements(db, a.program_id)
        .await?
        .due(paid_on(db, &a).await?.unwrap_or_default())
        .into_iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, d)| d)
        .ok_or_else(|| FieldError::new("report_kind", Problem::UnknownChoice(code.to_owned())))?;
    let mut data: ReportData = followup::parse(kind, pairs)?;
    let previous = filings(db, id).await?;
    let mine: Vec<&followup_reports::Model> = previous
        .iter()
        .filter(|r| r.kind == kind.as_str())
        .collect();
    if mine
        .last()
        .is_some_and(|r| r.state != ReportState::Returned.as_str())
    {
        return Err(FieldError::new(
            "report_kind",
            Problem::NotNow {
                state: State::Disbursed,
            },
        )
        .into());
    }
    // Every file is checked before anything is written.
    let receipts = Loose::store(uploads, files, "receipt", usize::MAX).await?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    data.documents
        .extend(receipts.record(&*txn, id, p.user_id, now).await?);
    let row = followup_reports::ActiveModel {
        id: NotSet,
        application_id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        version: Set(i32::try_from(mine.len()).unwrap_or(i32::MAX - 1) + 1),
        due_on: Set(due),
        state: Set(ReportState::Submitted.as_str().to_owned()),
        data: Set(serde_json::to_string(&data)?),
        submitted_at: Set(now.fixed_offset()),
        decided_by: Set(None),
        decided_at: Set(None),
        reason: Set(None),
    };
    followup_reports::Entity::insert(row)
        .exec_without_returning(&*txn)
        .await?;
    touch(&*txn, &a).await?;
    txn.commit().await?;
    Ok(())
}

/// The lender accepts (`accept`) or returns, with a reason, filing `report_id` of application
/// `id`; only a filing waiting for it.
pub async fn decide(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    report_id: i32,
    accept: bool,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let (a, party, p) = paid(db, who, id).await?;
    if party != Some(Party::Operator) {
        return Err(Denied::Forbidden.into());
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if !accept && reason.is_none() {
        return Err(FieldError::new("report_reason", Problem::Required).into());
    }
    if reason.is_some_and(|r| r.chars().count() > followup::MAX_TEXT) {
        return Err(FieldError::new(
            "report_reason",
            Problem::TooLong {
                max: followup::MAX_TEXT,
            },
        )
        .into());
    }
    let to = if accept {
        ReportState::Accepted
    } else {
        ReportState::Returned
    };
    let txn = db::begin_write(db).await?;
    // Only a filing still waiting changes: two lenders' clicks at once decide once.
    let done = followup_reports::Entity::update_many()
        .col_expr(
            followup_reports::Column::State,
            sea_orm::sea_query::Expr::value(to.as_str()),
        )
        .col_expr(
            followup_reports::Column::DecidedBy,
            sea_orm::sea_query::Expr::value(p.user_id),
        )
        .col_expr(
            followup_reports::Column::DecidedAt,
            sea_orm::sea_query::Expr::value(Utc::now().fixed_offset()),
        )
        .col_expr(
            followup_reports::Column::Reason,
            sea_orm::sea_query::Expr::value(reason.map(str::to_owned)),
        )
        .filter(followup_reports::Column::Id.eq(report_id))
        .filter(followup_reports::Column::ApplicationId.eq(id))
        .filter(followup_reports::Column::State.eq(ReportState::Submitted.as_str()))
        .exec(&*txn)
        .await?;
    if done.rows_affected != 1 {
        txn.rollback().await?;
        return Err(FieldError::new(
            "report_id",
            Problem::NotNow {
                state: State::Disbursed,
            },
        )
        .into());
    }
    touch(&*txn, &a).await?;
    txn.commit().await?;
    Ok(())
}

/// The okrug's akimat records, in its own name, what it saw on site of paid application `id`.
pub async fn confirm(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    text: &str,
) -> Result<(), ServiceError> {
    let p = who.ok_or(Denied::SignInRequired)?;
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let okrug: Option<KatoCode> = okrug_of(&a);
    allow(
        Some(p),
        &Action::Recommend {
            okrug: okrug.as_ref(),
        },
    )
    .map_err(|_| ServiceError::NotFound)?;
    let state = State::parse(&a.state).unwrap_or(State::Draft);
    if state != State::Disbursed {
        return Err(FieldError::new("confirmation", Problem::NotNow { state }).into());
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new("confirmation", Problem::Required).into());
    }
    if text.chars().count() > followup::MAX_TEXT {
        return Err(FieldError::new(
            "confirmation",
            Problem::TooLong {
                max: followup::MAX_TEXT,
            },
        )
        .into());
    }
    let row = followup_confirmations::ActiveModel {
        id: NotSet,
        application_id: Set(id),
        author_user_id: Set(p.user_id),
        author_role: Set(p.role.as_str().to_owned()),
        okrug_code: Set(okrug.map(|k| k.as_str().to_owned()).unwrap_or_default()),
        text: Set(text.to_owned()),
        created_at: Set(Utc::now().fixed_offset()),
    };
    let txn = db::begin_write(db).await?;
    followup_confirmations::Entity::insert(row)
        .exec_without_returning(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
