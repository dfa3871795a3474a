//! The pieces of every form: the error a no-JS post brought back in the address, a field with
//! its label, hint and error tied together for screen readers, and the error summary.

use leptos::prelude::*;

use super::page::request_query;
use crate::domain::i18n::Lang;
use crate::domain::params::{FieldError, decode_query};
use crate::error::AppError;

/// Every form whose refusal, without JavaScript, comes back to its page in the address: the
/// page and the handler (or server function) that answers it agree through this, not through
/// a string each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormId {
    SignUp,
    SignIn,
    ChangePassword,
    RequestReset,
    ResetPassword,
    /// A new password with the code sent by SMS (`POST /api/reset_with_code`).
    ResetByCode,
    /// The code that proves the account's phone.
    VerifyPhone,
    /// Another such code.
    ResendPhoneCode,
    /// Which alerts a person wants, per channel.
    ChooseAlerts,
    CreateInvitation,
    RevokeInvitation,
    RemoveStaff,
    AcceptInvitation,
    KeepWhatIf,
    SaveSearch,
    Unsubscribe,
    UnsubscribeLink,
    MarkNotificationsRead,
    /// The profile (`POST /profile`).
    Profile,
    /// Everything posted to an application's page (`POST /applications/{id}`).
    Application,
    /// Assisted filing at the akimat (`POST /akimat/assist`).
    Assist,
    /// The programme editor (`POST /operator/programs…`).
    Programme,
    /// Assigning reviewers in the queue (`POST /operator/assign`).
    Assign,
    /// The admin putting a failed message back in the queue (`POST /api/retry_message`).
    RetryMessage,
    /// The admin stopping a waiting message (`POST /api/cancel_message`).
    CancelMessage,
    /// A lender's file of repayments (`POST /operator/repayments`).
    ImportRepayments,
    /// The organisation's API keys (`POST /operator/api-keys`).
    ApiKeys,
    /// The organisation's webhook endpoints (`POST /operator/webhooks`).
    Webhooks,
    /// A resident's complaint (`POST /complaints`).
    Complaint,
    /// The answer to a complaint (`POST /complaints/{id}`).
    ComplaintAnswer,
}

impl FormId {
    /// Every form, for the test that ties the server functions' endpoints to these.
    pub const ALL: [FormId; 30] = [
        FormId::SignUp,
        FormId::SignIn,
        FormId::ChangePassword,
        FormId::RequestReset,
        FormId::ResetPassword,
        FormId::ResetByCode,
        FormId::VerifyPhone,
        FormId::ResendPhoneCode,
        FormId::ChooseAlerts,
        FormId::CreateInvitation,
        FormId::RevokeInvitation,
        FormId::RemoveStaff,
        FormId::AcceptInvitation,
        FormId::KeepWhatIf,
        FormId::SaveSearch,
        FormId::Unsubscribe,
        FormId::UnsubscribeLink,
        FormId::MarkNotificationsRead,
        FormId::Profile,
        FormId::Application,
        FormId::Assist,
        FormId::Programme,
        FormId::Assign,
        FormId::RetryMessage,
        FormId::CancelMessage,
        FormId::ImportRepayments,
        FormId::ApiKeys,
        FormId::Webhooks,
        FormId::Complaint,
        FormId::ComplaintAnswer,
    ];

    /// The path a refusal is filed under in the address (`__path`): the server function's
    /// own, or a name of the form's handler.
    pub const fn path(self) -> &'static str {
        match self {
            FormId::SignUp => "/api/sign_up",
            FormId::SignIn => "/api/sign_in",
            FormId::ChangePassword => "/api/change_password",
            FormId::RequestReset => "/api/request_reset",
            FormId::ResetPassword => "/api/reset_password",
            FormId::ResetByCode => "/api/reset_with_code",
            FormId::VerifyPhone => "/api/verify_phone",
            FormId::ResendPhoneCode => "/api/resend_phone_code",
            FormId::ChooseAlerts => "/api/choose_alerts",
            FormId::CreateInvitation => "/api/create_invitation",
            FormId::RevokeInvitation => "/api/revoke_invitation",
            FormId::RemoveStaff => "/api/remove_staff",
            FormId::AcceptInvitation => "/api/accept_invitation",
            FormId::KeepWhatIf => "/api/keep_what_if",
            FormId::SaveSearch => "/api/save_search",
            FormId::Unsubscribe => "/api/unsubscribe",
            FormId::UnsubscribeLink => "/api/unsubscribe_link",
            FormId::MarkNotificationsRead => "/api/mark_notifications_read",
            FormId::Profile => "/api/save_profile",
            FormId::Application => "/api/application_form",
            FormId::Assist => "/api/assist_form",
            FormId::Programme => "/api/programme_form",
            FormId::Assign => "/api/assign_form",
            FormId::RetryMessage => "/api/retry_message",
            FormId::CancelMessage => "/api/cancel_message",
            FormId::ImportRepayments => "/api/import_repayments_form",
            FormId::ApiKeys => "/api/api_keys_form",
            FormId::Webhooks => "/api/webhooks_form",
            FormId::Complaint => "/api/complaint_form",
            FormId::ComplaintAnswer => "/api/complaint_answer_form",
        }
    }
}

