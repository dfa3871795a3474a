//! The public figures after the money: how the loans paid out in an area are being repaid.
//!
//! An okrug keeps its loans as a [`LoanBook`]: counts and outstanding principal grouped by the
//! due date of each loan's oldest unpaid instalment. A loan's entry changes only when a
//! repayment is recorded (which marks the okrug's report for recomputing), so the book is the
//! same whatever the day, and the figures of any day are read off it: a loan is more than 30
//! days late on a day when its oldest unpaid instalment fell due more than 30 days before.
//! Books add up over districts, regions and the country, as the other figures do.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::figures::{MIN_SHOWN, Said, Shown, rate};

/// Loans that stand alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoanGroup {
    /// Loans.
    pub loans: u64,
    /// Of them, loans that paid some instalment after its due date.
    pub paid_late: u64,
    /// Their outstanding principal, tiyn.
    pub outstanding_tiyn: i64,
}

impl LoanGroup {
    fn add(&mut self, o: &LoanGroup) {
        self.loans += o.loans;
        self.paid_late += o.paid_late;
        self.outstanding_tiyn += o.outstanding_tiyn;
    }
}

/// An area's loans by where they stand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoanBook {
    /// Loans with nothing left unpaid.
    pub repaid: LoanGroup,
    /// The others, by the due date of their oldest unpaid instalment.
    pub by_due: BTreeMap<NaiveDate, LoanGroup>,
}

impl LoanBook {
    /// Adds one loan.
    pub fn add_loan(&mut self, first_unpaid: Option<NaiveDate>, paid_late: bool, outstanding: i64) {
        let group = match first_unpaid {
            None => &mut self.repaid,
            Some(d) => self.by_due.entry(d).or_default(),
        };
        group.add(&LoanGroup {
            loans: 1,
            paid_late: u64::from(paid_late),
            outstanding_tiyn: outstanding,
        });
    }

    /// Adds another area's book.
    pub fn add(&mut self, o: &LoanBook) {
        self.repaid.add(&o.repaid);
        for (d, g) in &o.by_due {
            self.by_due.entry(*d).or_default().add(g);
        }
    }

    /// Every loan.
    pub fn loans(&self) -> u64 {
        self.repaid.loans + self.by_due.values().map(|g| g.loans).sum::<u64>()
    }

    /// The loans repaid on time so far on `as_of`: none of their instalments paid late, none
    /// overdue.
    pub fn on_time(&self, as_of: NaiveDate) -> u64 {
        let current = self
            .by_due
            .range(as_of..)
            .map(|(_, g)| g.loans - g.paid_late);
        self.repaid.loans - self.repaid.paid_late + current.sum::<u64>()
    }

    /// The loans more than `days` late on `as_of`, and their outstanding principal.
    pub fn late(&self, days: i64, as_of: NaiveDate) -> LoanGroup {
        let mut out = LoanGroup::default();
        let before = as_of - chrono::Duration::days(days);
        for (_, g) in self.by_due.range(..before) {
            out.add(g);
        }
        out
    }

    /// Outstanding principal, tiyn.
    pub fn outstanding(&self) -> i64 {
        self.by_due.values().map(|g| g.outstanding_tiyn).sum()
    }

    /// How these loans fare on `as_of`, as published.
    pub fn public(&self, as_of: NaiveDate) -> LoanFigures {
        let loans = self.loans();
        let late = self.late(30, as_of);
        let outstanding = self.outstanding();
        // A share of the principal says as much of a person as a share of loans: both sides
        // must be 0 or at least three loans.
        let par30_bps =
            (loans >= MIN_SHOWN && (late.loans == 0 || late.loans >= MIN_SHOWN) && outstanding > 0)
                .then(|| {
                    let num = i128::from(late.outstanding_tiyn) * 10_000;
                    let den = i128::from(outstanding);
                    i64::try_from((num + den / 2) / den).unwrap_or(i64::MAX)
                });
        LoanFigures {
            loans: Shown::count(loans),
            repaid_on_time_pct: rate(self.on_time(as_of), loans),
            par30_bps,
        }
    }
}

