//! Sending messages to people: e-mail over SMTP when `SMTP_URL` is set, the server log
//! otherwise (development: the reset link appears in the terminal).

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::i18n::Lang;

/// A message for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// An e-mail address, or a phone number (which only the log can reach for now).
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Where one click stops messages of this kind (alerts): sent as the `List-Unsubscribe`
    /// and `List-Unsubscribe-Post` headers (RFC 8058). `None` for messages a person cannot
    /// opt out of (codes, decisions).
    pub unsubscribe: Option<String>,
}

impl Mail {
    /// A message in the reader's language when it is known (`users.lang`), otherwise in Kazakh
    /// and then Russian, one after the other: every template exists in all three languages.
    pub fn in_language(
        to: impl Into<String>,
        lang: Option<Lang>,
        subject: impl Fn(Lang) -> String,
        body: impl Fn(Lang) -> String,
    ) -> Mail {
        let langs = match lang {
            Some(lang) => vec![lang],
            None => vec![Lang::Kk, Lang::Ru],
        };
        Mail {
            to: to.into(),
            subject: langs
                .iter()
                .map(|&l| subject(l))
                .collect::<Vec<_>>()
                .join(" / "),
            body: langs
                .iter()
                .map(|&l| body(l))
                .collect::<Vec<_>>()
                .join("\n\n---\n\n"),
            unsubscribe: None,
        }
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
#[error("mail: {0}")]
pub struct MailError(pub String);

/// Something that delivers messages.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Delivers `mail`.
    async fn send(&self, mail: Mail) -> Result<(), MailError>;
}

/// Writes messages to the server log: development, and phone-only accounts until an SMS
/// gateway is connected.
pub struct LogMailer;

#[async_trait::async_trait]
impl Mailer for LogMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        tracing::info!(to = %mail.to, subject = %mail.subject, body = %mail.body, "message (not sent: no SMTP_URL or not an e-mail address)");
        Ok(())
    }
}

/// Sends e-mail through an SMTP server (`smtp://` or `smtps://user:pass@host:port`); messages to
/// phone numbers go to the log.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for `url`, sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<SmtpMailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError(format!("SMTP_URL: {e}")))?
            .build();
        let from = from
            .parse()
            .map_err(|e| MailError(format!("MAIL_FROM: {e}")))?;
        Ok(SmtpMailer { transport, from })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        if !mail.to.contains('@') {
            return LogMailer.send(mail).await;
        }
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail
                .to
                .parse()
                .map_err(|e| MailError(format!("recipient: {e}")))?)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| MailError(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError(e.to_string()))
    }
}
