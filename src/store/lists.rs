//! List versions in the store: each imported or refreshed file kept verbatim under
//! `lists/files/` (named by its SHA-256), described in `lists/manifest.json` with a log
//! of refreshes. Every version is kept. The lists in force are the newest version of
//! each source, bundled or stored; on a past date, the newest version of that date.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::{CrashPoint, crash_point, write_atomic};
use super::lock::WriteLock;
use crate::lists::{self, bundled, eu};
use crate::model::{ListFormat, ListVersion};

/// The description of one stored list version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredVersion {
    /// `SOURCE-VERSION-SHA8`, unique in the store.
    pub id: String,
    pub source: String,
    pub format: ListFormat,
    pub version: NaiveDate,
    pub imported_at: DateTime<Utc>,
    /// The file or URL it came from.
    pub origin: String,
    pub sha256: String,
    /// The file, relative to the `lists` directory.
    pub file: String,
    pub entries: usize,
    /// For an amendment: the version it applies to (`bundled` or a stored id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The server's `ETag` for a refreshed version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The server's `Last-Modified` for a refreshed version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// One refresh of one source, as the log keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RefreshRecord {
    pub source: String,
    pub at: DateTime<Utc>,
    pub url: String,
    /// `updated`, `unchanged`, `not-modified` or `failed`.
    pub outcome: String,
    /// The version stored or found (its id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What went wrong, or a note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// Refresh records kept in the log.
const REFRESH_LOG: usize = 500;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    versions: Vec<StoredVersion>,
    #[serde(default)]
    refreshes: Vec<RefreshRecord>,
}

/// A list file to store as a new version.
#[derive(Debug, Clone, Copy)]
pub struct NewVersion<'a> {
    pub bytes: &'a [u8],
    pub format: ListFormat,
    pub source: &'a str,
    /// The file or URL it came from.
    pub origin: &'a str,
    /// The date it describes; default: the date the file states, else today (UTC).
    pub version: Option<NaiveDate>,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}

/// One version of a list in its history: its label (the stored id, or
/// `SOURCE-DATE-bundled`), and when it was stored (`None` for the bundled one).
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub label: String,
    pub imported_at: Option<DateTime<Utc>>,
    pub list: ListVersion,
}

/// The list part of a store directory.
pub struct ListCatalog {
    dir: PathBuf,
    manifest: Manifest,
}

/// What an import did.
#[derive(Debug)]
pub enum Imported {
    New(StoredVersion, Vec<lists::RowNote>),
    AlreadyThere(StoredVersion),
}

