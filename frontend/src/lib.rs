//! The browser entry point: wakes the islands of a server-rendered page. Everything outside an
//! island stays plain HTML and costs no wasm.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the hydration script Leptos puts in every page.
#[wasm_bindgen]
pub fn hydrate() {
    // Keep the islands linked into the bundle.
    use app as _;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
