//! Synthetic tanker voyages with known port calls, for measuring port-call detection:
//! tankers shuttle between real ports of one sea (Gulf of Finland, Black Sea, west coast
//! of India), loading or discharging, with the situations that fool a naive detector —
//! waits at anchor outside the port, fast transits past a port, loitering at sea, stops
//! shorter than the minimum, long AIS silences during a berth stay, single outlying
//! fixes; and, for the behaviour reports, 8 hours dark at sea 45 km off a port and
//! pairs of tankers meeting at sea for a transfer (one pair per 50 tankers). The truth
//! lists the real calls.

use super::Rng;
use crate::model::ais::{Fix, Fixes};
use crate::model::port::{Port, distance_km};
use crate::track::ports::Gazetteer;

/// A real call of the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct TrueCall {
    pub mmsi: u32,
    pub locode: String,
    /// The first and last reported fix inside the port's radius.
    pub arrival_ms: i64,
    pub departure_ms: i64,
}

/// The seas and the ports the tankers shuttle between (UN/LOCODEs of the bundled
/// gazetteer), each with the bearing from the port to open water: ships come and go
/// that way, and sail between those sea points, so that the legs stay on the water.
const SEAS: &[&[(&str, f64)]] = &[
    &[("RUPRI", 200.0), ("RUULU", 330.0), ("RUVYS", 215.0), ("RULED", 270.0)],
    &[("RUNVS", 200.0), ("RUTUA", 225.0)],
    &[("INSIK", 340.0), ("INVAD", 10.0)],
];

/// Knots to kilometres per millisecond.
const KN_KM_PER_MS: f64 = 1.852 / 3_600_000.0;

struct Track<'a> {
    mmsi: u32,
    t: i64,
    lat: f64,
    lon: f64,
    draught: f32,
    interval_ms: i64,
    rng: &'a mut Rng,
    out: &'a mut Fixes,
}

impl Track<'_> {
    fn report(&mut self, sog: f32) {
        // Position noise of a few metres.
        let jitter = |rng: &mut Rng| (rng.unit() - 0.5) * 0.00005;
        let (lat, lon) = (self.lat + jitter(self.rng), self.lon + jitter(self.rng));
        self.out.push(Fix {
            mmsi: self.mmsi,
            ts_ms: self.t,
            lat,
            lon,
            sog_kn: Some(sog),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: Some(self.draught),
        });
    }

    /// Sails in a straight line at `kn` to (lat, lon), reporting as it goes.
    fn sail_to(&mut self, lat: f64, lon: f64, kn: f64) {
        let d = distance_km(self.lat, self.lon, lat, lon);
        #[allow(clippy::cast_possible_truncation, reason = "a voyage in milliseconds")]
        let duration = (d / (kn * KN_KM_PER_MS)) as i64;
        let steps = (duration / self.interval_ms).max(1);
        let (lat0, lon0) = (self.lat, self.lon);
        for k in 1..=steps {
            #[allow(clippy::cast_precision_loss, reason = "step counts are small")]
            let f = k as f64 / steps as f64;
            self.lat = lat0 + (lat - lat0) * f;
            self.lon = lon0 + (lon - lon0) * f;
            self.t += self.interval_ms;
            #[allow(clippy::cast_possible_truncation, reason = "knots")]
            self.report(kn as f32);
        }
    }

    /// Stays put for `hours`, stopped, reporting (but not during `silence`, an hour range).
    fn stay(&mut self, hours: f64, silence: Option<(f64, f64)>) {
        #[allow(clippy::cast_possible_truncation, reason = "hours in milliseconds")]
        let end = self.t + (hours * 3_600_000.0) as i64;
        let start = self.t;
        while self.t + self.interval_ms <= end {
            self.t += self.interval_ms;
            #[allow(clippy::cast_precision_loss, reason = "hours")]
            let h = (self.t - start) as f64 / 3_600_000.0;
            if silence.is_some_and(|(a, b)| h >= a && h < b) {
                continue;
            }
            let sog = 0.1 * f32::from(u8::try_from(self.rng.below(3)).unwrap_or(0));
            self.report(sog);
        }
    }

    /// One of the situations that are not calls, by the leg's number: a wait at anchor
    /// 8 km out, loitering at sea, a one-hour stop in port, a fast transit past the port,
    /// or 8 hours dark at sea 45 km out; `sea` is the port's sea point.
    fn detour(&mut self, leg: u64, port: &Port, seaward: f64, bearing: f64, (sea_lat, sea_lon): (f64, f64)) {
        match leg % 5 {
            1 => {
                // Wait at anchor 8 km out before going in.
                let (alat, alon) = offset(port, 8.0, bearing);
                self.sail_to(alat, alon, 12.0);
                self.stay(10.0, None);
            }
            2 => {
                // Loiter at sea, away from the ports.
                let (slat, slon) = offset(port, 16.0, bearing + 15.0);
                self.sail_to(slat, slon, 12.0);
                self.stay(20.0, None);
            }
            3 => {
                // A stop of one hour in port: shorter than a call.
                let (plat, plon) = offset(port, 1.0, bearing);
                self.sail_to(plat, plon, 10.0);
                self.stay(1.0, None);
                let (olat, olon) = offset(port, 25.0, bearing);
                self.sail_to(olat, olon, 12.0);
            }
            4 => {
                // A fast transit 1.5 km off the port, then back out and in again.
                let (alat, alon) = offset(port, 1.5, bearing);
                self.sail_to(alat, alon, 13.0);
                self.sail_to(sea_lat, sea_lon, 13.0);
            }
            _ => {
                // Out to sea, dark for 8 hours there (heard before and after), back.
                let (dlat, dlon) = offset(port, 45.0, seaward);
                self.sail_to(dlat, dlon, 12.0);
                self.stay(9.0, Some((0.5, 8.5)));
                self.sail_to(sea_lat, sea_lon, 12.0);
            }
        }
    }
}

