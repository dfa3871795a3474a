//! `/admin/messages`: the platform admin's view of the message outbox. What waits and how
//! long, the month's failures and SMS spend, counts by state and channel, the latest failures
//! with the provider's reason (each with «Retry»), the waiting messages (each with «Cancel»),
//! and `/admin/messages.csv`. Plain forms posting to server functions: it works without
//! JavaScript and ships no wasm. Recipients are masked and texts never shown (the service
//! sees to it); the policy keeps everyone but the platform admin out.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{AboutField, FormId, alert, form_error, query_param};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::i18n::{Lang, Msg, group_digits, t, tf};
use crate::domain::money::{Tiyn, format_kzt};
use crate::domain::outbox::{CHANNELS, MessageLine, OutboxOverview, STATES};
use crate::error::AppError;

/// The page's address.
const PAGE: &str = "/admin/messages";

/// What the outbox holds, for the platform admin.
#[server(endpoint = "message_overview")]
pub async fn message_overview() -> Result<OutboxOverview, AppError> {
    use crate::ssr::services::admin_messages;
    use crate::ssr::{boundary, request_lang, session, state};
    boundary(request_lang(), async move {
        admin_messages::overview(&state()?.db, &session::caller(), Utc::now()).await
    })
    .await
}

/// Puts a failed message back in the queue, then back to the page.
#[server(endpoint = "retry_message")]
pub async fn retry_message(id: i64) -> Result<(), AppError> {
    use crate::ssr::services::admin_messages;
    use crate::ssr::{form_then, session, state};
    form_then(
        FormId::RetryMessage,
        &[],
        "/admin/messages?done=retried",
        async move { admin_messages::retry(&state()?.db, &session::caller(), id).await },
    )
    .await
}

/// Stops a waiting message, then back to the page.
#[server(endpoint = "cancel_message")]
pub async fn cancel_message(id: i64) -> Result<(), AppError> {
    use crate::ssr::services::admin_messages;
    use crate::ssr::{form_then, session, state};
    form_then(
        FormId::CancelMessage,
        &[],
        "/admin/messages?done=cancelled",
        async move { admin_messages::cancel(&state()?.db, &session::caller(), id).await },
    )
    .await
}

