//! Deterministic synthetic AIS in the DMA daily CSV format, with the noise real files
//! carry and planted identity events whose truth is known: renames, reflaggings (an
//! MMSI change to another flag's MID), MMSI changes within one flag, `@` padding, case
//! noise, duplicate rows, bad coordinates, garbled lines, base stations, no-position
//! rows. Tests and benchmarks use it; the same seed always gives the same bytes.

pub mod behaviour;
pub mod encounters;
pub mod jaguar;
pub mod sts;
pub mod voyages;

use std::fmt::Write as _;

use crate::model::ais::{day_of, rfc3339};
use crate::model::imo::check_digit;

/// The DMA header with the A,B,C,D columns (26 columns).
pub const DMA_HEADER: &str = "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D";

/// A small, fast, deterministic generator (`SplitMix64`).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "53 random bits")]
        let v = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        v
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// A valid IMO number from six random digits, in the 3000000s, a range no ship number
/// used in 2026 (they run from the 1000000s, for new ships, and from 5000000 up), so
/// that a generated vessel is not a real, listed one.
pub fn make_imo(rng: &mut Rng) -> String {
    let six = format!("{:06}", 300_000 + rng.below(99_999));
    format!("{six}{}", check_digit(&six))
}

const WORDS: &[&str] = &[
    "AURORA", "BALTIC", "CASPIAN", "DELTA", "EAGLE", "FALCON", "GLORY", "HARMONY", "ISLAND", "JADE", "KESTREL",
    "LIBERTY", "MERIDIAN", "NORDIC", "OCEAN", "PEARL", "QUEST", "RIVER", "SIRIUS", "TITAN", "UNITY", "VEGA", "WAVE",
    "XENIA", "YARA", "ZENITH",
];

/// Flag MIDs used for reflaggings: Russia, Gabon, Panama, Liberia, Marshall Islands,
/// Cameroon, Sierra Leone, Comoros.
const MIDS: &[u32] = &[273, 626, 352, 636, 538, 613, 667, 616];

/// One planted identity change of the truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedRename {
    pub imo: String,
    pub mmsi: u32,
    pub old_name: String,
    pub new_name: String,
    pub last_seen_old_ms: i64,
    pub first_seen_new_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedFlagChange {
    pub imo: String,
    pub old_mmsi: u32,
    pub new_mmsi: u32,
    pub last_seen_old_ms: i64,
    pub first_seen_new_ms: i64,
}

/// What the scenario holds, as a correct ingest must report it.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    pub rows: u64,
    pub positions: u64,
    pub duplicates: u64,
    pub rejects: u64,
    pub not_ships: u64,
    pub no_position: u64,
    pub vessels: u64,
    pub days: u64,
    pub renames: Vec<PlantedRename>,
    /// MMSI changes to another MID (flag changes).
    pub flag_changes: Vec<PlantedFlagChange>,
    /// MMSI changes within one MID (not flag changes).
    pub mmsi_changes: u64,
}

/// The scenario's settings.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub seed: u64,
    /// At most 24 000, so that every ship's MMSIs are its own.
    pub vessels: usize,
    pub days: i64,
    /// First day, as days since the Unix epoch.
    pub start_day: i64,
    /// Minutes between two reports of one vessel.
    pub interval_min: i64,
    /// How many days go into one file.
    pub days_per_file: i64,
    /// Plant renames, reflaggings and noise (off: clean tracks, for benchmarks of pure speed).
    pub noise: bool,
    /// Plant ship-to-ship meetings: two ships in every hundred meet at sea each day (see
    /// [`Meeting`]); the other ships' rows stay as they would be without.
    pub meetings: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            seed: 7,
            vessels: 24,
            days: 120,
            start_day: 20_089, // 2025-01-01
            interval_min: 120,
            days_per_file: 30,
            noise: true,
            meetings: false,
        }
    }
}

