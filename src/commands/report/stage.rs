//! What the stages of a distributed run (`--stage`, for `spark/fleetwatch_job.py`) share:
//! their partial results, passed between stages as Arrow IPC streams of `kind, key,
//! json` rows (`key` the partition a row goes to, when the next stage needs one), the
//! positions a worker is given, and the coarse cells encounters are partitioned by.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::detect::Tracks;
use super::inputs::read_inputs;
use crate::cli::{Sources, Stage};
use crate::error::UserError;
use crate::ingest::arrow::{ArrowError, PARTIAL_COLUMNS, text_rows};
use crate::model::port::KM_PER_DEG;
use crate::report::arrow::{Values, write_stream};
use crate::settings::Settings;

/// One partial result.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub kind: String,
    pub key: Option<String>,
    pub json: String,
}

impl Partial {
    /// # Panics
    /// Never: the values of partial results are plain data.
    pub fn new<T: Serialize>(kind: &str, key: Option<String>, value: &T) -> Self {
        Self {
            kind: kind.to_string(),
            key,
            json: serde_json::to_string(value).expect("partial results serialise"),
        }
    }
}

/// Partial results as an Arrow IPC stream.
pub fn write(partials: Vec<Partial>, out: &mut dyn Write) -> anyhow::Result<()> {
    let (mut kinds, mut keys, mut jsons) = (Vec::new(), Vec::new(), Vec::new());
    for p in partials {
        kinds.push(Some(p.kind));
        keys.push(p.key);
        jsons.push(Some(p.json));
    }
    write_stream(
        &[
            ("kind", Values::Utf8(kinds)),
            ("key", Values::Utf8(keys)),
            ("json", Values::Utf8(jsons)),
        ],
        out,
    )?;
    Ok(())
}

/// The partial results of `--partials` (files, or `-` standard input), in their order.
pub fn read(paths: &[PathBuf]) -> anyhow::Result<Vec<Partial>> {
    let mut partials = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        let read = if shown == "-" {
            read_stream(std::io::stdin().lock(), &mut partials)
        } else {
            let file = std::fs::File::open(path).with_context(|| format!("cannot read {shown}"))?;
            read_stream(file, &mut partials)
        };
        read.map_err(|e| UserError::new(format!("{shown}: {e}")).hint("--partials are what an earlier --stage wrote"))?;
    }
    Ok(partials)
}

/// The partial results of one Arrow IPC stream, added to `partials`.
fn read_stream(reader: impl std::io::Read, partials: &mut Vec<Partial>) -> Result<(), ArrowError> {
    for row in text_rows(reader, &PARTIAL_COLUMNS)? {
        let mut values = row.into_iter();
        let mut next = || values.next().flatten();
        let (kind, key, json) = (next(), next(), next());
        partials.push(Partial {
            kind: kind.unwrap_or_default(),
            key,
            json: json.unwrap_or_default(),
        });
    }
    Ok(())
}

/// The values of the partials of one kind, in their order.
pub fn decode<T: DeserializeOwned>(partials: &[Partial], kind: &str) -> anyhow::Result<Vec<T>> {
    partials
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| {
            serde_json::from_str(&p.json).map_err(|e| {
                UserError::new(format!("a partial result '{kind}' cannot be read: {e}"))
                    .hint("every stage of a run must be the same fleetwatch version")
                    .into()
            })
        })
        .collect()
}

/// The positions a worker was given (`--input`, an Arrow stream on standard input).
pub fn tracks(settings: &Settings, sources: &Sources, err: &mut dyn Write) -> anyhow::Result<Tracks> {
    if sources.input.is_empty() {
        return Err(
            UserError::new("this stage reads positions: --input - --input-format arrow")
                .hint("the stages are run by spark/fleetwatch_job.py")
                .into(),
        );
    }
    let inputs = read_inputs(settings, &sources.input, sources.input_format, err)?;
    Ok(Tracks::from_rows(inputs.positions, inputs.staging))
}

