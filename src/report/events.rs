//! Rows of the behaviour reports (`report gaps`, `report loitering`, `report anomalies`,
//! `report encounters`)
//! under the contract's columns: each event joined with its vessel, its nearest port
//! and the lists that had the vessel listed on its first day, with a stable `event_id`
//! (a hash of its kind, vessel(s) and start, so that an event keeps its id as more data
//! comes, and an open gap keeps it when it closes).

use rustc_hash::FxHashMap;

use super::{Cell, Place, Rows};
use crate::matching::Screen;
use crate::model::ais::{FixRow, rfc3339};
use crate::model::mmsi;
use crate::track::behaviour::{Anomaly, Loiter, ms_hours};
use crate::track::clean::KM_PER_NM;
use crate::track::encounters::Encounter;
use crate::track::gaps::Class;
use crate::track::ports::Gazetteer;
use crate::track::timeline::{Vessel, mid_flag};

pub const GAP_COLUMNS: &[&str] = &[
    "event_id",
    "imo",
    "mmsi",
    "vessel_name",
    "flag",
    "start_utc",
    "end_utc",
    "duration_h",
    "open",
    "start_lat",
    "start_lon",
    "end_lat",
    "end_lon",
    "distance_km",
    "implied_speed_kn",
    "class",
    "neighbours_at_start",
    "neighbours_at_end",
    "draught_start_m",
    "draught_end_m",
    "nearest_port",
    "listed_at_start",
];

pub const LOITER_COLUMNS: &[&str] = &[
    "event_id",
    "imo",
    "mmsi",
    "vessel_name",
    "flag",
    "start_utc",
    "end_utc",
    "duration_h",
    "lat",
    "lon",
    "radius_km",
    "mean_speed_kn",
    "label",
    "nearest_port",
    "distance_to_port_km",
    "draught_start_m",
    "draught_end_m",
    "listed_at_start",
];

pub const ANOMALY_COLUMNS: &[&str] = &[
    "event_id",
    "kind",
    "imo",
    "mmsi",
    "vessel_name",
    "start_utc",
    "end_utc",
    "lat",
    "lon",
    "other_mmsi",
    "other_lat",
    "other_lon",
    "distance_km",
    "vessels",
    "detail",
];

pub const ENCOUNTER_COLUMNS: &[&str] = &[
    "event_id",
    "mmsi_a",
    "imo_a",
    "name_a",
    "mmsi_b",
    "imo_b",
    "name_b",
    "start_utc",
    "end_utc",
    "duration_h",
    "lat",
    "lon",
    "median_distance_m",
    "min_distance_m",
    "median_speed_kn",
    "class",
    "setting",
    "nearest_port",
    "distance_to_port_km",
    "silent_a",
    "silent_b",
    "draught_change_a_m",
    "draught_change_b_m",
    "transfer_like",
    "listed_a",
    "listed_b",
];

/// A vessel's encounters as its profile shows them: from its side, with its partner's
/// identity, listing and port calls around the event.
pub const PARTNER_COLUMNS: &[&str] = &[
    "event_id",
    "start_utc",
    "end_utc",
    "duration_h",
    "lat",
    "lon",
    "median_distance_m",
    "min_distance_m",
    "class",
    "setting",
    "nearest_port",
    "silent",
    "draught_change_m",
    "partner_mmsi",
    "partner_imo",
    "partner_name",
    "partner_flag",
    "partner_listed",
    "partner_silent",
    "partner_draught_change_m",
    "transfer_like",
    "others_at_once",
    "partner_call_before",
    "partner_call_after",
];

/// How far around an event its nearest port is looked for.
pub const NEAREST_PORT_KM: f64 = 100.0;

