//! The application form: what a draft keeps (the text as typed, so nothing is lost while it
//! does not validate yet), what submitting checks against the programme's limits, and the
//! views the pages and the API show.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Estimate, EventKind, State};
use crate::domain::account::Role;
use crate::domain::params::parse_count;
use crate::domain::params::{FieldError, Problem};
use crate::domain::profile::Profile;

/// The form's fields, by the names forms and the API use.
pub mod field {
    /// The amount asked for, whole tenge.
    pub const AMOUNT: &str = "amount";
    /// The term, months.
    pub const TERM: &str = "term";
    /// What the money is for.
    pub const PURPOSE: &str = "purpose";
    /// Business plan: what the applicant will do.
    pub const PLAN_ACTIVITY: &str = "plan_activity";
    /// Business plan: what it costs, whole tenge.
    pub const PLAN_COSTS: &str = "plan_costs";
    /// Business plan: the revenue expected in a year, whole tenge.
    pub const PLAN_REVENUE: &str = "plan_revenue";
    /// Business plan: the jobs it creates.
    pub const PLAN_JOBS: &str = "plan_jobs";
    /// What the applicant offers as security.
    pub const COLLATERAL: &str = "collateral";

    /// Every field, in the order of the form.
    pub const ALL: [&str; 8] = [
        AMOUNT,
        TERM,
        PURPOSE,
        PLAN_ACTIVITY,
        PLAN_COSTS,
        PLAN_REVENUE,
        PLAN_JOBS,
        COLLATERAL,
    ];
}

/// The longest text a field keeps, in characters.
pub const MAX_TEXT: usize = 4_000;

/// A draft: every field as typed.
pub type Draft = BTreeMap<String, String>;

/// `pairs` as a draft: every name must be one of the form's fields (an unknown one is refused
/// by name, whichever door it came through: the page's form, its autosave, the JSON API), and an
/// over-long field is refused by name. The form post's own controls (`version`, `action`) are
/// its adapter's to remove.
pub fn draft_from_pairs(pairs: &[(String, String)]) -> Result<Draft, FieldError> {
    let mut draft = Draft::new();
    for (k, v) in pairs {
        let Some(name) = field::ALL.iter().find(|f| **f == k) else {
            return Err(FieldError::new(k.clone(), Problem::NotAccepted));
        };
        if v.chars().count() > MAX_TEXT {
            return Err(FieldError::new(*name, Problem::TooLong { max: MAX_TEXT }));
        }
        draft.insert((*name).to_owned(), v.clone());
    }
    Ok(draft)
}

/// A draft's fields to save: the typed command of "save the draft", read once at whichever
/// door they came through (the page's form, its autosave, the JSON API) by the same rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveDraft(pub Draft);

impl SaveDraft {
    /// From a form's fields (the form's own controls already removed).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<SaveDraft, FieldError> {
        draft_from_pairs(pairs).map(SaveDraft)
    }

    /// From the name-to-value map of the autosave and the JSON API.
    pub fn from_fields(fields: Draft) -> Result<SaveDraft, FieldError> {
        let pairs: Vec<(String, String)> = fields.into_iter().collect();
        Self::from_pairs(&pairs)
    }
}

/// A new draft filled in from what the profile already says.
pub fn prefill(profile: Option<&Profile>) -> Draft {
    let mut draft = Draft::new();
    if let Some(p) = profile {
        if let Some(a) = p.amount_tenge {
            draft.insert(field::AMOUNT.into(), a.to_string());
        }
        if let Some(r) = p.revenue_tenge {
            draft.insert(field::PLAN_REVENUE.into(), r.to_string());
        }
    }
    draft
}

/// What a programme allows, in tenge of the year of the application.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Limits {
    /// The smallest amount.
    pub amount_min_kzt: Option<i64>,
    /// The largest amount.
    pub amount_max_kzt: Option<i64>,
    /// The longest term; `None` for support without a term (grants, training).
    pub term_months_max: Option<i32>,
}

