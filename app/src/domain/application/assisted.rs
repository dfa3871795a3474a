//! Assisted filing's forms, each read once at its door into a typed command: akimat staff send
//! a resident a consent code ([`SendConsentCode`]), and start an application for them with the
//! resident's consent ([`StartAssisted`]). The reading checks only what the form itself says
//! (a name, a phone number, a KATO code's shape, a programme chosen, the consent's method with
//! its code or its scan); what needs the database (the settlement in the staff member's okrug,
//! the programme open today, the code sent and not spent, the resident's account) is the use
//! case's, after it has found the caller to be akimat staff.

use super::form::{MAX_DOCUMENT, clean_file_name, sniff};
use crate::domain::account::{Login, parse_display_name};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};

/// The form's fields.
pub mod field {
    /// The resident's name.
    pub const NAME: &str = "name";
    /// The resident's phone.
    pub const PHONE: &str = "phone";
    /// The resident's settlement (KATO code).
    pub const SETTLEMENT: &str = "settlement";
    /// The programme's slug.
    pub const PROGRAM: &str = "program";
    /// `paper` or `phone_code`.
    pub const METHOD: &str = "method";
    /// The code the resident read back.
    pub const CODE: &str = "code";
    /// The scan of the signed consent.
    pub const SCAN: &str = "consent_scan";
}

/// The last value posted for `name`, trimmed (`""` when there is none).
fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The resident's phone number, written one way.
fn phone(pairs: &[(String, String)]) -> Result<String, FieldError> {
    let raw = get(pairs, field::PHONE);
    if raw.is_empty() {
        return Err(FieldError::new(field::PHONE, Problem::Required));
    }
    match Login::parse(field::PHONE, raw)? {
        Login::Phone(p) => Ok(p),
        Login::Email(_) => Err(FieldError::new(field::PHONE, Problem::BadPhone)),
    }
}

/// "Send the resident a consent code": the resident's phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendConsentCode {
    /// The resident's phone number.
    pub phone: String,
}

impl SendConsentCode {
    /// From the form's fields (the others are not read).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<SendConsentCode, FieldError> {
        Ok(SendConsentCode {
            phone: phone(pairs)?,
        })
    }
}

/// The scan of the consent form the resident signed, checked by its size and content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan<'a> {
    /// Its file name, cleaned.
    pub file_name: String,
    /// Its type, by its content.
    pub content_type: &'static str,
    /// The file.
    pub bytes: &'a [u8],
}

/// How the resident consented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Consent<'a> {
    /// A signed paper form (`paper`), scanned.
    Paper(Scan<'a>),
    /// The code sent to their phone, read back (`phone_code`); the use case checks it.
    PhoneCode(String),
}

impl Consent<'_> {
    /// The method as the form and the filing's record name it.
    pub fn method(&self) -> &'static str {
        match self {
            Consent::Paper(_) => "paper",
            Consent::PhoneCode(_) => "phone_code",
        }
    }

    /// The consent the form names; `scan` is the file posted as [`field::SCAN`], if any.
    fn from_form<'a>(
        pairs: &[(String, String)],
        scan: Option<(&str, &'a [u8])>,
    ) -> Result<Consent<'a>, FieldError> {
        match get(pairs, field::METHOD) {
            "paper" => {
                let (file_name, bytes) =
                    scan.ok_or_else(|| FieldError::new(field::SCAN, Problem::Required))?;
                if bytes.len() > MAX_DOCUMENT {
                    return Err(FieldError::new(
                        field::SCAN,
                        Problem::FileTooLarge {
                            max_mb: (MAX_DOCUMENT / (1024 * 1024)) as u64,
                        },
                    ));
                }
                let content_type =
                    sniff(bytes).ok_or_else(|| FieldError::new(field::SCAN, Problem::FileType))?;
                Ok(Consent::Paper(Scan {
                    file_name: clean_file_name(file_name),
                    content_type,
                    bytes,
                }))
            }
            "phone_code" => match get(pairs, field::CODE) {
                "" => Err(FieldError::new(field::CODE, Problem::Required)),
                typed => Ok(Consent::PhoneCode(typed.to_owned())),
            },
            "" => Err(FieldError::new(field::METHOD, Problem::Required)),
            other => Err(FieldError::new(
                field::METHOD,
                Problem::UnknownChoice(other.to_owned()),
            )),
        }
    }
}

/// "Start an application for a resident": who they are, where they live, the programme, and
/// their consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartAssisted<'a> {
    /// The resident's name.
    pub name: String,
    /// The resident's phone number.
    pub phone: String,
    /// The resident's settlement (the use case checks it exists, in the okrug).
    pub settlement: KatoCode,
    /// The programme's slug (the use case checks it takes applications).
    pub program: String,
    /// The resident's consent.
    pub consent: Consent<'a>,
}

