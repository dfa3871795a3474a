//! Reading a file of repayments that an operator uploads: a lender's or a bank's CSV export,
//! one repayment per line.
//!
//! The file is taken whole or not at all: either every line is good, or the operator gets the
//! problem of every bad line (its number and the column at fault) and corrects the file, so a
//! half-imported file never has to be untangled. Nothing here touches the database: whether an
//! application exists, or a reference was already recorded, is the caller's to check.
//!
//! What the files look like in practice decides what is accepted: Kazakh banks' Excel exports
//! separate columns with `;` and write `1 234,56` and `31.12.2026`; other tools write `,` or a
//! tab, `1234.56` and `2026-12-31`. Column names may be English, Russian or Kazakh, in any
//! order, among columns of the bank's own that are ignored.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Repayment;
use crate::domain::money::Tiyn;
use crate::domain::params::{FILE, FieldError, Problem};

/// The most lines of data (the header and blank lines aside) a file may have.
pub const MAX_LINES: usize = 200_000;

/// The longest reference, in characters.
pub const MAX_REFERENCE: usize = 64;

/// The most line errors returned: beyond that the file is wrong throughout (a wrong column,
/// a wrong export) and a longer list would not help.
pub const MAX_ERRORS: usize = 1_000;

/// The largest amount believed, in whole tenge: more is a typing or an export mistake (an
/// amount in tiyn, a lost decimal point), whatever the loan.
pub const MAX_AMOUNT_TENGE: i64 = 10_000_000_000;

/// The earliest year a repayment may be dated: the fund's loans are younger, so an earlier
/// date is a mistyped year.
pub const EARLIEST_YEAR: i32 = 2000;

/// One good line of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    /// The line's number in the file, 1-based (the header is line 1).
    pub line: usize,
    /// The application (the loan) the repayment is for.
    pub application_id: i32,
    /// The lender's reference of the repayment, trimmed.
    pub reference: String,
    /// The day the money arrived.
    pub paid_on: NaiveDate,
    /// The amount, positive.
    pub amount: Tiyn,
    /// For a reversal: the reference of the repayment it cancels.
    pub reverses: Option<String>,
}

impl ImportLine {
    /// The repayment the line records.
    pub fn repayment(&self) -> Repayment {
        Repayment {
            reference: self.reference.clone(),
            paid_on: self.paid_on,
            amount: self.amount,
            reverses: self.reverses.clone(),
        }
    }
}

/// A refused line: its number and the field (the column, or [`FILE`]) at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    /// The line's number in the file, 1-based (the header is line 1).
    pub line: usize,
    /// The column at fault, by its canonical name (`application`, `reference`, `paid_on`,
    /// `amount`, `reverses`), or [`FILE`] for the file's shape, and what is wrong.
    pub error: FieldError,
}

impl LineError {
    fn new(line: usize, field: &str, problem: Problem) -> LineError {
        LineError {
            line,
            error: FieldError::new(field, problem),
        }
    }
}

/// Parses the whole file (`today` bounds the dates). Either every line is good (`Ok`, in the
/// order of the file) or the errors of the bad lines (`Err`, in the order of the file, at most
/// one per line and at most [`MAX_ERRORS`]).
///
/// A file that cannot be read as a table (not UTF-8, no header, no lines of data, too many of
/// them, a header without the columns needed) gives that one error. A UTF-8 byte order mark is
/// skipped; lines end in LF or CRLF; blank lines, and lines whose every field is blank (Excel
/// writes `;;;` for formatted empty rows), are skipped but keep their numbers.
pub fn parse(bytes: &[u8], today: NaiveDate) -> Result<Vec<ImportLine>, Vec<LineError>> {
    let (good, errors) = read(bytes, today)?;
    if errors.is_empty() {
        Ok(good)
    } else {
        Err(errors)
    }
}

/// A file's good lines and the errors of its bad ones.
pub type Read = (Vec<ImportLine>, Vec<LineError>);