/// A business plan in a few figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Plan {
    /// What the applicant will do.
    pub activity: String,
    /// What it costs, whole tenge.
    pub costs_kzt: i64,
    /// Revenue expected in a year, whole tenge.
    pub revenue_kzt: i64,
    /// Jobs it creates.
    pub jobs: i32,
}

/// A complete, valid application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationForm {
    /// The amount asked for, whole tenge.
    pub amount_kzt: i64,
    /// The term, months (for support that has one).
    pub term_months: Option<i32>,
    /// What the money is for.
    pub purpose: String,
    /// The plan.
    pub plan: Plan,
    /// Security offered, if any.
    pub collateral: Option<String>,
}

/// The largest amount anyone may type, whole tenge (a sanity bound, far above any programme).
const AMOUNT_BOUND: i64 = 1_000_000_000_000;

fn text(draft: &Draft, name: &str) -> Option<String> {
    draft
        .get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn required(draft: &Draft, name: &str) -> Result<String, FieldError> {
    text(draft, name).ok_or_else(|| FieldError::new(name, Problem::Required))
}

/// Checks a draft for submission: every field filled in and within the programme's limits.
/// The first problem is returned, in the order of the form.
pub fn validate(draft: &Draft, limits: &Limits) -> Result<ApplicationForm, FieldError> {
    let amount_kzt = parse_count(
        field::AMOUNT,
        &required(draft, field::AMOUNT)?,
        1,
        AMOUNT_BOUND,
    )?;
    if let Some(max) = limits.amount_max_kzt
        && amount_kzt > max
    {
        return Err(FieldError::new(
            field::AMOUNT,
            Problem::AmountAboveCap { max_tenge: max },
        ));
    }
    if let Some(min) = limits.amount_min_kzt
        && amount_kzt < min
    {
        return Err(FieldError::new(
            field::AMOUNT,
            Problem::AmountBelowMin { min_tenge: min },
        ));
    }
    let term_months = match limits.term_months_max {
        Some(max) => Some(parse_count(
            field::TERM,
            &required(draft, field::TERM)?,
            1,
            i64::from(max),
        )? as i32),
        None => None,
    };
    let purpose = required(draft, field::PURPOSE)?;
    let activity = required(draft, field::PLAN_ACTIVITY)?;
    let costs_kzt = parse_count(
        field::PLAN_COSTS,
        &required(draft, field::PLAN_COSTS)?,
        1,
        AMOUNT_BOUND,
    )?;
    let revenue_kzt = parse_count(
        field::PLAN_REVENUE,
        &required(draft, field::PLAN_REVENUE)?,
        0,
        AMOUNT_BOUND,
    )?;
    let jobs = parse_count(
        field::PLAN_JOBS,
        &required(draft, field::PLAN_JOBS)?,
        0,
        10_000,
    )? as i32;
    Ok(ApplicationForm {
        amount_kzt,
        term_months,
        purpose,
        plan: Plan {
            activity,
            costs_kzt,
            revenue_kzt,
            jobs,
        },
        collateral: text(draft, field::COLLATERAL),
    })
}

/// The largest document accepted, in bytes.
pub const MAX_DOCUMENT: usize = 10 * 1024 * 1024;

/// The type of a document by its first bytes: PDF, JPEG or PNG, whatever its name says.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// A file name as uploaded, made safe to show and to send back in a header: the last path
/// part, printable characters only, at most 120 characters; never empty.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "document".to_owned()
    } else {
        cleaned
    }
}

