//! What the public may see of a count: small counts suppressed ([`Shown`]), shares only when
//! they rest on enough applications ([`rate`]), and what the akimat said, by which figures are
//! grouped ([`Said`]). Kept apart so that the okrug's figures and its loan book both build on it
//! without importing each other.

use serde::{Deserialize, Serialize};

use crate::domain::i18n::{Lang, Msg, t};

/// Below this many, a count is shown as "fewer than 3".
pub const MIN_SHOWN: u64 = 3;

/// What the akimat said of an application (its latest recommendation version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Said {
    /// Recommended.
    Recommended,
    /// Not recommended.
    NotRecommended,
    /// No recommendation (never asked, or not answered).
    Nothing,
}

impl Said {
    /// Every answer, in order.
    pub const ALL: [Said; 3] = [Said::Recommended, Said::NotRecommended, Said::Nothing];

    /// The code used in open data.
    pub fn as_str(self) -> &'static str {
        match self {
            Said::Recommended => "recommended",
            Said::NotRecommended => "not_recommended",
            Said::Nothing => "no_recommendation",
        }
    }

    /// In words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Said::Recommended => Msg::RepSaidRecommended,
                Said::NotRecommended => Msg::RepSaidNotRecommended,
                Said::Nothing => Msg::RepSaidNothing,
            },
        )
    }
}

/// A share in whole per cent, when both counts are large enough to say.
pub(crate) fn rate(part: u64, whole: u64) -> Option<u32> {
    (whole >= MIN_SHOWN && (part == 0 || part >= MIN_SHOWN))
        .then(|| ((part * 100 + whole / 2) / whole) as u32)
}

/// A published number: exact, or "fewer than 3" (which open data writes as `"<3"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// The number.
    Value(i64),
    /// Between 1 and 2 (a count), or resting on so few applications (a sum).
    FewerThan3,
}

impl Shown {
    /// A count, suppressed from 1 to 2.
    pub fn count(n: u64) -> Shown {
        if n > 0 && n < MIN_SHOWN {
            Shown::FewerThan3
        } else {
            Shown::Value(n as i64)
        }
    }

    /// A sum over `behind` applications, suppressed when they are 1 or 2.
    pub fn sum(total: i64, behind: u64) -> Shown {
        if behind > 0 && behind < MIN_SHOWN {
            Shown::FewerThan3
        } else {
            Shown::Value(total)
        }
    }

    /// The value, when shown.
    pub fn value(self) -> Option<i64> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::FewerThan3 => None,
        }
    }

    /// As open data writes it: the number or `<3`.
    pub fn data(self) -> String {
        match self {
            Shown::Value(v) => v.to_string(),
            Shown::FewerThan3 => "<3".to_owned(),
        }
    }
}

// By hand, like its serde: a count, or the string "<3" where a count would identify people.

#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Shown {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["<3"])),
            )
            .description(Some(
                "A count, or \"<3\" where a smaller count would be shown",
            ))
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Shown {}

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Value(v) => s.serialize_i64(*v),
            Shown::FewerThan3 => s.serialize_str("<3"),
        }
    }
}

impl<'de> Deserialize<'de> for Shown {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shown, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Value(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Value(v) => Ok(Shown::Value(v)),
            Raw::Text(s) if s == "<3" => Ok(Shown::FewerThan3),
            Raw::Text(s) => Err(serde::de::Error::custom(format!("not a figure: {s}"))),
        }
    }
}
