//! The lender's pages after the money, all without JavaScript:
//! - `/operator/portfolio`: its loans with their arrears, worst first, filtered like the queue
//!   (a GET form, so the view is its address), with the totals (PAR30, the buckets, loans
//!   repaid on time) and `/operator/portfolio.csv` for the same view;
//! - `/operator/repayments`: a bank's or lender's CSV of repayments, uploaded, previewed with
//!   every bad line named, and imported only when no line is refused;
//! - `/operator/api-keys`: the keys its own system posts repayments with (its administrator).

use leptos::prelude::*;

use super::{request_query, set_status};
use crate::PageTitle;
use crate::components::form::{FormId, alert, form_error, query_param};
use crate::components::layout::use_lang;
use crate::components::session::require_sign_in;
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::money::{Tiyn, format_kzt};
use crate::domain::portfolio::{
    ApiKeyLine, BUCKETS, ImportPreview, PORTFOLIO_PAGE, PortfolioPage, PortfolioQuery,
};
use crate::domain::repayment::Bucket;
use crate::error::AppError;

/// One page of the signed-in lender's portfolio, for the view in `query` (a query string).
#[server(endpoint = "loan_portfolio")]
pub async fn loan_portfolio(query: String) -> Result<(PortfolioQuery, PortfolioPage), AppError> {
    use crate::domain::params::decode_query;
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let q = PortfolioQuery::parse(&decode_query(&query)?)?;
        let page =
            services::loans::portfolio(&st.db, who.as_ref(), &q, st.config.today(), false).await?;
        Ok((q, page))
    })
    .await
}

/// What the import page shows its lender: the preview of the uploaded file `digest`, if any.
#[server(endpoint = "repayments_page")]
pub async fn repayments_page(digest: Option<String>) -> Result<Option<ImportPreview>, AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    let lang = request_lang();
    boundary(lang, async move {
        let st = state()?;
        let who = session::principal();
        services::loans::lender_of(who.as_ref())?;
        let Some(digest) = digest else {
            return Ok(None);
        };
        let dir = st.config.uploads_dir();
        services::loans::preview(&st.db, who.as_ref(), &dir, &digest, lang, st.config.today())
            .await
            .map(Some)
    })
    .await
}

/// The organisation's API keys, and the key just created (shown once: it travels in a
/// cookie that lives a minute and is cleared here, never in the address).
#[server(endpoint = "api_keys_page")]
pub async fn api_keys_page() -> Result<(Vec<ApiKeyLine>, Option<String>), AppError> {
    use crate::ssr::{boundary, request_lang, services, session, state};
    boundary(request_lang(), async move {
        let st = state()?;
        let who = session::principal();
        let keys = services::loans::api_keys(&st.db, who.as_ref()).await?;
        let fresh = session::take_fresh_key("/operator/api-keys");
        Ok((keys, fresh))
    })
    .await
}

fn money(lang: Lang, t: Tiyn) -> String {
    format_kzt(lang, t)
}

fn bucket_label(b: Bucket) -> Msg {
    match b {
        Bucket::Current => Msg::PortfolioCurrent,
        Bucket::Late1To30 => Msg::PortfolioLate1To30,
        Bucket::Late31To60 => Msg::PortfolioLate31To60,
        Bucket::Late61To90 => Msg::PortfolioLate61To90,
        Bucket::Late90Plus => Msg::PortfolioLate90Plus,
    }
}

fn percent(lang: Lang, bps: Option<i64>) -> String {
    match bps {
        None => "—".to_owned(),
        Some(b) => {
            let sep = if lang == Lang::En { "." } else { "," };
            format!("{}{sep}{:02} %", b / 100, b % 100)
        }
    }
}

