//! fleetwatch: sanctions and shadow-fleet vessel tracking.
//!
//! The library face that the binary, tests and benchmarks use. Dependencies point one
//! way: `model` <- `lists`, `store` <- `matching` <- `report` <- `commands`.

pub mod cli;
pub mod commands;
pub mod error;
pub mod ingest;
pub mod lists;
pub mod matching;
pub mod model;
pub mod report;
pub mod settings;
pub mod store;
pub mod synth;
pub mod track;
