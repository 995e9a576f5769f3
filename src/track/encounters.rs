//! Encounters: two vessels together at sea, from their cleaned tracks. Each segment is
//! put on a 10-minute grid (interpolated only across silences of up to an hour, never
//! beyond a real fix) with its velocity there; the slow points of one grid time are
//! paired through cells no narrower than the distance, each point looking in its own
//! cell and the eight around it (a pair astride a cell edge is a pair), so the cost
//! grows with the vessels near each other, not with the square of the fleet; the times
//! a pair was together become runs, and runs less than 4 h apart one encounter. What a
//! vessel's own fixes add to an encounter (its silences, its draught before and after)
//! is kept in [`Notes`]. No I/O.

use rustc_hash::FxHashMap;

use super::clean::{KM_PER_NM, Track, cos_deg};
use super::ports::Gazetteer;
use crate::model::ais::FixRow;
use crate::model::port::{KM_PER_DEG, distance_km};

const H: i64 = 3_600_000;
/// The grid's step.
pub const GRID_MS: i64 = 10 * 60_000;
/// A track is interpolated across silences of up to this long, no longer.
pub const INTERPOLATE_MS: i64 = H;
/// Runs of one pair less than this apart are one encounter.
pub const MERGE_MS: i64 = 4 * H;
/// Two vessels together move at most this fast relative to each other.
pub const MAX_RELATIVE_KN: f64 = 1.0;
/// An encounter whose median distance is at most this is `alongside`.
pub const ALONGSIDE_M: f64 = 150.0;
/// A draught change of at least this (in decimetres, the resolution AIS sends) counts
/// towards `transfer_like`.
pub const TRANSFER_DM: i32 = 3;

/// The rule's parameters (defaults per the specification).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Together within this distance.
    pub max_distance_m: f64,
    /// Both at or below this speed.
    pub max_speed_kn: f64,
    /// A run lasts at least this long.
    pub min_duration_h: f64,
}

impl Params {
    pub const DEFAULT: Self = Self {
        max_distance_m: 500.0,
        max_speed_kn: 3.0,
        min_duration_h: 2.0,
    };
}

/// A vessel's place and velocity at a grid time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridPoint {
    pub mmsi: u32,
    /// The segment of the vessel's track it lies on.
    pub segment: u16,
    pub ts_ms: i64,
    pub lat: f64,
    pub lon: f64,
    /// Velocity east and north, knots.
    pub east_kn: f64,
    pub north_kn: f64,
}

impl GridPoint {
    pub fn speed_kn(&self) -> f64 {
        self.east_kn.hypot(self.north_kn)
    }

    /// The point as a fix row, to wait in a day spool: coordinates as a fix keeps them
    /// (1 cm), the velocity as two `f32` in the speed and course fields (east) and the
    /// draught and heading fields (north), the segment in the status field (the 255th
    /// and later segments of a window share it). Only [`GridPoint::from_row`] reads such
    /// a row.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "degrees times 1e7 fit i32; knots fit f32"
    )]
    pub fn to_row(&self) -> FixRow {
        let e7 = |deg: f64| (deg * 1e7).round() as i32;
        let halves = |v: f64| {
            let bits = (v as f32).to_bits();
            ((bits & 0xffff) as u16, (bits >> 16) as u16)
        };
        let (east_lo, east_hi) = halves(self.east_kn);
        let (north_lo, north_hi) = halves(self.north_kn);
        FixRow {
            ts_ms: self.ts_ms,
            mmsi: self.mmsi,
            lat_e7: e7(self.lat),
            lon_e7: e7(self.lon),
            sog_dkn: east_lo,
            cog_ddeg: east_hi,
            draught_dm: north_lo,
            heading_deg: north_hi,
            nav_status: u8::try_from(self.segment).unwrap_or(u8::MAX),
        }
    }

    /// The point [`GridPoint::to_row`] made.
    pub fn from_row(r: &FixRow) -> Self {
        let whole = |lo: u16, hi: u16| f64::from(f32::from_bits(u32::from(lo) | u32::from(hi) << 16));
        Self {
            mmsi: r.mmsi,
            segment: u16::from(r.nav_status),
            ts_ms: r.ts_ms,
            lat: r.lat(),
            lon: r.lon(),
            east_kn: whole(r.sog_dkn, r.cog_ddeg),
            north_kn: whole(r.draught_dm, r.heading_deg),
        }
    }
}

/// `b - a` in degrees of longitude, the short way round.
fn dlon_deg(a: f64, b: f64) -> f64 {
    let d = b - a;
    if d > 180.0 {
        d - 360.0
    } else if d < -180.0 {
        d + 360.0
    } else {
        d
    }
}

/// The velocity (east, north, knots) of moving from `a` to `b` in `dt_ms`: with the
/// exact cosine of the mid latitude, or (`rough`) the tabled one (within 2e-6).
#[allow(clippy::cast_precision_loss, reason = "milliseconds between grid times")]
fn velocity(a: (f64, f64), b: (f64, f64), dt_ms: i64, rough: bool) -> (f64, f64) {
    let hours = dt_ms as f64 / H as f64;
    let mid = f64::midpoint(a.0, b.0);
    let cos = if rough { cos_deg(mid) } else { mid.to_radians().cos() };
    let east = dlon_deg(a.1, b.1) * KM_PER_DEG * cos / KM_PER_NM / hours;
    (east, (b.0 - a.0) * KM_PER_DEG / KM_PER_NM / hours)
}

