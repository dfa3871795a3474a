//! `/okrugs` (the country's report and the okrug picker), `/okrugs/{kato}` (an okrug's,
//! district's or region's report; `kz` is the country) and `?print=1` (the one-page print
//! version). Everything is server-rendered: the charts are SVG with the same figures in a table
//! beside them, so the report reads without JavaScript, on paper and to a screen reader.

pub mod api;
mod complaints;
mod money;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::PageTitle;
use crate::components::form::query_param;
use crate::components::layout::use_lang;
use crate::domain::application::State;
use crate::domain::i18n::group_digits;
use crate::domain::i18n::{Lang, Msg, format_date, month_name, pick, t, tf};
use crate::domain::report::{
    self, AreaHit, AreaLevel, COUNTRY, MonthRow, PublicAppeals, PublicFigures, Report, Shown,
    Workspace,
};

/// `/okrugs`: the country's report, with the picker's results when `q` is given.
#[component]
pub fn OkrugsPage() -> impl IntoView {
    view! { <ReportPage area=None /> }
}

/// `/okrugs/{kato}`.
#[component]
pub fn AreaPage() -> impl IntoView {
    let raw = use_params_map().with_untracked(|p| p.get("kato").unwrap_or_default());
    let area = (raw != COUNTRY).then_some(raw);
    view! { <ReportPage area /> }
}

