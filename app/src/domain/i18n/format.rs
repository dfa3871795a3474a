//! Numbers, dates and plural choice, the way each language writes them.

use super::Lang;

/// Months as a heading or a chart axis names them (nominative; Russian dates need the
/// genitive, below).
const MONTHS_RU: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
/// Kazakh month names; dates use the same form.
const MONTHS_KK: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of month `month0` (0 = January) in `lang`, as a heading says it.
pub fn month_name(lang: Lang, month0: usize) -> &'static str {
    let m = month0.min(11);
    match lang {
        Lang::Ru => MONTHS_RU[m],
        Lang::Kk => MONTHS_KK[m],
        Lang::En => MONTHS_EN[m],
    }
}

/// Formats a date the way `lang` writes it: «30 июня 2027 г.», «2027 жылғы 30 маусым»,
/// "30 June 2027".
pub fn format_date(lang: Lang, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let m = date.month0() as usize;
    match lang {
        Lang::Ru => format!("{}\u{a0}{}\u{a0}{}\u{a0}г.", date.day(), RU[m], date.year()),
        Lang::Kk => format!(
            "{}\u{a0}жылғы {}\u{a0}{}",
            date.year(),
            date.day(),
            MONTHS_KK[m]
        ),
        Lang::En => format!("{}\u{a0}{}\u{a0}{}", date.day(), MONTHS_EN[m], date.year()),
    }
}

/// Russian plural category: 0 for 1, 21, 31…; 1 for 2–4, 22–24…; 2 otherwise.
pub(super) fn russian_plural_index(n: u64) -> usize {
    let (last, last_two) = (n % 10, n % 100);
    if last == 1 && last_two != 11 {
        0
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        1
    } else {
        2
    }
}

/// Separates thousands the way `lang` writes numbers: a thin space in Russian and Kazakh, a
/// comma in English.
pub fn group_digits(lang: Lang, n: i128) -> String {
    let sep = match lang {
        // A narrow no-break space (U+202F), the thin space Russian and Kazakh typography puts
        // between digit groups: it never breaks a number across lines.
        Lang::Ru | Lang::Kk => '\u{202f}',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