/// `/admin/messages`.
#[component]
pub fn AdminMessagesPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in(PAGE);
    let error = form_error(FormId::RetryMessage).or_else(|| form_error(FormId::CancelMessage));
    if error.is_some() {
        set_status(400);
    }
    // A refusal about the message itself says why in the page's own words.
    let summary = error.map(|e| {
        let text = if e.field() == Some("id") {
            t(lang, Msg::OutboxNotNow).to_owned()
        } else {
            e.message(lang)
        };
        (text, None)
    });
    let done = match query_param("done").as_deref() {
        Some("retried") => Some(t(lang, Msg::OutboxRetried)),
        Some("cancelled") => Some(t(lang, Msg::OutboxCancelled)),
        _ => None,
    };
    let content = Suspend::new(async move {
        match message_overview().await {
            Ok(o) => view! {
                {now_facts(lang, &o)}
                {counts_table(lang, &o)}
                <p><a href="/admin/messages.csv" download="messages.csv" data-testid="outbox-csv">{t(lang, Msg::OutboxCsv)}</a></p>
                {failures_section(lang, o.failures)}
                {waiting_section(lang, o.waiting)}
            }
            .into_any(),
            Err(e) => {
                // Signed out: `require_sign_in` has already redirected to the sign-in page.
                if e != AppError::Unauthorized {
                    set_status(e.status());
                }
                view! { <p class="notice notice-error" role="alert" data-testid="outbox-error">{e.message(lang)}</p> }
                    .into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::OutboxTitle) />
        <div class="page">
            <h1>{t(lang, Msg::OutboxTitle)}</h1>
            <p class="lead">{t(lang, Msg::OutboxLead)}</p>
            {done.map(|d| view! { <p class="notice notice-info" role="status" data-testid="outbox-done">{d}</p> })}
            {alert(summary)}
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// A state's name in `lang` (the stored name if it is one no version of the code writes).
fn state_label(lang: Lang, state: &str) -> String {
    let msg = match state {
        "pending" => Msg::OutboxStatePending,
        "sending" => Msg::OutboxStateSending,
        "sent" => Msg::OutboxStateSent,
        "delivered" => Msg::OutboxStateDelivered,
        "failed" => Msg::OutboxStateFailed,
        "undeliverable" => Msg::OutboxStateUndeliverable,
        "cancelled" => Msg::OutboxStateCancelled,
        other => return other.to_owned(),
    };
    t(lang, msg).to_owned()
}

/// A channel's name in `lang`.
fn channel_label(lang: Lang, channel: &str) -> String {
    match channel {
        "sms" => t(lang, Msg::OutboxChannelSms).to_owned(),
        "email" => t(lang, Msg::OutboxChannelEmail).to_owned(),
        other => other.to_owned(),
    }
}

/// How long something has waited, in the largest whole unit.
fn age(lang: Lang, secs: i64) -> String {
    let (n, msg) = match secs {
        s if s < 3600 => (s / 60, Msg::OutboxAgeMinutes),
        s if s < 86_400 => (s / 3600, Msg::OutboxAgeHours),
        s => (s / 86_400, Msg::OutboxAgeDays),
    };
    tf(lang, msg, &[("n", &group_digits(lang, i128::from(n)))])
}

/// A time as the site shows it: in Asia/Almaty (UTC+5), to the minute.
fn when(t: DateTime<Utc>) -> impl IntoView + use<> {
    let local = t + Duration::hours(5);
    view! { <time datetime=t.to_rfc3339()>{local.format("%Y-%m-%d %H:%M").to_string()}</time> }
}

fn count(lang: Lang, n: u64) -> String {
    group_digits(lang, i128::from(n))
}

/// What waits now and what this month cost.
fn now_facts(lang: Lang, o: &OutboxOverview) -> impl IntoView + use<> {
    let oldest = o
        .oldest_pending_secs
        .map_or_else(|| t(lang, Msg::OutboxNothing).to_owned(), |s| age(lang, s));
    let parts = group_digits(lang, i128::from(o.sms_parts_this_month));
    let cost = format_kzt(lang, Tiyn(o.sms_cost_this_month_tiyn));
    view! {
        <dl class="facts">
            <div class="fact"><dt>{t(lang, Msg::OutboxPending)}</dt><dd data-testid="outbox-pending">{count(lang, o.pending)}</dd></div>
            <div class="fact"><dt>{t(lang, Msg::OutboxOldest)}</dt><dd data-testid="outbox-oldest">{oldest}</dd></div>
        </dl>
        <h2>{t(lang, Msg::OutboxMonth)}</h2>
        <dl class="facts">
            <div class="fact"><dt>{t(lang, Msg::OutboxFailedMonth)}</dt><dd data-testid="outbox-failed-month">{count(lang, o.failed_this_month)}</dd></div>
            <div class="fact"><dt>{t(lang, Msg::OutboxSmsParts)}</dt><dd data-testid="outbox-sms-parts">{parts}</dd></div>
            <div class="fact"><dt>{t(lang, Msg::OutboxSmsCost)}</dt><dd data-testid="outbox-sms-cost">{cost}</dd></div>
        </dl>
    }
}

/// Counts by state (lines) and channel (columns): narrow enough for a phone held upright.
fn counts_table(lang: Lang, o: &OutboxOverview) -> impl IntoView + use<> {
    let header = CHANNELS
        .iter()
        .map(|c| view! { <th scope="col">{channel_label(lang, c)}</th> })
        .collect_view();
    let lines = STATES
        .iter()
        .map(|s| {
            let cells = CHANNELS
                .iter()
                .map(|c| {
                    let n = o.count(c, s);
                    view! { <td data-testid=format!("count-{c}-{s}")>{count(lang, n)}</td> }
                })
                .collect_view();
            let total: u64 = CHANNELS.iter().map(|c| o.count(c, s)).sum();
            view! {
                <tr>
                    <th scope="row">{state_label(lang, s)}</th>
                    {cells}
                    <td>{count(lang, total)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="outbox-counts">
            <h2 id="outbox-counts">{t(lang, Msg::OutboxCounts)}</h2>
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::OutboxState)}</th>
                    {header}
                    <th scope="col">{t(lang, Msg::OutboxTotal)}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table></div>
        </section>
    }
}

/// A button posting `id` to `endpoint`, labelled for screen readers with the message's number.
fn action(lang: Lang, endpoint: &'static str, id: i64, text: Msg, label: Msg) -> impl IntoView {
    let id = id.to_string();
    let label = tf(lang, label, &[("id", &id)]);
    view! {
        <form method="post" action=endpoint>
            <input type="hidden" name="id" value=id />
            <button type="submit" class="button button-small" aria-label=label>{t(lang, text)}</button>
        </form>
    }
}

/// The latest failures, each with the provider's reason and «Retry» where it may be sent again.
fn failures_section(lang: Lang, failures: Vec<MessageLine>) -> impl IntoView {
    let body = if failures.is_empty() {
        view! { <p class="empty">{t(lang, Msg::OutboxNoFailures)}</p> }.into_any()
    } else {
        let lines = failures
            .into_iter()
            .map(|m| {
                let retry = m.retryable.then(|| {
                    action(
                        lang,
                        "/api/retry_message",
                        m.id,
                        Msg::OutboxRetry,
                        Msg::OutboxRetryLabel,
                    )
                });
                view! {
                    <tr data-testid="outbox-failure">
                        <td>{m.id}</td>
                        <td>{channel_label(lang, &m.channel)}</td>
                        <td>{m.recipient}</td>
                        <td>{m.template}</td>
                        <td>{state_label(lang, &m.state)}</td>
                        <td>{m.last_error.unwrap_or_default()}</td>
                        <td>{m.attempts}</td>
                        <td>{when(m.created_at)}</td>
                        <td>{m.finished_at.map(when)}</td>
                        <td>{retry}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::OutboxColId)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColChannel)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColRecipient)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColTemplate)}</th>
                    <th scope="col">{t(lang, Msg::OutboxState)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColReason)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColAttempts)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColCreated)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColFinished)}</th>
                    <th scope="col"><span class="visually-hidden">{t(lang, Msg::ColumnAction)}</span></th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="outbox-failures">
            <h2 id="outbox-failures">{t(lang, Msg::OutboxFailures)}</h2>
            {body}
        </section>
    }
}

