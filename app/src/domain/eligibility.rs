//! The eligibility engine: a programme's criteria against what is known about an entrepreneur.
//!
//! Every criterion comes out as met, not met, or unknown. Unknown means a fact the criterion
//! needs was not given; it is never read as "not met", so an empty profile shows what to fill
//! in rather than a wall of refusals. Evaluation ([`assess`]) is cheap and language-free, so
//! ranking thousands of programmes costs no text; the words come after, only for what is shown
//! ([`explain`]). Pure: the same code ranks on the server and in the browser's what-if.

pub mod assess;
pub mod explain;
pub mod facts;
pub mod rank;

pub use assess::*;
pub use explain::*;
pub use facts::*;
pub use rank::*;

#[cfg(test)]
mod tests;