/// Ships `100 k` and `100 k + 1` meet each day at a point of their own: each sails in
/// from 80 km away (the first from the west, the second from the north) 00:00-06:00,
/// lies alongside the other, 80 m apart, 06:00-14:00, and sails off 80 km (east and
/// south) by 20:00, where it stays. The first reports a draught of 14.0 m and the
/// second 8.0 m until 13:00, then both 11.0 m: a transfer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meeting {
    pub lat: f64,
    pub lon: f64,
    /// 0: the first ship of the pair, 1: the second.
    pub side: u8,
}

impl Meeting {
    /// The meeting of ship `i`, if it has one.
    pub fn of_ship(i: usize) -> Option<Self> {
        let side = u8::try_from(i % 100).ok().filter(|s| *s < 2)?;
        #[allow(clippy::cast_precision_loss, reason = "pair numbers are small")]
        let k = (i / 100) as f64;
        Some(Self {
            lat: 54.5 + 3.0 * (k * 0.618_034).fract(),
            lon: 8.5 + 5.0 * (k * 0.414_214).fract(),
            side,
        })
    }

    /// Where the ship is at `ts_ms`, its speed (knots) and draught (metres).
    pub fn at(&self, ts_ms: i64) -> (f64, f64, f64, f64) {
        const KM: f64 = 80.0;
        #[allow(clippy::cast_precision_loss, reason = "milliseconds of a day")]
        let h = ts_ms.rem_euclid(86_400_000) as f64 / 3_600_000.0;
        // Unit vectors (north, east) of the way in and the way out.
        let (inbound, outbound) = if self.side == 0 {
            ((0.0, -1.0), (0.0, 1.0))
        } else {
            ((1.0, 0.0), (-1.0, 0.0))
        };
        let (along, away, kn) = if h < 6.0 {
            (inbound, KM * (6.0 - h) / 6.0, KM / 6.0 / 1.852)
        } else if h < 14.0 {
            ((0.0, 0.0), 0.0, 0.1)
        } else if h < 20.0 {
            (outbound, KM * (h - 14.0) / 6.0, KM / 6.0 / 1.852)
        } else {
            (outbound, KM, 0.1)
        };
        let abeam_km = if self.side == 1 { 0.08 } else { 0.0 };
        let lat = self.lat + along.0 * away / 111.195;
        let lon = self.lon + (along.1 * away + abeam_km) / (111.195 * self.lat.to_radians().cos());
        let draught = match (self.side, h < 13.0) {
            (0, true) => 14.0,
            (_, true) => 8.0,
            _ => 11.0,
        };
        (lat, lon, kn, draught)
    }
}

struct Ship {
    imo: String,
    /// Its meeting at sea, when the scenario plants them.
    meeting: Option<Meeting>,
    mmsi: u32,
    name: String,
    call_sign: String,
    lat: f64,
    lon: f64,
    /// Day of a rename, a reflagging, an MMSI change within the flag.
    rename_day: Option<i64>,
    reflag_day: Option<i64>,
    remmsi_day: Option<i64>,
    last_old_name_ms: i64,
    first_new_name_ms: Option<i64>,
    last_old_mmsi_ms: i64,
    first_new_mmsi_ms: Option<i64>,
    old_name: String,
    new_name: String,
    old_mmsi: u32,
    new_mmsi: u32,
}

