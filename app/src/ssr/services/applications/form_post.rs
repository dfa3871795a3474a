//! The forms of an application's page, posted without JavaScript: one post says by its
//! `action` what it is (save or submit the draft with its files, answer an information
//! request, ask for or give a recommendation, score, note, take or leave the application, or
//! an operator's step) and is answered by the [`Done`] the page confirms.

use std::path::Path;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::commands::{Notifier, StepInput, parse_step, save_draft, step};
use super::documents::attach;
use crate::domain::account::Principal;
use crate::domain::application::{Done, Step};
use crate::domain::params::{FieldError, Problem};
use crate::ssr::http::PostedForm;
use crate::ssr::services::ServiceError;

/// What a form post needs from outside the request.
pub struct Outside<'a> {
    /// The database.
    pub db: &'a DatabaseConnection,
    /// Where documents are stored.
    pub uploads: &'a Path,
    /// Who hears of the steps.
    pub notifier: &'a Notifier<'a>,
    /// Today, in Kazakhstan (or the demo's clock).
    pub today: NaiveDate,
}

/// The form's own controls, which are not the draft's fields.
const CONTROLS: &[&str] = &["version", "action"];

/// Does what the posted form of application `id` asks, as `who`.
pub async fn post(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    posted: &PostedForm,
) -> Result<Done, ServiceError> {
    let version = posted.version()?;
    let action = posted.get("action").unwrap_or("save");
    match action {
        "save" => save(out, who, id, version, posted).await,
        "submit" => submit(out, who, id, version, posted).await,
        "answer" => answer(out, who, id, version, posted).await,
        "ask_recommendation" => {
            crate::ssr::services::recommendations::request(out.db, who, id).await?;
            Ok(Done::Asked)
        }
        "recommend" => {
            crate::ssr::services::recommendations::recommend(out.db, who, id, &posted.pairs)
                .await?;
            Ok(Done::Recommended)
        }
        "score" => {
            crate::ssr::services::review::score(out.db, who, id, &posted.pairs).await?;
            Ok(Done::Scored)
        }
        "note" => {
            let note = posted.get("note").unwrap_or_default();
            crate::ssr::services::review::note(out.db, who, id, note).await?;
            Ok(Done::Noted)
        }
        "assign_me" => {
            let me = who.map_or(0, |p| p.user_id);
            crate::ssr::services::review::assign(out.db, who, &[id], me).await?;
            Ok(Done::Assigned)
        }
        "unassign_me" => {
            let me = who.map_or(0, |p| p.user_id);
            crate::ssr::services::review::unassign(out.db, who, id, me).await?;
            Ok(Done::Assigned)
        }
        other => {
            let step = parse_step(other)
                .ok_or_else(|| FieldError::new("action", Problem::UnknownChoice(other.into())))?;
            take(out, who, id, version, step, posted).await?;
            Ok(if step == Step::Withdraw {
                Done::Withdraw
            } else {
                Done::Step
            })
        }
    }
}

/// Saves the draft's fields (an unknown name is refused by name, as the JSON API refuses it),
/// then its files.
async fn save(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    version: i32,
    posted: &PostedForm,
) -> Result<Done, ServiceError> {
    save_draft(out.db, who, id, version, &posted.fields_but(CONTROLS)).await?;
    attach_all(out, who, id, posted, true).await?;
    Ok(Done::Save)
}

/// Saves what was typed, then submits it.
async fn submit(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    version: i32,
    posted: &PostedForm,
) -> Result<Done, ServiceError> {
    let saved = match save_draft(out.db, who, id, version, &posted.fields_but(CONTROLS)).await {
        Ok(v) => {
            attach_all(out, who, id, posted, true).await?;
            v
        }
        // Submitted already (a second click, a resent form): the submit below recognises the
        // repeat; the form's files went with the first.
        Err(ServiceError::Invalid(FieldError {
            problem: Problem::NotNow { .. },
            ..
        })) => version,
        Err(e) => return Err(e),
    };
    take(out, who, id, saved, Step::Submit, posted).await?;
    Ok(Done::Submit)
}

/// Answers an information request; the files posted with the answer go with it.
async fn answer(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    version: i32,
    posted: &PostedForm,
) -> Result<Done, ServiceError> {
    attach_all(out, who, id, posted, false).await?;
    take(out, who, id, version, Step::Answer, posted).await?;
    Ok(Done::Answer)
}

/// Takes `step_` with what the form carries for it (the same [`StepInput`] the JSON API reads).
async fn take(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    version: i32,
    step_: Step,
    posted: &PostedForm,
) -> Result<i32, ServiceError> {
    let input = StepInput {
        reason: posted.get("reason").map(str::to_owned),
        items: posted.all("items"),
        answer: posted.get("answer").map(str::to_owned),
        fields: posted.pairs.clone(),
    };
    step(
        out.db,
        out.notifier,
        who,
        id,
        version,
        step_,
        &input,
        out.today,
    )
    .await
}

/// Stores the posted files: into the slot their field names (`document_{slot}`) when
/// `slotted`, else as loose files (an answer's).
async fn attach_all(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    posted: &PostedForm,
    slotted: bool,
) -> Result<(), ServiceError> {
    for f in &posted.files {
        let (name, bytes) = f.checked()?;
        let slot = if slotted {
            f.field
                .strip_prefix("document_")
                .and_then(|s| s.parse::<i32>().ok())
        } else {
            None
        };
        attach(out.db, out.uploads, who, id, slot, name, bytes, out.today).await?;
    }
    Ok(())
}