/// A point `km` from a port, in the direction `bearing_deg`.
fn offset(p: &Port, km: f64, bearing_deg: f64) -> (f64, f64) {
    let b = bearing_deg.to_radians();
    let lat = p.lat + km * b.cos() / 111.195;
    let lon = p.lon + km * b.sin() / (111.195 * p.lat.to_radians().cos());
    (lat, lon)
}

/// Generates `vessels` tankers for `days` days, reporting every `interval_min` minutes.
/// Returns their fixes (in time order per vessel) and the true calls.
///
/// # Panics
/// When the gazetteer lacks one of the scenario's ports.
pub fn generate(seed: u64, vessels: usize, days: i64, interval_min: i64, ports: &Gazetteer) -> (Fixes, Vec<TrueCall>) {
    let mut rng = Rng::new(seed);
    let mut fixes = Fixes::default();
    let mut truth = Vec::new();
    let start = 20_089 * 86_400_000; // 2025-01-01
    let end = start + days * 86_400_000;
    for v in 0..vessels {
        let sea: Vec<(&Port, f64)> = SEAS[v % SEAS.len()]
            .iter()
            .map(|(c, b)| {
                (
                    ports.get(c).unwrap_or_else(|| panic!("{c} is not in the gazetteer")),
                    *b,
                )
            })
            .collect();
        let mmsi = 636_000_000 + u32::try_from(v).unwrap_or(0) * 17 + 100_000;
        let (first, seaward) = sea[v % sea.len()];
        let (lat, lon) = offset(first, 20.0, seaward);
        let mut track = Track {
            mmsi,
            t: start + i64::try_from(rng.below(12 * 3_600_000)).unwrap_or(0),
            lat,
            lon,
            draught: 8.0,
            interval_ms: interval_min * 60_000,
            rng: &mut rng,
            out: &mut fixes,
        };
        let mut next = v % sea.len();
        let mut leg = 0u64;
        while track.t < end - 5 * 86_400_000 {
            leg += 1;
            let (port, seaward) = sea[next];
            let bearing = seaward + 30.0 * (track.rng.unit() - 0.5);
            // Out to this port's sea point first.
            let (sea_lat, sea_lon) = offset(port, 20.0, seaward);
            track.sail_to(sea_lat, sea_lon, 12.0);
            // Situations that are not calls, one per leg in turn.
            track.detour(leg, port, seaward, bearing, (sea_lat, sea_lon));
            // The call: in to the berth, stay, out.
            let call_start = track.out.len();
            let (berth_lat, berth_lon) = offset(port, 0.5 + track.rng.unit(), bearing);
            track.sail_to(berth_lat, berth_lon, 10.0);
            let stay_h = 14.0 + 40.0 * track.rng.unit();
            let silence = leg.is_multiple_of(3).then_some((3.0, 11.0)); // 8 hours unheard in the berth
            let before = track.out.len();
            track.stay(stay_h, silence);
            if leg % 4 == 2 && track.out.len() > before + 10 {
                // One fix 30 km off, in the middle of the stay.
                let mid = before + (track.out.len() - before) / 2;
                let r = track.out.rows[mid];
                let mut f = r.fix();
                f.lat += 0.27;
                track.out.rows[mid] = f.into();
            }
            track.draught = if port.country == "RU" { 14.5 } else { 8.0 };
            track.sail_to(sea_lat, sea_lon, 12.0);
            // The truth of this planned call: its first and last reported fix inside the
            // port's area (the outlier, 30 km off, is not inside).
            let inside: Vec<i64> = track.out.rows[call_start..]
                .iter()
                .filter(|r| port.contains(r.lat(), r.lon(), 0.0))
                .map(|r| r.ts_ms)
                .collect();
            if let (Some(&arrival_ms), Some(&departure_ms)) = (inside.first(), inside.last()) {
                truth.push(TrueCall {
                    mmsi,
                    locode: port.locode.clone(),
                    arrival_ms,
                    departure_ms,
                });
            }
            next = (next + 1) % sea.len();
        }
    }
    for pair in 0..vessels / 50 {
        transfer(pair, start, end, interval_min * 60_000, &mut rng, &mut fixes);
    }
    fixes.sort_dedup();
    (fixes, truth)
}

