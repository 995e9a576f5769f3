//! `fleetwatch status`: what the store holds — files ingested, rows, positions, days,
//! vessels, rejects, list versions, and how each source's last refresh went.

use std::io::Write;

use crate::error::{Outcome, UserError};
use crate::model::ais::rfc3339;
use crate::report::{Cell, Rows};
use crate::settings::Settings;
use crate::store::ListCatalog;
use crate::store::data::DataStore;
use crate::track::timeline;

const COLUMNS: &[&str] = &["item", "value"];

pub fn run(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let store = DataStore::open(&settings.data_dir)?;
    let m = &store.manifest;
    let catalog = ListCatalog::open(&settings.data_dir)?;
    let missing = store.missing_files();
    // A damaged store is described as far as it reads, then reported as damaged.
    let spans = store.spans().unwrap_or_default();
    let vessels = timeline::vessels(&spans);
    let sum = |f: fn(&crate::store::data::IngestedFile) -> u64| m.files.iter().map(f).sum::<u64>();
    let positions: u64 = m.positions.values().map(|p| p.rows).sum();
    let mut rows = Rows::new(COLUMNS);
    let mut add = |k: &str, v: Cell| rows.push(vec![Cell::from(k), v]);
    let int = |n: u64| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    add("data_dir", Cell::from(settings.data_dir.display().to_string()));
    add(
        "health",
        Cell::from(if missing.is_empty() {
            "ok".to_string()
        } else {
            format!("damaged: {} missing: {}", plural(missing.len()), missing.join(", "))
        }),
    );
    add("files_ingested", int(m.files.len() as u64));
    add("rows_read", int(sum(|f| f.rows)));
    add("rows_rejected", int(sum(|f| f.rejected)));
    add("duplicates_dropped", int(sum(|f| f.duplicates)));
    add("positions", int(positions));
    add("position_days", int(m.positions.len() as u64));
    add(
        "first_day",
        Cell::opt(m.positions.keys().next().map(ToString::to_string)),
    );
    add(
        "last_day",
        Cell::opt(m.positions.keys().next_back().map(ToString::to_string)),
    );
    add("vessels", int(vessels.len() as u64));
    add(
        "vessels_with_imo",
        int(vessels.iter().filter(|v| v.imo().is_some()).count() as u64),
    );
    add("identity_spans", int(spans.len() as u64));
    add(
        "port_call_records",
        int(m.port_call_records.as_ref().map_or(0, |p| p.rows)),
    );
    add(
        "last_ingest_utc",
        Cell::opt(
            m.files
                .iter()
                .map(|f| f.ingested_at)
                .max()
                .map(|t| rfc3339(t.timestamp_millis())),
        ),
    );
    add("list_versions_stored", int(catalog.versions().len() as u64));
    for l in catalog.effective()? {
        add(
            &format!("list_{}", l.source),
            Cell::from(format!("{} ({} entries)", l.version, l.entries.len())),
        );
    }
    let refreshes = catalog.refreshes();
    add(
        "last_refresh_utc",
        Cell::opt(
            refreshes
                .iter()
                .map(|r| r.at)
                .max()
                .map(|t| rfc3339(t.timestamp_millis())),
        ),
    );
    // The last refresh of each source: when, how it went, and why if it failed.
    let mut last: std::collections::BTreeMap<&str, &crate::store::RefreshRecord> = std::collections::BTreeMap::new();
    for r in refreshes {
        last.insert(r.source.as_str(), r);
    }
    for (source, r) in last {
        let mut text = format!("{} {}", rfc3339(r.at.timestamp_millis()), r.outcome);
        if let Some(v) = &r.version {
            text = format!("{text} {v}");
        }
        if !r.message.is_empty() {
            text = format!("{text}: {}", r.message);
        }
        add(&format!("refresh_{source}"), Cell::from(text));
    }
    rows.write(settings.format, out)?;
    if !missing.is_empty() {
        out.flush()?;
        return Err(UserError::new(format!(
            "the store at {} is damaged: its manifest names {} that {} not there ({})",
            settings.data_dir.display(),
            plural(missing.len()),
            if missing.len() == 1 { "is" } else { "are" },
            missing.join(", ")
        ))
        .hint("restore them from a backup, or ingest the source files again into a new data directory")
        .into());
    }
    Ok(Outcome::Success)
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}
