//! A generated day in the Gulf of Laconia and south of Cape Maleas with planted
//! ship-to-ship encounters and the look-alikes that must be labelled or left out: the
//! scenario of the encounter tests. Positions are written as DMA-format CSV (one file,
//! 10 June 2025, UTC), with a gazetteer of one port (`--ports`). Each vessel follows
//! timed waypoints; its reported speed is that of the leg it is on.

use super::DMA_HEADER;
use super::behaviour::{Sample, Vessel, at_sea, by_time, offset};
use crate::model::ais::civil_to_ms;

const MIN: i64 = 60_000;
const H: i64 = 60 * MIN;

/// 10 June 2025, 00:00 UTC.
///
/// # Panics
/// Never: the date is valid.
pub fn day() -> i64 {
    civil_to_ms(2025, 6, 10, 0, 0, 0, 0).expect("a valid date")
}

/// The scenario's one port: `--ports` CSV.
pub const PORTS_CSV: &str = "locode,name,country,lat,lon,radius_km\nXXGYT,Gytheio Test,XX,36.76,22.57,3.0\n";

/// The middle of the gulf, where the planted events are placed from.
pub const CENTRE: (f64, f64) = (36.55, 22.75);

/// The planted vessels, by MMSI (names say what each plants).
pub mod mmsi {
    /// A transfer at sea: ARGENT (IMO 9293002, listed) and a tanker called JAGUAR (another
    /// IMO, not listed) alongside 60 m apart, drifting at 0.5 kn 02:00-14:00, JAGUAR
    /// silent 06:00-08:30; ARGENT 3 m lighter after, JAGUAR 3 m heavier.
    pub const ARGENT: u32 = 273_100_001;
    pub const JAGUAR: u32 = 636_100_002;
    /// Alongside 100 m apart, carried at 2.5 kn by a current 10:00-15:00, one 3 m
    /// lighter after and the other 3 m heavier.
    pub const CURRENT: [u32; 2] = [273_100_011, 273_100_012];
    /// A mother at anchor lightering into two daughters in turn, 03:00-09:00 and
    /// 11:00-17:00: two encounters.
    pub const MOTHER: u32 = 273_100_021;
    pub const DAUGHTERS: [u32; 2] = [273_100_022, 273_100_023];
    /// Moored at adjacent berths in port, 200 m apart, all day: `setting=port`.
    pub const BERTHS: [u32; 2] = [273_100_031, 273_100_032];
    /// At anchor at sea 440 m apart all day, astride 36 N and 23 E: `close`, no
    /// transfer.
    pub const ANCHORED: [u32; 2] = [273_100_041, 273_100_042];
    /// At anchor 700 m apart: too far to be together.
    pub const APART: [u32; 2] = [273_100_051, 273_100_052];
    /// One at 2.8 kn overtakes one at 1.4 kn 100 m abeam: never together.
    pub const OVERTAKING: [u32; 2] = [273_100_061, 273_100_062];
    /// Circling together 300 m apart at 10 kn all day: too fast to be together.
    pub const CONVOY: [u32; 2] = [273_100_071, 273_100_072];
}

/// A track through timed waypoints (hours of the scenario's day, km north and east of
/// `from`): a straight leg between each two at the speed it takes, still before the
/// first and after the last with `still` as its status.
fn waypoints(from: (f64, f64), points: Vec<(f64, f64, f64)>, still: &'static str) -> impl Fn(i64) -> Sample {
    waypoints_from(day(), from, points, still)
}

/// [`waypoints`] with the hours counted from `midnight`.
pub(super) fn waypoints_from(
    midnight: i64,
    from: (f64, f64),
    points: Vec<(f64, f64, f64)>,
    still: &'static str,
) -> impl Fn(i64) -> Sample {
    #[allow(clippy::cast_possible_truncation, reason = "hours of the scenario")]
    let at = move |hours: f64| midnight + (hours * 3_600_000.0).round() as i64;
    move |t| {
        let place = |(_, north, east): (f64, f64, f64)| offset(from, north, east);
        let Some(leg) = points.windows(2).find(|w| t >= at(w[0].0) && t < at(w[1].0)) else {
            let stay = if t < at(points[0].0) {
                points[0]
            } else {
                points[points.len() - 1]
            };
            let (lat, lon) = place(stay);
            return Sample {
                lat,
                lon,
                sog: Some(0.0),
                status: still,
            };
        };
        let (from_point, to_point) = (leg[0], leg[1]);
        #[allow(clippy::cast_precision_loss, reason = "milliseconds of a leg")]
        let f = (t - at(from_point.0)) as f64 / (at(to_point.0) - at(from_point.0)) as f64;
        let north = from_point.1 + f * (to_point.1 - from_point.1);
        let east = from_point.2 + f * (to_point.2 - from_point.2);
        let kn = (to_point.1 - from_point.1).hypot(to_point.2 - from_point.2) / (to_point.0 - from_point.0) / 1.852;
        let (lat, lon) = offset(from, north, east);
        if kn < 0.05 {
            Sample {
                lat,
                lon,
                sog: Some(0.0),
                status: still,
            }
        } else {
            at_sea(lat, lon, (kn * 10.0).round() / 10.0)
        }
    }
}