impl<'a> StartAssisted<'a> {
    /// From the form's fields and the consent scan posted with them, if any; the first bad
    /// field is named, in the order of the form.
    pub fn from_form(
        pairs: &[(String, String)],
        scan: Option<(&str, &'a [u8])>,
    ) -> Result<StartAssisted<'a>, FieldError> {
        let name = parse_display_name(field::NAME, get(pairs, field::NAME))?;
        let phone = phone(pairs)?;
        let settlement = KatoCode::parse(get(pairs, field::SETTLEMENT))
            .map_err(|_| FieldError::new(field::SETTLEMENT, Problem::IdFormat))?;
        let program = match get(pairs, field::PROGRAM) {
            "" => return Err(FieldError::new(field::PROGRAM, Problem::Required)),
            slug => slug.to_owned(),
        };
        Ok(StartAssisted {
            name,
            phone,
            settlement,
            program,
            consent: Consent::from_form(pairs, scan)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn form(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut fields = pairs(&[
            (field::NAME, "  Сәуле   Жұмабаева "),
            (field::PHONE, "8 701 999 88 77"),
            (field::SETTLEMENT, "101033100"),
            (field::PROGRAM, "auyl-amanaty-microcredit"),
        ]);
        fields.extend(pairs(extra));
        fields
    }

    #[test]
    fn a_consent_code_goes_to_a_phone_number() {
        let c = SendConsentCode::from_pairs(&pairs(&[
            ("action", "send_code"),
            ("phone", "+7 701 999 88 77"),
        ]))
        .expect("a phone");
        assert_eq!(c.phone, "+77019998877");
        for (phone, problem) in [
            ("", Problem::Required),
            ("resident@example.kz", Problem::BadPhone),
            ("12", Problem::BadLogin),
        ] {
            let e =
                SendConsentCode::from_pairs(&pairs(&[(field::PHONE, phone)])).expect_err("refused");
            assert_eq!(
                (e.field.as_str(), e.problem),
                (field::PHONE, problem),
                "{phone}"
            );
        }
    }

    #[test]
    fn a_filing_is_read_with_its_consent() {
        let s = StartAssisted::from_form(
            &form(&[(field::METHOD, "paper")]),
            Some(("Согласие.pdf", PDF)),
        )
        .expect("a filing");
        assert_eq!(
            (
                s.name.as_str(),
                s.phone.as_str(),
                s.settlement.as_str(),
                s.program.as_str()
            ),
            (
                "Сәуле Жұмабаева",
                "+77019998877",
                "101033100",
                "auyl-amanaty-microcredit"
            )
        );
        assert_eq!(s.consent.method(), "paper");
        let s = StartAssisted::from_form(
            &form(&[(field::METHOD, "phone_code"), (field::CODE, " 123456 ")]),
            Some(("ignored.pdf", PDF)),
        )
        .expect("a filing");
        assert_eq!(s.consent, Consent::PhoneCode("123456".into()));
    }

    #[test]
    fn each_bad_field_of_a_filing_is_named() {
        type Case<'a> = (
            Vec<(String, String)>,
            Option<(&'a str, &'a [u8])>,
            &'a str,
            Problem,
        );
        let big = vec![0u8; MAX_DOCUMENT + 1];
        let paper = [(field::METHOD, "paper")];
        let cases: Vec<Case<'_>> = vec![
            (pairs(&[]), None, field::NAME, Problem::Required),
            (
                pairs(&[(field::NAME, "Сәуле")]),
                None,
                field::PHONE,
                Problem::Required,
            ),
            (
                form(&[(field::SETTLEMENT, "10103")]),
                None,
                field::SETTLEMENT,
                Problem::IdFormat,
            ),
            (
                form(&[(field::PROGRAM, " ")]),
                None,
                field::PROGRAM,
                Problem::Required,
            ),
            (form(&[]), None, field::METHOD, Problem::Required),
            (
                form(&[(field::METHOD, "verbal")]),
                None,
                field::METHOD,
                Problem::UnknownChoice("verbal".into()),
            ),
            (form(&paper), None, field::SCAN, Problem::Required),
            (
                form(&paper),
                Some(("consent.txt", b"I agree".as_slice())),
                field::SCAN,
                Problem::FileType,
            ),
            (
                form(&paper),
                Some(("big.pdf", big.as_slice())),
                field::SCAN,
                Problem::FileTooLarge { max_mb: 10 },
            ),
            (
                form(&[(field::METHOD, "phone_code")]),
                None,
                field::CODE,
                Problem::Required,
            ),
        ];
        for (fields, scan, name, problem) in cases {
            let e = StartAssisted::from_form(&fields, scan).expect_err("refused");
            assert_eq!((e.field.as_str(), e.problem), (name, problem), "{fields:?}");
        }
    }
}
