//! `AppError`: the error type that crosses the wire between server functions and the browser.
//! Its messages are already in the user's language; internal details never reach it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::i18n::{Lang, Msg, t};
use crate::domain::params::{ErrorCode, FieldError};

/// An error as the user sees it, classified by what they can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// The user can fix the named field.
    #[error("{message}")]
    Invalid {
        /// The field, as the form or URL names it.
        field: String,
        /// A machine-readable code. The browser never reads it (pages show the message by the
        /// field), so the wasm build does not decode it: decoding every code would weigh on
        /// each page's wasm.
        #[cfg_attr(feature = "hydrate", serde(skip_deserializing, default))]
        code: ErrorCode,
        /// The message in the user's language.
        message: String,
    },
    /// Nothing is there.
    #[error("not found")]
    NotFound,
    /// The action needs someone signed in.
    #[error("sign-in required")]
    Unauthorized,
    /// The person signed in may not do this.
    #[error("forbidden")]
    Forbidden,
    /// A dependency is down; trying later may work.
    #[error("unavailable")]
    Unavailable,
    /// The data store takes no changes for now (disk full, read-only): nothing was saved,
    /// reading still works, and trying again later will.
    #[error("cannot save")]
    CannotSave,
    /// Our fault; the details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or the answer did not come back.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    /// An `Invalid` error from a domain field error, worded in `lang`.
    pub fn invalid(err: &FieldError, lang: Lang) -> AppError {
        AppError::Invalid {
            field: err.field.clone(),
            code: err.kind(),
            message: err.message(lang),
        }
    }

    /// The HTTP status that goes with the error.
    pub fn status(&self) -> u16 {
        match self {
            // A stale version and an upload over the limit have their own statuses, so that
            // API clients can tell them from a field to correct.
            AppError::Invalid {
                code: ErrorCode::Conflict,
                ..
            } => 409,
            AppError::Invalid {
                code: ErrorCode::TooLarge,
                ..
            } => 413,
            AppError::Invalid { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Unavailable | AppError::CannotSave => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// A message for the user, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Invalid { message, .. } => message.clone(),
            AppError::NotFound => t(lang, Msg::ErrorNotFoundText).into(),
            AppError::Unauthorized => t(lang, Msg::ErrorSignInRequired).into(),
            AppError::Forbidden => t(lang, Msg::ErrorForbidden).into(),
            AppError::Unavailable => t(lang, Msg::ErrorUnavailable).into(),
            AppError::CannotSave => t(lang, Msg::ErrorCannotSave).into(),
            AppError::Internal => t(lang, Msg::ErrorInternal).into(),
            AppError::Transport(_) => t(lang, Msg::ErrorTransport).into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        AppError::Transport(e.to_string())
    }
}
