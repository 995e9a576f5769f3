//! The evidence that tells a vessel gone dark from a receiver that was not listening:
//! the other vessels heard near each end of a gap, before and during it, and whether
//! those heard just before fell silent together; and the class each gap takes from it.
//! Gap ends are indexed by grid cell and 3-hour slot, and every fix of every vessel is
//! looked up once. No I/O.

use rustc_hash::{FxHashMap, FxHashSet};

use super::behaviour::Gap;
use super::ports::Gazetteer;
use crate::model::ais::FixRow;
use crate::model::port::{KM_PER_DEG, within_km};

const H: i64 = 3_600_000;
/// Vessels heard in these hours before a gap tell whether the area has traffic enough.
const TRAFFIC_BEFORE_MS: i64 = 6 * H;
/// Vessels heard in this hour before a gap, most of them falling silent within minutes
/// of its start, are a receiver or feed outage.
const OUTAGE_BEFORE_MS: i64 = H;
pub const OUTAGE_WITHIN_MS: i64 = 10 * 60_000;
/// Fewer other vessels than this heard near the start: too little traffic to tell.
pub const MIN_TRAFFIC: usize = 3;
/// Other vessels within this distance of a gap's ends are its neighbours.
pub const DEFAULT_NEIGHBOUR_KM: f64 = 20.0;
/// The evidence of a silence is looked for over its first and its last 48 hours (a
/// long gap's middle tells nothing more about the receivers at its ends, and would
/// make the index as long as the gap).
pub const EVIDENCE_SPAN_MS: i64 = 48 * H;
/// Time slots of the index.
const SLOT_MS: i64 = 3 * H;

/// A gap's class, the first that applies in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    InPort,
    Unknown,
    Coverage,
    Unexplained,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPort => "in_port",
            Self::Unknown => "unknown",
            Self::Coverage => "coverage",
            Self::Unexplained => "unexplained",
        }
    }
}

/// What other vessels showed around one gap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Other vessels heard near the start position during the silence.
    pub at_start: usize,
    /// Near the end position during the silence (an open gap has none).
    pub at_end: usize,
    /// Near the start in the 6 hours before it.
    pub traffic_before: usize,
    /// Near the start in the hour before it, and of those how many fell silent within
    /// 10 minutes of its start.
    pub heard_last_hour: usize,
    pub fell_silent: usize,
}

impl Evidence {
    /// A receiver or feed outage: most of the vessels heard near the start in the hour
    /// before fell silent with it.
    pub fn outage(&self) -> bool {
        self.heard_last_hour > 0 && self.fell_silent * 2 > self.heard_last_hour
    }
}

/// A gap with its vessel, as the evidence is gathered for it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Silence {
    pub mmsi: u32,
    pub gap: Gap,
    /// The end of the silence: its closing fix, or the end of the data (open).
    pub until_ms: i64,
}

/// The class of a gap from its evidence: `in_port` when it starts and ends in the same
/// port area (an open gap: starts in one), `unknown` with too little traffic before it,
/// `coverage` when nothing was heard near either end during it or the vessels heard
/// just before fell silent together, else `unexplained`.
pub fn classify(gap: &Gap, evidence: &Evidence, ports: &Gazetteer) -> Class {
    let port_of = |f: &FixRow| ports.locate(f.lat(), f.lon(), 0.0).map(|p| p.0);
    let start_port = port_of(&gap.start);
    if start_port.is_some() && gap.end.as_ref().is_none_or(|e| port_of(e) == start_port) {
        return Class::InPort;
    }
    if evidence.traffic_before < MIN_TRAFFIC {
        return Class::Unknown;
    }
    if evidence.at_start == 0 || (gap.end.is_some() && evidence.at_end == 0) || evidence.outage() {
        return Class::Coverage;
    }
    Class::Unexplained
}

/// The flat distance in km from a probe to a position near it (`kx`: the probe's km
/// per degree of longitude).
fn flat_km(e: &Entry, lat: f64, lon: f64) -> f64 {
    let (dx, dy) = ((lon - e.lon) * e.kx, (lat - e.lat) * KM_PER_DEG);
    (dx * dx + dy * dy).sqrt()
}

/// Which end of which gap a probe stands for.
#[derive(Debug, Clone, Copy)]
struct Probe {
    gap: u32,
    at_end: bool,
}

/// What a fix near a probe counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Heard {
    During,
    Before6h,
    Before1h,
}

/// A probe as a cell of the index lists it: what a run of fixes is checked against,
/// without reaching into the probes and the gaps.
#[derive(Debug, Clone, Copy)]
struct Entry {
    probe: u32,
    /// The gap's vessel (its own fixes are not its neighbours).
    mmsi: u32,
    at_end: bool,
    start_ms: i64,
    until_ms: i64,
    lat: f64,
    lon: f64,
    kx: f64,
}

