//! `--format geojson` (RFC 7946: lon, lat) for the reports of places, on the behaviour
//! and encounter scenarios: a feature per row, the row's fields as its properties, and a
//! clear usage error for the reports without places.

use serde_json::Value;

use crate::Fw;

fn geojson(fw: &Fw, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "geojson"]);
    let run = fw.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    v
}

fn csv(fw: &Fw, args: &[&str]) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    fw.run(&all).csv_rows()
}

/// Each feature's properties are its CSV row's fields, in order.
fn same_rows(features: &[Value], rows: &[std::collections::BTreeMap<String, String>]) {
    assert_eq!(features.len(), rows.len());
    assert!(!rows.is_empty());
    for (f, r) in features.iter().zip(rows) {
        assert_eq!(f["type"], "Feature");
        assert_eq!(
            f["properties"]["event_id"].as_str(),
            r.get("event_id").map(String::as_str)
        );
    }
}

fn coords(v: &Value) -> Vec<(f64, f64)> {
    let one = |c: &Value| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    match v["type"].as_str() {
        Some("Point") => vec![one(&v["coordinates"])],
        Some("LineString") => v["coordinates"].as_array().unwrap().iter().map(one).collect(),
        other => panic!("{other:?}"),
    }
}

fn num(r: &std::collections::BTreeMap<String, String>, k: &str) -> f64 {
    r[k].parse().unwrap()
}

#[test]
fn events_are_points_and_lines_in_lon_lat_order() {
    let (fw, ports) = crate::behaviour::scenario(1);
    let gaps = geojson(&fw, &["gaps", "--ports", &ports]);
    let gap_rows = csv(&fw, &["gaps", "--ports", &ports]);
    let features = gaps["features"].as_array().unwrap();
    same_rows(features, &gap_rows);
    for (f, r) in features.iter().zip(&gap_rows) {
        let c = coords(&f["geometry"]);
        assert!((c[0].0 - num(r, "start_lon")).abs() < 1e-5 && (c[0].1 - num(r, "start_lat")).abs() < 1e-5);
        if r["open"] == "true" {
            assert_eq!(f["geometry"]["type"], "Point");
        } else {
            assert_eq!(f["geometry"]["type"], "LineString");
            assert!((c[1].0 - num(r, "end_lon")).abs() < 1e-5 && (c[1].1 - num(r, "end_lat")).abs() < 1e-5);
        }
    }
    let loitering = geojson(&fw, &["loitering", "--ports", &ports]);
    let loiter_rows = csv(&fw, &["loitering", "--ports", &ports]);
    let features = loitering["features"].as_array().unwrap();
    same_rows(features, &loiter_rows);
    let c = coords(&features[0]["geometry"]);
    assert!((c[0].0 - num(&loiter_rows[0], "lon")).abs() < 1e-5);
    let anomalies = geojson(&fw, &["anomalies", "--ports", &ports]);
    same_rows(
        anomalies["features"].as_array().unwrap(),
        &csv(&fw, &["anomalies", "--ports", &ports]),
    );
    // The port calls sit at their port's point: Testhamn, 55.8 N 17.3 E.
    let calls = geojson(&fw, &["port-calls", "--ports", &ports]);
    let features = calls["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(features.iter().all(|f| coords(&f["geometry"]) == vec![(17.3, 55.8)]));
    assert_eq!(features[0]["properties"]["port_locode"], "XXTST");
}

#[test]
fn encounters_are_points_at_their_median_position() {
    let fw = Fw::new();
    let (name, bytes) = fleetwatch::synth::encounters::file();
    let path = fw.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let ports = fw.dir.path().join("ports.csv");
    std::fs::write(&ports, fleetwatch::synth::encounters::PORTS_CSV).unwrap();
    let (path, ports) = (path.to_str().unwrap(), ports.to_str().unwrap());
    let v = geojson(&fw, &["encounters", "--input", path, "--ports", ports]);
    let rows = csv(&fw, &["encounters", "--input", path, "--ports", ports]);
    let features = v["features"].as_array().unwrap();
    same_rows(features, &rows);
    for (f, r) in features.iter().zip(&rows) {
        let c = coords(&f["geometry"]);
        assert_eq!((c.len(), f["geometry"]["type"].as_str()), (1, Some("Point")));
        assert!((c[0].0 - num(r, "lon")).abs() < 1e-5 && (c[0].1 - num(r, "lat")).abs() < 1e-5);
    }
    assert_eq!(features[1]["properties"]["transfer_like"], true);
    assert_eq!(features[1]["properties"]["median_distance_m"], 60.0);
}

#[test]
fn a_report_without_places_refuses_geojson() {
    let fw = Fw::new();
    let run = fw.run(&["check", "Jaguar", "--format", "geojson"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--format geojson is for the reports of places"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_track_is_its_segments_as_lines_with_the_time_of_each_fix() {
    let (fw, _) = crate::behaviour::scenario(1);
    let jumper = fleetwatch::synth::behaviour::mmsi::TELEPORT.to_string();
    let v = geojson(&fw, &["track", &jumper]);
    let features = v["features"].as_array().unwrap();
    let rows = csv(&fw, &["track", &jumper]);
    assert_eq!(features.len(), rows.len());
    // Jumps 100 km at 11:00 and goes on from there: two segments.
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r["started_by"].as_str(), &r["start_utc"][11..16], r["fixes"].as_str()))
        .collect();
    assert_eq!(got, vec![("first", "00:00", "330"), ("teleport", "11:00", "390")]);
    for (f, r) in features.iter().zip(&rows) {
        assert_eq!(f["geometry"]["type"], "LineString");
        let c = coords(&f["geometry"]);
        let times = f["properties"]["times"].as_array().unwrap();
        assert_eq!(times.len(), c.len());
        assert_eq!(c.len().to_string(), r["fixes"]);
        assert_eq!(times[0].as_str(), Some(r["start_utc"].as_str()));
        assert!((c[0].0 - num(r, "start_lon")).abs() < 1e-5 && (c[0].1 - num(r, "start_lat")).abs() < 1e-5);
    }
    // A window keeps the segments that overlap it, whole.
    let late = csv(&fw, &["track", &jumper, "--since", "2025-03-01T12:00:00Z"]);
    assert_eq!(late.len(), 1);
    assert_eq!(late[0]["fixes"], "390");
    let none = fw.run(&["report", "track", "NO SUCH SHIP"]);
    assert_eq!(none.code, 2, "{}", none.stderr);
}

/// `ogrinfo` (GDAL, what QGIS reads `GeoJSON` with), when installed: CI installs it and
/// sets `FLEETWATCH_REQUIRE_TOOLS`; without it the test says so and passes.
fn ogrinfo() -> bool {
    let found = std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("FLEETWATCH_REQUIRE_TOOLS").is_none(),
            "FLEETWATCH_REQUIRE_TOOLS is set and there is no ogrinfo (apt-get install gdal-bin)"
        );
        eprintln!("no ogrinfo on PATH: GDAL did not open the GeoJSON (apt-get install gdal-bin)");
    }
    found
}

