//! The conversation on an application: who takes part and on which side, what a message may
//! be, and what a participant sees (the messages, which are new to them, whether the other
//! side has read theirs).
//!
//! The applicant and the programme's operator always take part once the application is
//! submitted. The okrug's akimat takes part when the applicant asked it for a recommendation or
//! when its staff filed the application for the resident (then it writes for the applicant).
//! A platform admin reads, to support, and never writes: what is said in a thread is said by
//! the institution that answers for it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::account::{Principal, Role, Scope};
use crate::domain::application::Party;
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};

/// The most characters a message holds (about two pages).
pub const MAX_BODY: usize = 4000;

/// The most files one message carries.
pub const MAX_FILES: usize = 5;

/// The most ready answers a programme keeps.
pub const MAX_REPLIES: usize = 50;

/// The side a message is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The entrepreneur (or the akimat staff who filed for them).
    Applicant,
    /// The programme's operator.
    Operator,
    /// The okrug's akimat, asked for a recommendation.
    Akimat,
}

impl Side {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Applicant => "applicant",
            Side::Operator => "operator",
            Side::Akimat => "akimat",
        }
    }

    /// From storage.
    pub fn parse(s: &str) -> Option<Side> {
        Some(match s {
            "applicant" => Side::Applicant,
            "operator" => Side::Operator,
            "akimat" => Side::Akimat,
            _ => return None,
        })
    }
}

/// What decides a person's place in an application's thread.
pub struct Seat<'a> {
    /// How they stand to the application ([`crate::domain::policy::standing`]).
    pub party: Option<Party>,
    /// The okrug of the business.
    pub okrug: Option<&'a KatoCode>,
    /// The applicant asked the akimat for a recommendation.
    pub akimat_asked: bool,
    /// Still a draft (nobody else reads it yet: no conversation).
    pub draft: bool,
}

/// Where `p` sits in the thread: the side they read and write for, and whether they may write.
/// `None`: the thread is not theirs to read.
pub fn seat(p: &Principal, s: &Seat<'_>) -> Option<(Side, bool)> {
    if s.draft {
        return None;
    }
    let akimat_of_okrug = matches!(p.role, Role::Akim | Role::AkimatStaff)
        && matches!((&p.scope, s.okrug), (Scope::Okrug(own), Some(o)) if own == o);
    match s.party {
        // The resident, or the akimat staff who filed for them.
        Some(Party::Applicant) => Some((Side::Applicant, true)),
        Some(Party::Operator) if p.role == Role::Admin => Some((Side::Operator, false)),
        Some(Party::Operator) => Some((Side::Operator, true)),
        None if akimat_of_okrug && s.akimat_asked => Some((Side::Akimat, true)),
        None => None,
    }
}

/// A message's text as typed: trimmed, required, at most [`MAX_BODY`] characters. Errors name
/// the form's field, `message`.
pub fn body(raw: &str) -> Result<String, FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(FieldError::new("message", Problem::Required));
    }
    if text.chars().count() > MAX_BODY {
        return Err(FieldError::new(
            "message",
            Problem::TooLong { max: MAX_BODY },
        ));
    }
    Ok(text)
}

/// One message as a participant sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageView {
    /// Id, increasing in the order written.
    pub id: i32,
    /// The side it was written for.
    pub side: Side,
    /// Its author's name (the akimat's and the operator's staff are named: they answer for
    /// what they write).
    pub author: String,
    /// The text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The ids of the files it carries, among the application's documents.
    pub files: Vec<i32>,
    /// Their names, in the same order.
    #[serde(default)]
    pub file_names: Vec<String>,
    /// The reader wrote it.
    pub mine: bool,
    /// New to the reader (written by someone else after what they last read).
    pub new: bool,
    /// Written by the reader and since read by someone on another side.
    pub read: bool,
}

/// An application's thread as one participant sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThreadView {
    /// Every message, oldest first.
    pub messages: Vec<MessageView>,
    /// How many are new to the reader.
    pub unread: usize,
    /// The reader may write.
    pub can_write: bool,
    /// The side the reader reads for.
    pub side: Option<Side>,
    /// The programme's ready answers, for the operator's staff who write.
    #[serde(default)]
    pub replies: Vec<CannedReply>,
}

/// A ready answer of a programme's operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CannedReply {
    /// Id.
    pub id: i32,
    /// The text sent.
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 9,
            role,
            scope,
            display_name: String::new(),
        }
    }

    fn okrug(code: &str) -> KatoCode {
        KatoCode::parse(code).expect("okrug")
    }

    #[test]
    fn who_sits_where() {
        let own = okrug("101033000");
        let other = okrug("101035000");
        let seat_of = |p: &Principal, party: Option<Party>, asked: bool, draft: bool| {
            seat(
                p,
                &Seat {
                    party,
                    okrug: Some(&own),
                    akimat_asked: asked,
                    draft,
                },
            )
        };
        let entrepreneur = who(Role::Entrepreneur, Scope::None);
        let operator = who(Role::Operator, Scope::Organisation(1));
        let admin = who(Role::Admin, Scope::None);
        let akim = who(Role::Akim, Scope::Okrug(own.clone()));
        let staff = who(Role::AkimatStaff, Scope::Okrug(own.clone()));
        let other_akim = who(Role::Akim, Scope::Okrug(other));
        let table = [
            (
                "applicant",
                seat_of(&entrepreneur, Some(Party::Applicant), false, false),
                Some((Side::Applicant, true)),
            ),
            (
                "applicant's draft",
                seat_of(&entrepreneur, Some(Party::Applicant), false, true),
                None,
            ),
            (
                "operator",
                seat_of(&operator, Some(Party::Operator), false, false),
                Some((Side::Operator, true)),
            ),
            (
                "admin reads only",
                seat_of(&admin, Some(Party::Operator), false, false),
                Some((Side::Operator, false)),
            ),
            ("akim, not asked", seat_of(&akim, None, false, false), None),
            (
                "akim, asked",
                seat_of(&akim, None, true, false),
                Some((Side::Akimat, true)),
            ),
            (
                "akimat staff, asked",
                seat_of(&staff, None, true, false),
                Some((Side::Akimat, true)),
            ),
            (
                "another okrug's akim, asked",
                seat_of(&other_akim, None, true, false),
                None,
            ),
            (
                "akimat that filed for the resident",
                seat_of(&staff, Some(Party::Applicant), false, false),
                Some((Side::Applicant, true)),
            ),
            (
                "a stranger",
                seat_of(&entrepreneur, None, true, false),
                None,
            ),
        ];
        for (name, got, want) in table {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn a_message_is_required_trimmed_and_bounded_by_its_field() {
        assert_eq!(body("  Когда ответ?\r\n ").as_deref(), Ok("Когда ответ?"));
        let e = body(" \n ").expect_err("empty");
        assert_eq!(
            (e.field.as_str(), e.problem),
            ("message", Problem::Required)
        );
        assert!(body(&"ә".repeat(MAX_BODY)).is_ok());
        let e = body(&"ә".repeat(MAX_BODY + 1)).expect_err("long");
        assert_eq!(e.problem, Problem::TooLong { max: MAX_BODY });
    }

    #[test]
    fn sides_are_stored_by_name() {
        for s in [Side::Applicant, Side::Operator, Side::Akimat] {
            assert_eq!(Side::parse(s.as_str()), Some(s));
        }
        assert_eq!(Side::parse("admin"), None);
    }
}