/// The gaps' ends, by cell and time slot.
pub struct Index<'g> {
    silences: &'g [Silence],
    probes: Vec<Probe>,
    cells: FxHashMap<(i32, i32, i64), Vec<Entry>>,
    km: f64,
    cell_deg: f64,
}

impl<'g> Index<'g> {
    /// Indexes the start of every gap (over the 6 hours before it and the silence's first
    /// 48 hours) and the end of every closed gap (over the silence's last 48 hours),
    /// `neighbour_km` around.
    pub fn new(silences: &'g [Silence], neighbour_km: f64) -> Self {
        let cell_deg = (neighbour_km / KM_PER_DEG).max(0.01);
        let mut index = Self {
            silences,
            probes: Vec::new(),
            cells: FxHashMap::default(),
            km: neighbour_km,
            cell_deg,
        };
        for (g, s) in silences.iter().enumerate() {
            #[allow(clippy::cast_possible_truncation, reason = "gaps fit u32")]
            let g = g as u32;
            let start = &s.gap.start;
            index.add(
                Probe { gap: g, at_end: false },
                (start.lat(), start.lon()),
                start.ts_ms - TRAFFIC_BEFORE_MS,
                s.until_ms.min(start.ts_ms + EVIDENCE_SPAN_MS),
            );
            if let Some(end) = &s.gap.end {
                index.add(
                    Probe { gap: g, at_end: true },
                    (end.lat(), end.lon()),
                    start.ts_ms.max(s.until_ms - EVIDENCE_SPAN_MS),
                    s.until_ms,
                );
            }
        }
        index
    }

    #[allow(clippy::cast_possible_truncation, reason = "degrees over a cell size fit i32")]
    fn cell(&self, lat: f64, lon: f64) -> (i32, i32) {
        (
            (lat / self.cell_deg).floor() as i32,
            (lon / self.cell_deg).floor() as i32,
        )
    }

    fn add(&mut self, probe: Probe, (lat, lon): (f64, f64), from_ms: i64, to_ms: i64) {
        #[allow(clippy::cast_possible_truncation, reason = "probes fit u32")]
        let p = self.probes.len() as u32;
        let s = &self.silences[probe.gap as usize];
        let entry = Entry {
            probe: p,
            mmsi: s.mmsi,
            at_end: probe.at_end,
            start_ms: s.gap.start.ts_ms,
            until_ms: s.until_ms,
            lat,
            lon,
            kx: KM_PER_DEG * lat.to_radians().cos(),
        };
        let dlat = self.km / KM_PER_DEG;
        let dlon = (self.km / (KM_PER_DEG * lat.to_radians().cos().max(0.01))).min(180.0);
        let (r0, c0) = self.cell(lat - dlat, lon - dlon);
        let (r1, c1) = self.cell(lat + dlat, lon + dlon);
        for row in r0..=r1 {
            for col in c0..=c1 {
                for slot in from_ms.div_euclid(SLOT_MS)..=to_ms.div_euclid(SLOT_MS) {
                    self.cells.entry((row, col, slot)).or_default().push(entry);
                }
            }
        }
        self.probes.push(probe);
    }

    /// What a fix at `ts_ms` counts as for a probe (`None`: nothing). In time order the
    /// answers run nothing, 6 hours before, the hour before, during, nothing: a run of
    /// fixes whose first and last answer alike all answer so.
    fn heard_as(e: &Entry, ts_ms: i64) -> Option<Heard> {
        let during = if e.at_end {
            ts_ms >= e.until_ms - EVIDENCE_SPAN_MS
        } else {
            ts_ms <= e.start_ms + EVIDENCE_SPAN_MS
        };
        if ts_ms > e.start_ms && ts_ms < e.until_ms && during {
            Some(Heard::During)
        } else if e.at_end || ts_ms > e.start_ms || ts_ms < e.start_ms - TRAFFIC_BEFORE_MS {
            None
        } else if ts_ms >= e.start_ms - OUTAGE_BEFORE_MS {
            Some(Heard::Before1h)
        } else {
            Some(Heard::Before6h)
        }
    }

    /// Whether a position is within the neighbour distance of a probe: a flat distance
    /// first (within 0.2% of the great circle at this range), the great circle when the
    /// flat one is too near the limit to tell.
    fn near(&self, e: &Entry, lat: f64, lon: f64) -> bool {
        let flat = flat_km(e, lat, lon);
        if flat < self.km * 0.998 {
            return true;
        }
        if flat > self.km * 1.002 {
            return false;
        }
        within_km(e.lat, e.lon, lat, lon, self.km).is_some()
    }

