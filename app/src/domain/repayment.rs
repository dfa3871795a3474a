//! After the money: a loan's instalments with their due dates, the repayments recorded against
//! them, and what a lender and the public reports read off the two: what is paid, what is late
//! and by how long, and the share of the portfolio at risk.
//!
//! Everything here is a pure function of the instalments and the repayments, so any date's
//! state is computed the same way, and a reversal (a record of its own, never an edit) restores
//! exactly the state without the repayment it cancels.
//!
//! How a repayment is spent: on the oldest instalment not yet paid, its interest before its
//! principal, then on the next; what is paid before a due date simply pays ahead, and what is
//! paid beyond the whole loan is kept as a credit (the lender returns it).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::loan::Schedule;
use super::money::Tiyn;

/// One payment the borrower owes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1-based, in the order of the due dates.
    pub number: i32,
    /// The last day it may be paid on without being late.
    pub due_on: NaiveDate,
    /// Principal owed.
    pub principal: Tiyn,
    /// Interest owed.
    pub interest: Tiyn,
}

impl Instalment {
    /// Principal and interest.
    pub fn amount(&self) -> Tiyn {
        Tiyn(self.principal.0 + self.interest.0)
    }
}

/// The instalments of `schedule` for a loan paid out on `disbursed_on`: month `k` of the
/// schedule falls due `k` months later, on the same day of the month (or the month's last day
/// when it is shorter). Months that ask for nothing (a full grace, whose interest is added to
/// the debt) are not instalments.
pub fn instalments(schedule: &Schedule, disbursed_on: NaiveDate) -> Vec<Instalment> {
    let mut out = Vec::with_capacity(schedule.rows.len());
    for row in schedule.rows.iter().filter(|r| r.payment.0 > 0) {
        let Ok(months) = u32::try_from(row.month) else {
            continue;
        };
        let Some(due_on) = disbursed_on.checked_add_months(Months::new(months)) else {
            continue;
        };
        out.push(Instalment {
            number: i32::try_from(out.len()).unwrap_or(i32::MAX - 1) + 1,
            due_on,
            principal: Tiyn(row.principal.0.max(0)),
            interest: row.interest,
        });
    }
    out
}

/// A repayment as the lender recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repayment {
    /// The lender's reference: unique per loan, what makes recording idempotent.
    pub reference: String,
    /// The day the money arrived.
    pub paid_on: NaiveDate,
    /// The amount (positive).
    pub amount: Tiyn,
    /// For a reversal: the reference of the repayment it cancels. A reversal's own amount is
    /// the cancelled one's and is not spent.
    pub reverses: Option<String>,
}

/// An instalment and what has been paid on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// The instalment.
    pub instalment: Instalment,
    /// Interest paid on it.
    pub interest_paid: Tiyn,
    /// Principal paid on it.
    pub principal_paid: Tiyn,
    /// The day of the repayment that completed it.
    pub settled_on: Option<NaiveDate>,
}

impl Standing {
    /// What is still owed on it.
    pub fn unpaid(&self) -> Tiyn {
        Tiyn(self.instalment.amount().0 - self.interest_paid.0 - self.principal_paid.0)
    }

    /// Whether it was paid in full by its due date.
    pub fn on_time(&self) -> bool {
        self.settled_on.is_some_and(|d| d <= self.instalment.due_on)
    }
}

/// A loan's instalments with what was paid on each, as of a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Every instalment, in order.
    pub standings: Vec<Standing>,
    /// Paid beyond the whole loan.
    pub credit: Tiyn,
    /// Everything the repayments counted brought (allocated plus the credit).
    pub paid: Tiyn,
}

/// Spends the repayments recorded up to `as_of` (all of them when `None`) on `instalments`.
/// A repayment cancelled by a reversal recorded up to `as_of` counts for nothing. Repayments
/// are spent in the order of their days, and in the order given within a day.
pub fn allocate(
    instalments: &[Instalment],
    repayments: &[Repayment],
    as_of: Option<NaiveDate>,
) -> Ledger {
    let counted = |r: &Repayment| as_of.is_none_or(|d| r.paid_on <= d);
    let reversed: Vec<&str> = repayments
        .iter()
        .filter(|r| counted(r))
        .filter_map(|r| r.reverses.as_deref())
        .collect();
    let mut spent: Vec<&Repayment> = repayments
        .iter()
        .filter(|r| counted(r) && r.reverses.is_none() && r.amount.0 > 0)
        .filter(|r| !reversed.contains(&r.reference.as_str()))
        .collect();
    // Stable: the same day keeps the given order.
    spent.sort_by_key(|r| r.paid_on);

    let mut standings: Vec<Standing> = instalments
        .iter()
        .map(|&instalment| Standing {
            instalment,
            interest_paid: Tiyn(0),
            principal_paid: Tiyn(0),
            // An instalment that asks for nothing is settled on its day, whatever is paid.
            settled_on: (instalment.amount().0 == 0).then_some(instalment.due_on),
        })
        .collect();
    let mut credit = 0_i64;
    let mut paid = 0_i64;
    let mut next = 0;
    for r in spent {
        let mut left = r.amount.0;
        paid = paid.saturating_add(left);
        while left > 0 {
            while standings.get(next).is_some_and(|s| s.unpaid().0 == 0) {
                next += 1;
            }
            let Some(s) = standings.get_mut(next) else {
                credit = credit.saturating_add(left);
                break;
            };
            let interest = (s.instalment.interest.0 - s.interest_paid.0).min(left);
            s.interest_paid.0 += interest;
            left -= interest;
            let principal = (s.instalment.principal.0 - s.principal_paid.0).min(left);
            s.principal_paid.0 += principal;
            left -= principal;
            if s.unpaid().0 == 0 {
                s.settled_on = Some(r.paid_on);
                next += 1;
            }
        }
    }
    Ledger {
        standings,
        credit: Tiyn(credit),
        paid: Tiyn(paid),
    }
}

