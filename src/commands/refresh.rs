//! `fleetwatch refresh [SOURCE...]`: downloads the configured lists, validates each
//! (parses, has vessels, did not shrink by more than half), stores the new versions
//! under the write lock, logs every attempt, and reports what changed. A source that
//! fails keeps its previous version in use; the others still refresh (exit 3).

use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::cli::RefreshArgs;
use crate::error::{Outcome, RefreshFailed, UserError};
use crate::lists::{self, diff};
use crate::model::ListVersion;
use crate::report::changes::change_rows;
use crate::settings::Settings;
use crate::sources::{Config, Fetched, Source, Validators, config, fetch};
use crate::store::{Imported, ListCatalog, NewVersion, RefreshRecord, WriteLock};

/// How long a refresh waits for another writer (an ingest, another refresh) to finish.
const LOCK_PATIENCE: Duration = Duration::from_mins(5);

/// A download that passed validation, waiting to be stored.
struct Candidate {
    source: Source,
    url: String,
    bytes: Vec<u8>,
    validators: Validators,
    version: Option<NaiveDate>,
    /// The version in force when the download was checked, and its label.
    previous: Option<(ListVersion, String)>,
}

pub fn run(
    settings: &Settings,
    args: &RefreshArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    if args.print_config {
        out.write_all(config::EXAMPLE.as_bytes())?;
        return Ok(Outcome::Success);
    }
    let mut config = Config::load(&settings.data_dir)?;
    config.http.allow_http |= args.allow_http;
    let sources = chosen(&config, args)?;
    // A URL that would not be fetched is a mistake in the config or the command line.
    for source in &sources {
        let url = args.url.as_deref().unwrap_or(&source.url);
        if let Some(why) = crate::sources::fetch::refused(url, config.http.allow_http) {
            return Err(UserError::new(format!("source '{}': {why}", source.name))
                .hint("the official lists are all published over https://")
                .into());
        }
    }
    let mut say = |line: &str| {
        if !settings.quiet {
            let _ = writeln!(err, "{line}");
        }
    };
    let mut round = Round::default();
    // The versions each download is validated against (they change only under the lock).
    let in_force = ListCatalog::open(&settings.data_dir)?.effective()?;
    // Downloads and validation, without the lock: they may take minutes.
    for source in sources {
        download(settings, &config, args, &source, &in_force, &mut round, &mut say)?;
    }
    // Storing, under the lock: each version is written and then named in the manifest,
    // so a kill at any moment leaves the previous manifest, and the lists it names.
    let lock = WriteLock::acquire_within(&settings.data_dir, LOCK_PATIENCE)
        .map_err(|e| RefreshFailed(format!("the store stayed busy: {e}")))?;
    let mut changes = Vec::new();
    for c in std::mem::take(&mut round.candidates) {
        changes.extend(store(settings, &c, &lock, &mut round.records, &mut say)?);
    }
    ListCatalog::log_refreshes(&settings.data_dir, round.records, &lock)?;
    drop(lock);

    change_rows(&changes).write(settings.format, out)?;
    out.flush()?;
    if !round.failed.is_empty() {
        return Err(RefreshFailed(format!("could not refresh {}", round.failed.join("; "))).into());
    }
    Ok(if args.exit_code && !changes.is_empty() {
        Outcome::Changed
    } else {
        Outcome::Success
    })
}

/// What one run of `refresh` gathers: downloads to store, log records, failures.
#[derive(Default)]
struct Round {
    candidates: Vec<Candidate>,
    records: Vec<RefreshRecord>,
    failed: Vec<String>,
}

/// Fetches one source and validates what came, adding to the round.
fn download(
    settings: &Settings,
    config: &Config,
    args: &RefreshArgs,
    source: &Source,
    in_force: &[ListVersion],
    round: &mut Round,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let url = args.url.clone().unwrap_or_else(|| source.url.clone());
    let catalog = ListCatalog::open(&settings.data_dir)?;
    let known = catalog.latest_from(&source.name, &url);
    let validators = Validators {
        etag: known.and_then(|v| v.etag.clone()),
        last_modified: known.and_then(|v| v.last_modified.clone()),
    };
    let record = |outcome: &str, version: Option<String>, message: String| RefreshRecord {
        source: source.name.clone(),
        at: Utc::now(),
        url: url.clone(),
        outcome: outcome.to_string(),
        version,
        message,
    };
    say(&format!("{}: fetching {url}", source.name));
    let fetched = fetch(&url, &config.http, &validators, &mut |note| {
        say(&format!("{}: {note}", source.name));
    });
    let failure = match fetched {
        Ok(Fetched::NotModified) => {
            let id = known.map(|v| v.id.clone());
            say(&format!(
                "{}: not modified since {} (HTTP 304)",
                source.name,
                id.as_deref().unwrap_or("the last download")
            ));
            round.records.push(record("not-modified", id, String::new()));
            return Ok(());
        }
        Ok(Fetched::Body { bytes, validators }) => {
            let previous = in_force
                .iter()
                .find(|l| l.source == source.name)
                .map(|l| (l.clone(), catalog.label_of(l)));
            match validate(source, &bytes, previous.as_ref().map(|p| &p.0), args.force) {
                Ok(hint) => {
                    round.candidates.push(Candidate {
                        version: hint.or_else(|| http_date(validators.last_modified.as_deref())),
                        source: source.clone(),
                        url: url.clone(),
                        bytes,
                        validators,
                        previous,
                    });
                    return Ok(());
                }
                Err(why) => {
                    say(&format!("{}: refused: {why}; the version in force stays", source.name));
                    why
                }
            }
        }
        Err(e) => {
            say(&format!("{}: failed: {e}; the version in force stays", source.name));
            e.to_string()
        }
    };
    round.failed.push(format!("{}: {failure}", source.name));
    round.records.push(record("failed", None, failure));
    Ok(())
}

