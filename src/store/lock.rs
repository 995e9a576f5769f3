//! One writer at a time: an exclusive advisory lock on `DATA_DIR/.lock`, held for the
//! life of the guard and released by the OS if the process dies. And readers seen by
//! garbage collection: each reader of the store holds a shared lock on
//! `DATA_DIR/.readers` while it follows a manifest; superseded files are removed only
//! by a writer that can take that lock exclusively, at once (it never waits for a
//! reader), so a reader never finds a file its manifest names gone.

use std::fs::{self, File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::error::UserError;

/// Holds the store's write lock until dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the lock, or fails at once with a message naming the store when another
    /// process holds it.
    pub fn acquire(dir: &Path) -> anyhow::Result<Self> {
        Self::acquire_within(dir, Duration::ZERO)
    }

    /// Takes the lock, waiting up to `patience` for another process to release it.
    pub fn acquire_within(dir: &Path, patience: Duration) -> anyhow::Result<Self> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let path = dir.join(".lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        let deadline = Instant::now() + patience;
        loop {
            match file.try_lock() {
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => return Self::held(file, other, dir, &path),
            }
        }
    }

    fn held(file: File, tried: Result<(), TryLockError>, dir: &Path, path: &Path) -> anyhow::Result<Self> {
        match tried {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(UserError::new(format!(
                "another fleetwatch process is writing to the store at {}",
                dir.display()
            ))
            .hint("wait for it to finish, then run this command again")
            .into()),
            Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
        }
    }
}

/// A reader's shared lock on `DATA_DIR/.readers` (none where the store cannot be
/// written, as on a read-only disk: nobody removes anything there).
#[derive(Debug)]
pub struct ReadGuard {
    _file: Option<File>,
}

impl ReadGuard {
    /// Takes the shared lock, waiting only while a garbage collection runs.
    pub fn acquire(dir: &Path) -> Self {
        let file = readers_file(dir).filter(|f| f.lock_shared().is_ok());
        Self { _file: file }
    }

    /// The exclusive lock, if no reader holds the shared one now.
    pub fn exclusive(dir: &Path) -> Option<Self> {
        let file = readers_file(dir)?;
        file.try_lock().ok()?;
        Some(Self { _file: Some(file) })
    }
}

fn readers_file(dir: &Path) -> Option<File> {
    if !dir.is_dir() {
        return None;
    }
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".readers"))
        .ok()
}
