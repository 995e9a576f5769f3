//! Rows of the identity reports: `renames`, `flags` and `listed`, each under the
//! contract's columns and in its documented order.

use super::{Cell, Rows};
use crate::matching::{Strength, VesselMatch};
use crate::model::ais::rfc3339;
use crate::track::timeline::{FlagChange, Rename, Vessel};

pub const RENAME_COLUMNS: &[&str] = &[
    "imo",
    "mmsi",
    "old_name",
    "new_name",
    "last_seen_old_utc",
    "first_seen_new_utc",
    "source",
];

pub const FLAG_COLUMNS: &[&str] = &[
    "imo",
    "old_flag",
    "new_flag",
    "old_mmsi",
    "new_mmsi",
    "last_seen_old_utc",
    "first_seen_new_utc",
    "source",
];

pub const LISTED_COLUMNS: &[&str] = &[
    "imo",
    "mmsi",
    "name",
    "list",
    "list_record",
    "listed_on",
    "matched_on",
    "match_score",
    "match_status",
    "match_note",
];

pub fn mmsi_cell(m: Option<u32>) -> Cell {
    m.map_or(Cell::Null, |m| Cell::Str(crate::model::mmsi::digits(m)))
}

/// Renames in the order given (the timeline's: IMO, time of the new name, MMSI, source).
pub fn rename_rows(renames: &[Rename]) -> Rows {
    let mut rows = Rows::new(RENAME_COLUMNS);
    for r in renames {
        rows.push(vec![
            Cell::opt(r.imo.clone()),
            mmsi_cell(r.mmsi),
            Cell::from(r.old_name.as_str()),
            Cell::from(r.new_name.as_str()),
            Cell::from(rfc3339(r.last_seen_old_ms)),
            Cell::from(rfc3339(r.first_seen_new_ms)),
            Cell::from(r.source.as_str()),
        ]);
    }
    rows
}

/// Flag changes in the order given (IMO, time of the new flag, source).
pub fn flag_rows(changes: &[FlagChange]) -> Rows {
    let mut rows = Rows::new(FLAG_COLUMNS);
    for f in changes {
        rows.push(vec![
            Cell::opt(f.imo.clone()),
            Cell::opt(f.old_flag.clone()),
            Cell::opt(f.new_flag.clone()),
            mmsi_cell(f.old_mmsi),
            mmsi_cell(f.new_mmsi),
            Cell::from(rfc3339(f.last_seen_old_ms)),
            Cell::from(rfc3339(f.first_seen_new_ms)),
            Cell::from(f.source.as_str()),
        ]);
    }
    rows
}

/// One row per (vessel, listing): vessels in key order, listings by list then record.
/// `match_status` is `identified` (by IMO or MMSI) or `possible` (by name alone, nothing
/// contradicting it); `match_note` says what a possible match rests on.
pub fn listed_rows(matches: &[(&Vessel, Vec<VesselMatch<'_>>)]) -> Rows {
    let mut rows = Rows::new(LISTED_COLUMNS);
    for (vessel, joined) in matches {
        let mut entries: Vec<_> = joined
            .iter()
            .flat_map(|m| m.hull.listings.iter().map(move |(l, e)| (m, *l, *e)))
            .collect();
        entries.sort_by(|a, b| (&a.1.source, &a.2.record).cmp(&(&b.1.source, &b.2.record)));
        let mmsis = vessel.mmsis();
        for (m, list, e) in entries {
            let hull = &m.hull;
            rows.push(vec![
                // A possible match does not give the vessel the hull's IMO: its note names it.
                Cell::opt(
                    vessel
                        .imo()
                        .or(hull.imo.filter(|_| m.strength == Strength::Identified))
                        .map(str::to_string),
                ),
                Cell::Str(
                    mmsis
                        .iter()
                        .map(|m| crate::model::mmsi::digits(*m))
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                Cell::opt(vessel.latest_name().map(str::to_string)),
                Cell::from(list.source.as_str()),
                Cell::from(e.record.as_str()),
                Cell::opt(e.listed_on.map(|d| d.to_string())),
                Cell::from(hull.matched_on.as_str()),
                Cell::Num(hull.score, 2),
                Cell::from(m.strength.as_str()),
                Cell::from(m.note.as_str()),
            ]);
        }
    }
    rows
}
