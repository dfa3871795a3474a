//! After the payment, what the programme asks of those it paid: a report on the use of the
//! funds (what was bought, for how much, with receipts and photos) within some days, and a
//! report on the results (jobs created, of them for young people and for women, revenue)
//! some months later. The lender accepts a report or returns it with a reason (a returned
//! report is filed again, as a new version); the akimat may record that it saw the result on
//! site. Reports are read here from the page's form, typed and checked.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::params::{FieldError, Problem};

/// Rows of purchases a use-of-funds report may list.
pub const MAX_ITEMS: usize = 10;

/// The longest free text (a purchase, a note, a reason, a confirmation).
pub const MAX_TEXT: usize = 1_000;

/// The most jobs one report may claim (more is a typo).
pub const MAX_JOBS: u32 = 1_000;

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// What the money bought.
    UseOfFunds,
    /// Jobs and revenue.
    Results,
}

impl ReportKind {
    /// Both, in the order they fall due.
    pub const ALL: [ReportKind; 2] = [ReportKind::UseOfFunds, ReportKind::Results];

    /// The code in forms and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::UseOfFunds => "use_of_funds",
            ReportKind::Results => "results",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The number reminders of this report are kept under.
    pub fn number(self) -> i32 {
        match self {
            ReportKind::UseOfFunds => 1,
            ReportKind::Results => 2,
        }
    }
}

/// Where a filing stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Filed, waiting for the lender.
    Submitted,
    /// Accepted by the lender.
    Accepted,
    /// Returned by the lender, with a reason: to be filed again.
    Returned,
}

