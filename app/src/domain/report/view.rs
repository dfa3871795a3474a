//! A report as its page and its open data show it: the area, its children, programmes, months,
//! recommenders, the comparison, the CSV, and the akimat's own workspace.

use super::figures::{Figures, PublicFigures, Stage, StageFigures};
use super::shown::{MIN_SHOWN, Shown, rate};

use serde::{Deserialize, Serialize};

use crate::domain::application::State;
use crate::domain::i18n::Lang;
use crate::domain::location::KatoCode;

/// The code that names the country in report addresses and open data files.
pub const COUNTRY: &str = "kz";

/// The kind of area a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    /// Kazakhstan.
    Country,
    /// A region or a city of republican significance.
    Region,
    /// A district or a city of regional significance.
    District,
    /// A rural okrug.
    Okrug,
}

impl AreaLevel {
    /// The code used in open data.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaLevel::Country => "country",
            AreaLevel::Region => "region",
            AreaLevel::District => "district",
            AreaLevel::Okrug => "okrug",
        }
    }
}

/// An area named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaRef {
    /// Its KATO code; `None` for the country.
    pub code: Option<KatoCode>,
    /// Which kind.
    pub level: AreaLevel,
    /// Its name in Russian.
    pub name_ru: String,
    /// Its name in Kazakh, where known.
    pub name_kk: Option<String>,
}

impl AreaRef {
    /// The name in `lang` (Russian where the Kazakh one is not known).
    pub fn name(&self, lang: Lang) -> &str {
        match (lang, &self.name_kk) {
            (Lang::Kk, Some(kk)) => kk,
            _ => &self.name_ru,
        }
    }

    /// The report's address.
    pub fn href(&self) -> String {
        match &self.code {
            Some(c) => format!("/okrugs/{c}"),
            None => "/okrugs".to_owned(),
        }
    }
}

/// A smaller area within the report's, with its main figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChildRow {
    /// Which.
    pub area: AreaRef,
    /// Entrepreneurs registered.
    pub registered: Shown,
    /// Submitted.
    pub applied: Shown,
    /// Recommended.
    pub recommended: Shown,
    /// Approved.
    pub approved: Shown,
    /// Paid, tenge.
    pub disbursed_kzt: Shown,
}

impl ChildRow {
    /// The row of `area` with figures `f`.
    pub fn new(area: AreaRef, f: &Figures) -> ChildRow {
        ChildRow {
            area,
            registered: Shown::count(f.registered),
            applied: Shown::count(f.applied),
            recommended: Shown::count(f.recommended),
            approved: Shown::count(f.approved),
            disbursed_kzt: Shown::sum(f.disbursed_kzt, f.disbursed),
        }
    }
}

/// A programme's line in an area's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgramRow {
    /// Its address part.
    pub slug: String,
    /// Title in Russian.
    pub title_ru: String,
    /// Title in Kazakh.
    pub title_kk: String,
    /// Submitted.
    pub applied: Shown,
    /// Approved.
    pub approved: Shown,
    /// Paid, tenge.
    pub disbursed_kzt: Shown,
}

/// A month's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Submitted.
    pub applied: Shown,
    /// Approved.
    pub approved: Shown,
    /// Paid, tenge.
    pub disbursed_kzt: Shown,
}

/// One member of an akimat's record, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecommenderRow {
    /// Whether the akim (named) or a member of staff (not named).
    pub akim: bool,
    /// The akim's name; empty for staff.
    pub name: String,
    /// Recommended.
    pub recommended: Shown,
    /// Not recommended.
    pub not_recommended: Shown,
    /// Recommended of all the okrug's applications, per cent.
    pub share: Option<u32>,
}

/// Key shares of an area, to set beside its district's, region's and the country's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Which area.
    pub area: AreaRef,
    /// Applications per 100 registered entrepreneurs.
    pub applied_per_100: Option<u32>,
    /// Approved of those decided, per cent.
    pub approval_rate: Option<u32>,
    /// Recommended of those submitted, per cent.
    pub recommended_share: Option<u32>,
    /// Median days from submission to decision (waiting and review).
    pub median_review_days: Option<u32>,
}

