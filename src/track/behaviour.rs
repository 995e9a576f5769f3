//! What one vessel's own track shows, segment by segment after cleaning: its silences
//! (gaps), its idling at sea (loitering) and the anomalies of its positions (bad fixes,
//! teleports, reappearances, two tracks on one MMSI, positions on land). Events that
//! need other vessels (the coverage evidence of a gap, one IMO on two transmitters,
//! interference areas) are completed in `gaps` and `anomalies`. No I/O.

use super::clean::{self, KM_PER_NM, Start, Track};
use super::land::LandMask;
use super::ports::Gazetteer;
use crate::model::ais::FixRow;
use crate::model::port::{KM_PER_DEG, distance_km};

const H: i64 = 3_600_000;

/// The rules' parameters (defaults per the specification).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// A silence of at least this long is a gap.
    pub min_gap_h: f64,
    /// Loitering lasts at least this long.
    pub loiter_min_h: f64,
    /// Loitering stays below this displacement speed.
    pub loiter_max_kn: f64,
    /// Loitering stays farther than this from the edge of every port area.
    pub loiter_port_km: f64,
}

impl Params {
    pub const DEFAULT: Self = Self {
        min_gap_h: 2.0,
        loiter_min_h: 4.0,
        loiter_max_kn: 2.0,
        loiter_port_km: 10.0,
    };

    pub fn min_gap_ms(&self) -> i64 {
        hours_ms(self.min_gap_h)
    }
}

#[allow(clippy::cast_possible_truncation, reason = "hours of a rule fit i64 milliseconds")]
pub fn hours_ms(h: f64) -> i64 {
    (h * 3_600_000.0).round() as i64
}

#[allow(clippy::cast_precision_loss, reason = "milliseconds of an event")]
pub fn ms_hours(ms: i64) -> f64 {
    ms as f64 / 3_600_000.0
}

/// A vessel whose usual interval between fixes is longer than this reports sparsely:
/// a silence must also be 6 usual intervals long to be a gap.
pub const SPARSE_INTERVAL_MS: i64 = 10 * 60_000;
/// Silences between fixes longer than this end a loitering run.
const LOITER_SILENCE_MS: i64 = 2 * H;
/// Displacement speed is measured over the hour ending at each fix.
const DISPLACEMENT_WINDOW_MS: i64 = H;
/// How far around a slow vessel the ports are looked for beyond the loitering distance:
/// the farther the nearest port's edge is from that distance, the farther the vessel
/// may move before it is looked up again.
const PORT_LOOKAHEAD_KM: f64 = 20.0;
/// `shared_mmsi`: two segments overlap in time this long, this far apart.
const SHARED_OVERLAP_MS: i64 = H;
const SHARED_APART_KM: f64 = 10.0 * KM_PER_NM;
/// `on_land`: this far inland, for this many fixes or this long.
pub const INLAND_M: f64 = 500.0;
const ON_LAND_FIXES: usize = 3;
const ON_LAND_MS: i64 = 10 * 60_000;

/// A silence of one vessel: from its last fix before to its first after (none: open).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Gap {
    pub start: FixRow,
    pub end: Option<FixRow>,
}

/// A run of slow displacement at sea.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Loiter {
    pub mmsi: u32,
    pub start_ms: i64,
    pub end_ms: i64,
    /// The mean position of its fixes.
    pub lat: f64,
    pub lon: f64,
    /// The farthest fix from that position.
    pub radius_km: f64,
    pub mean_speed_kn: f64,
    pub at_anchor: bool,
    pub draught_start_m: Option<f32>,
    pub draught_end_m: Option<f32>,
}

/// The kinds of anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    BadFix,
    Teleport,
    ImpossibleReappearance,
    SharedMmsi,
    OnLand,
    ImoClash,
    Interference,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadFix => "bad_fix",
            Self::Teleport => "teleport",
            Self::ImpossibleReappearance => "impossible_reappearance",
            Self::SharedMmsi => "shared_mmsi",
            Self::OnLand => "on_land",
            Self::ImoClash => "imo_clash",
            Self::Interference => "interference",
        }
    }
}

