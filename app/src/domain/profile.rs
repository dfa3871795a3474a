//! An entrepreneur's profile: the person, the business, the place. Every fact is optional;
//! what a programme's criteria need and is missing shows as "unknown", never as "not met".
//!
//! The profile form posts its fields as pairs (checkboxes repeat a name), parsed here into a
//! [`Profile`] or the first field-named error, so a bad input is said beside its field.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::account::Login;
use super::catalog::{Certificate, LegalForm, Sector, Stage, TargetGroup};
use super::eligibility::{Facts, age_on, months_between};
use super::identity::{Bin, Iin, Sex};
use super::location::{KatoCode, Level};
use super::params::{FieldError, Problem, parse_count};

/// Longest name accepted.
pub const NAME_MAX: usize = 200;

/// The profile as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Profile {
    /// Full name.
    pub full_name: Option<String>,
    /// The person's IIN (birth date and sex follow from it).
    pub iin: Option<Iin>,
    /// Birth date, when there is no IIN that encodes it.
    pub birth_date: Option<NaiveDate>,
    /// Mobile number, `+77xxxxxxxxx`.
    pub phone: Option<String>,
    /// Target groups; `None` until the question is answered.
    pub groups: Option<Vec<TargetGroup>>,
    /// Legal form.
    pub legal_form: Option<LegalForm>,
    /// The business's BIN, when registered as a legal entity.
    pub bin: Option<Bin>,
    /// Sector.
    pub sector: Option<Sector>,
    /// OKED division, two digits.
    pub oked: Option<String>,
    /// Stage.
    pub stage: Option<Stage>,
    /// First day of the month the business started.
    pub started: Option<NaiveDate>,
    /// Employees.
    pub employees: Option<u32>,
    /// Annual revenue, whole tenge.
    pub revenue_tenge: Option<i64>,
    /// Land, whole hectares.
    pub land_ha: Option<u32>,
    /// Livestock, heads.
    pub livestock_heads: Option<u32>,
    /// Property to pledge.
    pub collateral: Option<bool>,
    /// Certificates; `None` until the question is answered.
    pub certificates: Option<Vec<Certificate>>,
    /// The amount needed, whole tenge.
    pub amount_tenge: Option<i64>,
    /// The settlement (a KATO code of level 4, or an okrug-level town).
    pub settlement: Option<KatoCode>,
}

impl Profile {
    /// Birth date: the IIN's when it encodes one, else the one typed.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.iin
            .as_ref()
            .and_then(|i| i.birth_date)
            .or(self.birth_date)
    }

    /// What the eligibility engine knows, on `today`.
    pub fn facts(&self, today: NaiveDate) -> Facts {
        Facts {
            age: self.birth_date().and_then(|b| age_on(b, today)),
            sex: self.iin.as_ref().and_then(|i| i.sex),
            groups: self.groups.clone(),
            location: self.settlement.clone(),
            sector: self.sector,
            stage: self.stage.or_else(|| {
                self.started
                    .and_then(|s| months_between(s, today))
                    .map(|m| match m {
                        0..12 => Stage::Under1y,
                        12..36 => Stage::Y1To3,
                        _ => Stage::Over3y,
                    })
            }),
            legal_form: self.legal_form,
            employees: self.employees,
            business_age_months: self
                .started
                .and_then(|s| months_between(s, today))
                .or((self.stage == Some(Stage::Idea)).then_some(0)),
            amount_tenge: self.amount_tenge,
            collateral: self.collateral,
            certificates: self.certificates.clone(),
        }
    }

    /// How many of the facts the ranking uses are filled in, out of how many.
    pub fn completeness(&self) -> (usize, usize) {
        let filled = [
            self.birth_date().is_some(),
            self.groups.is_some(),
            self.settlement.is_some(),
            self.sector.is_some(),
            self.stage.is_some() || self.started.is_some(),
            self.legal_form.is_some(),
            self.employees.is_some(),
            self.amount_tenge.is_some(),
            self.collateral.is_some(),
            self.certificates.is_some(),
        ];
        (filled.iter().filter(|f| **f).count(), filled.len())
    }
}

