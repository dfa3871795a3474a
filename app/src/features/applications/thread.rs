//! The conversation on an application's page: every message, oldest first, with its side, its
//! author, its files, and whether it is new to the reader or read by the others; the form to
//! write one (text and files, posted without JavaScript), and the programme's ready answers
//! for its operator's staff. With JavaScript, an island asks now and then for new messages and
//! shows them without a reload.

use leptos::prelude::*;

use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::domain::thread::{CannedReply, MessageView, Side, ThreadView};
use crate::error::AppError;

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

fn message(lang: Lang, m: &MessageView, app: i32) -> impl IntoView + use<> {
    // Kazakhstan keeps UTC+5 all year.
    let at = m.at + chrono::Duration::hours(5);
    let files = m
        .files
        .iter()
        .zip(&m.file_names)
        .map(|(id, name)| {
            view! { <li><a href=format!("/applications/{app}/documents/{id}")>{name.clone()}</a></li> }
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
    app: i32,
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let messages = v
        .messages
        .iter()
        .map(|m| message(lang, m, app))
        .collect::<Vec<_>>();
    let last = v.messages.last().map_or(0, |m| m.id);
    let operator = v.side == Some(Side::Operator) && v.can_write;
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
                {operator.then(|| view! {
                    <label class="check"><input type="checkbox" name="save_reply" value="1" data-testid="thread-save-reply" /> {t(lang, Msg::ThrSaveReply)}</label>
                })}
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
            <ThreadLive app last />
            {operator.then(|| replies(lang, &v.replies, action, version))}
            {form}
        </section>
    }
}

/// The programme's ready answers: each sent in one click (a form of its own, so without
/// JavaScript too), or removed from the list.
fn replies(lang: Lang, all: &[CannedReply], action: &str, version: i32) -> impl IntoView + use<> {
    let items = all
        .iter()
        .map(|r| {
            view! {
                <li data-testid="canned-reply">
                    <p class="thread-body">{r.body.clone()}</p>
                    <form method="post" action=action.to_owned() class="inline-form">
                        <input type="hidden" name="version" value=version />
                        <input type="hidden" name="message" value=r.body.clone() />
                        <button type="submit" name="action" value="write_message" class="button">{t(lang, Msg::ThrReplySend)}</button>
                    </form>
                    <form method="post" action=action.to_owned() class="inline-form">
                        <input type="hidden" name="version" value=version />
                        <input type="hidden" name="reply_id" value=r.id />
                        <button type="submit" name="action" value="delete_reply" class="button button-secondary">{t(lang, Msg::ThrReplyDelete)}</button>
                    </form>
                </li>
            }
        })
        .collect::<Vec<_>>();
    (!all.is_empty()).then(|| {
        view! {
            <details class="canned" data-testid="canned-replies">
                <summary>{tf(lang, Msg::ThrReplies, &[("n", &all.len().to_string())])}</summary>
                <ul>{items}</ul>
            </details>
        }
    })
}

/// `messages` as the thread's list items, in HTML (escaped as any rendered view).
#[cfg(feature = "ssr")]
pub(super) fn rendered(lang: Lang, messages: &[MessageView], app: i32) -> String {
    messages
        .iter()
        .map(|m| message(lang, m, app).to_html())
        .collect()
}

/// The messages of application `id`'s thread after message `after`, rendered as the page
/// renders them, with the id of the last (the thread's island asks now and then, so that new
/// ones appear without a reload; HTML, so that the browser's code stays small).
#[server(endpoint = "thread_since")]
pub async fn thread_since(id: i32, after: i32) -> Result<(i32, String), AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    let lang = request_lang();
    boundary(lang, async move {
        let st = state()?;
        let who = session::principal();
        let new = services::threads::since(&st.db, who.as_ref(), id, after).await?;
        let last = new.last().map_or(after, |m| m.id);
        Ok((last, rendered(lang, &new, id)))
    })
    .await
}

/// How often an open page asks for new messages.
#[cfg(feature = "hydrate")]
const POLL: std::time::Duration = std::time::Duration::from_secs(20);

/// New messages, added below the ones the server rendered without a reload: the island asks
/// for what came after `last` every [`POLL`] while the page is open. Without JavaScript it
/// renders an empty list, and a reload shows the new ones.
#[island(lazy)]
fn ThreadLive(app: i32, last: i32) -> impl IntoView {
    // The server renders them: the island only asks and appends.
    let added: RwSignal<String> = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    {
        let after = StoredValue::new(last);
        let busy = StoredValue::new(false);
        let ask = move || {
            if busy.get_value() {
                return;
            }
            busy.set_value(true);
            leptos::task::spawn_local(async move {
                // A lost connection or a lapsed session: try again at the next tick.
                if let Ok((last, html)) = thread_since(app, after.get_value()).await
                    && !html.is_empty()
                {
                    after.set_value(last);
                    added.update(|a| a.push_str(&html));
                }
                busy.set_value(false);
            });
        };
        let handle = set_interval_with_handle(ask, POLL).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (app, last);
    view! {
        <ol class="thread thread-live" aria-live="polite" data-testid="thread-live" inner_html=move || added.get()></ol>
    }
}
