//! Sending messages to people: e-mail over SMTP when `SMTP_URL` is set, the server log
//! otherwise (development: the reset link appears in the terminal).
//!
//! An e-mail is plain UTF-8 text. Its subject is encoded as RFC 2047 encoded words (lettre does
//! it), `Content-Language` names the language(s) it is written in, and a message a person can
//! opt out of carries `List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
//! (RFC 8058), which mail clients turn into an unsubscribe button that posts to the link.

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::i18n::Lang;

/// A message for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// An e-mail address (a phone number is reached by SMS, through the message outbox).
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The languages the subject and body are written in, in their order there: one, or Kazakh
    /// and Russian when the reader's is unknown. Sent as `Content-Language` (RFC 3282).
    pub langs: Vec<Lang>,
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
            langs,
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

/// The e-mail of `mail` from `from`: its headers and its UTF-8 plain-text body, a MIME
/// single part (with `MIME-Version: 1.0`, without which a reader may show the encoded body as
/// it is).
fn message(from: &Mailbox, mail: Mail) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(from.clone())
        .to(mail
            .to
            .parse()
            .map_err(|e| MailError(format!("recipient: {e}")))?)
        .subject(mail.subject)
        .message_id(None);
    if !mail.langs.is_empty() {
        builder = builder.header(ContentLanguage(mail.langs));
    }
    if let Some(url) = mail.unsubscribe {
        builder = builder
            .header(ListUnsubscribe(url))
            .header(ListUnsubscribePost);
    }
    builder
        .singlepart(SinglePart::plain(mail.body))
        .map_err(|e| MailError(e.to_string()))
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        if !mail.to.contains('@') {
            return LogMailer.send(mail).await;
        }
        let message = message(&self.from, mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError(e.to_string()))
    }
}

/// A header parser's error, as lettre's [`Header`] trait wants it.
type HeaderParseError = Box<dyn std::error::Error + Send + Sync>;

/// `Content-Language` (RFC 3282): the languages of the text, e.g. `kk` or `kk, ru`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ContentLanguage(Vec<Lang>);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, HeaderParseError> {
        s.split(',')
            .map(|code| {
                let code = code.trim();
                Lang::ALL
                    .into_iter()
                    .find(|l| l.code().eq_ignore_ascii_case(code))
                    .ok_or_else(|| HeaderParseError::from(format!("unknown language {code:?}")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(ContentLanguage)
    }

    fn display(&self) -> HeaderValue {
        let codes: Vec<&str> = self.0.iter().map(|l| l.code()).collect();
        HeaderValue::new(Self::name(), codes.join(", "))
    }
}

/// `List-Unsubscribe` (RFC 2369) with one HTTPS address: `<https://…/unsubscribe/TOKEN>`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, HeaderParseError> {
        s.trim()
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .map(|url| ListUnsubscribe(url.to_owned()))
            .ok_or_else(|| "List-Unsubscribe: not <URL>".into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the client may unsubscribe
/// by posting that body to the `List-Unsubscribe` address, without opening a page.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ListUnsubscribePost;

/// The only value RFC 8058 defines, also the body the client posts.
const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, HeaderParseError> {
        if s.trim() == ONE_CLICK {
            Ok(ListUnsubscribePost)
        } else {
            Err(format!("List-Unsubscribe-Post: {s:?} is not {ONE_CLICK}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), ONE_CLICK.to_owned())
    }
}

#[cfg(test)]
mod tests;
