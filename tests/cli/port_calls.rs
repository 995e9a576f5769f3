//! Port-call detection measured on generated voyages whose calls are known: recall,
//! precision and time errors, end to end (DMA CSV -> ingest -> report port-calls).

use fleetwatch::model::ais::rfc3339;
use fleetwatch::synth::voyages::{generate, to_dma_csv};
use fleetwatch::track::ports::Gazetteer;

use crate::Fw;

#[test]
fn detection_finds_the_true_calls_and_only_them() {
    let (fixes, truth) = generate(21, 24, 60, 6, &Gazetteer::bundled());
    assert!(truth.len() >= 150, "{} true calls", truth.len());
    let fw = Fw::new();
    // A file a week, so that calls span files and day partitions and must be joined.
    let week = 7 * 86_400_000;
    let first = fixes.rows.iter().map(|r| r.ts_ms).min().unwrap();
    let mut args = vec!["ingest".to_string()];
    for k in 0..10 {
        let part = fleetwatch::model::ais::Fixes {
            rows: fixes
                .rows
                .iter()
                .filter(|r| (r.ts_ms - first) / week == k)
                .copied()
                .collect(),
        };
        let path = fw.dir.path().join(format!("voyages-{k}.csv"));
        std::fs::write(&path, to_dma_csv(&part)).unwrap();
        args.push(path.to_string_lossy().into_owned());
    }
    let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = fw.run(&["report", "port-calls", "--format", "csv"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let detected: Vec<_> = report
        .csv_rows()
        .into_iter()
        .filter(|r| r["source"] == "detected")
        .collect();

    let within = |a: &str, b: i64| {
        let t = chrono::DateTime::parse_from_rfc3339(a).unwrap().timestamp_millis();
        (t - b).abs()
    };
    let mut matched = 0u32;
    let mut worst_ms = 0;
    let mut missed = Vec::new();
    for t in &truth {
        let hit = detected.iter().find(|d| {
            d["mmsi"] == format!("{:09}", t.mmsi)
                && d["port_locode"] == t.locode
                && within(&d["arrival_utc"], t.arrival_ms) <= 15 * 60_000
                && within(&d["departure_utc"], t.departure_ms) <= 15 * 60_000
        });
        match hit {
            Some(d) => {
                matched += 1;
                worst_ms = worst_ms
                    .max(within(&d["arrival_utc"], t.arrival_ms))
                    .max(within(&d["departure_utc"], t.departure_ms));
            }
            None => missed.push(format!("{} {} {}", t.mmsi, t.locode, rfc3339(t.arrival_ms))),
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let (recall, precision) = (
        f64::from(matched) / truth.len() as f64,
        f64::from(matched) / detected.len() as f64,
    );
    eprintln!(
        "port calls: {} true, {} detected, {matched} matched: recall {recall:.3}, precision {precision:.3}, worst time error {} s",
        truth.len(),
        detected.len(),
        worst_ms / 1000
    );
    assert!(recall >= 0.98, "recall {recall:.3}; missed: {missed:?}");
    assert!(precision >= 0.98, "precision {precision:.3}");
}