#[component]
fn ReportPage(area: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let print = query_param("print").is_some_and(|v| v == "1");
    let q = query_param("q").unwrap_or_default();
    let picker_q = q.clone();
    let content = Suspend::new(async move {
        match api::area_report(area).await {
            Ok(r) => view! { <ReportView lang report=r print /> }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any(),
        }
    });
    let hits = Suspend::new(async move {
        if q.trim().is_empty() {
            return ().into_any();
        }
        match api::find_areas(q.clone()).await {
            Ok(hits) => view! { <Hits lang hits q /> }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.message(lang)}</p> }
                .into_any(),
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::RepTitle) />
        <div class=if print { "page report report-print" } else { "page report" }>
            {(!print).then(|| view! {
                <form class="picker" method="get" action="/okrugs" role="search">
                    <label for="area-q">{t(lang, Msg::RepPickerLabel)}</label>
                    <div class="picker-row">
                        <input id="area-q" name="q" type="search" value=picker_q maxlength="100"
                            autocomplete="off" placeholder=t(lang, Msg::RepPickerPlaceholder) />
                        <button type="submit">{t(lang, Msg::RepPickerButton)}</button>
                    </div>
                </form>
                <Suspense fallback=|| ()>{hits}</Suspense>
            })}
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

#[component]
fn Hits(lang: Lang, hits: Vec<AreaHit>, q: String) -> impl IntoView {
    if hits.is_empty() {
        return view! {
            <p class="notice" role="status">{tf(lang, Msg::RepPickerNone, &[("q", &q)])}</p>
        }
        .into_any();
    }
    let rows = hits
        .into_iter()
        .map(|h| {
            view! {
                <li>
                    <a href=h.area.href()>{h.area.name(lang).to_owned()}</a>
                    " " <small>{h.within}</small>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="picker-hits" aria-label=t(lang, Msg::RepPickerResults)>
            <ul>{rows}</ul>
        </section>
    }
    .into_any()
}

/// A published count in words: the number, or "fewer than 3".
fn shown(lang: Lang, s: Shown) -> String {
    match s {
        Shown::Value(v) => group_digits(lang, i128::from(v)),
        Shown::FewerThan3 => t(lang, Msg::RepFewerThan3).to_owned(),
    }
}

fn money(lang: Lang, s: Shown) -> String {
    match s {
        Shown::Value(v) => format!("{}\u{a0}₸", group_digits(lang, i128::from(v))),
        Shown::FewerThan3 => t(lang, Msg::RepFewerThan3).to_owned(),
    }
}

fn pct(lang: Lang, v: Option<u32>) -> String {
    v.map_or_else(
        || t(lang, Msg::RepTooFew).to_owned(),
        |v| format!("{v}\u{a0}%"),
    )
}

fn days(lang: Lang, v: Option<u32>) -> String {
    v.map_or_else(
        || t(lang, Msg::RepTooFew).to_owned(),
        |v| tf(lang, Msg::RepDays, &[("n", &v.to_string())]),
    )
}

fn level_label(lang: Lang, level: AreaLevel) -> &'static str {
    t(
        lang,
        match level {
            AreaLevel::Country => Msg::RepLevelCountry,
            AreaLevel::Region => Msg::RepLevelRegion,
            AreaLevel::District => Msg::RepLevelDistrict,
            AreaLevel::Okrug => Msg::RepLevelOkrug,
        },
    )
}

/// `2026-11` → ("ноябрь 2026", "ноя").
fn month_label(lang: Lang, key: &str) -> (String, String) {
    let parsed = key
        .split_once('-')
        .and_then(|(y, m)| Some((y, m.parse::<usize>().ok()?.checked_sub(1)?)))
        .filter(|(_, m)| *m < 12);
    let Some((year, m)) = parsed else {
        return (key.to_owned(), key.to_owned());
    };
    let name = month_name(lang, m);
    (format!("{name} {year}"), name.chars().take(3).collect())
}

#[component]
fn ReportView(lang: Lang, report: Report, print: bool) -> impl IntoView {
    let r = report;
    view! {
        {report_header(lang, &r, print)}
        {funnel_section(lang, &r.figures)}
        {stages_section(lang, &r.figures)}
        {r.figures.appeals.as_ref().and_then(|a| appeals_section(lang, a, print))}
        {r.figures.complaints.as_ref().and_then(|c| complaints::section(lang, c, print))}
        {recommendations_section(lang, &r)}
        {r.after_money.as_ref().map(|m| money::section(lang, m, print))}
        {months_section(lang, &r.months, print)}
        {programs_section(lang, &r, print)}
        {comparison_section(lang, &r)}
        {children_section(lang, &r, print)}
        <p class="muted report-note">{t(lang, Msg::RepPrivacy)}</p>
    }
}

/// Where the area sits, its name, the date of the figures, and the downloads.
fn report_header(lang: Lang, r: &Report, print: bool) -> impl IntoView + use<> {
    let area_id = r
        .area
        .code
        .as_ref()
        .map_or(COUNTRY.to_owned(), ToString::to_string);
    let as_of = chrono::DateTime::parse_from_rfc3339(&r.as_of)
        .map(|d| format_date(lang, d.date_naive()))
        .unwrap_or_default();
    let name = r.area.name(lang).to_owned();
    let crumbs = {
        let mut c = vec![view! { <a href="/okrugs">{t(lang, Msg::RepCountry)}</a> }.into_any()];
        for up in &r.within {
            c.push(view! { " › " <a href=up.href()>{up.name(lang).to_owned()}</a> }.into_any());
        }
        c
    };
    let subtitle = match &r.area.code {
        Some(code) => format!(
            "{} · {} {} · {}",
            level_label(lang, r.area.level),
            t(lang, Msg::RepKato),
            code,
            tf(lang, Msg::RepAsOf, &[("date", &as_of)])
        ),
        None => format!(
            "{} · {}",
            level_label(lang, r.area.level),
            tf(lang, Msg::RepAsOf, &[("date", &as_of)])
        ),
    };
    let base = format!("/okrugs/{area_id}");
    view! {
        <nav class="crumbs" aria-label=t(lang, Msg::RepWithin)>{crumbs}</nav>
        <h1>{tf(lang, Msg::RepHeading, &[("name", &name)])}</h1>
        <p class="muted">{subtitle}</p>
        {(!print).then(|| view! {
            <p class="report-actions">
                <a href=format!("{base}?print=1")>{t(lang, Msg::RepPrint)}</a>
                " · " <a href=format!("{base}/data.csv") download="">{t(lang, Msg::RepCsv)}</a>
                " · " <a href=format!("{base}/data.json")>{t(lang, Msg::RepJson)}</a>
                " · " <a href=format!("{base}/data-v2.csv") download="">{t(lang, Msg::RepCsvV2)}</a>
                " · " <a href="/okrugs/open-data">{t(lang, Msg::RepSchema)}</a>
            </p>
        })}
    }
}

/// The funnel from registration to payment, and the money.
fn funnel_section(lang: Lang, f: &PublicFigures) -> impl IntoView + use<> {
    let funnel = [
        (Msg::RepRegistered, f.registered),
        (Msg::RepApplied, f.applied),
        (Msg::RepRecommended, f.recommended),
        (Msg::RepApproved, f.approved),
        (Msg::RepDisbursed, f.disbursed),
    ];
    view! {
        <section aria-labelledby="funnel-h" class="funnel">
            <h2 id="funnel-h">{t(lang, Msg::RepFunnel)}</h2>
            <Funnel lang steps=funnel.to_vec() />
            <dl class="facts report-facts">
                <dt>{t(lang, Msg::RepApprovedKzt)}</dt><dd data-testid="approved-kzt">{money(lang, f.approved_kzt)}</dd>
                <dt>{t(lang, Msg::RepDisbursedKzt)}</dt><dd data-testid="disbursed-kzt">{money(lang, f.disbursed_kzt)}</dd>
                <dt>{t(lang, Msg::RepJobs)}</dt><dd data-testid="jobs">{shown(lang, f.jobs_planned)}</dd>
                <dt>{t(lang, Msg::RepApprovalRate)}</dt><dd>{pct(lang, f.approval_rate)}</dd>
                <dt>{t(lang, Msg::RepRecommendedShare)}</dt><dd data-testid="recommended-share">{pct(lang, f.recommended_share)}</dd>
                <dt>{t(lang, Msg::RepOutcomeRejected)}</dt><dd>{shown(lang, f.rejected)}</dd>
                <dt>{t(lang, Msg::RepOutcomePending)}</dt><dd>{shown(lang, f.pending)}</dd>
            </dl>
        </section>
    }
}

/// How long each stage takes.
fn stages_section(lang: Lang, f: &PublicFigures) -> impl IntoView + use<> {
    view! {
        <section aria-labelledby="stages-h">
            <h2 id="stages-h">{t(lang, Msg::RepStages)}</h2>
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::RepStage)}</th>
                    <th scope="col">{t(lang, Msg::RepMedian)}</th>
                    <th scope="col">{t(lang, Msg::RepP90)}</th>
                    <th scope="col">{t(lang, Msg::RepApplications)}</th>
                </tr></thead>
                <tbody>
                    {f.stages.iter().map(|s| view! {
                        <tr>
                            <th scope="row">{s.stage.label(lang)}</th>
                            <td>{days(lang, s.median_days)}</td>
                            <td>{days(lang, s.p90_days)}</td>
                            <td>{shown(lang, s.count)}</td>
                        </tr>
                    }).collect::<Vec<_>>()}
                </tbody>
            </table></div>
        </section>
    }
}

