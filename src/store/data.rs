//! The ingested data of a store: `store.json` (the manifest, and the commit point of
//! every write) and the Parquet files it names. A write builds new files beside the old
//! ones, then replaces the manifest atomically; files no manifest names are removed
//! after. A reader that follows the manifest sees the old state or the new, never half.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::{CrashPoint, crash_point, write_atomic};
use super::lock::ReadGuard;
use super::tables::{self, Columns, StoredReject};
use crate::model::ais::Fixes;
use crate::model::identity::{IdentitySpan, coalesce};
use crate::model::input::{Counts, InputFormat, Reject};
use crate::model::portcall::{self, PortCallRecord};
use crate::pool;
use crate::spool::{DayRows, Positions, Slice, Staging};

const MANIFEST: &str = "store.json";

/// One ingested file, recognised by its content hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IngestedFile {
    pub blake3: String,
    pub name: String,
    pub format: InputFormat,
    pub ingested_at: DateTime<Utc>,
    pub bytes: u64,
    pub rows: u64,
    pub positions: u64,
    pub duplicates: u64,
    pub not_ships: u64,
    pub no_position: u64,
    pub other: u64,
    pub rejected: u64,
    pub identity_spans: u64,
    pub port_calls: u64,
}

/// A Parquet file and its row count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Part {
    pub file: String,
    pub rows: u64,
}

/// The positions of one UTC day: one or more files, each sorted by (MMSI, time), the
/// MMSIs of one file all below those of the next, so that reading them in order gives
/// the day sorted. (A day is written as several files to encode them on all cores.)
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DayParts {
    pub files: Vec<String>,
    pub rows: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub generation: u64,
    pub files: Vec<IngestedFile>,
    /// UTC day -> its positions files.
    pub positions: BTreeMap<NaiveDate, DayParts>,
    pub identities: Option<Part>,
    pub port_call_records: Option<Part>,
    pub rejects: Vec<Part>,
}

/// The ingested data of a data directory.
pub struct DataStore {
    dir: PathBuf,
    pub manifest: Manifest,
    /// Held while the manifest's files may be read (see [`ReadGuard`]).
    reading: Option<ReadGuard>,
}

/// What committing one file changed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Committed {
    pub positions: u64,
    pub duplicates: u64,
}

impl DataStore {
    /// Reads the manifest; an absent store is empty.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let reading = Some(ReadGuard::acquire(dir));
        let path = dir.join(MANIFEST);
        let manifest = match fs::read(&path) {
            Ok(b) => Self::parse_manifest(&b)
                .with_context(|| format!("the store manifest {} is not valid", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
            reading,
        })
    }