/// Reads the whole file into its good lines and the errors of its bad ones (both in the
/// order of the file), so that a caller checking the good lines further (against the loans)
/// names every bad line at once; `Err` when the file cannot be read as a table at all (see
/// [`parse`]).
pub fn read(bytes: &[u8], today: NaiveDate) -> Result<Read, Vec<LineError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        vec![LineError::new(line, FILE, Problem::Encoding)]
    })?;
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_line, header)) = lines.next() else {
        return Err(vec![LineError::new(1, FILE, Problem::Required)]);
    };
    let layout = Layout::of(header).map_err(|e| {
        vec![LineError {
            line: header_line,
            error: e,
        }]
    })?;

    let mut good = Vec::new();
    let mut errors = Vec::new();
    // Each reference and the line it first appears on: one look-up per line keeps a file of a
    // hundred thousand lines linear.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut count = 0;
    for (number, text) in lines {
        let read = match split(text, layout.separator) {
            Ok(fields) if fields.iter().all(|f| f.trim().is_empty()) => continue,
            Ok(fields) if fields.len() != layout.width => Err(FieldError::new(
                FILE,
                Problem::FieldCount {
                    expected: layout.width,
                    found: fields.len(),
                },
            )),
            Ok(fields) => layout.read(number, &fields, today, &mut seen),
            Err(problem) => Err(FieldError::new(FILE, problem)),
        };
        count += 1;
        if count > MAX_LINES {
            // The file is refused as a whole: its other errors do not matter until it is split.
            return Err(vec![LineError::new(
                number,
                FILE,
                Problem::TooManyLines { max: MAX_LINES },
            )]);
        }
        match read {
            Ok(line) => good.push(line),
            Err(error) => {
                // Past the cap the lines are still read, to find a file too long.
                if errors.len() < MAX_ERRORS {
                    errors.push(LineError {
                        line: number,
                        error,
                    });
                }
            }
        }
    }
    if good.is_empty() && errors.is_empty() {
        return Err(vec![LineError::new(header_line, FILE, Problem::Required)]);
    }
    Ok((good, errors))
}

/// A column the parser knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Application,
    Reference,
    PaidOn,
    Amount,
    Reverses,
}

impl Column {
    /// The columns a file must have, in the order a missing one is reported.
    const REQUIRED: [Column; 4] = [
        Column::Application,
        Column::Reference,
        Column::PaidOn,
        Column::Amount,
    ];

