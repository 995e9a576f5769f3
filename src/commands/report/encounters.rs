//! `fleetwatch report encounters`: two vessels together at sea, from the stored
//! positions (or `--input` files read for the report alone). Each vessel's cleaned
//! track goes on the grid on every core, its slow points waiting in a spool by UTC day
//! (bounded memory over any window) and its silences and draughts kept as notes; each
//! day's points are then paired grid time by grid time, the runs of every pair made
//! encounters, and each completed with the notes of its two vessels.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;

use super::detect::{Reach, Tracks, staging};
use super::events::{Keep, positive, read_tracks};
use super::stage::{self, Coarse, Partial};
use super::{Loaded, gazetteer};
use crate::cli::{EncounterArgs, Stage};
use crate::error::Outcome;
use crate::matching::Screen;
use crate::model::ais::FixRow;
use crate::pool;
use crate::report::events::{Context, encounter_rows};
use crate::settings::{Filters, Settings};
use crate::spool::{Slice, Spool};
use crate::track::behaviour::Params as Behaviour;
use crate::track::clean;
use crate::track::encounters::{
    Cells, Encounter, GridPoint, Meetings, Notes, Pair, Params, Together, add_sorted, by_pair, encounters, grid,
    pair_up,
};
use crate::track::ports::Gazetteer;

/// Grid points held in memory before they wait on disk, in MiB.
const GRID_BUFFER_MIB: usize = 128;
const HOUR_MS: i64 = 3_600_000;
/// Entries (silences and draughts at grid times, and one a vessel) of the notes the
/// first pass keeps: about 100 MiB at most.
const NOTES_HELD: usize = 1 << 22;
/// Hours of grid times paired at once (their times together are held until added).
const HOURS_AT_ONCE: usize = 4;

pub fn run(
    settings: &Settings,
    args: &EncounterArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let filters = Filters::resolve(&args.filters)?;
    let params = params(args)?;
    let ports = gazetteer::gazetteer(args.sources.ports.as_deref(), None)?;
    let (found, loaded) = match args.sources.stage {
        None => {
            let (tracks, loaded) = read_tracks(settings, &args.sources, &filters, Reach::Window, err)?;
            (find(&tracks, &params, &ports, args.include_port)?, loaded)
        }
        Some(Stage::Finish) => (finish(&args.sources, &ports)?, Loaded::open(settings)?),
        Some(stage) => {
            let written = match stage {
                Stage::Observe => observe(
                    &stage::tracks(settings, &args.sources, err)?,
                    &params,
                    &ports,
                    args.include_port,
                )?,
                Stage::Pair => pair(&stage::read(&args.sources.partials)?, &params)?,
                Stage::Runs => runs(&stage::read(&args.sources.partials)?, &params)?,
                other => {
                    return Err(stage::refuse(
                        "encounters",
                        other,
                        &[Stage::Observe, Stage::Pair, Stage::Runs, Stage::Finish],
                    ));
                }
            };
            stage::write(written, out)?;
            return Ok(Outcome::Success);
        }
    };
    let screen = Screen::new(&loaded.lists);
    let cx = Context::new(&loaded.vessels, &screen, &ports);
    let keep = Keep::new(&filters, &cx, &ports);
    let kept = found
        .into_iter()
        .filter(|e| args.include_port || e.port.is_none())
        .filter(|e| filters.in_window(e.start_ms) && (keep.vessel(e.a) || keep.vessel(e.b)) && keep.port(e.lat, e.lon))
        .filter(|e| !filters.listed_only || keep.listed(e.a, e.start_ms) || keep.listed(e.b, e.start_ms))
        .collect();
    encounter_rows(kept, &cx).write(settings.format, out)?;
    Ok(Outcome::Success)
}

/// The rule's parameters from the flags.
fn params(args: &EncounterArgs) -> anyhow::Result<Params> {
    Ok(Params {
        max_distance_m: positive("--max-distance-m", args.max_distance_m)?,
        max_speed_kn: positive("--max-speed-kn", args.max_speed_kn)?,
        min_duration_h: positive("--min-duration-h", args.min_duration_h)?,
    })
}

