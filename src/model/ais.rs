//! AIS observations as fleetwatch keeps them: position fixes (columnar, for speed) and
//! static reports (who a transmitter said it was, when). Times are UTC milliseconds
//! since the Unix epoch. No I/O.

/// Position fixes, one compact 32-byte row each (a day of 16 million fixes is 510 MB).
/// Coordinates are kept in 1e-7 degrees (1 cm), which holds the 6 decimals of DMA and
/// NOAA files exactly; speed, course and draught in tenths, the resolution AIS sends
/// them in. Missing values use the AIS conventions: heading 511, status 15, and
/// `u16::MAX` for speed, course and draught.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fixes {
    pub rows: Vec<FixRow>,
}

/// One stored fix.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FixRow {
    pub ts_ms: i64,
    pub mmsi: u32,
    pub(crate) lat_e7: i32,
    pub(crate) lon_e7: i32,
    pub(crate) sog_dkn: u16,
    pub(crate) cog_ddeg: u16,
    pub(crate) draught_dm: u16,
    pub heading_deg: u16,
    pub nav_status: u8,
}

/// Heading "not available".
pub const NO_HEADING: u16 = 511;
/// Navigational status "not defined".
pub const NO_STATUS: u8 = 15;
/// Speed, course or draught "not available".
pub(crate) const NO_TENTHS: u16 = u16::MAX;

/// One fix, as readers produce it and reports read it.
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

/// Rounds half away from zero, as `f64::round`, by a truncating cast (`round` is a
/// library call on baseline x86-64, and this runs for every stored fix read).
#[allow(clippy::cast_possible_truncation, reason = "degrees times 1e7 fit i32")]
fn e7(deg: f64) -> i32 {
    let v = deg * 1e7;
    (v + 0.5f64.copysign(v)) as i32
}

/// Tenths, rounded half away from zero; "not available" outside 0..65534 (and for NaN).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "range checked")]
fn tenths(v: Option<f32>) -> u16 {
    v.map(|v| v * 10.0)
        .filter(|t| *t > -0.5 && *t < f32::from(NO_TENTHS) - 0.5)
        .map_or(NO_TENTHS, |t| (t + 0.5) as u16)
}

fn from_tenths(t: u16) -> Option<f32> {
    (t != NO_TENTHS).then(|| f32::from(t) / 10.0)
}

impl FixRow {
    pub fn lat(&self) -> f64 {
        f64::from(self.lat_e7) / 1e7
    }

    pub fn lon(&self) -> f64 {
        f64::from(self.lon_e7) / 1e7
    }

    pub fn sog_kn(&self) -> Option<f32> {
        from_tenths(self.sog_dkn)
    }

    pub fn cog_deg(&self) -> Option<f32> {
        from_tenths(self.cog_ddeg)
    }

    pub fn draught_m(&self) -> Option<f32> {
        from_tenths(self.draught_dm)
    }

    pub fn heading(&self) -> Option<u16> {
        Some(self.heading_deg).filter(|h| *h != NO_HEADING)
    }

    pub fn status(&self) -> Option<u8> {
        Some(self.nav_status).filter(|s| *s != NO_STATUS)
    }

    pub fn fix(&self) -> Fix {
        Fix {
            mmsi: self.mmsi,
            ts_ms: self.ts_ms,
            lat: self.lat(),
            lon: self.lon(),
            sog_kn: self.sog_kn(),
            cog_deg: self.cog_deg(),
            heading_deg: self.heading(),
            nav_status: self.status(),
            draught_m: self.draught_m(),
        }
    }

    fn key(&self) -> (u32, i64) {
        (self.mmsi, self.ts_ms)
    }

    /// Bytes of [`FixRow::to_le_bytes`].
    pub const BYTES: usize = 32;

