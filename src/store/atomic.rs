//! Crash-safe file replacement: write to a temporary file in the same directory, fsync
//! it, rename it over the target, fsync the directory. A reader sees the old file or
//! the new one, never a half-written one. And the named points of a write at which a
//! test stops the process dead, as a kill at that moment would.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes).map_err(Into::into))
}

/// Replaces `path` atomically with what `write` writes into the temporary file (so that
/// a large file is streamed, never held whole in memory).
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut fs::File) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let shown = tmp.path().display().to_string();
    write(tmp.as_file_mut()).with_context(|| format!("cannot write {shown}"))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot move the new file into place at {}", path.display()))?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename durable. Best effort: some file systems refuse to sync a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The environment variable that names a [`crash_point`] to stop at.
pub const CRASH_AT: &str = "FLEETWATCH_CRASH_AT";

/// The points of a write where a crash leaves the most behind, named so that a test can
/// stop the process at exactly that moment (`FLEETWATCH_CRASH_AT=NAME`), as a kill
/// would, without timing: the process aborts there, with no cleanup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// `ingest`: the file read, its positions in memory and in the staging directory,
    /// nothing of it written yet.
    IngestRead,
    /// `ingest`: the new positions files written, the other tables' not yet.
    IngestPositionsWritten,
    /// `ingest`: every new data file written and fsynced, the manifest not yet replaced.
    IngestBeforeManifest,
    /// `ingest`: the manifest replaced, the superseded files not yet removed.
    IngestAfterManifest,
    /// `lists import` and `refresh`: the list read and checked, nothing written yet.
    ListRead,
    /// `lists import` and `refresh`: the list file written, the list manifest not yet
    /// replaced.
    ListBeforeManifest,
    /// `lists import` and `refresh`: the list manifest replaced; for `refresh`, the
    /// refresh log not yet written.
    ListAfterManifest,
    /// Garbage collection (after a write): one stale file removed, the others not yet.
    GarbageCollection,
}

impl CrashPoint {
    pub const ALL: [Self; 8] = [
        Self::IngestRead,
        Self::IngestPositionsWritten,
        Self::IngestBeforeManifest,
        Self::IngestAfterManifest,
        Self::ListRead,
        Self::ListBeforeManifest,
        Self::ListAfterManifest,
        Self::GarbageCollection,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::IngestRead => "ingest-read",
            Self::IngestPositionsWritten => "ingest-positions-written",
            Self::IngestBeforeManifest => "ingest-before-manifest",
            Self::IngestAfterManifest => "ingest-after-manifest",
            Self::ListRead => "list-read",
            Self::ListBeforeManifest => "list-before-manifest",
            Self::ListAfterManifest => "list-after-manifest",
            Self::GarbageCollection => "garbage-collection",
        }
    }
}

/// Stops the process dead when `FLEETWATCH_CRASH_AT` names this point; else nothing.
pub fn crash_point(point: CrashPoint) {
    if std::env::var_os(CRASH_AT).is_some_and(|v| v == point.name()) {
        std::process::abort();
    }
}
