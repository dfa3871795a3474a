//! Account pages: sign in, sign up, the account itself, password reset, invitations and
//! accepting one. Plain forms posting to server functions: they work without JavaScript, and
//! no wasm is shipped for them.

pub mod api;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::set_status;
use crate::PageTitle;
use crate::components::form::{
    Field, FormId, alert, field_message, form_error, form_message, query_param,
};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::account::{InvitationView, Role, Scope, StaffView};
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::error::AppError;

/// `/sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let error = form_error(FormId::SignIn);
    let next = query_param("next");
    let reset = query_param("reset").is_some();
    if error.is_some() {
        set_status(400);
    }
    view! {
        <PageTitle text=t(lang, Msg::SignInTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::SignInTitle)}</h1>
            {reset.then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::PasswordChanged)}</p> })}
            {alert(form_message(&error, lang, &["login"]))}
            <form method="post" action="/api/sign_in" class="stack">
                <Field id="login" name="login" label=t(lang, Msg::LoginLabel) autocomplete="username" hint=Some(t(lang, Msg::LoginHint)) error=field_message(error.as_ref(), lang, "login") value=query_param("login") />
                <Field id="password" name="password" label=t(lang, Msg::PasswordLabel) kind="password" autocomplete="current-password" />
                {next.map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <button type="submit" class="button">{t(lang, Msg::SignInButton)}</button>
            </form>
            <p><a href="/reset">{t(lang, Msg::ForgotPassword)}</a></p>
            <p><a href="/sign-up">{t(lang, Msg::NoAccountYet)}</a></p>
        </div>
    }
}

/// `/sign-up`.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let lang = use_lang();
    let error = form_error(FormId::SignUp);
    if error.is_some() {
        set_status(400);
    }
    view! {
        <PageTitle text=t(lang, Msg::SignUpTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::SignUpTitle)}</h1>
            <p class="lead">{t(lang, Msg::SignUpLead)}</p>
            {alert(form_message(&error, lang, &["name", "login", "password"]))}
            <SignUpFields action="/api/sign_up" error token=None />
            <p><a href="/sign-in">{t(lang, Msg::HaveAccount)}</a></p>
        </div>
    }
}

/// The fields of a new account, for sign-up and for accepting an invitation.
#[component]
fn SignUpFields(
    action: &'static str,
    error: Option<AppError>,
    token: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let button = if token.is_some() {
        Msg::InviteAcceptButton
    } else {
        Msg::SignUpButton
    };
    view! {
        <form method="post" action=action class="stack">
            {token.map(|t| view! { <input type="hidden" name="token" value=t /> })}
            <Field id="name" name="name" label=t(lang, Msg::NameLabel) autocomplete="name" error=field_message(error.as_ref(), lang, "name") value=query_param("name") />
            <Field id="login" name="login" label=t(lang, Msg::LoginLabel) autocomplete="username" hint=Some(t(lang, Msg::LoginHint)) error=field_message(error.as_ref(), lang, "login") value=query_param("login") />
            <Field id="password" name="password" label=t(lang, Msg::PasswordLabel) kind="password" autocomplete="new-password" hint=Some(t(lang, Msg::PasswordHint)) error=field_message(error.as_ref(), lang, "password") />
            <button type="submit" class="button">{t(lang, button)}</button>
        </form>
    }
}

