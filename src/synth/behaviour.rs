//! A generated Baltic day (and the morning after) with a planted example of every gap
//! class, loitering label and anomaly kind, each beside a decoy that must not fire:
//! the scenario of the behaviour tests. Positions are written as DMA-format CSV, a
//! file a day, with a port gazetteer of one port (`--ports`). All times are UTC on
//! 1-2 March 2025; areas lie in open water south and east of Gotland.

use std::fmt::Write as _;

use super::{DMA_HEADER, dma_time};
use crate::model::ais::civil_to_ms;
use crate::model::imo::check_digit;
use crate::model::port::KM_PER_DEG;

const MIN: i64 = 60_000;
const H: i64 = 60 * MIN;

/// Day 1, 00:00 UTC.
///
/// # Panics
/// Never: the date is valid.
pub fn day1() -> i64 {
    civil_to_ms(2025, 3, 1, 0, 0, 0, 0).expect("a valid date")
}

/// The one port of the scenario: `--ports` CSV.
pub const PORTS_CSV: &str = "locode,name,country,lat,lon,radius_km\nXXTST,Testhamn,XX,55.8,17.3,3.0\n";

/// The crowd's area (every vessel of it heard all day).
pub const AREA_A: (f64, f64) = (56.0, 18.0);
/// The area of the receiver outage.
pub const AREA_B: (f64, f64) = (55.5, 16.5);

/// The planted vessels, by MMSI (names say what each plants).
pub mod mmsi {
    pub const CROWD: [u32; 6] = [
        230_000_001,
        230_000_002,
        230_000_003,
        230_000_004,
        230_000_005,
        230_000_006,
    ];
    /// Silent 04:00-08:00 while the crowd reports: `unexplained`.
    pub const LONE: u32 = 230_000_010;
    /// Five vessels silenced together 10:00-13:00 by an outage, and one that is not.
    pub const OUTAGE: [u32; 5] = [230_000_021, 230_000_022, 230_000_023, 230_000_024, 230_000_025];
    pub const SURVIVOR: u32 = 230_000_026;
    /// Moored in port, silent 14:00-17:00 (`in_port`), one bad fix at 09:00.
    pub const BERTH: u32 = 230_000_030;
    /// Last heard day 1 at 18:00 (open), heard again day 2 at 06:00.
    pub const OPEN: u32 = 230_000_040;
    /// Alone far from everyone, silent 09:00-12:00: `unknown`.
    pub const REMOTE: u32 = 230_000_050;
    /// A fix every 30 minutes: a silence of 2.5 h is no gap, one of 3.5 h is.
    pub const SPARSE: u32 = 230_000_060;
    /// Drifting 02:00-10:00 with no reported speed: `drifting`.
    pub const DRIFT: u32 = 230_000_070;
    /// At anchor at sea 06:00-12:00: `at_anchor`.
    pub const ANCHOR: u32 = 230_000_080;
    /// Steaming at 3 kn all day: no loitering.
    pub const SLOW: u32 = 230_000_090;
    /// Idle 6 km from the port's point all day: no loitering (within 10 km of its edge).
    pub const NEAR_PORT: u32 = 230_000_100;
    /// Idle 3 h, silent 3 h, idle 3 h: no loitering, one gap.
    pub const SPLIT: u32 = 230_000_110;
    /// Jumps 100 km at 11:00 and goes on from there: `teleport`.
    pub const TELEPORT: u32 = 230_000_120;
    /// Silent 09:00-12:00, then 280 km away: `impossible_reappearance`.
    pub const REAPPEAR: u32 = 230_000_130;
    /// Two tracks 90 km apart 06:00-09:00: `shared_mmsi`.
    pub const SHARED: u32 = 230_000_140;
    /// One IMO on two transmitters 200 km apart all day: `imo_clash`.
    pub const CLASH: [u32; 2] = [230_000_151, 230_000_152];
    /// A reflag at 12:00 (new MMSI and name, the old one silent from then on): no anomaly.
    pub const REFLAG: [u32; 2] = [273_000_161, 626_000_162];
    /// Jumps onto Gotland, 5 km inland, for 20 minutes at 15:00: `teleport` and `on_land`.
    pub const SPOOF: u32 = 230_000_170;
    /// Four vessels with a bad fix each within 30 nm at 20:00-20:30: `interference`.
    pub const JAMMED: [u32; 4] = [230_000_181, 230_000_182, 230_000_183, 230_000_184];
}

