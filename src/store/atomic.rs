//! Crash-safe file replacement: write to a temporary file in the same directory, fsync
//! it, rename it over the target, fsync the directory. A reader sees the old file or
//! the new one, never a half-written one. And the named points of a write at which a
//! test stops the process dead, as a kill at that moment would.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::mpsc::SyncSender;
use std::sync::{Mutex, PoisonError};

use anyhow::Context;

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes).map_err(Into::into))
}

/// Bytes written to a file between two requests that its pages go to disk.
const SYNC_EVERY: u64 = 32 << 20;

/// Replaces `path` atomically with what `write` writes into the temporary file (so that
/// a large file is streamed, never held whole in memory).
///
/// Every 32 MiB written, a thread of the write's own asks the disk to take what the file
/// holds so far (the kernel would otherwise hold it all until the final fsync, which
/// then waited for the whole file: a sixth of a second for a DMA day's positions).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut Syncing<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let shown = tmp.path().display().to_string();
    let failed: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let file = tmp
        .as_file()
        .try_clone()
        .with_context(|| format!("cannot write {shown}"))?;
    std::thread::scope(|scope| {
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        scope.spawn(|| {
            for () in asked {
                if let Err(e) = file.sync_data() {
                    failed.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(e);
                }
            }
        });
        write(&mut Syncing {
            file: tmp.as_file_mut(),
            unsynced: 0,
            ask,
        })
    })
    .with_context(|| format!("cannot write {shown}"))?;
    // A sync that failed on the way fails the write (a later fsync may not say so again).
    if let Some(e) = failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(anyhow::Error::new(e).context(format!("cannot write {shown}")));
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot move the new file into place at {}", path.display()))?;
    sync_dir(dir);
    Ok(())
}

/// The temporary file of [`write_atomic_with`], written through: every 32 MiB it asks
/// the thread that syncs for the pages written so far to go to disk.
pub struct Syncing<'a> {
    file: &'a mut fs::File,
    unsynced: u64,
    ask: SyncSender<()>,
}

impl Write for Syncing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= SYNC_EVERY {
            self.unsynced = 0;
            // Refused when a sync is already waiting to start: that one takes these too.
            let _ = self.ask.try_send(());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_synced_on_the_way_is_whole_and_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        // Three syncs asked on the way, and a tail after the last.
        let piece: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let pieces = usize::try_from(3 * SYNC_EVERY / (1 << 20)).unwrap() + 5;
        write_atomic_with(&path, |file| {
            let mut out = std::io::BufWriter::new(file);
            for _ in 0..pieces {
                out.write_all(&piece)?;
            }
            out.flush()?;
            Ok(())
        })
        .unwrap();
        let back = fs::read(&path).unwrap();
        assert_eq!(back.len(), pieces << 20);
        assert!(back.chunks(1 << 20).all(|c| c == piece.as_slice()));
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["big.bin"]);
    }
}
