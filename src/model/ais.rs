//! AIS observations as fleetwatch keeps them: position fixes (columnar, for speed) and
//! static reports (who a transmitter said it was, when). Times are UTC milliseconds
//! since the Unix epoch. No I/O.

/// Position fixes in columns: one index is one fix. Missing values use the AIS
/// conventions, so that a day of 16 million fixes stays compact (43 bytes a fix):
/// `NaN` for speed, course and draught, heading 511, navigational status 15.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fixes {
    pub mmsi: Vec<u32>,
    pub ts_ms: Vec<i64>,
    pub lat: Vec<f64>,
    pub lon: Vec<f64>,
    pub sog_kn: Vec<f32>,
    pub cog_deg: Vec<f32>,
    pub heading_deg: Vec<u16>,
    pub nav_status: Vec<u8>,
    pub draught_m: Vec<f32>,
}

/// Heading "not available".
pub const NO_HEADING: u16 = 511;
/// Navigational status "not defined".
pub const NO_STATUS: u8 = 15;

/// One fix, as readers produce it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub mmsi: u32,
    pub ts_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub sog_kn: Option<f32>,
    pub cog_deg: Option<f32>,
    pub heading_deg: Option<u16>,
    pub nav_status: Option<u8>,
    pub draught_m: Option<f32>,
}

fn some_f32(v: f32) -> Option<f32> {
    (!v.is_nan()).then_some(v)
}

impl Fixes {
    pub fn len(&self) -> usize {
        self.mmsi.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mmsi.is_empty()
    }

    pub fn reserve(&mut self, n: usize) {
        self.mmsi.reserve(n);
        self.ts_ms.reserve(n);
        self.lat.reserve(n);
        self.lon.reserve(n);
        self.sog_kn.reserve(n);
        self.cog_deg.reserve(n);
        self.heading_deg.reserve(n);
        self.nav_status.reserve(n);
        self.draught_m.reserve(n);
    }

    pub fn push(&mut self, f: Fix) {
        self.mmsi.push(f.mmsi);
        self.ts_ms.push(f.ts_ms);
        self.lat.push(f.lat);
        self.lon.push(f.lon);
        self.sog_kn.push(f.sog_kn.unwrap_or(f32::NAN));
        self.cog_deg.push(f.cog_deg.unwrap_or(f32::NAN));
        self.heading_deg.push(f.heading_deg.filter(|h| *h < 360).unwrap_or(NO_HEADING));
        self.nav_status.push(f.nav_status.filter(|s| *s < NO_STATUS).unwrap_or(NO_STATUS));
        self.draught_m.push(f.draught_m.unwrap_or(f32::NAN));
    }

