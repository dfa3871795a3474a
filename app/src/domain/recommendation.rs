//! An akim's recommendation of an application: the verdict, the reasons from a checklist,
//! free text and the declaration of any relationship with the applicant. A recommendation is
//! never a condition to apply; once given it is part of the application's record, and a
//! correction is a new, visible version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, t};
use super::params::{FieldError, Problem};

/// The form's fields.
pub mod field {
    /// `recommend` or `do_not_recommend`.
    pub const VERDICT: &str = "verdict";
    /// A checklist reason (repeated).
    pub const REASONS: &str = "reasons";
    /// Free text.
    pub const TEXT: &str = "text";
    /// `none`, `family` or `business`.
    pub const RELATIONSHIP: &str = "relationship";
    /// What the relationship is, when there is one.
    pub const RELATIONSHIP_NOTE: &str = "relationship_note";
}

/// The longest free text, in characters.
pub const MAX_TEXT: usize = 2_000;

/// The verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The akimat recommends the application.
    Recommend,
    /// The akimat does not.
    DoNotRecommend,
}

impl Verdict {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Recommend => "recommend",
            Verdict::DoNotRecommend => "do_not_recommend",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Recommend, Verdict::DoNotRecommend]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// In words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Verdict::Recommend => Msg::RecVerdictRecommend,
                Verdict::DoNotRecommend => Msg::RecVerdictDoNotRecommend,
            },
        )
    }
}

/// A reason from the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The applicant is known to the akimat.
    KnownToAkimat,
    /// The business or the plot was verified on site.
    VerifiedOnSite,
    /// There is local demand for what the business offers.
    LocalDemand,
    /// The business creates jobs for the village.
    JobsForVillage,
    /// Earlier support was repaid.
    PriorSupportRepaid,
}

impl Reason {
    /// Every reason, in the order of the checklist.
    pub const ALL: [Reason; 5] = [
        Reason::KnownToAkimat,
        Reason::VerifiedOnSite,
        Reason::LocalDemand,
        Reason::JobsForVillage,
        Reason::PriorSupportRepaid,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::KnownToAkimat => "known_to_akimat",
            Reason::VerifiedOnSite => "verified_on_site",
            Reason::LocalDemand => "local_demand",
            Reason::JobsForVillage => "jobs_for_village",
            Reason::PriorSupportRepaid => "prior_support_repaid",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// In words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Reason::KnownToAkimat => Msg::RecReasonKnown,
                Reason::VerifiedOnSite => Msg::RecReasonVerified,
                Reason::LocalDemand => Msg::RecReasonDemand,
                Reason::JobsForVillage => Msg::RecReasonJobs,
                Reason::PriorSupportRepaid => Msg::RecReasonRepaid,
            },
        )
    }
}

/// A relationship between the person recommending and the applicant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// None: declared, not assumed.
    None,
    /// Family.
    Family,
    /// Business.
    Business,
}

