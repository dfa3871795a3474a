//! The loan calculator on a loan-like programme's page: a GET form whose address holds the
//! inputs, so it works without JavaScript and a calculation can be shared as a link.

use leptos::prelude::*;

use crate::components::form::{aria_describedby, aria_invalid, error_id, field_message};
use crate::features::replace_address;

use crate::domain::i18n::{Lang, Msg, t};
use crate::domain::loan::{Grace, Limits, LoanInput, Method, Schedule};
use crate::domain::money::{Tiyn, format_bps, format_kzt};
use crate::domain::params::FieldError;
use crate::features::request_query;

/// The calculator section of the programme `slug`, filled from the address.
#[component]
pub fn LoanCalculator(
    lang: Lang,
    slug: String,
    limits: Limits,
    rate_bps: Option<i32>,
) -> impl IntoView {
    let (input, result) = crate::domain::loan::calculate(&request_query(), &limits, rate_bps);
    let error = result.err();
    if error.is_some() {
        // Only the address's calculator inputs can be wrong: a bad request, like the
        // catalogue's bad parameters; the page still shows everything else.
        crate::features::set_status(400);
    }
    view! { <LiveCalculator lang slug limits input error /> }
}

/// The calculator's form and answer. Without JavaScript the form is a GET to this page; with
/// it, every keystroke recalculates in the browser (the same domain code as the server) and
/// the address follows, so a copied link shows the same figures.
#[island(lazy)]
fn LiveCalculator(
    lang: Lang,
    slug: String,
    limits: Limits,
    input: LoanInput,
    error: Option<FieldError>,
) -> impl IntoView {
    let amount = RwSignal::new(input.amount.clone());
    let rate = RwSignal::new(input.rate.clone());
    let term = RwSignal::new(input.term.clone());
    let grace = RwSignal::new(input.grace.clone());
    let grace_kind = RwSignal::new(input.grace_kind);
    let method = RwSignal::new(input.method);
    // The server's error stands until the person changes something (it may be about a
    // parameter the form cannot show, such as a made-up `method`).
    let server_error = StoredValue::new(error);
    let edited = RwSignal::new(false);
    // Marks the section once the browser has taken it over (tests wait for it).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let path = format!("/programs/{slug}");
    let current = Memo::new(move |_| {
        let input = LoanInput {
            amount: amount.get(),
            rate: rate.get(),
            term: term.get(),
            grace: grace.get(),
            grace_kind: grace_kind.get(),
            method: method.get(),
        };
        let result = match server_error.get_value().filter(|_| !edited.get()) {
            Some(e) => Err(e),
            None => input
                .to_loan()
                .and_then(|loan| loan.check(&limits).map(|()| loan.schedule())),
        };
        (input, result)
    });
    Effect::new(move |_| {
        let (input, _) = current.get();
        if edited.get_untracked() {
            replace_address(&format!("{path}?{}#calculator", input.query()));
        }
    });
    let message = move |field: &'static str| {
        move || current.with(|(_, r)| field_message(r.as_ref().err(), lang, field))
    };
    let edit = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_value(&ev));
            edited.set(true);
        }
    };
    let action = format!("/programs/{slug}#calculator");
    let initial = input;
    view! {
        <section id="calculator" class="calculator" aria-labelledby="calculator-title" data-hydrated=move || hydrated.get().then_some("true")>
            <h2 id="calculator-title">{t(lang, Msg::CalcTitle)}</h2>
            <p>{t(lang, Msg::CalcLead)}</p>
            // An error about something the form has no field for (a made-up `method` or
            // `grace_kind` in the address, bytes that are not UTF-8) is said above the form.
            {move || {
                current.with(|(_, r)| {
                    r.as_ref()
                        .err()
                        .filter(|e| !NUMBER_FIELDS.contains(&e.field.as_str()))
                        .map(|e| view! { <p class="notice notice-error" role="alert">{e.message(lang)}</p> })
                })
            }}
            <form method="get" action=action class="calc-form">
                <NumberField id="amount" label=t(lang, Msg::CalcAmount) value=initial.amount.clone() error=Signal::derive(message("amount")) on_input=edit(amount) />
                <NumberField id="rate" label=t(lang, Msg::CalcRate) value=initial.rate.clone() error=Signal::derive(message("rate")) on_input=edit(rate) decimal=true />
                <NumberField id="term" label=t(lang, Msg::CalcTerm) value=initial.term.clone() error=Signal::derive(message("term")) on_input=edit(term) />
                <NumberField id="grace" label=t(lang, Msg::CalcGrace) value=initial.grace.clone() error=Signal::derive(message("grace")) on_input=edit(grace) />
                {choices(lang, &initial, grace_kind, method, edited)}
                <button type="submit" class="button">{t(lang, Msg::CalcButton)}</button>
            </form>
            <div aria-live="polite">
                {move || {
                    let (input, result) = current.get();
                    result.ok().map(|schedule| {
                        let csv = format!("/programs/{slug}/schedule.csv?{}", input.query());
                        view! { <Results lang schedule grace=input.grace csv /> }
                    })
                }}
            </div>
        </section>
    }
}

