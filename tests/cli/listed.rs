//! Ingested vessels joined to the lists, on real AIS recordings: an IMO (or an MMSI on a
//! list that records MMSIs) identifies a listed vessel; a name is at most a possible
//! match, shown only when asked for and only when nothing in the vessel's own data
//! contradicts it.

use std::io::Read;

use crate::{Fw, fixture_path, golden};

/// The three real recordings of `tests/fixtures/ais-real/`: the DMA feed of 11 June
/// 2010, five minutes of DMA NMEA of 12 November 2013, one hour of NOAA New York
/// harbour of 30 June 2020.
pub(crate) const RECORDINGS: &[&str] = &[
    "dma_aislib_stream_example_2010-06-11.txt.gz",
    "dma_aisabnormal_nmea_2013-11-12_1200-1205.txt.gz",
    "noaa_nyharbor_2020-06-30_first_hour.csv.gz",
];

/// A store holding the three recordings (unpacked into the temporary directory).
pub(crate) fn recordings() -> Fw {
    let fw = Fw::new();
    let mut args = vec!["--quiet".to_string(), "ingest".to_string()];
    for name in RECORDINGS {
        args.push(unpacked(&fw, name).to_str().unwrap().to_string());
    }
    let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    fw
}

/// A recording of `tests/fixtures/ais-real/`, unpacked into the store's temporary directory.
pub(crate) fn unpacked(fw: &Fw, name: &str) -> std::path::PathBuf {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(fixture_path(&format!("ais-real/{name}"))).unwrap())
        .read_to_end(&mut text)
        .unwrap();
    let path = fw.dir.path().join(name.trim_end_matches(".gz"));
    std::fs::write(&path, text).unwrap();
    path
}

/// `report listed --listed-only --include-possible`: what counts as listed.
fn listed_only_with_possible(fw: &Fw) -> crate::Run {
    fw.run(&[
        "report",
        "listed",
        "--listed-only",
        "--include-possible",
        "--format",
        "csv",
    ])
}

fn mmsis(run: &crate::Run) -> Vec<String> {
    run.csv_rows().into_iter().map(|r| r["mmsi"].clone()).collect()
}

/// The vessels of these recordings that a name alone once reported as listed: a New
/// York tug (PEGASUS, AIS type 31, 22 m) as the EU- and OFAC-listed chemical tanker
/// 9276028, the Danish research ship DANA, JANET D as JANET, IONA as DIONA, MISTRAL as
/// MISTRAL 1, a German patrol boat (ODIN, type 55, 32 m), a Finnish sailing yacht
/// (ALEXANDRA, 21 m), a Dutch pilot boat (CETUS, 25 m).
const NAME_ONLY: &[&str] = &[
    "367365380",
    "219004293",
    "367694720",
    "244670348",
    "235020557",
    "211152520",
    "230984450",
    "246380000",
];

