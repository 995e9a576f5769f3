//! `fleetwatch report renames`: name changes per vessel, from AIS and vessel records.

use std::io::Write;

use super::{Loaded, selected};
use crate::error::Outcome;
use crate::matching::Screen;
use crate::report::identity::rename_rows;
use crate::settings::{Filters, Settings};
use crate::track::timeline::renames;

pub fn run(settings: &Settings, filters: &Filters, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let loaded = Loaded::open(settings)?;
    let screen = Screen::new(&loaded.lists);
    let vessels: Vec<_> = selected(&loaded, &screen, filters).into_iter().cloned().collect();
    let rows: Vec<_> = renames(&vessels)
        .into_iter()
        .filter(|r| filters.in_window(r.first_seen_new_ms))
        .collect();
    rename_rows(&rows).write(settings.format, out)?;
    Ok(Outcome::Success)
}