/// Hours and minutes of the day.
fn hm(h: u32, m: u32) -> f64 {
    f64::from(h) + f64::from(m) / 60.0
}

/// The scenario's file: (name, DMA CSV bytes).
#[allow(
    clippy::too_many_lines,
    reason = "the scenario reads top to bottom, each vessel under the comment that says what it plants"
)]
pub fn file() -> (String, Vec<u8>) {
    let d = day();
    let end = d + 24 * H;
    let at = |h: f64| {
        #[allow(clippy::cast_possible_truncation, reason = "hours of the scenario")]
        let ms = (h * 3_600_000.0).round() as i64;
        d + ms
    };
    let mut fleet: Vec<Vessel> = Vec::new();
    let every = 2;
    let moving = "Under way using engine";

    // The transfer: both arrive at 01:50 from 30 km away, drift north at 0.5 kn until
    // 14:10 (11.42 km), and leave 30 km in two hours.
    let drift_km = 0.5 * 1.852 * (hm(14, 10) - hm(1, 50));
    let mut v = Vessel::with_imo(mmsi::ARGENT, "9293002", "ARGENT");
    v.draughts = vec![(d, 15.0), (at(13.0), 12.0)];
    let track = waypoints(
        CENTRE,
        vec![
            (0.0, 0.0, -30.0),
            (hm(1, 50), 0.0, 0.0),
            (hm(14, 10), drift_km, 0.0),
            (hm(16, 10), drift_km - 30.0, 0.0),
        ],
        moving,
    );
    v.report(d, end, every, &[], &track);
    fleet.push(v);
    let mut v = Vessel::new(mmsi::JAGUAR, 555_001, "JAGUAR");
    v.draughts = vec![(d, 8.0), (at(13.0), 11.0)];
    let track = waypoints(
        CENTRE,
        vec![
            (0.0, 0.0, 30.0),
            (hm(1, 50), 0.0, 0.06),
            (hm(14, 10), drift_km, 0.06),
            (hm(16, 10), drift_km, 30.06),
        ],
        moving,
    );
    v.report(d, end, every, &[(at(6.0), at(8.5))], &track);
    fleet.push(v);

    // Carried east by a current at 2.5 kn, 100 m apart, 09:50-15:10.
    let current_km = 2.5 * 1.852 * (hm(15, 10) - hm(9, 50));
    let from = offset(CENTRE, -15.0, -12.0);
    for (k, (m, north)) in mmsi::CURRENT.iter().zip([0.0, 0.1]).enumerate() {
        let mut v = Vessel::new(
            *m,
            555_011 + u32::try_from(k).unwrap_or(0),
            &format!("CURRENT {}", k + 1),
        );
        v.draughts = if k == 0 {
            vec![(d, 10.0), (at(14.5), 7.0)]
        } else {
            vec![(d, 7.0), (at(14.5), 10.0)]
        };
        let side = if k == 0 { -30.0 } else { 30.0 };
        let track = waypoints(
            from,
            vec![
                (hm(7, 50), north + side, 0.0),
                (hm(9, 50), north, 0.0),
                (hm(15, 10), north, current_km),
                (hm(17, 10), north + side, current_km),
            ],
            moving,
        );
        v.report(d, end, every, &[], &track);
        fleet.push(v);
    }

    // A mother at anchor; one daughter alongside 02:50-09:10, the other 10:50-17:10.
    let berth = offset(CENTRE, 15.0, -15.0);
    let mut v = Vessel::new(mmsi::MOTHER, 555_021, "MOTHER");
    v.draughts = vec![(d, 16.0), (at(8.5), 13.0), (at(16.5), 10.0)];
    v.report(
        d,
        end,
        every,
        &[],
        &waypoints(berth, vec![(0.0, 0.0, 0.0)], "At anchor"),
    );
    fleet.push(v);
    for (k, (m, (arrive, leave, east, full))) in mmsi::DAUGHTERS
        .iter()
        .zip([(hm(2, 50), hm(9, 10), 0.05, 8.5), (hm(10, 50), hm(17, 10), -0.05, 16.5)])
        .enumerate()
    {
        let mut v = Vessel::new(
            *m,
            555_022 + u32::try_from(k).unwrap_or(0),
            &format!("DAUGHTER {}", k + 1),
        );
        v.draughts = vec![(d, 8.0), (at(full), 11.0)];
        let away = if k == 0 { 30.0 } else { -30.0 };
        let track = waypoints(
            berth,
            vec![
                (arrive - 2.0, away, east),
                (arrive, 0.0, east),
                (leave, 0.0, east),
                (leave + 2.0, away, east),
            ],
            "Moored",
        );
        v.report(d, end, every, &[], &track);
        fleet.push(v);
    }

    // Adjacent berths in port, 200 m apart.
    for (k, m) in mmsi::BERTHS.iter().enumerate() {
        let mut v = Vessel::new(*m, 555_031 + u32::try_from(k).unwrap_or(0), &format!("BERTH {}", k + 1));
        let east = if k == 0 { -0.1 } else { 0.1 };
        v.report(
            d,
            end,
            every,
            &[],
            &waypoints((36.76, 22.57), vec![(0.0, 0.0, east)], "Moored"),
        );
        fleet.push(v);
    }

    // At anchor at sea: 440 m apart astride 36 N and 23 E, and 700 m apart.
    for (k, (m, (lat, lon))) in mmsi::ANCHORED
        .iter()
        .zip([(35.9982, 22.999), (36.0018, 23.001)])
        .enumerate()
    {
        let mut v = Vessel::new(
            *m,
            555_041 + u32::try_from(k).unwrap_or(0),
            &format!("ANCHORED {}", k + 1),
        );
        v.report(
            d,
            end,
            every,
            &[],
            &waypoints((lat, lon), vec![(0.0, 0.0, 0.0)], "At anchor"),
        );
        fleet.push(v);
    }
    let apart = offset(CENTRE, -10.0, 15.0);
    for (k, (m, east)) in mmsi::APART.iter().zip([0.0, 0.7]).enumerate() {
        let mut v = Vessel::new(*m, 555_051 + u32::try_from(k).unwrap_or(0), &format!("APART {}", k + 1));
        v.report(
            d,
            end,
            every,
            &[],
            &waypoints(apart, vec![(0.0, 0.0, east)], "At anchor"),
        );
        fleet.push(v);
    }

    // Overtaking at 2.8 kn against 1.4 kn, 100 m abeam, 06:00-18:00.
    let lane = offset(CENTRE, 25.0, -20.0);
    for (k, (m, (kn, start_km))) in mmsi::OVERTAKING.iter().zip([(2.8, -8.0), (1.4, 0.0)]).enumerate() {
        let mut v = Vessel::new(
            *m,
            555_061 + u32::try_from(k).unwrap_or(0),
            &format!("OVERTAKING {}", k + 1),
        );
        let north = if k == 0 { 0.0 } else { 0.1 };
        let run_km = kn * 1.852 * 12.0;
        let track = waypoints(
            lane,
            vec![(6.0, north, start_km), (18.0, north, start_km + run_km)],
            "At anchor",
        );
        v.report(d, end, every, &[], &track);
        fleet.push(v);
    }

    // A convoy: concentric circles 300 m apart, one lap an hour and a bit.
    let ring = offset(CENTRE, -30.0, 30.0);
    for (k, (m, radius_km)) in mmsi::CONVOY.iter().zip([3.0, 3.3]).enumerate() {
        let mut v = Vessel::new(
            *m,
            555_071 + u32::try_from(k).unwrap_or(0),
            &format!("CONVOY {}", k + 1),
        );
        // The same angle at every moment: 10 kn on the inner circle.
        let rad_per_h = 10.0 * 1.852 / 3.0;
        v.report(d, end, every, &[], &move |t| {
            #[allow(clippy::cast_precision_loss, reason = "milliseconds of a day")]
            let angle = rad_per_h * (t - d) as f64 / H as f64;
            let (lat, lon) = offset(ring, radius_km * angle.sin(), radius_km * angle.cos());
            at_sea(lat, lon, (rad_per_h * radius_km / 1.852 * 10.0).round() / 10.0)
        });
        fleet.push(v);
    }

    let mut out = String::from(DMA_HEADER);
    out.push('\n');
    for (_, _, line) in by_time(fleet) {
        out.push_str(&line);
    }
    ("aisdk-2025-06-10.csv".to_string(), out.into_bytes())
}