/// Generates the scenario: a list of (file name, bytes) and the truth.
pub fn generate(s: &Scenario) -> (Vec<(String, Vec<u8>)>, Truth) {
    let mut rng = Rng::new(s.seed);
    let mut ships: Vec<Ship> = (0..s.vessels).map(|i| make_ship(i, s, &mut rng)).collect();
    let mut truth = Truth {
        vessels: s.vessels as u64,
        ..Truth::default()
    };
    let mut files = Vec::new();
    let mut seen_keys = std::collections::HashSet::new();
    let mut days_with_positions = std::collections::BTreeSet::new();
    let mut previous_tail: Vec<String> = Vec::new();
    let mut day = s.start_day;
    while day < s.start_day + s.days {
        let last = (day + s.days_per_file).min(s.start_day + s.days);
        let mut out = String::with_capacity(1 << 20);
        out.push_str(DMA_HEADER);
        out.push('\n');
        // The last rows of the previous file, again: duplicates across files.
        for line in previous_tail.drain(..) {
            truth.rows += 1;
            truth.duplicates += 1;
            out.push_str(&line);
        }
        let mut tail = Vec::new();
        for d in day..last {
            let mut t = d * 86_400_000;
            let end = (d + 1) * 86_400_000;
            while t < end {
                for (i, ship) in ships.iter_mut().enumerate() {
                    // Ships report a second apart, within the interval: a day's rows stay
                    // in that day, as in a DMA daily file.
                    let ts = t + (i64::try_from(i).unwrap_or(0) * 1000) % (s.interval_min * 60_000);
                    let (line, kind) = ship_row(
                        ship,
                        ts,
                        d,
                        s.noise,
                        &mut rng,
                        &mut truth,
                        &mut seen_keys,
                        &mut days_with_positions,
                    );
                    out.push_str(&line);
                    if s.noise && d == last - 1 && t + s.interval_min * 60_000 >= end && kind == RowKind::Position {
                        tail.push(line.lines().next().unwrap_or_default().to_string() + "\n");
                    }
                }
                if s.noise && rng.chance(0.02) {
                    // A base station and an aid to navigation.
                    let _ = writeln!(
                        out,
                        "{},Base Station,002190047,55.0,11.0,Unknown value,,,,,Unknown,,,Undefined,,,,GPS,,,,AIS,,,,",
                        dma_time(t)
                    );
                    let _ = writeln!(
                        out,
                        "{},AtoN,992191234,55.5,11.5,Unknown value,,,,,Unknown,,,Undefined,,,,GPS,,,,AIS,,,,",
                        dma_time(t)
                    );
                    truth.rows += 2;
                    truth.not_ships += 2;
                }
                t += s.interval_min * 60_000;
            }
        }
        previous_tail = tail.into_iter().take(3).collect();
        files.push((
            format!("aisdk-{}.csv", rfc3339(day * 86_400_000).get(..10).unwrap_or("day")),
            out.into_bytes(),
        ));
        day = last;
    }
    truth.days = days_with_positions.len() as u64;
    record_events(&ships, &mut truth);
    (files, truth)
}

/// A ship with its planted events: every third is renamed, every fourth reflagged, some
/// others change MMSI within their flag.
fn make_ship(i: usize, s: &Scenario, rng: &mut Rng) -> Ship {
    let word = |rng: &mut Rng| WORDS[usize::try_from(rng.below(WORDS.len() as u64)).unwrap_or(0)];
    let mid = MIDS[i % MIDS.len()];
    // Unique per ship: each ship owns the suffixes 100000 + 37 i .. + 36.
    let base = 100_000 + 37 * u32::try_from(i).unwrap_or(0);
    let mmsi = mid * 1_000_000 + base + u32::try_from(rng.below(36)).unwrap_or(0);
    let name = format!("{} {}", word(rng), WORDS[i % WORDS.len()]);
    let planted = s.noise && s.days > 10;
    let span = u64::try_from(s.days - 10).unwrap_or(1);
    let pick_day = |rng: &mut Rng| s.start_day + 5 + i64::try_from(rng.below(span)).unwrap_or(0);
    let rename_day = (planted && i.is_multiple_of(3)).then(|| pick_day(rng));
    let reflag_day = (planted && i % 4 == 1).then(|| pick_day(rng));
    let remmsi_day = (planted && i % 7 == 2 && reflag_day.is_none()).then(|| pick_day(rng));
    let new_mid = MIDS[(i + 3) % MIDS.len()];
    let new_mmsi = if reflag_day.is_some() {
        new_mid * 1_000_000 + base + u32::try_from(rng.below(36)).unwrap_or(0)
    } else {
        mmsi + 1
    };
    Ship {
        imo: make_imo(rng),
        meeting: Meeting::of_ship(i).filter(|_| s.meetings),
        mmsi,
        old_name: name.clone(),
        new_name: format!("{} {}", WORDS[(i + 7) % WORDS.len()], word(rng)),
        name,
        call_sign: format!("C{:05}", rng.below(99_999)),
        lat: 54.0 + rng.unit() * 4.0,
        lon: 8.0 + rng.unit() * 6.0,
        rename_day,
        reflag_day,
        remmsi_day,
        last_old_name_ms: i64::MIN,
        first_new_name_ms: None,
        last_old_mmsi_ms: i64::MIN,
        first_new_mmsi_ms: None,
        old_mmsi: mmsi,
        new_mmsi,
    }
}

