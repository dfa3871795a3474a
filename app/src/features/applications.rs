//! `/applications` (one's applications) and `/applications/{id}` (one application: its state
//! in words, what is expected now, the expected time to a decision, the timeline, and the
//! form or the answer to an information request). Every action is a plain multipart form
//! posted to `POST /applications/{id}`, so all of it works without JavaScript; with it, the
//! `DraftFields` island saves the draft as the person types, and keeps it on the device
//! while the connection is down.

pub mod api;
mod appeal;
mod desk;
mod draft;
mod followup;
mod loan;
mod recommendation;
mod thread;
mod timeline;

use draft::DraftFields;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{
    FormId, alert, aria_describedby, aria_invalid, field_message, form_error, form_message,
    query_param,
};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::application::form::{ApplicationView, Draft, Limits, RequiredDocument, field};
use crate::domain::application::{Done, ESTIMATE_MIN, Estimate, State};
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::money::Tenge;
use crate::error::AppError;

/// The endpoint name the form post reports its errors under (`__path`).
/// The form this page's posts come back to.
const FORM: FormId = FormId::Application;

/// Every field of the form, for the error summary's links.
const FIELDS: &[&str] = &[
    field::AMOUNT,
    field::TERM,
    field::PURPOSE,
    field::PLAN_ACTIVITY,
    field::PLAN_COSTS,
    field::PLAN_REVENUE,
    field::PLAN_JOBS,
    field::COLLATERAL,
    "document",
    "answer",
    "items",
    "reason",
    "version",
    "settlement",
    "verdict",
    "reasons",
    "text",
    "relationship",
    "relationship_note",
    "repaid_reference",
    "repaid_on",
    "repaid_amount",
    "repaid_reverses",
    "report_kind",
    "report_id",
    "report_reason",
    "report_note",
    "receipt",
    "jobs_created",
    "jobs_young",
    "jobs_women",
    "revenue",
    "confirmation",
    "message",
    "attachment",
    "appeal_reasons",
    "appeal_outcome",
    "appeal_answer",
    "appeal_support",
    "appeal_file",
    "save_reply",
    "reply_id",
];

