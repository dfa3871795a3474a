//! A paid application's reports after the payment, on its page: what the programme asks and by
//! when, each filing with what it says and where it stands, the entrepreneur's form (purchases
//! with receipts and photos, or jobs and revenue), the lender's accept / return, and the
//! akimat's on-site confirmations. No JavaScript needed.

use leptos::prelude::*;

use super::desk::field;
use crate::domain::application::form::DocumentView;
use crate::domain::followup::{Filing, FollowupView, ReportKind, ReportState, ReportView};
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::domain::money::Tenge;

/// The purchase rows the form offers (the domain accepts up to ten): their fields' names.
const ROWS: [(&str, &str); 5] = [
    ("item_what_1", "item_amount_1"),
    ("item_what_2", "item_amount_2"),
    ("item_what_3", "item_amount_3"),
    ("item_what_4", "item_amount_4"),
    ("item_what_5", "item_amount_5"),
];

fn kind_label(k: ReportKind) -> Msg {
    match k {
        ReportKind::UseOfFunds => Msg::FupUseOfFunds,
        ReportKind::Results => Msg::FupResults,
    }
}

fn state_label(s: ReportState) -> (Msg, &'static str) {
    match s {
        ReportState::Submitted => (Msg::FupSubmitted, "badge badge-info"),
        ReportState::Accepted => (Msg::FupAccepted, "badge badge-ok"),
        ReportState::Returned => (Msg::FupReturned, "badge badge-warn"),
    }
}

