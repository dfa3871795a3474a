//! The operator's programme editor: one plain HTML form (it works without JavaScript) for every
//! field of the catalogue, the eligibility criteria the engine knows (a fieldset per kind, on or
//! off), the required documents, the scoring rubric, the budget envelope (whole and per region),
//! the intake window and the target time for a decision. This module reads the form's parts
//! (the criteria, the rubric, the budget) with a field-named error for anything wrong, writes a
//! programme back as the form's fields, and says which fields two versions differ in;
//! [`command`] reads the whole form into the command that saves it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::catalog::{Certificate, LegalForm, ProgramStatus, Sector, Stage, TargetGroup};
use super::criteria::{Criterion, CriterionError};
use super::loan::{parse_percent, parse_whole};
use super::location::KatoCode;
use super::money::AmountUnit;
use super::params::{FieldError, Problem};
use super::program::{LocalText, ProgramInput};
use super::review::{Envelope, Rubric, RubricCriterion, WHOLE, validate_rubric};

pub mod command;

/// The longest text of one field.
pub const MAX_TEXT: usize = 20_000;
/// The most rubric rows and regional envelopes the form offers beyond those that exist.
pub const SPARE_ROWS: usize = 2;
/// Kazakhstan's regions (oblasts and cities of republican significance).
pub const MAX_REGIONS: usize = 20;

/// One line of the organisation's programme list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgrammeLine {
    /// URL handle.
    pub slug: String,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// The whole budget and what is used of it.
    pub budget: Option<Envelope>,
}

/// One version in a programme's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionView {
    /// 1, 2, …
    pub version: i32,
    /// `create`, `edit`, or the status it moved to.
    pub change: String,
    /// Who.
    pub author: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The fields that changed from the version before.
    pub fields: Vec<String>,
}

/// What the editor page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EditorView {
    /// The programme as stored (`None` for a new one).
    pub programme: Option<Programme>,
    /// Its envelopes with what is used of them.
    pub envelopes: Vec<Envelope>,
    /// Its history, newest first.
    pub versions: Vec<VersionView>,
    /// The regions an envelope can be set aside for: code and name.
    pub regions: Vec<(String, String)>,
    /// The reports it asks of those it paid (`None` for a new one).
    #[serde(default)]
    pub followups: Option<crate::domain::followup::Requirements>,
}

/// How many registered profiles a set of criteria admits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Preview {
    /// Profiles considered.
    pub profiles: u64,
    /// Meeting every criterion.
    pub eligible: u64,
    /// Meeting none against them but missing a fact some criterion needs.
    pub possible: u64,
}

/// A programme as the editor keeps it: the catalogue's fields and the back office's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Programme {
    /// The catalogue's fields (status included).
    pub input: ProgramInput,
    /// The scoring rubric.
    pub rubric: Rubric,
    /// Days a decision should take.
    pub target_days: Option<i32>,
    /// Days after a refusal to appeal it (empty: 30).
    #[serde(default)]
    pub appeal_days: Option<i32>,
    /// Budget envelopes: [`WHOLE`] or a region's code → total, whole tenge.
    pub budget: BTreeMap<String, i64>,
}

impl Programme {
    /// The fields whose values differ between `self` and `other`.
    pub fn changed_fields(&self, other: &Programme) -> Vec<String> {
        let a = serde_json::to_value(self).unwrap_or_default();
        let b = serde_json::to_value(other).unwrap_or_default();
        let mut out = Vec::new();
        if let (Some(x), Some(y)) = (a["input"].as_object(), b["input"].as_object()) {
            out.extend(
                x.iter()
                    .filter(|(k, v)| y.get(*k) != Some(*v))
                    .map(|(k, _)| k.clone()),
            );
        }
        for k in ["rubric", "target_days", "appeal_days", "budget"] {
            if a[k] != b[k] {
                out.push(k.to_owned());
            }
        }
        out
    }
}

struct Form<'a>(&'a [(String, String)]);

