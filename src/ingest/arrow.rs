//! Positions from an Arrow IPC stream with the store's position columns (`mmsi, ts, lat,
//! lon, sog_kn, cog_deg, heading_deg, nav_status, draught_m`), as Spark's `mapInArrow`,
//! `pyarrow`, `DuckDB` or Polars write them: each column an integer of 8 to 64 bits or a
//! 32- or 64-bit float that holds its values (Spark's `mmsi` is an `Int64`; 128-bit
//! integers, half floats and decimals are refused), `ts` a timestamp of any unit (UTC)
//! or milliseconds, the columns after `lon` optional. Read from a pipe: the reader never
//! seeks back.

use std::io::{self, Read, Seek, SeekFrom};

use polars::prelude::{Column, DataFrame, DataType, PolarsError, TimeUnit, TimeZone};
use polars_arrow::array::{Array, PrimitiveArray};
use polars_arrow::datatypes::ArrowDataType;
use polars_arrow::io::ipc::read::{StreamReader, StreamState, read_stream_metadata};
use polars_arrow::types::NativeType;

use crate::model::ais::{FixRow, POSITION_TIMES};
use crate::spool::{Positions, Staging};

/// The first bytes of an Arrow IPC stream message (the continuation marker).
pub const STREAM_MAGIC: [u8; 4] = [0xff; 4];

