//! What the pages after the money show: a loan's schedule with what is paid, due and overdue
//! (the applicant's page and the operator's), the operator's portfolio with its arrears, a
//! file of repayments checked before it is imported, and the organisation's API keys.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::loan::Method;
use super::money::Tiyn;
use super::params::{FieldError, Problem};
use super::repayment::{Arrears, Bucket, Ledger, Repayment};

/// Where an instalment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstalmentStatus {
    /// Paid in full by its due date.
    Paid,
    /// Paid in full, after its due date.
    PaidLate,
    /// Not yet due (partly paid ahead, or not at all).
    Upcoming,
    /// Due today or the next one to pay.
    Due,
    /// Its due date has passed and something is unpaid.
    Overdue,
}

/// One line of a loan's schedule as its reader sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InstalmentLine {
    /// 1-based.
    pub number: i32,
    /// Its due date.
    pub due_on: NaiveDate,
    /// Principal.
    pub principal: Tiyn,
    /// Interest.
    pub interest: Tiyn,
    /// Paid on it so far.
    pub paid: Tiyn,
    /// Where it stands.
    pub status: InstalmentStatus,
}

/// A repayment as the loan's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RepaymentLine {
    /// The lender's reference.
    pub reference: String,
    /// The day the money arrived.
    pub paid_on: NaiveDate,
    /// The amount.
    pub amount: Tiyn,
    /// For a reversal: the reference it cancels.
    pub reverses: Option<String>,
    /// Whether a later reversal cancelled it.
    pub reversed: bool,
    /// `csv`, `form` or `api`.
    pub source: String,
}

/// A disbursed loan's schedule and standing on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoanView {
    /// The day it was paid out.
    pub disbursed_on: NaiveDate,
    /// The principal.
    pub principal: Tiyn,
    /// The annual rate.
    pub rate_bps: i32,
    /// The term.
    pub term_months: i32,
    /// Months of grace.
    pub grace_months: i32,
    /// How it is repaid.
    pub method: Method,
    /// Every instalment.
    pub instalments: Vec<InstalmentLine>,
    /// Every repayment, oldest record first.
    pub repayments: Vec<RepaymentLine>,
    /// What is owed today: the unpaid part of the instalments already due.
    pub overdue: Tiyn,
    /// Days past due (0 when none).
    pub days_past_due: i64,
    /// Its bucket.
    pub bucket: Bucket,
    /// The next instalment not paid in full and not yet late: its date and what is left.
    pub next: Option<(NaiveDate, Tiyn)>,
    /// Principal still out.
    pub outstanding_principal: Tiyn,
    /// Everything paid, net of reversals.
    pub paid: Tiyn,
    /// Paid beyond the loan (the lender returns it).
    pub credit: Tiyn,
    /// The day the figures are for.
    pub as_of: NaiveDate,
}

impl LoanView {
    /// The view of a loan's ledger (allocated as of `as_of`) on `as_of`.
    #[expect(clippy::too_many_arguments, reason = "the loan's terms, one by one")]
    pub fn of(
        disbursed_on: NaiveDate,
        principal: Tiyn,
        rate_bps: i32,
        term_months: i32,
        grace_months: i32,
        method: Method,
        ledger: &Ledger,
        repayments: Vec<RepaymentLine>,
        as_of: NaiveDate,
    ) -> LoanView {
        let arrears = Arrears::of(ledger, as_of);
        let next_number = ledger
            .standings
            .iter()
            .find(|s| s.unpaid().0 > 0 && s.instalment.due_on >= as_of)
            .map(|s| s.instalment.number);
        let instalments = ledger
            .standings
            .iter()
            .map(|s| {
                let i = s.instalment;
                let status = match s.settled_on {
                    Some(d) if d > i.due_on => InstalmentStatus::PaidLate,
                    Some(_) => InstalmentStatus::Paid,
                    None if i.due_on < as_of => InstalmentStatus::Overdue,
                    None if Some(i.number) == next_number => InstalmentStatus::Due,
                    None => InstalmentStatus::Upcoming,
                };
                InstalmentLine {
                    number: i.number,
                    due_on: i.due_on,
                    principal: i.principal,
                    interest: i.interest,
                    paid: Tiyn(s.interest_paid.0 + s.principal_paid.0),
                    status,
                }
            })
            .collect();
        LoanView {
            disbursed_on,
            principal,
            rate_bps,
            term_months,
            grace_months,
            method,
            instalments,
            repayments,
            overdue: arrears.overdue,
            days_past_due: arrears.days_past_due,
            bucket: arrears.bucket,
            next: arrears.next,
            outstanding_principal: arrears.outstanding_principal,
            paid: ledger.paid,
            credit: ledger.credit,
            as_of,
        }
    }
}