/// One anomaly: where and when, and for a pair (a jump, two tracks, two transmitters)
/// the other place.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Anomaly {
    pub kind: Kind,
    pub mmsi: u32,
    pub start_ms: i64,
    pub end_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub other_mmsi: Option<u32>,
    pub other: Option<(f64, f64)>,
    pub distance_km: Option<f64>,
    /// Every vessel affected (interference).
    pub vessels: Vec<u32>,
    pub detail: String,
}

impl Anomaly {
    /// An anomaly of one fix.
    pub fn at(kind: Kind, f: &FixRow, detail: String) -> Self {
        Self {
            kind,
            mmsi: f.mmsi,
            start_ms: f.ts_ms,
            end_ms: f.ts_ms,
            lat: f.lat(),
            lon: f.lon(),
            other_mmsi: None,
            other: None,
            distance_km: None,
            vessels: vec![f.mmsi],
            detail,
        }
    }

    /// A jump from `from` to `to`.
    fn jump(kind: Kind, from: &FixRow, to: &FixRow, detail: String) -> Self {
        Self {
            end_ms: to.ts_ms,
            start_ms: from.ts_ms,
            other: Some((to.lat(), to.lon())),
            distance_km: Some(distance_km(from.lat(), from.lon(), to.lat(), to.lon())),
            ..Self::at(kind, from, detail)
        }
    }
}

/// What one vessel's own track shows.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Observed {
    pub mmsi: u32,
    /// Its first and last fix (bad or not).
    pub heard_ms: (i64, i64),
    /// Its closed gaps, in time order.
    pub gaps: Vec<Gap>,
    /// Its latest accepted fix: an open gap starts there when the data goes on long enough.
    pub last: Option<FixRow>,
    /// The silence a gap needs for this vessel (the sparse-reporting rule included).
    pub gap_ms: i64,
    /// When it fell silent for at least the gap threshold (any fix, bad or not), and
    /// its very last fix: the evidence of an outage that silenced vessels together.
    pub silences: Vec<i64>,
    pub loiters: Vec<Loiter>,
    pub anomalies: Vec<Anomaly>,
    /// The first accepted fix of each hour, when asked for (a vessel sharing its IMO).
    pub hourly: Vec<FixRow>,
}

/// What to look for beyond gaps.
pub struct Scope<'a> {
    pub ports: &'a Gazetteer,
    pub land: Option<&'a LandMask>,
    /// The gaps and the gap threshold (without: no gaps, and the plain threshold).
    pub gaps: bool,
    pub loitering: bool,
    /// The MMSIs whose hourly positions are kept.
    pub hourly: &'a (dyn Fn(u32) -> bool + Sync),
}

/// Everything one vessel's fixes (sorted by time, one MMSI) show on their own.
pub fn observe(fixes: &[FixRow], params: &Params, scope: &Scope<'_>) -> Observed {
    let Some(first) = fixes.first() else {
        return Observed::default();
    };
    let min_gap = params.min_gap_ms();
    let track = clean::clean(fixes, min_gap);
    let gap_ms = if scope.gaps {
        gap_threshold(fixes, &track, min_gap)
    } else {
        min_gap
    };
    let mut seen = Observed {
        mmsi: first.mmsi,
        heard_ms: (first.ts_ms, fixes[fixes.len() - 1].ts_ms),
        gap_ms,
        silences: silences(fixes, min_gap),
        ..Observed::default()
    };
    jumps(fixes, &track, &mut seen);
    if scope.gaps {
        seen.gaps = gaps(fixes, &track, gap_ms);
    }
    for seg in &track.segments {
        if scope.loitering {
            loitering(fixes, &seg.fixes, params, scope.ports, &mut seen.loiters);
        }
        // Only a segment that a jump started, on land from its first fix: a track that
        // sails onto the mask's land at a plausible speed is on a waterway the mask
        // lacks (rivers, canals, lagoons), and one that was there when the data began
        // cannot be told from a berth.
        if let Some(land) = scope.land
            && seg.start != Start::First
        {
            on_land(fixes, &seg.fixes, land, scope.ports, &mut seen.anomalies);
        }
    }
    for &b in &track.bad {
        let before = track
            .segments
            .iter()
            .filter_map(|s| s.fixes.iter().rev().find(|&&i| i < b))
            .max();
        let detail = before.map_or_else(String::new, |&p| {
            let km = distance_km(fixes[p].lat(), fixes[p].lon(), fixes[b].lat(), fixes[b].lon());
            format!(
                "{km:.1} km from the fix {} min before, beyond {:.0} kn; the fixes around it agree",
                (fixes[b].ts_ms - fixes[p].ts_ms) / 60_000,
                track.v_max_kn
            )
        });
        let mut a = Anomaly::at(Kind::BadFix, &fixes[b], detail);
        if let Some(&p) = before {
            a.other = Some((fixes[p].lat(), fixes[p].lon()));
            a.distance_km = Some(distance_km(
                fixes[p].lat(),
                fixes[p].lon(),
                fixes[b].lat(),
                fixes[b].lon(),
            ));
        }
        seen.anomalies.push(a);
    }
    seen.gaps.sort_by_key(|g| g.start.ts_ms);
    seen.last = track.segments.iter().map(|s| fixes[s.last()]).max_by_key(|f| f.ts_ms);
    if (scope.hourly)(first.mmsi) {
        let mut hour = i64::MIN;
        for seg in &track.segments {
            for &i in &seg.fixes {
                if fixes[i].ts_ms.div_euclid(H) != hour {
                    hour = fixes[i].ts_ms.div_euclid(H);
                    seen.hourly.push(fixes[i]);
                }
            }
        }
        seen.hourly.sort_by_key(|f| f.ts_ms);
    }
    seen.anomalies.sort_by_key(|a| (a.start_ms, a.kind));
    seen
}

