//! One vessel's fixes made a clean track: its plausible top speed, the bad fixes left
//! out, and the segments the track splits into where it jumps (a teleport, a
//! reappearance farther than it could have sailed, or one MMSI carrying two tracks).
//! Every behaviour event, and port-call detection, is computed on one segment. No I/O.

use crate::model::ais::FixRow;
use crate::model::port::{KM_PER_DEG, distance_km};

/// The fixed allowance of the excess-distance test: 0.3 nautical miles, in km.
pub const SLACK_KM: f64 = 0.3 * KM_PER_NM;
/// Kilometres per nautical mile.
pub const KM_PER_NM: f64 = 1.852;
/// The top speed assumed for a vessel that reported too little speed to tell.
pub const DEFAULT_V_MAX_KN: f64 = 20.0;
/// The bounds of a vessel's own top speed.
pub const V_MAX_RANGE_KN: (f64, f64) = (16.0, 30.0);
/// Reports of speed under way needed to measure a vessel's own top speed.
const MIN_SPEED_REPORTS: usize = 20;
/// Reported speeds counted for the top speed, in tenths of a knot: under way (above
/// 1 kn) and below 102.2 kn (AIS's "102.2 or more" and "not available" left out).
const UNDER_WAY_TENTHS: std::ops::Range<u16> = 11..1022;
/// How long a track that fell behind stays one a fix can return to (one MMSI carrying
/// two tracks reports on both within this).
const TRACK_MEMORY_MS: i64 = 6 * 3_600_000;
/// How many of the latest tracks a fix may return to.
const RECENT_TRACKS: usize = 8;
/// How long an outlier waits for a fix that would make it the start of a track.
const OUTLIER_MEMORY_MS: i64 = 3_600_000;

/// The vessel's plausible top speed: 1.5 x the 99th percentile of its reported speed
/// when under way, within 16..30 kn; 20 kn when it reported too little to tell (or 1.2 x
/// the fastest it did report, up to 30 kn, when that is more: a satellite-tracked cruise
/// ship heard a few times at 22 kn). A fast craft whose 99th percentile itself is above
/// 30 kn (a fireboat, a fast ferry) gets 1.2 x that instead, so that its own sailing is
/// not taken for jumps.
pub fn v_max_kn(fixes: &[FixRow]) -> f64 {
    // Counted by tenth of a knot, as the speeds are stored: the percentile is read off
    // the counts (a vessel's every fix of a day, with no sort).
    let mut counts = [0u32; UNDER_WAY_TENTHS.end as usize];
    let mut n = 0usize;
    for f in fixes {
        if UNDER_WAY_TENTHS.contains(&f.sog_dkn) {
            counts[usize::from(f.sog_dkn)] += 1;
            n += 1;
        }
    }
    #[allow(clippy::cast_possible_truncation, reason = "tenths below 1022")]
    let kn = |tenths: usize| f64::from(f32::from(tenths as u16) / 10.0);
    if n < MIN_SPEED_REPORTS {
        let fastest = counts.iter().rposition(|c| *c > 0).map_or(0.0, kn);
        return (1.2 * fastest).clamp(DEFAULT_V_MAX_KN, V_MAX_RANGE_KN.1);
    }
    // The k-th smallest (from 0).
    let k = (n - 1) * 99 / 100;
    let mut below = 0usize;
    let tenths = counts
        .iter()
        .position(|c| {
            below += *c as usize;
            below > k
        })
        .unwrap_or_default();
    let p99 = kn(tenths);
    if p99 > V_MAX_RANGE_KN.1 {
        return 1.2 * p99;
    }
    (1.5 * p99).clamp(V_MAX_RANGE_KN.0, V_MAX_RANGE_KN.1)
}

/// How far a vessel at `v_max_kn` could have sailed between two fixes, with the
/// allowance: `v_max * dt + 0.3 nm`, in km.
fn budget_km(a: &FixRow, b: &FixRow, v_max_kn: f64) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "milliseconds between two fixes")]
    let dt_h = (b.ts_ms - a.ts_ms).abs() as f64 / 3_600_000.0;
    v_max_kn * KM_PER_NM * dt_h + SLACK_KM
}

