//! Reusable pieces of UI with no server functions of their own.

pub mod facts;
pub mod icon;
pub mod layout;
pub mod results;
