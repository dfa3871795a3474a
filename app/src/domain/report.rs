//! Accountability figures of an okrug, a district, a region or the country.
//!
//! [`Figures`] are an okrug's raw counts, kept computed per okrug and summed for larger areas:
//! every field adds up (time per stage is a histogram of whole days, so medians of a region are
//! exact, not a median of medians). What the public sees is [`PublicFigures`]: the same counts
//! with every count from 1 to 2 replaced by "fewer than 3", and every sum, share or median that
//! rests on fewer than 3 applications left out, so that no figure points at a person.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::application::State;
use super::i18n::{Lang, Msg, t};
use super::location::KatoCode;

/// The code that names the country in report addresses and open data files.
pub const COUNTRY: &str = "kz";

/// Below this many, a count is shown as "fewer than 3".
pub const MIN_SHOWN: u64 = 3;

/// The stages an application passes on its way to the money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = ReportStage))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// From submission until the operator takes it up.
    Waiting,
    /// From being taken up until the decision (time waiting for the applicant included).
    Review,
    /// From approval until the money is paid.
    Payment,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 3] = [Stage::Waiting, Stage::Review, Stage::Payment];

    /// The code used in open data.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Waiting => "waiting",
            Stage::Review => "review",
            Stage::Payment => "payment",
        }
    }

    /// The stage in words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Stage::Waiting => Msg::RepStageWaiting,
                Stage::Review => Msg::RepStageReview,
                Stage::Payment => Msg::RepStagePayment,
            },
        )
    }
}

/// What the akimat said of an application (its latest recommendation version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Said {
    /// Recommended.
    Recommended,
    /// Not recommended.
    NotRecommended,
    /// No recommendation (never asked, or not answered).
    Nothing,
}

impl Said {
    /// Every answer, in order.
    pub const ALL: [Said; 3] = [Said::Recommended, Said::NotRecommended, Said::Nothing];

    /// The code used in open data.
    pub fn as_str(self) -> &'static str {
        match self {
            Said::Recommended => "recommended",
            Said::NotRecommended => "not_recommended",
            Said::Nothing => "no_recommendation",
        }
    }

    /// In words.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Said::Recommended => Msg::RepSaidRecommended,
                Said::NotRecommended => Msg::RepSaidNotRecommended,
                Said::Nothing => Msg::RepSaidNothing,
            },
        )
    }
}

/// How the applications in one group ended (so far).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Outcomes {
    /// Submitted.
    pub applied: u64,
    /// Approved (paid or not yet).
    pub approved: u64,
    /// Rejected.
    pub rejected: u64,
    /// Withdrawn by the applicant.
    pub withdrawn: u64,
}

impl Outcomes {
    fn add(&mut self, o: &Outcomes) {
        self.applied += o.applied;
        self.approved += o.approved;
        self.rejected += o.rejected;
        self.withdrawn += o.withdrawn;
    }

    /// Still being decided.
    pub fn pending(&self) -> u64 {
        self.applied
            .saturating_sub(self.approved + self.rejected + self.withdrawn)
    }
}

/// One programme's figures in an area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgramFigures {
    /// Submitted.
    pub applied: u64,
    /// Approved.
    pub approved: u64,
    /// Paid out, tenge.
    pub disbursed_kzt: i64,
}

/// One month's figures in an area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    /// Submitted in the month.
    pub applied: u64,
    /// Approved in the month.
    pub approved: u64,
    /// Paid out in the month.
    pub disbursed: u64,
    /// Paid out in the month, tenge.
    pub disbursed_kzt: i64,
}

/// What one member of an akimat recommended, over all applications of the okrug.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Recommender {
    /// The account.
    pub user_id: i32,
    /// Whether they are the akim (named publicly: an elected official) or akimat staff (not).
    pub akim: bool,
    /// The akim's name; empty for staff.
    pub name: String,
    /// Applications they recommended.
    pub recommended: u64,
    /// Applications they did not recommend.
    pub not_recommended: u64,
}

