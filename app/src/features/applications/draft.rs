//! The draft's fields as an island: saved a moment after typing stops, and kept in the
//! browser's storage while there is no connection.

use leptos::prelude::*;

use crate::components::form::{aria_describedby, aria_invalid, error_id, field_message, hint_id};
use crate::domain::application::form::{Draft, Limits, field};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::money::{Tiyn, format_kzt};
use crate::error::AppError;

/// The draft's fields. Without JavaScript they are plain inputs of the form; with it, every
/// change is saved to the server a moment after typing stops, and when that fails for want
/// of a connection, kept in the browser's storage and sent when the connection returns (or
/// when the page is next opened).
#[island(lazy)]
pub(super) fn DraftFields(
    lang: Lang,
    id: i32,
    version: i32,
    fields: Draft,
    limits: Limits,
    error: Option<AppError>,
) -> impl IntoView {
    let values = RwSignal::new(fields);
    let version = RwSignal::new(version);
    let status: RwSignal<Option<(Msg, bool)>> = RwSignal::new(None);
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let hydrated = RwSignal::new(false);
    let server_error = StoredValue::new(error);

    #[cfg(feature = "hydrate")]
    let schedule = {
        let pending: StoredValue<Option<leptos::prelude::TimeoutHandle>> = StoredValue::new(None);
        move || {
            if let Some(h) = pending.get_value() {
                h.clear();
            }
            let handle = leptos::prelude::set_timeout_with_handle(
                move || autosave::save(lang, id, values, version, status, failure),
                std::time::Duration::from_millis(700),
            )
            .ok();
            pending.set_value(handle);
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let schedule = || {};

    // The inputs themselves hold the text (the page may be typed in before it is live, and
    // hydration must not wipe that); the signal follows them for the autosave.
    // Thread-safe storage: on the server this owner may be dropped by another worker thread
    // than the one that rendered it, and a thread-local value dropped there panics.
    let inputs: StoredValue<Vec<(&'static str, NodeRef<leptos::html::Input>)>> =
        StoredValue::new(Vec::new());
    let areas: StoredValue<Vec<(&'static str, NodeRef<leptos::html::Textarea>)>> =
        StoredValue::new(Vec::new());
    Effect::new(move |_| {
        hydrated.set(true);
        #[cfg(feature = "hydrate")]
        {
            let dom = autosave::Dom { inputs, areas };
            let typed = dom.read();
            if typed != values.get_untracked() {
                values.set(typed);
                schedule();
            }
            autosave::restore(lang, id, dom, values, version, status, failure);
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::online, move |_| {
            autosave::save(lang, id, values, version, status, failure);
        });
        on_cleanup(move || handle.remove());
    }

    let form = Inputs {
        lang,
        values,
        server_error,
        inputs,
        areas,
        schedule,
    };
    let input =
        move |name, label, hint, numeric, area| form.field(name, label, hint, numeric, area);
    let amount_hint = limits.amount_max_kzt.map(|max| {
        tf(
            lang,
            Msg::AppFieldAmountRange,
            &[("max", &format_kzt(lang, Tiyn(max.saturating_mul(100))))],
        )
    });
    let term = limits.term_months_max.map(|max| {
        input(
            field::TERM,
            Msg::AppFieldTerm,
            Some(tf(
                lang,
                Msg::AppFieldTermRange,
                &[("max", &max.to_string())],
            )),
            true,
            false,
        )
    });
    view! {
        {autosave_status(lang, id, version, hydrated, status, failure)}
        {input(field::AMOUNT, Msg::AppFieldAmount, amount_hint, true, false)}
        {term}
        {input(field::PURPOSE, Msg::AppFieldPurpose, None, false, true)}
        <fieldset class="plan">
            <legend>{t(lang, Msg::AppPlanTitle)}</legend>
            {input(field::PLAN_ACTIVITY, Msg::AppFieldPlanActivity, None, false, true)}
            {input(field::PLAN_COSTS, Msg::AppFieldPlanCosts, None, true, false)}
            {input(field::PLAN_REVENUE, Msg::AppFieldPlanRevenue, None, true, false)}
            {input(field::PLAN_JOBS, Msg::AppFieldPlanJobs, None, true, false)}
        </fieldset>
        {input(field::COLLATERAL, Msg::AppFieldCollateral, None, false, true)}
    }
}

/// The version the draft was based on, and the line that says how the autosave is doing.
fn autosave_status(
    lang: Lang,
    id: i32,
    version: RwSignal<i32>,
    hydrated: RwSignal<bool>,
    status: RwSignal<Option<(Msg, bool)>>,
    failure: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <input type="hidden" name="version" prop:value=move || version.get().to_string() value=version.get_untracked() />
        <p class="hint autosave" role="status" data-testid="autosave" data-application=id data-hydrated=move || hydrated.get().then_some("1")>
            {move || match (status.get(), failure.get()) {
                (_, Some(message)) => message,
                (Some((m, _)), None) => t(lang, m).to_owned(),
                (None, None) if hydrated.get() => t(lang, Msg::AppAutosaveOn).to_owned(),
                (None, None) => String::new(),
            }}
        </p>
    }
}

type Refs<E> = StoredValue<Vec<(&'static str, NodeRef<E>)>>;

/// What every field of the draft shares: the values, the server's error, the inputs (read
/// back when the page goes live) and the autosave to start on a change.
#[derive(Clone, Copy)]
struct Inputs<F> {
    lang: Lang,
    values: RwSignal<Draft>,
    server_error: StoredValue<Option<AppError>>,
    inputs: Refs<leptos::html::Input>,
    areas: Refs<leptos::html::Textarea>,
    schedule: F,
}

impl<F: Fn() + Copy + Send + Sync + 'static> Inputs<F> {
    /// One field: a one-line input, or a text area when `area`.
    fn field(
        self,
        name: &'static str,
        label: Msg,
        hint: Option<String>,
        numeric: bool,
        area: bool,
    ) -> impl IntoView + use<F> {
        let Inputs {
            lang,
            values,
            server_error,
            inputs,
            areas,
            schedule,
        } = self;
        let err = server_error.with_value(|e| field_message(e.as_ref(), lang, name));
        let has_error = err.is_some();
        let described = aria_describedby(name, hint.is_some(), has_error);
        let invalid = aria_invalid(has_error);
        let initial = values.with_untracked(|v| v.get(name).cloned().unwrap_or_default());
        let on_input = move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            values.update(|v| {
                v.insert(name.to_owned(), value);
            });
            schedule();
        };
        let control = if area {
            let node = NodeRef::<leptos::html::Textarea>::new();
            areas.update_value(|a| a.push((name, node)));
            view! {
                <textarea id=name name=name rows="4" node_ref=node
                    aria-invalid=invalid
                    aria-describedby=described.clone()
                    on:input=on_input
                >{initial}</textarea>
            }
            .into_any()
        } else {
            let node = NodeRef::<leptos::html::Input>::new();
            inputs.update_value(|a| a.push((name, node)));
            view! {
                <input id=name name=name type="text" node_ref=node
                    inputmode=numeric.then_some("numeric")
                    autocomplete="off"
                    aria-invalid=invalid
                    aria-describedby=described.clone()
                    value=initial
                    on:input=on_input
                />
            }
            .into_any()
        };
        view! {
            <div class="field" class:field-error=has_error>
                <label for=name>{t(lang, label)}</label>
                {hint.map(|h| view! { <p class="hint" id=hint_id(name)>{h}</p> })}
                {err.map(|e| view! { <p class="error-message" id=error_id(name)>{e}</p> })}
                {control}
            </div>
        }
    }
}

/// The browser side of the autosave: the request, and the copy in local storage.
#[cfg(feature = "hydrate")]
mod autosave {
    use leptos::prelude::*;
    use serde::{Deserialize, Serialize};

    use crate::domain::application::form::Draft;
    use crate::domain::i18n::{Lang, Msg};
    use crate::error::AppError;

    type Refs<E> = StoredValue<Vec<(&'static str, NodeRef<E>)>>;

    /// The form's text inputs and text areas.
    #[derive(Clone, Copy)]
    pub struct Dom {
        /// One-line inputs, by field name.
        pub inputs: Refs<leptos::html::Input>,
        /// Text areas, by field name.
        pub areas: Refs<leptos::html::Textarea>,
    }

    impl Dom {
        /// What the inputs hold now.
        pub fn read(self) -> Draft {
            let mut d = Draft::new();
            self.inputs.with_value(|all| {
                for (name, node) in all {
                    if let Some(el) = node.get_untracked() {
                        d.insert((*name).to_owned(), el.value());
                    }
                }
            });
            self.areas.with_value(|all| {
                for (name, node) in all {
                    if let Some(el) = node.get_untracked() {
                        d.insert((*name).to_owned(), el.value());
                    }
                }
            });
            d
        }

        /// Puts `fields` into the inputs.
        fn write(self, fields: &Draft) {
            self.inputs.with_value(|all| {
                for (name, node) in all {
                    if let (Some(el), Some(v)) = (node.get_untracked(), fields.get(*name)) {
                        el.set_value(v);
                    }
                }
            });
            self.areas.with_value(|all| {
                for (name, node) in all {
                    if let (Some(el), Some(v)) = (node.get_untracked(), fields.get(*name)) {
                        el.set_value(v);
                    }
                }
            });
        }
    }

    /// What is kept on the device: the fields, and the version they were based on.
    #[derive(Serialize, Deserialize)]
    struct Kept {
        version: i32,
        fields: Draft,
    }

    fn key(id: i32) -> String {
        format!("auyl-draft-{id}")
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    fn keep(id: i32, version: i32, fields: &Draft) {
        if let (Some(s), Ok(json)) = (
            storage(),
            serde_json::to_string(&Kept {
                version,
                fields: fields.clone(),
            }),
        ) {
            let _ = s.set_item(&key(id), &json);
        }
    }

    fn forget(id: i32) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&key(id));
        }
    }

    /// Sends the fields; on a lost connection keeps them on the device instead.
    pub fn save(
        lang: Lang,
        id: i32,
        values: RwSignal<Draft>,
        version: RwSignal<i32>,
        status: RwSignal<Option<(Msg, bool)>>,
        failure: RwSignal<Option<String>>,
    ) {
        let fields = values.get_untracked();
        let seen = version.get_untracked();
        status.set(Some((Msg::AppSaving, false)));
        leptos::task::spawn_local(async move {
            match crate::features::applications::api::autosave_draft(id, seen, fields.clone()).await
            {
                Ok(v) => {
                    // Typing may have gone on meanwhile: only a save of what is on screen
                    // clears the copy on the device.
                    if version.get_untracked() == seen {
                        version.set(v);
                    }
                    if values.get_untracked() == fields {
                        forget(id);
                    }
                    failure.set(None);
                    status.set(Some((Msg::AppAutosaved, false)));
                }
                Err(AppError::Transport(_)) => {
                    keep(id, seen, &fields);
                    failure.set(None);
                    status.set(Some((Msg::AppSavedLocally, true)));
                }
                Err(e) => {
                    failure.set(Some(e.message(lang)));
                }
            }
        });
    }

    /// Puts back what the device kept while offline, if the server has not moved on since,
    /// and sends it.
    pub fn restore(
        lang: Lang,
        id: i32,
        dom: Dom,
        values: RwSignal<Draft>,
        version: RwSignal<i32>,
        status: RwSignal<Option<(Msg, bool)>>,
        failure: RwSignal<Option<String>>,
    ) {
        let Some(s) = storage() else { return };
        let Some(kept) = s
            .get_item(&key(id))
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str::<Kept>(&json).ok())
        else {
            return;
        };
        if kept.version != version.get_untracked() {
            // Saved elsewhere since (another device, or the copy was sent after all).
            forget(id);
            return;
        }
        if kept.fields != values.get_untracked() {
            dom.write(&kept.fields);
            values.set(kept.fields);
            status.set(Some((Msg::AppRestored, false)));
            save(lang, id, values, version, status, failure);
        } else {
            forget(id);
        }
    }
}
