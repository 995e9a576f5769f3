//! Port-call detection from one vessel's fixes in time order. A fix is in port within
//! the port's radius to enter, and stays in until beyond the radius plus a margin to
//! leave; a call is a run of in-port fixes that includes a stop and lasts long enough.
//! Silences under the gap limit do not split a call, nor does one outlying fix (the
//! track is cleaned first, so a fix it could not have reached is not even seen; one that
//! it could have reached but lies outside the port, between two inside, is passed over).
//! No I/O.

use super::behaviour::{Params as Behaviour, hours_ms};
use super::clean;
use super::ports::Gazetteer;
use crate::model::ais::FixRow;

/// The detection rule's parameters (defaults per the specification).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Added to a port's radius to leave it (enter at 3 km, leave at 4 km).
    pub leave_margin_km: f64,
    /// Below this speed a vessel is stopped.
    pub stop_kn: f32,
    /// Above this speed it moves again.
    pub move_kn: f32,
    /// A call lasts at least this long.
    pub min_duration_h: f64,
    /// A silence longer than this ends a call.
    pub max_gap_h: f64,
}

impl Params {
    /// The rule's defaults (the specification's), which `report port-calls` flags
    /// start from.
    pub const DEFAULT: Self = Self {
        leave_margin_km: 1.0,
        stop_kn: 0.5,
        move_kn: 1.0,
        min_duration_h: 2.0,
        max_gap_h: 12.0,
    };
}

impl Default for Params {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How much of a call was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Confidence {
    /// The stop only.
    Low,
    /// The stop, and the entry or the exit.
    Medium,
    /// Entry, stop and exit.
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One detected call.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Call {
    pub mmsi: u32,
    /// Index of the port in the gazetteer.
    pub port: usize,
    pub arrival_ms: i64,
    pub departure_ms: i64,
    pub positions: u32,
    pub draught_arrival_m: Option<f32>,
    pub draught_departure_m: Option<f32>,
    pub confidence: Confidence,
}

impl Call {
    pub fn duration_h(&self) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "milliseconds of a port stay")]
        let h = (self.departure_ms - self.arrival_ms) as f64 / 3_600_000.0;
        h
    }

    /// Departure draught minus arrival draught.
    pub fn draught_change_m(&self) -> Option<f32> {
        Some(self.draught_departure_m? - self.draught_arrival_m?)
    }
}

/// A call being built.
struct Open {
    port: usize,
    first: usize,
    last: usize,
    positions: u32,
    stopped: bool,
    entry_seen: bool,
}

fn is_stopped(f: &FixRow, params: &Params, was_stopped: bool) -> bool {
    if matches!(f.status(), Some(1 | 5)) {
        return true; // at anchor, moored
    }
    match f.sog_kn() {
        Some(s) if s < params.stop_kn => true,
        Some(s) if s > params.move_kn => false,
        Some(_) | None => was_stopped,
    }
}

/// The calls in one vessel's fixes (sorted by time), in time order.
pub fn detect(fixes: &[FixRow], ports: &Gazetteer, params: &Params) -> Vec<Call> {
    #[allow(clippy::cast_possible_truncation, reason = "hours in milliseconds fit i64")]
    let gap_ms = (params.max_gap_h * 3_600_000.0) as i64;
    let mut calls = Vec::new();
    let mut open: Option<Open> = None;
    let mut stopped = false;
    let mut i = 0;
    while i < fixes.len() {
        let f = &fixes[i];
        stopped = is_stopped(f, params, stopped);
        if let Some(call) = open.as_mut() {
            let near = ports.contains(call.port, f.lat(), f.lon(), params.leave_margin_km);
            let silent_too_long = f.ts_ms - fixes[call.last].ts_ms > gap_ms;
            if near && !silent_too_long {
                call.last = i;
                call.positions += 1;
                call.stopped |= stopped;
                i += 1;
                continue;
            }
            // One fix outside, the next back in the same port: an outlier, not an exit.
            if !near
                && !silent_too_long
                && fixes.get(i + 1).is_some_and(|n| {
                    ports.contains(call.port, n.lat(), n.lon(), params.leave_margin_km)
                        && n.ts_ms - fixes[call.last].ts_ms <= gap_ms
                })
            {
                i += 1;
                continue;
            }
            let exit_seen = !near && !silent_too_long;
            close(open.take(), fixes, params, exit_seen, &mut calls);
            // Fall through: this fix may start a new call.
        }
        if let Some((port, _)) = ports.locate(f.lat(), f.lon(), 0.0) {
            let entry_seen = i > 0
                && f.ts_ms - fixes[i - 1].ts_ms <= gap_ms
                && ports.locate(fixes[i - 1].lat(), fixes[i - 1].lon(), 0.0).map(|p| p.0) != Some(port);
            open = Some(Open {
                port,
                first: i,
                last: i,
                positions: 1,
                stopped,
                entry_seen,
            });
        }
        i += 1;
    }
    close(open, fixes, params, false, &mut calls);
    calls
}

