//! Okrug report rows: marking an okrug's figures out of date, computing them from the
//! applications, and reading them back for an area.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

mod signatures;
pub use signatures::{Signature, signature, signatures_within};

use super::entities::{
    application_events, applications, loans, locations, okrug_reports, profiles, recommendations,
    users,
};
use crate::domain::account::Role;
use crate::domain::application::State;
use crate::domain::location::{KatoCode, Level};
use crate::domain::recommendation::Verdict;
use crate::domain::report::{Figures, Recommender, Said, Stage};

/// The first and last code of the settlements of the area `prefix` names (`""`: all).
pub(crate) fn range(prefix: &str) -> (String, String) {
    let pad = |c: char| {
        let mut s = prefix.to_owned();
        while s.len() < 9 {
            s.push(c);
        }
        s
    };
    (pad('0'), pad('9'))
}

/// The significant digits of an area's code: 2 for a region, 4 for a district, 6 for an okrug.
pub fn prefix(area: Option<&KatoCode>) -> &str {
    match area {
        None => "",
        Some(c) => match c.level() {
            Level::Region => &c.as_str()[..2],
            Level::District => &c.as_str()[..4],
            Level::Okrug | Level::Settlement => &c.as_str()[..6],
        },
    }
}

/// Marks the figures of `okrug` out of date: part of the transaction that changes them.
pub async fn touch(db: &impl ConnectionTrait, okrug: &KatoCode) -> Result<(), DbErr> {
    let row = okrug_reports::ActiveModel {
        okrug_code: Set(okrug.to_string()),
        generation: Set(1),
        computed_generation: Set(0),
        figures: Set(None),
        computed_at: Set(None),
    };
    okrug_reports::Entity::insert(row)
        .on_conflict(
            OnConflict::column(okrug_reports::Column::OkrugCode)
                .value(
                    okrug_reports::Column::Generation,
                    Expr::col((okrug_reports::Entity, okrug_reports::Column::Generation)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Marks every okrug out of date (after a bulk load that bypassed the use cases): the
/// directory's okrugs, and the "okrug" of every settlement with a profile or an application
/// (a few settlements lie outside any okrug of the directory).
pub async fn touch_all(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let mut codes: std::collections::BTreeSet<String> = locations::Entity::find()
        .select_only()
        .column(locations::Column::Code)
        .filter(locations::Column::Level.eq(Level::Okrug.as_i16()))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let used: Vec<Option<String>> = applications::Entity::find()
        .select_only()
        .column(applications::Column::SettlementCode)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let registered: Vec<Option<String>> = profiles::Entity::find()
        .select_only()
        .column(profiles::Column::SettlementCode)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    for code in used.into_iter().chain(registered).flatten() {
        if let Some(okrug) = KatoCode::parse(&code).ok().and_then(|c| c.okrug()) {
            codes.insert(okrug.to_string());
        }
    }
    for code in &codes {
        if let Ok(c) = KatoCode::parse(code) {
            touch(db, &c).await?;
        }
    }
    Ok(codes.len() as u64)
}

/// The codes of the okrug rows within the area `prefix`.
pub async fn codes_in(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<String>, DbErr> {
    let (lo, hi) = range(prefix);
    okrug_reports::Entity::find()
        .select_only()
        .column(okrug_reports::Column::OkrugCode)
        .filter(okrug_reports::Column::OkrugCode.between(lo, hi))
        .into_tuple()
        .all(db)
        .await
}

/// Okrugs whose figures are out of date (at most `limit`), with the generation to compute.
pub async fn stale(
    db: &impl ConnectionTrait,
    prefix: &str,
    limit: u64,
) -> Result<Vec<(String, i64)>, DbErr> {
    let (lo, hi) = range(prefix);
    okrug_reports::Entity::find()
        .select_only()
        .column(okrug_reports::Column::OkrugCode)
        .column(okrug_reports::Column::Generation)
        .filter(okrug_reports::Column::OkrugCode.between(lo, hi))
        .filter(
            Expr::col(okrug_reports::Column::ComputedGeneration)
                .lt(Expr::col(okrug_reports::Column::Generation)),
        )
        .order_by_asc(okrug_reports::Column::OkrugCode)
        // The SQLite driver takes a LIMIT as i64.
        .limit(std::cmp::min(limit, i64::MAX as u64))
        .into_tuple()
        .all(db)
        .await
}

/// Whether any okrug waits to be recomputed. Read from `idx_okrug_reports_stale` alone: the
/// table's rows, each in its own page beside 28 KiB of figures on average, cost 10 MB of reads
/// to scan at a million applications, on every kept report page's check.
pub async fn any_stale(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let row: Option<i64> = okrug_reports::Entity::find()
        .select_only()
        .column(okrug_reports::Column::ComputedGeneration)
        .filter(
            Expr::col(okrug_reports::Column::ComputedGeneration)
                .lt(Expr::col(okrug_reports::Column::Generation)),
        )
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.is_some())
}

/// Stores figures computed as of `generation` (a later touch keeps the row out of date).
pub async fn store(
    db: &impl ConnectionTrait,
    okrug: &str,
    generation: i64,
    figures: &Figures,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let json = serde_json::to_string(figures)
        .map_err(|e| DbErr::Custom(format!("figures of okrug {okrug}: {e}")))?;
    okrug_reports::Entity::update_many()
        .col_expr(okrug_reports::Column::Figures, Expr::value(json))
        .col_expr(
            okrug_reports::Column::ComputedGeneration,
            Expr::value(generation),
        )
        .col_expr(
            okrug_reports::Column::ComputedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(okrug_reports::Column::OkrugCode.eq(okrug))
        .filter(okrug_reports::Column::ComputedGeneration.lt(generation))
        .exec(db)
        .await?;
    Ok(())
}

/// A stored row: code, figures (empty if never computed), when computed.
pub type Stored = (String, Figures, Option<DateTime<FixedOffset>>);

/// The stored figures of the okrugs of an area, as stored (JSON), for a reader that wants only
/// part of them.
pub async fn figures_in(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<String>, DbErr> {
    let (lo, hi) = range(prefix);
    let rows: Vec<Option<String>> = okrug_reports::Entity::find()
        .select_only()
        .column(okrug_reports::Column::Figures)
        .filter(okrug_reports::Column::OkrugCode.between(lo, hi))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

/// The okrugs of an area with their stored figures.
pub async fn in_area(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<Stored>, DbErr> {
    let (lo, hi) = range(prefix);
    let rows = okrug_reports::Entity::find()
        .filter(okrug_reports::Column::OkrugCode.between(lo, hi))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            let figures = match &r.figures {
                Some(json) => serde_json::from_str(json).map_err(|e| {
                    DbErr::Custom(format!("okrug_reports.figures of {}: {e}", r.okrug_code))
                })?,
                None => Figures::default(),
            };
            Ok((r.okrug_code, figures, r.computed_at))
        })
        .collect()
}

/// The month key of a moment, in Kazakhstan's time (UTC+5).
fn month(at: DateTime<FixedOffset>) -> String {
    let local = at.with_timezone(&FixedOffset::east_opt(5 * 3600).unwrap_or(*at.offset()));
    local.format("%Y-%m").to_string()
}

fn days(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> u32 {
    std::cmp::max((to - from).num_days(), 0) as u32
}

/// The settlements an okrug row counts: those whose code starts with its six digits. A few
/// settlements lie directly under a district (`111600100`); their "okrug" is `111600000`,
/// which is the district's code, and must still count those settlements only, not the district.
fn own(okrug: &KatoCode) -> (String, String) {
    range(&okrug.as_str()[..6])
}

/// Computes an okrug's figures from its applications, recommendations and profiles.
pub async fn compute(db: &impl ConnectionTrait, okrug: &KatoCode) -> Result<Figures, DbErr> {
    let (lo, hi) = own(okrug);
    let mut f = Figures {
        registered: profiles::Entity::find()
            .filter(profiles::Column::SettlementCode.between(lo.clone(), hi.clone()))
            .count(db)
            .await?,
        ..Figures::default()
    };
    let apps = submitted_applications(db, &lo, &hi).await?;
    let latest = latest_recommendations(db, okrug).await?;
    let moments = stage_moments(db, &lo, &hi).await?;
    let jobs = planned_jobs(db, lo, hi).await?;
    for app in &apps {
        count_application(&mut f, app, &latest, &moments, &jobs);
    }
    after_money(db, okrug, &apps, &latest, &moments, &mut f).await?;
    appeals(db, &apps, &mut f).await?;
    complaints(db, okrug, &mut f).await?;
    f.recommenders = recommenders(db, &apps, &latest).await?;
    Ok(f)
}

/// An appeal as the report counts it: outcome, filed at, decided at.
type AppealRow = (
    Option<String>,
    DateTime<FixedOffset>,
    Option<DateTime<FixedOffset>>,
);

/// The appeals against the refusals of the okrug's applications: filed, and how and how fast
/// they were decided (in days, rounded down).
async fn appeals(
    db: &impl ConnectionTrait,
    apps: &[Submitted],
    f: &mut Figures,
) -> Result<(), DbErr> {
    use super::entities::appeals;
    // Bounded lists of ids, within every database's limit on parameters.
    for chunk in apps.chunks(1000) {
        let ids: Vec<i32> = chunk.iter().map(|a| a.0).collect();
        let rows: Vec<AppealRow> = appeals::Entity::find()
            .select_only()
            .column(appeals::Column::Outcome)
            .column(appeals::Column::FiledAt)
            .column(appeals::Column::DecidedAt)
            .filter(appeals::Column::ApplicationId.is_in(ids))
            .into_tuple()
            .all(db)
            .await?;
        for (outcome, filed, decided) in rows {
            let decided = outcome.zip(decided).map(|(o, at)| {
                let days = u32::try_from(Ord::max((at - filed).num_days(), 0)).unwrap_or(u32::MAX);
                (o == "overturned", days)
            });
            f.appeals.count(decided);
        }
    }
    Ok(())
}

/// The residents' complaints counted in the okrug: about whom, and whether and how fast they
/// were answered (whole days; in time when answered by the due date, Kazakhstan's day).
async fn complaints(
    db: &impl ConnectionTrait,
    okrug: &KatoCode,
    f: &mut Figures,
) -> Result<(), DbErr> {
    let day = |at: DateTime<FixedOffset>| {
        (at.with_timezone(&chrono::Utc) + chrono::Duration::hours(5)).date_naive()
    };
    for (about, due_on, filed, answered, escalated) in
        super::complaints::of_okrug(db, okrug.as_str()).await?
    {
        let answered = answered.map(|at| {
            let days = u32::try_from(Ord::max((at - filed).num_days(), 0)).unwrap_or(u32::MAX);
            // Escalated means late, whatever day the answer came.
            (days, day(at) <= due_on && escalated.is_none())
        });
        f.complaints
            .count(about == "operator", answered, escalated.is_some());
    }
    Ok(())
}

/// A submitted application as [`compute`] counts it: id, programme, state, amount asked,
/// submitted at, approved amount, amount paid.
type Submitted = (
    i32,
    i32,
    String,
    Option<i64>,
    Option<DateTime<FixedOffset>>,
    Option<i64>,
    Option<i64>,
);

/// By application: the moment of each step that ends a stage.
type Moments = BTreeMap<i32, BTreeMap<String, DateTime<FixedOffset>>>;

/// The okrug's submitted applications, with the money: the operator's approved amount and the
/// disbursement record's, where there are (applications decided before they were kept count
/// with the amount applied for).
async fn submitted_applications(
    db: &impl ConnectionTrait,
    lo: &str,
    hi: &str,
) -> Result<Vec<Submitted>, DbErr> {
    applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .column(applications::Column::ProgramId)
        .column(applications::Column::State)
        .column(applications::Column::AmountKzt)
        .column(applications::Column::SubmittedAt)
        .column(applications::Column::ApprovedKzt)
        .column(applications::Column::DisbursedKzt)
        .filter(applications::Column::SettlementCode.between(lo.to_owned(), hi.to_owned()))
        .filter(applications::Column::SubmittedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await
}

/// The latest recommendation of each application, by application id.
async fn latest_recommendations(
    db: &impl ConnectionTrait,
    okrug: &KatoCode,
) -> Result<BTreeMap<i32, recommendations::Model>, DbErr> {
    let recs = recommendations::Entity::find()
        .filter(recommendations::Column::OkrugCode.eq(okrug.as_str()))
        .order_by_asc(recommendations::Column::ApplicationId)
        .order_by_asc(recommendations::Column::Version)
        .all(db)
        .await?;
    let mut latest: BTreeMap<i32, recommendations::Model> = BTreeMap::new();
    for r in recs {
        latest.insert(r.application_id, r);
    }
    Ok(latest)
}

/// The moments of the steps that end a stage.
async fn stage_moments(db: &impl ConnectionTrait, lo: &str, hi: &str) -> Result<Moments, DbErr> {
    let events: Vec<(i32, String, DateTime<FixedOffset>)> = application_events::Entity::find()
        .select_only()
        .column(application_events::Column::ApplicationId)
        .column(application_events::Column::Step)
        .column(application_events::Column::At)
        .inner_join(applications::Entity)
        .filter(applications::Column::SettlementCode.between(lo.to_owned(), hi.to_owned()))
        .filter(application_events::Column::Step.is_in([
            "start_review",
            "approve",
            "reject",
            "disburse",
        ]))
        .order_by_asc(application_events::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut moments = Moments::new();
    for (id, step, at) in events {
        // The first of each: a review taken up twice started the first time.
        moments.entry(id).or_default().entry(step).or_insert(at);
    }
    Ok(moments)
}

/// The jobs each approved application plans, by application id. Jobs are in the submitted
/// form, read only for the approved.
async fn planned_jobs(
    db: &impl ConnectionTrait,
    lo: String,
    hi: String,
) -> Result<BTreeMap<i32, u64>, DbErr> {
    let plans: Vec<(i32, String)> = applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .column(applications::Column::Data)
        .filter(applications::Column::SettlementCode.between(lo, hi))
        .filter(
            applications::Column::State
                .is_in([State::Approved.as_str(), State::Disbursed.as_str()]),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(plans
        .into_iter()
        .map(|(id, data)| {
            let jobs = serde_json::from_str::<serde_json::Value>(&data)
                .ok()
                .and_then(|v| v.get("plan")?.get("jobs")?.as_u64())
                .unwrap_or(0);
            (id, jobs)
        })
        .collect())
}

/// After the money, by what the akimat said of the application: the okrug's loans by where
/// they stand, its use-of-funds reports by due date (filed by then or not), and the jobs its
/// accepted results reports count.
async fn after_money(
    db: &impl ConnectionTrait,
    okrug: &KatoCode,
    apps: &[Submitted],
    latest: &BTreeMap<i32, recommendations::Model>,
    moments: &Moments,
    f: &mut Figures,
) -> Result<(), DbErr> {
    use super::entities::{followup_reports, program_followups};
    use crate::domain::followup::{ReportData, ReportKind, ReportState, Requirements};
    let book: Vec<(i32, Option<chrono::NaiveDate>, bool, i64, chrono::NaiveDate)> =
        loans::Entity::find()
            .select_only()
            .column(loans::Column::ApplicationId)
            .column(loans::Column::FirstUnpaidDueOn)
            .column(loans::Column::PaidLate)
            .column(loans::Column::OutstandingPrincipalTiyn)
            .column(loans::Column::DisbursedOn)
            .filter(loans::Column::OkrugCode.eq(okrug.as_str()))
            .into_tuple()
            .all(db)
            .await?;
    let mut paid_on = BTreeMap::new();
    for (id, first_unpaid, paid_late, outstanding, disbursed_on) in book {
        paid_on.insert(id, disbursed_on);
        f.loans.entry(said_of(latest, id)).or_default().add_loan(
            first_unpaid,
            paid_late,
            outstanding,
        );
    }
    let paid: Vec<&Submitted> = apps
        .iter()
        .filter(|a| a.2 == State::Disbursed.as_str())
        .collect();
    if paid.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = paid.iter().map(|a| a.0).collect();
    let mut reports: BTreeMap<i32, Vec<followup_reports::Model>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for r in followup_reports::Entity::find()
            .filter(followup_reports::Column::ApplicationId.is_in(chunk.iter().copied()))
            .order_by_asc(followup_reports::Column::Version)
            .all(db)
            .await?
        {
            reports.entry(r.application_id).or_default().push(r);
        }
    }
    let programs: std::collections::BTreeSet<i32> = paid.iter().map(|a| a.1).collect();
    let asked: BTreeMap<i32, Requirements> = program_followups::Entity::find()
        .filter(program_followups::Column::ProgramId.is_in(programs))
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            let req = Requirements {
                use_of_funds_days: r.use_of_funds_days,
                results_months: r.results_months,
            };
            (r.program_id, req)
        })
        .collect();
    for (id, program, ..) in paid {
        let book = f.loans.entry(said_of(latest, *id)).or_default();
        let mine = reports.get(id).map(Vec::as_slice).unwrap_or_default();
        // The payment's day: the loan's, or (a grant) the day of its payment's step.
        let day = paid_on.get(id).copied().or_else(|| {
            moments.get(id).and_then(|m| m.get("disburse")).map(|at| {
                (at.with_timezone(&chrono::Utc) + chrono::Duration::hours(5)).date_naive()
            })
        });
        let due = day.map(|d| asked.get(program).copied().unwrap_or_default().due(d));
        if let Some((_, due_on)) = due
            .iter()
            .flatten()
            .find(|(k, _)| *k == ReportKind::UseOfFunds)
        {
            let first_filed = mine
                .iter()
                .filter(|r| r.kind == ReportKind::UseOfFunds.as_str())
                .map(|r| {
                    (r.submitted_at.with_timezone(&chrono::Utc) + chrono::Duration::hours(5))
                        .date_naive()
                })
                .min();
            book.add_funds_report(*due_on, first_filed.is_some_and(|d| d <= *due_on));
        }
        if let Some(r) = mine.iter().rev().find(|r| {
            r.kind == ReportKind::Results.as_str() && r.state == ReportState::Accepted.as_str()
        }) {
            let data: ReportData = serde_json::from_str(&r.data).unwrap_or_default();
            book.add_results(
                data.jobs_created.unwrap_or(0),
                data.jobs_young.unwrap_or(0),
                data.jobs_women.unwrap_or(0),
            );
        }
    }
    Ok(())
}

/// What the akimat said of application `id` (its latest recommendation).
fn said_of(latest: &BTreeMap<i32, recommendations::Model>, id: i32) -> Said {
    match latest.get(&id).map(|r| Verdict::parse(&r.verdict)) {
        Some(Some(Verdict::Recommend)) => Said::Recommended,
        Some(Some(Verdict::DoNotRecommend)) => Said::NotRecommended,
        _ => Said::Nothing,
    }
}

/// Adds one application to the figures; one in a state this version does not know is skipped.
fn count_application(
    f: &mut Figures,
    app: &Submitted,
    latest: &BTreeMap<i32, recommendations::Model>,
    moments: &Moments,
    jobs: &BTreeMap<i32, u64>,
) {
    let (id, program, state, asked, submitted, approved, paid) = app;
    let Some(state) = State::parse(state) else {
        return;
    };
    let approved = approved.or(*asked).unwrap_or(0);
    let paid = paid.unwrap_or(approved);
    f.applied += 1;
    *f.by_state.entry(state.as_str().to_owned()).or_default() += 1;
    let said = said_of(latest, *id);
    match said {
        Said::Recommended => f.recommended += 1,
        Said::NotRecommended => f.not_recommended += 1,
        Said::Nothing => {}
    }
    if let Some(at) = submitted {
        f.months.entry(month(*at)).or_default().applied += 1;
    }
    let jobs = jobs.get(id).copied().unwrap_or(0);
    count_outcome(f, state, said, *program, approved, paid, jobs);
    count_stages(f, *submitted, moments.get(id), paid);
}

/// The application's outcome: overall, by what the akimat said, and by programme.
fn count_outcome(
    f: &mut Figures,
    state: State,
    said: Said,
    program: i32,
    approved: i64,
    paid: i64,
    jobs: u64,
) {
    let outcome = f.outcomes.entry(said).or_default();
    outcome.applied += 1;
    let program = f.programs.entry(program).or_default();
    program.applied += 1;
    match state {
        State::Approved | State::Disbursed => {
            f.approved += 1;
            f.approved_kzt += approved;
            f.jobs_planned += jobs;
            outcome.approved += 1;
            program.approved += 1;
        }
        State::Rejected => {
            f.rejected += 1;
            outcome.rejected += 1;
        }
        State::Withdrawn => {
            f.withdrawn += 1;
            outcome.withdrawn += 1;
        }
        _ => {}
    }
    if state == State::Disbursed {
        f.disbursed += 1;
        f.disbursed_kzt += paid;
        program.disbursed_kzt += paid;
    }
}

/// How long the application waited, was reviewed and waited for its payment, and the months
/// it was approved and paid in.
fn count_stages(
    f: &mut Figures,
    submitted: Option<DateTime<FixedOffset>>,
    moments: Option<&BTreeMap<String, DateTime<FixedOffset>>>,
    paid: i64,
) {
    let at = |step: &str| moments.and_then(|m| m.get(step)).copied();
    let decided = at("approve").or(at("reject"));
    if let (Some(s), Some(r)) = (submitted, at("start_review")) {
        f.add_stage(Stage::Waiting, days(s, r));
        if let Some(d) = decided {
            f.add_stage(Stage::Review, days(r, d));
        }
    }
    if let Some(a) = at("approve") {
        f.months.entry(month(a)).or_default().approved += 1;
        if let Some(d) = at("disburse") {
            f.add_stage(Stage::Payment, days(a, d));
            let m = f.months.entry(month(d)).or_default();
            m.disbursed += 1;
            m.disbursed_kzt += paid;
        }
    }
}

/// Who in the akimat said what, over the applications counted; an akim is named, staff are not.
async fn recommenders(
    db: &impl ConnectionTrait,
    apps: &[Submitted],
    latest: &BTreeMap<i32, recommendations::Model>,
) -> Result<Vec<Recommender>, DbErr> {
    let counted: std::collections::BTreeSet<i32> = apps.iter().map(|a| a.0).collect();
    let mut by_author: BTreeMap<i32, (String, u64, u64)> = BTreeMap::new();
    for r in latest
        .values()
        .filter(|r| counted.contains(&r.application_id))
    {
        let e = by_author
            .entry(r.author_user_id)
            .or_insert_with(|| (r.author_role.clone(), 0, 0));
        match Verdict::parse(&r.verdict) {
            Some(Verdict::Recommend) => e.1 += 1,
            Some(Verdict::DoNotRecommend) => e.2 += 1,
            None => {}
        }
    }
    let names: BTreeMap<i32, String> = if by_author.is_empty() {
        BTreeMap::new()
    } else {
        users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::DisplayName)
            .filter(users::Column::Id.is_in(by_author.keys().copied()))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(by_author
        .into_iter()
        .map(|(user_id, (role, recommended, not_recommended))| {
            let akim = role == Role::Akim.as_str();
            Recommender {
                user_id,
                akim,
                name: if akim {
                    names.get(&user_id).cloned().unwrap_or_default()
                } else {
                    String::new()
                },
                recommended,
                not_recommended,
            }
        })
        .collect())
}

/// Areas by code: name, level, parent.
pub async fn areas(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<locations::Model>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    locations::Entity::find()
        .filter(locations::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await
}

/// The units directly within `parent` (the regions, for the country).
pub async fn children(
    db: &impl ConnectionTrait,
    parent: Option<&KatoCode>,
) -> Result<Vec<locations::Model>, DbErr> {
    let q = locations::Entity::find();
    let q = match parent {
        Some(p) => q.filter(locations::Column::ParentCode.eq(p.as_str())),
        None => q.filter(locations::Column::Level.eq(Level::Region.as_i16())),
    };
    q.filter(locations::Column::Level.lte(Level::Okrug.as_i16()))
        .order_by_asc(locations::Column::NameRu)
        .all(db)
        .await
}

/// Every region, district and okrug with its names, for the picker.
pub async fn all_areas(db: &impl ConnectionTrait) -> Result<Vec<locations::Model>, DbErr> {
    locations::Entity::find()
        .filter(locations::Column::Level.lte(Level::Okrug.as_i16()))
        .order_by_asc(locations::Column::Code)
        .all(db)
        .await
}

/// The okrug's applications still being decided: id, programme, state, since when.
pub async fn open_in(
    db: &impl ConnectionTrait,
    okrug: &KatoCode,
) -> Result<Vec<(i32, i32, String, DateTime<FixedOffset>)>, DbErr> {
    let (lo, hi) = own(okrug);
    applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .column(applications::Column::ProgramId)
        .column(applications::Column::State)
        .column(applications::Column::UpdatedAt)
        .filter(applications::Column::SettlementCode.between(lo, hi))
        .filter(applications::Column::State.is_in([
            State::Submitted.as_str(),
            State::InReview.as_str(),
            State::InfoRequested.as_str(),
        ]))
        .order_by_asc(applications::Column::UpdatedAt)
        .into_tuple()
        .all(db)
        .await
}

/// The reasons given for rejecting the okrug's applications.
pub async fn rejection_reasons(
    db: &impl ConnectionTrait,
    okrug: &KatoCode,
) -> Result<Vec<String>, DbErr> {
    let (lo, hi) = own(okrug);
    let rows: Vec<Option<String>> = application_events::Entity::find()
        .select_only()
        .column(application_events::Column::Reason)
        .inner_join(applications::Entity)
        .filter(applications::Column::SettlementCode.between(lo, hi))
        .filter(application_events::Column::Step.eq("reject"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}
