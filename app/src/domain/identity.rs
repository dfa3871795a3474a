//! Kazakhstan's 12-digit identification numbers: the IIN of a person and the BIN of a
//! business, both ending in a check digit.
//!
//! The check digit: the first 11 digits weighted 1…11, summed, modulo 11; if that is 10, the
//! weights 3…11, 1, 2 instead; if it is 10 again the number is never issued. An IIN begins
//! with the birth date (YYMMDD) and its 7th digit gives the century and sex (1/2: 1800s,
//! 3/4: 1900s, 5/6: 2000s; odd male, even female; 0: not encoded, as for some foreign
//! citizens). A BIN begins with the year and month of registration (YYMM), then the kind of
//! entity (4 resident, 5 non-resident, 6 individual entrepreneur in joint venture) and its
//! kind of office (0 head office, 1 branch, 2 representative office, 3 peasant farm).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::params::{FieldError, Problem};

/// A person's sex as the IIN records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd century digit.
    Male,
    /// Even century digit.
    Female,
}

/// A valid IIN, with what it tells about its holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Iin {
    digits: String,
    /// The birth date, where the IIN encodes it.
    pub birth_date: Option<NaiveDate>,
    /// The sex, where the IIN encodes it.
    pub sex: Option<Sex>,
}

impl Iin {
    /// Parses an IIN typed by a person (spaces allowed); the error names `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Iin, FieldError> {
        let d = twelve_digits(field, raw)?;
        let century_sex = d[6];
        let (birth_date, sex) = match century_sex {
            0 => (None, None),
            1..=6 => {
                let century = match century_sex {
                    1 | 2 => 1800,
                    3 | 4 => 1900,
                    _ => 2000,
                };
                let year = century + i32::from(d[0] * 10 + d[1]);
                let date = NaiveDate::from_ymd_opt(
                    year,
                    u32::from(d[2] * 10 + d[3]),
                    u32::from(d[4] * 10 + d[5]),
                )
                .ok_or_else(|| FieldError::new(field, Problem::IdDate))?;
                let sex = if century_sex % 2 == 1 {
                    Sex::Male
                } else {
                    Sex::Female
                };
                (Some(date), Some(sex))
            }
            _ => return Err(FieldError::new(field, Problem::IdFormat)),
        };
        check_digit_matches(field, &d)?;
        Ok(Iin {
            digits: digits_text(&d),
            birth_date,
            sex,
        })
    }

    /// The twelve digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

/// What kind of entity a BIN belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A legal entity resident in Kazakhstan.
    Resident,
    /// A non-resident legal entity.
    NonResident,
    /// An individual entrepreneur in a joint venture.
    JointEntrepreneur,
}

/// A valid BIN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Bin {
    digits: String,
    /// The kind of entity.
    pub kind: EntityKind,
}

impl Bin {
    /// Parses a BIN typed by a person (spaces allowed); the error names `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Bin, FieldError> {
        let d = twelve_digits(field, raw)?;
        let month = d[2] * 10 + d[3];
        if !(1..=12).contains(&month) {
            return Err(FieldError::new(field, Problem::IdDate));
        }
        let kind = match d[4] {
            4 => EntityKind::Resident,
            5 => EntityKind::NonResident,
            6 => EntityKind::JointEntrepreneur,
            _ => return Err(FieldError::new(field, Problem::IdFormat)),
        };
        if d[5] > 3 {
            return Err(FieldError::new(field, Problem::IdFormat));
        }
        check_digit_matches(field, &d)?;
        Ok(Bin {
            digits: digits_text(&d),
            kind,
        })
    }

    /// The twelve digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

/// The check digit of the first 11 digits, or `None` for numbers that are never issued.
pub fn check_digit(first11: &[u8; 11]) -> Option<u8> {
    let sum = |weights: [u32; 11]| -> u32 {
        first11
            .iter()
            .zip(weights)
            .map(|(&d, w)| u32::from(d) * w)
            .sum::<u32>()
            % 11
    };
    let first = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    let digit = if first == 10 {
        sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])
    } else {
        first
    };
    u8::try_from(digit).ok().filter(|&d| d < 10)
}

fn twelve_digits(field: &str, raw: &str) -> Result<[u8; 12], FieldError> {
    let compact: Vec<char> = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    let mut out = [0u8; 12];
    if compact.len() != 12 {
        return Err(FieldError::new(field, Problem::IdFormat));
    }
    for (slot, c) in out.iter_mut().zip(compact) {
        *slot = c
            .to_digit(10)
            .and_then(|d| u8::try_from(d).ok())
            .ok_or_else(|| FieldError::new(field, Problem::IdFormat))?;
    }
    Ok(out)
}

fn check_digit_matches(field: &str, d: &[u8; 12]) -> Result<(), FieldError> {
    let mut first11 = [0u8; 11];
    first11.copy_from_slice(&d[..11]);
    if check_digit(&first11) == Some(d[11]) {
        Ok(())
    } else {
        Err(FieldError::new(field, Problem::IdChecksum))
    }
}