    pub fn get(&self, i: usize) -> Fix {
        Fix {
            mmsi: self.mmsi[i],
            ts_ms: self.ts_ms[i],
            lat: self.lat[i],
            lon: self.lon[i],
            sog_kn: some_f32(self.sog_kn[i]),
            cog_deg: some_f32(self.cog_deg[i]),
            heading_deg: Some(self.heading_deg[i]).filter(|h| *h != NO_HEADING),
            nav_status: Some(self.nav_status[i]).filter(|s| *s != NO_STATUS),
            draught_m: some_f32(self.draught_m[i]),
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

    /// The fixes at `order`, in that order. Each column is gathered, then its source
    /// dropped, so the peak is the data plus one column.
    #[must_use]
    pub fn take(self, order: &[u32]) -> Fixes {
        fn gather<T: Copy + Send + Sync>(v: Vec<T>, order: &[u32]) -> Vec<T> {
            order.iter().map(|&i| v[i as usize]).collect()
        }
        let Fixes {
            mmsi,
            ts_ms,
            lat,
            lon,
            sog_kn,
            cog_deg,
            heading_deg,
            nav_status,
            draught_m,
        } = self;
        // Memory-bound gathers: two at a time, one per core.
        let (mmsi, ts_ms) = rayon::join(|| gather(mmsi, order), || gather(ts_ms, order));
        let (lat, lon) = rayon::join(|| gather(lat, order), || gather(lon, order));
        let (sog_kn, cog_deg) = rayon::join(|| gather(sog_kn, order), || gather(cog_deg, order));
        let (heading_deg, nav_status) = rayon::join(|| gather(heading_deg, order), || gather(nav_status, order));
        let draught_m = gather(draught_m, order);
        Fixes {
            mmsi,
            ts_ms,
            lat,
            lon,
            sog_kn,
            cog_deg,
            heading_deg,
            nav_status,
            draught_m,
        }
    }

    /// The fixes whose index is in `rows` (ascending), e.g. one day's.
    #[must_use]
    pub fn select(&self, rows: &[u32]) -> Fixes {
        fn pick<T: Copy>(v: &[T], rows: &[u32]) -> Vec<T> {
            rows.iter().map(|&i| v[i as usize]).collect()
        }
        Fixes {
            mmsi: pick(&self.mmsi, rows),
            ts_ms: pick(&self.ts_ms, rows),
            lat: pick(&self.lat, rows),
            lon: pick(&self.lon, rows),
            sog_kn: pick(&self.sog_kn, rows),
            cog_deg: pick(&self.cog_deg, rows),
            heading_deg: pick(&self.heading_deg, rows),
            nav_status: pick(&self.nav_status, rows),
            draught_m: pick(&self.draught_m, rows),
        }
    }

    /// Sorts by (MMSI, time) and drops repeated (MMSI, time) keys, keeping the first
    /// occurrence. Returns how many were dropped.
    ///
    /// AIS files come in time order, so a stable counting sort by MMSI leaves each
    /// vessel's fixes in time order already: O(n), with a sort only for the vessels
    /// whose fixes were not in order.
    ///
    /// # Panics
    /// When there are more than 2^32 fixes.
    pub fn sort_dedup(&mut self) -> usize {
        let n = self.len();
        let sorted = (1..n).all(|i| (self.mmsi[i - 1], self.ts_ms[i - 1]) < (self.mmsi[i], self.ts_ms[i]));
        if sorted {
            return 0;
        }
        let n32 = u32::try_from(n).expect("fewer than 2^32 fixes in one partition");
        let mut vessels: Vec<u32> = {
            let mut seen = rustc_hash::FxHashSet::default();
            self.mmsi.iter().copied().filter(|m| seen.insert(*m)).collect()
        };
        vessels.sort_unstable();
        let rank: rustc_hash::FxHashMap<u32, u32> = vessels
            .iter()
            .zip(0u32..)
            .map(|(m, r)| (*m, r))
            .collect();
        let mut start = vec![0u32; vessels.len() + 1];
        let ranks: Vec<u32> = self.mmsi.iter().map(|m| rank[m]).collect();
        for &r in &ranks {
            start[r as usize + 1] += 1;
        }
        for r in 0..vessels.len() {
            start[r + 1] += start[r];
        }
        let mut next = start.clone();
        let mut order = vec![0u32; n];
        for (i, &r) in (0..n32).zip(&ranks) {
            order[next[r as usize] as usize] = i;
            next[r as usize] += 1;
        }
        drop(ranks);
        for r in 0..vessels.len() {
            let group = &mut order[start[r] as usize..start[r + 1] as usize];
            if !group.windows(2).all(|w| self.ts_ms[w[0] as usize] <= self.ts_ms[w[1] as usize]) {
                group.sort_by_key(|&i| self.ts_ms[i as usize]);
            }
        }
        order.dedup_by_key(|i| (self.mmsi[*i as usize], self.ts_ms[*i as usize]));
        let dropped = n - order.len();
        *self = std::mem::take(self).take(&order);
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

/// AIS navigational status codes (ITU-R M.1371) from the texts DMA writes (or a code).
pub fn nav_status_code(text: &[u8]) -> Option<u8> {
    Some(match text.trim_ascii() {
        b"Under way using engine" => 0,
        b"At anchor" => 1,
        b"Not under command" => 2,
        b"Restricted maneuverability" | b"Restricted manoeuverability" => 3,
        b"Constrained by her draught" => 4,
        b"Moored" => 5,
        b"Aground" => 6,
        b"Engaged in fishing" => 7,
        b"Under way sailing" => 8,
        b"Reserved for future amendment [HSC]" => 9,
        b"Reserved for future amendment [WIG]" => 10,
        b"Power-driven vessel towing astern" => 11,
        b"Power-driven vessel pushing ahead or towing alongside" => 12,
        b"AIS-SART" => 14,
        b"Unknown value" | b"" => return None,
        other => return std::str::from_utf8(other).ok()?.parse().ok().filter(|c| (0..=14).contains(c)),
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
        assert_eq!(nav_status_code(b"Moored"), Some(5));
        assert_eq!(nav_status_code(b"At anchor"), Some(1));
        assert_eq!(nav_status_code(b"Unknown value"), None);
        assert_eq!(nav_status_code(b"5"), Some(5));
    }
}
