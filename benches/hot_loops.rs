//! Micro-benchmarks of the hot loops (criterion): the AIS CSV field splitter and number
//! parser, the DMA time parser, the bounded edit distance and name score, a port
//! look-up, the sort of a day's fixes. `cargo bench --bench hot_loops`; CI compiles them.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fleetwatch::ingest::aiscsv::dma_time;
use fleetwatch::ingest::decimal::scaled;
use fleetwatch::ingest::lines::for_each_line;
use fleetwatch::matching::normalize;
use fleetwatch::matching::score::{Prepared, osa_distance_within, score_at_least};
use fleetwatch::model::ais::{Fix, Fixes};
use fleetwatch::track::ports::Gazetteer;

const LINE: &[u8] = b"01/01/2025 00:00:00,Class A,273100001,57.482261,9.309491,Under way using engine,0.0,12.9,289.6,83,3819995,C78649,BALTIC AURORA,Tanker,,20,120,GPS,9.8,PRIMORSK,,AIS,,,,";

fn ais_csv(c: &mut Criterion) {
    let block: Vec<u8> = (0..1000).flat_map(|_| LINE.iter().chain(b"\n")).copied().collect();
    c.bench_function("for_each_line: 1,000 DMA lines, 19 of 26 fields taken", |b| {
        b.iter(|| {
            let mut taken = 0;
            for_each_line(black_box(&block), |line| {
                taken += (0..19).map(|k| line.field(k).len()).sum::<usize>() + line.fields;
            });
            taken
        });
    });
    c.bench_function("scaled: a latitude to 1e-7 degrees", |b| {
        b.iter(|| scaled(black_box(b"57.482261"), 7));
    });
    c.bench_function("dma_time: dd/mm/yyyy HH:MM:SS", |b| {
        b.iter(|| dma_time(black_box(b"15/05/2025 08:02:29")));
    });
}

fn names(c: &mut Criterion) {
    let (a, b2) = (
        Prepared::of(normalize("Michail Uljanov")),
        Prepared::of(normalize("MIKHAIL ULYANOV")),
    );
    let far = Prepared::of(normalize("NORDIC PIONEER 7"));
    c.bench_function("score_at_least: a transliteration variant", |b| {
        b.iter(|| score_at_least(black_box(&a), black_box(&b2), 0.8));
    });
    c.bench_function("score_at_least: a name far off (bails out)", |b| {
        b.iter(|| score_at_least(black_box(&a), black_box(&far), 0.8));
    });
    c.bench_function("osa_distance_within: 14 letters, k = 2", |b| {
        b.iter(|| osa_distance_within(black_box(b"MICHAILULJANOV"), black_box(b"MIKHAILULYANOV"), 2));
    });
}

fn ports(c: &mut Criterion) {
    let g = Gazetteer::bundled();
    c.bench_function("locate: a fix in Primorsk", |b| {
        b.iter(|| g.locate(black_box(60.345), black_box(28.70), 0.0));
    });
    c.bench_function("locate: a fix at sea", |b| {
        b.iter(|| g.locate(black_box(57.0), black_box(19.0), 0.0));
    });
}

fn sort(c: &mut Criterion) {
    // 100,000 fixes of 1,000 vessels in time order, as a file gives them.
    let mut fixes = Fixes::default();
    for t in 0..100 {
        for v in 0..1000u32 {
            fixes.push(Fix {
                mmsi: 219_000_000 + v * 7,
                ts_ms: 1_735_689_600_000 + t * 60_000,
                lat: 55.0,
                lon: 11.0,
                sog_kn: Some(10.0),
                cog_deg: None,
                heading_deg: None,
                nav_status: None,
                draught_m: None,
            });
        }
    }
    c.bench_function("sort_dedup: 100,000 fixes by (MMSI, time)", |b| {
        b.iter_batched(
            || fixes.clone(),
            |mut f| f.sort_dedup(),
            criterion::BatchSize::LargeInput,
        );
    });
}

criterion_group!(benches, ais_csv, names, ports, sort);
criterion_main!(benches);
