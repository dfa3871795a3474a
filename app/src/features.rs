//! Pages and their server functions, one module per feature.

pub mod account;
pub mod admin_messages;
pub mod akimat;
pub mod alerts;
pub mod applications;
pub mod assisted;
pub mod catalog;
pub mod complaints;
pub mod editor;
pub mod home;
pub mod matches;
pub mod not_found;
pub mod operator;
pub mod portfolio;
pub mod profile;
pub mod program;
pub mod records;
pub mod reports;
pub mod webhooks;

// The helpers every page uses (the request's query, the response's status, the address bar,
// a load error's words) live in `components::page`, so that components use them too.
pub(crate) use crate::components::page::{load_error, replace_address, request_query, set_status};

#[cfg(test)]
mod tests {
    use leptos::server_fn::ServerFn;

    use super::{account, admin_messages, alerts, matches};
    use crate::components::form::FormId;

    #[test]
    fn every_form_answered_by_a_server_function_names_its_path() {
        // A page finds its refused form by the path the server function files it under: the
        // `endpoint` of `#[server]` and `FormId::path` must be the same string.
        let server_fns = [
            (FormId::SignUp, account::api::SignUp::PATH),
            (FormId::SignIn, account::api::SignIn::PATH),
            (FormId::ChangePassword, account::api::ChangePassword::PATH),
            (FormId::RequestReset, account::api::RequestReset::PATH),
            (FormId::ResetPassword, account::api::ResetPassword::PATH),
            (FormId::ResetByCode, account::api::ResetWithCode::PATH),
            (FormId::VerifyPhone, account::api::VerifyPhone::PATH),
            (FormId::ResendPhoneCode, account::api::ResendPhoneCode::PATH),
            (FormId::ChooseAlerts, account::api::ChooseAlerts::PATH),
            (
                FormId::CreateInvitation,
                account::api::CreateInvitation::PATH,
            ),
            (
                FormId::RevokeInvitation,
                account::api::RevokeInvitation::PATH,
            ),
            (FormId::RemoveStaff, account::api::RemoveStaff::PATH),
            (
                FormId::AcceptInvitation,
                account::api::AcceptInvitation::PATH,
            ),
            (FormId::KeepWhatIf, matches::api::KeepWhatIf::PATH),
            (FormId::SaveSearch, alerts::api::SaveSearch::PATH),
            (FormId::Unsubscribe, alerts::api::Unsubscribe::PATH),
            (FormId::UnsubscribeLink, alerts::api::UnsubscribeLink::PATH),
            (
                FormId::MarkNotificationsRead,
                alerts::api::MarkNotificationsRead::PATH,
            ),
            (FormId::RetryMessage, admin_messages::RetryMessage::PATH),
            (FormId::CancelMessage, admin_messages::CancelMessage::PATH),
        ];
        for (form, path) in server_fns {
            assert_eq!(form.path(), path, "{form:?}");
        }
        // The other forms post to handlers of their own; their names must differ from every
        // server function's, or a page would show another form's error.
        let mut paths: Vec<&str> = FormId::ALL.iter().map(|f| f.path()).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), FormId::ALL.len(), "every form its own path");
    }
}
