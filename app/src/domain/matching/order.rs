//! Which programmes a search keeps and in what order: the relevance costs, the filters, the
//! facet counts and the page.

use chrono::NaiveDate;

use super::plan::Node;
use super::{MAX_WORDS, NO_AMOUNT, NO_DEADLINE, NO_RATE};
use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::location::REGIONS;
use crate::domain::search::{Facets, SearchDoc, SearchQuery, SortOrder};

/// How a node is found in one programme: the best field (0 title, 1 summary, 2 the rest) and the
/// fewest typos, each over every term the node reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Best field.
    pub field: u8,
    /// Fewest typos.
    pub level: u8,
}

impl Hit {
    /// Merges another way the node is found.
    pub fn merge(self, other: Hit) -> Hit {
        Hit {
            field: self.field.min(other.field),
            level: self.level.min(other.level),
        }
    }
}

/// A programme's relevance costs: the lower the better.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Costs {
    /// Sum over query words of the best field they were found in.
    pub fields: u32,
    /// Sum over query words of their typos.
    pub typos: u32,
}

/// The costs of a programme, given how it has each node (`hit(k)` for `nodes[k]`), or `None`
/// when it lacks a query word. Each cost is the cheapest way of covering every query word with
/// words and concatenations.
pub fn costs(words: usize, nodes: &[Node], hit: impl Fn(usize) -> Option<Hit>) -> Option<Costs> {
    if words == 0 {
        return Some(Costs::default());
    }
    if words > MAX_WORDS {
        return None;
    }
    // Called for every candidate programme: no allocation.
    let mut fields = [None::<u32>; MAX_WORDS + 1];
    let mut typos = [None::<u32>; MAX_WORDS + 1];
    fields[0] = Some(0);
    typos[0] = Some(0);
    for end in 1..=words {
        for (k, node) in nodes.iter().enumerate() {
            if node.first + node.span != end || fields[node.first].is_none() {
                continue;
            }
            let Some(h) = hit(k) else { continue };
            let span = node.span as u32;
            let extra = if span > 1 { span } else { 0 };
            if let Some(before) = fields[node.first] {
                let c = before + u32::from(h.field) * span;
                fields[end] = Some(fields[end].map_or(c, |old| old.min(c)));
            }
            if let Some(before) = typos[node.first] {
                let c = before + u32::from(h.level) + extra;
                typos[end] = Some(typos[end].map_or(c, |old| old.min(c)));
            }
        }
    }
    Some(Costs {
        fields: fields[words]?,
        typos: typos[words]?,
    })
}

/// What filters, facets and sorting need of a programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    /// Programme id.
    pub id: i64,
    /// Index of its kind in [`ProgramKind::ALL`].
    pub kind: u8,
    /// Bit `i` for [`Sector::ALL`]`[i]`; 0 with `any_sector`.
    pub sectors: u64,
    /// Open to every sector.
    pub any_sector: bool,
    /// Bit `i` for [`REGIONS`]`[i]`.
    pub regions: u64,
    /// Available everywhere.
    pub nationwide: bool,
    /// Last day to apply, days since 1970-01-01, or [`NO_DEADLINE`].
    pub deadline: i64,
    /// Largest amount in tenge, or [`NO_AMOUNT`].
    pub amount: i64,
    /// Highest rate in basis points, or [`NO_RATE`].
    pub rate: i64,
}