/// An area's raw figures. Every field adds up over okrugs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Entrepreneurs whose profile places them in the area.
    pub registered: u64,
    /// Applications submitted (drafts are not counted).
    pub applied: u64,
    /// Applications whose latest recommendation says "recommend".
    pub recommended: u64,
    /// Applications whose latest recommendation says "do not recommend".
    pub not_recommended: u64,
    /// Approved (including those already paid).
    pub approved: u64,
    /// Paid.
    pub disbursed: u64,
    /// Rejected.
    pub rejected: u64,
    /// Withdrawn after submission.
    pub withdrawn: u64,
    /// Applications by current state (code), drafts left out.
    pub by_state: BTreeMap<String, u64>,
    /// Amount of the approved applications, tenge.
    pub approved_kzt: i64,
    /// Amount paid, tenge.
    pub disbursed_kzt: i64,
    /// Jobs the approved applications' business plans promise.
    pub jobs_planned: u64,
    /// Days spent in each stage: days → applications.
    pub stages: BTreeMap<Stage, BTreeMap<u32, u64>>,
    /// Outcomes by what the akimat said.
    pub outcomes: BTreeMap<Said, Outcomes>,
    /// By programme id.
    pub programs: BTreeMap<i32, ProgramFigures>,
    /// By month, `YYYY-MM`.
    pub months: BTreeMap<String, MonthFigures>,
    /// Who in the akimat recommended how many (an okrug's own; empty when summed).
    pub recommenders: Vec<Recommender>,
}

impl Figures {
    /// Adds an okrug's figures to a larger area's (recommenders are an okrug's own).
    pub fn add(&mut self, o: &Figures) {
        self.registered += o.registered;
        self.applied += o.applied;
        self.recommended += o.recommended;
        self.not_recommended += o.not_recommended;
        self.approved += o.approved;
        self.disbursed += o.disbursed;
        self.rejected += o.rejected;
        self.withdrawn += o.withdrawn;
        for (k, v) in &o.by_state {
            *self.by_state.entry(k.clone()).or_default() += v;
        }
        self.approved_kzt += o.approved_kzt;
        self.disbursed_kzt += o.disbursed_kzt;
        self.jobs_planned += o.jobs_planned;
        for (stage, days) in &o.stages {
            let mine = self.stages.entry(*stage).or_default();
            for (d, n) in days {
                *mine.entry(*d).or_default() += n;
            }
        }
        for (k, v) in &o.outcomes {
            self.outcomes.entry(*k).or_default().add(v);
        }
        for (k, v) in &o.programs {
            let p = self.programs.entry(*k).or_default();
            p.applied += v.applied;
            p.approved += v.approved;
            p.disbursed_kzt += v.disbursed_kzt;
        }
        for (k, v) in &o.months {
            let m = self.months.entry(k.clone()).or_default();
            m.applied += v.applied;
            m.approved += v.approved;
            m.disbursed += v.disbursed;
            m.disbursed_kzt += v.disbursed_kzt;
        }
    }

    /// Records one stage's duration.
    pub fn add_stage(&mut self, stage: Stage, days: u32) {
        *self
            .stages
            .entry(stage)
            .or_default()
            .entry(days)
            .or_default() += 1;
    }

    /// The median and the number of applications behind it, for a stage.
    pub fn stage(&self, stage: Stage) -> StageFigures {
        let days = self.stages.get(&stage);
        let count: u64 = days.map_or(0, |d| d.values().sum());
        StageFigures {
            count,
            median_days: days.and_then(|d| quantile(d, count, 1, 2)),
            p90_days: days.and_then(|d| quantile(d, count, 9, 10)),
        }
    }

    /// The figures the public sees.
    pub fn public(&self) -> PublicFigures {
        let shown = Shown::count;
        let money = |kzt: i64, behind: u64| Shown::sum(kzt, behind);
        PublicFigures {
            registered: shown(self.registered),
            applied: shown(self.applied),
            recommended: shown(self.recommended),
            not_recommended: shown(self.not_recommended),
            approved: shown(self.approved),
            disbursed: shown(self.disbursed),
            rejected: shown(self.rejected),
            withdrawn: shown(self.withdrawn),
            pending: shown(
                self.applied
                    .saturating_sub(self.approved + self.rejected + self.withdrawn),
            ),
            approved_kzt: money(self.approved_kzt, self.approved),
            disbursed_kzt: money(self.disbursed_kzt, self.disbursed),
            jobs_planned: money(self.jobs_planned as i64, self.approved),
            approval_rate: rate(self.approved, self.approved + self.rejected),
            recommended_share: rate(self.recommended, self.applied),
            stages: Stage::ALL
                .into_iter()
                .map(|s| {
                    let f = self.stage(s);
                    let enough = f.count >= MIN_SHOWN;
                    PublicStage {
                        stage: s,
                        count: shown(f.count),
                        median_days: f.median_days.filter(|_| enough),
                        p90_days: f.p90_days.filter(|_| enough),
                    }
                })
                .collect(),
            outcomes: Said::ALL
                .into_iter()
                .map(|s| {
                    let o = self.outcomes.get(&s).copied().unwrap_or_default();
                    PublicOutcome {
                        said: s,
                        applied: shown(o.applied),
                        approved: shown(o.approved),
                        rejected: shown(o.rejected),
                        withdrawn: shown(o.withdrawn),
                        pending: shown(o.pending()),
                        approval_rate: rate(o.approved, o.approved + o.rejected),
                    }
                })
                .collect(),
        }
    }
}