    /// The row as 32 little-endian bytes (for staging files; not a stored format).
    pub fn to_le_bytes(&self) -> [u8; Self::BYTES] {
        let mut b = [0u8; Self::BYTES];
        b[0..8].copy_from_slice(&self.ts_ms.to_le_bytes());
        b[8..12].copy_from_slice(&self.mmsi.to_le_bytes());
        b[12..16].copy_from_slice(&self.lat_e7.to_le_bytes());
        b[16..20].copy_from_slice(&self.lon_e7.to_le_bytes());
        b[20..22].copy_from_slice(&self.sog_dkn.to_le_bytes());
        b[22..24].copy_from_slice(&self.cog_ddeg.to_le_bytes());
        b[24..26].copy_from_slice(&self.draught_dm.to_le_bytes());
        b[26..28].copy_from_slice(&self.heading_deg.to_le_bytes());
        b[28] = self.nav_status;
        b
    }

    /// The row [`FixRow::to_le_bytes`] wrote.
    pub fn from_le_bytes(b: &[u8; Self::BYTES]) -> Self {
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&b[0..8]);
        Self {
            ts_ms: i64::from_le_bytes(ts),
            mmsi: u32_at(8),
            lat_e7: i32::from_le_bytes(u32_at(12).to_le_bytes()),
            lon_e7: i32::from_le_bytes(u32_at(16).to_le_bytes()),
            sog_dkn: u16_at(20),
            cog_ddeg: u16_at(22),
            draught_dm: u16_at(24),
            heading_deg: u16_at(26),
            nav_status: b[28],
        }
    }
}

impl From<Fix> for FixRow {
    fn from(f: Fix) -> Self {
        let mut row = Self {
            ts_ms: f.ts_ms,
            mmsi: f.mmsi,
            ..Self::default()
        };
        row.set_lat(Some(f.lat));
        row.set_lon(Some(f.lon));
        row.set_sog_kn(f.sog_kn);
        row.set_cog_deg(f.cog_deg);
        row.set_draught_m(f.draught_m);
        row.set_heading(f.heading_deg.map(i32::from));
        row.set_status(f.nav_status.map(i32::from));
        row
    }
}

/// Setters from the stored table's units (degrees, knots, metres), for readers that fill
/// rows a column at a time and for [`Fix`] conversion: a missing speed, course,
/// draught, heading or status becomes "not available"; coordinates are never missing.
impl FixRow {
    pub(crate) fn set_lat(&mut self, deg: Option<f64>) {
        self.lat_e7 = e7(deg.unwrap_or(f64::NAN));
    }

    pub(crate) fn set_lon(&mut self, deg: Option<f64>) {
        self.lon_e7 = e7(deg.unwrap_or(f64::NAN));
    }

    pub(crate) fn set_sog_kn(&mut self, v: Option<f32>) {
        self.sog_dkn = tenths(v);
    }

    pub(crate) fn set_cog_deg(&mut self, v: Option<f32>) {
        self.cog_ddeg = tenths(v);
    }

    pub(crate) fn set_draught_m(&mut self, v: Option<f32>) {
        self.draught_dm = tenths(v);
    }

    pub(crate) fn set_heading(&mut self, deg: Option<i32>) {
        self.heading_deg = deg
            .and_then(|h| u16::try_from(h).ok())
            .filter(|h| *h < 360)
            .unwrap_or(NO_HEADING);
    }

    pub(crate) fn set_status(&mut self, code: Option<i32>) {
        self.nav_status = code
            .and_then(|s| u8::try_from(s).ok())
            .filter(|s| *s < NO_STATUS)
            .unwrap_or(NO_STATUS);
    }
}

impl Fixes {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn reserve(&mut self, n: usize) {
        self.rows.reserve(n);
    }

    pub fn push(&mut self, f: Fix) {
        self.rows.push(f.into());
    }

    pub fn append(&mut self, other: &mut Fixes) {
        self.rows.append(&mut other.rows);
    }

    /// Merges sets of fixes, each sorted by (MMSI, time) (a set that is not gets sorted
    /// first), into one sorted set; a repeated (MMSI, time) keeps the occurrence of the
    /// earliest set. Each vessel's run of rows in each set is copied whole, in the order
    /// of the sets: a k-way merge over the runs, without hashing or a scatter.
    pub fn merge_sorted(mut parts: Vec<Fixes>) -> Fixes {
        let mut rows = Vec::new();
        Self::merge_sorted_into(&mut parts, &mut rows);
        Fixes { rows }
    }

