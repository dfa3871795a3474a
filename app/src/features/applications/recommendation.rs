//! The akimat's recommendation on the application's page: every version, the applicant's
//! request for one, and the akimat's form.

use leptos::prelude::*;

use crate::components::form::field_message;
use crate::domain::application::State;
use crate::domain::application::form::ApplicationView;
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::error::AppError;

/// The akimat's recommendation: every version (a declared relationship shown first and
/// plainly), the applicant's request, and the akimat's form.
pub(super) fn section(
    lang: Lang,
    v: &ApplicationView,
    action: &str,
    error: &Option<AppError>,
) -> Option<AnyView> {
    let state = v.summary.state;
    let open = matches!(
        state,
        State::Submitted | State::InReview | State::InfoRequested
    );
    let may_ask = v.mine && open && !v.recommendation_asked;
    if v.recommendations.is_empty() && !may_ask && !v.can_recommend && !v.recommendation_asked {
        return None;
    }
    let err_for = |name: &str| field_message(error.as_ref(), lang, name);
    let versions = recommendation_versions(lang, v);
    let asked = (v.recommendation_asked && v.recommendations.is_empty() && v.mine)
        .then(|| view! { <p data-testid="recommendation-asked">{t(lang, Msg::RecAsked)}</p> });
    let ask = may_ask.then(|| {
        let err = err_for("settlement");
        view! {
            <form method="post" action=action.to_owned() enctype="multipart/form-data">
                <input type="hidden" name="version" value=v.summary.version />
                <p class="hint">{t(lang, Msg::RecAskHint)}</p>
                {err.map(|e| view! { <p class="error-message">{e} " " <a href="/profile">{t(lang, Msg::MatchesEditProfile)}</a></p> })}
                <button type="submit" name="action" value="ask_recommendation" class="button button-secondary" data-testid="ask-recommendation">{t(lang, Msg::RecAskButton)}</button>
            </form>
        }
    });
    let form = v
        .can_recommend
        .then(|| recommend_form(lang, v, action, &err_for));
    Some(
        view! {
            <section aria-labelledby="recommendation" class="recommendation" data-testid="recommendation-section">
                <h2 id="recommendation">{t(lang, Msg::RecTitle)}</h2>
                {(!versions.is_empty()).then(|| view! { <ol class="recommendations">{versions}</ol> })}
                {asked}
                {ask}
                {form}
            </section>
        }
        .into_any(),
    )
}

/// Every version of the recommendation, newest first.
fn recommendation_versions(lang: Lang, v: &ApplicationView) -> Vec<impl IntoView + use<>> {
    use crate::domain::recommendation::Relationship;
    v.recommendations
        .iter()
        .rev()
        .map(|r| {
            let declared = (r.input.relationship != Relationship::None).then(|| {
                view! {
                    <p class="notice notice-warning relationship" data-testid="relationship">
                        {tf(lang, Msg::RecRelationshipDeclared, &[
                            ("kind", r.input.relationship.label(lang)),
                            ("note", r.input.relationship_note.as_deref().unwrap_or("")),
                        ])}
                    </p>
                }
            });
            let reasons = r
                .input
                .reasons
                .iter()
                .map(|x| view! { <li>{x.label(lang)}</li> })
                .collect::<Vec<_>>();
            let at = r.at + chrono::Duration::hours(5);
            view! {
                <li data-testid="recommendation">
                    {declared}
                    <strong class=format!("verdict verdict-{}", r.input.verdict.as_str())>{r.input.verdict.label(lang)}</strong>
                    " · " {r.author.clone()}
                    " · " {format_date(lang, at.date_naive())}
                    " · " {tf(lang, Msg::RecVersion, &[("n", &r.version.to_string())])}
                    {(!reasons.is_empty()).then(|| view! { <ul>{reasons}</ul> })}
                    {r.input.text.clone().map(|x| view! { <p class="reason">{x}</p> })}
                </li>
            }
        })
        .collect()
}

/// The akimat's form: the verdict, the reasons, a text, and a declared relationship.
fn recommend_form(
    lang: Lang,
    v: &ApplicationView,
    action: &str,
    err_for: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    use crate::domain::recommendation::{Reason, Relationship, Verdict};
    let latest = v.recommendations.last().map(|r| r.input.clone());
    let radio = |name: &'static str, code: &'static str, label: &'static str, checked: bool| {
        let id = format!("{name}-{code}");
        let label_for = id.clone();
        view! {
            <label class="check" for=label_for>
                <input type="radio" id=id name=name value=code checked=checked /> " " {label}
            </label>
        }
    };
    let verdicts = [Verdict::Recommend, Verdict::DoNotRecommend]
        .into_iter()
        .map(|x| {
            radio(
                "verdict",
                x.as_str(),
                x.label(lang),
                latest.as_ref().is_some_and(|l| l.verdict == x),
            )
        })
        .collect::<Vec<_>>();
    let reasons = Reason::ALL
        .into_iter()
        .map(|x| {
            let id = format!("reasons-{}", x.as_str());
            let label_for = id.clone();
            let checked = latest.as_ref().is_some_and(|l| l.reasons.contains(&x));
            view! {
                <label class="check" for=label_for>
                    <input type="checkbox" id=id name="reasons" value=x.as_str() checked=checked /> " " {x.label(lang)}
                </label>
            }
        })
        .collect::<Vec<_>>();
    let relationships = [
        Relationship::None,
        Relationship::Family,
        Relationship::Business,
    ]
    .into_iter()
    .map(|x| {
        radio(
            "relationship",
            x.as_str(),
            x.label(lang),
            latest.as_ref().is_some_and(|l| l.relationship == x),
        )
    })
    .collect::<Vec<_>>();
    let group = |name: &'static str, legend: Msg, items: Vec<AnyView>| {
        let err = err_for(name);
        let invalid = err.is_some();
        view! {
            <fieldset class="field" class:field-error=invalid id=name>
                <legend>{t(lang, legend)}</legend>
                {err.map(|e| view! { <p class="error-message">{e}</p> })}
                {items}
            </fieldset>
        }
    };
    let note_err = err_for("relationship_note");
    let label = if latest.is_some() {
        Msg::RecCorrect
    } else {
        Msg::RecSave
    };
    view! {
        <form method="post" action=action.to_owned() enctype="multipart/form-data" class="recommend-form" data-testid="recommend-form">
            <h3>{t(lang, Msg::RecFormTitle)}</h3>
            <input type="hidden" name="version" value=v.summary.version />
            {group("verdict", Msg::RecVerdictLabel, verdicts.into_iter().map(IntoAny::into_any).collect())}
            {group("reasons", Msg::RecReasonsLabel, reasons.into_iter().map(IntoAny::into_any).collect())}
            <div class="field">
                <label for="text">{t(lang, Msg::RecTextLabel)}</label>
                <textarea id="text" name="text" rows="3">{latest.as_ref().and_then(|l| l.text.clone()).unwrap_or_default()}</textarea>
            </div>
            {group("relationship", Msg::RecRelationshipLabel, relationships.into_iter().map(IntoAny::into_any).collect())}
            <div class="field" class:field-error=note_err.is_some()>
                <label for="relationship_note">{t(lang, Msg::RecRelNoteLabel)}</label>
                {note_err.clone().map(|e| view! { <p class="error-message">{e}</p> })}
                <input type="text" id="relationship_note" name="relationship_note" value=latest.as_ref().and_then(|l| l.relationship_note.clone()).unwrap_or_default() />
            </div>
            <button type="submit" name="action" value="recommend" class="button" data-testid="recommend">{t(lang, label)}</button>
        </form>
    }
}