/// A stage's median and 90th percentile, whole days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageFigures {
    /// Applications that went through it.
    pub count: u64,
    /// Median days.
    pub median_days: Option<u32>,
    /// 90th percentile, days.
    pub p90_days: Option<u32>,
}

/// The smallest value with at least `num/den` of the `count` values at or below it.
fn quantile(days: &BTreeMap<u32, u64>, count: u64, num: u64, den: u64) -> Option<u32> {
    if count == 0 {
        return None;
    }
    let rank = (count * num).div_ceil(den).max(1);
    let mut seen = 0;
    for (d, n) in days {
        seen += n;
        if seen >= rank {
            return Some(*d);
        }
    }
    None
}

/// A share in whole per cent, when both counts are large enough to say.
fn rate(part: u64, whole: u64) -> Option<u32> {
    (whole >= MIN_SHOWN && (part == 0 || part >= MIN_SHOWN))
        .then(|| ((part * 100 + whole / 2) / whole) as u32)
}

/// A published number: exact, or "fewer than 3" (which open data writes as `"<3"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// The number.
    Value(i64),
    /// Between 1 and 2 (a count), or resting on so few applications (a sum).
    FewerThan3,
}

impl Shown {
    /// A count, suppressed from 1 to 2.
    pub fn count(n: u64) -> Shown {
        if n > 0 && n < MIN_SHOWN {
            Shown::FewerThan3
        } else {
            Shown::Value(n as i64)
        }
    }

    /// A sum over `behind` applications, suppressed when they are 1 or 2.
    pub fn sum(total: i64, behind: u64) -> Shown {
        if behind > 0 && behind < MIN_SHOWN {
            Shown::FewerThan3
        } else {
            Shown::Value(total)
        }
    }

    /// The value, when shown.
    pub fn value(self) -> Option<i64> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::FewerThan3 => None,
        }
    }

    /// As open data writes it: the number or `<3`.
    pub fn data(self) -> String {
        match self {
            Shown::Value(v) => v.to_string(),
            Shown::FewerThan3 => "<3".to_owned(),
        }
    }
}

// By hand, like its serde: a count, or the string "<3" where a count would identify people.
#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Shown {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["<3"])),
            )
            .description(Some(
                "A count, or \"<3\" where a smaller count would be shown",
            ))
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Shown {}

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Value(v) => s.serialize_i64(*v),
            Shown::FewerThan3 => s.serialize_str("<3"),
        }
    }
}

impl<'de> Deserialize<'de> for Shown {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shown, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Value(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Value(v) => Ok(Shown::Value(v)),
            Raw::Text(s) if s == "<3" => Ok(Shown::FewerThan3),
            Raw::Text(s) => Err(serde::de::Error::custom(format!("not a figure: {s}"))),
        }
    }
}

/// A stage as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicStage {
    /// Which.
    pub stage: Stage,
    /// Applications that went through it.
    pub count: Shown,
    /// Median days (left out below 3 applications).
    pub median_days: Option<u32>,
    /// 90th percentile, days (left out below 3 applications).
    pub p90_days: Option<u32>,
}

/// How applications fared by what the akimat said, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicOutcome {
    /// What the akimat said.
    pub said: Said,
    /// Submitted.
    pub applied: Shown,
    /// Approved.
    pub approved: Shown,
    /// Rejected.
    pub rejected: Shown,
    /// Withdrawn.
    pub withdrawn: Shown,
    /// Not decided yet.
    pub pending: Shown,
    /// Approved of those decided, per cent.
    pub approval_rate: Option<u32>,
}