impl Relationship {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::None => "none",
            Relationship::Family => "family",
            Relationship::Business => "business",
        }
    }

    /// In words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Relationship::None => Msg::RecRelNone,
                Relationship::Family => Msg::RecRelFamily,
                Relationship::Business => Msg::RecRelBusiness,
            },
        )
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Relationship> {
        [
            Relationship::None,
            Relationship::Family,
            Relationship::Business,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A complete, valid recommendation as the akimat gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecommendationInput {
    /// The verdict.
    pub verdict: Verdict,
    /// Reasons from the checklist (sorted, without repeats).
    pub reasons: Vec<Reason>,
    /// In the akimat's words.
    pub text: Option<String>,
    /// A declared relationship with the applicant.
    pub relationship: Relationship,
    /// What it is, when there is one.
    pub relationship_note: Option<String>,
}

fn text(pairs: &[(String, String)], name: &str) -> Result<Option<String>, FieldError> {
    let value = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty());
    match value {
        Some(v) if v.chars().count() > MAX_TEXT => {
            Err(FieldError::new(name, Problem::TooLong { max: MAX_TEXT }))
        }
        Some(v) => Ok(Some(v.to_owned())),
        None => Ok(None),
    }
}

/// Reads the form. The verdict and the relationship must be stated (no relationship is a
/// declaration too); a relationship other than none must be described.
pub fn parse(pairs: &[(String, String)]) -> Result<RecommendationInput, FieldError> {
    let verdict = text(pairs, field::VERDICT)?
        .ok_or_else(|| FieldError::new(field::VERDICT, Problem::Required))?;
    let verdict = Verdict::parse(&verdict)
        .ok_or_else(|| FieldError::new(field::VERDICT, Problem::UnknownChoice(verdict)))?;
    let mut reasons = pairs
        .iter()
        .filter(|(k, _)| k == field::REASONS)
        .map(|(_, v)| {
            Reason::parse(v.trim())
                .ok_or_else(|| FieldError::new(field::REASONS, Problem::UnknownChoice(v.clone())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    reasons.sort();
    reasons.dedup();
    let relationship = text(pairs, field::RELATIONSHIP)?
        .ok_or_else(|| FieldError::new(field::RELATIONSHIP, Problem::Required))?;
    let relationship = Relationship::parse(&relationship).ok_or_else(|| {
        FieldError::new(field::RELATIONSHIP, Problem::UnknownChoice(relationship))
    })?;
    let relationship_note = text(pairs, field::RELATIONSHIP_NOTE)?;
    if relationship != Relationship::None && relationship_note.is_none() {
        return Err(FieldError::new(field::RELATIONSHIP_NOTE, Problem::Required));
    }
    Ok(RecommendationInput {
        verdict,
        reasons,
        text: text(pairs, field::TEXT)?,
        relationship,
        relationship_note: relationship_note.filter(|_| relationship != Relationship::None),
    })
}

/// One version of a recommendation, as the applicant, the operator and the akimat see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecommendationView {
    /// 1 for the first, then one more per correction.
    pub version: i32,
    /// What was given.
    pub input: RecommendationInput,
    /// Who gave it (name), and in which role.
    pub author: String,
    /// `akim` or `akimat_staff`.
    pub author_role: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One line of an akimat's queue of requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueueItem {
    /// The application.
    pub application_id: i32,
    /// Its programme's Russian title.
    pub program_title_ru: String,
    /// Its programme's Kazakh title.
    pub program_title_kk: String,
    /// Its state.
    pub state: super::application::State,
    /// The amount asked for.
    pub amount_kzt: Option<i64>,
    /// When the applicant asked.
    pub requested_at: DateTime<Utc>,
    /// The latest verdict, if one was given.
    pub latest: Option<Verdict>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_recommendation_states_its_verdict_and_any_relationship() {
        let r = parse(&pairs(&[
            ("verdict", "recommend"),
            ("reasons", "verified_on_site"),
            ("reasons", "known_to_akimat"),
            ("reasons", "verified_on_site"),
            ("text", "  Ферма работает третий год  "),
            ("relationship", "none"),
            ("relationship_note", "ignored when there is none"),
        ]))
        .expect("valid");
        assert_eq!(r.verdict, Verdict::Recommend);
        assert_eq!(r.reasons, [Reason::KnownToAkimat, Reason::VerifiedOnSite]);
        assert_eq!(r.text.as_deref(), Some("Ферма работает третий год"));
        assert_eq!(r.relationship_note, None);
    }

    #[test]
    fn each_missing_or_wrong_part_is_named() {
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, Problem);
        let long = "ы".repeat(MAX_TEXT + 1);
        let cases: [Case<'_>; 6] = [
            (&[("relationship", "none")], "verdict", Problem::Required),
            (
                &[("verdict", "maybe"), ("relationship", "none")],
                "verdict",
                Problem::UnknownChoice("maybe".into()),
            ),
            (
                &[("verdict", "recommend")],
                "relationship",
                Problem::Required,
            ),
            (
                &[("verdict", "recommend"), ("relationship", "family")],
                "relationship_note",
                Problem::Required,
            ),
            (
                &[
                    ("verdict", "recommend"),
                    ("reasons", "bribe"),
                    ("relationship", "none"),
                ],
                "reasons",
                Problem::UnknownChoice("bribe".into()),
            ),
            (
                &[
                    ("verdict", "recommend"),
                    ("relationship", "none"),
                    ("text", long.as_str()),
                ],
                "text",
                Problem::TooLong { max: MAX_TEXT },
            ),
        ];
        for (input, field, problem) in cases {
            let e = parse(&pairs(input)).expect_err("refused");
            assert_eq!((e.field.as_str(), e.problem), (field, problem), "{input:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
            assert!(!r.label(Lang::Kk).is_empty());
        }
        for v in [Verdict::Recommend, Verdict::DoNotRecommend] {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        for r in [
            Relationship::None,
            Relationship::Family,
            Relationship::Business,
        ] {
            assert_eq!(Relationship::parse(r.as_str()), Some(r));
        }
    }
}