/// The grid points of a vessel's cleaned track at or below `max_speed_kn`, added to
/// `out` in segment and time order. A position at a grid time is interpolated between
/// the fixes around it when they are at most an hour apart (a fix on the grid time is
/// itself); the velocity there is the displacement between the grid times around it
/// (over 20 minutes, or 10 at the edge of a run), or for a lone grid point that of the
/// leg between the fixes around it. The reported speed is never used: a fix on a grid
/// time with no other fix within the hour has no speed to tell and is no grid point.
pub fn grid(fixes: &[FixRow], track: &Track, max_speed_kn: f64, out: &mut Vec<GridPoint>) {
    // (grid time, lat, lon, the leg it lies on if within the hour: its fixes)
    type Place = (i64, f64, f64, Option<(usize, usize)>);
    let mut places: Vec<Place> = Vec::new();
    for (s, seg) in track.segments.iter().enumerate() {
        places.clear();
        for w in seg.fixes.windows(2) {
            let (a, b) = (&fixes[w[0]], &fixes[w[1]]);
            let mut t = a.ts_ms.div_euclid(GRID_MS) * GRID_MS;
            if t < a.ts_ms {
                t += GRID_MS;
            }
            if b.ts_ms - a.ts_ms > INTERPOLATE_MS {
                if t == a.ts_ms {
                    places.push((t, a.lat(), a.lon(), None));
                }
                continue;
            }
            while t < b.ts_ms {
                #[allow(clippy::cast_precision_loss, reason = "milliseconds within an hour")]
                let f = (t - a.ts_ms) as f64 / (b.ts_ms - a.ts_ms) as f64;
                let mut lon = a.lon() + f * dlon_deg(a.lon(), b.lon());
                if lon >= 180.0 {
                    lon -= 360.0;
                } else if lon < -180.0 {
                    lon += 360.0;
                }
                places.push((t, a.lat() + f * (b.lat() - a.lat()), lon, Some((w[0], w[1]))));
                t += GRID_MS;
            }
        }
        let last = &fixes[seg.last()];
        if last.ts_ms.rem_euclid(GRID_MS) == 0 {
            places.push((last.ts_ms, last.lat(), last.lon(), None));
        }
        #[allow(clippy::cast_possible_truncation, reason = "segments of one vessel's window fit u16")]
        let segment = s.min(usize::from(u16::MAX)) as u16;
        for (k, &(ts, lat, lon, lone)) in places.iter().enumerate() {
            let before = k.checked_sub(1).map(|j| places[j]).filter(|p| p.0 == ts - GRID_MS);
            let after = places.get(k + 1).copied().filter(|p| p.0 == ts + GRID_MS);
            // The tabled cosine turns away the fast points; the slow ones (and those
            // within a hair of the limit) get the exact one, so that 3 kn compares exactly.
            let at = |rough: bool| match (before, after) {
                (Some(p), Some(n)) => Some(velocity((p.1, p.2), (n.1, n.2), 2 * GRID_MS, rough)),
                (Some(p), None) => Some(velocity((p.1, p.2), (lat, lon), GRID_MS, rough)),
                (None, Some(n)) => Some(velocity((lat, lon), (n.1, n.2), GRID_MS, rough)),
                (None, None) => lone.map(|(a, b)| {
                    let (a, b) = (&fixes[a], &fixes[b]);
                    velocity((a.lat(), a.lon()), (b.lat(), b.lon()), b.ts_ms - a.ts_ms, rough)
                }),
            };
            let Some((east, north)) = at(true) else { continue };
            let limit = max_speed_kn * (1.0 + 1e-5);
            if east * east + north * north > limit * limit {
                continue;
            }
            let Some((east_kn, north_kn)) = at(false) else { continue };
            let point = GridPoint {
                mmsi: last.mmsi,
                segment,
                ts_ms: ts,
                lat,
                lon,
                east_kn,
                north_kn,
            };
            if point.speed_kn() <= max_speed_kn {
                out.push(point);
            }
        }
    }
}

/// Two vessels together at one grid time.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Together {
    pub ts_ms: i64,
    pub distance_m: f64,
    /// The mean of the two vessels' speeds.
    pub speed_kn: f64,
    /// The midpoint.
    pub lat: f64,
    pub lon: f64,
}

/// A pair of tracks: (MMSI, segment) of each, `a` the lower MMSI.
pub type Pair = (u32, u16, u32, u16);

/// The cells one grid time's points are put in: rows of latitude as tall as the
/// distance, each cut into columns at least that wide at every latitude of the row and
/// the rows beside it (so a neighbour is always in the next column of any of the
/// three rows), the columns tiling the whole circle (a pair astride the antimeridian
/// is in neighbouring columns).
pub struct Cells {
    cell_deg: f64,
    /// (cell, point) of one grid time, sorted.
    keyed: Vec<((i32, u32), u32)>,
    /// Where each occupied cell's points lie in `keyed` (a look-up, not a search: most
    /// of the nine cells a point looks in are empty).
    ranges: FxHashMap<(i32, u32), (u32, u32)>,
    columns_of: FxHashMap<i32, u32>,
}

