//! `/operator/webhooks`: an organisation's administrator registers the addresses its systems
//! receive events at (the secret that signs them shown once), sends a test event, switches an
//! endpoint off, and reads each one's delivery log. Plain forms, no JavaScript needed.

use leptos::prelude::*;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{FormId, alert, form_error};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::domain::webhook::{DeliveryLine, EndpointLine};
use crate::error::AppError;

/// The organisation's endpoints, and the secret of the one just made (shown once: it travels
/// in a cookie that lives a minute and is cleared here, never in the address).
#[server(endpoint = "webhooks_page")]
pub async fn webhooks_page() -> Result<(Vec<EndpointLine>, Option<String>), AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let endpoints = services::webhooks::endpoints(&st.db, who.as_ref()).await?;
        Ok((endpoints, session::take_fresh_key("/operator/webhooks")))
    })
    .await
}

fn delivery(lang: Lang, d: &DeliveryLine) -> impl IntoView + use<> {
    // Kazakhstan keeps UTC+5 all year.
    let at = d.created_at + chrono::Duration::hours(5);
    let state = match d.state.as_str() {
        "delivered" => t(lang, Msg::WhDelivered).to_owned(),
        "failed" => t(lang, Msg::WhFailed).to_owned(),
        _ => tf(lang, Msg::WhPending, &[("n", &d.attempts.to_string())]),
    };
    let why = d
        .last_error
        .clone()
        .filter(|_| d.state != "delivered")
        .unwrap_or_default();
    view! {
        <tr data-testid="webhook-delivery" data-state=d.state.clone()>
            <td>{d.id}</td>
            <td><code>{d.event.clone()}</code></td>
            <td>{d.application_id.map(|a| a.to_string()).unwrap_or_default()}</td>
            <td>{format_date(lang, at.date_naive())} " " {at.format("%H:%M").to_string()}</td>
            <td>{state}</td>
            <td>{why}</td>
        </tr>
    }
}

fn endpoint(lang: Lang, e: &EndpointLine) -> impl IntoView + use<> {
    let id = e.id.to_string();
    let live = e.disabled_at.is_none();
    let actions = live.then(|| {
        view! {
            <form method="post" action="/operator/webhooks" class="inline-form">
                <input type="hidden" name="id" value=id.clone() />
                <button type="submit" class="button" name="action" value="test" data-testid="webhook-test">{t(lang, Msg::WhTest)}</button>
            </form>
            <form method="post" action="/operator/webhooks" class="inline-form">
                <input type="hidden" name="id" value=id.clone() />
                <button type="submit" class="button button-secondary" name="action" value="disable">{t(lang, Msg::WhDisable)}</button>
            </form>
        }
    });
    let rows = e
        .deliveries
        .iter()
        .map(|d| delivery(lang, d))
        .collect::<Vec<_>>();
    let log = if rows.is_empty() {
        view! { <p class="muted">{t(lang, Msg::WhNoDeliveries)}</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll" tabindex="0"><table class="queue">
                <thead><tr>
                    <th scope="col">"№"</th>
                    <th scope="col">{t(lang, Msg::WhEvent)}</th>
                    <th scope="col">{t(lang, Msg::WhApplication)}</th>
                    <th scope="col">{t(lang, Msg::WhWhen)}</th>
                    <th scope="col">{t(lang, Msg::LoanStatus)}</th>
                    <th scope="col"></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section class="webhook" data-testid="webhook-endpoint">
            <h2><code>{e.url.clone()}</code></h2>
            <p class="muted">
                {tf(lang, Msg::WhSince, &[("date", &format_date(lang, e.created_at.date_naive()))])}
                {e.disabled_at.map(|d| view! { " · " {tf(lang, Msg::WhDisabledOn, &[("date", &format_date(lang, d.date_naive()))])} })}
            </p>
            {actions}
            {log}
        </section>
    }
}

/// `/operator/webhooks`.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/operator/webhooks");
    let error = form_error(FormId::Webhooks);
    if error.is_some() {
        set_status(400);
    }
    let summary = alert(error.as_ref().map(|e| (e.message(lang), Some("url"))));
    let content = Suspend::new(async move {
        let (endpoints, fresh) = match webhooks_page().await {
            Ok(v) => v,
            Err(e) => {
                // Signed out: `require_sign_in` has already sent them to sign in.
                if e != AppError::Unauthorized {
                    set_status(e.status());
                }
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let fresh = fresh.map(|s| {
            view! {
                <div class="notice notice-info" role="status" data-testid="fresh-secret">
                    <p>{t(lang, Msg::WhSecretOnce)}</p>
                    <p><code data-testid="fresh-secret-value">{s}</code></p>
                </div>
            }
        });
        let list = endpoints
            .iter()
            .map(|e| endpoint(lang, e))
            .collect::<Vec<_>>();
        view! { {fresh} {list} }.into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::WhTitle) />
        <div class="page">
            <h1>{t(lang, Msg::WhTitle)}</h1>
            <p>{t(lang, Msg::WhLead)}</p>
            {summary}
            <Suspense fallback=|| ()>{content}</Suspense>
            <form method="post" action="/operator/webhooks" data-testid="webhook-create">
                <div class="field-stack">
                    <label for="url">{t(lang, Msg::WhUrl)}</label>
                    <input id="url" name="url" type="url" maxlength="500" required placeholder="https://" />
                </div>
                <div class="actions"><button type="submit" class="button" name="action" value="create">{t(lang, Msg::WhCreate)}</button></div>
            </form>
        </div>
    }
}
