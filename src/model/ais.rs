//! AIS observations as fleetwatch keeps them: position fixes (columnar, for speed) and
//! static reports (who a transmitter said it was, when). Times are UTC milliseconds
//! since the Unix epoch. No I/O.

/// Position fixes in columns: one index is one fix.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fixes {
    pub mmsi: Vec<u32>,
    pub ts_ms: Vec<i64>,
    pub lat: Vec<f64>,
    pub lon: Vec<f64>,
    pub sog_kn: Vec<Option<f32>>,
    pub cog_deg: Vec<Option<f32>>,
    pub heading_deg: Vec<Option<i32>>,
    pub nav_status: Vec<Option<i32>>,
    pub draught_m: Vec<Option<f32>>,
}

/// One fix, as readers produce it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub mmsi: u32,
    pub ts_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub sog_kn: Option<f32>,
    pub cog_deg: Option<f32>,
    pub heading_deg: Option<i32>,
    pub nav_status: Option<i32>,
    pub draught_m: Option<f32>,
}

impl Fixes {
    pub fn len(&self) -> usize {
        self.mmsi.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mmsi.is_empty()
    }

    pub fn push(&mut self, f: Fix) {
        self.mmsi.push(f.mmsi);
        self.ts_ms.push(f.ts_ms);
        self.lat.push(f.lat);
        self.lon.push(f.lon);
        self.sog_kn.push(f.sog_kn);
        self.cog_deg.push(f.cog_deg);
        self.heading_deg.push(f.heading_deg);
        self.nav_status.push(f.nav_status);
        self.draught_m.push(f.draught_m);
    }

    pub fn get(&self, i: usize) -> Fix {
        Fix {
            mmsi: self.mmsi[i],
            ts_ms: self.ts_ms[i],
            lat: self.lat[i],
            lon: self.lon[i],
            sog_kn: self.sog_kn[i],
            cog_deg: self.cog_deg[i],
            heading_deg: self.heading_deg[i],
            nav_status: self.nav_status[i],
            draught_m: self.draught_m[i],
        }
    }

    pub fn append(&mut self, other: &mut Fixes) {
        self.mmsi.append(&mut other.mmsi);
        self.ts_ms.append(&mut other.ts_ms);
        self.lat.append(&mut other.lat);
        self.lon.append(&mut other.lon);
        self.sog_kn.append(&mut other.sog_kn);
        self.cog_deg.append(&mut other.cog_deg);
        self.heading_deg.append(&mut other.heading_deg);
        self.nav_status.append(&mut other.nav_status);
        self.draught_m.append(&mut other.draught_m);
    }

    /// The fixes at `order`, in that order.
    #[must_use]
    pub fn take(&self, order: &[usize]) -> Fixes {
        let mut out = Fixes::default();
        for &i in order {
            out.push(self.get(i));
        }
        out
    }

    /// Sorts by (MMSI, time) and drops repeated (MMSI, time) keys, keeping the first
    /// occurrence. Returns how many were dropped.
    pub fn sort_dedup(&mut self) -> usize {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| (self.mmsi[i], self.ts_ms[i]));
        order.dedup_by_key(|i| (self.mmsi[*i], self.ts_ms[*i]));
        let dropped = self.len() - order.len();
        *self = self.take(&order);
        dropped
    }
}

/// What a transmitter or a record said about a vessel's identity at one time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticReport {
    pub mmsi: Option<u32>,
    pub ts_ms: i64,
    pub imo: Option<String>,
    /// The name as received (normalised later).
    pub name: Option<String>,
    pub call_sign: Option<String>,
    pub ship_type: Option<String>,
    /// A declared flag (ISO2), from vessel records; AIS flags come from the MID.
    pub flag: Option<String>,
    /// `ais` or the vessel-records file's `source` value.
    pub source: String,
}

/// AIS navigational status codes (ITU-R M.1371) from the texts DMA writes.
pub fn nav_status_code(text: &str) -> Option<i32> {
    Some(match text.trim() {
        "Under way using engine" => 0,
        "At anchor" => 1,
        "Not under command" => 2,
        "Restricted maneuverability" | "Restricted manoeuverability" => 3,
        "Constrained by her draught" => 4,
        "Moored" => 5,
        "Aground" => 6,
        "Engaged in fishing" => 7,
        "Under way sailing" => 8,
        "Reserved for future amendment [HSC]" => 9,
        "Reserved for future amendment [WIG]" => 10,
        "Power-driven vessel towing astern" => 11,
        "Power-driven vessel pushing ahead or towing alongside" => 12,
        "AIS-SART" => 14,
        "Unknown value" | "" => return None,
        other => return other.parse().ok().filter(|c| (0..=14).contains(c)),
    })
}

/// `2025-05-15T08:02:29Z` from epoch milliseconds.
pub fn rfc3339(ts_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ts_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Days since the epoch of a time, for day partitions.
pub fn day_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(86_400_000)
}

/// Epoch milliseconds of a UTC civil time (proleptic Gregorian), without allocation:
/// the hot path of every CSV reader.
pub fn civil_to_ms(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32, ms: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > 31 || hour > 23 || min > 59 || sec > 60 || ms > 999 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + i64::from(hour)) * 60 + i64::from(min)) * 60_000 + i64::from(sec) * 1000 + i64::from(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_time_matches_chrono() {
        let ms = civil_to_ms(2025, 5, 15, 8, 2, 29, 0).unwrap();
        assert_eq!(rfc3339(ms), "2025-05-15T08:02:29Z");
        assert_eq!(civil_to_ms(1970, 1, 1, 0, 0, 0, 0), Some(0));
        assert_eq!(
            rfc3339(civil_to_ms(2024, 2, 29, 23, 59, 59, 0).unwrap()),
            "2024-02-29T23:59:59Z"
        );
        assert_eq!(civil_to_ms(2025, 13, 1, 0, 0, 0, 0), None);
    }

    #[test]
    fn sort_dedup_keeps_the_first_of_a_repeated_key() {
        let mut f = Fixes::default();
        for (mmsi, ts, lat) in [(2, 10, 1.0), (1, 20, 2.0), (2, 10, 3.0), (1, 10, 4.0)] {
            f.push(Fix {
                mmsi,
                ts_ms: ts,
                lat,
                lon: 0.0,
                sog_kn: None,
                cog_deg: None,
                heading_deg: None,
                nav_status: None,
                draught_m: None,
            });
        }
        assert_eq!(f.sort_dedup(), 1);
        assert_eq!(f.mmsi, vec![1, 1, 2]);
        assert_eq!(f.lat, vec![4.0, 2.0, 1.0]);
    }

    #[test]
    fn dma_status_texts_map_to_codes() {
        assert_eq!(nav_status_code("Moored"), Some(5));
        assert_eq!(nav_status_code("At anchor"), Some(1));
        assert_eq!(nav_status_code("Unknown value"), None);
        assert_eq!(nav_status_code("5"), Some(5));
    }
}