impl Cells {
    pub fn new(max_distance_m: f64) -> Self {
        Self {
            // A degree of latitude is at least KM_PER_DEG along the great circle.
            cell_deg: max_distance_m / 1000.0 / KM_PER_DEG * (1.0 + 1e-6),
            keyed: Vec::new(),
            ranges: FxHashMap::default(),
            columns_of: FxHashMap::default(),
        }
    }

    #[allow(clippy::cast_possible_truncation, reason = "rows of latitude fit i32")]
    fn row(&self, lat: f64) -> i32 {
        (lat / self.cell_deg).floor() as i32
    }

    /// How many columns row `row` has.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "at most 360 / cell width columns"
    )]
    fn columns(&mut self, row: i32) -> u32 {
        let cell_deg = self.cell_deg;
        *self.columns_of.entry(row).or_insert_with(|| {
            let edge = (f64::from(row.unsigned_abs()) + 2.0) * cell_deg;
            let width = cell_deg / edge.min(89.9).to_radians().cos();
            ((360.0 / width).floor() as u32).max(1)
        })
    }

    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a longitude's column, wrapped"
    )]
    fn column(lon: f64, columns: u32) -> u32 {
        let c = ((lon + 180.0) / 360.0 * f64::from(columns)).floor() as i64;
        c.rem_euclid(i64::from(columns)) as u32
    }

    /// Sorts the points put in cells and notes where each cell's lie.
    fn index(&mut self) {
        self.keyed.sort_unstable();
        self.ranges.clear();
        let mut start = 0;
        for run in self.keyed.chunk_by(|a, b| a.0 == b.0) {
            #[allow(clippy::cast_possible_truncation, reason = "one grid time's points fit u32")]
            let end = start + run.len() as u32;
            self.ranges.insert(run[0].0, (start, end));
            start = end;
        }
    }

    /// The points in a cell.
    fn in_cell(&self, cell: (i32, u32)) -> impl Iterator<Item = u32> + '_ {
        let (from, to) = self.ranges.get(&cell).copied().unwrap_or((0, 0));
        self.keyed[from as usize..to as usize].iter().map(|(_, i)| *i)
    }
}

/// The pairs together among `points` (one grid time's, at most one point per MMSI and
/// segment), added to `out`.
pub fn pair_up(points: &[GridPoint], params: &Params, cells: &mut Cells, out: &mut Vec<(Pair, Together)>) {
    cells.keyed.clear();
    for (i, p) in points.iter().enumerate() {
        let row = cells.row(p.lat);
        let n = cells.columns(row);
        #[allow(clippy::cast_possible_truncation, reason = "one grid time's points fit u32")]
        cells.keyed.push(((row, Cells::column(p.lon, n)), i as u32));
    }
    cells.index();
    let max_km = params.max_distance_m / 1000.0;
    for a in points {
        let row = cells.row(a.lat);
        for r in row - 1..=row + 1 {
            let n = cells.columns(r);
            let c = Cells::column(a.lon, n);
            let mut near = [c, (c + 1) % n, (c + n - 1) % n];
            let distinct = usize::try_from(n.min(3)).unwrap_or(1);
            near[..distinct].sort_unstable();
            for col in &near[..distinct] {
                for j in cells.in_cell((r, *col)) {
                    let b = &points[j as usize];
                    if b.mmsi <= a.mmsi {
                        continue;
                    }
                    if let Some(t) = together(a, b, params, max_km) {
                        out.push(((a.mmsi, a.segment, b.mmsi, b.segment), t));
                    }
                }
            }
        }
    }
}

/// Whether `a` and `b` are together, and how.
fn together(a: &GridPoint, b: &GridPoint, params: &Params, max_km: f64) -> Option<Together> {
    // Squares first, and a flat distance 1% wide of the limit before the great circle:
    // most candidates of a crowd are turned away without a root or a sine.
    let fast = params.max_speed_kn * params.max_speed_kn;
    let square = |e: f64, n: f64| e * e + n * n;
    if square(a.east_kn, a.north_kn) > fast || square(b.east_kn, b.north_kn) > fast {
        return None;
    }
    if square(a.east_kn - b.east_kn, a.north_kn - b.north_kn) > MAX_RELATIVE_KN * MAX_RELATIVE_KN {
        return None;
    }
    let dy = (b.lat - a.lat) * KM_PER_DEG;
    let dx = dlon_deg(a.lon, b.lon) * KM_PER_DEG * cos_deg(f64::midpoint(a.lat, b.lat));
    if square(dx, dy) > max_km * max_km * 1.02 {
        return None;
    }
    let km = distance_km(a.lat, a.lon, b.lat, b.lon);
    if km > max_km {
        return None;
    }
    let mut lon = a.lon + dlon_deg(a.lon, b.lon) / 2.0;
    if lon >= 180.0 {
        lon -= 360.0;
    }
    Some(Together {
        ts_ms: a.ts_ms,
        distance_m: km * 1000.0,
        speed_kn: f64::midpoint(a.speed_kn(), b.speed_kn()),
        lat: f64::midpoint(a.lat, b.lat),
        lon,
    })
}

