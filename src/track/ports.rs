//! The port gazetteer and its spatial index: which port, if any, a position is in. The
//! bundled gazetteer (`data/ports.csv`, built from the World Port Index, the searoute
//! port list and fleetwatch's oil-terminal points, a row per point: rows that share a
//! LOCODE are one port, the union of the circles around them) or a CSV or `GeoJSON`
//! given with `--ports`. Look-ups go through a coarse grid (entering) or an R-tree over
//! the port points (leaving), then exact great-circle distances.

use rstar::{AABB, RTree, RTreeObject};
use rustc_hash::FxHashMap;

use crate::model::port::{Area, Circle, Port, distance_km};

const BUNDLED: &str = include_str!("../../data/ports.csv");

/// Kilometres per degree of latitude.
const KM_PER_DEG: f64 = 111.195;

struct Indexed {
    /// (lon, lat) degrees.
    point: [f64; 2],
    index: usize,
}

impl RTreeObject for Indexed {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.point)
    }
}

/// Ports with a spatial index.
pub struct Gazetteer {
    ports: Vec<Port>,
    tree: RTree<Indexed>,
    /// The largest radius of any circle (or polygon port's reach), for the search window.
    max_radius_km: f64,
    /// The ports whose radius may reach into each cell of a 0.1-degree grid (cells no
    /// port reaches are absent): a fix is placed by a look-up and a few distances.
    near: FxHashMap<u32, std::ops::Range<u32>>,
    /// The port indices the ranges of `near` point into.
    near_ports: Vec<u32>,
}

/// Cells per degree of the coarse grid.
const CELLS_PER_DEG: f64 = 10.0;
const GRID_ROWS: usize = 180 * 10;
const GRID_COLS: usize = 360 * 10;

/// The cell of a point, clamped to the grid.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "clamped to the grid first"
)]
fn cell(lat: f64, lon: f64) -> (usize, usize) {
    let row = ((lat + 90.0) * CELLS_PER_DEG).clamp(0.0, (GRID_ROWS - 1) as f64) as usize;
    let col = ((lon + 180.0) * CELLS_PER_DEG).clamp(0.0, (GRID_COLS - 1) as f64) as usize;
    (row, col)
}

/// The grid cell a point falls in, as one number.
#[allow(clippy::cast_possible_truncation, reason = "the grid has 6.5 million cells")]
fn cell_id(lat: f64, lon: f64) -> u32 {
    let (row, col) = cell(lat, lon);
    (row * GRID_COLS + col) as u32
}

/// The circles that bound a port's area: its own circles, or for polygons one circle of
/// its reach around its point.
fn reach(p: &Port) -> impl Iterator<Item = Circle> + '_ {
    let polygon = matches!(p.area, Area::Polygons(_)).then_some(Circle {
        lat: p.lat,
        lon: p.lon,
        radius_km: p.radius_km,
    });
    let circles = match &p.area {
        Area::Circles(circles) => circles.as_slice(),
        Area::Polygons(_) => &[],
    };
    circles.iter().copied().chain(polygon)
}

