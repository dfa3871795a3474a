//! Files of repayments as lenders and banks write them, and each way a file can be wrong,
//! with the line and the column it is told at.
use super::*;
use crate::domain::i18n::Lang;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn today() -> NaiveDate {
    day(2026, 6, 30)
}

fn read(text: &str) -> Vec<ImportLine> {
    parse(text.as_bytes(), today()).unwrap_or_else(|e| panic!("refused: {e:#?}"))
}

fn refused(bytes: &[u8]) -> Vec<LineError> {
    parse(bytes, today()).expect_err("refused")
}

/// The one error of a file: its line, its field and its problem.
fn only_error(bytes: &[u8]) -> (usize, String, Problem) {
    let errors = refused(bytes);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    (e.line, e.error.field.clone(), e.error.problem.clone())
}

const HEADER: &str = "application;reference;paid_on;amount;reverses\n";

/// The error of `line`, the file's only data line after [`HEADER`] and a good line: always
/// reported at line 3.
fn bad_line(line: &str) -> (String, Problem) {
    let text = format!("{HEADER}7;GOOD-1;2026-01-05;100;\n{line}\n");
    let (number, field, problem) = only_error(text.as_bytes());
    assert_eq!(number, 3, "{line:?}");
    (field, problem)
}

fn is(field: &str, problem: Problem) -> (String, Problem) {
    (field.to_owned(), problem)
}

fn good(
    line: usize,
    application_id: i32,
    reference: &str,
    paid_on: NaiveDate,
    tiyn: i64,
) -> ImportLine {
    ImportLine {
        line,
        application_id,
        reference: reference.into(),
        paid_on,
        amount: Tiyn(tiyn),
        reverses: None,
    }
}

// Good files.

#[test]
fn a_bank_export_with_semicolons_russian_headers_a_bom_and_crlf_reads() {
    let text = "\u{feff}№ заявки;Номер платежа;Дата платежа;Сумма;Сторно\r\n\
                12;ПП-0001;05.01.2026;1 234,56;\r\n\
                #13;ПП-0002;1.2.2026;1\u{a0}000\u{a0}000;\r\n\
                № 14;ПП-0003;28.02.2026;1\u{202f}500,5;ПП-0001\r\n";
    let lines = read(text);
    assert_eq!(
        lines,
        [
            good(2, 12, "ПП-0001", day(2026, 1, 5), 123_456),
            good(3, 13, "ПП-0002", day(2026, 2, 1), 100_000_000),
            ImportLine {
                reverses: Some("ПП-0001".into()),
                ..good(4, 14, "ПП-0003", day(2026, 2, 28), 150_050)
            },
        ]
    );
}

#[test]
fn a_comma_separated_file_with_quoted_fields_reads() {
    let text = "application,reference,paid_on,amount\n\
                1,\"A,1\",2026-03-01,\"1 234,56\"\n\
                2,\"say \"\"hi\"\"\",2026-03-02,1234.5\n\
                \"3\" , \"B-2\" ,2026-03-03,\"7\"\n";
    let lines = read(text);
    assert_eq!(
        lines,
        [
            good(2, 1, "A,1", day(2026, 3, 1), 123_456),
            good(3, 2, "say \"hi\"", day(2026, 3, 2), 123_450),
            good(4, 3, "B-2", day(2026, 3, 3), 700),
        ]
    );
}

#[test]
fn a_tab_separated_file_with_kazakh_headers_reads() {
    let text = "Өтінім\tТөлем нөмірі\tТөлем күні\tСома\tЖояды\n\
                5\tT-1\t2026-06-30\t1234.5\t\n\
                5\tT-2\t2000-01-01\t0,01\tT-1\n";
    let lines = read(text);
    assert_eq!(
        lines,
        [
            good(2, 5, "T-1", today(), 123_450),
            ImportLine {
                reverses: Some("T-1".into()),
                ..good(3, 5, "T-2", day(2000, 1, 1), 1)
            },
        ]
    );
}

