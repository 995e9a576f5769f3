//! Gaps, loitering and anomalies on the generated behaviour scenario
//! (`fleetwatch::synth::behaviour`: every class and kind planted beside a decoy), on the
//! Jaguar case and on the real recordings, end to end (DMA CSV -> ingest -> report).

use std::collections::BTreeMap;

use fleetwatch::synth::behaviour::{self, mmsi};

use crate::{Fw, Run, every, golden};

/// A store holding the scenario's first day (or both), and the path of its ports file.
pub(crate) fn scenario(days: usize) -> (Fw, String) {
    let fw = Fw::new();
    let mut args = vec!["--quiet".to_string(), "ingest".to_string()];
    for (name, bytes) in behaviour::files().into_iter().take(days) {
        let path = fw.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        args.push(path.to_string_lossy().into_owned());
    }
    let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ports = fw.dir.path().join("ports.csv");
    std::fs::write(&ports, behaviour::PORTS_CSV).unwrap();
    (fw, ports.to_string_lossy().into_owned())
}

/// `report ARGS --ports PORTS --format csv`, as rows.
pub(crate) fn report(fw: &Fw, ports: &str, args: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--ports", ports, "--format", "csv"]);
    let run = fw.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.csv_rows()
}

pub(crate) fn m(mmsi: u32) -> String {
    format!("{mmsi:09}")
}

/// (mmsi, start, end, class, open) of each gap, in report order.
fn gap_lines(rows: &[BTreeMap<String, String>]) -> Vec<(String, String, String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r["mmsi"].clone(),
                r["start_utc"][11..16].to_string(),
                r["end_utc"].get(11..16).unwrap_or("").to_string(),
                r["class"].clone(),
                r["open"].clone(),
            )
        })
        .collect()
}

#[test]
fn every_planted_gap_comes_out_with_its_class_and_nothing_else_does() {
    let (fw, ports) = scenario(1);
    let rows = report(&fw, &ports, &["gaps"]);
    let line = |mmsi: u32, start: &str, end: &str, class: &str, open: bool| {
        (
            m(mmsi),
            start.to_string(),
            end.to_string(),
            class.to_string(),
            open.to_string(),
        )
    };
    let mut expected = vec![
        // Silent while the crowd around it reports.
        line(mmsi::LONE, "04:00", "08:00", "unexplained", false),
        // In port.
        line(mmsi::BERTH, "14:00", "17:00", "in_port", false),
        // The last fix 6 hours before the end of the data, classed from its start.
        line(mmsi::OPEN, "18:00", "", "unexplained", true),
        // Nobody else near.
        line(mmsi::REMOTE, "09:00", "12:00", "unknown", false),
        // 3.5 h of silence for a vessel heard every 30 minutes (its 2.5 h silence is none).
        line(mmsi::SPARSE, "12:00", "15:30", "unexplained", false),
        line(mmsi::SPLIT, "04:00", "07:00", "unexplained", false),
        line(mmsi::SPLIT, "09:57", "", "unexplained", true),
        // The silence before an impossible reappearance is one closed gap.
        line(mmsi::REAPPEAR, "09:00", "12:00", "unknown", false),
    ];
    // The receiver outage: the five silenced together (within two minutes) are coverage
    // gaps, though the one vessel that kept reporting was heard during them.
    for (k, v) in mmsi::OUTAGE.iter().enumerate() {
        let (start, end) = if k % 2 == 0 {
            ("10:02", "13:00")
        } else {
            ("10:01", "13:01")
        };
        expected.push(line(*v, start, end, "coverage", false));
    }
    expected.sort();
    let mut got = gap_lines(&rows);
    got.sort();
    assert_eq!(got, expected);
    let lone_row = rows.iter().find(|r| r["mmsi"] == m(mmsi::LONE)).unwrap();
    assert_eq!(
        (
            lone_row["duration_h"].as_str(),
            lone_row["neighbours_at_start"].as_str()
        ),
        ("4.0", "9")
    );
    assert_eq!(lone_row["vessel_name"], "LONE RANGER");
    // The old MMSI of a reflag, silent from the new one's first fix on, is no open gap.
    assert!(!rows.iter().any(|r| r["mmsi"] == m(mmsi::REFLAG[0])));
    let outage = rows.iter().find(|r| r["mmsi"] == m(mmsi::OUTAGE[0])).unwrap();
    assert_eq!(
        outage["neighbours_at_start"], "1",
        "the survivor was heard: the outage rule decides"
    );
}

