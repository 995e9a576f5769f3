//! Tracking vessels over time: identity timelines (renames, flag changes), the port
//! gazetteer and port-call detection. No I/O (the bundled gazetteer is compiled in).

pub mod anomalies;
pub mod behaviour;
pub mod clean;
pub mod encounters;
pub mod gaps;
pub mod land;
pub mod portcalls;
pub mod ports;
pub mod timeline;
