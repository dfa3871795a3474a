//! The programme page, `/programs/{slug}`: every condition in plain words, amounts in tenge of
//! the current year, who runs it, how to apply, and where the facts come from.

pub mod api;
pub mod calculator;

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use self::api::get_program;
use super::set_status;
use crate::PageTitle;
use crate::components::facts;
use crate::components::layout::use_lang;
use crate::domain::i18n::group_digits;
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf, tn};
use crate::domain::money::{Limit, format_bps, format_kzt};
use crate::domain::program::{LimitView, ProgramView};

/// `/programs/{slug}`.
#[component]
pub fn ProgramPage() -> impl IntoView {
    let lang = use_lang();
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let content = Suspend::new(async move {
        match get_program(slug).await {
            Ok(program) => view! { <ProgramDetails lang program /> }.into_any(),
            Err(error) => {
                set_status(error.status());
                let title = if error.status() == 404 {
                    t(lang, Msg::ErrorProgramNotFound)
                } else {
                    t(lang, Msg::ErrorInternal)
                };
                view! {
                    <PageTitle text=title />
                    <div class="page narrow">
                        <h1>{title}</h1>
                        <p>{error.message(lang)}</p>
                        <p><a href="/programs">{t(lang, Msg::ProgramBack)}</a></p>
                    </div>
                }
                .into_any()
            }
        }
    });
    view! { <Suspense fallback=|| ()>{content}</Suspense> }
}

fn uncertain(lang: Lang, p: &ProgramView, field: &str) -> Option<impl IntoView + use<>> {
    p.is_uncertain(field).then(|| view! { <span class="uncertain" title=t(lang, Msg::ProgramUncertainHeading)>{t(lang, Msg::FactUncertain)}</span> })
}

fn limit_text(lang: Lang, limit: &LimitView) -> String {
    match limit.converted {
        Some(c) => format_kzt(lang, c.tiyn),
        None => match limit.limit {
            Limit::Kzt(t) => format_kzt(lang, t),
            Limit::Mci(n) => format!(
                "{}\u{a0}{}",
                group_digits(lang, i128::from(n)),
                t(lang, Msg::EdMci)
            ),
        },
    }
}

fn amount_text(lang: Lang, p: &ProgramView) -> String {
    match (&p.amount_min, &p.amount_max) {
        (Some(a), Some(b)) => tf(
            lang,
            Msg::FactAmountRange,
            &[("min", &limit_text(lang, a)), ("max", &limit_text(lang, b))],
        ),
        (None, Some(b)) => tf(
            lang,
            Msg::FactAmountUpTo,
            &[("amount", &limit_text(lang, b))],
        ),
        (Some(a), None) => limit_text(lang, a),
        (None, None) => t(lang, Msg::FactAmountNone).to_owned(),
    }
}

/// "2 500 МРП × 4 325 ₸ (МРП 2026 года) = 10 812 500 ₸", for limits set in MCI.
fn mci_note(lang: Lang, p: &ProgramView) -> Option<String> {
    let limit = p.amount_max.as_ref()?;
    let (Limit::Mci(count), Some(converted)) = (limit.limit, limit.converted) else {
        return None;
    };
    let used = converted.mci_year?;
    let rate = p.mci.rate_for(used)?;
    let mut note = tf(
        lang,
        Msg::ProgramMciNote,
        &[
            ("mci", &group_digits(lang, i128::from(count))),
            ("rate", &format_kzt(lang, rate.tiyn)),
            ("year", &used.to_string()),
            ("amount", &format_kzt(lang, converted.tiyn)),
        ],
    );
    if used != p.year() {
        note.push(' ');
        note.push_str(&tf(
            lang,
            Msg::ProgramMciEstimated,
            &[("year", &p.year().to_string()), ("used", &used.to_string())],
        ));
    }
    Some(note)
}

/// "Does it fit you": the reasons for the signed-in entrepreneur, an invitation to sign in
/// for people who are not, nothing for staff.
fn fit_section(
    lang: Lang,
    apply: Option<String>,
    fit: Result<
        Option<(
            crate::domain::eligibility::RankingData,
            crate::domain::eligibility::Facts,
        )>,
        crate::error::AppError,
    >,
) -> AnyView {
    use crate::domain::eligibility::{Standing, rank};
    let signed_in = crate::components::session::current_principal().is_some();
    let body = match fit {
        Ok(Some((data, facts))) => {
            let ranked = rank(&data.candidates, &facts, &data.ctx);
            match ranked.first() {
                Some(m) => {
                    let verdict = match m.standing {
                        Standing::Eligible => Msg::FitEligible,
                        Standing::Possible => Msg::FitPossible,
                        Standing::NearMiss => Msg::FitNearMiss,
                    };
                    let lines = crate::features::matches::explain_lines(lang, &data, &facts, m);
                    // Applying is never conditional on the verdict: the engine explains, the
                    // operator decides.
                    let apply = apply.map(|slug| view! {
                        <form method="post" action="/applications" class="apply">
                            <input type="hidden" name="program" value=slug />
                            <button type="submit" class="button" data-testid="apply">{t(lang, Msg::AppApply)}</button>
                        </form>
                    });
                    view! {
                        <p class=format!("fit-verdict fit-{}", match m.standing { Standing::Eligible => "eligible", Standing::Possible => "possible", Standing::NearMiss => "near-miss" }) data-testid="fit-verdict">{t(lang, verdict)}</p>
                        {lines}
                        <p><a href="/profile">{t(lang, Msg::MatchesEditProfile)}</a></p>
                        {apply}
                    }
                    .into_any()
                }
                None => view! { <p>{t(lang, Msg::FitClosed)}</p> }.into_any(),
            }
        }
        Ok(None) if !signed_in => {
            view! { <p><a href="/sign-in">{t(lang, Msg::FitSignIn)}</a></p> }.into_any()
        }
        _ => return ().into_any(),
    };
    view! {
        <section aria-labelledby="fit" class="fit" data-testid="fit">
            <h2 id="fit">{t(lang, Msg::FitTitle)}</h2>
            {body}
        </section>
    }
    .into_any()
}