impl ListCatalog {
    /// Reads the catalog of a data directory; a missing directory is an empty catalog.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let dir = data_dir.join("lists");
        let path = dir.join("manifest.json");
        let manifest = match fs::read(&path) {
            Ok(bytes) => {
                parse_manifest(&bytes).with_context(|| format!("the list manifest {} is not valid", path.display()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Self { dir, manifest })
    }

    /// Reads a list manifest's bytes (the `list_manifest` fuzz target): how many
    /// versions it describes.
    pub fn parse_manifest(bytes: &[u8]) -> anyhow::Result<usize> {
        Ok(parse_manifest(bytes)?.versions.len())
    }

    pub fn versions(&self) -> &[StoredVersion] {
        &self.manifest.versions
    }

    pub fn refreshes(&self) -> &[RefreshRecord] {
        &self.manifest.refreshes
    }

    /// The lists in force: for each source, the newest version by version date, a
    /// stored one winning a tie with the bundled one, the later import winning among
    /// stored ones.
    pub fn effective(&self) -> anyhow::Result<Vec<ListVersion>> {
        self.in_force(None)
    }

    /// The lists in force on `date` (`None`: whatever the date): for each source, the newest version
    /// dated on or before it. Sources with no version that old are left out.
    pub fn in_force(&self, date: Option<NaiveDate>) -> anyhow::Result<Vec<ListVersion>> {
        let dated = |d: NaiveDate| date.is_none_or(|on| d <= on);
        let mut newest: BTreeMap<&str, &StoredVersion> = BTreeMap::new();
        for v in self.manifest.versions.iter().filter(|v| dated(v.version)) {
            let slot = newest.entry(v.source.as_str()).or_insert(v);
            if (v.version, v.imported_at) > (slot.version, slot.imported_at) {
                *slot = v;
            }
        }
        let mut out = Vec::new();
        for b in bundled::all().into_iter().filter(|b| dated(b.version)) {
            if newest.get(b.source.as_str()).is_none_or(|s| s.version < b.version) {
                // The bundled version is newer than any stored one of its list.
                newest.remove(b.source.as_str());
                out.push(b);
            }
        }
        for v in newest.values() {
            out.push(self.load(v)?);
        }
        out.sort_by(|a, b| a.source.cmp(&b.source));
        Ok(out)
    }

    /// The lists as they stood on `date`: the versions in force then, and for a list
    /// with no version that old, its oldest version cut to the entries it says were
    /// listed by `date` (entries without a listing date left out). Notes say which
    /// lists were cut so.
    pub fn as_of(&self, date: NaiveDate) -> anyhow::Result<(Vec<ListVersion>, Vec<String>)> {
        let mut lists = self.in_force(Some(date))?;
        let mut notes = Vec::new();
        for now in self.effective()? {
            if lists.iter().any(|l| l.source == now.source) {
                continue;
            }
            let Some(oldest) = self.history(&now.source)?.into_iter().next() else {
                continue;
            };
            let mut list = oldest.list;
            let total = list.entries.len();
            let undated = list.entries.iter().filter(|e| e.listed_on.is_none()).count();
            list.entries.retain(|e| e.listed_on.is_some_and(|d| d <= date));
            notes.push(format!(
                "{0}: no version dated on or before {date} is known; using {0} {1}, keeping the {2} of its {total} entries listed on or before {date} ({undated} give no listing date)",
                list.source,
                list.version,
                list.entries.len(),
            ));
            lists.push(list);
        }
        lists.sort_by(|a, b| a.source.cmp(&b.source));
        Ok((lists, notes))
    }

    /// Every version of `source`, oldest first (by version date, then import time; the
    /// bundled version before a stored one of the same date).
    pub fn history(&self, source: &str) -> anyhow::Result<Vec<HistoryEntry>> {
        let mut out: Vec<HistoryEntry> = bundled::all()
            .into_iter()
            .filter(|b| b.source == source)
            .map(|list| HistoryEntry {
                label: bundled_label(&list),
                imported_at: None,
                list,
            })
            .collect();
        for v in self.manifest.versions.iter().filter(|v| v.source == source) {
            out.push(HistoryEntry {
                label: v.id.clone(),
                imported_at: Some(v.imported_at),
                list: self.load(v)?,
            });
        }
        out.sort_by_key(|h| (h.list.version, h.imported_at));
        Ok(out)
    }

    /// A version of `source` named by its label, `bundled`, `latest`, or its version
    /// date (the latest of that date).
    pub fn find_version(&self, source: &str, name: &str) -> anyhow::Result<HistoryEntry> {
        let history = self.history(source)?;
        let name = name.trim();
        let date = NaiveDate::parse_from_str(name, "%Y-%m-%d").ok();
        history
            .iter()
            .rev()
            .find(|h| {
                h.label == name
                    || name == "latest"
                    || (name == "bundled" && h.imported_at.is_none())
                    || date.is_some_and(|d| h.list.version == d)
            })
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = history.iter().map(|h| h.label.as_str()).collect();
                crate::error::UserError::new(format!("no version '{name}' of the list '{source}'"))
                    .hint(if known.is_empty() {
                        format!("no versions of '{source}' are known; `fleetwatch lists` shows the lists")
                    } else {
                        format!("versions: {} (or bundled, latest, a version date)", known.join(", "))
                    })
                    .into()
            })
    }

    /// The label of a version in force ([`HistoryEntry::label`]): the id of the stored
    /// version it was loaded from (the latest import of that date and origin), or the
    /// bundled one's.
    pub fn label_of(&self, list: &ListVersion) -> String {
        self.manifest
            .versions
            .iter()
            .filter(|v| v.source == list.source && v.version == list.version && v.origin == list.origin)
            .max_by_key(|v| v.imported_at)
            .map_or_else(|| bundled_label(list), |v| v.id.clone())
    }

    /// The newest stored version of `source` that came from `origin`.
    pub fn latest_from(&self, source: &str, origin: &str) -> Option<&StoredVersion> {
        self.manifest
            .versions
            .iter()
            .filter(|v| v.source == source && v.origin == origin)
            .max_by_key(|v| v.imported_at)
    }

    /// Reads and parses a stored version (and, for an amendment, what it applies to).
    pub fn load(&self, v: &StoredVersion) -> anyhow::Result<ListVersion> {
        let path = self.dir.join(&v.file);
        let bytes = fs::read(&path).with_context(|| format!("cannot read stored list {}", path.display()))?;
        let parsed = lists::parse(&bytes, v.format, &v.source)
            .with_context(|| format!("stored list {} no longer parses", path.display()))?;
        let entries = match &v.base {
            Some(base) => eu::apply_amendment(&self.base_entries(base, &v.source)?.entries, &parsed.entries),
            None => parsed.entries,
        };
        Ok(ListVersion {
            source: v.source.clone(),
            version: v.version,
            origin: v.origin.clone(),
            format: v.format,
            entries,
        })
    }

    fn base_entries(&self, base: &str, source: &str) -> anyhow::Result<ListVersion> {
        if base == "bundled" {
            return bundled::all()
                .into_iter()
                .find(|b| b.source == source)
                .with_context(|| format!("no bundled '{source}' list for an amendment to apply to"));
        }
        let v = self
            .manifest
            .versions
            .iter()
            .find(|v| v.id == base)
            .with_context(|| format!("the version {base} an amendment applies to is missing from the store"))?;
        self.load(v)
    }

