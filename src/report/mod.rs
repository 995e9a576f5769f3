//! Turning results into rows with fixed columns, and writing them as CSV, JSON or an
//! aligned table. Writers take any `Write`; only commands hand them stdout.

pub mod arrow;
pub mod calls;
pub mod changes;
pub mod check;
pub mod citation;
pub mod dossier;
pub mod events;
pub mod identity;
pub mod indicators;
pub mod track;
pub mod vessel;

use std::io::{self, Write};

use serde_json::{Map, Value};

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    /// A `GeoJSON` `FeatureCollection` (RFC 7946): a feature per row, its cells the
    /// properties; only for rows that have places.
    Geojson,
    /// A self-contained HTML document: only `report vessel` writes one.
    Html,
    /// An Arrow IPC stream (for an engine to read back).
    Arrow,
}

/// Where a row lies, as (lat, lon) pairs (written lon, lat, as RFC 7946 orders them).
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    Point(f64, f64),
    /// From the first to the last (a jump, a silence).
    Line(Vec<(f64, f64)>),
    /// A track: its points and the time of each (a property `times` in `GeoJSON`).
    Timed(Vec<(f64, f64, i64)>),
}

impl Place {
    fn geojson(&self) -> Value {
        let coord = |&(lat, lon): &(f64, f64)| {
            let round =
                |v: f64| serde_json::Number::from_f64((v * 1e6).round() / 1e6).map_or(Value::Null, Value::Number);
            Value::Array(vec![round(lon), round(lat)])
        };
        match self {
            Self::Point(lat, lon) => serde_json::json!({"type": "Point", "coordinates": coord(&(*lat, *lon))}),
            Self::Line(points) => serde_json::json!({
                "type": "LineString",
                "coordinates": points.iter().map(coord).collect::<Vec<_>>(),
            }),
            Self::Timed(points) if points.len() == 1 => {
                serde_json::json!({"type": "Point", "coordinates": coord(&(points[0].0, points[0].1))})
            }
            Self::Timed(points) => serde_json::json!({
                "type": "LineString",
                "coordinates": points.iter().map(|p| coord(&(p.0, p.1))).collect::<Vec<_>>(),
            }),
        }
    }

    /// Properties the place adds to its feature: the times of a track's points.
    fn properties(&self) -> Option<(&'static str, Value)> {
        match self {
            Self::Timed(points) => Some((
                "times",
                points
                    .iter()
                    .map(|p| Value::String(crate::model::ais::rfc3339(p.2)))
                    .collect(),
            )),
            _ => None,
        }
    }
}

/// One typed cell: strings are escaped for spreadsheets in CSV, numbers and booleans
/// keep their type in JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Str(String),
    /// A number with the decimals it is shown with.
    Num(f64, usize),
    Int(i64),
    Bool(bool),
    Null,
}

impl Cell {
    pub fn opt(v: Option<impl Into<String>>) -> Self {
        v.map_or(Self::Null, |s| Self::Str(s.into()))
    }

