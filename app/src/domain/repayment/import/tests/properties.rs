//! The properties every file keeps: lines written out with any separator, quoting, column
//! order and line ending read back the same, and no bytes make the parser panic.
use proptest::prelude::*;

use super::*;

/// A line as it is meant, and how it is written out.
#[derive(Clone, Debug)]
struct Written {
    application_id: i32,
    reference: String,
    paid_on: NaiveDate,
    amount: i64,
    reverses: Option<String>,
    /// `#` or `№ ` before the application, or nothing.
    prefix: &'static str,
    /// The date as `DD.MM.YYYY` rather than `YYYY-MM-DD`.
    dotted: bool,
    /// The amount with a decimal comma, its thousands grouped by this space.
    grouped: Option<char>,
    /// Every field quoted, needed or not.
    quoted: bool,
}

/// A reference: printable characters, separators and quotes included, no space at either end.
fn a_reference() -> impl Strategy<Value = String> {
    "[A-Za-z0-9А-Яа-яӘәҚқҢңӨөҰұҮүҺһІі;,\"/#№ .-]{1,64}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

fn a_line() -> impl Strategy<Value = Written> {
    (
        (1..=i32::MAX, prop::sample::select(vec!["", "#", "№ "])),
        (
            0_i64..=(today() - day(2000, 1, 1)).num_days(),
            any::<bool>(),
        ),
        (
            1..=MAX_AMOUNT_TENGE * 100,
            prop::option::of(prop::sample::select(vec![' ', '\u{a0}', '\u{202f}'])),
        ),
        (prop::option::of(a_reference()), any::<bool>()),
    )
        .prop_map(
            |((application_id, prefix), (days, dotted), (amount, grouped), (reverses, quoted))| {
                Written {
                    application_id,
                    reference: String::new(),
                    paid_on: day(2000, 1, 1) + chrono::Days::new(u64::try_from(days).unwrap_or(0)),
                    amount,
                    reverses,
                    prefix,
                    dotted,
                    grouped,
                    quoted,
                }
            },
        )
}

/// Lines with distinct references, none reversing itself.
fn lines() -> impl Strategy<Value = Vec<Written>> {
    prop::collection::btree_map(a_reference(), a_line(), 1..40).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(reference, mut line)| {
                if line.reverses.as_deref() == Some(reference.as_str()) {
                    line.reverses = None;
                }
                line.reference = reference;
                line
            })
            .collect()
    })
}

fn field(value: &str, separator: char, quoted: bool) -> String {
    let needs = value.contains([separator, '"']) || value.starts_with(' ');
    if quoted || needs {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn amount_text(tiyn: i64, grouped: Option<char>) -> String {
    let (tenge, rest) = (tiyn / 100, tiyn % 100);
    match grouped {
        None => format!("{tenge}.{rest:02}"),
        Some(space) => {
            let digits = tenge.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(space);
                }
                out.push(c);
            }
            format!("{out},{rest:02}")
        }
    }
}

/// The file: the header's names in `names` order, an ignored column last.
fn write(lines: &[Written], separator: char, order: &[usize], crlf: bool, bom: bool) -> String {
    let names = ["Application", "reference", "ДАТА", "сумма", "Сторно"];
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = String::from(if bom { "\u{feff}" } else { "" });
    let header: Vec<&str> = order.iter().map(|&i| names[i]).chain(["note"]).collect();
    out.push_str(&header.join(&separator.to_string()));
    out.push_str(end);
    for l in lines {
        let date = if l.dotted {
            l.paid_on.format("%d.%m.%Y").to_string()
        } else {
            l.paid_on.format("%Y-%m-%d").to_string()
        };
        let values = [
            format!("{}{}", l.prefix, l.application_id),
            l.reference.clone(),
            date,
            amount_text(l.amount, l.grouped),
            l.reverses.clone().unwrap_or_default(),
        ];
        let fields: Vec<String> = order
            .iter()
            .map(|&i| field(&values[i], separator, l.quoted))
            .chain([field("a note; with, separators", separator, l.quoted)])
            .collect();
        out.push_str(&fields.join(&separator.to_string()));
        out.push_str(end);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn lines_written_out_with_any_separator_read_back_the_same(
        lines in lines(),
        separator in prop::sample::select(vec![';', ',', '\t']),
        order in Just(vec![0_usize, 1, 2, 3, 4]).prop_shuffle(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let text = write(&lines, separator, &order, crlf, bom);
        let read = parse(text.as_bytes(), today());
        let expected: Vec<ImportLine> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| ImportLine {
                line: i + 2,
                application_id: l.application_id,
                reference: l.reference.clone(),
                paid_on: l.paid_on,
                amount: Tiyn(l.amount),
                reverses: l.reverses.clone(),
            })
            .collect();
        prop_assert_eq!(read, Ok(expected), "{}", text);
    }

    #[test]
    fn no_bytes_make_it_panic(bytes in any::<Vec<u8>>()) {
        let _ = parse(&bytes, today());
    }

    #[test]
    fn no_text_after_a_good_header_makes_it_panic(
        body in "[0-9a-zА-я;,\t\"#№.\\- \u{a0}\r\n₸]{0,200}",
    ) {
        let text = format!("{HEADER}{body}");
        if let Err(errors) = parse(text.as_bytes(), today()) {
            prop_assert!(errors.len() <= MAX_ERRORS);
            prop_assert!(errors.windows(2).all(|w| w[0].line < w[1].line));
        }
    }
}