/// The form's field names, as the page and the parser share them.
pub mod field {
    /// Full name.
    pub const NAME: &str = "full_name";
    /// IIN.
    pub const IIN: &str = "iin";
    /// Birth date.
    pub const BIRTH_DATE: &str = "birth_date";
    /// Phone.
    pub const PHONE: &str = "phone";
    /// Target groups (repeated).
    pub const GROUPS: &str = "groups";
    /// Sent with the form, so that no box ticked means "none of these".
    pub const GROUPS_ANSWERED: &str = "groups_answered";
    /// Legal form.
    pub const LEGAL_FORM: &str = "legal_form";
    /// BIN.
    pub const BIN: &str = "bin";
    /// Sector.
    pub const SECTOR: &str = "sector";
    /// OKED division.
    pub const OKED: &str = "oked";
    /// Stage.
    pub const STAGE: &str = "stage";
    /// Month the business started.
    pub const STARTED: &str = "started";
    /// Employees.
    pub const EMPLOYEES: &str = "employees";
    /// Revenue.
    pub const REVENUE: &str = "revenue";
    /// Land.
    pub const LAND: &str = "land_ha";
    /// Livestock.
    pub const LIVESTOCK: &str = "livestock";
    /// Collateral: `yes`, `no` or empty.
    pub const COLLATERAL: &str = "collateral";
    /// Certificates (repeated).
    pub const CERTIFICATES: &str = "certificates";
    /// Sent with the form, like [`GROUPS_ANSWERED`].
    pub const CERTIFICATES_ANSWERED: &str = "certificates_answered";
    /// Amount needed.
    pub const AMOUNT: &str = "amount";
    /// Settlement's KATO code.
    pub const SETTLEMENT: &str = "settlement";
}

/// The OKED divisions that exist (two-digit codes), and their sections.
const OKED_SECTIONS: &[(u8, u8, char)] = &[
    (1, 3, 'A'),
    (5, 9, 'B'),
    (10, 33, 'C'),
    (35, 35, 'D'),
    (36, 39, 'E'),
    (41, 43, 'F'),
    (45, 47, 'G'),
    (49, 53, 'H'),
    (55, 56, 'I'),
    (58, 63, 'J'),
    (64, 66, 'K'),
    (68, 68, 'L'),
    (69, 75, 'M'),
    (77, 82, 'N'),
    (84, 84, 'O'),
    (85, 85, 'P'),
    (86, 88, 'Q'),
    (90, 93, 'R'),
    (94, 96, 'S'),
    (97, 98, 'T'),
    (99, 99, 'U'),
];

/// The OKED section letter of a two-digit division, `None` if no such division exists.
pub fn oked_section(division: &str) -> Option<char> {
    if division.len() != 2 || !division.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u8 = division.parse().ok()?;
    OKED_SECTIONS
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&n))
        .map(|(_, _, s)| *s)
}

fn choice<T>(field: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T, FieldError> {
    parse(raw).ok_or_else(|| FieldError::new(field, Problem::UnknownChoice(raw.to_owned())))
}

/// A profile to save: the typed command of "save my profile", read once from the form at its
/// door (the profile page's form post), so the use case never sees the form's pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveProfile(pub Profile);

impl SaveProfile {
    /// From the form's fields (checkboxes repeat a name); `today` bounds the dates. The first
    /// bad field is the error, named.
    pub fn from_pairs(
        pairs: &[(String, String)],
        today: NaiveDate,
    ) -> Result<SaveProfile, FieldError> {
        parse_form(pairs, today).map(SaveProfile)
    }
}

/// Parses the profile form. `today` bounds dates; `pairs` are the decoded form fields.
fn parse_form(pairs: &[(String, String)], today: NaiveDate) -> Result<Profile, FieldError> {
    let form = Form(pairs);
    // Read in this order: the first bad field is the error reported.
    let full_name = full_name(form)?;
    let iin = iin(form, today)?;
    let birth_date = birth_date(form, today)?;
    let phone = phone(form)?;
    let groups = form.set(field::GROUPS_ANSWERED, field::GROUPS, TargetGroup::parse)?;
    let legal_form = form.choice(field::LEGAL_FORM, LegalForm::parse)?;
    let bin = form
        .one(field::BIN)
        .map(|v| Bin::parse(field::BIN, v))
        .transpose()?;
    let sector = form.choice(field::SECTOR, Sector::parse)?;
    let oked = oked(form)?;
    let stage = form.choice(field::STAGE, Stage::parse)?;
    let started = started(form, today)?;
    let employees = form.small(field::EMPLOYEES, 100_000)?;
    let revenue_tenge = form.number(field::REVENUE, 10_000_000_000_000)?;
    let land_ha = form.small(field::LAND, 10_000_000)?;
    let livestock_heads = form.small(field::LIVESTOCK, 10_000_000)?;
    let collateral = collateral(form)?;
    let certificates = form.set(
        field::CERTIFICATES_ANSWERED,
        field::CERTIFICATES,
        Certificate::parse,
    )?;
    let amount_tenge = form
        .one(field::AMOUNT)
        .map(|v| parse_count(field::AMOUNT, v, 1, 1_000_000_000_000))
        .transpose()?;
    let settlement = settlement(form)?;
    Ok(Profile {
        full_name,
        iin,
        birth_date,
        phone,
        groups,
        legal_form,
        bin,
        sector,
        oked,
        stage,
        started,
        employees,
        revenue_tenge,
        land_ha,
        livestock_heads,
        collateral,
        certificates,
        amount_tenge,
        settlement,
    })
}

/// The posted pairs, read by field name.
#[derive(Clone, Copy)]
struct Form<'a>(&'a [(String, String)]);

