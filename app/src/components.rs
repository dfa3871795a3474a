//! Reusable pieces of UI with no server functions of their own.

pub mod facts;
pub mod layout;
pub mod results;
