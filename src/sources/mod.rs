//! Where `refresh` gets lists from: the configured sources and the HTTP downloads.

pub mod config;
pub mod fetch;

pub use config::{Config, Http, Source};
pub use fetch::{FetchError, Fetched, Validators, fetch};