/// The error of a stage a report does not have.
pub fn refuse(report: &str, stage: Stage, has: &[Stage]) -> anyhow::Error {
    use clap::ValueEnum;
    let name = |s: &Stage| {
        s.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    };
    let has: Vec<String> = has.iter().map(name).collect();
    UserError::new(format!("report {report} has no stage {}", name(&stage)))
        .hint(format!("its stages: {}", has.join(", ")))
        .into()
}

/// The coarse cells encounters are paired in: one UTC day by a degree of latitude by a
/// degree of longitude. A grid point belongs to its own cell and to every cell within
/// the encounter distance of it (so a pair is always together in the cell of its
/// lower MMSI's point, which alone keeps it).
pub struct Coarse {
    /// The encounter distance in degrees of latitude, with a margin.
    halo_deg: f64,
}

const DAY_MS: i64 = 86_400_000;

impl Coarse {
    pub fn new(max_distance_m: f64) -> Self {
        Self {
            halo_deg: max_distance_m / 1000.0 / KM_PER_DEG * 1.01,
        }
    }

    #[allow(clippy::cast_possible_truncation, reason = "degrees of a position")]
    fn row(lat: f64) -> i32 {
        lat.floor() as i32
    }

    #[allow(clippy::cast_possible_truncation, reason = "degrees of a position")]
    fn column(lon: f64) -> i32 {
        ((lon + 180.0).floor() as i32).rem_euclid(360)
    }

    fn key(day: i64, row: i32, column: i32) -> String {
        format!("{day}/{row}/{column}")
    }

    /// The cell a point lies in.
    pub fn own(ts_ms: i64, lat: f64, lon: f64) -> String {
        Self::key(ts_ms.div_euclid(DAY_MS), Self::row(lat), Self::column(lon))
    }

    /// Every cell a point belongs to: its own first.
    pub fn cells(&self, ts_ms: i64, lat: f64, lon: f64) -> Vec<String> {
        let (day, row, column) = (ts_ms.div_euclid(DAY_MS), Self::row(lat), Self::column(lon));
        let h = self.halo_deg;
        let mut rows = vec![row];
        if lat - f64::from(row) < h {
            rows.push(row - 1);
        }
        if f64::from(row + 1) - lat < h {
            rows.push(row + 1);
        }
        let reach = (lat.abs() + h).to_radians();
        let mut columns = vec![column];
        if reach >= 89f64.to_radians() {
            columns.extend((0..360).filter(|c| *c != column));
        } else {
            let w = h / reach.cos();
            let east = (lon + 180.0).rem_euclid(360.0) - (lon + 180.0).rem_euclid(360.0).floor();
            if east < w {
                columns.push((column - 1).rem_euclid(360));
            }
            if 1.0 - east < w {
                columns.push((column + 1).rem_euclid(360));
            }
        }
        let mut cells = Vec::with_capacity(rows.len() * columns.len());
        for r in &rows {
            for c in &columns {
                cells.push(Self::key(day, *r, *c));
            }
        }
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_belongs_to_the_cells_within_the_distance() {
        let c = Coarse::new(500.0);
        assert_eq!(c.cells(0, 55.5, 10.5), vec!["0/55/190"]);
        // 300 m from the edge of latitude 56: in the cell north too.
        let near = 56.0 - 0.3 / KM_PER_DEG;
        assert_eq!(c.cells(0, near, 10.5), vec!["0/55/190", "0/56/190"]);
        // Beside the antimeridian, the column across it.
        let cells = c.cells(0, 0.5, 179.999);
        assert!(cells.contains(&"0/0/0".to_string()), "{cells:?}");
        // Near the pole, every column of the row.
        assert_eq!(c.cells(0, 89.5, 0.0).len(), 360);
        assert_eq!(Coarse::own(DAY_MS, -0.5, -180.0), "1/-1/0");
    }
}