impl Comparison {
    /// The shares of `area` with figures `f`.
    pub fn new(area: AreaRef, f: &Figures) -> Comparison {
        let review = f.stage(Stage::Review);
        Comparison {
            area,
            applied_per_100: rate(f.applied, f.registered),
            approval_rate: rate(f.approved, f.approved + f.rejected),
            recommended_share: rate(f.recommended, f.applied),
            median_review_days: review.median_days.filter(|_| review.count >= MIN_SHOWN),
        }
    }
}

/// A public report, as the page, the print view and open data show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Report {
    /// The schema's name and version, for open-data users.
    pub schema: String,
    /// The area.
    pub area: AreaRef,
    /// The areas above it, largest first (the country not included).
    pub within: Vec<AreaRef>,
    /// When the figures were computed (the oldest okrug's), RFC 3339.
    pub as_of: String,
    /// Its figures.
    pub figures: PublicFigures,
    /// The same shares for it and the areas above it.
    pub comparison: Vec<Comparison>,
    /// The areas within it (districts of a region, okrugs of a district…).
    pub children: Vec<ChildRow>,
    /// The most used programmes, at most [`TOP_PROGRAMS`].
    pub programs: Vec<ProgramRow>,
    /// The last [`MONTHS`] months, oldest first.
    pub months: Vec<MonthRow>,
    /// An okrug's akimat: who recommended how many.
    pub recommenders: Vec<RecommenderRow>,
    /// After the money: how the loans paid out are being repaid, overall and by what the
    /// akimat said (schema 2; absent from schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_money: Option<super::loans::AfterMoney>,
}

impl Report {
    /// The same report in the first open-data schema, which keeps being served: without what
    /// schema 2 added.
    pub fn v1(mut self) -> Report {
        SCHEMA_V1.clone_into(&mut self.schema);
        self.after_money = None;
        self.figures.appeals = None;
        self.figures.complaints = None;
        self
    }
}

/// The open-data schema this code writes: the first one, and the outcomes after the money.
pub const SCHEMA: &str = "auyl-report/2";

/// The first open-data schema, still served at the addresses it always had.
pub const SCHEMA_V1: &str = "auyl-report/1";

/// How many programmes a report lists.
pub const TOP_PROGRAMS: usize = 5;

/// How many months the trend covers.
pub const MONTHS: usize = 12;

