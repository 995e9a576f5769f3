//! `fleetwatch lists` shows the list versions in force; `lists import FILE --source
//! NAME` stores a list file as a new version.

use std::io::Write;

use anyhow::Context;

use crate::cli::ListsImportArgs;
use crate::error::{Outcome, UserError};
use crate::lists;
use crate::report::{Cell, Rows};
use crate::settings::{Settings, parse_date_flag};
use crate::store::{Imported, ListCatalog};

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
    let imported = ListCatalog::import(&settings.data_dir, &bytes, format, source, &origin, version)
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