/// One line of an application list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationSummary {
    /// Id.
    pub id: i32,
    /// The programme's slug.
    pub program_slug: String,
    /// Its Russian title.
    pub program_title_ru: String,
    /// Its Kazakh title.
    pub program_title_kk: String,
    /// Where it is.
    pub state: State,
    /// The version a change must be based on.
    pub version: i32,
    /// The amount asked for (once submitted).
    pub amount_kzt: Option<i64>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// One event of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventView {
    /// What happened: `create`, a step, or an act around them.
    pub step: EventKind,
    /// The state before.
    pub from: Option<State>,
    /// The state after.
    pub to: State,
    /// The actor's role then (`entrepreneur`, `operator`…); none when it no longer reads.
    pub actor_role: Option<Role>,
    /// Their name, as the applicant may see it (staff are shown by role only).
    pub actor_name: Option<String>,
    /// Why, in the actor's words.
    pub reason: Option<String>,
    /// What was asked for (an information request).
    pub items: Vec<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A document of an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocumentView {
    /// Id (its download address is `/applications/{application}/documents/{id}`).
    pub id: i32,
    /// Which required document it is, if one.
    pub slot: Option<i32>,
    /// The name it was uploaded with.
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// A required document of the programme, with the file attached for it, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequiredDocument {
    /// Its position in the programme's list (the upload's `slot`).
    pub slot: i32,
    /// Russian name.
    pub ru: String,
    /// Kazakh name.
    pub kk: String,
    /// The file attached, if any.
    pub attached: Option<DocumentView>,
}

/// Everything the page of one application shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationView {
    /// The list line.
    pub summary: ApplicationSummary,
    /// The form as typed (a draft) or as submitted.
    pub fields: Draft,
    /// The programme's limits.
    pub limits: Limits,
    /// Required documents and what is attached for each.
    pub required: Vec<RequiredDocument>,
    /// Every document shown (not removed), oldest first.
    pub documents: Vec<DocumentView>,
    /// The timeline, oldest first.
    pub events: Vec<EventView>,
    /// What the open information request asks for (in `InfoRequested`).
    pub open_request: Vec<String>,
    /// The expected time to a decision for this programme; `None` without enough data.
    pub estimate: Option<Estimate>,
    /// Whether the viewer is the applicant (and may act as one).
    pub mine: bool,
    /// Whether the viewer may act for the operator.
    pub operator: bool,
    /// Every version of the akimat's recommendation, oldest first.
    pub recommendations: Vec<crate::domain::recommendation::RecommendationView>,
    /// Whether the applicant asked the akimat for one.
    pub recommendation_asked: bool,
    /// Whether the viewer may give or correct the recommendation (the okrug's akimat, once
    /// asked).
    pub can_recommend: bool,
    /// Set when akimat staff started it for the resident.
    pub assisted: Option<AssistedView>,
    /// What was decided: approval terms, the refusal's reason, the payment, the due date of
    /// an information request.
    pub decision: crate::domain::review::Decision,
    /// The operator's desk, for its staff.
    pub desk: Option<Box<crate::domain::review::Desk>>,
    /// A disbursed loan's schedule and standing today.
    #[serde(default)]
    pub loan: Option<crate::domain::portfolio::LoanView>,
    /// The reports after the payment and the akimat's confirmations.
    #[serde(default)]
    pub followup: Option<crate::domain::followup::FollowupView>,
    /// The conversation on the application, for its participants (and, to read, an admin).
    #[serde(default)]
    pub thread: Option<crate::domain::thread::ThreadView>,
    /// The appeals against its refusal, and whether the applicant may appeal now.
    #[serde(default)]
    pub appeals: Option<crate::domain::appeal::AppealsView>,
    /// Its documents of record (the receipt, the decision letters), oldest first.
    #[serde(default)]
    pub records: Vec<crate::domain::record::RecordView>,
}

/// What the assisted-filing form offers the akimat: its okrug's settlements and the open
/// programmes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssistOptions {
    /// The okrug's name.
    pub okrug: String,
    /// Its settlements: code and name.
    pub settlements: Vec<(String, String)>,
    /// Programmes taking applications: slug, Russian and Kazakh titles.
    pub programs: Vec<(String, String, String)>,
}

/// How an application filed with the akimat's help came about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssistedView {
    /// The staff member who started it.
    pub staff_name: String,
    /// `paper` or `phone_code`.
    pub method: String,
    /// When the resident consented.
    pub at: chrono::DateTime<chrono::Utc>,
}
