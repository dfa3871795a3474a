//! What the engine knows of an applicant: the facts of a profile (or a what-if), on a day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Certificate, LegalForm, Sector, Stage, TargetGroup};
use crate::domain::identity::Sex;
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};

/// The age up to which a person counts as young (the "youth" target group).
pub const YOUTH_MAX_AGE: u32 = 29;

/// What the engine knows about an entrepreneur. Every fact is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Facts {
    /// Age in whole years.
    pub age: Option<u32>,
    /// Sex, from the IIN.
    pub sex: Option<Sex>,
    /// Target groups the person declared; `None` when the question was not answered. Youth and
    /// women follow from age and sex when those are known.
    pub groups: Option<Vec<TargetGroup>>,
    /// Where the business is: a settlement, or a coarser unit (what-if by region).
    pub location: Option<KatoCode>,
    /// Line of business.
    pub sector: Option<Sector>,
    /// How far along the business is.
    pub stage: Option<Stage>,
    /// Legal form.
    pub legal_form: Option<LegalForm>,
    /// Number of employees.
    pub employees: Option<u32>,
    /// Months since the business started.
    pub business_age_months: Option<u32>,
    /// The amount the person needs, in whole tenge.
    pub amount_tenge: Option<i64>,
    /// Whether they have property to pledge.
    pub collateral: Option<bool>,
    /// Certificates held; `None` when the question was not answered.
    pub certificates: Option<Vec<Certificate>>,
}

impl Facts {
    /// Whether the person belongs to `group`: `None` when that is not known.
    pub fn in_group(&self, group: TargetGroup) -> Option<bool> {
        match group {
            // Age decides youth whenever it is known, whatever was ticked.
            TargetGroup::Youth => self
                .age
                .map(|a| a <= YOUTH_MAX_AGE)
                .or_else(|| self.declared(group)),
            TargetGroup::Women => match (self.sex, self.declared(group)) {
                (Some(sex), _) => Some(sex == Sex::Female),
                (None, declared) => declared,
            },
            _ => self.declared(group),
        }
    }

    fn declared(&self, group: TargetGroup) -> Option<bool> {
        self.groups.as_ref().map(|g| g.contains(&group))
    }

    /// Applies what-if changes; nothing else is touched.
    pub fn with(&self, what_if: &WhatIf) -> Facts {
        let mut f = self.clone();
        if let Some(age) = what_if.age {
            f.age = Some(age);
        }
        if let Some(amount) = what_if.amount_tenge {
            f.amount_tenge = Some(amount);
        }
        if let Some(sector) = what_if.sector {
            f.sector = Some(sector);
        }
        if let Some(location) = &what_if.location {
            f.location = Some(location.clone());
        }
        f
    }
}

/// Facts changed for a "what if" look at the ranking; never saved by themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhatIf {
    /// Another age.
    pub age: Option<u32>,
    /// Another amount, whole tenge.
    pub amount_tenge: Option<i64>,
    /// Another sector.
    pub sector: Option<Sector>,
    /// Another place (a region, district, okrug or settlement).
    pub location: Option<KatoCode>,
}

impl WhatIf {
    /// Whether anything is changed.
    pub fn is_empty(&self) -> bool {
        *self == WhatIf::default()
    }
}

/// The what-if form as typed: kept as text so a bad value is shown back beside its field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhatIfInput {
    /// Age.
    pub age: String,
    /// Amount, tenge.
    pub amount: String,
    /// Sector code.
    pub sector: String,
    /// Region KATO code.
    pub region: String,
}

impl WhatIfInput {
    /// Field names, as the form and the address use them.
    pub const FIELDS: [&'static str; 4] = ["age", "amount", "sector", "region"];

    /// The form's fields from decoded address pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> WhatIfInput {
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        WhatIfInput {
            age: get("age"),
            amount: get("amount"),
            sector: get("sector"),
            region: get("region"),
        }
    }

    /// The changes, or the first field that is wrong. Empty fields change nothing.
    pub fn parse(&self) -> Result<WhatIf, FieldError> {
        use crate::domain::params::parse_count;
        fn opt(s: &str) -> Option<&str> {
            Some(s).filter(|v| !v.is_empty())
        }
        Ok(WhatIf {
            age: opt(&self.age)
                .map(|v| parse_count("age", v, 0, 120).map(|n| n as u32))
                .transpose()?,
            amount_tenge: opt(&self.amount)
                .map(|v| parse_count("amount", v, 1, 1_000_000_000_000))
                .transpose()?,
            sector: opt(&self.sector)
                .map(|v| {
                    Sector::parse(v).ok_or_else(|| {
                        FieldError::new("sector", Problem::UnknownSector(v.to_owned()))
                    })
                })
                .transpose()?,
            location: opt(&self.region)
                .map(|v| {
                    KatoCode::parse(v)
                        .ok()
                        .filter(|c| crate::domain::location::region(c.as_str()).is_some())
                        .ok_or_else(|| {
                            FieldError::new("region", Problem::RegionUnknown(v.to_owned()))
                        })
                })
                .transpose()?,
        })
    }

    /// The address query of these inputs (empty fields left out).
    pub fn query(&self) -> String {
        [
            ("age", &self.age),
            ("amount", &self.amount),
            ("sector", &self.sector),
            ("region", &self.region),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::domain::params::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// Whole years between `birth` and `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Whole months between `start` and `today`.
pub fn months_between(start: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut months =
        (today.year() - start.year()) * 12 + today.month() as i32 - start.month() as i32;
    if today.day() < start.day() {
        months -= 1;
    }
    u32::try_from(months).ok()
}

/// Reads the facts of an eligibility request: a JSON object whose keys are [`Facts`]' fields,
/// each optional. Every problem names its field: an unknown key, or a value of the wrong kind.
pub fn parse_facts(body: &[u8]) -> Result<Facts, FieldError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
    let serde_json::Value::Object(map) = value else {
        return Err(FieldError::new("body", Problem::NotAccepted));
    };
    // Every field at its default: the keys that exist, and the base each field is tried on.
    let defaults = serde_json::to_value(Facts::default())
        .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
    let mut all = defaults.clone();
    for (key, v) in map {
        if defaults.get(&key).is_none() {
            return Err(FieldError::new(key, Problem::NotAccepted));
        }
        // Each field alone, so that a wrong one is named.
        let mut one = defaults.clone();
        one[&key] = v.clone();
        if serde_json::from_value::<Facts>(one).is_err() {
            return Err(FieldError::new(key, Problem::NotAccepted));
        }
        all[&key] = v;
    }
    serde_json::from_value(all).map_err(|_| FieldError::new("body", Problem::NotAccepted))
}
