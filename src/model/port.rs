//! Ports as fleetwatch detects calls at them: a UN/LOCODE and an area, either the union
//! of circles around the points the sources place the port at, or polygons; and the
//! distances on the Earth every rule measures, through `geo`. No I/O.

use geo::{Contains, Coord, Distance, Euclidean, Haversine, LineString, Point, Polygon};

/// One port of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// Five-letter UN/LOCODE, no blank (`RUPRI`).
    pub locode: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The port's point: the first the sources give (for polygons, their centroid).
    pub lat: f64,
    pub lon: f64,
    /// How far the area reaches from the point: every fix in port is within this
    /// distance of it (the bound a spatial search needs).
    pub radius_km: f64,
    pub area: Area,
}

/// Where a port is.
#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    /// The union of circles: a fix within any circle's radius of its centre is in port.
    /// A port the sources place at several points (the World Port Index, the searoute
    /// list, its terminals) has a circle around each.
    Circles(Vec<Circle>),
    /// Polygons of (lon, lat) vertices, holes included: a fix inside any is in port.
    Polygons(Vec<Polygon<f64>>),
}

/// A point of a port and the radius around it that is in port.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

impl Port {
    /// A port of one or more circles; its point is the first circle's centre.
    ///
    /// # Panics
    /// When `circles` is empty.
    pub fn circles(locode: String, name: String, country: String, circles: Vec<Circle>) -> Self {
        let first = *circles.first().expect("a port has at least one circle");
        let radius_km = circles
            .iter()
            .map(|c| distance_km(first.lat, first.lon, c.lat, c.lon) + c.radius_km)
            .fold(0.0, f64::max);
        Self {
            locode,
            name,
            country,
            lat: first.lat,
            lon: first.lon,
            radius_km,
            area: Area::Circles(circles),
        }
    }

    /// A port of one circle.
    pub fn point(locode: &str, name: &str, lat: f64, lon: f64, radius_km: f64) -> Self {
        Self::circles(
            locode.to_string(),
            name.to_string(),
            locode.get(..2).unwrap_or("").to_string(),
            vec![Circle { lat, lon, radius_km }],
        )
    }

    /// Whether a point is in port, `margin_km` widening every circle or polygon.
    pub fn contains(&self, lat: f64, lon: f64, margin_km: f64) -> bool {
        match &self.area {
            // Any circle will do: the first (the main point, where most berths are) is
            // tried first, and the distance is computed no further.
            Area::Circles(circles) => circles
                .iter()
                .any(|c| within_km(lat, lon, c.lat, c.lon, c.radius_km + margin_km).is_some()),
            Area::Polygons(polygons) => polygons.iter().any(|polygon| {
                polygon.contains(&Point::new(lon, lat))
                    || (margin_km > 0.0 && edge_distance_km(polygon, lat, lon) <= margin_km)
            }),
        }
    }

    /// For a port of circles: the distance to the nearest centre among the circles that
    /// hold the point (widened by `margin_km`), or `None` when none does (or the port is
    /// polygons).
    pub fn circle_distance_km(&self, lat: f64, lon: f64, margin_km: f64) -> Option<f64> {
        let Area::Circles(circles) = &self.area else {
            return None;
        };
        circles
            .iter()
            .filter_map(|c| within_km(lat, lon, c.lat, c.lon, c.radius_km + margin_km))
            .min_by(f64::total_cmp)
    }

    /// Every circle the same radius (`--enter-km`); polygons are kept as they are.
    #[must_use]
    pub fn with_radius(self, radius_km: f64) -> Self {
        match self.area {
            Area::Circles(circles) => Self::circles(
                self.locode,
                self.name,
                self.country,
                circles.into_iter().map(|c| Circle { radius_km, ..c }).collect(),
            ),
            Area::Polygons(_) => self,
        }
    }

    /// How far a point is from the edge of the area: 0 inside it.
    pub fn edge_distance_km(&self, lat: f64, lon: f64) -> f64 {
        match &self.area {
            Area::Circles(circles) => circles.iter().fold(f64::INFINITY, |best, c| {
                // The difference in latitude alone bounds the distance from below: a
                // circle that cannot be nearer costs no trigonometry.
                if (c.lat - lat).abs() * KM_PER_DEG - c.radius_km >= best {
                    return best;
                }
                best.min((distance_km(lat, lon, c.lat, c.lon) - c.radius_km).max(0.0))
            }),
            Area::Polygons(polygons) => polygons
                .iter()
                .map(|p| {
                    if p.contains(&Point::new(lon, lat)) {
                        0.0
                    } else {
                        edge_distance_km(p, lat, lon)
                    }
                })
                .fold(f64::INFINITY, f64::min),
        }
    }
}

/// Distance in km from a point to a polygon's rings, in a local flat projection
/// centred on the point (good to a fraction of a percent over the tens of kilometres a
/// margin or a port's surroundings span).
pub fn edge_distance_km(polygon: &Polygon<f64>, lat: f64, lon: f64) -> f64 {
    let kx = KM_PER_DEG * lat.to_radians().cos();
    let local = |ring: &LineString<f64>| -> LineString<f64> {
        ring.coords()
            .map(|c| Coord {
                x: (c.x - lon) * kx,
                y: (c.y - lat) * KM_PER_DEG,
            })
            .collect()
    };
    let origin = Point::new(0.0, 0.0);
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(|ring| Euclidean.distance(&origin, &local(ring)))
        .fold(f64::INFINITY, f64::min)
}

/// Kilometres per degree of latitude (on the mean sphere).
pub const KM_PER_DEG: f64 = 111.195;

/// Mean Earth radius (IUGG), kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres between two points given as (lat, lon) degrees.
///
/// ```
/// use fleetwatch::model::port::distance_km;
/// // Primorsk to Ust-Luga, about 80 km across the Gulf of Finland.
/// let d = distance_km(60.345, 28.70, 59.68, 28.40);
/// assert!((d - 75.6).abs() < 1.0, "{d}");
/// ```
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2)) / 1000.0
}

/// The great-circle distance between two points when it is at most `km`, else `None`.
/// The difference in latitude alone is a lower bound of the distance (no trigonometry),
/// so most far points are turned away before [`distance_km`].
///
/// ```
/// use fleetwatch::model::port::within_km;
/// assert!(within_km(60.345, 28.70, 60.36, 28.71, 3.0).is_some());
/// assert!(within_km(60.345, 28.70, 60.50, 28.70, 3.0).is_none());
/// ```
pub fn within_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64, km: f64) -> Option<f64> {
    // A hair of slack, so that rounding never turns away a point the distance keeps.
    if (lat2 - lat1).abs().to_radians() * EARTH_RADIUS_KM > km * (1.0 + 1e-9) {
        return None;
    }
    let d = distance_km(lat1, lon1, lat2, lon2);
    (d <= km).then_some(d)
}