/// `/applications`.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/applications");
    let content = Suspend::new(async move {
        match api::my_applications().await {
            Ok(list) if list.is_empty() => view! { <p>{t(lang, Msg::AppsNone)}</p> }.into_any(),
            Ok(list) => {
                let rows = list
                    .into_iter()
                    .map(|a| {
                        let href = format!("/applications/{}", a.id);
                        let title = tf(lang, Msg::AppTitle, &[("id", &a.id.to_string())]);
                        view! {
                            <li data-testid="application">
                                <a href=href>{title}</a> " — "
                                {pick(lang, &a.program_title_ru, &a.program_title_kk).to_owned()}
                                " · " <strong class=format!("state state-{}", a.state.as_str())>{a.state.label(lang)}</strong>
                                " · " <small>{format_date(lang, a.updated_at.date_naive())}</small>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                view! { <ul class="applications">{rows}</ul> }.into_any()
            }
            Err(e) => {
                view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::AppsTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::AppsTitle)}</h1>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// `/applications/{id}`.
#[component]
pub fn ApplicationPage() -> impl IntoView {
    let lang = use_lang();
    let raw = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let _ = require_sign_in(&format!("/applications/{raw}"));
    let error = form_error(FORM);
    if error.is_some() {
        set_status(400);
    }
    let done = query_param("done");
    let content = Suspend::new(async move {
        let Ok(id) = raw.parse::<i32>() else {
            set_status(404);
            return view! { <p class="notice notice-error" role="alert">{AppError::NotFound.message(lang)}</p> }.into_any();
        };
        match api::application_page(id).await {
            Ok(v) => view! { <Application lang view=v error=error.clone() done=done.clone() /> }
                .into_any(),
            Err(e) => {
                view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::AppsTitle) />
        <div class="page narrow application">
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

fn duration(lang: Lang, secs: i64) -> String {
    const DAY: i64 = 86_400;
    if secs < DAY {
        tf(
            lang,
            Msg::AppHours,
            &[("n", &(secs.div_euclid(3600).max(1)).to_string())],
        )
    } else {
        tf(
            lang,
            Msg::AppDays,
            &[("n", &((secs + DAY - 1) / DAY).to_string())],
        )
    }
}

fn estimate_text(lang: Lang, e: Option<Estimate>) -> String {
    match e {
        Some(e) => tf(
            lang,
            Msg::AppEstimate,
            &[
                ("median", &duration(lang, e.median_secs)),
                ("p90", &duration(lang, e.p90_secs)),
                ("n", &e.decisions.to_string()),
            ],
        ),
        None => tf(
            lang,
            Msg::AppEstimateNone,
            &[("min", &ESTIMATE_MIN.to_string())],
        ),
    }
}

fn field_label(name: &str) -> Option<Msg> {
    Some(match name {
        field::AMOUNT => Msg::AppFieldAmount,
        field::TERM => Msg::AppFieldTerm,
        field::PURPOSE => Msg::AppFieldPurpose,
        field::PLAN_ACTIVITY => Msg::AppFieldPlanActivity,
        field::PLAN_COSTS => Msg::AppFieldPlanCosts,
        field::PLAN_REVENUE => Msg::AppFieldPlanRevenue,
        field::PLAN_JOBS => Msg::AppFieldPlanJobs,
        field::COLLATERAL => Msg::AppFieldCollateral,
        "document" => Msg::AppDocsTitle,
        "answer" => Msg::AppAnswerLabel,
        "repaid_reference" => Msg::LoanReference,
        "repaid_on" => Msg::LoanPaidOn,
        "repaid_amount" => Msg::LoanAmount,
        "repaid_reverses" => Msg::LoanReverses,
        "message" => Msg::ThrMessage,
        "attachment" => Msg::ThrAttach,
        "appeal_reasons" => Msg::ApReasons,
        "appeal_answer" => Msg::ApAnswer,
        "appeal_outcome" => Msg::ApDecideTitle,
        "appeal_support" => Msg::ApSupportField,
        "appeal_file" => Msg::ThrAttach,
        "save_reply" => Msg::ThrSaveReply,
        _ => return None,
    })
}

fn done_message(done: &str) -> Option<Msg> {
    Some(match Done::parse(done)? {
        Done::Save => Msg::AppDoneSaved,
        Done::Submit => Msg::AppDoneSubmitted,
        Done::Answer => Msg::AppDoneAnswered,
        Done::Withdraw => Msg::AppDoneWithdrawn,
        Done::Step => Msg::AppDoneStep,
        Done::Asked => Msg::AppDoneAsked,
        Done::Recommended => Msg::AppDoneRecommended,
        Done::Assisted => Msg::AppDoneAssisted,
        Done::Repaid => Msg::LoanDoneRepaid,
        Done::Reported => Msg::FupDoneReported,
        Done::ReportDecided => Msg::FupDoneDecided,
        Done::Confirmed => Msg::FupDoneConfirmed,
        Done::Written => Msg::ThrDoneSent,
        Done::Appealed => Msg::ApDoneFiled,
        Done::AppealDecided => Msg::ApDoneDecided,
        Done::AppealSupported => Msg::ApDoneSupported,
        Done::ReplyDeleted => Msg::ThrDoneReplyDeleted,
        // The desk shows its own result (the score, the note, the assignee).
        Done::Scored | Done::Noted | Done::Assigned => return None,
    })
}

#[component]
fn Application(
    lang: Lang,
    view: ApplicationView,
    error: Option<AppError>,
    done: Option<String>,
) -> impl IntoView {
    let v = view;
    let id = v.summary.id;
    let state = v.summary.state;
    let action = format!("/applications/{id}");
    let title = tf(lang, Msg::AppTitle, &[("id", &id.to_string())]);
    let program = pick(
        lang,
        &v.summary.program_title_ru,
        &v.summary.program_title_kk,
    )
    .to_owned();
    let program_href = format!("/programs/{}", v.summary.program_slug);
    let notice = done
        .as_deref()
        .and_then(done_message)
        .filter(|_| error.is_none())
        .map(|m| view! { <p class="notice notice-info" role="status">{t(lang, m)}</p> });
    // The summary names the field as its label says it, and links to it.
    let summary_alert =
        alert(
            form_message(&error, lang, FIELDS).map(|(m, f)| match f.and_then(field_label) {
                Some(label) => (format!("{}: {m}", t(lang, label)), f),
                None => (m, f),
            }),
        );
    let decided = matches!(
        state,
        State::Approved | State::Disbursed | State::Rejected | State::Withdrawn
    );
    let editable = v.mine && state == State::Draft;
    let can_withdraw = v.mine && !decided;
    let version = v.summary.version;
    let err_for = |name: &str| field_message(error.as_ref(), lang, name);
    let draft_form =
        editable.then(|| draft_form(lang, &v, &action, error.clone(), err_for("document")));
    let answer_form = (v.mine && state == State::InfoRequested)
        .then(|| answer_form(lang, &v, &action, err_for("answer"), err_for("document")));
    let withdraw_form = can_withdraw.then(|| withdraw_form(lang, &action, version));
    let operator = v.operator.then(|| {
        desk::actions(
            lang,
            &action,
            state,
            version,
            v.summary.amount_kzt,
            v.decision.approval.as_ref().map(|a| a.amount_kzt),
            v.desk.as_deref(),
            &err_for,
        )
    });
    let decision = desk::decision(lang, &v.decision);
    let desk = v
        .desk
        .as_deref()
        .map(|d| desk::desk(lang, &action, state, d, &err_for));
    let loan = v
        .loan
        .as_ref()
        .map(|l| loan::section(lang, l, v.operator, &action, version, &err_for));
    let followup = v
        .followup
        .as_ref()
        .map(|f| followup::section(lang, f, &v.documents, &action, version, &err_for));
    let thread = v
        .thread
        .as_ref()
        .map(|th| thread::section(lang, th, id, &action, version, &err_for));
    let appeals = v
        .appeals
        .as_ref()
        .map(|ap| appeal::section(lang, ap, &v.documents, id, &action, version, &err_for));
    let submitted_fields = (!editable).then(|| submitted(lang, &v.fields, &v.limits));
    let files = (!editable && !v.documents.is_empty()).then(|| files_section(lang, &v));
    let recommendation = recommendation::section(lang, &v, &action, &error);
    let assisted = v.assisted.as_ref().map(|a| assisted_notice(lang, a));
    let status = status_list(lang, &v, decided);
    // A resident may complain about how the application was handled (not the akimat staff
    // who filed it for them: the complaint is the resident's own).
    let resident = crate::components::session::current_principal()
        .is_some_and(|p| p.role == crate::domain::account::Role::Entrepreneur);
    let complain = (v.mine && resident && !editable).then(|| {
        let href = format!("/complaints?application={id}&complaint_about=operator#new");
        view! { <p><a href=href data-testid="complain">{t(lang, Msg::CmComplainLink)}</a></p> }
    });
    view! {
        <h1>{title}</h1>
        <p class="lead"><a href=program_href>{program}</a></p>
        {notice}
        {assisted}
        {summary_alert}
        {status}
        {answer_form}
        {recommendation}
        {draft_form}
        {submitted_fields}
        {files}
        {decision}
        {records_section(lang, &v.records)}
        {appeals}
        {loan}
        {followup}
        {thread}
        {operator}
        {desk}
        {timeline::timeline(lang, v.events, v.thread.as_ref().map_or(&[][..], |th| &th.messages[..]))}
        {withdraw_form}
        {complain}
    }
}

/// The documents of record: each printable, as a PDF, and checkable by its code.
fn records_section(
    lang: Lang,
    records: &[crate::domain::record::RecordView],
) -> Option<impl IntoView + use<>> {
    let items = records
        .iter()
        .map(|r| {
            let code = r.code.replace('-', "");
            let at = (r.issued_at + chrono::Duration::hours(5)).date_naive();
            view! {
                <li data-testid="record" data-kind=r.facts.kind.as_str() data-current=r.superseded_at.is_none().to_string()>
                    <strong>{r.facts.kind.title(lang)}</strong> " · " {r.facts.kind.decision(lang)} " · " {crate::domain::i18n::format_date(lang, at)}
                    <br /><span class="muted">{t(lang, Msg::DocCode)} ": " {r.code.clone()} " · " {crate::domain::record::standing(lang, r)}</span>
                    <br /><a href=format!("/records/{code}")>{t(lang, Msg::DocPrint)}</a> " · "
                    <a href=format!("/records/{code}/pdf") download data-testid="record-pdf-link">{t(lang, Msg::DocPdf)}</a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    (!records.is_empty()).then(|| {
        view! {
            <section aria-labelledby="records" class="records" data-testid="records">
                <h2 id="records">{t(lang, Msg::DocTitle)}</h2>
                <p class="muted">{t(lang, Msg::DocLead)}</p>
                <ul>{items}</ul>
            </section>
        }
    })
}

/// Where the application stands: its state, what the applicant is to do, and the expected
/// time to a decision.
fn status_list(lang: Lang, v: &ApplicationView, decided: bool) -> impl IntoView + use<> {
    let state = v.summary.state;
    let todo = if v.mine {
        state.applicant_todo(lang)
    } else {
        None
    };
    let estimate = v.estimate;
    view! {
        <dl class="application-status">
            <dt>{t(lang, Msg::AppStateNow)}</dt>
            <dd><strong class=format!("state state-{}", state.as_str()) data-testid="state">{state.label(lang)}</strong></dd>
            {v.mine.then(|| view! {
                <dt>{t(lang, Msg::AppTodoTitle)}</dt>
                <dd data-testid="todo">{todo.unwrap_or(t(lang, Msg::AppNothingToDo))}</dd>
            })}
            {(!decided).then(|| view! {
                <dt>{t(lang, Msg::AppEstimateTitle)}</dt>
                <dd data-testid="estimate">{estimate_text(lang, estimate)}</dd>
            })}
        </dl>
    }
}

/// Who at the akimat started the application for the resident, and how they consented.
fn assisted_notice(
    lang: Lang,
    a: &crate::domain::application::form::AssistedView,
) -> impl IntoView + use<> {
    let how = t(
        lang,
        if a.method == "paper" {
            Msg::AssistedPaper
        } else {
            Msg::AssistedCode
        },
    );
    let text = tf(
        lang,
        Msg::AssistedBy,
        &[
            ("name", &a.staff_name),
            ("how", how),
            ("date", &format_date(lang, a.at.date_naive())),
        ],
    );
    view! { <p class="notice" data-testid="assisted">{text}</p> }
}

/// The draft's form: its fields (the autosaving island) and documents.
fn draft_form(
    lang: Lang,
    v: &ApplicationView,
    action: &str,
    error: Option<AppError>,
    document_error: Option<String>,
) -> impl IntoView + use<> {
    let id = v.summary.id;
    let version = v.summary.version;
    let documents = documents_fieldset(lang, &v.required, document_error);
    view! {
        <form method="post" action=action.to_owned() enctype="multipart/form-data" id="application-form" data-testid="application-form">
            <DraftFields lang id version fields=v.fields.clone() limits=v.limits error />
            {documents}
            <div class="actions">
                <button type="submit" name="action" value="submit" class="button" data-testid="submit">{t(lang, Msg::AppSubmit)}</button>
                " "
                <button type="submit" name="action" value="save" class="button button-secondary" data-testid="save">{t(lang, Msg::AppSave)}</button>
            </div>
        </form>
    }
}

/// The answer to an information request: the text and more documents.
fn answer_form(
    lang: Lang,
    v: &ApplicationView,
    action: &str,
    answer_err: Option<String>,
    doc_err: Option<String>,
) -> impl IntoView + use<> {
    let version = v.summary.version;
    view! {
        <section aria-labelledby="request" class="info-request" data-testid="info-request">
            <h2 id="request">{t(lang, Msg::AppRequestTitle)}</h2>
            <ul>{v.open_request.iter().map(|i| view! { <li>{i.clone()}</li> }).collect::<Vec<_>>()}</ul>
            <form method="post" action=action.to_owned() enctype="multipart/form-data">
                <input type="hidden" name="version" value=version />
                <div class="field" class:field-error=answer_err.is_some()>
                    <label for="answer">{t(lang, Msg::AppAnswerLabel)}</label>
                    {answer_err.clone().map(|e| view! { <p class="error-message" id="answer-error">{e}</p> })}
                    <textarea id="answer" name="answer" rows="4" required aria-invalid=aria_invalid(answer_err.is_some()) aria-describedby=aria_describedby("answer", false, answer_err.is_some())></textarea>
                </div>
                <div class="field" class:field-error=doc_err.is_some()>
                    <label for="document">{t(lang, Msg::AppAnswerFiles)}</label>
                    {doc_err.clone().map(|e| view! { <p class="error-message" id="document-error">{e}</p> })}
                    <input type="file" id="document" name="document" multiple accept="application/pdf,image/jpeg,image/png" />
                </div>
                <button type="submit" name="action" value="answer" class="button" data-testid="answer">{t(lang, Msg::AppAnswerSend)}</button>
            </form>
        </section>
    }
}

fn withdraw_form(lang: Lang, action: &str, version: i32) -> impl IntoView + use<> {
    view! {
        <form method="post" action=action.to_owned() enctype="multipart/form-data" class="withdraw">
            <input type="hidden" name="version" value=version />
            <button type="submit" name="action" value="withdraw" class="button button-secondary" data-testid="withdraw">{t(lang, Msg::AppWithdraw)}</button>
        </form>
    }
}

/// The documents attached, each to download (and, for the operator, to preview in place).
fn files_section(lang: Lang, v: &ApplicationView) -> impl IntoView + use<> {
    let id = v.summary.id;
    let items = v
        .documents
        .iter()
        .map(|d| {
            let href = format!("/applications/{id}/documents/{}", d.id);
            let name = v
                .required
                .iter()
                .find(|r| Some(r.slot) == d.slot)
                .map(|r| pick(lang, &r.ru, &r.kk).to_owned());
            // The operator previews documents in place: images as pictures, a PDF in the
            // browser's own viewer.
            let preview = v.operator.then(|| {
                let inline = format!("{href}?inline=1");
                let image = d.content_type.starts_with("image/");
                view! {
                    " · " <a href=inline.clone() target="_blank" rel="noopener" data-testid="document-view">{t(lang, Msg::AppDocView)}</a>
                    {image.then(|| view! {
                        <a href=inline.clone() class="doc-thumb" target="_blank" rel="noopener">
                            <img src=inline.clone() alt=d.file_name.clone() loading="lazy" data-testid="document-thumb" />
                        </a>
                    })}
                }
            });
            view! {
                <li>
                    {name.map(|n| view! { {n} ": " })}
                    <a href=href download=d.file_name.clone()>{d.file_name.clone()}</a>
                    " " <small>{size(d.size)}</small>
                    {preview}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="files">
            <h2 id="files">{t(lang, Msg::AppDocsTitle)}</h2>
            <ul data-testid="documents">{items}</ul>
        </section>
    }
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn documents_fieldset(lang: Lang, required: &[RequiredDocument], error: Option<String>) -> AnyView {
    let invalid = error.is_some();
    let slots = required
        .iter()
        .map(|r| {
            let name = format!("document_{}", r.slot);
            let label_for = name.clone();
            let state = match &r.attached {
                Some(d) => view! {
                    <span class="attached">{t(lang, Msg::AppDocAttached)} " " {d.file_name.clone()} " (" {size(d.size)} ")"</span>
                }
                .into_any(),
                None => view! { <span class="missing">{t(lang, Msg::AppDocMissing)}</span> }.into_any(),
            };
            view! {
                <div class="field document" data-testid="document-slot">
                    <label for=label_for>{pick(lang, &r.ru, &r.kk).to_owned()}</label>
                    <p class="hint">{state}</p>
                    <input type="file" id=name.clone() name=name accept="application/pdf,image/jpeg,image/png" />
                </div>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <fieldset class="documents" id="document" class:field-error=invalid>
            <legend>{t(lang, Msg::AppDocsTitle)}</legend>
            <p class="hint">{t(lang, Msg::AppDocsHint)}</p>
            {error.map(|e| view! { <p class="error-message" role="alert">{e}</p> })}
            {slots}
        </fieldset>
    }
    .into_any()
}

fn submitted(lang: Lang, fields: &Draft, limits: &Limits) -> AnyView {
    let rows: Vec<(Msg, &str, String)> = [
        (Msg::AppFieldAmount, field::AMOUNT),
        (Msg::AppFieldTerm, field::TERM),
        (Msg::AppFieldPurpose, field::PURPOSE),
        (Msg::AppFieldPlanActivity, field::PLAN_ACTIVITY),
        (Msg::AppFieldPlanCosts, field::PLAN_COSTS),
        (Msg::AppFieldPlanRevenue, field::PLAN_REVENUE),
        (Msg::AppFieldPlanJobs, field::PLAN_JOBS),
        (Msg::AppFieldCollateral, field::COLLATERAL),
    ]
    .into_iter()
    .filter(|(_, name)| *name != field::TERM || limits.term_months_max.is_some())
    .filter_map(|(label, name)| Some((label, name, fields.get(name)?.clone())))
    .filter(|(_, _, v)| !v.trim().is_empty())
    .collect();
    let items = rows
        .into_iter()
        .map(|(label, name, value)| {
            // Money as the rest of the site writes it («1 000 000 ₸»), not as it was typed.
            let money = [field::AMOUNT, field::PLAN_COSTS, field::PLAN_REVENUE].contains(&name);
            let value = match crate::domain::params::parse_count(name, &value, 0, i64::MAX) {
                Ok(n) if money => Tenge(n).format(lang),
                _ => value,
            };
            view! { <dt>{t(lang, label)}</dt><dd>{value}</dd> }
        })
        .collect::<Vec<_>>();
    view! { <dl class="application-fields" data-testid="fields">{items}</dl> }.into_any()
}
