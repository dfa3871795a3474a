//! Residents' complaints: about how an operator handled an application, or about an okrug's
//! akimat. Who answers follows from what the complaint is about, never from who is asked:
//! the organisation's administrator for an operator, the district akimat's staff for an okrug
//! akimat (the akim complained about does not read it), and, once the answer is late, the
//! platform's staff as well. Each is due in [`DUE_WORKING_DAYS`] working days.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::account::{Principal, Role, Scope};
use super::i18n::{Lang, Msg, t};
use super::location::KatoCode;
use super::params::{FieldError, Problem};

/// Working days to answer, counted by Kazakhstan's calendar (`domain::calendar`).
pub const DUE_WORKING_DAYS: u32 = 15;
/// Longest complaint or answer, in characters.
pub const MAX_TEXT: usize = 4000;

/// What a complaint is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum About {
    /// An operator's handling of an application.
    Operator,
    /// An okrug's akimat.
    Akimat,
}

impl About {
    /// Both, in the form's order.
    pub const ALL: [About; 2] = [About::Operator, About::Akimat];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            About::Operator => "operator",
            About::Akimat => "akimat",
        }
    }

    /// Parses a stored or posted code.
    pub fn parse(s: &str) -> Option<About> {
        About::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// What the form calls it.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                About::Operator => Msg::CmAboutOperator,
                About::Akimat => Msg::CmAboutAkimat,
            },
        )
    }
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A refusal, or a recommendation refused, the resident thinks unfair.
    Unfair,
    /// Money or a favour was asked for.
    PaymentAsked,
    /// Nobody answers.
    NoAnswer,
    /// Rudeness or pressure.
    Rude,
    /// Anything else.
    Other,
}

impl Reason {
    /// Every reason, in the form's order.
    pub const ALL: [Reason; 5] = [
        Reason::Unfair,
        Reason::PaymentAsked,
        Reason::NoAnswer,
        Reason::Rude,
        Reason::Other,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unfair => "unfair",
            Reason::PaymentAsked => "payment_asked",
            Reason::NoAnswer => "no_answer",
            Reason::Rude => "rude",
            Reason::Other => "other",
        }
    }

    /// Parses a stored or posted code.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// What the form calls it.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Reason::Unfair => Msg::CmReasonUnfair,
                Reason::PaymentAsked => Msg::CmReasonPayment,
                Reason::NoAnswer => Msg::CmReasonNoAnswer,
                Reason::Rude => Msg::CmReasonRude,
                Reason::Other => Msg::CmReasonOther,
            },
        )
    }
}

/// A complaint's text or an answer, from field `field`: required, at most [`MAX_TEXT`]
/// characters, spaces at the ends dropped.
pub fn text(field: &str, raw: Option<&str>) -> Result<String, FieldError> {
    let text = raw.unwrap_or_default().trim();
    match text.chars().count() {
        0 => Err(FieldError::new(field, Problem::Required)),
        n if n > MAX_TEXT => Err(FieldError::new(field, Problem::TooLong { max: MAX_TEXT })),
        _ => Ok(text.to_owned()),
    }
}

/// Who a complaint is addressed to, as the rules below need it.
#[derive(Clone, Copy, Debug)]
pub struct Addressee<'a> {
    /// Its author.
    pub author: i32,
    /// What it is about.
    pub about: About,
    /// The operator, for a complaint about one.
    pub organisation: Option<i32>,
    /// The district whose akimat answers, for a complaint about an okrug akimat.
    pub district: Option<&'a KatoCode>,
    /// Whether it was passed to the platform's staff, unanswered in time.
    pub escalated: bool,
}

/// Whether `p` answers complaint `c`: the operator's administrator, the district akimat's
/// staff, and, once it is escalated, the platform's staff.
pub fn may_answer(p: &Principal, c: &Addressee<'_>) -> bool {
    match (p.role, &p.scope, c.about) {
        (Role::OrgAdmin, Scope::Organisation(own), About::Operator) => c.organisation == Some(*own),
        (Role::DistrictStaff, Scope::District(own), About::Akimat) => c.district == Some(own),
        (Role::Admin, _, _) => c.escalated,
        _ => false,
    }
}