fn filing_view(
    lang: Lang,
    f: &Filing,
    documents: &[DocumentView],
    app: i32,
) -> impl IntoView + use<> {
    let (label, class) = state_label(f.state);
    let items = f
        .data
        .items
        .iter()
        .map(|i| view! { <li>{i.what.clone()} " — " {Tenge(i.amount_kzt).format(lang)}</li> })
        .collect::<Vec<_>>();
    let results = f.data.jobs_created.map(|j| {
        tf(
            lang,
            Msg::FupResultsLine,
            &[
                ("jobs", &j.to_string()),
                ("young", &f.data.jobs_young.unwrap_or(0).to_string()),
                ("women", &f.data.jobs_women.unwrap_or(0).to_string()),
                (
                    "revenue",
                    &Tenge(f.data.revenue_kzt.unwrap_or(0)).format(lang),
                ),
            ],
        )
    });
    let files = documents
        .iter()
        .filter(|d| f.data.documents.contains(&d.id))
        .map(|d| {
            view! { <li><a href=format!("/applications/{app}/documents/{}", d.id)>{d.file_name.clone()}</a></li> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="filing" data-testid="filing" data-state=f.state.as_str()>
            <p>
                <span class=class>{t(lang, label)}</span> " "
                {tf(lang, Msg::FupFiledOn, &[("n", &f.version.to_string()), ("date", &format_date(lang, f.submitted_at.date_naive()))])}
            </p>
            {(!items.is_empty()).then(|| view! { <ul>{items}</ul> })}
            {results.map(|r| view! { <p>{r}</p> })}
            {(!files.is_empty()).then(|| view! { <ul class="files">{files}</ul> })}
            {f.data.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
            {f.reason.clone().map(|r| view! { <p class="notice notice-warn">{t(lang, Msg::FupReason)} ": " {r}</p> })}
        </div>
    }
}

fn file_form(
    lang: Lang,
    kind: ReportKind,
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let fields = match kind {
        ReportKind::UseOfFunds => ROWS
            .iter()
            .map(|&(what, amount)| {
                view! {
                    <div class="purchase">
                        {field(lang, what, Msg::FupItemWhat, "text", None, err)}
                        {field(lang, amount, Msg::FupItemAmount, "text", None, err)}
                    </div>
                }
                .into_any()
            })
            .collect::<Vec<_>>(),
        ReportKind::Results => vec![
            view! {
                {field(lang, "jobs_created", Msg::FupJobsCreated, "number", None, err)}
                {field(lang, "jobs_young", Msg::FupJobsYoung, "number", None, err)}
                {field(lang, "jobs_women", Msg::FupJobsWomen, "number", None, err)}
                {field(lang, "revenue", Msg::FupRevenue, "text", None, err)}
            }
            .into_any(),
        ],
    };
    let open = err("report_kind").is_some()
        || [
            "item_what_1",
            "item_amount_1",
            "jobs_created",
            "jobs_young",
            "jobs_women",
            "revenue",
            "receipt",
        ]
        .iter()
        .any(|f| err(f).is_some());
    let receipt = err("receipt");
    view! {
        <details class="op-form" open=open>
            <summary>{tf(lang, Msg::FupFile, &[("report", t(lang, kind_label(kind)))])}</summary>
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid=format!("form-report-{}", kind.as_str())>
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="report_kind" value=kind.as_str() />
                {fields}
                {(kind == ReportKind::UseOfFunds).then(|| view! {
                    <div class="field-stack" class:field-error=receipt.is_some()>
                        <label for="receipt">{t(lang, Msg::FupReceipts)}</label>
                        {receipt.clone().map(|m| view! { <p class="error-message" id="receipt-error">{m}</p> })}
                        <input id="receipt" name="receipt" type="file" multiple accept="application/pdf,image/jpeg,image/png" />
                    </div>
                })}
                {field(lang, "report_note", Msg::FupNote, "text", None, err)}
                <div class="actions">
                    <button type="submit" name="action" value="file_report" class="button" data-testid=format!("file-{}", kind.as_str())>{t(lang, Msg::FupSend)}</button>
                </div>
            </form>
        </details>
    }
}

fn decide_form(lang: Lang, f: &Filing, action: &str, version: i32) -> impl IntoView + use<> {
    view! {
        <form method="post" action=action.to_owned() enctype="multipart/form-data" class="decide-report" data-testid="decide-report">
            <input type="hidden" name="version" value=version />
            <input type="hidden" name="report_id" value=f.id />
            <div class="field-stack">
                <label for=format!("report_reason-{}", f.id)>{t(lang, Msg::FupReason)}</label>
                <input id=format!("report_reason-{}", f.id) name="report_reason" />
            </div>
            <div class="actions">
                <button type="submit" name="action" value="accept_report" class="button" data-testid="accept-report">{t(lang, Msg::FupAccept)}</button>
                " "
                <button type="submit" name="action" value="return_report" class="button button-secondary" data-testid="return-report">{t(lang, Msg::FupReturn)}</button>
            </div>
        </form>
    }
}

fn report_view(
    lang: Lang,
    r: &ReportView,
    v: &FollowupView,
    documents: &[DocumentView],
    app: (i32, &str, i32),
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let (id, action, version) = app;
    let late = r.late(v.as_of);
    let filings = r
        .filings
        .iter()
        .map(|f| filing_view(lang, f, documents, id))
        .collect::<Vec<_>>();
    let decide = r
        .latest()
        .filter(|f| v.can_decide && f.state == ReportState::Submitted)
        .map(|f| decide_form(lang, f, action, version));
    let form = (v.can_file && r.open()).then(|| file_form(lang, r.kind, action, version, err));
    view! {
        <div class="report" data-testid=format!("report-{}", r.kind.as_str())>
            <h3>{t(lang, kind_label(r.kind))}</h3>
            <p class:overdue=late>
                {tf(lang, Msg::FupDue, &[("date", &format_date(lang, r.due_on))])}
                {late.then(|| view! { " · " <strong>{t(lang, Msg::FupLate)}</strong> })}
            </p>
            {filings}
            {decide}
            {form}
        </div>
    }
}

/// The section.
pub(super) fn section(
    lang: Lang,
    v: &FollowupView,
    documents: &[DocumentView],
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let id = action
        .rsplit('/')
        .next()
        .and_then(|s| s.parse::<i32>().ok())
        .unwrap_or(0);
    let reports = v
        .reports
        .iter()
        .map(|r| report_view(lang, r, v, documents, (id, action, version), err))
        .collect::<Vec<_>>();
    let confirmations = v
        .confirmations
        .iter()
        .map(|c| {
            let who = if c.akim {
                tf(lang, Msg::RepAkimNamed, &[("name", &c.author)])
            } else {
                t(lang, Msg::RepAkimatStaff).to_owned()
            };
            view! {
                <li data-testid="confirmation">
                    <strong>{who}</strong> ", " {format_date(lang, c.at.date_naive())} ": " {c.text.clone()}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let e = err("confirmation");
    let confirm = v.can_confirm.then(|| {
        view! {
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="form-confirm">
                <input type="hidden" name="version" value=version />
                <div class="field-stack" class:field-error=e.is_some()>
                    <label for="confirmation">{t(lang, Msg::FupConfirmLabel)}</label>
                    {e.clone().map(|m| view! { <p class="error-message" id="confirmation-error">{m}</p> })}
                    <textarea id="confirmation" name="confirmation" rows="2"></textarea>
                </div>
                <div class="actions"><button type="submit" name="action" value="confirm_on_site" class="button button-secondary" data-testid="confirm-on-site">{t(lang, Msg::FupConfirm)}</button></div>
            </form>
        }
    });
    view! {
        <section aria-labelledby="followup" class="followup" data-testid="followup">
            <h2 id="followup">{t(lang, Msg::FupTitle)}</h2>
            {reports}
            <h3>{t(lang, Msg::FupConfirmations)}</h3>
            {if confirmations.is_empty() {
                view! { <p class="muted">{t(lang, Msg::FupNoConfirmations)}</p> }.into_any()
            } else {
                view! { <ul data-testid="confirmations">{confirmations}</ul> }.into_any()
            }}
            {confirm}
        </section>
    }
}