/// A worker's vessels on the grid (stage observe): each grid point once for every
/// coarse cell it belongs to (keyed by the cell), and the notes of each vessel that has
/// one (keyed by its MMSI).
fn observe(tracks: &Tracks, params: &Params, ports: &Gazetteer, in_port: bool) -> anyhow::Result<Vec<Partial>> {
    let coarse = Coarse::new(params.max_distance_m);
    let found = tracks.each(&|_| true, &|rows| {
        let mut partials = Vec::new();
        let mut points: Vec<GridPoint> = Vec::new();
        for fixes in rows.chunk_by(|a, b| a.mmsi == b.mmsi) {
            points.clear();
            let track = vessel_on_grid(fixes, params, ports, in_port, &mut points);
            if points.is_empty() {
                continue;
            }
            // Keyed by MMSI: only the vessels that met are fetched for finish.
            partials.push(Partial::new(
                "notes",
                Some(fixes[0].mmsi.to_string()),
                &Notes::of(fixes, &track, points.iter().map(|p| p.ts_ms)),
            ));
            for p in &points {
                // As the single-machine run holds it: coordinates to 1 cm, velocity as f32.
                let row = p.to_row();
                let held = GridPoint::from_row(&row);
                for cell in coarse.cells(held.ts_ms, held.lat, held.lon) {
                    partials.push(Partial::new("point", Some(cell), &row));
                }
            }
        }
        partials
    })?;
    Ok(found.into_iter().flatten().collect())
}

/// The times vessels were together among the grid points of coarse cells (stage
/// pair), each kept by the cell of its lower MMSI's point alone.
fn pair(partials: &[Partial], params: &Params) -> anyhow::Result<Vec<Partial>> {
    let mut keyed: Vec<(&str, FixRow)> = Vec::new();
    for p in partials.iter().filter(|p| p.kind == "point") {
        let row: FixRow =
            serde_json::from_str(&p.json).map_err(|e| anyhow::anyhow!("a grid point cannot be read: {e}"))?;
        keyed.push((p.key.as_deref().unwrap_or_default(), row));
    }
    keyed.sort_unstable_by_key(|(key, r)| (*key, r.ts_ms, r.mmsi, r.nav_status));
    let mut cells = Cells::new(params.max_distance_m);
    let (mut points, mut found, mut out) = (Vec::<GridPoint>::new(), Vec::new(), Vec::new());
    for cell in keyed.chunk_by(|a, b| a.0 == b.0) {
        for at_once in cell.chunk_by(|a, b| a.1.ts_ms == b.1.ts_ms) {
            points.clear();
            points.extend(at_once.iter().map(|(_, r)| GridPoint::from_row(r)));
            found.clear();
            pair_up(&points, params, &mut cells, &mut found);
            for (pair, together) in &found {
                let own = points
                    .iter()
                    .find(|p| p.mmsi == pair.0 && p.segment == pair.1)
                    .is_some_and(|p| Coarse::own(p.ts_ms, p.lat, p.lon) == cell[0].0);
                if own {
                    let key = format!("{}/{}/{}/{}", pair.0, pair.1, pair.2, pair.3);
                    out.push(Partial::new("together", Some(key), &(pair, together)));
                }
            }
        }
    }
    Ok(out)
}

/// The encounters of the times together the pair stage found (stage runs: the times of
/// each pair, keyed by the pair, are all one task's).
fn runs(partials: &[Partial], params: &Params) -> anyhow::Result<Vec<Partial>> {
    let together: Vec<(Pair, Together)> = stage::decode(partials, "together")?;
    let found = encounters(together, params);
    Ok(found.iter().map(|e| Partial::new("encounter", None, e)).collect())
}

/// The encounters of the runs stage in their order, completed with the notes of the
/// observe stage (stage finish).
fn finish(sources: &crate::cli::Sources, ports: &Gazetteer) -> anyhow::Result<Vec<Encounter>> {
    let partials = stage::read(&sources.partials)?;
    let mut notes: Vec<Notes> = stage::decode(&partials, "notes")?;
    notes.sort_unstable_by_key(|n| n.mmsi);
    let notes_of = |mmsi: u32| notes.binary_search_by_key(&mmsi, |n| n.mmsi).ok().map(|k| &notes[k]);
    let mut found: Vec<Encounter> = stage::decode(&partials, "encounter")?;
    found.sort_by_key(|e| (e.a, e.b, e.start_ms));
    for e in &mut found {
        e.complete(notes_of(e.a), notes_of(e.b), ports);
    }
    Ok(found)
}

