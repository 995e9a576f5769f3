//! The dossier's charts, SVGs over the data's time span: a time line with a row per kind
//! of event, and a series over time (reported speed, draught) drawn as the lowest and
//! highest value of each pixel's column, so that a year of fixes is a thousand columns.

use std::fmt::Write as _;

use super::{Event, esc};
use crate::model::ais::rfc3339;

pub const WIDTH: f64 = 1000.0;
const LEFT: f64 = 110.0;
const RIGHT: f64 = 12.0;
/// A silence this long breaks a series' line.
const BREAK_MS: i64 = 2 * 3_600_000;

/// The time span of the charts, and how a time becomes an abscissa.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Span {
    #[allow(clippy::cast_precision_loss, reason = "milliseconds of years")]
    fn x(&self, ts_ms: i64) -> f64 {
        let t = (ts_ms - self.start_ms) as f64 / (self.end_ms - self.start_ms).max(1) as f64;
        LEFT + t.clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT)
    }

    /// Ticks at the start, the end and three times between, as dates (times when the
    /// span is under three days).
    fn ticks(&self, s: &mut String, y: f64) {
        for k in 0..=4 {
            let t = self.start_ms + (self.end_ms - self.start_ms) * k / 4;
            let text = rfc3339(t);
            let text = if self.end_ms - self.start_ms < 3 * 86_400_000 {
                text[..16].replace('T', " ")
            } else {
                text[..10].to_string()
            };
            let anchor = match k {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            let _ = write!(
                s,
                r#"<text class="tick" x="{:.1}" y="{y:.0}" text-anchor="{anchor}">{text}</text>"#,
                self.x(t)
            );
        }
    }
}

/// The rows of the time line, in order.
const ROWS: [(&str, &str); 5] = [
    ("call", "port calls"),
    ("gap", "AIS gaps"),
    ("encounter", "encounters"),
    ("loitering", "loitering"),
    ("anomaly", "anomalies"),
];

/// Every event as a bar on its kind's row (at least 3 px wide), with its title.
pub fn timeline(events: &[Event], span: Span) -> String {
    let row_h = 26.0;
    #[allow(clippy::cast_precision_loss, reason = "five rows")]
    let h = row_h * ROWS.len() as f64 + 28.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0} {h:.0}" role="img" aria-label="time line of the events">"#
    );
    for (k, (kind, label)) in ROWS.iter().enumerate() {
        #[allow(clippy::cast_precision_loss, reason = "five rows")]
        let y = row_h * k as f64 + 4.0;
        let _ = write!(
            s,
            r#"<text class="row" x="0" y="{:.0}">{label}</text><line class="lane" x1="{LEFT:.0}" y1="{:.1}" x2="{:.0}" y2="{:.1}"/>"#,
            y + 15.0,
            y + 10.0,
            WIDTH - RIGHT,
            y + 10.0
        );
        for e in events.iter().filter(|e| e.kind == *kind) {
            let x0 = span.x(e.start_ms);
            let x1 = span.x(e.end_ms.unwrap_or(span.end_ms)).max(x0 + 3.0);
            let _ = write!(
                s,
                r#"<rect class="bar {kind}" data-id="{}" x="{x0:.1}" y="{:.0}" width="{:.1}" height="20"><title>{}</title></rect>"#,
                esc(&e.id),
                y,
                x1 - x0,
                esc(&e.title())
            );
        }
    }
    span.ticks(&mut s, h - 6.0);
    s.push_str("</svg>");
    s
}

/// A series of (time, value) as the range of values in each pixel's column, with its
/// lowest and highest value on the axis; `None` when there is no value.
pub fn series(label: &str, unit: &str, points: &[(i64, f32)], span: Span, class: &str) -> Option<String> {
    if points.is_empty() {
        return None;
    }
    let (lo, hi) = points
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), (_, v)| (lo.min(*v), hi.max(*v)));
    let (lo, hi) = (f64::from(lo.min(0.0)), f64::from(hi).max(f64::from(lo) + 1.0));
    let h = 150.0;
    let (top, bottom) = (8.0, h - 26.0);
    let y = |v: f64| bottom - (v - lo) / (hi - lo) * (bottom - top);
    // The lowest and highest value in each pixel column, in time order; a silence of
    // over two hours breaks the line.
    let mut lines: Vec<Vec<(i64, f64, f64)>> = Vec::new();
    let mut last_ms = i64::MIN;
    for (t, v) in points {
        #[allow(clippy::cast_possible_truncation, reason = "a pixel column")]
        let col = span.x(*t).floor() as i64;
        let v = f64::from(*v);
        if lines.is_empty() || t.saturating_sub(last_ms) > BREAK_MS {
            lines.push(Vec::new());
        }
        last_ms = *t;
        let Some(columns) = lines.last_mut() else { continue };
        match columns.last_mut() {
            Some(c) if c.0 == col => {
                c.1 = c.1.min(v);
                c.2 = c.2.max(v);
            }
            _ => columns.push((col, v, v)),
        }
    }
    let mut drawn = String::new();
    for columns in &lines {
        let mut line = String::new();
        for (col, low, high) in columns {
            let _ = write!(line, "{col},{:.1} {col},{:.1} ", y(*low), y(*high));
        }
        let _ = write!(drawn, r#"<polyline points="{}"/>"#, line.trim_end());
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="series {class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0} {h:.0}" role="img" aria-label="{label} over time"><text class="row" x="0" y="16">{label}</text><text class="tick" x="{:.0}" y="{:.1}" text-anchor="end">{hi:.1} {unit}</text><text class="tick" x="{:.0}" y="{:.1}" text-anchor="end">{lo:.1} {unit}</text><line class="lane" x1="{LEFT:.0}" y1="{bottom:.1}" x2="{:.0}" y2="{bottom:.1}"/>{drawn}"#,
        LEFT - 6.0,
        top + 8.0,
        LEFT - 6.0,
        bottom,
        WIDTH - RIGHT,
    );
    span.ticks(&mut s, h - 6.0);
    s.push_str("</svg>");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_values_is_a_column_per_pixel() {
        let year = 365 * 86_400_000i64;
        let points: Vec<(i64, f32)> = (0..262_800i64)
            .map(|i| (i * 120_000, f32::from(u8::try_from(i % 7).unwrap())))
            .collect();
        let svg = series(
            "speed",
            "kn",
            &points,
            Span {
                start_ms: 0,
                end_ms: year,
            },
            "speed",
        )
        .unwrap();
        let pairs = svg.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(svg.matches("<polyline").count(), 1, "no silence, one line");
        let n = pairs.split(' ').count();
        assert!(n <= 2 * 900 && n > 1000, "{n}");
        assert!(
            series(
                "speed",
                "kn",
                &[],
                Span {
                    start_ms: 0,
                    end_ms: year
                },
                "speed"
            )
            .is_none()
        );
    }
}
