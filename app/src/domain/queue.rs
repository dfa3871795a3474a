//! The operator's review queue: what a view of it asks for (filters, sort, page), read from the
//! query string with a field-named error for anything wrong, what each line shows, and the
//! assignment of ticked lines to a colleague.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::application::State;
use super::location::KatoCode;
use super::params::{FieldError, Problem};
use super::recommendation::Verdict;

/// Lines per page.
pub const PER_PAGE: u64 = 50;
/// The most lines one CSV export holds.
pub const CSV_MAX: u64 = 10_000;
/// The days a decision should take when the programme does not say.
pub const DEFAULT_TARGET_DAYS: i32 = 30;

/// Which states the queue shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum States {
    /// Everything waiting for the operator or the applicant: submitted, in review, information
    /// requested, approved (waiting for the money).
    #[default]
    Open,
    /// Every state but drafts (which are the applicant's alone).
    All,
    /// One state.
    One(State),
}

/// The open states, in queue order.
pub const OPEN: [State; 4] = [
    State::Submitted,
    State::InReview,
    State::InfoRequested,
    State::Approved,
];

impl States {
    /// The states it covers.
    pub fn states(self) -> Vec<State> {
        match self {
            States::Open => OPEN.to_vec(),
            States::All => State::ALL
                .into_iter()
                .filter(|s| *s != State::Draft)
                .collect(),
            States::One(s) => vec![s],
        }
    }

    fn code(self) -> &'static str {
        match self {
            States::Open => "open",
            States::All => "all",
            States::One(s) => s.as_str(),
        }
    }
}

/// The akimat's word on the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Recommended {
    /// The akim recommends it.
    Yes,
    /// The akim does not.
    No,
    /// No recommendation (not asked, or not given yet).
    None,
}

/// Whose applications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Assigned {
    /// Anyone's.
    #[default]
    Any,
    /// Assigned to the person looking.
    Me,
    /// Assigned to nobody.
    Nobody,
}

/// The order of the lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Sort {
    /// Longest in its state first.
    #[default]
    Waiting,
    /// Most recently submitted first.
    Newest,
    /// Largest amount first.
    Amount,
}

/// One view of the queue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueueQuery {
    /// One programme of the organisation (its slug), or all of them.
    pub program: Option<String>,
    /// Which states.
    pub states: States,
    /// Within a region, district or okrug.
    pub area: Option<KatoCode>,
    /// By the akimat's word.
    pub recommended: Option<Recommended>,
    /// By assignment.
    pub assigned: Assigned,
    /// In its state at least this many days.
    pub min_days: Option<u32>,
    /// The order.
    pub sort: Sort,
    /// The page, from 1.
    pub page: u64,
}