#[test]
fn columns_come_in_any_order_in_any_case_among_unknown_ones() {
    let text = "  AMOUNT ;Comment;Date;  Ref ;Payer;APPLICATION_ID\n\
                10,50;first;2026-04-01;R1;ТОО «Дала»;9\n";
    let lines = read(text);
    assert_eq!(lines, [good(2, 9, "R1", day(2026, 4, 1), 1_050)]);
    assert_eq!(lines[0].repayment().reference, "R1");
    assert_eq!(lines[0].repayment().amount, Tiyn(1_050));
}

#[test]
fn blank_lines_and_empty_rows_are_skipped_but_keep_their_numbers() {
    let text = "\n  \napplication;reference;paid_on;amount\n\n1;A;2026-01-01;1\n;;;\n \" \";;;\n2;B;2026-01-02;2\n\n";
    let lines = read(text);
    assert_eq!(
        lines.iter().map(|l| l.line).collect::<Vec<_>>(),
        [5, 8],
        "{lines:#?}"
    );
}

#[test]
fn the_largest_believable_amount_and_the_longest_reference_are_accepted() {
    let reference = "R".repeat(MAX_REFERENCE);
    let text = format!("{HEADER}1;{reference};2026-01-01;10 000 000 000,00;\n");
    let lines = read(&text);
    assert_eq!(lines[0].amount, Tiyn(MAX_AMOUNT_TENGE * 100));
    assert_eq!(lines[0].reference, reference);
}

// Bad files: one test per way, with the line and the field it is told at.

#[test]
fn bytes_that_are_not_utf8_are_told_at_their_line() {
    // "Платёж" in Windows-1251, as an Excel export in a Russian locale writes it.
    let mut bytes = b"application;reference;paid_on;amount\n1;A;2026-01-01;1\n2;".to_vec();
    bytes.extend_from_slice(&[0xCF, 0xEB, 0xE0, 0xF2, 0xB8, 0xE6]);
    bytes.extend_from_slice(b";2026-01-02;2\n");
    assert_eq!(only_error(&bytes), (3, FILE.into(), Problem::Encoding));
    // A UTF-16 file (Excel's "Unicode text") fails on its first bytes.
    assert_eq!(
        only_error(&[0xFF, 0xFE, b'a', 0]),
        (1, FILE.into(), Problem::Encoding)
    );
}

#[test]
fn an_empty_file_is_told_at_line_one() {
    for text in ["", "\u{feff}", "\n\r\n  \n"] {
        assert_eq!(
            only_error(text.as_bytes()),
            (1, FILE.into(), Problem::Required),
            "{text:?}"
        );
    }
}

#[test]
fn a_header_without_lines_is_told_at_the_header() {
    for text in [HEADER, "application;reference;paid_on;amount\r\n\r\n;;;\n"] {
        assert_eq!(
            only_error(text.as_bytes()),
            (1, FILE.into(), Problem::Required),
            "{text:?}"
        );
    }
}

#[test]
fn a_header_split_by_another_separator_is_told() {
    let text = "application|reference|paid_on|amount\n1|A|2026-01-01|1\n";
    assert_eq!(
        only_error(text.as_bytes()),
        (1, FILE.into(), Problem::Separator)
    );
}

#[test]
fn a_missing_column_is_named() {
    let text = "application;reference;date\n1;A;2026-01-01\n";
    assert_eq!(
        only_error(text.as_bytes()),
        (1, "amount".into(), Problem::ColumnMissing)
    );
    let text = "Заявка;Сумма;Дата\n1;5;2026-01-01\n";
    assert_eq!(
        only_error(text.as_bytes()),
        (1, "reference".into(), Problem::ColumnMissing)
    );
}

#[test]
fn a_column_named_twice_is_named() {
    let text = "application;amount;reference;paid_on;сумма\n1;5;A;2026-01-01;5\n";
    assert_eq!(
        only_error(text.as_bytes()),
        (1, "amount".into(), Problem::ColumnRepeated)
    );
}

#[test]
fn a_line_with_fewer_or_more_fields_than_the_header_is_told() {
    let count = |found| is(FILE, Problem::FieldCount { expected: 5, found });
    assert_eq!(bad_line("1;A;2026-01-01;5"), count(4));
    assert_eq!(bad_line("1;A;2026-01-01;5;;"), count(6));
    // A decimal comma not quoted in a comma-separated file splits the amount.
    let text = "application,reference,paid_on,amount\n1,A,2026-01-01,12,50\n";
    assert_eq!(
        only_error(text.as_bytes()),
        (
            2,
            FILE.into(),
            Problem::FieldCount {
                expected: 4,
                found: 5
            }
        )
    );
}