/// The renames and MMSI changes the ships went through, as the truth reports them.
fn record_events(ships: &[Ship], truth: &mut Truth) {
    for ship in ships {
        if let Some(first) = ship.first_new_name_ms {
            let rename = ship.rename_day.unwrap_or(i64::MAX);
            let moved_first = ship.reflag_day.or(ship.remmsi_day).is_some_and(|r| r <= rename);
            truth.renames.push(PlantedRename {
                imo: ship.imo.clone(),
                mmsi: if moved_first { ship.new_mmsi } else { ship.old_mmsi },
                old_name: ship.old_name.clone(),
                new_name: ship.new_name.clone(),
                last_seen_old_ms: ship.last_old_name_ms,
                first_seen_new_ms: first,
            });
        }
        if let Some(first) = ship.first_new_mmsi_ms {
            if ship.reflag_day.is_some() {
                truth.flag_changes.push(PlantedFlagChange {
                    imo: ship.imo.clone(),
                    old_mmsi: ship.old_mmsi,
                    new_mmsi: ship.new_mmsi,
                    last_seen_old_ms: ship.last_old_mmsi_ms,
                    first_seen_new_ms: first,
                });
            } else {
                truth.mmsi_changes += 1;
            }
        }
    }
    truth
        .renames
        .sort_by(|a, b| (&a.imo, a.first_seen_new_ms, a.mmsi).cmp(&(&b.imo, b.first_seen_new_ms, b.mmsi)));
    truth
        .flag_changes
        .sort_by(|a, b| (&a.imo, a.first_seen_new_ms).cmp(&(&b.imo, b.first_seen_new_ms)));
}

/// `dd/mm/yyyy HH:MM:SS`.
pub fn dma_time(ts_ms: i64) -> String {
    let t = rfc3339(ts_ms);
    format!("{}/{}/{} {}", &t[8..10], &t[5..7], &t[0..4], &t[11..19])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Position,
    NoPosition,
    Bad,
}

