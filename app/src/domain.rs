//! Pure domain logic: types, parsing and rules. No I/O, no framework: it compiles to the server
//! and to wasm alike, and is tested with plain `#[test]`s.

pub mod account;
pub mod alerts;
pub mod appeal;
pub mod application;
#[cfg(feature = "ssr")]
pub mod calendar;
pub mod catalog;
pub mod complaint;
pub mod criteria;
pub mod editor;
pub mod eligibility;
pub mod followup;
pub mod i18n;
pub mod identity;
pub mod loan;
pub mod location;
pub mod matching;
pub mod money;
pub mod outbox;
pub mod params;
pub mod policy;
pub mod portfolio;
pub mod profile;
pub mod program;
pub mod queue;
pub mod recommendation;
pub mod record;
pub mod repayment;
pub mod report;
pub mod review;
pub mod search;
pub mod synthetic;
pub mod text;
pub mod thread;
pub mod webhook;
