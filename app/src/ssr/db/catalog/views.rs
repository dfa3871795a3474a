//! Programmes as the pages and the eligibility engine read them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::catalog::{Collateral, OrganisationKind, ProgramKind, ProgramStatus};
use crate::domain::money::{AmountUnit, Limit, MciTable};
use crate::domain::program::{LimitView, OrganisationView, ProgramView, VariantOf};
use crate::ssr::db::entities::{organisations, programs};

/// Each row with its programme (`program_of` names it), in the rows' order; a row whose
/// programme is gone is left out.
pub async fn with_programs<T>(
    db: &impl ConnectionTrait,
    rows: Vec<T>,
    program_of: impl Fn(&T) -> i32,
) -> Result<Vec<(T, programs::Model)>, DbErr> {
    let ids: BTreeSet<i32> = rows.iter().map(&program_of).collect();
    let found: HashMap<i32, programs::Model> = programs::Entity::find()
        .filter(programs::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let p = found.get(&program_of(&r))?.clone();
            Some((r, p))
        })
        .collect())
}

/// The slug of programme `id`.
pub async fn slug_of(db: &impl ConnectionTrait, id: i32) -> Result<Option<String>, DbErr> {
    programs::Entity::find_by_id(id)
        .select_only()
        .column(programs::Column::Slug)
        .into_tuple()
        .one(db)
        .await
}

/// The slugs and the Russian and Kazakh titles of programmes `ids`.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<BTreeMap<i32, (String, String, String)>, DbErr> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(i32, String, String, String)> = programs::Entity::find()
        .select_only()
        .column(programs::Column::Id)
        .column(programs::Column::Slug)
        .column(programs::Column::TitleRu)
        .column(programs::Column::TitleKk)
        .filter(programs::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, ru, kk)| (id, (slug, ru, kk)))
        .collect())
}

