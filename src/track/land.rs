//! The land mask: whether a position is on land, and how far inland. The bundled mask
//! is GSHHG full-resolution land simplified to 0.002 degree (`data/land/land.fwl.gz`,
//! LGPL-3.0, see `data/README.md`); `--land FILE` replaces it with any mask in the same
//! format (`tools/build_landmask.py` makes one from WKB polygons). The waterways ships
//! use that every coastline mask has as land (the Kiel Canal, the Suez Canal) are
//! corridors counted as water (`data/land/waterways.csv`).
//!
//! Coastline edges are put in a 0.05-degree grid and the cells' centres are classed
//! once by a scanline; a position is then classed by the edges between it and its
//! cell's centre, and its distance inland measured to the edges of the cells around
//! it. The geometry (edges, crossings, distances) is `geo`'s; the grid is what makes a
//! look-up cost a few edges instead of a continent's ring. No I/O: the caller reads
//! the file.

use std::io::Read;

use geo::{Coord, Distance, Euclidean, Intersects, Line, Point};
use rustc_hash::FxHashMap;

use super::clean::cos_deg;
use crate::model::port::KM_PER_DEG;

/// The bundled mask.
pub const BUNDLED: &[u8] = include_bytes!("../../data/land/land.fwl.gz");
pub const BUNDLED_WATERWAYS: &str = include_str!("../../data/land/waterways.csv");
const MAGIC: &[u8] = b"FWLAND1\n";

/// The most a compressed mask may unpack to (the bundled one unpacks to 17 MB).
const MAX_DECODED: u64 = 1 << 30;

const CELL_DEG: f64 = 0.05;
const ROWS: usize = 3600;
const COLS: usize = 7200;

/// A mask that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LandError {
    #[error("not a fleetwatch land mask (it starts with neither FWLAND1 nor its gzip)")]
    Format,
    #[error("the land mask unpacks to more than 1 GiB (a gzip bomb, or not a land mask)")]
    TooLarge,
    #[error("the land mask is cut short")]
    Short,
    #[error("cannot read the land mask: {0}")]
    Io(#[from] std::io::Error),
    #[error("waterways, line {line}: {message}")]
    Waterway { line: usize, message: String },
}

/// A corridor of water along a polyline.
#[derive(Debug, Clone)]
struct Waterway {
    line: Vec<Coord<f64>>,
    half_width_km: f64,
}

/// Where each cell's edges lie in the list of edges: `(from, to)` by cell.
type CellRanges = FxHashMap<u32, (u32, u32)>;

/// Land polygons indexed for look-ups.
pub struct LandMask {
    /// Every vertex, ring after ring; an edge is a vertex and the next of its ring.
    coords: Vec<Coord<f64>>,
    /// Where each ring ends in `coords` (an index past its last vertex).
    ring_ends: Vec<usize>,
    /// The edges (first vertex) that touch each cell holding any: `edge_list[from..to]`
    /// for the `(from, to)` of its cell.
    cells: CellRanges,
    edge_list: Vec<u32>,
    /// The cells within one cell of an edge, a bit a cell: a position anywhere else is
    /// classed by its cell's centre and lies more than a cell's width from the coast.
    near_coast: Vec<u64>,
    /// Whether each cell's centre is on land, a bit a cell.
    centre_on_land: Vec<u64>,
    waterways: Vec<Waterway>,
    pub polygons: usize,
}

/// The row of a latitude (truncating a number of cells that is not negative is its
/// floor, without the call into libm that `f64::floor` is on the baseline target).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to the grid"
)]
fn row_of(lat: f64) -> usize {
    (((lat + 90.0) / CELL_DEG).max(0.0) as usize).min(ROWS - 1)
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to the grid"
)]
fn col_of(lon: f64) -> usize {
    (((lon + 180.0) / CELL_DEG).max(0.0) as usize).min(COLS - 1)
}

#[allow(clippy::cast_precision_loss, reason = "grid indices")]
fn centre(row: usize, col: usize) -> Coord<f64> {
    Coord {
        x: -180.0 + (col as f64 + 0.5) * CELL_DEG,
        y: -90.0 + (row as f64 + 0.5) * CELL_DEG,
    }
}