/// One row of a ship at `ts` (or a garbled or bad one), updating the truth.
#[allow(
    clippy::too_many_arguments,
    reason = "one place that keeps the truth in step with the bytes"
)]
fn ship_row(
    ship: &mut Ship,
    ts: i64,
    day: i64,
    noise: bool,
    rng: &mut Rng,
    truth: &mut Truth,
    seen: &mut std::collections::HashSet<(u32, i64)>,
    days: &mut std::collections::BTreeSet<i64>,
) -> (String, RowKind) {
    truth.rows += 1;
    let renamed = ship.rename_day.is_some_and(|d| day >= d);
    let remmsi = ship.reflag_day.or(ship.remmsi_day).is_some_and(|d| day >= d);
    ship.name = if renamed {
        ship.new_name.clone()
    } else {
        ship.old_name.clone()
    };
    ship.mmsi = if remmsi { ship.new_mmsi } else { ship.old_mmsi };
    ship.lat = (ship.lat + (rng.unit() - 0.5) * 0.02).clamp(53.0, 59.0);
    ship.lon = (ship.lon + (rng.unit() - 0.5) * 0.02).clamp(7.0, 15.0);
    if noise && rng.chance(0.002) {
        truth.rejects += 1;
        // A line cut short in transmission.
        return (
            format!("{},Class A,{},{:.6}\n", dma_time(ts), ship.mmsi, ship.lat),
            RowKind::Bad,
        );
    }
    if noise && rng.chance(0.002) {
        truth.rejects += 1;
        let line = format!(
            "{},Class A,{},{},{:.6},Under way using engine,0.0,11.2,90.0,90,{},{},{},Tanker,,20,120,GPS,9.5,,,AIS,,,,\n",
            dma_time(ts),
            ship.mmsi,
            if rng.chance(0.5) { "95.123456" } else { "xx.y" },
            ship.lon,
            ship.imo,
            ship.call_sign,
            ship.name
        );
        return (line, RowKind::Bad);
    }
    let no_position = noise && rng.chance(0.003);
    let name = if noise {
        noisy_name(&ship.name, rng)
    } else {
        ship.name.clone()
    };
    // Identity truth: static reports count for rows with or without a position.
    if renamed {
        ship.first_new_name_ms.get_or_insert(ts);
    } else {
        ship.last_old_name_ms = ship.last_old_name_ms.max(ts);
    }
    if remmsi {
        ship.first_new_mmsi_ms.get_or_insert(ts);
    } else {
        ship.last_old_mmsi_ms = ship.last_old_mmsi_ms.max(ts);
    }
    let (lat, lon) = if no_position {
        ("91.000000".to_string(), "181.000000".to_string())
    } else {
        (format!("{:.6}", ship.lat), format!("{:.6}", ship.lon))
    };
    if no_position {
        truth.no_position += 1;
    } else if seen.insert((ship.mmsi, ts)) {
        truth.positions += 1;
        days.insert(day_of(ts));
    } else {
        truth.duplicates += 1;
    }
    // The same draws for a ship that meets another (its rows say where the meeting has it).
    let (mut sog, cog, heading) = (8.0 + rng.unit() * 6.0, rng.unit() * 359.0, rng.below(360));
    let mut draught = 8.0 + rng.unit() * 4.0;
    let (mut lat, mut lon) = (lat, lon);
    if let Some(m) = ship.meeting.filter(|_| !no_position) {
        let (mlat, mlon, kn, d) = m.at(ts);
        (lat, lon, sog, draught) = (format!("{mlat:.6}"), format!("{mlon:.6}"), kn, d);
    }
    let line = format!(
        "{},Class A,{},{lat},{lon},Under way using engine,0.0,{sog:.1},{cog:.1},{heading},{},{},{},Tanker,,20,120,GPS,{draught:.1},PRIMORSK,,AIS,,,,\n",
        dma_time(ts),
        ship.mmsi,
        ship.imo,
        ship.call_sign,
        name,
    );
    if noise && !no_position && rng.chance(0.003) {
        // The same report twice in a row.
        truth.rows += 1;
        truth.duplicates += 1;
        return (format!("{line}{line}"), RowKind::Position);
    }
    (
        line,
        if no_position {
            RowKind::NoPosition
        } else {
            RowKind::Position
        },
    )
}

/// A name as receivers mangle it: `@` padding, case, blanks.
fn noisy_name(name: &str, rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!("{name}@@@@@@"),
        1 => name.to_lowercase(),
        2 => format!(" {} ", name.replace(' ', "  ")),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let s = Scenario {
            days: 12,
            ..Scenario::default()
        };
        assert_eq!(generate(&s).0, generate(&s).0);
    }

    #[test]
    fn imos_pass_their_check_digit() {
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            assert!(crate::model::imo::is_valid(&make_imo(&mut rng)));
        }
    }
}