/// What GDAL says of a `GeoJSON` file: its feature count and its extent (min lon, min lat,
/// max lon, max lat).
fn gdal_summary(path: &std::path::Path) -> (usize, [f64; 4]) {
    let out = std::process::Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(path)
        .output()
        .unwrap();
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success() && !err.contains("ERROR"), "{err}");
    let count = text
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .unwrap_or_else(|| panic!("{text}"))
        .trim()
        .parse()
        .unwrap();
    // Extent: (22.565000, 36.545000) - (23.001000, 36.760000)
    let extent = text.lines().find_map(|l| l.strip_prefix("Extent: ")).unwrap();
    let n: Vec<f64> = extent
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty() && *s != "-")
        .map(|s| s.parse().unwrap())
        .collect();
    (count, [n[0], n[1], n[2], n[3]])
}

#[test]
fn gdal_opens_every_report_of_places_as_it_is() {
    if !ogrinfo() {
        return;
    }
    let (fw, ports) = crate::behaviour::scenario(1);
    let jumper = fleetwatch::synth::behaviour::mmsi::TELEPORT.to_string();
    let met = Fw::new();
    let (name, bytes) = fleetwatch::synth::encounters::file();
    let file = met.dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    assert_eq!(met.run(&["--quiet", "ingest", file.to_str().unwrap()]).code, 0);
    let met_ports = met.dir.path().join("ports.csv");
    std::fs::write(&met_ports, fleetwatch::synth::encounters::PORTS_CSV).unwrap();
    let met_ports = met_ports.to_string_lossy().into_owned();
    let reports: [(&Fw, &[&str]); 6] = [
        (&fw, &["port-calls", "--ports", &ports]),
        (&fw, &["gaps", "--ports", &ports]),
        (&fw, &["loitering", "--ports", &ports]),
        (&fw, &["anomalies"]),
        (&fw, &["track", &jumper]),
        (&met, &["encounters", "--ports", &met_ports]),
    ];
    for (fw, args) in reports {
        let v = geojson(fw, args);
        let features = v["features"].as_array().unwrap();
        assert!(!features.is_empty(), "{args:?}");
        let path = fw.dir.path().join(format!("{}.geojson", args[0]));
        std::fs::write(&path, v.to_string()).unwrap();
        let (count, [lon0, lat0, lon1, lat1]) = gdal_summary(&path);
        assert_eq!(count, features.len(), "{args:?}");
        // GDAL reads the first coordinate as the longitude: the extent is ours.
        let all: Vec<(f64, f64)> = features
            .iter()
            .filter(|f| !f["geometry"].is_null())
            .flat_map(|f| coords(&f["geometry"]))
            .collect();
        let lon_min = all.iter().map(|c| c.0).fold(f64::MAX, f64::min);
        let lat_max = all.iter().map(|c| c.1).fold(f64::MIN, f64::max);
        assert!(
            (lon0 - lon_min).abs() < 1e-5 && (lat1 - lat_max).abs() < 1e-5,
            "{args:?}"
        );
        assert!(lon0 <= lon1 && lat0 <= lat1);
    }
}