/// The silences of the transmitter between accepted fixes next to each other in time,
/// whichever track each belongs to (one MMSI carrying two tracks is not silent while
/// either reports), of at least `gap_ms`.
fn gaps(fixes: &[FixRow], track: &Track, gap_ms: i64) -> Vec<Gap> {
    let segment_of = track.segment_of(fixes.len());
    let mut out = Vec::new();
    let mut prev: Option<usize> = None;
    for i in (0..fixes.len()).filter(|&i| segment_of[i].is_some()) {
        if let Some(p) = prev
            && fixes[i].ts_ms - fixes[p].ts_ms >= gap_ms
        {
            out.push(Gap {
                start: fixes[p],
                end: Some(fixes[i]),
            });
        }
        prev = Some(i);
    }
    out
}

/// The silence a gap needs: the threshold, or for a vessel that reports sparsely (its
/// median interval between accepted fixes above 10 minutes) 6 such intervals if longer.
fn gap_threshold(fixes: &[FixRow], track: &Track, min_gap: i64) -> i64 {
    let mut intervals: Vec<i64> = track
        .segments
        .iter()
        .flat_map(|s| s.fixes.windows(2).map(|w| fixes[w[1]].ts_ms - fixes[w[0]].ts_ms))
        .filter(|dt| *dt > 0)
        .collect();
    if intervals.is_empty() {
        return min_gap;
    }
    let k = intervals.len() / 2;
    let (_, usual, _) = intervals.select_nth_unstable(k);
    if *usual > SPARSE_INTERVAL_MS {
        min_gap.max(6 * *usual)
    } else {
        min_gap
    }
}

/// When the transmitter fell silent for at least `min_gap`, and its last fix.
fn silences(fixes: &[FixRow], min_gap: i64) -> Vec<i64> {
    let mut out: Vec<i64> = fixes
        .windows(2)
        .filter(|w| w[1].ts_ms - w[0].ts_ms >= min_gap)
        .map(|w| w[0].ts_ms)
        .collect();
    out.extend(fixes.last().map(|f| f.ts_ms));
    out
}