/// How far beyond what it could have sailed a vessel at `v_max_kn` went from `a` to
/// `b`, in km: `d - (v_max * dt + 0.3 nm)`; positive is impossible.
pub fn excess_km(a: &FixRow, b: &FixRow, v_max_kn: f64) -> f64 {
    let budget = budget_km(a, b, v_max_kn);
    // The path along a meridian then a parallel is never shorter than the great
    // circle: within the budget by it, no trigonometry is needed.
    let (dlat, dlon) = ((b.lat() - a.lat()).abs(), (b.lon() - a.lon()).abs());
    if (dlat + dlon) * KM_PER_DEG <= budget {
        return (dlat + dlon) * KM_PER_DEG - budget;
    }
    distance_km(a.lat(), a.lon(), b.lat(), b.lon()) - budget
}

/// Whether a vessel at `v_max_kn` could have sailed from `a` to `b`: the sign of
/// [`excess_km`], decided without trigonometry for the short legs that nearly all are
/// (a path along a parallel then a meridian, never shorter than the great circle; then a
/// flat projection with a tabled cosine, within 0.1% of the great circle below 100 km;
/// the great circle itself when the leg is longer or the flat answer is within 0.2% of
/// the limit).
pub fn reachable(a: &FixRow, b: &FixRow, v_max_kn: f64) -> bool {
    Reach::new(v_max_kn, [a, b]).reachable(a, b)
}

/// [`reachable`] for one vessel, what it needs worked out once: it is asked of every
/// fix of a day, and a division or a cosine costs more than the rest of the fast path.
#[derive(Debug, Clone, Copy)]
struct Reach {
    km_per_ms: f64,
    /// Kilometres per degree of longitude along the parallel of the vessel's fix nearest
    /// the equator, or a little more: along any parallel of its fixes, a degree is no
    /// longer than this.
    km_per_deg_lon: f64,
}

/// More than the table's cosine can be short of the true one (a latitude rounded to
/// 0.01 degree moves the cosine by at most 0.005 degree in radians, 8.7e-5).
const COS_TABLE_MARGIN: f64 = 1e-4;

impl Reach {
    fn new<'a>(v_max_kn: f64, fixes: impl IntoIterator<Item = &'a FixRow>) -> Self {
        let nearest_equator = fixes.into_iter().map(|f| f.lat_e7.unsigned_abs()).min().unwrap_or(0);
        let cos = cos_deg(f64::from(nearest_equator) * 1e-7) + COS_TABLE_MARGIN;
        Self {
            km_per_ms: v_max_kn * KM_PER_NM / 3_600_000.0,
            km_per_deg_lon: KM_PER_DEG * cos.min(1.0),
        }
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "milliseconds and 1e-7 degrees between two fixes"
    )]
    #[inline]
    fn reachable(self, a: &FixRow, b: &FixRow) -> bool {
        let budget = (b.ts_ms - a.ts_ms).unsigned_abs() as f64 * self.km_per_ms + SLACK_KM;
        // In degrees, by multiplication (the positions are whole 1e-7 degrees).
        let dlat = f64::from(b.lat_e7.abs_diff(a.lat_e7)) * 1e-7;
        let dlon = f64::from(b.lon_e7.abs_diff(a.lon_e7)) * 1e-7;
        // Along the parallel of `a`, then the meridian to `b`: a path never shorter than
        // the great circle.
        if dlat * KM_PER_DEG + dlon * self.km_per_deg_lon <= budget {
            return true;
        }
        Self::reachable_by_distance(a, b, budget, dlat, dlon)
    }

    /// The rest of [`Reach::reachable`], for the legs the path along the parallel does
    /// not settle.
    #[inline(never)]
    fn reachable_by_distance(a: &FixRow, b: &FixRow, budget: f64, dlat: f64, dlon: f64) -> bool {
        // The meridian distance alone is never more than the great circle.
        if dlat * KM_PER_DEG > budget * 1.002 {
            return false;
        }
        let mid = f64::from(a.lat_e7 / 2 + b.lat_e7 / 2) * 1e-7;
        let dx = dlon * KM_PER_DEG * cos_deg(mid);
        let dy = dlat * KM_PER_DEG;
        // Compared squared: a square root costs more than the rest of the test.
        let flat2 = dx * dx + dy * dy;
        if flat2 < 100.0 * 100.0 {
            if flat2 < (budget * 0.998) * (budget * 0.998) {
                return true;
            }
            if flat2 > (budget * 1.002) * (budget * 1.002) {
                return false;
            }
        }
        distance_km(a.lat(), a.lon(), b.lat(), b.lon()) <= budget
    }
}