/// Appeals against refusals: how many, how they ended, how long a decision took. Counts only:
/// never who appealed or why. Nothing where none was filed; one line in print (the report
/// keeps to one A4 page).
fn appeals_section(lang: Lang, a: &PublicAppeals, print: bool) -> Option<AnyView> {
    if a.filed == Shown::Value(0) {
        return None;
    }
    if print {
        return Some(
            view! {
                <p class="report-note" data-testid="report-appeals">
                    <strong>{t(lang, Msg::RepAppeals)}</strong> ": "
                    {t(lang, Msg::RepAppealsFiled)} " " {shown(lang, a.filed)} "; "
                    {t(lang, Msg::ApOverturned)} " " {shown(lang, a.overturned)} "; "
                    {t(lang, Msg::ApUpheld)} " " {shown(lang, a.upheld)} "; "
                    {t(lang, Msg::RepAppealsMedian)} " " {days(lang, a.median_days)}
                </p>
            }
            .into_any(),
        );
    }
    Some(view! {
        <section aria-labelledby="appeals-h" data-testid="report-appeals">
            <h2 id="appeals-h">{t(lang, Msg::RepAppeals)}</h2>
            <dl class="facts report-facts">
                <dt>{t(lang, Msg::RepAppealsFiled)}</dt><dd data-testid="appeals-filed">{shown(lang, a.filed)}</dd>
                <dt>{t(lang, Msg::ApOverturned)}</dt><dd data-testid="appeals-overturned">{shown(lang, a.overturned)}</dd>
                <dt>{t(lang, Msg::ApUpheld)}</dt><dd data-testid="appeals-upheld">{shown(lang, a.upheld)}</dd>
                <dt>{t(lang, Msg::ApOpen)}</dt><dd>{shown(lang, a.open)}</dd>
                <dt>{t(lang, Msg::RepAppealsMedian)}</dt><dd>{days(lang, a.median_days)}</dd>
            </dl>
        </section>
    }
    .into_any())
}

