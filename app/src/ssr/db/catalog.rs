//! Queries on the catalogue: operators, programmes, where programmes apply, and MCI values.

pub mod rows;
pub mod search;
pub mod views;

// Decoding shared by the children: stored JSON and codes back into domain values, and where
// each programme applies.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::de::DeserializeOwned;

use super::entities::program_locations;

pub use rows::*;
pub use search::*;
pub use views::*;

pub(super) fn decode_json<T: DeserializeOwned>(
    slug: &str,
    column: &str,
    text: &str,
) -> Result<T, DbErr> {
    serde_json::from_str(text)
        .map_err(|e| DbErr::Custom(format!("programme {slug}: column {column}: {e}")))
}

pub(super) fn code<T>(
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

pub(super) fn decode<T: DeserializeOwned>(
    slug: &str,
    column: &str,
    text: &str,
) -> Result<T, DbErr> {
    serde_json::from_str(text)
        .map_err(|e| DbErr::Custom(format!("programs.{column} of {slug}: {e}")))
}

/// Location codes of every programme, by programme id.
pub(super) async fn locations_by_program(
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
