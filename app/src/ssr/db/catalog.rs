//! Queries on the catalogue: operators, programmes, where programmes apply, and MCI values.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::de::DeserializeOwned;

use super::entities::{mci_rates, organisations, program_locations, program_versions, programs};
use crate::domain::catalog::{Collateral, OrganisationKind, ProgramKind, ProgramStatus};
use crate::domain::i18n::Lang;
use crate::domain::location::KatoCode;
use crate::domain::money::{AmountUnit, Limit, MciRate, MciTable, Tiyn};
use crate::domain::program::{
    AmountInput, LimitView, OrganisationInput, OrganisationView, ProgramInput, ProgramView,
    RateInput, Slug, VariantOf, stored_amount,
};
use crate::domain::search::{SearchDoc, stamp};

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

fn json<T: serde::Serialize>(value: &T) -> Result<String, DbErr> {
    serde_json::to_string(value).map_err(|e| DbErr::Custom(format!("encoding a JSON column: {e}")))
}

/// The row of a validated programme input (id and creation time left to the caller).
fn program_row(
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
    })
}

fn decode_json<T: DeserializeOwned>(slug: &str, column: &str, text: &str) -> Result<T, DbErr> {
    serde_json::from_str(text)
        .map_err(|e| DbErr::Custom(format!("programme {slug}: column {column}: {e}")))
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
        sectors: decode_json(&p.slug, "sectors", &p.sectors)?,
        target_groups: decode_json(&p.slug, "target_groups", &p.target_groups)?,
        required_documents: decode_json(&p.slug, "required_documents", &p.required_documents)?,
        criteria: decode_json(&p.slug, "criteria", &p.criteria)?,
        uncertain: decode_json(&p.slug, "uncertain_fields", &p.uncertain_fields)?,
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
        .find_also_related(super::entities::users::Entity)
        .filter(program_versions::Column::ProgramId.eq(id))
        .order_by_asc(program_versions::Column::Version)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(v, u)| (v, u.map(|u| u.display_name).unwrap_or_default()))
        .collect())
}

