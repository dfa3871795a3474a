//! The catalogue's rows: MCI values, organisations, programmes and their versions, written and
//! read back as the editor and the seed need them.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::catalog::{Collateral, ProgramKind, ProgramStatus};
use crate::domain::location::KatoCode;
use crate::domain::money::{AmountUnit, MciRate, MciTable, Tiyn};
use crate::domain::program::{
    AmountInput, OrganisationInput, ProgramInput, RateInput, Slug, stored_amount,
};
use crate::domain::search::stamp;
use crate::ssr::db::entities::{
    mci_rates, organisations, program_locations, program_versions, programs,
};

/// The MCI values on record.
pub async fn mci_table(db: &impl ConnectionTrait) -> Result<MciTable, DbErr> {
    let rows = mci_rates::Entity::find().all(db).await?;
    Ok(MciTable::new(
        rows.into_iter()
            .map(|r| MciRate {
                year: r.year,
                tiyn: Tiyn(r.tiyn),
            })
            .collect(),
    ))
}

/// Records MCI values, replacing the value of a year already on record.
pub async fn upsert_mci(
    db: &impl ConnectionTrait,
    rates: &[(MciRate, String)],
) -> Result<(), DbErr> {
    let now = Utc::now().fixed_offset();
    for (rate, source) in rates {
        let row = mci_rates::ActiveModel {
            year: Set(rate.year),
            tiyn: Set(rate.tiyn.0),
            source: Set(source.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        };
        mci_rates::Entity::insert(row)
            .on_conflict(
                OnConflict::column(mci_rates::Column::Year)
                    .update_columns([
                        mci_rates::Column::Tiyn,
                        mci_rates::Column::Source,
                        mci_rates::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// How many programmes there are, in any status.
pub async fn count_programs(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    programs::Entity::find().count(db).await
}

/// Ids of all operators, by slug.
pub async fn organisation_ids(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>, DbErr> {
    Ok(organisations::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.slug, o.id))
        .collect())
}

/// One organisation.
pub async fn organisation(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<organisations::Model>, DbErr> {
    organisations::Entity::find_by_id(id).one(db).await
}

/// Slugs of all programmes.
pub async fn program_slugs(db: &impl ConnectionTrait) -> Result<BTreeSet<String>, DbErr> {
    Ok(programs::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.slug)
        .collect())
}

/// Inserts an operator and returns its id.
pub async fn insert_organisation(
    db: &impl ConnectionTrait,
    o: &OrganisationInput,
) -> Result<i32, DbErr> {
    let now = Utc::now().fixed_offset();
    let row = organisations::ActiveModel {
        id: NotSet,
        slug: Set(o.slug.as_str().to_owned()),
        kind: Set(o.kind.as_str().to_owned()),
        name_ru: Set(o.name_ru.clone()),
        name_kk: Set(o.name_kk.clone()),
        website: Set(o.website.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(organisations::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String, DbErr> {
    serde_json::to_string(value).map_err(|e| DbErr::Custom(format!("encoding a JSON column: {e}")))
}

/// The row of a validated programme input (id and creation time left to the caller).
pub(super) fn program_row(
    p: &ProgramInput,
    organisation_id: i32,
    now: DateTime<FixedOffset>,
) -> Result<programs::ActiveModel, DbErr> {
    let amount = |v: Option<i64>| v.and_then(|v| stored_amount(p.amount.unit, v));
    Ok(programs::ActiveModel {
        id: NotSet,
        slug: Set(p.slug.as_str().to_owned()),
        organisation_id: Set(organisation_id),
        kind: Set(p.kind.as_str().to_owned()),
        status: Set(p.status.as_str().to_owned()),
        title_ru: Set(p.title_ru.clone()),
        title_kk: Set(p.title_kk.clone()),
        summary_ru: Set(p.summary_ru.clone()),
        summary_kk: Set(p.summary_kk.clone()),
        description_ru: Set(p.description_ru.clone()),
        description_kk: Set(p.description_kk.clone()),
        amount_unit: Set(p.amount.unit.as_str().to_owned()),
        amount_min: Set(amount(p.amount.min)),
        amount_max: Set(amount(p.amount.max)),
        rate_min_bps: Set(p.rate_bps.and_then(|r| r.min)),
        rate_max_bps: Set(p.rate_bps.and_then(|r| r.max)),
        fee_bps: Set(p.fee_bps),
        term_months_max: Set(p.term_months_max),
        grace_months_max: Set(p.grace_months_max),
        collateral: Set(p.collateral.as_str().to_owned()),
        collateral_note_ru: Set(p.collateral_note_ru.clone()),
        collateral_note_kk: Set(p.collateral_note_kk.clone()),
        sectors: Set(json(&p.sectors)?),
        target_groups: Set(json(&p.target_groups)?),
        intake_opens: Set(p.intake_opens),
        deadline: Set(p.deadline),
        how_to_apply_ru: Set(p.how_to_apply_ru.clone()),
        how_to_apply_kk: Set(p.how_to_apply_kk.clone()),
        required_documents: Set(json(&p.required_documents)?),
        criteria: Set(json(&p.criteria)?),
        source_url: Set(p.source_url.clone()),
        source_name: Set(p.source_name.clone()),
        uncertain_fields: Set(json(&p.uncertain)?),
        uncertain_note_ru: Set(p.uncertain_note_ru.clone()),
        uncertain_note_kk: Set(p.uncertain_note_kk.clone()),
        demo_variant: Set(p.demo_variant),
        variant_of: Set(p.variant_of.as_ref().map(|s| s.as_str().to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
        // Kept by the operator's back office, not by seed files: left as they are.
        rubric: NotSet,
        target_days: NotSet,
        appeal_days: NotSet,
    })
}

/// Programme `id` as its editor shows it: the input that would store it as it is.
pub async fn program_input(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<ProgramInput>, DbErr> {
    let Some(p) = programs::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let organisation = organisations::Entity::find_by_id(p.organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("programme {}: no organisation", p.slug)))?;
    let locations: Vec<String> = program_locations::Entity::find()
        .select_only()
        .column(program_locations::Column::LocationCode)
        .filter(program_locations::Column::ProgramId.eq(id))
        .order_by_asc(program_locations::Column::LocationCode)
        .into_tuple()
        .all(db)
        .await?;
    let bad = |column: &str| DbErr::Custom(format!("programme {}: column {column}", p.slug));
    let unit = AmountUnit::parse(&p.amount_unit).ok_or_else(|| bad("amount_unit"))?;
    // Tenge are stored as tiyn; the editor speaks whole tenge.
    let amount = |v: Option<i64>| match unit {
        AmountUnit::Kzt => v.map(|v| v / 100),
        AmountUnit::Mci => v,
    };
    let rate = (p.rate_min_bps.is_some() || p.rate_max_bps.is_some()).then_some(RateInput {
        min: p.rate_min_bps,
        max: p.rate_max_bps,
    });
    Ok(Some(ProgramInput {
        slug: Slug::parse(&p.slug).ok_or_else(|| bad("slug"))?,
        organisation: Slug::parse(&organisation.slug).ok_or_else(|| bad("organisation"))?,
        kind: ProgramKind::parse(&p.kind).ok_or_else(|| bad("kind"))?,
        status: ProgramStatus::parse(&p.status).ok_or_else(|| bad("status"))?,
        amount: AmountInput {
            unit,
            min: amount(p.amount_min),
            max: amount(p.amount_max),
        },
        rate_bps: rate,
        fee_bps: p.fee_bps,
        term_months_max: p.term_months_max,
        grace_months_max: p.grace_months_max,
        collateral: Collateral::parse(&p.collateral).ok_or_else(|| bad("collateral"))?,
        locations: locations
            .iter()
            .filter_map(|c| KatoCode::parse(c).ok())
            .collect(),
        sectors: super::decode_json(&p.slug, "sectors", &p.sectors)?,
        target_groups: super::decode_json(&p.slug, "target_groups", &p.target_groups)?,
        required_documents: super::decode_json(
            &p.slug,
            "required_documents",
            &p.required_documents,
        )?,
        criteria: super::decode_json(&p.slug, "criteria", &p.criteria)?,
        uncertain: super::decode_json(&p.slug, "uncertain_fields", &p.uncertain_fields)?,
        variant_of: p.variant_of.as_deref().and_then(Slug::parse),
        title_ru: p.title_ru,
        title_kk: p.title_kk,
        summary_ru: p.summary_ru,
        summary_kk: p.summary_kk,
        description_ru: p.description_ru,
        description_kk: p.description_kk,
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

/// Appends a version of programme `id` (numbered after the last).
pub async fn add_version(
    db: &impl ConnectionTrait,
    id: i32,
    change: &str,
    data: &str,
    user: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let last: Option<i32> = program_versions::Entity::find()
        .select_only()
        .column_as(program_versions::Column::Version.max(), "v")
        .filter(program_versions::Column::ProgramId.eq(id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let row = program_versions::ActiveModel {
        id: NotSet,
        program_id: Set(id),
        version: Set(last.unwrap_or(0) + 1),
        change: Set(change.to_owned()),
        data: Set(data.to_owned()),
        user_id: Set((user > 0).then_some(user)),
        created_at: Set(now.fixed_offset()),
    };
    program_versions::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The versions of programme `id`, oldest first, with their authors' names.
pub async fn versions(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<(program_versions::Model, String)>, DbErr> {
    let rows = program_versions::Entity::find()
        .find_also_related(crate::ssr::db::entities::users::Entity)
        .filter(program_versions::Column::ProgramId.eq(id))
        .order_by_asc(program_versions::Column::Version)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(v, u)| (v, u.map(|u| u.display_name).unwrap_or_default()))
        .collect())
}

/// Sets programme `id`'s rubric, target days and days to appeal a refusal.
pub async fn set_review_settings(
    db: &impl ConnectionTrait,
    id: i32,
    rubric: &str,
    target_days: Option<i32>,
    appeal_days: Option<i32>,
) -> Result<(), DbErr> {
    programs::Entity::update_many()
        .col_expr(
            programs::Column::Rubric,
            sea_orm::sea_query::Expr::value(rubric),
        )
        .col_expr(
            programs::Column::TargetDays,
            sea_orm::sea_query::Expr::value(target_days),
        )
        .col_expr(
            programs::Column::AppealDays,
            sea_orm::sea_query::Expr::value(appeal_days),
        )
        .filter(programs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub(super) async fn insert_locations(
    db: &impl ConnectionTrait,
    program_id: i32,
    p: &ProgramInput,
    now: DateTime<FixedOffset>,
) -> Result<(), DbErr> {
    let places: Vec<program_locations::ActiveModel> = p
        .locations
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|code| program_locations::ActiveModel {
            program_id: Set(program_id),
            location_code: Set(code.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    if !places.is_empty() {
        program_locations::Entity::insert_many(places)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Inserts a validated programme of operator `organisation_id`, with where it applies.
pub async fn insert_program(
    db: &impl ConnectionTrait,
    p: &ProgramInput,
    organisation_id: i32,
) -> Result<i32, DbErr> {
    let now = Utc::now().fixed_offset();
    let row = program_row(p, organisation_id, now)?;
    let id = programs::Entity::insert(row).exec(db).await?.last_insert_id;
    insert_locations(db, id, p, now).await?;
    Ok(id)
}

/// Replaces every field of programme `id` (its slug included) and where it applies.
pub async fn update_program(
    db: &impl ConnectionTrait,
    id: i32,
    p: &ProgramInput,
    organisation_id: i32,
) -> Result<(), DbErr> {
    let now = Utc::now().fixed_offset();
    let mut row = program_row(p, organisation_id, now)?;
    row.id = Set(id);
    row.created_at = NotSet;
    programs::Entity::update(row).exec(db).await?;
    program_locations::Entity::delete_many()
        .filter(program_locations::Column::ProgramId.eq(id))
        .exec(db)
        .await?;
    insert_locations(db, id, p, now).await
}

/// Sets a programme's status.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i32,
    status: ProgramStatus,
) -> Result<(), DbErr> {
    let row = programs::ActiveModel {
        id: Set(id),
        status: Set(status.as_str().to_owned()),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    programs::Entity::update(row).exec(db).await?;
    Ok(())
}

/// Deletes a programme and where it applies.
pub async fn delete_program(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    programs::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The id and status of the programme with this slug.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<(i32, String)>, DbErr> {
    Ok(programs::Entity::find()
        .filter(programs::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|p| (p.id, p.status)))
}

/// The id and document stamp (see `domain::search::stamp`) of every open programme, for
/// reconciliation with an index.
pub async fn open_stamps(db: &impl ConnectionTrait, year: i32) -> Result<Vec<(i64, i64)>, DbErr> {
    Ok(programs::Entity::find()
        .select_only()
        .column(programs::Column::Id)
        .column(programs::Column::UpdatedAt)
        .filter(programs::Column::Status.eq(ProgramStatus::Open.as_str()))
        .into_tuple::<(i32, DateTime<FixedOffset>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, at)| (i64::from(id), stamp(at.timestamp_millis(), year)))
        .collect())
}

/// Whether any programme is open (so an empty search index is missing something).
pub async fn any_open(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(programs::Entity::find()
        .select_only()
        .column(programs::Column::Id)
        .filter(programs::Column::Status.eq(ProgramStatus::Open.as_str()))
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}