/// The error a form's post sent back in the address (no-JS posts), if it is for `form`.
pub(crate) fn form_error(form: FormId) -> Option<AppError> {
    let pairs = decode_query(&request_query()).ok()?;
    let path = pairs
        .iter()
        .find(|(k, _)| k == "__path")
        .map(|(_, v)| v.as_str())?;
    if path != form.path() {
        return None;
    }
    let err = pairs
        .iter()
        .find(|(k, _)| k == "__err")
        .map(|(_, v)| v.as_str())?;
    Some(leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(err))
}

/// A query parameter of the page's address.
pub(crate) fn query_param(name: &str) -> Option<String> {
    decode_query(&request_query())
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Every value of parameter `name` in the page's address (a group of boxes).
pub(crate) fn query_params(name: &str) -> Vec<String> {
    decode_query(&request_query())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v)
        .collect()
}

/// An error that may be about one field of a form (or one parameter of an address).
pub(crate) trait AboutField {
    /// The field it is about, if it is about one.
    fn field(&self) -> Option<&str>;
    /// What it says, in `lang`.
    fn say(&self, lang: Lang) -> String;
}

impl AboutField for AppError {
    fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    fn say(&self, lang: Lang) -> String {
        self.message(lang)
    }
}

impl AboutField for FieldError {
    fn field(&self) -> Option<&str> {
        Some(&self.field)
    }

    fn say(&self, lang: Lang) -> String {
        self.message(lang)
    }
}

/// The message for one field, if the error is about it.
pub(crate) fn field_message<E: AboutField>(
    error: Option<&E>,
    lang: Lang,
    field: &str,
) -> Option<String> {
    error
        .filter(|e| e.field() == Some(field))
        .map(|e| e.say(lang))
}

/// The id of the hint under the label of the control `id`.
pub(crate) fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

/// The id of the error message of the control `id`.
pub(crate) fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// `aria-invalid` of a control: `"true"` while it has an error, absent otherwise.
pub(crate) fn aria_invalid(has_error: bool) -> Option<&'static str> {
    has_error.then_some("true")
}

/// `aria-describedby` of the control `id`: its hint (if it has one), then its error (while
/// it has one); absent when there is neither.
pub(crate) fn aria_describedby(id: &str, has_hint: bool, has_error: bool) -> Option<String> {
    // A match rather than joining a list: this runs in islands, where every byte is shipped.
    match (has_hint, has_error) {
        (false, false) => None,
        (true, false) => Some(hint_id(id)),
        (false, true) => Some(error_id(id)),
        (true, true) => Some(format!("{id}-hint {id}-error")),
    }
}

/// What the error summary above a form says: the message, and the field it is about when
/// it is about one of the form's fields (then the summary links to it).
pub(crate) fn form_message<'a>(
    error: &Option<AppError>,
    lang: Lang,
    fields: &[&'a str],
) -> Option<(String, Option<&'a str>)> {
    let e = error.as_ref()?;
    let field = match e {
        AppError::Invalid { field, .. } => fields.iter().copied().find(|f| *f == field.as_str()),
        _ => None,
    };
    Some((e.message(lang), field))
}

/// A labelled input, with its hint and error tied to it for screen readers.
#[component]
pub(crate) fn Field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = None)] inputmode: Option<&'static str>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = None)] hint: Option<&'static str>,
    #[prop(default = None)] error: Option<String>,
    #[prop(default = None)] value: Option<String>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let invalid = aria_invalid(error.is_some());
    let described = aria_describedby(id, hint.is_some(), error.is_some());
    view! {
        <div class="field" class:field-error=error.is_some()>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id(id)>{h}</p> })}
            {error.clone().map(|e| view! { <p class="error-message" id=error_id(id)>{e}</p> })}
            <input
                id=id
                name=name
                type=kind
                inputmode=inputmode
                autocomplete=autocomplete
                required=required
                value=value
                aria-invalid=invalid
                aria-describedby=described
            />
        </div>
    }
}

/// The error summary: announced at once, and after a page load without JavaScript it is the
/// first thing under the heading; a field's error links to the field (GOV.UK pattern).
pub(crate) fn alert(message: Option<(String, Option<&str>)>) -> impl IntoView {
    message.map(|(m, field)| {
        let text = match field {
            Some(f) => view! { <a href=format!("#{f}")>{m}</a> }.into_any(),
            None => m.into_any(),
        };
        view! { <div class="notice notice-error" role="alert"><p>{text}</p></div> }
    })
}