/// For each grid cell some port's area reaches (the bounding box of each of its
/// circles, or of its reach for polygons, with a cell's worth of slack on each side),
/// the ports that reach it.
fn near_cells(ports: &[Port]) -> (FxHashMap<u32, std::ops::Range<u32>>, Vec<u32>) {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (index, p) in ports.iter().enumerate() {
        for c in reach(p) {
            let dlat = c.radius_km / KM_PER_DEG + 1.0 / CELLS_PER_DEG;
            let widest = (c.lat.abs() + dlat).min(89.9).to_radians().cos();
            let dlon = (c.radius_km / (KM_PER_DEG * widest) + 1.0 / CELLS_PER_DEG).min(180.0);
            let (r0, c0) = cell(c.lat - dlat, c.lon - dlon);
            let (r1, c1) = cell(c.lat + dlat, c.lon + dlon);
            for row in r0..=r1 {
                for col in c0..=c1 {
                    #[allow(clippy::cast_possible_truncation, reason = "cells and ports fit u32")]
                    pairs.push(((row * GRID_COLS + col) as u32, index as u32));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut ranges = FxHashMap::default();
    let mut start = 0;
    while start < pairs.len() {
        let id = pairs[start].0;
        let end = start + pairs[start..].iter().take_while(|p| p.0 == id).count();
        #[allow(clippy::cast_possible_truncation, reason = "pairs fit u32")]
        ranges.insert(id, start as u32..end as u32);
        start = end;
    }
    (ranges, pairs.into_iter().map(|p| p.1).collect())
}

/// A CSV gazetteer that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("line {line}: {message}")]
    Row { line: u64, message: String },
    #[error("{0}")]
    Csv(#[from] csv::Error),
    #[error("no ports")]
    Empty,
}

impl Gazetteer {
    pub fn new(ports: Vec<Port>) -> Self {
        // The tree holds each circle of a port (a polygon port: its point, with its
        // reach), so that a search window spans one circle's radius, not a whole port's.
        let reaches: Vec<(Circle, usize)> = ports
            .iter()
            .enumerate()
            .flat_map(|(index, p)| reach(p).map(move |c| (c, index)))
            .collect();
        let max_radius_km = reaches.iter().map(|(c, _)| c.radius_km).fold(0.0, f64::max);
        let tree = RTree::bulk_load(
            reaches
                .iter()
                .map(|(c, index)| Indexed {
                    point: [c.lon, c.lat],
                    index: *index,
                })
                .collect(),
        );
        let (near, near_ports) = near_cells(&ports);
        Self {
            ports,
            tree,
            max_radius_km,
            near,
            near_ports,
        }
    }

    /// The bundled gazetteer.
    ///
    /// # Panics
    /// Never on the bundled file; a test reads it.
    pub fn bundled() -> Self {
        Self::from_csv(BUNDLED).expect("the bundled gazetteer reads")
    }

    /// The largest radius a gazetteer row may give a port's circle.
    pub const MAX_RADIUS_KM: f64 = 100.0;

    /// Reads `locode,name,country,lat,lon,radius_km` (header required, columns by name;
    /// `radius_km` may be empty for the default 3 km). Rows that share a LOCODE are one
    /// port, the union of their circles; its name and country are the first row's.
    pub fn from_csv(text: &str) -> Result<Self, GazetteerError> {
        // The largest port area a row may give: Ust-Luga's terminals spread over 10 km;
        // a radius of thousands of km (found by fuzzing) made the index loop for minutes.
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let cols = crate::columns::Columns::new(reader.headers()?);
        let need = |n: &'static str| {
            cols.find(&[n]).ok_or(GazetteerError::Row {
                line: 1,
                message: format!("missing column '{n}'"),
            })
        };
        let (c_code, c_name, c_country) = (need("locode")?, need("name")?, cols.find(&["country"]));
        let (c_lat, c_lon, c_radius) = (need("lat")?, need("lon")?, cols.find(&["radius_km"]));
        // LOCODE -> (name, country, circles), in order of first appearance.
        let mut found: Vec<(String, String, String, Vec<Circle>)> = Vec::new();
        let mut by_code: FxHashMap<String, usize> = FxHashMap::default();
        for (i, row) in reader.records().enumerate() {
            let row = row?;
            let line = i as u64 + 2;
            let bad = |message: String| GazetteerError::Row { line, message };
            let get = |c: usize| row.get(c).map_or("", str::trim);
            let locode = get(c_code).replace(' ', "").to_uppercase();
            if !is_locode(&locode) {
                return Err(bad(format!("'{}' is not a UN/LOCODE", get(c_code))));
            }
            let lat: f64 = get(c_lat)
                .parse()
                .map_err(|_| bad(format!("bad lat '{}'", get(c_lat))))?;
            let lon: f64 = get(c_lon)
                .parse()
                .map_err(|_| bad(format!("bad lon '{}'", get(c_lon))))?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(bad(format!("position {lat},{lon} is off the globe")));
            }
            let radius_km = match c_radius.map(get).filter(|r| !r.is_empty()) {
                Some(r) => r
                    .parse()
                    .ok()
                    .filter(|r: &f64| *r > 0.0 && *r <= MAX_RADIUS_KM)
                    .ok_or_else(|| bad(format!("bad radius_km '{r}' (more than 0, at most {MAX_RADIUS_KM} km)")))?,
                None => DEFAULT_ENTER_KM,
            };
            let circle = Circle { lat, lon, radius_km };
            if let Some(&k) = by_code.get(&locode) {
                found[k].3.push(circle);
            } else {
                let country = c_country
                    .map(get)
                    .filter(|c| !c.is_empty())
                    .map_or_else(|| locode[..2].to_string(), str::to_uppercase);
                by_code.insert(locode.clone(), found.len());
                found.push((locode, get(c_name).to_string(), country, vec![circle]));
            }
        }
        if found.is_empty() {
            return Err(GazetteerError::Empty);
        }
        Ok(Self::new(
            found
                .into_iter()
                .map(|(locode, name, country, circles)| Port::circles(locode, name, country, circles))
                .collect(),
        ))
    }

    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    pub fn get(&self, locode: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.locode == locode)
    }

    /// Whether port `index` holds the point, widened by `margin_km`.
    pub fn contains(&self, index: usize, lat: f64, lon: f64, margin_km: f64) -> bool {
        self.ports[index].contains(lat, lon, margin_km)
    }

    /// Every circle of every port with one radius, for `--enter-km`: a port given as
    /// polygons keeps them.
    #[must_use]
    pub fn with_radius(self, radius_km: f64) -> Self {
        Self::new(self.ports.into_iter().map(|p| p.with_radius(radius_km)).collect())
    }

    /// Reads `GeoJSON`: a `FeatureCollection` of `Polygon` or `MultiPolygon` features with
    /// `locode` and `name` properties (`country` optional: the LOCODE's first letters).
    pub fn from_geojson(text: &str) -> Result<Self, GazetteerError> {
        let bad = |line: u64, message: String| GazetteerError::Row { line, message };
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(0, format!("not JSON: {e}")))?;
        let features = doc["features"]
            .as_array()
            .ok_or_else(|| bad(0, "no \"features\" array".into()))?;
        let mut ports = Vec::new();
        for (i, f) in features.iter().enumerate() {
            let n = i as u64 + 1;
            let props = &f["properties"];
            let locode = props["locode"].as_str().unwrap_or("").replace(' ', "").to_uppercase();
            if !is_locode(&locode) {
                return Err(bad(n, format!("feature {n}: 'locode' is not a UN/LOCODE")));
            }
            let geometry = &f["geometry"];
            let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
                Some("Polygon") => vec![&geometry["coordinates"]],
                Some("MultiPolygon") => geometry["coordinates"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default(),
                other => {
                    return Err(bad(
                        n,
                        format!("feature {n} ({locode}): geometry {other:?} is not a polygon"),
                    ));
                }
            };
            let ring = |ring: &serde_json::Value| -> geo::LineString<f64> {
                ring.as_array().map_or_else(
                    || geo::LineString::new(Vec::new()),
                    |pts| {
                        pts.iter()
                            .filter_map(|pt| Some((pt.get(0)?.as_f64()?, pt.get(1)?.as_f64()?)))
                            .collect()
                    },
                )
            };
            let rings: Vec<geo::Polygon<f64>> = polygons
                .iter()
                .filter_map(|p| {
                    let rings = p.as_array()?;
                    let outer = ring(rings.first()?);
                    (outer.0.len() >= 3).then(|| geo::Polygon::new(outer, rings[1..].iter().map(ring).collect()))
                })
                .collect();
            if rings.is_empty() {
                return Err(bad(
                    n,
                    format!("feature {n} ({locode}): no ring of three points or more"),
                ));
            }
            #[allow(clippy::cast_precision_loss, reason = "vertex counts are small")]
            let count = rings.iter().map(|r| r.exterior().0.len()).sum::<usize>() as f64;
            let outer = || rings.iter().flat_map(|r| r.exterior().coords());
            let lon = outer().map(|c| c.x).sum::<f64>() / count;
            let lat = outer().map(|c| c.y).sum::<f64>() / count;
            let radius_km = outer().map(|c| distance_km(lat, lon, c.y, c.x)).fold(0.0, f64::max);
            ports.push(Port {
                country: props["country"]
                    .as_str()
                    .map_or_else(|| locode[..2].to_string(), str::to_uppercase),
                name: props["name"].as_str().unwrap_or("").to_string(),
                locode,
                lat,
                lon,
                radius_km,
                area: Area::Polygons(rings),
            });
        }
        if ports.is_empty() {
            return Err(GazetteerError::Empty);
        }
        Ok(Self::new(ports))
    }

    /// The nearest port that holds the point, widened by `margin_km` (the leave side of
    /// the hysteresis), with the distance to the nearest of its points that holds it (0
    /// inside polygons).
    pub fn locate(&self, lat: f64, lon: f64, margin_km: f64) -> Option<(usize, f64)> {
        if margin_km <= 0.0 {
            let candidates = self.near.get(&cell_id(lat, lon))?;
            let indices = &self.near_ports[candidates.start as usize..candidates.end as usize];
            return self.nearest_holding(indices.iter().map(|i| *i as usize), lat, lon, 0.0);
        }
        let reach = self.max_radius_km + margin_km;
        let dlat = reach / KM_PER_DEG;
        let dlon = (reach / (KM_PER_DEG * lat.to_radians().cos().max(0.01))).min(180.0);
        let window = AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]);
        self.nearest_holding(
            self.tree.locate_in_envelope(&window).map(|c| c.index),
            lat,
            lon,
            margin_km,
        )
    }

    /// Of the candidate ports, the nearest that holds the point (0 km inside polygons).
    fn nearest_holding(
        &self,
        candidates: impl Iterator<Item = usize>,
        lat: f64,
        lon: f64,
        margin_km: f64,
    ) -> Option<(usize, f64)> {
        candidates
            .filter_map(|i| {
                let p = &self.ports[i];
                match p.area {
                    // The distance decides, computed once per circle.
                    Area::Circles(_) => p.circle_distance_km(lat, lon, margin_km).map(|d| (i, d)),
                    Area::Polygons(_) => p.contains(lat, lon, margin_km).then_some((i, 0.0)),
                }
            })
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
    }

    /// The port whose area's edge is nearest the point, if within `within_km`, with
    /// that distance (0 inside).
    pub fn nearest_edge(&self, lat: f64, lon: f64, within_km: f64) -> Option<(usize, f64)> {
        let reach = self.max_radius_km + within_km;
        let dlat = reach / KM_PER_DEG;
        let dlon = (reach / (KM_PER_DEG * lat.to_radians().cos().max(0.01))).min(180.0);
        let window = AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]);
        let mut best: Option<(usize, f64)> = None;
        for c in self.tree.locate_in_envelope(&window) {
            let edge = self.ports[c.index].edge_distance_km(lat, lon);
            if edge <= within_km && best.is_none_or(|b| (edge, c.index) < (b.1, b.0)) {
                best = Some((c.index, edge));
            }
        }
        best
    }

    pub fn port(&self, index: usize) -> &Port {
        &self.ports[index]
    }
}