/// The jumps that start segments: a teleport or an impossible reappearance when the
/// track continues only from the new place (a reappearance also closes a gap), two
/// tracks on one MMSI when the old place keeps reporting for an hour or more, 10 nm or
/// more away (the silence before a reappearance is a gap of its own).
fn jumps(fixes: &[FixRow], track: &Track, seen: &mut Observed) {
    for (s, seg) in track.segments.iter().enumerate() {
        let (Start::Teleport { from } | Start::Reappearance { from }) = seg.start else {
            continue;
        };
        let (a, b) = (&fixes[from], &fixes[seg.first()]);
        let Some(old) = track.segments[..s]
            .iter()
            .find(|o| o.fixes.binary_search(&from).is_ok())
        else {
            continue;
        };
        let km = distance_km(a.lat(), a.lon(), b.lat(), b.lon());
        let minutes = (b.ts_ms - a.ts_ms) / 60_000;
        let old_end = fixes[old.last()].ts_ms;
        let overlap = old_end.min(fixes[seg.last()].ts_ms) - b.ts_ms;
        if old_end > b.ts_ms && overlap >= SHARED_OVERLAP_MS && km >= SHARED_APART_KM {
            let detail = format!(
                "two tracks {km:.0} km apart report for {:.1} h at once",
                ms_hours(overlap)
            );
            let mut x = Anomaly::jump(Kind::SharedMmsi, a, b, detail);
            x.start_ms = b.ts_ms;
            x.end_ms = b.ts_ms + overlap;
            seen.anomalies.push(x);
            continue;
        }
        let reappeared = matches!(seg.start, Start::Reappearance { .. }) && old_end <= b.ts_ms;
        let (kind, detail) = if reappeared {
            (
                Kind::ImpossibleReappearance,
                format!(
                    "reappeared {km:.0} km away after {:.1} h, beyond {:.0} kn",
                    ms_hours(b.ts_ms - a.ts_ms),
                    track.v_max_kn
                ),
            )
        } else {
            (
                Kind::Teleport,
                format!("jumped {km:.0} km in {minutes} min and went on from there"),
            )
        };
        seen.anomalies.push(Anomaly::jump(kind, a, b, detail));
    }
}

/// Distance in km over the short legs of one track: a flat projection at the legs'
/// latitude (within 0.1% of the great circle below 100 km, and an order of magnitude
/// cheaper, which counts at a fix of every vessel of a day).
fn leg_km(a: &FixRow, b: &FixRow) -> f64 {
    let kx = KM_PER_DEG * clean::cos_deg(f64::midpoint(a.lat(), b.lat()));
    let (dx, dy) = ((b.lon() - a.lon()) * kx, (b.lat() - a.lat()) * KM_PER_DEG);
    (dx * dx + dy * dy).sqrt()
}

/// The displacement speed from `back` to `f` over `dt` milliseconds, in knots.
fn displacement_kn(back: &FixRow, f: &FixRow, dt: i64) -> f64 {
    leg_km(back, f) / KM_PER_NM / ms_hours(dt)
}

/// Whether the displacement from `back` to `f` over `dt` milliseconds is slower than
/// `max_kn` (by [`displacement_kn`]): decided by the square of the distance against a
/// margin of 0.1%, without a root or a division, for all but the legs within it.
fn slower_than(back: &FixRow, f: &FixRow, dt: i64, max_kn: f64) -> bool {
    #[allow(clippy::cast_precision_loss, reason = "milliseconds of a window")]
    let limit = max_kn * KM_PER_NM * (dt as f64 * (1.0 / 3_600_000.0));
    // In 1e-7 degrees by multiplication: the margin covers the rounding.
    let dy = (f64::from(f.lat_e7) - f64::from(back.lat_e7)) * (1e-7 * KM_PER_DEG);
    if dy.abs() > limit * 1.001 {
        return false;
    }
    let mid = f64::from(f.lat_e7 / 2 + back.lat_e7 / 2) * 1e-7;
    let dx = (f64::from(f.lon_e7) - f64::from(back.lon_e7)) * (1e-7 * KM_PER_DEG) * clean::cos_deg(mid);
    let d2 = dx * dx + dy * dy;
    if d2 < (limit * 0.999) * (limit * 0.999) {
        return true;
    }
    if d2 > (limit * 1.001) * (limit * 1.001) {
        return false;
    }
    displacement_kn(back, f, dt) < max_kn
}

