//! The translation layer: every user-facing string goes through [`t`], [`tf`] or [`tn`].
//!
//! Messages are declared in `i18n/messages/`, one file per feature, each with its Russian, Kazakh
//! and English text side by side, so a translator sees the three together; `build.rs` gathers
//! the files into the one `Msg` enum (a compile-time match per lookup). Russian is the reference language and is required by
//! the macro; a Kazakh or English text may be `None` while a translation is pending, and then the
//! Russian text is shown (the `every_message_is_translated` test lists what is missing).

mod format;

use serde::{Deserialize, Serialize};

use format::russian_plural_index;
pub use format::{format_date, group_digits, month_name};

/// A language the interface is offered in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Russian: the default and the reference language.
    #[default]
    Ru,
    /// Kazakh (Cyrillic script).
    Kk,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The BCP 47 tag used in `lang` attributes, cookies and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::En => "en",
        }
    }

    /// The language's own name, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ru => "Русский",
            Lang::Kk => "Қазақша",
            Lang::En => "English",
        }
    }

    /// Parses a tag such as `kk`, `kk-KZ` or `ru_RU`; unknown tags give `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "kk" | "kz" => Some(Lang::Kk),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best offered language from an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let lang = Lang::parse(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((lang, q, position))
            })
            // Highest q wins; on a tie the earlier entry wins, as RFC 9110 intends.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.2.cmp(&a.2)))
            .map(|(lang, _, _)| lang)
    }
}

macro_rules! messages {
    ($($key:ident { ru: $ru:expr, kk: $kk:expr, en: $en:expr $(,)? })*) => {
        /// A user-facing message. Its texts are in `domain/i18n/messages/`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every message, for completeness checks.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            fn ru(self) -> &'static str {
                match self { $(Msg::$key => $ru),* }
            }

            fn kk(self) -> Option<&'static str> {
                match self { $(Msg::$key => $kk),* }
            }

            fn en(self) -> Option<&'static str> {
                match self { $(Msg::$key => $en),* }
            }
        }
    };
}

/// The text of `msg` in `lang`, falling back to Russian where a translation is missing.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    match lang {
        Lang::Ru => msg.ru(),
        Lang::Kk => msg.kk().unwrap_or_else(|| msg.ru()),
        Lang::En => msg.en().unwrap_or_else(|| msg.ru()),
    }
}