/// Two tracks together for a while.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Encounter {
    pub a: u32,
    pub b: u32,
    /// The first and last grid times they were together.
    pub start_ms: i64,
    pub end_ms: i64,
    /// The median of the midpoints.
    pub lat: f64,
    pub lon: f64,
    pub median_distance_m: f64,
    pub min_distance_m: f64,
    pub median_speed_kn: f64,
    /// Grid times together.
    pub times: usize,
    /// Whether either fell silent for over an hour inside it.
    pub silent_a: bool,
    pub silent_b: bool,
    /// Each one's last draught before to its first after, decimetres.
    pub draught_change_a_dm: Option<i32>,
    pub draught_change_b_dm: Option<i32>,
    /// The port area its median position lies in (adjacent berths).
    pub port: Option<usize>,
}

impl Encounter {
    pub fn alongside(&self) -> bool {
        self.median_distance_m <= ALONGSIDE_M
    }

    /// `alongside` or `close`.
    pub fn class(&self) -> &'static str {
        if self.alongside() { "alongside" } else { "close" }
    }

    /// `port` (its median position in a port area) or `sea`.
    pub fn setting(&self) -> &'static str {
        if self.port.is_some() { "port" } else { "sea" }
    }

    /// What each vessel's own fixes add (their notes, when it has any) and the port
    /// area it lies in.
    pub fn complete(&mut self, a: Option<&Notes>, b: Option<&Notes>, ports: &Gazetteer) {
        let (start, end) = (self.start_ms, self.end_ms);
        self.silent_a = a.is_some_and(|n| n.silent_during(start, end));
        self.silent_b = b.is_some_and(|n| n.silent_during(start, end));
        self.draught_change_a_dm = a.and_then(|n| n.draught_change_dm(start, end));
        self.draught_change_b_dm = b.and_then(|n| n.draught_change_dm(start, end));
        self.port = ports.locate(self.lat, self.lon, 0.0).map(|(i, _)| i);
    }

    pub fn transfer_like(&self) -> bool {
        transfer_like(self.draught_change_a_dm, self.draught_change_b_dm)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    }
}

/// One time a pair was together, as an open encounter keeps it (32 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    ts_ms: i64,
    distance_m: f64,
    speed_kn: f32,
    lat_e7: i32,
    lon_e7: i32,
}

/// The runs of one pair that may still make one encounter.
#[derive(Debug, Clone)]
struct Group {
    run_start_ms: i64,
    /// The longest run closed so far.
    longest_ms: i64,
    samples: Vec<Sample>,
}

impl Group {
    fn last_ms(&self) -> i64 {
        self.samples.last().map_or(i64::MIN, |s| s.ts_ms)
    }
}

/// Encounters made as the times pairs were together come, in time order: per pair,
/// runs of consecutive grid times; runs less than 4 hours apart one encounter, kept when
/// one of its runs lasts `min_duration_h` (its first to its last time). Only the pairs
/// whose last time together is less than 4 hours back are held, so memory follows the
/// pairs together at once, not the window.
pub struct Meetings {
    min_run_ms: i64,
    open: FxHashMap<Pair, Group>,
    found: Vec<Encounter>,
}

impl Meetings {
    pub fn new(params: &Params) -> Self {
        Self {
            min_run_ms: super::behaviour::hours_ms(params.min_duration_h),
            open: FxHashMap::default(),
            found: Vec::new(),
        }
    }

    /// The times `pair` was together (in time order), after every time added before.
    pub fn add(&mut self, pair: Pair, times: &[Together]) {
        let Some(first) = times.first() else { return };
        let mut group = match self.open.remove(&pair) {
            Some(g) if first.ts_ms - g.last_ms() < MERGE_MS => g,
            earlier => {
                self.close(pair, earlier);
                Group {
                    run_start_ms: first.ts_ms,
                    longest_ms: 0,
                    samples: Vec::new(),
                }
            }
        };
        for t in times {
            let last = group.last_ms();
            if !group.samples.is_empty() && t.ts_ms - last >= MERGE_MS {
                self.close(
                    pair,
                    Some(std::mem::replace(
                        &mut group,
                        Group {
                            run_start_ms: t.ts_ms,
                            longest_ms: 0,
                            samples: Vec::new(),
                        },
                    )),
                );
            } else if !group.samples.is_empty() && t.ts_ms - last != GRID_MS {
                group.longest_ms = group.longest_ms.max(last - group.run_start_ms);
                group.run_start_ms = t.ts_ms;
            }
            #[allow(
                clippy::cast_possible_truncation,
                reason = "metres, knots and degrees of an encounter"
            )]
            group.samples.push(Sample {
                ts_ms: t.ts_ms,
                distance_m: t.distance_m,
                speed_kn: t.speed_kn as f32,
                lat_e7: (t.lat * 1e7).round() as i32,
                lon_e7: (t.lon * 1e7).round() as i32,
            });
        }
        self.open.insert(pair, group);
    }

    /// Closes the encounters that no time from `now_ms` on can join.
    pub fn close_before(&mut self, now_ms: i64) {
        let ended: Vec<Pair> = self
            .open
            .iter()
            .filter(|(_, g)| now_ms - g.last_ms() >= MERGE_MS)
            .map(|(p, _)| *p)
            .collect();
        for pair in ended {
            let done = self.open.remove(&pair);
            self.close(pair, done);
        }
    }

    fn close(&mut self, (a, _, b, _): Pair, group: Option<Group>) {
        let Some(g) = group else { return };
        let (first, last) = (g.samples[0].ts_ms, g.last_ms());
        if g.longest_ms.max(last - g.run_start_ms) < self.min_run_ms {
            return;
        }
        let of = |f: &dyn Fn(&Sample) -> f64| median(g.samples.iter().map(f).collect());
        self.found.push(Encounter {
            a,
            b,
            start_ms: first,
            end_ms: last,
            lat: of(&|s| f64::from(s.lat_e7) / 1e7),
            lon: of(&|s| f64::from(s.lon_e7) / 1e7),
            median_distance_m: of(&|s| s.distance_m),
            min_distance_m: g.samples.iter().map(|s| s.distance_m).fold(f64::INFINITY, f64::min),
            median_speed_kn: of(&|s| f64::from(s.speed_kn)),
            times: g.samples.len(),
            silent_a: false,
            silent_b: false,
            draught_change_a_dm: None,
            draught_change_b_dm: None,
            port: None,
        });
    }

    /// Every encounter, sorted by `a`, `b`, start.
    pub fn finish(mut self) -> Vec<Encounter> {
        self.close_before(i64::MAX);
        self.found.sort_by_key(|e| (e.a, e.b, e.start_ms));
        self.found
    }
}

