//! Locations from the national KATO classifier: region → district → rural okrug → settlement.
//!
//! A KATO code has nine digits `AB CD EF HIJ`; the unit's level follows from which groups are
//! zero. The 20 top-level units (17 regions and 3 cities) are listed here with their Kazakh and
//! English names, because the published classifier carries Russian names only.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::i18n::Lang;

/// A valid nine-digit KATO code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct KatoCode(String);

/// Why a string is not a KATO code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KatoError {
    /// Not exactly nine ASCII digits.
    #[error("a KATO code is nine digits")]
    Format,
}

impl KatoCode {
    /// Parses nine ASCII digits.
    pub fn parse(s: &str) -> Result<KatoCode, KatoError> {
        if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0') {
            Ok(KatoCode(s.to_owned()))
        } else {
            Err(KatoError::Format)
        }
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unit's level, from which digit groups are zero.
    pub fn level(&self) -> Level {
        let s = self.0.as_str();
        if &s[2..] == "0000000" {
            Level::Region
        } else if &s[4..] == "00000" {
            Level::District
        } else if &s[6..] == "000" {
            Level::Okrug
        } else {
            Level::Settlement
        }
    }

    /// The region (top-level unit) this unit belongs to.
    pub fn region(&self) -> KatoCode {
        KatoCode(format!("{}0000000", &self.0[..2]))
    }

    /// The okrug this unit lies in (itself for an okrug); `None` above okrug level.
    pub fn okrug(&self) -> Option<KatoCode> {
        match self.level() {
            Level::Okrug | Level::Settlement => Some(KatoCode(format!("{}000", &self.0[..6]))),
            Level::Region | Level::District => None,
        }
    }

    /// The district this unit lies in (itself for a district); `None` for a region.
    pub fn district(&self) -> Option<KatoCode> {
        match self.level() {
            Level::Region => None,
            _ => Some(KatoCode(format!("{}00000", &self.0[..4]))),
        }
    }

    /// Whether this unit lies within `area` (or is it).
    pub fn is_within(&self, area: &KatoCode) -> bool {
        let keep = match area.level() {
            Level::Region => 2,
            Level::District => 4,
            Level::Okrug => 6,
            Level::Settlement => 9,
        };
        self.0[..keep] == area.0[..keep]
    }
}

impl TryFrom<String> for KatoCode {
    type Error = KatoError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        KatoCode::parse(&s)
    }
}

impl From<KatoCode> for String {
    fn from(code: KatoCode) -> String {
        code.0
    }
}

impl fmt::Display for KatoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The level of a KATO unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Level {
    /// A region or a city of republican significance (Astana, Almaty, Shymkent).
    Region = 1,
    /// A district or a city of regional significance.
    District = 2,
    /// A rural okrug or a rural, settlement or town akimat: the unit an akim heads.
    Okrug = 3,
    /// A village, settlement or station.
    Settlement = 4,
}

impl Level {
    /// The number stored in the `level` column.
    pub fn as_i16(self) -> i16 {
        self as i16
    }
}

/// A top-level unit with its names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Its KATO code `AB0000000`.
    pub code: &'static str,
    /// Russian name.
    pub ru: &'static str,
    /// Kazakh name.
    pub kk: &'static str,
    /// English name.
    pub en: &'static str,
}

impl Region {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ru => self.ru,
            Lang::Kk => self.kk,
            Lang::En => self.en,
        }
    }
}