#[allow(clippy::cast_possible_truncation, reason = "the grid has 26 million cells")]
fn cell_id(row: usize, col: usize) -> u32 {
    (row * COLS + col) as u32
}

/// Every vertex of a mask, where each ring ends (an index past its last vertex), and how
/// many polygons it holds.
type Decoded = (Vec<Coord<f64>>, Vec<usize>, usize);

/// Decodes a mask, gzip-compressed or not.
fn decode(bytes: &[u8]) -> Result<Decoded, LandError> {
    let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_DECODED + 1)
            .read_to_end(&mut out)?;
        if out.len() as u64 > MAX_DECODED {
            return Err(LandError::TooLarge);
        }
        out
    } else {
        bytes.to_vec()
    };
    let body = raw.strip_prefix(MAGIC).ok_or(LandError::Format)?;
    let mut words = body
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    let mut next = || words.next().ok_or(LandError::Short);
    let polygons = next()? as usize;
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(body.len() / 8);
    let mut ring_ends: Vec<usize> = Vec::new();
    for _ in 0..polygons {
        for _ in 0..next()? {
            let n = next()?;
            let (mut x, mut y) = (0i64, 0i64);
            for _ in 0..n {
                #[allow(clippy::cast_possible_wrap, reason = "the words are i32 differences")]
                {
                    x += i64::from(next()? as i32);
                    y += i64::from(next()? as i32);
                }
                #[allow(clippy::cast_precision_loss, reason = "micro-degrees")]
                coords.push(Coord {
                    x: x as f64 / 1e6,
                    y: y as f64 / 1e6,
                });
            }
            ring_ends.push(coords.len());
        }
    }
    Ok((coords, ring_ends, polygons))
}

impl LandMask {
    /// The bundled mask and waterways.
    pub fn bundled() -> Result<Self, LandError> {
        Self::from_bytes(BUNDLED, BUNDLED_WATERWAYS)
    }

    /// A mask from its bytes (gzip-compressed or not) and waterways CSV
    /// (`name,half_width_km,path` with the path as `lon lat;lon lat;...`).
    pub fn from_bytes(bytes: &[u8], waterways: &str) -> Result<Self, LandError> {
        let (coords, ring_ends, polygons) = decode(bytes)?;
        let waterways = parse_waterways(waterways)?;
        Ok(Self::index(coords, ring_ends, polygons, waterways))
    }

    /// The rings that reach into `within` (x longitude, y latitude), whole: the land of
    /// a map of that box.
    pub fn rings_within(&self, within: geo::Rect<f64>) -> Vec<&[Coord<f64>]> {
        let (lo, hi) = (within.min(), within.max());
        let mut out = Vec::new();
        let mut start = 0;
        for &end in &self.ring_ends {
            let ring = &self.coords[start..end];
            start = end;
            let reaches = |axis: fn(&Coord<f64>) -> f64, lo: f64, hi: f64| {
                ring.iter().map(axis).fold(f64::MAX, f64::min) <= hi
                    && ring.iter().map(axis).fold(f64::MIN, f64::max) >= lo
            };
            if ring.len() >= 3 && reaches(|c| c.x, lo.x, hi.x) && reaches(|c| c.y, lo.y, hi.y) {
                out.push(ring);
            }
        }
        out
    }

