//! Positions from an Arrow IPC stream with the store's position columns (`mmsi, ts, lat,
//! lon, sog_kn, cog_deg, heading_deg, nav_status, draught_m`), as Spark's `mapInArrow`,
//! `pyarrow`, `DuckDB` or Polars write them: each column of any integer or float type that
//! holds its values (Spark's `mmsi` is an `Int64`), `ts` a timestamp of any unit (UTC)
//! or milliseconds, the columns after `lon` optional. Read from a pipe: the reader never
//! seeks back.

use std::io::{self, Read, Seek, SeekFrom};

use polars::prelude::{Column, DataFrame, DataType, PolarsError, TimeUnit, TimeZone};
use polars_arrow::io::ipc::read::{StreamReader, StreamState, read_stream_metadata};

use crate::model::ais::FixRow;
use crate::spool::{Positions, Staging};

/// The first bytes of an Arrow IPC stream message (the continuation marker).
pub const STREAM_MAGIC: [u8; 4] = [0xff; 4];

/// Why a stream could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ArrowError {
    #[error("not an Arrow IPC stream: {0}")]
    Stream(PolarsError),
    #[error("the Arrow stream has no '{0}' column (it needs mmsi, ts, lat, lon)")]
    Missing(&'static str),
    #[error("the Arrow column '{column}' is {found}, not a {wanted}")]
    Type {
        column: &'static str,
        found: String,
        wanted: &'static str,
    },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What reading a stream found: the positions, and the rows that had none.
pub struct ArrowPositions {
    pub positions: Positions,
    pub rows: u64,
    /// Rows without an MMSI, a time or a position (skipped).
    pub skipped: u64,
}

/// The columns a position needs, and those it may have, with the type each is read as.
const COLUMNS: [(&str, bool, DataType); 9] = [
    ("mmsi", true, DataType::UInt32),
    ("ts", true, DataType::Int64),
    ("lat", true, DataType::Float64),
    ("lon", true, DataType::Float64),
    ("sog_kn", false, DataType::Float32),
    ("cog_deg", false, DataType::Float32),
    ("heading_deg", false, DataType::Int32),
    ("nav_status", false, DataType::Int32),
    ("draught_m", false, DataType::Float32),
];

/// Reads an Arrow IPC stream of positions into `staging`, batch by batch (bounded
/// memory).
pub fn read_positions(reader: impl Read, staging: &Staging) -> Result<ArrowPositions, ArrowError> {
    let mut spool = staging.spool();
    let (mut rows, mut skipped) = (0u64, 0u64);
    for_each_batch(reader, |frame| {
        let (fixes, bad) = batch_rows(&frame)?;
        rows += frame.height() as u64;
        skipped += bad;
        for r in fixes {
            spool.push(r);
        }
        Ok(())
    })?;
    let positions = spool.finish()?;
    Ok(ArrowPositions {
        positions,
        rows,
        skipped,
    })
}

/// Hands each record batch of an Arrow IPC stream to `each`, as a data frame.
pub fn for_each_batch(
    reader: impl Read,
    mut each: impl FnMut(DataFrame) -> Result<(), ArrowError>,
) -> Result<(), ArrowError> {
    let mut forward = Forward::new(io::BufReader::with_capacity(1 << 20, reader));
    let metadata = read_stream_metadata(&mut forward).map_err(ArrowError::Stream)?;
    let schema = metadata.schema.clone();
    for state in StreamReader::new(&mut forward, metadata, None) {
        let batch = match state.map_err(ArrowError::Stream)? {
            StreamState::Some(batch) => batch,
            StreamState::Waiting => break,
        };
        let mut columns: Vec<Column> = Vec::with_capacity(batch.arrays().len());
        for (field, array) in schema.iter_values().zip(batch.into_arrays()) {
            let series = polars::prelude::Series::try_from((field.name.clone(), array)).map_err(ArrowError::Stream)?;
            columns.push(series.into());
        }
        each(DataFrame::new_infer_height(columns).map_err(ArrowError::Stream)?)?;
    }
    Ok(())
}

/// The fixes of one batch, and how many of its rows had no MMSI, time or position.
fn batch_rows(frame: &DataFrame) -> Result<(Vec<FixRow>, u64), ArrowError> {
    let height = frame.height();
    let mut empty = FixRow::default();
    empty.set_sog_kn(None);
    empty.set_cog_deg(None);
    empty.set_draught_m(None);
    empty.set_heading(None);
    empty.set_status(None);
    let mut rows = vec![empty; height];
    let mut bad = vec![false; height];
    for (name, needed, wanted) in &COLUMNS {
        let Some(column) = frame.column(name).ok() else {
            if *needed {
                return Err(ArrowError::Missing(name));
            }
            continue;
        };
        let typed = cast(column, name, wanted)?;
        let series = typed.as_materialized_series();
        match *name {
            "mmsi" => {
                let values = series.u32().map_err(ArrowError::Stream)?;
                required(values.iter(), &mut rows, &mut bad, |r, v| r.mmsi = v);
            }
            "ts" => {
                let values = series.i64().map_err(ArrowError::Stream)?;
                required(values.iter(), &mut rows, &mut bad, |r, v| r.ts_ms = v);
            }
            "lat" | "lon" => {
                let values = series.f64().map_err(ArrowError::Stream)?;
                for ((v, r), b) in values.iter().zip(&mut rows).zip(&mut bad) {
                    match v.filter(|v| v.is_finite()) {
                        Some(v) if *name == "lat" && v.abs() <= 90.0 => r.set_lat(Some(v)),
                        Some(v) if *name == "lon" && v.abs() <= 180.0 => r.set_lon(Some(v)),
                        _ => *b = true,
                    }
                }
            }
            "sog_kn" | "cog_deg" | "draught_m" => {
                let values = series.f32().map_err(ArrowError::Stream)?;
                let set = match *name {
                    "sog_kn" => FixRow::set_sog_kn,
                    "cog_deg" => FixRow::set_cog_deg,
                    _ => FixRow::set_draught_m,
                };
                values.iter().zip(&mut rows).for_each(|(v, r)| set(r, v));
            }
            _ => {
                let values = series.i32().map_err(ArrowError::Stream)?;
                let set = if *name == "heading_deg" {
                    FixRow::set_heading
                } else {
                    FixRow::set_status
                };
                values.iter().zip(&mut rows).for_each(|(v, r)| set(r, v));
            }
        }
    }
    let skipped = bad.iter().filter(|b| **b).count() as u64;
    let kept = rows.into_iter().zip(bad).filter(|(_, b)| !b).map(|(r, _)| r).collect();
    Ok((kept, skipped))
}

/// Sets a field every row must have; a row without it is marked bad.
fn required<T>(
    values: impl Iterator<Item = Option<T>>,
    rows: &mut [FixRow],
    bad: &mut [bool],
    set: impl Fn(&mut FixRow, T),
) {
    for ((v, r), b) in values.zip(rows).zip(bad) {
        match v {
            Some(v) => set(r, v),
            None => *b = true,
        }
    }
}

/// A column as the type it is read as: times as UTC milliseconds, numbers of any width.
fn cast(column: &Column, name: &'static str, wanted: &DataType) -> Result<Column, ArrowError> {
    let found = column.dtype();
    let wrong = || ArrowError::Type {
        column: name,
        found: found.to_string(),
        wanted: if name == "ts" { "timestamp" } else { "number" },
    };
    let numeric = found.is_primitive_numeric();
    if name == "ts" {
        return match found {
            DataType::Datetime(..) => column
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)))
                .and_then(|c| c.cast(&DataType::Int64))
                .map_err(ArrowError::Stream),
            DataType::Int64 => Ok(column.clone()),
            _ => Err(wrong()),
        };
    }
    if !numeric {
        return Err(wrong());
    }
    column.cast(wanted).map_err(ArrowError::Stream)
}

/// A reader that seeks forward only, by reading (the Arrow stream reader seeks past the
/// padding of each message; a pipe cannot seek).
struct Forward<R> {
    inner: R,
    at: u64,
}

impl<R: Read> Forward<R> {
    fn new(inner: R) -> Self {
        Self { inner, at: 0 }
    }
}

impl<R: Read> Read for Forward<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl<R: Read> Seek for Forward<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.at.checked_add_signed(d),
            SeekFrom::End(_) => None,
        };
        match target {
            Some(t) if t >= self.at => {
                let skip = t - self.at;
                let skipped = io::copy(&mut (&mut self.inner).take(skip), &mut io::sink())?;
                self.at += skipped;
                if skipped < skip {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                Ok(self.at)
            }
            _ => Err(io::Error::other("the Arrow stream would be read backwards")),
        }
    }
}
