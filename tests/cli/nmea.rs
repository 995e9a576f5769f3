//! The NMEA decoder against gpsd's expected decodes of real AIVDM traffic.

use std::collections::HashMap;

use fleetwatch::ingest::nmea::{self, Message};
use serde_json::Value;

use crate::fixture_path;

/// Decodes a file and compares every message of a supported type with gpsd's JSON for
/// it, matched in order per (type, MMSI). Returns how many were compared.
fn compare(log: &str, chk: &str) -> usize {
    let text = std::fs::read_to_string(fixture_path(log)).unwrap();
    let mut decoded: HashMap<(u8, u32), Vec<Message>> = HashMap::new();
    nmea::read(&text, |_, _, m| decoded.entry((m.msg_type, m.mmsi)).or_default().push(m.clone()));
    let expected = std::fs::read_to_string(fixture_path(chk)).unwrap();
    let mut taken: HashMap<(u8, u32), usize> = HashMap::new();
    let mut compared = 0;
    for line in expected.lines().filter(|l| l.starts_with('{')) {
        let j: Value = serde_json::from_str(line).unwrap();
        if j["class"] != "AIS" {
            continue;
        }
        let t = u8::try_from(j["type"].as_u64().unwrap()).unwrap();
        if ![1, 2, 3, 5, 18, 19, 24].contains(&t) {
            continue;
        }
        let mmsi = u32::try_from(j["mmsi"].as_u64().unwrap()).unwrap();
        let n = taken.entry((t, mmsi)).or_default();
        let m = decoded
            .get(&(t, mmsi))
            .and_then(|v| v.get(*n))
            .unwrap_or_else(|| panic!("{log}: no decode for type {t} MMSI {mmsi} #{n}: {line}"));
        *n += 1;
        check(&j, m, line);
        compared += 1;
    }
    compared
}

fn check(j: &Value, m: &Message, line: &str) {
    let scaled = j["scaled"].as_bool().unwrap_or(false);
    if matches!(m.msg_type, 1 | 2 | 3 | 18 | 19) {
        if let Some(speed) = j["speed"].as_f64() {
            let raw = if scaled { (speed * 10.0).round() } else { speed };
            // 1023 is "not available": the decoder says None.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let want = (raw as u16 != 1023).then_some(raw as u16);
            assert_eq!(m.speed, want, "speed: {line}");
        }
        if let (Some(lat), Some(lon)) = (j["lat"].as_f64(), j["lon"].as_f64()) {
            let (lat_raw, lon_raw) = if scaled { (lat * 600_000.0, lon * 600_000.0) } else { (lat, lon) };
            assert!((f64::from(m.lat.unwrap()) - lat_raw).abs() < 1.0, "lat: {line}");
            assert!((f64::from(m.lon.unwrap()) - lon_raw).abs() < 1.0, "lon: {line}");
        }
        if let Some(h) = j["heading"].as_u64() {
            assert_eq!(m.heading.map(u64::from), (h != 511).then_some(h), "heading: {line}");
        }
        if let Some(s) = j["status"].as_u64() {
            assert_eq!(m.status.map(u64::from), Some(s), "status: {line}");
        }
    }
    if let Some(imo) = j["imo"].as_u64() {
        assert_eq!(m.imo.map(u64::from), (imo != 0).then_some(imo), "imo: {line}");
    }
    for (key, got) in [("shipname", &m.shipname), ("callsign", &m.callsign)] {
        if let Some(want) = j[key].as_str() {
            let want = want.trim_end_matches(['@', ' ']).trim();
            assert_eq!(got.as_deref().unwrap_or(""), want, "{key}: {line}");
        }
    }
    if let Some(t) = j["shiptype"].as_u64() {
        assert_eq!(m.shiptype.map(u64::from), Some(t), "shiptype: {line}");
    }
    if m.msg_type == 5
        && let Some(d) = j["draught"].as_f64()
    {
        let raw = if scaled { (d * 10.0).round() } else { d };
        assert!((f64::from(m.draught.unwrap_or(0)) - raw).abs() < 0.5, "draught: {line}");
    }
}

#[test]
fn decodes_agree_with_gpsd_on_its_sample() {
    let n = compare("ais/gpsd_sample.aivdm", "ais/gpsd_sample.aivdm.js.chk");
    assert!(n >= 15, "only {n} messages compared");
}

#[test]
fn decodes_agree_with_gpsd_on_a_receiver_log() {
    let n = compare("ais/gpsd_ais-nmea.log", "ais/gpsd_ais-nmea.log.chk");
    assert!(n >= 100, "only {n} messages compared");
}
