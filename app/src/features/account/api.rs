//! Server functions of accounts. Each is a plain POST that a form without JavaScript can call:
//! on success it redirects, on failure the browser is sent back with the error in the address
//! (`__err`), which the page shows next to the field.

use leptos::prelude::*;

use crate::domain::account::{AccountView, InvitationOffer, InvitationView, StaffView};
use crate::error::AppError;

/// Where to go after signing in: a path on this site only (never `//host` or a full URL, which
/// would make the sign-in page an open redirect).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("__err") =>
        {
            n
        }
        _ => "/account",
    }
}

#[cfg(feature = "ssr")]
mod server {
    use axum::http::header::SET_COOKIE;

    use crate::ssr::services::accounts::{DEVICE_REMEMBERED, NewSession};
    use crate::ssr::session::{clear_cookie, respond_with_header, set_cookie, set_device_cookie};
    use crate::ssr::state;

    /// Sets the session cookie of a new session, and the device cookie when it changed.
    pub fn start(session: &NewSession) -> Result<(), crate::ssr::services::ServiceError> {
        let st = state()?;
        let secure = st.config.secure_cookies();
        if let Some(cookie) = set_cookie(&session.token, session.expires, secure) {
            respond_with_header(SET_COOKIE, cookie);
        }
        if let Some(cookie) = session
            .device
            .as_deref()
            .and_then(|device| set_device_cookie(device, DEVICE_REMEMBERED, secure))
        {
            respond_with_header(SET_COOKIE, cookie);
        }
        Ok(())
    }

    /// Removes the session cookie.
    pub fn end() -> Result<(), crate::ssr::services::ServiceError> {
        let st = state()?;
        respond_with_header(SET_COOKIE, clear_cookie(st.config.secure_cookies()));
        Ok(())
    }
}

/// Creates an entrepreneur's account and signs in.
#[server(endpoint = "sign_up")]
pub async fn sign_up(name: String, login: String, password: String) -> Result<(), AppError> {
    use crate::ssr::services::accounts::{self, SignUp};
    use crate::ssr::{form_then, session, state};
    let name_kept = name.clone();
    let login_kept = login.clone();
    form_then(
        crate::components::form::FormId::SignUp,
        &[("name", &name_kept), ("login", &login_kept)],
        "/account",
        async move {
            let st = state()?;
            let input = SignUp {
                name,
                login,
                password,
            };
            let new = accounts::sign_up(&st.db, &st.hasher, &input, &session::caller()).await?;
            server::start(&new)?;
            Ok(())
        },
    )
    .await
}

/// Signs in.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    login: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{form_boundary, request_lang, session, state};
    let login_kept = login.clone();
    form_boundary(
        request_lang(),
        crate::components::form::FormId::SignIn,
        &[("login", &login_kept)],
        async move {
            let st = state()?;
            let (new, _) =
                accounts::sign_in(&st.db, &st.hasher, &login, &password, &session::caller())
                    .await?;
            server::start(&new)?;
            leptos_axum::redirect(safe_next(next.as_deref()));
            Ok(())
        },
    )
    .await
}

/// Signs out.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{boundary, request_lang, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        accounts::sign_out(&st.db, &session::caller()).await?;
        server::end()?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Changes the signed-in person's password.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::ChangePassword,
        &[],
        "/account?changed=1",
        async move {
            let st = state()?;
            accounts::change_password(&st.db, &st.hasher, &session::caller(), &current, &password)
                .await?;
            Ok(())
        },
    )
    .await
}

/// Sends a password-reset link.
#[server(endpoint = "request_reset")]
pub async fn request_reset(login: String) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{form_then, session, state};
    let login_kept = login.clone();
    // A phone gets a code by SMS, to be typed on the next page; an e-mail gets a link.
    let next = match crate::domain::account::Login::parse("login", &login) {
        Ok(crate::domain::account::Login::Phone(_)) => "/reset?sent=code",
        _ => "/reset?sent=1",
    };
    form_then(
        crate::components::form::FormId::RequestReset,
        &[("login", &login_kept)],
        next,
        async move {
            let st = state()?;
            accounts::request_reset(&st.db, &st.config.public_url, &login, &session::caller())
                .await?;
            Ok(())
        },
    )
    .await
}

/// Sets a new password with a reset link.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::ResetPassword,
        &[],
        "/sign-in?reset=1",
        async move {
            let st = state()?;
            accounts::reset_password(&st.db, &st.hasher, &token, &password, &session::caller())
                .await?;
            Ok(())
        },
    )
    .await
}

