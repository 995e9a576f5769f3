//! fleetwatch: sanctions and shadow-fleet vessel tracking.
//!
//! The library face that the binary, tests and benchmarks use. Dependencies point one
//! way: `model` (types, no I/O) <- `ingest`, `lists` (readers), `sources` (the config
//! and downloads of `refresh`) and `store` (the data directory) <- `matching`, `track` (no I/O) <- `report` (rows and writers) <-
//! `commands` (the only code that prints). `synth` generates test and benchmark data.

pub mod cli;
pub mod commands;
pub mod error;
pub mod ingest;
pub mod lists;
pub mod matching;
pub mod model;
pub mod report;
pub mod settings;
pub mod sources;
pub mod store;
pub mod synth;
pub mod track;
