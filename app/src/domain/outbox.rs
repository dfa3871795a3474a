//! The message outbox as the platform admin sees it: counts, the month's SMS spend, the latest
//! failures and what waits to go. Recipients are masked wherever the admin sees them and a
//! message's text is never shown: the admin looks for patterns (one operator's numbers
//! failing, one template never delivered), not for anyone's number or code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The channels, in the order of the admin's table.
pub const CHANNELS: [&str; 2] = ["sms", "email"];

/// The states a message passes through, in the order of the admin's table (the stored names
/// of `ssr::db::messages::MessageState`).
pub const STATES: [&str; 7] = [
    "pending",
    "sending",
    "sent",
    "delivered",
    "failed",
    "undeliverable",
    "cancelled",
];

/// What the admin's page shows of the outbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxOverview {
    /// Messages by channel and state: `(channel, state, count)`.
    pub counts: Vec<(String, String, u64)>,
    /// Messages waiting to go (pending or being sent).
    pub pending: u64,
    /// How long the oldest of them has waited, in seconds.
    pub oldest_pending_secs: Option<i64>,
    /// Failed or undeliverable messages written this month (Asia/Almaty).
    pub failed_this_month: u64,
    /// SMS parts handed to the provider this month.
    pub sms_parts_this_month: i64,
    /// What they cost, in tiyn, as far as the provider said.
    pub sms_cost_this_month_tiyn: i64,
    /// The latest failed or undeliverable messages, newest first.
    pub failures: Vec<MessageLine>,
    /// The latest messages waiting to go, newest first.
    pub waiting: Vec<MessageLine>,
}

impl OutboxOverview {
    /// The count of `channel` in `state`.
    pub fn count(&self, channel: &str, state: &str) -> u64 {
        self.counts
            .iter()
            .filter(|(c, s, _)| c == channel && s == state)
            .map(|(_, _, n)| n)
            .sum()
    }
}

/// One message as the admin's tables show it: never its text, its recipient masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageLine {
    /// The message's id.
    pub id: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The phone or address, masked ([`mask_recipient`]).
    pub recipient: String,
    /// What it is (`reset_code`, `transition`, …).
    pub template: String,
    /// Its state (one of [`STATES`]).
    pub state: String,
    /// Tries so far.
    pub attempts: i32,
    /// Why the last try failed, as the provider (or the platform) said, recipient masked.
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it is tried next (a waiting one).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it reached its final state.
    pub finished_at: Option<DateTime<Utc>>,
    /// The admin may put it back in the queue.
    pub retryable: bool,
    /// The admin may stop it.
    pub cancellable: bool,
}

const HIDDEN: &str = "•••";

/// A recipient with most of it hidden: a phone keeps its first five characters (`+7` and the
/// operator's code) and last four digits (`+7701•••0101`), an address the first letter of its
/// name and its domain (`f•••@example.kz`). Enough to see a pattern, not to write to anyone.
pub fn mask_recipient(recipient: &str) -> String {
    let recipient = recipient.trim();
    if let Some((name, domain)) = recipient.rsplit_once('@') {
        let first: String = name.chars().take(1).collect();
        return format!("{first}{HIDDEN}@{domain}");
    }
    let chars: Vec<char> = recipient.chars().collect();
    let n = chars.len();
    // A full Kazakh number (+7 and ten digits) keeps 5 + 4; anything shorter keeps a quarter
    // at each end, so that at least half of it is always hidden.
    let (head, tail) = if n >= 12 { (5, 4) } else { (n / 4, n / 4) };
    let start: String = chars[..head].iter().collect();
    let end: String = chars[n - tail..].iter().collect();
    format!("{start}{HIDDEN}{end}")
}

/// `text` with every appearance of `recipient` (as written, or its digits alone) masked: a
/// provider's reason sometimes repeats the number it refused.
pub fn mask_in(text: &str, recipient: &str) -> String {
    let recipient = recipient.trim();
    if recipient.is_empty() {
        return text.to_owned();
    }
    let masked = mask_recipient(recipient);
    let mut out = text.replace(recipient, &masked);
    let digits: String = recipient.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 6 {
        out = out.replace(&digits, &masked);
    }
    out
}

/// One field of a CSV line (RFC 4180): quoted when it holds the separator, a quote or a line
/// break, and with a leading `=`, `+`, `-` or `@` defused by a `'`, so that a spreadsheet does
/// not run a provider's text (or a masked number) as a formula.
pub fn csv_field(value: &str, sep: char) -> String {
    let v = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if v.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// An amount of tiyn as tenge with two decimals and the decimal mark `point` (`12.50`).
pub fn tenge_decimal(tiyn: i64, point: char) -> String {
    let sign = if tiyn < 0 { "-" } else { "" };
    let abs = tiyn.unsigned_abs();
    format!("{sign}{}{point}{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_keep_only_enough_to_see_a_pattern() {
        let cases = [
            ("+77010000101", "+7701•••0101", "a Kazakh mobile"),
            ("farida@example.kz", "f•••@example.kz", "an address"),
            ("Ә@mail.kz", "Ә•••@mail.kz", "a one-letter name in Kazakh"),
            ("@example.kz", "•••@example.kz", "no name at all"),
            ("12345678", "12•••78", "a short number"),
            ("", "•••", "nothing"),
        ];
        for (recipient, masked, desc) in cases {
            assert_eq!(mask_recipient(recipient), masked, "failed for {desc}");
        }
    }

    #[test]
    fn a_number_repeated_in_a_provider_s_reason_is_masked_too() {
        let reason = "number +77010000101 (77010000101) is blocked";
        assert_eq!(
            mask_in(reason, "+77010000101"),
            "number +7701•••0101 (+7701•••0101) is blocked"
        );
        assert_eq!(mask_in("timeout", "+77010000101"), "timeout");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let cases = [
            ("plain", ',', "plain"),
            ("a,b", ',', "\"a,b\""),
            ("a;b", ';', "\"a;b\""),
            ("a,b", ';', "a,b"),
            ("say \"no\"", ',', "\"say \"\"no\"\"\""),
            ("+7701•••0101", ',', "'+7701•••0101"),
            ("=HYPERLINK(\"x\")", ',', "\"'=HYPERLINK(\"\"x\"\")\""),
            ("line\nbreak", ',', "\"line\nbreak\""),
        ];
        for (value, sep, expected) in cases {
            assert_eq!(csv_field(value, sep), expected, "failed for {value:?}");
        }
    }

    #[test]
    fn tiyn_are_written_as_tenge_with_two_decimals() {
        assert_eq!(tenge_decimal(1250, '.'), "12.50");
        assert_eq!(tenge_decimal(7, ','), "0,07");
        assert_eq!(tenge_decimal(-300, '.'), "-3.00");
    }
}
