//! The catalogue search: its parameters (parsed from the URL, which is the state of the search
//! page), the document both engines index, and the results both return.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalog::{ProgramKind, Sector};
use super::location::{self, KatoCode, Level};
use super::params::{FieldError, Problem, decode_query, encode_component};
use super::text::{self, QueryPart};

/// Longest accepted search text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Largest page size.
pub const MAX_PER_PAGE: u32 = 100;
/// Page size when none is given.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// How deep into the results paging may go (like Meilisearch's `maxTotalHits`): deep pages of a
/// ranked list are never useful and cost the engine the most.
pub const MAX_RESULTS_WINDOW: u32 = 10_000;

/// The order of results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first; with no search text, the soonest deadline first.
    #[default]
    Relevance,
    /// Soonest deadline first; programmes with no deadline last.
    Deadline,
    /// Largest maximum amount first.
    Amount,
    /// Lowest rate first; programmes with no rate (grants, training) last.
    Rate,
}

impl SortOrder {
    /// Every order, as the sort menu lists them.
    pub const ALL: [SortOrder; 4] = [
        SortOrder::Relevance,
        SortOrder::Deadline,
        SortOrder::Amount,
        SortOrder::Rate,
    ];

    /// The URL code.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Relevance => "relevance",
            SortOrder::Deadline => "deadline",
            SortOrder::Amount => "amount",
            SortOrder::Rate => "rate",
        }
    }

    /// Parses a URL code.
    pub fn parse(s: &str) -> Option<SortOrder> {
        SortOrder::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The menu label.
    pub fn msg(self) -> super::i18n::Msg {
        use super::i18n::Msg;
        match self {
            SortOrder::Relevance => Msg::SortRelevance,
            SortOrder::Deadline => Msg::SortDeadline,
            SortOrder::Amount => Msg::SortAmount,
            SortOrder::Rate => Msg::SortRate,
        }
    }
}