/// Runs of slow displacement away from ports in one segment. The ports are looked up
/// only for the fixes of a slow run long enough to hold a loitering (on a day of
/// vessels wandering at random most slow runs are not).
fn loitering(fixes: &[FixRow], seg: &[usize], params: &Params, ports: &Gazetteer, out: &mut Vec<Loiter>) {
    let min_ms = hours_ms(params.loiter_min_h);
    let mut far = AwayFromPorts::new(ports, params.loiter_port_km);
    let mut j = 0usize; // the fix at or before an hour back
    // The run of slow fixes so far: (the fix, the start of its hour's window).
    let mut slow: Vec<(usize, usize)> = Vec::new();
    for k in 0..seg.len() {
        let f = &fixes[seg[k]];
        if k > 0 && f.ts_ms - fixes[seg[k - 1]].ts_ms > LOITER_SILENCE_MS {
            runs_at_sea(fixes, seg, &slow, min_ms, &mut far, out);
            slow.clear();
        }
        while j + 1 < k && fixes[seg[j + 1]].ts_ms <= f.ts_ms - DISPLACEMENT_WINDOW_MS {
            j += 1;
        }
        let back = &fixes[seg[j]];
        let dt = f.ts_ms - back.ts_ms;
        let measured = j < k && (DISPLACEMENT_WINDOW_MS..=LOITER_SILENCE_MS + DISPLACEMENT_WINDOW_MS).contains(&dt);
        if measured && slower_than(back, f, dt, params.loiter_max_kn) {
            slow.push((k, j));
        } else {
            runs_at_sea(fixes, seg, &slow, min_ms, &mut far, out);
            slow.clear();
        }
    }
    runs_at_sea(fixes, seg, &slow, min_ms, &mut far, out);
}

/// The parts of a run of slow fixes (`slow`: each fix and the start of its hour's
/// window) away from the ports that last `min_ms` from the start of their first fix's
/// window.
fn runs_at_sea(
    fixes: &[FixRow],
    seg: &[usize],
    slow: &[(usize, usize)],
    min_ms: i64,
    far: &mut AwayFromPorts<'_>,
    out: &mut Vec<Loiter>,
) {
    let lasts = |part: &[(usize, usize)]| match (part.first(), part.last()) {
        (Some(a), Some(b)) => fixes[seg[b.0]].ts_ms - fixes[seg[a.1]].ts_ms >= min_ms,
        _ => false,
    };
    // No part of a run lasts longer than the run.
    if !lasts(slow) {
        return;
    }
    for part in slow.split(|&(k, _)| !far.away(&fixes[seg[k]])) {
        if lasts(part) {
            let speed = |&(k, j): &(usize, usize)| {
                let (back, f) = (&fixes[seg[j]], &fixes[seg[k]]);
                displacement_kn(back, f, f.ts_ms - back.ts_ms)
            };
            #[allow(clippy::cast_precision_loss, reason = "fixes of a run")]
            let mean = part.iter().map(speed).sum::<f64>() / part.len() as f64;
            out.push(loiter(fixes, &seg[part[0].1..=part[part.len() - 1].0], mean));
        }
    }
}

/// Whether positions lie farther than a distance from the edge of every port area,
/// remembering the last answer and how far a vessel may move before it may change.
struct AwayFromPorts<'a> {
    ports: &'a Gazetteer,
    limit_km: f64,
    /// The last position looked up, its answer and its slack in km.
    checked: Option<(f64, f64, bool, f64)>,
}

impl<'a> AwayFromPorts<'a> {
    fn new(ports: &'a Gazetteer, limit_km: f64) -> Self {
        Self {
            ports,
            limit_km,
            checked: None,
        }
    }

    fn away(&mut self, f: &FixRow) -> bool {
        let stale = self.checked.is_none_or(|(lat, lon, _, slack)| {
            (lat - f.lat()).abs() * KM_PER_DEG + (lon - f.lon()).abs() * KM_PER_DEG > slack
        });
        if stale {
            let reach = self.limit_km + PORT_LOOKAHEAD_KM;
            let d = self.ports.nearest_edge(f.lat(), f.lon(), reach).map_or(reach, |e| e.1);
            self.checked = Some((f.lat(), f.lon(), d > self.limit_km, (d - self.limit_km).abs()));
        }
        self.checked.is_some_and(|c| c.2)
    }
}

