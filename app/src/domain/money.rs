//! Money in integer tiyn, limits set in tenge or in MCI, and their display.
//!
//! Amounts are `i64` tiyn (1 ₸ = 100 tiyn) and rates are basis points: no floating point ever
//! touches money. Limits written in MCI (the monthly calculation index, re-set every January)
//! stay in MCI and are converted with the value of the year being shown, which is data.

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, group_digits};

/// An amount of money in tiyn.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Tiyn(pub i64);

impl Tiyn {
    /// Whole tenge as tiyn; `None` on overflow.
    pub fn from_tenge(tenge: i64) -> Option<Tiyn> {
        tenge.checked_mul(100).map(Tiyn)
    }

    /// The amount in whole tenge, rounded down (limits are whole tenge in practice).
    pub fn whole_tenge(self) -> i64 {
        self.0.div_euclid(100)
    }
}

/// An amount in whole tenge: what applications, decisions, payments, budgets and reports count
/// (a programme's limits, which may carry tiyn, are [`Tiyn`]). Serialised as a bare number.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Tenge(pub i64);

impl Tenge {
    /// The amount as the site writes money everywhere: `1 000 000 ₸` (digits grouped the way
    /// `lang` groups them, a no-break space before the sign).
    pub fn format(self, lang: Lang) -> String {
        format!("{}\u{a0}₸", group_digits(lang, i128::from(self.0)))
    }
}

/// The unit a programme's limits are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AmountUnit {
    /// Tenge; stored values are tiyn.
    Kzt,
    /// Monthly calculation indices; stored values are whole MCI.
    Mci,
}

impl AmountUnit {
    /// The code stored in the database and used in seed files.
    pub fn as_str(self) -> &'static str {
        match self {
            AmountUnit::Kzt => "kzt",
            AmountUnit::Mci => "mci",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<AmountUnit> {
        match s {
            "kzt" => Some(AmountUnit::Kzt),
            "mci" => Some(AmountUnit::Mci),
            _ => None,
        }
    }
}

/// A limit as the programme's rules state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "unit", content = "value", rename_all = "lowercase")]
pub enum Limit {
    /// A fixed amount.
    Kzt(Tiyn),
    /// A number of MCI.
    Mci(i64),
}

impl Limit {
    /// Builds a limit from the stored unit and value.
    pub fn from_stored(unit: AmountUnit, value: i64) -> Limit {
        match unit {
            AmountUnit::Kzt => Limit::Kzt(Tiyn(value)),
            AmountUnit::Mci => Limit::Mci(value),
        }
    }

    /// The value in tiyn for a year, with the MCI table; see [`MciTable::convert`].
    pub fn in_tiyn(self, table: &MciTable, year: i32) -> Option<Converted> {
        match self {
            Limit::Kzt(t) => Some(Converted {
                tiyn: t,
                mci_year: None,
            }),
            Limit::Mci(count) => table.convert(count, year),
        }
    }
}

/// The MCI value of one year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MciRate {
    /// Calendar year the value applies to.
    pub year: i32,
    /// One MCI in tiyn.
    pub tiyn: Tiyn,
}

/// The MCI values known to the system, one per year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MciTable {
    rates: Vec<MciRate>,
}

/// A limit converted to money, and which year's MCI was used (when it was in MCI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Converted {
    /// The amount.
    pub tiyn: Tiyn,
    /// The MCI year used; differs from the requested year when that year is not yet known.
    pub mci_year: Option<i32>,
}

impl MciTable {
    /// Builds a table; later entries for the same year replace earlier ones.
    pub fn new(mut rates: Vec<MciRate>) -> MciTable {
        rates.sort_by_key(|r| r.year);
        rates.dedup_by(|later, earlier| {
            let same = later.year == earlier.year;
            if same {
                *earlier = *later;
            }
            same
        });
        MciTable { rates }
    }

    /// The value for `year`, or for the latest earlier year when `year` is not recorded yet
    /// (the law for January is sometimes published late). `None` when nothing is known.
    pub fn rate_for(&self, year: i32) -> Option<MciRate> {
        self.rates
            .iter()
            .rev()
            .find(|r| r.year <= year)
            .copied()
            .or_else(|| self.rates.first().copied())
    }

    /// `count` MCI in tiyn with the value for `year`; `None` on overflow or an empty table.
    pub fn convert(&self, count: i64, year: i32) -> Option<Converted> {
        let rate = self.rate_for(year)?;
        let tiyn = count.checked_mul(rate.tiyn.0)?;
        Some(Converted {
            tiyn: Tiyn(tiyn),
            mci_year: Some(rate.year),
        })
    }

    /// Every recorded rate, oldest first.
    pub fn rates(&self) -> &[MciRate] {
        &self.rates
    }
}

