//! Reusable pieces of UI with no server functions of their own.

pub mod facts;
pub mod form;
pub mod icon;
pub mod layout;
pub mod page;
pub mod results;
pub mod session;
