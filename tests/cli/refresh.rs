//! `refresh` against a real HTTP server on 127.0.0.1: new versions, 304, failures that
//! keep the previous version (500, a stall, a body cut short, garbage, a list that
//! shrank, one over the size limit), a changed list reported exactly, kills and
//! concurrent runs.

use std::collections::BTreeSet;

use super::http::{Reply, Server};
use super::{Fw, fixture_path};

/// A store whose config sends `ofac` (and `mylist`, a custom list) to the test server,
/// with short timeouts and backoff; the other sources are disabled.
fn setup(http: &[(&str, &str)]) -> (Fw, Server) {
    setup_on(Server::start(), http)
}

/// As [`setup`], with the sources on `server` (plain or TLS).
pub(crate) fn setup_on(server: Server, http: &[(&str, &str)]) -> (Fw, Server) {
    let fw = Fw::new();
    let mut settings: std::collections::BTreeMap<&str, &str> = [
        ("connect_timeout_s", "2"),
        ("read_timeout_s", "1"),
        ("total_timeout_s", "20"),
        ("retries", "2"),
        ("backoff_s", "0.05"),
    ]
    .into_iter()
    .collect();
    settings.extend(http.iter().copied());
    let http: String = settings.iter().fold(String::new(), |mut s, (k, v)| {
        use std::fmt::Write as _;
        let _ = writeln!(s, "{k} = {v}");
        s
    });
    let config = format!(
        "[http]\n{http}\
         [sources.ofac]\nurl = \"{}\"\n\
         [sources.mylist]\nurl = \"{}\"\nformat = \"custom\"\nenabled = false\n\
         [sources.eu]\nenabled = false\n[sources.uk]\nenabled = false\n[sources.opensanctions]\nenabled = false\n",
        server.url("/sdn.csv"),
        server.url("/mylist.csv"),
    );
    std::fs::write(fw.dir.path().join("config.toml"), config).unwrap();
    (fw, server)
}

pub(crate) fn ofac_2023() -> Vec<u8> {
    std::fs::read(fixture_path("lists/ofac_sdn_vessel_rows_2023-01.csv")).unwrap()
}

/// The 2026 OFAC vessel entries bundled with fleetwatch, written out in the legacy
/// `sdn.csv` layout (no header; IMO in the remarks) that the `ofac` source serves.
pub(crate) fn ofac_2026() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lists/ofac_sdn_vessels.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut out = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for (k, row) in reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .enumerate()
    {
        let row = row.unwrap();
        let or_none = |key: &str| {
            let v = row[key].trim();
            if v.is_empty() {
                "-0- ".to_string()
            } else {
                v.to_string()
            }
        };
        out.write_record([
            (90_000 + k).to_string(),
            row["name"].clone(),
            "vessel".to_string(),
            row["programs"].clone(),
            "-0- ".to_string(),
            or_none("call_sign"),
            or_none("vessel_type"),
            "-0- ".to_string(),
            "-0- ".to_string(),
            or_none("flag"),
            "-0- ".to_string(),
            format!("Vessel Registration Identification IMO {}.", row["imo"]),
        ])
        .unwrap();
    }
    out.into_inner().unwrap()
}

