//! `fleetwatch report port-calls`: calls detected from the stored positions, beside the
//! port-call records ingested from other providers (or all of it from `--input` files,
//! read for the report alone), joined with identities and with the lists that had the
//! vessel listed on the arrival date.

use std::io::Write;
use std::path::PathBuf;

use super::{Loaded, detect, gazetteer, is_listed, vessel_matches};
use crate::cli::PortCallArgs;
use crate::commands::input::read_input;
use crate::error::{Outcome, UserError};
use crate::ingest::Hashing;
use crate::matching::Screen;
use crate::model::identity::{IdentitySpan, coalesce};
use crate::model::portcall::{self, PortCallRecord};
use crate::report::calls;
use crate::settings::{Filters, Settings};
use crate::spool::{DayRows, Positions, Staging};
use crate::store::data::DataStore;
use crate::track::portcalls::Params;
use crate::track::timeline::Vessel;

/// What `--input` files hold, read for one report.
struct Inputs {
    positions: DayRows,
    spans: Vec<IdentitySpan>,
    records: Vec<PortCallRecord>,
    /// Keeps the positions' staging directory until the report is done.
    _staging: Staging,
}

/// Reads the `--input` files as `ingest` would, but into memory (beyond a budget, a
/// temporary directory) instead of the store, and without hashing them; a path given
/// twice is read once (and a position read twice counts once). Bad rows are skipped
/// and counted on stderr.
fn read_inputs(settings: &Settings, paths: &[PathBuf], err: &mut dyn Write) -> anyhow::Result<Inputs> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let staging = detect::detection_staging();
    let mut positions = Positions::default();
    let (mut spans, mut records, mut seen) = (Vec::new(), Vec::new(), Vec::new());
    for path in paths {
        let same = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&same) {
            continue;
        }
        seen.push(same);
        let input = read_input(settings, path, None, None, threads, Hashing::Skip, &staging)?;
        let data = input.data;
        if !settings.quiet && !data.rejects.is_empty() {
            let (first, n) = (&data.rejects[0], data.rejects.len());
            writeln!(
                err,
                "{}: {n} bad {} skipped, the first at line {}: {}",
                input.shown,
                if n == 1 { "row" } else { "rows" },
                first.line,
                first.reason
            )?;
        }
        positions.append(data.fixes);
        spans.extend(data.spans);
        portcall::add_new(&mut records, data.calls);
    }
    Ok(Inputs {
        positions: positions.into_rows(),
        spans: coalesce(spans),
        records,
        _staging: staging,
    })
}

fn params(args: &PortCallArgs) -> anyhow::Result<Params> {
    let params = Params {
        leave_margin_km: args.leave_margin_km,
        stop_kn: args.stop_kn,
        move_kn: args.move_kn,
        min_duration_h: args.min_duration_h,
        max_gap_h: args.max_gap_h,
    };
    if params.min_duration_h < 0.0 || params.max_gap_h <= 0.0 || params.move_kn < params.stop_kn {
        return Err(UserError::new("detection parameters out of range")
            .hint("durations are positive and --move-kn is at least --stop-kn")
            .into());
    }
    Ok(params)
}

pub fn run(
    settings: &Settings,
    args: &PortCallArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let filters = Filters::resolve(&args.filters)?;
    let params = params(args)?;
    if args.enter_km.is_some_and(|r| r <= 0.0) {
        return Err(UserError::new("--enter-km must be positive").into());
    }
    let ports = gazetteer::gazetteer(args.ports.as_deref(), args.enter_km)?;
    // From the store, or (--input) from files read for this report alone.
    let (inputs, loaded) = if args.input.is_empty() {
        (None, Loaded::open(settings)?)
    } else {
        let inputs = read_inputs(settings, &args.input, err)?;
        let loaded = Loaded::with_spans(settings, &inputs.spans)?;
        (Some(inputs), loaded)
    };
    let screen = Screen::new(&loaded.lists);

    // With --vessel, only the MMSIs of the vessels it names are detected (the filters
    // below still decide which calls are shown).
    let wanted: Option<rustc_hash::FxHashSet<u32>> = filters.vessel.as_ref().map(|q| {
        loaded
            .vessels
            .iter()
            .filter(|v| vessel_matches(v, q))
            .flat_map(Vessel::mmsis)
            .collect()
    });
    let keep = |m: u32| wanted.as_ref().is_none_or(|w| w.contains(&m));
    let rows = match inputs {
        None => {
            let store = DataStore::open(&settings.data_dir)?;
            let detected = detect::detect(&store, &filters, &ports, &params, &keep)?;
            calls::collect(detected, store.port_call_records()?, &ports, &loaded.vessels)
        }
        Some(inputs) => {
            let detected = detect::detect_unsorted(&inputs.positions, &ports, &params, &keep)?;
            calls::collect(detected, inputs.records, &ports, &loaded.vessels)
        }
    };

    let shown: Vec<_> = rows
        .iter()
        .map(|r| (r, r.vessel(&loaded.vessels)))
        .filter(|(r, vessel)| {
            filters.in_window(r.arrival_ms)
                && filters.port.as_ref().is_none_or(|p| *p == r.locode)
                && filters.country.as_ref().is_none_or(|c| *c == r.country)
                && filters
                    .vessel
                    .as_ref()
                    .is_none_or(|q| vessel.is_some_and(|v| vessel_matches(v, q)))
                && (!filters.listed_only || vessel.is_some_and(|v| is_listed(&screen, v)))
        })
        .collect();
    let table = calls::call_rows(shown.into_iter(), &screen);
    table.write(settings.format, out)?;
    Ok(Outcome::Success)
}