/// The lines of recorded repayments, each marked when a reversal cancelled it.
pub fn repayment_lines(rows: &[(Repayment, String)]) -> Vec<RepaymentLine> {
    rows.iter()
        .map(|(r, source)| RepaymentLine {
            reference: r.reference.clone(),
            paid_on: r.paid_on,
            amount: r.amount,
            reverses: r.reverses.clone(),
            reversed: rows
                .iter()
                .any(|(x, _)| x.reverses.as_deref() == Some(r.reference.as_str())),
            source: source.clone(),
        })
        .collect()
}

/// A lateness filter of the portfolio.
pub const BUCKETS: [Bucket; 5] = [
    Bucket::Current,
    Bucket::Late1To30,
    Bucket::Late31To60,
    Bucket::Late61To90,
    Bucket::Late90Plus,
];

/// Parses a bucket's code.
pub fn parse_bucket(code: &str) -> Option<Bucket> {
    BUCKETS.into_iter().find(|b| b.as_str() == code)
}

/// The days-past-due range of a bucket.
pub fn bucket_days(b: Bucket) -> (i64, i64) {
    match b {
        Bucket::Current => (0, 0),
        Bucket::Late1To30 => (1, 30),
        Bucket::Late31To60 => (31, 60),
        Bucket::Late61To90 => (61, 90),
        Bucket::Late90Plus => (91, i64::MAX),
    }
}

/// The portfolio's view: its address's parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioQuery {
    /// One programme (its slug).
    pub program: Option<String>,
    /// One lateness bucket.
    pub bucket: Option<Bucket>,
    /// Borrowers of one area: a KATO code of a region, district or okrug.
    pub area: Option<String>,
    /// 1-based page.
    pub page: u32,
}

/// Lines per page of the portfolio.
pub const PORTFOLIO_PAGE: u32 = 50;

impl PortfolioQuery {
    /// Reads the address's parameters (blank is absent; unknown ones are ignored).
    pub fn parse(pairs: &[(String, String)]) -> Result<PortfolioQuery, FieldError> {
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let bucket = get("bucket")
            .map(|b| {
                parse_bucket(b)
                    .ok_or_else(|| FieldError::new("bucket", Problem::UnknownChoice(b.to_owned())))
            })
            .transpose()?;
        let area = get("area")
            .map(|a| {
                super::location::KatoCode::parse(a)
                    .map(|k| k.as_str().to_owned())
                    .map_err(|_| FieldError::new("area", Problem::RegionFormat))
            })
            .transpose()?;
        let page = get("page")
            .map(|p| {
                p.parse::<u32>()
                    .ok()
                    .filter(|p| (1..=100_000).contains(p))
                    .ok_or_else(|| FieldError::new("page", Problem::PageRange { max: 100_000 }))
            })
            .transpose()?
            .unwrap_or(1);
        let program = get("program")
            .map(|s| {
                if s.len() <= 100 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    Ok(s.to_owned())
                } else {
                    Err(FieldError::new("program", Problem::InvalidSlug))
                }
            })
            .transpose()?;
        Ok(PortfolioQuery {
            program,
            bucket,
            area,
            page,
        })
    }

    /// The address's query string of this view (without the page when `page` is `None`).
    pub fn to_query(&self, page: Option<u32>) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.program {
            parts.push(format!("program={p}"));
        }
        if let Some(b) = self.bucket {
            parts.push(format!("bucket={}", b.as_str()));
        }
        if let Some(a) = &self.area {
            parts.push(format!("area={a}"));
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            parts.push(format!("page={p}"));
        }
        parts.join("&")
    }
}

/// One loan in the portfolio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioLine {
    /// The application.
    pub application_id: i32,
    /// The borrower's name.
    pub borrower: String,
    /// The programme's titles.
    pub program_ru: String,
    /// In Kazakh.
    pub program_kk: String,
    /// The okrug's names.
    pub okrug_ru: Option<String>,
    /// In Kazakh.
    pub okrug_kk: Option<String>,
    /// Paid out on.
    pub disbursed_on: NaiveDate,
    /// Principal paid out.
    pub principal: Tiyn,
    /// Principal still out.
    pub outstanding: Tiyn,
    /// Days past due today.
    pub days_past_due: i64,
    /// Its bucket.
    pub bucket: Bucket,
    /// The oldest instalment not paid in full.
    pub first_unpaid_due_on: Option<NaiveDate>,
}