/// `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let principal = require_sign_in("/account");
    let error = form_error(FormId::ChangePassword);
    let verify_error =
        form_error(FormId::VerifyPhone).or_else(|| form_error(FormId::ResendPhoneCode));
    let changed = query_param("changed").is_some();
    let verified = query_param("verified").is_some();
    let resent = query_param("resent").is_some();
    let content = Suspend::new(async move {
        match api::current_account().await {
            Ok(account) => {
                let invite = principal
                    .as_ref()
                    .is_some_and(|p| matches!(p.role, Role::Admin | Role::OrgAdmin | Role::Akim));
                let verify = account.phone_unverified.then(|| {
                    let lead = tf(lang, Msg::VerifyLead, &[("phone", &account.login)]);
                    view! {
                        <section class="stack notice notice-info" aria-labelledby="verify-title" data-testid="verify-phone">
                            <h2 id="verify-title">{t(lang, Msg::VerifyTitle)}</h2>
                            <p>{lead}</p>
                            {resent.then(|| view! { <p role="status">{t(lang, Msg::VerifyResent)}</p> })}
                            {alert(form_message(&verify_error, lang, &["code"]))}
                            <form method="post" action="/api/verify_phone" class="stack">
                                <Field id="code" name="code" label=t(lang, Msg::ResetCodeLabel) autocomplete="one-time-code" inputmode=Some("numeric") error=field_message(verify_error.as_ref(), lang, "code") />
                                <button type="submit" class="button">{t(lang, Msg::VerifyButton)}</button>
                            </form>
                            <form method="post" action="/api/resend_phone_code">
                                <button type="submit" class="button button-secondary">{t(lang, Msg::VerifyResend)}</button>
                            </form>
                        </section>
                    }
                });
                let by_message = t(
                    lang,
                    if account.login.contains('@') {
                        Msg::AlertsByEmail
                    } else {
                        Msg::AlertsBySms
                    },
                );
                let choices = (account.role == Role::Entrepreneur).then(|| view! {
                    <section class="stack" aria-labelledby="alerts-title">
                        <h2 id="alerts-title">{t(lang, Msg::AlertsChoiceTitle)}</h2>
                        <p class="hint">{t(lang, Msg::AlertsChoiceLead)}</p>
                        <form method="post" action="/api/choose_alerts" class="stack">
                            <label class="checkbox"><input type="checkbox" name="in_app" value="on" checked=account.alerts_in_app />" "{t(lang, Msg::AlertsInApp)}</label>
                            <label class="checkbox"><input type="checkbox" name="by_message" value="on" checked=account.alerts_by_message />" "{by_message}</label>
                            <button type="submit" class="button button-secondary">{t(lang, Msg::AlertsChoiceSave)}</button>
                        </form>
                    </section>
                });
                view! {
                    {verify}
                    <dl class="facts">
                        <div class="fact"><dt>{t(lang, Msg::ColumnName)}</dt><dd>{account.display_name}</dd></div>
                        <div class="fact"><dt>{t(lang, Msg::LoginLabel)}</dt><dd>{account.login}</dd></div>
                        <div class="fact"><dt>{t(lang, Msg::RoleLabel)}</dt><dd data-testid="role">{account.role.label(lang)}</dd></div>
                        {account.scope.map(|s| view! { <div class="fact"><dt>{t(lang, if account.role.needs_district() { Msg::ScopeDistrict } else if account.role.needs_okrug() { Msg::ScopeOkrug } else { Msg::ScopeOrganisation })}</dt><dd>{s}</dd></div> })}
                    </dl>
                    {invite.then(|| view! { <p><a href="/invitations">{t(lang, Msg::InvitationsTitle)}</a></p> })}
                    {(account.role == Role::Admin).then(|| view! { <p><a href="/admin/messages">{t(lang, Msg::OutboxTitle)}</a></p> })}
                    {choices}
                }
                .into_any()
            }
            Err(e) => {
                // Signed out: `require_sign_in` has already redirected to the sign-in page.
                if e != AppError::Unauthorized {
                    set_status(e.status());
                }
                view! { <p class="notice notice-error" role="alert">{e.message(lang)}</p> }
                    .into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::AccountTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::AccountTitle)}</h1>
            {changed.then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::PasswordChanged)}</p> })}
            {verified.then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::VerifyDone)}</p> })}
            {query_param("saved").is_some().then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::AlertsChoiceSaved)}</p> })}
            <Suspense fallback=|| ()>{content}</Suspense>
            <section aria-labelledby="change-password">
                <h2 id="change-password">{t(lang, Msg::ChangePasswordTitle)}</h2>
                {alert(form_message(&error, lang, &["current", "password"]))}
                <form method="post" action="/api/change_password" class="stack">
                    <Field id="current" name="current" label=t(lang, Msg::CurrentPasswordLabel) kind="password" autocomplete="current-password" error=field_message(error.as_ref(), lang, "current") />
                    <Field id="new-password" name="password" label=t(lang, Msg::NewPasswordLabel) kind="password" autocomplete="new-password" hint=Some(t(lang, Msg::PasswordHint)) error=field_message(error.as_ref(), lang, "password") />
                    <button type="submit" class="button">{t(lang, Msg::ChangePasswordButton)}</button>
                </form>
            </section>
            <form method="post" action="/api/sign_out">
                <button type="submit" class="button button-secondary">{t(lang, Msg::SignOutButton)}</button>
            </form>
        </div>
    }
}

