//! Encounters on the generated encounter scenario (`fleetwatch::synth::encounters`:
//! planted transfers beside the look-alikes that must be labelled or left out), end to
//! end (DMA CSV -> ingest -> report), and on the real recordings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use fleetwatch::synth::encounters::{self, mmsi};

use crate::behaviour::m;
use crate::{Fw, golden};

/// A store holding the scenario, and the paths of its file and ports.
fn scenario() -> (Fw, String, String) {
    let fw = Fw::new();
    let (name, bytes) = encounters::file();
    let path = fw.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let run = fw.run(&["--quiet", "ingest", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ports = fw.dir.path().join("ports.csv");
    std::fs::write(&ports, encounters::PORTS_CSV).unwrap();
    (
        fw,
        path.to_string_lossy().into_owned(),
        ports.to_string_lossy().into_owned(),
    )
}

fn report(fw: &Fw, ports: &str, args: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut all = vec!["encounters"];
    all.extend_from_slice(args);
    crate::behaviour::report(fw, ports, &all)
}

/// The columns that say what an encounter was.
fn line(r: &BTreeMap<String, String>) -> Vec<&str> {
    [
        "mmsi_a",
        "mmsi_b",
        "start_utc",
        "end_utc",
        "duration_h",
        "median_distance_m",
        "median_speed_kn",
        "class",
        "setting",
        "silent_a",
        "silent_b",
        "draught_change_a_m",
        "draught_change_b_m",
        "transfer_like",
        "listed_a",
        "listed_b",
    ]
    .iter()
    .map(|c| r[*c].as_str())
    .collect()
}

#[test]
fn the_planted_transfers_come_out_with_their_figures_and_the_look_alikes_do_not() {
    let (fw, _, ports) = scenario();
    let rows = report(&fw, &ports, &[]);
    let got: Vec<Vec<&str>> = rows.iter().map(line).collect();
    let (argent, jaguar, mother) = (m(mmsi::ARGENT), m(mmsi::JAGUAR), m(mmsi::MOTHER));
    let (current, daughters, anchored) = (mmsi::CURRENT.map(m), mmsi::DAUGHTERS.map(m), mmsi::ANCHORED.map(m));
    let t = |hm: &str| format!("2025-06-10T{hm}:00Z");
    let (t0, t1, t2, t3, t4, t5, t6, t7, t8) = (
        t("00:00"),
        t("23:50"),
        t("02:00"),
        t("14:00"),
        t("03:00"),
        t("09:00"),
        t("10:00"),
        t("15:00"),
        t("11:00"),
    );
    let t9 = t("17:00");
    #[rustfmt::skip]
    let expected: Vec<Vec<&str>> = vec![
        // At anchor 440 m apart astride 36 N and 23 E: close, nothing moved.
        vec![&anchored[0], &anchored[1], &t0, &t1, "23.8", "439", "0.00", "close", "sea", "false", "false", "0.0", "0.0", "false", "", ""],
        // The transfer: JAGUAR silent 06:00-08:30 inside it (one encounter, flagged);
        // ARGENT listed by IMO, the JAGUAR of another IMO not (a name is no listing).
        vec![&argent, &jaguar, &t2, &t3, "12.0", "60", "0.50", "alongside", "sea", "false", "true", "-3.0", "3.0", "true", "eu", ""],
        // Lightering of two daughters in turn: two encounters.
        vec![&mother, &daughters[0], &t4, &t5, "6.0", "50", "0.00", "alongside", "sea", "false", "false", "-3.0", "3.0", "true", "", ""],
        // Carried together by a current at 2.5 kn.
        vec![&current[0], &current[1], &t6, &t7, "5.0", "100", "2.50", "alongside", "sea", "false", "false", "-3.0", "3.0", "true", "", ""],
        vec![&mother, &daughters[1], &t8, &t9, "6.0", "50", "0.00", "alongside", "sea", "false", "false", "-3.0", "3.0", "true", "", ""],
    ];
    assert_eq!(got, expected);
    // Not there: the berths in port (hidden), 700 m apart, the overtaking, the convoy.
    for decoy in mmsi::BERTHS
        .iter()
        .chain(&mmsi::APART)
        .chain(&mmsi::OVERTAKING)
        .chain(&mmsi::CONVOY)
    {
        assert!(
            !rows
                .iter()
                .any(|r| r["mmsi_a"] == m(*decoy) || r["mmsi_b"] == m(*decoy))
        );
    }
    let transfer = &rows[1];
    assert_eq!(
        (
            transfer["name_a"].as_str(),
            transfer["imo_a"].as_str(),
            transfer["name_b"].as_str()
        ),
        ("ARGENT", "9293002", "JAGUAR")
    );
    assert_eq!(transfer["nearest_port"], "XXGYT");
}

#[test]
fn adjacent_berths_in_port_only_with_include_port() {
    let (fw, _, ports) = scenario();
    let rows = report(&fw, &ports, &["--include-port"]);
    let berths: Vec<&BTreeMap<String, String>> = rows.iter().filter(|r| r["mmsi_a"] == m(mmsi::BERTHS[0])).collect();
    assert_eq!(berths.len(), 1);
    assert_eq!(
        (
            berths[0]["mmsi_b"].as_str(),
            berths[0]["setting"].as_str(),
            berths[0]["class"].as_str(),
            berths[0]["distance_to_port_km"].as_str()
        ),
        (m(mmsi::BERTHS[1]).as_str(), "port", "close", "0.0")
    );
    assert_eq!(rows.len(), 6);
}

#[test]
fn the_filters_keep_an_encounter_by_either_vessel() {
    let (fw, _, ports) = scenario();
    let listed = report(&fw, &ports, &["--listed-only"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["mmsi_b"], m(mmsi::JAGUAR));
    let by_b = report(&fw, &ports, &["--vessel", &m(mmsi::DAUGHTERS[1])]);
    assert_eq!(by_b.len(), 1);
    assert_eq!(by_b[0]["mmsi_a"], m(mmsi::MOTHER));
    let by_imo = report(&fw, &ports, &["--vessel", "9293002"]);
    assert_eq!(by_imo.len(), 1);
    let late = report(&fw, &ports, &["--since", "2025-06-10T10:30:00Z"]);
    assert_eq!(late.len(), 1, "only the second daughter starts after 10:30");
    let tighter = report(&fw, &ports, &["--max-distance-m", "80"]);
    assert_eq!(tighter.len(), 3, "the 100 m pair and the 440 m pair are out");
}

#[test]
fn the_same_encounters_from_the_input_file_as_from_the_store_and_a_golden_file() {
    let (fw, file, ports) = scenario();
    let stored = fw.run(&["report", "encounters", "--ports", &ports, "--format", "csv"]);
    let direct = Fw::new().run(&[
        "report",
        "encounters",
        "--input",
        &file,
        "--ports",
        &ports,
        "--format",
        "csv",
    ]);
    assert_eq!(direct.code, 0, "{}", direct.stderr);
    assert_eq!(direct.stdout, stored.stdout);
    golden("encounters_scenario.csv", &stored.stdout);
}

#[test]
fn the_real_recordings_hold_no_two_hour_encounter() {
    // The recordings are at most a few hours long (one hour in New York): nothing is
    // together for two hours. With 20 minutes, New York harbour shows tugs moored
    // together at their yards (port) and boats in marinas outside the port areas.
    let fw = crate::listed::recordings();
    let none = fw.run(&["report", "encounters", "--include-port", "--format", "csv"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert_eq!(none.csv_rows().len(), 0);
    let short = fw.run(&[
        "report",
        "encounters",
        "--include-port",
        "--min-duration-h",
        "0.3",
        "--format",
        "csv",
    ]);
    let rows = short.csv_rows();
    assert!(rows.len() > 20, "{}", rows.len());
    assert!(rows.iter().any(|r| r["setting"] == "port") && rows.iter().any(|r| r["setting"] == "sea"));
    assert!(rows.iter().all(|r| r["start_utc"].starts_with("2020-06-30")));
}

#[test]
fn the_vessel_profile_shows_its_encounter_from_its_side_with_the_partner_and_what_it_does_not_show() {
    let (fw, _, _) = scenario();
    // The partner's reported port calls, around the transfer.
    let calls = fw.dir.path().join("jaguar_calls.csv");
    std::fs::write(
        &calls,
        "mmsi,locode,arrival,departure,source\n\
         636100002,RUPRI,2025-06-01T08:00:00Z,2025-06-02T06:00:00Z,agent\n\
         636100002,INSIK,2025-06-20T10:00:00Z,2025-06-22T10:00:00Z,agent\n",
    )
    .unwrap();
    let run = fw.run(&["--quiet", "ingest", calls.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = fw.run(&["report", "vessel", "9293002", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let profiles: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let met = profiles[0]["encounters"].as_array().unwrap();
    assert_eq!(met.len(), 1);
    let e = &met[0];
    let field = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    assert_eq!(
        [
            field("partner_mmsi"),
            field("partner_name"),
            field("partner_imo"),
            field("partner_flag"),
            field("partner_listed"),
            field("class"),
            field("start_utc"),
            field("end_utc"),
        ],
        [
            "636100002",
            "JAGUAR",
            "5550012",
            "LR",
            "",
            "alongside",
            "2025-06-10T02:00:00Z",
            "2025-06-10T14:00:00Z"
        ]
    );
    assert_eq!(
        (e["draught_change_m"].as_f64(), e["partner_draught_change_m"].as_f64()),
        (Some(-3.0), Some(3.0))
    );
    assert_eq!(
        (e["silent"].as_bool(), e["partner_silent"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(field("partner_call_before"), "RUPRI 2025-06-02T06:00:00Z");
    assert_eq!(field("partner_call_after"), "INSIK 2025-06-20T10:00:00Z");
    let table = fw.run(&["report", "vessel", "9293002", "--format", "table"]);
    assert!(
        table.stdout.contains("within 60 m (median; 60 m at the closest)")
            && table
                .stdout
                .contains("with 636100002 JAGUAR (IMO 5550012, flag LR), not listed")
            && table
                .stdout
                .contains("draught -3.0 m (partner +3.0 m), transfer-like: one reported a deeper draught after, the other a shallower one")
            && table
                .stdout
                .contains("partner's port call before: RUPRI 2025-06-02T06:00:00Z, after: INSIK 2025-06-20T10:00:00Z")
            && table
                .stdout
                .contains("it does not show that anything passed between them"),
        "{}",
        table.stdout
    );
    // From the partner's side: ARGENT, listed.
    let other = fw.run(&["report", "vessel", "636100002", "--format", "json"]);
    let profiles: serde_json::Value = serde_json::from_str(&other.stdout).unwrap();
    assert_eq!(profiles[0]["encounters"][0]["partner_listed"], "eu");
    assert_eq!(profiles[0]["encounters"][0]["partner_name"], "ARGENT");
}

#[test]
fn an_encounter_across_midnight_and_two_files_is_one() {
    // Two tankers 80 m apart, still, from 20:00 on 10 June to 04:00 on 11 June; a file a day.
    let fw = Fw::new();
    let start = fleetwatch::synth::encounters::day() + 20 * 3_600_000;
    let mut days = [
        String::from(fleetwatch::synth::DMA_HEADER),
        String::from(fleetwatch::synth::DMA_HEADER),
    ];
    for k in 0..=240i64 {
        let t = start + k * 120_000;
        let day = usize::from(t >= start + 4 * 3_600_000);
        for (mmsi, lon) in [(273_100_901u32, 23.0), (273_100_902, 23.001)] {
            let _ = write!(
                days[day],
                "\n{},Class A,{mmsi},36.000000,{lon:.6},At anchor,0.0,0.0,90.0,90,,,,Tanker,,30,180,GPS,9.5,,,AIS,150,30,15,15",
                fleetwatch::synth::dma_time(t)
            );
        }
    }
    let mut args = vec!["--quiet".to_string(), "ingest".to_string()];
    for (k, text) in days.iter().enumerate() {
        let path = fw.dir.path().join(format!("day{k}.csv"));
        std::fs::write(&path, format!("{text}\n")).unwrap();
        args.push(path.to_string_lossy().into_owned());
    }
    let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ports = fw.dir.path().join("ports.csv");
    std::fs::write(&ports, encounters::PORTS_CSV).unwrap();
    let rows = report(&fw, ports.to_str().unwrap(), &[]);
    let got: Vec<Vec<&str>> = rows.iter().map(|r| line(r)[..6].to_vec()).collect();
    assert_eq!(
        got,
        vec![vec![
            "273100901",
            "273100902",
            "2025-06-10T20:00:00Z",
            "2025-06-11T04:00:00Z",
            "8.0",
            "90"
        ]]
    );
}

#[test]
fn the_profile_says_when_an_encounter_was_one_of_a_crowd() {
    // Three tankers at anchor 100 m apart in a line, 00:00-06:00: the middle one meets
    // both others at once (each encounter one of a crowd); no draught changes.
    let fw = Fw::new();
    let start = fleetwatch::synth::encounters::day();
    let mut text = String::from(fleetwatch::synth::DMA_HEADER);
    for k in 0..=180i64 {
        let t = start + k * 120_000;
        for (mmsi, lon) in [(273_100_911u32, 23.0), (273_100_912, 23.0011), (273_100_913, 23.0022)] {
            let _ = write!(
                text,
                "\n{},Class A,{mmsi},36.000000,{lon:.6},At anchor,0.0,0.0,90.0,90,,,CROWD {mmsi},Tanker,,30,180,GPS,9.5,,,AIS,150,30,15,15",
                fleetwatch::synth::dma_time(t)
            );
        }
    }
    let path = fw.dir.path().join("crowd.csv");
    std::fs::write(&path, format!("{text}\n")).unwrap();
    assert_eq!(fw.run(&["--quiet", "ingest", path.to_str().unwrap()]).code, 0);
    let json = fw.run(&["report", "vessel", "273100912", "--format", "json"]);
    let profiles: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let met = profiles[0]["encounters"].as_array().unwrap();
    let got: Vec<(&str, i64)> = met
        .iter()
        .map(|e| {
            (
                e["partner_mmsi"].as_str().unwrap(),
                e["others_at_once"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![("273100911", 1), ("273100913", 1)]);
    let table = fw.run(&["report", "vessel", "273100912", "--format", "table"]);
    assert!(
        table
            .stdout
            .contains("one other vessel as close at the same time (a crowd, not a pair alone)"),
        "{}",
        table.stdout
    );
    // The end ones met the middle one and each other 200 m apart: 3 encounters in all.
    let all = fw.run(&["report", "encounters", "--format", "csv"]);
    assert_eq!(all.csv_rows().len(), 3);
}
