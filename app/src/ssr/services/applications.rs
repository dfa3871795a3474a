//! Applications: opening a draft from a programme, saving it as the person types, every step
//! of the state machine (each an append-only event written in the same transaction as the
//! state, with the notifications it raises), documents, and the page of one application.
//!
//! Durability comes from the database: on SQLite the connection runs `synchronous=FULL` in
//! WAL mode (`db::connect`), so a commit is on disk before the user is told "submitted"; on
//! PostgreSQL the default `fsync`/`synchronous_commit` do the same.

pub mod access;
pub mod commands;
pub mod documents;
pub mod form_post;
pub mod page;

pub use access::{access, approval_limits, okrug_of, takes_applications};
pub use commands::{Notifier, StepInput, open, parse_step, save_draft, step, transition_mail};
pub use documents::{attach, document, store};
pub use page::{decision_estimate, list, view};

#[cfg(test)]
mod tests;
