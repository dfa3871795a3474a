//! A disbursed loan on its application's page: what is owed today and next, the schedule with
//! each instalment paid, due or overdue, the repayments recorded, and for the lender's staff
//! the form that records one by hand (or reverses one). No JavaScript needed.

use leptos::prelude::*;

use super::desk::{field, method_label};
use crate::domain::i18n::{Lang, Msg, format_date, t, tf};
use crate::domain::money::{Tiyn, format_kzt};
use crate::domain::portfolio::{InstalmentStatus, LoanView};

fn status_label(s: InstalmentStatus) -> Msg {
    match s {
        InstalmentStatus::Paid => Msg::LoanStatusPaid,
        InstalmentStatus::PaidLate => Msg::LoanStatusPaidLate,
        InstalmentStatus::Upcoming => Msg::LoanStatusUpcoming,
        InstalmentStatus::Due => Msg::LoanStatusDue,
        InstalmentStatus::Overdue => Msg::LoanStatusOverdue,
    }
}

fn status_class(s: InstalmentStatus) -> &'static str {
    match s {
        InstalmentStatus::Paid => "badge badge-ok",
        InstalmentStatus::PaidLate => "badge badge-warn",
        InstalmentStatus::Upcoming => "badge",
        InstalmentStatus::Due => "badge badge-info",
        InstalmentStatus::Overdue => "badge badge-error",
    }
}

/// What is owed next and today, and where the loan stands.
fn facts(lang: Lang, loan: &LoanView) -> impl IntoView + use<> {
    let money = |t: Tiyn| format_kzt(lang, t);
    let mut facts = Vec::new();
    if let Some((on, amount)) = loan.next {
        facts.push((
            t(lang, Msg::LoanNext),
            tf(
                lang,
                Msg::LoanNextText,
                &[("amount", &money(amount)), ("date", &format_date(lang, on))],
            ),
            "loan-next",
        ));
    }
    if loan.overdue.0 > 0 {
        facts.push((
            t(lang, Msg::LoanOwedToday),
            tf(
                lang,
                Msg::LoanOwedTodayText,
                &[
                    ("amount", &money(loan.overdue)),
                    ("days", &loan.days_past_due.to_string()),
                ],
            ),
            "loan-overdue",
        ));
    } else {
        facts.push((
            t(lang, Msg::LoanOwedToday),
            t(lang, Msg::LoanNothingOverdue).to_owned(),
            "loan-overdue",
        ));
    }
    facts.push((
        t(lang, Msg::LoanOutstanding),
        money(loan.outstanding_principal),
        "loan-outstanding",
    ));
    facts.push((t(lang, Msg::LoanPaidTotal), money(loan.paid), "loan-paid"));
    if loan.credit.0 > 0 {
        facts.push((t(lang, Msg::LoanCredit), money(loan.credit), "loan-credit"));
    }
    facts.push((
        t(lang, Msg::CalcMethod),
        t(lang, method_label(loan.method)).to_owned(),
        "loan-method",
    ));
    facts
        .into_iter()
        .map(|(k, v, id)| view! { <dt>{k}</dt><dd data-testid=id>{v}</dd> })
        .collect::<Vec<_>>()
}

/// The loan's part of the page.
pub(super) fn section(
    lang: Lang,
    loan: &LoanView,
    lender: bool,
    action: &str,
    version: i32,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let money = |t: Tiyn| format_kzt(lang, t);
    let facts = facts(lang, loan);
    let rows = loan
        .instalments
        .iter()
        .map(|i| {
            let label = t(lang, status_label(i.status));
            view! {
                <tr data-testid=format!("instalment-{}", i.number) data-status=format!("{:?}", i.status)>
                    <td class="num">{i.number}</td>
                    <td>{format_date(lang, i.due_on)}</td>
                    <td class="num">{money(Tiyn(i.principal.0 + i.interest.0))}</td>
                    <td class="num">{money(i.paid)}</td>
                    <td><span class=status_class(i.status)>{label}</span></td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let payments = loan
        .repayments
        .iter()
        .map(|r| {
            let note = match (&r.reverses, r.reversed) {
                (Some(of), _) => tf(lang, Msg::LoanReversalOf, &[("reference", of)]),
                (None, true) => t(lang, Msg::LoanReversed).to_owned(),
                (None, false) => String::new(),
            };
            view! {
                <tr>
                    <td>{format_date(lang, r.paid_on)}</td>
                    <td>{r.reference.clone()}</td>
                    <td class="num">{money(r.amount)}</td>
                    <td>{note}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let history = (!payments.is_empty()).then(|| {
        view! {
            <h3>{t(lang, Msg::LoanRepayments)}</h3>
            <div class="table-scroll" tabindex="0">
                <table class="table" data-testid="repayments">
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::LoanPaidOn)}</th>
                        <th scope="col">{t(lang, Msg::LoanReference)}</th>
                        <th scope="col" class="num">{t(lang, Msg::LoanAmount)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{payments}</tbody>
                </table>
            </div>
        }
    });
    let open = [
        "repaid_reference",
        "repaid_on",
        "repaid_amount",
        "repaid_reverses",
    ]
    .iter()
    .any(|f| err(f).is_some());
    let form = lender.then(|| {
        view! {
            <details class="op-form" open=open>
                <summary>{t(lang, Msg::LoanRecord)}</summary>
                <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="form-repayment">
                    <input type="hidden" name="version" value=version />
                    {field(lang, "repaid_reference", Msg::LoanReference, "text", None, err)}
                    {field(lang, "repaid_on", Msg::LoanPaidOn, "date", Some(loan.as_of.to_string()), err)}
                    {field(lang, "repaid_amount", Msg::LoanAmountTenge, "text", None, err)}
                    {field(lang, "repaid_reverses", Msg::LoanReversesHint, "text", None, err)}
                    <div class="actions">
                        <button type="submit" name="action" value="repayment" class="button" data-testid="op-repayment">{t(lang, Msg::LoanRecord)}</button>
                    </div>
                </form>
            </details>
        }
    });
    view! {
        <section aria-labelledby="loan" class="loan" data-testid="loan">
            <h2 id="loan">{t(lang, Msg::LoanTitle)}</h2>
            <dl class="facts">{facts}</dl>
            <h3>{t(lang, Msg::LoanSchedule)}</h3>
            <div class="table-scroll" tabindex="0">
                <table class="table" data-testid="schedule">
                    <thead><tr>
                        <th scope="col" class="num">"№"</th>
                        <th scope="col">{t(lang, Msg::LoanDueOn)}</th>
                        <th scope="col" class="num">{t(lang, Msg::LoanPayment)}</th>
                        <th scope="col" class="num">{t(lang, Msg::LoanPaid)}</th>
                        <th scope="col">{t(lang, Msg::LoanStatus)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {history}
            {form}
        </section>
    }
}