/// Times together sorted by pair, then time, for [`add_sorted`].
pub fn by_pair(together: &mut [(Pair, Together)]) {
    together.sort_unstable_by_key(|(pair, t)| (*pair, t.ts_ms));
}

/// Times together sorted by pair ([`by_pair`]), all after every time added before,
/// added to `meetings` pair by pair.
pub fn add_sorted(meetings: &mut Meetings, together: &[(Pair, Together)]) {
    let mut times: Vec<Together> = Vec::new();
    for run in together.chunk_by(|x, y| x.0 == y.0) {
        times.clear();
        times.extend(run.iter().map(|(_, t)| *t));
        meetings.add(run[0].0, &times);
    }
}

/// The encounters of the times pairs were together, in any order (see [`Meetings`]).
pub fn encounters(mut together: Vec<(Pair, Together)>, params: &Params) -> Vec<Encounter> {
    let mut meetings = Meetings::new(params);
    by_pair(&mut together);
    add_sorted(&mut meetings, &together);
    meetings.finish()
}

/// The draughts around a vessel's grid times, from `from_ms` to the next entry's: the
/// last draught reported at or before the time and the first reported after it, in
/// decimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct DraughtsAt {
    from_ms: i64,
    before_dm: Option<u16>,
    after_dm: Option<u16>,
}

/// What a vessel's own fixes add to its encounters: its silences longer than the
/// interpolation allows, and the draughts it reported around the times an encounter of
/// it can start or end (its grid times: only those are asked for). Kept at the grid
/// times rather than as the reports themselves, they stay small when every report
/// gives a new draught.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notes {
    pub mmsi: u32,
    /// (last fix before, first fix after) of every silence over an hour between
    /// accepted fixes.
    silences: Vec<(i64, i64)>,
    /// Changes only, in time order.
    draughts: Vec<DraughtsAt>,
}

impl Notes {
    /// The notes of one vessel's fixes (sorted by time), its cleaned track, and the
    /// times its encounters can start or end (its grid points' times, in any order).
    pub fn of(fixes: &[FixRow], track: &Track, times: impl Iterator<Item = i64>) -> Self {
        let of = track.segment_of(fixes.len());
        let accepted: Vec<usize> = (0..fixes.len()).filter(|&i| of[i].is_some()).collect();
        let silences = accepted
            .windows(2)
            .map(|w| (fixes[w[0]].ts_ms, fixes[w[1]].ts_ms))
            .filter(|(a, b)| b - a > INTERPOLATE_MS)
            .collect();
        let mut times: Vec<i64> = times.collect();
        times.sort_unstable();
        times.dedup();
        let reports = |i: usize| fixes[i].draught_m().is_some();
        let mut draughts: Vec<DraughtsAt> = Vec::new();
        // Fixes before `past` are at or before the time; `next` is the first report
        // from `past` on.
        let (mut past, mut next, mut before_dm) = (0, 0, None);
        for t in times {
            while past < fixes.len() && fixes[past].ts_ms <= t {
                if reports(past) {
                    before_dm = Some(fixes[past].draught_dm);
                }
                past += 1;
            }
            next = next.max(past);
            while next < fixes.len() && !reports(next) {
                next += 1;
            }
            let after_dm = fixes.get(next).map(|f| f.draught_dm);
            if draughts
                .last()
                .is_none_or(|d| (d.before_dm, d.after_dm) != (before_dm, after_dm))
            {
                draughts.push(DraughtsAt {
                    from_ms: t,
                    before_dm,
                    after_dm,
                });
            }
        }
        Self {
            mmsi: fixes.first().map_or(0, |f| f.mmsi),
            silences,
            draughts,
        }
    }