/// `/reset`: ask for a code (a phone) or a link (an e-mail); after a code was sent, type it
/// with a new password.
#[component]
pub fn ResetRequestPage() -> impl IntoView {
    let lang = use_lang();
    let error = form_error(FormId::RequestReset);
    let code_error = form_error(FormId::ResetByCode);
    let sent = query_param("sent");
    let by_code = sent.as_deref() == Some("code") || code_error.is_some();
    let notice = match sent.as_deref() {
        Some("code") => Some(t(lang, Msg::ResetCodeSent)),
        Some(_) => Some(t(lang, Msg::ResetSent)),
        None => None,
    };
    let code_form = by_code.then(|| {
        view! {
            <section class="stack" aria-labelledby="code-title">
                <h2 id="code-title">{t(lang, Msg::ResetCodeTitle)}</h2>
                {alert(form_message(&code_error, lang, &["login", "code", "password"]))}
                <form method="post" action="/api/reset_with_code" class="stack">
                    <Field id="code-login" name="login" label=t(lang, Msg::ResetPhoneLabel) kind="tel" autocomplete="username" error=field_message(code_error.as_ref(), lang, "login") value=query_param("login") />
                    <Field id="code" name="code" label=t(lang, Msg::ResetCodeLabel) autocomplete="one-time-code" inputmode=Some("numeric") error=field_message(code_error.as_ref(), lang, "code") />
                    <Field id="code-password" name="password" label=t(lang, Msg::NewPasswordLabel) kind="password" autocomplete="new-password" hint=Some(t(lang, Msg::PasswordHint)) error=field_message(code_error.as_ref(), lang, "password") />
                    <button type="submit" class="button">{t(lang, Msg::ResetSetButton)}</button>
                </form>
            </section>
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::ResetTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::ResetTitle)}</h1>
            {notice.map(|n| view! { <p class="notice notice-info" role="status">{n}</p> })}
            {code_form}
            <p class="lead">{t(lang, Msg::ResetLead)}</p>
            {alert(form_message(&error, lang, &["login"]))}
            <form method="post" action="/api/request_reset" class="stack">
                <Field id="login" name="login" label=t(lang, Msg::LoginLabel) autocomplete="username" error=field_message(error.as_ref(), lang, "login") value=query_param("login") />
                <button type="submit" class="button">{t(lang, Msg::ResetRequestButton)}</button>
            </form>
        </div>
    }
}

/// `/reset/{token}`: set a new password.
#[component]
pub fn ResetPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let error = form_error(FormId::ResetPassword);
    view! {
        <PageTitle text=t(lang, Msg::ResetTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::ResetTitle)}</h1>
            {alert(form_message(&error, lang, &["password"]))}
            <form method="post" action="/api/reset_password" class="stack">
                <input type="hidden" name="token" value=token />
                <Field id="new-password" name="password" label=t(lang, Msg::NewPasswordLabel) kind="password" autocomplete="new-password" hint=Some(t(lang, Msg::PasswordHint)) error=field_message(error.as_ref(), lang, "password") />
                <button type="submit" class="button">{t(lang, Msg::ResetSetButton)}</button>
            </form>
        </div>
    }
}