/// A fix as the scenario plants it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sample {
    pub(super) lat: f64,
    pub(super) lon: f64,
    pub(super) sog: Option<f64>,
    pub(super) status: &'static str,
}

pub(super) fn at_sea(lat: f64, lon: f64, kn: f64) -> Sample {
    Sample {
        lat,
        lon,
        sog: Some(kn),
        status: "Under way using engine",
    }
}

/// A point `east_km` and `north_km` from `(lat, lon)`.
pub(super) fn offset((lat, lon): (f64, f64), north_km: f64, east_km: f64) -> (f64, f64) {
    (
        lat + north_km / KM_PER_DEG,
        lon + east_km / (KM_PER_DEG * lat.to_radians().cos()),
    )
}

/// Circling `centre` at `radius_km` and `kn` knots, at angle `angle0` (radians, 0 is
/// east, counter-clockwise) at `t0`: a leg that starts where another ends.
fn circle_from(centre: (f64, f64), radius_km: f64, kn: f64, t0: i64, angle0: f64) -> impl Fn(i64) -> Sample {
    move |t| {
        #[allow(clippy::cast_precision_loss, reason = "milliseconds of the scenario")]
        let hours = (t - t0) as f64 / H as f64;
        let angle = angle0 + kn * 1.852 * hours / radius_km;
        let (lat, lon) = offset(centre, radius_km * angle.sin(), radius_km * angle.cos());
        at_sea(lat, lon, kn)
    }
}

/// Circling `centre` at `radius_km`, `kn` knots.
pub(super) fn circle(centre: (f64, f64), radius_km: f64, kn: f64, phase: f64) -> impl Fn(i64) -> Sample {
    move |t| {
        #[allow(clippy::cast_precision_loss, reason = "minutes of a day")]
        let hours = t as f64 / H as f64;
        let angle = phase + kn * 1.852 * hours / radius_km;
        let (lat, lon) = offset(centre, radius_km * angle.sin(), radius_km * angle.cos());
        at_sea(lat, lon, kn)
    }
}

/// Back and forth on an east-west line of `half_km` each side of `centre`.
fn shuttle(centre: (f64, f64), half_km: f64, kn: f64) -> impl Fn(i64) -> Sample {
    move |t| {
        #[allow(clippy::cast_precision_loss, reason = "minutes of a day")]
        let km = kn * 1.852 * t as f64 / H as f64;
        let period = 4.0 * half_km;
        let x = km.rem_euclid(period);
        let east = if x < 2.0 * half_km {
            x - half_km
        } else {
            3.0 * half_km - x
        };
        let (lat, lon) = offset(centre, 0.0, east);
        at_sea(lat, lon, kn)
    }
}

/// One vessel's identity and reports.
pub(super) struct Vessel {
    mmsi: u32,
    imo: String,
    name: String,
    /// The draught it reports from each time on (9.5 m before the first).
    pub(super) draughts: Vec<(i64, f64)>,
    rows: Vec<(i64, String)>,
}

impl Vessel {
    pub(super) fn new(mmsi: u32, imo_six: u32, name: &str) -> Self {
        let six = format!("{imo_six:06}");
        Self::with_imo(mmsi, &format!("{six}{}", check_digit(&six)), name)
    }