/// Open water of each sea, where pairs of tankers meet.
const STS_SPOTS: &[(f64, f64)] = &[(59.85, 26.3), (44.2, 37.0), (21.5, 68.5)];

/// A ship-to-ship transfer at sea, one pair of tankers (of every 50 vessels): on day
/// `1 + (pair / 3) % 6`, 2 km apart from the other pairs of its sea, a mother tanker
/// sails in 40 km at 12 kn from 02:00 and a daughter from 03:00; they lie 80 m apart
/// (the daughter silent from four hours into its stay, for three) until 18:00, the mother
/// getting 3 m lighter and the daughter 3 m heavier at 17:00, then each sails 40 km off
/// and stays there to the end of the data. MMSIs 538100000 + 2 x pair (the mother) and
/// the next.
fn transfer(pair: usize, start: i64, end: i64, interval_ms: i64, rng: &mut Rng, out: &mut Fixes) {
    const H: i64 = 3_600_000;
    let (lat, lon) = STS_SPOTS[pair % STS_SPOTS.len()];
    let east = |lon: f64, km: f64| lon + km / (111.195 * lat.to_radians().cos());
    #[allow(clippy::cast_precision_loss, reason = "a few pairs")]
    let lon = east(lon, 2.0 * (pair / STS_SPOTS.len()) as f64);
    let day = 1 + i64::try_from((pair / STS_SPOTS.len()) % 6).unwrap_or(0);
    let t0 = (start + day * 86_400_000).min(end - 86_400_000);
    let mmsi = 538_100_000 + 2 * u32::try_from(pair).unwrap_or(0);
    #[allow(clippy::cast_precision_loss, reason = "hours of the data")]
    let hours_until = |t: i64, until: i64| (until - t) as f64 / H as f64;
    for (k, (from, to, off, away, (before, after))) in [
        ((lat, east(lon, -40.0)), lon, 0.0, (lat, east(lon, 40.0)), (14.5, 11.5)),
        (
            (lat + 40.0 / 111.195, lon),
            east(lon, 0.08),
            1.0,
            (lat - 40.0 / 111.195, lon),
            (8.0, 11.0),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let mut track = Track {
            mmsi: mmsi + u32::try_from(k).unwrap_or(0),
            #[allow(clippy::cast_possible_truncation, reason = "an hour's offset")]
            t: t0 + 2 * H + (off * 3_600_000.0) as i64,
            lat: from.0,
            lon: from.1,
            draught: before,
            interval_ms,
            rng: &mut *rng,
            out: &mut *out,
        };
        track.sail_to(lat, to, 12.0);
        let silence = (k == 1).then_some((4.0, 7.0));
        track.stay(hours_until(track.t, t0 + 17 * H), silence);
        track.draught = after;
        track.stay(hours_until(track.t, t0 + 18 * H), None);
        track.sail_to(away.0, away.1, 12.0);
        track.stay(hours_until(track.t, end), None);
    }
}

/// The fixes as a DMA daily-format CSV (26 columns), in time order.
pub fn to_dma_csv(fixes: &Fixes) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut rows = fixes.rows.clone();
    rows.sort_by_key(|r| (r.ts_ms, r.mmsi));
    let mut out = String::with_capacity(rows.len() * 120);
    out.push_str(super::DMA_HEADER);
    out.push('\n');
    for r in &rows {
        let f = r.fix();
        let _ = writeln!(
            out,
            "{},Class A,{},{:.6},{:.6},Unknown value,,{},,,Unknown,,,Tanker,,,,GPS,{},,,AIS,,,,",
            super::dma_time(f.ts_ms),
            f.mmsi,
            f.lat,
            f.lon,
            f.sog_kn.map(|s| format!("{s:.1}")).unwrap_or_default(),
            f.draught_m.map(|d| format!("{d:.1}")).unwrap_or_default(),
        );
    }
    out.into_bytes()
}