/// A parsed, valid search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchQuery {
    /// The search text, trimmed; empty means "everything".
    pub text: String,
    /// Only this kind of support.
    pub kind: Option<ProgramKind>,
    /// Only programmes for this sector.
    pub sector: Option<Sector>,
    /// Only programmes available in this region (nationwide ones included).
    pub region: Option<KatoCode>,
    /// Result order.
    pub sort: SortOrder,
    /// 1-based page number.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            kind: None,
            sector: None,
            region: None,
            sort: SortOrder::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl SearchQuery {
    /// Parses a raw URL query string (`q=…&kind=…`). Unknown parameters are ignored, so that
    /// tracking tags on shared links do no harm; an empty value means "not set".
    pub fn from_query_string(raw: &str) -> Result<SearchQuery, FieldError> {
        SearchQuery::from_pairs(decode_query(raw)?)
    }

    /// Parses decoded parameters; the last value of a repeated parameter wins.
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<SearchQuery, FieldError> {
        let mut query = SearchQuery::default();
        let mut page = None;
        for (name, value) in pairs {
            let value = value.trim();
            match name.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(FieldError::new(
                            "q",
                            Problem::TooLong {
                                max: MAX_QUERY_CHARS,
                            },
                        ));
                    }
                    query.text = value.to_owned();
                }
                "kind" => {
                    query.kind = optional(value, |v| {
                        ProgramKind::parse(v)
                            .ok_or_else(|| FieldError::new("kind", Problem::UnknownKind(v.into())))
                    })?;
                }
                "sector" => {
                    query.sector = optional(value, |v| {
                        Sector::parse(v).ok_or_else(|| {
                            FieldError::new("sector", Problem::UnknownSector(v.into()))
                        })
                    })?;
                }
                "region" => query.region = optional(value, parse_region)?,
                "sort" => {
                    query.sort = optional(value, |v| {
                        SortOrder::parse(v)
                            .ok_or_else(|| FieldError::new("sort", Problem::UnknownSort(v.into())))
                    })?
                    .unwrap_or_default();
                }
                "page" => page = optional(value, |v| number("page", v))?,
                "per_page" => {
                    let per_page = optional(value, |v| number("per_page", v))?
                        .unwrap_or(i64::from(DEFAULT_PER_PAGE));
                    query.per_page = u32::try_from(per_page)
                        .ok()
                        .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                        .ok_or_else(|| {
                            FieldError::new("per_page", Problem::PerPageRange { max: MAX_PER_PAGE })
                        })?;
                }
                _ => {}
            }
        }
        // The page limit depends on the page size, so it is checked once both are known.
        let max_page = query.max_page();
        query.page = match page {
            None => 1,
            Some(p) => u32::try_from(p)
                .ok()
                .filter(|p| (1..=max_page).contains(p))
                .ok_or_else(|| FieldError::new("page", Problem::PageRange { max: max_page }))?,
        };
        Ok(query)
    }

    /// The highest page number that may be asked for with this page size.
    pub fn max_page(&self) -> u32 {
        MAX_RESULTS_WINDOW / self.per_page.max(1)
    }

    /// How many results precede this page.
    pub fn offset(&self) -> usize {
        (self.page.saturating_sub(1) as usize) * self.per_page as usize
    }

    /// The search text, prepared for matching (see [`text::parse_query`]).
    pub fn parts(&self) -> Vec<QueryPart> {
        text::parse_query(&self.text)
    }

    /// The canonical query string of this search, leaving out defaults, for links and for the
    /// address bar.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().into()));
        }
        if let Some(sector) = self.sector {
            pairs.push(("sector", sector.as_str().into()));
        }
        if let Some(region) = &self.region {
            pairs.push(("region", region.to_string()));
        }
        if self.sort != SortOrder::Relevance {
            pairs.push(("sort", self.sort.as_str().into()));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            pairs.push(("per_page", self.per_page.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The `/programs` URL of this search.
    pub fn url(&self) -> String {
        let qs = self.to_query_string();
        if qs.is_empty() {
            "/programs".into()
        } else {
            format!("/programs?{qs}")
        }
    }

    /// The same search on another page.
    pub fn with_page(&self, page: u32) -> SearchQuery {
        SearchQuery {
            page,
            ..self.clone()
        }
    }
}

fn optional<T>(
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

fn number(field: &str, value: &str) -> Result<i64, FieldError> {
    // Anything that is not a plain integer (1e9, 0x10, 1.5) is refused rather than guessed at;
    // integers too large for i64 are still integers and fail the range check instead.
    if value
        .strip_prefix('-')
        .unwrap_or(value)
        .bytes()
        .all(|b| b.is_ascii_digit())
        && !value.is_empty()
    {
        Ok(value.parse::<i64>().unwrap_or(if value.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        }))
    } else {
        Err(FieldError::new(field, Problem::NotANumber))
    }
}

fn parse_region(value: &str) -> Result<KatoCode, FieldError> {
    let code =
        KatoCode::parse(value).map_err(|_| FieldError::new("region", Problem::RegionFormat))?;
    if code.level() == Level::Region && location::region(code.as_str()).is_some() {
        Ok(code)
    } else {
        Err(FieldError::new(
            "region",
            Problem::RegionUnknown(value.into()),
        ))
    }
}

/// What every engine indexes for one programme. The searchable texts are given as written; each
/// engine indexes them through [`text::index_text`] (see [`SearchDoc::texts`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchDoc {
    /// Programme id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Kind of support.
    pub kind: ProgramKind,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
    /// Russian one-line summary.
    pub summary_ru: String,
    /// Kazakh one-line summary.
    pub summary_kk: String,
    /// Operator name in Russian.
    pub operator_ru: String,
    /// Operator name in Kazakh.
    pub operator_kk: String,
    /// Everything else worth matching: descriptions, labels of kind, sectors and groups.
    pub body: String,
    /// Sectors supported; empty means any.
    pub sectors: Vec<Sector>,
    /// Region codes where it applies; empty means nationwide.
    pub regions: Vec<KatoCode>,
    /// Largest amount in whole tenge for the current year.
    pub amount_max_kzt: Option<i64>,
    /// Highest rate (what the borrower pays at most), in basis points.
    pub rate_bps: Option<i32>,
    /// Longest term in months.
    pub term_months_max: Option<i32>,
    /// Last day to apply.
    pub deadline: Option<NaiveDate>,
    /// When the document was made and for which MCI year (see [`stamp`]): reconciliation
    /// compares it with the database to find stale documents.
    pub stamp: i64,
}

impl SearchDoc {
    /// The same document under another id (and slug), for tests and fixtures.
    pub fn with_id(mut self, id: i64) -> SearchDoc {
        self.id = id;
        self.slug = format!("doc-{id}");
        self
    }

    /// The searchable texts in ranking order, as every engine indexes them (through
    /// [`text::index_text`]): the titles, the summaries, then the operator and the rest.
    pub fn texts(&self) -> [String; 3] {
        [
            format!("{} {}", self.title_ru, self.title_kk),
            format!("{} {}", self.summary_ru, self.summary_kk),
            format!("{} {} {}", self.operator_ru, self.operator_kk, self.body),
        ]
    }
}

/// The version of what a search document holds. Part of every stamp, so that bumping it makes
/// reconciliation rewrite every document in every engine (Meilisearch included) after an
/// upgrade. 1: the Latin spellings of Cyrillic words (`domain::text::latin_words`). 2: synonym
/// tokens, canonical terms and the `nationwide` rank (`domain::matching`).
pub const DOC_FORMAT: i64 = 2;

/// A document's stamp: the programme's last change in Unix milliseconds, times 100,000, plus
/// [`DOC_FORMAT`] times 10,000, plus the year whose MCI converted its amounts. A new edit, a new
/// year or a new document format each change it.
pub fn stamp(updated_at_millis: i64, year: i32) -> i64 {
    updated_at_millis
        .saturating_mul(100_000)
        .saturating_add(DOC_FORMAT * 10_000)
        .saturating_add(i64::from(year.clamp(0, 9_999)))
}

/// One result: what a result card shows, straight from the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// Programme id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Kind of support.
    pub kind: ProgramKind,
    /// Russian title.
    pub title_ru: String,
    /// Kazakh title.
    pub title_kk: String,
    /// Russian summary.
    pub summary_ru: String,
    /// Kazakh summary.
    pub summary_kk: String,
    /// Operator, Russian.
    pub operator_ru: String,
    /// Operator, Kazakh.
    pub operator_kk: String,
    /// Region codes; empty means nationwide.
    pub regions: Vec<KatoCode>,
    /// Largest amount in whole tenge.
    pub amount_max_kzt: Option<i64>,
    /// Highest rate in basis points.
    pub rate_bps: Option<i32>,
    /// Longest term in months.
    pub term_months_max: Option<i32>,
    /// Last day to apply.
    pub deadline: Option<NaiveDate>,
    /// The Russian title split into matching and other pieces, filled in after the search.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_ru_marked: Vec<text::Segment>,
    /// The Kazakh title, likewise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_kk_marked: Vec<text::Segment>,
}

