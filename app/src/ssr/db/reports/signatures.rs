//! The signature of an area's okrug reports: what changes whenever any of them is recomputed,
//! so that a sum made earlier can be known to still hold without reading the figures.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::range;
use crate::ssr::db::entities::okrug_reports;

/// What changes whenever any okrug of the area is recomputed: a cheap check that a sum made
/// earlier still holds (rows, the sum of their generations, the latest computation).
pub async fn signature(db: &impl ConnectionTrait, prefix: &str) -> Result<Signature, DbErr> {
    let (lo, hi) = range(prefix);
    let row: Option<(Option<i64>, i64, Option<DateTime<FixedOffset>>)> =
        okrug_reports::Entity::find()
            .select_only()
            .column_as(
                // PostgreSQL sums bigints into numeric; the cast keeps it a 64-bit integer.
                Expr::cust("CAST(SUM(computed_generation) AS BIGINT)"),
                "total",
            )
            .column_as(okrug_reports::Column::OkrugCode.count(), "rows")
            .column_as(okrug_reports::Column::ComputedAt.max(), "latest")
            .filter(okrug_reports::Column::OkrugCode.between(lo, hi))
            .into_tuple()
            .one(db)
            .await?;
    Ok(row.map_or((0, 0, None), |(total, rows, latest)| {
        (total.unwrap_or(0), rows, latest)
    }))
}

/// See [`signature`].
pub type Signature = (i64, i64, Latest);

/// The latest computation of an area's okrugs.
type Latest = Option<DateTime<FixedOffset>>;

/// The [`signature`] of each unit of `width` digits (4: each district) within the area
/// `prefix`, in one query.
pub async fn signatures_within(
    db: &impl ConnectionTrait,
    prefix: &str,
    width: usize,
) -> Result<BTreeMap<String, Signature>, DbErr> {
    let (lo, hi) = range(prefix);
    let unit = format!("SUBSTR(okrug_code, 1, {width})");
    let rows: Vec<(String, Option<i64>, i64, Latest)> = okrug_reports::Entity::find()
        .select_only()
        .column_as(Expr::cust(unit.clone()), "unit")
        .column_as(
            Expr::cust("CAST(SUM(computed_generation) AS BIGINT)"),
            "total",
        )
        .column_as(okrug_reports::Column::OkrugCode.count(), "rows")
        .column_as(okrug_reports::Column::ComputedAt.max(), "latest")
        .filter(okrug_reports::Column::OkrugCode.between(lo, hi))
        .group_by(Expr::cust(unit))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, total, rows, latest)| (unit, (total.unwrap_or(0), rows, latest)))
        .collect())
}