/// Why a stream could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ArrowError {
    #[error("not an Arrow IPC stream: {0}")]
    Stream(PolarsError),
    #[error("the Arrow stream has no '{0}' column")]
    Missing(String),
    #[error("the Arrow column '{column}' is {found}, not a {wanted}")]
    Type {
        column: &'static str,
        found: String,
        wanted: &'static str,
    },
    #[error("not a valid Arrow IPC stream: {0}")]
    Invalid(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What reading a stream found: the positions, and the rows that had none.
pub struct ArrowPositions {
    pub positions: Positions,
    pub rows: u64,
    /// Rows without an MMSI, a time (from 1990 to 2099) or a position (skipped).
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
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    for_each_batch(reader, &names, true, |frame| {
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

/// The columns of a stream of a distributed stage's partial results (`--partials`).
pub const PARTIAL_COLUMNS: [&str; 3] = ["kind", "key", "json"];

/// The rows of a stream's text columns `columns` (a null: `None`), each a value a
/// column: the partial results of a distributed stage.
pub fn text_rows(reader: impl Read, columns: &[&str]) -> Result<Vec<Vec<Option<String>>>, ArrowError> {
    let mut rows = Vec::new();
    for_each_batch(reader, columns, false, |frame| {
        let mut texts = Vec::with_capacity(columns.len());
        for name in columns {
            let column = frame.column(name).ok().and_then(|c| c.str().ok().cloned());
            texts.push(column.ok_or_else(|| ArrowError::Missing((*name).to_string()))?);
        }
        for i in 0..frame.height() {
            rows.push(texts.iter().map(|t| t.get(i).map(str::to_string)).collect());
        }
        Ok(())
    })?;
    Ok(rows)
}

/// Hands each record batch of an Arrow IPC stream to `each`, as a data frame of the
/// columns named in `columns` that it has (the others are skipped unread); with
/// `numbers`, each of them must be of a number type (integer, float, timestamp).
pub fn for_each_batch(
    reader: impl Read,
    columns: &[&str],
    numbers: bool,
    mut each: impl FnMut(DataFrame) -> Result<(), ArrowError>,
) -> Result<(), ArrowError> {
    let mut forward = Forward::new(Checked::new(io::BufReader::with_capacity(1 << 20, reader)));
    let metadata = guarded(|| read_stream_metadata(&mut forward))?.map_err(ArrowError::Stream)?;
    // Columns are found by name: a name given twice is one column too few in the schema.
    if metadata.schema.len() != metadata.ipc_schema.fields.len() {
        return Err(ArrowError::Invalid("the stream names a column twice".into()));
    }
    let mut projection = Vec::new();
    for (i, field) in metadata.schema.iter_values().enumerate() {
        let Some(name) = columns.iter().find(|n| **n == field.name.as_str()) else {
            continue;
        };
        if numbers && !convertible_number(&field.dtype) {
            return Err(ArrowError::Type {
                column: COLUMNS.iter().find(|c| c.0 == *name).map_or("", |c| c.0),
                found: format!("{:?}", field.dtype),
                wanted: "32- or 64-bit number or timestamp",
            });
        }
        projection.push(i);
    }
    if projection.is_empty() {
        return Err(ArrowError::Missing(
            columns.first().copied().unwrap_or_default().to_string(),
        ));
    }
    let schema: Vec<_> = projection
        .iter()
        .filter_map(|i| metadata.schema.get_at_index(*i).map(|(_, f)| f.clone()))
        .collect();
    let mut batches = StreamReader::new(&mut forward, metadata, Some(projection));
    while let Some(state) = guarded(|| batches.next())? {
        let batch = match state.map_err(ArrowError::Stream)? {
            StreamState::Some(batch) => batch,
            StreamState::Waiting => break,
        };
        let mut columns: Vec<Column> = Vec::with_capacity(batch.arrays().len());
        for (field, array) in schema.iter().zip(batch.into_arrays()) {
            let array = if numbers { widened(array) } else { array };
            let series = guarded(|| polars::prelude::Series::try_from((field.name.clone(), array)))?
                .map_err(ArrowError::Stream)?;
            columns.push(series.into());
        }
        each(DataFrame::new_infer_height(columns).map_err(ArrowError::Stream)?)?;
    }
    Ok(())
}

/// Whether a column of this Arrow type is read as numbers: integers of 8 to 64 bits,
/// 32- and 64-bit floats, timestamps and dates. Polars as built here has no 128-bit
/// integers (turning one into a column panics: found by fuzzing), half floats or
/// decimals.
fn convertible_number(dtype: &ArrowDataType) -> bool {
    matches!(
        dtype,
        ArrowDataType::Int8
            | ArrowDataType::Int16
            | ArrowDataType::Int32
            | ArrowDataType::Int64
            | ArrowDataType::UInt8
            | ArrowDataType::UInt16
            | ArrowDataType::UInt32
            | ArrowDataType::UInt64
            | ArrowDataType::Float32
            | ArrowDataType::Float64
            | ArrowDataType::Timestamp(..)
            | ArrowDataType::Date32
            | ArrowDataType::Date64
    )
}

/// An array of 8- or 16-bit integers as 32-bit ones (Polars as built here has no
/// smaller integer columns; `pyarrow` writes a navigational status as `int8`); any other
/// array as it is.
fn widened(array: Box<dyn Array>) -> Box<dyn Array> {
    fn to_i32<T: NativeType + Into<i32>>(array: &dyn Array) -> Option<Box<dyn Array>> {
        let a = array.as_any().downcast_ref::<PrimitiveArray<T>>()?;
        Some(
            a.iter()
                .map(|v| v.map(|v| (*v).into()))
                .collect::<PrimitiveArray<i32>>()
                .boxed(),
        )
    }
    let wide = match array.dtype() {
        ArrowDataType::Int8 => to_i32::<i8>(array.as_ref()),
        ArrowDataType::Int16 => to_i32::<i16>(array.as_ref()),
        ArrowDataType::UInt8 => to_i32::<u8>(array.as_ref()),
        ArrowDataType::UInt16 => to_i32::<u16>(array.as_ref()),
        _ => None,
    };
    wide.unwrap_or(array)
}

/// Runs the Arrow reader on the schema or the next batch, its panics made an error:
/// polars-arrow trusts some of a stream's headers beyond what [`Checked`] checks (a
/// compressed buffer of fewer than 8 bytes where it expects one, a field's type
/// parameters: found by fuzzing), Polars panics on some types it was built without (a
/// dictionary), and a stream nobody controls must not end the process. Its panic message is not printed.
fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, ArrowError> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    std::panic::set_hook(hook);
    result.map_err(|_| ArrowError::Invalid("a schema or record batch the Arrow reader cannot decode".into()))
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
                return Err(ArrowError::Missing((*name).to_string()));
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
                let plausible = values.iter().map(|v| v.filter(|t| POSITION_TIMES.contains(t)));
                required(plausible, &mut rows, &mut bad, |r, v| r.ts_ms = v);
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
/// The largest Arrow message header read, and the most one message's body may hold or
/// unpack to; and the most rows a batch may have (Spark sends 10,000 at a time). They
/// bound the memory a stream can ask for, whatever its headers claim.
const MAX_HEADER: usize = 16 << 20;
const MAX_BODY: u64 = 256 << 20;
const MAX_ROWS: i64 = 1 << 24;

/// An Arrow IPC stream passed on a whole message at a time, each checked before the
/// Arrow reader sees it: a header and a body of a sane size, a batch of a sane number
/// of rows whose buffers lie within its body and whose compressed buffers do not claim
/// to unpack to more than `MAX_BODY` (a length the Arrow reader would allocate at once).
struct Checked<R> {
    inner: R,
    message: Vec<u8>,
    at: usize,
    ended: bool,
}

impl<R: Read> Checked<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            message: Vec::new(),
            at: 0,
            ended: false,
        }
    }

    /// Reads the next message whole into `self.message` (empty at the end).
    fn next_message(&mut self) -> io::Result<()> {
        let bad = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        self.message.clear();
        self.at = 0;
        let mut word = [0u8; 4];
        if !read_all_or_none(&mut self.inner, &mut word)? {
            self.ended = true;
            return Ok(());
        }
        self.message.extend_from_slice(&word);
        if word == STREAM_MAGIC {
            self.inner.read_exact(&mut word)?;
            self.message.extend_from_slice(&word);
        }
        let length = i32::from_le_bytes(word);
        let Ok(length) = usize::try_from(length) else {
            return Err(bad(format!("an Arrow message header of negative length {length}")));
        };
        if length == 0 {
            self.ended = true;
            return Ok(());
        }
        if length > MAX_HEADER {
            return Err(bad(format!("an Arrow message header of {length} bytes (over 16 MiB)")));
        }
        let start = self.message.len();
        (&mut self.inner).take(length as u64).read_to_end(&mut self.message)?;
        if self.message.len() - start < length {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let body = check_header(&self.message[start..]).map_err(bad)?;
        let body_start = self.message.len();
        (&mut self.inner).take(body.length).read_to_end(&mut self.message)?;
        if ((self.message.len() - body_start) as u64) < body.length {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        check_buffers(&body, &self.message[body_start..]).map_err(bad)
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.message.len() && !self.ended {
            self.next_message()?;
        }
        let n = buf.len().min(self.message.len() - self.at);
        buf[..n].copy_from_slice(&self.message[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Fills `buf`, or reads nothing at the end of the input; a part of it is an error.
fn read_all_or_none(r: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// What a message header says of its body: its length, and for a batch, its buffers
/// (offset, length) and whether they are compressed.
struct Body {
    length: u64,
    buffers: Vec<(u64, u64)>,
    compressed: bool,
}

fn check_header(bytes: &[u8]) -> Result<Body, String> {
    use polars_arrow::io::ipc::format::ipc::planus::ReadAsRoot;
    use polars_arrow::io::ipc::format::ipc::{MessageHeaderRef, MessageRef, RecordBatchRef};
    let invalid = |e: polars_arrow::io::ipc::format::ipc::planus::Error| format!("not a valid Arrow message: {e}");
    let message = MessageRef::read_as_root(bytes).map_err(invalid)?;
    let length = u64::try_from(message.body_length().map_err(invalid)?)
        .map_err(|_| "an Arrow message body of negative length".to_string())?;
    if length > MAX_BODY {
        return Err(format!("an Arrow message body of {length} bytes (over 256 MiB)"));
    }
    let batch: Option<RecordBatchRef<'_>> = match message.header().map_err(invalid)? {
        Some(MessageHeaderRef::RecordBatch(b)) => Some(b),
        Some(MessageHeaderRef::DictionaryBatch(d)) => d.data().map_err(invalid)?,
        _ => None,
    };
    let mut body = Body {
        length,
        buffers: Vec::new(),
        compressed: false,
    };
    if let Some(batch) = batch {
        let rows = batch.length().map_err(invalid)?;
        if !(0..=MAX_ROWS).contains(&rows) {
            return Err(format!("an Arrow batch of {rows} rows (at most {MAX_ROWS} a batch)"));
        }
        // A column's length is its own (a null column has no buffer to bound it): one
        // of a billion values would have the reader allocate its bitmap at once.
        for node in batch.nodes().map_err(invalid)?.into_iter().flatten() {
            let values = node.length();
            if !(0..=MAX_ROWS).contains(&values) {
                return Err(format!(
                    "an Arrow column of {values} values (at most {MAX_ROWS} a batch)"
                ));
            }
        }
        body.compressed = batch.compression().map_err(invalid)?.is_some();
        for b in batch.buffers().map_err(invalid)?.into_iter().flatten() {
            let (Ok(offset), Ok(len)) = (u64::try_from(b.offset()), u64::try_from(b.length())) else {
                return Err("an Arrow buffer at a negative offset or of negative length".into());
            };
            if offset.checked_add(len).is_none_or(|end| end > length) {
                return Err(format!(
                    "an Arrow buffer ({offset}+{len}) beyond its message body ({length} bytes)"
                ));
            }
            body.buffers.push((offset, len));
        }
    }
    Ok(body)
}

/// A compressed buffer starts with the length it unpacks to (-1: not compressed).
fn check_buffers(body: &Body, bytes: &[u8]) -> Result<(), String> {
    if !body.compressed {
        return Ok(());
    }
    let mut unpacked = 0u64;
    for &(offset, len) in &body.buffers {
        if len == 0 {
            continue;
        }
        let at = usize::try_from(offset).unwrap_or(usize::MAX);
        let Some(prefix) = bytes.get(at..at.saturating_add(8)).filter(|_| len >= 8) else {
            return Err(format!(
                "a compressed Arrow buffer of {len} bytes (too short for its length)"
            ));
        };
        let claimed = i64::from_le_bytes(prefix.try_into().unwrap_or_default());
        unpacked = unpacked.saturating_add(if claimed == -1 {
            len - 8
        } else {
            u64::try_from(claimed).map_err(|_| format!("a compressed Arrow buffer claims {claimed} bytes"))?
        });
        if unpacked > MAX_BODY {
            return Err("an Arrow batch that unpacks to over 256 MiB".into());
        }
    }
    Ok(())
}

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
