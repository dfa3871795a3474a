//! Documents: stored by content hash, attached to a draft or an answer, served to those who may
//! read the application.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use tracing::instrument;

use super::access::{access, program_of, signed_in, state_of};
use crate::domain::account::Principal;
use crate::domain::application::form::{self, DocumentView};
use crate::domain::application::{Party, State};
use crate::domain::params::{FieldError, Problem};
use crate::ssr::db;
use crate::ssr::db::applications::NewDocument;
use crate::ssr::db::entities::application_documents;
use crate::ssr::services::ServiceError;

/// Stores `bytes` under `dir` by their SHA-256 (written to a temporary file, synced, then
/// renamed, so a crash never leaves a half file under the final name). Returns the name.
pub async fn store(dir: &Path, bytes: &[u8]) -> Result<String, ServiceError> {
    let name = hex(&Sha256::digest(bytes));
    let path = dir.join(&name);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(name);
    }
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".{name}.{}", std::process::id()));
    let bytes = bytes.to_vec();
    let (tmp2, path2, dir2) = (tmp.clone(), path.clone(), dir.to_path_buf());
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp2)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp2, &path2)?;
        std::fs::File::open(&dir2)?.sync_all()
    })
    .await
    .map_err(std::io::Error::other)??;
    Ok(name)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Attaches a document to application `id`: by its applicant, to a draft or in answer to an
/// information request. `slot` names the required document it is (`None`: something else).
#[instrument(skip(db, who, bytes))]
#[expect(
    clippy::too_many_arguments,
    reason = "each is a separate input of the use case (where files go, who, which application and slot, the file)"
)]
pub async fn attach(
    db: &DatabaseConnection,
    uploads: &Path,
    who: Option<&Principal>,
    id: i32,
    slot: Option<i32>,
    file_name: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<DocumentView, ServiceError> {
    let p = signed_in(who)?;
    let (a, _, party) = access(db, p, id).await?;
    if party != Some(Party::Applicant) {
        return Err(ServiceError::NotFound);
    }
    let state = state_of(&a)?;
    if !matches!(state, State::Draft | State::InfoRequested) {
        return Err(FieldError::new("document", Problem::NotNow { state }).into());
    }
    if bytes.len() > form::MAX_DOCUMENT {
        return Err(FieldError::new(
            "document",
            Problem::FileTooLarge {
                max_mb: (form::MAX_DOCUMENT / (1024 * 1024)) as u64,
            },
        )
        .into());
    }
    let content_type =
        form::sniff(bytes).ok_or_else(|| FieldError::new("document", Problem::FileType))?;
    if let Some(s) = slot {
        let program = program_of(db, a.program_id, today).await?;
        if s < 0 || usize::try_from(s).is_ok_and(|s| s >= program.required_documents.len()) {
            return Err(FieldError::new(
                "slot",
                Problem::OutOfRange {
                    min: 0,
                    max: program.required_documents.len() as i64 - 1,
                },
            )
            .into());
        }
    }
    let sha = store(uploads, bytes).await?;
    let name = form::clean_file_name(file_name);
    let now = Utc::now();
    let doc = NewDocument {
        application_id: id,
        slot,
        file_name: &name,
        content_type,
        size: bytes.len() as i64,
        sha256: &sha,
        uploaded_by: p.user_id,
    };
    let txn = db::begin_write(db).await?;
    let doc_id = db::applications::insert_document(&txn, &doc, now).await?;
    txn.commit().await?;
    Ok(DocumentView {
        id: doc_id,
        slot,
        file_name: name,
        content_type: content_type.to_owned(),
        size: bytes.len() as i64,
        uploaded_at: now,
    })
}

/// Document `doc` of application `id` and where its bytes are, for someone allowed to read
/// the application; `NotFound` for anyone else.
pub async fn document(
    db: &DatabaseConnection,
    uploads: &Path,
    who: Option<&Principal>,
    id: i32,
    doc: i32,
) -> Result<(DocumentView, PathBuf), ServiceError> {
    let p = signed_in(who)?;
    // Who may read the application may fetch its documents.
    access(db, p, id).await?;
    let d = db::applications::document(db, id, doc)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // The stored name is a hex digest; anything else is not ours to serve.
    if d.sha256.len() != 64 || !d.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServiceError::NotFound);
    }
    Ok((document_view(&d), uploads.join(&d.sha256)))
}

pub(super) fn document_view(d: &application_documents::Model) -> DocumentView {
    DocumentView {
        id: d.id,
        slot: d.slot,
        file_name: d.file_name.clone(),
        content_type: d.content_type.clone(),
        size: d.size,
        uploaded_at: d.created_at.with_timezone(&Utc),
    }
}

/// Files posted with a message, an appeal or a report: checked (size, type by content) before
/// anything is written, then stored on disk, then recorded with the caller's own row.
pub struct Loose {
    /// Each file: its cleaned name, its type by content, its size and its stored name.
    stored: Vec<(String, &'static str, usize, String)>,
}

impl Loose {
    /// Checks every file posted under `field` (at most `max`), each refused by that field, then
    /// stores them. Nothing is recorded yet: a refused file leaves no row behind.
    pub async fn store(
        uploads: &Path,
        files: &[crate::ssr::http::Upload],
        field: &str,
        max: usize,
    ) -> Result<Loose, ServiceError> {
        let posted: Vec<_> = files.iter().filter(|f| f.field == field).collect();
        if posted.len() > max {
            return Err(FieldError::new(
                field,
                Problem::OutOfRange {
                    min: 0,
                    max: i64::try_from(max).unwrap_or(i64::MAX),
                },
            )
            .into());
        }
        let mut checked = Vec::new();
        for f in posted {
            let (name, bytes) = f.checked().map_err(|e| FieldError::new(field, e.problem))?;
            let content_type =
                form::sniff(bytes).ok_or_else(|| FieldError::new(field, Problem::FileType))?;
            checked.push((form::clean_file_name(name), content_type, bytes));
        }
        let mut stored = Vec::new();
        for (name, content_type, bytes) in checked {
            let sha = store(uploads, bytes).await?;
            stored.push((name, content_type, bytes.len(), sha));
        }
        Ok(Loose { stored })
    }

    /// Records the stored files as documents of application `id`, uploaded by `by`; their ids.
    pub async fn record(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        id: i32,
        by: i32,
        now: chrono::DateTime<Utc>,
    ) -> Result<Vec<i32>, ServiceError> {
        let mut ids = Vec::new();
        for (name, content_type, size, sha) in &self.stored {
            let doc = NewDocument {
                application_id: id,
                slot: None,
                file_name: name,
                content_type,
                size: i64::try_from(*size).unwrap_or(i64::MAX),
                sha256: sha,
                uploaded_by: by,
            };
            ids.push(db::applications::insert_document(db, &doc, now).await?);
        }
        Ok(ids)
    }
}