/// What came of the akimat's recommendations, and who gave them.
fn recommendations_section(lang: Lang, r: &Report) -> impl IntoView + use<> {
    let f = &r.figures;
    view! {
        <section aria-labelledby="recs-h">
            <h2 id="recs-h">{t(lang, Msg::RepRecommendations)}</h2>
            <div class="table-scroll" tabindex="0"><table data-testid="outcomes">
                <thead><tr>
                    <th scope="col">{t(lang, Msg::RepSaid)}</th>
                    <th scope="col">{t(lang, Msg::RepApplied)}</th>
                    <th scope="col">{t(lang, Msg::RepApproved)}</th>
                    <th scope="col">{t(lang, Msg::RepOutcomeRejected)}</th>
                    <th scope="col">{t(lang, Msg::RepOutcomePending)}</th>
                    <th scope="col">{t(lang, Msg::RepApprovalRate)}</th>
                </tr></thead>
                <tbody>
                    {f.outcomes.iter().map(|o| view! {
                        <tr data-said=o.said.as_str()>
                            <th scope="row">{o.said.label(lang)}</th>
                            <td>{shown(lang, o.applied)}</td>
                            <td>{shown(lang, o.approved)}</td>
                            <td>{shown(lang, o.rejected)}</td>
                            <td>{shown(lang, o.pending)}</td>
                            <td>{pct(lang, o.approval_rate)}</td>
                        </tr>
                    }).collect::<Vec<_>>()}
                </tbody>
            </table></div>
            {(!r.recommenders.is_empty()).then(|| view! {
                <ul class="recommenders" data-testid="recommenders">
                    {r.recommenders.iter().map(|who| {
                        let name = if who.akim {
                            tf(lang, Msg::RepAkimNamed, &[("name", &who.name)])
                        } else {
                            t(lang, Msg::RepAkimatStaff).to_owned()
                        };
                        view! {
                            <li>
                                <strong>{name}</strong> ": "
                                {tf(lang, Msg::RepRecommenderLine, &[
                                    ("yes", &shown(lang, who.recommended)),
                                    ("no", &shown(lang, who.not_recommended)),
                                    ("share", &pct(lang, who.share)),
                                ])}
                            </li>
                        }
                    }).collect::<Vec<_>>()}
                </ul>
            })}
        </section>
    }
}

