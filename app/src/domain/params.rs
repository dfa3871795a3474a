//! Decoding URL parameters, and the field-named errors every parser in the domain returns.
//!
//! Query strings are decoded here rather than by a framework extractor because the product
//! promises a clear, field-named error for every bad input, including bytes that are not UTF-8,
//! which lossy decoders silently turn into U+FFFD.

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, group_digits, t, tf};

mod query;
pub use query::{decode_query, encode_component};

/// A stable, machine-readable kind of field problem: what the JSON API's `code` says and what
/// decides the HTTP status of an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// `too_long`.
    TooLong,
    /// `unknown_value`.
    UnknownValue,
    /// `invalid_format`.
    InvalidFormat,
    /// `unknown_region`.
    UnknownRegion,
    /// `out_of_range`.
    OutOfRange,
    /// `not_a_number`.
    NotANumber,
    /// `invalid_encoding`.
    InvalidEncoding,
    /// `invalid_slug`.
    InvalidSlug,
    /// `not_accepted` (also what a code reads as where it is not decoded).
    #[default]
    NotAccepted,
    /// `taken`.
    Taken,
    /// `unknown_reference`.
    UnknownReference,
    /// `bad_login`.
    BadLogin,
    /// `password_too_short`.
    PasswordTooShort,
    /// `password_weak`.
    PasswordWeak,
    /// `required`.
    Required,
    /// `wrong_credentials`.
    WrongCredentials,
    /// `too_many_attempts`.
    TooManyAttempts,
    /// `link_invalid`.
    LinkInvalid,
    /// `account_exists`.
    AccountExists,
    /// `must_be_positive`.
    MustBePositive,
    /// `id_format`.
    IdFormat,
    /// `id_checksum`.
    IdChecksum,
    /// `id_date`.
    IdDate,
    /// `above_cap`.
    AboveCap,
    /// `below_min`.
    BelowMin,
    /// `not_a_date`.
    NotADate,
    /// `bad_phone`.
    BadPhone,
    /// `unknown_oked`.
    UnknownOked,
    /// `unsupported_type`.
    UnsupportedType,
    /// `too_large`.
    TooLarge,
    /// `conflict`.
    Conflict,
    /// `not_allowed`.
    NotAllowed,
    /// `program_closed`.
    ProgramClosed,
    /// `wrong_code`.
    WrongCode,
    /// `code_invalid`.
    CodeInvalid,
    /// `phone_unverified`.
    PhoneUnverified,
    /// `outside_okrug`.
    OutsideOkrug,
    /// `staff_account`.
    StaffAccount,
    /// `budget_exceeded`.
    BudgetExceeded,
    /// `below_approved`.
    BelowApproved,
}

impl ErrorCode {
    /// The code as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TooLong => "too_long",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::InvalidFormat => "invalid_format",
            ErrorCode::UnknownRegion => "unknown_region",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::NotANumber => "not_a_number",
            ErrorCode::InvalidEncoding => "invalid_encoding",
            ErrorCode::InvalidSlug => "invalid_slug",
            ErrorCode::NotAccepted => "not_accepted",
            ErrorCode::Taken => "taken",
            ErrorCode::UnknownReference => "unknown_reference",
            ErrorCode::BadLogin => "bad_login",
            ErrorCode::PasswordTooShort => "password_too_short",
            ErrorCode::PasswordWeak => "password_weak",
            ErrorCode::Required => "required",
            ErrorCode::WrongCredentials => "wrong_credentials",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::LinkInvalid => "link_invalid",
            ErrorCode::AccountExists => "account_exists",
            ErrorCode::MustBePositive => "must_be_positive",
            ErrorCode::IdFormat => "id_format",
            ErrorCode::IdChecksum => "id_checksum",
            ErrorCode::IdDate => "id_date",
            ErrorCode::AboveCap => "above_cap",
            ErrorCode::BelowMin => "below_min",
            ErrorCode::NotADate => "not_a_date",
            ErrorCode::BadPhone => "bad_phone",
            ErrorCode::UnknownOked => "unknown_oked",
            ErrorCode::UnsupportedType => "unsupported_type",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Conflict => "conflict",
            ErrorCode::NotAllowed => "not_allowed",
            ErrorCode::ProgramClosed => "program_closed",
            ErrorCode::WrongCode => "wrong_code",
            ErrorCode::CodeInvalid => "code_invalid",
            ErrorCode::PhoneUnverified => "phone_unverified",
            ErrorCode::OutsideOkrug => "outside_okrug",
            ErrorCode::StaffAccount => "staff_account",
            ErrorCode::BudgetExceeded => "budget_exceeded",
            ErrorCode::BelowApproved => "below_approved",
        }
    }
}

