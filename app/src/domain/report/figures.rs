//! An okrug's raw counts ([`Figures`]), which add up over larger areas, and what the public
//! sees of them ([`PublicFigures`]): small counts suppressed, and every share or median that
//! rests on fewer than [`MIN_SHOWN`] applications left out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::shown::{MIN_SHOWN, Said, Shown, rate};
use crate::domain::i18n::{Lang, Msg, t};

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
    /// The loans paid out, by what the akimat said of their application.
    #[serde(default)]
    pub loans: BTreeMap<Said, super::loans::LoanBook>,
    /// Appeals against refusals.
    #[serde(default)]
    pub appeals: AppealFigures,
    /// Residents' complaints counted in the okrug.
    #[serde(default)]
    pub complaints: ComplaintFigures,
}

/// An area's residents' complaints: how many, about whom, and how they were answered. Never
/// their text or author.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplaintFigures {
    /// About operators.
    pub operator: u64,
    /// About the okrug's akimat.
    pub akimat: u64,
    /// Answered by their due date.
    pub on_time: u64,
    /// Answered after it, or escalated unanswered.
    pub late: u64,
    /// Days from filing to answer: days → complaints.
    pub days: BTreeMap<u32, u64>,
}

impl ComplaintFigures {
    fn add(&mut self, o: &ComplaintFigures) {
        self.operator += o.operator;
        self.akimat += o.akimat;
        self.on_time += o.on_time;
        self.late += o.late;
        for (d, n) in &o.days {
            *self.days.entry(*d).or_default() += n;
        }
    }

    /// Counts one complaint: about an operator (or the akimat); answered after `days` days,
    /// in time or not; or unanswered, `late` once escalated.
    pub fn count(&mut self, operator: bool, answered: Option<(u32, bool)>, late: bool) {
        if operator {
            self.operator += 1;
        } else {
            self.akimat += 1;
        }
        match answered {
            Some((days, in_time)) => {
                *self.days.entry(days).or_default() += 1;
                if in_time {
                    self.on_time += 1;
                } else {
                    self.late += 1;
                }
            }
            None if late => self.late += 1,
            None => {}
        }
    }

    /// As published: small counts suppressed; the share in time and the median only on
    /// [`MIN_SHOWN`] complaints or more.
    pub fn public(&self) -> PublicComplaints {
        let settled = self.on_time + self.late;
        let answered: u64 = self.days.values().sum();
        PublicComplaints {
            operator: Shown::count(self.operator),
            akimat: Shown::count(self.akimat),
            on_time_share: rate(self.on_time, settled).filter(|_| settled >= MIN_SHOWN),
            median_days: quantile(&self.days, answered, 1, 2).filter(|_| answered >= MIN_SHOWN),
        }
    }
}

/// An area's residents' complaints as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicComplaints {
    /// About operators.
    pub operator: Shown,
    /// About the okrug's akimat.
    pub akimat: Shown,
    /// Answered in time, per cent of those answered or past their due date (left out below 3).
    pub on_time_share: Option<u32>,
    /// Median days from filing to answer (left out below 3 answers).
    pub median_days: Option<u32>,
}

/// An area's appeals against refusals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AppealFigures {
    /// Filed.
    pub filed: u64,
    /// Decided: the refusal stands.
    pub upheld: u64,
    /// Decided: the refusal set aside.
    pub overturned: u64,
    /// Days from filing to decision: days → appeals.
    pub days: BTreeMap<u32, u64>,
}

impl AppealFigures {
    fn add(&mut self, o: &AppealFigures) {
        self.filed += o.filed;
        self.upheld += o.upheld;
        self.overturned += o.overturned;
        for (d, n) in &o.days {
            *self.days.entry(*d).or_default() += n;
        }
    }

    /// Counts one appeal: its outcome if decided (`true`: overturned), with the days it took.
    pub fn count(&mut self, decided: Option<(bool, u32)>) {
        self.filed += 1;
        if let Some((overturned, days)) = decided {
            if overturned {
                self.overturned += 1;
            } else {
                self.upheld += 1;
            }
            *self.days.entry(days).or_default() += 1;
        }
    }

    /// As published: small counts suppressed, no median under [`MIN_SHOWN`] decisions.
    pub fn public(&self) -> PublicAppeals {
        let decided = self.upheld + self.overturned;
        PublicAppeals {
            filed: Shown::count(self.filed),
            upheld: Shown::count(self.upheld),
            overturned: Shown::count(self.overturned),
            open: Shown::count(self.filed.saturating_sub(decided)),
            median_days: quantile(&self.days, decided, 1, 2).filter(|_| decided >= MIN_SHOWN),
        }
    }
}

/// An area's appeals as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicAppeals {
    /// Filed.
    pub filed: Shown,
    /// The refusal stands.
    pub upheld: Shown,
    /// The refusal set aside.
    pub overturned: Shown,
    /// Not decided yet.
    pub open: Shown,
    /// Median days from filing to decision (left out below 3 decisions).
    pub median_days: Option<u32>,
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
        for (k, v) in &o.loans {
            self.loans.entry(*k).or_default().add(v);
        }
        self.appeals.add(&o.appeals);
        self.complaints.add(&o.complaints);
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
            appeals: Some(self.appeals.public()),
            complaints: Some(self.complaints.public()),
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
pub(super) fn quantile(days: &BTreeMap<u32, u64>, count: u64, num: u64, den: u64) -> Option<u32> {
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
    /// Appeals against refusals (schema 2; absent from schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeals: Option<PublicAppeals>,
    /// Residents' complaints (schema 2; absent from schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints: Option<PublicComplaints>,
}