/// The grace period's kind and the repayment method.
fn choices(
    lang: Lang,
    initial: &LoanInput,
    grace_kind: RwSignal<Grace>,
    method: RwSignal<Method>,
    edited: RwSignal<bool>,
) -> impl IntoView + use<> {
    let (initial_grace, initial_method) = (initial.grace_kind, initial.method);
    view! {
        <div class="field">
            <label for="grace_kind">{t(lang, Msg::CalcGraceKind)}</label>
            <select
                id="grace_kind"
                name="grace_kind"
                on:change=move |ev| {
                    grace_kind.set(Grace::parse(&event_target_value(&ev)).unwrap_or(Grace::InterestOnly));
                    edited.set(true);
                }
            >
                <option value=Grace::InterestOnly.as_str() selected=initial_grace == Grace::InterestOnly>{t(lang, Msg::CalcGraceInterestOnly)}</option>
                <option value=Grace::Full.as_str() selected=initial_grace == Grace::Full>{t(lang, Msg::CalcGraceFull)}</option>
            </select>
        </div>
        <div class="field">
            <label for="method">{t(lang, Msg::CalcMethod)}</label>
            <select
                id="method"
                name="method"
                on:change=move |ev| {
                    method.set(Method::parse(&event_target_value(&ev)).unwrap_or(Method::Annuity));
                    edited.set(true);
                }
            >
                <option value=Method::Annuity.as_str() selected=initial_method == Method::Annuity>{t(lang, Msg::CalcAnnuity)}</option>
                <option value=Method::Differentiated.as_str() selected=initial_method == Method::Differentiated>{t(lang, Msg::CalcDifferentiated)}</option>
            </select>
        </div>
    }
}

/// The fields shown with their own error message.
const NUMBER_FIELDS: [&str; 4] = ["amount", "rate", "term", "grace"];

/// A number input with its error tied to it.
#[component]
fn NumberField<F>(
    id: &'static str,
    label: &'static str,
    value: String,
    error: Signal<Option<String>>,
    on_input: F,
    #[prop(default = false)] decimal: bool,
) -> impl IntoView
where
    F: Fn(leptos::ev::Event) + 'static,
{
    view! {
        <div class="field" class:field-error=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            {move || error.get().map(|e| view! { <p class="error-message" id=error_id(id)>{e}</p> })}
            <input
                id=id
                name=id
                type="text"
                inputmode=if decimal { "decimal" } else { "numeric" }
                autocomplete="off"
                value=value
                aria-invalid=move || aria_invalid(error.with(Option::is_some))
                aria-describedby=move || aria_describedby(id, false, error.with(Option::is_some))
                on:input=on_input
            />
        </div>
    }
}

/// The totals and the month-by-month table.
#[component]
fn Results(lang: Lang, schedule: Schedule, grace: String, csv: String) -> impl IntoView {
    let grace_months: usize = grace.trim().parse().unwrap_or(0);
    let amortising = schedule.rows.get(grace_months..).unwrap_or_default();
    let first = amortising.first().map_or(Tiyn(0), |r| r.payment);
    let last = amortising.last().map_or(Tiyn(0), |r| r.payment);
    let body_equal = amortising
        .split_last()
        .is_some_and(|(_, body)| body.iter().all(|r| r.payment == first));
    let payment = if body_equal {
        (Msg::CalcMonthly, format_kzt(lang, first))
    } else {
        (
            Msg::CalcFirstLast,
            format!("{} → {}", format_kzt(lang, first), format_kzt(lang, last)),
        )
    };
    let grace_payment = (grace_months > 0)
        .then(|| schedule.rows.first().map(|r| r.payment))
        .flatten()
        .map(|p| {
            view! {
                <div class="fact"><dt>{t(lang, Msg::CalcGracePayment)}</dt><dd>{format_kzt(lang, p)}</dd></div>
            }
        });
    let rows = schedule
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.month}</td>
                    <td>{format_kzt(lang, r.payment)}</td>
                    <td>{format_kzt(lang, r.principal)}</td>
                    <td>{format_kzt(lang, r.interest)}</td>
                    <td>{format_kzt(lang, r.balance)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="facts calc-results" data-testid="calc-results">
            <div class="fact"><dt>{t(lang, payment.0)}</dt><dd data-testid="calc-payment">{payment.1}</dd></div>
            {grace_payment}
            <div class="fact"><dt>{t(lang, Msg::CalcTotalInterest)}</dt><dd data-testid="calc-interest">{format_kzt(lang, schedule.total_interest)}</dd></div>
            <div class="fact"><dt>{t(lang, Msg::CalcTotalPaid)}</dt><dd>{format_kzt(lang, schedule.total_paid)}</dd></div>
            <div class="fact"><dt>{t(lang, Msg::CalcEffective)}</dt><dd>{format_bps(lang, schedule.effective_rate_bps)}</dd></div>
        </dl>
        <details class="calc-schedule">
            <summary>{t(lang, Msg::CalcSchedule)}</summary>
            <div class="table-scroll" tabindex="0">
                <table>
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::CalcMonth)}</th>
                        <th scope="col">{t(lang, Msg::CalcPayment)}</th>
                        <th scope="col">{t(lang, Msg::CalcPrincipal)}</th>
                        <th scope="col">{t(lang, Msg::CalcInterest)}</th>
                        <th scope="col">{t(lang, Msg::CalcBalance)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
        <p class="hint">{t(lang, Msg::CalcRounding)}</p>
        <p><a href=csv download="">{t(lang, Msg::CalcCsv)}</a></p>
    }
}
