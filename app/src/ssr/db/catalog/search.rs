//! The documents the search engines index, built from the programmes' rows.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::catalog::{ProgramKind, ProgramStatus};
use crate::domain::i18n::Lang;
use crate::domain::location::KatoCode;
use crate::domain::money::{AmountUnit, Limit, MciTable};
use crate::domain::search::{SearchDoc, stamp};
use crate::ssr::db::entities::{organisations, programs};

/// A programme with more lines of business than this is indexed without their labels.
pub(super) const SECTOR_LABELS_MAX: usize = 3;

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
    let mut places = super::locations_by_program(db, Some(&ids)).await?;
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

pub(super) fn search_doc(
    p: programs::Model,
    org: &organisations::Model,
    codes: &[String],
    mci: &MciTable,
    year: i32,
) -> Result<SearchDoc, DbErr> {
    let kind = super::code(&p.slug, "kind", &p.kind, ProgramKind::parse)?;
    let unit = super::code(&p.slug, "amount_unit", &p.amount_unit, AmountUnit::parse)?;
    let sectors: Vec<crate::domain::catalog::Sector> =
        super::decode_json(&p.slug, "sectors", &p.sectors)?;
    let groups: Vec<crate::domain::catalog::TargetGroup> =
        super::decode_json(&p.slug, "target_groups", &p.target_groups)?;
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