impl QueueQuery {
    /// Reads a view from query-string pairs; an unknown value is an error naming its field.
    pub fn parse(pairs: &[(String, String)]) -> Result<QueueQuery, FieldError> {
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let unknown =
            |field: &str, v: &str| FieldError::new(field, Problem::UnknownChoice(v.into()));
        let program = get("program").map(str::to_owned);
        if let Some(p) = &program
            && (p.len() > 80 || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(FieldError::new("program", Problem::InvalidSlug));
        }
        let states = match get("state") {
            None | Some("open") => States::Open,
            Some("all") => States::All,
            Some(s) => match State::parse(s) {
                Some(st) if st != State::Draft => States::One(st),
                _ => return Err(unknown("state", s)),
            },
        };
        let area = match get("area") {
            None => None,
            Some(a) => Some(
                KatoCode::parse(a).map_err(|_| FieldError::new("area", Problem::RegionFormat))?,
            ),
        };
        let recommended = match get("recommended") {
            None | Some("any") => None,
            Some("yes") => Some(Recommended::Yes),
            Some("no") => Some(Recommended::No),
            Some("none") => Some(Recommended::None),
            Some(v) => return Err(unknown("recommended", v)),
        };
        let assigned = match get("assigned") {
            None | Some("any") => Assigned::Any,
            Some("me") => Assigned::Me,
            Some("nobody") => Assigned::Nobody,
            Some(v) => return Err(unknown("assigned", v)),
        };
        let min_days = match get("min_days") {
            None => None,
            Some(v) => Some(
                v.parse::<u32>()
                    .ok()
                    .filter(|d| *d <= 3650)
                    .ok_or_else(|| {
                        FieldError::new("min_days", Problem::OutOfRange { min: 0, max: 3650 })
                    })?,
            ),
        };
        let sort = match get("sort") {
            None | Some("waiting") => Sort::Waiting,
            Some("newest") => Sort::Newest,
            Some("amount") => Sort::Amount,
            Some(v) => return Err(FieldError::new("sort", Problem::UnknownSort(v.into()))),
        };
        let page = match get("page") {
            None => 1,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=10_000).contains(p))
                .ok_or(FieldError::new("page", Problem::PageRange { max: 10_000 }))?,
        };
        Ok(QueueQuery {
            program,
            states,
            area,
            recommended,
            assigned,
            min_days,
            sort,
            page,
        })
    }

    /// The query string of this view (without the page unless it is past the first), for
    /// links, the filter form and the CSV export.
    pub fn to_query(&self, page: Option<u64>) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(p) = &self.program {
            parts.push(("program", p.clone()));
        }
        if self.states != States::Open {
            parts.push(("state", self.states.code().to_owned()));
        }
        if let Some(a) = &self.area {
            parts.push(("area", a.as_str().to_owned()));
        }
        if let Some(r) = self.recommended {
            let v = match r {
                Recommended::Yes => "yes",
                Recommended::No => "no",
                Recommended::None => "none",
            };
            parts.push(("recommended", v.to_owned()));
        }
        match self.assigned {
            Assigned::Any => {}
            Assigned::Me => parts.push(("assigned", "me".into())),
            Assigned::Nobody => parts.push(("assigned", "nobody".into())),
        }
        if let Some(d) = self.min_days {
            parts.push(("min_days", d.to_string()));
        }
        match self.sort {
            Sort::Waiting => {}
            Sort::Newest => parts.push(("sort", "newest".into())),
            Sort::Amount => parts.push(("sort", "amount".into())),
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            parts.push(("page", p.to_string()));
        }
        parts
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The code of the state filter, as the form sends it.
    pub fn state_code(&self) -> &'static str {
        self.states.code()
    }
}

/// One line of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueueRow {
    /// The application.
    pub id: i32,
    /// Its applicant's name.
    pub applicant: String,
    /// Where the business is (settlement code and name).
    pub settlement_code: Option<String>,
    /// The settlement's name.
    pub settlement: Option<String>,
    /// The programme's slug.
    pub program_slug: String,
    /// Its Russian title.
    pub program_ru: String,
    /// Its Kazakh title.
    pub program_kk: String,
    /// Where it is.
    pub state: State,
    /// Since when.
    pub state_at: DateTime<Utc>,
    /// Whole days in that state.
    pub days: i64,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The amount asked for.
    pub amount_kzt: Option<i64>,
    /// The amount approved.
    pub approved_kzt: Option<i64>,
    /// The akimat's latest word.
    pub recommendation: Option<Verdict>,
    /// The reviewers assigned.
    pub assignees: Vec<String>,
    /// The programme's target days for a decision.
    pub target_days: i32,
    /// An information request's due date.
    pub due_on: Option<NaiveDate>,
    /// Waited longer than the programme's target (or past the answer's due date).
    pub overdue: bool,
}

/// Whether a line has waited too long: in review or not yet taken up past the programme's
/// target days, approved and unpaid as long, or an information request past its due date.
pub fn overdue(
    state: State,
    days: i64,
    target_days: i32,
    due_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    match state {
        State::Submitted | State::InReview | State::Approved => days > i64::from(target_days),
        State::InfoRequested => due_on.is_some_and(|d| d < today),
        _ => false,
    }
}

/// A page of the queue with its counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueuePage {
    /// The lines.
    pub rows: Vec<QueueRow>,
    /// How many lines the view has in all.
    pub total: u64,
    /// Per state, how many the view would show with that state chosen.
    pub counts: Vec<(State, u64)>,
    /// The organisation's programmes: slug, Russian and Kazakh title.
    pub programs: Vec<(String, String, String)>,
    /// Colleagues a line can be assigned to: account and name.
    pub reviewers: Vec<(i32, String)>,
    /// The organisation's open appeals, the first due first.
    #[serde(default)]
    pub appeals: Vec<AppealLine>,
}

/// An open appeal in the queue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AppealLine {
    /// The application appealed.
    pub application_id: i32,
    /// The day it is to be decided by.
    pub due_on: NaiveDate,
    /// Past that day.
    pub late: bool,
    /// The reader made the refusal (someone else decides).
    pub refused_by_me: bool,
}