impl ReportState {
    /// The code in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Submitted => "submitted",
            ReportState::Accepted => "accepted",
            ReportState::Returned => "returned",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<ReportState> {
        [
            ReportState::Submitted,
            ReportState::Accepted,
            ReportState::Returned,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What a programme asks after the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Requirements {
    /// Days after the payment by which the use of funds is reported; `None`: not asked.
    pub use_of_funds_days: Option<i32>,
    /// Months after the payment by which the results are reported; `None`: not asked.
    pub results_months: Option<i32>,
}

impl Default for Requirements {
    /// What state programmes usually ask: the use of funds within 90 days, the results after
    /// a year.
    fn default() -> Requirements {
        Requirements {
            use_of_funds_days: Some(90),
            results_months: Some(12),
        }
    }
}

impl Requirements {
    /// The reports asked of a payment made on `paid_on`, with their due dates.
    pub fn due(&self, paid_on: NaiveDate) -> Vec<(ReportKind, NaiveDate)> {
        let mut out = Vec::new();
        if let Some(days) = self.use_of_funds_days {
            out.push((
                ReportKind::UseOfFunds,
                paid_on + chrono::Duration::days(i64::from(days)),
            ));
        }
        if let Some(months) = self.results_months.and_then(|m| u32::try_from(m).ok())
            && let Some(d) = paid_on.checked_add_months(Months::new(months))
        {
            out.push((ReportKind::Results, d));
        }
        out
    }
}

/// One thing the money bought.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Purchase {
    /// What.
    pub what: String,
    /// For how much, whole tenge.
    pub amount_kzt: i64,
}

/// A report's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportData {
    /// Use of funds: what was bought.
    #[serde(default)]
    pub items: Vec<Purchase>,
    /// Receipts and photos: the application's documents filed with it.
    #[serde(default)]
    pub documents: Vec<i32>,
    /// Results: jobs created.
    #[serde(default)]
    pub jobs_created: Option<u32>,
    /// Of them, for people under 35.
    #[serde(default)]
    pub jobs_young: Option<u32>,
    /// Of them, for women.
    #[serde(default)]
    pub jobs_women: Option<u32>,
    /// Results: revenue over the last twelve months, whole tenge.
    #[serde(default)]
    pub revenue_kzt: Option<i64>,
    /// Anything the entrepreneur adds.
    #[serde(default)]
    pub note: Option<String>,
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn text(name: &str, v: Option<&str>) -> Result<Option<String>, FieldError> {
    match v {
        Some(v) if v.chars().count() > MAX_TEXT => {
            Err(FieldError::new(name, Problem::TooLong { max: MAX_TEXT }))
        }
        v => Ok(v.map(str::to_owned)),
    }
}

fn whole(name: &str, v: &str) -> Result<i64, FieldError> {
    let digits: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    digits
        .parse::<i64>()
        .map_err(|_| FieldError::new(name, Problem::NotANumber))
}

fn jobs(pairs: &[(String, String)], name: &str, max: u32) -> Result<Option<u32>, FieldError> {
    let Some(v) = get(pairs, name) else {
        return Ok(None);
    };
    let n = whole(name, v)?;
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= max)
        .map(Some)
        .ok_or_else(|| {
            FieldError::new(
                name,
                Problem::OutOfRange {
                    min: 0,
                    max: i64::from(max),
                },
            )
        })
}

/// Reads a report of `kind` from the page's form: for the use of funds, the rows
/// `item_what_N` / `item_amount_N` (N from 1 to [`MAX_ITEMS`], at least one filled; a row half
/// filled is refused by its empty field); for the results, `jobs_created`, `jobs_young`,
/// `jobs_women` (neither more than the jobs created) and `revenue`; and an optional `note`.
pub fn parse(kind: ReportKind, pairs: &[(String, String)]) -> Result<ReportData, FieldError> {
    let mut data = ReportData {
        note: text("report_note", get(pairs, "report_note"))?,
        ..ReportData::default()
    };
    match kind {
        ReportKind::UseOfFunds => {
            for n in 1..=MAX_ITEMS {
                let (what_name, amount_name) =
                    (format!("item_what_{n}"), format!("item_amount_{n}"));
                match (get(pairs, &what_name), get(pairs, &amount_name)) {
                    (None, None) => continue,
                    (None, Some(_)) => return Err(FieldError::new(what_name, Problem::Required)),
                    (Some(_), None) => {
                        return Err(FieldError::new(amount_name, Problem::Required));
                    }
                    (Some(what), Some(amount)) => {
                        let amount_kzt = whole(&amount_name, amount)?;
                        if amount_kzt <= 0 {
                            return Err(FieldError::new(amount_name, Problem::MustBePositive));
                        }
                        data.items.push(Purchase {
                            what: text(&what_name, Some(what))?.unwrap_or_default(),
                            amount_kzt,
                        });
                    }
                }
            }
            if data.items.is_empty() {
                return Err(FieldError::new("item_what_1", Problem::Required));
            }
        }
        ReportKind::Results => {
            let created = jobs(pairs, "jobs_created", MAX_JOBS)?
                .ok_or_else(|| FieldError::new("jobs_created", Problem::Required))?;
            data.jobs_created = Some(created);
            data.jobs_young = jobs(pairs, "jobs_young", created)?;
            data.jobs_women = jobs(pairs, "jobs_women", created)?;
            let revenue = get(pairs, "revenue")
                .ok_or_else(|| FieldError::new("revenue", Problem::Required))?;
            let revenue = whole("revenue", revenue)?;
            if revenue < 0 {
                return Err(FieldError::new("revenue", Problem::MustBePositive));
            }
            data.revenue_kzt = Some(revenue);
        }
    }
    Ok(data)
}

/// One filing of a report, as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Filing {
    /// Its row.
    pub id: i32,
    /// 1 for the first filing.
    pub version: i32,
    /// Where it stands.
    pub state: ReportState,
    /// What it says.
    pub data: ReportData,
    /// When it was filed.
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    /// The lender's reason for returning it.
    pub reason: Option<String>,
}

/// A report the programme asks for, and its filings (oldest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportView {
    /// Which.
    pub kind: ReportKind,
    /// By when.
    pub due_on: NaiveDate,
    /// Every filing.
    pub filings: Vec<Filing>,
}

