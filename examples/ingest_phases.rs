//! Times the phases of ingesting one AIS file: read, sort, encode.
//!
//! `cargo run --release --example ingest_phases -- FILE`

use std::time::Instant;

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = fields
        .get(11..13)
        .map_or(0.0, |f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum());
    ticks / 100.0
}

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let file = std::fs::File::open(&path).expect("readable");
    let mut head = vec![0u8; 65_536];
    let n = std::os::unix::fs::FileExt::read_at(&file, &mut head, 0).expect("readable");
    head.truncate(n);
    let c0 = cpu_s();
    let t = Instant::now();
    let format = fleetwatch::ingest::detect(&head).expect("a known format");
    let threads = std::env::var("THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    let staging = fleetwatch::spool::Staging::in_memory();
    let (data, _hash) = fleetwatch::ingest::read_file(
        &file,
        format,
        "x",
        threads,
        fleetwatch::ingest::Hashing::Hash,
        &staging,
        &|_| {},
    )
    .expect("reads");
    let read = t.elapsed();
    let c1 = cpu_s();
    if std::env::var_os("READ_ONLY").is_some() {
        eprintln!("read {read:?}, {:.2} cpu-s", c1 - c0);
        return;
    }
    let t = Instant::now();
    let mut fixes = data.fixes.into_fixes().expect("in memory");
    let dropped = fixes.sort_dedup();
    let sort = t.elapsed();
    let c2 = cpu_s();
    let t = Instant::now();
    let rows = fixes.len();
    let out = std::env::temp_dir().join("ingest_phases.parquet");
    let mut once = Some(fixes.rows);
    fleetwatch::store::tables::write_positions_from(&out, |batch| once.take().map(|rows| batch.rows = rows).is_some())
        .expect("encodes");
    let encode = t.elapsed();
    let c3 = cpu_s();
    eprintln!(
        "cpu seconds: read {:.2}, sort {:.2}, encode {:.2}",
        c1 - c0,
        c2 - c1,
        c3 - c2
    );
    let parquet = std::fs::metadata(&out).map_or(0, |m| m.len());
    eprintln!(
        "{rows} rows, {} spans, {dropped} dropped: read {read:?}, sort {sort:?}, encode {encode:?} ({parquet} bytes)",
        data.spans.len(),
    );
}
