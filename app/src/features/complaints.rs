//! `/complaints`: a resident complains about an operator's handling of an application or
//! about their okrug's akimat, and follows each complaint to its answer; whoever answers for
//! them (an organisation's administrator, a district akimat's staff, the platform's staff
//! once late) sees their list, the first due first, and answers on `/complaints/{id}`. Plain
//! forms, no JavaScript needed.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{
    FormId, alert, field_message, form_error, form_message, query_param,
};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::complaint::{About, ComplaintView, ComplaintsPage, MAX_TEXT, Reason, Standing};
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::error::AppError;

/// What `/complaints` lists for the reader.
#[server(endpoint = "complaints_page")]
pub async fn list_complaints() -> Result<ComplaintsPage, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::complaints::page(&st.db, who.as_ref(), request_lang(), st.config.today()).await
    })
    .await
}

/// Complaint `id`, for those who may read it.
#[server(endpoint = "complaint_page")]
pub async fn read_complaint(id: i32) -> Result<ComplaintView, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        services::complaints::view(&st.db, who.as_ref(), id, request_lang(), st.config.today())
            .await
    })
    .await
}

/// The day in Kazakhstan (UTC+5 all year) of a moment.
fn day(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    (at + chrono::Duration::hours(5)).date_naive()
}

fn subject_line(lang: Lang, c: &ComplaintView) -> String {
    match c.about {
        About::Operator => tf(lang, Msg::CmOnOperator, &[("name", &c.subject)]),
        About::Akimat => tf(lang, Msg::CmOnAkimat, &[("name", &c.subject)]),
    }
}

fn late(s: Standing) -> bool {
    matches!(
        s,
        Standing::Late | Standing::Escalated | Standing::AnsweredLate
    )
}

/// One complaint in a list.
fn line(lang: Lang, c: &ComplaintView) -> impl IntoView + use<> {
    let href = format!("/complaints/{}", c.id);
    view! {
        <li class="complaint-line" class:late=late(c.standing) data-testid="complaint" data-standing=c.standing.as_str()>
            <a href=href><strong>{tf(lang, Msg::CmNumber, &[("id", &c.id.to_string())])}</strong></a>
            " · " {subject_line(lang, c)}
            <br />
            <span class="muted">
                {tf(lang, Msg::CmFiledOn, &[("date", &format_date(lang, day(c.filed_at)))])}
                " · " {tf(lang, Msg::CmDueOn, &[("date", &format_date(lang, c.due_on))])}
                " · "
            </span>
            <strong>{c.standing.label(lang)}</strong>
        </li>
    }
}