/// The cosine of a latitude from a table of every 0.01 degree (within 2e-6).
pub fn cos_deg(lat: f64) -> f64 {
    static TABLE: std::sync::LazyLock<Vec<f64>> =
        std::sync::LazyLock::new(|| (0..=9000).map(|k| (f64::from(k) / 100.0).to_radians().cos()).collect());
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to the table"
    )]
    // Rounded by adding a half and truncating: `f64::round` is a call into libm on
    // the baseline x86-64 target, and this is a look-up of every fix of a day.
    let k = ((lat.abs() * 100.0 + 0.5) as usize).min(9000);
    TABLE[k]
}

/// How a segment began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The vessel's first fix.
    First,
    /// A jump from the fix `from` (of another segment) that the vessel could not have
    /// sailed, after a silence shorter than the gap threshold.
    Teleport { from: usize },
    /// The same after a silence of at least the gap threshold.
    Reappearance { from: usize },
}

/// A run of consistent fixes: indices into the vessel's fixes, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub fixes: Vec<usize>,
    pub start: Start,
}

impl Segment {
    pub fn first(&self) -> usize {
        self.fixes[0]
    }

    pub fn last(&self) -> usize {
        self.fixes[self.fixes.len() - 1]
    }
}

/// A vessel's track, cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub v_max_kn: f64,
    pub segments: Vec<Segment>,
    /// The fixes left out: impossible to reach and to leave while their neighbours agree.
    pub bad: Vec<usize>,
}

/// Which segment each fix of a track belongs to (`None`: a bad fix).
impl Track {
    pub fn segment_of(&self, n: usize) -> Vec<Option<u32>> {
        let mut of = vec![None; n];
        for (s, seg) in self.segments.iter().enumerate() {
            for &i in &seg.fixes {
                #[allow(clippy::cast_possible_truncation, reason = "segments of one vessel fit u32")]
                let s = s as u32;
                of[i] = Some(s);
            }
        }
        of
    }
}

/// Cleans one vessel's fixes (sorted by time). `min_gap_ms` tells a teleport from a
/// reappearance after a silence.
///
/// Each fix joins the track it can be reached from: the track of the previous fix
/// first, then another recent track (one MMSI, two transmitters), then a recent
/// outlier it agrees with (which then starts a track with it). Otherwise it is a bad
/// fix when the next fix agrees with the track and not with it, else it starts a new
/// segment. The last fix of the data, impossible from its track, is a bad fix (nothing
/// shows the track continues from it).
pub fn clean(fixes: &[FixRow], min_gap_ms: i64) -> Track {
    let v_max = v_max_kn(fixes);
    let reach = Reach::new(v_max, fixes);
    let ok = |a: usize, b: usize| reach.reachable(&fixes[a], &fixes[b]);
    let mut segments: Vec<Segment> = Vec::new();
    let mut bad: Vec<usize> = Vec::new();
    let mut outliers: Vec<usize> = Vec::new();
    let mut current = 0usize;
    for i in 0..fixes.len() {
        if segments.is_empty() {
            segments.push(Segment {
                fixes: vec![i],
                start: Start::First,
            });
            continue;
        }
        let last = segments[current].last();
        if ok(last, i) {
            segments[current].fixes.push(i);
            continue;
        }
        let ts = fixes[i].ts_ms;
        // Another track of this MMSI, heard recently, that this fix continues.
        let other = (segments.len().saturating_sub(RECENT_TRACKS)..segments.len())
            .rev()
            .find(|&s| {
                s != current && ts - fixes[segments[s].last()].ts_ms <= TRACK_MEMORY_MS && ok(segments[s].last(), i)
            });
        if let Some(s) = other {
            segments[s].fixes.push(i);
            current = s;
            continue;
        }
        // An outlier this fix agrees with: the two start a track.
        outliers.retain(|&o| ts - fixes[o].ts_ms <= OUTLIER_MEMORY_MS);
        if let Some(k) = outliers.iter().rposition(|&o| ok(o, i)) {
            let o = outliers.remove(k);
            bad.retain(|&b| b != o);
            // The jump came from the fix of the track before the outlier.
            let before = &segments[current].fixes;
            let from = before[before.partition_point(|&f| f < o).saturating_sub(1)];
            segments.push(Segment {
                fixes: vec![o, i],
                start: jump_start(fixes, from, o, min_gap_ms),
            });
            current = segments.len() - 1;
            continue;
        }
        let next_agrees = fixes.get(i + 1).is_none_or(|_| ok(last, i + 1) && !ok(i, i + 1));
        if next_agrees {
            bad.push(i);
            outliers.push(i);
            continue;
        }
        segments.push(Segment {
            fixes: vec![i],
            start: jump_start(fixes, last, i, min_gap_ms),
        });
        current = segments.len() - 1;
    }
    for seg in &mut segments {
        seg.fixes.sort_unstable();
    }
    bad.sort_unstable();
    Track {
        v_max_kn: v_max,
        segments,
        bad,
    }
}

