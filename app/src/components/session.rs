//! Who is signed in, for the page being rendered (server only: pages that need it are not
//! hydrated).

use crate::domain::account::Principal;

/// Sends people who are not signed in to the sign-in page, then back here.
pub(crate) fn require_sign_in(path: &str) -> Option<Principal> {
    let principal = current_principal();
    if principal.is_none() {
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&format!(
            "/sign-in?next={}",
            crate::domain::params::encode_component(path)
        ));
        #[cfg(not(feature = "ssr"))]
        let _ = path;
    }
    principal
}

/// The signed-in person of this request (server only; account pages are not hydrated).
pub fn current_principal() -> Option<Principal> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::session::principal()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Unread notifications of the signed-in person of this request (server only).
pub fn current_unread() -> u64 {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::session::caller().unread
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}
