//! `fleetwatch report gaps`, `report loitering` and `report anomalies`: the behaviour
//! events of the stored positions (or of `--input` files read for the report alone),
//! filtered as every report is and written under the contract's columns.

use std::io::Write;

use rustc_hash::FxHashSet;

use super::behaviour::{Events, Hearing, Want, complete, events, gap_silences, hourly_of, observe_all, shared};
use super::detect::{Reach, Tracks};
use super::inputs::read_inputs;
use super::stage::{self, Partial};
use super::{Loaded, gazetteer, vessel_matches};
use crate::cli::{AnomalyArgs, EventArgs, GapArgs, LoiterArgs, Sources, Stage};
use crate::error::{Outcome, UserError};
use crate::matching::Screen;
use crate::report::events::{Context, anomaly_rows, gap_rows, loiter_rows};
use crate::settings::{Filters, Settings};
use crate::store::data::DataStore;
use crate::track::behaviour::{Observed, Params};
use crate::track::gaps::DEFAULT_NEIGHBOUR_KM;
use crate::track::gaps::{Heard, Index, Silence};
use crate::track::land::LandMask;
use crate::track::ports::Gazetteer;

/// Which report.
enum Report<'a> {
    Gaps(&'a GapArgs),
    Loitering(&'a LoiterArgs),
    Anomalies(&'a AnomalyArgs),
}

pub fn gaps(settings: &Settings, args: &GapArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    run(settings, &Report::Gaps(args), out, err)
}

pub fn loitering(
    settings: &Settings,
    args: &LoiterArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    run(settings, &Report::Loitering(args), out, err)
}

pub fn anomalies(
    settings: &Settings,
    args: &AnomalyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    run(settings, &Report::Anomalies(args), out, err)
}

/// A flag's value that must be a positive number.
pub(super) fn positive(flag: &str, v: f64) -> anyhow::Result<f64> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(UserError::new(format!("{flag} must be a positive number, not {v}")).into())
    }
}

/// The land mask of `--land` and `--waterways`, or the bundled ones.
pub fn land_mask(args: &AnomalyArgs) -> anyhow::Result<LandMask> {
    let read =
        |p: &std::path::Path| std::fs::read(p).map_err(|e| UserError::new(format!("cannot read {}: {e}", p.display())));
    let (land, waterways) = (
        args.land.as_deref().map(read).transpose()?,
        args.waterways.as_deref().map(read).transpose()?,
    );
    let mask = read_mask(land.as_deref(), waterways.as_deref());
    mask.map_err(|e| {
        let which = args
            .land
            .as_ref()
            .map_or_else(|| "the bundled land mask".to_string(), |p| p.display().to_string());
        UserError::new(format!("{which}: {e}"))
            .hint("a mask is made with tools/build_landmask.py")
            .into()
    })
}

/// The mask and waterways given (as bytes), the bundled ones for those not.
fn read_mask(land: Option<&[u8]>, waterways: Option<&[u8]>) -> Result<LandMask, crate::track::land::LandError> {
    let waterways = waterways.map(|w| String::from_utf8_lossy(w).into_owned());
    LandMask::from_bytes(
        land.unwrap_or(crate::track::land::BUNDLED),
        waterways.as_deref().unwrap_or(crate::track::land::BUNDLED_WATERWAYS),
    )
}

fn run(settings: &Settings, report: &Report<'_>, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    let common: &EventArgs = match report {
        Report::Gaps(a) => &a.events,
        Report::Loitering(a) => &a.events,
        Report::Anomalies(a) => &a.events,
    };
    let filters = Filters::resolve(&common.filters)?;
    let mut params = Params {
        min_gap_h: positive("--min-gap-h", common.min_gap_h)?,
        ..Params::DEFAULT
    };
    let mut neighbour_km = DEFAULT_NEIGHBOUR_KM;
    match report {
        Report::Gaps(a) => neighbour_km = positive("--neighbour-km", a.neighbour_km)?,
        Report::Loitering(a) => {
            params.loiter_min_h = positive("--min-duration-h", a.min_duration_h)?;
            params.loiter_max_kn = positive("--max-speed-kn", a.max_speed_kn)?;
            params.loiter_port_km = a.min_port_distance_km.max(0.0);
        }
        Report::Anomalies(_) => {
            if filters.port.is_some() || filters.country.is_some() {
                return Err(
                    UserError::new("anomalies have no port: --port and --country do not apply")
                        .hint("gaps and loitering name their nearest port")
                        .into(),
                );
            }
        }
    }
    let ports = gazetteer::gazetteer(common.sources.ports.as_deref(), None)?;
    let want = Want {
        gaps: matches!(report, Report::Gaps(_)),
        params,
        neighbour_km,
        ports: &ports,
        loitering: matches!(report, Report::Loitering(_)),
        land: None,
        anomalies: matches!(report, Report::Anomalies(_)),
    };
    if let Some(stage) = common.sources.stage {
        return staged(settings, report, stage, &want, &filters, out, err);
    }
    // The land mask is read beside the positions (it takes a core for half a second).
    let (land, read) = std::thread::scope(|scope| {
        let land = scope.spawn(|| match report {
            Report::Anomalies(a) => land_mask(a).map(Some),
            _ => Ok(None),
        });
        let read = read_tracks(settings, &common.sources, &filters, Reach::WindowToEnd, err);
        (land.join().expect("reading the land mask does not panic"), read)
    });
    let (land, (tracks, loaded)) = (land?, read?);
    let want = Want {
        land: land.as_ref(),
        ..want
    };
    let found = events(&tracks, &loaded.vessels, &want)?;
    let screen = Screen::new(&loaded.lists);
    let cx = Context::new(&loaded.vessels, &screen, &ports);
    let rows = select(report, found, &filters, &cx, &ports);
    rows.write(settings.format, out)?;
    Ok(Outcome::Success)
}

