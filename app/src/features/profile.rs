//! `/profile`: the entrepreneur's profile. One plain form, posted to `POST /profile`; it works
//! without JavaScript and ships no wasm. The settlement picker is a search inside the same
//! form: its button sends everything typed so far back to this page as a GET, which shows the
//! matching settlements to choose from with nothing lost.

pub mod api;

use leptos::prelude::*;

use super::{request_query, set_status};
use crate::PageTitle;
use crate::components::form::{
    Field, FormId, alert, aria_invalid, error_id, field_message, form_error, form_message,
};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::catalog::{Certificate, LegalForm, Sector, Stage, TargetGroup};
use crate::domain::i18n::{Lang, Msg, t};
use crate::domain::params::decode_query;
use crate::domain::profile::{field, to_form};
use crate::error::AppError;

/// Every field of the form, for the error summary's links.
const FIELDS: &[&str] = &[
    field::NAME,
    field::IIN,
    field::BIRTH_DATE,
    field::PHONE,
    field::GROUPS,
    field::LEGAL_FORM,
    field::BIN,
    field::SECTOR,
    field::OKED,
    field::STAGE,
    field::STARTED,
    field::EMPLOYEES,
    field::REVENUE,
    field::LAND,
    field::LIVESTOCK,
    field::COLLATERAL,
    field::CERTIFICATES,
    field::AMOUNT,
    field::SETTLEMENT,
];

/// The values the form shows: what was typed (it came back in the address) or what is saved.
#[derive(Clone, Default)]
struct Values(Vec<(String, String)>);

impl Values {
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }
}