/// What is wrong with one input field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Problem {
    /// Longer than allowed.
    TooLong {
        /// Maximum in characters.
        max: usize,
    },
    /// Not a known kind of support.
    UnknownKind(String),
    /// Not a known sector.
    UnknownSector(String),
    /// Not a known sort order.
    UnknownSort(String),
    /// Not nine KATO digits.
    RegionFormat,
    /// Nine digits, but not a region.
    RegionUnknown(String),
    /// Page outside 1..=max.
    PageRange {
        /// Highest page allowed.
        max: u32,
    },
    /// Page size outside 1..=max.
    PerPageRange {
        /// Largest page size.
        max: u32,
    },
    /// Not a whole number.
    NotANumber,
    /// Bytes that are not UTF-8.
    Encoding,
    /// Not a valid programme slug.
    InvalidSlug,
    /// A value the field cannot take (a programme's figures out of range, a range upside down).
    NotAccepted,
    /// Already used by another record.
    Taken,
    /// Names something that does not exist (an operator, a location, a programme).
    UnknownReference(String),
    /// Neither a Kazakh mobile number nor an e-mail address.
    BadLogin,
    /// A password shorter than the minimum.
    PasswordTooShort {
        /// Minimum in characters.
        min: usize,
    },
    /// A password too easy to guess.
    PasswordWeak,
    /// A required field left empty.
    Required,
    /// Sign-in failed. Deliberately says nothing about which part was wrong.
    WrongCredentials,
    /// Too many attempts in a short time.
    TooManyAttempts {
        /// Minutes until the next attempt is accepted.
        minutes: u64,
    },
    /// A reset or invitation link that is unknown, used, revoked or expired.
    LinkInvalid,
    /// The phone number or e-mail is already registered.
    AccountExists,
    /// Zero or less where only a positive amount makes sense.
    MustBePositive,
    /// Not a percentage with at most two decimals.
    NotAPercent,
    /// Not 12 digits of an IIN or BIN (or a digit that cannot be there).
    IdFormat,
    /// An IIN or BIN whose check digit does not match: a mistyped digit.
    IdChecksum,
    /// An IIN or BIN whose date part is not a date.
    IdDate,
    /// More than the programme lends.
    AmountAboveCap {
        /// The programme's largest amount, in whole tenge.
        max_tenge: i64,
    },
    /// Less than the programme lends.
    AmountBelowMin {
        /// The programme's smallest amount, in whole tenge.
        min_tenge: i64,
    },
    /// Not a date (or a month) in the expected form, or a date that cannot be right.
    NotADate,
    /// Not a Kazakh mobile number.
    BadPhone,
    /// An IIN already in another person's profile.
    IdTaken,
    /// A choice the list does not offer.
    UnknownChoice(String),
    /// Not a division of the OKED classifier.
    OkedUnknown,
    /// A number outside `min..=max`.
    OutOfRange {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A file that is not a PDF, JPEG or PNG by its content (whatever its name says).
    FileType,
    /// A file over the size limit.
    FileTooLarge {
        /// The limit, in megabytes.
        max_mb: u64,
    },
    /// A change based on an older version than the record's.
    Conflict {
        /// The version now.
        current: i32,
    },
    /// A step the record's state does not allow now (or that is someone else's to make).
    NotNow {
        /// The state it is in.
        state: super::application::State,
    },
    /// The programme does not take applications now.
    ProgramClosed,
    /// A confirmation code that is wrong, used or expired.
    WrongCode,
    /// A code the person was sent by SMS that is wrong, used, expired or tried too often.
    CodeInvalid,
    /// The account's phone number is not proved by a code yet.
    PhoneUnverified,
    /// A place outside the okrug of the person acting.
    OutsideOkrug,
    /// A phone number that belongs to a staff account, not a resident's.
    StaffAccount,
    /// A budget set below what has already been approved from it.
    BelowApproved {
        /// Approved so far, whole tenge.
        approved_kzt: i64,
    },
    /// An approval larger than what is left of a budget envelope.
    BudgetExceeded {
        /// The envelope: the programme's whole budget (empty) or a region's name.
        area: String,
        /// What is left, whole tenge.
        remaining_kzt: i64,
        /// What the approval asked for.
        requested_kzt: i64,
    },
    /// A file's header split by none of the separators accepted (a comma, a semicolon, a tab).
    Separator,
    /// A column the file must have is not in its header (the field names the column).
    ColumnMissing,
    /// A column named twice in a file's header (the field names the column).
    ColumnRepeated,
    /// A line of a file with another number of fields than its header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields on the line.
        found: usize,
    },
    /// A line of a file whose double quotes do not pair up: a quoted value not closed on its
    /// line, a quote inside a value not quoted, text after a closing quote.
    Quotes,
    /// Invisible control or formatting characters inside a value.
    ControlCharacter,
    /// A date later than today.
    DateInFuture,
    /// A date before the earliest year accepted.
    DateTooEarly {
        /// The earliest year accepted.
        year: i32,
    },
    /// Not an amount of tenge with at most two decimals.
    NotAnAmount,
    /// An amount too large to be right (a sum in tiyn typed as tenge, a lost decimal point).
    AmountTooLarge {
        /// The largest amount accepted, whole tenge.
        max_tenge: i64,
    },
    /// A value that must be unique within a file, already on an earlier line of it.
    DuplicateInFile {
        /// The line it first appears on (1-based, the header is line 1).
        line: usize,
    },
    /// A reversal naming its own reference as the repayment it cancels.
    ReversesItself,
    /// A complaint already answered (answers are not changed).
    AlreadyAnswered,
    /// A complaint about an akimat with neither an application nor a settlement in the
    /// profile: which akimat is not known.
    AkimatUnknown,
    /// A file with more lines of data than accepted.
    TooManyLines {
        /// The most lines of data accepted.
        max: usize,
    },
    /// A repayment dated before its loan was paid out.
    BeforeDisbursement,
    /// No loan of the caller's organisation has this application number.
    NoSuchLoan,
    /// A reversal whose amount is not that of the repayment it cancels.
    ReversalAmount,
    /// A reversal of a repayment the loan does not have (or one already reversed).
    NothingToReverse,
    /// A reference the loan already has, recorded with another date or amount.
    ReferenceRecorded,
    /// An appeal filed after the period the programme gives.
    AppealLate {
        /// The last day it could be filed.
        last_day: chrono::NaiveDate,
    },
}