/// Whether `p` may read complaint `c`: its author, those who answer it, and the platform's
/// staff (who support both and must see what is late before it is theirs). Nobody else, not
/// even the akim or the operator's staff complained about: a resident must not fear them.
pub fn may_read(p: &Principal, c: &Addressee<'_>) -> bool {
    (p.role == Role::Entrepreneur && p.user_id == c.author)
        || p.role == Role::Admin
        || may_answer(p, c)
}

/// Whether `p` has a list of complaints to keep: residents (their own) and those who answer.
pub fn keeps_complaints(p: &Principal) -> bool {
    matches!(
        p.role,
        Role::Entrepreneur | Role::OrgAdmin | Role::DistrictStaff | Role::Admin
    )
}

/// Where a complaint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Waiting for an answer, in time.
    Open,
    /// Past its due date, not yet escalated (the sweep runs every few minutes).
    Late,
    /// Past its due date and passed to the platform's staff.
    Escalated,
    /// Answered by the due date.
    Answered,
    /// Answered after it.
    AnsweredLate,
}

impl Standing {
    /// Where a complaint due on `due_on` stands on `today`, answered on `answered_on` if it was.
    pub fn of(
        due_on: NaiveDate,
        escalated: bool,
        answered_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Standing {
        match answered_on {
            // Once escalated it was late, whatever a held-back clock says of the answer's day.
            Some(d) if d <= due_on && !escalated => Standing::Answered,
            Some(_) => Standing::AnsweredLate,
            None if escalated => Standing::Escalated,
            None if today > due_on => Standing::Late,
            None => Standing::Open,
        }
    }

    /// Its code, as the page marks it (`data-standing`).
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Open => "open",
            Standing::Late => "late",
            Standing::Escalated => "escalated",
            Standing::Answered => "answered",
            Standing::AnsweredLate => "answered_late",
        }
    }

    /// Its name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Standing::Open => Msg::CmOpen,
                Standing::Late => Msg::CmLate,
                Standing::Escalated => Msg::CmEscalated,
                Standing::Answered => Msg::CmAnswered,
                Standing::AnsweredLate => Msg::CmAnsweredLate,
            },
        )
    }

    /// Whether it still waits for an answer.
    pub fn waiting(self) -> bool {
        matches!(self, Standing::Open | Standing::Late | Standing::Escalated)
    }
}

/// A complaint as its page and the lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplaintView {
    /// Number.
    pub id: i32,
    /// What it is about.
    pub about: About,
    /// What went wrong.
    pub reason: Reason,
    /// Who it is about, named: the organisation, or the okrug's akimat.
    pub subject: String,
    /// The application it concerns.
    pub application_id: Option<i32>,
    /// The resident's words.
    pub text: String,
    /// The resident's name: shown to those who answer, not back to the resident.
    pub author: Option<String>,
    /// Filed.
    pub filed_at: DateTime<Utc>,
    /// To be answered by.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub standing: Standing,
    /// Who answers for it now, named (`None` while nobody holds the role).
    pub owner: Option<String>,
    /// The answer.
    pub answer: Option<String>,
    /// Answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether the reader may answer it now.
    pub can_answer: bool,
}

/// An application the resident may complain about, for the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Subject {
    /// The application.
    pub application_id: i32,
    /// Its programme, named.
    pub program: String,
    /// Its operator, named.
    pub organisation: String,
    /// Whether its okrug is known (so its akimat can be complained about).
    pub has_okrug: bool,
}

