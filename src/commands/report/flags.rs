//! `fleetwatch report flags`: flag changes per vessel (declared, or implied by the MID).

use std::io::Write;

use super::{Loaded, selected};
use crate::error::Outcome;
use crate::matching::Screen;
use crate::report::identity::flag_rows;
use crate::settings::{Filters, Settings};
use crate::track::timeline::flag_changes;

pub fn run(settings: &Settings, filters: &Filters, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let loaded = Loaded::open(settings)?;
    let screen = Screen::new(&loaded.lists);
    let vessels: Vec<_> = selected(&loaded, &screen, filters).into_iter().cloned().collect();
    let rows: Vec<_> = flag_changes(&vessels)
        .into_iter()
        .filter(|f| filters.in_window(f.first_seen_new_ms))
        .collect();
    flag_rows(&rows).write(settings.format, out)?;
    Ok(Outcome::Success)
}
