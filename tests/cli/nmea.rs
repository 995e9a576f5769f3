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
    nmea::read(&text, |_, _, m| {
        decoded.entry((m.msg_type, m.mmsi)).or_default().push(m.clone());
    });
    let expected = std::fs::read_to_string(fixture_path(chk)).unwrap();
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
        let all = decoded
            .get(&(t, mmsi))
            .unwrap_or_else(|| panic!("{log}: no decode for type {t} MMSI {mmsi}: {line}"));
        if t == 24 {
            // gpsd merges parts A (name) and B (type, call sign) into one object.
            for (key, part) in [("shipname", 0), ("callsign", 1)] {
                if let Some(want) = j[key].as_str() {
                    let got = all.iter().filter(|m| m.part == Some(part)).any(|m| {
                        let v = if part == 0 { &m.shipname } else { &m.callsign };
                        v.as_deref() == Some(want.trim_end_matches(['@', ' ']).trim())
                    });
                    assert!(got, "{key}: {line}");
                }
            }
            compared += 1;
            continue;
        }
        // gpsd's logs repeat messages, so each expected object must equal some decode
        // of its (type, MMSI), not the n-th.
        let results: Vec<Result<(), String>> = all.iter().map(|m| check(&j, m)).collect();
        assert!(
            results.iter().any(Result::is_ok),
            "{log}: {}: {line}",
            results[0].clone().unwrap_err()
        );
        compared += 1;
    }
    compared
}

fn check(j: &Value, m: &Message) -> Result<(), String> {
    let scaled = j["scaled"].as_bool().unwrap_or(false);
    let fail = |what: &str| Err(format!("{what} differs"));
    if matches!(m.msg_type, 1 | 2 | 3 | 18 | 19) {
        if let Some(speed) = j["speed"].as_f64() {
            let raw = if scaled { (speed * 10.0).round() } else { speed };
            // 1023 is "not available": the decoder says None.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let want = (raw as u16 != 1023).then_some(raw as u16);
            if m.speed != want {
                return fail("speed");
            }
        }
        if let (Some(lat), Some(lon)) = (j["lat"].as_f64(), j["lon"].as_f64()) {
            let (lat_raw, lon_raw) = if scaled {
                (lat * 600_000.0, lon * 600_000.0)
            } else {
                (lat, lon)
            };
            let near = |v: Option<i32>, want: f64| v.is_some_and(|v| (f64::from(v) - want).abs() < 1.0);
            if !near(m.lat, lat_raw) || !near(m.lon, lon_raw) {
                return fail("position");
            }
        }
        if let Some(h) = j["heading"].as_u64()
            && m.heading.map(u64::from) != (h != 511).then_some(h)
        {
            return fail("heading");
        }
        if let Some(s) = j["status"].as_u64()
            && m.status.map(u64::from) != Some(s)
        {
            return fail("status");
        }
    }
    if let Some(imo) = j["imo"].as_u64()
        && m.imo.map(u64::from) != (imo != 0).then_some(imo)
    {
        return fail("imo");
    }
    for (key, got) in [("shipname", &m.shipname), ("callsign", &m.callsign)] {
        if let Some(want) = j[key].as_str()
            && got.as_deref().unwrap_or("") != want.trim_end_matches(['@', ' ']).trim()
        {
            return fail(key);
        }
    }
    if let Some(t) = j["shiptype"].as_u64()
        && m.shiptype.map(u64::from) != Some(t)
    {
        return fail("shiptype");
    }
    if m.msg_type == 5
        && let Some(d) = j["draught"].as_f64()
    {
        let raw = if scaled { (d * 10.0).round() } else { d };
        if (f64::from(m.draught.unwrap_or(0)) - raw).abs() >= 0.5 {
            return fail("draught");
        }
    }
    Ok(())
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