/// The resident's form.
fn new_form(lang: Lang, page: &ComplaintsPage, error: Option<&AppError>) -> impl IntoView + use<> {
    let err = |f: &str| field_message(error, lang, f);
    let chosen_about = query_param("complaint_about");
    let chosen_app = query_param("complaint_application").or_else(|| query_param("application"));
    let chosen_reason = query_param("complaint_reason");
    let typed = query_param("complaint_text").unwrap_or_default();
    let abouts = About::ALL
        .into_iter()
        .map(|a| {
            let id = format!("complaint_about_{}", a.as_str());
            let checked = chosen_about.as_deref() == Some(a.as_str())
                || (chosen_about.is_none() && a == About::Operator && chosen_app.is_some());
            view! {
                <div class="check">
                    <input type="radio" id=id.clone() name="complaint_about" value=a.as_str() checked=checked required />
                    <label for=id>{a.label(lang)}</label>
                </div>
            }
        })
        .collect::<Vec<_>>();
    let apps = page
        .subjects
        .iter()
        .map(|s| {
            let id = s.application_id.to_string();
            let selected = chosen_app.as_deref() == Some(id.as_str());
            let text = tf(
                lang,
                Msg::CmApplicationOption,
                &[
                    ("id", &id),
                    ("program", &s.program),
                    ("organisation", &s.organisation),
                ],
            );
            view! { <option value=id selected=selected>{text}</option> }
        })
        .collect::<Vec<_>>();
    let reasons = Reason::ALL
        .into_iter()
        .map(|r| {
            let selected = chosen_reason.as_deref() == Some(r.as_str());
            view! { <option value=r.as_str() selected=selected>{r.label(lang)}</option> }
        })
        .collect::<Vec<_>>();
    let about_err = err("complaint_about");
    let app_err = err("complaint_application");
    let reason_err = err("complaint_reason");
    let text_err = err("complaint_text");
    view! {
        <section aria-labelledby="new-complaint" id="new">
            <h2 id="new-complaint">{t(lang, Msg::CmNew)}</h2>
            <form method="post" action="/complaints" class="stack" data-testid="complaint-form">
                <fieldset id="complaint_about" class="field" class:field-error=about_err.is_some()>
                    <legend>{t(lang, Msg::CmAbout)}</legend>
                    {about_err.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                    {abouts}
                </fieldset>
                <div class="field" class:field-error=app_err.is_some()>
                    <label for="complaint_application">{t(lang, Msg::CmApplication)}</label>
                    <p class="hint" id="complaint_application-hint">
                        {t(lang, Msg::CmApplicationHint)}
                        {page.own_akimat.clone().map(|a| view! { " (" {a} ")" })}
                    </p>
                    {app_err.clone().map(|m| view! { <p class="error-message" id="complaint_application-error">{m}</p> })}
                    <select id="complaint_application" name="complaint_application" aria-describedby="complaint_application-hint" aria-invalid=app_err.is_some().then_some("true")>
                        <option value="">{t(lang, Msg::CmNoApplication)}</option>
                        {apps}
                    </select>
                </div>
                <div class="field" class:field-error=reason_err.is_some()>
                    <label for="complaint_reason">{t(lang, Msg::CmReason)}</label>
                    {reason_err.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                    <select id="complaint_reason" name="complaint_reason" required aria-invalid=reason_err.is_some().then_some("true")>
                        {reasons}
                    </select>
                </div>
                <div class="field-stack" class:field-error=text_err.is_some()>
                    <label for="complaint_text">{t(lang, Msg::CmText)}</label>
                    <p class="hint" id="complaint_text-hint">{t(lang, Msg::CmTextHint)}</p>
                    {text_err.clone().map(|m| view! { <p class="error-message" id="complaint_text-error">{m}</p> })}
                    <textarea id="complaint_text" name="complaint_text" rows="6" maxlength=MAX_TEXT required aria-describedby="complaint_text-hint" aria-invalid=text_err.is_some().then_some("true")>{typed}</textarea>
                </div>
                <div class="actions"><button type="submit" class="button" data-testid="complaint-send">{t(lang, Msg::CmSend)}</button></div>
            </form>
        </section>
    }
}

/// `/complaints`.
#[component]
pub fn ComplaintsListPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/complaints");
    let error = form_error(FormId::Complaint);
    if error.is_some() {
        set_status(400);
    }
    let content = Suspend::new(async move {
        let page = match list_complaints().await {
            Ok(p) => p,
            Err(e) => {
                // Signed out: `require_sign_in` has already sent them to sign in.
                if e != AppError::Unauthorized {
                    set_status(e.status());
                }
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let summary = alert(form_message(
            &error,
            lang,
            &[
                "complaint_about",
                "complaint_application",
                "complaint_reason",
                "complaint_text",
            ],
        ));
        let lead = if page.can_file {
            Msg::CmLead
        } else {
            Msg::CmStaffLead
        };
        let list = if page.complaints.is_empty() {
            view! { <p class="empty" data-testid="complaints-none">{t(lang, Msg::CmNone)}</p> }
                .into_any()
        } else {
            let items = page
                .complaints
                .iter()
                .map(|c| line(lang, c))
                .collect::<Vec<_>>();
            view! { <ul class="complaint-list" data-testid="complaints">{items}</ul> }.into_any()
        };
        let form = page.can_file.then(|| new_form(lang, &page, error.as_ref()));
        view! {
            <p class="lead">{t(lang, lead)}</p>
            {summary}
            {list}
            {form}
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::CmTitle) />
        <div class="page">
            <h1>{t(lang, Msg::CmTitle)}</h1>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// `/complaints/{id}`.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let raw = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let _ = require_sign_in(&format!("/complaints/{raw}"));
    let error = form_error(FormId::ComplaintAnswer);
    if error.is_some() {
        set_status(400);
    }
    let done = query_param("done");
    let typed = query_param("complaint_answer").unwrap_or_default();
    let content = Suspend::new(async move {
        let Ok(id) = raw.parse::<i32>() else {
            set_status(404);
            return view! { <p class="notice notice-error" role="alert">{t(lang, Msg::ErrorNotFoundTitle)}</p> }.into_any();
        };
        let c = match read_complaint(id).await {
            Ok(c) => c,
            Err(e) => {
                // Signed out: `require_sign_in` has already sent them to sign in.
                if e != AppError::Unauthorized {
                    set_status(e.status());
                }
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let notice = match done.as_deref() {
            Some("filed") => Some(tf(
                lang,
                Msg::CmFiled,
                &[("date", &format_date(lang, c.due_on))],
            )),
            Some("answered") => Some(t(lang, Msg::CmAnswerSent).to_owned()),
            _ => None,
        };
        let answer_err = field_message(error.as_ref(), lang, "complaint_answer");
        let answer = c.answer.clone().map(|a| {
            let on = c
                .answered_at
                .map(|at| format_date(lang, day(at)))
                .unwrap_or_default();
            view! {
                <section class="complaint-answer" data-testid="complaint-answer">
                    <h2>{tf(lang, Msg::CmAnsweredOn, &[("date", &on)])}</h2>
                    <p class="pre-wrap">{a}</p>
                </section>
            }
        });
        let form = c.can_answer.then(|| {
            let action = format!("/complaints/{}", c.id);
            view! {
                <form method="post" action=action class="stack" data-testid="complaint-answer-form">
                    <div class="field-stack" class:field-error=answer_err.is_some()>
                        <label for="complaint_answer">{t(lang, Msg::CmAnswerLabel)}</label>
                        <p class="hint" id="complaint_answer-hint">{t(lang, Msg::CmAnswerHint)}</p>
                        {answer_err.clone().map(|m| view! { <p class="error-message" id="complaint_answer-error">{m}</p> })}
                        <textarea id="complaint_answer" name="complaint_answer" rows="6" maxlength=MAX_TEXT required aria-describedby="complaint_answer-hint" aria-invalid=answer_err.is_some().then_some("true")>{typed.clone()}</textarea>
                    </div>
                    <div class="actions"><button type="submit" class="button" data-testid="complaint-answer-send">{t(lang, Msg::CmAnswerSend)}</button></div>
                </form>
            }
        });
        let summary = alert(form_message(&error, lang, &["complaint_answer"]));
        let owner = match &c.owner {
            Some(name) => tf(lang, Msg::CmOwner, &[("name", name)]),
            None => t(lang, Msg::CmNoOwner).to_owned(),
        };
        view! {
            {notice.map(|n| view! { <div class="notice notice-info" role="status" data-testid="complaint-done"><p>{n}</p></div> })}
            {summary}
            <article class="complaint" class:late=late(c.standing) data-testid="complaint-page" data-standing=c.standing.as_str()>
                <h1>{tf(lang, Msg::CmNumber, &[("id", &c.id.to_string())])}</h1>
                <p><strong>{subject_line(lang, &c)}</strong></p>
                {c.application_id.map(|a| view! {
                    <p><a href=format!("/applications/{a}")>{tf(lang, Msg::CmForApplication, &[("id", &a.to_string())])}</a></p>
                })}
                {c.author.clone().map(|a| view! { <p data-testid="complaint-author">{tf(lang, Msg::CmAuthor, &[("name", &a)])}</p> })}
                <p>{tf(lang, Msg::CmReasonLine, &[("reason", c.reason.label(lang))])}</p>
                <blockquote class="pre-wrap" data-testid="complaint-text">{c.text.clone()}</blockquote>
                <p class="muted">
                    {tf(lang, Msg::CmFiledOn, &[("date", &format_date(lang, day(c.filed_at)))])}
                    " · " {tf(lang, Msg::CmDueOn, &[("date", &format_date(lang, c.due_on))])}
                </p>
                <p data-testid="complaint-owner">{owner}</p>
                <p data-testid="complaint-standing"><strong>{c.standing.label(lang)}</strong></p>
            </article>
            {answer}
            {form}
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::CmTitle) />
        <div class="page narrow">
            <p><a href="/complaints">{t(lang, Msg::CmAllLink)}</a></p>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}
