//! After the money: a disbursed loan's schedule (made with the payment, in its transaction),
//! the repayments a lender records (by hand, from its bank's CSV, or from its own system
//! through the API with a key), the loan's page, the operator's portfolio with its arrears, and
//! the organisation's API keys.
//!
//! Recording is all or nothing and idempotent by the lender's reference: a batch is checked
//! whole first (every bad line named), then written in one transaction; a reference already
//! recorded on the loan with the same content adds nothing, with other content it is refused.
//! The same payment arriving twice at once is recorded once (see `db::loans`).

mod keys;
mod portfolio;
pub mod reminders;

pub use keys::{api_keys, authenticate_key, create_api_key, revoke_api_key};
pub use portfolio::{portfolio, portfolio_csv};

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::account::{Principal, Scope};
use crate::domain::i18n::Lang;
use crate::domain::loan::Method;
use crate::domain::money::Tiyn;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, Denied, allow};
use crate::domain::portfolio::{ImportPreview, LoanView, repayment_lines};
use crate::domain::repayment::import::{self, ImportLine, LineError};
use crate::domain::repayment::{Repayment, allocate, instalments};
use crate::domain::review::{Approval, Disbursement};
use crate::ssr::db;
use crate::ssr::db::entities::{applications, loans, repayments};
use crate::ssr::db::loans::{NewLoan, NewRepayment};
use crate::ssr::services::ServiceError;

/// The largest repayment a line may bring, as a multiple of everything the loan asks for: more
/// is a mistyped amount (an extra digit), not a payment.
const ABSURD_MULTIPLE: i64 = 2;

/// Writes loan `a`'s schedule when its payment is recorded (in the payment's transaction): the
/// approval's terms (the latest approval among the events) with the amount and day paid. A
/// grant (no term or rate) has none.
pub async fn on_disbursed(
    txn: &impl ConnectionTrait,
    a: &applications::Model,
    organisation_id: i32,
    disbursement: &Disbursement,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let approval = latest_approval(txn, a.id).await?;
    let Some(loan) = approval.and_then(|ap| ap.loan(disbursement.amount_kzt, disbursement.date))
    else {
        return Ok(());
    };
    let schedule = instalments(&loan.schedule(), disbursement.date);
    let okrug = super::applications::okrug_of(a);
    let new = NewLoan {
        application_id: a.id,
        organisation_id,
        program_id: a.program_id,
        okrug_code: okrug.as_ref().map(|k| k.as_str()),
        disbursed_on: disbursement.date,
        loan,
    };
    db::loans::create(txn, &new, &schedule, now).await?;
    Ok(())
}

async fn latest_approval(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<Approval>, ServiceError> {
    #[derive(serde::Deserialize)]
    struct Data {
        approval: Option<Approval>,
    }
    let mut found = None;
    for (e, _) in db::applications::events(db, id).await? {
        if let Ok(Data {
            approval: Some(approval),
        }) = serde_json::from_str::<Data>(&e.data)
        {
            found = Some(approval);
        }
    }
    Ok(found)
}

/// Loan `application_id`'s page part on `as_of`, or `None` when it is no loan (a grant, not
/// paid yet). The caller has checked the reader may see the application.
pub async fn loan_view(
    db: &DatabaseConnection,
    application_id: i32,
    as_of: NaiveDate,
) -> Result<Option<LoanView>, ServiceError> {
    let Some(loan) = db::loans::find(db, application_id).await? else {
        return Ok(None);
    };
    let schedule = db::loans::instalments(db, application_id).await?;
    let rows = db::loans::repayments(db, application_id).await?;
    let recorded = db::loans::as_repayments(&rows);
    let ledger = allocate(&schedule, &recorded, Some(as_of));
    let lines = repayment_lines(
        &recorded
            .into_iter()
            .zip(rows.iter().map(|r| r.source.clone()))
            .collect::<Vec<_>>(),
    );
    Ok(Some(LoanView::of(
        loan.disbursed_on,
        Tiyn(loan.principal_tiyn),
        loan.rate_bps,
        loan.term_months,
        loan.grace_months,
        Method::parse(&loan.method).unwrap_or(Method::Annuity),
        &ledger,
        lines,
        as_of,
    )))
}

/// Who records: the lender's staff member or the lender's system (its key).
#[derive(Clone, Copy, Debug)]
pub enum Recorder {
    /// A person, by hand or from a file.
    Staff {
        /// Their account.
        user_id: i32,
        /// Their organisation.
        organisation: i32,
        /// `form` or `csv`.
        source: &'static str,
    },
    /// An API key.
    Key {
        /// Its id.
        id: i32,
        /// Its organisation.
        organisation: i32,
    },
}

impl Recorder {
    fn organisation(self) -> i32 {
        match self {
            Recorder::Staff { organisation, .. } | Recorder::Key { organisation, .. } => {
                organisation
            }
        }
    }
}

/// What a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Recorded {
    /// New repayments written.
    pub added: usize,
    /// Lines whose reference was already recorded with the same content.
    pub already: usize,
    /// What the new ones bring (reversals not counted).
    pub amount: Tiyn,
    /// New reversals.
    pub reversals: usize,
    /// Loans concerned.
    pub loans: usize,
}