    pub(super) fn with_imo(mmsi: u32, imo: &str, name: &str) -> Self {
        Self {
            mmsi,
            imo: imo.to_string(),
            name: name.to_string(),
            draughts: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn emit(&mut self, t: i64, s: Sample) {
        let sog = s.sog.map_or_else(String::new, |v| format!("{v:.1}"));
        let draught = self
            .draughts
            .iter()
            .rev()
            .find(|(from, _)| *from <= t)
            .map_or(9.5, |d| d.1);
        let mut line = String::new();
        let _ = writeln!(
            line,
            "{},Class A,{},{:.6},{:.6},{},0.0,{sog},90.0,90,{},,{},Tanker,,30,180,GPS,{draught:.1},,,AIS,150,30,15,15",
            dma_time(t),
            self.mmsi,
            s.lat,
            s.lon,
            s.status,
            self.imo,
            self.name
        );
        self.rows.push((t, line));
    }

    /// Reports every `every` minutes from `from` to `to` (exclusive) but in `silent`.
    pub(super) fn report(&mut self, from: i64, to: i64, every: i64, silent: &[(i64, i64)], at: &dyn Fn(i64) -> Sample) {
        let mut t = from;
        while t < to {
            if !silent.iter().any(|(a, b)| t > *a && t < *b) {
                self.emit(t, at(t));
            }
            t += every * MIN;
        }
    }
}

/// Every report of the fleet as (time, MMSI, CSV line), in time then MMSI order (as a
/// receiver's feed gives them).
pub(super) fn by_time(fleet: Vec<Vessel>) -> Vec<(i64, u32, String)> {
    let mut rows: Vec<(i64, u32, String)> = fleet
        .into_iter()
        .flat_map(|v| {
            let mmsi = v.mmsi;
            v.rows.into_iter().map(move |(t, line)| (t, mmsi, line))
        })
        .collect();
    rows.sort_by_key(|r| (r.0, r.1));
    rows
}

/// The scenario's files: (name, DMA CSV bytes), day 1 and day 2 (to 12:00). Every
/// vessel reports on into day 2 but SPLIT (last heard at 09:57 on day 1) and the old
/// MMSI of REFLAG.
#[allow(
    clippy::too_many_lines,
    reason = "the scenario reads top to bottom, each vessel under the comment that says what it plants"
)]
pub fn files() -> Vec<(String, Vec<u8>)> {
    let d = day1();
    let end1 = d + 24 * H;
    let end2 = end1 + 12 * H;
    let h = |x: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_precision_loss,
            reason = "hours of the scenario"
        )]
        let ms = (x * H as f64) as i64;
        d + ms
    };
    let mut fleet: Vec<Vessel> = Vec::new();
    let mut add = |v: Vessel| fleet.push(v);

    for (k, m) in mmsi::CROWD.iter().enumerate() {
        let mut v = Vessel::new(*m, 310_000 + u32::try_from(k).unwrap_or(0), &format!("CROWD {}", k + 1));
        #[allow(clippy::cast_precision_loss, reason = "six vessels")]
        let phase = k as f64;
        v.report(d, end2, 2, &[], &circle(AREA_A, 4.0 + phase, 5.0, phase));
        add(v);
    }
    let mut v = Vessel::new(mmsi::LONE, 310_010, "LONE RANGER");
    v.report(d, end2, 2, &[(h(4.0), h(8.0))], &shuttle(AREA_A, 9.0, 8.0));
    add(v);

    for (k, m) in mmsi::OUTAGE.iter().enumerate() {
        let mut v = Vessel::new(
            *m,
            310_020 + u32::try_from(k).unwrap_or(0),
            &format!("OUTAGE {}", k + 1),
        );
        #[allow(clippy::cast_precision_loss, reason = "five vessels")]
        let phase = k as f64;
        // All fall silent after their reports at 10:00 (a minute apart), heard again at 13:00.
        let from = d + i64::try_from(k).unwrap_or(0) * MIN;
        v.report(
            from,
            end2,
            2,
            &[(h(10.0) + 2 * MIN, h(13.0))],
            &circle(AREA_B, 3.0 + phase, 4.0, phase),
        );
        add(v);
    }
    let mut v = Vessel::new(mmsi::SURVIVOR, 310_026, "SURVIVOR");
    v.report(d, end2, 2, &[], &circle(AREA_B, 12.0, 4.0, 0.5));
    add(v);

    let berth = (55.805, 17.30);
    let mut v = Vessel::new(mmsi::BERTH, 310_030, "BERTH HOLDER");
    let moored = Sample {
        lat: berth.0,
        lon: berth.1,
        sog: Some(0.0),
        status: "Moored",
    };
    v.report(d, end2, 2, &[(h(14.0), h(17.0))], &|t| {
        if t == h(9.0) {
            // One bad fix in the berth stay: 60 km away, back two minutes later.
            let (lat, lon) = offset(berth, 0.0, 60.0);
            Sample { lat, lon, ..moored }
        } else {
            moored
        }
    });
    add(v);

    let mut v = Vessel::new(mmsi::OPEN, 310_040, "OPEN END");
    let open_track = circle(AREA_A, 6.5, 6.0, 2.0);
    v.report(d, h(18.0) + MIN, 2, &[], &open_track);
    v.report(end1 + 6 * H, end2, 2, &[], &open_track);
    add(v);

    let mut v = Vessel::new(mmsi::REMOTE, 310_050, "FAR AWAY");
    v.report(d, end2, 2, &[(h(9.0), h(12.0))], &circle((58.5, 20.5), 5.0, 6.0, 0.0));
    add(v);

    let mut v = Vessel::new(mmsi::SPARSE, 310_060, "SPARSE");
    v.report(
        d,
        end2,
        30,
        &[(h(2.0), h(4.5)), (h(12.0), h(15.5))],
        &circle(AREA_A, 7.0, 5.0, 4.0),
    );
    add(v);

    // Drifting 0.3 kn north-east with no speed reported, between two legs at 10 kn.
    let mut v = Vessel::new(mmsi::DRIFT, 310_070, "DRIFTER");
    let drift_at = (56.5, 19.5);
    let drift_km = 0.3 * 1.852 * 8.0 * std::f64::consts::FRAC_1_SQRT_2;
    let drift_end = offset(drift_at, drift_km, drift_km);
    let away = circle_from(
        offset(drift_end, -8.0, 0.0),
        8.0,
        10.0,
        h(10.0),
        std::f64::consts::FRAC_PI_2,
    );
    v.report(d, end2, 5, &[], &|t| {
        #[allow(clippy::cast_precision_loss, reason = "minutes of a day")]
        let hours = |a: i64, b: i64| (b - a) as f64 / H as f64;
        if t < h(2.0) {
            let km = 10.0 * 1.852 * hours(t, h(2.0));
            let (lat, lon) = offset(drift_at, 0.0, -km);
            at_sea(lat, lon, 10.0)
        } else if t <= h(10.0) {
            let km = 0.3 * 1.852 * hours(h(2.0), t) * std::f64::consts::FRAC_1_SQRT_2;
            let (lat, lon) = offset(drift_at, km, km);
            Sample {
                lat,
                lon,
                sog: None,
                status: "Not defined (default)",
            }
        } else {
            away(t)
        }
    });
    add(v);

    let mut v = Vessel::new(mmsi::ANCHOR, 310_080, "ANCHORED");
    let anchor_at = (56.2, 19.0);
    let away = circle_from(offset(anchor_at, 0.0, -8.0), 8.0, 9.0, h(12.0), 0.0);
    v.report(d, end2, 3, &[], &|t| {
        if t < h(6.0) {
            #[allow(clippy::cast_precision_loss, reason = "minutes of a day")]
            let km = 9.0 * 1.852 * (h(6.0) - t) as f64 / H as f64;
            let (lat, lon) = offset(anchor_at, -km, 0.0);
            at_sea(lat, lon, 9.0)
        } else if t <= h(12.0) {
            Sample {
                lat: anchor_at.0,
                lon: anchor_at.1,
                sog: Some(0.1),
                status: "At anchor",
            }
        } else {
            away(t)
        }
    });
    add(v);

    let mut v = Vessel::new(mmsi::SLOW, 310_090, "SLOW STEAMER");
    v.report(d, end2, 3, &[], &circle((55.3, 18.8), 20.0, 3.0, 0.0));
    add(v);

    let mut v = Vessel::new(mmsi::NEAR_PORT, 310_100, "WAITING BERTH");
    let (lat, lon) = offset((55.8, 17.3), 6.0, 0.0);
    v.report(d, end2, 3, &[], &|_| Sample {
        lat,
        lon,
        sog: Some(0.2),
        status: "At anchor",
    });
    add(v);

    let mut v = Vessel::new(mmsi::SPLIT, 310_110, "SPLIT STAY");
    v.report(h(1.0), h(10.0), 3, &[(h(4.0), h(7.0))], &|_| Sample {
        lat: 55.9,
        lon: 18.3,
        sog: Some(0.1),
        status: "Not defined (default)",
    });
    add(v);

    let mut v = Vessel::new(mmsi::TELEPORT, 310_120, "JUMPER");
    let before = circle((55.3, 17.0), 5.0, 8.0, 0.0);
    let after = circle(offset((55.3, 17.0), 0.0, 100.0), 5.0, 8.0, 0.0);
    v.report(d, end2, 2, &[], &|t| if t < h(11.0) { before(t) } else { after(t) });
    add(v);

    let mut v = Vessel::new(mmsi::REAPPEAR, 310_130, "COMEBACK");
    let first = circle((55.6, 19.0), 5.0, 8.0, 0.0);
    let later = circle((58.0, 20.0), 5.0, 8.0, 0.0);
    v.report(d, end2, 2, &[(h(9.0), h(12.0))], &|t| {
        if t <= h(9.0) { first(t) } else { later(t) }
    });
    add(v);

    let mut v = Vessel::new(mmsi::SHARED, 310_140, "TWIN");
    let one = circle((55.7, 18.6), 3.0, 5.0, 0.0);
    let two = circle(offset((55.7, 18.6), 80.0, -40.0), 3.0, 5.0, 0.0);
    v.report(d, end2, 2, &[], &|t| {
        let odd = (t / (2 * MIN)) % 2 == 1;
        if odd && t >= h(6.0) && t < h(9.0) {
            two(t)
        } else {
            one(t)
        }
    });
    add(v);

    for (k, (m, centre)) in mmsi::CLASH.iter().zip([AREA_A, (57.8, 19.8)]).enumerate() {
        let mut v = Vessel::new(*m, 310_150, "DOUBLE");
        #[allow(clippy::cast_precision_loss, reason = "two vessels")]
        let phase = k as f64;
        v.report(d + 30 * 1000, end2, 4, &[], &circle(centre, 5.0, 6.0, phase));
        add(v);
    }

    let reflag_track = circle((55.4, 17.6), 10.0, 8.0, 0.0);
    let mut v = Vessel::new(mmsi::REFLAG[0], 310_160, "OLD NAME");
    v.report(d, h(12.0), 3, &[], &reflag_track);
    add(v);
    let mut v = Vessel::new(mmsi::REFLAG[1], 310_160, "NEW NAME");
    v.report(h(12.0) + 30 * MIN, end2, 3, &[], &reflag_track);
    add(v);

    let mut v = Vessel::new(mmsi::SPOOF, 310_170, "SPOOFED");
    let sea = circle((57.45, 17.6), 3.0, 5.0, 0.0);
    v.report(d, end2, 2, &[], &|t| {
        if t >= h(15.0) && t < h(15.0) + 20 * MIN {
            at_sea(57.45, 18.45, 0.0)
        } else {
            sea(t)
        }
    });
    add(v);

    for (k, m) in mmsi::JAMMED.iter().enumerate() {
        let mut v = Vessel::new(
            *m,
            310_180 + u32::try_from(k).unwrap_or(0),
            &format!("JAMMED {}", k + 1),
        );
        #[allow(clippy::cast_precision_loss, reason = "four vessels")]
        let phase = k as f64;
        let centre = offset((55.2, 15.8), 4.0 * phase, 3.0 * phase);
        let track = circle(centre, 6.0, 5.0, phase);
        let bad_at = h(20.0) + i64::try_from(k).unwrap_or(0) * 6 * MIN;
        v.report(d, end2, 2, &[], &|t| {
            let s = track(t);
            if t == bad_at {
                let (lat, lon) = offset((s.lat, s.lon), 40.0, 0.0);
                Sample { lat, lon, ..s }
            } else {
                s
            }
        });
        add(v);
    }

    let rows = by_time(fleet);
    [("aisdk-2025-03-01.csv", d, end1), ("aisdk-2025-03-02.csv", end1, end2)]
        .into_iter()
        .map(|(name, from, to)| {
            let mut out = String::from(DMA_HEADER);
            out.push('\n');
            for (_, _, line) in rows.iter().filter(|r| r.0 >= from && r.0 < to) {
                out.push_str(line);
            }
            (name.to_string(), out.into_bytes())
        })
        .collect()
}
