//! The operator's programmes: `/operator/programs` lists the organisation's programmes;
//! `/operator/programs/new` and `/operator/programs/{slug}` are the editor, one plain form for
//! every field (posted to `POST /operator/programs[/{slug}]`, which comes back here with the
//! error beside its field and everything typed kept), the status buttons, how many registered
//! profiles the saved criteria admit, and the history of versions.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{request_query, set_status};
use crate::PageTitle;
use crate::components::form::{
    FormId, alert, aria_describedby, aria_invalid, error_id, field_message, form_error, query_param,
};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::catalog::{
    Certificate, Collateral, LegalForm, ProgramKind, ProgramStatus, Sector, Stage, TargetGroup,
};
use crate::domain::editor::{EditorView, Preview, ProgrammeLine};
use crate::domain::editor::{SPARE_ROWS, criterion_field, to_pairs};
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::money::Tenge;
use crate::domain::review::MAX_CRITERIA;
use crate::error::AppError;

/// The endpoint name the editor's form reports its errors under (`__path`).
/// The form this page's posts come back to.
const FORM: FormId = FormId::Programme;

/// The signed-in operator's programmes.
#[server(endpoint = "my_programmes")]
pub async fn my_programmes() -> Result<Vec<ProgrammeLine>, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        services::editor::programmes(&st.db, session::principal().as_ref()).await
    })
    .await
}

/// The editor of programme `slug` (empty: a new one), with how many profiles its saved criteria
/// admit.
#[server(endpoint = "programme_editor")]
pub async fn programme_editor(slug: String) -> Result<(EditorView, Option<Preview>), AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let slug = (!slug.is_empty()).then_some(slug);
        let view = services::editor::editor(&st.db, who.as_ref(), slug.as_deref()).await?;
        let preview = match &view.programme {
            Some(p) => Some(
                services::editor::preview(
                    &st.db,
                    who.as_ref(),
                    &p.input.criteria,
                    st.config.today(),
                )
                .await?,
            ),
            None => None,
        };
        Ok((view, preview))
    })
    .await
}

/// What the programme asks of those it paid: its own small form.
fn followups_form(
    lang: Lang,
    here: &str,
    r: crate::domain::followup::Requirements,
) -> impl IntoView + use<> {
    let days = r.use_of_funds_days.map(|d| d.to_string());
    let months = r.results_months.map(|m| m.to_string());
    view! {
        <form method="post" action=here.to_owned() class="editor-followups" data-testid="followups-form">
            <input type="hidden" name="action" value="followups" />
            <h2>{t(lang, Msg::FupTitle)}</h2>
            <p class="hint">{t(lang, Msg::FupEditorHint)}</p>
            <div class="field">
                <label for="use_of_funds_days">{t(lang, Msg::FupEditorDays)}</label>
                <input id="use_of_funds_days" name="use_of_funds_days" type="number" min="7" max="365" value=days />
            </div>
            <div class="field">
                <label for="results_months">{t(lang, Msg::FupEditorMonths)}</label>
                <input id="results_months" name="results_months" type="number" min="1" max="60" value=months />
            </div>
            <div class="actions"><button type="submit" class="button button-secondary">{t(lang, Msg::FupEditorSave)}</button></div>
        </form>
    }
}

/// How many registered profiles the criteria in `query` (the editor's form, as a query string)
/// would admit: the live count beside the criteria.
#[server(endpoint = "criteria_preview")]
pub async fn criteria_preview(query: String) -> Result<Preview, AppError> {
    use crate::domain::params::decode_query;
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let criteria = crate::domain::editor::parse_criteria(&decode_query(&query)?)?;
        services::editor::preview(
            &st.db,
            session::principal().as_ref(),
            &criteria,
            st.config.today(),
        )
        .await
    })
    .await
}

fn preview_text(lang: Lang, p: &Preview) -> String {
    tf(
        lang,
        Msg::EdPreview,
        &[
            ("eligible", &p.eligible.to_string()),
            ("possible", &p.possible.to_string()),
            ("profiles", &p.profiles.to_string()),
        ],
    )
}

