//! A page's form post as the handlers receive it: its text fields in order (a repeated name, as
//! checkboxes send, stays repeated) and its files, from a multipart or a URL-encoded body. Pages
//! post multipart when files travel with the fields, so everything works without JavaScript.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

use crate::domain::application::form::MAX_DOCUMENT;
use crate::domain::params::{FieldError, Problem, decode_query};

/// The largest request that carries documents: a few files at the per-file limit, and the
/// form. A file over its own limit is still read to the end and refused by name.
pub const MAX_UPLOAD_BODY: usize = 64 * 1024 * 1024;

/// One uploaded file of a form.
#[derive(Debug)]
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave.
    pub file_name: String,
    /// Its bytes (empty when too large).
    pub bytes: Vec<u8>,
    /// Whether it was over the limit.
    pub too_large: bool,
}

impl Upload {
    /// The file, or the field-named refusal of one over [`MAX_DOCUMENT`].
    pub fn checked(&self) -> Result<(&str, &[u8]), FieldError> {
        if self.too_large {
            return Err(too_large());
        }
        Ok((&self.file_name, &self.bytes))
    }
}

/// The refusal of a file over [`MAX_DOCUMENT`].
pub fn too_large() -> FieldError {
    FieldError::new(
        "document",
        Problem::FileTooLarge {
            max_mb: (MAX_DOCUMENT / (1024 * 1024)) as u64,
        },
    )
}

/// A posted form: its text fields and its files. As an extractor its rejection is the
/// field-named [`FieldError`] (take `Result<PostedForm, FieldError>` to send it back to the
/// form).
#[derive(Debug, Default)]
pub struct PostedForm {
    /// The text fields in the order posted.
    pub pairs: Vec<(String, String)>,
    /// The files.
    pub files: Vec<Upload>,
}

impl PostedForm {
    /// The last value posted under `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value posted under `name` (checkboxes, repeated inputs).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The version of the record the form was made from (`version`), for optimistic locking.
    pub fn version(&self) -> Result<i32, FieldError> {
        self.get("version")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| FieldError::new("version", Problem::NotANumber))
    }

    /// The text fields but the form's own controls (`names`).
    pub fn fields_but(&self, names: &[&str]) -> Vec<(String, String)> {
        self.pairs
            .iter()
            .filter(|(k, _)| !names.contains(&k.as_str()))
            .cloned()
            .collect()
    }

    async fn multipart<S: Send + Sync>(req: Request, state: &S) -> Result<Self, FieldError> {
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
        let mut posted = PostedForm::default();
        let broken = |_| FieldError::new("document", Problem::NotAccepted);
        while let Some(mut part) = form.next_field().await.map_err(broken)? {
            let name = part.name().unwrap_or_default().to_owned();
            let Some(file_name) = part.file_name().map(str::to_owned) else {
                let value = part.text().await.map_err(broken)?;
                posted.pairs.push((name, value));
                continue;
            };
            let mut bytes = Vec::new();
            let mut too_large = false;
            // Counted as it arrives: an oversize file is drained, never kept whole.
            while let Some(chunk) = part.chunk().await.map_err(broken)? {
                if too_large {
                    continue;
                }
                if bytes.len() + chunk.len() > MAX_DOCUMENT {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
            // An empty file input arrives as a nameless, empty part.
            if file_name.is_empty() && bytes.is_empty() && !too_large {
                continue;
            }
            posted.files.push(Upload {
                field: name,
                file_name,
                bytes,
                too_large,
            });
        }
        Ok(posted)
    }
}

impl<S: Send + Sync> FromRequest<S> for PostedForm {
    type Rejection = FieldError;

    async fn from_request(req: Request, state: &S) -> Result<Self, FieldError> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if multipart {
            return Self::multipart(req, state).await;
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_UPLOAD_BODY)
            .await
            .map_err(|_| FieldError::new("body", Problem::NotAccepted))?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| FieldError::new("body", Problem::Encoding))?;
        Ok(PostedForm {
            pairs: decode_query(text)?,
            files: Vec::new(),
        })
    }
}
