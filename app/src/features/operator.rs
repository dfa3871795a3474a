//! `/operator`: the operator's review queue. Filters are a plain GET form (the view is its
//! address, so it can be bookmarked and sent to a colleague), counts per state link to each
//! state, lines past the programme's target time are marked, and a checked set of lines can be
//! assigned to a reviewer at once (`POST /operator/assign`). `/operator/queue.csv` exports the
//! view. Everything works without JavaScript.

use leptos::prelude::*;

use super::{request_query, set_status};
use crate::PageTitle;
use crate::components::form::{FormId, alert, form_error, query_param};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::application::State;
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::money::Tenge;
use crate::domain::queue::{OPEN, QueuePage, QueueQuery, States};
use crate::domain::recommendation::Verdict;
use crate::error::AppError;

/// One page of the signed-in operator's queue, for the view in `query` (a query string).
#[server(endpoint = "review_queue")]
pub async fn review_queue(query: String) -> Result<(QueueQuery, QueuePage), AppError> {
    use crate::domain::params::decode_query;
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let pairs = decode_query(&query)?;
        let q = QueueQuery::parse(&pairs)?;
        let page = services::review::queue(&st.db, who.as_ref(), &q, st.config.today()).await?;
        Ok((q, page))
    })
    .await
}

/// `/operator`.
#[component]
pub fn OperatorPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/operator");
    let error = form_error(FormId::Assign);
    if error.is_some() {
        set_status(400);
    }
    let assigned = query_param("done").is_some_and(|d| d == "assigned");
    let query = request_query();
    let content = Suspend::new(async move {
        let (q, page) = match review_queue(query).await {
            Ok(v) => v,
            Err(e) => {
                return view! { <p class="notice notice-error" role="alert" data-testid="queue-error">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let summary = alert(error.as_ref().map(|e| (e.message(lang), None)));
        view! {
            {summary}
            {assigned.then(|| view! { <p class="notice" role="status" data-testid="assigned">{t(lang, Msg::QueueAssigned)}</p> })}
            {appeals(lang, &page)}
            {filters(lang, &q, &page)}
            {counts(lang, &q, &page)}
            <p class="queue-total" data-testid="queue-total">
                {tf(lang, Msg::QueueTotal, &[("n", &page.total.to_string())])} " · "
                <a href=format!("/operator/queue.csv?{}", q.to_query(None)) download="queue.csv" data-testid="queue-csv">{t(lang, Msg::QueueCsv)}</a>
            </p>
            {table(lang, &q, &page)}
            {pager(lang, &q, page.total)}
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::QueueTitle) />
        <div class="page wide">
            <h1>{t(lang, Msg::QueueTitle)}</h1>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// The open appeals, the first due first; those past their day are tinted.
fn appeals(lang: Lang, page: &QueuePage) -> Option<impl IntoView + use<>> {
    if page.appeals.is_empty() {
        return None;
    }
    let lines = page
        .appeals
        .iter()
        .map(|a| {
            let id = a.application_id.to_string();
            view! {
                <li class:late=a.late data-testid="queue-appeal" data-late=a.late.to_string()>
                    <a href=format!("/applications/{id}")>{tf(lang, Msg::AppTitle, &[("id", &id)])}</a>
                    " · " {tf(lang, Msg::QueueAppealDue, &[("date", &format_date(lang, a.due_on))])}
                    {a.late.then(|| view! { " " <span class="badge badge-warn">{t(lang, Msg::ApLate)}</span> })}
                    {a.refused_by_me.then(|| view! { " " <span class="muted">{t(lang, Msg::QueueAppealNotYours)}</span> })}
                </li>
            }
        })
        .collect::<Vec<_>>();
    Some(view! {
        <section class="queue-appeals" aria-labelledby="queue-appeals" data-testid="queue-appeals">
            <h2 id="queue-appeals">{tf(lang, Msg::QueueAppeals, &[("n", &page.appeals.len().to_string())])}</h2>
            <ul>{lines}</ul>
        </section>
    })
}

fn select(
    id: &'static str,
    label: String,
    options: Vec<(String, String)>,
    chosen: &str,
) -> impl IntoView + use<> {
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let selected = value == chosen;
            view! { <option value=value selected=selected>{text}</option> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id>{options}</select>
        </div>
    }
}

fn filters(lang: Lang, q: &QueueQuery, page: &QueuePage) -> impl IntoView + use<> {
    let mut programs = vec![(String::new(), t(lang, Msg::QueueAnyProgram).to_owned())];
    programs.extend(
        page.programs
            .iter()
            .map(|(slug, ru, kk)| (slug.clone(), pick(lang, ru, kk).to_owned())),
    );
    let mut states = vec![
        ("open".to_owned(), t(lang, Msg::QueueOpenStates).to_owned()),
        ("all".to_owned(), t(lang, Msg::QueueAllStates).to_owned()),
    ];
    states.extend(
        State::ALL
            .into_iter()
            .filter(|s| *s != State::Draft)
            .map(|s| (s.as_str().to_owned(), s.label(lang).to_owned())),
    );
    let recommended = vec![
        ("any".to_owned(), t(lang, Msg::QueueAny).to_owned()),
        (
            "yes".to_owned(),
            t(lang, Msg::RecVerdictRecommend).to_owned(),
        ),
        (
            "no".to_owned(),
            t(lang, Msg::RecVerdictDoNotRecommend).to_owned(),
        ),
        (
            "none".to_owned(),
            t(lang, Msg::QueueNoRecommendation).to_owned(),
        ),
    ];
    let assigned = vec![
        ("any".to_owned(), t(lang, Msg::QueueAny).to_owned()),
        ("me".to_owned(), t(lang, Msg::QueueAssignedMe).to_owned()),
        (
            "nobody".to_owned(),
            t(lang, Msg::QueueUnassigned).to_owned(),
        ),
    ];
    let sorts = vec![
        (
            "waiting".to_owned(),
            t(lang, Msg::QueueSortWaiting).to_owned(),
        ),
        (
            "newest".to_owned(),
            t(lang, Msg::QueueSortNewest).to_owned(),
        ),
        (
            "amount".to_owned(),
            t(lang, Msg::QueueSortAmount).to_owned(),
        ),
    ];
    let rec_code = match q.recommended {
        None => "any",
        Some(crate::domain::queue::Recommended::Yes) => "yes",
        Some(crate::domain::queue::Recommended::No) => "no",
        Some(crate::domain::queue::Recommended::None) => "none",
    };
    let assigned_code = match q.assigned {
        crate::domain::queue::Assigned::Any => "any",
        crate::domain::queue::Assigned::Me => "me",
        crate::domain::queue::Assigned::Nobody => "nobody",
    };
    let sort_code = match q.sort {
        crate::domain::queue::Sort::Waiting => "waiting",
        crate::domain::queue::Sort::Newest => "newest",
        crate::domain::queue::Sort::Amount => "amount",
    };
    view! {
        <form method="get" action="/operator" class="queue-filters" data-testid="queue-filters">
            {select("program", t(lang, Msg::QueueProgram).to_owned(), programs, q.program.as_deref().unwrap_or_default())}
            {select("state", t(lang, Msg::QueueState).to_owned(), states, q.state_code())}
            <div class="field">
                <label for="area">{t(lang, Msg::QueueArea)}</label>
                <input id="area" name="area" inputmode="numeric" maxlength="9" value=q.area.as_ref().map(|a| a.as_str().to_owned()) />
            </div>
            {select("recommended", t(lang, Msg::QueueRecommended).to_owned(), recommended, rec_code)}
            {select("assigned", t(lang, Msg::QueueAssignedTo).to_owned(), assigned, assigned_code)}
            <div class="field">
                <label for="min_days">{t(lang, Msg::QueueMinDays)}</label>
                <input id="min_days" name="min_days" type="number" min="0" max="3650" value=q.min_days.map(|d| d.to_string()) />
            </div>
            {select("sort", t(lang, Msg::QueueSort).to_owned(), sorts, sort_code)}
            <div class="actions"><button type="submit" class="button" data-testid="queue-apply">{t(lang, Msg::QueueApply)}</button></div>
        </form>
    }
}

fn counts(lang: Lang, q: &QueueQuery, page: &QueuePage) -> impl IntoView + use<> {
    let items = page
        .counts
        .iter()
        .filter(|(s, n)| OPEN.contains(s) || *n > 0)
        .map(|(s, n)| {
            let mut view_of = q.clone();
            view_of.states = States::One(*s);
            let current = q.states == States::One(*s);
            view! {
                <li>
                    <a href=format!("/operator?{}", view_of.to_query(None)) aria-current=current.then_some("true") data-testid=format!("count-{}", s.as_str())>
                        {s.label(lang)} " " <strong>{n.to_string()}</strong>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! { <ul class="queue-counts" aria-label=t(lang, Msg::QueueCounts)>{items}</ul> }
}

fn table(lang: Lang, q: &QueueQuery, page: &QueuePage) -> AnyView {
    if page.rows.is_empty() {
        return view! { <p data-testid="queue-empty">{t(lang, Msg::QueueEmpty)}</p> }.into_any();
    }
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let id = r.id;
            let days = tf(lang, Msg::QueueDays, &[("n", &r.days.to_string())]);
            let late = r.overdue.then(|| {
                let text = match r.due_on {
                    Some(d) => tf(lang, Msg::QueueOverdueAnswer, &[("date", &format_date(lang, d))]),
                    None => tf(lang, Msg::QueueOverdue, &[("n", &r.target_days.to_string())]),
                };
                view! { <span class="queue-late">" · " {text}</span> }
            });
            let word = r.recommendation.map(|v| match v {
                Verdict::Recommend => t(lang, Msg::RecVerdictRecommend),
                Verdict::DoNotRecommend => t(lang, Msg::RecVerdictDoNotRecommend),
            });
            view! {
                <tr class:overdue=r.overdue data-testid="queue-row" data-id=id.to_string()>
                    <td><input type="checkbox" name="id" value=id.to_string() id=format!("pick-{id}") aria-label=tf(lang, Msg::QueuePick, &[("id", &id.to_string())]) /></td>
                    <td><a href=format!("/applications/{id}") data-testid="queue-open">{format!("№ {id}")}</a></td>
                    <td>{r.applicant.clone()}</td>
                    <td>{pick(lang, &r.program_ru, &r.program_kk).to_owned()}</td>
                    <td>{r.settlement.clone().unwrap_or_default()}</td>
                    <td class="num">{r.amount_kzt.map(|a| Tenge(a).format(lang)).unwrap_or_default()}</td>
                    <td>{r.state.label(lang)}</td>
                    <td>{days}{late}</td>
                    <td>{word.unwrap_or_default()}</td>
                    <td>{r.assignees.join(", ")}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let reviewers = page
        .reviewers
        .iter()
        .map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> })
        .collect::<Vec<_>>();
    view! {
        <form method="post" action="/operator/assign" data-testid="assign-form">
            <input type="hidden" name="back" value=q.to_query(Some(q.page)) />
            <div class="table-scroll" tabindex="0">
                <table class="queue" data-testid="queue">
                    <thead>
                        <tr>
                            <th scope="col"><span class="visually-hidden">{t(lang, Msg::QueuePickAll)}</span></th>
                            <th scope="col">"№"</th>
                            <th scope="col">{t(lang, Msg::QueueApplicant)}</th>
                            <th scope="col">{t(lang, Msg::QueueProgram)}</th>
                            <th scope="col">{t(lang, Msg::QueueSettlement)}</th>
                            <th scope="col">{t(lang, Msg::QueueAmount)}</th>
                            <th scope="col">{t(lang, Msg::QueueState)}</th>
                            <th scope="col">{t(lang, Msg::QueueWaiting)}</th>
                            <th scope="col">{t(lang, Msg::QueueRecommended)}</th>
                            <th scope="col">{t(lang, Msg::QueueReviewers)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="field queue-assign">
                <label for="reviewer">{t(lang, Msg::QueueAssignTo)}</label>
                <select id="reviewer" name="reviewer">{reviewers}</select>
                " "
                <button type="submit" class="button button-secondary" data-testid="assign">{t(lang, Msg::QueueAssign)}</button>
            </div>
        </form>
    }
    .into_any()
}

fn pager(lang: Lang, q: &QueueQuery, total: u64) -> impl IntoView + use<> {
    let pages = total.div_ceil(crate::domain::queue::PER_PAGE).max(1);
    let link = |page: u64, label: Msg| {
        view! { <a href=format!("/operator?{}", q.to_query(Some(page)))>{t(lang, label)}</a> }
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=t(lang, Msg::QueuePages)>
                {(q.page > 1).then(|| link(q.page - 1, Msg::PagePrevious))}
                " " {tf(lang, Msg::QueuePageOf, &[("page", &q.page.to_string()), ("pages", &pages.to_string())])} " "
                {(q.page < pages).then(|| link(q.page + 1, Msg::PageNext))}
            </nav>
        }
    })
}