    fn index(coords: Vec<Coord<f64>>, ring_ends: Vec<usize>, polygons: usize, waterways: Vec<Waterway>) -> Self {
        // (cell << 32 | edge) for each cell an edge touches, sorted into runs by cell.
        let mut touches: Vec<u64> = Vec::with_capacity(coords.len() + coords.len() / 4);
        // Crossings of each row's centre line: (row, lon).
        let mut crossings: Vec<(u32, f64)> = Vec::new();
        let mut start = 0;
        for &end in &ring_ends {
            for i in start..end.saturating_sub(1) {
                let (a, b) = (coords[i], coords[i + 1]);
                let (r0, r1) = (row_of(a.y.min(b.y)), row_of(a.y.max(b.y)));
                let (c0, c1) = (col_of(a.x.min(b.x)), col_of(a.x.max(b.x)));
                for row in r0..=r1 {
                    for col in c0..=c1 {
                        #[allow(clippy::cast_possible_truncation, reason = "vertices fit u32")]
                        touches.push(u64::from(cell_id(row, col)) << 32 | i as u64);
                    }
                    let y = centre(row, 0).y;
                    if (a.y <= y) != (b.y <= y) {
                        let x = a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x);
                        #[allow(clippy::cast_possible_truncation, reason = "rows fit u32")]
                        crossings.push((row as u32, x));
                    }
                }
            }
            start = end;
        }
        touches.sort_unstable();
        let (cells, edge_list, near_coast) = cell_index(&touches);
        crossings.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut centre_on_land = vec![0u64; (ROWS * COLS).div_ceil(64)];
        // Even-odd along each row: between the first and second crossing is land, and
        // so on (lakes are holes).
        for row_crossings in crossings.chunk_by(|a, b| a.0 == b.0) {
            let row = row_crossings[0].0 as usize;
            for pair in row_crossings.chunks_exact(2) {
                let (from, to) = (pair[0].1, pair[1].1);
                // Cells whose centre lies between the two crossings.
                let first = col_of(from - CELL_DEG / 2.0);
                for col in first..COLS {
                    let x = centre(row, col).x;
                    if x > to {
                        break;
                    }
                    if x >= from {
                        let bit = row * COLS + col;
                        centre_on_land[bit / 64] |= 1 << (bit % 64);
                    }
                }
            }
        }
        Self {
            coords,
            ring_ends,
            cells,
            edge_list,
            near_coast,
            centre_on_land,
            waterways,
            polygons,
        }
    }

    /// The edges that touch a cell (none for most).
    fn edges_of(&self, cell: u32) -> &[u32] {
        self.cells
            .get(&cell)
            .map_or(&[][..], |&(from, to)| &self.edge_list[from as usize..to as usize])
    }

    fn near_coast(&self, cell: u32) -> bool {
        self.near_coast[cell as usize / 64] & (1 << (cell % 64)) != 0
    }

    fn edge(&self, i: u32) -> Line<f64> {
        Line::new(self.coords[i as usize], self.coords[i as usize + 1])
    }

    /// Whether the position is on land (waterways are water).
    pub fn on_land(&self, lat: f64, lon: f64) -> bool {
        let (row, col) = (row_of(lat), col_of(lon));
        let bit = row * COLS + col;
        let mut land = self.centre_on_land[bit / 64] & (1 << (bit % 64)) != 0;
        let cell = cell_id(row, col);
        if self.near_coast(cell) {
            // Each edge between the position and the centre flips the side.
            let to_centre = Line::new(Coord { x: lon, y: lat }, centre(row, col));
            for &e in self.edges_of(cell) {
                if self.edge(e).intersects(&to_centre) {
                    land = !land;
                }
            }
        }
        land && !self.in_waterway(lat, lon)
    }

    /// How far inland the position is, in metres, when it is on land (up to the reach of
    /// the cells around it, over 2 km below 60 degrees of latitude); `None` on water.
    pub fn inland_m(&self, lat: f64, lon: f64) -> Option<f64> {
        if !self.on_land(lat, lon) {
            return None;
        }
        let reach = reach_km(lat);
        Some(self.coast_within_km(lat, lon, reach).unwrap_or(reach) * 1000.0)
    }

    /// [`LandMask::inland_m`] and [`LandMask::inland_beyond`] `m` metres at once: the
    /// depth measured within the cells around answers both where they reach farther
    /// than `m` (below 84 degrees of latitude for 500 m).
    pub fn depth_and_beyond(&self, lat: f64, lon: f64, m: f64) -> (Option<f64>, bool) {
        let depth = self.inland_m(lat, lon);
        if reach_km(lat) * 1000.0 > m {
            (depth, depth.is_some_and(|d| d > m))
        } else {
            (depth, self.inland_beyond(lat, lon, m))
        }
    }

    /// Whether the position is on land farther than `m` metres from the coast.
    pub fn inland_beyond(&self, lat: f64, lon: f64, m: f64) -> bool {
        self.on_land(lat, lon) && self.coast_within_km(lat, lon, m / 1000.0).is_none()
    }

    /// The distance to the nearest coastline edge within `within_km` of the position
    /// (no farther than the cells around it reach), in km.
    fn coast_within_km(&self, lat: f64, lon: f64, within_km: f64) -> Option<f64> {
        let (row, col) = (row_of(lat), col_of(lon));
        if !self.near_coast(cell_id(row, col)) {
            return None;
        }
        let kx = KM_PER_DEG * cos_deg(lat);
        let mut nearest: Option<f64> = None;
        for r in row.saturating_sub(1)..=(row + 1).min(ROWS - 1) {
            for c in col.saturating_sub(1)..=(col + 1).min(COLS - 1) {
                for &e in self.edges_of(cell_id(r, c)) {
                    let bound = nearest.unwrap_or(within_km);
                    if let Some(d) = segment_km(
                        lat,
                        lon,
                        kx,
                        self.coords[e as usize],
                        self.coords[e as usize + 1],
                        bound,
                    ) {
                        nearest = Some(d);
                    }
                }
            }
        }
        nearest
    }

    fn in_waterway(&self, lat: f64, lon: f64) -> bool {
        let kx = KM_PER_DEG * cos_deg(lat);
        self.waterways.iter().any(|w| {
            w.line
                .windows(2)
                .any(|s| segment_km(lat, lon, kx, s[0], s[1], w.half_width_km).is_some())
        })
    }
}

