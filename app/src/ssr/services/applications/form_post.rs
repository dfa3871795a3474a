//! The forms of an application's page, posted without JavaScript: one post says by its
//! `action` what it is (save or submit the draft with its files, answer an information
//! request, ask for or give a recommendation, score, note, take or leave the application, or
//! an operator's step) and is answered by the [`Done`] the page confirms. Each action's fields
//! are read here, once, into its use case's typed command.

use std::path::Path;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::commands::{Notifier, StepInput, parse_step, save_draft, step};
use super::documents::attach;
use crate::domain::account::Principal;
use crate::domain::application::form::SaveDraft;
use crate::domain::application::{Done, Step};
use crate::domain::params::{FieldError, Problem};
use crate::domain::recommendation;
use crate::domain::review::Scoring;
use crate::ssr::http::PostedForm;
use crate::ssr::services::{ServiceError, recommendations, review};

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

/// One post to application `id`'s page, by `who`, made from `version`.
struct Post<'a> {
    out: &'a Outside<'a>,
    who: Option<&'a Principal>,
    id: i32,
    version: i32,
    posted: &'a PostedForm,
}

/// Does what the posted form of application `id` asks, as `who`.
pub async fn post(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    posted: &PostedForm,
) -> Result<Done, ServiceError> {
    // Every action needs someone signed in: asked before the form is read.
    super::access::signed_in(who)?;
    let version = posted.version()?;
    let p = Post {
        out,
        who,
        id,
        version,
        posted,
    };
    let (db, me) = (out.db, who.map_or(0, |p| p.user_id));
    match posted.get("action").unwrap_or("save") {
        "save" => p.save().await,
        "submit" => p.submit().await,
        "answer" => p.answer().await,
        "ask_recommendation" => {
            recommendations::request(db, who, id).await?;
            Ok(Done::Asked)
        }
        "recommend" => {
            let input = recommendation::parse(&posted.pairs)?;
            recommendations::recommend(db, who, id, &input).await?;
            Ok(Done::Recommended)
        }
        "score" => {
            let scoring = Scoring::from_pairs(&posted.pairs)?;
            review::score(db, who, id, &scoring).await?;
            Ok(Done::Scored)
        }
        "note" => {
            review::note(db, who, id, posted.get("note").unwrap_or_default()).await?;
            Ok(Done::Noted)
        }
        "assign_me" => {
            review::assign(db, who, &[id], me).await?;
            Ok(Done::Assigned)
        }
        "repayment" => {
            crate::ssr::services::loans::record_by_hand(db, who, id, &posted.pairs, out.today)
                .await?;
            Ok(Done::Repaid)
        }
        "unassign_me" => {
            review::unassign(db, who, id, me).await?;
            Ok(Done::Assigned)
        }
        other => {
            if let Some(done) = after_decision(out, who, id, other, posted).await? {
                return Ok(done);
            }
            let step = parse_step(other)
                .ok_or_else(|| FieldError::new("action", Problem::UnknownChoice(other.into())))?;
            p.take(p.version, step, &p.step_input()?).await?;
            Ok(if step == Step::Withdraw {
                Done::Withdraw
            } else {
                Done::Step
            })
        }
    }
}

