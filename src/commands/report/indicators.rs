//! `fleetwatch report indicators`: the shadow-fleet indicators of every vessel the
//! filters keep (a vessel's profile, judged), a row per indicator, or with `--summary`
//! a row per vessel with the observed indicators counted per family. A transmitter
//! heard without any identity record is a vessel of its own, known by its MMSI.

use std::io::Write;

use super::evidence::{self, Detected};
use super::vessel::{Judge, profile_of};
use super::{Loaded, query_mmsis, selected};
use crate::cli::IndicatorArgs;
use crate::error::{Outcome, UserError};
use crate::matching::Screen;
use crate::model::mmsi;
use crate::report::Format;
use crate::report::events::Context;
use crate::report::indicators::{rows, summary_rows, write_table};
use crate::settings::{Filters, Settings};
use crate::store::data::DataStore;

pub fn run(settings: &Settings, args: &IndicatorArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let filters = Filters::resolve(&args.filters)?;
    if filters.port.is_some() || filters.country.is_some() {
        return Err(
            UserError::new("indicators are a vessel's: --port and --country do not apply")
                .hint("report port-calls --port RUPRI lists the vessels that called there")
                .into(),
        );
    }
    let store = DataStore::open(&settings.data_dir)?;
    let mut loaded = Loaded::with_spans(settings, &store.spans()?)?;
    let ports = super::gazetteer::gazetteer(args.ports.as_deref(), None)?;
    // One vessel asked for: the encounters and calls of it and its partners only.
    let only: Option<Vec<u32>> = filters.vessel.as_ref().map(|q| query_mmsis(&loaded.vessels, q));
    let found = if only.as_ref().is_some_and(Vec::is_empty) || store.manifest.files.is_empty() {
        Detected::default()
    } else {
        // The positions are not drawn here: their memory goes back before the profiles.
        evidence::detect(&store, &loaded, &ports, only.as_deref())?.0
    };
    loaded.vessels.extend(evidence::unnamed(&loaded.vessels, &found));
    let screen = Screen::new(&loaded.lists);
    let vessels = selected(&loaded, &screen, &filters);
    let cx = Context::new(&loaded.vessels, &screen, &ports);
    let judge = Judge::new(&loaded, &found, &filters);
    let mine = found.by_vessel(&vessels, &filters);
    let profiles: Vec<_> = vessels
        .iter()
        .zip(&mine)
        .map(|(v, m)| {
            // Judged, the events' rows are not needed: a vessel's memory is its indicators.
            let mut p = profile_of(v, m, &found, &screen, &cx, false, &judge);
            p.behaviour = None;
            p
        })
        .collect();
    let mut all: Vec<_> = profiles.iter().map(|p| (p, p.indicators.clone())).collect();
    all.sort_by(|(a, _), (b, _)| (&a.imo, a.mmsis.first()).cmp(&(&b.imo, b.mmsis.first())));
    match settings.format {
        Format::Table if !args.summary => {
            for (i, (p, list)) in all.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                let mmsis: Vec<String> = p.mmsis.iter().map(|m| mmsi::digits(*m)).collect();
                writeln!(
                    out,
                    "{}  {}  MMSI {}",
                    p.imo
                        .as_deref()
                        .map_or_else(|| "(no IMO)".to_string(), |i| format!("IMO {i}")),
                    p.name.as_deref().unwrap_or("(no name)"),
                    if mmsis.is_empty() {
                        "-".to_string()
                    } else {
                        mmsis.join(", ")
                    }
                )?;
                write_table(list, out)?;
            }
        }
        format if args.summary => summary_rows(&all).write(format, out)?,
        format => rows(&all).write(format, out)?,
    }
    Ok(Outcome::Success)
}