    /// The text of the cell as CSV and tables show it (unescaped).
    pub fn text(&self) -> String {
        match self {
            Self::Str(s) => s.clone(),
            Self::Num(v, decimals) => format!("{v:.decimals$}"),
            Self::Int(v) => v.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::Null => String::new(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::Str(s) => Value::String(s.clone()),
            Self::Num(v, decimals) => {
                // Round-trip through the shown text so JSON and CSV agree.
                let shown: f64 = format!("{v:.decimals$}").parse().unwrap_or(*v);
                serde_json::Number::from_f64(shown).map_or(Value::Null, Value::Number)
            }
            Self::Int(v) => Value::from(*v),
            Self::Bool(b) => Value::Bool(*b),
            Self::Null => Value::Null,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Str(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

/// Rows under fixed columns, already in their documented order.
#[derive(Debug, Clone)]
pub struct Rows {
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
    /// Where each row lies, for rows that have places (one per row, or none at all).
    pub places: Vec<Option<Place>>,
}

impl Rows {
    pub fn new(columns: &'static [&'static str]) -> Self {
        Self {
            columns,
            rows: Vec::new(),
            places: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width matches the columns");
        self.rows.push(row);
    }

    /// A row and where it lies.
    pub fn push_at(&mut self, row: Vec<Cell>, place: Option<Place>) {
        self.push(row);
        self.places.resize(self.rows.len() - 1, None);
        self.places.push(place);
    }

    /// Writes in `format`; `Table` gives aligned columns.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Csv => self.write_csv(out),
            Format::Json => self.write_json(out),
            Format::Table => self.write_table(out),
            Format::Geojson => self.write_geojson(out),
            Format::Html => Err(io::Error::other("rows have no HTML form")),
            Format::Arrow => self.write_arrow(out),
        }
    }

    /// A `FeatureCollection`: each row a feature with its place (null where it has none)
    /// and its cells as properties, as `--format json` gives them.
    pub fn write_geojson(&self, out: &mut dyn Write) -> io::Result<()> {
        let features: Vec<Value> = self
            .json_objects()
            .into_iter()
            .enumerate()
            .map(|(i, mut properties)| {
                let place = self.places.get(i).and_then(Option::as_ref);
                if let (Some((key, value)), Value::Object(map)) = (place.and_then(Place::properties), &mut properties) {
                    map.insert(key.to_string(), value);
                }
                let geometry = place.map_or(Value::Null, Place::geojson);
                serde_json::json!({"type": "Feature", "geometry": geometry, "properties": properties})
            })
            .collect();
        serde_json::to_writer(
            &mut *out,
            &serde_json::json!({"type": "FeatureCollection", "features": features}),
        )?;
        writeln!(out)
    }

    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(self.columns)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Str(s) => escape_formula(&visible(s)),
                other => other.text(),
            }))?;
        }
        w.flush()
    }

    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.json_objects())?;
        writeln!(out)
    }

    /// Each row as a JSON object keyed by the columns.
    pub fn json_objects(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|row| {
                let mut obj = Map::new();
                for (k, c) in self.columns.iter().zip(row) {
                    obj.insert((*k).to_string(), c.json());
                }
                Value::Object(obj)
            })
            .collect()
    }

    /// The text of one column of a row (empty when there is no such column).
    pub fn text(&self, row: usize, column: &str) -> String {
        self.columns
            .iter()
            .position(|c| *c == column)
            .map(|i| self.rows[row][i].text())
            .unwrap_or_default()
    }

    pub fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let texts: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| visible(&c.text()).into_owned()).collect())
            .collect();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                texts
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([c.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| -> String {
            let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            padded.join("  ").trim_end().to_string()
        };
        writeln!(out, "{}", line(self.columns.to_vec()))?;
        for r in &texts {
            writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
        }
        Ok(())
    }
}

/// Text with the characters that would act on a terminal or hide what it says made
/// visible as `\u{..}`: control characters other than newline and tab (an escape
/// sequence can clear a screen, retitle a window, or forge a line), and the Unicode
/// controls that reorder text (a right-to-left override makes `evil.exe` read as
/// `exe.live`). Names from lists and files nobody controls go through it before a
/// table, a CSV file or standard error shows them.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.contains(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A writer that passes text through [`visible`] (for standard error, where messages
/// quote the fields of bad rows).
pub struct Visible<W> {
    inner: W,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Self {
        Self { inner }
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.inner.write_all(visible(text).as_bytes()),
            Err(_) => self.inner.write_all(visible(&String::from_utf8_lossy(buf)).as_bytes()),
        }?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A cell a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR)
/// gets a leading apostrophe. Numbers (`-1.5`) are values, not formulas, and stay.
pub fn escape_formula(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_escaped_numbers_are_not() {
        assert_eq!(escape_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_formula("-1.5"), "-1.5");
        assert_eq!(escape_formula("\tx"), "'\tx");
        assert_eq!(escape_formula("ARGENT"), "ARGENT");
    }

    #[test]
    fn controls_and_reordering_are_made_visible() {
        assert_eq!(visible("JAGUAR"), "JAGUAR");
        assert!(matches!(visible("a\tb\nc"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(visible("\u{1b}[2JRED\u{7}"), "\\u{1b}[2JRED\\u{7}");
        assert_eq!(visible("A\u{202e}B\r"), "A\\u{202e}B\\u{d}");
        assert_eq!(visible("\u{85}\u{2069}"), "\\u{85}\\u{2069}");
        let mut out = Visible::new(Vec::new());
        let field = "\u{1b}]0;owned\u{7}";
        write!(out, "bad MMSI '{field}'").unwrap();
        assert_eq!(
            String::from_utf8(out.inner).unwrap(),
            "bad MMSI '\\u{1b}]0;owned\\u{7}'"
        );
    }

    #[test]
    fn json_keeps_types_and_csv_keys() {
        let mut rows = Rows::new(&["a", "b", "c"]);
        rows.push(vec![Cell::from("x"), Cell::Num(0.857_14, 2), Cell::Bool(true)]);
        let mut out = Vec::new();
        rows.write_json(&mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0]["b"], serde_json::json!(0.86));
        assert_eq!(v[0]["c"], serde_json::json!(true));
    }
}
