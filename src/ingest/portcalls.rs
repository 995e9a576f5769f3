//! Port-call records from other providers: `imo|mmsi, port|locode, arrival, departure`
//! (and optional `port_name`, `source`). Kept as they are, marked by source, to stand
//! beside the calls fleetwatch detects.

use super::{FileData, Reject};
use crate::columns::{Columns, LineIndex, field};
use crate::model::portcall::PortCallRecord;

const IMO: &[&str] = &["imo", "imo_number"];
const MMSI: &[&str] = &["mmsi"];
const PORT: &[&str] = &["locode", "port", "port_locode", "unlocode"];
const ARRIVAL: &[&str] = &["arrival", "arrival_utc", "start", "arrived"];
const DEPARTURE: &[&str] = &["departure", "departure_utc", "end", "departed"];

pub fn is_port_call_header(cols: &Columns) -> bool {
    (cols.find(IMO).is_some() || cols.find(MMSI).is_some()) && cols.find(PORT).is_some() && cols.find(ARRIVAL).is_some()
}

pub fn read(text: &str, default_source: &str) -> Result<FileData, csv::Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let lines = LineIndex::new(text);
    let cols = Columns::new(reader.headers()?);
    let (c_imo, c_mmsi, c_port) = (cols.find(IMO), cols.find(MMSI), cols.find(PORT));
    let (c_arr, c_dep, c_src) = (cols.find(ARRIVAL), cols.find(DEPARTURE), cols.find(&["source"]));
    let c_hours = cols.find(&["hours", "duration_h", "duration_hours"]);
    let mut out = FileData::default();
    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row);
        out.counts.rows += 1;
        let imo = field(&row, c_imo).map(|v| crate::model::imo::strip_imo_prefix(&v).to_string());
        if let Some(i) = &imo
            && !crate::model::imo::is_valid(i)
        {
            out.rejects.push(Reject {
                line,
                reason: format!("IMO '{i}' fails its check digit"),
            });
            continue;
        }
        let mmsi = field(&row, c_mmsi).and_then(|m| m.parse::<u32>().ok());
        let (Some(port), Some(arrival_ms)) = (
            field(&row, c_port),
            field(&row, c_arr).and_then(|a| super::records::observed_time(&a)),
        ) else {
            out.rejects.push(Reject {
                line,
                reason: "missing port or arrival time".into(),
            });
            continue;
        };
        if imo.is_none() && mmsi.is_none() {
            out.rejects.push(Reject {
                line,
                reason: "neither an IMO number nor an MMSI".into(),
            });
            continue;
        }
        out.calls.push(PortCallRecord {
            imo,
            mmsi,
            port: port.replace(' ', "").to_uppercase(),
            arrival_ms,
            departure_ms: field(&row, c_dep)
                .and_then(|d| super::records::observed_time(&d))
                .or_else(|| {
                    let hours: f64 = field(&row, c_hours)?.parse().ok()?;
                    #[allow(clippy::cast_possible_truncation, reason = "a stay in milliseconds fits i64")]
                    Some(arrival_ms + (hours * 3_600_000.0).round() as i64)
                }),
            source: field(&row, c_src).unwrap_or_else(|| default_source.to_string()),
        });
    }
    Ok(out)
}
