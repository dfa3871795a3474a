//! Appeals against a refusal: the period a programme gives to file one, the due date of its
//! decision, who may decide it (never the reviewer who refused), who may support it (the
//! akimat that recommended the applicant), and what a reader of the application sees of it.
//!
//! An appeal ends *upheld* (the refusal stands, with the reasons why) or *overturned* (the
//! application goes back to review, its history kept).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::account::{Principal, Role, Scope};
use crate::domain::i18n::{Lang, Msg, t};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::Denied;

/// Days after a refusal to appeal it, when the programme sets none.
pub const DEFAULT_DAYS: i32 = 30;
/// The most days a programme may give.
pub const MAX_DAYS: i32 = 365;
/// Calendar days the operator has to decide an appeal.
pub const DECISION_DAYS: i64 = 15;
/// The longest text of an appeal, an answer or the akimat's support.
pub const MAX_TEXT: usize = 4000;

/// How an appeal ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The refusal stands.
    Upheld,
    /// The refusal is set aside: the application is reviewed again.
    Overturned,
}

impl Outcome {
    /// As stored and posted.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::Overturned => "overturned",
        }
    }

    /// From storage or a form.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "upheld" => Some(Outcome::Upheld),
            "overturned" => Some(Outcome::Overturned),
            _ => None,
        }
    }

    /// In words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Outcome::Upheld => Msg::ApUpheld,
                Outcome::Overturned => Msg::ApOverturned,
            },
        )
    }
}

/// The last day an appeal of a refusal made on `refused_on` may be filed, with the
/// programme's period (`None`: [`DEFAULT_DAYS`]).
pub fn last_day(refused_on: NaiveDate, days: Option<i32>) -> NaiveDate {
    refused_on + Duration::days(i64::from(days.unwrap_or(DEFAULT_DAYS).clamp(1, MAX_DAYS)))
}

/// Whether an appeal filed `today` is in time; refused by the field `appeal_reasons` with the last
/// day when it is not.
pub fn in_time(
    today: NaiveDate,
    refused_on: NaiveDate,
    days: Option<i32>,
) -> Result<(), FieldError> {
    let last = last_day(refused_on, days);
    if today > last {
        return Err(FieldError::new(
            "appeal_reasons",
            Problem::AppealLate { last_day: last },
        ));
    }
    Ok(())
}

/// The day an appeal filed on `filed_on` is to be decided by.
pub fn due_on(filed_on: NaiveDate) -> NaiveDate {
    filed_on + Duration::days(DECISION_DAYS)
}

/// A required text of the appeal's forms (`appeal_reasons`, `appeal_answer`,
/// `appeal_support`), trimmed, at most
/// [`MAX_TEXT`] characters.
pub fn text(field: &str, raw: Option<&str>) -> Result<String, FieldError> {
    let v = raw.unwrap_or_default().trim().replace("\r\n", "\n");
    if v.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(FieldError::new(field, Problem::TooLong { max: MAX_TEXT }));
    }
    Ok(v)
}

/// The outcome chosen on the form (field `appeal_outcome`).
pub fn outcome(raw: Option<&str>) -> Result<Outcome, FieldError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Err(FieldError::new("appeal_outcome", Problem::Required)),
        Some(v) => Outcome::parse(v)
            .ok_or_else(|| FieldError::new("appeal_outcome", Problem::UnknownChoice(v.to_owned()))),
    }
}

/// Whether `p` may decide an appeal on an application of organisation `organisation`,
/// refused by `refused_by`: the organisation's reviewers and its admin, except whoever made
/// the refusal (a second look must be a second person's).
pub fn may_decide(p: &Principal, organisation: i32, refused_by: Option<i32>) -> Result<(), Denied> {
    let staff = matches!(p.role, Role::Operator | Role::OrgAdmin)
        && p.scope == Scope::Organisation(organisation);
    if !staff || refused_by == Some(p.user_id) {
        return Err(Denied::Forbidden);
    }
    Ok(())
}

/// Whether `p` may support an appeal: the akim or akimat staff of the application's okrug,
/// when that akimat recommended the applicant.
pub fn may_support(p: &Principal, okrug: Option<&KatoCode>, recommended: bool) -> bool {
    recommended
        && matches!(p.role, Role::Akim | Role::AkimatStaff)
        && matches!((&p.scope, okrug), (Scope::Okrug(own), Some(o)) if own == o)
}

