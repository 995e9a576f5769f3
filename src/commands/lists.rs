//! `fleetwatch lists` shows the list versions in force; `lists import FILE --source
//! NAME` stores a list file as a new version.

use std::io::Write;

use anyhow::Context;

use crate::cli::ListsImportArgs;
use crate::error::{Outcome, UserError};
use crate::lists;
use crate::report::{Cell, Rows};
use crate::settings::{Settings, parse_date_flag};
use crate::store::{Imported, ListCatalog, NewVersion};

const COLUMNS: &[&str] = &["list", "version", "entries", "with_imo", "format", "origin"];

/// Lists in force, sorted by list name.
pub fn show(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let lists = ListCatalog::open(&settings.data_dir)?.effective()?;
    let mut rows = Rows::new(COLUMNS);
    for l in &lists {
        rows.push(vec![
            Cell::from(l.source.as_str()),
            Cell::from(l.version.to_string()),
            Cell::Int(i64::try_from(l.entries.len()).unwrap_or(i64::MAX)),
            Cell::Int(i64::try_from(l.with_imo()).unwrap_or(i64::MAX)),
            Cell::from(l.format.as_str()),
            Cell::from(l.origin.as_str()),
        ]);
    }
    rows.write(settings.format, out)?;
    out.flush()?;
    Ok(Outcome::Success)
}

pub fn import(settings: &Settings, args: &ListsImportArgs, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    let source = args.source.trim();
    if source.is_empty()
        || !source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(UserError::new(format!("--source '{source}' is not a list name"))
            .hint("use letters, digits, - and _: eu, uk, ofac, opensanctions, or a name of your own")
            .into());
    }
    let version = args
        .version_date
        .as_deref()
        .map(|v| parse_date_flag("--version-date", v))
        .transpose()?;
    let path = &args.file;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let format = match args.input_format {
        Some(f) => f,
        None => lists::detect(&bytes).ok_or_else(|| {
            UserError::new(format!("{}: {}", path.display(), lists::LoadError::UnknownFormat))
                .hint("name the format with --input-format")
        })?,
    };
    let origin = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let new = NewVersion {
        bytes: &bytes,
        format,
        source,
        origin: &origin,
        version,
        etag: None,
        last_modified: None,
    };
    let imported = ListCatalog::import(&settings.data_dir, &new)
        .with_context(|| format!("cannot import {} as {}", path.display(), format.as_str()))?;
    if !settings.quiet {
        match imported {
            Imported::New(v, notes) => {
                writeln!(
                    err,
                    "imported {}: {} version {} ({}, {} entries)",
                    path.display(),
                    v.source,
                    v.version,
                    v.format.as_str(),
                    v.entries
                )?;
                let skipped = notes.iter().filter(|n| n.skipped).count();
                if !notes.is_empty() {
                    writeln!(
                        err,
                        "{skipped} rows skipped, {} kept with a note:",
                        notes.len() - skipped
                    )?;
                    for n in &notes {
                        writeln!(err, "  {}:{}: {}", path.display(), n.line, n.reason)?;
                    }
                }
            }
            Imported::AlreadyThere(v) => {
                writeln!(
                    err,
                    "{} is already stored as {} version {} ({}); nothing added",
                    path.display(),
                    v.source,
                    v.version,
                    v.id
                )?;
            }
        }
    }
    Ok(Outcome::Success)
}

const HISTORY_COLUMNS: &[&str] = &["list", "version_id", "version", "imported_at", "entries", "origin"];

/// Every version of one list, oldest first.
pub fn history(settings: &Settings, source: &str, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let history = ListCatalog::open(&settings.data_dir)?.history(source)?;
    if history.is_empty() {
        return Err(UserError::new(format!("no versions of a list named '{source}'"))
            .hint("`fleetwatch lists` shows the lists")
            .into());
    }
    let mut rows = Rows::new(HISTORY_COLUMNS);
    for h in &history {
        rows.push(vec![
            Cell::from(source),
            Cell::from(h.label.as_str()),
            Cell::from(h.list.version.to_string()),
            Cell::opt(h.imported_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())),
            Cell::Int(i64::try_from(h.list.entries.len()).unwrap_or(i64::MAX)),
            Cell::from(h.list.origin.as_str()),
        ]);
    }
    rows.write(settings.format, out)?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// What changed between two versions of one list (by default, the two newest).
pub fn diff(
    settings: &Settings,
    source: &str,
    versions: Option<(&str, &str)>,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let catalog = ListCatalog::open(&settings.data_dir)?;
    let (old, new) = if let Some((a, b)) = versions {
        (catalog.find_version(source, a)?, catalog.find_version(source, b)?)
    } else {
        let mut history = catalog.history(source)?;
        let (Some(new), Some(old)) = (history.pop(), history.pop()) else {
            return Err(
                UserError::new(format!("the list '{source}' has fewer than two versions"))
                    .hint("`fleetwatch lists history SOURCE` shows them; `refresh` or `lists import` adds one")
                    .into(),
            );
        };
        (old, new)
    };
    let changes = lists::diff::diff(&old.list, &new.list, &old.label, &new.label);
    crate::report::changes::change_rows(&changes).write(settings.format, out)?;
    out.flush()?;
    Ok(Outcome::Success)
}