/// A UN/LOCODE as the gazetteers give it (spaces taken out, upper case): a country's
/// two letters and three letters or digits. (A code of five bytes that are not five
/// ASCII characters made the country a slice inside a character: found by fuzzing.)
fn is_locode(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[..2].iter().all(u8::is_ascii_alphabetic) && b[2..].iter().all(u8::is_ascii_alphanumeric)
}

/// Default radius to enter a port.
pub const DEFAULT_ENTER_KM: f64 = 3.0;

/// The largest radius a gazetteer row may give a port's circle: Ust-Luga's terminals
/// spread over 10 km; a radius of thousands of km (found by fuzzing) made the index
/// of a gazetteer loop for minutes.
pub const MAX_RADIUS_KM: f64 = 100.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oil_terminals_the_trade_runs_through_are_there() {
        let g = Gazetteer::bundled();
        assert!(g.ports().len() > 4000);
        for (code, name) in [
            ("RUPRI", "Primorsk"),
            ("RUULU", "Ust-Luga"),
            ("RUNVS", "Novorossiysk"),
            ("RUTUA", "Tuapse"),
            ("RUKOZ", "Kozmino"),
            ("RUVYS", "Vysotsk"),
            ("RULED", "St Petersburg"),
            ("INSIK", "Sikka"),
            ("INVAD", "Vadinar Terminal"),
        ] {
            let p = g.get(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(p.name, name);
        }
        // Each terminal's point finds its own port.
        for code in ["RUPRI", "RUULU", "RUKOZ", "INSIK"] {
            let p = g.get(code).unwrap();
            let (i, d) = g.locate(p.lat, p.lon, 0.0).unwrap();
            assert_eq!((g.port(i).locode.as_str(), d < 1e-6), (code, true));
        }
    }

    #[test]
    fn a_point_at_sea_is_in_no_port() {
        let g = Gazetteer::bundled();
        assert!(g.locate(59.9, 26.0, 1.0).is_none(), "mid Gulf of Finland");
    }

    #[test]
    fn a_port_area_from_geojson_holds_what_is_inside_and_the_margin() {
        let g = Gazetteer::from_geojson(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature",
                "properties":{"locode":"RU PRI","name":"Primorsk"},
                "geometry":{"type":"Polygon","coordinates":[[[28.60,60.32],[28.76,60.32],[28.76,60.37],[28.60,60.37],[28.60,60.32]]]}}]}"#,
        )
        .unwrap();
        let (i, d) = g.locate(60.345, 28.70, 0.0).unwrap();
        assert_eq!((g.port(i).locode.as_str(), d), ("RUPRI", 0.0));
        assert!(g.locate(60.30, 28.70, 0.0).is_none(), "2.2 km south of the area");
        assert!(g.locate(60.30, 28.70, 3.0).is_some(), "within a 3 km margin");
        assert!(
            Gazetteer::from_geojson(r#"{"features":[{"properties":{"locode":"X"},"geometry":{"type":"Point"}}]}"#)
                .is_err()
        );
    }

    #[test]
    fn the_margin_widens_every_port() {
        let g = Gazetteer::new(vec![Port::point("XXAAA", "A", 60.0, 28.0, 3.0)]);
        // 3.5 km north: outside the 3 km to enter, inside the 4 km to leave.
        let lat = 60.0 + 3.5 / KM_PER_DEG;
        assert!(g.locate(lat, 28.0, 0.0).is_none());
        assert!(g.locate(lat, 28.0, 1.0).is_some());
    }

    /// The Russian oil ports and the Indian and Turkish ports their cargoes go to.
    const OIL_PORTS: &[&str] = &[
        "RUPRI", "RUULU", "RUVYS", "RULED", "RUNVS", "RUTUA", "RUTAM", "RUKOZ", "INSIK", "INVAD", "INMUN", "INPRT",
        "TRCEY", "TRDYL", "TRALI",
    ];

    /// (LOCODE, lat, lon) of each row of a CSV with `locode`, `lat` and `lon` columns.
    fn points(csv_text: &str) -> Vec<(String, f64, f64)> {
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let cols = crate::columns::Columns::new(reader.headers().unwrap());
        let (c, la, lo) = (
            cols.find(&["locode"]).unwrap(),
            cols.find(&["lat"]).unwrap(),
            cols.find(&["lon"]).unwrap(),
        );
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[c].to_string(), r[la].parse().unwrap(), r[lo].parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn every_point_the_sources_give_an_oil_port_lies_inside_it() {
        let g = Gazetteer::bundled();
        // The World Port Index and searoute points (an extract of both lists), and
        // fleetwatch's terminal list.
        let mut all = points(include_str!("../../tests/fixtures/ports/oil_port_source_points.csv"));
        all.extend(points(include_str!("../../data/oil_terminals.csv")));
        // Ust-Luga's berths near the river mouth and at the oil terminal, 6 km apart.
        all.push(("RUULU".into(), 59.66, 28.29));
        all.push(("RUULU".into(), 59.68, 28.40));
        for code in OIL_PORTS {
            assert!(all.iter().any(|(c, _, _)| c == code), "no source point for {code}");
        }
        let checked: Vec<_> = all.iter().filter(|(c, _, _)| OIL_PORTS.contains(&c.as_str())).collect();
        assert!(checked.len() >= 35, "{}", checked.len());
        for (code, lat, lon) in checked {
            let found = g.locate(*lat, *lon, 0.0).map(|(i, _)| g.port(i).locode.as_str());
            assert_eq!(found, Some(code.as_str()), "{lat},{lon}");
        }
    }

    #[test]
    fn rows_that_share_a_locode_are_one_port_of_several_circles() {
        let g = Gazetteer::from_csv(
            "locode,name,country,lat,lon,radius_km\n\
             XXAAA,A,XX,60.0,28.0,3\n\
             XXBBB,B,XX,60.0,28.5,3\n\
             XXAAA,A second berth,XX,60.1,28.0,2\n",
        )
        .unwrap();
        assert_eq!(g.ports().len(), 2);
        let a = g.get("XXAAA").unwrap();
        assert_eq!((a.name.as_str(), a.lat, a.lon), ("A", 60.0, 28.0));
        // Inside the second circle, 11 km from the first point.
        let (i, d) = g.locate(60.1 + 1.5 / KM_PER_DEG, 28.0, 0.0).unwrap();
        assert_eq!(g.port(i).locode, "XXAAA");
        assert!((d - 1.5).abs() < 0.01, "{d}");
        // Between the circles: in neither, until the margin widens the second.
        let between = 60.1 - 2.5 / KM_PER_DEG;
        assert!(g.locate(between, 28.0, 0.0).is_none());
        assert_eq!(
            g.locate(between, 28.0, 1.0).map(|(i, _)| g.port(i).locode.as_str()),
            Some("XXAAA")
        );
        // --enter-km gives every circle the same radius.
        let wide = g.with_radius(3.0);
        assert!(wide.locate(between, 28.0, 0.0).is_some());
    }
}