#[test]
fn an_open_gap_keeps_its_id_when_more_data_closes_it_across_midnight() {
    let (fw, ports) = scenario(1);
    let before = report(&fw, &ports, &["gaps", "--vessel", &m(mmsi::OPEN)]);
    assert_eq!(before.len(), 1);
    assert_eq!(
        (before[0]["open"].as_str(), before[0]["end_utc"].as_str()),
        ("true", "")
    );
    let (fw, ports) = scenario(2);
    let after = report(&fw, &ports, &["gaps", "--vessel", &m(mmsi::OPEN)]);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["event_id"], before[0]["event_id"]);
    assert_eq!(
        (
            after[0]["open"].as_str(),
            after[0]["end_utc"].as_str(),
            after[0]["duration_h"].as_str()
        ),
        ("false", "2025-03-02T06:00:00Z", "12.0")
    );
}

#[test]
fn the_same_gaps_from_input_files_as_from_the_store() {
    let (fw, ports) = scenario(1);
    let stored = fw.run(&["report", "gaps", "--ports", &ports, "--format", "csv"]);
    let day1 = fw.dir.path().join("aisdk-2025-03-01.csv");
    let direct = Fw::new().run(&[
        "report",
        "gaps",
        "--input",
        day1.to_str().unwrap(),
        "--ports",
        &ports,
        "--format",
        "csv",
    ]);
    assert_eq!(direct.code, 0, "{}", direct.stderr);
    assert_eq!(direct.stdout, stored.stdout);
}

#[test]
fn loitering_is_drifting_or_at_anchor_and_the_decoys_are_not() {
    let (fw, ports) = scenario(1);
    let rows = report(&fw, &ports, &["loitering"]);
    let got: Vec<(String, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["mmsi"].clone(),
                &r["start_utc"][11..16],
                &r["end_utc"][11..16],
                r["label"].as_str(),
                r["duration_h"].as_str(),
            )
        })
        .collect();
    // Drifting with no reported speed from 02:00 (its displacement over the hour before
    // the 02:50 fix is under 2 kn already), to 10:10 on the way out. At anchor 06:00-12:00.
    // Not loitering: 3 kn steaming, idling within 10 km of the port, idling split by a
    // 3-hour silence into two 3-hour stays.
    assert_eq!(
        got,
        vec![
            (m(mmsi::DRIFT), "01:50", "10:10", "drifting", "8.3"),
            (m(mmsi::ANCHOR), "05:48", "12:12", "at_anchor", "6.4"),
        ]
    );
    assert!(every(&rows, |r| r["nearest_port"].is_empty()
        || r["distance_to_port_km"].parse::<f64>().unwrap() > 10.0));
}

#[test]
fn every_anomaly_kind_is_found_once_and_a_reflag_is_none() {
    let (fw, ports) = scenario(1);
    let rows = report(&fw, &ports, &["anomalies"]);
    let mut got: Vec<(String, String)> = rows.iter().map(|r| (r["kind"].clone(), r["mmsi"].clone())).collect();
    got.sort();
    let mut expected: Vec<(String, String)> = [
        ("bad_fix", mmsi::BERTH),
        ("teleport", mmsi::TELEPORT),
        ("impossible_reappearance", mmsi::REAPPEAR),
        ("shared_mmsi", mmsi::SHARED),
        ("imo_clash", mmsi::CLASH[0]),
        ("teleport", mmsi::SPOOF),
        ("on_land", mmsi::SPOOF),
        ("interference", mmsi::JAMMED[0]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), m(v)))
    .collect();
    expected.sort();
    assert_eq!(got, expected);
    let by_kind = |k: &str| rows.iter().find(|r| r["kind"] == k).unwrap();
    let jammed: Vec<String> = mmsi::JAMMED.iter().map(|v| m(*v)).collect();
    assert_eq!(by_kind("interference")["vessels"], jammed.join(";"));
    assert_eq!(by_kind("imo_clash")["other_mmsi"], m(mmsi::CLASH[1]));
    assert_eq!(by_kind("shared_mmsi")["start_utc"], "2025-03-01T06:02:00Z");
    assert_eq!(by_kind("on_land")["start_utc"], "2025-03-01T15:00:00Z");
    assert_eq!(by_kind("bad_fix")["start_utc"], "2025-03-01T09:00:00Z");
    let reappear = by_kind("impossible_reappearance");
    assert_eq!(
        (reappear["start_utc"].as_str(), reappear["end_utc"].as_str()),
        ("2025-03-01T09:00:00Z", "2025-03-01T12:00:00Z")
    );
    assert!(reappear["distance_km"].parse::<f64>().unwrap() > 250.0);
}

#[test]
fn a_bad_fix_in_a_berth_stay_does_not_split_the_call() {
    let (fw, ports) = scenario(1);
    let calls = report(&fw, &ports, &["port-calls", "--vessel", &m(mmsi::BERTH)]);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["port_locode"], "XXTST");
}