/// The 20 top-level units of KATO (2022-10-17), in classifier order.
pub const REGIONS: &[Region] = &[
    Region {
        code: "100000000",
        ru: "область Абай",
        kk: "Абай облысы",
        en: "Abai Region",
    },
    Region {
        code: "110000000",
        ru: "Акмолинская область",
        kk: "Ақмола облысы",
        en: "Akmola Region",
    },
    Region {
        code: "150000000",
        ru: "Актюбинская область",
        kk: "Ақтөбе облысы",
        en: "Aktobe Region",
    },
    Region {
        code: "190000000",
        ru: "Алматинская область",
        kk: "Алматы облысы",
        en: "Almaty Region",
    },
    Region {
        code: "230000000",
        ru: "Атырауская область",
        kk: "Атырау облысы",
        en: "Atyrau Region",
    },
    Region {
        code: "270000000",
        ru: "Западно-Казахстанская область",
        kk: "Батыс Қазақстан облысы",
        en: "West Kazakhstan Region",
    },
    Region {
        code: "310000000",
        ru: "Жамбылская область",
        kk: "Жамбыл облысы",
        en: "Jambyl Region",
    },
    Region {
        code: "330000000",
        ru: "область Жетісу",
        kk: "Жетісу облысы",
        en: "Jetisu Region",
    },
    Region {
        code: "350000000",
        ru: "Карагандинская область",
        kk: "Қарағанды облысы",
        en: "Karaganda Region",
    },
    Region {
        code: "390000000",
        ru: "Костанайская область",
        kk: "Қостанай облысы",
        en: "Kostanay Region",
    },
    Region {
        code: "430000000",
        ru: "Кызылординская область",
        kk: "Қызылорда облысы",
        en: "Kyzylorda Region",
    },
    Region {
        code: "470000000",
        ru: "Мангистауская область",
        kk: "Маңғыстау облысы",
        en: "Mangystau Region",
    },
    Region {
        code: "550000000",
        ru: "Павлодарская область",
        kk: "Павлодар облысы",
        en: "Pavlodar Region",
    },
    Region {
        code: "590000000",
        ru: "Северо-Казахстанская область",
        kk: "Солтүстік Қазақстан облысы",
        en: "North Kazakhstan Region",
    },
    Region {
        code: "610000000",
        ru: "Туркестанская область",
        kk: "Түркістан облысы",
        en: "Turkistan Region",
    },
    Region {
        code: "620000000",
        ru: "область Ұлытау",
        kk: "Ұлытау облысы",
        en: "Ulytau Region",
    },
    Region {
        code: "630000000",
        ru: "Восточно-Казахстанская область",
        kk: "Шығыс Қазақстан облысы",
        en: "East Kazakhstan Region",
    },
    Region {
        code: "710000000",
        ru: "г. Астана",
        kk: "Астана қаласы",
        en: "Astana",
    },
    Region {
        code: "750000000",
        ru: "г. Алматы",
        kk: "Алматы қаласы",
        en: "Almaty",
    },
    Region {
        code: "790000000",
        ru: "г. Шымкент",
        kk: "Шымкент қаласы",
        en: "Shymkent",
    },
];

/// The top-level unit with this code, if there is one.
pub fn region(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

/// One row of the shipped KATO file (`id;parent_id;code;name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KatoRow {
    /// Row id within the file.
    pub id: u32,
    /// Parent row id; 0 for a top-level unit.
    pub parent_id: u32,
    /// The unit's code.
    pub code: KatoCode,
    /// Russian name as published.
    pub name: String,
}

/// Why a line of the KATO file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("KATO line {line}: {reason}")]
pub struct KatoLineError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub reason: &'static str,
}

/// Parses the whole KATO file: header, then one unit per line.
pub fn parse_kato_csv(text: &str) -> Result<Vec<KatoRow>, KatoLineError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header))
            if header.trim_start_matches('\u{feff}').trim() == "id;parent_id;code;name" => {}
        _ => {
            return Err(KatoLineError {
                line: 1,
                reason: "expected the header id;parent_id;code;name",
            });
        }
    }
    lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let err = |reason| KatoLineError {
                line: i + 1,
                reason,
            };
            let mut fields = l.splitn(4, ';');
            let id = fields
                .next()
                .and_then(|f| f.parse().ok())
                .ok_or(err("bad id"))?;
            let parent_id = fields
                .next()
                .and_then(|f| f.parse().ok())
                .ok_or(err("bad parent_id"))?;
            let code = fields
                .next()
                .and_then(|f| KatoCode::parse(f).ok())
                .ok_or(err("bad code"))?;
            let name = fields
                .next()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or(err("no name"))?;
            Ok(KatoRow {
                id,
                parent_id,
                code,
                name: name.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_from_the_zero_groups() {
        let cases = [
            ("610000000", Level::Region),
            ("612000000", Level::District),
            ("101033000", Level::Okrug),
            ("101033100", Level::Settlement),
            ("101033102", Level::Settlement),
            ("101010000", Level::Okrug),
        ];
        for (code, level) in cases {
            assert_eq!(
                KatoCode::parse(code).expect(code).level(),
                level,
                "failed for {code}"
            );
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "61000000",
            "6100000000",
            "61000000a",
            "０１２３４５６７８",
            "061000000",
            " 61000000",
        ] {
            assert_eq!(
                KatoCode::parse(bad),
                Err(KatoError::Format),
                "failed for {bad:?}"
            );
        }
    }

    #[test]
    fn containment_follows_the_code_prefix() {
        let village = KatoCode::parse("101033102").expect("valid");
        let region = KatoCode::parse("100000000").expect("valid");
        let okrug = KatoCode::parse("101033000").expect("valid");
        let other = KatoCode::parse("610000000").expect("valid");
        assert!(village.is_within(&region));
        assert!(village.is_within(&okrug));
        assert!(!village.is_within(&other));
        assert_eq!(village.region(), region);
    }

    #[test]
    fn the_kato_file_parses_and_every_region_is_listed() {
        let rows = parse_kato_csv(
            "id;parent_id;code;name\n1;0;100000000;область Абай\n2;1;101000000;Семей Г.А.\n",
        )
        .expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].parent_id, 1);
        assert_eq!(region("100000000").map(|r| r.kk), Some("Абай облысы"));
        assert_eq!(REGIONS.len(), 20);
        assert!(parse_kato_csv("id;parent_id;code;name\n1;0;12;x\n").is_err());
        assert!(parse_kato_csv("wrong header\n").is_err());
    }
}
