//! `/matches`: every open programme ranked against the signed-in entrepreneur's profile, each
//! with its reasons, and a what-if form. The server ranks and renders the first programmes of
//! each group; the page carries nothing else of the catalogue, so it stays small at 10,000
//! open programmes (it used to carry all of them, 5.8 MiB, for the island to re-rank). Without
//! JavaScript the what-if is a GET form to this page. With it, the island fetches the
//! programmes once the what-if is opened and then re-ranks in the browser on every change (the
//! same domain code as the server), with no further request.

pub mod api;

use crate::components::form::{FormId, aria_describedby, aria_invalid, error_id, field_message};
use leptos::prelude::*;

use crate::features::replace_address;

use super::{request_query, set_status};
use crate::PageTitle;
use crate::components::layout::use_lang;
use crate::domain::catalog::Sector;
use crate::domain::eligibility::{
    Facts, Match, RankingData, Standing, WhatIf, WhatIfInput, explain_all, mark, rank,
};
use crate::domain::i18n::{Lang, Msg, pick, t, tf};
use crate::domain::location::REGIONS;
use crate::domain::params::{FieldError, decode_query};

/// `/matches`.
#[component]
pub fn MatchesPage() -> impl IntoView {
    let lang = use_lang();
    // Signed out: redirected to sign in (the page below then shows nothing of use).
    let _ = crate::components::session::require_sign_in("/matches");
    let pairs = decode_query(&request_query()).unwrap_or_default();
    let input = WhatIfInput::from_pairs(&pairs);
    let saved = pairs.iter().any(|(k, _)| k == "saved");
    let keep_error = crate::components::form::form_error(FormId::KeepWhatIf);
    let content = Suspend::new(async move {
        match api::my_matches().await {
            Ok(m) => {
                let error = input.parse().err();
                if error.is_some() {
                    set_status(400);
                }
                let (filled, total) = m.completeness;
                let completeness = tf(
                    lang,
                    Msg::MatchesCompleteness,
                    &[
                        ("filled", &filled.to_string()),
                        ("total", &total.to_string()),
                    ],
                );
                // A wrong field keeps the profile's own ranking on screen, under the message.
                let what_if = input.parse().unwrap_or_default();
                let facts = m.facts.with(&what_if);
                let ranked = rank(&m.data.candidates, &facts, &m.data.ctx);
                let first = ranked_view(lang, &m.data, &facts, &ranked);
                let active = !what_if.is_empty();
                view! {
                    <p class="profile-completeness">
                        {completeness} " " <a href="/profile">{t(lang, Msg::MatchesEditProfile)}</a>
                    </p>
                    <crate::features::alerts::SubscribeForm lang kind=crate::domain::alerts::SavedKind::Matches query=String::new() />
                    <WhatIfMatches lang input error>
                        {active.then(|| what_if_notice(lang))}
                        {first}
                    </WhatIfMatches>
                }
                .into_any()
            }
            Err(e) => {
                let text = super::load_error(lang, &e);
                view! { <p class="notice notice-error" role="alert">{text}</p> }.into_any()
            }
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::MatchesTitle) />
        <div class="page matches">
            <h1>{t(lang, Msg::MatchesTitle)}</h1>
            {saved.then(|| view! { <p class="notice notice-info" role="status">{t(lang, Msg::ProfileSaved)}</p> })}
            {crate::components::form::alert(crate::components::form::form_message(&keep_error, lang, &[]))}
            <p class="lead">{t(lang, Msg::MatchesLead)}</p>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// Says that the list shows a what-if, not the profile.
fn what_if_notice(lang: Lang) -> impl IntoView {
    view! { <p class="notice notice-info" role="status" data-testid="what-if-active">{t(lang, Msg::WhatIfActive)}</p> }
}

/// The what-if form, around the server's ranking (`children`) until the person changes
/// something and the programmes have arrived; from then on, the browser's own ranking.
#[island(lazy)]
fn WhatIfMatches(
    lang: Lang,
    input: WhatIfInput,
    error: Option<FieldError>,
    children: Children,
) -> impl IntoView {
    let age = RwSignal::new(input.age.clone());
    let amount = RwSignal::new(input.amount.clone());
    let sector = RwSignal::new(input.sector.clone());
    let region = RwSignal::new(input.region.clone());
    let server_error = StoredValue::new(error);
    let edited = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    // The programmes and the profile's facts, fetched once, when the what-if is first opened.
    let data: Fetched = RwSignal::new(None);
    let asked = StoredValue::new(false);
    let fetch = move || {
        if asked.get_value() {
            return;
        }
        asked.set_value(true);
        leptos::task::spawn_local(async move {
            match api::my_matches().await {
                Ok(m) => data.set(Some((m.data, m.facts))),
                // The form then goes to the server like a form without JavaScript.
                Err(_) => asked.set_value(false),
            }
        });
    };
    let opened = !input.query().is_empty();
    Effect::new(move |_| {
        hydrated.set(true);
        if opened {
            fetch();
        }
    });
    let current = Memo::new(move |_| {
        let input = WhatIfInput {
            age: age.get(),
            amount: amount.get(),
            sector: sector.get(),
            region: region.get(),
        };
        match server_error.get_value().filter(|_| !edited.get()) {
            Some(e) => (input, Err(e)),
            None => {
                let parsed = input.parse();
                (input, parsed)
            }
        }
    });
    Effect::new(move |_| {
        let (input, _) = current.get();
        if edited.get_untracked() {
            let q = input.query();
            replace_address(&if q.is_empty() {
                "/matches".to_owned()
            } else {
                format!("/matches?{q}")
            });
        }
    });
    // The browser's ranking, once edited and fetched; its time is in `data-rank-ms` (benchmark).
    let ranking = Memo::new(move |_| {
        if !edited.get() {
            return None;
        }
        data.with(|d| {
            let (d, facts) = d.as_ref()?;
            current.with(|(_, parsed)| {
                // A wrong field keeps the profile's own ranking on screen, under the message.
                let what_if = parsed.clone().unwrap_or_default();
                let f = facts.with(&what_if);
                let start = now_ms();
                let ranked = rank(&d.candidates, &f, &d.ctx);
                let took = start.zip(now_ms()).map(|(a, b)| b - a);
                Some((f, ranked, took, !what_if.is_empty()))
            })
        })
    });
    let server_list = emptied_when(move || ranking.with(Option::is_some));
    let list = move || {
        ranking.with(|r| {
            let (f, ranked, _, active) = r.as_ref()?;
            let view = data.with(|d| d.as_ref().map(|(d, _)| ranked_view(lang, d, f, ranked)));
            Some(view! {
                {active.then(|| what_if_notice(lang))}
                {view}
            })
        })
    };
    let rank_ms = move || {
        ranking.with(|r| {
            r.as_ref()
                .and_then(|(_, _, took, _)| took.map(|ms| format!("{ms:.2}")))
        })
    };
    let fields = Fields {
        age,
        amount,
        sector,
        region,
    };
    let form = what_if_form(lang, fields, &input, current, edited, data, fetch);
    view! {
        // Folded on a phone's first screen so the results come first; open while in use.
        <details class="what-if" open=opened data-hydrated=move || hydrated.get().then_some("true")
            data-ready=move || data.with(Option::is_some).then_some("true")
            on:toggle=move |_| fetch()>
            <summary><h2 id="what-if-title">{t(lang, Msg::WhatIfTitle)}</h2></summary>
            <p class="hint">{t(lang, Msg::WhatIfLead)}</p>
            {form}
        </details>
        <div class="match-results" aria-live="polite" data-rank-ms=rank_ms
            aria-busy=move || (edited.get() && data.with(Option::is_none)).then_some("true")>
            <div node_ref=server_list>{children()}</div>
            {list}
        </div>
    }
}

/// A place for the server's list, emptied once `replaced` (the browser's own list is shown):
/// merely hidden, its cards would still be found by anything reading the page.
fn emptied_when(replaced: impl Fn() -> bool + 'static) -> NodeRef<leptos::html::Div> {
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if replaced()
            && let Some(list) = node.get()
        {
            list.set_inner_html("");
        }
    });
    node
}

/// The what-if's fields.
#[derive(Clone, Copy)]
struct Fields {
    age: RwSignal<String>,
    amount: RwSignal<String>,
    sector: RwSignal<String>,
    region: RwSignal<String>,
}

/// What the island ranks with, once fetched: the programmes and the profile's facts.
type Fetched = RwSignal<Option<(RankingData, Facts)>>;

/// The what-if form and the offer to keep it.
fn what_if_form<F>(
    lang: Lang,
    f: Fields,
    input: &WhatIfInput,
    current: Memo<(WhatIfInput, Result<WhatIf, FieldError>)>,
    edited: RwSignal<bool>,
    data: Fetched,
    fetch: F,
) -> impl IntoView + use<F>
where
    F: Fn() + Copy + Send + Sync + 'static,
{
    let Fields {
        age,
        amount,
        sector,
        region,
    } = f;
    let message = move |field: &'static str| {
        move || current.with(|(_, r)| field_message(r.as_ref().err(), lang, field))
    };
    let edit = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_value(&ev));
            edited.set(true);
            fetch();
        }
    };
    let sectors = sector_options(lang, &input.sector);
    let regions = region_options(lang, &input.region);
    view! {
        // Until the programmes are here, the form goes to the server as without JavaScript.
        <form method="get" action="/matches" class="what-if-form" on:submit=move |ev| {
            if data.with_untracked(Option::is_some) {
                ev.prevent_default();
            }
        }>
            {text_field(lang, "age", Msg::WhatIfAge, age, "numeric", message("age"), edit(age))}
            {text_field(lang, "amount", Msg::WhatIfAmount, amount, "numeric", message("amount"), edit(amount))}
            {choice_field(lang, "sector", Msg::FieldSector, sector, sectors, message("sector"), edit(sector))}
            {choice_field(lang, "region", Msg::WhatIfRegion, region, regions, message("region"), edit(region))}
            <div class="what-if-actions">
                <button type="submit" class="button">{t(lang, Msg::WhatIfApply)}</button>
                <a href="/matches" class="button button-secondary" on:click=move |ev| {
                    if data.with_untracked(Option::is_none) {
                        return;
                    }
                    ev.prevent_default();
                    for s in [age, amount, sector, region] {
                        s.set(String::new());
                    }
                    edited.set(true);
                }>{t(lang, Msg::WhatIfReset)}</a>
            </div>
        </form>
        // Nothing is kept until the person asks: the amount and the sector can go into
        // the profile (age comes from the IIN; a region is coarser than a settlement).
        {move || {
            let keepable = current.with(|(i, r)| r.is_ok() && (!i.amount.is_empty() || !i.sector.is_empty()));
            keepable.then(|| keep_form(lang, amount, sector))
        }}
    }
}