#[test]
fn on_real_recordings_only_a_broadcast_imo_makes_a_vessel_listed() {
    let fw = recordings();
    let listed = fw.run(&["report", "listed", "--format", "csv"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    golden("listed_real_recordings.csv", &listed.stdout);
    let rows = listed.csv_rows();
    // 16 vessels broadcast the IMO of a vessel the bundled EU or OFAC list names.
    let vessels: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["imo"].as_str()).collect();
    assert_eq!(vessels.len(), 16);
    assert!(crate::every(rows.iter(), |r| r["matched_on"] == "imo"
        && r["match_status"] == "identified"));
    // TARGALE at anchor off Sandy Hook in 2020, on the EU list since 24 October 2025.
    assert!(
        rows.iter()
            .any(|r| r["imo"] == "9323340" && r["list"] == "eu" && r["listed_on"] == "2025-10-24")
    );
    let shown = mmsis(&listed);
    for m in NAME_ONLY {
        assert!(!shown.contains(&(*m).to_string()), "{m} is listed by name");
    }
    // Nothing in these recordings is even a possible match: every same-name vessel is
    // contradicted by its own type or size, and the rest are other names.
    let possible = fw.run(&["report", "listed", "--include-possible", "--format", "csv"]);
    assert_eq!(possible.stdout, listed.stdout);
    let only = listed_only_with_possible(&fw);
    assert_eq!(only.stdout, listed.stdout);
}

#[test]
fn the_new_york_tug_pegasus_is_not_the_listed_tanker() {
    let fw = recordings();
    let run = fw.run(&[
        "report",
        "vessel",
        "367365380",
        "--include-possible",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let profile: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let p = &profile[0];
    assert_eq!(p["name"], "PEGASUS");
    assert_eq!(p["listings"], serde_json::json!([]));
    assert_eq!(p["possible_matches"], serde_json::json!([]));
    let timeline: Vec<(&str, &str)> = p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["attribute"].as_str().unwrap(), t["value"].as_str().unwrap()))
        .collect();
    assert!(timeline.contains(&("ship_type", "31.0")), "{timeline:?}");
    assert!(timeline.contains(&("length_m", "22")), "{timeline:?}");
    let table = fw.run(&["report", "vessel", "PEGASUS", "--format", "table"]);
    assert!(
        table.stdout.contains("on none of the lists in force (by IMO or MMSI)"),
        "{}",
        table.stdout
    );
}

/// A hand-written watch list of the recordings' own names (with invented IMOs): which
/// become possible matches and why the others do not.
#[test]
fn a_name_is_a_possible_match_when_nothing_contradicts_it() {
    let fw = recordings();
    fw.import("lists/name_only_watchlist_HANDWRITTEN.csv", "watch", "2026-01-01");
    let listed = fw.run(&["report", "listed", "--format", "csv"]);
    assert!(
        !listed.stdout.contains(",watch,"),
        "a name made a vessel listed:\n{}",
        listed.stdout
    );
    let run = fw.run(&["report", "listed", "--include-possible", "--format", "csv"]);
    let possible: Vec<_> = run
        .csv_rows()
        .into_iter()
        .filter(|r| r["match_status"] == "possible")
        .map(|r| {
            (
                r["mmsi"].clone(),
                r["list_record"].clone(),
                r["imo"].clone(),
                r["match_note"].clone(),
            )
        })
        .collect();
    // VOLGA-FLOT 8: a 138 m tanker (AIS 80) with no IMO; ROSARIUM: a 135 m cargo ship
    // (AIS 79), which a listed tanker may broadcast; ALEXANDRA: a 21 m sailing yacht
    // against a listed yacht. Not VOLGA-FLOT 9 (another number), PEGASUS (a 22 m tug
    // against a tanker) or CETUS (a pilot boat against a yacht).
    assert_eq!(
        possible,
        [
            (
                "205203463".to_string(),
                "9000041".to_string(),
                String::new(),
                "name only: ROSARIUM = ROSARIUM (IMO 9000041); no valid IMO broadcast; AIS type 79 (cargo ship); 135 m"
                    .to_string()
            ),
            (
                "230984450".to_string(),
                "9000065".to_string(),
                String::new(),
                "name only: ALEXANDRA = ALEXANDRA (IMO 9000065); no valid IMO broadcast; AIS type 36 (pleasure craft); 21 m"
                    .to_string()
            ),
            (
                "273390400".to_string(),
                "9000015".to_string(),
                String::new(),
                "name only: VOLGA-FLOT 8 = VOLGA-FLOT 8 (IMO 9000015); no valid IMO broadcast; AIS type 80 (tanker); 138 m"
                    .to_string()
            ),
        ]
    );
    // Possible matches never count as listed.
    let only = listed_only_with_possible(&fw);
    assert!(crate::every(only.csv_rows().iter(), |r| r["match_status"] == "identified"));
    // The profile keeps them apart from its listings, and shows them only when asked.
    let table = fw.run(&["report", "vessel", "273390400", "--format", "table"]);
    assert!(
        table
            .stdout
            .contains("possible matches by name only: 1, not shown (--include-possible shows them)"),
        "{}",
        table.stdout
    );
    let table = fw.run(&[
        "report",
        "vessel",
        "273390400",
        "--include-possible",
        "--format",
        "table",
    ]);
    assert!(
        table
            .stdout
            .contains("Possible matches (by name only: not listings of this vessel)")
    );
    assert!(table.stdout.contains("on none of the lists in force (by IMO or MMSI)"));
}

/// The running example without its IMO: MMSI 626313000 broadcasting JAGUAR, a 244 m
/// tanker, at Primorsk on 15 May 2025, while the UK listed 9293002 (ARGENT ex JAGUAR)
/// on 9 May. The name fits two listed hulls; neither makes the call a listed one.
#[test]
fn the_jaguar_track_without_its_imo_is_a_possible_match_of_both_hulls_and_no_listed_call() {
    let fw = Fw::new();
    fw.import("lists/uk_sanctions_list_HANDWRITTEN.csv", "uk", "2025-05-12");
    let text = std::fs::read_to_string(fixture_path("ais/jaguar_dma_HANDWRITTEN.csv"))
        .unwrap()
        .replace(",9293002,", ",Unknown,")
        .replace(",9293003,", ",Unknown,");
    let path = fw.dir.path().join("jaguar_without_imo.csv");
    std::fs::write(&path, text).unwrap();
    assert_eq!(fw.run(&["ingest", path.to_str().unwrap()]).code, 0);
    let calls = fw.run(&["report", "port-calls", "--format", "csv"]);
    let rows = calls.csv_rows();
    assert_eq!(rows.len(), 1, "{}", calls.stdout);
    assert_eq!(
        (rows[0]["port_locode"].as_str(), rows[0]["listed_at_arrival"].as_str()),
        ("RUPRI", "")
    );
    let listed_only = fw.run(&["report", "port-calls", "--listed-only", "--format", "csv"]);
    assert!(listed_only.csv_rows().is_empty(), "{}", listed_only.stdout);
    assert!(fw.run(&["report", "listed", "--format", "csv"]).csv_rows().is_empty());
    let possible = fw.run(&["report", "listed", "--include-possible", "--format", "csv"]);
    let hulls: Vec<(String, String, String)> = possible
        .csv_rows()
        .into_iter()
        .map(|r| (r["list"].clone(), r["matched_on"].clone(), r["match_status"].clone()))
        .collect();
    assert_eq!(
        hulls,
        [
            // 9293002: EU Argent, formerly Jaguar.
            ("eu".to_string(), "former_name".to_string(), "possible".to_string()),
            // 9354301: EU Jaguar, formerly Zaliv Amerika, with its OFAC entry.
            ("eu".to_string(), "name".to_string(), "possible".to_string()),
            ("ofac".to_string(), "name".to_string(), "possible".to_string()),
            // 9293002: the UK's ARGENT, alias JAGUAR.
            ("uk".to_string(), "former_name".to_string(), "possible".to_string()),
        ],
        "{}",
        possible.stdout
    );
}
