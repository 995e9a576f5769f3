//! Ports as fleetwatch detects calls at them: a UN/LOCODE, a point (WGS 84, degrees)
//! and the radius within which a fix is in port. No I/O.

/// One port of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// Five-letter UN/LOCODE, no blank (`RUPRI`).
    pub locode: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// A fix within this distance of the point is in port (for a port given as an
    /// area: the distance from the point to the farthest vertex).
    pub radius_km: f64,
    /// The port's area, when given as polygons: outer rings of (lon, lat) vertices. A fix
    /// inside any ring is in port. Holes are not kept.
    pub area: Option<Vec<Vec<[f64; 2]>>>,
}

impl Port {
    /// Whether a point is in port, `margin_km` widening the radius or the area.
    pub fn contains(&self, lat: f64, lon: f64, margin_km: f64) -> bool {
        match &self.area {
            None => within_km(lat, lon, self.lat, self.lon, self.radius_km + margin_km).is_some(),
            Some(rings) => rings.iter().any(|ring| {
                in_ring(ring, lon, lat) || (margin_km > 0.0 && ring_distance_km(ring, lat, lon) <= margin_km)
            }),
        }
    }
}

/// Ray casting: whether (lon, lat) is inside a ring (first vertex may or may not repeat).
fn in_ring(ring: &[[f64; 2]], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let [x1, y1] = ring[i];
        let [x2, y2] = ring[(i + n - 1) % n];
        if (y1 > lat) != (y2 > lat) && lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1 {
            inside = !inside;
        }
    }
    inside
}

/// Distance in km from a point to a ring's edges, in a local flat projection (good to a
/// fraction of a percent over the few kilometres a margin spans).
fn ring_distance_km(ring: &[[f64; 2]], lat: f64, lon: f64) -> f64 {
    let kx = 111.195 * lat.to_radians().cos();
    let ky = 111.195;
    let to_xy = |p: [f64; 2]| ((p[0] - lon) * kx, (p[1] - lat) * ky);
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (ax, ay) = to_xy(ring[i]);
            let (bx, by) = to_xy(ring[(i + 1) % n]);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (px, py) = (ax + t * dx, ay + t * dy);
            (px * px + py * py).sqrt()
        })
        .fold(f64::INFINITY, f64::min)
}

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
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dlat = p2 - p1;
    let dlon = (lon2 - lon1).to_radians();
    let a = (dlat / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
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
