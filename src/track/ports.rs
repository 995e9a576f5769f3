//! The port gazetteer and its spatial index: which port, if any, a position is in. The
//! bundled gazetteer (`data/ports.csv`, built from the World Port Index, the searoute
//! port list and fleetwatch's oil-terminal points) or a CSV given with `--ports`. Look-ups
//! go through an R-tree over the port points, then an exact great-circle distance.

use rstar::{AABB, RTree, RTreeObject};

use crate::model::port::{Port, distance_km};

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
    /// The largest radius of any port, for the search window.
    max_radius_km: f64,
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
        let tree = RTree::bulk_load(
            ports
                .iter()
                .enumerate()
                .map(|(index, p)| Indexed {
                    point: [p.lon, p.lat],
                    index,
                })
                .collect(),
        );
        let max_radius_km = ports.iter().map(|p| p.radius_km).fold(0.0, f64::max);
        Self {
            ports,
            tree,
            max_radius_km,
        }
    }

    /// The bundled gazetteer.
    ///
    /// # Panics
    /// Never on the bundled file; a test reads it.
    pub fn bundled() -> Self {
        Self::from_csv(BUNDLED).expect("the bundled gazetteer reads")
    }

    /// Reads `locode,name,country,lat,lon,radius_km` (header required, columns by name;
    /// `radius_km` may be empty for the default 3 km).
    pub fn from_csv(text: &str) -> Result<Self, GazetteerError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let cols = crate::lists::Columns::new(reader.headers()?);
        let need = |n: &'static str| {
            cols.find(&[n]).ok_or(GazetteerError::Row {
                line: 1,
                message: format!("missing column '{n}'"),
            })
        };
        let (c_code, c_name, c_country) = (need("locode")?, need("name")?, cols.find(&["country"]));
        let (c_lat, c_lon, c_radius) = (need("lat")?, need("lon")?, cols.find(&["radius_km"]));
        let mut ports = Vec::new();
        for (i, row) in reader.records().enumerate() {
            let row = row?;
            let line = i as u64 + 2;
            let bad = |message: String| GazetteerError::Row { line, message };
            let get = |c: usize| row.get(c).map_or("", str::trim);
            let locode = get(c_code).replace(' ', "").to_uppercase();
            if locode.len() != 5 {
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
                    .filter(|r: &f64| *r > 0.0)
                    .ok_or_else(|| bad(format!("bad radius_km '{r}'")))?,
                None => DEFAULT_ENTER_KM,
            };
            ports.push(Port {
                country: c_country
                    .map(get)
                    .filter(|c| !c.is_empty())
                    .map_or_else(|| locode[..2].to_string(), str::to_uppercase),
                locode,
                name: get(c_name).to_string(),
                lat,
                lon,
                radius_km,
            });
        }
        if ports.is_empty() {
            return Err(GazetteerError::Empty);
        }
        Ok(Self::new(ports))
    }

    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    pub fn get(&self, locode: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.locode == locode)
    }

    /// The nearest port whose radius plus `margin_km` holds the point, with the
    /// distance. `margin_km` widens every port, for the leave side of the hysteresis.
    pub fn locate(&self, lat: f64, lon: f64, margin_km: f64) -> Option<(usize, f64)> {
        let reach = self.max_radius_km + margin_km;
        let dlat = reach / KM_PER_DEG;
        let dlon = (reach / (KM_PER_DEG * lat.to_radians().cos().max(0.01))).min(180.0);
        let window = AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]);
        self.tree
            .locate_in_envelope(&window)
            .map(|c| {
                (
                    c.index,
                    distance_km(lat, lon, self.ports[c.index].lat, self.ports[c.index].lon),
                )
            })
            .filter(|(i, d)| *d <= self.ports[*i].radius_km + margin_km)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    pub fn port(&self, index: usize) -> &Port {
        &self.ports[index]
    }
}

/// Default radius to enter a port.
pub const DEFAULT_ENTER_KM: f64 = 3.0;

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
    fn the_margin_widens_every_port() {
        let g = Gazetteer::new(vec![Port {
            locode: "XXAAA".into(),
            name: "A".into(),
            country: "XX".into(),
            lat: 60.0,
            lon: 28.0,
            radius_km: 3.0,
        }]);
        // 3.5 km north: outside the 3 km to enter, inside the 4 km to leave.
        let lat = 60.0 + 3.5 / KM_PER_DEG;
        assert!(g.locate(lat, 28.0, 0.0).is_none());
        assert!(g.locate(lat, 28.0, 1.0).is_some());
    }
}
