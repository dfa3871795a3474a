//! A lender's file of repayments, as uploaded by an operator: any bytes are good lines or named
//! bad ones, never a panic; every good line holds what the checks promise, and a line typed on
//! the form reads the same as in a file.
#![no_main]

use app::domain::repayment::import::{MAX_REFERENCE, parse, parse_fields, read};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
    let whole = parse(data, today);
    let Ok((good, bad)) = read(data, today) else {
        assert!(whole.is_err(), "a file refused whole is refused");
        return;
    };
    assert_eq!(whole.is_ok(), bad.is_empty(), "parse is read with no bad line");
    for l in &good {
        assert!(l.amount.0 > 0, "a positive amount");
        assert!(l.paid_on <= today, "not in the future");
        assert!(l.application_id > 0);
        assert!(!l.reference.is_empty() && l.reference.chars().count() <= MAX_REFERENCE);
        assert_ne!(l.reverses.as_deref(), Some(l.reference.as_str()));
        let amount = format!("{}.{:02}", l.amount.0 / 100, l.amount.0 % 100);
        let typed = parse_fields(
            l.application_id,
            &l.reference,
            &l.paid_on.to_string(),
            &amount,
            l.reverses.as_deref().unwrap_or_default(),
            today,
        )
        .expect("a good line reads the same on the form");
        assert_eq!((typed.amount, typed.paid_on), (l.amount, l.paid_on));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let mut parts = text.splitn(4, '\n');
        let _ = parse_fields(
            1,
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            today,
        );
    }
});