/// The sectors to choose from, `chosen` selected.
fn sector_options(lang: Lang, chosen: &str) -> impl IntoView + use<> {
    Sector::ALL
        .iter()
        .map(|s| {
            let code = s.as_str();
            view! { <option value=code selected=chosen == code>{s.label(lang)}</option> }
        })
        .collect_view()
}

/// The regions to choose from, `chosen` selected.
fn region_options(lang: Lang, chosen: &str) -> impl IntoView + use<> {
    REGIONS
        .iter()
        .map(|r| {
            let code = r.code;
            view! { <option value=code selected=chosen == code>{r.name(lang)}</option> }
        })
        .collect_view()
}

/// A typed what-if field (`whatif-{name}`), with its error.
fn text_field(
    lang: Lang,
    name: &'static str,
    label: Msg,
    signal: RwSignal<String>,
    mode: &'static str,
    err: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
    on_input: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let id = format!("whatif-{name}");
    let described = move || aria_describedby(&format!("whatif-{name}"), false, err().is_some());
    view! {
        <div class="field" class:field-error=move || err().is_some()>
            <label for=id.clone()>{t(lang, label)}</label>
            {move || err().map(|e| view! { <p class="error-message" id=error_id(&format!("whatif-{name}"))>{e}</p> })}
            <input
                id=id
                name=name
                aria-describedby=described
                inputmode=mode
                autocomplete="off"
                prop:value=move || signal.get()
                value=signal.get_untracked()
                on:input=on_input
                aria-invalid=move || aria_invalid(err().is_some())
            />
        </div>
    }
}