/// [`t`] with `{name}` placeholders filled from `args`.
pub fn tf(lang: Lang, msg: Msg, args: &[(&str, &str)]) -> String {
    let mut out = t(lang, msg).to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A counted message: its text holds plural forms separated by `|` (Russian: one|few|many,
/// English: one|other, Kazakh: a single form, since Kazakh nouns after numerals stay singular)
/// and `{n}` is replaced by the number.
pub fn tn(lang: Lang, msg: Msg, n: u64) -> String {
    let text = t(lang, msg);
    let forms: Vec<&str> = text.split('|').collect();
    let pick = match (lang, forms.len()) {
        (_, 1) => 0,
        (Lang::Ru, 3) | (Lang::Kk, 3) => russian_plural_index(n),
        (_, _) => usize::from(n != 1),
    };
    let form = forms.get(pick).copied().unwrap_or(text);
    form.replace("{n}", &group_digits(lang, n as i128))
}

/// Chooses between a Russian and a Kazakh version of a programme text. Programme texts exist in
/// Russian and Kazakh only, so English readers get the Russian one; an empty Kazakh text falls
/// back to Russian too.
pub fn pick<'a>(lang: Lang, ru: &'a str, kk: &'a str) -> &'a str {
    match lang {
        Lang::Kk if !kk.trim().is_empty() => kk,
        _ => ru,
    }
}

// The messages of every feature, gathered by build.rs from `i18n/messages/*.msg`.
include!(concat!(env!("OUT_DIR"), "/messages.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_q_value() {
        let cases = [
            ("kk-KZ,kk;q=0.9,ru;q=0.8", Some(Lang::Kk)),
            ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Ru)),
            ("de-DE,de;q=0.9,en;q=0.5", Some(Lang::En)),
            ("en;q=0.4,ru;q=0.6", Some(Lang::Ru)),
            ("fr,de", None),
            ("kk;q=0, ru;q=0.1", Some(Lang::Ru)),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                Lang::from_accept_language(header),
                expected,
                "failed for {header}"
            );
        }
    }

    #[test]
    fn russian_plural_forms_follow_the_last_digits() {
        let cases = [
            (1, "Найдена 1 программа"),
            (2, "Найдено 2 программы"),
            (5, "Найдено 5 программ"),
            (11, "Найдено 11 программ"),
            (21, "Найдена 21 программа"),
            (22, "Найдено 22 программы"),
            (112, "Найдено 112 программ"),
            (1001, "Найдена 1\u{202f}001 программа"),
        ];
        for (n, expected) in cases {
            assert_eq!(
                tn(Lang::Ru, Msg::ResultsCount, n),
                expected,
                "failed for {n}"
            );
        }
        assert_eq!(tn(Lang::En, Msg::ResultsCount, 1), "1 programme found");
        assert_eq!(tn(Lang::En, Msg::ResultsCount, 3), "3 programmes found");
        assert_eq!(tn(Lang::Kk, Msg::ResultsCount, 3), "3 бағдарлама табылды");
    }

    #[test]
    fn dates_use_each_language_s_month_names() {
        let d = chrono::NaiveDate::from_ymd_opt(2027, 6, 30).expect("date");
        assert_eq!(format_date(Lang::Ru, d), "30\u{a0}июня\u{a0}2027\u{a0}г.");
        assert_eq!(format_date(Lang::Kk, d), "2027\u{a0}жылғы 30\u{a0}маусым");
        assert_eq!(format_date(Lang::En, d), "30\u{a0}June\u{a0}2027");
    }

    #[test]
    fn placeholders_are_filled() {
        let text = tf(Lang::Ru, Msg::ErrorPageRange, &[("max", "500")]);
        assert_eq!(text, "Номер страницы должен быть от 1 до 500.");
    }

    #[test]
    fn every_message_is_translated() {
        let missing: Vec<String> = Msg::ALL
            .iter()
            .flat_map(|m| {
                let kk = m.kk().is_none().then(|| format!("{m:?} (kk)"));
                let en = m.en().is_none().then(|| format!("{m:?} (en)"));
                kk.into_iter().chain(en)
            })
            .collect();
        assert!(missing.is_empty(), "untranslated messages: {missing:?}");
    }

    /// The `{name}` placeholders of a text, each form of a counted message included. Braces
    /// around anything but an ASCII name are text (`/okrugs/{код КАТО}/data.csv`).
    fn placeholders(text: &str) -> std::collections::BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .filter(|name| {
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            })
            .collect()
    }

    #[test]
    fn every_message_has_the_same_placeholders_in_each_language() {
        // Placeholders are filled by name: one misspelt or missing in a translation shows on
        // screen as `{max}` or leaves the figure out, in that language only.
        let differing: Vec<String> = Msg::ALL
            .iter()
            .flat_map(|m| {
                let ru = placeholders(m.ru());
                [("kk", m.kk()), ("en", m.en())]
                    .into_iter()
                    .filter_map(move |(code, text)| {
                        let other = placeholders(text?);
                        (other != ru).then(|| format!("{m:?}: ru {ru:?}, {code} {other:?}"))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(differing.is_empty(), "placeholders differ: {differing:#?}");
    }

    #[test]
    fn plural_forms_agree_in_count_across_languages() {
        // A counted message must have a form for every category its language uses.
        for msg in [Msg::ResultsCount, Msg::FactTerm, Msg::FactGrace] {
            assert_eq!(t(Lang::Ru, msg).split('|').count(), 3, "{msg:?} ru");
            assert_eq!(t(Lang::En, msg).split('|').count(), 2, "{msg:?} en");
            assert_eq!(t(Lang::Kk, msg).split('|').count(), 1, "{msg:?} kk");
        }
    }
}