/// The invitation link just created, carried by a short-lived cookie (read once).
fn flash_invitation() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use axum::http::{HeaderValue, header};
        let parts = use_context::<axum::http::request::Parts>()?;
        let token = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.split(';')
                    .find_map(|kv| kv.trim().strip_prefix("auyl_invite=").map(str::to_owned))
            })?;
        crate::ssr::session::respond_with_header(
            header::SET_COOKIE,
            HeaderValue::from_static(
                "auyl_invite=; Path=/invitations; Max-Age=0; HttpOnly; SameSite=Strict",
            ),
        );
        let public = crate::ssr::state()
            .ok()?
            .config
            .public_url
            .trim_end_matches('/')
            .to_owned();
        Some(format!("{public}/invite/{token}"))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// `/invitations`: invite people to roles, see and revoke invitations, remove staff.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let lang = use_lang();
    let principal = require_sign_in("/invitations");
    let error = form_error(FormId::CreateInvitation)
        .or_else(|| form_error(FormId::RevokeInvitation))
        .or_else(|| form_error(FormId::RemoveStaff));
    let created = flash_invitation();
    let roles: Vec<Role> = match principal.as_ref().map(|p| p.role) {
        Some(Role::Admin) => vec![
            Role::Akim,
            Role::AkimatStaff,
            Role::OrgAdmin,
            Role::Operator,
            Role::DistrictStaff,
            Role::Admin,
        ],
        Some(Role::OrgAdmin) => vec![Role::Operator, Role::OrgAdmin],
        Some(Role::Akim) => vec![Role::AkimatStaff],
        _ => vec![],
    };
    let is_admin = principal.as_ref().is_some_and(|p| p.role == Role::Admin);
    let lists = Suspend::new(async move {
        match api::list_invitations().await {
            Ok((invitations, staff)) => view! {
                {invitations_section(lang, invitations)}
                {staff_section(lang, staff)}
            }
            .into_any(),
            Err(e) => {
                // Signed out: `require_sign_in` has already redirected to the sign-in page.
                if e != AppError::Unauthorized {
                    set_status(e.status());
                }
                view! { <p class="notice notice-error" role="alert">{e.message(lang)}</p> }
                    .into_any()
            }
        }
    });
    let chosen_role = query_param("role");
    let options = roles
        .iter()
        .map(|r| view! { <option value=r.as_str() selected=chosen_role.as_deref() == Some(r.as_str())>{r.label(lang)}</option> })
        .collect_view();
    let scope_fields = match principal.as_ref().map(|p| &p.scope) {
        Some(Scope::None) if is_admin => view! {
            <Field id="okrug" name="okrug" label=t(lang, Msg::InviteOkrugLabel) required=false error=field_message(error.as_ref(), lang, "okrug") value=query_param("okrug") />
            <Field id="organisation" name="organisation" label=t(lang, Msg::InviteOrganisationLabel) required=false error=field_message(error.as_ref(), lang, "organisation") value=query_param("organisation") />
        }
        .into_any(),
        _ => view! {
            <input type="hidden" name="okrug" value="" />
            <input type="hidden" name="organisation" value="" />
        }
        .into_any(),
    };
    view! {
        <PageTitle text=t(lang, Msg::InvitationsTitle) />
        <div class="page">
            <h1>{t(lang, Msg::InvitationsTitle)}</h1>
            <p class="lead">{t(lang, Msg::InvitationsLead)}</p>
            {created.map(|link| view! {
                <div class="notice notice-info" role="status">
                    <p>{t(lang, Msg::InviteCreated)}</p>
                    <p><code class="invite-link" data-testid="invite-link">{link}</code></p>
                </div>
            })}
            {alert(form_message(&error, lang, &["okrug", "organisation", "note"]))}
            {(!roles.is_empty()).then(|| view! {
                <form method="post" action="/api/create_invitation" class="stack">
                    <div class="field">
                        <label for="role">{t(lang, Msg::RoleLabel)}</label>
                        <select id="role" name="role">{options}</select>
                    </div>
                    {scope_fields}
                    <Field id="note" name="note" label=t(lang, Msg::InviteNoteLabel) required=false error=field_message(error.as_ref(), lang, "note") value=query_param("note") />
                    <button type="submit" class="button">{t(lang, Msg::InviteButton)}</button>
                </form>
            })}
            <Suspense fallback=|| ()>{lists}</Suspense>
        </div>
    }
}