/// The Russian and Kazakh titles of programme `id`.
pub async fn titles_of(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<(String, String)>, DbErr> {
    programs::Entity::find_by_id(id)
        .select_only()
        .column(programs::Column::TitleRu)
        .column(programs::Column::TitleKk)
        .into_tuple()
        .one(db)
        .await
}

/// The operator of programme `id`.
/// Programme `id` as stored.
pub async fn program_model(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<programs::Model>, DbErr> {
    programs::Entity::find_by_id(id).one(db).await
}

/// The operator of programme `id`.
pub async fn organisation_of(db: &impl ConnectionTrait, id: i32) -> Result<Option<i32>, DbErr> {
    programs::Entity::find_by_id(id)
        .select_only()
        .column(programs::Column::OrganisationId)
        .into_tuple()
        .one(db)
        .await
}

/// Everything the page of programme `slug` shows, as of `today`; `None` if there is
/// no such programme.
pub async fn program_view(
    db: &impl ConnectionTrait,
    slug: &str,
    mci: MciTable,
    today: NaiveDate,
) -> Result<Option<ProgramView>, DbErr> {
    let year = today.year();
    let Some((p, org)) = programs::Entity::find()
        .filter(programs::Column::Slug.eq(slug))
        .find_also_related(organisations::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let org =
        org.ok_or_else(|| DbErr::RecordNotFound(format!("organisation {}", p.organisation_id)))?;
    let codes = super::locations_by_program(db, Some(&[p.id]))
        .await?
        .remove(&p.id)
        .unwrap_or_default();
    let criteria: Vec<crate::domain::criteria::Criterion> =
        super::decode_json(&p.slug, "criteria", &p.criteria)?;
    let mut mentioned: BTreeSet<String> = codes.iter().cloned().collect();
    for c in &criteria {
        if let crate::domain::criteria::Criterion::LocationWithin { codes } = c {
            mentioned.extend(codes.iter().map(ToString::to_string));
        }
    }
    let places =
        crate::ssr::db::locations::places(db, &mentioned.into_iter().collect::<Vec<_>>()).await?;
    let variant_of = match &p.variant_of {
        Some(slug) => programs::Entity::find()
            .filter(programs::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
            .map(|v| VariantOf {
                slug: v.slug,
                title_ru: v.title_ru,
                title_kk: v.title_kk,
            }),
        None => None,
    };
    let unit = super::code(&p.slug, "amount_unit", &p.amount_unit, AmountUnit::parse)?;
    let limit = |v: Option<i64>| {
        v.map(|v| {
            let limit = Limit::from_stored(unit, v);
            LimitView {
                limit,
                converted: limit.in_tiyn(&mci, year),
            }
        })
    };
    let org_kind = OrganisationKind::parse(&org.kind).ok_or_else(|| {
        DbErr::Custom(format!(
            "organisations.kind of {}: unknown code {:?}",
            org.slug, org.kind
        ))
    })?;
    Ok(Some(ProgramView {
        id: i64::from(p.id),
        kind: super::code(&p.slug, "kind", &p.kind, ProgramKind::parse)?,
        status: super::code(&p.slug, "status", &p.status, ProgramStatus::parse)?,
        collateral: super::code(&p.slug, "collateral", &p.collateral, Collateral::parse)?,
        sectors: super::decode_json(&p.slug, "sectors", &p.sectors)?,
        target_groups: super::decode_json(&p.slug, "target_groups", &p.target_groups)?,
        required_documents: super::decode_json(
            &p.slug,
            "required_documents",
            &p.required_documents,
        )?,
        uncertain: super::decode_json(&p.slug, "uncertain_fields", &p.uncertain_fields)?,
        criteria,
        amount_min: limit(p.amount_min),
        amount_max: limit(p.amount_max),
        locations: codes
            .iter()
            .filter_map(|c| places.get(c).cloned())
            .collect(),
        places,
        organisation: OrganisationView {
            slug: org.slug,
            kind: org_kind,
            name_ru: org.name_ru,
            name_kk: org.name_kk,
            website: org.website,
        },
        variant_of,
        mci,
        today,
        updated_at: p.updated_at.with_timezone(&Utc),
        slug: p.slug,
        title_ru: p.title_ru,
        title_kk: p.title_kk,
        summary_ru: p.summary_ru,
        summary_kk: p.summary_kk,
        description_ru: p.description_ru,
        description_kk: p.description_kk,
        rate_min_bps: p.rate_min_bps,
        rate_max_bps: p.rate_max_bps,
        fee_bps: p.fee_bps,
        term_months_max: p.term_months_max,
        grace_months_max: p.grace_months_max,
        collateral_note_ru: p.collateral_note_ru,
        collateral_note_kk: p.collateral_note_kk,
        intake_opens: p.intake_opens,
        deadline: p.deadline,
        how_to_apply_ru: p.how_to_apply_ru,
        how_to_apply_kk: p.how_to_apply_kk,
        source_url: p.source_url,
        source_name: p.source_name,
        uncertain_note_ru: p.uncertain_note_ru,
        uncertain_note_kk: p.uncertain_note_kk,
        demo_variant: p.demo_variant,
    }))
}

/// Every programme open on `today`, as the eligibility ranking sees it, in slug order. Only
/// the columns the ranking reads are loaded (not the long texts): at 10,000 programmes this
/// is the bulk of the matches page's time.
pub async fn open_candidates(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<crate::domain::eligibility::Candidate>, DbErr> {
    candidates(db, today, None).await
}

/// Programme `slug` as the eligibility ranking sees it, if it is open on `today`: what a
/// programme's page and an operator's desk rank for one person, without reading the other
/// open programmes.
pub async fn open_candidate(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    slug: &str,
) -> Result<Option<crate::domain::eligibility::Candidate>, DbErr> {
    Ok(candidates(db, today, Some(slug)).await?.pop())
}

/// The open programmes on `today` (only `slug`, when given), in slug order.
async fn candidates(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    slug: Option<&str>,
) -> Result<Vec<crate::domain::eligibility::Candidate>, DbErr> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<NaiveDate>,
        String,
        String,
    );
    let mut query = programs::Entity::find()
        .select_only()
        .columns([
            programs::Column::Slug,
            programs::Column::TitleRu,
            programs::Column::TitleKk,
            programs::Column::Kind,
            programs::Column::Deadline,
            programs::Column::Sectors,
            programs::Column::Criteria,
        ])
        .filter(programs::Column::Status.eq(ProgramStatus::Open.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(programs::Column::Deadline.is_null())
                .add(programs::Column::Deadline.gte(today)),
        );
    if let Some(slug) = slug {
        query = query.filter(programs::Column::Slug.eq(slug));
    }
    let rows: Vec<Row> = query
        .order_by_asc(programs::Column::Slug)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(
            |(slug, title_ru, title_kk, kind, deadline, sectors, criteria)| {
                Ok(crate::domain::eligibility::Candidate {
                    kind: super::code(&slug, "kind", &kind, ProgramKind::parse)?,
                    sectors: super::decode(&slug, "sectors", &sectors)?,
                    criteria: super::decode(&slug, "criteria", &criteria)?,
                    deadline,
                    slug,
                    title_ru,
                    title_kk,
                })
            },
        )
        .collect()
}
