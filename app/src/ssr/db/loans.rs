//! Loans after the money: their terms and standing, instalments and repayments, the
//! portfolio's query and the figures by area, and the organisations' API keys.
//!
//! A repayment is inserted with `ON CONFLICT DO NOTHING` on its loan and reference, so that
//! the same payment arriving twice at once (the API and a CSV, two retries) is recorded once on
//! either database without aborting the transaction; the caller then reads the row that won.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entities::{api_idempotency, api_keys, instalments, loans, repayments};

mod tallies;
use crate::domain::money::Tiyn;
use crate::domain::repayment::{Instalment, Ledger, Repayment, allocate};
pub use tallies::{Moves, Totals, rebuild_tallies, totals};
use tallies::{Tallied, tally};

/// A loan's row as the disbursement writes it.
pub struct NewLoan<'a> {
    /// The application paid.
    pub application_id: i32,
    /// The lender.
    pub organisation_id: i32,
    /// The programme.
    pub program_id: i32,
    /// The borrower's okrug.
    pub okrug_code: Option<&'a str>,
    /// The payment's day.
    pub disbursed_on: NaiveDate,
    /// The terms.
    pub loan: crate::domain::loan::Loan,
}

/// Writes a disbursed loan and its instalments.
pub async fn create(
    db: &impl ConnectionTrait,
    l: &NewLoan<'_>,
    schedule: &[Instalment],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let principal = l.loan.amount.0;
    let row = loans::ActiveModel {
        application_id: Set(l.application_id),
        organisation_id: Set(l.organisation_id),
        program_id: Set(l.program_id),
        okrug_code: Set(l.okrug_code.map(str::to_owned)),
        disbursed_on: Set(l.disbursed_on),
        principal_tiyn: Set(principal),
        rate_bps: Set(l.loan.rate_bps),
        term_months: Set(l.loan.term_months),
        grace_months: Set(l.loan.grace_months),
        grace: Set(l.loan.grace.as_str().to_owned()),
        method: Set(l.loan.method.as_str().to_owned()),
        season_months: Set(i32::from(l.loan.season.months)),
        paid_tiyn: Set(0),
        outstanding_principal_tiyn: Set(principal),
        first_unpaid_due_on: Set(schedule.iter().find(|i| i.amount().0 > 0).map(|i| i.due_on)),
        paid_late: Set(false),
        updated_at: Set(now.fixed_offset()),
    };
    loans::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    let first_unpaid = schedule.iter().find(|i| i.amount().0 > 0).map(|i| i.due_on);
    tally(
        db,
        l.organisation_id,
        l.program_id,
        first_unpaid,
        false,
        [1, principal, principal],
    )
    .await?;
    // A few hundred rows at most (a 30-year loan); in chunks under SQLite's variable limit.
    for chunk in schedule.chunks(150) {
        let rows = chunk.iter().map(|i| instalments::ActiveModel {
            application_id: Set(l.application_id),
            number: Set(i.number),
            due_on: Set(i.due_on),
            principal_tiyn: Set(i.principal.0),
            interest_tiyn: Set(i.interest.0),
        });
        instalments::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Loan `application_id`.
pub async fn find(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<loans::Model>, DbErr> {
    loans::Entity::find_by_id(application_id).one(db).await
}

/// The loans among `ids`.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<loans::Model>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            loans::Entity::find()
                .filter(loans::Column::ApplicationId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// A loan's instalments, in order.
pub async fn instalments(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<Instalment>, DbErr> {
    Ok(instalments::Entity::find()
        .filter(instalments::Column::ApplicationId.eq(application_id))
        .order_by_asc(instalments::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(|i| Instalment {
            number: i.number,
            due_on: i.due_on,
            principal: Tiyn(i.principal_tiyn),
            interest: Tiyn(i.interest_tiyn),
        })
        .collect())
}

/// A loan's repayments as recorded, oldest record first.
pub async fn repayments(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<repayments::Model>, DbErr> {
    repayments::Entity::find()
        .filter(repayments::Column::ApplicationId.eq(application_id))
        .order_by_asc(repayments::Column::Id)
        .all(db)
        .await
}

/// The domain's view of recorded repayments.
pub fn as_repayments(rows: &[repayments::Model]) -> Vec<Repayment> {
    rows.iter()
        .map(|r| Repayment {
            reference: r.reference.clone(),
            paid_on: r.paid_on,
            amount: Tiyn(r.amount_tiyn),
            reverses: r.reverses.clone(),
        })
        .collect()
}

/// A repayment to record.
#[derive(Clone, Debug)]
pub struct NewRepayment {
    /// The loan.
    pub application_id: i32,
    /// The lender recording it.
    pub organisation_id: i32,
    /// What it is.
    pub repayment: Repayment,
    /// `csv`, `form` or `api`.
    pub source: &'static str,
    /// The person, for a CSV or the form.
    pub recorded_by: Option<i32>,
    /// The key, for the API.
    pub api_key_id: Option<i32>,
}

/// Records `r` unless its loan already has its reference: `Ok(None)` when inserted, or the row
/// already there.
pub async fn insert_repayment(
    db: &impl ConnectionTrait,
    r: &NewRepayment,
    now: DateTime<Utc>,
) -> Result<Option<repayments::Model>, DbErr> {
    let row = repayments::ActiveModel {
        id: NotSet,
        application_id: Set(r.application_id),
        organisation_id: Set(r.organisation_id),
        reference: Set(r.repayment.reference.clone()),
        paid_on: Set(r.repayment.paid_on),
        amount_tiyn: Set(r.repayment.amount.0),
        reverses: Set(r.repayment.reverses.clone()),
        source: Set(r.source.to_owned()),
        recorded_by: Set(r.recorded_by),
        api_key_id: Set(r.api_key_id),
        recorded_at: Set(now.fixed_offset()),
    };
    let inserted = repayments::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                repayments::Column::ApplicationId,
                repayments::Column::Reference,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(None);
    }
    repayments::Entity::find()
        .filter(repayments::Column::ApplicationId.eq(r.application_id))
        .filter(repayments::Column::Reference.eq(r.repayment.reference.as_str()))
        .one(db)
        .await
}

/// The repayments of the loans among `ids` with the references among `references`: what a
/// batch finds already recorded.
pub async fn existing(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<repayments::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            repayments::Entity::find()
                .filter(repayments::Column::ApplicationId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// What a loan's ledger says of it now, as the `loans` row keeps it.
pub fn standing_of(ledger: &Ledger) -> (i64, i64, Option<NaiveDate>, bool) {
    let outstanding = ledger
        .standings
        .iter()
        .map(|s| s.instalment.principal.0 - s.principal_paid.0)
        .sum();
    let first_unpaid = ledger
        .standings
        .iter()
        .find(|s| s.unpaid().0 > 0)
        .map(|s| s.instalment.due_on);
    let paid_late = ledger
        .standings
        .iter()
        .any(|s| s.settled_on.is_some_and(|d| d > s.instalment.due_on));
    (ledger.paid.0, outstanding, first_unpaid, paid_late)
}

/// Recomputes loan `application_id`'s standing from its instalments and repayments, and
/// notes in `moves` how it moved between the groups of `loan_tallies` (written by
/// [`Moves::write`] in the same transaction). Returns the loan as it was before.
///
/// The loan's row is locked first (PostgreSQL; SQLite writers take turns): two transactions
/// recording on the same loan at once would each read the repayments without the other's and
/// the later write would lose the earlier payment, and both would take the loan out of its old
/// group in the tallies.
pub async fn restand(
    db: &impl ConnectionTrait,
    application_id: i32,
    now: DateTime<Utc>,
    moves: &mut Moves,
) -> Result<Option<loans::Model>, DbErr> {
    let Some(before) = loans::Entity::find_by_id(application_id)
        .lock_exclusive()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let schedule = instalments(db, application_id).await?;
    let paid = as_repayments(&repayments(db, application_id).await?);
    let ledger = allocate(&schedule, &paid, None);
    let (paid, outstanding, first_unpaid, paid_late) = standing_of(&ledger);
    loans::Entity::update_many()
        .col_expr(loans::Column::PaidTiyn, Expr::value(paid))
        .col_expr(
            loans::Column::OutstandingPrincipalTiyn,
            Expr::value(outstanding),
        )
        .col_expr(loans::Column::FirstUnpaidDueOn, Expr::value(first_unpaid))
        .col_expr(loans::Column::PaidLate, Expr::value(paid_late))
        .col_expr(loans::Column::UpdatedAt, Expr::value(now.fixed_offset()))
        .filter(loans::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await?;
    let old = Tallied::of(&before);
    moves.add(&old, -1);
    moves.add(
        &Tallied {
            first_unpaid,
            paid_late,
            outstanding,
            ..old
        },
        1,
    );
    Ok(Some(before))
}

/// Which loans a portfolio or a figure covers.
#[derive(Clone, Debug, Default)]
pub struct LoanFilter {
    /// One lender's.
    pub organisation_id: Option<i32>,
    /// One programme's.
    pub program_id: Option<i32>,
    /// Borrowers whose okrug code starts with this (a region's 2 digits, a district's 4, an
    /// okrug's 6).
    pub area_prefix: Option<String>,
}

impl LoanFilter {
    pub(super) fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(o) = self.organisation_id {
            c = c.add(loans::Column::OrganisationId.eq(o));
        }
        if let Some(p) = self.program_id {
            c = c.add(loans::Column::ProgramId.eq(p));
        }
        if let Some(a) = &self.area_prefix {
            // A KATO prefix as a range, which an index on `okrug_code` serves on both databases;
            // `LIKE 'prefix%'` never used one (SQLite's LIKE ignores case, PostgreSQL's needs
            // the C collation): PAR30 of one okrug read every loan, 20 ms with 250,000.
            c = c.add(match digits_end(a) {
                Some(end) => Condition::all()
                    .add(loans::Column::OkrugCode.gte(a.as_str()))
                    .add(loans::Column::OkrugCode.lt(end)),
                None => Condition::all().add(loans::Column::OkrugCode.starts_with(a.as_str())),
            });
        }
        c
    }
}

/// The smallest string of digits above every string that starts with the digits `prefix`
/// (`27` → `28`, `2759` → `276`), or `None` when there is none (`99`) or `prefix` is not all
/// digits. Strings of digits compare alike in every collation.
fn digits_end(prefix: &str) -> Option<String> {
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kept = prefix.trim_end_matches('9');
    let last = kept.bytes().next_back()?;
    Some(format!(
        "{}{}",
        &kept[..kept.len() - 1],
        char::from(last + 1)
    ))
}

/// Days past due on `as_of` of a loan whose oldest unpaid instalment fell due on `first`.
pub fn days_past_due(first: Option<NaiveDate>, as_of: NaiveDate) -> i64 {
    first.map_or(0, |d| std::cmp::max((as_of - d).num_days(), 0))
}

/// The loans `f` covers, worst first (oldest unpaid instalment first, repaid ones last), with
/// only those more than `late_more_than` days past due on `as_of` when set: a page of them and
/// how many there are (`known_total` when the caller knows it).
///
/// The loans still owing and the repaid ones (no unpaid instalment) are read apart, each in
/// the order of the index `(organisation_id, first_unpaid_due_on, application_id)`: one
/// `ORDER BY first_unpaid_due_on IS NULL, …` matched no index, so every page sorted every loan
/// of the view (250,000 loans: 80–120 ms on PostgreSQL, more on SQLite).
pub async fn portfolio(
    db: &impl ConnectionTrait,
    f: &LoanFilter,
    late_between: Option<(i64, i64)>,
    as_of: NaiveDate,
    offset: u64,
    limit: u64,
    known_total: Option<u64>,
) -> Result<(Vec<loans::Model>, u64), DbErr> {
    let mut c = f.condition();
    if let Some((from, to)) = late_between {
        // Late `from..=to` days: the oldest unpaid instalment fell due between `as_of - to`
        // and `as_of - from`.
        if from > 0 {
            c = c.add(loans::Column::FirstUnpaidDueOn.lte(as_of - chrono::Duration::days(from)));
        } else {
            c = c.add(
                Condition::any()
                    .add(loans::Column::FirstUnpaidDueOn.is_null())
                    .add(loans::Column::FirstUnpaidDueOn.gte(as_of)),
            );
        }
        if to < i64::MAX && from > 0 {
            c = c.add(loans::Column::FirstUnpaidDueOn.gte(as_of - chrono::Duration::days(to)));
        }
    }
    let query = loans::Entity::find().filter(c);
    // The caller may know the count already (from the totals of the same view).
    let total = match known_total {
        Some(n) => n,
        None => query.clone().count(db).await?,
    };
    let owing = query
        .clone()
        .filter(loans::Column::FirstUnpaidDueOn.is_not_null());
    let mut rows = owing
        .clone()
        .order_by_asc(loans::Column::FirstUnpaidDueOn)
        .order_by_asc(loans::Column::ApplicationId)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let got = rows.len() as u64;
    if got < limit {
        // The page reaches past the loans still owing: the repaid ones follow, by id. A page
        // with some owing ones ended them; one with none needs their count.
        let owing_count = if got > 0 {
            offset + got
        } else {
            owing.count(db).await?
        };
        rows.extend(
            query
                .filter(loans::Column::FirstUnpaidDueOn.is_null())
                .order_by_asc(loans::Column::ApplicationId)
                .offset(offset.saturating_sub(owing_count))
                .limit(limit - got)
                .all(db)
                .await?,
        );
    }
    Ok((rows, total))
}

/// A new API key's row; the secret itself is never stored.
pub async fn create_key(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    name: &str,
    prefix: &str,
    secret_hash: &str,
    created_by: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let row = api_keys::ActiveModel {
        id: NotSet,
        organisation_id: Set(organisation_id),
        name: Set(name.to_owned()),
        scope: Set("repayments".to_owned()),
        prefix: Set(prefix.to_owned()),
        secret_hash: Set(secret_hash.to_owned()),
        created_by: Set(Some(created_by)),
        created_at: Set(now.fixed_offset()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    };
    Ok(api_keys::Entity::insert(row).exec(db).await?.last_insert_id)
}

/// An organisation's keys, newest first.
pub async fn keys(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<api_keys::Model>, DbErr> {
    api_keys::Entity::find()
        .filter(api_keys::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(api_keys::Column::Id)
        .all(db)
        .await
}

/// The key with `prefix`, revoked or not.
pub async fn key_by_prefix(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<api_keys::Model>, DbErr> {
    api_keys::Entity::find()
        .filter(api_keys::Column::Prefix.eq(prefix))
        .one(db)
        .await
}

/// Revokes key `id` of organisation `organisation_id`; whether there was such a live key.
pub async fn revoke_key(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = api_keys::Entity::update_many()
        .col_expr(api_keys::Column::RevokedAt, Expr::value(now.fixed_offset()))
        .filter(api_keys::Column::Id.eq(id))
        .filter(api_keys::Column::OrganisationId.eq(organisation_id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Notes that key `id` was used.
pub async fn key_used(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_keys::Entity::update_many()
        .col_expr(
            api_keys::Column::LastUsedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(api_keys::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The answer kept for key `api_key_id`'s `Idempotency-Key` `key`.
pub async fn idempotent(
    db: &impl ConnectionTrait,
    api_key_id: i32,
    key: &str,
) -> Result<Option<api_idempotency::Model>, DbErr> {
    api_idempotency::Entity::find_by_id((api_key_id, key.to_owned()))
        .one(db)
        .await
}

/// Keeps the answer to a request under its `Idempotency-Key`; whether this one was first
/// (another request with the same key may have just kept its own).
pub async fn keep_answer(
    db: &impl ConnectionTrait,
    api_key_id: i32,
    key: &str,
    request_hash: &str,
    status: u16,
    body: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = api_idempotency::ActiveModel {
        api_key_id: Set(api_key_id),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        status: Set(i32::from(status)),
        body: Set(body.to_owned()),
        created_at: Set(now.fixed_offset()),
    };
    let done = api_idempotency::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                api_idempotency::Column::ApiKeyId,
                api_idempotency::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(done == 1)
}

/// The instalments falling due between `from` and `to` (both included) of loans that still
/// owe something from that day or before: what the reminders look at.
pub async fn due_between(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(loans::Model, Instalment)>, DbErr> {
    let rows = instalments::Entity::find()
        .filter(instalments::Column::DueOn.between(from, to))
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.application_id).collect();
    let owing: std::collections::HashMap<i32, loans::Model> = find_many(db, &ids)
        .await?
        .into_iter()
        .map(|l| (l.application_id, l))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|i| {
            let loan = owing.get(&i.application_id)?;
            // Repaid up to this instalment or beyond: nothing to remind of.
            loan.first_unpaid_due_on.filter(|d| *d <= i.due_on)?;
            Some((
                loan.clone(),
                Instalment {
                    number: i.number,
                    due_on: i.due_on,
                    principal: Tiyn(i.principal_tiyn),
                    interest: Tiyn(i.interest_tiyn),
                },
            ))
        })
        .collect())
}

/// Notes that the reminder `kind` of instalment `number` is sent; whether it was not yet.
pub async fn remember_reminder(
    db: &impl ConnectionTrait,
    application_id: i32,
    number: i32,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use super::entities::reminders as loan_reminders;
    let row = loan_reminders::ActiveModel {
        application_id: Set(application_id),
        number: Set(number),
        kind: Set(kind.to_owned()),
        created_at: Set(now.fixed_offset()),
    };
    let done = loan_reminders::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                loan_reminders::Column::ApplicationId,
                loan_reminders::Column::Number,
                loan_reminders::Column::Kind,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(done == 1)
}

#[cfg(test)]
mod tests {
    use super::digits_end;

    #[test]
    fn a_kato_prefix_is_a_range_of_digits() {
        assert_eq!(digits_end("27").as_deref(), Some("28"));
        assert_eq!(digits_end("2759").as_deref(), Some("276"));
        assert_eq!(digits_end("275443").as_deref(), Some("275444"));
        assert_eq!(digits_end("99"), None);
        assert_eq!(digits_end(""), None);
        assert_eq!(digits_end("27a"), None);
    }
}