/// The invitations sent, each revocable while pending.
fn invitations_section(lang: Lang, invitations: Vec<InvitationView>) -> impl IntoView {
    let no_invitations = invitations.is_empty();
    let rows = invitations
        .into_iter()
        .map(|i| {
            let status = match i.status.as_str() {
                "accepted" => t(lang, Msg::InviteAccepted),
                "revoked" => t(lang, Msg::InviteRevoked),
                "expired" => t(lang, Msg::InviteExpired),
                _ => t(lang, Msg::InvitePending),
            };
            let pending = i.status == "pending";
            view! {
                <tr>
                    <td>{i.role.label(lang)}</td>
                    <td>{i.scope.unwrap_or_default()}</td>
                    <td>{i.note}</td>
                    <td>{format_date(lang, i.created_at.date_naive())}</td>
                    <td>{status}</td>
                    <td>{pending.then(|| view! {
                        <form method="post" action="/api/revoke_invitation">
                            <input type="hidden" name="id" value=i.id.to_string() />
                            <button type="submit" class="button button-small">{t(lang, Msg::RevokeButton)}</button>
                        </form>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="invitation-list">
            <h2 id="invitation-list">{t(lang, Msg::InvitationsTitle)}</h2>
            {if no_invitations {
                view! { <p class="empty">{t(lang, Msg::NoInvitations)}</p> }.into_any()
            } else {
                view! {
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::RoleLabel)}</th>
                    <th scope="col">{t(lang, Msg::ColumnScope)}</th>
                    <th scope="col">{t(lang, Msg::ColumnNote)}</th>
                    <th scope="col">{t(lang, Msg::ColumnCreated)}</th>
                    <th scope="col">{t(lang, Msg::ColumnStatus)}</th>
                    <th scope="col"><span class="visually-hidden">{t(lang, Msg::ColumnAction)}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
                }.into_any()
            }}
        </section>
    }
}

/// The staff, each removable where the viewer may.
fn staff_section(lang: Lang, staff: Vec<StaffView>) -> impl IntoView {
    let people = staff
        .into_iter()
        .map(|s| view! {
            <tr>
                <td>{s.display_name}</td>
                <td>{s.role.label(lang)}</td>
                <td>{s.login}</td>
                <td>{s.removable.then(|| view! {
                    <form method="post" action="/api/remove_staff">
                        <input type="hidden" name="user_id" value=s.user_id.to_string() />
                        <button type="submit" class="button button-small">{t(lang, Msg::RemoveButton)}</button>
                    </form>
                })}</td>
            </tr>
        })
        .collect_view();
    view! {
        <section aria-labelledby="staff-list">
            <h2 id="staff-list">{t(lang, Msg::StaffTitle)}</h2>
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::ColumnName)}</th>
                    <th scope="col">{t(lang, Msg::RoleLabel)}</th>
                    <th scope="col">{t(lang, Msg::LoginLabel)}</th>
                    <th scope="col"><span class="visually-hidden">{t(lang, Msg::ColumnAction)}</span></th>
                </tr></thead>
                <tbody>{people}</tbody>
            </table></div>
        </section>
    }
}

/// `/invite/{token}`: accept an invitation.
#[component]
pub fn InvitePage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let error = form_error(FormId::AcceptInvitation);
    let content = Suspend::new(async move {
        match api::open_invitation(token.clone()).await {
            Ok(invitation) => {
                let role = invitation.role.label(lang);
                view! {
                    <p class="lead">{tf(lang, Msg::InviteFor, &[("role", role)])} " " {invitation.scope.unwrap_or_default()}</p>
                    {alert(form_message(&error, lang, &["name", "login", "password"]))}
                    <SignUpFields action="/api/accept_invitation" error=error.clone() token=Some(token.clone()) />
                }
                .into_any()
            }
            Err(e) => {
                // A used, expired or unknown link is gone for good; a fault is not.
                set_status(if e.status() >= 500 { e.status() } else { 410 });
                view! { <p class="notice notice-error" role="alert">{e.message(lang)}</p> }
                    .into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::InviteTitle) />
        <div class="page narrow">
            <h1>{t(lang, Msg::InviteTitle)}</h1>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}