/// The portfolio's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioTotals {
    /// Loans.
    pub loans: i64,
    /// Principal paid out.
    pub principal: Tiyn,
    /// Principal still out.
    pub outstanding: Tiyn,
    /// Of it, in loans more than 30 days late.
    pub at_risk_30: Tiyn,
    /// PAR30 in basis points (`None` with nothing outstanding).
    pub par30_bps: Option<i64>,
    /// Loans repaid on time so far.
    pub on_time: i64,
    /// Loans per bucket, in [`BUCKETS`] order.
    pub buckets: [i64; 5],
}

/// A page of the portfolio.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioPage {
    /// Its loans, worst first.
    pub lines: Vec<PortfolioLine>,
    /// How many loans the view has.
    pub total: u64,
    /// Its totals (the whole view, not the page).
    pub totals: PortfolioTotals,
    /// The operator's programmes that lend: slug, titles.
    pub programs: Vec<(String, String, String)>,
    /// The day.
    pub as_of: NaiveDate,
}

/// A file of repayments checked before import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The file's name as uploaded.
    pub file_name: String,
    /// SHA-256 of its bytes: what the confirmation posts back.
    pub digest: String,
    /// Good lines.
    pub lines: usize,
    /// Of them, already recorded (the same reference with the same content): they add nothing.
    pub already: usize,
    /// What the new lines bring.
    pub amount: Tiyn,
    /// Reversals among the new lines.
    pub reversals: usize,
    /// Loans concerned.
    pub loans: usize,
    /// Every refused line: its number, the field (column) and what is wrong, in the reader's
    /// language.
    pub errors: Vec<(usize, String, String)>,
    /// Whether it was imported (the confirmation's result).
    pub imported: bool,
}

/// An organisation's API key as its list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyLine {
    /// Its id.
    pub id: i32,
    /// Its name.
    pub name: String,
    /// Its first characters.
    pub prefix: String,
    /// Created at (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last used.
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::repayment::{Instalment, allocate};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_schedule_marks_paid_late_overdue_due_and_upcoming() {
        let inst = |n: i32, due: &str| Instalment {
            number: n,
            due_on: d(due),
            principal: Tiyn(10_000),
            interest: Tiyn(500),
        };
        let schedule = [
            inst(1, "2026-01-10"),
            inst(2, "2026-02-10"),
            inst(3, "2026-03-10"),
            inst(4, "2026-04-10"),
            inst(5, "2026-05-10"),
        ];
        let paid = |r: &str, on: &str, amount: i64| Repayment {
            reference: r.into(),
            paid_on: d(on),
            amount: Tiyn(amount),
            reverses: None,
        };
        let repayments = [
            paid("a", "2026-01-09", 10_500),
            paid("b", "2026-02-20", 10_500),
            paid("c", "2026-03-01", 2_000),
        ];
        let as_of = d("2026-03-20");
        let ledger = allocate(&schedule, &repayments, Some(as_of));
        let v = LoanView::of(
            d("2025-12-10"),
            Tiyn(50_000),
            250,
            5,
            0,
            Method::Annuity,
            &ledger,
            Vec::new(),
            as_of,
        );
        let statuses: Vec<InstalmentStatus> = v.instalments.iter().map(|i| i.status).collect();
        assert_eq!(
            statuses,
            [
                InstalmentStatus::Paid,
                InstalmentStatus::PaidLate,
                InstalmentStatus::Overdue,
                InstalmentStatus::Due,
                InstalmentStatus::Upcoming,
            ]
        );
        assert_eq!(v.overdue, Tiyn(8_500));
        assert_eq!(v.days_past_due, 10);
        assert_eq!(v.next, Some((d("2026-04-10"), Tiyn(10_500))));
        assert_eq!(v.instalments[2].paid, Tiyn(2_000));
    }

    #[test]
    fn the_portfolio_query_reads_its_filters_and_refuses_bad_ones_by_name() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
        };
        let q =
            PortfolioQuery::parse(&pairs(&[("bucket", "31-60"), ("page", "2")])).expect("parsed");
        assert_eq!(q.bucket, Some(Bucket::Late31To60));
        assert_eq!(q.to_query(Some(2)), "bucket=31-60&page=2");
        let e = PortfolioQuery::parse(&pairs(&[("bucket", "late")])).expect_err("refused");
        assert_eq!(e.field, "bucket");
        let e = PortfolioQuery::parse(&pairs(&[("area", "12")])).expect_err("refused");
        assert_eq!(e.field, "area");
        let e = PortfolioQuery::parse(&pairs(&[("page", "0")])).expect_err("refused");
        assert_eq!(e.field, "page");
    }
}