#[component]
fn ProgramDetails(lang: Lang, program: ProgramView) -> impl IntoView {
    let p = program;
    let title = pick(lang, &p.title_ru, &p.title_kk).to_owned();
    let summary = pick(lang, &p.summary_ru, &p.summary_kk).to_owned();
    let closed = !p.is_open();
    let paragraphs = pick(lang, &p.description_ru, &p.description_kk)
        .split("\n\n")
        .map(|para| view! { <p>{para.trim().to_owned()}</p> })
        .collect_view();
    let uncertain_note = match lang {
        Lang::Kk => p.uncertain_note_kk.clone().or(p.uncertain_note_ru.clone()),
        _ => p.uncertain_note_ru.clone(),
    };
    let variant = p.variant_of.as_ref().filter(|_| p.demo_variant).map(|v| {
        let text = tf(lang, Msg::ProgramDemoVariant, &[("title", pick(lang, &v.title_ru, &v.title_kk))]);
        let href = format!("/programs/{}", v.slug);
        view! { <p class="notice notice-info" role="note">{text} " " <a href=href>{pick(lang, &v.title_ru, &v.title_kk).to_owned()}</a></p> }
    });
    let organisation = pick(lang, &p.organisation.name_ru, &p.organisation.name_kk).to_owned();
    let conditions = conditions(lang, &p, organisation.clone());
    let calculator = p.is_loan_like().then(|| {
        let (slug, limits) = (p.slug.as_str().to_owned(), p.loan_limits());
        let rate_bps = p.rate_max_bps.or(p.rate_min_bps);
        view! { <calculator::LoanCalculator lang slug limits rate_bps /> }
    });
    let fit_slug = p.slug.clone();
    let apply = p.is_open().then(|| p.slug.clone());
    let fit = Suspend::new(async move { fit_section(lang, apply, api::my_fit(fit_slug).await) });
    let description = format!("{title}. {summary}");
    view! {
        <PageTitle text=title.clone() />
        <Meta name="description" content=description />
        <article class="page program">
            <p class="back"><a href="/programs">{t(lang, Msg::ProgramBack)}</a></p>
            <p class="program-kind">
                <span class=format!("badge badge-{}", p.kind.as_str())>{p.kind.label(lang)}</span>
                <span class="program-operator">{organisation}</span>
            </p>
            <h1>{title}</h1>
            <p class="lead">{summary}</p>
            {closed.then(|| view! { <p class="notice notice-warning" role="note">{t(lang, Msg::ProgramClosedNotice)}</p> })}
            {variant}
            {conditions}
            <section class="prose">{paragraphs}</section>
            <Suspense fallback=|| ()>{fit}</Suspense>
            {criteria_section(lang, &p)}
            {how_to_apply(lang, &p)}
            {calculator}
            {uncertain_note.map(|note| view! {
                <section aria-labelledby="uncertain" class="uncertain-note">
                    <h2 id="uncertain">{t(lang, Msg::ProgramUncertainHeading)}</h2>
                    <p>{note}</p>
                </section>
            })}
            <p class="source">
                {t(lang, Msg::ProgramSource)} ": "
                <a href=p.source_url.clone() rel="noopener noreferrer external">{p.source_name.clone()}</a>
            </p>
        </article>
    }
}

/// A list of labels, or `none` when it is empty.
fn joined(lang: Lang, labels: Vec<String>, none: Msg) -> String {
    if labels.is_empty() {
        t(lang, none).to_owned()
    } else {
        labels.join(", ")
    }
}

