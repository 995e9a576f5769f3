//! `fleetwatch report port-calls`: calls detected from the stored positions, beside the
//! port-call records ingested from other providers (or all of it from `--input` files,
//! read for the report alone), joined with identities and with the lists that had the
//! vessel listed on the arrival date.

use std::io::Write;

use super::detect::{Reach, Tracks};
use super::inputs::read_inputs;
use super::stage::{self, Partial};
use super::{Loaded, gazetteer, is_listed, vessel_matches};
use crate::cli::{PortCallArgs, Stage};
use crate::error::{Outcome, UserError};
use crate::matching::Screen;
use crate::report::calls;
use crate::settings::{Filters, Settings};
use crate::store::data::DataStore;
use crate::track::portcalls::{Call, Params};
use crate::track::timeline::Vessel;

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
    let max = crate::track::ports::MAX_RADIUS_KM;
    if args.enter_km.is_some_and(|r| !(r > 0.0 && r <= max)) {
        return Err(UserError::new(format!("--enter-km must be more than 0 and at most {max}")).into());
    }
    let ports = gazetteer::gazetteer(args.sources.ports.as_deref(), args.enter_km)?;
    // A stage of a distributed run: each vessel's calls, or the report of them all.
    let mut observed = None;
    match args.sources.stage {
        None => {}
        Some(Stage::Observe) => {
            let tracks = stage::tracks(settings, &args.sources, err)?;
            let calls = tracks.port_calls(&ports, &params, &|_| true)?;
            stage::write(calls.iter().map(|c| Partial::new("call", None, c)).collect(), out)?;
            return Ok(Outcome::Success);
        }
        Some(Stage::Finish) => observed = Some(stage::decode::<Call>(&stage::read(&args.sources.partials)?, "call")?),
        Some(other) => return Err(stage::refuse("port-calls", other, &[Stage::Observe, Stage::Finish])),
    }
    // From the store, or (--input) from files read for this report alone.
    let (inputs, loaded) = if args.sources.input.is_empty() || observed.is_some() {
        (None, Loaded::open(settings)?)
    } else {
        let inputs = read_inputs(settings, &args.sources.input, args.sources.input_format, err)?;
        let loaded = inputs.loaded(settings)?;
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
        None if observed.is_some() => {
            let store = DataStore::open(&settings.data_dir)?;
            let mut detected = observed.unwrap_or_default();
            detected.retain(|c| keep(c.mmsi));
            calls::collect(detected, store.port_call_records()?, &ports, &loaded.vessels)
        }
        None => {
            let store = DataStore::open(&settings.data_dir)?;
            let tracks = Tracks::from_store(&store, &filters, Reach::Window)?;
            let detected = tracks.port_calls(&ports, &params, &keep)?;
            calls::collect(detected, store.port_call_records()?, &ports, &loaded.vessels)
        }
        Some(inputs) => {
            let tracks = Tracks::from_rows(inputs.positions, inputs.staging);
            let detected = tracks.port_calls(&ports, &params, &keep)?;
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
    let table = calls::call_rows(shown.into_iter(), &screen, &ports);
    table.write(settings.format, out)?;
    Ok(Outcome::Success)
}