/// The queue's assignment form: the typed command of "assign these applications to this
/// colleague", read once at its door. Whether the applications are the organisation's and the
/// colleague one of its staff is the use case's to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The ticked lines' applications (`id`, repeated).
    pub ids: Vec<i32>,
    /// The colleague's account (`reviewer`).
    pub reviewer: i32,
}

impl Assignment {
    /// From the form's fields (others, such as the view to return to, are not read): every
    /// `id` a number, and a `reviewer` chosen.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Assignment, FieldError> {
        let ids = pairs
            .iter()
            .filter(|(k, _)| k == "id")
            .map(|(_, v)| {
                v.parse::<i32>()
                    .map_err(|_| FieldError::new("id", Problem::NotANumber))
            })
            .collect::<Result<Vec<i32>, _>>()?;
        let reviewer = pairs
            .iter()
            .rev()
            .find(|(k, _)| k == "reviewer")
            .map_or("", |(_, v)| v.as_str())
            .parse::<i32>()
            .map_err(|_| FieldError::new("reviewer", Problem::Required))?;
        Ok(Assignment { ids, reviewer })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, s)| ((*k).to_owned(), (*s).to_owned()))
            .collect()
    }

    #[test]
    fn a_view_reads_back_into_the_same_query_string() {
        let q = QueueQuery::parse(&pairs(&[
            ("program", "auyl-amanaty"),
            ("state", "in_review"),
            ("area", "101033000"),
            ("recommended", "yes"),
            ("assigned", "me"),
            ("min_days", "10"),
            ("sort", "amount"),
            ("page", "2"),
        ]))
        .expect("accepted");
        assert_eq!(q.states, States::One(State::InReview));
        let s = q.to_query(Some(q.page));
        assert_eq!(
            s,
            "program=auyl-amanaty&state=in_review&area=101033000&recommended=yes&assigned=me&min_days=10&sort=amount&page=2"
        );
        let back: Vec<(String, String)> = s
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(QueueQuery::parse(&back).expect("accepted"), q);
        assert_eq!(QueueQuery::parse(&[]).expect("accepted").to_query(None), "");
    }

    #[test]
    fn every_bad_filter_is_named() {
        for (field, value) in [
            ("state", "draft"),
            ("state", "lost"),
            ("area", "12"),
            ("recommended", "maybe"),
            ("assigned", "boss"),
            ("min_days", "-1"),
            ("sort", "random"),
            ("page", "0"),
            ("program", "a b"),
        ] {
            let e = QueueQuery::parse(&pairs(&[(field, value)])).expect_err("refused");
            assert_eq!(e.field, field, "{value}");
        }
    }

    #[test]
    fn overdue_follows_the_programme_target_and_the_due_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("accepted");
        assert!(!overdue(State::InReview, 30, 30, None, today));
        assert!(overdue(State::InReview, 31, 30, None, today));
        assert!(overdue(State::Submitted, 8, 7, None, today));
        let due = NaiveDate::from_ymd_opt(2026, 11, 26);
        assert!(overdue(State::InfoRequested, 1, 30, due, today));
        assert!(!overdue(State::InfoRequested, 100, 30, Some(today), today));
        assert!(!overdue(State::Rejected, 100, 30, None, today));
    }

    #[test]
    fn an_assignment_names_its_bad_field() {
        let a = Assignment::from_pairs(&pairs(&[
            ("id", "7"),
            ("id", "9"),
            ("reviewer", "3"),
            ("back", "state=all"),
        ]))
        .expect("accepted");
        assert_eq!(
            a,
            Assignment {
                ids: vec![7, 9],
                reviewer: 3
            }
        );
        for (fields, field, problem) in [
            (
                &[("id", "7"), ("id", "x"), ("reviewer", "3")][..],
                "id",
                Problem::NotANumber,
            ),
            (&[("id", "7")][..], "reviewer", Problem::Required),
            (
                &[("id", "7"), ("reviewer", "")][..],
                "reviewer",
                Problem::Required,
            ),
        ] {
            let e = Assignment::from_pairs(&pairs(fields)).expect_err("refused");
            assert_eq!(
                (e.field.as_str(), e.problem),
                (field, problem),
                "{fields:?}"
            );
        }
    }
}
