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
    /// A fix within this distance of the point is in port.
    pub radius_km: f64,
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
