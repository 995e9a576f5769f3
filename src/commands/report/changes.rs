//! `fleetwatch report changes`: what each list's successive versions added, removed or
//! modified, per vessel, for the versions the window keeps.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::cli::ReportFilters;
use crate::error::{Outcome, UserError};
use crate::lists::diff::{Change, diff};
use crate::matching::screen::DEFAULT_MIN_SCORE;
use crate::matching::{Query, Screen, normalize, score};
use crate::report::changes::change_rows;
use crate::settings::{Bound, Settings};
use crate::store::{HistoryEntry, ListCatalog};

pub fn run(
    settings: &Settings,
    raw: &ReportFilters,
    list: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    if raw.port.is_some() || raw.country.is_some() {
        return Err(UserError::new("report changes takes no --port or --country")
            .hint("lists record vessels, not port calls: filter by --vessel, --list, --since, --until")
            .into());
    }
    let since = raw.since.as_deref().map(|v| Bound::parse("--since", v)).transpose()?;
    let until = raw.until.as_deref().map(|v| Bound::parse("--until", v)).transpose()?;
    let vessel = raw
        .vessel
        .as_deref()
        .map(|v| Query::parse(v).map_err(|e| UserError::new(format!("--vessel '{v}': {e}"))))
        .transpose()?;
    let catalog = ListCatalog::open(&settings.data_dir)?;
    let in_force = catalog.effective()?;
    let mut sources: Vec<String> = in_force
        .iter()
        .map(|l| l.source.clone())
        .chain(catalog.versions().iter().map(|v| v.source.clone()))
        .collect();
    sources.sort();
    sources.dedup();
    if let Some(l) = list {
        if !sources.iter().any(|s| s == l) {
            return Err(UserError::new(format!("no list named '{l}'"))
                .hint(format!("lists: {}", sources.join(", ")))
                .into());
        }
        sources.retain(|s| s == l);
    }
    let mut changes: Vec<Change> = Vec::new();
    for source in &sources {
        let history = catalog.history(source)?;
        for pair in history.windows(2) {
            let (old, new) = (&pair[0], &pair[1]);
            if since.is_some_and(|b| !b.at_or_after(&version_time(new)))
                || until.is_some_and(|b| !b.at_or_before(&version_time(new)))
            {
                continue;
            }
            changes.extend(diff(&old.list, &new.list, &old.label, &new.label));
        }
    }
    if let Some(q) = &vessel {
        changes.retain(|c| is_about(c, q));
    }
    if raw.listed_only {
        let screen = Screen::new(&in_force);
        changes.retain(|c| !screen.identified(c.imo.as_deref(), &[]).is_empty());
    }
    change_rows(&changes).write(settings.format, out)?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// When a version came: its version date, and the moment it was stored (a bundled
/// version: the start of its version date).
fn version_time(h: &HistoryEntry) -> (chrono::NaiveDate, DateTime<Utc>) {
    let date = h.list.version;
    let stored = h
        .imported_at
        .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    (date, stored)
}

/// Whether a change row is about the vessel a query names: its IMO, an MMSI in a
/// changed `mmsi` field, or its name.
fn is_about(c: &Change, q: &Query) -> bool {
    match q {
        Query::Imo(i) => c.imo.as_deref() == Some(i.as_str()),
        Query::Mmsi(m) => c.field == "mmsi" && (c.old_value.contains(m.as_str()) || c.new_value.contains(m.as_str())),
        Query::Name(n) => score(&normalize(n), &normalize(&c.name)) >= DEFAULT_MIN_SCORE,
    }
}