/// An area's figures as published: no count below 3, nothing that rests on fewer than 3.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicFigures {
    /// Entrepreneurs registered in the area.
    pub registered: Shown,
    /// Applications submitted.
    pub applied: Shown,
    /// Recommended by the akimat.
    pub recommended: Shown,
    /// Not recommended by the akimat.
    pub not_recommended: Shown,
    /// Approved.
    pub approved: Shown,
    /// Paid.
    pub disbursed: Shown,
    /// Rejected.
    pub rejected: Shown,
    /// Withdrawn.
    pub withdrawn: Shown,
    /// Still being decided.
    pub pending: Shown,
    /// Amount approved, tenge.
    pub approved_kzt: Shown,
    /// Amount paid, tenge.
    pub disbursed_kzt: Shown,
    /// Jobs the approved plans promise.
    pub jobs_planned: Shown,
    /// Approved of those decided, per cent.
    pub approval_rate: Option<u32>,
    /// Recommended of those submitted, per cent.
    pub recommended_share: Option<u32>,
    /// Time per stage.
    pub stages: Vec<PublicStage>,
    /// Outcomes by what the akimat said.
    pub outcomes: Vec<PublicOutcome>,
}

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
}

/// The open-data schema this code writes.
pub const SCHEMA: &str = "auyl-report/1";
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

#[cfg(test)]
mod tests {
    use super::*;

    fn okrug(applied: u64, approved: u64, review_days: &[u32]) -> Figures {
        let mut f = Figures {
            applied,
            approved,
            ..Figures::default()
        };
        for d in review_days {
            f.add_stage(Stage::Review, *d);
        }
        f
    }

    #[test]
    fn counts_of_one_and_two_are_published_as_fewer_than_three() {
        assert_eq!(Shown::count(0), Shown::Value(0));
        assert_eq!(Shown::count(1), Shown::FewerThan3);
        assert_eq!(Shown::count(2), Shown::FewerThan3);
        assert_eq!(Shown::count(3), Shown::Value(3));
        assert_eq!(
            serde_json::to_string(&Shown::FewerThan3).expect("test value"),
            "\"<3\""
        );
        assert_eq!(
            serde_json::from_str::<Shown>("\"<3\"").expect("test value"),
            Shown::FewerThan3
        );
    }

    #[test]
    fn a_sum_over_fewer_than_three_applications_is_not_published() {
        let f = Figures {
            approved: 2,
            approved_kzt: 5_000_000,
            jobs_planned: 4,
            ..Figures::default()
        };
        let p = f.public();
        assert_eq!(p.approved_kzt, Shown::FewerThan3);
        assert_eq!(p.jobs_planned, Shown::FewerThan3);
        assert_eq!(p.approval_rate, None);
    }

    #[test]
    fn a_region_median_is_the_median_of_all_its_applications() {
        // A median of the okrugs' medians would say 5; the applications' median is 2.
        let mut region = Figures::default();
        region.add(&okrug(3, 0, &[1, 1, 2]));
        region.add(&okrug(3, 0, &[2, 2, 9]));
        region.add(&okrug(1, 0, &[5]));
        let review = region.stage(Stage::Review);
        assert_eq!(review.count, 7);
        assert_eq!(review.median_days, Some(2));
        assert_eq!(review.p90_days, Some(9));
        assert_eq!(region.applied, 7);
    }

    #[test]
    fn a_median_over_fewer_than_three_applications_is_not_published() {
        let p = okrug(2, 0, &[4, 6]).public();
        let review = p
            .stages
            .iter()
            .find(|s| s.stage == Stage::Review)
            .expect("test value");
        assert_eq!(review.median_days, None);
        assert_eq!(review.count, Shown::FewerThan3);
    }

    #[test]
    fn shares_need_three_on_each_side() {
        assert_eq!(rate(3, 4), Some(75));
        assert_eq!(rate(0, 4), Some(0));
        assert_eq!(rate(1, 40), None);
        assert_eq!(rate(2, 2), None);
    }

    #[test]
    fn the_trend_covers_twelve_months_across_the_new_year() {
        let m = last_months(
            chrono::NaiveDate::from_ymd_opt(2026, 2, 10).expect("test value"),
            12,
        );
        assert_eq!(m.first().expect("test value"), "2025-03");
        assert_eq!(m.last().expect("test value"), "2026-02");
        assert_eq!(m.len(), 12);
    }
}
