//! The ship-to-ship case study's scenario: two days in the Gulf of Laconia (9-10 June
//! 2025, UTC) in which an unlisted tanker goes dark for 16 hours while the traffic
//! around it keeps reporting, reappears beside the listed ARGENT (IMO 9293002, on the
//! EU list since 21 May 2025), and lies alongside it for 14 hours while it gets 3 m
//! deeper and ARGENT 3 m shallower. Six ships circle the gulf all the while, so that
//! the silence is heard as one. Illustrative: the names, positions and draughts are
//! made for the case study, one DMA-format CSV file.

use super::DMA_HEADER;
use super::behaviour::{Vessel, by_time, circle};
use super::encounters::waypoints_from;
use crate::model::ais::civil_to_ms;

const H: i64 = 3_600_000;

/// 9 June 2025, 00:00 UTC.
///
/// # Panics
/// Never: the date is valid.
pub fn day() -> i64 {
    civil_to_ms(2025, 6, 9, 0, 0, 0, 0).expect("a valid date")
}

/// Where the transfer happens, in the gulf.
pub const CENTRE: (f64, f64) = (36.60, 22.65);

/// The vessels of the scenario.
pub mod mmsi {
    /// The listed tanker: IMO 9293002, under the Gabon MMSI it used in 2025.
    pub const ARGENT: u32 = 626_313_000;
    /// The unlisted tanker (IMO 9472139, Marshall Islands): dark 12:00 on 9 June to
    /// 04:00 on 10 June, then alongside ARGENT 05:00-19:00.
    pub const PELAGOS: u32 = 538_009_001;
    /// The traffic that keeps reporting around them.
    pub const TRAFFIC: [u32; 6] = [
        240_900_001,
        240_900_002,
        240_900_003,
        240_900_004,
        240_900_005,
        240_900_006,
    ];
}

/// The IMO number of the unlisted tanker.
pub const PELAGOS_IMO: &str = "9472139";

/// The scenario's file: (name, DMA CSV bytes).
pub fn file() -> (String, Vec<u8>) {
    let d = day();
    let end = d + 48 * H;
    let every = 2;
    let mut fleet: Vec<Vessel> = Vec::new();
    let at = |hours: f64| {
        #[allow(clippy::cast_possible_truncation, reason = "hours of the scenario")]
        let ms = (hours * 3_600_000.0).round() as i64;
        d + ms
    };

    // PELAGOS ONE steams in from the south, falls silent 20 km south of the centre at
    // 12:00 on day 1 and is heard again 2 km from it at 04:00 on day 2; alongside ARGENT
    // (60 m apart) drifting north at 0.4 kn 05:00-19:00; then away south-west.
    let drift_km = 0.4 * 1.852 * 14.0;
    let mut v = Vessel::with_imo(mmsi::PELAGOS, PELAGOS_IMO, "PELAGOS ONE");
    v.draughts = vec![(d, 8.2), (at(42.0), 11.2)];
    let track = waypoints_from(
        d,
        CENTRE,
        vec![
            (0.0, -150.0, 0.0),
            (12.0, -20.0, 0.0),
            (28.0, -2.0, 0.06),
            (29.0, 0.0, 0.06),
            (43.0, drift_km, 0.06),
            (45.0, drift_km - 30.0, -8.0),
        ],
        "Under way using engine",
    );
    v.report(d, end, every, &[(at(12.0), at(28.0))], &track);
    fleet.push(v);

    // ARGENT arrives from the south at 05:00 on day 2, alongside until 19:00, then south.
    let mut v = Vessel::with_imo(mmsi::ARGENT, "9293002", "ARGENT");
    v.draughts = vec![(d, 15.1), (at(42.0), 12.1)];
    let track = waypoints_from(
        d,
        CENTRE,
        vec![
            (24.0, -60.0, 0.0),
            (29.0, 0.0, 0.0),
            (43.0, drift_km, 0.0),
            (45.0, drift_km - 30.0, 0.0),
        ],
        "Under way using engine",
    );
    v.report(d + 24 * H, end, every, &[], &track);
    fleet.push(v);

    // The traffic: circling the gulf 5 to 10 km from the centre at 9 kn, day and night
    // (a lap of two hours or more: an hour's displacement is never a stop).
    for (k, m) in mmsi::TRAFFIC.iter().enumerate() {
        let k32 = u32::try_from(k).unwrap_or(0);
        let mut v = Vessel::new(*m, 720_001 + k32, &format!("GULF TRAFFIC {}", k + 1));
        let radius_km = 5.0 + f64::from(k32);
        v.report(d, end, every, &[], &circle(CENTRE, radius_km, 9.0, f64::from(k32)));
        fleet.push(v);
    }

    let mut out = String::from(DMA_HEADER);
    out.push('\n');
    for (_, _, line) in by_time(fleet) {
        out.push_str(&line);
    }
    ("aisdk-2025-06-09-sts.csv".to_string(), out.into_bytes())
}
