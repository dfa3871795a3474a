//! Icons as inline SVG. An emoji needs a font that many cheap phones (and this machine's
//! Chromium) do not have, and then shows as an empty box; a path draws the same everywhere, in
//! the colour of the text around it. Icons are hidden from screen readers: the link or button
//! around one carries the words.

use leptos::prelude::*;

/// The notifications bell.
pub fn bell() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" data-testid="icon-bell">
            <path
                fill="currentColor"
                d="M12 2a1.5 1.5 0 0 0-1.5 1.5v.6A6 6 0 0 0 6 10v4.5L4 17v1h16v-1l-2-2.5V10a6 6 0 0 0-4.5-5.9v-.6A1.5 1.5 0 0 0 12 2zM9.5 19.5a2.5 2.5 0 0 0 5 0z"
            />
        </svg>
    }
}