/// A problem with a named input field: what every parser returns for bad input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{field}: {problem:?}")]
pub struct FieldError {
    /// The parameter or form field, as the client named it.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldError {
        FieldError {
            field: field.into(),
            problem,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The kind of problem, as API clients tell them apart.
    pub fn kind(&self) -> ErrorCode {
        match self.problem {
            Problem::TooLong { .. } => ErrorCode::TooLong,
            Problem::UnknownKind(_) | Problem::UnknownSector(_) | Problem::UnknownSort(_) => {
                ErrorCode::UnknownValue
            }
            Problem::RegionFormat => ErrorCode::InvalidFormat,
            Problem::RegionUnknown(_) => ErrorCode::UnknownRegion,
            Problem::PageRange { .. } | Problem::PerPageRange { .. } => ErrorCode::OutOfRange,
            Problem::NotANumber => ErrorCode::NotANumber,
            Problem::Encoding => ErrorCode::InvalidEncoding,
            Problem::InvalidSlug => ErrorCode::InvalidSlug,
            Problem::NotAccepted => ErrorCode::NotAccepted,
            Problem::Taken => ErrorCode::Taken,
            Problem::UnknownReference(_) => ErrorCode::UnknownReference,
            Problem::BadLogin => ErrorCode::BadLogin,
            Problem::PasswordTooShort { .. } => ErrorCode::PasswordTooShort,
            Problem::PasswordWeak => ErrorCode::PasswordWeak,
            Problem::Required => ErrorCode::Required,
            Problem::WrongCredentials => ErrorCode::WrongCredentials,
            Problem::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            Problem::LinkInvalid => ErrorCode::LinkInvalid,
            Problem::AccountExists => ErrorCode::AccountExists,
            Problem::MustBePositive => ErrorCode::MustBePositive,
            Problem::NotAPercent => ErrorCode::NotANumber,
            Problem::IdFormat => ErrorCode::IdFormat,
            Problem::IdChecksum => ErrorCode::IdChecksum,
            Problem::IdDate => ErrorCode::IdDate,
            Problem::AmountAboveCap { .. } => ErrorCode::AboveCap,
            Problem::AmountBelowMin { .. } => ErrorCode::BelowMin,
            Problem::OutOfRange { .. } => ErrorCode::OutOfRange,
            Problem::NotADate => ErrorCode::NotADate,
            Problem::BadPhone => ErrorCode::BadPhone,
            Problem::IdTaken => ErrorCode::Taken,
            Problem::UnknownChoice(_) => ErrorCode::UnknownValue,
            Problem::OkedUnknown => ErrorCode::UnknownOked,
            Problem::FileType => ErrorCode::UnsupportedType,
            Problem::FileTooLarge { .. } => ErrorCode::TooLarge,
            Problem::Conflict { .. } => ErrorCode::Conflict,
            Problem::NotNow { .. } | Problem::AppealLate { .. } => ErrorCode::NotAllowed,
            Problem::ProgramClosed => ErrorCode::ProgramClosed,
            Problem::WrongCode => ErrorCode::WrongCode,
            Problem::CodeInvalid => ErrorCode::CodeInvalid,
            Problem::PhoneUnverified => ErrorCode::PhoneUnverified,
            Problem::OutsideOkrug => ErrorCode::OutsideOkrug,
            Problem::AlreadyAnswered => ErrorCode::NotAllowed,
            Problem::AkimatUnknown => ErrorCode::Required,
            Problem::StaffAccount => ErrorCode::StaffAccount,
            Problem::BudgetExceeded { .. } => ErrorCode::BudgetExceeded,
            Problem::BelowApproved { .. } => ErrorCode::BelowApproved,
            Problem::Separator
            | Problem::ColumnMissing
            | Problem::ColumnRepeated
            | Problem::FieldCount { .. }
            | Problem::Quotes
            | Problem::ControlCharacter => ErrorCode::InvalidFormat,
            Problem::DateInFuture | Problem::DateTooEarly { .. } => ErrorCode::NotADate,
            Problem::NotAnAmount => ErrorCode::NotANumber,
            Problem::AmountTooLarge { .. } => ErrorCode::OutOfRange,
            Problem::DuplicateInFile { .. } => ErrorCode::Taken,
            Problem::ReversesItself => ErrorCode::NotAccepted,
            Problem::TooManyLines { .. } => ErrorCode::TooLarge,
            Problem::BeforeDisbursement => ErrorCode::NotADate,
            Problem::NoSuchLoan | Problem::NothingToReverse => ErrorCode::UnknownValue,
            Problem::ReversalAmount => ErrorCode::NotAccepted,
            Problem::ReferenceRecorded => ErrorCode::Taken,
        }
    }

    /// The message for the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match &self.problem {
            Problem::TooLong { max } => {
                tf(lang, Msg::ErrorQueryTooLong, &[("max", &max.to_string())])
            }
            Problem::PageRange { max } | Problem::PerPageRange { max } => tf(
                lang,
                max_message(&self.problem),
                &[("max", &max.to_string())],
            ),
            Problem::UnknownKind(v) => tf(lang, Msg::ErrorUnknownKind, &[("value", &echo(v))]),
            Problem::UnknownSector(v) => tf(lang, Msg::ErrorUnknownSector, &[("value", &echo(v))]),
            Problem::UnknownSort(v) => tf(lang, Msg::ErrorUnknownSort, &[("value", &echo(v))]),
            Problem::RegionFormat => tf(lang, Msg::ErrorRegionFormat, &[]),
            Problem::RegionUnknown(v) => tf(lang, Msg::ErrorRegionUnknown, &[("value", &echo(v))]),
            Problem::NotANumber => tf(lang, Msg::ErrorNotANumber, &[]),
            // An uploaded file's own problems: said of the file, not of a form field.
            Problem::Encoding | Problem::Required if self.field == FILE => {
                file_message(&self.problem, lang)
            }
            Problem::Encoding | Problem::NotAccepted | Problem::Taken => tf(
                lang,
                naming_message(&self.problem),
                &[("field", &echo(&self.field))],
            ),
            Problem::InvalidSlug => tf(lang, Msg::ErrorInvalidSlug, &[]),
            Problem::UnknownReference(v) => {
                tf(lang, Msg::ErrorUnknownReference, &[("value", &echo(v))])
            }
            Problem::BadLogin => tf(lang, Msg::ErrorBadLogin, &[]),
            Problem::PasswordTooShort { min } => tf(
                lang,
                Msg::ErrorPasswordTooShort,
                &[("min", &min.to_string())],
            ),
            Problem::PasswordWeak => tf(lang, Msg::ErrorPasswordWeak, &[]),
            Problem::Required => tf(lang, Msg::ErrorRequired, &[]),
            Problem::TooManyAttempts { minutes } => tf(
                lang,
                Msg::ErrorTooManyAttempts,
                &[("minutes", &minutes.to_string())],
            ),
            Problem::MustBePositive => tf(lang, Msg::ErrorMustBePositive, &[]),
            Problem::NotAPercent => tf(lang, Msg::ErrorNotAPercent, &[]),
            Problem::IdFormat => tf(lang, Msg::ErrorIdFormat, &[]),
            Problem::IdChecksum => tf(lang, Msg::ErrorIdChecksum, &[]),
            Problem::IdDate => tf(lang, Msg::ErrorIdDate, &[]),
            Problem::AmountAboveCap { max_tenge } => tf(
                lang,
                Msg::ErrorAmountAboveCap,
                &[("max", &super::money::Tenge(*max_tenge).format(lang))],
            ),
            Problem::AmountBelowMin { min_tenge } => tf(
                lang,
                Msg::ErrorAmountBelowMin,
                &[("min", &super::money::Tenge(*min_tenge).format(lang))],
            ),
            Problem::NotADate => tf(lang, Msg::ErrorNotADate, &[]),
            Problem::BadPhone => tf(lang, Msg::ErrorBadPhone, &[]),
            Problem::IdTaken => tf(lang, Msg::ErrorIdTaken, &[]),
            Problem::UnknownChoice(v) => tf(lang, Msg::ErrorUnknownChoice, &[("value", &echo(v))]),
            Problem::OkedUnknown => tf(lang, Msg::ErrorOkedUnknown, &[]),
            Problem::OutOfRange { min, max } => tf(
                lang,
                Msg::ErrorOutOfRange,
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ),
            Problem::FileType => tf(lang, Msg::ErrorFileType, &[]),
            Problem::FileTooLarge { max_mb } => tf(
                lang,
                Msg::ErrorFileTooLarge,
                &[("max", &max_mb.to_string())],
            ),
            Problem::Conflict { .. }
            | Problem::NotNow { .. }
            | Problem::ProgramClosed
            | Problem::AppealLate { .. } => self.step_message(lang),
            Problem::WrongCode
            | Problem::CodeInvalid
            | Problem::PhoneUnverified
            | Problem::WrongCredentials
            | Problem::LinkInvalid
            | Problem::AccountExists => account_message(&self.problem, lang),
            Problem::OutsideOkrug => tf(lang, Msg::ErrorOutsideOkrug, &[]),
            Problem::AlreadyAnswered => tf(lang, Msg::ErrorAlreadyAnswered, &[]),
            Problem::AkimatUnknown => tf(lang, Msg::ErrorAkimatUnknown, &[]),
            Problem::StaffAccount => tf(lang, Msg::ErrorStaffAccount, &[]),
            Problem::BelowApproved { approved_kzt } => tf(
                lang,
                Msg::ErrorBelowApproved,
                &[("approved", &super::money::Tenge(*approved_kzt).format(lang))],
            ),
            Problem::BudgetExceeded {
                area,
                remaining_kzt,
                requested_kzt,
            } => budget_exceeded_message(area, *remaining_kzt, *requested_kzt, lang),
            Problem::Separator
            | Problem::ColumnMissing
            | Problem::ColumnRepeated
            | Problem::FieldCount { .. }
            | Problem::Quotes
            | Problem::ControlCharacter
            | Problem::DateInFuture
            | Problem::DateTooEarly { .. }
            | Problem::NotAnAmount
            | Problem::AmountTooLarge { .. }
            | Problem::DuplicateInFile { .. }
            | Problem::ReversesItself
            | Problem::TooManyLines { .. }
            | Problem::BeforeDisbursement
            | Problem::NoSuchLoan
            | Problem::ReversalAmount
            | Problem::NothingToReverse
            | Problem::ReferenceRecorded => self.import_message(lang),
        }
    }

    /// The message of a step refused for when it comes (a change first, a state, a deadline).
    fn step_message(&self, lang: Lang) -> String {
        match &self.problem {
            Problem::Conflict { current } => tf(
                lang,
                Msg::ErrorConflict,
                &[("version", &current.to_string())],
            ),
            Problem::NotNow { state } => {
                tf(lang, Msg::ErrorNotNow, &[("state", state.label(lang))])
            }
            Problem::AppealLate { last_day } => tf(
                lang,
                Msg::ErrorAppealLate,
                &[("date", &super::i18n::format_date(lang, *last_day))],
            ),
            _ => tf(lang, Msg::ErrorProgramClosed, &[]),
        }
    }

    /// The message of a problem found reading an uploaded file (see
    /// `domain::repayment::import`), kept apart so [`FieldError::message`] stays readable.
    fn import_message(&self, lang: Lang) -> String {
        let field = echo(&self.field);
        let (msg, args): (Msg, Vec<(&str, String)>) = match &self.problem {
            Problem::Separator => (Msg::ErrorSeparator, vec![]),
            Problem::ColumnMissing => (Msg::ErrorColumnMissing, vec![("field", field)]),
            Problem::ColumnRepeated => (Msg::ErrorColumnRepeated, vec![("field", field)]),
            Problem::FieldCount { expected, found } => (
                Msg::ErrorFieldCount,
                vec![
                    ("expected", expected.to_string()),
                    ("found", found.to_string()),
                ],
            ),
            Problem::Quotes => (Msg::ErrorQuotes, vec![]),
            Problem::ControlCharacter => (Msg::ErrorControlCharacter, vec![]),
            Problem::DateInFuture => (Msg::ErrorDateInFuture, vec![]),
            Problem::DateTooEarly { year } => {
                (Msg::ErrorDateTooEarly, vec![("year", year.to_string())])
            }
            Problem::AmountTooLarge { max_tenge } => (
                Msg::ErrorAmountTooLarge,
                vec![("max", super::money::Tenge(*max_tenge).format(lang))],
            ),
            Problem::DuplicateInFile { line } => {
                (Msg::ErrorDuplicateInFile, vec![("line", line.to_string())])
            }
            Problem::ReversesItself => (Msg::ErrorReversesItself, vec![]),
            Problem::BeforeDisbursement => (Msg::ErrorBeforeDisbursement, vec![]),
            Problem::NoSuchLoan => (Msg::ErrorNoSuchLoan, vec![]),
            Problem::ReversalAmount => (Msg::ErrorReversalAmount, vec![]),
            Problem::NothingToReverse => (Msg::ErrorNothingToReverse, vec![]),
            Problem::ReferenceRecorded => (Msg::ErrorReferenceRecorded, vec![]),
            Problem::TooManyLines { max } => (
                Msg::ErrorTooManyLines,
                vec![(
                    "max",
                    group_digits(lang, i128::try_from(*max).unwrap_or(i128::MAX)),
                )],
            ),
            // `NotAnAmount`, the last of the file's problems.
            _ => (Msg::ErrorNotAnAmount, vec![]),
        };
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, msg, &args)
    }
}

