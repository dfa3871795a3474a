//! The report's part after the money: how the loans paid out in the area are being repaid,
//! overall and by what the akimat said of the application — whether a recommendation means
//! something.

use leptos::prelude::*;

use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::report::{AfterMoney, LoanFigures, Shown};

fn count(lang: Lang, s: Shown) -> String {
    match s {
        Shown::Value(v) => crate::domain::i18n::group_digits(lang, i128::from(v)),
        Shown::FewerThan3 => t(lang, Msg::RepFewerThan3).to_owned(),
    }
}

fn share(lang: Lang, v: Option<u32>) -> String {
    v.map_or_else(
        || t(lang, Msg::RepTooFew).to_owned(),
        |v| format!("{v}\u{a0}%"),
    )
}

fn par(lang: Lang, v: Option<i64>) -> String {
    let sep = if lang == Lang::En { "." } else { "," };
    v.map_or_else(
        || t(lang, Msg::RepTooFew).to_owned(),
        |b| format!("{}{sep}{}\u{a0}%", b / 100, (b % 100) / 10),
    )
}

fn cells(lang: Lang, l: &LoanFigures) -> impl IntoView + use<> {
    view! {
        <td>{count(lang, l.loans)}</td>
        <td>{share(lang, l.repaid_on_time_pct)}</td>
        <td>{par(lang, l.par30_bps)}</td>
        <td>{count(lang, l.jobs_created)}</td>
        <td>{share(lang, l.use_of_funds_on_time_pct)}</td>
    }
}

/// The section; in the one-page print view, its overall figures in one line.
pub(super) fn section(lang: Lang, m: &AfterMoney, print: bool) -> AnyView {
    if print {
        let a = &m.all;
        let line = [
            (t(lang, Msg::RepLoans), count(lang, a.loans)),
            (t(lang, Msg::RepOnTime), share(lang, a.repaid_on_time_pct)),
            (t(lang, Msg::RepPar30), par(lang, a.par30_bps)),
            (t(lang, Msg::RepJobsCreated), count(lang, a.jobs_created)),
            (
                t(lang, Msg::RepFundsOnTime),
                share(lang, a.use_of_funds_on_time_pct),
            ),
        ]
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(" · ");
        return view! {
            <section aria-labelledby="money-h" data-testid="after-money">
                <h2 id="money-h">{t(lang, Msg::RepAfterMoney)}</h2>
                <p>{line}</p>
            </section>
        }
        .into_any();
    }
    let rows = m
        .by_said
        .iter()
        .map(|(said, l)| {
            view! {
                <tr data-said=said.as_str()>
                    <th scope="row">{said.label(lang)}</th>
                    {cells(lang, l)}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="money-h" data-testid="after-money">
            <h2 id="money-h">{t(lang, Msg::RepAfterMoney)}</h2>
            <p class="muted">{tf(lang, Msg::RepAfterMoneyLead, &[("date", &crate::domain::i18n::format_date(lang, m.as_of))])}</p>
            <div class="table-scroll" tabindex="0"><table data-testid="loan-outcomes">
                <thead><tr>
                    <th scope="col">{t(lang, Msg::RepSaid)}</th>
                    <th scope="col">{t(lang, Msg::RepLoans)}</th>
                    <th scope="col">{t(lang, Msg::RepOnTime)}</th>
                    <th scope="col">{t(lang, Msg::RepPar30)}</th>
                    <th scope="col">{t(lang, Msg::RepJobsCreated)}</th>
                    <th scope="col">{t(lang, Msg::RepFundsOnTime)}</th>
                </tr></thead>
                <tbody>
                    <tr data-said="all" class="total">
                        <th scope="row">{t(lang, Msg::RepAllLoans)}</th>
                        {cells(lang, &m.all)}
                    </tr>
                    {rows}
                </tbody>
            </table></div>
        </section>
    }
    .into_any()
}