    /// What the fixes of some vessels (sorted by MMSI) were heard as, near which gap
    /// ends: (probe, heard as, MMSI), each once. A vessel's fixes go by runs in one cell
    /// and time slot: a run whose box lies wholly inside (or outside) a probe's circle,
    /// and whose first and last fix are heard alike, is decided at once; the others fix
    /// by fix, until the probe has heard the vessel.
    pub fn hear(&self, rows: &[FixRow]) -> Vec<(u32, Heard, u32)> {
        let mut out: Vec<(u32, Heard, u32)> = Vec::new();
        // What each probe has heard of this vessel: a bit per kind, cleared between
        // vessels through the list of the probes touched.
        let mut found: Vec<u8> = vec![0; self.probes.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut hear = |p: u32, h: Heard, mmsi: u32, found: &mut Vec<u8>, touched: &mut Vec<u32>| {
            if found[p as usize] == 0 {
                touched.push(p);
            }
            found[p as usize] |= 1 << (h as u8);
            out.push((p, h, mmsi));
        };
        let has = |found: &[u8], p: u32, h: Heard| found[p as usize] & (1 << (h as u8)) != 0;
        for vessel in rows.chunk_by(|a, b| a.mmsi == b.mmsi) {
            for p in touched.drain(..) {
                found[p as usize] = 0;
            }
            let mmsi = vessel[0].mmsi;
            let key = |f: &FixRow| {
                let (row, col) = self.cell(f.lat(), f.lon());
                (row, col, f.ts_ms.div_euclid(SLOT_MS))
            };
            let mut from = 0;
            while from < vessel.len() {
                let here = key(&vessel[from]);
                let to = from + vessel[from..].iter().take_while(|f| key(f) == here).count();
                let run = &vessel[from..to];
                from = to;
                let Some(probes) = self.cells.get(&here) else {
                    continue;
                };
                let (mut lat0, mut lat1, mut lon0, mut lon1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
                for f in run {
                    (lat0, lat1) = (lat0.min(f.lat()), lat1.max(f.lat()));
                    (lon0, lon1) = (lon0.min(f.lon()), lon1.max(f.lon()));
                }
                let (t0, t1) = (run[0].ts_ms, run[run.len() - 1].ts_ms);
                for e in probes {
                    if e.mmsi == mmsi {
                        continue;
                    }
                    let (h0, h1) = (Self::heard_as(e, t0), Self::heard_as(e, t1));
                    if h0.is_none() && h1.is_none() {
                        continue;
                    }
                    let p = e.probe;
                    if h0 == h1 && h0.is_some_and(|h| has(&found, p, h)) {
                        continue;
                    }
                    // The box's nearest and farthest points from the probe.
                    let nearest = flat_km(e, e.lat.clamp(lat0, lat1), e.lon.clamp(lon0, lon1));
                    if nearest > self.km * 1.002 + 0.05 {
                        continue;
                    }
                    let farthest = [(lat0, lon0), (lat0, lon1), (lat1, lon0), (lat1, lon1)]
                        .iter()
                        .map(|&(la, lo)| flat_km(e, la, lo))
                        .fold(0.0, f64::max);
                    if let (Some(h), true) = (h0, h0 == h1 && farthest < self.km * 0.998 - 0.05) {
                        hear(p, h, mmsi, &mut found, &mut touched);
                        continue;
                    }
                    for f in run {
                        let Some(h) = Self::heard_as(e, f.ts_ms) else {
                            continue;
                        };
                        if !has(&found, p, h) && self.near(e, f.lat(), f.lon()) {
                            hear(p, h, mmsi, &mut found, &mut touched);
                        }
                    }
                }
            }
        }
        out
    }

    /// The evidence of every gap from what the fixes were heard as, and `silent_at`: the
    /// times other vessels fell silent (by MMSI, sorted).
    pub fn evidence(&self, heard: Vec<(u32, Heard, u32)>, silent_at: &FxHashMap<u32, Vec<i64>>) -> Vec<Evidence> {
        let mut heard = heard;
        heard.sort_unstable();
        heard.dedup();
        let mut out = vec![Evidence::default(); self.silences.len()];
        // The vessels heard near a start in the 6 hours before it, counted once.
        let mut before: FxHashSet<(u32, u32)> = FxHashSet::default();
        let mut last_hour: FxHashSet<(u32, u32)> = FxHashSet::default();
        for (p, h, mmsi) in heard {
            let probe = &self.probes[p as usize];
            let e = &mut out[probe.gap as usize];
            match h {
                Heard::During if probe.at_end => e.at_end += 1,
                Heard::During => e.at_start += 1,
                Heard::Before1h | Heard::Before6h => {
                    before.insert((probe.gap, mmsi));
                    if h == Heard::Before1h {
                        last_hour.insert((probe.gap, mmsi));
                    }
                }
            }
        }
        for (g, _) in before {
            out[g as usize].traffic_before += 1;
        }
        for (g, mmsi) in last_hour {
            let start = self.silences[g as usize].gap.start.ts_ms;
            let e = &mut out[g as usize];
            e.heard_last_hour += 1;
            let fell = silent_at.get(&mmsi).is_some_and(|times| {
                let from = times.partition_point(|t| *t < start - OUTAGE_WITHIN_MS);
                times.get(from).is_some_and(|t| *t <= start + OUTAGE_WITHIN_MS)
            });
            if fell {
                e.fell_silent += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;
    use crate::model::port::Port;

    const MIN: i64 = 60_000;

    fn fix(mmsi: u32, minute: i64, north_km: f64) -> FixRow {
        FixRow::from(Fix {
            mmsi,
            ts_ms: minute * MIN,
            lat: 56.0 + north_km / KM_PER_DEG,
            lon: 18.0,
            sog_kn: Some(5.0),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: None,
        })
    }

    fn far_port() -> Gazetteer {
        Gazetteer::new(vec![Port::point("XXFAR", "Far", 50.0, 10.0, 3.0)])
    }

    /// A gap of vessel 1 at the origin from minute 600 to 840.
    fn silence() -> Silence {
        Silence {
            mmsi: 1,
            gap: Gap {
                start: fix(1, 600, 0.0),
                end: Some(fix(1, 840, 0.0)),
            },
            until_ms: 840 * MIN,
        }
    }

    fn evidence(others: &[FixRow], silent_at: &[(u32, i64)]) -> Evidence {
        let silences = [silence()];
        let index = Index::new(&silences, DEFAULT_NEIGHBOUR_KM);
        let mut rows = others.to_vec();
        rows.sort_by_key(|f| (f.mmsi, f.ts_ms));
        let mut at: FxHashMap<u32, Vec<i64>> = FxHashMap::default();
        for (m, minute) in silent_at {
            at.entry(*m).or_default().push(minute * MIN);
        }
        index.evidence(index.hear(&rows), &at)[0]
    }

    #[test]
    fn a_neighbour_is_within_twenty_km() {
        let near = evidence(&[fix(2, 700, 19.99)], &[]);
        assert_eq!((near.at_start, near.at_end), (1, 1));
        let far = evidence(&[fix(2, 700, 20.01)], &[]);
        assert_eq!((far.at_start, far.at_end), (0, 0));
    }

    #[test]
    fn traffic_is_counted_over_the_six_hours_before() {
        let e = evidence(&[fix(2, 240, 1.0), fix(3, 239, 1.0), fix(2, 250, 1.0)], &[]);
        assert_eq!(e.traffic_before, 1, "minute 240 is 6 h before; 239 is not");
        let g = silence().gap;
        let three = Evidence {
            traffic_before: MIN_TRAFFIC,
            at_start: 1,
            at_end: 1,
            ..Evidence::default()
        };
        assert_eq!(classify(&g, &three, &far_port()), Class::Unexplained);
        let two = Evidence {
            traffic_before: MIN_TRAFFIC - 1,
            ..three
        };
        assert_eq!(classify(&g, &two, &far_port()), Class::Unknown);
        let silent_end = Evidence { at_end: 0, ..three };
        assert_eq!(classify(&g, &silent_end, &far_port()), Class::Coverage);
    }

    #[test]
    fn an_outage_is_most_of_the_last_hour_falling_silent_within_ten_minutes() {
        let heard: Vec<FixRow> = (2..=5).map(|m| fix(m, 590, 1.0)).collect();
        // 3 of 4 fell silent within 10 minutes of minute 600: an outage.
        let e = evidence(&heard, &[(2, 590), (3, 610), (4, 605)]);
        assert_eq!((e.heard_last_hour, e.fell_silent), (4, 3));
        assert!(e.outage());
        // At 11 minutes it is not together; 2 of 4 is not most.
        let e = evidence(&heard, &[(2, 590), (3, 611), (4, 605)]);
        assert_eq!(e.fell_silent, 2);
        assert!(!e.outage());
    }

    #[test]
    fn a_gap_in_one_port_area_is_in_port_and_one_between_two_is_not() {
        let here = Gazetteer::new(vec![Port::point("XXHER", "Here", 56.0, 18.0, 3.0)]);
        let g = silence().gap;
        assert_eq!(classify(&g, &Evidence::default(), &here), Class::InPort);
        let left = Gap {
            end: Some(fix(1, 840, 10.0)),
            ..g
        };
        assert_eq!(classify(&left, &Evidence::default(), &here), Class::Unknown);
        let open = Gap { end: None, ..g };
        assert_eq!(
            classify(&open, &Evidence::default(), &here),
            Class::InPort,
            "from its start alone"
        );
    }
}