fn close(open: Option<Open>, fixes: &[FixRow], params: &Params, exit_seen: bool, calls: &mut Vec<Call>) {
    let Some(o) = open else { return };
    let (first, last) = (&fixes[o.first], &fixes[o.last]);
    #[allow(clippy::cast_precision_loss, reason = "milliseconds of a port stay")]
    let hours = (last.ts_ms - first.ts_ms) as f64 / 3_600_000.0;
    if !o.stopped || hours < params.min_duration_h {
        return;
    }
    let in_call = &fixes[o.first..=o.last];
    let confidence = match (o.entry_seen, exit_seen) {
        (true, true) => Confidence::High,
        (true, false) | (false, true) => Confidence::Medium,
        (false, false) => Confidence::Low,
    };
    calls.push(Call {
        mmsi: first.mmsi,
        port: o.port,
        arrival_ms: first.ts_ms,
        departure_ms: last.ts_ms,
        positions: o.positions,
        draught_arrival_m: in_call.iter().find_map(FixRow::draught_m),
        draught_departure_m: in_call.iter().rev().find_map(FixRow::draught_m),
        confidence,
    });
}

/// Every call in a set of fixes sorted by (MMSI, time), vessel after vessel, in order.
/// Each vessel's track is cleaned first (the behaviour events' cleaning): bad fixes are
/// left out and calls are detected on each segment of it.
pub fn detect_vessels(rows: &[FixRow], ports: &Gazetteer, params: &Params) -> Vec<Call> {
    let mut out = Vec::new();
    let mut segment: Vec<FixRow> = Vec::new();
    for fixes in rows.chunk_by(|a, b| a.mmsi == b.mmsi) {
        let track = clean::clean(fixes, hours_ms(Behaviour::DEFAULT.min_gap_h));
        if track.bad.is_empty() && track.segments.len() == 1 {
            out.extend(detect(fixes, ports, params));
            continue;
        }
        let mut calls: Vec<Call> = Vec::new();
        for seg in &track.segments {
            segment.clear();
            segment.extend(seg.fixes.iter().map(|&i| fixes[i]));
            calls.extend(detect(&segment, ports, params));
        }
        calls.sort_by_key(|c| c.arrival_ms);
        out.extend(calls);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;
    use crate::model::port::Port;

    const H: i64 = 3_600_000;

    fn port() -> Gazetteer {
        Gazetteer::new(vec![Port::point("RUPRI", "Primorsk", 60.345, 28.70, 3.0)])
    }

    fn fix(ts_ms: i64, km_north: f64, sog: f32, draught: f32) -> FixRow {
        FixRow::from(Fix {
            mmsi: 626_313_000,
            ts_ms,
            lat: 60.345 + km_north / 111.195,
            lon: 28.70,
            sog_kn: Some(sog),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: Some(draught),
        })
    }

    /// Approach from 20 km, stay `stay_h` hours stopped, leave to 20 km.
    fn visit(stay_h: i64, arrive_draught: f32, leave_draught: f32) -> Vec<FixRow> {
        let mut v = vec![fix(0, 20.0, 11.0, arrive_draught), fix(H, 2.0, 3.0, arrive_draught)];
        for k in 0..=stay_h {
            v.push(fix(
                H + k * H,
                0.5,
                0.1,
                if k == stay_h { leave_draught } else { arrive_draught },
            ));
        }
        v.push(fix((stay_h + 2) * H, 20.0, 11.0, leave_draught));
        v
    }

    #[test]
    fn a_stop_seen_from_entry_to_exit_is_a_high_confidence_call() {
        let calls = detect(&visit(30, 8.1, 14.6), &port(), &Params::default());
        assert_eq!(calls.len(), 1);
        let c = &calls[0];
        assert_eq!((c.arrival_ms, c.departure_ms), (H, 31 * H));
        assert_eq!(c.confidence, Confidence::High);
        assert!((c.draught_change_m().unwrap() - 6.5).abs() < 1e-4, "loading");
    }

    #[test]
    fn a_stop_shorter_than_the_minimum_is_no_call() {
        let mut v = visit(0, 8.0, 8.0);
        v.truncate(3);
        assert!(detect(&v, &port(), &Params::default()).is_empty());
    }

    #[test]
    fn a_fast_transit_is_no_call() {
        let v: Vec<FixRow> = (0..10)
            .map(|k| fix(k * H / 4, 5.0 - f64::from(u8::try_from(k).unwrap()), 12.0, 8.0))
            .collect();
        assert!(detect(&v, &port(), &Params::default()).is_empty());
    }

    #[test]
    fn a_single_outlier_does_not_split_a_call() {
        let mut v = visit(10, 8.0, 8.0);
        v[6] = fix(v[6].ts_ms, 30.0, 0.1, 8.0);
        let calls = detect(&v, &port(), &Params::default());
        assert_eq!(calls.len(), 1, "{calls:?}");
    }

    #[test]
    fn a_silence_under_the_limit_does_not_split_but_a_longer_one_does() {
        let mut v = visit(30, 8.0, 8.0);
        v.retain(|f| !(10 * H..20 * H).contains(&f.ts_ms)); // a 10-hour silence
        assert_eq!(detect(&v, &port(), &Params::default()).len(), 1);
        let mut v = visit(40, 8.0, 8.0);
        v.retain(|f| !(10 * H..24 * H).contains(&f.ts_ms)); // 15 hours
        assert_eq!(detect(&v, &port(), &Params::default()).len(), 2);
    }

    #[test]
    fn waiting_at_anchor_outside_the_port_is_no_call() {
        let v: Vec<FixRow> = (0..20).map(|k| fix(k * H, 8.0, 0.1, 8.0)).collect();
        assert!(detect(&v, &port(), &Params::default()).is_empty());
    }
}
