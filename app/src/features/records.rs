//! Documents of record: the printable page of one (`/records/{code}`, A4, for those who may
//! read its application; its PDF at `/records/{code}/pdf`) and the public check
//! (`/verify/{code}`, or the form at `/verify`): what the document proves and whether it still
//! stands, for anyone holding its code. Both work without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::set_status;
use crate::PageTitle;
use crate::components::form::query_param;
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::record::{self, RecordView};
use crate::error::AppError;

/// A document with what its page draws beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    /// The document.
    pub record: RecordView,
    /// The address that checks it.
    pub verify_url: String,
    /// Its QR code (an SVG drawn on the server).
    pub qr_svg: String,
}

/// The document with code `code`, for someone who may read its application.
#[server(endpoint = "record_sheet")]
pub async fn record_sheet(code: String) -> Result<Sheet, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let record = services::records::readable(&st.db, who.as_ref(), &code).await?;
        let verify_url = services::records::verify_url(&st.config.public_url, &record.code);
        let qr_svg = services::records::qr_svg(&verify_url);
        Ok(Sheet {
            record,
            verify_url,
            qr_svg,
        })
    })
    .await
}

/// What the document with code `code` proves, for anyone holding the code; `None` when there
/// is no such document. Rate limited per address.
#[server(endpoint = "verify_record")]
pub async fn verify_record(code: String) -> Result<Option<RecordView>, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let ip = session::caller().ip;
        services::records::verify(&st.db, ip.as_deref(), &code).await
    })
    .await
}

fn facts(lang: Lang, r: &RecordView) -> impl IntoView + use<> {
    let rows = record::lines(lang, r)
        .into_iter()
        .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
        .collect::<Vec<_>>();
    view! { <dl class="record-facts" data-testid="record-facts">{rows}</dl> }
}

/// `/records/{code}`: the document to print (one A4 page).
#[component]
pub fn RecordPage() -> impl IntoView {
    let lang = use_lang();
    let code = use_params_map().with_untracked(|p| p.get("code").unwrap_or_default());
    let _ = require_sign_in(&format!("/records/{code}"));
    let content = Suspend::new(async move {
        match record_sheet(code).await {
            Ok(s) => {
                let r = &s.record;
                let pdf = format!("/records/{}/pdf", r.code.replace('-', ""));
                view! {
                    <article class="record-sheet" data-testid="record-sheet">
                        <p class="muted">"Auyl Business"</p>
                        <h1>{r.facts.kind.title(lang)}</h1>
                        <div class="record-qr" inner_html=s.qr_svg.clone()></div>
                        {facts(lang, r)}
                        <p class="record-code">{t(lang, Msg::DocCode)} ": " <strong data-testid="record-code">{r.code.clone()}</strong></p>
                        <p data-testid="record-standing" class:superseded=r.superseded_at.is_some()>{record::standing(lang, r)}</p>
                        <p>{tf(lang, Msg::DocCheckAt, &[("url", &s.verify_url)])}</p>
                        <p class="no-print"><a class="button" href=pdf download data-testid="record-pdf">{t(lang, Msg::DocPdf)}</a></p>
                    </article>
                }
                .into_any()
            }
            Err(e) => {
                set_status(e.status());
                view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::DocTitle) />
        <div class="page narrow">
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// `/verify` and `/verify/{code}`: anyone checks a document by its code.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let code = use_params_map()
        .with_untracked(|p| p.get("code"))
        .or_else(|| query_param("code"))
        .unwrap_or_default();
    let typed = code.clone();
    let content = Suspend::new(async move {
        if code.trim().is_empty() {
            return ().into_any();
        }
        match verify_record(code).await {
            Ok(Some(r)) => view! {
                <section class="record-verified" data-testid="verify-found">
                    <p>{t(lang, Msg::DocVerifyFound)}</p>
                    <h2>{r.facts.kind.title(lang)}</h2>
                    {facts(lang, &r)}
                    <p data-testid="verify-standing" data-current=r.superseded_at.is_none().to_string() class:superseded=r.superseded_at.is_some()>
                        <strong>{record::standing(lang, &r)}</strong>
                    </p>
                </section>
            }
            .into_any(),
            Ok(None) => {
                set_status(404);
                view! { <p class="notice notice-error" role="alert" data-testid="verify-none">{t(lang, Msg::DocVerifyNone)}</p> }.into_any()
            }
            Err(e) => {
                set_status(e.status());
                view! { <p class="notice notice-error" role="alert" data-testid="verify-error">{e.message(lang)}</p> }.into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::DocVerifyTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::DocVerifyTitle)}</h1>
            <p>{t(lang, Msg::DocVerifyLead)}</p>
            <form method="get" action="/verify" class="verify-form" data-testid="verify-form">
                <label for="code">{t(lang, Msg::DocVerifyField)}</label>
                <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text" maxlength="20" value=typed required />
                <button type="submit" class="button">{t(lang, Msg::DocVerifySend)}</button>
            </form>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}
