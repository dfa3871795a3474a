//! The conversation on an application's page: every message, oldest first, with its side, its
//! author, its files, and whether it is new to the reader or read by the others; and the form
//! to write one (text and files, posted without JavaScript).

use leptos::prelude::*;

use crate::domain::application::form::DocumentView;
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::domain::thread::{MessageView, Side, ThreadView};

fn side_label(lang: Lang, side: Side) -> &'static str {
    t(
        lang,
        match side {
            Side::Applicant => Msg::ThrSideApplicant,
            Side::Operator => Msg::ThrSideOperator,
            Side::Akimat => Msg::ThrSideAkimat,
        },
    )
}

fn message(
    lang: Lang,
    m: &MessageView,
    documents: &[DocumentView],
    app: i32,
) -> impl IntoView + use<> {
    // Kazakhstan keeps UTC+5 all year.
    let at = m.at + chrono::Duration::hours(5);
    let files = documents
        .iter()
        .filter(|d| m.files.contains(&d.id))
        .map(|d| {
            view! { <li><a href=format!("/applications/{app}/documents/{}", d.id)>{d.file_name.clone()}</a></li> }
        })
        .collect::<Vec<_>>();
    view! {
        <li class="thread-message" class:mine=m.mine data-testid="thread-message" data-side=m.side.as_str() data-new=m.new.to_string()>
            <p class="thread-meta">
                <strong>{side_label(lang, m.side)}</strong>
                {(!m.author.is_empty()).then(|| view! { " · " {m.author.clone()} })}
                " · " <time datetime=m.at.to_rfc3339()>{format_date(lang, at.date_naive())} " " {at.format("%H:%M").to_string()}</time>
                {m.new.then(|| view! { " " <span class="badge badge-info">{t(lang, Msg::ThrNew)}</span> })}
                {m.read.then(|| view! { " " <span class="badge badge-ok" data-testid="thread-read">{t(lang, Msg::ThrRead)}</span> })}
            </p>
            <p class="thread-body">{m.body.clone()}</p>
            {(!files.is_empty()).then(|| view! { <ul class="files">{files}</ul> })}
        </li>
    }
}

/// The section.
pub(super) fn section(
    lang: Lang,
    v: &ThreadView,
    documents: &[DocumentView],
    app: i32,
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let messages = v
        .messages
        .iter()
        .map(|m| message(lang, m, documents, app))
        .collect::<Vec<_>>();
    let list = if messages.is_empty() {
        view! { <p class="muted" data-testid="thread-empty">{t(lang, Msg::ThrEmpty)}</p> }
            .into_any()
    } else {
        view! { <ol class="thread" data-testid="thread-messages">{messages}</ol> }.into_any()
    };
    let unread = (v.unread > 0).then(|| {
        view! { <p class="notice notice-info" data-testid="thread-unread">{tf(lang, Msg::ThrUnread, &[("n", &v.unread.to_string())])}</p> }
    });
    let (e_message, e_attachment) = (err("message"), err("attachment"));
    let form = if v.can_write {
        view! {
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="thread-form">
                <input type="hidden" name="version" value=version />
                <div class="field-stack" class:field-error=e_message.is_some()>
                    <label for="message">{t(lang, Msg::ThrMessage)}</label>
                    {e_message.clone().map(|m| view! { <p class="error-message" id="message-error">{m}</p> })}
                    <textarea id="message" name="message" rows="3" maxlength="4000" required aria-invalid=e_message.is_some().then_some("true") aria-describedby=e_message.is_some().then_some("message-error")></textarea>
                </div>
                <div class="field-stack" class:field-error=e_attachment.is_some()>
                    <label for="attachment">{t(lang, Msg::ThrAttach)}</label>
                    {e_attachment.clone().map(|m| view! { <p class="error-message" id="attachment-error">{m}</p> })}
                    <input id="attachment" name="attachment" type="file" multiple accept="application/pdf,image/jpeg,image/png" />
                </div>
                <div class="actions">
                    <button type="submit" name="action" value="write_message" class="button" data-testid="thread-send">{t(lang, Msg::ThrSend)}</button>
                </div>
            </form>
        }
        .into_any()
    } else {
        view! { <p class="muted">{t(lang, Msg::ThrReadOnly)}</p> }.into_any()
    };
    view! {
        <section aria-labelledby="thread" class="thread-section" data-testid="thread">
            <h2 id="thread">{t(lang, Msg::ThrTitle)}</h2>
            <p class="muted">{t(lang, Msg::ThrLead)}</p>
            {unread}
            {list}
            {form}
        </section>
    }
}