/// How late a loan is, in the buckets lenders report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Nothing overdue.
    Current,
    /// 1 to 30 days past due.
    Late1To30,
    /// 31 to 60.
    Late31To60,
    /// 61 to 90.
    Late61To90,
    /// More than 90.
    Late90Plus,
}

impl Bucket {
    /// The bucket of `days` past due.
    pub fn of(days: i64) -> Bucket {
        match days {
            i64::MIN..=0 => Bucket::Current,
            1..=30 => Bucket::Late1To30,
            31..=60 => Bucket::Late31To60,
            61..=90 => Bucket::Late61To90,
            _ => Bucket::Late90Plus,
        }
    }

    /// The code used in addresses and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Current => "current",
            Bucket::Late1To30 => "1-30",
            Bucket::Late31To60 => "31-60",
            Bucket::Late61To90 => "61-90",
            Bucket::Late90Plus => "90+",
        }
    }
}

/// A loan's arrears on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrears {
    /// Days since the due date of the oldest instalment not paid in full (0 when none is
    /// overdue). An instalment due on a day is late from the next.
    pub days_past_due: i64,
    /// Its bucket.
    pub bucket: Bucket,
    /// Unpaid on instalments already due.
    pub overdue: Tiyn,
    /// Principal not yet repaid, due or not.
    pub outstanding_principal: Tiyn,
    /// The next instalment not paid in full, due that day or later: its due date and what is
    /// left of it.
    pub next: Option<(NaiveDate, Tiyn)>,
}

impl Arrears {
    /// The arrears on `as_of` of a ledger allocated as of the same day (see [`allocate`]).
    pub fn of(ledger: &Ledger, as_of: NaiveDate) -> Arrears {
        let overdue = ledger
            .standings
            .iter()
            .filter(|s| s.instalment.due_on < as_of && s.unpaid().0 > 0);
        let days_past_due = overdue
            .clone()
            .map(|s| (as_of - s.instalment.due_on).num_days())
            .max()
            .unwrap_or(0);
        let outstanding_principal = ledger
            .standings
            .iter()
            .map(|s| s.instalment.principal.0 - s.principal_paid.0)
            .sum();
        Arrears {
            days_past_due,
            bucket: Bucket::of(days_past_due),
            overdue: Tiyn(overdue.map(|s| s.unpaid().0).sum()),
            outstanding_principal: Tiyn(outstanding_principal),
            next: ledger
                .standings
                .iter()
                .find(|s| s.instalment.due_on >= as_of && s.unpaid().0 > 0)
                .map(|s| (s.instalment.due_on, s.unpaid())),
        }
    }
}

/// The portfolio at risk: the outstanding principal of the loans more than `days` late, over
/// all the outstanding principal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AtRisk {
    /// Outstanding principal of the loans more than `days` past due.
    pub at_risk: Tiyn,
    /// Outstanding principal of every loan.
    pub outstanding: Tiyn,
}

impl AtRisk {
    /// PAR`days` over `loans`.
    pub fn of<'a>(days: i64, loans: impl IntoIterator<Item = &'a Arrears>) -> AtRisk {
        let mut par = AtRisk::default();
        for a in loans {
            par.outstanding.0 += a.outstanding_principal.0;
            if a.days_past_due > days {
                par.at_risk.0 += a.outstanding_principal.0;
            }
        }
        par
    }

    /// The share in basis points (rounded half up); `None` when nothing is outstanding.
    pub fn bps(&self) -> Option<i64> {
        (self.outstanding.0 > 0).then(|| {
            let num = i128::from(self.at_risk.0) * 10_000;
            let den = i128::from(self.outstanding.0);
            i64::try_from((num + den / 2) / den).unwrap_or(i64::MAX)
        })
    }
}

/// Whether every instalment due before `as_of` was paid in full by its due date, in a ledger
/// allocated as of `as_of`.
pub fn repaid_on_time(ledger: &Ledger, as_of: NaiveDate) -> bool {
    ledger
        .standings
        .iter()
        .filter(|s| s.instalment.due_on < as_of)
        .all(Standing::on_time)
}

pub mod import;

#[cfg(test)]
mod tests;
