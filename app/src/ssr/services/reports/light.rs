//! The figures a comparison row reads (an area's counts and how long its reviews took), summed
//! for the areas above the one a page is about. Reading only these, the rest of each okrug's
//! stored figures (its programmes, months and loans, most of the JSON) is skipped without being
//! built, so that an okrug's page right after a start compares it with the country in a fraction
//! of the time the country's whole sum takes (which the worker makes meanwhile).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::{ServiceError, kept};
use crate::domain::report::{Figures, Stage};
use crate::ssr::db;

/// The part of [`Figures`] a comparison reads; the other fields of the stored JSON are skipped.
#[derive(Default, Deserialize)]
struct Counts {
    #[serde(default)]
    registered: u64,
    #[serde(default)]
    applied: u64,
    #[serde(default)]
    recommended: u64,
    #[serde(default)]
    approved: u64,
    #[serde(default)]
    rejected: u64,
    #[serde(default)]
    stages: BTreeMap<Stage, BTreeMap<u32, u64>>,
}

impl Counts {
    fn figures(self) -> Figures {
        Figures {
            registered: self.registered,
            applied: self.applied,
            recommended: self.recommended,
            approved: self.approved,
            rejected: self.rejected,
            stages: self.stages,
            ..Figures::default()
        }
    }
}

/// Counts made, by area prefix, with the signature they were made at.
static LIGHT: LazyLock<Mutex<HashMap<String, super::Cached>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// One counting of each area at a time, as with the whole sums.
static COUNTING: LazyLock<super::Turns> = LazyLock::new(super::Turns::default);

fn light_kept(prefix: &str, signature: &db::reports::Signature) -> Option<Arc<super::Sum>> {
    let cache = LIGHT.lock().ok()?;
    let (sig, sum) = cache.get(prefix)?;
    (sig == signature).then(|| sum.clone())
}

/// The counts of the area `prefix`: from its whole sum when that is made, else from its
/// okrugs' stored figures, reading only the counts.
pub(super) async fn counts(db: &DatabaseConnection, prefix: &str) -> Result<Figures, ServiceError> {
    let signature = db::reports::signature(db, prefix).await?;
    if let Some(s) = kept(prefix, &signature).or_else(|| light_kept(prefix, &signature)) {
        return Ok(s.total.clone());
    }
    let _turn = COUNTING.take(prefix).await;
    if let Some(s) = kept(prefix, &signature).or_else(|| light_kept(prefix, &signature)) {
        return Ok(s.total.clone());
    }
    let mut total = Figures::default();
    for json in db::reports::figures_in(db, prefix).await? {
        let counts: Counts = serde_json::from_str(&json)?;
        total.add(&counts.figures());
    }
    if let Ok(mut cache) = LIGHT.lock() {
        let sum = super::Sum {
            total: total.clone(),
            ..super::Sum::default()
        };
        cache.insert(prefix.to_owned(), (signature, Arc::new(sum)));
    }
    Ok(total)
}
