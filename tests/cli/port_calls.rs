//! Port-call detection measured on generated voyages whose calls are known: recall,
//! precision and time errors, end to end (DMA CSV -> ingest -> report port-calls).

use fleetwatch::model::ais::rfc3339;
use fleetwatch::synth::voyages::{generate, to_dma_csv};
use fleetwatch::track::ports::Gazetteer;

use crate::{Fw, fixture_path};

/// Fixes as DMA files of a week each (the last one shorter), in time order.
fn weekly_csv(fixes: &fleetwatch::model::ais::Fixes) -> Vec<Vec<u8>> {
    let week = 7 * 86_400_000;
    let first = fixes.rows.iter().map(|r| r.ts_ms).min().unwrap();
    let last = fixes.rows.iter().map(|r| r.ts_ms).max().unwrap();
    (0..=(last - first) / week)
        .map(|k| {
            let rows = fixes
                .rows
                .iter()
                .filter(|r| (r.ts_ms - first) / week == k)
                .copied()
                .collect();
            to_dma_csv(&fleetwatch::model::ais::Fixes { rows })
        })
        .collect()
}

#[test]
fn detection_finds_the_true_calls_and_only_them() {
    let (fixes, truth) = generate(21, 24, 60, 6, &Gazetteer::bundled());
    assert!(truth.len() >= 150, "{} true calls", truth.len());
    let fw = Fw::new();
    // A file a week, so that calls span files and day partitions and must be joined.
    let mut args = vec!["ingest".to_string()];
    for (k, csv) in weekly_csv(&fixes).into_iter().enumerate() {
        let path = fw.dir.path().join(format!("voyages-{k}.csv"));
        std::fs::write(&path, csv).unwrap();
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
    // The figures the README states for this scenario, exactly.
    assert_eq!(
        (truth.len(), detected.len(), matched),
        (669, 669, 669),
        "recall {recall:.3}, precision {precision:.3}; missed: {missed:?}"
    );
    // The largest arrival or departure error, in whole minutes: one reporting interval.
    assert_eq!((worst_ms + 30_000) / 60_000, 6, "{worst_ms} ms");
}

/// `report port-calls --input` on files gives what ingesting them and reporting gives:
/// voyages split into weekly files (calls across files), the Jaguar track with its
/// registry records (identities) and port-call records of another provider; nothing is
/// stored, a file given twice counts once, a bad row is skipped and named.
#[test]
fn a_report_from_input_files_is_the_report_of_their_ingest() {
    let (fixes, truth) = generate(5, 12, 21, 3, &Gazetteer::bundled());
    assert!(truth.len() >= 20, "{} true calls", truth.len());
    let inputs = Fw::new();
    let mut paths = Vec::new();
    for (k, mut csv) in weekly_csv(&fixes).into_iter().enumerate() {
        if k == 1 {
            csv.extend_from_slice(b"not,a,row\n");
        }
        let path = inputs.dir.path().join(format!("voyages-{k}.csv"));
        std::fs::write(&path, csv).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let jaguar = inputs.dir.path().join("jaguar.csv");
    std::fs::write(&jaguar, fleetwatch::synth::jaguar::dma_csv()).unwrap();
    paths.push(jaguar.to_string_lossy().into_owned());
    for f in [
        "records/jaguar_registry_HANDWRITTEN.csv",
        "records/port_calls_HANDWRITTEN.csv",
    ] {
        paths.push(fixture_path(f).to_string_lossy().into_owned());
    }

    let stored = Fw::new();
    let mut ingest = vec!["ingest", "--quiet"];
    ingest.extend(paths.iter().map(String::as_str));
    assert_eq!(stored.run(&ingest).code, 0);
    let from_store = stored.run(&["report", "port-calls", "--format", "csv"]);
    assert_eq!(from_store.code, 0, "{}", from_store.stderr);
    assert!(from_store.csv_rows().len() >= truth.len(), "{}", from_store.stdout);

    let direct = Fw::new();
    let mut report = vec!["report", "port-calls", "--format", "csv", "--input"];
    report.extend(paths.iter().map(String::as_str));
    report.push(&paths[0]); // given twice, read once
    let from_files = direct.run(&report);
    assert_eq!(from_files.code, 0, "{}", from_files.stderr);
    assert_eq!(from_files.stdout, from_store.stdout);
    assert!(
        from_files
            .stderr
            .contains("voyages-1.csv: 1 bad row skipped, the first at line"),
        "{}",
        from_files.stderr
    );
    assert!(
        std::fs::read_dir(direct.dir.path()).unwrap().next().is_none(),
        "nothing is stored"
    );

    // The Jaguar case from its paths alone: track, registry, provider's records.
    let one = direct.run(&[
        "report",
        "port-calls",
        "--vessel",
        "9293002",
        "--format",
        "csv",
        "--input",
        &paths[3],
        &paths[4],
        &paths[5],
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(
        one.stdout,
        stored
            .run(&["report", "port-calls", "--vessel", "9293002", "--format", "csv"])
            .stdout
    );
    assert!(
        one.stdout.contains(",detected") && one.stdout.contains(",provider-x"),
        "{}",
        one.stdout
    );
}