/// The field an uploaded file's own problems name (its encoding, its header, its length), as
/// opposed to one of its columns.
pub const FILE: &str = "file";

/// The message of a problem with a whole uploaded file, whose field is [`FILE`]: the generic
/// wording ("the parameter «file» has invalid characters", "fill in this field") would not
/// tell an operator how to fix the file.
fn file_message(problem: &Problem, lang: Lang) -> String {
    let msg = match problem {
        Problem::Encoding => Msg::ErrorFileEncoding,
        _ => Msg::ErrorFileEmpty,
    };
    tf(lang, msg, &[])
}

/// A user's value repeated in a message, cut short so a huge input is not echoed back whole.
fn echo(value: &str) -> String {
    const MAX: usize = 40;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        let mut cut: String = value.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}

/// A whole number typed by a person: spaces (also non-breaking) and the ₸ sign are allowed.
pub fn parse_count(field: &str, raw: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '₸' && *c != '\u{a0}')
        .collect();
    if cleaned.is_empty() || !cleaned.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(FieldError::new(field, Problem::NotANumber));
    }
    let n: i64 = cleaned
        .parse()
        .map_err(|_| FieldError::new(field, Problem::OutOfRange { min, max }))?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(FieldError::new(field, Problem::OutOfRange { min, max }))
    }
}