    /// Adds a list file as a new version of its source. The file is kept verbatim; the
    /// manifest is replaced atomically under the store's write lock.
    pub fn import(data_dir: &Path, new: &NewVersion<'_>) -> anyhow::Result<Imported> {
        let lock = WriteLock::acquire(data_dir)?;
        Self::import_locked(data_dir, new, &lock)
    }

    /// [`Self::import`] for a caller that holds the write lock.
    pub fn import_locked(data_dir: &Path, new: &NewVersion<'_>, _lock: &WriteLock) -> anyhow::Result<Imported> {
        let NewVersion {
            bytes,
            format,
            source,
            origin,
            version,
            etag,
            last_modified,
        } = *new;
        let parsed = lists::parse(bytes, format, source)?;
        let sha256 = hex(&Sha256::digest(bytes));
        // Re-read under the lock: another writer may have changed it.
        let mut catalog = Self::open(data_dir)?;
        if let Some(v) = catalog
            .manifest
            .versions
            .iter()
            .find(|v| v.sha256 == sha256 && v.source == source)
        {
            return Ok(Imported::AlreadyThere(v.clone()));
        }
        let imported_at = Utc::now();
        let version = version
            .or(parsed.version_hint)
            .unwrap_or_else(|| imported_at.date_naive());
        let (base, entries) = if format == ListFormat::EuAmendment {
            let current = catalog
                .effective()?
                .into_iter()
                .find(|l| l.source == source)
                .with_context(|| {
                    format!("an amendment needs a '{source}' list to apply to; import the consolidated list first")
                })?;
            let base_id = catalog
                .manifest
                .versions
                .iter()
                .filter(|v| v.source == source && v.version == current.version && v.origin == current.origin)
                .max_by_key(|v| v.imported_at)
                .map_or_else(|| "bundled".to_string(), |v| v.id.clone());
            (
                Some(base_id),
                eu::apply_amendment(&current.entries, &parsed.entries).len(),
            )
        } else {
            (None, parsed.entries.len())
        };
        let ext = if format == ListFormat::Ftm { "jsonl" } else { "csv" };
        let file = format!("files/{sha256}.{ext}");
        crash_point(CrashPoint::ListRead);
        write_atomic(&catalog.dir.join(&file), bytes)?;
        let stored = StoredVersion {
            id: format!("{source}-{version}-{}", &sha256[..8]),
            source: source.to_string(),
            format,
            version,
            imported_at,
            origin: origin.to_string(),
            sha256,
            file,
            entries,
            base,
            etag: etag.map(str::to_string),
            last_modified: last_modified.map(str::to_string),
        };
        catalog.manifest.versions.push(stored.clone());
        crash_point(CrashPoint::ListBeforeManifest);
        catalog.save()?;
        crash_point(CrashPoint::ListAfterManifest);
        catalog.collect_garbage();
        Ok(Imported::New(stored, parsed.notes))
    }

    /// Adds records to the refresh log (the caller holds the write lock).
    pub fn log_refreshes(data_dir: &Path, records: Vec<RefreshRecord>, _lock: &WriteLock) -> anyhow::Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let mut catalog = Self::open(data_dir)?;
        catalog.manifest.refreshes.extend(records);
        let excess = catalog.manifest.refreshes.len().saturating_sub(REFRESH_LOG);
        catalog.manifest.refreshes.drain(..excess);
        catalog.save()
    }

    /// Removes what a killed import left in `lists/files`: a file the manifest does not
    /// name, a temporary file (links are left alone). Versions are never removed, so
    /// no reader can lose one; the caller holds the write lock.
    fn collect_garbage(&self) {
        let named: std::collections::HashSet<&str> = self.manifest.versions.iter().map(|v| v.file.as_str()).collect();
        for entry in fs::read_dir(self.dir.join("files")).into_iter().flatten().flatten() {
            let name = format!("files/{}", entry.file_name().to_string_lossy());
            if entry.file_type().is_ok_and(|t| t.is_file()) && !named.contains(name.as_str()) {
                let _ = fs::remove_file(entry.path());
                crash_point(CrashPoint::GarbageCollection);
            }
        }
    }

    /// Replaces the manifest (the caller holds the write lock).
    fn save(&self) -> anyhow::Result<()> {
        let json = serde_json::to_vec_pretty(&self.manifest).context("cannot encode the list manifest")?;
        write_atomic(&self.dir.join("manifest.json"), &json)
    }
}

/// Reads a list manifest, and refuses one that names a file outside `lists/files/`.
fn parse_manifest(bytes: &[u8]) -> anyhow::Result<Manifest> {
    let manifest: Manifest = serde_json::from_slice(bytes)?;
    if let Some(v) = manifest
        .versions
        .iter()
        .find(|v| !super::data::within("files", &v.file))
    {
        anyhow::bail!(
            "version {} names the file '{}', which is not in lists/files",
            v.id,
            v.file
        );
    }
    Ok(manifest)
}

/// `SOURCE-DATE-bundled`: how a bundled version is named in histories and change rows.
fn bundled_label(list: &ListVersion) -> String {
    format!("{}-{}-bundled", list.source, list.version)
}

/// Lower-case hexadecimal of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