    /// The canonical name: what a [`LineError`]'s field says.
    fn name(self) -> &'static str {
        match self {
            Column::Application => "application",
            Column::Reference => "reference",
            Column::PaidOn => "paid_on",
            Column::Amount => "amount",
            Column::Reverses => "reverses",
        }
    }

    /// The column a header cell names, lower-cased with its spaces collapsed: the canonical
    /// name, or the Russian and Kazakh names lenders' exports use.
    fn of_header(cell: &str) -> Option<Column> {
        let name = cell.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match name.to_lowercase().as_str() {
            "application" | "application_id" | "заявка" | "№ заявки" | "өтінім" => {
                Column::Application
            }
            "reference" | "ref" | "референс" | "номер платежа" | "төлем нөмірі" => {
                Column::Reference
            }
            "paid_on" | "date" | "дата" | "дата платежа" | "төлем күні" => {
                Column::PaidOn
            }
            "amount" | "сумма" | "сома" => Column::Amount,
            "reverses" | "отменяет" | "сторно" | "жояды" => Column::Reverses,
            _ => return None,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The shape of a file, read from its header.
#[derive(Debug)]
struct Layout {
    /// What separates the fields.
    separator: char,
    /// How many fields every line has.
    width: usize,
    /// The position of each known column on a line, by [`Column::index`].
    positions: [Option<usize>; 5],
}

impl Layout {
    /// The separators accepted, in the order a tie is settled.
    const SEPARATORS: [char; 3] = [';', '\t', ','];

    /// Reads the header: the separator is the one that splits it into the most known columns
    /// (then the most fields), so a `,` inside a Russian column name does not decide it.
    fn of(header: &str) -> Result<Layout, FieldError> {
        let mut best: Option<(usize, usize, char, Vec<Cow<'_, str>>)> = None;
        let mut quotes = false;
        for separator in Layout::SEPARATORS {
            let cells = match split(header, separator) {
                Ok(cells) if cells.len() > 1 => cells,
                Ok(_) => continue,
                Err(_) => {
                    quotes = true;
                    continue;
                }
            };
            let known = cells
                .iter()
                .filter(|c| Column::of_header(c).is_some())
                .count();
            if best
                .as_ref()
                .is_none_or(|b| (known, cells.len()) > (b.0, b.1))
            {
                best = Some((known, cells.len(), separator, cells));
            }
        }
        let Some((_, width, separator, cells)) = best else {
            let problem = if quotes {
                Problem::Quotes
            } else {
                Problem::Separator
            };
            return Err(FieldError::new(FILE, problem));
        };
        let mut positions = [None; 5];
        for (i, cell) in cells.iter().enumerate() {
            let Some(column) = Column::of_header(cell) else {
                continue;
            };
            let slot = &mut positions[column.index()];
            if slot.is_some() {
                return Err(FieldError::new(column.name(), Problem::ColumnRepeated));
            }
            *slot = Some(i);
        }
        if let Some(missing) = Column::REQUIRED
            .into_iter()
            .find(|c| positions[c.index()].is_none())
        {
            return Err(FieldError::new(missing.name(), Problem::ColumnMissing));
        }
        Ok(Layout {
            separator,
            width,
            positions,
        })
    }

    /// Reads the fields of line `number` (as many as the header has). `seen` holds the
    /// references of the lines before it and takes this one's; of several problems the line's
    /// first column in [`Column`] order is reported.
    fn read(
        &self,
        number: usize,
        fields: &[Cow<'_, str>],
        today: NaiveDate,
        seen: &mut HashMap<String, usize>,
    ) -> Result<ImportLine, FieldError> {
        let get = |column: Column| {
            self.positions[column.index()]
                .and_then(|i| fields.get(i))
                .map_or("", |f| f.as_ref())
        };
        // The reference is recorded even when another column is wrong, so a later line with
        // the same reference is still told which line has it first.
        let reference = reference(Column::Reference, get(Column::Reference)).and_then(|r| {
            let r =
                r.ok_or_else(|| FieldError::new(Column::Reference.name(), Problem::Required))?;
            match seen.entry(r) {
                Entry::Occupied(first) => Err(FieldError::new(
                    Column::Reference.name(),
                    Problem::DuplicateInFile { line: *first.get() },
                )),
                Entry::Vacant(slot) => {
                    let r = slot.key().clone();
                    slot.insert(number);
                    Ok(r)
                }
            }
        });
        let application_id = application(get(Column::Application))?;
        let reference = reference?;
        let paid_on = date(get(Column::PaidOn), today)?;
        let amount = amount(get(Column::Amount))?;
        let reverses = reference_cancelled(get(Column::Reverses), &reference)?;
        Ok(ImportLine {
            line: number,
            application_id,
            reference,
            paid_on,
            amount,
            reverses,
        })
    }
}

/// One repayment typed on a form or posted by a lender's system, checked as a file's line is
/// (the same rules, the same field names): the loan's page and the API read it through here.
pub fn parse_fields(
    application_id: i32,
    reference_text: &str,
    paid_on: &str,
    amount_text: &str,
    reverses: &str,
    today: NaiveDate,
) -> Result<ImportLine, FieldError> {
    let reference = reference(Column::Reference, reference_text)?
        .ok_or_else(|| FieldError::new(Column::Reference.name(), Problem::Required))?;
    let paid_on = date(paid_on, today)?;
    let amount = amount(amount_text)?;
    let reverses = reference_cancelled(reverses, &reference)?;
    Ok(ImportLine {
        line: 1,
        application_id,
        reference,
        paid_on,
        amount,
        reverses,
    })
}

/// Splits a line into its fields, RFC 4180 style: a field in double quotes may hold the
/// separator, and `""` inside it is a quote. Spaces around a quoted field are allowed (some
/// exports pad); a quoted field must close on its line.
fn split(line: &str, separator: char) -> Result<Vec<Cow<'_, str>>, Problem> {
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.trim_start_matches(' ').strip_prefix('"') {
            let (value, after) = unquote(quoted)?;
            fields.push(value);
            let after = after.trim_start_matches(' ');
            if after.is_empty() {
                return Ok(fields);
            }
            rest = after.strip_prefix(separator).ok_or(Problem::Quotes)?;
        } else {
            let (field, next) = match rest.find(separator) {
                Some(i) => (&rest[..i], Some(&rest[i + separator.len_utf8()..])),
                None => (rest, None),
            };
            // A quote inside a field that is not quoted is most likely a quoted field broken
            // across lines: reading it as text would hide that.
            if field.contains('"') {
                return Err(Problem::Quotes);
            }
            fields.push(Cow::Borrowed(field));
            match next {
                Some(next) => rest = next,
                None => return Ok(fields),
            }
        }
    }
}

/// The value of a quoted field whose opening quote is gone, and what follows its closing one.
fn unquote(text: &str) -> Result<(Cow<'_, str>, &str), Problem> {
    let close = text.find('"').ok_or(Problem::Quotes)?;
    let after = &text[close + 1..];
    if !after.starts_with('"') {
        return Ok((Cow::Borrowed(&text[..close]), after));
    }
    // A doubled quote: build the value.
    let mut value = String::from(&text[..close]);
    let mut rest = after;
    while let Some(more) = rest.strip_prefix('"') {
        value.push('"');
        let close = more.find('"').ok_or(Problem::Quotes)?;
        value.push_str(&more[..close]);
        rest = &more[close + 1..];
    }
    Ok((Cow::Owned(value), rest))
}

/// An application number: a positive whole number, maybe written `#123` or `№ 123`.
fn application(raw: &str) -> Result<i32, FieldError> {
    let field = Column::Application.name();
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    let value = value
        .strip_prefix('#')
        .or_else(|| value.strip_prefix('№'))
        .unwrap_or(value)
        .trim_start();
    let (negative, digits) = match value.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(field, Problem::NotANumber));
    }
    let out_of_range = || {
        FieldError::new(
            field,
            Problem::OutOfRange {
                min: 1,
                max: i64::from(i32::MAX),
            },
        )
    };
    if negative {
        return Err(out_of_range());
    }
    // Only digits, so a failure is an overflow.
    digits
        .parse::<i32>()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(out_of_range)
}