impl Form<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    fn text(&self, name: &str) -> Result<String, FieldError> {
        let v = self.get(name).unwrap_or_default();
        if v.chars().count() > MAX_TEXT {
            return Err(FieldError::new(name, Problem::TooLong { max: MAX_TEXT }));
        }
        Ok(v.replace("\r\n", "\n"))
    }

    fn optional_text(&self, name: &str) -> Result<Option<String>, FieldError> {
        self.text(name).map(|t| (!t.is_empty()).then_some(t))
    }

    fn number(&self, name: &str) -> Result<Option<i64>, FieldError> {
        self.get(name).map(|v| parse_whole(name, v)).transpose()
    }

    fn small(&self, name: &str, max: i64) -> Result<Option<i32>, FieldError> {
        match self.number(name)? {
            None => Ok(None),
            Some(n) if (0..=max).contains(&n) => Ok(i32::try_from(n).ok()),
            Some(_) => Err(FieldError::new(name, Problem::OutOfRange { min: 0, max })),
        }
    }

    fn percent(&self, name: &str) -> Result<Option<i32>, FieldError> {
        self.get(name).map(|v| parse_percent(name, v)).transpose()
    }

    fn date(&self, name: &str) -> Result<Option<NaiveDate>, FieldError> {
        self.get(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| FieldError::new(name, Problem::NotADate))
            })
            .transpose()
    }

    fn choice<T>(&self, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, FieldError> {
        let v = self
            .get(name)
            .ok_or_else(|| FieldError::new(name, Problem::Required))?;
        parse(v).ok_or_else(|| FieldError::new(name, Problem::UnknownChoice(v.to_owned())))
    }

    fn choices<T>(&self, name: &str, parse: fn(&str) -> Option<T>) -> Result<Vec<T>, FieldError> {
        self.all(name)
            .into_iter()
            .map(|v| {
                parse(v).ok_or_else(|| FieldError::new(name, Problem::UnknownChoice(v.to_owned())))
            })
            .collect()
    }

    fn codes(&self, name: &str) -> Result<Vec<KatoCode>, FieldError> {
        self.get(name)
            .unwrap_or_default()
            .split([',', ' ', '\n', ';'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| KatoCode::parse(c).map_err(|_| FieldError::new(name, Problem::RegionFormat)))
            .collect()
    }

    fn on(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// The form field of a criterion kind's switch (`c_age`); its inputs add a suffix.
pub fn criterion_field(kind: &str) -> String {
    format!("c_{kind}")
}

fn range_u32(f: &Form<'_>, kind: &str) -> Result<(Option<u32>, Option<u32>), FieldError> {
    let c = criterion_field(kind);
    let read = |suffix: &str| -> Result<Option<u32>, FieldError> {
        let name = format!("{c}_{suffix}");
        match f.number(&name)? {
            None => Ok(None),
            Some(n) => u32::try_from(n).map(Some).map_err(|_| {
                FieldError::new(
                    name,
                    Problem::OutOfRange {
                        min: 0,
                        max: i64::from(u32::MAX),
                    },
                )
            }),
        }
    };
    Ok((read("min")?, read("max")?))
}

/// Reads the criteria fieldsets: each kind switched on becomes one criterion.
pub fn parse_criteria(pairs: &[(String, String)]) -> Result<Vec<Criterion>, FieldError> {
    let f = Form(pairs);
    let mut out = Vec::new();
    let on = |kind: &str| f.on(&criterion_field(kind));
    let values = |kind: &str| format!("{}_values", criterion_field(kind));
    if on("age") {
        let (min, max) = range_u32(&f, "age")?;
        let byte = |v: Option<u32>| v.map(|v| u8::try_from(v).unwrap_or(u8::MAX));
        out.push(Criterion::Age {
            min: byte(min),
            max: byte(max),
        });
    }
    if on("location_within") {
        out.push(Criterion::LocationWithin {
            codes: f.codes(&values("location_within"))?,
        });
    }
    if on("sector_in") {
        out.push(Criterion::SectorIn {
            sectors: f.choices(&values("sector_in"), Sector::parse)?,
        });
    }
    if on("excluded_sectors") {
        out.push(Criterion::ExcludedSectors {
            sectors: f.choices(&values("excluded_sectors"), Sector::parse)?,
        });
    }
    if on("stage_in") {
        out.push(Criterion::StageIn {
            stages: f.choices(&values("stage_in"), Stage::parse)?,
        });
    }
    if on("legal_form_in") {
        out.push(Criterion::LegalFormIn {
            forms: f.choices(&values("legal_form_in"), LegalForm::parse)?,
        });
    }
    if on("target_group_any") {
        out.push(Criterion::TargetGroupAny {
            groups: f.choices(&values("target_group_any"), TargetGroup::parse)?,
        });
    }
    if on("amount_within") {
        let c = criterion_field("amount_within");
        out.push(Criterion::AmountWithin {
            unit: f.choice(&format!("{c}_unit"), AmountUnit::parse)?,
            min: f.number(&format!("{c}_min"))?,
            max: f.number(&format!("{c}_max"))?,
        });
    }
    if on("collateral_available") {
        out.push(Criterion::CollateralAvailable);
    }
    if on("certificate") {
        out.push(Criterion::Certificate {
            name: f.choice(&values("certificate"), Certificate::parse)?,
        });
    }
    if on("business_age_months") {
        let (min, max) = range_u32(&f, "business_age_months")?;
        out.push(Criterion::BusinessAgeMonths { min, max });
    }
    if on("employees") {
        let (min, max) = range_u32(&f, "employees")?;
        out.push(Criterion::Employees { min, max });
    }
    if on("tax_registered") {
        out.push(Criterion::TaxRegistered);
    }
    for c in &out {
        c.validate().map_err(|e| criterion_error(&e))?;
    }
    Ok(out)
}

fn criterion_error(e: &CriterionError) -> FieldError {
    match e {
        CriterionError::NoBounds(k)
        | CriterionError::Inverted(k)
        | CriterionError::OutOfRange(k) => {
            FieldError::new(criterion_field(k), Problem::NotAccepted)
        }
        CriterionError::EmptyList(k) => FieldError::new(criterion_field(k), Problem::Required),
        CriterionError::Decode(_) => FieldError::new("criteria", Problem::NotAccepted),
    }
}

/// Reads the rubric rows `rubric_<n>_key`, `_weight`, `_ru`, `_kk`, `_levels_ru`,
/// `_levels_kk` (six lines each, for scores 0 to 5); a row with no key is left out.
fn parse_rubric(f: &Form<'_>) -> Result<Rubric, FieldError> {
    let mut rubric = Rubric::new();
    for n in 0..super::review::MAX_CRITERIA + SPARE_ROWS {
        let name = |s: &str| format!("rubric_{n}_{s}");
        let Some(key) = f.get(&name("key")) else {
            continue;
        };
        let weight = f
            .number(&name("weight"))?
            .ok_or_else(|| FieldError::new(name("weight"), Problem::Required))?;
        let lines = |s: &str| -> Vec<String> {
            f.get(&name(s))
                .unwrap_or_default()
                .lines()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        };
        let (ru, kk) = (lines("levels_ru"), lines("levels_kk"));
        if ru.len() != kk.len() || !(ru.is_empty() || ru.len() == 6) {
            return Err(FieldError::new(name("levels_ru"), Problem::NotAccepted));
        }
        let c = RubricCriterion {
            key: key.to_owned(),
            ru: f.text(&name("ru"))?,
            kk: f.text(&name("kk"))?,
            weight: u32::try_from(weight).unwrap_or(0),
            levels: ru
                .into_iter()
                .zip(kk)
                .map(|(ru, kk)| LocalText { ru, kk })
                .collect(),
        };
        validate_rubric(std::slice::from_ref(&c))
            .map_err(|e| FieldError::new(name("key"), e.problem))?;
        rubric.push(c);
    }
    validate_rubric(&rubric).map_err(|e| FieldError::new("rubric_0_key", e.problem))?;
    Ok(rubric)
}

/// Reads the budget: `budget_total` for the whole programme and rows `budget_<n>_region` +
/// `budget_<n>_total` for regions.
fn parse_budget(f: &Form<'_>) -> Result<BTreeMap<String, i64>, FieldError> {
    let mut budget = BTreeMap::new();
    if let Some(total) = f.number("budget_total")? {
        if total < 0 {
            return Err(FieldError::new("budget_total", Problem::MustBePositive));
        }
        budget.insert(WHOLE.to_owned(), total);
    }
    for n in 0..MAX_REGIONS + SPARE_ROWS {
        let region = format!("budget_{n}_region");
        let total = format!("budget_{n}_total");
        let Some(code) = f.get(&region) else {
            continue;
        };
        let code =
            KatoCode::parse(code).map_err(|_| FieldError::new(&region, Problem::RegionFormat))?;
        if code.level() != super::location::Level::Region {
            return Err(FieldError::new(
                region,
                Problem::RegionUnknown(code.as_str().to_owned()),
            ));
        }
        let amount = f
            .number(&total)?
            .ok_or_else(|| FieldError::new(&total, Problem::Required))?;
        if amount < 0 {
            return Err(FieldError::new(total, Problem::MustBePositive));
        }
        if budget.insert(code.as_str().to_owned(), amount).is_some() {
            return Err(FieldError::new(region, Problem::Taken));
        }
    }
    Ok(budget)
}

/// The editor's form fields of `p`: what [`command::EditProgramme`] reads back into the same
/// programme.
pub fn to_pairs(p: &Programme) -> Vec<(String, String)> {
    let mut out = Pairs::default();
    put_programme(&mut out, &p.input);
    for c in &p.input.criteria {
        put_criterion(&mut out, c);
    }
    put_rubric(&mut out, p);
    put_budget(&mut out, p);
    out.put("target_days", num(p.target_days.map(i64::from)));
    out.put("appeal_days", num(p.appeal_days.map(i64::from)));
    out.0
}

/// The form fields written so far, in order.
#[derive(Default)]
struct Pairs(Vec<(String, String)>);

impl Pairs {
    /// Empty values are left out.
    fn put(&mut self, k: &str, v: String) {
        if !v.is_empty() {
            self.0.push((k.to_owned(), v));
        }
    }
}

fn num(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Basis points as the percent the form takes: `250` → `2.50`, `300` → `3`.
fn pct(v: Option<i32>) -> String {
    v.map(|b| {
        if b % 100 == 0 {
            (b / 100).to_string()
        } else {
            format!("{}.{:02}", b / 100, b % 100)
        }
    })
    .unwrap_or_default()
}

/// The programme's own fields: names, texts, money, terms, places and dates.
fn put_programme(out: &mut Pairs, i: &ProgramInput) {
    out.put("slug", i.slug.as_str().to_owned());
    out.put("kind", i.kind.as_str().to_owned());
    for (k, v) in [
        ("title_ru", &i.title_ru),
        ("title_kk", &i.title_kk),
        ("summary_ru", &i.summary_ru),
        ("summary_kk", &i.summary_kk),
        ("description_ru", &i.description_ru),
        ("description_kk", &i.description_kk),
        ("how_to_apply_ru", &i.how_to_apply_ru),
        ("how_to_apply_kk", &i.how_to_apply_kk),
        ("source_url", &i.source_url),
        ("source_name", &i.source_name),
    ] {
        out.put(k, v.clone());
    }
    out.put("amount_unit", i.amount.unit.as_str().to_owned());
    out.put("amount_min", num(i.amount.min));
    out.put("amount_max", num(i.amount.max));
    out.put("rate_min", pct(i.rate_bps.and_then(|r| r.min)));
    out.put("rate_max", pct(i.rate_bps.and_then(|r| r.max)));
    out.put("fee", pct(i.fee_bps));
    out.put("term_months_max", num(i.term_months_max.map(i64::from)));
    out.put("grace_months_max", num(i.grace_months_max.map(i64::from)));
    out.put("collateral", i.collateral.as_str().to_owned());
    out.put(
        "collateral_note_ru",
        i.collateral_note_ru.clone().unwrap_or_default(),
    );
    out.put(
        "collateral_note_kk",
        i.collateral_note_kk.clone().unwrap_or_default(),
    );
    out.put(
        "locations",
        i.locations
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    for s in &i.sectors {
        out.put("sectors", s.as_str().to_owned());
    }
    for g in &i.target_groups {
        out.put("target_groups", g.as_str().to_owned());
    }
    out.put(
        "intake_opens",
        i.intake_opens.map(|d| d.to_string()).unwrap_or_default(),
    );
    out.put(
        "deadline",
        i.deadline.map(|d| d.to_string()).unwrap_or_default(),
    );
    out.put(
        "required_documents",
        i.required_documents
            .iter()
            .map(|d| format!("{} | {}", d.ru, d.kk))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

/// One criterion: its "on" box, then its bounds or its values.
fn put_criterion(out: &mut Pairs, c: &Criterion) {
    let kind = c.type_name();
    let f = criterion_field(kind);
    out.put(&f, "on".to_owned());
    let values = format!("{f}_values");
    match c {
        Criterion::Age { min, max } => {
            put_range(out, &f, min.map(u32::from), max.map(u32::from));
        }
        Criterion::BusinessAgeMonths { min, max } | Criterion::Employees { min, max } => {
            put_range(out, &f, *min, *max);
        }
        Criterion::LocationWithin { codes } => out.put(
            &values,
            codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Criterion::SectorIn { sectors } | Criterion::ExcludedSectors { sectors } => {
            for s in sectors {
                out.put(&values, s.as_str().to_owned());
            }
        }
        Criterion::StageIn { stages } => {
            for s in stages {
                out.put(&values, s.as_str().to_owned());
            }
        }
        Criterion::LegalFormIn { forms } => {
            for s in forms {
                out.put(&values, s.as_str().to_owned());
            }
        }
        Criterion::TargetGroupAny { groups } => {
            for s in groups {
                out.put(&values, s.as_str().to_owned());
            }
        }
        Criterion::AmountWithin { unit, min, max } => {
            out.put(&format!("{f}_unit"), unit.as_str().to_owned());
            out.put(&format!("{f}_min"), num(*min));
            out.put(&format!("{f}_max"), num(*max));
        }
        Criterion::Certificate { name } => out.put(&values, name.as_str().to_owned()),
        Criterion::CollateralAvailable | Criterion::TaxRegistered => {}
    }
}

fn put_range(out: &mut Pairs, f: &str, min: Option<u32>, max: Option<u32>) {
    out.put(
        &format!("{f}_min"),
        min.map(|v| v.to_string()).unwrap_or_default(),
    );
    out.put(
        &format!("{f}_max"),
        max.map(|v| v.to_string()).unwrap_or_default(),
    );
}

/// The scoring rubric, one numbered group of fields per criterion; levels one per line.
fn put_rubric(out: &mut Pairs, p: &Programme) {
    for (n, c) in p.rubric.iter().enumerate() {
        out.put(&format!("rubric_{n}_key"), c.key.clone());
        out.put(&format!("rubric_{n}_weight"), c.weight.to_string());
        out.put(&format!("rubric_{n}_ru"), c.ru.clone());
        out.put(&format!("rubric_{n}_kk"), c.kk.clone());
        let lines = |f: fn(&LocalText) -> &String| {
            c.levels
                .iter()
                .map(f)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        };
        out.put(&format!("rubric_{n}_levels_ru"), lines(|l| &l.ru));
        out.put(&format!("rubric_{n}_levels_kk"), lines(|l| &l.kk));
    }
}

/// The whole envelope, then each region's part as a numbered pair.
fn put_budget(out: &mut Pairs, p: &Programme) {
    if let Some(total) = p.budget.get(WHOLE) {
        out.put("budget_total", total.to_string());
    }
    for (n, (area, total)) in p.budget.iter().filter(|(a, _)| *a != WHOLE).enumerate() {
        out.put(&format!("budget_{n}_region"), area.clone());
        out.put(&format!("budget_{n}_total"), total.to_string());
    }
}

#[cfg(test)]
mod tests;
