//! Tracking vessels over time: identity timelines (renames, flag changes) and, as the
//! tool grows, port calls. No I/O.

pub mod portcalls;
pub mod ports;
pub mod timeline;
