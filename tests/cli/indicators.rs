//! `report indicators` (and the same indicators in `report vessel`): the Jaguar case
//! against its golden file, the behaviour and encounter scenarios' planted events as
//! evidence, and what the data cannot tell as `unknown`.

use std::collections::BTreeMap;

use fleetwatch::synth::behaviour::mmsi as planted;
use fleetwatch::synth::encounters::{self, mmsi};

use crate::behaviour::m;
use crate::case_study::jaguar_store;
use crate::{Fw, every, golden};

type Row = BTreeMap<String, String>;

fn indicators(fw: &Fw, args: &[&str]) -> Vec<Row> {
    let mut all = vec!["report", "indicators", "--format", "csv"];
    all.extend_from_slice(args);
    let run = fw.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.csv_rows()
}

/// The row of one indicator of the vessel whose MMSIs include `mmsi`.
fn of<'r>(rows: &'r [Row], mmsi: &str, indicator: &str) -> &'r Row {
    rows.iter()
        .find(|r| r["mmsi"].split(';').any(|x| x == mmsi) && r["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no {indicator} for {mmsi}"))
}

#[test]
fn the_jaguar_indicators_match_their_golden_file() {
    let fw = jaguar_store();
    let run = fw.run(&["report", "indicators", "--vessel", "9293002", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    golden("indicators_jaguar.csv", &run.stdout);
    let rows = run.csv_rows();
    let status = |i: &str| of(&rows, "273279840", i)["status"].clone();
    // Listed by the EU and the UK, not by OFAC; called at Primorsk while UK-listed.
    assert_eq!(status("listed_eu"), "observed");
    assert_eq!(status("listed_uk"), "observed");
    assert_eq!(status("listed_ofac"), "not_observed");
    assert_eq!(status("renamed_12_months"), "observed");
    assert_eq!(status("reflagged_12_months"), "observed");
    assert_eq!(status("russian_oil_terminal_calls"), "observed");
    let while_listed = of(&rows, "273279840", "russian_oil_terminal_calls_while_listed");
    assert_eq!(while_listed["status"], "observed");
    assert!(
        while_listed["evidence"].starts_with("RUPRI Primorsk arrival 2025-05-15"),
        "{while_listed:?}"
    );
    assert!(
        !while_listed["evidence"].contains("RUULU"),
        "Ust-Luga came before any listing"
    );
    // A hull known from the registry alone: nothing about its behaviour can be told.
    let fw_rows = indicators(&fw, &["--vessel", "9354301"]);
    for i in [
        "unexplained_gaps",
        "anomalies",
        "encounters_at_sea",
        "loitering_offshore",
    ] {
        assert_eq!(of(&fw_rows, "273277060", i)["status"], "unknown", "{i}");
    }
}

#[test]
fn report_vessel_shows_the_same_indicators() {
    let fw = jaguar_store();
    let rows = indicators(&fw, &["--vessel", "9293002"]);
    let run = fw.run(&["report", "vessel", "9293002", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let shown: Vec<(String, String)> = json[0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["indicator"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let listed: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["indicator"].clone(), r["status"].clone()))
        .collect();
    assert_eq!(shown, listed);
    assert_eq!(shown.len(), 15);
    let table = fw.run(&["report", "vessel", "9293002", "--format", "table"]).stdout;
    assert!(table.contains("\nIndicators\n  observed     listed_eu"), "{table}");
    assert!(table.contains("There is no score."));
}

/// The behaviour scenario's planted events, each the evidence of its vessel's indicator.
#[test]
fn planted_behaviour_is_the_evidence_of_the_indicators() {
    let fw = Fw::new();
    let mut paths = Vec::new();
    for (name, bytes) in fleetwatch::synth::behaviour::files() {
        let p = fw.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p.to_string_lossy().into_owned());
    }
    let ports = fw.dir.path().join("ports.csv");
    std::fs::write(&ports, fleetwatch::synth::behaviour::PORTS_CSV).unwrap();
    let mut ingest = vec!["--quiet", "ingest"];
    ingest.extend(paths.iter().map(String::as_str));
    assert_eq!(fw.run(&ingest).code, 0);
    let ports = ports.to_str().unwrap();
    let rows = indicators(&fw, &["--ports", ports]);
    let gaps = crate::behaviour::report(&fw, ports, &["gaps"]);
    let status = |v: u32, i: &str| of(&rows, &m(v), i)["status"].clone();
    // The lone silence while the crowd reports is a candidate dark period, cited by id.
    let lone = of(&rows, &m(planted::LONE), "unexplained_gaps");
    assert_eq!(lone["status"], "observed");
    let id = &gaps.iter().find(|g| g["mmsi"] == m(planted::LONE)).unwrap()["event_id"];
    assert!(
        lone["evidence"].starts_with(&format!("{id} (2025-03-01T04:00:00Z, 4.0 h)")),
        "{lone:?}"
    );
    // A receiver outage is not the vessels' doing; a silence too far from others to
    // tell leaves it unknown; a silence at a berth is no indicator.
    for v in planted::OUTAGE {
        assert_eq!(status(v, "unexplained_gaps"), "not_observed", "{v}");
    }
    assert_eq!(status(planted::REMOTE, "unexplained_gaps"), "unknown");
    assert_eq!(status(planted::BERTH, "unexplained_gaps"), "not_observed");
    assert_eq!(status(planted::DRIFT, "loitering_offshore"), "observed");
    assert_eq!(status(planted::SLOW, "loitering_offshore"), "not_observed");
    assert_eq!(status(planted::TELEPORT, "anomalies"), "observed");
    assert_eq!(status(planted::SLOW, "anomalies"), "not_observed");
    // Jammed: their fixes are the interference area's, not anomalies of their own.
    assert_eq!(status(planted::JAMMED[0], "anomalies"), "not_observed");

    // The summary counts what the rows say, per family, vessel by vessel.
    let summary = indicators(&fw, &["--ports", ports, "--summary"]);
    assert!(every(&summary, |s| {
        let mine: Vec<&Row> = rows.iter().filter(|r| r["mmsi"] == s["mmsi"]).collect();
        ["listing", "identity", "flag_state", "ais", "behaviour", "port_calls"]
            .iter()
            .all(|f| {
                s[*f]
                    == mine
                        .iter()
                        .filter(|r| r["family"] == *f && r["status"] == "observed")
                        .count()
                        .to_string()
            })
            && ["observed", "not_observed", "unknown"]
                .iter()
                .all(|st| s[*st] == mine.iter().filter(|r| r["status"] == *st).count().to_string())
    }));
    assert_eq!(
        summary.iter().find(|s| s["mmsi"] == m(planted::LONE)).unwrap()["ais"],
        "1"
    );
}

#[test]
fn an_encounter_with_a_listed_tanker_is_cited_by_its_event() {
    let fw = Fw::new();
    let (name, bytes) = encounters::file();
    let path = fw.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(fw.run(&["--quiet", "ingest", path.to_str().unwrap()]).code, 0);
    let ports = fw.dir.path().join("ports.csv");
    std::fs::write(&ports, encounters::PORTS_CSV).unwrap();
    let ports = ports.to_str().unwrap();
    let met = crate::behaviour::report(&fw, ports, &["encounters", "--vessel", &m(mmsi::ARGENT)]);
    let rows = indicators(&fw, &["--ports", ports, "--vessel", &m(mmsi::JAGUAR)]);
    let with_listed = of(&rows, &m(mmsi::JAGUAR), "encounters_with_listed_vessel");
    assert_eq!(with_listed["status"], "observed");
    assert!(every(&met, |e| with_listed["evidence"].contains(&e["event_id"])));
    assert!(
        with_listed["evidence"].contains("partner listed: eu"),
        "{with_listed:?}"
    );
    // The listed partner's own indicator: its partner JAGUAR is not listed.
    let rows = indicators(&fw, &["--ports", ports, "--vessel", &m(mmsi::ARGENT)]);
    assert_eq!(of(&rows, &m(mmsi::ARGENT), "encounters_at_sea")["status"], "observed");
    assert_eq!(of(&rows, &m(mmsi::ARGENT), "listed_eu")["status"], "observed");
}

#[test]
fn indicators_refuse_port_filters() {
    let fw = Fw::new();
    let run = fw.run(&["report", "indicators", "--port", "RUPRI"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--port and --country do not apply"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_transmitter_without_a_static_report_is_judged_by_its_mmsi() {
    let fw = Fw::new();
    // Ten days of one tanker's positions between the oil ports, no static report.
    let (path, mmsi, _) = fw.voyage_file(10, 5);
    assert_eq!(fw.run(&["--quiet", "ingest", path.to_str().unwrap()]).code, 0);
    let rows = indicators(&fw, &[]);
    assert!(every(&rows, |r| r["mmsi"] == mmsi && r["imo"].is_empty()));
    // No IMO to look up: unknown on every list. Its calls are judged from its positions.
    assert_eq!(of(&rows, &mmsi, "listed_eu")["status"], "unknown");
    assert_eq!(of(&rows, &mmsi, "russian_oil_terminal_calls")["status"], "observed");
    assert_eq!(
        of(&rows, &mmsi, "anomalies")["status"],
        "observed",
        "the planted bad fixes"
    );
    assert_eq!(indicators(&fw, &["--vessel", &mmsi]).len(), rows.len());
    // Its profile (and dossier) too, with the same indicators.
    let run = fw.run(&["report", "vessel", &mmsi, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v[0]["mmsis"][0], mmsi.as_str());
    assert_eq!(v[0]["indicators"].as_array().unwrap().len(), rows.len());
    assert!(v[0]["port_calls"].as_array().is_some_and(|c| !c.is_empty()));
    let other = fw.run(&["report", "vessel", "273000000"]);
    assert_eq!(other.code, 2, "an MMSI never heard: {}", other.stdout);
}