/// Days since 1970-01-01.
pub fn days(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

impl Meta {
    /// The meta of a search document.
    pub fn of(doc: &SearchDoc) -> Meta {
        let mut sectors = 0u64;
        for s in &doc.sectors {
            if let Some(i) = Sector::ALL.iter().position(|x| x == s) {
                sectors |= 1 << i;
            }
        }
        let mut regions = 0u64;
        for r in &doc.regions {
            if let Some(i) = REGIONS.iter().position(|x| x.code == r.as_str()) {
                regions |= 1 << i;
            }
        }
        Meta {
            id: doc.id,
            kind: ProgramKind::ALL
                .iter()
                .position(|k| *k == doc.kind)
                .unwrap_or_default() as u8,
            sectors,
            any_sector: doc.sectors.is_empty(),
            regions,
            nationwide: doc.regions.is_empty(),
            deadline: doc.deadline.map_or(NO_DEADLINE, days),
            amount: doc.amount_max_kzt.unwrap_or(NO_AMOUNT),
            rate: doc.rate_bps.map_or(NO_RATE, i64::from),
        }
    }
}

/// A search's filters as bits, worked out once per search rather than per programme.
#[derive(Clone, Copy)]
struct Filters {
    kind: Option<u8>,
    /// The sector's bit; 0 when the sector is not known to the rule (nothing passes).
    sector: Option<u64>,
    /// The region's bit, likewise.
    region: Option<u64>,
}

impl Filters {
    fn of(q: &SearchQuery) -> Filters {
        let bit = |i: Option<usize>| i.map_or(0, |i| 1u64 << i);
        Filters {
            kind: q.kind.map(|k| {
                ProgramKind::ALL
                    .iter()
                    .position(|x| *x == k)
                    .map_or(u8::MAX, |i| i as u8)
            }),
            sector: q
                .sector
                .map(|s| bit(Sector::ALL.iter().position(|x| *x == s))),
            region: q
                .region
                .as_ref()
                .map(|r| bit(REGIONS.iter().position(|x| x.code == r.as_str()))),
        }
    }

    fn passes(&self, m: &Meta) -> Passes {
        Passes {
            kind: self.kind.is_none_or(|k| m.kind == k),
            sector: self
                .sector
                .is_none_or(|bit| m.any_sector || m.sectors & bit != 0),
            region: self
                .region
                .is_none_or(|bit| m.nationwide || m.regions & bit != 0),
        }
    }
}

/// Which of a search's filters a programme passes.
#[derive(Clone, Copy)]
struct Passes {
    kind: bool,
    sector: bool,
    region: bool,
}

/// Adds one to the count of every set bit of `bits`.
fn count_bits(counts: &mut [u64; 64], mut bits: u64) {
    while bits != 0 {
        counts[bits.trailing_zeros() as usize] += 1;
        bits &= bits - 1;
    }
}

/// The order of results: smaller keys first.
type Key = (i64, Costs, bool, i64);

fn key(q: &SearchQuery, has_text: bool, m: &Meta, c: Costs) -> Key {
    let primary = match (q.sort, has_text) {
        (SortOrder::Relevance, true) => 0,
        (SortOrder::Relevance, false) | (SortOrder::Deadline, _) => m.deadline,
        (SortOrder::Amount, _) => -m.amount,
        (SortOrder::Rate, _) => m.rate,
    };
    (primary, c, !m.nationwide, m.id)
}

/// A page of results, with the total and the facets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer<R> {
    /// Matching programmes in all.
    pub total: u64,
    /// The page, in order.
    pub page: Vec<R>,
    /// Counts for the filters, each without its own filter.
    pub facets: Facets,
}

/// Filters, counts, orders and pages the programmes that match a search's words (`costs`), as
/// of `open_on`.
pub fn answer<R>(
    q: &SearchQuery,
    open_on: NaiveDate,
    has_text: bool,
    matching: impl IntoIterator<Item = (Meta, Costs, R)>,
) -> Answer<R> {
    let today = days(open_on);
    let mut kinds = [0u64; 16];
    let mut sectors = [0u64; 64];
    let mut any_sector = 0u64;
    let mut regions = [0u64; 64];
    let mut nationwide = 0u64;
    let mut kept: Vec<(Key, R)> = Vec::new();
    let filters = Filters::of(q);
    for (m, c, r) in matching {
        if m.deadline < today {
            continue;
        }
        let p = filters.passes(&m);
        if p.sector && p.region {
            kinds[usize::from(m.kind) % 16] += 1;
        }
        if p.kind && p.region {
            if m.any_sector {
                any_sector += 1;
            }
            count_bits(&mut sectors, m.sectors);
        }
        if p.kind && p.sector {
            if m.nationwide {
                nationwide += 1;
            }
            count_bits(&mut regions, m.regions);
        }
        if p.kind && p.sector && p.region {
            kept.push((key(q, has_text, &m, c), r));
        }
    }
    let mut facets = Facets::default();
    for (i, kind) in ProgramKind::ALL.iter().enumerate() {
        if kinds[i] > 0 {
            facets.kind.insert(kind.as_str().into(), kinds[i]);
        }
    }
    // Programmes open to every sector (or nationwide) are available in each one: count them in.
    for (i, sector) in Sector::ALL.iter().enumerate() {
        let n = sectors[i] + any_sector;
        if n > 0 {
            facets.sector.insert(sector.as_str().into(), n);
        }
    }
    for (i, region) in REGIONS.iter().enumerate() {
        let n = regions[i] + nationwide;
        if n > 0 {
            facets.region.insert(region.code.into(), n);
        }
    }
    let total = kept.len() as u64;
    let (offset, limit) = (q.offset(), q.per_page as usize);
    let wanted = offset.saturating_add(limit).min(kept.len());
    if wanted > 0 && wanted < kept.len() {
        kept.select_nth_unstable_by_key(wanted - 1, |a| a.0);
        kept.truncate(wanted);
    }
    kept.sort_unstable_by_key(|a| a.0);
    Answer {
        total,
        page: kept.into_iter().skip(offset).map(|(_, r)| r).collect(),
        facets,
    }
}
