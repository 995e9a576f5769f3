//! The port calls that `report port-calls` and `report vessel` show: detected with a
//! gazetteer from the stored positions (or from positions read from files), a slice of
//! vessels at a time on every core, and reported by other providers; with the lists that
//! had the vessel listed on the arrival date.

use std::path::Path;

use anyhow::Context;
use chrono::DateTime;

use super::Loaded;
use crate::matching::Screen;
use crate::model::ais::{FixRow, Fixes};
use crate::model::portcall::PortCallRecord;
use crate::pool;
use crate::settings::Filters;
use crate::spool::{DayRows, Staging};
use crate::store::data::DataStore;
use crate::store::tables::Columns;
use crate::track::portcalls::{Call, Params, detect_vessels};
use crate::track::ports::Gazetteer;
use crate::track::timeline::Vessel;

/// The bundled gazetteer, or the one `--ports` names (CSV, or `GeoJSON` polygons), with
/// every radius replaced by `--enter-km` when given.
pub fn gazetteer(path: Option<&Path>, enter_km: Option<f64>) -> anyhow::Result<Gazetteer> {
    let g = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let parsed = if text.trim_start().starts_with('{') {
                Gazetteer::from_geojson(&text)
            } else {
                Gazetteer::from_csv(&text)
            };
            parsed.with_context(|| {
                format!(
                    "{} is not a port list (CSV locode,name,country,lat,lon,radius_km, or GeoJSON polygons)",
                    path.display()
                )
            })?
        }
        None => Gazetteer::bundled(),
    };
    Ok(match enter_km {
        Some(r) => g.with_radius(r),
        None => g,
    })
}

/// Positions a detection holds in memory, in MiB; beyond it they wait in a temporary
/// directory, so a window of any number of days is read in bounded memory.
const DETECT_BUFFER_MIB: usize = 512;
/// Rows of vessels detected at a time (16 MiB of rows).
const DETECT_SLICE_ROWS: usize = 1 << 19;

/// The calls detected in the stored positions of the days in the filter window (with a
/// margin of two days for calls across its edges), for the MMSIs `keep` accepts. The
/// positions are grouped by vessel, then detected a slice of vessels at a time on every
/// core.
pub fn detect(
    store: &DataStore,
    filters: &Filters,
    ports: &Gazetteer,
    params: &Params,
    keep: &(dyn Fn(u32) -> bool + Sync),
) -> anyhow::Result<Vec<Call>> {
    let margin = 86_400_000 * 2;
    let wanted = store.manifest.positions.keys().copied().filter(|day| {
        let day_ms = day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp_millis());
        filters.since_ms.is_none_or(|s| day_ms + 86_400_000 + margin > s)
            && filters.until_ms.is_none_or(|u| day_ms - margin <= u)
    });
    let staging = detection_staging();
    // Detection reads neither course nor heading.
    let rows = store.positions_by_vessel(wanted, Columns::NoCourse, keep, &staging)?;
    let slices = rows.vessel_slices(DETECT_SLICE_ROWS);
    let found = pool::each_with(
        &slices,
        <(Vec<Fixes>, Vec<FixRow>)>::default,
        |(sets, merged), mmsis| {
            // Each block holds a run of one stored file, sorted: merged, not sorted again.
            let n = rows
                .gather_vessels(mmsis, sets)
                .context("cannot read the staged positions")?;
            Fixes::merge_sorted_into(&mut sets[..n], merged);
            Ok::<_, anyhow::Error>(detect_vessels(merged, ports, params))
        },
    )?;
    Ok(found.into_iter().flatten().collect())
}

/// Where positions wait for detection: memory up to a budget, then a temporary
/// directory (all in memory when none can be made).
pub fn detection_staging() -> Staging {
    // The staging removes its directory when dropped.
    let dir = tempfile::Builder::new().prefix("fleetwatch-").tempdir().ok();
    dir.and_then(|d| Staging::in_dir(&d.keep(), (DETECT_BUFFER_MIB << 20) / FixRow::BYTES).ok())
        .unwrap_or_else(Staging::in_memory)
}

/// The calls detected in positions as read from files (not sorted; a repeated (MMSI,
/// time) counts once), for the MMSIs `keep` accepts: a slice of vessels at a time, each
/// gathered and sorted, on every core.
pub fn detect_unsorted(
    rows: &DayRows,
    ports: &Gazetteer,
    params: &Params,
    keep: &(dyn Fn(u32) -> bool + Sync),
) -> anyhow::Result<Vec<Call>> {
    let slices = rows
        .slices(DETECT_SLICE_ROWS)
        .context("cannot read the staged positions")?;
    let found = pool::each_with(&slices, <(Fixes, Vec<FixRow>)>::default, |(batch, scratch), slice| {
        rows.gather_into(slice, &mut batch.rows)
            .context("cannot read the staged positions")?;
        batch.rows.retain(|r| keep(r.mmsi));
        batch.sort_dedup_with(scratch);
        Ok::<_, anyhow::Error>(detect_vessels(&batch.rows, ports, params))
    })?;
    Ok(found.into_iter().flatten().collect())
}