#[test]
fn quotes_that_do_not_pair_up_are_told() {
    for line in [
        "1;\"A;2026-01-01;5;",
        "1;A\"B;2026-01-01;5;",
        "1;\"A\"B;2026-01-01;5;",
        "1;\"A\"\";2026-01-01;5;",
    ] {
        assert_eq!(bad_line(line), is(FILE, Problem::Quotes), "{line:?}");
    }
    // A quoted value spanning two lines refuses both.
    let text = format!("{HEADER}1;\"A\n B\";2026-01-01;5;\n");
    let errors = refused(text.as_bytes());
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        [2, 3],
        "{errors:#?}"
    );
    assert!(errors.iter().all(|e| e.error.problem == Problem::Quotes));
}

#[test]
fn an_empty_application_is_required() {
    assert_eq!(
        bad_line("  ;A;2026-01-01;5;"),
        is("application", Problem::Required)
    );
}

#[test]
fn an_application_that_is_not_a_number_is_told() {
    for value in ["12a", "#", "1.5", "1 234", "+5", "٣"] {
        assert_eq!(
            bad_line(&format!("{value};A;2026-01-01;5;")),
            is("application", Problem::NotANumber),
            "{value:?}"
        );
    }
}

#[test]
fn an_application_of_zero_or_less_or_too_large_is_out_of_range() {
    for value in ["0", "-3", "#-3", "2147483648", "99999999999999999999"] {
        assert_eq!(
            bad_line(&format!("{value};A;2026-01-01;5;")),
            is(
                "application",
                Problem::OutOfRange {
                    min: 1,
                    max: i64::from(i32::MAX)
                }
            ),
            "{value:?}"
        );
    }
}

#[test]
fn an_empty_reference_is_required() {
    assert_eq!(
        bad_line("1;\u{a0} ;2026-01-01;5;"),
        is("reference", Problem::Required)
    );
}

#[test]
fn a_reference_too_long_is_told() {
    let long = "R".repeat(MAX_REFERENCE + 1);
    assert_eq!(
        bad_line(&format!("1;{long};2026-01-01;5;")),
        is("reference", Problem::TooLong { max: MAX_REFERENCE })
    );
}

#[test]
fn a_reference_with_invisible_characters_is_told() {
    for value in ["A\u{7}B", "A\u{200b}B", "A\tB", "\u{feff}AB"] {
        assert_eq!(
            bad_line(&format!("1;{value};2026-01-01;5;")),
            is("reference", Problem::ControlCharacter),
            "{value:?}"
        );
    }
}

#[test]
fn a_date_that_is_not_a_date_is_told() {
    for value in [
        "2026-02-30",
        "31/12/2025",
        "yesterday",
        "2026-13-01",
        "1.1.26",
        "2026-01-01 10:00",
        "20260101",
        "2026-01-01-01",
    ] {
        assert_eq!(
            bad_line(&format!("1;A;{value};5;")),
            is("paid_on", Problem::NotADate),
            "{value:?}"
        );
    }
    assert_eq!(bad_line("1;A;;5;"), is("paid_on", Problem::Required));
}

#[test]
fn a_date_after_today_is_told() {
    for value in ["2026-07-01", "01.07.2026", "2099-01-01"] {
        assert_eq!(
            bad_line(&format!("1;A;{value};5;")),
            is("paid_on", Problem::DateInFuture),
            "{value:?}"
        );
    }
}

#[test]
fn a_date_before_2000_is_told() {
    for value in ["1999-12-31", "31.12.1999", "0001-01-01"] {
        assert_eq!(
            bad_line(&format!("1;A;{value};5;")),
            is("paid_on", Problem::DateTooEarly { year: 2000 }),
            "{value:?}"
        );
    }
}

#[test]
fn an_amount_that_is_not_a_number_is_told() {
    for value in [
        "abc", "1.2.3", "1.234,56", "1e5", "12 34", "1 2345", "1  234", ",5", "5.", "₸", "+5",
        "-abc",
    ] {
        assert_eq!(
            bad_line(&format!("1;A;2026-01-01;{value};")),
            is("amount", Problem::NotAnAmount),
            "{value:?}"
        );
    }
    assert_eq!(
        bad_line("1;A;2026-01-01;;"),
        is("amount", Problem::Required)
    );
}