    /// Reads a manifest's bytes, and refuses one that names a file outside its table's
    /// directory (an absolute path, `..`, or a table of another name).
    pub fn parse_manifest(bytes: &[u8]) -> anyhow::Result<Manifest> {
        let manifest: Manifest = serde_json::from_slice(bytes)?;
        let named = manifest
            .positions
            .values()
            .flat_map(|d| d.files.iter().map(|f| ("positions", f)))
            .chain(manifest.identities.iter().map(|p| ("identities", &p.file)))
            .chain(
                manifest
                    .port_call_records
                    .iter()
                    .map(|p| ("port_call_records", &p.file)),
            )
            .chain(manifest.rejects.iter().map(|p| ("rejects", &p.file)));
        for (table, file) in named {
            if !within(table, file) {
                anyhow::bail!("it names the file '{file}', which is not in the store's {table} directory");
            }
        }
        Ok(manifest)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn find_file(&self, blake3: &str) -> Option<&IngestedFile> {
        self.manifest.files.iter().find(|f| f.blake3 == blake3)
    }

    /// Identity spans of everything ingested.
    pub fn spans(&self) -> anyhow::Result<Vec<IdentitySpan>> {
        match &self.manifest.identities {
            Some(p) => tables::read_spans(&self.dir.join(&p.file)),
            None => Ok(Vec::new()),
        }
    }

    pub fn port_call_records(&self) -> anyhow::Result<Vec<PortCallRecord>> {
        match &self.manifest.port_call_records {
            Some(p) => tables::read_calls(&self.dir.join(&p.file)),
            None => Ok(Vec::new()),
        }
    }

    pub fn rejects(&self) -> anyhow::Result<Vec<StoredReject>> {
        let mut all = Vec::new();
        for p in &self.manifest.rejects {
            all.extend(tables::read_rejects(&self.dir.join(&p.file))?);
        }
        Ok(all)
    }

    /// Positions of one day, sorted by (MMSI, time).
    pub fn positions_of_day(&self, day: NaiveDate) -> anyhow::Result<Fixes> {
        self.positions_of_days(std::iter::once(day))
    }

    /// Positions of some days, sorted by (MMSI, time): every file (each sorted so) read
    /// in parallel, then merged in day order.
    pub fn positions_of_days(&self, days: impl Iterator<Item = NaiveDate>) -> anyhow::Result<Fixes> {
        Ok(Fixes::merge_sorted(self.read_files_of_days(days)?))
    }

    /// The positions files of some days, in day order.
    fn files_of_days(&self, days: impl Iterator<Item = NaiveDate>) -> Vec<PathBuf> {
        days.filter_map(|day| self.manifest.positions.get(&day))
            .flat_map(|p| &p.files)
            .map(|f| self.dir.join(f))
            .collect()
    }

    /// The row groups of the positions files of some days, from their footers.
    pub fn position_groups(&self, days: impl Iterator<Item = NaiveDate>) -> anyhow::Result<Vec<tables::RowGroup>> {
        let groups = pool::each(&self.files_of_days(days), |path| tables::row_groups(path))?;
        Ok(groups.into_iter().flatten().collect())
    }

    /// The positions files of some days read in parallel, each sorted by (MMSI, time).
    fn read_files_of_days(&self, days: impl Iterator<Item = NaiveDate>) -> anyhow::Result<Vec<Fixes>> {
        pool::each(&self.files_of_days(days), |path| tables::read_positions(path))
    }

    /// The positions of some days grouped by vessel (every row under one key), for a
    /// reader that goes through them a slice of vessels at a time: the files are read
    /// on every core, a row group (262,144 rows) at a time, and only the rows of the MMSIs
    /// `keep` accepts are kept, in memory up to the budget of `staging`, beyond it in its
    /// directory. Of each row, `columns` are read.
    pub fn positions_by_vessel(
        &self,
        days: impl Iterator<Item = NaiveDate>,
        columns: Columns,
        keep: &(dyn Fn(u32) -> bool + Sync),
        staging: &Staging,
    ) -> anyhow::Result<DayRows> {
        let files = self.files_of_days(days);
        // A spool per file: each file's rows come sorted, and its blocks stay sorted runs.
        let parts = pool::each(&files, |path| {
            let mut spool = staging.spool();
            tables::read_positions_by(path, READ_ROWS, columns, |mut fixes| {
                fixes.rows.retain(|r| keep(r.mmsi));
                spool.push_sorted(0, fixes.rows);
            })?;
            spool.finish().context("cannot stage positions")
        })?;
        let mut all = Positions::default();
        for part in parts {
            all.append(part);
        }
        Ok(all.into_days().next().map(|(_, rows)| rows).unwrap_or_default())
    }

    /// Adds one file's data as a new generation: merges its positions into their day
    /// partitions (dropping repeated (MMSI, time) keys), its spans into the identity
    /// table, its port calls and rejects; then replaces the manifest. The stored rows of
    /// a day it adds to are read through `staging`, as the file's positions were, so
    /// memory stays within its budget. The caller holds the write lock.
    pub fn commit(
        &mut self,
        mut file: IngestedFile,
        mut data: Additions,
        reject_file: &str,
        staging: &Staging,
    ) -> anyhow::Result<Committed> {
        crash_point(CrashPoint::IngestRead);
        let generation = self.manifest.generation + 1;
        let threads = crate::pool::workers();
        let mut next = self.manifest.clone();
        next.generation = generation;
        let mut committed = Committed::default();

        // Positions, a day at a time.
        for (day_num, mut rows) in std::mem::take(&mut data.positions).into_days() {
            let day = NaiveDate::from_num_days_from_ce_opt(i32::try_from(day_num + 719_163).unwrap_or(i32::MAX))
                .context("a position's day is out of range")?;
            let new_rows = rows.len();
            // The stored rows of the day go first, a row group at a time through the
            // file's staging (so within its budget); the slices merge them with the new.
            let stored = self.positions_by_vessel(std::iter::once(day), Columns::All, &|_| true, staging)?;
            let before = stored.len();
            rows.prepend(stored);
            let (files, kept) = write_day(&self.dir, day, generation, &rows, threads)?;
            drop(rows);
            let added = kept - before;
            committed.positions += added as u64;
            committed.duplicates += (new_rows - added) as u64;
            next.positions.insert(
                day,
                DayParts {
                    files,
                    rows: kept as u64,
                },
            );
        }

        crash_point(CrashPoint::IngestPositionsWritten);
        if !data.spans.is_empty() {
            let mut spans = self.spans()?;
            spans.extend(data.spans);
            let spans = coalesce(spans);
            let rel = format!("identities/part-{generation:06}.parquet");
            tables::write_spans(&self.dir.join(&rel), &spans)?;
            next.identities = Some(Part {
                file: rel,
                rows: spans.len() as u64,
            });
        }

        if !data.calls.is_empty() {
            let mut calls = self.port_call_records()?;
            portcall::add_new(&mut calls, data.calls);
            calls.sort_by(|a, b| (&a.imo, a.mmsi, a.arrival_ms).cmp(&(&b.imo, b.mmsi, b.arrival_ms)));
            let rel = format!("port_call_records/part-{generation:06}.parquet");
            tables::write_calls(&self.dir.join(&rel), &calls)?;
            next.port_call_records = Some(Part {
                file: rel,
                rows: calls.len() as u64,
            });
        }

        if !data.rejects.is_empty() {
            let rejects: Vec<StoredReject> = data
                .rejects
                .iter()
                .map(|r| StoredReject {
                    file: reject_file.to_string(),
                    line: r.line,
                    reason: r.reason.clone(),
                })
                .collect();
            let rel = format!("rejects/part-{generation:06}.parquet");
            tables::write_rejects(&self.dir.join(&rel), &rejects)?;
            next.rejects.push(Part {
                file: rel,
                rows: rejects.len() as u64,
            });
        }

        file.positions = committed.positions;
        file.duplicates = committed.duplicates;
        next.files.push(file);
        crash_point(CrashPoint::IngestBeforeManifest);
        let json = serde_json::to_vec_pretty(&next).context("cannot encode the store manifest")?;
        write_atomic(&self.dir.join(MANIFEST), &json)?;
        self.manifest = next;
        crash_point(CrashPoint::IngestAfterManifest);
        self.collect_garbage();
        Ok(committed)
    }

    /// Removes Parquet files the manifest does not name: superseded parts, and the
    /// leftovers of a write that was killed before its manifest replaced the old one
    /// (with its staging directory). Only a holder of the write lock calls it, and
    /// nothing is removed while another process reads the store (the next write will).
    pub fn collect_garbage(&mut self) {
        self.reading = None;
        let Some(_alone) = ReadGuard::exclusive(&self.dir) else {
            return;
        };
        let live: std::collections::HashSet<PathBuf> = self.live_files().into_iter().collect();
        let mut removed = 0;
        let mut remove = |path: &Path, dir: bool| {
            let gone = if dir {
                fs::remove_dir_all(path)
            } else {
                fs::remove_file(path)
            };
            if gone.is_ok() {
                removed += 1;
                if removed == 1 {
                    crash_point(CrashPoint::GarbageCollection);
                }
            }
        };
        for entry in fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                // Temporary files, and the staging directories of killed ingests (a
                // symbolic link is removed, never followed).
                remove(&entry.path(), entry.file_type().is_ok_and(|t| t.is_dir()));
            }
        }
        for table in ["positions", "identities", "port_call_records", "rejects"] {
            let root = self.dir.join(table);
            for path in walk(&root) {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let stale = (name.ends_with(".parquet") || name.starts_with(".tmp-")) && !live.contains(&path);
                if stale {
                    remove(&path, false);
                }
            }
            // Day directories left empty.
            for entry in fs::read_dir(&root).into_iter().flatten().flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    let _ = fs::remove_dir(entry.path());
                }
            }
        }
    }

    /// The files the manifest names that are not there (or not readable as files).
    pub fn missing_files(&self) -> Vec<String> {
        self.live_files()
            .into_iter()
            .filter(|p| !p.is_file())
            .map(|p| p.strip_prefix(&self.dir).unwrap_or(&p).display().to_string())
            .collect()
    }

    fn live_files(&self) -> Vec<PathBuf> {
        let m = &self.manifest;
        m.positions
            .values()
            .flat_map(|d| d.files.iter())
            .chain(m.identities.iter().map(|p| &p.file))
            .chain(m.port_call_records.iter().map(|p| &p.file))
            .chain(m.rejects.iter().map(|p| &p.file))
            .map(|f| self.dir.join(f))
            .collect()
    }
}