/// The actions around the decision rather than on the way to it: the reports after the
/// payment, the thread, the appeals. `None` when `action` is none of them.
async fn after_decision(
    out: &Outside<'_>,
    who: Option<&Principal>,
    id: i32,
    action: &str,
    posted: &PostedForm,
) -> Result<Option<Done>, ServiceError> {
    let db = out.db;
    Ok(Some(match action {
        "file_report" => {
            crate::ssr::services::followups::file(
                db,
                out.uploads,
                who,
                id,
                &posted.pairs,
                &posted.files,
            )
            .await?;
            Done::Reported
        }
        "accept_report" | "return_report" => {
            let report = posted
                .get("report_id")
                .and_then(|v| v.trim().parse::<i32>().ok())
                .ok_or_else(|| FieldError::new("report_id", Problem::NotANumber))?;
            let accept = posted.get("action") == Some("accept_report");
            crate::ssr::services::followups::decide(
                db,
                who,
                id,
                report,
                accept,
                posted.get("report_reason"),
            )
            .await?;
            Done::ReportDecided
        }
        "write_message" => {
            crate::ssr::services::threads::write(
                db,
                out.uploads,
                out.notifier.public_url,
                who,
                id,
                &crate::ssr::services::threads::Message {
                    text: posted.get("message").unwrap_or_default(),
                    files: &posted.files,
                    save_reply: posted.get("save_reply").is_some(),
                },
            )
            .await?;
            Done::Written
        }
        "delete_reply" => {
            crate::ssr::services::threads::delete_reply(db, who, id, posted.get("reply_id"))
                .await?;
            Done::ReplyDeleted
        }
        "appeal" => {
            crate::ssr::services::appeals::file(
                db,
                out.uploads,
                who,
                id,
                posted.get("appeal_reasons"),
                &posted.files,
                out.today,
            )
            .await?;
            Done::Appealed
        }
        "decide_appeal" => {
            crate::ssr::services::appeals::decide(
                db,
                out.notifier.public_url,
                who,
                id,
                posted.get("appeal_outcome"),
                posted.get("appeal_answer"),
            )
            .await?;
            Done::AppealDecided
        }
        "support_appeal" => {
            crate::ssr::services::appeals::support(db, who, id, posted.get("appeal_support"))
                .await?;
            Done::AppealSupported
        }
        "confirm_on_site" => {
            crate::ssr::services::followups::confirm(
                db,
                who,
                id,
                posted.get("confirmation").unwrap_or_default(),
            )
            .await?;
            Done::Confirmed
        }
        _ => return Ok(None),
    }))
}

impl Post<'_> {
    /// The draft's fields as posted: an unknown name is refused by name, as the JSON API and
    /// the autosave refuse it.
    fn draft(&self) -> Result<SaveDraft, FieldError> {
        SaveDraft::from_pairs(&self.posted.fields_but(CONTROLS))
    }

    /// A step's fields as posted, typed (the same [`StepInput`] the JSON API reads): an
    /// unknown name is refused by name, as the JSON API refuses it.
    fn step_input(&self) -> Result<StepInput, FieldError> {
        StepInput::from_pairs(&self.posted.fields_but(CONTROLS))
    }

    /// Saves the draft's fields, then its files.
    async fn save(&self) -> Result<Done, ServiceError> {
        let draft = self.draft()?;
        save_draft(self.out.db, self.who, self.id, self.version, &draft).await?;
        self.attach_all(true).await?;
        Ok(Done::Save)
    }

    /// Saves what was typed, then submits it.
    async fn submit(&self) -> Result<Done, ServiceError> {
        let draft = self.draft()?;
        let saved = match save_draft(self.out.db, self.who, self.id, self.version, &draft).await {
            Ok(v) => {
                self.attach_all(true).await?;
                v
            }
            // Submitted already (a second click, a resent form): the submit below recognises
            // the repeat; the form's files went with the first.
            Err(ServiceError::Invalid(FieldError {
                problem: Problem::NotNow { .. },
                ..
            })) => self.version,
            Err(e) => return Err(e),
        };
        // The draft's fields went with the save; the step itself carries nothing.
        self.take(saved, Step::Submit, &StepInput::default())
            .await?;
        Ok(Done::Submit)
    }

    /// Answers an information request; the files posted with the answer go with it.
    async fn answer(&self) -> Result<Done, ServiceError> {
        let input = self.step_input()?;
        self.attach_all(false).await?;
        self.take(self.version, Step::Answer, &input).await?;
        Ok(Done::Answer)
    }

    /// Takes `step_` from `version` with `input`.
    async fn take(
        &self,
        version: i32,
        step_: Step,
        input: &StepInput,
    ) -> Result<i32, ServiceError> {
        let out = self.out;
        step(
            out.db,
            out.notifier,
            self.who,
            self.id,
            version,
            step_,
            input,
            out.today,
        )
        .await
    }

    /// Stores the posted files: into the slot their field names (`document_{slot}`) when
    /// `slotted`, else as loose files (an answer's).
    async fn attach_all(&self, slotted: bool) -> Result<(), ServiceError> {
        let out = self.out;
        for f in &self.posted.files {
            let (name, bytes) = f.checked()?;
            let slot = if slotted {
                f.field
                    .strip_prefix("document_")
                    .and_then(|s| s.parse::<i32>().ok())
            } else {
                None
            };
            attach(
                out.db,
                out.uploads,
                self.who,
                self.id,
                slot,
                name,
                bytes,
                out.today,
            )
            .await?;
        }
        Ok(())
    }
}
