//! `fleetwatch report listed`: every ingested vessel that a list in force identifies by
//! IMO or MMSI, and with `--include-possible` the vessels a name matches that nothing in
//! their data contradicts, marked as possible.

use std::io::Write;

use super::{Loaded, facts, selected};
use crate::error::Outcome;
use crate::matching::Screen;
use crate::report::identity::listed_rows;
use crate::settings::{Filters, Settings};

pub fn run(
    settings: &Settings,
    filters: &Filters,
    include_possible: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let loaded = Loaded::open(settings)?;
    let screen = Screen::new(&loaded.lists);
    let mut matches = Vec::new();
    for v in selected(&loaded, &screen, filters) {
        let seen =
            filters.since_ms.is_none_or(|s| v.last_seen() >= s) && filters.until_ms.is_none_or(|u| v.first_seen() <= u);
        if !seen {
            continue;
        }
        let joined = screen.join_vessel(&facts(v), include_possible);
        if !joined.is_empty() {
            matches.push((v, joined));
        }
    }
    listed_rows(&matches).write(settings.format, out)?;
    Ok(Outcome::Success)
}
