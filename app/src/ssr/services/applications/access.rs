//! Who may see and act on an application, and what its programme allows: the rows a use case
//! starts from.

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::domain::account::Principal;
use crate::domain::application::form::Limits;
use crate::domain::application::{Party, State};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{ApplicationParties, standing};
use crate::domain::program::ProgramView;
use crate::domain::review::ApprovalLimits;
use crate::ssr::db;
use crate::ssr::db::entities::{applications, assisted_filings};
use crate::ssr::services::ServiceError;

pub(crate) use crate::ssr::services::signed_in;

pub(crate) fn state_of(a: &applications::Model) -> Result<State, ServiceError> {
    State::parse(&a.state).ok_or(ServiceError::Stored(format!(
        "application {} has an unknown state {:?}",
        a.id, a.state
    )))
}

/// The programme an application is for, as its page shows it on `today`.
pub(super) async fn program_of(
    db: &DatabaseConnection,
    program_id: i32,
    today: NaiveDate,
) -> Result<ProgramView, ServiceError> {
    let slug = db::catalog::slug_of(db, program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    crate::ssr::services::catalog::program(db, &slug, today).await
}

pub(super) fn limits(program: &ProgramView) -> Limits {
    let l = program.loan_limits();
    Limits {
        amount_min_kzt: l.amount_min.map(|t| t.whole_tenge()),
        amount_max_kzt: l.amount_max.map(|t| t.whole_tenge()),
        term_months_max: if program.is_loan_like() {
            program.term_months_max
        } else {
            None
        },
    }
}

/// What an approval of an application to programme `program_id` may be.
pub async fn approval_limits(
    db: &DatabaseConnection,
    program_id: i32,
    today: NaiveDate,
) -> Result<ApprovalLimits, ServiceError> {
    let program = program_of(db, program_id, today).await?;
    let l = limits(&program);
    Ok(ApprovalLimits {
        amount_max_kzt: l.amount_max_kzt,
        term_months_max: l.term_months_max,
        lends: program.is_loan_like(),
    })
}

pub fn takes_applications(program: &ProgramView, today: NaiveDate) -> bool {
    program.status == crate::domain::catalog::ProgramStatus::Open
        && program.deadline.is_none_or(|d| d >= today)
        && program.intake_opens.is_none_or(|d| d <= today)
}

/// How `p` stands to application `a` of a programme of `organisation` (the policy decides);
/// `NotFound` for whoever may not read it, so that ids do not reveal which applications exist.
pub(super) fn party_of(
    p: &Principal,
    a: &applications::Model,
    organisation: i32,
    filing: Option<&assisted_filings::Model>,
) -> Result<Option<Party>, ServiceError> {
    let filed_by = filing.and_then(|f| KatoCode::parse(&f.okrug_code).ok());
    let okrug = okrug_of(a);
    let parties = ApplicationParties {
        applicant: a.user_id,
        okrug: okrug.as_ref(),
        organisation,
        filed_by: filed_by.as_ref(),
        draft: state_of(a).ok() == Some(State::Draft),
    };
    standing(p, &parties).map_err(|_| ServiceError::NotFound)
}

/// Application `id` as `p` may see it: the row, its programme's operator, and how `p` stands
/// to it (`NotFound` for someone who may not read it).
pub async fn access(
    db: &DatabaseConnection,
    p: &Principal,
    id: i32,
) -> Result<(applications::Model, i32, Option<Party>), ServiceError> {
    let a = db::applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = db::catalog::organisation_of(db, a.program_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let filing = db::assisted::filing(db, a.id).await?;
    let party = party_of(p, &a, organisation, filing.as_ref())?;
    Ok((a, organisation, party))
}

/// The okrug of an application's settlement, if it names one.
pub fn okrug_of(a: &applications::Model) -> Option<KatoCode> {
    a.settlement_code
        .as_deref()
        .and_then(|c| KatoCode::parse(c).ok())
        .and_then(|c| c.okrug())
}

pub(super) fn conflict(current: i32) -> ServiceError {
    FieldError::new("version", Problem::Conflict { current }).into()
}
