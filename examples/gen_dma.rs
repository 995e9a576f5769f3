//! Writes synthetic DMA-format AIS days of any size, for benchmarks.
//!
//! `cargo run --release --example gen_dma -- VESSELS INTERVAL_MIN DAYS OUT_DIR [noise]`
//! writes vessels wandering the Danish straits (`11000 1 1 /tmp/dma` is about 16
//! million rows, 2.5 GB, for one day; two ships in every hundred meet at sea each day,
//! `fleetwatch::synth::Meeting`; `noise` plants renames, reflaggings, duplicates and bad
//! rows).
//!
//! `cargo run --release --example gen_dma -- voyages VESSELS INTERVAL_MIN DAYS OUT_DIR`
//! writes tankers shuttling between oil ports with calls, waits at anchor and transits
//! (the port-call scenario of the tests, at scale), one file per day.
//!
//! `cargo run --release --example gen_dma -- encounters OUT_DIR` writes the encounter
//! scenario (`fleetwatch::synth::encounters`) and its ports file.
//! `cargo run --release --example gen_dma -- jaguar OUT_DIR` writes the Jaguar/Argent
//! scenario of the case study (`fleetwatch::synth::jaguar`); `sts OUT_DIR` the
//! ship-to-ship case study's (`fleetwatch::synth::sts`).
//! `cargo run --release --example gen_dma -- behaviour OUT_DIR` writes the behaviour
//! scenario of the tests (two days, and `ports.csv`), to look at.
//!
//! `cargo run --release --example gen_dma -- dense VESSELS INTERVAL_S OUT_DIR` writes one
//! day of few vessels with dense tracks and empty static fields (no IMO, name or call
//! sign), MMSIs in one run (`1000 20` is about 4.3 million rows, 0.6 GB): the shape in
//! which every vessel falls into one MMSI bucket.

use fleetwatch::synth::{Scenario, generate, voyages};

