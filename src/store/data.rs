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

use super::atomic::write_atomic;
use super::tables::{self, StoredReject};
use crate::ingest::portcalls::PortCallRecord;
use crate::ingest::{Counts, FileData, InputFormat};
use crate::model::ais::{Fixes, day_of};
use crate::model::identity::{IdentitySpan, coalesce};

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

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub generation: u64,
    pub files: Vec<IngestedFile>,
    /// UTC day -> its positions file.
    pub positions: BTreeMap<NaiveDate, Part>,
    pub identities: Option<Part>,
    pub port_call_records: Option<Part>,
    pub rejects: Vec<Part>,
}

/// The ingested data of a data directory.
pub struct DataStore {
    dir: PathBuf,
    pub manifest: Manifest,
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
        let path = dir.join(MANIFEST);
        let manifest = match fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b)
                .with_context(|| format!("the store manifest {} is not valid", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
        })
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
        match self.manifest.positions.get(&day) {
            Some(p) => tables::read_positions(&self.dir.join(&p.file)),
            None => Ok(Fixes::default()),
        }
    }

    /// Adds one file's data as a new generation: merges its positions into their day
    /// partitions (dropping repeated (MMSI, time) keys), its spans into the identity
    /// table, its port calls and rejects; then replaces the manifest. The caller holds
    /// the write lock.
    pub fn commit(&mut self, mut file: IngestedFile, data: FileData, reject_file: &str) -> anyhow::Result<Committed> {
        let generation = self.manifest.generation + 1;
        let mut next = self.manifest.clone();
        next.generation = generation;
        let mut committed = Committed::default();

        // Positions, a day at a time.
        let mut by_day: BTreeMap<i64, Vec<u32>> = BTreeMap::new();
        for (i, r) in (0u32..).zip(&data.fixes.rows) {
            by_day.entry(day_of(r.ts_ms)).or_default().push(i);
        }
        // A file of one day (the common case) moves its fixes instead of copying them.
        let by_day_single = by_day.len() == 1;
        let mut fixes = data.fixes;
        for (day_num, rows) in by_day {
            let day = NaiveDate::from_num_days_from_ce_opt(i32::try_from(day_num + 719_163).unwrap_or(i32::MAX))
                .context("a position's day is out of range")?;
            let mut merged = self.positions_of_day(day)?;
            let before = merged.len();
            let mut new = if by_day_single {
                std::mem::take(&mut fixes)
            } else {
                fixes.select(&rows)
            };
            let new_rows = new.len();
            merged.append(&mut new);
            let dropped = merged.sort_dedup();
            let added = merged.len() - before;
            committed.positions += added as u64;
            committed.duplicates += (new_rows - added) as u64;
            debug_assert_eq!(dropped, new_rows - added);
            let rel = format!("positions/day={day}/part-{generation:06}.parquet");
            let rows = merged.len() as u64;
            tables::write_positions(&self.dir.join(&rel), &merged)?;
            drop(merged);
            next.positions.insert(day, Part { file: rel, rows });
        }

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
            for c in data.calls {
                if !calls.contains(&c) {
                    calls.push(c);
                }
            }
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
        let json = serde_json::to_vec_pretty(&next).context("cannot encode the store manifest")?;
        write_atomic(&self.dir.join(MANIFEST), &json)?;
        self.manifest = next;
        self.collect_garbage();
        Ok(committed)
    }

    /// Removes Parquet files the manifest does not name: superseded parts, and the
    /// leftovers of a write that was killed before its manifest replaced the old one.
    pub fn collect_garbage(&self) {
        let live: std::collections::HashSet<PathBuf> = self.live_files().into_iter().collect();
        for entry in fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                let _ = fs::remove_file(entry.path());
            }
        }
        for table in ["positions", "identities", "port_call_records", "rejects"] {
            let root = self.dir.join(table);
            for path in walk(&root) {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let stale = (name.ends_with(".parquet") || name.starts_with(".tmp-")) && !live.contains(&path);
                if stale {
                    let _ = fs::remove_file(&path);
                }
            }
            // Day directories left empty.
            for entry in fs::read_dir(&root).into_iter().flatten().flatten() {
                let _ = fs::remove_dir(entry.path());
            }
        }
    }

    fn live_files(&self) -> Vec<PathBuf> {
        let m = &self.manifest;
        m.positions
            .values()
            .chain(m.identities.iter())
            .chain(m.port_call_records.iter())
            .chain(m.rejects.iter())
            .map(|p| self.dir.join(&p.file))
            .collect()
    }
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

impl IngestedFile {
    pub fn new(blake3: String, name: String, format: InputFormat, bytes: u64, data: &FileData) -> Self {
        let Counts {
            rows,
            not_ships,
            no_position,
            other,
        } = data.counts;
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