/// The lists in force that had the vessel listed on the day of `arrival_ms`, sorted.
pub fn listed_at(screen: &Screen<'_>, imo: Option<&str>, mmsi: Option<u32>, arrival_ms: i64) -> Vec<String> {
    listed_on_at(screen, imo, mmsi, arrival_ms)
        .into_iter()
        .map(|(l, _)| l)
        .collect()
}

/// The lists that had the vessel listed on the day of `arrival_ms`, with the listing
/// dates (the earliest per list).
pub fn listed_on_at(
    screen: &Screen<'_>,
    imo: Option<&str>,
    mmsi: Option<u32>,
    arrival_ms: i64,
) -> Vec<(String, chrono::NaiveDate)> {
    let mmsis: Vec<u32> = mmsi.into_iter().collect();
    // Identifiers only: a name never makes a vessel listed.
    let Some(day) = DateTime::from_timestamp_millis(arrival_ms).map(|t| t.date_naive()) else {
        return Vec::new();
    };
    let mut out: Vec<(String, chrono::NaiveDate)> = Vec::new();
    for hull in screen.identified(imo, &mmsis) {
        for (l, e) in &hull.listings {
            let Some(on) = e.listed_on.filter(|on| *on <= day) else {
                continue;
            };
            match out.iter_mut().find(|(s, _)| *s == l.source) {
                Some(slot) => slot.1 = slot.1.min(on),
                None => out.push((l.source.clone(), on)),
            }
        }
    }
    out.sort();
    out
}

/// One call, detected or reported.
#[derive(Debug, Clone)]
pub struct CallRow {
    pub imo: Option<String>,
    pub mmsi: Option<u32>,
    pub locode: String,
    pub name: String,
    pub country: String,
    pub arrival_ms: i64,
    pub departure_ms: Option<i64>,
    pub draught: (Option<f32>, Option<f32>),
    pub positions: Option<u32>,
    pub confidence: String,
    pub source: String,
}

impl CallRow {
    /// The ingested vessel the call belongs to.
    pub fn vessel<'v>(&self, vessels: &'v [Vessel]) -> Option<&'v Vessel> {
        self.imo
            .as_deref()
            .and_then(|i| vessels.iter().find(|v| v.imo() == Some(i)))
            .or_else(|| self.mmsi.and_then(|m| vessels.iter().find(|v| v.mmsis().contains(&m))))
    }

    pub fn draught_change_m(&self) -> Option<f32> {
        self.draught.0.zip(self.draught.1).map(|(a, d)| d - a)
    }
}

/// The calls `detected` and the port-call `records`, sorted by IMO, MMSI, arrival,
/// source.
pub fn collect(detected: Vec<Call>, records: Vec<PortCallRecord>, ports: &Gazetteer, loaded: &Loaded) -> Vec<CallRow> {
    let by_mmsi = |m: u32| loaded.vessels.iter().find(|v| v.mmsis().contains(&m));
    let mut rows: Vec<CallRow> = detected
        .into_iter()
        .map(|c| {
            let p = ports.port(c.port);
            CallRow {
                imo: by_mmsi(c.mmsi).and_then(Vessel::imo).map(str::to_string),
                mmsi: Some(c.mmsi),
                locode: p.locode.clone(),
                name: p.name.clone(),
                country: p.country.clone(),
                arrival_ms: c.arrival_ms,
                departure_ms: Some(c.departure_ms),
                draught: (c.draught_arrival_m, c.draught_departure_m),
                positions: Some(c.positions),
                confidence: c.confidence.as_str().to_string(),
                source: "detected".to_string(),
            }
        })
        .collect();
    for r in records {
        let port = ports.get(&r.port);
        rows.push(CallRow {
            imo: r
                .imo
                .clone()
                .or_else(|| r.mmsi.and_then(by_mmsi).and_then(Vessel::imo).map(str::to_string)),
            mmsi: r.mmsi,
            locode: r.port.clone(),
            name: port.map(|p| p.name.clone()).unwrap_or_default(),
            country: port.map_or_else(|| r.port.get(..2).unwrap_or("").to_string(), |p| p.country.clone()),
            arrival_ms: r.arrival_ms,
            departure_ms: r.departure_ms,
            draught: (None, None),
            positions: None,
            confidence: "reported".to_string(),
            source: r.source,
        });
    }
    rows.sort_by(|a, b| (&a.imo, a.mmsi, a.arrival_ms, &a.source).cmp(&(&b.imo, b.mmsi, b.arrival_ms, &b.source)));
    rows
}