impl ReportView {
    /// The latest filing.
    pub fn latest(&self) -> Option<&Filing> {
        self.filings.last()
    }

    /// Whether the entrepreneur may file it now (never filed, or returned).
    pub fn open(&self) -> bool {
        self.latest()
            .is_none_or(|f| f.state == ReportState::Returned)
    }

    /// Whether it is late on `today` (due and not accepted or waiting).
    pub fn late(&self, today: NaiveDate) -> bool {
        self.open() && self.due_on < today
    }
}

/// An on-site confirmation by the akimat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Confirmation {
    /// Who: the akim by name; akimat staff by role only.
    pub author: String,
    /// Whether the author is the akim.
    pub akim: bool,
    /// What they saw.
    pub text: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// An application's reports after the payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowupView {
    /// The reports asked for.
    pub reports: Vec<ReportView>,
    /// The akimat's confirmations, oldest first.
    pub confirmations: Vec<Confirmation>,
    /// The viewer may file (the applicant).
    pub can_file: bool,
    /// The viewer may accept or return (the lender).
    pub can_decide: bool,
    /// The viewer may confirm on site (the okrug's akimat).
    pub can_confirm: bool,
    /// Today, for what is late.
    pub as_of: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
    }

    #[test]
    fn a_use_of_funds_report_lists_purchases_and_names_a_half_filled_row() {
        let d = parse(
            ReportKind::UseOfFunds,
            &pairs(&[
                ("item_what_1", "Пять нетелей"),
                ("item_amount_1", "2 250 000"),
                ("item_what_3", "Корма"),
                ("item_amount_3", "150000"),
            ]),
        )
        .expect("read");
        assert_eq!(d.items.len(), 2);
        assert_eq!(d.items[0].amount_kzt, 2_250_000);
        let e =
            parse(ReportKind::UseOfFunds, &pairs(&[("item_amount_2", "5")])).expect_err("refused");
        assert_eq!(e.field, "item_what_2");
        let e = parse(ReportKind::UseOfFunds, &pairs(&[])).expect_err("refused");
        assert_eq!(
            (e.field.as_str(), e.problem),
            ("item_what_1", Problem::Required)
        );
        let e = parse(
            ReportKind::UseOfFunds,
            &pairs(&[("item_what_1", "x"), ("item_amount_1", "-4")]),
        )
        .expect_err("refused");
        assert_eq!(e.field, "item_amount_1");
    }

    #[test]
    fn results_need_jobs_and_revenue_and_their_parts_fit_in_the_jobs() {
        let d = parse(
            ReportKind::Results,
            &pairs(&[
                ("jobs_created", "3"),
                ("jobs_young", "2"),
                ("jobs_women", "1"),
                ("revenue", "4 800 000"),
            ]),
        )
        .expect("read");
        assert_eq!((d.jobs_created, d.revenue_kzt), (Some(3), Some(4_800_000)));
        let e = parse(
            ReportKind::Results,
            &pairs(&[("jobs_created", "2"), ("jobs_women", "3"), ("revenue", "0")]),
        )
        .expect_err("refused");
        assert_eq!(
            (e.field.as_str(), e.problem),
            ("jobs_women", Problem::OutOfRange { min: 0, max: 2 })
        );
        let e = parse(ReportKind::Results, &pairs(&[("revenue", "0")])).expect_err("refused");
        assert_eq!(e.field, "jobs_created");
    }

    #[test]
    fn due_dates_follow_the_payment() {
        let paid = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let due = Requirements::default().due(paid);
        assert_eq!(
            due,
            [
                (
                    ReportKind::UseOfFunds,
                    NaiveDate::from_ymd_opt(2027, 2, 28).expect("date")
                ),
                (
                    ReportKind::Results,
                    NaiveDate::from_ymd_opt(2027, 11, 30).expect("date")
                ),
            ]
        );
        let none = Requirements {
            use_of_funds_days: None,
            results_months: None,
        };
        assert!(none.due(paid).is_empty());
    }
}