/// One day of `vessels` vessels (MMSIs 219000000 and up, 37 apart) each reporting every
/// `interval_s` seconds, in time order, wandering the Kattegat; no static fields.
fn dense_day(vessels: usize, interval_s: f64, out: &std::path::Path) {
    use std::io::Write;
    let mut rng = fleetwatch::synth::Rng::new(7);
    let path = out.join("aisdk-2025-06-01.csv");
    let mut out_file = std::io::BufWriter::with_capacity(1 << 22, std::fs::File::create(&path).expect("write"));
    writeln!(
        out_file,
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D"
    )
    .expect("write");
    let mut pos: Vec<(f64, f64)> = (0..vessels)
        .map(|_| (54.5 + 3.0 * rng.unit(), 9.0 + 4.0 * rng.unit()))
        .collect();
    #[allow(clippy::cast_precision_loss, reason = "a thousand vessels")]
    let step = interval_s / vessels as f64;
    let (mut at_s, mut rows) = (0.0f64, 0u64);
    let mut vessel = 0;
    while at_s < 86_400.0 {
        let p = &mut pos[vessel];
        p.0 += (rng.unit() - 0.5) * 0.001;
        p.1 += (rng.unit() - 0.5) * 0.001;
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "seconds of a day"
        )]
        let s = at_s as u64;
        writeln!(
            out_file,
            "01/06/2025 {:02}:{:02}:{:02},Class A,{},{:.6},{:.6},Under way using engine,0.0,{:.1},{:.1},{},Unknown,Unknown,,Undefined,,,,GPS,,Unknown,,AIS,,,,",
            s / 3600,
            s / 60 % 60,
            s % 60,
            219_000_000 + 37 * vessel,
            p.0,
            p.1,
            14.0 * rng.unit(),
            360.0 * rng.unit(),
            rng.below(360),
        )
        .expect("write");
        vessel = (vessel + 1) % vessels;
        at_s += step;
        rows += 1;
    }
    out_file.flush().expect("write");
    eprintln!("{}: {rows} rows", path.display());
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "dense") {
        let vessels = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
        let interval_s = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20.0);
        let out = std::path::PathBuf::from(args.get(3).map_or("/tmp/dense", String::as_str));
        std::fs::create_dir_all(&out).expect("output directory");
        dense_day(vessels, interval_s, &out);
        return;
    }
    if args.first().is_some_and(|a| a == "behaviour") {
        let out = std::path::PathBuf::from(args.get(1).map_or("/tmp/behaviour", String::as_str));
        std::fs::create_dir_all(&out).expect("output directory");
        for (name, bytes) in fleetwatch::synth::behaviour::files() {
            std::fs::write(out.join(name), bytes).expect("write");
        }
        std::fs::write(out.join("ports.csv"), fleetwatch::synth::behaviour::PORTS_CSV).expect("write");
        return;
    }
    if args.first().is_some_and(|a| a == "encounters") {
        let out = std::path::PathBuf::from(args.get(1).map_or("/tmp/encounters", String::as_str));
        std::fs::create_dir_all(&out).expect("output directory");
        let (name, bytes) = fleetwatch::synth::encounters::file();
        std::fs::write(out.join(name), bytes).expect("write");
        std::fs::write(out.join("ports.csv"), fleetwatch::synth::encounters::PORTS_CSV).expect("write");
        return;
    }
    if args.first().is_some_and(|a| a == "sts") {
        let out = std::path::PathBuf::from(args.get(1).map_or("/tmp/sts", String::as_str));
        std::fs::create_dir_all(&out).expect("output directory");
        let (name, bytes) = fleetwatch::synth::sts::file();
        std::fs::write(out.join(name), bytes).expect("write");
        return;
    }
    if args.first().is_some_and(|a| a == "jaguar") {
        let out = std::path::PathBuf::from(args.get(1).map_or("/tmp/jaguar", String::as_str));
        std::fs::create_dir_all(&out).expect("output directory");
        std::fs::write(out.join("jaguar-scenario.csv"), fleetwatch::synth::jaguar::dma_csv()).expect("write");
        return;
    }
    let voyage_mode = args.first().is_some_and(|a| a == "voyages");
    if voyage_mode {
        args.remove(0);
    }
    let num = |i: usize, default: i64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let out = std::path::PathBuf::from(args.get(3).map_or("/tmp/dma", String::as_str));
    std::fs::create_dir_all(&out).expect("output directory");
    let vessels = usize::try_from(num(0, 1000)).unwrap_or(1000);
    let (interval_min, days) = (num(1, 1), num(2, 1));
    if voyage_mode {
        let ports = fleetwatch::track::ports::Gazetteer::bundled();
        let (fixes, truth) = voyages::generate(42, vessels, days, interval_min, &ports);
        let mut by_day = std::collections::BTreeMap::<i64, fleetwatch::model::ais::Fixes>::new();
        for r in &fixes.rows {
            by_day.entry(r.ts_ms.div_euclid(86_400_000)).or_default().rows.push(*r);
        }
        for (day, day_fixes) in by_day {
            let date = chrono::DateTime::from_timestamp(day * 86_400, 0)
                .expect("a date")
                .date_naive();
            let path = out.join(format!("aisdk-{date}.csv"));
            let bytes = voyages::to_dma_csv(&day_fixes);
            std::fs::write(&path, &bytes).expect("write");
            eprintln!("{}: {} bytes, {} rows", path.display(), bytes.len(), day_fixes.len());
        }
        eprintln!("{} rows, {} true calls", fixes.len(), truth.len());
        return;
    }
    let scenario = Scenario {
        seed: 42,
        vessels,
        interval_min,
        days,
        days_per_file: 1,
        noise: args.get(4).is_some_and(|a| a == "noise"),
        meetings: true,
        ..Scenario::default()
    };
    let (files, truth) = generate(&scenario);
    for (name, bytes) in files {
        let path = out.join(name);
        std::fs::write(&path, &bytes).expect("write");
        eprintln!("{}: {} bytes", path.display(), bytes.len());
    }
    eprintln!("{} rows, {} positions", truth.rows, truth.positions);
}