/// How an area's loans fare, as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoanFigures {
    /// Loans paid out.
    pub loans: Shown,
    /// Of them, repaid on time so far (no instalment late, none overdue), per cent.
    pub repaid_on_time_pct: Option<u32>,
    /// PAR30: the outstanding principal of the loans more than 30 days late over all the
    /// outstanding principal, in hundredths of a per cent.
    pub par30_bps: Option<i64>,
}

/// After the money: an area's loans, and by what the akimat said of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AfterMoney {
    /// The day the figures are for.
    pub as_of: NaiveDate,
    /// Every loan.
    pub all: LoanFigures,
    /// The loans by what the akimat said of their application: whether a recommendation
    /// means something.
    pub by_said: Vec<(Said, LoanFigures)>,
}

impl AfterMoney {
    /// The figures of `books` (by what the akimat said) on `as_of`.
    pub fn of(books: &BTreeMap<Said, LoanBook>, as_of: NaiveDate) -> AfterMoney {
        let mut all = LoanBook::default();
        for b in books.values() {
            all.add(b);
        }
        AfterMoney {
            as_of,
            all: all.public(as_of),
            by_said: Said::ALL
                .into_iter()
                .map(|s| (s, books.get(&s).cloned().unwrap_or_default().public(as_of)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// A hand-worked book: as of 2027-03-15, loans whose oldest unpaid instalment fell due
    /// before 2027-02-13 are more than 30 days late.
    #[test]
    fn par30_and_the_on_time_share_are_read_off_the_book_for_any_day() {
        let mut recommended = LoanBook::default();
        // Repaid in full, on time; repaid in full, late once.
        recommended.add_loan(None, false, 0);
        recommended.add_loan(None, true, 0);
        // Current: next due in the future.
        recommended.add_loan(Some(d("2027-03-27")), false, 800_000);
        recommended.add_loan(Some(d("2027-03-20")), false, 900_000);
        // 1–30 days late (due 2027-02-27): not PAR30.
        recommended.add_loan(Some(d("2027-02-27")), false, 1_000_000);
        let mut nothing = LoanBook::default();
        // 61–90 and 90+ days late.
        for due in ["2026-12-27", "2027-01-10", "2026-11-01"] {
            nothing.add_loan(Some(d(due)), true, 1_200_000);
        }
        nothing.add_loan(Some(d("2027-04-01")), false, 400_000);
        let books = BTreeMap::from([(Said::Recommended, recommended), (Said::Nothing, nothing)]);
        let m = AfterMoney::of(&books, d("2027-03-15"));
        assert_eq!(m.all.loans, Shown::Value(9));
        // On time: the repaid one, the two current recommended ones, and the current one.
        assert_eq!(m.all.repaid_on_time_pct, Some(44));
        // 3,600,000 late of 2,700,000 + 3,600,000 + 400,000 = 6,700,000 → 53.73 %.
        assert_eq!(m.all.par30_bps, Some(5373));
        let (_, rec) = m.by_said[0];
        assert_eq!(rec.par30_bps, Some(0));
        assert_eq!(rec.repaid_on_time_pct, Some(60));
        let (_, none) = m.by_said[2];
        assert_eq!(none.par30_bps, Some(9000));
        // A month earlier the 1–30 loan was not late at all, and the January one not yet 30.
        let earlier = AfterMoney::of(&books, d("2027-02-05"));
        assert_eq!(
            earlier.all.par30_bps, None,
            "two loans late: too few to publish"
        );
        // The books add up.
        let mut sum = LoanBook::default();
        for b in books.values() {
            sum.add(b);
        }
        assert_eq!(sum.loans(), 9);
    }

    #[test]
    fn fewer_than_three_loans_publish_no_share() {
        let mut b = LoanBook::default();
        b.add_loan(Some(d("2026-01-01")), true, 100);
        b.add_loan(None, false, 0);
        let p = b.public(d("2027-01-01"));
        assert_eq!(p.loans, Shown::FewerThan3);
        assert_eq!(p.repaid_on_time_pct, None);
        assert_eq!(p.par30_bps, None);
    }
}
