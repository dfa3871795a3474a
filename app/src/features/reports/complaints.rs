//! The okrug report's residents' complaints: how many about operators and about the akimat,
//! the share answered in time and the median days to an answer. Never a complaint's text or
//! its author. Nothing where none was filed; one line in print (one A4 page).

use leptos::prelude::*;

use super::{days, pct, shown};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::report::{PublicComplaints, Shown};

/// The section, or `None` when no complaint was counted.
pub(super) fn section(lang: Lang, c: &PublicComplaints, print: bool) -> Option<AnyView> {
    if c.operator == Shown::Value(0) && c.akimat == Shown::Value(0) {
        return None;
    }
    if print {
        let text = tf(
            lang,
            Msg::RepComplaintsLine,
            &[
                ("operator", &shown(lang, c.operator)),
                ("akimat", &shown(lang, c.akimat)),
                ("on_time", &pct(lang, c.on_time_share)),
            ],
        );
        return Some(
            view! { <p class="report-note" data-testid="report-complaints">{text}</p> }.into_any(),
        );
    }
    Some(
        view! {
            <section aria-labelledby="complaints-h" data-testid="report-complaints">
                <h2 id="complaints-h">{t(lang, Msg::RepComplaints)}</h2>
                <dl class="facts report-facts">
                    <dt>{t(lang, Msg::RepComplaintsOperator)}</dt><dd data-testid="complaints-operator">{shown(lang, c.operator)}</dd>
                    <dt>{t(lang, Msg::RepComplaintsAkimat)}</dt><dd data-testid="complaints-akimat">{shown(lang, c.akimat)}</dd>
                    <dt>{t(lang, Msg::RepComplaintsOnTime)}</dt><dd data-testid="complaints-on-time">{pct(lang, c.on_time_share)}</dd>
                    <dt>{t(lang, Msg::RepComplaintsMedian)}</dt><dd>{days(lang, c.median_days)}</dd>
                </dl>
                <p class="muted">{t(lang, Msg::RepComplaintsNote)}</p>
            </section>
        }
        .into_any(),
    )
}