/// The `YYYY-MM` keys of the `n` months up to and including `today`'s, oldest first.
pub fn last_months(today: chrono::NaiveDate, n: usize) -> Vec<String> {
    use chrono::Datelike;
    let (mut y, mut m) = (today.year(), today.month());
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

/// The recommenders of an okrug as published: the share is of all the okrug's applications.
pub fn recommender_rows(f: &Figures) -> Vec<RecommenderRow> {
    f.recommenders
        .iter()
        .map(|r| RecommenderRow {
            akim: r.akim,
            name: if r.akim {
                r.name.clone()
            } else {
                String::new()
            },
            recommended: Shown::count(r.recommended),
            not_recommended: Shown::count(r.not_recommended),
            share: rate(r.recommended, f.applied),
        })
        .collect()
}

/// The report as CSV: one figure per line, `area_code,level,measure,key,value`.
///
/// `area_code` is the KATO code (empty for the country); `measure` names the figure; `key`
/// narrows it (a stage, a month, a programme's slug, a child area's code) or is empty; `value`
/// is a whole number, `<3` for a suppressed figure, or empty where too few applications exist to
/// give a median or a share. The column set and the measure names only ever grow.
pub fn csv(r: &Report) -> String {
    let mut out = String::from("area_code,level,measure,key,value\n");
    let code = r.area.code.as_ref().map_or("", |c| c.as_str()).to_owned();
    let level = r.area.level.as_str();
    let mut line = |measure: &str, key: &str, value: String| {
        out.push_str(&format!("{code},{level},{measure},{key},{value}\n"));
    };
    let f = &r.figures;
    for (measure, v) in [
        ("registered", f.registered),
        ("applied", f.applied),
        ("recommended", f.recommended),
        ("not_recommended", f.not_recommended),
        ("approved", f.approved),
        ("disbursed", f.disbursed),
        ("rejected", f.rejected),
        ("withdrawn", f.withdrawn),
        ("pending", f.pending),
        ("approved_kzt", f.approved_kzt),
        ("disbursed_kzt", f.disbursed_kzt),
        ("jobs_planned", f.jobs_planned),
    ] {
        line(measure, "", v.data());
    }
    let opt = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    line("approval_rate_pct", "", opt(f.approval_rate));
    line("recommended_share_pct", "", opt(f.recommended_share));
    for s in &f.stages {
        let key = s.stage.as_str();
        line("stage_count", key, s.count.data());
        line("stage_median_days", key, opt(s.median_days));
        line("stage_p90_days", key, opt(s.p90_days));
    }
    for o in &f.outcomes {
        let key = o.said.as_str();
        line("outcome_applied", key, o.applied.data());
        line("outcome_approved", key, o.approved.data());
        line("outcome_rejected", key, o.rejected.data());
        line("outcome_withdrawn", key, o.withdrawn.data());
        line("outcome_pending", key, o.pending.data());
    }
    if let Some(a) = &f.appeals {
        line("appeals_filed", "", a.filed.data());
        line("appeals_upheld", "", a.upheld.data());
        line("appeals_overturned", "", a.overturned.data());
        line("appeals_open", "", a.open.data());
        line("appeals_median_days", "", opt(a.median_days));
    }
    if let Some(c) = &f.complaints {
        line("complaints_operator", "", c.operator.data());
        line("complaints_akimat", "", c.akimat.data());
        line("complaints_on_time_pct", "", opt(c.on_time_share));
        line("complaints_median_days", "", opt(c.median_days));
    }
    for m in &r.months {
        line("month_applied", &m.month, m.applied.data());
        line("month_approved", &m.month, m.approved.data());
        line("month_disbursed_kzt", &m.month, m.disbursed_kzt.data());
    }
    for p in &r.programs {
        line("program_applied", &p.slug, p.applied.data());
        line("program_approved", &p.slug, p.approved.data());
        line("program_disbursed_kzt", &p.slug, p.disbursed_kzt.data());
    }
    for c in &r.children {
        let key = c.area.code.as_ref().map_or("", |c| c.as_str());
        line("child_registered", key, c.registered.data());
        line("child_applied", key, c.applied.data());
        line("child_recommended", key, c.recommended.data());
        line("child_approved", key, c.approved.data());
        line("child_disbursed_kzt", key, c.disbursed_kzt.data());
    }
    if let Some(m) = &r.after_money {
        let bps = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut loans = |key: &str, l: &super::loans::LoanFigures| {
            line("loans", key, l.loans.data());
            line("loans_repaid_on_time_pct", key, opt(l.repaid_on_time_pct));
            line("loans_par30_bps", key, bps(l.par30_bps));
            line("jobs_created", key, l.jobs_created.data());
            line(
                "use_of_funds_on_time_pct",
                key,
                opt(l.use_of_funds_on_time_pct),
            );
        };
        loans("", &m.all);
        for (said, l) in &m.by_said {
            loans(said.as_str(), l);
        }
    }
    out
}

/// An application of the okrug that has waited longer than its programme usually takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Stuck {
    /// The application.
    pub application_id: i32,
    /// Its programme's titles.
    pub program_title_ru: String,
    /// In Kazakh.
    pub program_title_kk: String,
    /// Where it stands.
    pub state: State,
    /// Days in that state.
    pub days: u32,
    /// The programme's usual time to a decision, days.
    pub usual_days: u32,
}

/// An okrug's workspace: the figures unrounded, with what needs the akimat's attention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Workspace {
    /// The okrug.
    pub area: AreaRef,
    /// Its figures, counts of 1 and 2 included (the akimat knows its applicants).
    pub figures: Figures,
    /// Time per stage.
    pub stages: Vec<(Stage, StageFigures)>,
    /// Applications waiting longer than usual, longest first.
    pub stuck: Vec<Stuck>,
    /// Reasons given for rejections, most frequent first, with their counts.
    pub rejections: Vec<(String, u64)>,
}

/// An area found by the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaHit {
    /// The area.
    pub area: AreaRef,
    /// The units above it, nearest first, in Russian.
    pub within: String,
}