impl<'a> Form<'a> {
    /// A field's value, trimmed; the last one wins when a name repeats, and blank is `None`.
    fn one(self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-blank value of a repeated field (checkboxes), trimmed.
    fn many(self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    fn number(self, name: &str, max: i64) -> Result<Option<i64>, FieldError> {
        self.one(name)
            .map(|v| parse_count(name, v, 0, max))
            .transpose()
    }

    fn small(self, name: &str, max: i64) -> Result<Option<u32>, FieldError> {
        Ok(self.number(name, max)?.and_then(|n| u32::try_from(n).ok()))
    }

    fn choice<T>(self, name: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, FieldError> {
        self.one(name).map(|v| choice(name, v, parse)).transpose()
    }

    /// A checkbox list, sorted and without repeats; `None` until the question is answered
    /// (the hidden `answered` field, or any box ticked), so "none of these" differs from
    /// "not asked yet".
    fn set<T: Ord>(
        self,
        answered: &str,
        name: &'a str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Option<Vec<T>>, FieldError> {
        if self.one(answered).is_none() && self.many(name).next().is_none() {
            return Ok(None);
        }
        let mut items = self
            .many(name)
            .map(|v| choice(name, v, parse))
            .collect::<Result<Vec<_>, _>>()?;
        items.sort();
        items.dedup();
        Ok(Some(items))
    }
}

fn full_name(form: Form<'_>) -> Result<Option<String>, FieldError> {
    match form.one(field::NAME) {
        Some(n) if n.chars().count() > NAME_MAX => Err(FieldError::new(
            field::NAME,
            Problem::TooLong { max: NAME_MAX },
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

/// An IIN whose encoded birth date is in the future is refused.
fn iin(form: Form<'_>, today: NaiveDate) -> Result<Option<Iin>, FieldError> {
    let iin = form
        .one(field::IIN)
        .map(|v| Iin::parse(field::IIN, v))
        .transpose()?;
    if iin
        .as_ref()
        .and_then(|i| i.birth_date)
        .is_some_and(|b| b > today)
    {
        return Err(FieldError::new(field::IIN, Problem::IdDate));
    }
    Ok(iin)
}

fn birth_date(form: Form<'_>, today: NaiveDate) -> Result<Option<NaiveDate>, FieldError> {
    form.one(field::BIRTH_DATE)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today && age_on(*d, today).is_some_and(|a| a <= 120))
                .ok_or_else(|| FieldError::new(field::BIRTH_DATE, Problem::NotADate))
        })
        .transpose()
}

fn phone(form: Form<'_>) -> Result<Option<String>, FieldError> {
    form.one(field::PHONE)
        .map(|v| match Login::parse(field::PHONE, v) {
            Ok(Login::Phone(p)) => Ok(p),
            _ => Err(FieldError::new(field::PHONE, Problem::BadPhone)),
        })
        .transpose()
}

fn oked(form: Form<'_>) -> Result<Option<String>, FieldError> {
    form.one(field::OKED)
        .map(|v| {
            oked_section(v)
                .map(|_| v.to_owned())
                .ok_or_else(|| FieldError::new(field::OKED, Problem::OkedUnknown))
        })
        .transpose()
}

/// The month the business started (`YYYY-MM`): not in the future, not before 1991.
fn started(form: Form<'_>, today: NaiveDate) -> Result<Option<NaiveDate>, FieldError> {
    form.one(field::STARTED)
        .map(|v| {
            NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today && d.year_ce().1 >= 1991)
                .ok_or_else(|| FieldError::new(field::STARTED, Problem::NotADate))
        })
        .transpose()
}

fn collateral(form: Form<'_>) -> Result<Option<bool>, FieldError> {
    match form.one(field::COLLATERAL) {
        None => Ok(None),
        Some("yes") => Ok(Some(true)),
        Some("no") => Ok(Some(false)),
        Some(other) => Err(FieldError::new(
            field::COLLATERAL,
            Problem::UnknownChoice(other.to_owned()),
        )),
    }
}

/// A settlement's or an okrug's KATO code; other levels are refused.
fn settlement(form: Form<'_>) -> Result<Option<KatoCode>, FieldError> {
    form.one(field::SETTLEMENT)
        .map(|v| {
            KatoCode::parse(v)
                .ok()
                .filter(|c| matches!(c.level(), Level::Settlement | Level::Okrug))
                .ok_or_else(|| FieldError::new(field::SETTLEMENT, Problem::RegionFormat))
        })
        .transpose()
}

/// The profile as form pairs: what the form shows when nothing was typed yet.
pub fn to_form(p: &Profile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            out.push((k.to_owned(), v));
        }
    };
    put(field::NAME, p.full_name.clone());
    put(field::IIN, p.iin.as_ref().map(|i| i.as_str().to_owned()));
    put(field::BIRTH_DATE, p.birth_date.map(|d| d.to_string()));
    put(field::PHONE, p.phone.clone());
    put(
        field::LEGAL_FORM,
        p.legal_form.map(|f| f.as_str().to_owned()),
    );
    put(field::BIN, p.bin.as_ref().map(|b| b.as_str().to_owned()));
    put(field::SECTOR, p.sector.map(|s| s.as_str().to_owned()));
    put(field::OKED, p.oked.clone());
    put(field::STAGE, p.stage.map(|s| s.as_str().to_owned()));
    put(
        field::STARTED,
        p.started.map(|d| d.format("%Y-%m").to_string()),
    );
    put(field::EMPLOYEES, p.employees.map(|n| n.to_string()));
    put(field::REVENUE, p.revenue_tenge.map(|n| n.to_string()));
    put(field::LAND, p.land_ha.map(|n| n.to_string()));
    put(field::LIVESTOCK, p.livestock_heads.map(|n| n.to_string()));
    put(
        field::COLLATERAL,
        p.collateral
            .map(|c| if c { "yes" } else { "no" }.to_owned()),
    );
    put(field::AMOUNT, p.amount_tenge.map(|n| n.to_string()));
    put(
        field::SETTLEMENT,
        p.settlement.as_ref().map(|c| c.to_string()),
    );
    if let Some(groups) = &p.groups {
        put(field::GROUPS_ANSWERED, Some("1".into()));
        for g in groups {
            put(field::GROUPS, Some(g.as_str().to_owned()));
        }
    }
    if let Some(certs) = &p.certificates {
        put(field::CERTIFICATES_ANSWERED, Some("1".into()));
        for c in certs {
            put(field::CERTIFICATES, Some(c.as_str().to_owned()));
        }
    }
    out
}

/// A settlement offered by the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettlementHit {
    /// Its KATO code.
    pub code: KatoCode,
    /// Its name.
    pub name: String,
    /// "Шаянский с.о., район Байдибека, Туркестанская область".
    pub within: String,
}

