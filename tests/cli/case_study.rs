//! The case studies in `notebooks-exports/`, regenerated from fleetwatch's own output:
//! the Jaguar case (Markdown, map and HTML dossier) on the scenario built from the
//! public facts, and a ship-to-ship transfer after a dark period on a generated
//! scenario (Markdown and HTML dossier); the tests fail when they drift.
//! `FLEETWATCH_BLESS=1 cargo test --release --test cli case_study` rewrites it.

#![allow(
    clippy::needless_raw_string_hashes,
    clippy::many_single_char_names,
    clippy::too_many_lines,
    reason = "SVG and Markdown templates: raw strings with quotes, plot coordinates, one long document"
)]

use std::fmt::Write as _;
use std::path::Path;

use fleetwatch::store::data::DataStore;

use crate::{Fw, fixture_path};

fn run(fw: &Fw, args: &[&str]) -> String {
    let r = fw.run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

/// The track and the calls on a plain longitude/latitude grid (equirectangular).
fn svg(fw: &Fw, calls: &[std::collections::BTreeMap<String, String>]) -> String {
    let store = DataStore::open(fw.dir.path()).unwrap();
    let (lon0, lon1, lat0, lat1, k) = (-12.0, 84.0, 8.0, 64.0, 10.0);
    let x = |lon: f64| (lon - lon0) * k;
    let y = |lat: f64| (lat1 - lat) * k;
    let (w, h) = (x(lon1), y(lat0));
    let mut s = String::new();
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" font-family="sans-serif" font-size="12">"##
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#f4f8fb"/>"##);
    for lon in (-10..=70).step_by(10) {
        let _ = writeln!(
            s,
            r##"<line x1="{0:.1}" y1="0" x2="{0:.1}" y2="{h:.0}" stroke="#d0dae3"/><text x="{1:.1}" y="{2:.0}" fill="#7a8b99">{lon}°</text>"##,
            x(f64::from(lon)),
            x(f64::from(lon)) + 2.0,
            h - 4.0
        );
    }
    for lat in (10..=60).step_by(10) {
        let _ = writeln!(
            s,
            r##"<line x1="0" y1="{0:.1}" x2="{w:.0}" y2="{0:.1}" stroke="#d0dae3"/><text x="2" y="{1:.1}" fill="#7a8b99">{lat}°N</text>"##,
            y(f64::from(lat)),
            y(f64::from(lat)) - 2.0
        );
    }
    for (mmsi, colour) in [(626_313_000u32, "#c0392b"), (273_279_840u32, "#2c3e50")] {
        let mut points = String::new();
        for day in store.manifest.positions.keys() {
            for r in store
                .positions_of_day(*day)
                .unwrap()
                .rows
                .iter()
                .filter(|r| r.mmsi == mmsi)
                .step_by(3)
            {
                let _ = write!(points, "{:.1},{:.1} ", x(r.lon()), y(r.lat()));
            }
        }
        let _ = writeln!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.5"/>"##,
            points.trim_end()
        );
    }
    let gazetteer = fleetwatch::track::ports::Gazetteer::bundled();
    let called: Vec<_> = calls
        .iter()
        .filter(|c| c["source"] == "detected")
        .map(|c| gazetteer.get(&c["port_locode"]).unwrap())
        .collect();
    let near_north = |p: &fleetwatch::model::port::Port| {
        called
            .iter()
            .any(|o| o.lat > p.lat && o.lat - p.lat < 1.0 && (o.lon - p.lon).abs() < 2.0)
    };
    for c in calls.iter().filter(|c| c["source"] == "detected") {
        let p = gazetteer.get(&c["port_locode"]).unwrap();
        let _ = writeln!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="#f39c12" stroke="#000"/><text x="{:.1}" y="{:.1}">{} {}</text>"##,
            x(p.lon),
            y(p.lat),
            x(p.lon) + 7.0,
            // Of two neighbouring ports (Primorsk, Ust-Luga) the southern label goes lower.
            y(p.lat) + if near_north(p) { 18.0 } else { 4.0 },
            p.name,
            &c["arrival_utc"][..10]
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="10" y="18" font-size="14">IMO 9293002: JAGUAR (MMSI 626313000, red), later NASLEDIE (MMSI 273279840, dark); port calls detected by fleetwatch</text>"##
    );
    s.push_str("</svg>\n");
    s
}

fn compare_or_bless(path: &Path, actual: &str) {
    if std::env::var_os("FLEETWATCH_BLESS").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} drifted from what fleetwatch now says; FLEETWATCH_BLESS=1 rewrites it",
        path.display()
    );
}

