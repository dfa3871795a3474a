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

use super::shown::{MIN_SHOWN, Said, Shown, rate};

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

/// Use-of-funds reports falling due on one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportsDue {
    /// Reports asked for by that day.
    pub due: u64,
    /// Of them, filed by that day.
    pub on_time: u64,
}

/// An area's payments after the money: its loans by where they stand, the jobs its accepted
/// results reports say were created, and its use-of-funds reports by due date. (Grants have
/// reports but no loan.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoanBook {
    /// Loans with nothing left unpaid.
    pub repaid: LoanGroup,
    /// The others, by the due date of their oldest unpaid instalment.
    pub by_due: BTreeMap<NaiveDate, LoanGroup>,
    /// Accepted results reports.
    #[serde(default)]
    pub results_accepted: u64,
    /// The jobs they say were created.
    #[serde(default)]
    pub jobs_created: u64,
    /// Of them, for young people.
    #[serde(default)]
    pub jobs_young: u64,
    /// Of them, for women.
    #[serde(default)]
    pub jobs_women: u64,
    /// Use-of-funds reports by their due date.
    #[serde(default)]
    pub funds_due: BTreeMap<NaiveDate, ReportsDue>,
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
        self.results_accepted += o.results_accepted;
        self.jobs_created += o.jobs_created;
        self.jobs_young += o.jobs_young;
        self.jobs_women += o.jobs_women;
        for (d, r) in &o.funds_due {
            let mine = self.funds_due.entry(*d).or_default();
            mine.due += r.due;
            mine.on_time += r.on_time;
        }
    }

    /// Adds a use-of-funds report due on `due`, filed by then or not.
    pub fn add_funds_report(&mut self, due: NaiveDate, on_time: bool) {
        let r = self.funds_due.entry(due).or_default();
        r.due += 1;
        r.on_time += u64::from(on_time);
    }

    /// Adds an accepted results report.
    pub fn add_results(&mut self, jobs: u32, young: u32, women: u32) {
        self.results_accepted += 1;
        self.jobs_created += u64::from(jobs);
        self.jobs_young += u64::from(young);
        self.jobs_women += u64::from(women);
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
        let (due, filed) = self
            .funds_due
            .range(..as_of)
            .fold((0, 0), |(d, f), (_, r)| (d + r.due, f + r.on_time));
        LoanFigures {
            loans: Shown::count(loans),
            repaid_on_time_pct: rate(self.on_time(as_of), loans),
            par30_bps,
            jobs_created: Shown::sum(
                i64::try_from(self.jobs_created).unwrap_or(i64::MAX),
                self.results_accepted,
            ),
            use_of_funds_on_time_pct: rate(filed, due),
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
    /// Jobs created, by the accepted results reports (loans and grants).
    pub jobs_created: Shown,
    /// Of the use-of-funds reports already due, the share filed by their due date, per cent.
    pub use_of_funds_on_time_pct: Option<u32>,
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
    fn jobs_and_use_of_funds_on_time_are_read_off_the_book() {
        let mut b = LoanBook::default();
        b.add_results(2, 1, 1);
        b.add_results(1, 0, 1);
        assert_eq!(
            b.public(d("2027-01-01")).jobs_created,
            Shown::FewerThan3,
            "two reports"
        );
        b.add_results(4, 2, 0);
        for (due, on_time) in [
            ("2026-12-01", true),
            ("2026-12-02", true),
            ("2026-12-03", false),
            ("2026-12-04", true),
            ("2027-06-01", false),
        ] {
            b.add_funds_report(d(due), on_time);
        }
        let p = b.public(d("2027-01-01"));
        assert_eq!(p.jobs_created, Shown::Value(7));
        // Three of the four already due were filed by their day; the June one is not due yet.
        assert_eq!(p.use_of_funds_on_time_pct, Some(75));
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
