//! `fleetwatch report track QUERY`: the segments of a vessel's cleaned track (from the
//! store, or `--input` files read for the report alone), for a map.

use std::io::Write;

use super::detect::{Reach, Tracks};
use super::inputs::read_inputs;
use super::{Loaded, query_mmsis};
use crate::cli::{ReportFilters, TrackArgs};
use crate::error::{Outcome, UserError};
use crate::matching::Query;
use crate::model::ais::FixRow;
use crate::report::track::{SegmentLine, track_rows};
use crate::settings::{Filters, Settings};
use crate::store::data::DataStore;
use crate::track::behaviour::Params as Behaviour;
use crate::track::clean::{self, Start};

pub fn run(settings: &Settings, args: &TrackArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    let q = Query::parse(&args.query).map_err(|e| UserError::new(format!("query '{}': {e}", args.query)))?;
    let filters = Filters::resolve(&ReportFilters {
        since: args.since.clone(),
        until: args.until.clone(),
        ..ReportFilters::default()
    })?;
    let (tracks, mmsis) = if args.input.is_empty() {
        let store = DataStore::open(&settings.data_dir)?;
        let mmsis = query_mmsis(&Loaded::with_spans(settings, &store.spans()?)?.vessels, &q);
        (Tracks::from_store(&store, &filters, Reach::Window)?, mmsis)
    } else {
        let inputs = read_inputs(settings, &args.input, None, err)?;
        let mmsis = query_mmsis(&inputs.loaded(settings)?.vessels, &q);
        (Tracks::from_rows(inputs.positions, inputs.staging), mmsis)
    };
    if mmsis.is_empty() {
        return Err(UserError::new(format!("no ingested vessel matches '{}'", args.query))
            .hint("a name, an IMO number or an MMSI of an ingested vessel")
            .into());
    }
    let segments: Vec<SegmentLine> = segments(&tracks, &mmsis, &|f| (f.lat(), f.lon(), f.ts_ms))?
        .into_iter()
        .map(|(mmsi, number, started_by, points)| SegmentLine {
            mmsi,
            number,
            started_by,
            points,
        })
        .filter(|s| {
            let (first, last) = (s.points[0].2, s.points[s.points.len() - 1].2);
            filters.since_ms.is_none_or(|t| last >= t) && filters.until_ms.is_none_or(|t| first <= t)
        })
        .collect();
    track_rows(segments).write(settings.format, out)?;
    Ok(Outcome::Success)
}

/// A cleaned segment: its MMSI, its number in the MMSI's track (from 1), what started it
/// (`first`, `teleport`, `reappearance`), and its accepted fixes as `point` makes them.
pub(super) type Segment<P> = (u32, usize, &'static str, Vec<P>);

/// The cleaned segments of these MMSIs' tracks (bad fixes left out).
pub(super) fn segments<P: Send>(
    tracks: &Tracks,
    mmsis: &[u32],
    point: &(dyn Fn(&FixRow) -> P + Sync),
) -> anyhow::Result<Vec<Segment<P>>> {
    let min_gap = Behaviour::DEFAULT.min_gap_ms();
    Ok(tracks
        .each_of(mmsis, &|rows| {
            let mut out = Vec::new();
            for fixes in rows.chunk_by(|a, b| a.mmsi == b.mmsi) {
                let track = clean::clean(fixes, min_gap);
                for (k, seg) in track.segments.iter().enumerate() {
                    let started_by = match seg.start {
                        Start::First => "first",
                        Start::Teleport { .. } => "teleport",
                        Start::Reappearance { .. } => "reappearance",
                    };
                    let points = seg.fixes.iter().map(|&i| point(&fixes[i])).collect();
                    out.push((fixes[0].mmsi, k + 1, started_by, points));
                }
            }
            out
        })?
        .into_iter()
        .flatten()
        .collect())
}
