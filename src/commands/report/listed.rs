//! `fleetwatch report listed`: every ingested vessel that matches a list in force.

use std::io::Write;

use super::{Loaded, selected};
use crate::error::Outcome;
use crate::matching::Screen;
use crate::matching::screen::DEFAULT_MIN_SCORE;
use crate::report::identity::listed_rows;
use crate::settings::{Filters, Settings};

pub fn run(settings: &Settings, filters: &Filters, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let loaded = Loaded::open(settings)?;
    let screen = Screen::new(&loaded.lists);
    let mut matches = Vec::new();
    for v in selected(&loaded, &screen, filters) {
        let seen =
            filters.since_ms.is_none_or(|s| v.last_seen() >= s) && filters.until_ms.is_none_or(|u| v.first_seen() <= u);
        if !seen {
            continue;
        }
        let hulls = screen.vessel_listings(v.imo(), &v.mmsis(), &v.names(), DEFAULT_MIN_SCORE);
        if !hulls.is_empty() {
            matches.push((v, hulls));
        }
    }
    listed_rows(&matches).write(settings.format, out)?;
    Ok(Outcome::Success)
}