/// `/profile`.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/profile");
    let pairs = decode_query(&request_query()).unwrap_or_default();
    let error = form_error(FormId::Profile);
    if error.is_some() {
        set_status(400);
    }
    // Typed values come back in the address after a failed save or a settlement search.
    let typed = pairs.iter().any(|(k, _)| k == "form");
    let place_q = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "place_q")
        .map(|(_, v)| v.clone());
    let settlement = typed
        .then(|| Values(pairs.clone()).get(field::SETTLEMENT))
        .flatten();
    let content = Suspend::new(async move {
        match api::profile_page(place_q.clone(), settlement).await {
            Ok(page) => {
                let values = if typed {
                    Values(pairs)
                } else {
                    Values(page.saved.as_ref().map(to_form).unwrap_or_default())
                };
                view! { <ProfileForm lang values page place_q error /> }.into_any()
            }
            Err(e) => {
                let text = super::load_error(lang, &e);
                view! { <p class="notice notice-error" role="alert">{text}</p> }.into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::ProfileTitle) />
        <div class="page narrow profile">
            <h1>{t(lang, Msg::ProfileTitle)}</h1>
            <p class="lead">{t(lang, Msg::ProfileLead)}</p>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// The form's values and the refused post's error, for the fields to show.
#[derive(Clone, Copy)]
struct Form<'a> {
    lang: Lang,
    values: &'a Values,
    error: &'a Option<AppError>,
}

impl Form<'_> {
    fn message(self, name: &str) -> Option<String> {
        field_message(self.error.as_ref(), self.lang, name)
    }

    fn input(
        self,
        name: &'static str,
        label: Msg,
        hint: Option<Msg>,
        kind: &'static str,
        mode: Option<&'static str>,
    ) -> impl IntoView + use<> {
        let lang = self.lang;
        view! {
            <Field
                id=name
                name=name
                label=t(lang, label)
                kind=kind
                inputmode=mode
                hint=hint.map(|h| t(lang, h))
                error=self.message(name)
                value=self.values.get(name)
                required=false
            />
        }
    }

    fn select(
        self,
        name: &'static str,
        label: Msg,
        options: Vec<(&'static str, &'static str)>,
    ) -> impl IntoView + use<> {
        let lang = self.lang;
        let err = self.message(name);
        let current = self.values.get(name).unwrap_or_default();
        let options = options
            .into_iter()
            .map(|(code, text)| view! { <option value=code selected=current == code>{text}</option> })
            .collect_view();
        view! {
            <div class="field" class:field-error=err.is_some()>
                <label for=name>{t(lang, label)}</label>
                {err.clone().map(|e| view! { <p class="error-message" id=error_id(name)>{e}</p> })}
                <select id=name name=name aria-invalid=aria_invalid(err.is_some())>
                    <option value="">{t(lang, Msg::ChoiceNotSaid)}</option>
                    {options}
                </select>
            </div>
        }
    }

    fn checks(
        self,
        name: &'static str,
        answered: &'static str,
        label: Msg,
        hint: Option<Msg>,
        options: Vec<(&'static str, &'static str)>,
    ) -> impl IntoView + use<> {
        let lang = self.lang;
        let err = self.message(name);
        let boxes = options
            .into_iter()
            .map(|(code, text)| {
                let id = format!("{name}-{code}");
                let label_for = id.clone();
                view! {
                    <label class="check" for=label_for>
                        <input type="checkbox" id=id name=name value=code checked=self.values.has(name, code) />
                        " " {text}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="field" class:field-error=err.is_some() id=name>
                <legend>{t(lang, label)}</legend>
                {hint.map(|h| view! { <p class="hint">{t(lang, h)}</p> })}
                {err.clone().map(|e| view! { <p class="error-message">{e}</p> })}
                // Sent with every save: no box ticked then means "none of these", not "not said".
                <input type="hidden" name=answered value="1" />
                {boxes}
            </fieldset>
        }
    }
}

/// The codes and labels of a list of choices.
fn choices<T>(
    all: &[T],
    code: impl Fn(&T) -> &'static str,
    label: impl Fn(&T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| (code(x), label(x))).collect()
}

#[component]
fn ProfileForm(
    lang: Lang,
    values: Values,
    page: api::ProfileData,
    place_q: Option<String>,
    error: Option<AppError>,
) -> impl IntoView {
    let form = Form {
        lang,
        values: &values,
        error: &error,
    };
    let person = person_fields(form);
    let business = business_fields(form);
    let settlement = settlement_fieldset(lang, &page, place_q, form.message(field::SETTLEMENT));
    view! {
        {alert(form_message(&error, lang, FIELDS))}
        <form method="post" action="/profile" class="stack profile-form">
            <input type="hidden" name="form" value="1" />
            {person}
            {business}
            {settlement}
            <button type="submit" class="button">{t(lang, Msg::ButtonSaveProfile)}</button>
        </form>
    }
}

/// The person: name, IIN, birth date, phone, groups.
fn person_fields(form: Form<'_>) -> impl IntoView + use<> {
    let lang = form.lang;
    let groups: Vec<(&str, &str)> = TargetGroup::ALL
        .iter()
        .filter(|g| !matches!(g, TargetGroup::Youth | TargetGroup::Women))
        .map(|g| (g.as_str(), g.label(lang)))
        .collect();
    view! {
        <fieldset>
            <legend><h2>{t(lang, Msg::ProfilePerson)}</h2></legend>
            {form.input(field::NAME, Msg::FieldFullName, None, "text", None)}
            {form.input(field::IIN, Msg::FieldIin, Some(Msg::HintIin), "text", Some("numeric"))}
            {form.input(field::BIRTH_DATE, Msg::FieldBirthDate, None, "date", None)}
            {form.input(field::PHONE, Msg::FieldPhone, None, "tel", Some("tel"))}
            {form.checks(field::GROUPS, field::GROUPS_ANSWERED, Msg::FieldGroups, Some(Msg::HintGroups), groups)}
        </fieldset>
    }
}

/// The business: its form, sector, stage, size, collateral, certificates and the amount.
fn business_fields(form: Form<'_>) -> impl IntoView + use<> {
    let lang = form.lang;
    let forms = choices(LegalForm::ALL, |f| f.as_str(), |f| f.label(lang));
    let sectors = choices(Sector::ALL, |s| s.as_str(), |s| s.label(lang));
    let stages = choices(Stage::ALL, |s| s.as_str(), |s| s.label(lang));
    let certificates = choices(Certificate::ALL, |c| c.as_str(), |c| c.label(lang));
    let collateral = vec![
        ("yes", t(lang, Msg::ChoiceYes)),
        ("no", t(lang, Msg::ChoiceNo)),
    ];
    view! {
        <fieldset>
            <legend><h2>{t(lang, Msg::ProfileBusiness)}</h2></legend>
            {form.select(field::LEGAL_FORM, Msg::FieldLegalForm, forms)}
            {form.input(field::BIN, Msg::FieldBin, None, "text", Some("numeric"))}
            {form.select(field::SECTOR, Msg::FieldSector, sectors)}
            {form.input(field::OKED, Msg::FieldOked, None, "text", Some("numeric"))}
            {form.select(field::STAGE, Msg::FieldStage, stages)}
            {form.input(field::STARTED, Msg::FieldStarted, None, "month", None)}
            {form.input(field::EMPLOYEES, Msg::FieldEmployees, None, "text", Some("numeric"))}
            {form.input(field::REVENUE, Msg::FieldRevenue, None, "text", Some("numeric"))}
            {form.input(field::LAND, Msg::FieldLand, None, "text", Some("numeric"))}
            {form.input(field::LIVESTOCK, Msg::FieldLivestock, None, "text", Some("numeric"))}
            {form.select(field::COLLATERAL, Msg::FieldCollateral, collateral)}
            {form.checks(field::CERTIFICATES, field::CERTIFICATES_ANSWERED, Msg::FieldCertificates, None, certificates)}
            {form.input(field::AMOUNT, Msg::FieldAmount, None, "text", Some("numeric"))}
        </fieldset>
    }
}

/// The settlement: the chosen one, then what the search found, and the search itself.
fn settlement_fieldset(
    lang: Lang,
    page: &api::ProfileData,
    place_q: Option<String>,
    settlement_err: Option<String>,
) -> impl IntoView + use<> {
    let chosen_code = page.chosen.as_ref().map(|c| c.code.to_string());
    let mut options = Vec::new();
    if let Some(c) = &page.chosen {
        options.push(c.clone());
    }
    options.extend(
        page.hits
            .iter()
            .filter(|h| Some(h.code.to_string()) != chosen_code)
            .cloned(),
    );
    let searched = place_q.as_ref().is_some_and(|q| !q.trim().is_empty());
    let no_hits = searched && page.hits.is_empty();
    let settlement_invalid = settlement_err.is_some();
    let radios = options
        .into_iter()
        .map(|h| {
            let code = h.code.to_string();
            let id = format!("settlement-{code}");
            let checked = Some(code.clone()) == chosen_code;
            let label_for = id.clone();
            view! {
                <label class="check" for=label_for>
                    <input type="radio" id=id name=field::SETTLEMENT value=code checked=checked />
                    " " <strong>{h.name}</strong> " " <small>{h.within}</small>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset id=field::SETTLEMENT class="field" class:field-error=settlement_invalid>
            <legend><h2>{t(lang, Msg::ProfilePlace)}</h2></legend>
            {settlement_err.map(|e| view! { <p class="error-message">{e}</p> })}
            <div class="picker">
                <label for="place_q">{t(lang, Msg::FieldPlaceSearch)}</label>
                <p class="hint" id="place_q-hint">{t(lang, Msg::HintPlaceSearch)}</p>
                <div class="search-row">
                    <input id="place_q" name="place_q" type="search" autocomplete="off" value=place_q.clone() aria-describedby="place_q-hint" />
                    <button type="submit" class="button button-secondary" formaction="/profile" formmethod="get" name="find" value="1">{t(lang, Msg::ButtonFind)}</button>
                </div>
            </div>
            {no_hits.then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::PlaceNoHits)}</p> })}
            {chosen_code.is_none().then(|| view! { <p class="hint">{t(lang, Msg::PlaceNotChosen)}</p> })}
            <div class="settlements" data-testid="settlements">{radios}</div>
        </fieldset>
    }
}