/// How far the cells around a position reach at the least (a cell's width), in km.
fn reach_km(lat: f64) -> f64 {
    CELL_DEG * KM_PER_DEG * lat.to_radians().cos().min(1.0)
}

/// The cells of sorted `touches` (cell << 32 | edge): where each cell's edges lie in the
/// list of edges, the list, and the cells within one cell of any (the bitmap of
/// [`LandMask::near_coast`]).
#[allow(clippy::cast_possible_truncation, reason = "cells and edges fit u32")]
fn cell_index(touches: &[u64]) -> (CellRanges, Vec<u32>, Vec<u64>) {
    let edge_list: Vec<u32> = touches.iter().map(|t| *t as u32).collect();
    let mut cells = FxHashMap::default();
    let mut near_coast = vec![0u64; (ROWS * COLS).div_ceil(64)];
    let mut from = 0usize;
    for run in touches.chunk_by(|a, b| a >> 32 == b >> 32) {
        let cell = (run[0] >> 32) as u32;
        cells.insert(cell, (from as u32, (from + run.len()) as u32));
        from += run.len();
        let (row, col) = (cell as usize / COLS, cell as usize % COLS);
        for r in row.saturating_sub(1)..=(row + 1).min(ROWS - 1) {
            for c in col.saturating_sub(1)..=(col + 1).min(COLS - 1) {
                let bit = r * COLS + c;
                near_coast[bit / 64] |= 1 << (bit % 64);
            }
        }
    }
    (cells, edge_list, near_coast)
}

/// The distance in km from a position to a segment when it is at most `within_km`, in
/// a flat projection centred on the position (`kx`: km per degree of longitude there) (good to a fraction of a percent over the
/// few kilometres it is used for); a segment whose bounding box lies farther is turned
/// away before any distance is computed.
fn segment_km(lat: f64, lon: f64, kx: f64, a: Coord<f64>, b: Coord<f64>, within_km: f64) -> Option<f64> {
    let local = |c: Coord<f64>| Coord {
        x: (c.x - lon) * kx,
        y: (c.y - lat) * KM_PER_DEG,
    };
    let (a, b) = (local(a), local(b));
    if a.x.min(b.x) > within_km || a.x.max(b.x) < -within_km || a.y.min(b.y) > within_km || a.y.max(b.y) < -within_km {
        return None;
    }
    let d = Euclidean.distance(&Point::new(0.0, 0.0), &Line::new(a, b));
    (d <= within_km).then_some(d)
}