#[test]
fn an_amount_of_zero_or_less_is_told() {
    for value in ["0", "0,00", "-5", "-0,01", "- 1 000"] {
        let (field, problem) = bad_line(&format!("1;A;2026-01-01;{value};"));
        assert_eq!(field, "amount", "{value:?}");
        // `- 1 000` is not a number at all; the rest are numbers at or below zero.
        let expected = if value.starts_with("- ") {
            Problem::NotAnAmount
        } else {
            Problem::MustBePositive
        };
        assert_eq!(problem, expected, "{value:?}");
    }
}

#[test]
fn an_amount_with_more_than_two_decimals_is_told() {
    // `1,000` is refused rather than read as one tenge: some files group thousands by commas.
    for value in ["1.234", "1,000", "0.001", "12.500"] {
        assert_eq!(
            bad_line(&format!("1;A;2026-01-01;{value};")),
            is("amount", Problem::NotAnAmount),
            "{value:?}"
        );
    }
}

#[test]
fn an_absurd_amount_is_told() {
    for value in [
        "10000000000.01",
        "10 000 000 001",
        "99999999999999999999999",
    ] {
        assert_eq!(
            bad_line(&format!("1;A;2026-01-01;{value};")),
            is(
                "amount",
                Problem::AmountTooLarge {
                    max_tenge: MAX_AMOUNT_TENGE
                }
            ),
            "{value:?}"
        );
    }
}

#[test]
fn a_reference_repeated_in_the_file_names_its_first_line() {
    let text = format!(
        "{HEADER}1;A;2026-01-01;5;\n2;B;2026-01-01;5;\n3;A;2026-01-02;6;\n\n4;A;2026-01-03;7;\n"
    );
    let errors = refused(text.as_bytes());
    assert_eq!(
        errors,
        [
            LineError::new(4, "reference", Problem::DuplicateInFile { line: 2 }),
            LineError::new(6, "reference", Problem::DuplicateInFile { line: 2 }),
        ]
    );
    // A line refused for another column still holds its reference.
    let text = format!("{HEADER}1;A;2026-01-01;0;\n2;A;2026-01-01;5;\n");
    let errors = refused(text.as_bytes());
    assert_eq!(errors.len(), 2);
    assert_eq!(
        errors[1],
        LineError::new(3, "reference", Problem::DuplicateInFile { line: 2 })
    );
}

#[test]
fn a_line_that_reverses_itself_is_told() {
    assert_eq!(
        bad_line("1;A;2026-01-01;5; A "),
        is("reverses", Problem::ReversesItself)
    );
}

#[test]
fn a_bad_reference_to_reverse_is_told_by_its_column() {
    let long = "R".repeat(MAX_REFERENCE + 1);
    assert_eq!(
        bad_line(&format!("1;A;2026-01-01;5;{long}")),
        is("reverses", Problem::TooLong { max: MAX_REFERENCE })
    );
    assert_eq!(
        bad_line("1;A;2026-01-01;5;B\u{1}"),
        is("reverses", Problem::ControlCharacter)
    );
}

#[test]
fn a_file_with_too_many_lines_is_refused_as_a_whole() {
    let mut text = String::from("application;reference;paid_on;amount\n");
    for i in 0..=MAX_LINES {
        // Some lines bad too: they do not matter once the file is too long.
        let amount = if i % 1000 == 0 { "0" } else { "1" };
        text.push_str(&format!("1;R{i};2026-01-01;{amount}\n"));
    }
    assert_eq!(
        only_error(text.as_bytes()),
        (
            MAX_LINES + 2,
            FILE.into(),
            Problem::TooManyLines { max: MAX_LINES }
        )
    );
}