/// Sex, for the page's summary.
pub fn sex(p: &Profile) -> Option<Sex> {
    p.iin.as_ref().and_then(|i| i.sex)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).expect("date")
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    // A valid IIN of a man born 27 November 1992 (check digit computed by identity's rules).
    fn iin_1992() -> String {
        let first11 = *b"92112730001";
        let digits: [u8; 11] = first11.map(|b| b - b'0');
        let check = crate::domain::identity::check_digit(&digits).expect("issuable");
        format!("92112730001{check}")
    }

    #[test]
    fn a_full_form_round_trips_and_gives_the_facts() {
        let iin = iin_1992();
        let form = pairs(&[
            ("full_name", "Ержан Сапаров"),
            ("iin", &iin),
            ("phone", "8 701 234 56 78"),
            ("groups_answered", "1"),
            ("groups", "large_families"),
            ("legal_form", "farm"),
            ("sector", "livestock"),
            ("oked", "01"),
            ("stage", "y1_3"),
            ("started", "2025-03"),
            ("employees", "2"),
            ("revenue", "12 000 000"),
            ("land_ha", "40"),
            ("livestock", "35"),
            ("collateral", "yes"),
            ("certificates_answered", "1"),
            ("amount", "5 000 000 ₸"),
            ("settlement", "613630100"),
        ]);
        let p = parse_form(&form, today()).expect("valid");
        assert_eq!(p.phone.as_deref(), Some("+77012345678"));
        assert_eq!(p.revenue_tenge, Some(12_000_000));
        assert_eq!(p.certificates, Some(vec![]));
        let facts = p.facts(today());
        assert_eq!(facts.age, Some(34));
        assert_eq!(facts.sex, Some(Sex::Male));
        assert_eq!(facts.business_age_months, Some(20));
        assert_eq!(facts.amount_tenge, Some(5_000_000));
        assert_eq!(parse_form(&to_form(&p), today()).expect("again"), p);
        assert_eq!(p.completeness(), (10, 10));
    }

    #[test]
    fn an_empty_form_is_a_valid_profile_that_knows_nothing() {
        let p = parse_form(&[], today()).expect("valid");
        assert_eq!(p, Profile::default());
        assert_eq!(p.facts(today()), Facts::default());
        assert_eq!(p.completeness(), (0, 10));
    }

    #[test]
    fn every_bad_field_is_named() {
        let cases: &[(&str, &str, &str)] = &[
            ("iin", "123", "id_format"),
            ("iin", "921127300012", "id_checksum"),
            ("birth_date", "27.11.1992", "not_a_date"),
            ("birth_date", "2030-01-01", "not_a_date"),
            ("phone", "+1 202 555 0100", "bad_phone"),
            ("phone", "me@example.com", "bad_phone"),
            ("groups", "aliens", "unknown_value"),
            ("legal_form", "jsc", "unknown_value"),
            ("bin", "12345678901", "id_format"),
            ("sector", "oil", "unknown_value"),
            ("oked", "04", "unknown_oked"),
            ("oked", "A", "unknown_oked"),
            ("stage", "ancient", "unknown_value"),
            ("started", "2027-01", "not_a_date"),
            ("employees", "-3", "out_of_range"),
            ("employees", "many", "not_a_number"),
            ("revenue", "1e9", "not_a_number"),
            ("collateral", "maybe", "unknown_value"),
            ("certificates", "phd", "unknown_value"),
            ("amount", "0", "out_of_range"),
            ("amount", "99999999999999999999", "out_of_range"),
            ("settlement", "610000000", "invalid_format"),
            ("settlement", "Шаян", "invalid_format"),
        ];
        for (name, value, code) in cases {
            let err = parse_form(&pairs(&[(name, value)]), today()).expect_err(value);
            assert_eq!(
                (err.field.as_str(), err.code()),
                (*name, *code),
                "{name}={value}"
            );
        }
        let long = "я".repeat(NAME_MAX + 1);
        let err = parse_form(&pairs(&[("full_name", &long)]), today()).expect_err("long");
        assert_eq!(err.field, "full_name");
    }

    #[test]
    fn the_save_command_refuses_a_bad_field_by_name() {
        let form = pairs(&[("full_name", "Ержан"), ("iin", "123"), ("phone", "x")]);
        let err = SaveProfile::from_pairs(&form, today()).expect_err("a bad IIN");
        assert_eq!((err.field.as_str(), err.code()), ("iin", "id_format"));
        let saved = SaveProfile::from_pairs(&pairs(&[("full_name", "Ержан")]), today());
        assert_eq!(
            saved.expect("valid").0.full_name.as_deref(),
            Some("Ержан"),
            "what the form says is what the command carries"
        );
    }

    #[test]
    fn oked_divisions_map_to_their_sections() {
        assert_eq!(oked_section("01"), Some('A'));
        assert_eq!(oked_section("10"), Some('C'));
        assert_eq!(oked_section("47"), Some('G'));
        assert_eq!(oked_section("55"), Some('I'));
        assert_eq!(oked_section("00"), None);
        assert_eq!(oked_section("34"), None);
        assert_eq!(oked_section("100"), None);
    }
}