/// What `/complaints` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplaintsPage {
    /// The complaints the reader keeps: a resident's own, or those they answer, the waiting
    /// ones first, the first due first.
    pub complaints: Vec<ComplaintView>,
    /// A resident's applications, to complain about (empty for staff: they file none).
    pub subjects: Vec<Subject>,
    /// Whether the reader may file one (a resident).
    pub can_file: bool,
    /// The akimat of the resident's own okrug, from the profile, named.
    pub own_akimat: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, scope: Scope, user_id: i32) -> Principal {
        Principal {
            user_id,
            role,
            scope,
            display_name: String::new(),
        }
    }

    #[test]
    fn the_right_people_answer_and_read_and_nobody_else() {
        let district = KatoCode::parse("101000000").expect("district");
        let other_district = KatoCode::parse("102000000").expect("district");
        let okrug = KatoCode::parse("101033000").expect("okrug");
        let on_operator = Addressee {
            author: 1,
            about: About::Operator,
            organisation: Some(7),
            district: None,
            escalated: false,
        };
        let on_akimat = Addressee {
            author: 1,
            about: About::Akimat,
            organisation: None,
            district: Some(&district),
            escalated: false,
        };
        let late = Addressee {
            escalated: true,
            ..on_akimat
        };
        // (who, complaint, may answer, may read, why)
        let cases = [
            (
                who(Role::Entrepreneur, Scope::None, 1),
                on_operator,
                false,
                true,
                "its author",
            ),
            (
                who(Role::Entrepreneur, Scope::None, 2),
                on_operator,
                false,
                false,
                "another resident",
            ),
            (
                who(Role::OrgAdmin, Scope::Organisation(7), 3),
                on_operator,
                true,
                true,
                "the operator's admin",
            ),
            (
                who(Role::OrgAdmin, Scope::Organisation(8), 3),
                on_operator,
                false,
                false,
                "another operator's admin",
            ),
            (
                who(Role::Operator, Scope::Organisation(7), 4),
                on_operator,
                false,
                false,
                "the operator's reviewer, complained about",
            ),
            (
                who(Role::OrgAdmin, Scope::Organisation(7), 3),
                on_akimat,
                false,
                false,
                "an operator, on an akimat",
            ),
            (
                who(Role::DistrictStaff, Scope::District(district.clone()), 5),
                on_akimat,
                true,
                true,
                "the district",
            ),
            (
                who(Role::DistrictStaff, Scope::District(other_district), 5),
                on_akimat,
                false,
                false,
                "another district",
            ),
            (
                who(Role::DistrictStaff, Scope::District(district.clone()), 5),
                on_operator,
                false,
                false,
                "the district, on an operator",
            ),
            (
                who(Role::Akim, Scope::Okrug(okrug.clone()), 6),
                on_akimat,
                false,
                false,
                "the akim complained about",
            ),
            (
                who(Role::AkimatStaff, Scope::Okrug(okrug), 6),
                on_akimat,
                false,
                false,
                "the akim's staff",
            ),
            (
                who(Role::Admin, Scope::None, 9),
                on_akimat,
                false,
                true,
                "the platform, in time",
            ),
            (
                who(Role::Admin, Scope::None, 9),
                late,
                true,
                true,
                "the platform, once late",
            ),
            (
                who(Role::DistrictStaff, Scope::District(district.clone()), 5),
                late,
                true,
                true,
                "the district, still, once late",
            ),
        ];
        for (p, c, answer, read, why) in cases {
            assert_eq!(may_answer(&p, &c), answer, "answer: {why}");
            assert_eq!(may_read(&p, &c), read, "read: {why}");
        }
    }

    #[test]
    fn standing_follows_the_due_date() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let due = d("2026-12-21");
        assert_eq!(
            Standing::of(due, false, None, d("2026-12-21")),
            Standing::Open
        );
        assert_eq!(
            Standing::of(due, false, None, d("2026-12-22")),
            Standing::Late
        );
        assert_eq!(
            Standing::of(due, true, None, d("2026-12-22")),
            Standing::Escalated
        );
        assert_eq!(
            Standing::of(due, false, Some(d("2026-12-21")), d("2027-01-10")),
            Standing::Answered
        );
        assert_eq!(
            Standing::of(due, false, Some(d("2026-12-23")), d("2027-01-10")),
            Standing::AnsweredLate
        );
        assert_eq!(
            Standing::of(due, true, Some(d("2026-12-20")), d("2027-01-10")),
            Standing::AnsweredLate,
            "escalated: late, even answered on a day before the due date by a held-back clock"
        );
    }

    #[test]
    fn texts_are_required_and_bounded() {
        assert_eq!(
            text("t", Some("  Просили 50 000 ₸  ")).ok().as_deref(),
            Some("Просили 50 000 ₸")
        );
        assert_eq!(
            text("t", Some("   ")).map_err(|e| e.code()),
            Err("required")
        );
        assert_eq!(text("t", None).map_err(|e| e.code()), Err("required"));
        assert_eq!(
            text("t", Some(&"ә".repeat(MAX_TEXT + 1))).map_err(|e| e.code()),
            Err("too_long")
        );
    }
}
