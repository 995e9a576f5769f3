//! Matching queries and names against sanctions lists: normalisation, scoring,
//! screening, IMO typo suggestions, and the join of ingested vessels to the lists. No
//! I/O.

pub mod normalize;
pub mod score;
pub mod screen;
pub mod vessel;

pub use normalize::{NormName, normalize};
pub use score::score;
pub use screen::{HullMatch, MatchedOn, Query, QueryError, Screen};
pub use vessel::{Strength, VesselFacts, VesselMatch};