fn loiter(fixes: &[FixRow], run: &[usize], mean_speed_kn: f64) -> Loiter {
    #[allow(clippy::cast_precision_loss, reason = "fixes of a run")]
    let n = run.len() as f64;
    let lat = run.iter().map(|&i| fixes[i].lat()).sum::<f64>() / n;
    let lon = run.iter().map(|&i| fixes[i].lon()).sum::<f64>() / n;
    let radius_km = run
        .iter()
        .map(|&i| distance_km(lat, lon, fixes[i].lat(), fixes[i].lon()))
        .fold(0.0, f64::max);
    let anchored = run.iter().filter(|&&i| fixes[i].status() == Some(1)).count();
    let (head, tail) = (&fixes[run[0]], &fixes[run[run.len() - 1]]);
    Loiter {
        mmsi: head.mmsi,
        start_ms: head.ts_ms,
        end_ms: tail.ts_ms,
        lat,
        lon,
        radius_km,
        mean_speed_kn,
        at_anchor: anchored * 2 > run.len(),
        draught_start_m: run.iter().find_map(|&i| fixes[i].draught_m()),
        draught_end_m: run.iter().rev().find_map(|&i| fixes[i].draught_m()),
    }
}

/// The run of fixes more than 500 m inland (outside port areas and the waterways of
/// the mask) that a segment begins with, when it holds at least 3 fixes or lasts 10
/// minutes.
fn on_land(fixes: &[FixRow], seg: &[usize], land: &LandMask, ports: &Gazetteer, out: &mut Vec<Anomaly>) {
    // A vessel at a berth reports the same place over and over: it is looked up again
    // once it moved about 20 m. The depth of each fix of the run, for the deepest.
    let mut checked: Option<(i32, i32, bool)> = None;
    let mut depths: Vec<Option<f64>> = Vec::new();
    let mut inland = |f: &FixRow| match checked {
        Some((lat_e7, lon_e7, inland)) if lat_e7.abs_diff(f.lat_e7) < 2000 && lon_e7.abs_diff(f.lon_e7) < 2000 => {
            if inland {
                depths.push(land.inland_m(f.lat(), f.lon()));
            }
            inland
        }
        _ => {
            let (depth, beyond) = land.depth_and_beyond(f.lat(), f.lon(), INLAND_M);
            let inland = beyond && ports.locate(f.lat(), f.lon(), 0.0).is_none();
            checked = Some((f.lat_e7, f.lon_e7, inland));
            if inland {
                depths.push(depth);
            }
            inland
        }
    };
    let n = seg.iter().take_while(|&&i| inland(&fixes[i])).count();
    let run = &seg[..n];
    let (Some(&a), Some(&b)) = (run.first(), run.last()) else {
        return;
    };
    if run.len() < ON_LAND_FIXES && fixes[b].ts_ms - fixes[a].ts_ms < ON_LAND_MS {
        return;
    }
    let deepest = depths.into_iter().flatten().fold(0.0, f64::max);
    let mut x = Anomaly::at(
        Kind::OnLand,
        &fixes[a],
        format!("{} fixes up to {:.1} km inland", run.len(), deepest / 1000.0),
    );
    x.end_ms = fixes[b].ts_ms;
    out.push(x);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;
    use crate::model::port::Port;

    const MIN: i64 = 60_000;

    fn fix(mmsi: u32, minute: i64, north_km: f64, east_km: f64, sog: Option<f32>, status: Option<u8>) -> FixRow {
        FixRow::from(Fix {
            mmsi,
            ts_ms: minute * MIN,
            lat: 56.0 + north_km / KM_PER_DEG,
            lon: 18.0 + east_km / (KM_PER_DEG * 56f64.to_radians().cos()),
            sog_kn: sog,
            cog_deg: None,
            heading_deg: None,
            nav_status: status,
            draught_m: None,
        })
    }

    /// Idle at the origin every `every` minutes over `minutes`, but in the silences.
    fn idle(minutes: std::ops::Range<i64>, every: i64, silent: &[(i64, i64)]) -> Vec<FixRow> {
        minutes
            .step_by(usize::try_from(every).unwrap())
            .filter(|m| !silent.iter().any(|(a, b)| m > a && m < b))
            .map(|m| fix(1, m, 0.0, 0.0, Some(0.1), None))
            .collect()
    }

    fn far_port() -> Gazetteer {
        Gazetteer::new(vec![Port::point("XXFAR", "Far", 50.0, 10.0, 3.0)])
    }

    fn observed(fixes: &[FixRow], ports: &Gazetteer) -> Observed {
        let scope = Scope {
            ports,
            land: None,
            gaps: true,
            loitering: true,
            hourly: &|_| false,
        };
        observe(fixes, &Params::DEFAULT, &scope)
    }

    #[test]
    fn a_silence_of_exactly_the_threshold_is_a_gap_and_a_minute_less_is_not() {
        let ports = far_port();
        let gap = idle(0..600, 1, &[(100, 220)]);
        assert_eq!(observed(&gap, &ports).gaps.len(), 1, "120 minutes");
        let short = idle(0..600, 1, &[(100, 219)]);
        assert!(observed(&short, &ports).gaps.is_empty(), "119 minutes");
    }

    #[test]
    fn a_sparse_reporter_needs_six_intervals_and_ten_minutes_is_not_sparse() {
        let ports = far_port();
        // Every 30 minutes: 6 x 30 min = 3 h.
        let at_3h = idle(0..1440, 30, &[(300, 480)]);
        assert_eq!(observed(&at_3h, &ports).gap_ms, 180 * MIN);
        assert_eq!(observed(&at_3h, &ports).gaps.len(), 1, "exactly 3 h");
        let under = idle(0..1440, 30, &[(300, 450)]);
        assert!(observed(&under, &ports).gaps.is_empty(), "2.5 h");
        // Every 10 minutes is not sparse: the 2-hour threshold holds.
        assert_eq!(observed(&idle(0..1440, 10, &[]), &ports).gap_ms, 120 * MIN);
        assert_eq!(
            observed(&idle(0..1440, 11, &[]), &ports).gap_ms,
            120 * MIN,
            "6 x 11 min is 66 min"
        );
        assert_eq!(observed(&idle(0..2880, 25, &[]), &ports).gap_ms, 150 * MIN);
    }

    /// Steady at `kn` east for `hours`, a fix every 5 minutes, from `minute0`.
    fn moving(kn: f64, minute0: i64, hours: i64, status: Option<u8>) -> Vec<FixRow> {
        (0..=hours * 12)
            .map(|k| {
                #[allow(clippy::cast_precision_loss, reason = "small counts")]
                let km = kn * KM_PER_NM * (k * 5) as f64 / 60.0;
                fix(1, minute0 + k * 5, 0.0, km, None, status)
            })
            .collect()
    }

    #[test]
    fn loitering_is_below_two_knots_of_displacement_for_four_hours() {
        let ports = far_port();
        let slow = observed(&moving(1.9, 0, 6, None), &ports);
        assert_eq!(slow.loiters.len(), 1, "1.9 kn, no speed reported");
        assert!(!slow.loiters[0].at_anchor);
        assert!(observed(&moving(2.1, 0, 6, None), &ports).loiters.is_empty(), "2.1 kn");
        // Exactly four hours from the start of the first hour's window: 5 h of fixes
        // give a run from 0:00 to 5:00; 3 h 55 min give 3:55 - not enough.
        let four = observed(&moving(0.5, 0, 4, None), &ports);
        assert_eq!(four.loiters.len(), 1);
        assert_eq!(four.loiters[0].end_ms - four.loiters[0].start_ms, 4 * 60 * MIN);
        let mut under = moving(0.5, 0, 4, None);
        under.pop();
        assert!(observed(&under, &ports).loiters.is_empty(), "3 h 55 min");
    }

    #[test]
    fn loitering_is_split_by_a_silence_over_two_hours_and_labelled_by_its_status() {
        let ports = far_port();
        // Two stays of 3 hours: 2 h 10 min of silence between them splits them, 2 h
        // exactly does not.
        let mut split = idle(0..180, 5, &[]);
        split.extend(idle(305..485, 5, &[]));
        assert!(observed(&split, &ports).loiters.is_empty());
        let mut joined = idle(0..180, 5, &[]);
        joined.extend(idle(295..475, 5, &[]));
        assert_eq!(observed(&joined, &ports).loiters.len(), 1);
        let anchored = observed(&moving(0.2, 0, 6, Some(1)), &ports);
        assert!(anchored.loiters[0].at_anchor);
    }

    #[test]
    fn loitering_is_farther_than_ten_km_from_a_port_edge() {
        // A port whose 3 km circle's edge lies 9.9 km or 10.1 km from the idle vessel.
        let near = Gazetteer::new(vec![Port::point("XXNEA", "Near", 56.0 + 12.9 / KM_PER_DEG, 18.0, 3.0)]);
        assert!(observed(&idle(0..600, 5, &[]), &near).loiters.is_empty());
        let far = Gazetteer::new(vec![Port::point("XXFAR", "Far", 56.0 + 13.1 / KM_PER_DEG, 18.0, 3.0)]);
        assert_eq!(observed(&idle(0..600, 5, &[]), &far).loiters.len(), 1);
    }

    /// Two tracks of one MMSI, `apart_km` apart, alternating every minute for `minutes`.
    fn twin(apart_km: f64, minutes: i64) -> Vec<FixRow> {
        let mut v: Vec<FixRow> = (0..60).map(|m| fix(1, m, 0.0, 0.0, Some(0.1), None)).collect();
        v.extend((60..60 + minutes).map(|m| {
            if m % 2 == 0 {
                fix(1, m, 0.0, 0.0, Some(0.1), None)
            } else {
                fix(1, m, apart_km, 0.0, Some(0.1), None)
            }
        }));
        v.extend((60 + minutes..60 + minutes + 60).map(|m| fix(1, m, 0.0, 0.0, Some(0.1), None)));
        v
    }

    fn kinds(o: &Observed) -> Vec<Kind> {
        o.anomalies.iter().map(|a| a.kind).collect()
    }

    #[test]
    fn two_tracks_at_once_for_an_hour_ten_nm_apart_are_a_shared_mmsi() {
        let ports = far_port();
        assert_eq!(kinds(&observed(&twin(19.0, 62), &ports)), vec![Kind::SharedMmsi]);
        assert_eq!(
            kinds(&observed(&twin(19.0, 40), &ports)),
            vec![Kind::Teleport],
            "40 minutes"
        );
        assert_eq!(
            kinds(&observed(&twin(17.0, 62), &ports)),
            vec![Kind::Teleport],
            "9.2 nm"
        );
    }
}