/// The message of a problem that names its field.
fn naming_message(problem: &Problem) -> Msg {
    match problem {
        Problem::Encoding => Msg::ErrorEncoding,
        Problem::NotAccepted => Msg::ErrorNotAccepted,
        _ => Msg::ErrorTaken,
    }
}

/// The message of a page number or page size over its maximum.
fn max_message(problem: &Problem) -> Msg {
    match problem {
        Problem::PageRange { .. } => Msg::ErrorPageRange,
        _ => Msg::ErrorPerPageRange,
    }
}

/// The message of a problem with an account, a password or a code (sent by SMS, or read back
/// to the akimat): none takes a value.
fn account_message(problem: &Problem, lang: Lang) -> String {
    let msg = match problem {
        Problem::CodeInvalid => Msg::ErrorCodeInvalid,
        Problem::PhoneUnverified => Msg::ErrorPhoneUnverified,
        Problem::WrongCredentials => Msg::ErrorWrongCredentials,
        Problem::LinkInvalid => Msg::ErrorLinkInvalid,
        Problem::AccountExists => Msg::ErrorAccountExists,
        _ => Msg::ErrorWrongCode,
    };
    tf(lang, msg, &[])
}

/// The message of an approval larger than what is left of the budget envelope `area` (the
/// programme's whole budget when empty).
fn budget_exceeded_message(
    area: &str,
    remaining_kzt: i64,
    requested_kzt: i64,
    lang: Lang,
) -> String {
    let area = if area.is_empty() {
        t(lang, Msg::BudgetWhole)
    } else {
        area
    };
    tf(
        lang,
        Msg::ErrorBudgetExceeded,
        &[
            ("area", area),
            (
                "remaining",
                &super::money::Tenge(remaining_kzt).format(lang),
            ),
            (
                "requested",
                &super::money::Tenge(requested_kzt).format(lang),
            ),
        ],
    )
}

#[cfg(test)]
mod tests;
