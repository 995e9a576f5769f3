//! Rows of `report port-calls`: each call detected or reported, joined with its vessel,
//! under the contract's columns, with its duration, draught change and the lists that
//! had the vessel listed on the arrival date; sorted by IMO, MMSI, arrival, source.

use super::{Cell, Place, Rows};
use crate::matching::Screen;
use crate::model::ais::rfc3339;
use crate::model::portcall::PortCallRecord;
use crate::track::portcalls::Call;
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

    /// The draught at departure less the draught at arrival (loading +, discharging -).
    pub fn draught_change_m(&self) -> Option<f32> {
        self.draught.0.zip(self.draught.1).map(|(a, d)| d - a)
    }

    pub fn duration_h(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss, reason = "milliseconds of a port stay")]
        self.departure_ms.map(|d| (d - self.arrival_ms) as f64 / 3_600_000.0)
    }

    /// The day of arrival (UTC).
    pub fn arrival_day(&self) -> Option<chrono::NaiveDate> {
        chrono::DateTime::from_timestamp_millis(self.arrival_ms).map(|t| t.date_naive())
    }

    /// The lists that had the vessel listed on the arrival date, with their listing dates.
    pub fn listed_at_arrival(&self, screen: &Screen<'_>) -> Vec<(String, chrono::NaiveDate)> {
        self.arrival_day()
            .map(|day| screen.listed_on(self.imo.as_deref(), self.mmsi, day))
            .unwrap_or_default()
    }

    /// The call as a row of `COLUMNS`, for the vessel it belongs to (if ingested).
    pub fn cells(&self, vessel: Option<&Vessel>, screen: &Screen<'_>) -> Vec<Cell> {
        let listed: Vec<String> = self.listed_at_arrival(screen).into_iter().map(|(l, _)| l).collect();
        let f32_cell = |v: Option<f32>| v.map_or(Cell::Null, |v| Cell::Num(f64::from(v), 1));
        vec![
            Cell::opt(self.imo.clone()),
            super::identity::mmsi_cell(self.mmsi),
            Cell::opt(
                vessel
                    .and_then(|v| v.name_at(self.mmsi, self.arrival_ms))
                    .map(str::to_string),
            ),
            Cell::opt(self.mmsi.and_then(mid_flag)),
            Cell::from(self.locode.as_str()),
            Cell::from(self.name.as_str()),
            Cell::from(self.country.as_str()),
            Cell::from(rfc3339(self.arrival_ms)),
            Cell::opt(self.departure_ms.map(rfc3339)),
            self.duration_h().map_or(Cell::Null, |h| Cell::Num(h, 1)),
            f32_cell(self.draught.0),
            f32_cell(self.draught.1),
            f32_cell(self.draught_change_m()),
            self.positions.map_or(Cell::Null, |p| Cell::Int(i64::from(p))),
            Cell::from(self.confidence.as_str()),
            Cell::from(listed.join(";")),
            Cell::from(self.source.as_str()),
        ]
    }
}

/// The table of calls, each placed at its port's point (of the gazetteer `ports`).
pub fn call_rows<'c>(
    calls: impl Iterator<Item = (&'c CallRow, Option<&'c Vessel>)>,
    screen: &Screen<'_>,
    ports: &Gazetteer,
) -> Rows {
    let mut rows = Rows::new(COLUMNS);
    for (call, vessel) in calls {
        let place = ports.get(&call.locode).map(|p| Place::Point(p.lat, p.lon));
        rows.push_at(call.cells(vessel, screen), place);
    }
    rows
}

/// The calls `detected` and the port-call `records`, joined with the `vessels` they
/// belong to, sorted by IMO, MMSI, arrival, source.
pub fn collect(
    detected: Vec<Call>,
    records: Vec<PortCallRecord>,
    ports: &Gazetteer,
    vessels: &[Vessel],
) -> Vec<CallRow> {
    let mut of_mmsi: rustc_hash::FxHashMap<u32, &Vessel> = rustc_hash::FxHashMap::default();
    for v in vessels {
        for m in v.mmsis() {
            of_mmsi.entry(m).or_insert(v);
        }
    }
    let by_mmsi = |m: u32| of_mmsi.get(&m).copied();
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