/// The conditions: amount, rate, fee, term, grace, collateral, where, sectors, groups, intake
/// and the operator, each marked when the source is uncertain about it.
fn conditions(lang: Lang, p: &ProgramView, organisation: String) -> impl IntoView + use<> {
    let where_ = joined(
        lang,
        p.locations
            .iter()
            .map(|l| pick(lang, &l.name_ru, l.name_kk.as_deref().unwrap_or("")).to_owned())
            .collect(),
        Msg::FactNationwide,
    );
    let sectors = joined(
        lang,
        p.sectors.iter().map(|s| s.label(lang).to_owned()).collect(),
        Msg::ProgramAnySector,
    );
    let groups = (!p.target_groups.is_empty()).then(|| {
        p.target_groups
            .iter()
            .map(|g| g.label(lang))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let intake = {
        let mut parts = Vec::new();
        if let Some(opens) = p.intake_opens {
            parts.push(tf(
                lang,
                Msg::FactIntakeOpens,
                &[("date", &format_date(lang, opens))],
            ));
        }
        parts.push(facts::deadline(lang, p.deadline));
        parts.join(", ")
    };
    let collateral_note = match lang {
        Lang::Kk => p
            .collateral_note_kk
            .clone()
            .or(p.collateral_note_ru.clone()),
        _ => p.collateral_note_ru.clone(),
    };
    let row = |label: Msg, value: String, field: &str| {
        view! {
            <div class="fact">
                <dt>{t(lang, label)}</dt>
                <dd>{value} {uncertain(lang, p, field)}</dd>
            </div>
        }
    };
    let rate_row = facts::rate(lang, p.rate_min_bps, p.rate_max_bps)
        .map(|r| row(Msg::ProgramRate, r, "rate_bps"));
    let fee_row = p
        .fee_bps
        .map(|f| row(Msg::ProgramFee, format_bps(lang, f), "fee_bps"));
    let term_row =
        facts::term(lang, p.term_months_max).map(|v| row(Msg::ProgramTerm, v, "term_months_max"));
    let grace_row = p.grace_months_max.map(|g| {
        row(
            Msg::ProgramGrace,
            tn(lang, Msg::FactGrace, u64::try_from(g).unwrap_or(0)),
            "grace_months_max",
        )
    });
    let collateral_text = match &collateral_note {
        Some(note) => format!("{}. {note}", p.collateral.label(lang)),
        None => p.collateral.label(lang).to_owned(),
    };
    let mci = mci_note(lang, p);
    view! {
        <section aria-labelledby="conditions">
            <h2 id="conditions">{t(lang, Msg::ProgramConditions)}</h2>
            <dl class="facts">
                <div class="fact">
                    <dt>{t(lang, Msg::ProgramAmount)}</dt>
                    <dd>
                        {amount_text(lang, p)} {uncertain(lang, p, "amount")}
                        {mci.map(|n| view! { <small class="fact-note">{n}</small> })}
                    </dd>
                </div>
                {rate_row}
                {fee_row}
                {term_row}
                {grace_row}
                {row(Msg::ProgramCollateral, collateral_text, "collateral")}
                {row(Msg::ProgramWhere, where_, "locations")}
                {row(Msg::ProgramSectors, sectors, "sectors")}
                {groups.map(|g| row(Msg::ProgramTargetGroups, g, "target_groups"))}
                {row(Msg::ProgramIntake, intake, "deadline")}
                {row(Msg::FactOperator, organisation, "organisation")}
            </dl>
        </section>
    }
}

/// Who may apply, in words.
fn criteria_section(lang: Lang, p: &ProgramView) -> impl IntoView + use<> {
    let place = |code: &crate::domain::location::KatoCode| {
        p.places.get(code.as_str()).map_or_else(
            || code.to_string(),
            |pl| pick(lang, &pl.name_ru, pl.name_kk.as_deref().unwrap_or("")).to_owned(),
        )
    };
    let criteria: Vec<String> = p
        .criteria
        .iter()
        .map(|c| c.describe(lang, &place, &p.mci, p.year()))
        .collect();
    let criteria_view = if criteria.is_empty() {
        view! { <p>{t(lang, Msg::ProgramNoCriteria)}</p> }.into_any()
    } else {
        let items = criteria
            .into_iter()
            .map(|c| view! { <li>{c}</li> })
            .collect_view();
        view! { <ul class="criteria">{items}</ul> }.into_any()
    };
    view! {
        <section aria-labelledby="criteria">
            <h2 id="criteria">{t(lang, Msg::ProgramCriteria)} {uncertain(lang, p, "criteria")}</h2>
            {criteria_view}
        </section>
    }
}

/// How to apply, step by step, and the documents it takes.
fn how_to_apply(lang: Lang, p: &ProgramView) -> impl IntoView + use<> {
    let steps = pick(lang, &p.how_to_apply_ru, &p.how_to_apply_kk)
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')'])
                .trim()
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .map(|l| view! { <li>{l}</li> })
        .collect_view();
    let documents = p
        .required_documents
        .iter()
        .map(|d| view! { <li>{pick(lang, &d.ru, &d.kk).to_owned()}</li> })
        .collect_view();
    view! {
        <section aria-labelledby="apply">
            <h2 id="apply">{t(lang, Msg::ProgramHowToApply)}</h2>
            <ol class="steps">{steps}</ol>
        </section>
        {(!p.required_documents.is_empty()).then(|| view! {
            <section aria-labelledby="documents">
                <h2 id="documents">{t(lang, Msg::ProgramDocuments)} {uncertain(lang, p, "required_documents")}</h2>
                <ul>{documents}</ul>
            </section>
        })}
    }
}
