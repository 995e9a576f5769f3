//! `report vessel --format html` without a browser: one self-contained file (nothing
//! it would fetch), the line drawn simplified, every section there, and `--format html`
//! refused by the commands that have no HTML form. The browser's view is in `browser`.

use crate::case_study::jaguar_store;
use crate::{Fw, every};

fn html(fw: &Fw, query: &str) -> String {
    let run = fw.run(&["report", "vessel", query, "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn the_dossier_is_one_file_that_fetches_nothing() {
    let fw = jaguar_store();
    let page = html(&fw, "9293002");
    assert!(page.starts_with("<!DOCTYPE html>"));
    for outside in ["src=", "href=", "@import", "url(", "<link", "<iframe", "<img"] {
        assert!(!page.contains(outside), "the dossier holds {outside}");
    }
    let schemes: Vec<&str> = page.match_indices("http").map(|(i, _)| &page[i..i + 30]).collect();
    assert!(
        every(&schemes, |s| s.starts_with("http://www.w3.org/2000/svg")),
        "{schemes:?}"
    );
    for section in [
        "identity",
        "listings",
        "map",
        "events",
        "indicators",
        "limits",
        "provenance",
    ] {
        assert!(page.contains(&format!("<section id=\"{section}\">")), "no {section}");
    }
    // The provenance: the files with their hashes, the lists, the command.
    assert!(page.contains("jaguar-scenario.csv"));
    assert!(page.contains("<code>fleetwatch report vessel 9293002 --format html</code>"));
    assert!(page.contains("<td>uk</td><td>2025-05-12</td>"));
    assert!(page.contains("@page { size: A4;"));
}

#[test]
fn a_long_track_draws_as_few_points() {
    let fw = Fw::new();
    // Sixty days of two-minute fixes of one tanker between the oil ports.
    let (path, mmsi, total) = fw.voyage_file(60, 2);
    let records = fw.dir.path().join("records.csv");
    std::fs::write(
        &records,
        format!("imo,mmsi,name,flag,call_sign,observed_at\n9074729,{mmsi},LONG HAUL,LR,,2025-01-01\n"),
    )
    .unwrap();
    let ingest = fw.run(&["--quiet", "ingest", path.to_str().unwrap(), records.to_str().unwrap()]);
    assert_eq!(ingest.code, 0, "{}", ingest.stderr);
    let page = html(&fw, &mmsi);
    let caption = page.split("The line is simplified").nth(1).unwrap();
    let drawn: usize = caption
        .split(": ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total > 30_000, "{total}");
    assert!(drawn > 10 && drawn * 20 < total, "{drawn} of {total} drawn");
    // The six planted bad fixes are left out of the line.
    assert!(caption.contains(&format!(" of {} fixes drawn", total - 6)), "{caption}");
    assert!(page.len() < 5_000_000, "{} bytes", page.len());
    // Heard though it sent no static report: its events are judged, not unknown.
    assert!(!page.contains("no position of the vessel in the data"));
}

#[test]
fn only_report_vessel_writes_html() {
    let fw = Fw::new();
    for args in [
        &["check", "Jaguar", "--format", "html"][..],
        &["report", "gaps", "--format", "html"],
        &["report", "indicators", "--format", "html"],
    ] {
        let run = fw.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("--format html is for report vessel"),
            "{}",
            run.stderr
        );
    }
}