/// An appeal as a reader of the application sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AppealView {
    /// Id.
    pub id: i32,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
    /// The applicant's reasons.
    pub reasons: String,
    /// The ids of the files filed with it, among the application's documents.
    pub files: Vec<i32>,
    /// The day it is to be decided by.
    pub due_on: NaiveDate,
    /// Still open after its due day.
    pub late: bool,
    /// What the akimat wrote in support, if it did.
    pub support: Option<String>,
    /// How it ended; none while open.
    pub outcome: Option<Outcome>,
    /// The reasons of the outcome.
    pub answer: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The reader may decide it now.
    pub can_decide: bool,
    /// The reader made the refusal appealed (so someone else decides).
    pub refused_by_me: bool,
    /// The reader may write the akimat's support now.
    pub can_support: bool,
}

/// The appeals of an application, and whether its applicant may file one now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AppealsView {
    /// Every appeal, oldest first.
    pub appeals: Vec<AppealView>,
    /// The reader (the applicant) may appeal the refusal until this day, inclusive.
    pub open_until: Option<NaiveDate>,
    /// The period to appeal the refusal ended on this day (the applicant did not appeal).
    pub closed_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(user_id: i32, role: Role, scope: Scope) -> Principal {
        Principal {
            user_id,
            role,
            scope,
            display_name: String::new(),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn the_refusing_reviewer_never_decides_the_appeal() {
        let org = Scope::Organisation(4);
        let table = [
            (
                "the reviewer who refused",
                who(7, Role::Operator, org.clone()),
                false,
            ),
            (
                "another reviewer",
                who(8, Role::Operator, org.clone()),
                true,
            ),
            (
                "the organisation's admin",
                who(9, Role::OrgAdmin, org.clone()),
                true,
            ),
            (
                "the admin, who refused",
                who(7, Role::OrgAdmin, org.clone()),
                false,
            ),
            (
                "another organisation's reviewer",
                who(10, Role::Operator, Scope::Organisation(5)),
                false,
            ),
            ("a platform admin", who(11, Role::Admin, Scope::None), false),
            (
                "the applicant",
                who(12, Role::Entrepreneur, Scope::None),
                false,
            ),
        ];
        for (name, p, allowed) in table {
            assert_eq!(may_decide(&p, 4, Some(7)).is_ok(), allowed, "{name}");
        }
    }

    #[test]
    fn an_appeal_is_in_time_up_to_the_programme_s_last_day() {
        let refused = day("2026-11-01");
        assert_eq!(last_day(refused, None), day("2026-12-01"));
        assert_eq!(last_day(refused, Some(10)), day("2026-11-11"));
        assert!(in_time(day("2026-12-01"), refused, None).is_ok());
        let e = in_time(day("2026-12-02"), refused, None).expect_err("late");
        assert_eq!(e.field, "appeal_reasons");
        assert_eq!(
            e.problem,
            Problem::AppealLate {
                last_day: day("2026-12-01")
            }
        );
        assert!(in_time(day("2026-11-12"), refused, Some(10)).is_err());
        assert_eq!(due_on(day("2026-11-27")), day("2026-12-12"));
    }

    #[test]
    fn only_the_recommending_akimat_supports() {
        let own = KatoCode::parse("101033000").expect("okrug");
        let other = KatoCode::parse("101035000").expect("okrug");
        let akim = who(3, Role::Akim, Scope::Okrug(own.clone()));
        let staff = who(4, Role::AkimatStaff, Scope::Okrug(own.clone()));
        let elsewhere = who(5, Role::Akim, Scope::Okrug(other));
        assert!(may_support(&akim, Some(&own), true));
        assert!(may_support(&staff, Some(&own), true));
        assert!(!may_support(&akim, Some(&own), false), "did not recommend");
        assert!(!may_support(&elsewhere, Some(&own), true));
        let applicant = who(6, Role::Entrepreneur, Scope::None);
        assert!(!may_support(&applicant, Some(&own), true));
    }

    #[test]
    fn texts_and_outcomes_are_refused_by_their_field() {
        assert_eq!(
            text("appeal_reasons", Some("  Бизнес-план есть \r\n")).as_deref(),
            Ok("Бизнес-план есть")
        );
        assert_eq!(
            text("appeal_answer", None).expect_err("empty").field,
            "appeal_answer"
        );
        let long = "ә".repeat(MAX_TEXT + 1);
        assert_eq!(
            text("appeal_support", Some(&long))
                .expect_err("long")
                .problem,
            Problem::TooLong { max: MAX_TEXT }
        );
        assert_eq!(outcome(Some("overturned")), Ok(Outcome::Overturned));
        assert_eq!(
            outcome(Some(" ")).expect_err("empty").problem,
            Problem::Required
        );
        assert_eq!(
            outcome(Some("maybe")).expect_err("unknown").problem,
            Problem::UnknownChoice("maybe".into())
        );
        for o in [Outcome::Upheld, Outcome::Overturned] {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
    }
}