/// A reference in `column`, trimmed; `None` when blank.
fn reference(column: Column, raw: &str) -> Result<Option<String>, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().any(invisible) {
        return Err(FieldError::new(column.name(), Problem::ControlCharacter));
    }
    if value.chars().count() > MAX_REFERENCE {
        return Err(FieldError::new(
            column.name(),
            Problem::TooLong { max: MAX_REFERENCE },
        ));
    }
    Ok(Some(value.to_owned()))
}

/// The reference a reversal cancels (`None` when blank), never the line's own.
fn reference_cancelled(raw: &str, own: &str) -> Result<Option<String>, FieldError> {
    let reverses = reference(Column::Reverses, raw)?;
    if reverses.as_deref() == Some(own) {
        return Err(FieldError::new(
            Column::Reverses.name(),
            Problem::ReversesItself,
        ));
    }
    Ok(reverses)
}

/// A character that cannot be seen: a control character, or a zero-width or direction mark
/// (pasted from a web page or a document, it makes two references that look the same differ,
/// and a reversal would then not find the repayment it cancels).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// A day written `YYYY-MM-DD` or `DD.MM.YYYY` (day and month may have one digit), from
/// [`EARLIEST_YEAR`] to `today`.
fn date(raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let field = Column::PaidOn.name();
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    let parts = |separator: char| {
        let mut parts = value.split(separator);
        let three = (parts.next()?, parts.next()?, parts.next()?);
        parts.next().is_none().then_some(three)
    };
    let ymd = if let Some((y, m, d)) = parts('-') {
        Some((y, m, d))
    } else {
        parts('.').map(|(d, m, y)| (y, m, d))
    };
    let day = ymd.and_then(|(y, m, d)| {
        NaiveDate::from_ymd_opt(
            i32::try_from(number(y, 4, 4)?).ok()?,
            number(m, 1, 2)?,
            number(d, 1, 2)?,
        )
    });
    let Some(day) = day else {
        return Err(FieldError::new(field, Problem::NotADate));
    };
    if day > today {
        return Err(FieldError::new(field, Problem::DateInFuture));
    }
    if day < NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(FieldError::new(
            field,
            Problem::DateTooEarly {
                year: EARLIEST_YEAR,
            },
        ));
    }
    Ok(day)
}

