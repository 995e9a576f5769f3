//! Writes a synthetic DMA-format AIS day of any size, for measuring ingest.
//!
//! `cargo run --release --example gen_dma -- VESSELS INTERVAL_MIN DAYS OUT_DIR [noise]`
//! e.g. `11000 1 1 /tmp/dma` writes about 16 million rows (2.5 GB) for one day.

use fleetwatch::synth::{Scenario, generate};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, default: i64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let scenario = Scenario {
        seed: 42,
        vessels: usize::try_from(num(0, 1000)).unwrap_or(1000),
        interval_min: num(1, 1),
        days: num(2, 1),
        days_per_file: 1,
        noise: args.get(4).is_some_and(|a| a == "noise"),
        ..Scenario::default()
    };
    let out = std::path::PathBuf::from(args.get(3).map_or("/tmp/dma", String::as_str));
    std::fs::create_dir_all(&out).expect("output directory");
    let (files, truth) = generate(&scenario);
    for (name, bytes) in files {
        let path = out.join(name);
        std::fs::write(&path, &bytes).expect("write");
        eprintln!("{}: {} bytes", path.display(), bytes.len());
    }
    eprintln!("{} rows, {} positions", truth.rows, truth.positions);
}