/// A chosen what-if field (`whatif-{name}`): "as in the profile", or one of `options`.
fn choice_field(
    lang: Lang,
    name: &'static str,
    label: Msg,
    signal: RwSignal<String>,
    options: impl IntoView + 'static,
    err: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
    on_change: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let id = format!("whatif-{name}");
    let described = move || aria_describedby(&format!("whatif-{name}"), false, err().is_some());
    view! {
        <div class="field" class:field-error=move || err().is_some()>
            <label for=id.clone()>{t(lang, label)}</label>
            {move || err().map(|e| view! { <p class="error-message" id=error_id(&format!("whatif-{name}"))>{e}</p> })}
            <select
                id=id
                name=name
                on:change=on_change
                prop:value=move || signal.get()
                aria-invalid=move || aria_invalid(err().is_some())
                aria-describedby=described
            >
                <option value="">{t(lang, Msg::AsInProfile)}</option>
                {options}
            </select>
        </div>
    }
}

/// Keeping the what-if's amount and sector in the profile.
fn keep_form(lang: Lang, amount: RwSignal<String>, sector: RwSignal<String>) -> impl IntoView {
    view! {
        <form method="post" action="/api/keep_what_if" class="what-if-keep">
            <input type="hidden" name="amount" prop:value=move || amount.get() value=amount.get_untracked() />
            <input type="hidden" name="sector" prop:value=move || sector.get() value=sector.get_untracked() />
            <button type="submit" class="button button-secondary" data-testid="keep-what-if">{t(lang, Msg::WhatIfKeep)}</button>
        </form>
    }
}

