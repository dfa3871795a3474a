//! "Save this programme" as one typed command: [`EditProgramme`], read once from the editor's
//! form at its door (the form post), from the form alone. The use case completes it with what
//! only it knows (the editor's organisation, the status, the stored programme of an edit).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Form, Programme, criterion_error, parse_budget, parse_criteria, parse_rubric};
use crate::domain::catalog::{Collateral, ProgramKind, ProgramStatus, Sector, TargetGroup};
use crate::domain::criteria::Criterion;
use crate::domain::location::KatoCode;
use crate::domain::money::AmountUnit;
use crate::domain::params::{FieldError, Problem};
use crate::domain::program::{AmountInput, LocalText, ProgramError, ProgramInput, RateInput, Slug};
use crate::domain::review::Rubric;

/// The editor's form, read: a programme's every field the form carries, each field's refusal
/// named as the form names it. What the form cannot say is [`EditProgramme::programme`]'s to
/// add. A refused field is kept rather than returned at once: the use case says it only after
/// it has found the caller allowed to edit, so a stranger is asked to sign in or refused,
/// never told what the form lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditProgramme {
    /// The form's `slug`: what a new programme is to be called (an edit keeps its own).
    slug: Result<Slug, FieldError>,
    /// The catalogue's fields, or the first one refused.
    entry: Result<Entry, FieldError>,
    /// The back office's fields (the rubric, the days a decision should take, the budget), or
    /// the first one refused.
    back_office: Result<BackOffice, FieldError>,
}

/// The rubric, the target days and the budget envelopes.
type BackOffice = (Rubric, Option<i32>, Option<i32>, BTreeMap<String, i64>);

/// The catalogue's fields as the form gives them: a [`ProgramInput`] but for its slug, its
/// organisation, its status and what the form does not show (the notes on uncertain figures,
/// the demo-variant marks).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    kind: ProgramKind,
    title_ru: String,
    title_kk: String,
    summary_ru: String,
    summary_kk: String,
    description_ru: String,
    description_kk: String,
    amount: AmountInput,
    rate_bps: Option<RateInput>,
    fee_bps: Option<i32>,
    term_months_max: Option<i32>,
    grace_months_max: Option<i32>,
    collateral: Collateral,
    collateral_note_ru: Option<String>,
    collateral_note_kk: Option<String>,
    locations: Vec<KatoCode>,
    sectors: Vec<Sector>,
    target_groups: Vec<TargetGroup>,
    intake_opens: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    how_to_apply_ru: String,
    how_to_apply_kk: String,
    required_documents: Vec<LocalText>,
    criteria: Vec<Criterion>,
    source_url: String,
    source_name: String,
}

impl EditProgramme {
    /// Reads the editor's form (its own controls, such as `action`, are not fields and are
    /// left alone).
    pub fn from_pairs(pairs: &[(String, String)]) -> EditProgramme {
        let f = Form(pairs);
        EditProgramme {
            slug: form_slug(&f),
            entry: entry(&f, pairs),
            back_office: back_office(&f),
        }
    }

    /// The programme of `organisation` with `status` the form describes, or its first refused
    /// field, in the order of the form. `base` is the programme being edited: its slug stays
    /// (the form's `slug` counts only for a new one), and so does what the form does not show.
    pub fn programme(
        &self,
        organisation: &Slug,
        base: Option<&ProgramInput>,
        status: ProgramStatus,
    ) -> Result<Programme, FieldError> {
        let slug = match base {
            Some(b) => b.slug.clone(),
            None => self.slug.clone()?,
        };
        let e = self.entry.clone()?;
        let input = ProgramInput {
            slug,
            organisation: organisation.clone(),
            kind: e.kind,
            status,
            title_ru: e.title_ru,
            title_kk: e.title_kk,
            summary_ru: e.summary_ru,
            summary_kk: e.summary_kk,
            description_ru: e.description_ru,
            description_kk: e.description_kk,
            amount: e.amount,
            rate_bps: e.rate_bps,
            fee_bps: e.fee_bps,
            term_months_max: e.term_months_max,
            grace_months_max: e.grace_months_max,
            collateral: e.collateral,
            collateral_note_ru: e.collateral_note_ru,
            collateral_note_kk: e.collateral_note_kk,
            locations: e.locations,
            sectors: e.sectors,
            target_groups: e.target_groups,
            intake_opens: e.intake_opens,
            deadline: e.deadline,
            how_to_apply_ru: e.how_to_apply_ru,
            how_to_apply_kk: e.how_to_apply_kk,
            required_documents: e.required_documents,
            criteria: e.criteria,
            source_url: e.source_url,
            source_name: e.source_name,
            uncertain: base.map(|b| b.uncertain.clone()).unwrap_or_default(),
            uncertain_note_ru: base.and_then(|b| b.uncertain_note_ru.clone()),
            uncertain_note_kk: base.and_then(|b| b.uncertain_note_kk.clone()),
            demo_variant: base.is_some_and(|b| b.demo_variant),
            variant_of: base.and_then(|b| b.variant_of.clone()),
        };
        input.validate().map_err(|e| program_error(&e))?;
        let (rubric, target_days, appeal_days, budget) = self.back_office.clone()?;
        Ok(Programme {
            input,
            rubric,
            target_days,
            appeal_days,
            budget,
        })
    }
}