/// The criteria fieldsets (`children`, rendered on the server) with the count of profiles they
/// admit. Without JavaScript the count is the saved criteria's; with it, every change of a
/// criterion recounts (an answer that arrives after a later one is dropped).
#[island(lazy)]
fn LivePreview(lang: Lang, initial: Option<Preview>, children: Children) -> impl IntoView {
    let count = RwSignal::new(initial);
    let failed = RwSignal::new(false);
    let sent = StoredValue::new(0u64);
    // Marks the island live (its wasm is fetched lazily, when the browser is idle).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let query = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("form").ok().flatten())
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
                .and_then(|f| web_sys::FormData::new_with_form(&f).ok())
                .and_then(|d| web_sys::UrlSearchParams::new_with_str_sequence_sequence(&d).ok())
                .map(|p| String::from(p.to_string()));
            if let Some(query) = query {
                sent.update_value(|n| *n += 1);
                let this = sent.get_value();
                leptos::task::spawn_local(async move {
                    let answer = criteria_preview(query).await;
                    if sent.get_value() != this {
                        return;
                    }
                    match answer {
                        Ok(p) => {
                            failed.set(false);
                            count.set(Some(p));
                        }
                        // A form still being typed (a bound without its pair) is not an error
                        // to show here: the save names it.
                        Err(_) => failed.set(true),
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, sent);
    };
    view! {
        <div class="live-preview" on:change=on_change data-hydrated=move || hydrated.get().then_some("true")>
            <p class="notice" role="status" aria-live="polite" data-testid="preview" class:stale=move || failed.get()>
                {move || count.get().map(|p| preview_text(lang, &p)).unwrap_or_else(|| t(lang, Msg::EdPreviewNew).to_owned())}
            </p>
            {children()}
        </div>
    }
}

/// `/operator/programs`.
#[component]
pub fn ProgrammesPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/operator/programs");
    let content = Suspend::new(async move {
        let lines = match my_programmes().await {
            Ok(l) => l,
            Err(e) => {
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let rows = lines
            .into_iter()
            .map(|l| {
                let budget = l
                    .budget
                    .as_ref()
                    .map(|b| {
                        tf(
                            lang,
                            Msg::EdBudgetUsed,
                            &[("approved", &Tenge(b.approved_kzt).format(lang)), ("total", &Tenge(b.total_kzt).format(lang))],
                        )
                    })
                    .unwrap_or_default();
                view! {
                    <tr data-testid="programme-row">
                        <td><a href=format!("/operator/programs/{}", l.slug)>{pick(lang, &l.title_ru, &l.title_kk).to_owned()}</a></td>
                        <td>{l.status.label(lang)}</td>
                        <td>{budget}</td>
                        <td><a href=format!("/programs/{}", l.slug)>{t(lang, Msg::EdPublicPage)}</a></td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <p><a href="/operator/programs/new" class="button" data-testid="new-programme">{t(lang, Msg::EdNew)}</a></p>
            <div class="table-scroll" tabindex="0">
                <table data-testid="programmes">
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::QueueProgram)}</th>
                        <th scope="col">{t(lang, Msg::QueueState)}</th>
                        <th scope="col">{t(lang, Msg::DeskBudget)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::EdProgrammes) />
        <div class="page wide">
            <h1>{t(lang, Msg::EdProgrammes)}</h1>
            <p><a href="/operator">{t(lang, Msg::QueueTitle)}</a></p>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

/// The values the form shows: what was typed (after a refused post) or what is stored.
struct Values(Vec<(String, String)>);

impl Values {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> BTreeSet<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

struct Ctx<'a> {
    lang: Lang,
    values: &'a Values,
    error: &'a Option<AppError>,
}

impl Ctx<'_> {
    fn err(&self, name: &str) -> Option<String> {
        field_message(self.error.as_ref(), self.lang, name)
    }

    fn input(&self, name: &str, label: Msg, kind: &'static str) -> AnyView {
        self.input_labelled(name, t(self.lang, label).to_owned(), kind)
    }

    fn input_labelled(&self, name: &str, label: String, kind: &'static str) -> AnyView {
        let e = self.err(name);
        let id = name.to_owned();
        let described = aria_describedby(name, false, e.is_some());
        let invalid = aria_invalid(e.is_some());
        view! {
            <div class="field" class:field-error=e.is_some()>
                <label for=id.clone()>{label}</label>
                {e.clone().map(|m| view! { <p class="error-message" id=error_id(name)>{m}</p> })}
                <input id=id.clone() name=id type=kind value=self.values.get(name) aria-describedby=described aria-invalid=invalid />
            </div>
        }
        .into_any()
    }

    fn area(&self, name: &str, label: Msg, rows: u32) -> AnyView {
        let e = self.err(name);
        let id = name.to_owned();
        view! {
            <div class="field" class:field-error=e.is_some()>
                <label for=id.clone()>{t(self.lang, label)}</label>
                {e.clone().map(|m| view! { <p class="error-message" id=error_id(name)>{m}</p> })}
                <textarea id=id.clone() name=id rows=rows.to_string()>{self.values.get(name)}</textarea>
            </div>
        }
        .into_any()
    }

    fn select(&self, name: &str, label: Msg, options: Vec<(String, String)>) -> AnyView {
        let e = self.err(name);
        let chosen = self.values.get(name);
        let options = options
            .into_iter()
            .map(|(v, text)| {
                let selected = v == chosen;
                view! { <option value=v selected=selected>{text}</option> }
            })
            .collect::<Vec<_>>();
        let id = name.to_owned();
        view! {
            <div class="field" class:field-error=e.is_some()>
                <label for=id.clone()>{t(self.lang, label)}</label>
                {e.clone().map(|m| view! { <p class="error-message" id=error_id(name)>{m}</p> })}
                <select id=id.clone() name=id>{options}</select>
            </div>
        }
        .into_any()
    }

    fn checks(&self, name: &str, legend: Msg, options: Vec<(String, String)>) -> AnyView {
        let e = self.err(name);
        let chosen = self.values.all(name);
        let boxes = options
            .into_iter()
            .map(|(v, text)| {
                let id = format!("{name}-{v}");
                let checked = chosen.contains(&v);
                view! {
                    <span class="check">
                        <input type="checkbox" id=id.clone() name=name.to_owned() value=v checked=checked />
                        <label for=id>{text}</label>
                    </span>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <fieldset class="field checks" class:field-error=e.is_some()>
                <legend>{t(self.lang, legend)}</legend>
                {e.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                {boxes}
            </fieldset>
        }
        .into_any()
    }
}

fn options<T: Copy>(
    lang: Lang,
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), label(*v, lang).to_owned()))
        .collect()
}

/// One criterion kind: a switch and its inputs.
fn criterion(c: &Ctx<'_>, kind: &'static str, label: Msg, inputs: AnyView) -> AnyView {
    let name = criterion_field(kind);
    let on = !c.values.get(&name).is_empty();
    let e = c.err(&name);
    view! {
        <fieldset class="criterion" class:field-error=e.is_some() data-testid=format!("criterion-{kind}")>
            <legend>
                <input type="checkbox" id=name.clone() name=name.clone() value="on" checked=on />
                <label for=name.clone()>{t(c.lang, label)}</label>
            </legend>
            {e.clone().map(|m| view! { <p class="error-message" id=error_id(&name)>{m}</p> })}
            {inputs}
        </fieldset>
    }
    .into_any()
}

fn criteria(c: &Ctx<'_>) -> AnyView {
    let lang = c.lang;
    let range = |kind: &str, min: Msg, max: Msg| {
        let f = criterion_field(kind);
        view! {
            <div class="field-row">
                {c.input_labelled(&format!("{f}_min"), t(lang, min).to_owned(), "number")}
                {c.input_labelled(&format!("{f}_max"), t(lang, max).to_owned(), "number")}
            </div>
        }
        .into_any()
    };
    let values = |kind: &str| format!("{}_values", criterion_field(kind));
    let sectors = options(lang, Sector::ALL, Sector::as_str, Sector::label);
    let units = [
        ("kzt".to_owned(), "₸".to_owned()),
        ("mci".to_owned(), t(lang, Msg::EdMci).to_owned()),
    ];
    let amount_unit = format!("{}_unit", criterion_field("amount_within"));
    let amount_unit_view = {
        let chosen = c.values.get(&amount_unit);
        let opts = units
            .iter()
            .map(|(v, text)| view! { <option value=v.clone() selected=*v == chosen>{text.clone()}</option> })
            .collect::<Vec<_>>();
        let id = amount_unit.clone();
        view! {
            <div class="field">
                <label for=id.clone()>{t(lang, Msg::EdAmountUnit)}</label>
                <select id=id.clone() name=id>{opts}</select>
            </div>
        }
    };
    let amount_f = criterion_field("amount_within");
    let kinds = vec![
        criterion(c, "age", Msg::EdCritAge, range("age", Msg::EdMin, Msg::EdMax)),
        criterion(
            c,
            "location_within",
            Msg::EdCritLocation,
            c.input_labelled(&values("location_within"), t(lang, Msg::EdKatoCodes).to_owned(), "text"),
        ),
        criterion(c, "sector_in", Msg::EdCritSectorIn, c.checks(&values("sector_in"), Msg::ProgramSectors, sectors.clone())),
        criterion(
            c,
            "excluded_sectors",
            Msg::EdCritExcludedSectors,
            c.checks(&values("excluded_sectors"), Msg::ProgramSectors, sectors),
        ),
        criterion(
            c,
            "stage_in",
            Msg::EdCritStage,
            c.checks(&values("stage_in"), Msg::EdCritStage, options(lang, Stage::ALL, Stage::as_str, Stage::label)),
        ),
        criterion(
            c,
            "legal_form_in",
            Msg::EdCritLegalForm,
            c.checks(
                &values("legal_form_in"),
                Msg::EdCritLegalForm,
                options(lang, LegalForm::ALL, LegalForm::as_str, LegalForm::label),
            ),
        ),
        criterion(
            c,
            "target_group_any",
            Msg::EdCritGroups,
            c.checks(
                &values("target_group_any"),
                Msg::ProgramTargetGroups,
                options(lang, TargetGroup::ALL, TargetGroup::as_str, TargetGroup::label),
            ),
        ),
        criterion(
            c,
            "amount_within",
            Msg::EdCritAmount,
            view! {
                <div class="field-row">
                    {amount_unit_view}
                    {c.input_labelled(&format!("{amount_f}_min"), t(lang, Msg::EdMin).to_owned(), "text")}
                    {c.input_labelled(&format!("{amount_f}_max"), t(lang, Msg::EdMax).to_owned(), "text")}
                </div>
            }
            .into_any(),
        ),
        criterion(c, "collateral_available", Msg::EdCritCollateral, ().into_any()),
        criterion(
            c,
            "certificate",
            Msg::EdCritCertificate,
            c.select(
                &values("certificate"),
                Msg::EdCritCertificate,
                options(lang, Certificate::ALL, Certificate::as_str, Certificate::label),
            ),
        ),
        criterion(c, "business_age_months", Msg::EdCritBusinessAge, range("business_age_months", Msg::EdMin, Msg::EdMax)),
        criterion(c, "employees", Msg::EdCritEmployees, range("employees", Msg::EdMin, Msg::EdMax)),
        criterion(c, "tax_registered", Msg::EdCritTax, ().into_any()),
    ];
    view! {
        <fieldset class="editor-section" data-testid="criteria">
            <legend>{t(lang, Msg::ProgramCriteria)}</legend>
            <p class="hint">{t(lang, Msg::EdCriteriaHint)}</p>
            {kinds}
        </fieldset>
    }
    .into_any()
}

fn rubric(c: &Ctx<'_>) -> AnyView {
    let used = (0..MAX_CRITERIA + SPARE_ROWS)
        .filter(|n| !c.values.get(&format!("rubric_{n}_key")).is_empty())
        .count();
    let rows = (0..std::cmp::min(used + SPARE_ROWS, MAX_CRITERIA))
        .map(|n| {
            let f = |s: &str| format!("rubric_{n}_{s}");
            view! {
                <fieldset class="rubric-row" data-testid="rubric-row">
                    <legend>{tf(c.lang, Msg::EdRubricRow, &[("n", &(n + 1).to_string())])}</legend>
                    <div class="field-row">
                        {c.input_labelled(&f("key"), t(c.lang, Msg::EdRubricKey).to_owned(), "text")}
                        {c.input_labelled(&f("weight"), t(c.lang, Msg::EdRubricWeight).to_owned(), "number")}
                    </div>
                    <div class="field-row">
                        {c.input_labelled(&f("ru"), t(c.lang, Msg::EdNameRu).to_owned(), "text")}
                        {c.input_labelled(&f("kk"), t(c.lang, Msg::EdNameKk).to_owned(), "text")}
                    </div>
                    <div class="field-row">
                        {c.area(&f("levels_ru"), Msg::EdLevelsRu, 6)}
                        {c.area(&f("levels_kk"), Msg::EdLevelsKk, 6)}
                    </div>
                </fieldset>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <fieldset class="editor-section" data-testid="rubric">
            <legend>{t(c.lang, Msg::EdRubric)}</legend>
            <p class="hint">{t(c.lang, Msg::EdRubricHint)}</p>
            {rows}
        </fieldset>
    }
    .into_any()
}

fn budget(c: &Ctx<'_>, regions: &[(String, String)]) -> AnyView {
    let used = (0..crate::domain::editor::MAX_REGIONS + SPARE_ROWS)
        .filter(|n| !c.values.get(&format!("budget_{n}_region")).is_empty())
        .count();
    let mut choices = vec![(String::new(), "—".to_owned())];
    choices.extend(regions.iter().cloned());
    let rows = (0..std::cmp::min(used + 1, crate::domain::editor::MAX_REGIONS))
        .map(|n| {
            let region = format!("budget_{n}_region");
            let chosen = c.values.get(&region);
            let opts = choices
                .iter()
                .map(|(v, name)| view! { <option value=v.clone() selected=*v == chosen>{name.clone()}</option> })
                .collect::<Vec<_>>();
            let e = c.err(&region);
            view! {
                <div class="field-row">
                    <div class="field" class:field-error=e.is_some()>
                        <label for=region.clone()>{t(c.lang, Msg::EdBudgetRegion)}</label>
                        {e.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                        <select id=region.clone() name=region.clone()>{opts}</select>
                    </div>
                    {c.input_labelled(&format!("budget_{n}_total"), t(c.lang, Msg::EdBudgetRegionTotal).to_owned(), "text")}
                </div>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <fieldset class="editor-section" data-testid="budget-editor">
            <legend>{t(c.lang, Msg::DeskBudget)}</legend>
            {c.input("budget_total", Msg::EdBudgetTotal, "text")}
            {c.err("budget").map(|m| view! { <p class="error-message">{m}</p> })}
            {rows}
        </fieldset>
    }
    .into_any()
}

fn form(
    c: &Ctx<'_>,
    action: String,
    new: bool,
    regions: &[(String, String)],
    preview: Option<Preview>,
) -> AnyView {
    let criteria_view = criteria(c);
    let lang = c.lang;
    let kinds = options(
        lang,
        ProgramKind::ALL,
        ProgramKind::as_str,
        ProgramKind::label,
    );
    let collateral = options(lang, Collateral::ALL, Collateral::as_str, Collateral::label);
    let units = vec![
        ("kzt".to_owned(), "₸".to_owned()),
        ("mci".to_owned(), t(lang, Msg::EdMci).to_owned()),
    ];
    view! {
        <form method="post" action=action class="editor" data-testid="editor-form">
            <fieldset class="editor-section">
                <legend>{t(lang, Msg::EdBasics)}</legend>
                {new.then(|| c.input("slug", Msg::EdSlug, "text"))}
                {c.select("kind", Msg::EdKind, kinds)}
                <div class="field-row">{c.input("title_ru", Msg::EdTitleRu, "text")}{c.input("title_kk", Msg::EdTitleKk, "text")}</div>
                <div class="field-row">{c.area("summary_ru", Msg::EdSummaryRu, 2)}{c.area("summary_kk", Msg::EdSummaryKk, 2)}</div>
                <div class="field-row">{c.area("description_ru", Msg::EdDescriptionRu, 6)}{c.area("description_kk", Msg::EdDescriptionKk, 6)}</div>
            </fieldset>
            <fieldset class="editor-section">
                <legend>{t(lang, Msg::ProgramConditions)}</legend>
                <div class="field-row">
                    {c.select("amount_unit", Msg::EdAmountUnit, units)}
                    {c.input("amount_min", Msg::EdAmountMin, "text")}
                    {c.input("amount_max", Msg::EdAmountMax, "text")}
                </div>
                <div class="field-row">
                    {c.input("rate_min", Msg::EdRateMin, "text")}
                    {c.input("rate_max", Msg::EdRateMax, "text")}
                    {c.input("fee", Msg::EdFee, "text")}
                </div>
                <div class="field-row">
                    {c.input("term_months_max", Msg::EdTerm, "number")}
                    {c.input("grace_months_max", Msg::EdGrace, "number")}
                </div>
                {c.select("collateral", Msg::ProgramCollateral, collateral)}
                <div class="field-row">{c.area("collateral_note_ru", Msg::EdCollateralNoteRu, 2)}{c.area("collateral_note_kk", Msg::EdCollateralNoteKk, 2)}</div>
            </fieldset>
            <fieldset class="editor-section">
                <legend>{t(lang, Msg::EdWhere)}</legend>
                {c.input("locations", Msg::EdLocations, "text")}
                {c.checks("sectors", Msg::ProgramSectors, options(lang, Sector::ALL, Sector::as_str, Sector::label))}
                {c.checks("target_groups", Msg::ProgramTargetGroups, options(lang, TargetGroup::ALL, TargetGroup::as_str, TargetGroup::label))}
            </fieldset>
            <fieldset class="editor-section">
                <legend>{t(lang, Msg::ProgramIntake)}</legend>
                <div class="field-row">
                    {c.input("intake_opens", Msg::EdIntakeOpens, "date")}
                    {c.input("deadline", Msg::EdDeadline, "date")}
                    {c.input("target_days", Msg::EdTargetDays, "number")}
                    {c.input("appeal_days", Msg::EdAppealDays, "number")}
                </div>
            </fieldset>
            <fieldset class="editor-section">
                <legend>{t(lang, Msg::ProgramHowToApply)}</legend>
                <div class="field-row">{c.area("how_to_apply_ru", Msg::EdHowRu, 4)}{c.area("how_to_apply_kk", Msg::EdHowKk, 4)}</div>
                {c.area("required_documents", Msg::EdDocuments, 5)}
            </fieldset>
            <LivePreview lang=lang initial=preview>{criteria_view}</LivePreview>
            {rubric(c)}
            {budget(c, regions)}
            <fieldset class="editor-section">
                <legend>{t(lang, Msg::ProgramSource)}</legend>
                <div class="field-row">{c.input("source_url", Msg::EdSourceUrl, "url")}{c.input("source_name", Msg::EdSourceName, "text")}</div>
            </fieldset>
            <div class="actions"><button type="submit" name="action" value="save" class="button" data-testid="save-programme">{t(lang, Msg::EdSave)}</button></div>
        </form>
    }
    .into_any()
}

/// `/operator/programs/new` and `/operator/programs/{slug}`.
#[component]
pub fn EditorPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    let slug = if slug == "new" { String::new() } else { slug };
    let here = if slug.is_empty() {
        "/operator/programs/new".to_owned()
    } else {
        format!("/operator/programs/{slug}")
    };
    let _ = require_sign_in(&here);
    let error = form_error(FORM);
    if error.is_some() {
        set_status(400);
    }
    let done = query_param("done");
    // After a refused post the address carries what was typed (`typed=1`).
    let typed = query_param("typed").is_some().then(|| {
        crate::domain::params::decode_query(&request_query())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| !k.starts_with("__") && k != "typed")
            .collect::<Vec<_>>()
    });
    let content = Suspend::new(async move {
        let (view, preview) = match programme_editor(slug.clone()).await {
            Ok(v) => v,
            Err(e) => {
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let new = view.programme.is_none();
        let values = Values(match (&typed, &view.programme) {
            (Some(t), _) => t.clone(),
            (None, Some(p)) => to_pairs(p),
            (None, None) => vec![
                ("kind".to_owned(), "microcredit".to_owned()),
                ("amount_unit".to_owned(), "kzt".to_owned()),
                ("collateral".to_owned(), "required".to_owned()),
            ],
        });
        let c = Ctx {
            lang,
            values: &values,
            error: &error,
        };
        let summary = alert(error.as_ref().map(|e| (e.message(lang), None)));
        let title = view
            .programme
            .as_ref()
            .map(|p| pick(lang, &p.input.title_ru, &p.input.title_kk).to_owned())
            .unwrap_or_else(|| t(lang, Msg::EdNew).to_owned());
        let status = view.programme.as_ref().map(|p| {
            let now = p.input.status;
            let buttons = [
                (ProgramStatus::Open, Msg::EdPublish),
                (ProgramStatus::Paused, Msg::EdPause),
                (ProgramStatus::Closed, Msg::EdClose),
            ]
            .into_iter()
            .filter(|(s, _)| *s != now)
            .map(|(s, label)| {
                view! { <button type="submit" name="status" value=s.as_str() class="button button-secondary" data-testid=format!("status-{}", s.as_str())>{t(lang, label)}</button> " " }
            })
            .collect::<Vec<_>>();
            view! {
                <form method="post" action=here.clone() class="editor-status">
                    <input type="hidden" name="action" value="status" />
                    <p>{t(lang, Msg::QueueState)} ": " <strong data-testid="programme-status">{now.label(lang)}</strong> " "</p>
                    <div class="actions">{buttons}</div>
                </form>
            }
        });
        let followups = view.followups.map(|r| followups_form(lang, &here, r));
        let versions = view
            .versions
            .iter()
            .map(|v| {
                let what = if v.fields.is_empty() { v.change.clone() } else { format!("{}: {}", v.change, v.fields.join(", ")) };
                view! {
                    <li data-testid="version">
                        {format!("v{} · ", v.version)} <strong>{v.author.clone()}</strong> " · " {format_date(lang, v.at.date_naive())} " · " {what}
                    </li>
                }
            })
            .collect::<Vec<_>>();
        let saved = done.as_deref().map(|d| {
            let msg = if d == "status" {
                Msg::EdStatusChanged
            } else {
                Msg::EdSaved
            };
            view! { <p class="notice" role="status" data-testid="saved">{t(lang, msg)}</p> }
        });
        view! {
            <h1>{title}</h1>
            {summary}
            {saved}
            {status}
            {form(&c, if new { "/operator/programs".to_owned() } else { here.clone() }, new, &view.regions, preview)}
            {followups}
            {(!view.versions.is_empty()).then(|| view! {
                <section aria-labelledby="versions">
                    <h2 id="versions">{t(lang, Msg::EdVersions)}</h2>
                    <ul class="versions">{versions}</ul>
                </section>
            })}
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::EdProgrammes) />
        <div class="page wide">
            <p><a href="/operator/programs">{t(lang, Msg::EdProgrammes)}</a></p>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}