/// `text` as a number when it is `min..=max` ASCII digits.
fn number(text: &str, min: usize, max: usize) -> Option<u32> {
    if (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// An amount in tenge: digits, maybe grouped by threes with spaces (also no-break and narrow
/// no-break ones), then maybe a decimal point or comma and one or two digits of tiyn; a
/// trailing `₸` is allowed.
fn amount(raw: &str) -> Result<Tiyn, FieldError> {
    let field = Column::Amount.name();
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    let value = value.strip_suffix('₸').unwrap_or(value).trim_end();
    let (negative, value) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let not_an_amount = || FieldError::new(field, Problem::NotAnAmount);
    let (whole, tiyn) = match value.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, fraction_tiyn(fraction).ok_or_else(not_an_amount)?),
        None => (value, 0),
    };
    let tenge = whole_tenge(whole).ok_or_else(not_an_amount)?;
    if negative {
        return Err(FieldError::new(field, Problem::MustBePositive));
    }
    let too_large = || {
        FieldError::new(
            field,
            Problem::AmountTooLarge {
                max_tenge: MAX_AMOUNT_TENGE,
            },
        )
    };
    // `None`: more digits than an i64 holds.
    let tenge = tenge.ok_or_else(too_large)?;
    if tenge > MAX_AMOUNT_TENGE || (tenge == MAX_AMOUNT_TENGE && tiyn > 0) {
        return Err(too_large());
    }
    let amount = tenge * 100 + tiyn;
    if amount == 0 {
        return Err(FieldError::new(field, Problem::MustBePositive));
    }
    Ok(Tiyn(amount))
}

/// The tiyn of the digits after a decimal separator: one or two of them. More are refused,
/// even zeros: `1,000` from a file that groups thousands with commas would otherwise be read
/// as one tenge.
fn fraction_tiyn(fraction: &str) -> Option<i64> {
    let tiyn = i64::from(number(fraction, 1, 2)?);
    Some(if fraction.len() == 1 { tiyn * 10 } else { tiyn })
}

/// The whole tenge of an amount's integer part: `None` when it is not digits grouped by threes
/// (the first group one to three digits), `Some(None)` when it is too large for an `i64`.
fn whole_tenge(whole: &str) -> Option<Option<i64>> {
    let groups: Vec<&str> = whole.split(char::is_whitespace).collect();
    let grouped = groups.len() > 1;
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        let size_ok = match (grouped, i) {
            (false, _) => !g.is_empty(),
            (true, 0) => (1..=3).contains(&g.len()),
            (true, _) => g.len() == 3,
        };
        size_ok && g.bytes().all(|b| b.is_ascii_digit())
    });
    if !well_formed {
        return None;
    }
    Some(
        groups
            .iter()
            .flat_map(|g| g.bytes())
            .try_fold(0_i64, |n, b| {
                n.checked_mul(10)?.checked_add(i64::from(b - b'0'))
            }),
    )
}

#[cfg(test)]
mod tests;