impl From<&SearchDoc> for SearchHit {
    fn from(d: &SearchDoc) -> Self {
        SearchHit {
            id: d.id,
            slug: d.slug.clone(),
            kind: d.kind,
            title_ru: d.title_ru.clone(),
            title_kk: d.title_kk.clone(),
            summary_ru: d.summary_ru.clone(),
            summary_kk: d.summary_kk.clone(),
            operator_ru: d.operator_ru.clone(),
            operator_kk: d.operator_kk.clone(),
            regions: d.regions.clone(),
            amount_max_kzt: d.amount_max_kzt,
            rate_bps: d.rate_bps,
            term_months_max: d.term_months_max,
            deadline: d.deadline,
            title_ru_marked: Vec::new(),
            title_kk_marked: Vec::new(),
        }
    }
}

/// Counts of matching programmes per value, for the filters. Each facet is counted with every
/// other filter applied but not its own, so the menu shows what choosing another value gives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Facets {
    /// Per kind code.
    pub kind: BTreeMap<String, u64>,
    /// Per sector code (programmes open to any sector are not counted under each sector).
    pub sector: BTreeMap<String, u64>,
    /// Per region code; nationwide programmes count in every region, as they are available there.
    pub region: BTreeMap<String, u64>,
}

/// A page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// Matching programmes in all.
    pub total: u64,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// Counts for the filters.
    pub facets: Facets,
    /// Time the engine took, in milliseconds, to a tenth (the embedded engine often answers in
    /// less than one).
    pub took_ms: f64,
    /// Which engine answered: `embedded`, `meilisearch` or `database`.
    pub engine: String,
    /// Whether the answer came from a fallback and may be incomplete.
    pub degraded: bool,
    /// The query these results are for when it is not the one typed: the typed text found
    /// nothing, and the same keys on the other keyboard layout did (see
    /// [`crate::domain::text::other_layout`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
}