/// Sets programme `id`'s rubric and target days.
pub async fn set_review_settings(
    db: &impl ConnectionTrait,
    id: i32,
    rubric: &str,
    target_days: Option<i32>,
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
        .filter(programs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn insert_locations(
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

fn decode<T: DeserializeOwned>(slug: &str, column: &str, text: &str) -> Result<T, DbErr> {
    serde_json::from_str(text)
        .map_err(|e| DbErr::Custom(format!("programs.{column} of {slug}: {e}")))
}

fn code<T>(
    slug: &str,
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, DbErr> {
    parse(value).ok_or_else(|| {
        DbErr::Custom(format!(
            "programs.{column} of {slug}: unknown code {value:?}"
        ))
    })
}

/// Location codes of every programme, by programme id.
async fn locations_by_program(
    db: &impl ConnectionTrait,
    ids: Option<&[i32]>,
) -> Result<HashMap<i32, Vec<String>>, DbErr> {
    let mut find =
        program_locations::Entity::find().order_by_asc(program_locations::Column::LocationCode);
    if let Some(ids) = ids {
        find = find.filter(program_locations::Column::ProgramId.is_in(ids.iter().copied()));
    }
    let mut by_program: HashMap<i32, Vec<String>> = HashMap::new();
    for row in find.all(db).await? {
        by_program
            .entry(row.program_id)
            .or_default()
            .push(row.location_code);
    }
    Ok(by_program)
}

/// A programme with more lines of business than this is indexed without their labels.
const SECTOR_LABELS_MAX: usize = 3;

/// The search documents of every open programme (or only of `ids`), with amounts in tenge of
/// `year`. Closed programmes are not searchable; their pages stay reachable by link.
pub async fn search_docs(
    db: &impl ConnectionTrait,
    mci: &MciTable,
    year: i32,
    ids: Option<&[i32]>,
) -> Result<Vec<SearchDoc>, DbErr> {
    let mut find = programs::Entity::find()
        .filter(programs::Column::Status.eq(ProgramStatus::Open.as_str()))
        .order_by_asc(programs::Column::Id);
    if let Some(ids) = ids {
        find = find.filter(programs::Column::Id.is_in(ids.iter().copied()));
    }
    let rows = find.all(db).await?;
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut places = locations_by_program(db, Some(&ids)).await?;
    rows.into_iter()
        .map(|p| {
            let org = orgs.get(&p.organisation_id).ok_or_else(|| {
                DbErr::RecordNotFound(format!("organisation {}", p.organisation_id))
            })?;
            let codes = places.remove(&p.id).unwrap_or_default();
            search_doc(p, org, &codes, mci, year)
        })
        .collect()
}

fn search_doc(
    p: programs::Model,
    org: &organisations::Model,
    codes: &[String],
    mci: &MciTable,
    year: i32,
) -> Result<SearchDoc, DbErr> {
    let kind = code(&p.slug, "kind", &p.kind, ProgramKind::parse)?;
    let unit = code(&p.slug, "amount_unit", &p.amount_unit, AmountUnit::parse)?;
    let sectors: Vec<crate::domain::catalog::Sector> = decode_json(&p.slug, "sectors", &p.sectors)?;
    let groups: Vec<crate::domain::catalog::TargetGroup> =
        decode_json(&p.slug, "target_groups", &p.target_groups)?;
    let regions: BTreeSet<KatoCode> = codes
        .iter()
        .filter_map(|c| KatoCode::parse(c).ok())
        .map(|c| c.region())
        .collect();
    // Labels in both languages make "грант" or "мал шаруашылығы" find programmes whose texts
    // only imply them. A programme open to most lines of business is about none of them: its
    // sector labels would put it among the first for every sector word, above the programmes
    // made for it (the sector filter still finds it).
    let specific = sectors.len() <= SECTOR_LABELS_MAX;
    let mut labels = Vec::new();
    for lang in [Lang::Ru, Lang::Kk] {
        labels.push(kind.label(lang));
        if specific {
            labels.extend(sectors.iter().map(|s| s.label(lang)));
        }
        labels.extend(groups.iter().map(|g| g.label(lang)));
    }
    let body = format!(
        "{}\n{}\n{}",
        p.description_ru,
        p.description_kk,
        labels.join(" ")
    );
    let amount_max_kzt = p
        .amount_max
        .and_then(|v| Limit::from_stored(unit, v).in_tiyn(mci, year))
        .map(|c| c.tiyn.whole_tenge());
    Ok(SearchDoc {
        id: i64::from(p.id),
        slug: p.slug,
        kind,
        title_ru: p.title_ru,
        title_kk: p.title_kk,
        summary_ru: p.summary_ru,
        summary_kk: p.summary_kk,
        operator_ru: org.name_ru.clone(),
        operator_kk: org.name_kk.clone(),
        body,
        sectors,
        regions: regions.into_iter().collect(),
        amount_max_kzt,
        rate_bps: p.rate_max_bps,
        term_months_max: p.term_months_max,
        deadline: p.deadline,
        stamp: stamp(p.updated_at.timestamp_millis(), year),
    })
}

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
    let codes = locations_by_program(db, Some(&[p.id]))
        .await?
        .remove(&p.id)
        .unwrap_or_default();
    let criteria: Vec<crate::domain::criteria::Criterion> =
        decode_json(&p.slug, "criteria", &p.criteria)?;
    let mut mentioned: BTreeSet<String> = codes.iter().cloned().collect();
    for c in &criteria {
        if let crate::domain::criteria::Criterion::LocationWithin { codes } = c {
            mentioned.extend(codes.iter().map(ToString::to_string));
        }
    }
    let places = super::locations::places(db, &mentioned.into_iter().collect::<Vec<_>>()).await?;
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
    let unit = code(&p.slug, "amount_unit", &p.amount_unit, AmountUnit::parse)?;
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
        kind: code(&p.slug, "kind", &p.kind, ProgramKind::parse)?,
        status: code(&p.slug, "status", &p.status, ProgramStatus::parse)?,
        collateral: code(&p.slug, "collateral", &p.collateral, Collateral::parse)?,
        sectors: decode_json(&p.slug, "sectors", &p.sectors)?,
        target_groups: decode_json(&p.slug, "target_groups", &p.target_groups)?,
        required_documents: decode_json(&p.slug, "required_documents", &p.required_documents)?,
        uncertain: decode_json(&p.slug, "uncertain_fields", &p.uncertain_fields)?,
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
    type Row = (
        String,
        String,
        String,
        String,
        Option<NaiveDate>,
        String,
        String,
    );
    let rows: Vec<Row> = programs::Entity::find()
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
        )
        .order_by_asc(programs::Column::Slug)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(
            |(slug, title_ru, title_kk, kind, deadline, sectors, criteria)| {
                Ok(crate::domain::eligibility::Candidate {
                    kind: code(&slug, "kind", &kind, ProgramKind::parse)?,
                    sectors: decode(&slug, "sectors", &sectors)?,
                    criteria: decode(&slug, "criteria", &criteria)?,
                    deadline,
                    slug,
                    title_ru,
                    title_kk,
                })
            },
        )
        .collect()
}