/// The stable id of an event: its kind, vessel(s) and start.
pub fn event_id(kind: &str, mmsis: &[u32], start_ms: i64) -> String {
    let mut h = blake3::Hasher::new();
    h.update(kind.as_bytes());
    for m in mmsis {
        h.update(&m.to_le_bytes());
    }
    h.update(&start_ms.to_le_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// What the rows of one report are joined with.
pub struct Context<'a> {
    by_mmsi: FxHashMap<u32, &'a Vessel>,
    screen: &'a Screen<'a>,
    ports: &'a Gazetteer,
}

impl<'a> Context<'a> {
    pub fn new(vessels: &'a [Vessel], screen: &'a Screen<'a>, ports: &'a Gazetteer) -> Self {
        let mut by_mmsi = FxHashMap::default();
        for v in vessels {
            for m in v.mmsis() {
                by_mmsi.entry(m).or_insert(v);
            }
        }
        Self { by_mmsi, screen, ports }
    }

    pub fn vessel(&self, mmsi: u32) -> Option<&'a Vessel> {
        self.by_mmsi.get(&mmsi).copied()
    }

    pub fn imo(&self, mmsi: u32) -> Option<&'a str> {
        self.vessel(mmsi).and_then(Vessel::imo)
    }

    /// The lists that had the vessel listed on the day of `ts_ms`.
    pub fn listed_at(&self, mmsi: u32, ts_ms: i64) -> Vec<String> {
        chrono::DateTime::from_timestamp_millis(ts_ms)
            .map(|t| self.screen.listed_on(self.imo(mmsi), Some(mmsi), t.date_naive()))
            .unwrap_or_default()
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    /// The port whose area is nearest (within 100 km), with the distance to its edge.
    pub fn nearest_port(&self, lat: f64, lon: f64) -> Option<(&'a str, f64)> {
        self.ports
            .nearest_edge(lat, lon, NEAREST_PORT_KM)
            .map(|(i, km)| (self.ports.port(i).locode.as_str(), km))
    }

    fn who(&self, mmsi: u32, ts_ms: i64) -> [Cell; 3] {
        let v = self.vessel(mmsi);
        [
            Cell::opt(self.imo(mmsi)),
            Cell::Str(mmsi::digits(mmsi)),
            Cell::opt(v.and_then(|v| v.name_at(Some(mmsi), ts_ms))),
        ]
    }
}

fn num(v: Option<f64>, decimals: usize) -> Cell {
    v.filter(|v| v.is_finite())
        .map_or(Cell::Null, |v| Cell::Num(v, decimals))
}

fn draught(v: Option<f32>) -> Cell {
    num(v.map(f64::from), 1)
}

fn coord(v: f64) -> Cell {
    Cell::Num(v, 5)
}

/// One gap as [`GAP_COLUMNS`] shows it.
#[derive(Debug, Clone)]
pub struct GapLine {
    pub mmsi: u32,
    pub start: FixRow,
    pub end: Option<FixRow>,
    /// The end of the data, for an open gap.
    pub until_ms: i64,
    pub class: Class,
    pub neighbours_at_start: usize,
    pub neighbours_at_end: Option<usize>,
}

impl GapLine {
    pub fn id(&self) -> String {
        event_id("gap", &[self.mmsi], self.start.ts_ms)
    }

    pub fn cells(&self, cx: &Context<'_>) -> Vec<Cell> {
        let s = &self.start;
        let [imo, mmsi, name] = cx.who(self.mmsi, s.ts_ms);
        let hours = ms_hours(self.until_ms - s.ts_ms);
        let km = self
            .end
            .map(|e| crate::model::port::distance_km(s.lat(), s.lon(), e.lat(), e.lon()));
        vec![
            Cell::Str(self.id()),
            imo,
            mmsi,
            name,
            Cell::opt(mid_flag(self.mmsi)),
            Cell::Str(rfc3339(s.ts_ms)),
            Cell::opt(self.end.map(|e| rfc3339(e.ts_ms))),
            Cell::Num(hours, 1),
            Cell::Bool(self.end.is_none()),
            coord(s.lat()),
            coord(s.lon()),
            self.end.map_or(Cell::Null, |e| coord(e.lat())),
            self.end.map_or(Cell::Null, |e| coord(e.lon())),
            num(km, 1),
            num(km.map(|k| k / KM_PER_NM / hours), 1),
            Cell::from(self.class.as_str()),
            Cell::Int(i64::try_from(self.neighbours_at_start).unwrap_or(i64::MAX)),
            self.neighbours_at_end
                .map_or(Cell::Null, |n| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))),
            draught(s.draught_m()),
            draught(self.end.and_then(|e| e.draught_m())),
            Cell::opt(cx.nearest_port(s.lat(), s.lon()).map(|p| p.0)),
            Cell::Str(cx.listed_at(self.mmsi, s.ts_ms).join(";")),
        ]
    }
}

/// Gaps sorted by IMO, MMSI, start.
pub fn gap_rows(mut gaps: Vec<GapLine>, cx: &Context<'_>) -> Rows {
    gaps.sort_by(|a, b| (cx.imo(a.mmsi), a.mmsi, a.start.ts_ms).cmp(&(cx.imo(b.mmsi), b.mmsi, b.start.ts_ms)));
    let mut rows = Rows::new(GAP_COLUMNS);
    for g in &gaps {
        let from = (g.start.lat(), g.start.lon());
        let place = g.end.map_or(Place::Point(from.0, from.1), |e| {
            Place::Line(vec![from, (e.lat(), e.lon())])
        });
        rows.push_at(g.cells(cx), Some(place));
    }
    rows
}

pub fn loiter_id(l: &Loiter) -> String {
    event_id("loitering", &[l.mmsi], l.start_ms)
}

