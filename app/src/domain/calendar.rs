//! Kazakhstan's working days, for deadlines the law counts in them (a complaint is answered
//! within 15 working days). Weekends are Saturday and Sunday; the holidays, the weekdays off
//! they move to, and any weekend day worked instead are data: `app/data/kz-calendar.csv`
//! (sources and what is still to be confirmed in `app/data/README.md`).
//!
//! Beyond the years the file covers only weekends are known: a deadline there may fall a day
//! or two early, never late for the resident. The health of the data is a test
//! (`covers_the_coming_year`), so adding next year's lines is a reminder that fails, not a
//! silent drift.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The file, compiled in so that no deployment can run without it.
const CSV: &str = include_str!("../../data/kz-calendar.csv");

/// What the file says of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// A public holiday or a weekday off: not worked.
    Off,
    /// A weekend day worked (a transfer).
    Worked,
}

/// The file's dates. A malformed line is a build-time mistake the tests catch
/// (`every_line_parses`); here it is skipped rather than taking the server down.
static MARKS: LazyLock<HashMap<NaiveDate, Mark>> = LazyLock::new(|| parse(CSV).0);

/// The marked dates of `csv`, and the lines (1-based) that could not be read.
fn parse(csv: &str) -> (HashMap<NaiveDate, Mark>, Vec<usize>) {
    let mut marks = HashMap::new();
    let mut bad = Vec::new();
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split(',');
        let date = cols
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
        let mark = match cols.next().map(str::trim) {
            Some("holiday" | "day_off") => Some(Mark::Off),
            Some("working_day") => Some(Mark::Worked),
            _ => None,
        };
        match date.zip(mark) {
            Some((d, m)) => {
                marks.insert(d, m);
            }
            None => bad.push(i + 1),
        }
    }
    (marks, bad)
}

/// Whether `day` is worked in Kazakhstan.
pub fn is_working(day: NaiveDate) -> bool {
    match MARKS.get(&day) {
        Some(Mark::Off) => false,
        Some(Mark::Worked) => true,
        None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

/// The `n`-th working day after `from` (the day itself is not counted: a complaint filed on a
/// Friday has Monday as its first day).
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
        if day == NaiveDate::MAX {
            break;
        }
        if is_working(day) {
            left -= 1;
        }
    }
    day
}

/// The last year the file covers.
pub fn last_year() -> Option<i32> {
    MARKS.keys().map(Datelike::year).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn every_line_parses() {
        let (marks, bad) = parse(CSV);
        assert!(
            bad.is_empty(),
            "unreadable lines in kz-calendar.csv: {bad:?}"
        );
        assert!(marks.len() > 30, "the file lists both years");
    }

    #[test]
    fn fifteen_working_days_step_over_weekends_and_holidays() {
        // (filed on, due on, why)
        let cases = [
            // Mon 2 Nov 2026: three plain weeks.
            ("2026-11-02", "2026-11-23", "weekends only"),
            // Thu 10 Dec 2026: Independence Day (Wed 16 Dec), New Year (Fri 1 Jan, Sat 2 Jan)
            // and its transfer to Mon 4 Jan 2027 are skipped.
            ("2026-12-10", "2027-01-05", "Independence Day and New Year"),
            // Fri 13 Mar 2026: Women's Day moved to Mon 9 Mar is before; Nauryz (21–23 Mar,
            // with transfers to 24 and 25 Mar) is inside.
            ("2026-03-13", "2026-04-08", "Nauryz and its transfers"),
            // Filed on a Saturday: Monday is the first day.
            (
                "2026-11-28",
                "2026-12-21",
                "filed on a weekend; Independence Day inside",
            ),
            // Filed on a holiday: the same.
            (
                "2026-12-16",
                "2027-01-11",
                "filed on a holiday; New Year and Christmas inside",
            ),
        ];
        for (filed, due, why) in cases {
            assert_eq!(add_working_days(d(filed), 15), d(due), "{why}");
        }
    }

    #[test]
    fn the_data_decides_over_the_weekday() {
        assert!(
            !is_working(d("2026-12-16")),
            "Independence Day, a Wednesday"
        );
        assert!(!is_working(d("2026-03-09")), "a Monday off for 8 March");
        assert!(is_working(d("2026-12-15")), "an ordinary Tuesday");
        assert!(!is_working(d("2026-12-19")), "a Saturday");
        let (marks, _) = parse("date,kind\n2026-12-19,working_day,x,y\n");
        assert_eq!(marks.get(&d("2026-12-19")), Some(&Mark::Worked));
    }

    #[test]
    fn covers_the_coming_year() {
        // Each December the next year's lines are due: the Ministry of Labour publishes the
        // transfers by then. This fails when they are missing.
        let today = chrono::Utc::now().date_naive();
        let needed = if today.month() == 12 {
            today.year() + 1
        } else {
            today.year()
        };
        assert!(
            last_year() >= Some(needed),
            "app/data/kz-calendar.csv ends in {:?}; add {needed}",
            last_year()
        );
    }
}