/// Formats money: `10 812 500 ₸`, with tiyn only when there are any (`1 234,50 ₸`).
pub fn format_kzt(lang: Lang, amount: Tiyn) -> String {
    let whole = group_digits(lang, i128::from(amount.0) / 100);
    let tiyn = (amount.0 % 100).unsigned_abs();
    let decimal = match lang {
        Lang::En => '.',
        Lang::Ru | Lang::Kk => ',',
    };
    if tiyn == 0 {
        format!("{whole}\u{a0}₸")
    } else {
        format!("{whole}{decimal}{tiyn:02}\u{a0}₸")
    }
}

/// Formats a rate in basis points: `2,5 %` (Russian, Kazakh) or `2.5%` (English).
pub fn format_bps(lang: Lang, bps: i32) -> String {
    let whole = bps / 100;
    let frac = (bps % 100).unsigned_abs();
    let (decimal, space) = match lang {
        Lang::En => ('.', ""),
        Lang::Ru | Lang::Kk => (',', "\u{a0}"),
    };
    let number = match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}{decimal}{}", f / 10),
        f => format!("{whole}{decimal}{f:02}"),
    };
    format!("{number}{space}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> MciTable {
        MciTable::new(vec![
            MciRate {
                year: 2026,
                tiyn: Tiyn(432_500),
            },
            MciRate {
                year: 2025,
                tiyn: Tiyn(393_200),
            },
        ])
    }

    #[test]
    fn mci_limits_convert_with_the_value_of_the_year() {
        let cases = [
            (2500, 2025, 9_830_000),
            (2500, 2026, 10_812_500),
            (8000, 2026, 34_600_000),
            (400, 2026, 1_730_000),
        ];
        for (count, year, tenge) in cases {
            let converted = table().convert(count, year).expect("converts");
            assert_eq!(
                converted.tiyn.whole_tenge(),
                tenge,
                "failed for {count} MCI in {year}"
            );
            assert_eq!(
                converted.mci_year,
                Some(year),
                "failed for {count} MCI in {year}"
            );
        }
    }

    #[test]
    fn mci_for_an_unrecorded_year_uses_the_latest_earlier_year() {
        assert_eq!(
            table().convert(1, 2027).map(|c| c.mci_year),
            Some(Some(2026))
        );
        // Before the first recorded year there is nothing better than the oldest value.
        assert_eq!(
            table().convert(1, 2020).map(|c| c.mci_year),
            Some(Some(2025))
        );
        assert_eq!(MciTable::default().convert(1, 2026), None);
    }

    #[test]
    fn mci_conversion_refuses_to_overflow() {
        assert_eq!(table().convert(i64::MAX / 2, 2026), None);
    }

    #[test]
    fn a_later_entry_for_the_same_year_replaces_the_earlier() {
        let t = MciTable::new(vec![
            MciRate {
                year: 2026,
                tiyn: Tiyn(1),
            },
            MciRate {
                year: 2026,
                tiyn: Tiyn(432_500),
            },
        ]);
        assert_eq!(t.rates().len(), 1);
        assert_eq!(t.rate_for(2026).map(|r| r.tiyn), Some(Tiyn(432_500)));
    }

    #[test]
    fn money_is_formatted_per_language() {
        let cases = [
            (
                Lang::Ru,
                Tiyn(1_081_250_000),
                "10\u{202f}812\u{202f}500\u{a0}₸",
            ),
            (Lang::En, Tiyn(1_081_250_000), "10,812,500\u{a0}₸"),
            (Lang::Kk, Tiyn(123_450), "1\u{202f}234,50\u{a0}₸"),
            (Lang::Ru, Tiyn(0), "0\u{a0}₸"),
            (Lang::Ru, Tiyn(99_900), "999\u{a0}₸"),
            (Lang::Ru, Tiyn(-500_000), "-5\u{202f}000\u{a0}₸"),
        ];
        for (lang, amount, expected) in cases {
            assert_eq!(
                format_kzt(lang, amount),
                expected,
                "failed for {amount:?} in {lang:?}"
            );
        }
    }

    #[test]
    fn rates_are_formatted_per_language() {
        let cases = [
            (Lang::Ru, 250, "2,5\u{a0}%"),
            (Lang::Ru, 800, "8\u{a0}%"),
            (Lang::En, 250, "2.5%"),
            (Lang::Kk, 125, "1,25\u{a0}%"),
            (Lang::En, 2800, "28%"),
        ];
        for (lang, bps, expected) in cases {
            assert_eq!(
                format_bps(lang, bps),
                expected,
                "failed for {bps} in {lang:?}"
            );
        }
    }

    #[test]
    fn tenge_to_tiyn_refuses_overflow() {
        assert_eq!(Tiyn::from_tenge(5), Some(Tiyn(500)));
        assert_eq!(Tiyn::from_tenge(i64::MAX), None);
    }
}