/// Loitering sorted by IMO, MMSI, start.
pub fn loiter_rows(mut loiters: Vec<Loiter>, cx: &Context<'_>) -> Rows {
    loiters.sort_by(|a, b| (cx.imo(a.mmsi), a.mmsi, a.start_ms).cmp(&(cx.imo(b.mmsi), b.mmsi, b.start_ms)));
    let mut rows = Rows::new(LOITER_COLUMNS);
    for l in &loiters {
        let [imo, mmsi, name] = cx.who(l.mmsi, l.start_ms);
        let port = cx.nearest_port(l.lat, l.lon);
        rows.push_at(
            vec![
                Cell::Str(loiter_id(l)),
                imo,
                mmsi,
                name,
                Cell::opt(mid_flag(l.mmsi)),
                Cell::Str(rfc3339(l.start_ms)),
                Cell::Str(rfc3339(l.end_ms)),
                Cell::Num(ms_hours(l.end_ms - l.start_ms), 1),
                coord(l.lat),
                coord(l.lon),
                Cell::Num(l.radius_km, 2),
                Cell::Num(l.mean_speed_kn, 2),
                Cell::from(if l.at_anchor { "at_anchor" } else { "drifting" }),
                Cell::opt(port.map(|p| p.0)),
                num(port.map(|p| p.1), 1),
                draught(l.draught_start_m),
                draught(l.draught_end_m),
                Cell::Str(cx.listed_at(l.mmsi, l.start_ms).join(";")),
            ],
            Some(Place::Point(l.lat, l.lon)),
        );
    }
    rows
}

pub fn anomaly_id(a: &Anomaly) -> String {
    event_id(a.kind.as_str(), &a.vessels, a.start_ms)
}

/// An anomaly's `vessels` cell: every vessel it names, `;`-joined.
pub fn anomaly_vessels(a: &Anomaly) -> String {
    let vessels: Vec<String> = a.vessels.iter().map(|m| mmsi::digits(*m)).collect();
    vessels.join(";")
}

/// Anomalies sorted by IMO, MMSI, start, kind.
pub fn anomaly_rows(anomalies: &[Anomaly], cx: &Context<'_>) -> Rows {
    let joined: Vec<String> = anomalies.iter().map(anomaly_vessels).collect();
    anomaly_rows_of(anomalies.iter().zip(joined.iter().map(String::as_str)).collect(), cx)
}

/// [`anomaly_rows`] with each anomaly's `vessels` cell given: an interference area
/// naming thousands of vessels is in each one's profile, and is joined once.
pub fn anomaly_rows_of(mut anomalies: Vec<(&Anomaly, &str)>, cx: &Context<'_>) -> Rows {
    anomalies.sort_by(|(a, _), (b, _)| {
        (cx.imo(a.mmsi), a.mmsi, a.start_ms, a.kind).cmp(&(cx.imo(b.mmsi), b.mmsi, b.start_ms, b.kind))
    });
    let mut rows = Rows::new(ANOMALY_COLUMNS);
    for (a, vessels) in anomalies {
        let [imo, mmsi, name] = cx.who(a.mmsi, a.start_ms);
        let place = a
            .other
            .map_or(Place::Point(a.lat, a.lon), |o| Place::Line(vec![(a.lat, a.lon), o]));
        rows.push_at(
            vec![
                Cell::Str(anomaly_id(a)),
                Cell::from(a.kind.as_str()),
                imo,
                mmsi,
                name,
                Cell::Str(rfc3339(a.start_ms)),
                Cell::Str(rfc3339(a.end_ms)),
                coord(a.lat),
                coord(a.lon),
                Cell::opt(a.other_mmsi.map(mmsi::digits)),
                a.other.map_or(Cell::Null, |o| coord(o.0)),
                a.other.map_or(Cell::Null, |o| coord(o.1)),
                num(a.distance_km, 1),
                Cell::from(vessels),
                Cell::Str(a.detail.clone()),
            ],
            Some(place),
        );
    }
    rows
}

pub fn encounter_id(e: &Encounter) -> String {
    event_id("encounter", &[e.a, e.b], e.start_ms)
}

/// A change in decimetres, in metres.
fn change_m(dm: Option<i32>) -> Cell {
    num(dm.map(|d| f64::from(d) / 10.0), 1)
}

