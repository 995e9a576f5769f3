//! The on-disk store: a data directory holding list versions and the ingested tables
//! (Parquet, under a manifest), a write lock, and atomic file replacement. Nothing here
//! prints.

pub mod atomic;
pub mod data;
pub mod lists;
pub mod lock;
pub mod tables;

pub use lists::{HistoryEntry, Imported, ListCatalog, NewVersion, RefreshRecord, StoredVersion};
pub use lock::WriteLock;
