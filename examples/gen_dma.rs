//! Writes synthetic DMA-format AIS days of any size, for benchmarks.
//!
//! `cargo run --release --example gen_dma -- VESSELS INTERVAL_MIN DAYS OUT_DIR [noise]`
//! writes vessels wandering the Danish straits (`11000 1 1 /tmp/dma` is about 16
//! million rows, 2.5 GB, for one day; `noise` plants renames, reflaggings, duplicates
//! and bad rows).
//!
//! `cargo run --release --example gen_dma -- voyages VESSELS INTERVAL_MIN DAYS OUT_DIR`
//! writes tankers shuttling between oil ports with calls, waits at anchor and transits
//! (the port-call scenario of the tests, at scale), one file per day.

use fleetwatch::synth::{Scenario, generate, voyages};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
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