/// What waits to go, each with «Cancel» while it is not being sent.
fn waiting_section(lang: Lang, waiting: Vec<MessageLine>) -> impl IntoView {
    let body = if waiting.is_empty() {
        view! { <p class="empty">{t(lang, Msg::OutboxNoWaiting)}</p> }.into_any()
    } else {
        let lines = waiting
            .into_iter()
            .map(|m| {
                let cancel = m.cancellable.then(|| {
                    action(
                        lang,
                        "/api/cancel_message",
                        m.id,
                        Msg::OutboxCancel,
                        Msg::OutboxCancelLabel,
                    )
                });
                view! {
                    <tr data-testid="outbox-waiting">
                        <td>{m.id}</td>
                        <td>{channel_label(lang, &m.channel)}</td>
                        <td>{m.recipient}</td>
                        <td>{m.template}</td>
                        <td>{state_label(lang, &m.state)}</td>
                        <td>{m.attempts}</td>
                        <td>{m.last_error.unwrap_or_default()}</td>
                        <td>{when(m.created_at)}</td>
                        <td>{m.next_attempt_at.map(when)}</td>
                        <td>{cancel}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::OutboxColId)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColChannel)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColRecipient)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColTemplate)}</th>
                    <th scope="col">{t(lang, Msg::OutboxState)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColAttempts)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColReason)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColCreated)}</th>
                    <th scope="col">{t(lang, Msg::OutboxColNext)}</th>
                    <th scope="col"><span class="visually-hidden">{t(lang, Msg::ColumnAction)}</span></th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="outbox-waiting">
            <h2 id="outbox-waiting">{t(lang, Msg::OutboxPending)}</h2>
            {body}
        </section>
    }
}
