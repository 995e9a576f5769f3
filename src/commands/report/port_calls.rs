//! `fleetwatch report port-calls`: calls detected from the stored positions, beside the
//! port-call records ingested from other providers, joined with identities and with the
//! lists that had the vessel listed on the arrival date.

use std::io::Write;

use anyhow::Context;
use chrono::DateTime;

use super::{Loaded, is_listed, vessel_matches};
use crate::cli::PortCallArgs;
use crate::error::{Outcome, UserError};
use crate::matching::Screen;
use crate::model::ais::{Fixes, rfc3339};
use crate::report::{Cell, Rows};
use crate::settings::{Filters, Settings};
use crate::store::data::DataStore;
use crate::track::portcalls::{Params, detect_all};
use crate::track::ports::Gazetteer;
use crate::track::timeline::{Vessel, mid_flag};

pub const COLUMNS: &[&str] = &[
    "imo",
    "mmsi",
    "vessel_name",
    "flag",
    "port_locode",
    "port_name",
    "port_country",
    "arrival_utc",
    "departure_utc",
    "duration_h",
    "draught_arrival_m",
    "draught_departure_m",
    "draught_change_m",
    "positions",
    "confidence",
    "listed_at_arrival",
    "source",
];

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

/// The bundled gazetteer, or the one `--ports` names.
fn gazetteer(args: &PortCallArgs) -> anyhow::Result<Gazetteer> {
    Ok(match &args.ports {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Gazetteer::from_csv(&text).with_context(|| format!("{} is not a port list", path.display()))?
        }
        None => Gazetteer::bundled(),
    })
}

/// The stored positions of the days in the filter window, with a margin of two days for
/// calls across its edges, sorted by (MMSI, time).
fn load_fixes(store: &DataStore, filters: &Filters) -> anyhow::Result<Fixes> {
    let margin = 86_400_000 * 2;
    let mut fixes = Fixes::default();
    for day in store.manifest.positions.keys() {
        let day_ms = day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp_millis());
        let wanted = filters.since_ms.is_none_or(|s| day_ms + 86_400_000 + margin > s)
            && filters.until_ms.is_none_or(|u| day_ms - margin <= u);
        if wanted {
            fixes.append(&mut store.positions_of_day(*day)?);
        }
    }
    fixes.sort_dedup();
    Ok(fixes)
}

/// The lists in force that had the vessel listed on the day of `arrival_ms`, `;`-joined.
fn listed_at(screen: &Screen<'_>, imo: Option<&str>, mmsi: Option<u32>, arrival_ms: i64) -> String {
    let mmsis: Vec<u32> = mmsi.into_iter().collect();
    let arrival_day = DateTime::from_timestamp_millis(arrival_ms).map(|t| t.date_naive());
    let mut listed: Vec<&str> = screen
        .vessel_listings(imo, &mmsis, &[], 1.0)
        .iter()
        .flat_map(|h| h.listings.iter())
        .filter(|(_, e)| e.listed_on.zip(arrival_day).is_some_and(|(on, day)| on <= day))
        .map(|(l, _)| l.source.as_str())
        .collect();
    listed.sort_unstable();
    listed.dedup();
    listed.join(";")
}

/// One call, detected or reported, before it becomes a row.
struct Row {
    imo: Option<String>,
    mmsi: Option<u32>,
    locode: String,
    name: String,
    country: String,
    arrival_ms: i64,
    departure_ms: Option<i64>,
    draught: (Option<f32>, Option<f32>),
    positions: Option<u32>,
    confidence: String,
    source: String,
}

pub fn run(settings: &Settings, args: &PortCallArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let filters = Filters::resolve(&args.filters)?;
    let params = params(args)?;
    let ports = gazetteer(args)?;
    let store = DataStore::open(&settings.data_dir)?;
    let loaded = Loaded::open(settings)?;
    let screen = Screen::new(&loaded.lists);

    let fixes = load_fixes(&store, &filters)?;

    let by_mmsi = |m: u32| loaded.vessels.iter().find(|v| v.mmsis().contains(&m));
    let mut rows: Vec<Row> = detect_all(&fixes.rows, &ports, &params)
        .into_iter()
        .map(|c| {
            let p = ports.port(c.port);
            Row {
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
    for r in store.port_call_records()? {
        let port = ports.get(&r.port);
        rows.push(Row {
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
            source: r.source.clone(),
        });
    }

    let mut table = Rows::new(COLUMNS);
    rows.sort_by(|a, b| (&a.imo, a.mmsi, a.arrival_ms, &a.source).cmp(&(&b.imo, b.mmsi, b.arrival_ms, &b.source)));
    for r in rows {
        let vessel = r
            .imo
            .as_deref()
            .and_then(|i| loaded.vessels.iter().find(|v| v.imo() == Some(i)))
            .or_else(|| r.mmsi.and_then(by_mmsi));
        if !filters.in_window(r.arrival_ms)
            || filters.port.as_ref().is_some_and(|p| *p != r.locode)
            || filters.country.as_ref().is_some_and(|c| *c != r.country)
        {
            continue;
        }
        if let Some(q) = &filters.vessel
            && !vessel.is_some_and(|v| vessel_matches(v, q))
        {
            continue;
        }
        if filters.listed_only && !vessel.is_some_and(|v| is_listed(&screen, v)) {
            continue;
        }
        let listed = listed_at(&screen, r.imo.as_deref(), r.mmsi, r.arrival_ms);
        let f32_cell = |v: Option<f32>| v.map_or(Cell::Null, |v| Cell::Num(f64::from(v), 1));
        table.push(vec![
            Cell::opt(r.imo.clone()),
            r.mmsi.map_or(Cell::Null, |m| Cell::Str(format!("{m:09}"))),
            Cell::opt(vessel.and_then(|v| v.name_at(r.mmsi, r.arrival_ms)).map(str::to_string)),
            Cell::opt(r.mmsi.and_then(mid_flag)),
            Cell::from(r.locode.as_str()),
            Cell::from(r.name.as_str()),
            Cell::from(r.country.as_str()),
            Cell::from(rfc3339(r.arrival_ms)),
            Cell::opt(r.departure_ms.map(rfc3339)),
            r.departure_ms.map_or(Cell::Null, |d| {
                #[allow(clippy::cast_precision_loss, reason = "milliseconds of a port stay")]
                let h = (d - r.arrival_ms) as f64 / 3_600_000.0;
                Cell::Num(h, 1)
            }),
            f32_cell(r.draught.0),
            f32_cell(r.draught.1),
            f32_cell(r.draught.0.zip(r.draught.1).map(|(a, d)| d - a)),
            r.positions.map_or(Cell::Null, |p| Cell::Int(i64::from(p))),
            Cell::from(r.confidence.as_str()),
            Cell::from(listed),
            Cell::from(r.source.as_str()),
        ]);
    }
    table.write(settings.format, out)?;
    Ok(Outcome::Success)
}