/// Milliseconds from the browser's clock; `None` on the server.
fn now_ms() -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// How many programmes each group shows: the rest are counted, not rendered (a phone cannot
/// lay out thousands of cards, and nobody reads past the first few dozen).
const SHOW_MAX: usize = 50;

/// The ranking, grouped by standing, each programme with its reasons.
fn ranked_view(lang: Lang, d: &RankingData, facts: &Facts, ranked: &[Match]) -> AnyView {
    if ranked.is_empty() {
        return view! { <p>{t(lang, Msg::MatchesNone)}</p> }.into_any();
    }
    let group = |standing: Standing, heading: Msg| {
        let items: Vec<&Match> = ranked.iter().filter(|m| m.standing == standing).collect();
        (!items.is_empty()).then(|| {
            let count = items.len();
            let more = count.saturating_sub(SHOW_MAX);
            let cards = items
                .into_iter()
                .take(SHOW_MAX)
                .map(|m| card(lang, d, facts, m))
                .collect_view();
            let id = format!("standing-{}", standing_code(standing));
            let (class, labelled, testid) = (format!("standing {id}"), id.clone(), id.clone());
            view! {
                <section class=class aria-labelledby=labelled data-testid=testid>
                    <h2 id=id>{t(lang, heading)} " " <span class="count">{count}</span></h2>
                    <ol class="match-list">{cards}</ol>
                    {(more > 0).then(|| view! { <p class="more">{tf(lang, Msg::MatchesMore, &[("n", &more.to_string())])}</p> })}
                </section>
            }
        })
    };
    view! {
        {group(Standing::Eligible, Msg::StandingEligible)}
        {group(Standing::Possible, Msg::StandingPossible)}
        {group(Standing::NearMiss, Msg::StandingNearMiss)}
    }
    .into_any()
}

fn standing_code(s: Standing) -> &'static str {
    match s {
        Standing::Eligible => "eligible",
        Standing::Possible => "possible",
        Standing::NearMiss => "near-miss",
    }
}

/// One programme: title, kind, the reasons (unmet first) with what would help, and for a
/// near miss the best programme of the same kind that fits.
fn card(lang: Lang, d: &RankingData, facts: &Facts, m: &Match) -> impl IntoView + use<> {
    let c = &d.candidates[m.index];
    let title = pick(lang, &c.title_ru, &c.title_kk).to_owned();
    let href = format!("/programs/{}", c.slug);
    let lines = explain_lines(lang, d, facts, m);
    let next = m.next_best.map(|i| {
        let n = &d.candidates[i];
        let href = format!("/programs/{}", n.slug);
        view! {
            <p class="next-best">{t(lang, Msg::MatchesNextBest)} " " <a href=href>{pick(lang, &n.title_ru, &n.title_kk).to_owned()}</a></p>
        }
    });
    view! {
        <li class="match" data-slug=c.slug.clone()>
            <h3><a href=href>{title}</a></h3>
            <p class="program-kind"><span class=format!("badge badge-{}", c.kind.as_str())>{c.kind.label(lang)}</span></p>
            {lines}
            {next}
        </li>
    }
}

/// The reasons of one result as a list.
pub fn explain_lines(
    lang: Lang,
    d: &RankingData,
    facts: &Facts,
    m: &Match,
) -> impl IntoView + use<> {
    let c = &d.candidates[m.index];
    let items = explain_all(lang, c, m, facts, &d.ctx, &d.places)
        .into_iter()
        .map(|l| {
            let class = match l.outcome {
                crate::domain::eligibility::Outcome::Met => "reason reason-met",
                crate::domain::eligibility::Outcome::NotMet => "reason reason-unmet",
                crate::domain::eligibility::Outcome::Unknown => "reason reason-unknown",
            };
            view! {
                <li class=class>
                    <span class="reason-mark" aria-hidden="true">{mark(l.outcome)}</span>
                    " " {l.text}
                    {l.fix.map(|f| view! { <span class="reason-fix">" — " {f}</span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="reasons">{items}</ul> }
}
