//! The lender's portfolio: its loans with their arrears on a day, worst first, the view's
//! totals (PAR30, the buckets, loans repaid on time), and the same view as CSV.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::lender_of;
use crate::domain::account::Principal;
use crate::domain::money::Tiyn;
use crate::domain::params::{FieldError, Problem};
use crate::domain::portfolio::{
    PORTFOLIO_PAGE, PortfolioLine, PortfolioPage, PortfolioQuery, PortfolioTotals, bucket_days,
};
use crate::domain::repayment::{AtRisk, Bucket};
use crate::ssr::db;
use crate::ssr::db::entities::{applications, loans, locations, programs, users};
use crate::ssr::db::loans::LoanFilter;
use crate::ssr::services::ServiceError;

/// The signed-in lender's portfolio on `today`, for the view `q`.
pub async fn portfolio(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    q: &PortfolioQuery,
    today: NaiveDate,
    all: bool,
) -> Result<PortfolioPage, ServiceError> {
    let organisation = lender_of(who)?;
    let lending: Vec<programs::Model> = programs::Entity::find()
        .filter(programs::Column::OrganisationId.eq(organisation))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| p.rate_max_bps.is_some() || p.term_months_max.is_some())
        .collect();
    let program_id = match &q.program {
        Some(slug) => Some(
            lending
                .iter()
                .find(|p| &p.slug == slug)
                .map(|p| p.id)
                .ok_or_else(|| {
                    FieldError::new("program", Problem::UnknownReference(slug.clone()))
                })?,
        ),
        None => None,
    };
    let filter = LoanFilter {
        organisation_id: Some(organisation),
        program_id,
        area_prefix: q.area.as_deref().map(area_prefix),
    };
    let (limit, offset) = if all {
        (u64::MAX >> 1, 0)
    } else {
        let per = u64::from(PORTFOLIO_PAGE);
        (per, u64::from(q.page.saturating_sub(1)) * per)
    };
    let late = q.bucket.map(bucket_days);
    let t = db::loans::totals(db, &filter, today).await?;
    let totals = PortfolioTotals {
        loans: t.loans,
        principal: Tiyn(t.principal),
        outstanding: Tiyn(t.outstanding),
        at_risk_30: Tiyn(t.at_risk_30),
        par30_bps: AtRisk {
            at_risk: Tiyn(t.at_risk_30),
            outstanding: Tiyn(t.outstanding),
        }
        .bps(),
        on_time: t.on_time,
        buckets: [
            t.loans - t.late_1_30 - t.late_31_60 - t.late_61_90 - t.late_90_plus,
            t.late_1_30,
            t.late_31_60,
            t.late_61_90,
            t.late_90_plus,
        ],
    };
    // The view's count is one of the totals (every loan, or its bucket's): one pass over the
    // lender's book fewer per page.
    let known = match q.bucket {
        None => totals.loans,
        Some(b) => crate::domain::portfolio::BUCKETS
            .iter()
            .position(|x| *x == b)
            .map_or(totals.loans, |i| totals.buckets[i]),
    };
    let (rows, total) = db::loans::portfolio(
        db,
        &filter,
        late,
        today,
        offset,
        limit,
        u64::try_from(known).ok(),
    )
    .await?;
    let lines = lines_of(db, &rows, &lending, today).await?;
    Ok(PortfolioPage {
        lines,
        total,
        totals,
        programs: lending
            .iter()
            .map(|p| (p.slug.clone(), p.title_ru.clone(), p.title_kk.clone()))
            .collect(),
        as_of: today,
    })
}

/// The okrug-code prefix of an area: a region's first 2 digits, a district's 4, an okrug's 6.
fn area_prefix(code: &str) -> String {
    match crate::domain::location::KatoCode::parse(code).map(|k| k.level()) {
        Ok(crate::domain::location::Level::Region) => code.chars().take(2).collect(),
        Ok(crate::domain::location::Level::District) => code.chars().take(4).collect(),
        _ => code.chars().take(6).collect(),
    }
}

async fn lines_of(
    db: &DatabaseConnection,
    rows: &[loans::Model],
    lending: &[programs::Model],
    today: NaiveDate,
) -> Result<Vec<PortfolioLine>, ServiceError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.application_id).collect();
    let mut owner: HashMap<i32, i32> = HashMap::new();
    for chunk in ids.chunks(500) {
        for a in applications::Entity::find()
            .filter(applications::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            owner.insert(a.id, a.user_id);
        }
    }
    let user_ids: BTreeSet<i32> = owner.values().copied().collect();
    let mut names: HashMap<i32, String> = HashMap::new();
    let user_ids: Vec<i32> = user_ids.into_iter().collect();
    for chunk in user_ids.chunks(500) {
        for u in users::Entity::find()
            .filter(users::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            names.insert(u.id, u.display_name);
        }
    }
    let codes: BTreeSet<String> = rows.iter().filter_map(|r| r.okrug_code.clone()).collect();
    let codes: Vec<String> = codes.into_iter().collect();
    let mut places: HashMap<String, locations::Model> = HashMap::new();
    for chunk in codes.chunks(500) {
        for l in locations::Entity::find()
            .filter(locations::Column::Code.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            places.insert(l.code.clone(), l);
        }
    }
    Ok(rows
        .iter()
        .map(|r| {
            let program = lending.iter().find(|p| p.id == r.program_id);
            let place = r.okrug_code.as_ref().and_then(|c| places.get(c));
            let days = db::loans::days_past_due(r.first_unpaid_due_on, today);
            PortfolioLine {
                application_id: r.application_id,
                borrower: owner
                    .get(&r.application_id)
                    .and_then(|u| names.get(u))
                    .cloned()
                    .unwrap_or_default(),
                program_ru: program.map(|p| p.title_ru.clone()).unwrap_or_default(),
                program_kk: program.map(|p| p.title_kk.clone()).unwrap_or_default(),
                okrug_ru: place.map(|p| p.name_ru.clone()),
                okrug_kk: place.map(|p| p.name_kk.clone().unwrap_or_else(|| p.name_ru.clone())),
                disbursed_on: r.disbursed_on,
                principal: Tiyn(r.principal_tiyn),
                outstanding: Tiyn(r.outstanding_principal_tiyn),
                days_past_due: days,
                bucket: Bucket::of(days),
                first_unpaid_due_on: r.first_unpaid_due_on,
            }
        })
        .collect())
}

/// The portfolio's view as CSV (every line of it, not a page): one loan per line.
pub async fn portfolio_csv(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    q: &PortfolioQuery,
    today: NaiveDate,
) -> Result<String, ServiceError> {
    let page = portfolio(db, who, q, today, true).await?;
    let mut out = String::from(
        "application,borrower,programme,okrug,disbursed_on,principal_kzt,outstanding_kzt,days_past_due,bucket,oldest_unpaid_due_on\r\n",
    );
    let tenge = |t: Tiyn| format!("{}.{:02}", t.0 / 100, (t.0 % 100).abs());
    for l in &page.lines {
        let cells = [
            l.application_id.to_string(),
            l.borrower.clone(),
            l.program_ru.clone(),
            l.okrug_ru.clone().unwrap_or_default(),
            l.disbursed_on.to_string(),
            tenge(l.principal),
            tenge(l.outstanding),
            l.days_past_due.to_string(),
            l.bucket.as_str().to_owned(),
            l.first_unpaid_due_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// A CSV cell: quoted when it must be, and a leading formula character neutralised (a file
/// opened in a spreadsheet must not run what a borrower's name holds).
fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) && v.parse::<f64>().is_err() {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}