fn digits_text(d: &[u8; 12]) -> String {
    d.iter().map(|x| char::from(b'0' + x)).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// An IIN for the birth date and sex, with serial `serial` (4 digits), or `None` when
    /// that serial gives a number that is never issued.
    fn iin(date: NaiveDate, male: bool, serial: u16) -> Option<String> {
        use chrono::Datelike;
        let year = date.year();
        let century = match (year / 100, male) {
            (18, true) => 1,
            (18, false) => 2,
            (19, true) => 3,
            (19, false) => 4,
            (_, true) => 5,
            (_, false) => 6,
        };
        let text = format!(
            "{:02}{:02}{:02}{century}{serial:04}",
            year % 100,
            date.month(),
            date.day()
        );
        let mut first11 = [0u8; 11];
        for (slot, c) in first11.iter_mut().zip(text.bytes()) {
            *slot = c - b'0';
        }
        check_digit(&first11).map(|c| format!("{text}{c}"))
    }

    #[test]
    fn the_check_digit_follows_both_weightings() {
        // 1+4+9+16+25+36+49+64+81+0+11 = 296; 296 mod 11 = 10 → second weights:
        // 3+8+15+24+35+48+63+80+99+0+2 = 377; 377 mod 11 = 3.
        assert_eq!(check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]), Some(3));
        // 1×9 + 11×1 = 20; 20 mod 11 = 9.
        assert_eq!(check_digit(&[9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), Some(9));
    }

    #[test]
    fn an_iin_gives_the_birth_date_and_sex() {
        let date = NaiveDate::from_ymd_opt(1992, 3, 14).expect("date");
        let text = iin(date, false, 123).expect("issued");
        let parsed = Iin::parse("iin", &format!("{} {}", &text[..6], &text[6..])).expect("valid");
        assert_eq!(parsed.birth_date, Some(date));
        assert_eq!(parsed.sex, Some(Sex::Female));
        assert_eq!(parsed.as_str(), text);
    }

    #[test]
    fn bad_iins_and_bins_say_what_is_wrong() {
        let date = NaiveDate::from_ymd_opt(2001, 12, 31).expect("date");
        let good = iin(date, true, 7).expect("issued");
        let mut wrong_check = good.clone();
        let last = wrong_check.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
        wrong_check.push(char::from_digit((last + 1) % 10, 10).unwrap_or('0'));
        let cases = [
            ("", "required"),
            ("12345", "id_format"),
            ("12345678901a", "id_format"),
            ("991332312345", "id_date"),
            (wrong_check.as_str(), "id_checksum"),
        ];
        for (raw, code) in cases {
            let e = Iin::parse("iin", raw).expect_err(raw);
            assert_eq!((e.field.as_str(), e.code()), ("iin", code), "{raw}");
        }
        // A BIN: registered in May 2010, resident legal entity, head office.
        let mut first11 = [1, 0, 0, 5, 4, 0, 0, 0, 1, 2, 3];
        let mut check = check_digit(&first11);
        while check.is_none() {
            first11[10] += 1;
            check = check_digit(&first11);
        }
        let bin: String = first11
            .iter()
            .chain(check.iter())
            .map(|d| char::from(b'0' + d))
            .collect();
        assert_eq!(
            Bin::parse("bin", &bin).map(|b| b.kind),
            Ok(EntityKind::Resident)
        );
        let e = Bin::parse("bin", &format!("1013{}", &bin[4..])).expect_err("month 13");
        assert_eq!(e.code(), "id_date");
        let e = Bin::parse("bin", &format!("10057{}", &bin[5..])).expect_err("kind 7");
        assert_eq!(e.code(), "id_format");
    }

    proptest! {
        #[test]
        fn every_issued_iin_parses_back_to_its_date_and_sex(
            days in 0_i64..(365 * 220),
            male in any::<bool>(),
            serial in 0_u16..10_000,
        ) {
            let date = NaiveDate::from_ymd_opt(1850, 1, 1).expect("date") + chrono::Duration::days(days);
            if let Some(text) = iin(date, male, serial) {
                let parsed = Iin::parse("iin", &text).expect("valid");
                prop_assert_eq!(parsed.birth_date, Some(date));
                prop_assert_eq!(parsed.sex, Some(if male { Sex::Male } else { Sex::Female }));
            }
        }

        #[test]
        fn any_other_check_digit_is_refused(
            days in 0_i64..(365 * 100),
            serial in 0_u16..10_000,
            other in 0_u8..10,
        ) {
            let date = NaiveDate::from_ymd_opt(1950, 1, 1).expect("date") + chrono::Duration::days(days);
            if let Some(text) = iin(date, true, serial) {
                let real = text.as_bytes()[11] - b'0';
                prop_assume!(other != real);
                let forged = format!("{}{other}", &text[..11]);
                let e = Iin::parse("iin", &forged).expect_err("forged");
                prop_assert_eq!(e.code(), "id_checksum");
            }
        }
    }
}