/// Month by month, as a chart and as a table.
fn months_section(lang: Lang, months: &[MonthRow], print: bool) -> impl IntoView + use<> {
    view! {
        <section aria-labelledby="months-h">
            <h2 id="months-h">{t(lang, Msg::RepMonths)}</h2>
            <Months lang months=months.to_vec() />
            <details class="report-table" open=!print>
                <summary>{t(lang, Msg::RepAsTable)}</summary>
                <div class="table-scroll" tabindex="0"><table>
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::RepMonth)}</th>
                        <th scope="col">{t(lang, Msg::RepApplied)}</th>
                        <th scope="col">{t(lang, Msg::RepApproved)}</th>
                        <th scope="col">{t(lang, Msg::RepDisbursedKzt)}</th>
                    </tr></thead>
                    <tbody>
                        {months.iter().map(|m| view! {
                            <tr>
                                <th scope="row">{month_label(lang, &m.month).0}</th>
                                <td>{shown(lang, m.applied)}</td>
                                <td>{shown(lang, m.approved)}</td>
                                <td>{money(lang, m.disbursed_kzt)}</td>
                            </tr>
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table></div>
            </details>
        </section>
    }
}

/// The most used programmes.
fn programs_section(lang: Lang, r: &Report, print: bool) -> impl IntoView + use<> {
    view! {
        <section aria-labelledby="programs-h">
            <h2 id="programs-h">{t(lang, Msg::RepPrograms)}</h2>
            {if r.programs.is_empty() {
                view! { <p>{t(lang, Msg::RepNoApplications)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0"><table>
                        <thead><tr>
                            <th scope="col">{t(lang, Msg::RepProgram)}</th>
                            <th scope="col">{t(lang, Msg::RepApplied)}</th>
                            <th scope="col">{t(lang, Msg::RepApproved)}</th>
                            <th scope="col">{t(lang, Msg::RepDisbursedKzt)}</th>
                        </tr></thead>
                        <tbody>
                            // On paper the three most used fit; the screen lists five.
                            {r.programs.iter().take(if print { 3 } else { report::TOP_PROGRAMS }).map(|p| view! {
                                <tr>
                                    <th scope="row"><a href=format!("/programs/{}", p.slug)>{pick(lang, &p.title_ru, &p.title_kk).to_owned()}</a></th>
                                    <td>{shown(lang, p.applied)}</td>
                                    <td>{shown(lang, p.approved)}</td>
                                    <td>{money(lang, p.disbursed_kzt)}</td>
                                </tr>
                            }).collect::<Vec<_>>()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

/// The area beside its peers.
fn comparison_section(lang: Lang, r: &Report) -> impl IntoView + use<> {
    view! {
        {(r.comparison.len() > 1).then(|| view! {
            <section aria-labelledby="compare-h">
                <h2 id="compare-h">{t(lang, Msg::RepComparison)}</h2>
                <div class="table-scroll" tabindex="0"><table data-testid="comparison">
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::RepArea)}</th>
                        <th scope="col">{t(lang, Msg::RepPer100)}</th>
                        <th scope="col">{t(lang, Msg::RepApprovalRate)}</th>
                        <th scope="col">{t(lang, Msg::RepRecommendedShare)}</th>
                        <th scope="col">{t(lang, Msg::RepReviewMedian)}</th>
                    </tr></thead>
                    <tbody>
                        {r.comparison.iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.area.name(lang).to_owned()}</th>
                                <td>{c.applied_per_100.map_or_else(|| t(lang, Msg::RepTooFew).to_owned(), |v| v.to_string())}</td>
                                <td>{pct(lang, c.approval_rate)}</td>
                                <td>{pct(lang, c.recommended_share)}</td>
                                <td>{days(lang, c.median_review_days)}</td>
                            </tr>
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table></div>
            </section>
        })}
    }
}

/// The areas within this one.
fn children_section(lang: Lang, r: &Report, print: bool) -> impl IntoView + use<> {
    view! {
        {(!print && !r.children.is_empty()).then(|| view! {
            <section aria-labelledby="children-h">
                <h2 id="children-h">{t(lang, match r.area.level {
                    AreaLevel::Country => Msg::RepChildrenRegions,
                    AreaLevel::Region => Msg::RepChildrenDistricts,
                    _ => Msg::RepChildrenOkrugs,
                })}</h2>
                <div class="table-scroll" tabindex="0"><table data-testid="children">
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::RepArea)}</th>
                        <th scope="col">{t(lang, Msg::RepRegistered)}</th>
                        <th scope="col">{t(lang, Msg::RepApplied)}</th>
                        <th scope="col">{t(lang, Msg::RepRecommended)}</th>
                        <th scope="col">{t(lang, Msg::RepApproved)}</th>
                        <th scope="col">{t(lang, Msg::RepDisbursedKzt)}</th>
                    </tr></thead>
                    <tbody>
                        {r.children.iter().map(|c| view! {
                            <tr>
                                <th scope="row"><a href=c.area.href()>{c.area.name(lang).to_owned()}</a></th>
                                <td>{shown(lang, c.registered)}</td>
                                <td>{shown(lang, c.applied)}</td>
                                <td>{shown(lang, c.recommended)}</td>
                                <td>{shown(lang, c.approved)}</td>
                                <td>{money(lang, c.disbursed_kzt)}</td>
                            </tr>
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table></div>
            </section>
        })}
    }
}

/// The funnel as horizontal bars, each labelled with its figure; the bars are decoration for
/// the numbers written beside them.
#[component]
fn Funnel(lang: Lang, steps: Vec<(Msg, Shown)>) -> impl IntoView {
    // Drawn at a phone's width, so that it reads at 1:1 there: each step's name on its own
    // line above its bar, the figure at the bar's end.
    const W: i64 = 360;
    const ROW: i64 = 44;
    const ROOM: i64 = 80;
    let max = steps
        .iter()
        .filter_map(|(_, s)| s.value())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW * steps.len() as i64;
    let summary = steps
        .iter()
        .map(|(m, s)| format!("{}: {}", t(lang, *m), shown(lang, *s)))
        .collect::<Vec<_>>()
        .join("; ");
    let label = summary.clone();
    let bars = steps
        .iter()
        .enumerate()
        .map(|(i, (m, s))| {
            let y = ROW * i as i64;
            let width = s
                .value()
                .map_or(2, |v| ((W - ROOM) * v / max).max(i64::from(v > 0) * 2));
            view! {
                <g data-step=i.to_string()>
                    <text x="0" y=(y + 15).to_string() class="chart-label">{t(lang, *m)}</text>
                    <rect x="0" y=(y + 21).to_string() width=width.to_string() height="16" class=format!("bar bar-{i}") />
                    <text x=(width + 6).to_string() y=(y + 34).to_string() class="chart-value">{shown(lang, *s)}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {height}") role="img" aria-label=label data-testid="funnel">
                <title>{summary}</title>
                {bars}
            </svg>
        </figure>
    }
}

/// Applications and approvals by month as paired columns.
#[component]
fn Months(lang: Lang, months: Vec<crate::domain::report::MonthRow>) -> impl IntoView {
    const H: i64 = 120;
    const COL: i64 = 30;
    let max = months
        .iter()
        .flat_map(|m| [m.applied.value(), m.approved.value()])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1);
    let bar = |v: Shown| v.value().map_or(2, |v| (H - 20) * v / max);
    let summary = months
        .iter()
        .map(|m| {
            format!(
                "{}: {} / {}",
                month_label(lang, &m.month).0,
                shown(lang, m.applied),
                shown(lang, m.approved)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let label = summary.clone();
    let cols = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = COL * i as i64 + 4;
            let (a, b) = (bar(m.applied), bar(m.approved));
            let short = month_label(lang, &m.month).1;
            view! {
                <g>
                    <rect x=x.to_string() y=(H - a).to_string() width="12" height=a.to_string() class="bar bar-1" />
                    <rect x=(x + 13).to_string() y=(H - b).to_string() width="12" height=b.to_string() class="bar bar-3" />
                    <text x=(x + 12).to_string() y=(H + 16).to_string() text-anchor="middle" class="chart-axis">{short}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {}", COL * months.len() as i64 + 8, H + 22) role="img" aria-label=label>
                <title>{summary}</title>
                {cols}
            </svg>
            <figcaption>
                <span class="key key-1"></span> {t(lang, Msg::RepApplied)} " "
                <span class="key key-3"></span> {t(lang, Msg::RepApproved)}
            </figcaption>
        </figure>
    }
}

/// `/okrugs/open-data`: what the CSV and JSON files hold.
#[component]
pub fn OpenDataPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <PageTitle text=t(lang, Msg::RepSchema) />
        <div class="page narrow prose">
            <h1>{t(lang, Msg::RepSchema)}</h1>
            <p>{t(lang, Msg::RepSchemaIntro)}</p>
            <pre>"area_code,level,measure,key,value"</pre>
            <p>{t(lang, Msg::RepSchemaColumns)}</p>
            <p>{t(lang, Msg::RepPrivacy)}</p>
            <p><a href="/okrugs/kz/data.csv">"/okrugs/kz/data.csv"</a> " · " <a href="/okrugs/kz/data.json">"/okrugs/kz/data.json"</a></p>
            <h2>"auyl-report/2"</h2>
            <p>{t(lang, Msg::RepSchemaV2)}</p>
            <p>{t(lang, Msg::RepSchemaAppeals)}</p>
            <p><a href="/okrugs/kz/data-v2.csv">"/okrugs/kz/data-v2.csv"</a> " · " <a href="/okrugs/kz/data-v2.json">"/okrugs/kz/data-v2.json"</a></p>
        </div>
    }
}

/// The akimat's workspace at the top of `/akimat`: the okrug's figures unrounded, and what
/// needs attention.
#[component]
pub fn WorkspaceView(lang: Lang, w: Workspace) -> impl IntoView {
    let f = &w.figures;
    let name = w.area.name(lang).to_owned();
    let public = w.area.href();
    let n = |v: u64| group_digits(lang, i128::from(v));
    let kzt = |v: i64| format!("{}\u{a0}₸", group_digits(lang, i128::from(v)));
    let states = State::ALL
        .into_iter()
        .filter(|s| *s != State::Draft)
        .map(|s| {
            let count = f.by_state.get(s.as_str()).copied().unwrap_or(0);
            view! { <li data-state=s.as_str()>{s.label(lang)} ": " <strong>{n(count)}</strong></li> }
        })
        .collect::<Vec<_>>();
    let stages = w
        .stages
        .iter()
        .map(|(s, v)| {
            view! {
                <tr>
                    <th scope="row">{s.label(lang)}</th>
                    <td>{days(lang, v.median_days)}</td>
                    <td>{n(v.count)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let stuck = if w.stuck.is_empty() {
        view! { <p>{t(lang, Msg::WsStuckNone)}</p> }.into_any()
    } else {
        view! {
            <ul class="applications" data-testid="stuck">
                {w.stuck.iter().map(|s| view! {
                    <li>
                        <a href=format!("/applications/{}", s.application_id)>
                            {tf(lang, Msg::AppTitle, &[("id", &s.application_id.to_string())])}
                        </a>
                        " — " {pick(lang, &s.program_title_ru, &s.program_title_kk).to_owned()}
                        " · " {s.state.label(lang)} " · "
                        <strong>{tf(lang, Msg::WsStuckDays, &[("n", &s.days.to_string()), ("usual", &s.usual_days.to_string())])}</strong>
                    </li>
                }).collect::<Vec<_>>()}
            </ul>
        }
        .into_any()
    };
    let rejections = if w.rejections.is_empty() {
        view! { <p>{t(lang, Msg::WsRejectionsNone)}</p> }.into_any()
    } else {
        view! {
            <ul>
                {w.rejections.iter().map(|(reason, count)| view! {
                    <li>{reason.clone()} " — " <strong>{n(*count)}</strong></li>
                }).collect::<Vec<_>>()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h1>{tf(lang, Msg::WsHeading, &[("name", &name)])}</h1>
        <p><a href=public>{t(lang, Msg::WsPublicReport)}</a></p>
        <section aria-labelledby="ws-figures-h" data-testid="workspace">
            <h2 id="ws-figures-h">{t(lang, Msg::WsFigures)}</h2>
            <dl class="facts report-facts">
                <dt>{t(lang, Msg::RepRegistered)}</dt><dd>{n(f.registered)}</dd>
                <dt>{t(lang, Msg::RepApplied)}</dt><dd data-testid="ws-applied">{n(f.applied)}</dd>
                <dt>{t(lang, Msg::RepRecommended)}</dt><dd data-testid="ws-recommended">{n(f.recommended)}</dd>
                <dt>{t(lang, Msg::RepApproved)}</dt><dd>{n(f.approved)}</dd>
                <dt>{t(lang, Msg::RepApprovedKzt)}</dt><dd>{kzt(f.approved_kzt)}</dd>
                <dt>{t(lang, Msg::RepDisbursedKzt)}</dt><dd>{kzt(f.disbursed_kzt)}</dd>
                <dt>{t(lang, Msg::RepJobs)}</dt><dd>{n(f.jobs_planned)}</dd>
            </dl>
            <h3>{t(lang, Msg::WsByState)}</h3>
            <ul class="by-state">{states}</ul>
            <h3>{t(lang, Msg::RepStages)}</h3>
            <div class="table-scroll" tabindex="0"><table>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::RepStage)}</th>
                    <th scope="col">{t(lang, Msg::RepMedian)}</th>
                    <th scope="col">{t(lang, Msg::RepApplications)}</th>
                </tr></thead>
                <tbody>{stages}</tbody>
            </table></div>
        </section>
        <section aria-labelledby="ws-stuck-h">
            <h2 id="ws-stuck-h">{t(lang, Msg::WsStuck)}</h2>
            {stuck}
        </section>
        <section aria-labelledby="ws-rejections-h">
            <h2 id="ws-rejections-h">{t(lang, Msg::WsRejections)}</h2>
            {rejections}
        </section>
    }
}
