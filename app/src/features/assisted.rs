//! `/akimat/assist`: akimat staff start an application for a resident of their okrug, with
//! the resident's consent (a signed paper form, scanned, or a code sent to the resident's phone
//! and read back). The form posts to `POST /akimat/assist`; it works without JavaScript.

use leptos::prelude::*;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{
    Field, FormId, alert, field_message, form_error, form_message, query_param,
};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::application::form::AssistOptions;
use crate::domain::i18n::{Msg, pick, t};
use crate::error::AppError;

/// The endpoint name the form post reports its errors under (`__path`).
/// The form this page's posts come back to.
const FORM: FormId = FormId::Assist;

const FIELDS: &[&str] = &[
    "name",
    "phone",
    "settlement",
    "program",
    "method",
    "code",
    "consent_scan",
];

fn label(field: &str) -> Option<Msg> {
    Some(match field {
        "name" => Msg::AssistName,
        "phone" => Msg::AssistPhone,
        "settlement" => Msg::AssistSettlement,
        "program" => Msg::AssistProgram,
        "method" => Msg::AssistConsent,
        "code" => Msg::AssistCode,
        "consent_scan" => Msg::AssistScan,
        _ => return None,
    })
}

/// The settlements and programmes the form offers.
#[server(endpoint = "assist_options")]
pub async fn assist_choices() -> Result<AssistOptions, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::assisted::options(&st.db, who.as_ref(), st.config.today()).await
    })
    .await
}

/// `/akimat/assist`.
#[component]
pub fn AssistPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/akimat/assist");
    let error = form_error(FORM);
    if error.is_some() {
        set_status(400);
    }
    let typed = |name: &str| query_param(name).unwrap_or_default();
    let (name, phone, settlement, program, method) = (
        typed("name"),
        typed("phone"),
        typed("settlement"),
        typed("program"),
        typed("method"),
    );
    let sent = query_param("sent").is_some();
    let content = Suspend::new(async move {
        let options = match assist_choices().await {
            Ok(o) => o,
            Err(e) => {
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        // The summary names the field as its label says it, and links to it.
        let summary = alert(form_message(&error, lang, FIELDS).map(
            |(m, f)| match f.and_then(label) {
                Some(l) => (format!("{}: {m}", t(lang, l)), f),
                None => (m, f),
            },
        ));
        let msg = |f: &str| field_message(error.as_ref(), lang, f);
        let settlements = options
            .settlements
            .iter()
            .map(|(code, label)| {
                view! { <option value=code.clone() selected=*code == settlement>{label.clone()}</option> }
            })
            .collect::<Vec<_>>();
        let programs = options
            .programs
            .iter()
            .map(|(slug, ru, kk)| {
                view! { <option value=slug.clone() selected=*slug == program>{pick(lang, ru, kk).to_owned()}</option> }
            })
            .collect::<Vec<_>>();
        let paper = method != "phone_code";
        view! {
            {summary}
            {sent.then(|| view! { <p class="notice" role="status" data-testid="code-sent">{t(lang, Msg::AssistCodeSent)}</p> })}
            <p>{options.okrug}</p>
            <form method="post" action="/akimat/assist" enctype="multipart/form-data" data-testid="assist-form">
                <Field id="name" name="name" label=t(lang, Msg::AssistName) value=Some(name.clone()) error=msg("name") />
                <Field id="phone" name="phone" label=t(lang, Msg::AssistPhone) kind="tel" value=Some(phone.clone()) error=msg("phone") />
                <div class="field" class:field-error=msg("settlement").is_some()>
                    <label for="settlement">{t(lang, Msg::AssistSettlement)}</label>
                    {msg("settlement").map(|e| view! { <p class="error-message" id="settlement-error">{e}</p> })}
                    <select id="settlement" name="settlement" required=true>{settlements}</select>
                </div>
                <div class="field" class:field-error=msg("program").is_some()>
                    <label for="program">{t(lang, Msg::AssistProgram)}</label>
                    {msg("program").map(|e| view! { <p class="error-message" id="program-error">{e}</p> })}
                    <select id="program" name="program" required=true>{programs}</select>
                </div>
                <fieldset class="field" class:field-error=msg("method").is_some()>
                    <legend>{t(lang, Msg::AssistConsent)}</legend>
                    {msg("method").map(|e| view! { <p class="error-message" id="method-error">{e}</p> })}
                    <div class="check">
                        <input type="radio" id="method-paper" name="method" value="paper" checked=paper />
                        <label for="method-paper">{t(lang, Msg::AssistPaper)}</label>
                    </div>
                    <div class="field" class:field-error=msg("consent_scan").is_some()>
                        <label for="consent_scan">{t(lang, Msg::AssistScan)}</label>
                        {msg("consent_scan").map(|e| view! { <p class="error-message" id="consent_scan-error">{e}</p> })}
                        <input type="file" id="consent_scan" name="consent_scan" accept="application/pdf,image/jpeg,image/png" />
                    </div>
                    <div class="check">
                        <input type="radio" id="method-phone_code" name="method" value="phone_code" checked=!paper />
                        <label for="method-phone_code">{t(lang, Msg::AssistPhoneCode)}</label>
                    </div>
                    <button type="submit" name="action" value="send_code" formnovalidate=true class="button button-secondary" data-testid="send-code">{t(lang, Msg::AssistSendCode)}</button>
                    <Field id="code" name="code" label=t(lang, Msg::AssistCode) kind="text" autocomplete="one-time-code" required=false error=msg("code") />
                </fieldset>
                <button type="submit" name="action" value="start" class="button" data-testid="assist-start">{t(lang, Msg::AssistStart)}</button>
            </form>
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::AssistTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::AssistTitle)}</h1>
            <p>{t(lang, Msg::AssistIntro)}</p>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}
