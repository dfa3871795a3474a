//! Text messages to phones: what a gateway must do, how many parts a text costs, and the
//! gateway of development (the server log). The providers' adapters live in the submodules,
//! each built from its vendor's published API documentation.

mod http;
pub mod mobizon;
pub mod smsc;
#[cfg(test)]
mod test_support;

use std::time::Duration;

/// One text message for one phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sms {
    /// The number in international form with its plus: `+77011234567`.
    pub to: String,
    /// The text, already in the reader's language.
    pub text: String,
}

/// What a gateway said when it accepted a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's id of the message, to ask for its delivery status with.
    pub provider_id: String,
    /// How many parts the provider counted, when it says.
    pub segments: Option<u32>,
    /// What the provider charged, in tiyn (1/100 tenge), when it says.
    pub cost_tiyn: Option<i64>,
}

/// Where a sent message is, as its provider knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Not final yet: queued, sent to the operator, waiting for the phone.
    Pending,
    /// The phone received it.
    Delivered,
    /// It will never arrive (expired, rejected, unknown number); the provider's reason.
    Undeliverable(String),
}

/// Why a gateway did not take a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    /// Trying again will not help: a number the provider refuses, a text it will not send,
    /// a key it does not know. The provider's reason.
    #[error("refused: {0}")]
    Permanent(String),
    /// Trying later may: the provider is down, slow, out of balance or limiting the rate.
    #[error("try later: {reason}")]
    Transient {
        /// The provider's reason, or the transport's.
        reason: String,
        /// How long the provider asked to wait, when it said.
        retry_after: Option<Duration>,
    },
}

impl SmsError {
    /// A transient error without a requested wait.
    pub fn transient(reason: impl Into<String>) -> SmsError {
        SmsError::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }

    /// The same error with every occurrence of `secret` (a key, a password) hidden, so that a
    /// provider echoing it back does not put it in the outbox or the log.
    pub fn redacted(self, secret: &str) -> SmsError {
        let hide = |text: &str| text.replace(secret, "<hidden>");
        match self {
            SmsError::Permanent(reason) => SmsError::Permanent(hide(&reason)),
            SmsError::Transient {
                reason,
                retry_after,
            } => SmsError::Transient {
                reason: hide(&reason),
                retry_after,
            },
        }
    }
}

/// Something that sends text messages and says whether they arrived.
#[async_trait::async_trait]
pub trait SmsGateway: Send + Sync {
    /// The provider's name as the outbox records it: `log`, `mobizon`, `smsc`.
    fn name(&self) -> &'static str;
    /// Hands `sms` to the provider.
    async fn send(&self, sms: &Sms) -> Result<Accepted, SmsError>;
    /// Asks where the message with the provider's id `provider_id` is.
    async fn status(&self, provider_id: &str) -> Result<Delivery, SmsError>;
}

/// Writes messages to the server log (development: the code appears in the terminal). Every
/// message counts as delivered at once.
pub struct LogGateway;

#[async_trait::async_trait]
impl SmsGateway for LogGateway {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, sms: &Sms) -> Result<Accepted, SmsError> {
        tracing::info!(to = %sms.to, text = %sms.text, "SMS (not sent: SMS_PROVIDER=log)");
        Ok(Accepted {
            provider_id: uuid::Uuid::new_v4().to_string(),
            segments: Some(segments(&sms.text)),
            cost_tiyn: None,
        })
    }

    async fn status(&self, _provider_id: &str) -> Result<Delivery, SmsError> {
        Ok(Delivery::Delivered)
    }
}

/// The characters of the GSM 03.38 default alphabet, each one septet.
const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The characters of its extension table, each two septets (an escape and the character).
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// How many parts `text` is sent as. A text entirely in the GSM 7-bit alphabet fits 160
/// septets in one part and 153 per part when split; any other character (Cyrillic, the
/// Kazakh letters) makes the whole text UCS-2: 70 characters in one part, 67 per part when
/// split (a character outside the Basic Multilingual Plane takes two). An empty text is one
/// part.
pub fn segments(text: &str) -> u32 {
    let (units, single, multi) = match gsm7_septets(text) {
        Some(septets) => (septets, 160, 153),
        None => (text.encode_utf16().count(), 70, 67),
    };
    let parts = if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    u32::try_from(parts).unwrap_or(u32::MAX)
}

fn gsm7_septets(text: &str) -> Option<usize> {
    text.chars().try_fold(0usize, |n, c| {
        if GSM7.contains(c) {
            Some(n + 1)
        } else if GSM7_EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_fits_160_septets_in_one_part_and_153_per_part_after() {
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
        // The extension table's characters take two septets.
        assert_eq!(segments(&"€".repeat(80)), 1);
        assert_eq!(segments(&"€".repeat(81)), 2);
    }

    #[test]
    fn one_cyrillic_or_kazakh_letter_makes_the_text_ucs2_70_then_67_per_part() {
        assert_eq!(segments(&"а".repeat(70)), 1);
        assert_eq!(segments(&"а".repeat(71)), 2);
        assert_eq!(segments(&"ә".repeat(134)), 2);
        assert_eq!(segments(&"ә".repeat(135)), 3);
        // 159 Latin letters and one Kazakh letter: UCS-2, three parts.
        let mixed = format!("{}ң", "a".repeat(159));
        assert_eq!(segments(&mixed), 3);
        assert_eq!(segments(""), 1);
    }
}
