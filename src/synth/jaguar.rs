//! The running example as a scenario: the tanker the press called JAGUAR (IMO 9293002),
//! built from the public facts — Gabon flag on AIS (MMSI 626313000) while registered as
//! ARGENT, a load at Ust-Luga, a voyage to Sikka in India and back to Primorsk on
//! 15 May 2025, later NASLEDIE under the Russian flag (MMSI 273279840). Dates between
//! the public facts, the route's waypoints and the draughts are illustrative.

use std::fmt::Write as _;

use super::{DMA_HEADER, dma_time};
use crate::model::ais::civil_to_ms;
use crate::model::port::distance_km;

/// Sea-route waypoints (lat, lon), Gulf of Finland to the Gulf of Kutch.
const OUTBOUND: &[(f64, f64)] = &[
    (59.95, 27.40),
    (59.80, 24.50),
    (59.30, 21.50),
    (57.50, 19.70),
    (55.40, 14.60),
    (54.90, 12.90),
    (55.70, 12.70),
    (57.70, 10.90),
    (57.60, 8.50),
    (54.00, 3.80),
    (51.00, 1.60),
    (49.90, -2.50),
    (48.30, -6.00),
    (43.20, -9.70),
    (36.80, -9.20),
    (35.95, -5.60),
    (36.60, 0.00),
    (37.40, 11.20),
    (35.20, 20.00),
    (32.00, 30.50),
    (31.30, 32.35),
    (29.90, 32.55),
    (27.50, 34.00),
    (20.00, 38.70),
    (14.50, 42.20),
    (12.60, 43.40),
    (12.00, 45.50),
    (14.50, 54.00),
    (19.50, 62.00),
    (22.20, 68.80),
];

/// A point of the scenario's track.
struct Point {
    ts_ms: i64,
    mmsi: u32,
    lat: f64,
    lon: f64,
    sog: f64,
    status: &'static str,
    draught: f64,
    name: &'static str,
    call_sign: &'static str,
}

fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    civil_to_ms(y, mo, d, h, mi, s, 0).expect("a valid date")
}

struct Voyage {
    points: Vec<Point>,
    t: i64,
    lat: f64,
    lon: f64,
    mmsi: u32,
    name: &'static str,
    call_sign: &'static str,
    draught: f64,
}

impl Voyage {
    fn push(&mut self, sog: f64, status: &'static str) {
        self.points.push(Point {
            ts_ms: self.t,
            mmsi: self.mmsi,
            lat: self.lat,
            lon: self.lon,
            sog,
            status,
            draught: self.draught,
            name: self.name,
            call_sign: self.call_sign,
        });
    }

    /// Sails through the waypoints at `kn`, reporting every `every_min` minutes.
    fn sail(&mut self, waypoints: &[(f64, f64)], kn: f64, every_min: i64) {
        for &(lat, lon) in waypoints {
            let km = distance_km(self.lat, self.lon, lat, lon);
            #[allow(clippy::cast_possible_truncation, reason = "minutes of a leg")]
            let minutes = (km / (kn * 1.852) * 60.0) as i64;
            let steps = (minutes / every_min).max(1);
            let (lat0, lon0) = (self.lat, self.lon);
            for k in 1..=steps {
                #[allow(clippy::cast_precision_loss, reason = "small counts")]
                let f = k as f64 / steps as f64;
                self.lat = lat0 + (lat - lat0) * f;
                self.lon = lon0 + (lon - lon0) * f;
                self.t += every_min * 60_000;
                self.push(kn, "Under way using engine");
            }
        }
    }

    /// Moored until `until`, reporting every `every_min` minutes; the draught changes
    /// to `draught` half-way.
    fn moor(&mut self, until: i64, draught: f64, every_min: i64) {
        let half = self.t + (until - self.t) / 2;
        while self.t + every_min * 60_000 <= until {
            self.t += every_min * 60_000;
            if self.t >= half {
                self.draught = draught;
            }
            self.push(0.0, "Moored");
        }
    }
}

/// The scenario as DMA-format CSV (26 columns).
pub fn dma_csv() -> Vec<u8> {
    let mut v = Voyage {
        points: Vec::new(),
        t: at(2025, 2, 9, 12, 0, 0),
        lat: 59.80,
        lon: 27.80,
        mmsi: 626_313_000,
        name: "JAGUAR@@@@@@@@@@@@@@",
        call_sign: "",
        draught: 8.2,
    };
    // To Ust-Luga and load.
    v.push(11.0, "Under way using engine");
    v.sail(&[(59.72, 28.10), (59.68, 28.39)], 10.0, 10);
    v.moor(at(2025, 2, 11, 18, 0, 0), 14.7, 10);
    // Out of the Gulf of Finland and on to Sikka.
    v.sail(&[(59.75, 28.00)], 10.0, 10);
    v.sail(OUTBOUND, 11.0, 20);
    v.sail(&[(22.43, 69.84)], 8.0, 10);
    v.moor(at(2025, 3, 16, 20, 0, 0), 8.3, 10);
    // Back to the Baltic, and into Primorsk on 15 May 2025 at 08:02:29.
    v.sail(&[(22.20, 68.80)], 8.0, 10);
    let back: Vec<(f64, f64)> = OUTBOUND.iter().rev().skip(1).copied().collect();
    v.sail(&back, 8.0, 20);
    v.sail(&[(60.10, 28.20), (60.30, 28.55)], 10.0, 10);
    // Anchored outside Primorsk waiting for a berth.
    let wait_until = at(2025, 5, 15, 7, 12, 29);
    while v.t + 20 * 60_000 <= wait_until {
        v.t += 20 * 60_000;
        v.push(0.1, "At anchor");
    }
    v.t = at(2025, 5, 15, 7, 42, 29);
    v.lat = 60.33;
    v.lon = 28.62;
    v.push(6.0, "Under way using engine");
    v.t = at(2025, 5, 15, 8, 2, 29);
    v.lat = 60.345;
    v.lon = 28.69;
    v.push(0.3, "Moored");
    v.moor(at(2025, 5, 16, 20, 0, 0), 14.6, 10);
    v.sail(&[(60.15, 28.10), (59.95, 27.40)], 11.0, 10);
    // Later: NASLEDIE under the Russian flag, seen in the Gulf of Finland.
    v.t = at(2025, 10, 2, 6, 0, 0);
    v.mmsi = 273_279_840;
    v.name = "NASLEDIE";
    v.call_sign = "UAZD5";
    v.draught = 8.4;
    v.lat = 59.90;
    v.lon = 26.50;
    v.push(11.0, "Under way using engine");
    v.sail(&[(60.00, 27.60), (60.20, 28.20)], 11.0, 20);

    let mut out = String::new();
    out.push_str(DMA_HEADER);
    out.push('\n');
    for p in &v.points {
        let _ = writeln!(
            out,
            "{},Class A,{},{:.6},{:.6},{},0.0,{:.1},,,9293002,{},{},Tanker,,44,244,GPS,{:.1},,,AIS,,,,",
            dma_time(p.ts_ms),
            p.mmsi,
            p.lat,
            p.lon,
            p.status,
            p.sog,
            p.call_sign,
            p.name,
            p.draught
        );
    }
    out.into_bytes()
}