    /// The silences and draught entries it holds (what it costs to keep).
    pub fn entries(&self) -> usize {
        self.silences.len() + self.draughts.len()
    }

    /// Whether the vessel fell silent for over an hour between `start_ms` and `end_ms`.
    pub fn silent_during(&self, start_ms: i64, end_ms: i64) -> bool {
        self.silences.iter().any(|&(a, b)| a < end_ms && b > start_ms)
    }

    /// The draughts around a time given to [`Notes::of`].
    fn at(&self, ts_ms: i64) -> Option<&DraughtsAt> {
        let k = self.draughts.partition_point(|d| d.from_ms <= ts_ms);
        k.checked_sub(1).map(|k| &self.draughts[k])
    }

    /// The last draught before `start_ms` to the first after `end_ms` (both times given
    /// to [`Notes::of`]), in decimetres.
    pub fn draught_change_dm(&self, start_ms: i64, end_ms: i64) -> Option<i32> {
        let after = self.at(end_ms)?.after_dm?;
        let before = self.at(start_ms)?.before_dm?;
        Some(i32::from(after) - i32::from(before))
    }
}

/// Whether one vessel got heavier and the other lighter, each by 0.3 m or more.
pub fn transfer_like(one_dm: Option<i32>, other_dm: Option<i32>) -> bool {
    match (one_dm, other_dm) {
        (Some(a), Some(b)) => (a >= TRANSFER_DM && b <= -TRANSFER_DM) || (a <= -TRANSFER_DM && b >= TRANSFER_DM),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;
    use crate::model::port::KM_PER_DEG;

    const T0: i64 = 1_750_000_200_000 - 1_750_000_200_000 % GRID_MS;

    fn point(mmsi: u32, lat: f64, lon: f64, east_kn: f64, north_kn: f64) -> GridPoint {
        GridPoint {
            mmsi,
            segment: 0,
            ts_ms: T0,
            lat,
            lon,
            east_kn,
            north_kn,
        }
    }

    fn pairs(points: &[GridPoint], params: &Params) -> Vec<(Pair, Together)> {
        let mut out = Vec::new();
        pair_up(points, params, &mut Cells::new(params.max_distance_m), &mut out);
        out
    }

    /// A point `m` metres east of (lat, lon).
    fn east_of(lat: f64, lon: f64, m: f64) -> f64 {
        lon + m / 1000.0 / (KM_PER_DEG * lat.to_radians().cos())
    }

    mod together {
        use super::*;

        #[test]
        fn within_the_distance_is_together_and_beyond_it_is_not() {
            let p = Params::DEFAULT;
            let near = [
                point(1, 56.0, 11.0, 0.0, 0.0),
                point(2, 56.0, east_of(56.0, 11.0, 499.0), 0.0, 0.0),
            ];
            let far = [
                point(1, 56.0, 11.0, 0.0, 0.0),
                point(2, 56.0, east_of(56.0, 11.0, 502.0), 0.0, 0.0),
            ];
            assert_eq!(pairs(&near, &p).len(), 1);
            assert!(pairs(&far, &p).is_empty());
            let found = pairs(&near, &p)[0];
            assert_eq!(found.0, (1, 0, 2, 0));
            assert!((found.1.distance_m - 499.0).abs() < 1.0, "{found:?}");
        }

        #[test]
        fn both_at_or_below_the_speed() {
            let p = Params::DEFAULT;
            let lon = east_of(56.0, 11.0, 100.0);
            assert_eq!(
                pairs(&[point(1, 56.0, 11.0, 3.0, 0.0), point(2, 56.0, lon, 2.5, 0.0)], &p).len(),
                1
            );
            assert!(pairs(&[point(1, 56.0, 11.0, 3.01, 0.0), point(2, 56.0, lon, 2.5, 0.0)], &p).is_empty());
        }

        #[test]
        fn moving_at_most_1_kn_relative_to_each_other() {
            let p = Params::DEFAULT;
            let lon = east_of(56.0, 11.0, 100.0);
            // 1 kn apart, then 1.01 kn.
            assert_eq!(
                pairs(&[point(1, 56.0, 11.0, 0.0, 0.5), point(2, 56.0, lon, 0.0, -0.5)], &p).len(),
                1
            );
            assert!(pairs(&[point(1, 56.0, 11.0, 0.0, 0.5), point(2, 56.0, lon, 0.0, -0.51)], &p).is_empty());
        }

        #[test]
        fn a_vessel_is_never_its_own_partner() {
            let p = Params::DEFAULT;
            let two_tracks = [
                point(1, 56.0, 11.0, 0.0, 0.0),
                GridPoint {
                    segment: 1,
                    ..point(1, 56.0, 11.0, 0.0, 0.0)
                },
            ];
            assert!(pairs(&two_tracks, &p).is_empty());
        }
    }

    mod cells {
        use super::*;

        /// Every pair 450 m apart at many places across cell edges is found, at every
        /// latitude, across whole degrees and across the antimeridian.
        #[test]
        fn a_pair_astride_any_cell_edge_is_a_pair() {
            let p = Params::DEFAULT;
            let mut tried = 0;
            for lat0 in [0.0, 36.0, 59.99, 70.0, 84.0, -45.0] {
                for k in 0..400 {
                    let lat = lat0 + f64::from(k) * 0.000_37;
                    let lon = 179.99 - f64::from(k) * 0.000_53;
                    for (dn, de) in [(450.0, 0.0), (0.0, 450.0), (318.0, 318.0), (-318.0, 318.0)] {
                        let lat_b = lat + dn / 1000.0 / KM_PER_DEG;
                        let mut lon_b = east_of(lat, lon, de);
                        if lon_b >= 180.0 {
                            lon_b -= 360.0;
                        }
                        let found = pairs(&[point(1, lat, lon, 0.0, 0.0), point(2, lat_b, lon_b, 0.0, 0.0)], &p);
                        assert_eq!(found.len(), 1, "{lat} {lon} -> {lat_b} {lon_b}");
                        tried += 1;
                    }
                }
            }
            assert_eq!(tried, 6 * 400 * 4);
        }

        #[test]
        fn a_crowd_pairs_each_couple_once() {
            let p = Params::DEFAULT;
            // Ten vessels 90 m apart on a line: the pairs within 500 m, each once.
            let crowd: Vec<GridPoint> = (0..10u32)
                .map(|k| point(k + 1, 36.0, east_of(36.0, 23.0, f64::from(k) * 90.0), 0.0, 0.0))
                .collect();
            let found = pairs(&crowd, &p);
            let expected: usize = (0..10u32)
                .map(|i| (i + 1..10).filter(|j| (j - i) * 90 <= 500).count())
                .sum();
            assert_eq!(found.len(), expected);
            let mut keys: Vec<Pair> = found.iter().map(|f| f.0).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), expected);
        }
    }

    fn at(minutes: i64, distance_m: f64) -> (Pair, Together) {
        (
            (1, 0, 2, 0),
            Together {
                ts_ms: T0 + minutes * 60_000,
                distance_m,
                speed_kn: 0.2,
                lat: 36.0,
                lon: 23.0,
            },
        )
    }

    /// Together every 10 minutes from `from` to `to` (minutes, inclusive).
    fn run(from: i64, to: i64, distance_m: f64) -> Vec<(Pair, Together)> {
        (from / 10..=to / 10).map(|k| at(k * 10, distance_m)).collect()
    }

    mod runs {
        use super::*;

        #[test]
        fn a_run_lasts_the_minimum_from_its_first_time_to_its_last() {
            let p = Params::DEFAULT;
            let found = encounters(run(0, 120, 60.0), &p);
            assert_eq!(found.len(), 1);
            assert_eq!((found[0].start_ms, found[0].end_ms), (T0, T0 + 2 * H));
            assert_eq!(found[0].times, 13);
            assert!(encounters(run(0, 110, 60.0), &p).is_empty());
        }

        #[test]
        fn runs_less_than_4_hours_apart_are_one_encounter() {
            let p = Params::DEFAULT;
            let mut times = run(0, 120, 60.0);
            times.extend(run(120 + 230, 120 + 230 + 60, 80.0));
            let found = encounters(times, &p);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].end_ms, T0 + (120 + 230 + 60) * 60_000);
            // 4 hours apart: two, the short one left out.
            let mut times = run(0, 120, 60.0);
            times.extend(run(120 + 240, 120 + 240 + 60, 80.0));
            let found = encounters(times, &p);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].end_ms, T0 + 2 * H);
        }

        #[test]
        fn short_runs_close_together_are_no_encounter() {
            let mut times = run(0, 60, 60.0);
            times.extend(run(120, 180, 60.0));
            assert!(encounters(times, &Params::DEFAULT).is_empty());
        }

        #[test]
        fn alongside_at_a_median_of_150_m_and_close_beyond() {
            let p = Params::DEFAULT;
            assert!(encounters(run(0, 120, 150.0), &p)[0].alongside());
            assert!(!encounters(run(0, 120, 151.0), &p)[0].alongside());
            let mut mixed = run(0, 60, 100.0);
            mixed.extend(run(70, 120, 400.0));
            let e = &encounters(mixed, &p)[0];
            assert_eq!((e.median_distance_m, e.min_distance_m), (100.0, 100.0));
        }
    }

    fn fix(ts_ms: i64, lat: f64, lon: f64, draught_m: Option<f32>) -> FixRow {
        let mut fixes = crate::model::ais::Fixes::default();
        fixes.push(Fix {
            mmsi: 7,
            ts_ms,
            lat,
            lon,
            sog_kn: Some(0.0),
            cog_deg: Some(0.0),
            heading_deg: None,
            nav_status: None,
            draught_m,
        });
        fixes.rows[0]
    }

    fn grid_of(fixes: &[FixRow]) -> Vec<GridPoint> {
        let track = crate::track::clean::clean(fixes, 2 * H);
        let mut out = Vec::new();
        grid(fixes, &track, 3.0, &mut out);
        out
    }

    mod grid_points {
        use super::*;

        #[test]
        fn interpolated_across_an_hour_of_silence_and_no_longer() {
            // 0.3 km north in 60 minutes: on the grid between them; 60 min + 1 s: not.
            let hour = [
                fix(T0 + 5 * 60_000, 56.0, 11.0, None),
                fix(T0 + 65 * 60_000, 56.0027, 11.0, None),
            ];
            let times: Vec<i64> = grid_of(&hour).iter().map(|g| (g.ts_ms - T0) / 60_000).collect();
            assert_eq!(times, vec![10, 20, 30, 40, 50, 60]);
            let g = grid_of(&hour);
            assert!((g[0].north_kn - 0.3 / 1.852).abs() < 0.01, "{:?}", g[0]);
            let longer = [
                fix(T0 + 5 * 60_000, 56.0, 11.0, None),
                fix(T0 + 65 * 60_000 + 1000, 56.0027, 11.0, None),
            ];
            assert!(grid_of(&longer).is_empty());
        }

        #[test]
        fn never_beyond_a_real_fix() {
            let fixes: Vec<FixRow> = (0..7)
                .map(|k| fix(T0 + 60_000 + k * 120_000, 56.0, 11.0, None))
                .collect();
            let times: Vec<i64> = grid_of(&fixes).iter().map(|g| (g.ts_ms - T0) / 60_000).collect();
            // Fixes from minute 1 to 13: grid times 10 only.
            assert_eq!(times, vec![10]);
        }

        #[test]
        fn a_lone_fix_on_the_grid_has_no_speed_to_tell_and_is_no_point() {
            // Fixes on grid times, two hours apart: their reported speed (0 kn) is not used.
            let lone = [fix(T0, 56.0, 11.0, None), fix(T0 + 2 * H, 56.0, 11.0, None)];
            assert!(grid_of(&lone).is_empty());
            // A fix on a grid time with the next 5 minutes on: the leg's speed.
            let leg = [fix(T0, 56.0, 11.0, None), fix(T0 + 5 * 60_000, 56.0, 11.0, None)];
            let g = grid_of(&leg);
            assert_eq!(g.len(), 1);
            assert!(g[0].speed_kn().abs() < 1e-9);
        }

        #[test]
        fn a_point_survives_the_spool_row() {
            let g = GridPoint {
                mmsi: 273_100_001,
                segment: 3,
                ts_ms: T0,
                lat: 36.123_456_7,
                lon: -179.999_999_9,
                east_kn: -2.345,
                north_kn: 1.001,
            };
            let back = GridPoint::from_row(&g.to_row());
            assert_eq!((back.mmsi, back.segment, back.ts_ms), (g.mmsi, g.segment, g.ts_ms));
            assert!((back.lat - g.lat).abs() < 1e-7 && (back.lon - g.lon).abs() < 1e-7);
            assert!((back.east_kn - g.east_kn).abs() < 1e-6 && (back.north_kn - g.north_kn).abs() < 1e-6);
        }
    }

    mod notes {
        use super::*;

        #[test]
        fn the_last_draught_before_and_the_first_after() {
            let m = |k: i64| T0 + k * 60_000;
            let fixes = [
                fix(m(0), 56.0, 11.0, Some(12.0)),
                fix(m(10), 56.0, 11.0, Some(12.0)),
                fix(m(20), 56.0, 11.0, None),
                fix(m(30), 56.0, 11.0, Some(14.5)),
                fix(m(40), 56.0, 11.0, Some(15.0)),
            ];
            let track = crate::track::clean::clean(&fixes, 2 * H);
            let asked = [m(0) - 1, m(0), m(5), m(10), m(15), m(25), m(30), m(40)];
            let notes = Notes::of(&fixes, &track, asked.into_iter().rev());
            // Kept at the times asked about, as changes: around m(5) the draughts are
            // those around m(0), around m(15) and m(25) those around m(10).
            assert_eq!(notes.entries(), 5);
            assert_eq!(notes.draught_change_dm(m(15), m(25)), Some(25));
            assert_eq!(notes.draught_change_dm(m(10), m(30)), Some(30));
            assert_eq!(notes.draught_change_dm(m(0), m(40)), None, "nothing reported after");
            assert_eq!(notes.draught_change_dm(m(0) - 1, m(5)), None, "nothing reported before");
        }

        #[test]
        fn silent_when_a_silence_over_an_hour_lies_inside() {
            let fixes = [
                fix(T0, 56.0, 11.0, None),
                fix(T0 + H, 56.0, 11.0, None),
                fix(T0 + 2 * H + 1, 56.0, 11.0, None),
            ];
            let track = crate::track::clean::clean(&fixes, 2 * H);
            let notes = Notes::of(&fixes, &track, std::iter::empty());
            assert!(!notes.silent_during(T0, T0 + H));
            assert!(notes.silent_during(T0 + H, T0 + 2 * H + 1));
            assert!(notes.silent_during(T0, T0 + 3 * H));
        }

        #[test]
        fn transfer_like_when_one_rose_and_the_other_fell_by_0_3_m() {
            assert!(transfer_like(Some(3), Some(-3)));
            assert!(transfer_like(Some(-30), Some(30)));
            assert!(!transfer_like(Some(2), Some(-3)));
            assert!(!transfer_like(Some(3), Some(3)));
            assert!(!transfer_like(Some(3), None));
        }
    }
}