/// Stores a validated download (the caller holds the lock); returns what changed
/// against the version that was in force.
fn store(
    settings: &Settings,
    c: &Candidate,
    lock: &WriteLock,
    records: &mut Vec<RefreshRecord>,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<diff::Change>> {
    let new = NewVersion {
        bytes: &c.bytes,
        format: c.source.format,
        source: &c.source.name,
        origin: &c.url,
        version: c.version,
        etag: c.validators.etag.as_deref(),
        last_modified: c.validators.last_modified.as_deref(),
    };
    let at = Utc::now();
    let (outcome, stored) = match ListCatalog::import_locked(&settings.data_dir, &new, lock)? {
        Imported::New(v, _) => ("updated", v),
        Imported::AlreadyThere(v) => ("unchanged", v),
    };
    let found = if outcome == "updated" {
        let catalog = ListCatalog::open(&settings.data_dir)?;
        let now = catalog.load(&stored)?;
        if let Some((before, label)) = &c.previous {
            diff::diff(before, &now, label, &stored.id)
        } else {
            // A list refreshed for the first time: every vessel on it is new.
            let nothing = ListVersion {
                entries: Vec::new(),
                ..now.clone()
            };
            diff::diff(&nothing, &now, "", &stored.id)
        }
    } else {
        Vec::new()
    };
    say(&summary(&c.source.name, outcome, &stored.id, stored.entries, &found));
    records.push(RefreshRecord {
        source: c.source.name.clone(),
        at,
        url: c.url.clone(),
        outcome: outcome.to_string(),
        version: Some(stored.id.clone()),
        message: String::new(),
    });
    Ok(found)
}

/// The sources named on the command line (all enabled ones when none is).
fn chosen(config: &Config, args: &RefreshArgs) -> anyhow::Result<Vec<Source>> {
    if args.url.is_some() && args.sources.len() != 1 {
        return Err(
            UserError::new("--url points one source elsewhere: name exactly one SOURCE")
                .hint("fleetwatch refresh ofac --url https://mirror.example.org/sdn.csv")
                .into(),
        );
    }
    if args.sources.is_empty() {
        return Ok(config.sources.values().filter(|s| s.enabled).cloned().collect());
    }
    args.sources
        .iter()
        .map(|name| {
            config.sources.get(name).cloned().ok_or_else(|| {
                let known: Vec<&str> = config.sources.keys().map(String::as_str).collect();
                UserError::new(format!("no source named '{name}'"))
                    .hint(format!(
                        "sources: {}; add others under [sources.NAME] in {}",
                        known.join(", "),
                        config
                            .path
                            .as_ref()
                            .map_or_else(|| "DATA_DIR/config.toml".to_string(), |p| p.display().to_string())
                    ))
                    .into()
            })
        })
        .collect()
}

/// Checks a download before it may replace anything: it parses as the source's format,
/// holds vessels, and did not shrink to less than half of the version in force.
/// Returns the version date the file states.
fn validate(
    source: &Source,
    bytes: &[u8],
    previous: Option<&ListVersion>,
    force: bool,
) -> Result<Option<NaiveDate>, String> {
    let parsed = lists::parse(bytes, source.format, &source.name)
        .map_err(|e| format!("the download is not a valid {} file: {e}", source.format.as_str()))?;
    let n = parsed.entries.len();
    if n == 0 {
        return Err(format!(
            "the download holds no vessels ({} format)",
            source.format.as_str()
        ));
    }
    if let Some(before) = previous
        && n * 2 < before.entries.len()
        && !force
    {
        return Err(format!(
            "the list shrank from {} to {n} vessels (more than half); --force accepts it",
            before.entries.len()
        ));
    }
    Ok(parsed.version_hint)
}

/// The date of an HTTP `Last-Modified` header.
fn http_date(value: Option<&str>) -> Option<NaiveDate> {
    DateTime::parse_from_rfc2822(value?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc).date_naive())
}

fn summary(source: &str, outcome: &str, id: &str, entries: usize, changes: &[diff::Change]) -> String {
    use diff::ChangeKind::{Added, Modified, Removed};
    if outcome == "unchanged" {
        return format!("{source}: unchanged (the same file as {id})");
    }
    let count = |kind| changes.iter().filter(|c| c.change == kind).count();
    let mut modified: Vec<&Option<String>> = changes
        .iter()
        .filter(|c| c.change == Modified)
        .map(|c| &c.imo)
        .collect();
    modified.dedup();
    format!(
        "{source}: updated to {id} ({entries} entries): {} added, {} removed, {} modified",
        count(Added),
        count(Removed),
        modified.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_read() {
        assert_eq!(
            http_date(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            NaiveDate::from_ymd_opt(2015, 10, 21)
        );
        assert_eq!(http_date(Some("yesterday")), None);
    }
}