fn jump_start(fixes: &[FixRow], from: usize, to: usize, min_gap_ms: i64) -> Start {
    if fixes[to].ts_ms - fixes[from].ts_ms >= min_gap_ms {
        Start::Reappearance { from }
    } else {
        Start::Teleport { from }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;

    const MIN: i64 = 60_000;
    const GAP: i64 = 2 * 3_600_000;

    /// A fix `km_east` of 55N 12E at minute `minute`.
    fn at(minute: i64, km_east: f64, sog: f32) -> FixRow {
        FixRow::from(Fix {
            mmsi: 219_000_001,
            ts_ms: minute * MIN,
            lat: 55.0,
            lon: 12.0 + km_east / (KM_PER_DEG * 55f64.to_radians().cos()),
            sog_kn: Some(sog),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: None,
        })
    }

    /// Ten knots east, a fix a minute.
    fn steaming(minutes: std::ops::Range<i64>) -> Vec<FixRow> {
        minutes
            .map(|m| at(m, f64::from(u32::try_from(m).unwrap()) * 10.0 * KM_PER_NM / 60.0, 10.0))
            .collect()
    }

    #[test]
    fn the_top_speed_is_its_own_within_bounds() {
        assert!(
            (v_max_kn(&steaming(0..10)) - DEFAULT_V_MAX_KN).abs() < 1e-9,
            "too few reports"
        );
        let few_fast: Vec<FixRow> = (0..5).map(|m| at(m, 0.0, 22.0)).collect();
        assert!(
            (v_max_kn(&few_fast) - 26.4).abs() < 1e-4,
            "too few, but faster than the default"
        );
        assert!(
            (v_max_kn(&steaming(0..100)) - 16.0).abs() < 1e-9,
            "1.5 x 10 kn, raised to 16"
        );
        let fast: Vec<FixRow> = (0..100).map(|m| at(m, 0.0, 18.0)).collect();
        assert!((v_max_kn(&fast) - 27.0).abs() < 1e-4);
        let faster: Vec<FixRow> = (0..100).map(|m| at(m, 0.0, 25.0)).collect();
        assert!((v_max_kn(&faster) - 30.0).abs() < 1e-9, "capped");
        let fast_craft: Vec<FixRow> = (0..100).map(|m| at(m, 0.0, 38.0)).collect();
        assert!(
            (v_max_kn(&fast_craft) - 45.6).abs() < 1e-4,
            "its own speed, with a margin"
        );
    }

    #[test]
    fn the_excess_distance_is_zero_at_the_allowance() {
        // 20 kn for 6 minutes is 2 nm, plus 0.3 nm.
        let a = at(0, 0.0, 0.0);
        let edge = 2.3 * KM_PER_NM;
        assert!(excess_km(&a, &at(6, edge - 0.01, 0.0), 20.0) < 0.0);
        assert!(excess_km(&a, &at(6, edge + 0.01, 0.0), 20.0) > 0.0);
    }

    #[test]
    fn reachable_agrees_with_the_excess_distance() {
        let a = at(0, 0.0, 0.0);
        for km in [0.1, 1.0, 2.3 * KM_PER_NM - 0.01, 2.3 * KM_PER_NM + 0.01, 50.0, 150.0] {
            for minutes in [0, 1, 6, 60, 600] {
                let b = at(minutes, km, 0.0);
                assert_eq!(
                    reachable(&a, &b, 20.0),
                    excess_km(&a, &b, 20.0) <= 0.0,
                    "{km} km in {minutes} min"
                );
            }
        }
    }

    #[test]
    fn every_path_of_the_reach_test_agrees_with_the_great_circle() {
        // Legs at the limit within 0.05%, on all bearings, at several latitudes, for a
        // vessel whose fixes reach nearer the equator than the leg or not.
        let mut checked = 0;
        for lat in [0.0, 30.0, 55.0, 70.0, -62.5] {
            for bearing in (0..360).step_by(15) {
                for minutes in [1, 6, 60] {
                    let limit = 20.0 * KM_PER_NM * f64::from(minutes) / 60.0 + SLACK_KM;
                    for km in [limit * 0.9995, limit * 1.0005, limit * 0.5, limit * 3.0] {
                        let (s, c) = f64::from(bearing).to_radians().sin_cos();
                        let a = Fix {
                            lat,
                            lon: 12.0,
                            ..at(0, 0.0, 0.0).fix()
                        };
                        let b = Fix {
                            ts_ms: i64::from(minutes) * MIN,
                            lat: lat + km * c / KM_PER_DEG,
                            lon: 12.0 + km * s / (KM_PER_DEG * lat.to_radians().cos()),
                            ..a
                        };
                        let (a, b) = (FixRow::from(a), FixRow::from(b));
                        let want = excess_km(&a, &b, 20.0) <= 0.0;
                        let south = FixRow::from(Fix {
                            lat: lat.abs() - 10.0,
                            ..a.fix()
                        });
                        for reach in [Reach::new(20.0, [&a, &b]), Reach::new(20.0, [&a, &b, &south])] {
                            assert_eq!(reach.reachable(&a, &b), want, "{km} km at {bearing} deg from {lat}N");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 5 * 24 * 3 * 4 * 2);
    }

    #[test]
    fn one_bad_fix_is_left_out_and_the_track_stays_one() {
        let mut fixes = steaming(0..30);
        fixes[10] = at(10, 80.0, 10.0);
        let t = clean(&fixes, GAP);
        assert_eq!(t.bad, vec![10]);
        assert_eq!(t.segments.len(), 1);
        assert_eq!(t.segments[0].fixes.len(), 29);
    }

    #[test]
    fn a_jump_the_track_continues_from_is_a_teleport() {
        let mut fixes = steaming(0..10);
        fixes.extend((10..20).map(|m| at(m, 200.0 + f64::from(u32::try_from(m).unwrap()) * 0.3, 10.0)));
        let t = clean(&fixes, GAP);
        assert!(t.bad.is_empty());
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[1].start, Start::Teleport { from: 9 });
        // The same after three hours of silence is a reappearance.
        let mut fixes = steaming(0..10);
        fixes.extend((190..200).map(|m| at(m, 300.0 + f64::from(u32::try_from(m).unwrap()) * 0.3, 10.0)));
        let t = clean(&fixes, GAP);
        assert_eq!(t.segments[1].start, Start::Reappearance { from: 9 });
    }

    #[test]
    fn two_transmitters_on_one_mmsi_are_two_segments() {
        // A near 0 km and B near 100 km, each heard every other minute.
        let fixes: Vec<FixRow> = (0..120)
            .map(|m| if m % 2 == 0 { at(m, 0.0, 0.1) } else { at(m, 100.0, 0.1) })
            .collect();
        let t = clean(&fixes, GAP);
        assert!(t.bad.is_empty(), "{:?}", t.bad);
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0].fixes.len(), 60);
        assert_eq!(t.segments[1].fixes.len(), 60);
    }

    #[test]
    fn the_last_fix_impossible_from_its_track_is_a_bad_fix() {
        let mut fixes = steaming(0..10);
        fixes.push(at(10, 500.0, 10.0));
        let t = clean(&fixes, GAP);
        assert_eq!((t.bad.clone(), t.segments.len()), (vec![10], 1));
    }
}
