//! Rows of `report track`: a vessel's segments after cleaning, each with where and when
//! it starts and ends, and (for `GeoJSON`) its fixes as a line with their times.

use super::{Cell, Place, Rows};
use crate::model::ais::rfc3339;
use crate::model::mmsi;

pub const TRACK_COLUMNS: &[&str] = &[
    "mmsi",
    "segment",
    "started_by",
    "start_utc",
    "end_utc",
    "fixes",
    "start_lat",
    "start_lon",
    "end_lat",
    "end_lon",
];

/// One segment of a vessel's track.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentLine {
    pub mmsi: u32,
    /// Its number in the vessel's track (from 1, in order of first fix).
    pub number: usize,
    /// `first`, `teleport` or `reappearance`.
    pub started_by: &'static str,
    /// (lat, lon, time) of each accepted fix, in time order (never empty).
    pub points: Vec<(f64, f64, i64)>,
}

/// Segments sorted by MMSI, start.
pub fn track_rows(mut segments: Vec<SegmentLine>) -> Rows {
    segments.sort_by_key(|s| (s.mmsi, s.points[0].2));
    let mut rows = Rows::new(TRACK_COLUMNS);
    for s in segments {
        let (first, last) = (s.points[0], s.points[s.points.len() - 1]);
        let cells = vec![
            Cell::Str(mmsi::digits(s.mmsi)),
            Cell::Int(i64::try_from(s.number).unwrap_or(i64::MAX)),
            Cell::from(s.started_by),
            Cell::Str(rfc3339(first.2)),
            Cell::Str(rfc3339(last.2)),
            Cell::Int(i64::try_from(s.points.len()).unwrap_or(i64::MAX)),
            Cell::Num(first.0, 5),
            Cell::Num(first.1, 5),
            Cell::Num(last.0, 5),
            Cell::Num(last.1, 5),
        ];
        rows.push_at(cells, Some(Place::Timed(s.points)));
    }
    rows
}