/// Every encounter of the tracks, each completed with what the two vessels' own fixes
/// add; with `in_port`, vessels are paired in port areas too (else a grid point in a
/// port area is not paired: the crowd of a busy port costs nothing, and an encounter
/// that crosses a port area's edge is its time outside).
///
/// One pass over the tracks puts every vessel on the grid and keeps the notes (silences
/// and draughts) of each vessel with a grid point, up to 4 M of their entries. Past
/// that (a long window), the notes are dropped and a second pass reads again only the
/// vessels of the encounters found.
pub fn find(tracks: &Tracks, params: &Params, ports: &Gazetteer, in_port: bool) -> anyhow::Result<Vec<Encounter>> {
    find_holding(tracks, params, ports, in_port, NOTES_HELD)
}

/// [`find`], the first pass keeping up to `notes_held` entries of notes.
fn find_holding(
    tracks: &Tracks,
    params: &Params,
    ports: &Gazetteer,
    in_port: bool,
    notes_held: usize,
) -> anyhow::Result<Vec<Encounter>> {
    let points_staging = staging(GRID_BUFFER_MIB);
    let spool = Mutex::new(points_staging.spool());
    let held = on_grid(tracks, params, ports, in_port, &spool, notes_held)?;
    let days = spool
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .finish()
        .context("cannot stage the grid points")?;
    let mut meetings = Meetings::new(params);
    for (day, rows) in days.into_days() {
        let rows: Vec<FixRow> = rows
            .gather(&Slice::all())
            .context("cannot read the staged grid points")?;
        let by_hour = hours_of_day(day, &rows);
        drop(rows);
        // The day's grid times an hour at a time, a few hours at once on every core,
        // each hour sorted by time and vessel there and its times paired; then added in
        // time order.
        let hours: Vec<&[FixRow]> = by_hour.iter().map(Vec::as_slice).filter(|h| !h.is_empty()).collect();
        for batch in hours.chunks(HOURS_AT_ONCE) {
            let paired = pool::each_with(
                batch,
                || (Cells::new(params.max_distance_m), Vec::new(), Vec::new()),
                |(cells, sorted, points): &mut (Cells, Vec<FixRow>, Vec<GridPoint>), hour| {
                    sorted.clear();
                    sorted.extend_from_slice(hour);
                    sorted.sort_unstable_by_key(|r| (r.ts_ms, r.mmsi, r.nav_status));
                    points.clear();
                    points.extend(sorted.iter().map(GridPoint::from_row));
                    let mut found = Vec::new();
                    for at_once in points.chunk_by(|a, b| a.ts_ms == b.ts_ms) {
                        pair_up(at_once, params, cells, &mut found);
                    }
                    by_pair(&mut found);
                    Ok::<_, std::convert::Infallible>(found)
                },
            );
            for hour in paired.unwrap_or_default() {
                add_sorted(&mut meetings, &hour);
            }
        }
        // The encounters the next day cannot join.
        meetings.close_before((day + 1) * 86_400_000);
    }
    let mut found = meetings.finish();
    let mut met: Vec<u32> = found.iter().flat_map(|e| [e.a, e.b]).collect();
    met.sort_unstable();
    met.dedup();
    let mut notes = match held {
        Some(notes) => notes,
        None if met.is_empty() => Vec::new(),
        None => notes_of(tracks, &met, params, ports, in_port)?,
    };
    notes.sort_unstable_by_key(|n| n.mmsi);
    let notes_of = |mmsi: u32| notes.binary_search_by_key(&mmsi, |n| n.mmsi).ok().map(|k| &notes[k]);
    for e in &mut found {
        e.complete(notes_of(e.a), notes_of(e.b), ports);
    }
    Ok(found)
}

/// The grid points of a UTC day (days since the epoch) by its hours, each hour's in the
/// order they came.
fn hours_of_day(day: i64, rows: &[FixRow]) -> Vec<Vec<FixRow>> {
    let start = day * 86_400_000;
    let mut hours: Vec<Vec<FixRow>> = vec![Vec::new(); 24];
    for r in rows {
        let hour = usize::try_from((r.ts_ms - start).div_euclid(HOUR_MS)).map_or(0, |h| h.min(23));
        hours[hour].push(*r);
    }
    hours
}