#[test]
fn errors_are_in_line_order_one_per_line_and_at_most_a_thousand() {
    // Application and amount both bad: the application, the first column, is told.
    assert_eq!(
        bad_line("x;A;2026-01-01;y;"),
        is("application", Problem::NotANumber)
    );

    let mut text = String::from(HEADER);
    for i in 0..1500 {
        text.push_str(&format!("1;R{i};2026-01-01;-1;\n"));
    }
    let errors = refused(text.as_bytes());
    assert_eq!(errors.len(), MAX_ERRORS);
    assert!(errors.windows(2).all(|w| w[0].line < w[1].line));
    assert_eq!(errors[0].line, 2);
}

#[test]
fn only_the_bad_lines_are_told() {
    let text = format!(
        "{HEADER}1;A;2026-01-01;5;\n1;B;2026-01-01;x;\n1;C;2026-01-01;5;\n0;D;2026-01-01;5;\n"
    );
    let lines: Vec<usize> = refused(text.as_bytes()).iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 5]);
}

#[test]
fn a_hundred_thousand_lines_read() {
    let mut text = String::from(HEADER);
    for i in 0..100_000 {
        text.push_str(&format!(
            "{};REF-{i};2026-01-01;1 000,{:02};\n",
            i % 500 + 1,
            i % 100
        ));
    }
    let lines = read(&text);
    assert_eq!(lines.len(), 100_000);
    assert_eq!(lines[99_999].line, 100_001);
    assert_eq!(lines[99_999].amount, Tiyn(100_099));
}

#[test]
fn every_problem_of_a_file_is_worded_in_every_language() {
    let problems = [
        (FILE, Problem::Encoding),
        (FILE, Problem::Required),
        (FILE, Problem::Separator),
        ("amount", Problem::ColumnMissing),
        ("amount", Problem::ColumnRepeated),
        (
            FILE,
            Problem::FieldCount {
                expected: 5,
                found: 4,
            },
        ),
        (FILE, Problem::Quotes),
        ("reference", Problem::ControlCharacter),
        ("paid_on", Problem::DateInFuture),
        ("paid_on", Problem::DateTooEarly { year: 2000 }),
        ("amount", Problem::NotAnAmount),
        (
            "amount",
            Problem::AmountTooLarge {
                max_tenge: MAX_AMOUNT_TENGE,
            },
        ),
        ("reference", Problem::DuplicateInFile { line: 17 }),
        ("reverses", Problem::ReversesItself),
        (FILE, Problem::TooManyLines { max: MAX_LINES }),
    ];
    for (field, problem) in problems {
        let error = FieldError::new(field, problem);
        let ru = error.message(Lang::Ru);
        for lang in Lang::ALL {
            let text = error.message(lang);
            assert!(!text.contains('{'), "{lang:?} {error:?}: {text}");
            if lang != Lang::Ru {
                assert_ne!(text, ru, "{lang:?} {error:?} is translated");
            }
        }
    }
    let says = |field, problem, lang, part: &str| {
        let text = FieldError::new(field, problem).message(lang);
        assert!(text.contains(part), "{text}");
    };
    says(FILE, Problem::Encoding, Lang::Ru, "UTF-8");
    says(
        FILE,
        Problem::Separator,
        Lang::En,
        "a comma, a semicolon or a tab",
    );
    says("amount", Problem::ColumnMissing, Lang::Kk, "«amount»");
    says(
        FILE,
        Problem::FieldCount {
            expected: 5,
            found: 4,
        },
        Lang::En,
        "4 columns, the header has 5",
    );
    says(
        "reference",
        Problem::DuplicateInFile { line: 17 },
        Lang::Kk,
        "17-жолда",
    );
    says(
        FILE,
        Problem::TooManyLines { max: MAX_LINES },
        Lang::Ru,
        "200\u{202f}000",
    );
    says(
        "amount",
        Problem::AmountTooLarge {
            max_tenge: MAX_AMOUNT_TENGE,
        },
        Lang::En,
        "10,000,000,000",
    );
    // The codes API clients see.
    let code = |problem| FieldError::new("x", problem).code();
    assert_eq!(code(Problem::DuplicateInFile { line: 2 }), "taken");
    assert_eq!(code(Problem::DateInFuture), "not_a_date");
    assert_eq!(
        code(Problem::FieldCount {
            expected: 1,
            found: 2
        }),
        "invalid_format"
    );
    assert_eq!(code(Problem::TooManyLines { max: 1 }), "too_large");
}

mod properties;