/// The organisation of an operator (or its administrator) allowed to keep loans: what a
/// lender's form asks before it reads anything.
pub fn lender_of(who: Option<&Principal>) -> Result<i32, ServiceError> {
    let p = who.ok_or(Denied::SignInRequired)?;
    let Scope::Organisation(org) = p.scope else {
        return Err(Denied::Forbidden.into());
    };
    allow(Some(p), &Action::KeepLoans { organisation: org })?;
    Ok(org)
}

/// The checked batch: what to write, and how many lines are already recorded.
struct Checked {
    new: Vec<NewRepayment>,
    already: usize,
    loans: BTreeSet<i32>,
}

fn same(a: &Repayment, b: &repayments::Model) -> bool {
    a.paid_on == b.paid_on && a.amount.0 == b.amount_tiyn && a.reverses == b.reverses
}

/// Checks `lines` against the loans of the recorder's organisation: every line refused is named
/// with its number and field. A loan of another organisation reads as unknown (its existence
/// is not the caller's business).
async fn check(
    db: &impl ConnectionTrait,
    who: Recorder,
    lines: &[ImportLine],
) -> Result<Result<Checked, Vec<LineError>>, ServiceError> {
    let ids: Vec<i32> = lines
        .iter()
        .map(|l| l.application_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let loans: HashMap<i32, loans::Model> = db::loans::find_many(db, &ids)
        .await?
        .into_iter()
        .filter(|l| l.organisation_id == who.organisation())
        .map(|l| (l.application_id, l))
        .collect();
    let owed: HashMap<i32, i64> =
        owed_by_loan(db, &loans.keys().copied().collect::<Vec<_>>()).await?;
    let mut recorded: HashMap<(i32, String), repayments::Model> = HashMap::new();
    for r in db::loans::existing(db, &loans.keys().copied().collect::<Vec<_>>()).await? {
        recorded.insert((r.application_id, r.reference.clone()), r);
    }
    let mut errors = Vec::new();
    let mut new = Vec::new();
    let mut already = 0;
    let mut touched = BTreeSet::new();
    // References new in this batch, with the amount of the non-reversals (what a reversal
    // in the same batch may cancel).
    let mut batch: HashMap<(i32, String), (i64, bool)> = HashMap::new();
    // The repayments already reversed (recorded, or earlier in the batch).
    let mut reversed: std::collections::HashSet<(i32, String)> = recorded
        .values()
        .filter_map(|x| x.reverses.clone().map(|c| (x.application_id, c)))
        .collect();
    for l in lines {
        let err = |field: &str, problem: Problem| LineError {
            line: l.line,
            error: FieldError::new(field, problem),
        };
        let Some(loan) = loans.get(&l.application_id) else {
            errors.push(err("application", Problem::NoSuchLoan));
            continue;
        };
        if l.paid_on < loan.disbursed_on {
            errors.push(err("paid_on", Problem::BeforeDisbursement));
            continue;
        }
        let limit = owed.get(&l.application_id).copied().unwrap_or(0) * ABSURD_MULTIPLE;
        if l.amount.0 > limit {
            errors.push(err(
                "amount",
                Problem::AmountTooLarge {
                    max_tenge: limit / 100,
                },
            ));
            continue;
        }
        let r = Repayment {
            reference: l.reference.clone(),
            paid_on: l.paid_on,
            amount: l.amount,
            reverses: l.reverses.clone(),
        };
        let key = (l.application_id, l.reference.clone());
        if let Some(existing) = recorded.get(&key) {
            if same(&r, existing) {
                already += 1;
            } else {
                errors.push(err("reference", Problem::ReferenceRecorded));
            }
            continue;
        }
        if let Some((field, problem)) = reversal_problem(l, &recorded, &batch, &reversed) {
            errors.push(err(field, problem));
            continue;
        }
        if let Some(cancelled) = &l.reverses {
            reversed.insert((l.application_id, cancelled.clone()));
        }
        batch.insert(key, (l.amount.0, l.reverses.is_some()));
        touched.insert(l.application_id);
        let (recorded_by, api_key_id, source) = match who {
            Recorder::Staff {
                user_id, source, ..
            } => (Some(user_id), None, source),
            Recorder::Key { id, .. } => (None, Some(id), "api"),
        };
        new.push(NewRepayment {
            application_id: l.application_id,
            organisation_id: who.organisation(),
            repayment: r,
            source,
            recorded_by,
            api_key_id,
        });
    }
    if errors.is_empty() {
        Ok(Ok(Checked {
            new,
            already,
            loans: touched,
        }))
    } else {
        Ok(Err(errors))
    }
}

/// Why reversal line `l` cannot be recorded, if it is one that cannot: the repayment it
/// cancels must be the loan's (recorded, or earlier in the batch), not a reversal itself, not
/// reversed already, and of the same amount.
fn reversal_problem(
    l: &ImportLine,
    recorded: &HashMap<(i32, String), repayments::Model>,
    batch: &HashMap<(i32, String), (i64, bool)>,
    reversed: &std::collections::HashSet<(i32, String)>,
) -> Option<(&'static str, Problem)> {
    let cancelled = l.reverses.as_ref()?;
    let target = (l.application_id, cancelled.clone());
    let found = recorded
        .get(&target)
        .map(|x| (x.amount_tiyn, x.reverses.is_some()))
        .or_else(|| batch.get(&target).copied());
    match found {
        Some((_, false)) if reversed.contains(&target) => {
            Some(("reverses", Problem::NothingToReverse))
        }
        Some((amount, false)) if amount == l.amount.0 => None,
        Some((_, false)) => Some(("amount", Problem::ReversalAmount)),
        _ => Some(("reverses", Problem::NothingToReverse)),
    }
}

/// Everything each loan asks for (principal and interest), in tiyn.
async fn owed_by_loan(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, i64>, ServiceError> {
    use crate::ssr::db::entities::instalments as inst;
    use sea_orm::{QuerySelect, sea_query::Expr};
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i32, i64)> = inst::Entity::find()
            .select_only()
            .column(inst::Column::ApplicationId)
            .expr(Expr::cust(
                "CAST(SUM(principal_tiyn + interest_tiyn) AS BIGINT)",
            ))
            .filter(inst::Column::ApplicationId.is_in(chunk.iter().copied()))
            .group_by(inst::Column::ApplicationId)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Checks and records `lines` for `who` in one transaction: every line or none. `Ok(Err(_))`
/// names every refused line.
pub async fn record(
    db: &DatabaseConnection,
    who: Recorder,
    lines: &[ImportLine],
    now: DateTime<Utc>,
) -> Result<Result<Recorded, Vec<LineError>>, ServiceError> {
    let txn = db::begin_write(db).await?;
    // Checked inside the writers' turn, so that what it found recorded is still so.
    let checked = match check(&*txn, who, lines).await? {
        Ok(c) => c,
        Err(errors) => {
            txn.rollback().await?;
            return Ok(Err(errors));
        }
    };
    let mut done = Recorded {
        already: checked.already,
        loans: checked.loans.len(),
        ..Recorded::default()
    };
    let lines_of: HashMap<(i32, &str), usize> = lines
        .iter()
        .map(|l| ((l.application_id, l.reference.as_str()), l.line))
        .collect();
    for r in &checked.new {
        match db::loans::insert_repayment(&*txn, r, now).await? {
            None => {
                crate::ssr::services::webhooks::emit(
                    &*txn,
                    who.organisation(),
                    r.application_id,
                    crate::domain::webhook::Event::RepaymentRecorded,
                    serde_json::json!({
                        "reference": r.repayment.reference,
                        "paid_on": r.repayment.paid_on,
                        "amount_tiyn": r.repayment.amount.0,
                        "reverses": r.repayment.reverses,
                    }),
                    now,
                )
                .await?;
                done.added += 1;
                if r.repayment.reverses.is_some() {
                    done.reversals += 1;
                } else {
                    done.amount.0 += r.repayment.amount.0;
                }
            }
            // Another request recorded the same reference between the check and now
            // (PostgreSQL, another instance): the same content is that payment.
            Some(existing) if same(&r.repayment, &existing) => done.already += 1,
            Some(_) => {
                txn.rollback().await?;
                let line = lines_of
                    .get(&(r.application_id, r.repayment.reference.as_str()))
                    .copied()
                    .unwrap_or(0);
                return Ok(Err(vec![LineError {
                    line,
                    error: FieldError::new("reference", Problem::ReferenceRecorded),
                }]));
            }
        }
    }
    let mut okrugs = BTreeSet::new();
    let mut moves = db::loans::Moves::default();
    for id in &checked.loans {
        let before = db::loans::restand(&*txn, *id, now, &mut moves).await?;
        okrugs.extend(before.and_then(|l| l.okrug_code));
    }
    moves.write(&*txn).await?;
    // The okrugs' public figures after the money change with their loans' standing.
    for code in okrugs {
        if let Ok(okrug) = crate::domain::location::KatoCode::parse(&code) {
            db::reports::touch(&*txn, &okrug).await?;
        }
    }
    txn.commit().await?;
    Ok(Ok(done))
}

/// One repayment typed on a loan's page (`repaid_reference`, `repaid_on`, `repaid_amount` in
/// tenge, optionally `repaid_reverses`), by the lender's staff. Errors name the form's fields.
pub async fn record_by_hand(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    application_id: i32,
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Result<Recorded, ServiceError> {
    let organisation = lender_of(who)?;
    let user_id = who.map_or(0, |p| p.user_id);
    let on_form = |mut e: FieldError| {
        e.field = match e.field.as_str() {
            "reference" => "repaid_reference",
            "paid_on" => "repaid_on",
            "amount" => "repaid_amount",
            "reverses" => "repaid_reverses",
            other => return ServiceError::from(FieldError::new(other, e.problem)),
        }
        .to_owned();
        ServiceError::from(e)
    };
    let line = import::parse_fields(
        application_id,
        field(pairs, "repaid_reference"),
        field(pairs, "repaid_on"),
        field(pairs, "repaid_amount"),
        field(pairs, "repaid_reverses"),
        today,
    )
    .map_err(on_form)?;
    let recorder = Recorder::Staff {
        user_id,
        organisation,
        source: "form",
    };
    match record(db, recorder, &[line], Utc::now()).await? {
        Ok(done) => Ok(done),
        Err(mut errors) => match errors.pop() {
            // Not a loan of the caller's organisation: as if there were no such page.
            Some(e) if e.error.field == "application" => Err(Denied::Forbidden.into()),
            Some(e) => Err(on_form(e.error)),
            None => Err(ServiceError::NotFound),
        },
    }
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Where an uploaded file of repayments waits between its preview and its import.
fn stored(dir: &std::path::Path, digest: &str) -> Option<std::path::PathBuf> {
    // Only a digest this code made names a file.
    (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| dir.join("imports").join(format!("{digest}.csv")))
}

/// Keeps an uploaded file for its preview; its digest names it.
pub async fn keep_upload(
    who: Option<&Principal>,
    dir: &std::path::Path,
    bytes: &[u8],
) -> Result<String, ServiceError> {
    lender_of(who)?;
    let digest = crate::ssr::security::bytes_hash(bytes);
    let path = stored(dir, &digest).ok_or(ServiceError::NotFound)?;
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(ServiceError::Storage)?;
    }
    tokio::fs::write(&path, bytes)
        .await
        .map_err(ServiceError::Storage)?;
    Ok(digest)
}

/// The stored file `digest`; one that is not there (imported already, or never uploaded) is
/// a file to upload again.
async fn read_upload(dir: &std::path::Path, digest: &str) -> Result<Vec<u8>, ServiceError> {
    let again = || FieldError::new("file", Problem::Required).into();
    let path = stored(dir, digest).ok_or_else(again)?;
    match tokio::fs::read(&path).await {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(again()),
        Err(e) => Err(ServiceError::Storage(e)),
    }
}

fn words(lang: Lang, errors: Vec<LineError>) -> Vec<(usize, String, String)> {
    errors
        .into_iter()
        .map(|e| (e.line, e.error.field.clone(), e.error.message(lang)))
        .collect()
}

/// The preview of the stored file `digest`: its good lines and what they bring, or every bad
/// line named. Nothing is written.
pub async fn preview(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    dir: &std::path::Path,
    digest: &str,
    lang: Lang,
    today: NaiveDate,
) -> Result<ImportPreview, ServiceError> {
    let organisation = lender_of(who)?;
    let bytes = read_upload(dir, digest).await?;
    let mut out = ImportPreview {
        digest: digest.to_owned(),
        ..ImportPreview::default()
    };
    let (lines, mut errors) = match import::read(&bytes, today) {
        Ok(read) => read,
        Err(errors) => {
            out.errors = words(lang, errors);
            return Ok(out);
        }
    };
    out.lines = lines.len() + errors.len();
    let recorder = Recorder::Staff {
        user_id: who.map_or(0, |p| p.user_id),
        organisation,
        source: "csv",
    };
    // The lines that read well are checked against the loans too: every bad line at once.
    match check(db, recorder, &lines).await? {
        Ok(c) if errors.is_empty() => {
            out.already = c.already;
            out.loans = c.loans.len();
            out.reversals = c
                .new
                .iter()
                .filter(|n| n.repayment.reverses.is_some())
                .count();
            out.amount = Tiyn(
                c.new
                    .iter()
                    .filter(|n| n.repayment.reverses.is_none())
                    .map(|n| n.repayment.amount.0)
                    .sum(),
            );
        }
        Ok(_) => {}
        Err(more) => errors.extend(more),
    }
    errors.sort_by_key(|e| e.line);
    errors.truncate(import::MAX_ERRORS);
    out.errors = words(lang, errors);
    Ok(out)
}

/// Imports the stored file `digest`: every line or none (the preview's errors again when any
/// line is refused now). The file is removed once imported.
pub async fn import(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    dir: &std::path::Path,
    digest: &str,
    today: NaiveDate,
) -> Result<Result<Recorded, Vec<LineError>>, ServiceError> {
    let organisation = lender_of(who)?;
    let bytes = read_upload(dir, digest).await?;
    let lines = match import::parse(&bytes, today) {
        Ok(lines) => lines,
        Err(errors) => return Ok(Err(errors)),
    };
    let recorder = Recorder::Staff {
        user_id: who.map_or(0, |p| p.user_id),
        organisation,
        source: "csv",
    };
    let done = record(db, recorder, &lines, Utc::now()).await?;
    if done.is_ok()
        && let Some(path) = stored(dir, digest)
    {
        // Imported: a second confirmation finds nothing (and a re-upload adds nothing).
        let _ = tokio::fs::remove_file(path).await;
    }
    Ok(done)
}