/// Whether a path named by a manifest is a plain relative path under `table/`: no
/// root, no `..`, no `.`, nothing but names.
pub fn within(table: &str, file: &str) -> bool {
    let path = Path::new(file);
    let mut parts = path.components();
    parts.next() == Some(std::path::Component::Normal(table.as_ref()))
        && path.components().count() >= 2
        && parts.all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Rows of a stored file read at a time by [`DataStore::positions_by_vessel`].
const READ_ROWS: usize = 1 << 18;

/// Rows of one day gathered, sorted and written at a time.
const SLICE_ROWS: usize = 1 << 19;

/// Writes a day's rows (the stored ones first, then the new, as [`DayRows`] holds them)
/// as up to `threads` files, each sorted by (MMSI, time), the MMSIs of one file below
/// those of the next, a repeated (MMSI, time) keeping its first occurrence. The day is
/// never held sorted whole: its MMSI buckets are cut into slices of about half a million
/// rows, each gathered, sorted, deduplicated and written in turn, and the files are
/// encoded in parallel (the Parquet encoder runs on one core). Returns the files and
/// the rows kept.
fn write_day(
    dir: &Path,
    day: NaiveDate,
    generation: u64,
    rows: &DayRows,
    threads: usize,
) -> anyhow::Result<(Vec<String>, usize)> {
    const MIN_PER_FILE: usize = 1 << 20;
    let slices = rows.slices(SLICE_ROWS).context("cannot read the staged positions")?;
    let total: usize = slices.iter().map(|s| s.rows).sum();
    // Files: consecutive slices, about equal in rows (a slice whose middle lies past a
    // file's share starts the next file).
    let parts = threads.clamp(1, (total / MIN_PER_FILE).max(1)).min(slices.len().max(1));
    let mut files: Vec<Vec<Slice>> = vec![Vec::new()];
    let mut acc = 0usize;
    for slice in &slices {
        let share_end = total * files.len() / parts;
        if files.len() < parts && files.last().is_some_and(|f| !f.is_empty()) && acc + slice.rows / 2 > share_end {
            files.push(Vec::new());
        }
        if let Some(f) = files.last_mut() {
            f.push(slice.clone());
        }
        acc += slice.rows;
    }
    let names: Vec<String> = (0..files.len())
        .map(|k| format!("positions/day={day}/part-{generation:06}-{k}.parquet"))
        .collect();
    let jobs: Vec<(&Vec<Slice>, &String)> = files.iter().zip(&names).collect();
    let kept = pool::each(&jobs, |(slices, name)| {
        let mut slices = slices.iter();
        let (mut failed, mut kept) = (None, 0);
        // The gathered and the sorted rows go back and forth between two buffers, kept
        // from one slice to the next.
        let mut scratch = Vec::new();
        let written = tables::write_positions_from(&dir.join(name), |batch| {
            let Some(slice) = slices.next() else {
                return false;
            };
            if let Err(e) = rows.gather_into(slice, &mut batch.rows) {
                failed = Some(e);
                return false;
            }
            // Stable: of two rows with one key, the first (stored) stays.
            batch.sort_dedup_with(&mut scratch);
            kept += batch.len();
            true
        });
        match failed {
            Some(e) => Err(anyhow::Error::from(e).context("cannot read the staged positions")),
            None => written.map(|()| kept),
        }
    })?;
    Ok((names, kept.iter().sum()))
}

/// The files under a table's directory (which may itself be a link to another disk).
/// Links below it are neither followed nor listed: garbage collection never reaches
/// outside the store through one.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => out.push(entry.path()),
                _ => {}
            }
        }
    }
    out
}

/// What one file adds to the store.
#[derive(Debug, Default)]
pub struct Additions {
    pub positions: Positions,
    pub spans: Vec<IdentitySpan>,
    pub calls: Vec<PortCallRecord>,
    pub rejects: Vec<Reject>,
}

impl IngestedFile {
    pub fn new(
        blake3: String,
        name: String,
        format: InputFormat,
        bytes: u64,
        counts: Counts,
        data: &Additions,
    ) -> Self {
        let Counts {
            rows,
            not_ships,
            no_position,
            other,
        } = counts;
        Self {
            blake3,
            name,
            format,
            ingested_at: Utc::now(),
            bytes,
            rows,
            positions: 0,
            duplicates: 0,
            not_ships,
            no_position,
            other,
            rejected: data.rejects.len() as u64,
            identity_spans: data.spans.len() as u64,
            port_calls: data.calls.len() as u64,
        }
    }
}