/// One stage of a distributed run: each vessel's own track (observe), what only all of
/// them tell (the vessels that share an IMO, the gaps whose neighbours are heard, the
/// fixes heard near them), or the report from those partial results (finish).
fn staged(
    settings: &Settings,
    report: &Report<'_>,
    stage: Stage,
    want: &Want<'_>,
    filters: &Filters,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let (name, has): (&str, &[Stage]) = match report {
        Report::Gaps(_) => ("gaps", &[Stage::Observe, Stage::Silences, Stage::Hear, Stage::Finish]),
        Report::Loitering(_) => ("loitering", &[Stage::Observe, Stage::Finish]),
        Report::Anomalies(_) => ("anomalies", &[Stage::Plan, Stage::Observe, Stage::Finish]),
    };
    if !has.contains(&stage) {
        return Err(stage::refuse(name, stage, has));
    }
    let sources = match report {
        Report::Gaps(a) => &a.events.sources,
        Report::Loitering(a) => &a.events.sources,
        Report::Anomalies(a) => &a.events.sources,
    };
    let partials = stage::read(&sources.partials)?;
    let observed = || -> anyhow::Result<Vec<Observed>> {
        let mut observed: Vec<Observed> = stage::decode(&partials, "observed")?;
        observed.sort_by_key(|o| o.mmsi);
        Ok(observed)
    };
    let written = match stage {
        Stage::Plan => {
            let loaded = Loaded::open(settings)?;
            let mut mmsis: Vec<u32> = hourly_of(&shared(&loaded.vessels)).into_iter().collect();
            mmsis.sort_unstable();
            mmsis.iter().map(|m| Partial::new("hourly", None, m)).collect()
        }
        Stage::Observe => {
            let land = match report {
                Report::Anomalies(a) => Some(land_mask(a)?),
                _ => None,
            };
            let want = Want {
                land: land.as_ref(),
                ..*want
            };
            let hourly: FxHashSet<u32> = stage::decode::<u32>(&partials, "hourly")?.into_iter().collect();
            let tracks = stage::tracks(settings, sources, err)?;
            let observed = observe_all(&tracks, &want, &hourly)?;
            observed.iter().map(|o| Partial::new("observed", None, o)).collect()
        }
        Stage::Silences => {
            let loaded = Loaded::open(settings)?;
            let silences = gap_silences(&observed()?, &shared(&loaded.vessels), want);
            silences.iter().map(|s| Partial::new("silence", None, s)).collect()
        }
        Stage::Hear => {
            let silences: Vec<Silence> = stage::decode(&partials, "silence")?;
            let tracks = stage::tracks(settings, sources, err)?;
            let index = Index::new(&silences, want.neighbour_km);
            let heard = tracks.each(&|_| true, &|rows| index.hear(rows))?;
            heard
                .iter()
                .filter(|h| !h.is_empty())
                .map(|h| Partial::new("heard", None, h))
                .collect()
        }
        Stage::Finish => {
            let loaded = Loaded::open(settings)?;
            let heard: Vec<Vec<(u32, Heard, u32)>> = stage::decode(&partials, "heard")?;
            let hearing = Hearing::Heard(heard.into_iter().flatten().collect());
            let found = complete(observed()?, &shared(&loaded.vessels), want, hearing)?;
            let screen = Screen::new(&loaded.lists);
            let cx = Context::new(&loaded.vessels, &screen, want.ports);
            select(report, found, filters, &cx, want.ports).write(settings.format, out)?;
            return Ok(Outcome::Success);
        }
        Stage::Pair | Stage::Runs => unreachable!("refused above"),
    };
    stage::write(written, out)?;
    Ok(Outcome::Success)
}