/// `/operator/portfolio`.
#[component]
pub fn PortfolioPageView() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/operator/portfolio");
    let query = request_query();
    let content = Suspend::new(async move {
        let (q, page) = match loan_portfolio(query).await {
            Ok(v) => v,
            Err(e) => {
                return view! { <p class="notice notice-error" role="alert" data-testid="portfolio-error">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        view! {
            {filters(lang, &q, &page)}
            {totals(lang, &q, &page)}
            <p class="queue-total" data-testid="portfolio-total">
                {tf(lang, Msg::PortfolioCount, &[("n", &page.total.to_string())])} " · "
                <a href=format!("/operator/portfolio.csv?{}", q.to_query(None)) download="portfolio.csv" data-testid="portfolio-csv">{t(lang, Msg::QueueCsv)}</a>
                " · " <a href="/operator/repayments">{t(lang, Msg::ImportTitle)}</a>
            </p>
            {table(lang, &page)}
            {pager(lang, &q, page.total)}
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::PortfolioTitle) />
        <div class="page wide">
            <h1>{t(lang, Msg::PortfolioTitle)}</h1>
            <Suspense fallback=|| ()>{content}</Suspense>
        </div>
    }
}

fn filters(lang: Lang, q: &PortfolioQuery, page: &PortfolioPage) -> impl IntoView + use<> {
    let chosen = q.program.clone().unwrap_or_default();
    let mut programs =
        vec![view! { <option value="">{t(lang, Msg::QueueAnyProgram)}</option> }.into_any()];
    programs.extend(page.programs.iter().map(|(slug, ru, kk)| {
        let selected = *slug == chosen;
        view! { <option value=slug.clone() selected=selected>{pick(lang, ru, kk).to_owned()}</option> }.into_any()
    }));
    let bucket = q.bucket;
    let mut buckets = vec![view! { <option value="">{t(lang, Msg::QueueAny)}</option> }.into_any()];
    buckets.extend(BUCKETS.iter().map(|b| {
        let selected = bucket == Some(*b);
        view! { <option value=b.as_str() selected=selected>{t(lang, bucket_label(*b))}</option> }
            .into_any()
    }));
    view! {
        <form method="get" action="/operator/portfolio" class="queue-filters" data-testid="portfolio-filters">
            <div class="field">
                <label for="program">{t(lang, Msg::QueueProgram)}</label>
                <select id="program" name="program">{programs}</select>
            </div>
            <div class="field">
                <label for="bucket">{t(lang, Msg::PortfolioBucket)}</label>
                <select id="bucket" name="bucket">{buckets}</select>
            </div>
            <div class="field">
                <label for="area">{t(lang, Msg::QueueArea)}</label>
                <input id="area" name="area" inputmode="numeric" maxlength="9" value=q.area.clone() />
            </div>
            <div class="actions"><button type="submit" class="button" data-testid="portfolio-apply">{t(lang, Msg::QueueApply)}</button></div>
        </form>
    }
}

fn totals(lang: Lang, q: &PortfolioQuery, page: &PortfolioPage) -> impl IntoView + use<> {
    let tt = page.totals;
    let cell = |label: String, value: String, id: &'static str| {
        view! { <div><dt>{label}</dt><dd data-testid=id>{value}</dd></div> }
    };
    let buckets = BUCKETS
        .iter()
        .zip(tt.buckets)
        .map(|(b, n)| {
            let mut view_of = q.clone();
            view_of.bucket = Some(*b);
            view_of.page = 1;
            let current = q.bucket == Some(*b);
            view! {
                <li>
                    <a href=format!("/operator/portfolio?{}", view_of.to_query(None)) aria-current=current.then_some("true") data-testid=format!("bucket-{}", b.as_str())>
                        {t(lang, bucket_label(*b))} " " <strong>{n.to_string()}</strong>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <dl class="portfolio-totals">
            {cell(t(lang, Msg::PortfolioLoans).to_owned(), tt.loans.to_string(), "total-loans")}
            {cell(t(lang, Msg::LoanOutstanding).to_owned(), money(lang, tt.outstanding), "total-outstanding")}
            {cell(t(lang, Msg::PortfolioPar30).to_owned(), percent(lang, tt.par30_bps), "total-par30")}
            {cell(t(lang, Msg::PortfolioOnTime).to_owned(), tt.on_time.to_string(), "total-on-time")}
        </dl>
        <ul class="queue-counts" aria-label=t(lang, Msg::PortfolioBucket)>{buckets}</ul>
    }
}

fn table(lang: Lang, page: &PortfolioPage) -> AnyView {
    if page.lines.is_empty() {
        return view! { <p data-testid="portfolio-empty">{t(lang, Msg::PortfolioEmpty)}</p> }
            .into_any();
    }
    let rows = page
        .lines
        .iter()
        .map(|l| {
            let id = l.application_id;
            let late = l.days_past_due > 0;
            view! {
                <tr class:overdue=late data-testid="portfolio-row" data-id=id.to_string()>
                    <td><a href=format!("/applications/{id}")>{format!("№ {id}")}</a></td>
                    <td>{l.borrower.clone()}</td>
                    <td>{pick(lang, &l.program_ru, &l.program_kk).to_owned()}</td>
                    <td>{match lang { Lang::Kk => l.okrug_kk.clone(), _ => l.okrug_ru.clone() }.unwrap_or_default()}</td>
                    <td>{format_date(lang, l.disbursed_on)}</td>
                    <td class="num">{money(lang, l.outstanding)}</td>
                    <td class="num" data-testid="days-past-due">{l.days_past_due.to_string()}</td>
                    <td>{t(lang, bucket_label(l.bucket))}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="queue" data-testid="portfolio">
                <thead>
                    <tr>
                        <th scope="col">"№"</th>
                        <th scope="col">{t(lang, Msg::QueueApplicant)}</th>
                        <th scope="col">{t(lang, Msg::QueueProgram)}</th>
                        <th scope="col">{t(lang, Msg::PortfolioOkrug)}</th>
                        <th scope="col">{t(lang, Msg::PortfolioDisbursed)}</th>
                        <th scope="col">{t(lang, Msg::LoanOutstanding)}</th>
                        <th scope="col">{t(lang, Msg::PortfolioDaysLate)}</th>
                        <th scope="col">{t(lang, Msg::PortfolioBucket)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn pager(lang: Lang, q: &PortfolioQuery, total: u64) -> impl IntoView + use<> {
    let pages = u32::try_from(total.div_ceil(u64::from(PORTFOLIO_PAGE)).max(1)).unwrap_or(u32::MAX);
    let link = |page: u32, label: Msg| {
        view! { <a href=format!("/operator/portfolio?{}", q.to_query(Some(page)))>{t(lang, label)}</a> }
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

/// `/operator/repayments`: upload, preview, import.
#[component]
pub fn RepaymentsImportPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/operator/repayments");
    let error = form_error(FormId::ImportRepayments);
    if error.is_some() {
        set_status(400);
    }
    let summary = alert(error.as_ref().map(|e| (e.message(lang), Some("file"))));
    let imported = query_param("imported").and_then(|n| n.parse::<usize>().ok());
    let already = query_param("already")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let done = imported.map(|n| {
        view! {
            <p class="notice notice-info" role="status" data-testid="import-done">
                {tf(lang, Msg::ImportDone, &[("n", &n.to_string()), ("already", &already.to_string())])}
                " " <a href="/operator/portfolio">{t(lang, Msg::PortfolioTitle)}</a>
            </p>
        }
    });
    let digest = query_param("file").filter(|d| !d.is_empty());
    let content = Suspend::new(async move {
        match repayments_page(digest).await {
            Ok(Some(p)) => view! { {preview_view(lang, &p)} {upload_form(lang, error.is_some())} }.into_any(),
            Ok(None) => upload_form(lang, error.is_some()).into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert" data-testid="import-error">{super::load_error(lang, &e)}</p> }.into_any(),
        }
    });
    view! {
        <PageTitle text=t(lang, Msg::ImportTitle) />
        <div class="page">
            <h1>{t(lang, Msg::ImportTitle)}</h1>
            {summary}
            {done}
            <Suspense fallback=|| ()>{content}</Suspense>
            <p><a href="/operator/portfolio">{t(lang, Msg::PortfolioTitle)}</a></p>
        </div>
    }
}

fn upload_form(lang: Lang, refused: bool) -> impl IntoView + use<> {
    view! {
        <form method="post" action="/operator/repayments" enctype="multipart/form-data" data-testid="import-upload">
            <div class="field-stack" class:field-error=refused>
                <label for="file">{t(lang, Msg::ImportFile)}</label>
                <p class="hint" id="file-hint">{t(lang, Msg::ImportFileHint)}</p>
                <input id="file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="file-hint" />
            </div>
            <div class="actions"><button type="submit" class="button" name="action" value="preview" data-testid="import-check">{t(lang, Msg::ImportCheck)}</button></div>
        </form>
    }
}

fn preview_view(lang: Lang, p: &ImportPreview) -> impl IntoView + use<> {
    if !p.errors.is_empty() {
        let items = p
            .errors
            .iter()
            .map(|(line, field, message)| {
                let what = tf(
                    lang,
                    Msg::ImportLineError,
                    &[
                        ("line", &line.to_string()),
                        ("field", field),
                        ("message", message),
                    ],
                );
                view! { <li data-testid="import-line-error" data-line=line.to_string()>{what}</li> }
            })
            .collect::<Vec<_>>();
        return view! {
            <section class="notice notice-error" role="alert" data-testid="import-errors">
                <h2>{tf(lang, Msg::ImportRefused, &[("n", &p.errors.len().to_string())])}</h2>
                <ul class="import-errors">{items}</ul>
            </section>
        }
        .into_any();
    }
    let new = p.lines.saturating_sub(p.already);
    view! {
        <section class="notice notice-info" data-testid="import-preview">
            <h2>{t(lang, Msg::ImportPreview)}</h2>
            <p>{tf(lang, Msg::ImportSummary, &[
                ("lines", &p.lines.to_string()),
                ("new", &new.to_string()),
                ("already", &p.already.to_string()),
                ("loans", &p.loans.to_string()),
                ("amount", &money(lang, p.amount)),
                ("reversals", &p.reversals.to_string()),
            ])}</p>
            {(new > 0).then(|| view! {
                <form method="post" action="/operator/repayments" data-testid="import-confirm">
                    <input type="hidden" name="digest" value=p.digest.clone() />
                    <div class="actions"><button type="submit" class="button" name="action" value="import" data-testid="import-go">{tf(lang, Msg::ImportGo, &[("n", &new.to_string())])}</button></div>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// `/operator/api-keys`.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let lang = use_lang();
    let _ = require_sign_in("/operator/api-keys");
    let error = form_error(FormId::ApiKeys);
    if error.is_some() {
        set_status(400);
    }
    let summary = alert(error.as_ref().map(|e| (e.message(lang), Some("name"))));
    let content = Suspend::new(async move {
        let (keys, fresh) = match api_keys_page().await {
            Ok(v) => v,
            Err(e) => {
                return view! { <p class="notice notice-error" role="alert">{super::load_error(lang, &e)}</p> }.into_any();
            }
        };
        let fresh = fresh.map(|k| {
            view! {
                <div class="notice notice-info" role="status" data-testid="fresh-key">
                    <p>{t(lang, Msg::ApiKeyShownOnce)}</p>
                    <p><code data-testid="fresh-key-value">{k}</code></p>
                </div>
            }
        });
        let rows = keys
            .iter()
            .map(|k| {
                let revoke = k.revoked_at.is_none().then(|| {
                    view! {
                        <form method="post" action="/operator/api-keys">
                            <input type="hidden" name="id" value=k.id.to_string() />
                            <button type="submit" class="button button-secondary" name="action" value="revoke">{t(lang, Msg::ApiKeyRevoke)}</button>
                        </form>
                    }
                });
                let state = match k.revoked_at {
                    Some(at) => tf(lang, Msg::ApiKeyRevokedOn, &[("date", &format_date(lang, at.date_naive()))]),
                    None => k
                        .last_used_at
                        .map(|at| tf(lang, Msg::ApiKeyUsedOn, &[("date", &format_date(lang, at.date_naive()))]))
                        .unwrap_or_else(|| t(lang, Msg::ApiKeyNeverUsed).to_owned()),
                };
                view! {
                    <tr data-testid="api-key">
                        <td>{k.name.clone()}</td>
                        <td><code>{format!("auyl_{}_…", k.prefix)}</code></td>
                        <td>{format_date(lang, k.created_at.date_naive())}</td>
                        <td>{state}</td>
                        <td>{revoke}</td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            {fresh}
            <div class="table-scroll" tabindex="0">
                <table class="queue">
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::ApiKeyName)}</th>
                        <th scope="col">{t(lang, Msg::ApiKeyKey)}</th>
                        <th scope="col">{t(lang, Msg::ApiKeyCreated)}</th>
                        <th scope="col">{t(lang, Msg::LoanStatus)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    });
    view! {
        <PageTitle text=t(lang, Msg::ApiKeysTitle) />
        <div class="page">
            <h1>{t(lang, Msg::ApiKeysTitle)}</h1>
            <p>{t(lang, Msg::ApiKeysLead)}</p>
            <p><a href="/operator/webhooks" data-testid="webhooks-link">{t(lang, Msg::WhTitle)}</a></p>
            {summary}
            <Suspense fallback=|| ()>{content}</Suspense>
            <form method="post" action="/operator/api-keys" data-testid="api-key-create">
                <div class="field-stack">
                    <label for="name">{t(lang, Msg::ApiKeyName)}</label>
                    <input id="name" name="name" maxlength="100" required />
                </div>
                <div class="actions"><button type="submit" class="button" name="action" value="create">{t(lang, Msg::ApiKeyCreate)}</button></div>
            </form>
        </div>
    }
}