/// The IMO numbers a list file names (`IMO 1234567` in its rows, or an `imo` column).
fn imos_in(bytes: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("IMO ") {
        // Some remarks have two blanks: `IMO  8730455`.
        let digits: String = text[i + 4..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.len() == 7 {
            out.insert(digits);
        }
    }
    out
}

pub(crate) fn file(body: Vec<u8>, etag: &str) -> Reply {
    Reply::File {
        body,
        etag: format!("\"{etag}\""),
    }
}

/// The `ofac` row of `lists`: (version, entries, origin).
pub(crate) fn ofac_in_force(fw: &Fw) -> (String, String, String) {
    let run = fw.run(&["lists", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = run
        .csv_rows()
        .into_iter()
        .find(|r| r["list"] == "ofac")
        .expect("an ofac list");
    (row["version"].clone(), row["entries"].clone(), row["origin"].clone())
}

pub(crate) fn bundled_ofac() -> (String, String, String) {
    (
        "2026-03-22".to_string(),
        "1450".to_string(),
        "bundled: OFAC SDN list, vessel entries (from sdn.xml)".to_string(),
    )
}

#[test]
fn a_shrunken_list_is_refused_then_forced_and_a_304_changes_nothing() {
    let (fw, server) = setup(&[]);
    server.set("/sdn.csv", file(ofac_2023(), "v2023"));

    // 685 entries against the 1,450 in force: refused, the bundled list stays.
    let run = fw.run(&["refresh"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("shrank from 1450 to 685"), "{}", run.stderr);
    assert_eq!(ofac_in_force(&fw), bundled_ofac());

    let run = fw.run(&["refresh", "ofac", "--force", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ofac: updated to ofac-"), "{}", run.stderr);
    let (_, entries, origin) = ofac_in_force(&fw);
    assert_eq!(
        (entries.as_str(), origin.as_str()),
        ("685", server.url("/sdn.csv").as_str())
    );

    // Asked again, the server answers 304 to the ETag it gave: nothing changes.
    let versions_before = fw.run(&["lists", "history", "ofac"]).stdout;
    let run = fw.run(&["refresh", "--exit-code"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("not modified"), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "only the header: {}", run.stdout);
    let last = server.requests("/sdn.csv").pop().unwrap();
    assert_eq!(last.headers.get("if-none-match").map(String::as_str), Some("\"v2023\""));
    assert_eq!(fw.run(&["lists", "history", "ofac"]).stdout, versions_before);

    // `status` reports the refreshes.
    let status = fw.run(&["status"]);
    assert!(status.stdout.contains("not-modified"), "{}", status.stdout);
}

#[test]
fn a_changed_list_reports_exactly_the_vessels_added_and_removed() {
    let (fw, server) = setup(&[]);
    let (old, new) = (ofac_2023(), ofac_2026());
    server.set("/sdn.csv", file(old.clone(), "a"));
    assert_eq!(fw.run(&["refresh", "--force"]).code, 0);
    server.set("/sdn.csv", file(new.clone(), "b"));
    let run = fw.run(&["refresh", "--exit-code", "--format", "csv"]);
    assert_eq!(run.code, 1, "--exit-code: a list changed. {}", run.stderr);

    let (old_imos, new_imos) = (imos_in(&old), imos_in(&new));
    let rows = run.csv_rows();
    let of = |kind: &str| -> Vec<&std::collections::BTreeMap<String, String>> {
        rows.iter().filter(|r| r["change"] == kind).collect()
    };
    let added: BTreeSet<String> = of("added").iter().map(|r| r["imo"].clone()).collect();
    let removed: BTreeSet<String> = of("removed")
        .iter()
        .filter(|r| !r["imo"].is_empty())
        .map(|r| r["imo"].clone())
        .collect();
    assert_eq!(added, &new_imos - &old_imos);
    assert_eq!(removed, &old_imos - &new_imos);
    assert_eq!(of("added").len(), added.len(), "one row per vessel");
    // Entries without an IMO are known by their record, which the 2026 file does not reuse.
    let old_without_imo = String::from_utf8_lossy(&old)
        .lines()
        .skip(1)
        .filter(|l| !l.contains("IMO "))
        .count();
    assert_eq!(of("removed").len(), removed.len() + old_without_imo);
    assert!(
        crate::every(of("modified").iter(), |r| old_imos.contains(&r["imo"])
            && new_imos.contains(&r["imo"])),
        "modified vessels are on both"
    );
    assert!(!of("modified").is_empty());
    assert!(crate::every(rows.iter(), |r| r["list"] == "ofac"
        && r["version_from"] != r["version_to"]));

    // The same changes from `lists diff` (the two newest) and `report changes`.
    let diff = fw.run(&["lists", "diff", "ofac", "--format", "csv"]);
    assert_eq!(diff.stdout, run.stdout);
    let report = fw.run(&["report", "changes", "--list", "ofac", "--format", "csv"]);
    let to_new: Vec<_> = report
        .csv_rows()
        .into_iter()
        .filter(|r| r["version_to"] == rows[0]["version_to"])
        .collect();
    assert_eq!(to_new, rows);
}

#[test]
fn failures_keep_the_version_in_force_and_exit_3() {
    let cases: Vec<(&str, Reply, &str, usize)> = vec![
        ("500", Reply::Status(500), "HTTP 500", 3),
        ("stall", Reply::Stall, "timed out", 3),
        ("truncated", Reply::Truncated(ofac_2023()), "cut short", 3),
        (
            "garbage",
            file(b"<html><body>Service unavailable</body></html>".to_vec(), "g"),
            "not a valid ofac-sdn file",
            1,
        ),
        ("not found", Reply::Status(404), "HTTP 404", 1),
    ];
    for (name, reply, says, attempts) in cases {
        let (fw, server) = setup(&[]);
        server.set("/sdn.csv", reply);
        let run = fw.run(&["refresh"]);
        assert_eq!(run.code, 3, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("the version in force stays"),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(server.requests("/sdn.csv").len(), attempts, "{name}: attempts");
        assert_eq!(ofac_in_force(&fw), bundled_ofac(), "{name}");
        let status = fw.run(&["status"]);
        assert!(status.stdout.contains("failed"), "{name}: {}", status.stdout);
    }
    // Over the size limit: refused without retrying.
    let (fw, server) = setup(&[("max_mb", "0.01")]);
    server.set("/sdn.csv", file(ofac_2023(), "big"));
    let run = fw.run(&["refresh", "--force"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("over the limit"), "{}", run.stderr);
    assert_eq!(ofac_in_force(&fw), bundled_ofac());
}

#[test]
fn one_failing_source_does_not_stop_the_others() {
    let (fw, server) = setup(&[]);
    server.set("/sdn.csv", Reply::Status(503));
    server.set(
        "/mylist.csv",
        file(std::fs::read(fixture_path("lists/custom_watchlist.csv")).unwrap(), "m"),
    );
    let run = fw.run(&["refresh", "ofac", "mylist", "--format", "csv"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("mylist: updated to mylist-"), "{}", run.stderr);
    let lists = fw.run(&["lists", "--format", "csv"]);
    assert!(lists.stdout.contains("mylist,"), "{}", lists.stdout);
    let rows = run.csv_rows();
    // A list refreshed for the first time: each of its vessels is added (the watchlist
    // has three entries).
    assert_eq!(rows.len(), 3, "{}", run.stdout);
    assert!(crate::every(rows.iter(), |r| r["list"] == "mylist"
        && r["change"] == "added"
        && r["version_from"].is_empty()));
    assert_eq!(ofac_in_force(&fw), bundled_ofac());
}

#[test]
fn url_overrides_one_source_and_names_are_checked() {
    let (fw, server) = setup(&[]);
    server.set("/mirror.csv", file(ofac_2023(), "m"));
    let run = fw.run(&["refresh", "ofac", "--force", "--url", &server.url("/mirror.csv")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ofac_in_force(&fw).2, server.url("/mirror.csv"));
    assert!(server.requests("/sdn.csv").is_empty());

    let run = fw.run(&["refresh", "--url", "http://127.0.0.1:9/x.csv"]);
    assert_eq!(run.code, 2, "--url needs one source: {}", run.stderr);
    let run = fw.run(&["refresh", "nosuch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no source named 'nosuch'"), "{}", run.stderr);
    let run = fw.run(&["refresh", "--print-config"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("[sources.ofac]"));
}

#[test]
fn a_killed_refresh_leaves_the_previous_version_readable() {
    let (fw, server) = setup(&[("read_timeout_s", "5"), ("total_timeout_s", "60")]);
    server.set("/sdn.csv", file(ofac_2023(), "first"));
    assert_eq!(fw.run(&["refresh", "--force"]).code, 0);
    let before = ofac_in_force(&fw);
    let body = ofac_2026();
    server.set("/sdn.csv", file(body.clone(), "second"));
    // Stopped dead with the new list file written and the list manifest not yet
    // replaced: the previous version stays in force, and every version reads.
    let run = fw
        .command()
        .args(["refresh"])
        .env("FLEETWATCH_CRASH_AT", "list-before-manifest")
        .output()
        .unwrap();
    assert!(!run.status.success(), "the refresh was not stopped");
    let stored = std::fs::read_dir(fw.dir.path().join("lists/files")).unwrap().count();
    assert_eq!(stored, 2, "the new list file was not written before the stop");
    assert_eq!(ofac_in_force(&fw), before);
    let all = fw.run(&["lists", "history", "ofac", "--format", "csv"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(all.csv_rows().len(), 2, "{}", all.stdout);
    // The lock died with the process: a refresh runs to the end.
    let run = fw.run(&["refresh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ofac_in_force(&fw).1, "1450");
}

#[test]
fn a_refresh_stopped_before_writing_changes_nothing_and_after_its_manifest_has_the_new_version() {
    let (fw, server) = setup(&[]);
    server.set("/sdn.csv", file(ofac_2023(), "first"));
    assert_eq!(fw.run(&["refresh", "--force"]).code, 0);
    let before = ofac_in_force(&fw);
    server.set("/sdn.csv", file(ofac_2026(), "second"));
    let stop = |point: &str| {
        let run = fw
            .command()
            .arg("refresh")
            .env("FLEETWATCH_CRASH_AT", point)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), None, "{point}: the refresh was not stopped");
    };
    stop("list-read");
    assert_eq!(ofac_in_force(&fw), before);
    assert_eq!(std::fs::read_dir(fw.dir.path().join("lists/files")).unwrap().count(), 1);
    // Stopped with the manifest replaced, the refresh log not yet written: the new
    // version is in force; the log still ends at the first refresh.
    stop("list-after-manifest");
    assert_eq!(ofac_in_force(&fw).1, "1450");
    let logged = |fw: &Fw| {
        let status = fw.run(&["status", "--format", "csv"]);
        status
            .csv_rows()
            .into_iter()
            .find(|r| r["item"] == "refresh_ofac")
            .map(|r| r["value"].clone())
            .unwrap()
    };
    assert!(logged(&fw).contains(" updated "), "{}", logged(&fw));
    let run = fw.run(&["refresh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !logged(&fw).contains(" updated "),
        "the next refresh is logged: {}",
        logged(&fw)
    );
    assert_eq!(ofac_in_force(&fw).1, "1450");
}

#[test]
fn concurrent_refreshes_store_one_version() {
    let (fw, server) = setup(&[]);
    server.set("/sdn.csv", file(ofac_2026(), "same"));
    let children: Vec<_> = (0..3)
        .map(|_| fw.command().args(["refresh", "--quiet"]).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let history = fw.run(&["lists", "history", "ofac", "--format", "csv"]);
    assert_eq!(history.csv_rows().len(), 2, "bundled + one stored: {}", history.stdout);
}

/// Points every built-in source of `fw`'s store at a local server that serves the
/// fixtures (OFAC as the 2026 rows in `sdn.csv` layout), for examples that refresh.
pub(crate) fn serve_every_source(fw: &Fw) -> Server {
    let server = Server::start();
    let fixture = |f: &str| std::fs::read(fixture_path(f)).unwrap();
    server.set("/sdn.csv", file(ofac_2026(), "o"));
    server.set("/uk.csv", file(fixture("lists/uk_sanctions_list_HANDWRITTEN.csv"), "u"));
    server.set(
        "/eu.csv",
        file(fixture("lists/eu_833_2014_consolidated_all_annexes.csv"), "e"),
    );
    server.set(
        "/os.csv",
        file(fixture("lists/opensanctions_maritime_HANDWRITTEN.csv"), "s"),
    );
    let config = format!(
        "[http]\nretries = 0\n[sources.ofac]\nurl = \"{}\"\n[sources.uk]\nurl = \"{}\"\n\
         [sources.eu]\nurl = \"{}\"\n[sources.opensanctions]\nurl = \"{}\"\n",
        server.url("/sdn.csv"),
        server.url("/uk.csv"),
        server.url("/eu.csv"),
        server.url("/os.csv"),
    );
    std::fs::write(fw.dir.path().join("config.toml"), config).unwrap();
    server
}