/// The positions and vessels of the store (the days `reach` takes of the filters'
/// window), or of the `--input` files.
pub(super) fn read_tracks(
    settings: &Settings,
    sources: &Sources,
    filters: &Filters,
    reach: Reach,
    err: &mut dyn Write,
) -> anyhow::Result<(Tracks, Loaded)> {
    if sources.input.is_empty() {
        let store = DataStore::open(&settings.data_dir)?;
        let tracks = Tracks::from_store(&store, filters, reach)?;
        Ok((tracks, Loaded::with_spans(settings, &store.spans()?)?))
    } else {
        let inputs = read_inputs(settings, &sources.input, sources.input_format, err)?;
        let loaded = inputs.loaded(settings)?;
        Ok((Tracks::from_rows(inputs.positions, inputs.staging), loaded))
    }
}

/// What the filters keep of events: the vessel asked for, a vessel listed at the
/// event's start, a nearest port (for `--port` and `--country`).
pub struct Keep<'a> {
    filters: &'a Filters,
    cx: &'a Context<'a>,
    ports: &'a Gazetteer,
}

impl<'a> Keep<'a> {
    pub fn new(filters: &'a Filters, cx: &'a Context<'a>, ports: &'a Gazetteer) -> Self {
        Self { filters, cx, ports }
    }

    /// The vessel of `--vessel` (by its identity, or its MMSI for a transmitter with
    /// no identity record).
    pub fn vessel(&self, mmsi: u32) -> bool {
        self.filters.vessel.as_ref().is_none_or(|q| {
            self.cx.vessel(mmsi).is_some_and(|v| vessel_matches(v, q))
                || matches!(q, crate::matching::Query::Mmsi(m) if crate::model::mmsi::digits(mmsi) == m.as_str())
        })
    }

    /// Listed (by IMO or MMSI) on the day of `ts`, when `--listed-only` asks.
    pub fn listed(&self, mmsi: u32, ts: i64) -> bool {
        !self.filters.listed_only || !self.cx.listed_at(mmsi, ts).is_empty()
    }

    /// The nearest port is the one of `--port`, in the country of `--country`.
    pub fn port(&self, lat: f64, lon: f64) -> bool {
        if self.filters.port.is_none() && self.filters.country.is_none() {
            return true;
        }
        self.cx.nearest_port(lat, lon).is_some_and(|(locode, _)| {
            let p = self.ports.get(locode);
            self.filters.port.as_ref().is_none_or(|want| want == locode)
                && self
                    .filters
                    .country
                    .as_ref()
                    .is_none_or(|c| p.is_some_and(|p| &p.country == c))
        })
    }

    /// An event of one vessel that starts at `ts` at (lat, lon).
    fn one_vessel(&self, mmsi: u32, ts: i64, lat: f64, lon: f64) -> bool {
        self.filters.in_window(ts) && self.vessel(mmsi) && self.listed(mmsi, ts) && self.port(lat, lon)
    }
}

/// The events the filters keep, as rows.
fn select(
    report: &Report<'_>,
    found: Events,
    filters: &Filters,
    cx: &Context<'_>,
    ports: &Gazetteer,
) -> crate::report::Rows {
    let keep = Keep::new(filters, cx, ports);
    match report {
        Report::Gaps(_) => {
            let lines = found
                .gaps
                .into_iter()
                .filter(|g| keep.one_vessel(g.mmsi, g.gap.start.ts_ms, g.gap.start.lat(), g.gap.start.lon()))
                .map(|g| g.line())
                .collect();
            gap_rows(lines, cx)
        }
        Report::Loitering(_) => {
            let kept = found
                .loiters
                .into_iter()
                .filter(|l| keep.one_vessel(l.mmsi, l.start_ms, l.lat, l.lon))
                .collect();
            loiter_rows(kept, cx)
        }
        Report::Anomalies(_) => {
            let kept: Vec<_> = found
                .anomalies
                .into_iter()
                .filter(|a| {
                    filters.in_window(a.start_ms)
                        && a.vessels.iter().any(|m| keep.vessel(*m))
                        && (!filters.listed_only || a.vessels.iter().any(|m| keep.listed(*m, a.start_ms)))
                })
                .collect();
            anomaly_rows(&kept, cx)
        }
    }
}