    /// [`Fixes::merge_sorted`] into `rows` (cleared first), so that a caller merging
    /// slice after slice reuses one buffer rather than mapping fresh memory each time.
    pub fn merge_sorted_into(parts: &mut [Fixes], rows: &mut Vec<FixRow>) {
        for p in parts.iter_mut() {
            p.sort_dedup();
        }
        rows.clear();
        rows.reserve(parts.iter().map(Fixes::len).sum());
        let mut heads: std::collections::BinaryHeap<std::cmp::Reverse<(u32, usize)>> = parts
            .iter()
            .enumerate()
            .filter_map(|(k, p)| p.rows.first().map(|r| std::cmp::Reverse((r.mmsi, k))))
            .collect();
        let mut at = vec![0usize; parts.len()];
        while let Some(std::cmp::Reverse((mmsi, k))) = heads.pop() {
            let part = &parts[k].rows[at[k]..];
            let run = part.iter().take_while(|r| r.mmsi == mmsi).count();
            let first = rows.len();
            rows.extend_from_slice(&part[..run]);
            at[k] += run;
            if let Some(next) = parts[k].rows.get(at[k]) {
                heads.push(std::cmp::Reverse((next.mmsi, k)));
            }
            // Sets that overlap in time for this vessel: its rows so far back in time
            // order (stable, so the earlier set stays first on a tie).
            if run > 0 && first > 0 && rows[first - 1].mmsi == mmsi && rows[first - 1].ts_ms > rows[first].ts_ms {
                let vessel_start = rows[..first].iter().rposition(|r| r.mmsi != mmsi).map_or(0, |i| i + 1);
                rows[vessel_start..].sort_by_key(|r| r.ts_ms);
            }
        }
        rows.dedup_by_key(|r| r.key());
    }

    /// Whether `rows` are sorted by (MMSI, time) with no key repeated.
    pub fn sorted_unique(rows: &[FixRow]) -> bool {
        rows.windows(2).all(|w| w[0].key() < w[1].key())
    }

    /// Sorts by (MMSI, time) and drops repeated (MMSI, time) keys, keeping the first
    /// occurrence. Returns how many were dropped.
    ///
    /// AIS files come in time order, so a stable counting sort by MMSI leaves each
    /// vessel's fixes in time order already: one pass numbering the vessels, a count
    /// and a scatter into one write stream per vessel (which the caches hold), then a
    /// sort only for the vessels whose fixes were not in order.
    pub fn sort_dedup(&mut self) -> usize {
        self.sort_dedup_with(&mut Vec::new())
    }

