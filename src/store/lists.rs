//! List versions in the store: each imported or refreshed file kept verbatim under
//! `lists/files/` (named by its SHA-256), described in `lists/manifest.json`. The lists
//! in force are the newest version of each source, bundled or stored.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::write_atomic;
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
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    versions: Vec<StoredVersion>,
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
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("the list manifest {} is not valid", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Self { dir, manifest })
    }

    pub fn versions(&self) -> &[StoredVersion] {
        &self.manifest.versions
    }

    /// The lists in force: for each source, the newest version by version date, a
    /// stored one winning a tie with the bundled one, the later import winning among
    /// stored ones.
    pub fn effective(&self) -> anyhow::Result<Vec<ListVersion>> {
        let mut newest: BTreeMap<&str, &StoredVersion> = BTreeMap::new();
        for v in &self.manifest.versions {
            let slot = newest.entry(v.source.as_str()).or_insert(v);
            if (v.version, v.imported_at) > (slot.version, slot.imported_at) {
                *slot = v;
            }
        }
        let mut out = Vec::new();
        for b in bundled::all() {
            if newest.get(b.source.as_str()).is_none_or(|s| s.version < b.version) {
                out.push(b);
            }
        }
        for v in newest.values() {
            out.push(self.load(v)?);
        }
        out.sort_by(|a, b| a.source.cmp(&b.source));
        Ok(out)
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

    /// Adds a list file as a new version of `source`. The file is kept verbatim; the
    /// manifest is replaced atomically under the store's write lock.
    ///
    /// `version` defaults to the date the file states, else today (UTC).
    pub fn import(
        data_dir: &Path,
        bytes: &[u8],
        format: ListFormat,
        source: &str,
        origin: &str,
        version: Option<NaiveDate>,
    ) -> anyhow::Result<Imported> {
        let parsed = lists::parse(bytes, format, source)?;
        let sha256 = hex(&Sha256::digest(bytes));
        let _lock = WriteLock::acquire(data_dir)?;
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
        };
        catalog.manifest.versions.push(stored.clone());
        let json = serde_json::to_vec_pretty(&catalog.manifest).context("cannot encode the list manifest")?;
        write_atomic(&catalog.dir.join("manifest.json"), &json)?;
        Ok(Imported::New(stored, parsed.notes))
    }
}

/// Lower-case hexadecimal of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
