//! Programme facts in words: amounts, rates, terms, deadlines, places. Shared by result cards
//! (also rendered in the browser by the live search) and programme pages.

use chrono::NaiveDate;

use crate::domain::i18n::{Lang, Msg, format_date, t, tf, tn};
use crate::domain::location::{KatoCode, region};
use crate::domain::money::{Tiyn, format_bps, format_kzt};

/// "до 10 812 500 ₸", or that no amount is stated.
pub fn amount_up_to(lang: Lang, tenge: Option<i64>) -> String {
    match tenge.and_then(Tiyn::from_tenge) {
        Some(amount) => tf(
            lang,
            Msg::FactAmountUpTo,
            &[("amount", &format_kzt(lang, amount))],
        ),
        None => t(lang, Msg::FactAmountNone).to_owned(),
    }
}

/// "2,5 % годовых" or "7–8 % годовых".
pub fn rate(lang: Lang, min: Option<i32>, max: Option<i32>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if a != b => Some(tf(
            lang,
            Msg::FactRateRange,
            &[("min", &format_bps(lang, a)), ("max", &format_bps(lang, b))],
        )),
        (_, Some(r)) | (Some(r), None) => {
            Some(tf(lang, Msg::FactRate, &[("rate", &format_bps(lang, r))]))
        }
        (None, None) => None,
    }
}

/// "до 60 месяцев".
pub fn term(lang: Lang, months: Option<i32>) -> Option<String> {
    months.map(|m| tn(lang, Msg::FactTerm, u64::try_from(m).unwrap_or(0)))
}

/// "приём до 30 июня 2027 г." or "приём постоянно".
pub fn deadline(lang: Lang, date: Option<NaiveDate>) -> String {
    match date {
        Some(d) => tf(lang, Msg::FactDeadline, &[("date", &format_date(lang, d))]),
        None => t(lang, Msg::FactNoDeadline).to_owned(),
    }
}

/// Region names of a result card; nationwide when there are none.
pub fn regions(lang: Lang, codes: &[KatoCode]) -> String {
    if codes.is_empty() {
        return t(lang, Msg::FactNationwide).to_owned();
    }
    codes
        .iter()
        .map(|c| {
            region(c.region().as_str()).map_or_else(|| c.to_string(), |r| r.name(lang).to_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_read_naturally() {
        assert_eq!(
            amount_up_to(Lang::Ru, Some(10_812_500)),
            "до 10\u{202f}812\u{202f}500\u{a0}₸"
        );
        assert_eq!(amount_up_to(Lang::Ru, None), "Сумма не указана");
        assert_eq!(
            rate(Lang::Ru, None, Some(250)).as_deref(),
            Some("2,5\u{a0}% годовых")
        );
        assert_eq!(
            rate(Lang::Ru, Some(700), Some(800)).as_deref(),
            Some("7\u{a0}%–8\u{a0}% годовых")
        );
        assert_eq!(term(Lang::Ru, Some(60)).as_deref(), Some("до 60 месяцев"));
        assert_eq!(term(Lang::Ru, Some(1)).as_deref(), Some("до 1 месяца"));
        assert_eq!(deadline(Lang::Kk, None), "тұрақты қабылдау");
        let codes = vec![KatoCode::parse("612000000").expect("valid")];
        assert_eq!(regions(Lang::Ru, &codes), "Туркестанская область");
        assert_eq!(regions(Lang::En, &[]), "All of Kazakhstan");
    }
}
