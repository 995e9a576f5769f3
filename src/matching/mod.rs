//! Matching queries and names against sanctions lists: normalisation, scoring,
//! screening, IMO typo suggestions. No I/O.

pub mod normalize;
pub mod score;
pub mod screen;

pub use normalize::{NormName, normalize};
pub use score::score;
pub use screen::{HullMatch, MatchedOn, Query, QueryError, Screen};