/// The form's `slug`, required and well-formed (read for a new programme only).
fn form_slug(f: &Form<'_>) -> Result<Slug, FieldError> {
    let raw = f
        .get("slug")
        .ok_or_else(|| FieldError::new("slug", Problem::Required))?;
    Slug::parse(raw).ok_or_else(|| FieldError::new("slug", Problem::InvalidSlug))
}

/// The catalogue's fields, read in this order: the first bad one is the error.
fn entry(f: &Form<'_>, pairs: &[(String, String)]) -> Result<Entry, FieldError> {
    let rate_min = f.percent("rate_min")?;
    let rate_max = f.percent("rate_max")?;
    let documents = f
        .text("required_documents")?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (ru, kk) = l.split_once('|').unwrap_or((l, l));
            LocalText {
                ru: ru.trim().to_owned(),
                kk: kk.trim().to_owned(),
            }
        })
        .collect();
    Ok(Entry {
        kind: f.choice("kind", ProgramKind::parse)?,
        title_ru: f.text("title_ru")?,
        title_kk: f.text("title_kk")?,
        summary_ru: f.text("summary_ru")?,
        summary_kk: f.text("summary_kk")?,
        description_ru: f.text("description_ru")?,
        description_kk: f.text("description_kk")?,
        amount: AmountInput {
            unit: f.choice("amount_unit", AmountUnit::parse)?,
            min: f.number("amount_min")?,
            max: f.number("amount_max")?,
        },
        rate_bps: (rate_min.is_some() || rate_max.is_some()).then_some(RateInput {
            min: rate_min,
            max: rate_max,
        }),
        fee_bps: f.percent("fee")?,
        term_months_max: f.small("term_months_max", 600)?,
        grace_months_max: f.small("grace_months_max", 600)?,
        collateral: f.choice("collateral", Collateral::parse)?,
        collateral_note_ru: f.optional_text("collateral_note_ru")?,
        collateral_note_kk: f.optional_text("collateral_note_kk")?,
        locations: f.codes("locations")?,
        sectors: f.choices("sectors", Sector::parse)?,
        target_groups: f.choices("target_groups", TargetGroup::parse)?,
        intake_opens: f.date("intake_opens")?,
        deadline: f.date("deadline")?,
        how_to_apply_ru: f.text("how_to_apply_ru")?,
        how_to_apply_kk: f.text("how_to_apply_kk")?,
        required_documents: documents,
        criteria: parse_criteria(pairs)?,
        source_url: f.text("source_url")?,
        source_name: f.text("source_name")?,
    })
}

/// The rubric, the target days, the days to appeal a refusal and the budget, read in this
/// order.
fn back_office(f: &Form<'_>) -> Result<BackOffice, FieldError> {
    Ok((
        parse_rubric(f)?,
        f.small("target_days", 365)?,
        f.small("appeal_days", i64::from(crate::domain::appeal::MAX_DAYS))?,
        parse_budget(f)?,
    ))
}

/// The form field a programme's validation error is about.
fn program_error(e: &ProgramError) -> FieldError {
    match e {
        ProgramError::Criterion(c) => criterion_error(c),
        ProgramError::Empty(f) => FieldError::new(*f, Problem::Required),
        other => {
            let field = match other.field() {
                "amount" => "amount_max",
                "rate_bps" => "rate_min",
                "fee_bps" => "fee",
                "intake_opens/deadline" => "deadline",
                f => f,
            };
            FieldError::new(field, Problem::NotAccepted)
        }
    }
}