/// Encounters sorted by start, then `a`, then `b`.
pub fn encounter_rows(mut encounters: Vec<Encounter>, cx: &Context<'_>) -> Rows {
    encounters.sort_by_key(|e| (e.start_ms, e.a, e.b));
    let mut rows = Rows::new(ENCOUNTER_COLUMNS);
    for e in &encounters {
        let [imo_a, mmsi_a, name_a] = cx.who(e.a, e.start_ms);
        let [imo_b, mmsi_b, name_b] = cx.who(e.b, e.start_ms);
        let port = cx.nearest_port(e.lat, e.lon);
        rows.push_at(
            vec![
                Cell::Str(encounter_id(e)),
                mmsi_a,
                imo_a,
                name_a,
                mmsi_b,
                imo_b,
                name_b,
                Cell::Str(rfc3339(e.start_ms)),
                Cell::Str(rfc3339(e.end_ms)),
                Cell::Num(ms_hours(e.end_ms - e.start_ms), 1),
                coord(e.lat),
                coord(e.lon),
                Cell::Num(e.median_distance_m, 0),
                Cell::Num(e.min_distance_m, 0),
                Cell::Num(e.median_speed_kn, 2),
                Cell::from(e.class()),
                Cell::from(e.setting()),
                Cell::opt(port.map(|p| p.0)),
                num(port.map(|p| p.1), 1),
                Cell::Bool(e.silent_a),
                Cell::Bool(e.silent_b),
                change_m(e.draught_change_a_dm),
                change_m(e.draught_change_b_dm),
                Cell::Bool(e.transfer_like()),
                Cell::Str(cx.listed_at(e.a, e.start_ms).join(";")),
                Cell::Str(cx.listed_at(e.b, e.start_ms).join(";")),
            ],
            Some(Place::Point(e.lat, e.lon)),
        );
    }
    rows
}

/// A port call of an encounter's partner: where, arriving and leaving when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerCall {
    pub locode: String,
    pub arrival_ms: i64,
    pub departure_ms: Option<i64>,
}

/// The encounters of the vessel of `mine` (its MMSIs) from its side, sorted by start;
/// `calls_of` gives a partner's port calls (by its MMSI). `others_at_once` counts the
/// vessel's other encounters that overlap one in time: a crowd (an anchorage), not a
/// pair alone.
pub fn partner_rows(
    mut encounters: Vec<Encounter>,
    mine: &[u32],
    calls_of: &dyn Fn(u32) -> Vec<PartnerCall>,
    cx: &Context<'_>,
) -> Rows {
    encounters.sort_by_key(|e| (e.start_ms, e.a, e.b));
    let mut rows = Rows::new(PARTNER_COLUMNS);
    for e in &encounters {
        let ours_is_a = mine.contains(&e.a);
        let (partner, silent, partner_silent, change, partner_change) = if ours_is_a {
            (
                e.b,
                e.silent_a,
                e.silent_b,
                e.draught_change_a_dm,
                e.draught_change_b_dm,
            )
        } else {
            (
                e.a,
                e.silent_b,
                e.silent_a,
                e.draught_change_b_dm,
                e.draught_change_a_dm,
            )
        };
        let [imo, mmsi, name] = cx.who(partner, e.start_ms);
        let others = encounters
            .iter()
            .filter(|o| !std::ptr::eq(*o, e) && o.start_ms <= e.end_ms && o.end_ms >= e.start_ms)
            .count();
        let calls = calls_of(partner);
        let before = calls
            .iter()
            .filter(|c| c.departure_ms.unwrap_or(c.arrival_ms) <= e.start_ms)
            .max_by_key(|c| c.departure_ms.unwrap_or(c.arrival_ms))
            .map(|c| format!("{} {}", c.locode, rfc3339(c.departure_ms.unwrap_or(c.arrival_ms))));
        let after = calls
            .iter()
            .filter(|c| c.arrival_ms >= e.end_ms)
            .min_by_key(|c| c.arrival_ms)
            .map(|c| format!("{} {}", c.locode, rfc3339(c.arrival_ms)));
        rows.push(vec![
            Cell::Str(encounter_id(e)),
            Cell::Str(rfc3339(e.start_ms)),
            Cell::Str(rfc3339(e.end_ms)),
            Cell::Num(ms_hours(e.end_ms - e.start_ms), 1),
            coord(e.lat),
            coord(e.lon),
            Cell::Num(e.median_distance_m, 0),
            Cell::Num(e.min_distance_m, 0),
            Cell::from(e.class()),
            Cell::from(e.setting()),
            Cell::opt(cx.nearest_port(e.lat, e.lon).map(|p| p.0)),
            Cell::Bool(silent),
            change_m(change),
            mmsi,
            imo,
            name,
            Cell::opt(mid_flag(partner)),
            Cell::Str(cx.listed_at(partner, e.start_ms).join(";")),
            Cell::Bool(partner_silent),
            change_m(partner_change),
            Cell::Bool(e.transfer_like()),
            Cell::Int(i64::try_from(others).unwrap_or(i64::MAX)),
            Cell::opt(before),
            Cell::opt(after),
        ]);
    }
    rows
}