/// A store of the Jaguar scenario: its AIS track, the hand-written registry records and
/// the hand-written UK list of 12 May 2025 beside the bundled EU and OFAC lists.
pub(crate) fn jaguar_store() -> Fw {
    let fw = Fw::new();
    let track = fw.dir.path().join("jaguar-scenario.csv");
    std::fs::write(&track, fleetwatch::synth::jaguar::dma_csv()).unwrap();
    let registry = fixture_path("records/jaguar_registry_HANDWRITTEN.csv");
    run(
        &fw,
        &["ingest", "--quiet", track.to_str().unwrap(), registry.to_str().unwrap()],
    );
    let uk = fixture_path("lists/uk_sanctions_list_HANDWRITTEN.csv");
    run(
        &fw,
        &[
            "lists",
            "import",
            uk.to_str().unwrap(),
            "--source",
            "uk",
            "--version-date",
            "2025-05-12",
            "--quiet",
        ],
    );
    fw
}

#[test]
fn the_jaguar_case_study_is_reproducible() {
    let fw = jaguar_store();
    let check = run(&fw, &["check", "Jaguar", "--format", "table"]);
    let vessel = run(&fw, &["report", "vessel", "9293002", "--format", "table"]);
    let calls_csv = run(&fw, &["report", "port-calls", "--vessel", "9293002", "--format", "csv"]);
    let calls_table = run(
        &fw,
        &["report", "port-calls", "--vessel", "9293002", "--format", "table"],
    );
    let renames = run(&fw, &["report", "renames", "--vessel", "9293002", "--format", "table"]);
    let flags = run(&fw, &["report", "flags", "--vessel", "9293002", "--format", "table"]);
    let calls: Vec<_> = {
        let mut r = csv::Reader::from_reader(calls_csv.as_bytes());
        let h = r.headers().unwrap().clone();
        r.records()
            .map(|x| {
                h.iter()
                    .map(str::to_string)
                    .zip(x.unwrap().iter().map(str::to_string))
                    .collect()
            })
            .collect()
    };
    let routes: Vec<&str> = calls
        .iter()
        .map(|c: &std::collections::BTreeMap<String, String>| c["port_name"].as_str())
        .collect();
    assert_eq!(routes, ["Ust-Luga", "Sikka", "Primorsk"], "{calls_csv}");
    assert!(
        vessel.contains("called at Primorsk (RUPRI) on 2025-05-15T08:02:29Z, while listed: UK since 2025-05-09"),
        "{vessel}"
    );

    let md = format!(
        r##"# Case study: the tanker the press called JAGUAR (IMO 9293002)

*Rendered from fleetwatch's own output; regenerate with
`FLEETWATCH_BLESS=1 cargo test --release --test cli case_study`.*

In May 2025 the press reported a Gabon-flagged tanker broadcasting the name JAGUAR. The
public record: IMO 9293002, on AIS as MMSI 626313000 (MID 626, Gabon), registered as
ARGENT since about February 2025, listed by the UK on 9 May 2025 and by the EU on 21 May
2025 (Annex XLII entry 215, "Argent", previous name "Jaguar"); it loaded at Ust-Luga,
sailed to India and returned to Primorsk on 15 May 2025; it was later renamed NASLEDIE
under the Russian flag (MMSI 273279840).

**The data.** The AIS track is a scenario built from those facts
(`fleetwatch::synth::jaguar`): the route's waypoints, the dates between the public ones
and the draughts are illustrative. The vessel records and the UK list file are
hand-written in the real layouts (`tests/fixtures/`); the EU and OFAC lists are the ones
bundled with fleetwatch.

```sh
fleetwatch ingest jaguar-scenario.csv jaguar_registry_HANDWRITTEN.csv
fleetwatch lists import uk_sanctions_list_HANDWRITTEN.csv --source uk --version-date 2025-05-12
```

## 1. Who is "Jaguar"?

Two different hulls bore the name. A lookup by name alone would confuse them.

```console
$ fleetwatch check Jaguar
{check}```

## 2. Where did it go?

![track and port calls](jaguar-9293002.svg)

```console
$ fleetwatch report port-calls --vessel 9293002
{calls_table}```

The draught rises at Ust-Luga (loading), falls at Sikka (discharging) and rises again at
Primorsk: `listed_at_arrival` shows that the UK had listed the vessel six days before it
moored at Primorsk; the EU listing came six days after.

## 3. Names and flags

```console
$ fleetwatch report renames --vessel 9293002
{renames}
$ fleetwatch report flags --vessel 9293002
{flags}```

## 4. The profile, with what disagrees

```console
$ fleetwatch report vessel 9293002
{vessel}```

The findings state what the data shows: the name broadcast on AIS is not the name the
lists use, and the call at Primorsk came while the UK listing was in force.
"##
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks-exports");
    compare_or_bless(&dir.join("jaguar-9293002.md"), &md);
    compare_or_bless(&dir.join("jaguar-9293002.svg"), &svg(&fw, &calls));
    compare_or_bless(&dir.join("jaguar-9293002.html"), &html(&fw, "9293002"));
}

/// The dossier of a vessel, with the paths of the test's files as their bare names.
fn html(fw: &Fw, query: &str) -> String {
    let page = run(fw, &["report", "vessel", query, "--format", "html"]);
    let temp = format!("{}/", fw.dir.path().display());
    let fixtures = format!("{}/", fixture_path("records").display());
    page.replace(&temp, "").replace(&fixtures, "")
}

#[test]
fn the_ship_to_ship_case_study_is_reproducible() {
    use fleetwatch::synth::sts;
    let fw = Fw::new();
    let (name, bytes) = sts::file();
    let path = fw.dir.path().join(&name);
    std::fs::write(&path, bytes).unwrap();
    run(&fw, &["ingest", "--quiet", path.to_str().unwrap()]);
    let pelagos = sts::PELAGOS_IMO;
    let gaps = run(&fw, &["report", "gaps", "--vessel", pelagos, "--format", "table"]);
    let encounters = run(&fw, &["report", "encounters", "--vessel", pelagos, "--format", "table"]);
    let indicators = run(&fw, &["report", "indicators", "--vessel", pelagos, "--format", "table"]);
    let encounter_csv = run(&fw, &["report", "encounters", "--vessel", pelagos, "--format", "csv"]);
    assert_eq!(encounter_csv.lines().count(), 2, "one encounter: {encounter_csv}");
    assert!(encounter_csv.contains(",alongside,sea,"), "{encounter_csv}");
    assert!(encounter_csv.contains(",3.0,-3.0,true,,eu"), "{encounter_csv}");
    assert!(gaps.contains("unexplained"), "{gaps}");
    assert!(
        indicators.contains("observed     encounters_with_listed_vessel"),
        "{indicators}"
    );
    let md = format!(
        r##"# Case study: a ship-to-ship transfer at sea after a dark period

*Rendered from fleetwatch's own output; regenerate with
`FLEETWATCH_BLESS=1 cargo test --release --test cli case_study`.*

**The data.** A generated scenario (`fleetwatch::synth::sts`), not a real recording: two
days (9-10 June 2025, UTC) in the Gulf of Laconia, where ship-to-ship transfers of
Russian oil have been reported. An unlisted tanker, PELAGOS ONE (IMO {pelagos}, Marshall
Islands), falls silent for 16 hours while six ships circling the gulf keep reporting; it
is heard again two kilometres from where ARGENT (IMO 9293002, on the EU's Annex XLII
since 21 May 2025) arrives, and the two lie 60 m apart, drifting, for 14 hours, while
PELAGOS ONE's reported draught rises by 3 m and ARGENT's falls by 3 m. The names,
positions and draughts are illustrative; the EU and OFAC lists are the ones bundled with
fleetwatch.

```sh
cargo run --release --example gen_dma -- sts .
fleetwatch ingest {name}
```

## 1. The silence

```console
$ fleetwatch report gaps --vessel {pelagos}
{gaps}```

Seven other vessels were heard within 20 km of where PELAGOS ONE fell silent, and of
where it was heard again, during the silence: the receivers were hearing the area, so
the gap is `unexplained`. That the transponder was switched off is an inference the data
does not make.

## 2. The encounter

```console
$ fleetwatch report encounters --vessel {pelagos}
{encounters}```

Alongside (a median distance of 60 m), at sea (outside every port area), for 13.7 hours;
one draught rose by 3 m and the other fell by 3 m (`transfer_like`); ARGENT was on the EU
list on the day (`listed_b=eu`). An encounter shows that two vessels were close and slow
for hours and what draughts they reported; it does not show what, if anything, passed
between them.

## 3. The indicators

```console
$ fleetwatch report indicators --vessel {pelagos}
{indicators}```

## 4. The dossier

`fleetwatch report vessel {pelagos} --format html > sts-laconia-9472139.html` writes
[`sts-laconia-9472139.html`](sts-laconia-9472139.html): one file to open from disk or
print, with the map of the track, the gap as a dashed line, ARGENT's track during the
encounter, the time line, the reported speed and draught, the indicators and where each
fact came from.
"##
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks-exports");
    compare_or_bless(&dir.join("sts-laconia-9472139.md"), &md);
    compare_or_bless(&dir.join("sts-laconia-9472139.html"), &html(&fw, pelagos));
}