/// Sets a new password for a phone login with the code sent by SMS.
#[server(endpoint = "reset_with_code")]
pub async fn reset_with_code(
    login: String,
    code: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{form_then, session, state};
    let login_kept = login.clone();
    form_then(
        crate::components::form::FormId::ResetByCode,
        &[("login", &login_kept)],
        "/sign-in?reset=1",
        async move {
            let st = state()?;
            accounts::reset_with_code(
                &st.db,
                &st.hasher,
                &login,
                &code,
                &password,
                &session::caller(),
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// Proves the signed-in person's phone with the code sent by SMS.
#[server(endpoint = "verify_phone")]
pub async fn verify_phone(code: String) -> Result<(), AppError> {
    use crate::ssr::services::phones;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::VerifyPhone,
        &[],
        "/account?verified=1",
        async move {
            phones::verify(&state()?.db, &session::caller(), &code).await?;
            Ok(())
        },
    )
    .await
}

/// Sends the signed-in person a new code for their phone.
#[server(endpoint = "resend_phone_code")]
pub async fn resend_phone_code() -> Result<(), AppError> {
    use crate::ssr::services::phones;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::ResendPhoneCode,
        &[],
        "/account?resent=1",
        async move {
            phones::resend(&state()?.db, &session::caller()).await?;
            Ok(())
        },
    )
    .await
}

/// Which alerts about new programmes the signed-in person wants (checkboxes: absent when
/// unticked).
#[server(endpoint = "choose_alerts")]
pub async fn choose_alerts(
    in_app: Option<String>,
    by_message: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::ChooseAlerts,
        &[],
        "/account?saved=1",
        async move {
            accounts::choose_alerts(
                &state()?.db,
                &session::caller(),
                in_app.is_some(),
                by_message.is_some(),
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// The signed-in person's account.
#[server(endpoint = "current_account")]
pub async fn current_account() -> Result<AccountView, AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{boundary, request_lang, session, state};
    let lang = request_lang();
    boundary(lang, async move {
        accounts::account(&state()?.db, &session::caller(), lang).await
    })
    .await
}

/// Creates an invitation; the link is shown once on the next page (a short-lived cookie
/// carries it there, so it never appears in an address or a log).
#[server(endpoint = "create_invitation")]
pub async fn create_invitation(
    role: String,
    okrug: String,
    organisation: String,
    note: String,
) -> Result<String, AppError> {
    use axum::http::{HeaderValue, header::SET_COOKIE};

    use crate::ssr::services::invitations;
    use crate::ssr::{form_boundary, request_lang, session, state};
    let role_kept = role.clone();
    let okrug_kept = okrug.clone();
    let organisation_kept = organisation.clone();
    let note_kept = note.clone();
    form_boundary(
        request_lang(),
        crate::components::form::FormId::CreateInvitation,
        &[
            ("role", &role_kept),
            ("okrug", &okrug_kept),
            ("organisation", &organisation_kept),
            ("note", &note_kept),
        ],
        async move {
            let st = state()?;
            let (token, _) = invitations::create(
                &st.db,
                &session::caller(),
                &role,
                &okrug,
                &organisation,
                &note,
            )
            .await?;
            let link = format!(
                "{}/invite/{token}",
                st.config.public_url.trim_end_matches('/')
            );
            if let Ok(flash) = HeaderValue::from_str(&format!(
                "auyl_invite={token}; Path=/invitations; Max-Age=300; HttpOnly; SameSite=Strict{}",
                if st.config.secure_cookies() {
                    "; Secure"
                } else {
                    ""
                }
            )) {
                session::respond_with_header(SET_COOKIE, flash);
            }
            leptos_axum::redirect("/invitations");
            Ok(link)
        },
    )
    .await
}

/// Revokes an invitation.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(id: i32) -> Result<(), AppError> {
    use crate::ssr::services::invitations;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::RevokeInvitation,
        &[],
        "/invitations",
        async move { invitations::revoke(&state()?.db, &session::caller(), id).await },
    )
    .await
}

/// Removes a staff member's access.
#[server(endpoint = "remove_staff")]
pub async fn remove_staff(user_id: i32) -> Result<(), AppError> {
    use crate::ssr::services::invitations;
    use crate::ssr::{form_then, session, state};
    form_then(
        crate::components::form::FormId::RemoveStaff,
        &[],
        "/invitations",
        async move { invitations::remove(&state()?.db, &session::caller(), user_id).await },
    )
    .await
}

/// The invitations and staff the signed-in person may see.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations() -> Result<(Vec<InvitationView>, Vec<StaffView>), AppError> {
    use crate::ssr::services::invitations;
    use crate::ssr::{boundary, request_lang, session, state};
    let lang = request_lang();
    boundary(lang, async move {
        let (st, caller) = (state()?, session::caller());
        Ok((
            invitations::list(&st.db, &caller, lang).await?,
            invitations::staff(&st.db, &caller).await?,
        ))
    })
    .await
}

/// What an invitation link offers.
#[server(endpoint = "open_invitation")]
pub async fn open_invitation(token: String) -> Result<InvitationOffer, AppError> {
    use crate::ssr::services::invitations;
    use crate::ssr::{boundary, request_lang, state};
    let lang = request_lang();
    boundary(lang, async move {
        invitations::open(&state()?.db, &token, lang).await
    })
    .await
}

/// Accepts an invitation: creates the account and signs in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: String,
    login: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::services::accounts::SignUp;
    use crate::ssr::services::invitations;
    use crate::ssr::{form_then, session, state};
    let name_kept = name.clone();
    let login_kept = login.clone();
    form_then(
        crate::components::form::FormId::AcceptInvitation,
        &[("name", &name_kept), ("login", &login_kept)],
        "/account",
        async move {
            let st = state()?;
            let input = SignUp {
                name,
                login,
                password,
            };
            let new =
                invitations::accept(&st.db, &st.hasher, &token, &input, &session::caller()).await?;
            server::start(&new)?;
            Ok(())
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        let cases = [
            (Some("/account"), "/account"),
            (Some("/programs?q=a"), "/programs?q=a"),
            (Some("//evil.example"), "/account"),
            (Some("https://evil.example"), "/account"),
            (Some("/\\evil.example"), "/account"),
            (None, "/account"),
        ];
        for (next, expected) in cases {
            assert_eq!(safe_next(next), expected, "failed for {next:?}");
        }
    }
}
