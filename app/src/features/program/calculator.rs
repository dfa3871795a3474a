//! The loan calculator on a loan-like programme's page: a GET form whose address holds the
//! inputs, so it works without JavaScript and a calculation can be shared as a link.

use leptos::prelude::*;

use crate::domain::i18n::{Lang, Msg, t};
use crate::domain::loan::{Grace, Limits, LoanInput, Method, Schedule};
use crate::domain::money::{Tiyn, format_bps, format_kzt};
use crate::domain::params::{FieldError, decode_query};
use crate::features::request_query;

/// The inputs in the current address (over the programme's defaults) and what they give: the
/// schedule, or the error of the first field that is wrong.
pub fn calculate(
    query: &str,
    limits: &Limits,
    rate_bps: Option<i32>,
) -> (LoanInput, Result<Schedule, FieldError>) {
    let defaults = LoanInput::defaults(limits, rate_bps);
    let pairs = match decode_query(query) {
        Ok(pairs) => pairs,
        Err(e) => return (defaults, Err(e)),
    };
    match LoanInput::from_query(&pairs, defaults) {
        (input, Some(e)) => (input, Err(e)),
        (input, None) => {
            let result = input
                .to_loan()
                .and_then(|loan| loan.check(limits).map(|()| loan.schedule()));
            (input, result)
        }
    }
}

/// The calculator section of the programme `slug`.
#[component]
pub fn LoanCalculator(
    lang: Lang,
    slug: String,
    limits: Limits,
    rate_bps: Option<i32>,
) -> impl IntoView {
    let (input, result) = calculate(&request_query(), &limits, rate_bps);
    let error = result.as_ref().err().cloned();
    if error.is_some() {
        // Only the address's calculator inputs can be wrong: a bad request, like the
        // catalogue's bad parameters; the page still shows everything else.
        crate::features::set_status(400);
    }
    let message = |field: &str| {
        error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message(lang))
    };
    let action = format!("/programs/{slug}#calculator");
    let csv = format!("/programs/{slug}/schedule.csv?{}", input.query());
    let grace_kind = input.grace_kind;
    let method = input.method;
    let results = result
        .ok()
        .map(|s| view! { <Results lang schedule=s grace=input.grace.clone() csv /> });
    view! {
        <section id="calculator" class="calculator" aria-labelledby="calculator-title">
            <h2 id="calculator-title">{t(lang, Msg::CalcTitle)}</h2>
            <p>{t(lang, Msg::CalcLead)}</p>
            <form method="get" action=action class="calc-form">
                <NumberField id="amount" label=t(lang, Msg::CalcAmount) value=input.amount.clone() error=message("amount") />
                <NumberField id="rate" label=t(lang, Msg::CalcRate) value=input.rate.clone() error=message("rate") decimal=true />
                <NumberField id="term" label=t(lang, Msg::CalcTerm) value=input.term.clone() error=message("term") />
                <NumberField id="grace" label=t(lang, Msg::CalcGrace) value=input.grace.clone() error=message("grace") />
                <div class="field">
                    <label for="grace_kind">{t(lang, Msg::CalcGraceKind)}</label>
                    <select id="grace_kind" name="grace_kind">
                        <option value=Grace::InterestOnly.as_str() selected=grace_kind == Grace::InterestOnly>{t(lang, Msg::CalcGraceInterestOnly)}</option>
                        <option value=Grace::Full.as_str() selected=grace_kind == Grace::Full>{t(lang, Msg::CalcGraceFull)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="method">{t(lang, Msg::CalcMethod)}</label>
                    <select id="method" name="method">
                        <option value=Method::Annuity.as_str() selected=method == Method::Annuity>{t(lang, Msg::CalcAnnuity)}</option>
                        <option value=Method::Differentiated.as_str() selected=method == Method::Differentiated>{t(lang, Msg::CalcDifferentiated)}</option>
                    </select>
                </div>
                <button type="submit" class="button">{t(lang, Msg::CalcButton)}</button>
            </form>
            {results}
        </section>
    }
}

/// A number input with its error tied to it.
#[component]
fn NumberField(
    id: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
    #[prop(default = false)] decimal: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field-error=error.is_some()>
            <label for=id>{label}</label>
            {error.clone().map(|e| view! { <p class="error-message" id=error_id.clone()>{e}</p> })}
            <input
                id=id
                name=id
                type="text"
                inputmode=if decimal { "decimal" } else { "numeric" }
                autocomplete="off"
                value=value
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some(error_id)
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
            <div class="table-scroll">
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
