//! Times the phases of ingesting one AIS file: read, sort, encode.
//!
//! `cargo run --release --example ingest_phases -- FILE`

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let file = std::fs::File::open(&path).expect("readable");
    #[allow(unsafe_code, reason = "read-only map of a file nothing else writes")]
    // SAFETY: the file is only read, and not modified while mapped.
    let bytes = unsafe { memmap2::Mmap::map(&file) }.expect("mappable");
    let t = Instant::now();
    let format = fleetwatch::ingest::detect(&bytes).expect("a known format");
    let threads = std::env::var("THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    let mut data = fleetwatch::ingest::read(&bytes, format, "x", threads, &|_| {}).expect("reads");
    let read = t.elapsed();
    if std::env::var_os("READ_ONLY").is_some() {
        eprintln!("read {read:?}");
        return;
    }
    let t = Instant::now();
    let dropped = data.fixes.sort_dedup();
    let sort = t.elapsed();
    let t = Instant::now();
    let rows = data.fixes.len();
    let out = std::env::temp_dir().join("ingest_phases.parquet");
    fleetwatch::store::tables::write_positions(&out, &data.fixes).expect("encodes");
    let encode = t.elapsed();
    let parquet = std::fs::metadata(&out).map_or(0, |m| m.len());
    let mut h = blake3::Hasher::new();
    let t = Instant::now();
    h.update_rayon(&bytes);
    let hash = t.elapsed();
    eprintln!(
        "{rows} rows, {} spans, {dropped} dropped: read {read:?}, sort {sort:?}, encode {encode:?} ({parquet} bytes), hash {hash:?}",
        data.spans.len(),
    );
}