#[cfg(test)]
mod on_land_tests {
    use super::*;
    use crate::model::ais::Fix;
    use crate::model::port::Port;

    fn at(minute: i64, lat: f64, lon: f64) -> FixRow {
        FixRow::from(Fix {
            mmsi: 1,
            ts_ms: minute * 60_000,
            lat,
            lon,
            sog_kn: Some(5.0),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: None,
        })
    }

    /// At sea west of Gotland, then `n` fixes `every` minutes apart 5 km inland.
    fn spoofed(n: i64, every: i64) -> Vec<FixRow> {
        let mut v: Vec<FixRow> = (0..30).map(|m| at(m, 57.45, 17.60)).collect();
        v.extend((0..n).map(|k| at(30 + k * every, 57.45, 18.45)));
        v.extend((0..30).map(|m| at(31 + n * every + m, 57.45, 17.60)));
        v
    }

    fn on_land_count(fixes: &[FixRow], land: &LandMask) -> usize {
        let ports = Gazetteer::new(vec![Port::point("XXFAR", "Far", 50.0, 10.0, 3.0)]);
        let scope = Scope {
            ports: &ports,
            land: Some(land),
            gaps: false,
            loitering: false,
            hourly: &|_| false,
        };
        observe(fixes, &Params::DEFAULT, &scope)
            .anomalies
            .iter()
            .filter(|a| a.kind == Kind::OnLand)
            .count()
    }

    #[test]
    fn three_fixes_or_ten_minutes_on_land_after_a_jump() {
        let land = LandMask::bundled().unwrap();
        assert_eq!(on_land_count(&spoofed(3, 1), &land), 1, "3 fixes");
        assert_eq!(on_land_count(&spoofed(2, 1), &land), 0, "2 fixes in a minute");
        assert_eq!(on_land_count(&spoofed(2, 10), &land), 1, "2 fixes 10 minutes apart");
    }
}
