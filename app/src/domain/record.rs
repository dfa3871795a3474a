//! Documents of record: what a filing receipt or a decision letter proves (its [`Facts`]),
//! the code printed on it that anyone can check at `/verify/{code}`, and what a reader sees.
//!
//! A code is twelve characters of Crockford's base32 (60 random bits), printed in three groups
//! (`K7Q2-M9XD-4TPA`): enough that guessing one is hopeless at the rate `/verify` allows, and
//! typed back forgivingly (lower case, spaces, dashes, `O` for `0`, `I` or `L` for `1`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::money::Tenge;

/// The alphabet of codes: Crockford's base32, without the letters easily misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code.
pub const CODE_LEN: usize = 12;

/// What a document records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The application was received.
    Receipt,
    /// It was approved.
    Approved,
    /// It was refused.
    Rejected,
    /// The money was paid.
    Disbursed,
}

impl Kind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Receipt => "receipt",
            Kind::Approved => "approved",
            Kind::Rejected => "rejected",
            Kind::Disbursed => "disbursed",
        }
    }

    /// From storage.
    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Receipt,
            Kind::Approved,
            Kind::Rejected,
            Kind::Disbursed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The document's title.
    pub fn title(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Kind::Receipt => Msg::DocReceipt,
                Kind::Approved | Kind::Rejected | Kind::Disbursed => Msg::DocDecision,
            },
        )
    }

    /// What it says happened.
    pub fn decision(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Kind::Receipt => Msg::DocReceived,
                Kind::Approved => Msg::DocApproved,
                Kind::Rejected => Msg::DocRejected,
                Kind::Disbursed => Msg::DocDisbursed,
            },
        )
    }
}

/// What a document proves: nothing more than a bank or an akimat needs to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Facts {
    /// The application's number.
    pub number: i32,
    /// The programme, in Russian.
    pub program_ru: String,
    /// The programme, in Kazakh.
    pub program_kk: String,
    /// What happened.
    pub kind: Kind,
    /// The day it happened, in Kazakhstan.
    pub date: NaiveDate,
    /// The amount asked (a receipt), approved, or paid, whole tenge; none for a refusal.
    pub amount_kzt: Option<i64>,
    /// The applicant's initials, never the whole name.
    pub initials: String,
}

/// A document as its reader (or anyone holding its code) sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordView {
    /// The code, as printed.
    pub code: String,
    /// What it proves.
    pub facts: Facts,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When a later event superseded it (an appeal that set the refusal aside); none while it
    /// stands.
    pub superseded_at: Option<DateTime<Utc>>,
}

/// The initials of a name as people write it («Айгерим Нурланова» → «А. Н.»).
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .take(3)
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

/// A code from 60 random bits (the low 60 of `random`), unformatted.
pub fn code(random: u64) -> String {
    (0..CODE_LEN)
        .map(|i| char::from(ALPHABET[((random >> (5 * i)) & 31) as usize]))
        .collect()
}

/// A code as printed: three groups of four.
pub fn printed(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, in its stored form; `None` when it cannot be one.
pub fn normalize(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\u{a0}' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// A date in `lang` at Kazakhstan's time.
fn day(lang: Lang, at: DateTime<Utc>) -> String {
    format_date(lang, (at + chrono::Duration::hours(5)).date_naive())
}

/// The lines a document shows, on the printable page and in the PDF alike.
pub fn lines(lang: Lang, v: &RecordView) -> Vec<(String, String)> {
    let f = &v.facts;
    let mut out = vec![
        (t(lang, Msg::DocNumber).to_owned(), f.number.to_string()),
        (
            t(lang, Msg::DocProgram).to_owned(),
            pick(lang, &f.program_ru, &f.program_kk).to_owned(),
        ),
        (
            t(lang, Msg::DocDecisionLabel).to_owned(),
            f.kind.decision(lang).to_owned(),
        ),
        (t(lang, Msg::DocDate).to_owned(), format_date(lang, f.date)),
    ];
    if let Some(amount) = f.amount_kzt {
        out.push((
            t(lang, Msg::DocAmount).to_owned(),
            Tenge(amount).format(lang),
        ));
    }
    out.push((t(lang, Msg::DocApplicant).to_owned(), f.initials.clone()));
    out
}

/// Whether it stands, in words.
pub fn standing(lang: Lang, v: &RecordView) -> String {
    match v.superseded_at {
        None => t(lang, Msg::DocCurrent).to_owned(),
        Some(at) => tf(lang, Msg::DocSuperseded, &[("date", &day(lang, at))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_never_the_whole_name() {
        assert_eq!(initials("Айгерим Нурланова"), "А.\u{a0}Н.");
        assert_eq!(initials("  жанна  "), "Ж.");
        assert_eq!(initials(""), "");
        assert_eq!(initials("Әсем Құрманқызы Бек Ұлы"), "Ә.\u{a0}Қ.\u{a0}Б.");
    }

    #[test]
    fn a_code_is_printed_in_groups_and_read_back_forgivingly() {
        let c = code(0x0FED_CBA9_8765_4321);
        assert_eq!(c.len(), CODE_LEN);
        let p = printed(&c);
        assert_eq!(p.len(), CODE_LEN + 2);
        assert_eq!(normalize(&p).as_deref(), Some(c.as_str()));
        assert_eq!(normalize(&p.to_lowercase()).as_deref(), Some(c.as_str()));
        assert_eq!(normalize("0000 0000 000O").as_deref(), Some("000000000000"));
        assert_eq!(normalize("IIII-LLLL-1111").as_deref(), Some("111111111111"));
        assert_eq!(normalize("short"), None);
        assert_eq!(
            normalize("UUUU-UUUU-UUUU"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(normalize("ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ"), None);
        // Different randoms, different codes.
        assert_ne!(code(1), code(2));
    }

    #[test]
    fn kinds_are_stored_by_name() {
        for k in [
            Kind::Receipt,
            Kind::Approved,
            Kind::Rejected,
            Kind::Disbursed,
        ] {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("letter"), None);
    }
}
