//! An application's timeline on its page: every step, and every message of its thread said in
//! a line, newest first.

use leptos::prelude::*;

use crate::domain::account::Role;
use crate::domain::application::form::EventView;
use crate::domain::i18n::{Lang, Msg, format_date, t};

/// The timeline, newest first: every step, and every message of the thread (said in a line,
/// read in full in the thread above).
pub(super) fn timeline(
    lang: Lang,
    events: Vec<EventView>,
    messages: &[crate::domain::thread::MessageView],
) -> impl IntoView + use<> {
    let mut items = events
        .into_iter()
        .map(|e| {
            let who = match (&e.actor_name, e.actor_role) {
                (Some(name), _) => name.clone(),
                (None, Some(Role::Entrepreneur)) => String::new(),
                (None, Some(Role::Akim | Role::AkimatStaff)) => {
                    t(lang, Msg::AppActorAkimat).to_owned()
                }
                (None, _) => t(lang, Msg::AppActorOperator).to_owned(),
            };
            let (when, at) = (e.at, e.at + chrono::Duration::hours(5));
            let item = view! {
                <li data-testid="event">
                    <strong>{e.step.label(lang)}</strong>
                    " · " <time datetime=e.at.to_rfc3339()>{format_date(lang, at.date_naive())} " " {at.format("%H:%M").to_string()}</time>
                    {(!who.is_empty()).then(|| view! { " · " {who} })}
                    {e.reason.map(|r| view! { <p class="reason">{r}</p> })}
                    {(!e.items.is_empty()).then(|| view! {
                        <ul>{e.items.into_iter().map(|i| view! { <li>{i}</li> }).collect::<Vec<_>>()}</ul>
                    })}
                </li>
            }
            .into_any();
            (when, item)
        })
        .collect::<Vec<_>>();
    items.extend(messages.iter().map(|m| {
        let at = m.at + chrono::Duration::hours(5);
        let who = match m.side {
            crate::domain::thread::Side::Applicant => Msg::ThrSideApplicant,
            crate::domain::thread::Side::Operator => Msg::ThrSideOperator,
            crate::domain::thread::Side::Akimat => Msg::ThrSideAkimat,
        };
        let item = view! {
            <li data-testid="event" data-message=m.id.to_string()>
                <strong>{t(lang, Msg::ThrInTimeline)}</strong>
                " · " <time datetime=m.at.to_rfc3339()>{format_date(lang, at.date_naive())} " " {at.format("%H:%M").to_string()}</time>
                " · " {t(lang, who)}
            </li>
        }
        .into_any();
        (m.at, item)
    }));
    // Oldest first by time (a step and a message of the same second keep their order), shown
    // newest first.
    items.sort_by_key(|(at, _)| *at);
    let items = items
        .into_iter()
        .rev()
        .map(|(_, item)| item)
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="timeline">
            <h2 id="timeline">{t(lang, Msg::AppTimeline)}</h2>
            <ol class="timeline" data-testid="timeline">{items}</ol>
        </section>
    }
}
