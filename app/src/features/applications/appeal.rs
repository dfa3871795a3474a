//! Appealing a refusal on the application's page: the applicant's form while the period is
//! open (or the day it ended), each appeal with its due date, the akimat's support and the
//! outcome, and the forms of those who support or decide it. Posted without JavaScript.

use leptos::prelude::*;

use crate::domain::appeal::{AppealView, AppealsView, MAX_TEXT, Outcome};
use crate::domain::application::form::DocumentView;
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};

fn field(
    lang: Lang,
    name: &'static str,
    label: Msg,
    error: Option<String>,
) -> impl IntoView + use<> {
    let id_error = format!("{name}-error");
    view! {
        <div class="field-stack" class:field-error=error.is_some()>
            <label for=name>{t(lang, label)}</label>
            {error.clone().map(|m| view! { <p class="error-message" id=id_error.clone()>{m}</p> })}
            <textarea id=name name=name rows="4" maxlength=MAX_TEXT required aria-invalid=error.is_some().then_some("true") aria-describedby=error.is_some().then_some(id_error)></textarea>
        </div>
    }
}

fn one(
    lang: Lang,
    a: &AppealView,
    documents: &[DocumentView],
    app: i32,
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    // Kazakhstan keeps UTC+5 all year.
    let filed = (a.filed_at + chrono::Duration::hours(5)).date_naive();
    let files = documents
        .iter()
        .filter(|d| a.files.contains(&d.id))
        .map(|d| view! { <li><a href=format!("/applications/{app}/documents/{}", d.id)>{d.file_name.clone()}</a></li> })
        .collect::<Vec<_>>();
    let status = match a.outcome {
        None => view! {
            <p data-testid="appeal-status" data-outcome="open">
                <span class="badge badge-info">{t(lang, Msg::ApOpen)}</span>
                {a.late.then(|| view! { " " <span class="badge badge-warn" data-testid="appeal-late">{t(lang, Msg::ApLate)}</span> })}
            </p>
        }
        .into_any(),
        Some(o) => view! {
            <div data-testid="appeal-status" data-outcome=o.as_str()>
                <p><strong class=if o == Outcome::Overturned { "badge badge-ok" } else { "badge badge-warn" }>{o.label(lang)}</strong></p>
                {a.answer.clone().map(|x| view! { <p class="thread-body">{x}</p> })}
            </div>
        }
        .into_any(),
    };
    let support = a.support.clone().map(|s| {
        view! {
            <div class="appeal-support" data-testid="appeal-support">
                <h4>{t(lang, Msg::ApSupportTitle)}</h4>
                <p class="thread-body">{s}</p>
            </div>
        }
    });
    let decide = a.can_decide.then(|| {
        let e_outcome = err("appeal_outcome");
        let outcome_wrong = e_outcome.is_some();
        view! {
            <form method="post" action=action.to_owned() data-testid="appeal-decide">
                <input type="hidden" name="version" value=version />
                <fieldset class:field-error=outcome_wrong>
                    <legend>{t(lang, Msg::ApDecideTitle)}</legend>
                    {e_outcome.map(|m| view! { <p class="error-message">{m}</p> })}
                    <label class="check"><input type="radio" name="appeal_outcome" value="overturned" required /> {t(lang, Msg::ApOverturned)}</label>
                    <label class="check"><input type="radio" name="appeal_outcome" value="upheld" /> {t(lang, Msg::ApUpheld)}</label>
                </fieldset>
                {field(lang, "appeal_answer", Msg::ApAnswer, err("appeal_answer"))}
                <div class="actions">
                    <button type="submit" name="action" value="decide_appeal" class="button">{t(lang, Msg::ApDecide)}</button>
                </div>
            </form>
        }
    });
    let refused_by_me = (a.outcome.is_none() && a.refused_by_me)
        .then(|| view! { <p class="muted" data-testid="appeal-not-yours">{t(lang, Msg::ApRefusedByMe)}</p> });
    let support_form = a.can_support.then(|| {
        view! {
            <form method="post" action=action.to_owned() data-testid="appeal-support-form">
                <input type="hidden" name="version" value=version />
                {field(lang, "appeal_support", Msg::ApSupportField, err("appeal_support"))}
                <div class="actions">
                    <button type="submit" name="action" value="support_appeal" class="button button-secondary">{t(lang, Msg::ApSupportSend)}</button>
                </div>
            </form>
        }
    });
    view! {
        <article class="appeal" class:late=a.late data-testid="appeal">
            <p class="muted">{tf(lang, Msg::ApFiled, &[("date", &format_date(lang, filed)), ("due", &format_date(lang, a.due_on))])}</p>
            <p class="thread-body">{a.reasons.clone()}</p>
            {(!files.is_empty()).then(|| view! { <ul class="files">{files}</ul> })}
            {support}
            {status}
            {refused_by_me}
            {support_form}
            {decide}
        </article>
    }
}

/// The section.
pub(super) fn section(
    lang: Lang,
    v: &AppealsView,
    documents: &[DocumentView],
    app: i32,
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let appeals = v
        .appeals
        .iter()
        .map(|a| one(lang, a, documents, app, action, version, err))
        .collect::<Vec<_>>();
    let form = v.open_until.map(|last| {
        let e_file = err("appeal_file");
        view! {
            <p data-testid="appeal-open-until">{tf(lang, Msg::ApLead, &[("date", &format_date(lang, last))])}</p>
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="appeal-form">
                <input type="hidden" name="version" value=version />
                {field(lang, "appeal_reasons", Msg::ApReasons, err("appeal_reasons"))}
                <div class="field-stack" class:field-error=e_file.is_some()>
                    <label for="appeal_file">{t(lang, Msg::ThrAttach)}</label>
                    {e_file.clone().map(|m| view! { <p class="error-message" id="appeal_file-error">{m}</p> })}
                    <input id="appeal_file" name="appeal_file" type="file" multiple accept="application/pdf,image/jpeg,image/png" />
                </div>
                <div class="actions">
                    <button type="submit" name="action" value="appeal" class="button" data-testid="appeal-send">{t(lang, Msg::ApSend)}</button>
                </div>
            </form>
        }
    });
    let closed = v.closed_on.map(|d| {
        view! { <p class="muted" data-testid="appeal-closed">{tf(lang, Msg::ApClosed, &[("date", &format_date(lang, d))])}</p> }
    });
    view! {
        <section aria-labelledby="appeals" class="appeals" data-testid="appeals">
            <h2 id="appeals">{t(lang, Msg::ApTitle)}</h2>
            {appeals}
            {form}
            {closed}
        </section>
    }
}
