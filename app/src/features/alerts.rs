//! `/notifications` (the bell's page: new programmes for one's subscriptions, and the
//! subscriptions with one-click unsubscribe) and `/unsubscribe/{token}` (an e-mail's link).
//! Plain forms; no wasm.

pub mod api;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{FormId, alert, form_error, form_message, query_param};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::alerts::{SavedKind, SavedSearchView};
use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::params::decode_query;

/// A saved search in words: the catalogue query's text and filters, or "my matches".
fn describe(lang: Lang, s: &SavedSearchView) -> String {
    match s.kind {
        SavedKind::Matches => t(lang, Msg::SavedMatchesLabel).to_owned(),
        SavedKind::Search => {
            let parts: Vec<String> = decode_query(&s.query)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, v)| {
                    Some(match k.as_str() {
                        "q" if !v.is_empty() => format!("«{v}»"),
                        "kind" => ProgramKind::parse(&v)?.label(lang).to_owned(),
                        "sector" => Sector::parse(&v)?.label(lang).to_owned(),
                        "region" => crate::domain::location::region(&v)?.name(lang).to_owned(),
                        _ => return None,
                    })
                })
                .collect();
            let query = if parts.is_empty() {
                t(lang, Msg::SavedSearchAll).to_owned()
            } else {
                parts.join(", ")
            };
            tf(lang, Msg::SavedSearchLabel, &[("query", &query)])
        }
    }
}

/// The form that subscribes to a search (`kind` = `search`, with its query) or to one's
/// matches.
#[component]
pub fn SubscribeForm(lang: Lang, kind: SavedKind, query: String) -> impl IntoView {
    let label = match kind {
        SavedKind::Search => Msg::SaveSearchButton,
        SavedKind::Matches => Msg::SaveMatchesButton,
    };
    view! {
        <form method="post" action="/api/save_search" class="subscribe">
            <input type="hidden" name="kind" value=kind.as_str() />
            <input type="hidden" name="query" value=query />
            <button type="submit" class="button button-secondary" data-testid="subscribe">{crate::components::icon::bell()} " " {t(lang, label)}</button>
        </form>
    }
}

/// `/notifications`.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/notifications");
    let subscribed = query_param("subscribed").is_some();
    let error = form_error(FormId::SaveSearch).or_else(|| form_error(FormId::Unsubscribe));
    let content = Suspend::new(async move {
        match api::my_alerts().await {
            Ok((notifications, saved)) => {
                let unread = notifications.iter().any(|n| !n.read);
                let items = notifications
                    .into_iter()
                    .map(|n| {
                        let title = pick(lang, &n.title_ru, &n.title_kk).to_owned();
                        let text = match n.application {
                            Some((id, state)) => view! {
                                <a href=format!("/applications/{id}")>{tf(lang, Msg::NotificationApp, &[("id", &id.to_string()), ("program", &title), ("state", state.label(lang))])}</a>
                            }
                            .into_any(),
                            None => view! {
                                {t(lang, Msg::NotificationNew)} " "
                                <a href=format!("/programs/{}", n.slug)>{title}</a>
                            }
                            .into_any(),
                        };
                        view! {
                            <li class:notification-unread=!n.read data-testid="notification">
                                {text}
                                " " <small>{format_date(lang, n.created_at.date_naive())}</small>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                let list = if items.is_empty() {
                    view! { <p>{t(lang, Msg::NotificationsNone)}</p> }.into_any()
                } else {
                    view! { <ul class="notifications">{items}</ul> }.into_any()
                };
                let subs = saved
                    .iter()
                    .map(|s| {
                        view! {
                            <li data-testid="subscription">
                                {describe(lang, s)}
                                <form method="post" action="/api/unsubscribe" class="inline">
                                    <input type="hidden" name="id" value=s.id />
                                    <button type="submit" class="button button-secondary">{t(lang, Msg::UnsubscribeButton)}</button>
                                </form>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                let subs = if subs.is_empty() {
                    view! { <p>{t(lang, Msg::SubscriptionsNone)}</p> }.into_any()
                } else {
                    view! { <ul class="subscriptions">{subs}</ul> }.into_any()
                };
                view! {
                    {list}
                    {unread.then(|| view! {
                        <form method="post" action="/api/mark_notifications_read">
                            <button type="submit" class="button button-secondary">{t(lang, Msg::NotificationsMarkRead)}</button>
                        </form>
                    })}
                    <section aria-labelledby="subscriptions">
                        <h2 id="subscriptions">{t(lang, Msg::SubscriptionsTitle)}</h2>
                        {subs}
                    </section>
                }
                .into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }
                .into_any(),
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::NotificationsTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::NotificationsTitle)}</h1>
            {subscribed.then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::Subscribed)}</p> })}
            {alert(form_message(&error, lang, &[]))}
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// `/unsubscribe/{token}`: one button, so that mail scanners following links unsubscribe
/// nobody. `/unsubscribe/done` says it is done.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let error = form_error(FormId::UnsubscribeLink);
    if error.is_some() {
        set_status(410);
    }
    let body = if token == "done" {
        view! { <p class="notice notice-info" role="status">{t(lang, Msg::Unsubscribed)}</p> }
            .into_any()
    } else {
        view! {
            {alert(form_message(&error, lang, &[]))}
            <p>{t(lang, Msg::UnsubscribeLead)}</p>
            <form method="post" action="/api/unsubscribe_link">
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">{t(lang, Msg::UnsubscribeButton)}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <PageTitle text=t(lang, Msg::UnsubscribeTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::UnsubscribeTitle)}</h1>
            {body}
        </div>
    }
}