#[test]
fn the_filters_keep_what_they_name() {
    let (fw, ports) = scenario(1);
    let since = report(&fw, &ports, &["gaps", "--since", "2025-03-01T12:00:00Z"]);
    assert!(every(&since, |r| r["start_utc"].as_str() >= "2025-03-01T12:00:00Z"));
    assert_eq!(since.len(), 3, "SPARSE, BERTH, OPEN");
    let until = report(&fw, &ports, &["gaps", "--until", "2025-03-01T05:00:00Z"]);
    assert_eq!(
        gap_lines(&until).iter().map(|g| g.0.clone()).collect::<Vec<_>>(),
        vec![m(mmsi::LONE), m(mmsi::SPLIT)]
    );
    // A vessel named by its IMO: the gap of LONE RANGER.
    let imo = report(&fw, &ports, &["gaps", "--vessel", "LONE RANGER"])[0]["imo"].clone();
    assert_eq!(report(&fw, &ports, &["gaps", "--vessel", &imo]).len(), 1);
    // Listed only: a watchlist naming LONE RANGER's IMO, listed before the day.
    let list = fw.dir.path().join("watch.csv");
    std::fs::write(&list, format!("imo,name,listed_on\n{imo},LONE RANGER,2025-02-01\n")).unwrap();
    fw.import_file(&list, "watch", "2025-02-01");
    let listed = report(&fw, &ports, &["gaps", "--listed-only"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["mmsi"].clone(), listed[0]["listed_at_start"].as_str()),
        (m(mmsi::LONE), "watch")
    );
    // JSON has the CSV's keys, with typed values.
    let json = fw.run(&[
        "report", "gaps", "--vessel", &imo, "--ports", &ports, "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v[0]["duration_h"], serde_json::json!(4.0));
    assert_eq!(v[0]["open"], serde_json::json!(false));
    // Anomalies have no port.
    let run = fw.run(&["report", "anomalies", "--port", "XXTST"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn report_vessel_shows_its_gaps_loitering_and_anomalies() {
    let (fw, _) = scenario(1);
    let run = fw.run(&["report", "vessel", &m(mmsi::SPOOF), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds: Vec<&str> = v[0]["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["teleport", "on_land"]);
    assert_eq!(v[0]["gaps"], serde_json::json!([]));
    let table = fw.run(&["report", "vessel", &m(mmsi::LONE), "--format", "table"]);
    assert!(
        table
            .stdout
            .contains("AIS gaps\n  2025-03-01T04:00:00Z  2025-03-01T08:00:00Z  4.0 h  unexplained"),
        "{}",
        table.stdout
    );
}

#[test]
fn bad_flag_values_are_usage_errors() {
    let fw = Fw::new();
    for args in [
        &["report", "gaps", "--min-gap-h", "0"][..],
        &["report", "gaps", "--neighbour-km", "-1"],
        &["report", "loitering", "--max-speed-kn", "nan"],
    ] {
        let run: Run = fw.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    let bad_mask = fw.dir.path().join("mask.bin");
    std::fs::write(&bad_mask, b"not a mask").unwrap();
    let run = fw.run(&["report", "anomalies", "--land", bad_mask.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a fleetwatch land mask"), "{}", run.stderr);
}

#[test]
fn the_jaguar_case_shows_no_gap_loitering_or_anomaly_and_no_open_gap_after_its_reflag() {
    let fw = Fw::new();
    let track = fw.dir.path().join("jaguar-scenario.csv");
    std::fs::write(&track, fleetwatch::synth::jaguar::dma_csv()).unwrap();
    let registry = crate::fixture_path("records/jaguar_registry_HANDWRITTEN.csv");
    let run = fw.run(&["--quiet", "ingest", track.to_str().unwrap(), registry.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for r in ["gaps", "loitering", "anomalies"] {
        let run = fw.run(&["report", r, "--vessel", "9293002", "--format", "csv"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout.lines().count(), 1, "{r}: {}", run.stdout);
    }
}

#[test]
fn the_real_recordings_show_no_gap_or_loitering_and_their_few_anomalies() {
    // Each recording on its own, as read for one report (minutes of traffic: no silence
    // of two hours can show, nor an hour of idling).
    let fw = Fw::new();
    let mut anomalies = String::new();
    for name in crate::listed::RECORDINGS {
        let path = crate::listed::unpacked(&fw, name);
        for r in ["gaps", "loitering", "anomalies"] {
            let run = fw.run(&["report", r, "--input", path.to_str().unwrap(), "--format", "csv"]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            if r == "anomalies" {
                anomalies.push_str("# ");
                anomalies.push_str(name);
                anomalies.push('\n');
                anomalies.push_str(&run.stdout);
            } else {
                assert_eq!(run.stdout.lines().count(), 1, "{name} {r}: {}", run.stdout);
            }
        }
    }
    golden("anomalies_real_recordings.csv", &anomalies);
}