impl SearchResults {
    /// How many pages the results fill, within the paging window.
    pub fn pages(&self, query: &SearchQuery) -> u32 {
        let per_page = u64::from(query.per_page.max(1));
        let pages = self.total.div_ceil(per_page);
        u32::try_from(pages)
            .unwrap_or(u32::MAX)
            .min(query.max_page())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::catalog::{ProgramKind, Sector};

    fn parse(qs: &str) -> Result<SearchQuery, FieldError> {
        SearchQuery::from_query_string(qs)
    }

    fn any_query() -> impl Strategy<Value = SearchQuery> {
        (
            // Any text a person could type: Cyrillic, Latin, digits, signs, spaces, percent signs,
            // ampersands and equals signs that the encoding must carry.
            "[ а-яёәғқңөұүһіА-ЯЁa-zA-Z0-9%&=+?#/.,'\"«»-]{0,200}",
            proptest::option::of(proptest::sample::select(ProgramKind::ALL)),
            proptest::option::of(proptest::sample::select(Sector::ALL)),
            proptest::option::of(proptest::sample::select(vec!["610000000", "100000000"])),
            proptest::sample::select(SortOrder::ALL.to_vec()),
            1..=MAX_PER_PAGE,
            any::<u32>(),
        )
            .prop_map(|(text, kind, sector, region, sort, per_page, page)| {
                let mut q = SearchQuery {
                    text: text.trim().to_owned(),
                    kind,
                    sector,
                    region: region.and_then(|r| KatoCode::parse(r).ok()),
                    sort,
                    page: 1,
                    per_page,
                };
                q.page = 1 + page % q.max_page();
                q
            })
    }

    proptest! {
        /// Every pager link, sort link and the address bar are built from the canonical query
        /// string, so reading it back must give the same search, whatever was typed.
        #[test]
        fn a_search_survives_its_own_query_string(q in any_query()) {
            let again = parse(&q.to_query_string());
            prop_assert_eq!(again, Ok(q.clone()), "{}", q.to_query_string());
        }
    }

    #[test]
    fn a_full_query_string_parses() {
        let q = parse(
            "q=+кең+дала+&kind=loan&sector=crop&region=610000000&sort=deadline&page=2&per_page=50",
        )
        .expect("valid");
        assert_eq!(q.text, "кең дала");
        assert_eq!(q.kind, Some(ProgramKind::Loan));
        assert_eq!(q.sector, Some(Sector::Crop));
        assert_eq!(q.region.as_ref().map(KatoCode::as_str), Some("610000000"));
        assert_eq!(q.sort, SortOrder::Deadline);
        assert_eq!((q.page, q.per_page), (2, 50));
        assert_eq!(q.offset(), 50);
    }

    #[test]
    fn empty_values_mean_not_set_and_unknown_parameters_are_ignored() {
        let q =
            parse("q=&kind=&sector=&region=&sort=&page=&per_page=&utm_source=tg").expect("valid");
        assert_eq!(q, SearchQuery::default());
        assert_eq!(parse("").expect("valid"), SearchQuery::default());
    }

    #[test]
    fn bad_parameters_name_their_field() {
        let long = "а".repeat(5000);
        let cases: Vec<(String, &str, &str)> = vec![
            ("kind=bank".into(), "kind", "unknown_value"),
            ("sort=price".into(), "sort", "unknown_value"),
            ("sector=oil".into(), "sector", "unknown_value"),
            ("page=0".into(), "page", "out_of_range"),
            ("page=1000000000".into(), "page", "out_of_range"),
            (
                "page=99999999999999999999999".into(),
                "page",
                "out_of_range",
            ),
            ("page=-1".into(), "page", "out_of_range"),
            ("page=two".into(), "page", "not_a_number"),
            ("page=1e9".into(), "page", "not_a_number"),
            ("per_page=-5".into(), "per_page", "out_of_range"),
            ("per_page=0".into(), "per_page", "out_of_range"),
            ("per_page=101".into(), "per_page", "out_of_range"),
            (format!("q={long}"), "q", "too_long"),
            ("region=61".into(), "region", "invalid_format"),
            ("region=abc".into(), "region", "invalid_format"),
            ("region=612000000".into(), "region", "unknown_region"),
            ("region=990000000".into(), "region", "unknown_region"),
            ("q=%FF".into(), "q", "invalid_encoding"),
        ];
        for (qs, field, code) in cases {
            let err = parse(&qs).expect_err(&qs);
            assert_eq!(
                (err.field.as_str(), err.code()),
                (field, code),
                "failed for {}",
                &qs[..qs.len().min(30)]
            );
        }
    }

    #[test]
    fn the_page_limit_depends_on_the_page_size() {
        assert!(parse("page=500&per_page=20").is_ok());
        assert!(parse("per_page=20&page=501").is_err());
        assert!(parse("page=100&per_page=100").is_ok());
        assert!(parse("page=101&per_page=100").is_err());
    }

    #[test]
    fn the_query_string_round_trips_and_omits_defaults() {
        let q = parse("q=ауыл+аманаты&kind=microcredit&page=3&sort=relevance").expect("valid");
        let qs = q.to_query_string();
        assert_eq!(parse(&qs).expect("valid"), q);
        assert!(!qs.contains("sort="), "{qs}");
        assert_eq!(SearchQuery::default().url(), "/programs");
        assert_eq!(
            q.with_page(1).url(),
            format!("/programs?{}", q.with_page(1).to_query_string())
        );
    }

    #[test]
    fn pages_are_capped_by_the_window() {
        let q = SearchQuery::default();
        let results = |total| SearchResults {
            total,
            hits: vec![],
            facets: Facets::default(),
            took_ms: 0.0,
            engine: "embedded".into(),
            degraded: false,
            corrected: None,
        };
        assert_eq!(results(0).pages(&q), 0);
        assert_eq!(results(41).pages(&q), 3);
        assert_eq!(results(1_000_000).pages(&q), 500);
    }
}