/// Reads a mask without indexing it: how many polygons it holds (the `land` fuzz target).
pub fn check(bytes: &[u8]) -> Result<usize, LandError> {
    Ok(decode(bytes)?.2)
}

/// Reads a waterways CSV: how many waterways it holds (the `waterways` fuzz target).
pub fn check_waterways(text: &str) -> Result<usize, LandError> {
    Ok(parse_waterways(text)?.len())
}

fn parse_waterways(text: &str) -> Result<Vec<Waterway>, LandError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let bad = |message: String| LandError::Waterway { line: n + 1, message };
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, ',').collect();
        let [_, width, path] = fields[..] else {
            return Err(bad("expected name,half_width_km,path".into()));
        };
        let half_width_km = width
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|w| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| bad(format!("'{width}' is not a width in km")))?;
        let line: Vec<Coord<f64>> = path
            .split(';')
            .map(|pt| {
                let mut xy = pt.split_whitespace().map(str::parse::<f64>);
                match (xy.next(), xy.next()) {
                    (Some(Ok(x)), Some(Ok(y))) if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) => {
                        Ok(Coord { x, y })
                    }
                    _ => Err(bad(format!("'{pt}' is not 'lon lat' in degrees"))),
                }
            })
            .collect::<Result<_, _>>()?;
        if line.len() < 2 {
            return Err(bad("a path has two points or more".into()));
        }
        out.push(Waterway { line, half_width_km });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask() -> &'static LandMask {
        static MASK: std::sync::OnceLock<LandMask> = std::sync::OnceLock::new();
        MASK.get_or_init(|| LandMask::bundled().expect("the bundled mask reads"))
    }

    #[test]
    fn the_bundled_mask_knows_sea_land_and_lakes() {
        let m = mask();
        assert!(m.polygons > 100_000, "{}", m.polygons);
        assert_eq!(m.inland_m(55.5, 16.0), None, "the Baltic");
        assert_eq!(m.inland_m(59.9, 27.0), None, "the Gulf of Finland");
        assert_eq!(m.inland_m(61.0, 31.3), None, "Lake Ladoga is a hole in the land");
        assert!(m.inland_m(55.75, 37.62).is_some_and(|d| d > 2000.0), "Moscow");
        assert!(m.inland_m(60.0, 29.5).is_none_or(|d| d < 2000.0), "Kronstadt's waters");
    }

    #[test]
    fn one_look_up_tells_the_depth_and_whether_it_is_beyond_as_two_did() {
        // A grid across the coasts of Zealand, Gotland and Svalbard, in steps finer
        // than the cells: coast cells, inland cells, water, and far north.
        let m = mask();
        let mut beyond = 0;
        for (lat0, lon0) in [(55.4, 11.6), (57.3, 18.1), (78.0, 15.0)] {
            for i in 0..60 {
                for j in 0..60 {
                    let (lat, lon) = (lat0 + f64::from(i) * 0.0071, lon0 + f64::from(j) * 0.0113);
                    let (depth, is_beyond) = m.depth_and_beyond(lat, lon, INLAND_TEST_M);
                    assert_eq!(depth, m.inland_m(lat, lon), "{lat} {lon}");
                    assert_eq!(is_beyond, m.inland_beyond(lat, lon, INLAND_TEST_M), "{lat} {lon}");
                    beyond += usize::from(is_beyond);
                }
            }
        }
        assert!(beyond > 100, "{beyond}");
    }

    const INLAND_TEST_M: f64 = 500.0;

    #[test]
    fn the_kiel_canal_is_water() {
        // Rendsburg, on the canal, 30 km from either sea.
        assert!(!mask().on_land(54.301, 9.683));
        assert!(mask().on_land(54.25, 9.40), "the fields beside it");
    }

    #[test]
    fn a_mask_that_is_not_one_is_an_error() {
        assert!(matches!(
            LandMask::from_bytes(b"PK\x03\x04", ""),
            Err(LandError::Format)
        ));
        let mut short = MAGIC.to_vec();
        short.extend(5u32.to_le_bytes());
        assert!(matches!(LandMask::from_bytes(&short, ""), Err(LandError::Short)));
    }
}