    /// [`Fixes::sort_dedup`] with `scratch` as the buffer it sorts into (it comes back
    /// holding the unsorted rows' buffer), so that a caller sorting batch after batch
    /// reuses two buffers rather than mapping fresh memory each time.
    pub fn sort_dedup_with(&mut self, scratch: &mut Vec<FixRow>) -> usize {
        let n = self.rows.len();
        if Self::sorted_unique(&self.rows) {
            return 0;
        }
        // Each row's vessel numbered in order of first appearance (one look-up per row),
        // then the vessels ranked by MMSI.
        let mut ids: rustc_hash::FxHashMap<u32, u32> = rustc_hash::FxHashMap::default();
        let mut mmsis: Vec<u32> = Vec::new();
        let row_ids: Vec<u32> = self
            .rows
            .iter()
            .map(|r| {
                *ids.entry(r.mmsi).or_insert_with(|| {
                    mmsis.push(r.mmsi);
                    u32::try_from(mmsis.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        let mut by_mmsi: Vec<u32> = (0..mmsis.len()).map(|i| u32::try_from(i).unwrap_or(u32::MAX)).collect();
        by_mmsi.sort_unstable_by_key(|&id| mmsis[id as usize]);
        // Where each vessel's run starts in the output, indexed by id.
        let mut next = vec![0usize; mmsis.len()];
        {
            let mut count = vec![0usize; mmsis.len()];
            for &id in &row_ids {
                count[id as usize] += 1;
            }
            let mut at = 0;
            for &id in &by_mmsi {
                next[id as usize] = at;
                at += count[id as usize];
            }
        }
        let starts: Vec<usize> = by_mmsi.iter().map(|&id| next[id as usize]).chain([n]).collect();
        let sorted = scratch;
        sorted.clear();
        sorted.resize(n, FixRow::default());
        for (row, &id) in self.rows.iter().zip(&row_ids) {
            let slot = &mut next[id as usize];
            sorted[*slot] = *row;
            *slot += 1;
        }
        std::mem::swap(&mut self.rows, sorted);
        for run in starts.windows(2) {
            let group = &mut self.rows[run[0]..run[1]];
            if !group.windows(2).all(|w| w[0].ts_ms <= w[1].ts_ms) {
                group.sort_by_key(|row| row.ts_ms);
            }
        }
        self.rows.dedup_by_key(|r| r.key());
        n - self.rows.len()
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
    /// The AIS ship and cargo type as the source gives it: a code (`52`) or DMA's text
    /// (`Tug`).
    pub ship_type: Option<String>,
    /// Length overall in metres, from the AIS dimensions (bow plus stern).
    pub length_m: Option<u16>,
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
        other => {
            return std::str::from_utf8(other)
                .ok()?
                .parse()
                .ok()
                .filter(|c| (0..=14).contains(c));
        }
    })
}

/// `2025-05-15T08:02:29Z` from epoch milliseconds.
pub fn rfc3339(ts_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ts_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Epoch milliseconds of an RFC 3339 time (the inverse of [`rfc3339`]).
pub fn from_rfc3339(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Days since the epoch of a time, for day partitions.
pub fn day_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(86_400_000)
}

/// Epoch milliseconds of a UTC civil time (proleptic Gregorian), without allocation:
/// the hot path of every CSV reader.
pub fn civil_to_ms(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32, ms: u32) -> Option<i64> {
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || min > 59
        || sec > 60
        || ms > 999
    {
        return None;
    }
    if !(-1_000_000..=1_000_000).contains(&year) {
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

/// The days of a month of the proleptic Gregorian calendar.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The times a position may have: 1990-01-01 (AIS began in the late 1990s) to the end
/// of 2099 (a later year is a clock error). A fix outside them is a rejected row.
pub const POSITION_TIMES: std::ops::Range<i64> = 631_152_000_000..4_102_444_800_000;

/// The times a record (a registry entry, a port call) may have: 1900 to 2099.
pub const RECORD_TIMES: std::ops::Range<i64> = -2_208_988_800_000..4_102_444_800_000;

#[cfg(test)]
mod merge_tests {
    use super::*;

    fn row(mmsi: u32, ts_ms: i64, sog: f32) -> FixRow {
        FixRow::from(Fix {
            mmsi,
            ts_ms,
            lat: 55.0,
            lon: 11.0,
            sog_kn: Some(sog),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: None,
        })
    }

    #[test]
    fn merging_sorted_sets_gives_what_sorting_their_union_gives() {
        let day1 = Fixes {
            rows: vec![row(1, 10, 1.0), row(1, 20, 1.0), row(3, 15, 1.0)],
        };
        // Overlaps day 1 in time for vessel 1, repeats (1, 20), and is not sorted.
        let day2 = Fixes {
            rows: vec![row(2, 30, 2.0), row(1, 20, 2.0), row(1, 5, 2.0), row(3, 40, 2.0)],
        };
        let day3 = Fixes::default();
        let merged = Fixes::merge_sorted(vec![day1.clone(), day2.clone(), day3]);
        let mut union = day1;
        union.rows.extend(day2.rows);
        union.sort_dedup();
        assert_eq!(merged, union);
        let keys: Vec<(u32, i64)> = merged.rows.iter().map(|r| (r.mmsi, r.ts_ms)).collect();
        assert_eq!(keys, vec![(1, 5), (1, 10), (1, 20), (2, 30), (3, 15), (3, 40)]);
        // The repeated (1, 20) keeps the first set's row.
        assert_eq!(merged.rows[2].sog_kn(), Some(1.0));
    }
}

#[cfg(test)]
mod rounding_tests {
    use super::*;

    #[test]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the old formulas, as written"
    )]
    fn rounding_by_cast_is_rounding_half_away_from_zero() {
        for k in -2000..2000 {
            let deg = f64::from(k) * 0.123_456_75;
            assert_eq!(e7(deg), (deg * 1e7).round() as i32, "{deg}");
            #[allow(clippy::cast_precision_loss, reason = "small test values")]
            let v = k as f32 * 0.05;
            let old = Some((v * 10.0).round())
                .filter(|t| (0.0..f32::from(NO_TENTHS)).contains(t))
                .map_or(NO_TENTHS, |t| t as u16);
            assert_eq!(tenths(Some(v)), old, "{v}");
        }
        assert_eq!(tenths(Some(f32::NAN)), NO_TENTHS);
        assert_eq!(tenths(Some(-0.04)), 0);
        assert_eq!(tenths(Some(6553.4)), 65534);
        assert_eq!(tenths(Some(6553.5)), NO_TENTHS);
    }
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
        assert_eq!(civil_to_ms(2023, 2, 29, 0, 0, 0, 0), None);
        assert_eq!(
            civil_to_ms(2000, 2, 29, 0, 0, 0, 0).map(rfc3339).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(civil_to_ms(1900, 2, 29, 0, 0, 0, 0), None);
        assert_eq!(civil_to_ms(2025, 4, 31, 0, 0, 0, 0), None);
        assert_eq!(civil_to_ms(i64::MAX, 1, 1, 0, 0, 0, 0), None);
        assert_eq!(civil_to_ms(1990, 1, 1, 0, 0, 0, 0), Some(POSITION_TIMES.start));
        assert_eq!(civil_to_ms(2100, 1, 1, 0, 0, 0, 0), Some(POSITION_TIMES.end));
        assert_eq!(civil_to_ms(1900, 1, 1, 0, 0, 0, 0), Some(RECORD_TIMES.start));
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
        assert_eq!(f.rows.iter().map(|r| r.mmsi).collect::<Vec<_>>(), vec![1, 1, 2]);
        assert_eq!(f.rows.iter().map(FixRow::lat).collect::<Vec<_>>(), vec![4.0, 2.0, 1.0]);
    }

    #[test]
    fn sort_dedup_agrees_with_a_plain_sort_on_shuffled_data() {
        let mut rng = crate::synth::Rng::new(3);
        let mut f = Fixes::default();
        for _ in 0..5000 {
            f.push(Fix {
                mmsi: u32::try_from(rng.below(40)).unwrap(),
                ts_ms: i64::try_from(rng.below(300)).unwrap(),
                lat: rng.unit(),
                lon: 0.0,
                sog_kn: None,
                cog_deg: None,
                heading_deg: None,
                nav_status: None,
                draught_m: None,
            });
        }
        let mut want = f.rows.clone();
        want.sort_by_key(|r| (r.mmsi, r.ts_ms)); // stable: first occurrence first
        want.dedup_by_key(|r| (r.mmsi, r.ts_ms));
        let dropped = f.sort_dedup();
        assert_eq!(dropped, 5000 - want.len());
        assert_eq!(f.rows, want);
    }

    #[test]
    fn dma_status_texts_map_to_codes() {
        assert_eq!(nav_status_code(b"Moored"), Some(5));
        assert_eq!(nav_status_code(b"At anchor"), Some(1));
        assert_eq!(nav_status_code(b"Unknown value"), None);
        assert_eq!(nav_status_code(b"5"), Some(5));
    }
}
