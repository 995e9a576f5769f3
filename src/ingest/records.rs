//! Vessel records CSV: `imo, mmsi, name, flag, call_sign, observed_at` (and optional
//! `source`), any order, common aliases accepted. Each row is a static report: what a
//! registry, a list or an analyst said a vessel was at one time.

use super::{FileData, Reject};
use crate::columns::{Columns, LineIndex, field, parse_date};
use crate::model::ais::StaticReport;
use crate::model::flag;
use crate::model::identity::SpanSet;

/// Whether a header names vessel records: an identifier, a name or flag, and a time.
pub fn is_records_header(cols: &Columns) -> bool {
    (cols.find(IMO).is_some() || cols.find(MMSI).is_some())
        && (cols.find(NAME).is_some() || cols.find(FLAG).is_some())
        && cols.find(OBSERVED).is_some()
}

const IMO: &[&str] = &["imo", "imo_number", "imonumber"];
const MMSI: &[&str] = &["mmsi"];
const NAME: &[&str] = &["name", "vessel_name", "ship_name", "shipname"];
const FLAG: &[&str] = &["flag", "flag_state", "flag_code"];
const CALL: &[&str] = &["call_sign", "callsign"];
const OBSERVED: &[&str] = &["observed_at", "observed", "timestamp", "date", "as_of", "seen_at"];
const SOURCE: &[&str] = &["source"];

pub fn read(text: &str, default_source: &str) -> Result<FileData, csv::Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let lines = LineIndex::new(text);
    let cols = Columns::new(reader.headers()?);
    let (c_imo, c_mmsi, c_name, c_flag) = (cols.find(IMO), cols.find(MMSI), cols.find(NAME), cols.find(FLAG));
    let (c_call, c_obs, c_src) = (cols.find(CALL), cols.find(OBSERVED), cols.find(SOURCE));
    let mut out = FileData::default();
    let mut spans = SpanSet::default();
    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row);
        out.counts.rows += 1;
        let mut bad = |reason: String| out.rejects.push(Reject { line, reason });
        let imo = match field(&row, c_imo) {
            Some(v) => match crate::model::Imo::parse(&v) {
                Ok(i) => Some(i.to_string()),
                Err(e) => {
                    bad(e.to_string());
                    continue;
                }
            },
            None => None,
        };
        let mmsi = match field(&row, c_mmsi) {
            Some(v) => match crate::model::Mmsi::parse(&v) {
                Ok(m) => Some(m.as_str().parse::<u32>().unwrap_or_default()),
                Err(e) => {
                    bad(e.to_string());
                    continue;
                }
            },
            None => None,
        };
        if imo.is_none() && mmsi.is_none() {
            bad("neither an IMO number nor an MMSI".into());
            continue;
        }
        let Some(ts_ms) = field(&row, c_obs).and_then(|t| observed_time(&t)) else {
            bad(format!(
                "bad or missing observed_at '{}'",
                field(&row, c_obs).unwrap_or_default()
            ));
            continue;
        };
        let raw_flag = field(&row, c_flag);
        let flag = raw_flag.as_deref().and_then(flag::from_name).map(str::to_string);
        if let (Some(f), None) = (&raw_flag, &flag) {
            bad(format!("unknown flag '{f}'"));
            continue;
        }
        spans.observe(StaticReport {
            mmsi,
            ts_ms,
            imo,
            name: field(&row, c_name),
            call_sign: field(&row, c_call),
            ship_type: None,
            length_m: None,
            flag,
            source: field(&row, c_src).unwrap_or_else(|| default_source.to_string()),
        });
    }
    out.spans = spans.finish();
    Ok(out)
}

/// `2025-05-15T08:02:29Z`, `2025-05-15 08:02:29`, or a date (midnight UTC), from 1900 to
/// 2099.
pub fn observed_time(t: &str) -> Option<i64> {
    let t = t.trim();
    let ms = if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        Some(dt.timestamp_millis())
    } else if let Some(ms) = super::aiscsv::iso_time(t.as_bytes()) {
        Some(ms)
    } else {
        parse_date(t, true)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp_millis())
    };
    ms.filter(|ms| crate::model::ais::RECORD_TIMES.contains(ms))
}