/// Every vessel's grid points (at sea alone, unless `in_port`) into `spool`, and the
/// notes of each vessel with one; `None` for the notes when they pass `notes_held`
/// entries.
fn on_grid(
    tracks: &Tracks,
    params: &Params,
    ports: &Gazetteer,
    in_port: bool,
    spool: &Mutex<Spool<'_>>,
    notes_held: usize,
) -> anyhow::Result<Option<Vec<Notes>>> {
    let held = AtomicUsize::new(0);
    let holding = || held.load(Ordering::Relaxed) <= notes_held;
    let notes: Vec<Notes> = tracks
        .each(&|_| true, &|rows| {
            let (mut points, mut notes) = (Vec::<GridPoint>::new(), Vec::new());
            for fixes in rows.chunk_by(|a, b| a.mmsi == b.mmsi) {
                let before = points.len();
                let track = vessel_on_grid(fixes, params, ports, in_port, &mut points);
                if points.len() > before && holding() {
                    let n = Notes::of(fixes, &track, points[before..].iter().map(|p| p.ts_ms));
                    held.fetch_add(n.entries() + 1, Ordering::Relaxed);
                    notes.push(n);
                }
            }
            let mut spool = spool.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for p in &points {
                spool.push(p.to_row());
            }
            notes
        })?
        .into_iter()
        .flatten()
        .collect();
    Ok(holding().then_some(notes))
}

/// The notes of the vessels `met` (sorted), read again.
fn notes_of(
    tracks: &Tracks,
    met: &[u32],
    params: &Params,
    ports: &Gazetteer,
    in_port: bool,
) -> anyhow::Result<Vec<Notes>> {
    let notes = tracks.each_of(met, &|rows| {
        let mut points = Vec::new();
        rows.chunk_by(|a, b| a.mmsi == b.mmsi)
            .map(|fixes| {
                points.clear();
                let track = vessel_on_grid(fixes, params, ports, in_port, &mut points);
                Notes::of(fixes, &track, points.iter().map(|p| p.ts_ms))
            })
            .collect::<Vec<_>>()
    })?;
    Ok(notes.into_iter().flatten().collect())
}

/// One vessel's cleaned track, its grid points added to `points` (those in a port area
/// left out unless `in_port`).
fn vessel_on_grid(
    fixes: &[FixRow],
    params: &Params,
    ports: &Gazetteer,
    in_port: bool,
    points: &mut Vec<GridPoint>,
) -> clean::Track {
    let before = points.len();
    let track = clean::clean(fixes, Behaviour::DEFAULT.min_gap_ms());
    grid(fixes, &track, params.max_speed_kn, points);
    if !in_port {
        let mut kept = before;
        for k in before..points.len() {
            if ports.locate(points[k].lat, points[k].lon, 0.0).is_none() {
                points[kept] = points[k];
                kept += 1;
            }
        }
        points.truncate(kept);
    }
    track
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::report::inputs::read_inputs;

    #[test]
    fn notes_read_again_past_their_budget_complete_the_same_encounters() {
        let dir = tempfile::tempdir().unwrap();
        let (name, bytes) = crate::synth::encounters::file();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let settings = Settings {
            data_dir: dir.path().join("store"),
            format: crate::report::Format::Csv,
            quiet: true,
        };
        let inputs = read_inputs(&settings, &[path], None, &mut Vec::new()).unwrap();
        let tracks = Tracks::from_rows(inputs.positions, inputs.staging);
        let ports = Gazetteer::bundled();
        let held = find_holding(&tracks, &Params::DEFAULT, &ports, false, NOTES_HELD).unwrap();
        let read_again = find_holding(&tracks, &Params::DEFAULT, &ports, false, 0).unwrap();
        assert_eq!(held, read_again);
        // Something the notes add: a silence, and draughts on both sides.
        assert!(held.iter().any(|e| e.silent_a || e.silent_b));
        assert!(held.iter().any(Encounter::transfer_like));
    }
}
