//! The store's Parquet tables, with explicit schemas: positions (one file per UTC day,
//! Hive-style `positions/day=YYYY-MM-DD/`), identity spans, rejects and port-call
//! records. Times are `Datetime(ms, UTC)`; coordinates `Float64` degrees (lat, lon);
//! speeds knots, courses and headings degrees, draughts metres. Writes go through
//! [`super::atomic::write_atomic_with`], streamed.

use std::fs::File;
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use polars::prelude::{
    ChunkedArray, Column, DataFrame, Int64Chunked, IntoColumn, NamedFrom, ParquetCompression, ParquetReader,
    ParquetWriter, PolarsError, PolarsNumericType, SerReader, StringChunked, TimeUnit, TimeZone, UInt32Chunked,
    UInt64Chunked,
};
use polars_arrow::array::{Array, PrimitiveArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::{ArrowDataType, ArrowSchema, Field};
use polars_arrow::types::NativeType;
use polars_parquet::parquet::metadata::{FileMetadata, RowGroupMetadata};
use polars_parquet::parquet::statistics::Statistics;
use polars_parquet::read::ParquetError;
use polars_parquet::write::{
    CompressionOptions, Compressor, DynIter, DynStreamingIterator, Encoding, FallibleStreamingIterator, FileWriter,
    StatisticsOptions, Version, WriteOptions, array_to_columns,
};

use super::atomic::write_atomic_with;
use crate::model::ais::{FixRow, Fixes};
use crate::model::identity::IdentitySpan;
use crate::model::portcall::PortCallRecord;

/// A positions file's parsed footer, shared by the readers of its row groups.
type FileMetadataRef = Arc<FileMetadata>;

/// A reject as stored: which file, which line, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReject {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

fn ms_column(name: &str, values: &[i64]) -> Column {
    Int64Chunked::new(name.into(), values)
        .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
        .into_column()
}

fn opt_ms_column(name: &str, values: &[Option<i64>]) -> Column {
    Int64Chunked::new(name.into(), values)
        .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
        .into_column()
}

/// Writes a frame as a Parquet file (Snappy, statistics on), atomically.
fn write_parquet(path: &Path, mut df: DataFrame) -> anyhow::Result<()> {
    write_atomic_with(path, |file| {
        ParquetWriter::new(std::io::BufWriter::with_capacity(1 << 20, file))
            .with_compression(ParquetCompression::Snappy)
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| anyhow::anyhow!("cannot encode Parquet: {e}"))
    })
}

/// Opens a file the manifest names; one that is gone is a damaged store, said so.
fn open_named(path: &Path) -> anyhow::Result<File> {
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            crate::error::UserError::new(format!(
                "the store names {}, which is not there (the store is damaged)",
                path.display()
            ))
            .hint("`fleetwatch status` lists every file that is missing")
            .into()
        } else {
            anyhow::Error::new(e).context(format!("cannot open {}", path.display()))
        }
    })
}

fn read_parquet(path: &Path, columns: Option<&[&str]>) -> anyhow::Result<DataFrame> {
    let file = open_named(path)?;
    ParquetReader::new(file)
        .with_columns(columns.map(|c| c.iter().map(|s| (*s).to_string()).collect()))
        .finish()
        .with_context(|| format!("cannot read Parquet file {}", path.display()))
}

fn col<'a>(df: &'a DataFrame, name: &str) -> anyhow::Result<&'a Column> {
    df.column(name).with_context(|| format!("column '{name}' is missing"))
}

fn ms_values(df: &DataFrame, name: &str) -> anyhow::Result<Vec<Option<i64>>> {
    Ok(col(df, name)?.datetime()?.physical().iter().collect())
}

fn strings(df: &DataFrame, name: &str) -> anyhow::Result<Vec<Option<String>>> {
    Ok(col(df, name)?.str()?.iter().map(|s| s.map(str::to_string)).collect())
}

// ---- positions ----

/// Column names of the positions table, in order.
pub const POSITION_COLUMNS: &[&str] = &[
    "mmsi",
    "ts",
    "lat",
    "lon",
    "sog_kn",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "draught_m",
];

/// The columns whose row groups' statistics give their minimum and maximum: a file is
/// sorted by vessel and time, so only these ranges tell row groups apart (every group
/// of a day spans the day's seas and speeds), and computing the others took 4% of the
/// ingest's CPU time.
const RANGED_COLUMNS: &[&str] = &["mmsi", "ts"];

/// Rows of positions per Parquet row group: the writer holds one group in columns.
const ROW_GROUP: usize = 1 << 18;

/// The positions table's columns as Arrow fields, and the encoding of each: the MMSI
/// dictionary-encoded (a file is sorted by vessel, so its keys are long runs), the time
/// delta-encoded (a vessel's times step evenly: a few bits a row), small integers by
/// dictionary, coordinates and the other floats plain. Times are UTC milliseconds.
fn positions_schema() -> (ArrowSchema, Vec<Encoding>) {
    let ts = ArrowDataType::Timestamp(polars_arrow::datatypes::TimeUnit::Millisecond, Some("UTC".into()));
    let columns = [
        ("mmsi", ArrowDataType::UInt32, false, Encoding::RleDictionary),
        ("ts", ts, false, Encoding::DeltaBinaryPacked),
        ("lat", ArrowDataType::Float64, false, Encoding::Plain),
        ("lon", ArrowDataType::Float64, false, Encoding::Plain),
        ("sog_kn", ArrowDataType::Float32, true, Encoding::Plain),
        ("cog_deg", ArrowDataType::Float32, true, Encoding::Plain),
        ("heading_deg", ArrowDataType::Int32, true, Encoding::RleDictionary),
        ("nav_status", ArrowDataType::Int32, true, Encoding::RleDictionary),
        ("draught_m", ArrowDataType::Float32, true, Encoding::Plain),
    ];
    debug_assert!(columns.iter().map(|c| c.0).eq(POSITION_COLUMNS.iter().copied()));
    let encodings = columns.iter().map(|c| c.3).collect();
    let schema = columns
        .into_iter()
        .map(|(name, dtype, nullable, _)| Field::new(name.into(), dtype, nullable))
        .collect();
    (schema, encodings)
}

/// The columns of `rows`, in [`positions_schema`]'s order; each built from values and a
/// validity mask (not value by value through options).
fn position_arrays(rows: &[FixRow], schema: &ArrowSchema) -> Vec<Box<dyn Array>> {
    fn nullable<T: NativeType>(rows: &[FixRow], get: impl Fn(&FixRow) -> Option<T>) -> Box<dyn Array> {
        let values: Vec<T> = rows.iter().map(|r| get(r).unwrap_or_default()).collect();
        let valid: Bitmap = rows.iter().map(|r| get(r).is_some()).collect();
        let valid = (valid.unset_bits() > 0).then_some(valid);
        PrimitiveArray::from_vec(values).with_validity(valid).boxed()
    }
    let ts_type = schema.get("ts").map_or(ArrowDataType::Int64, |f| f.dtype.clone());
    vec![
        PrimitiveArray::from_vec(rows.iter().map(|r| r.mmsi).collect()).boxed(),
        PrimitiveArray::from_vec(rows.iter().map(|r| r.ts_ms).collect::<Vec<i64>>())
            .to(ts_type)
            .boxed(),
        PrimitiveArray::from_vec(rows.iter().map(FixRow::lat).collect()).boxed(),
        PrimitiveArray::from_vec(rows.iter().map(FixRow::lon).collect()).boxed(),
        nullable(rows, FixRow::sog_kn),
        nullable(rows, FixRow::cog_deg),
        nullable(rows, |r| r.heading().map(i32::from)),
        nullable(rows, |r| r.status().map(i32::from)),
        nullable(rows, FixRow::draught_m),
    ]
}

/// Writes a positions file from batches of rows handed over one at a time (each already
/// in the file's order), so that the caller never holds them all sorted at once: `next`
/// fills the buffer it is given with the next batch (the buffer is the same each time,
/// cleared) and says whether there was one.
///
/// The file is written with `polars-parquet`'s writer directly, each column with the
/// encoding `positions_schema` gives it: through a data frame, Polars would estimate
/// every column's cardinality and try a dictionary on each (a sixth of the ingest's CPU
/// time on a DMA day). Pages are not compressed (Snappy made the files 14% smaller and
/// took a fifth of the encoding time); statistics hold each column's nulls, and the
/// minimum and maximum of `mmsi` and `ts` alone.
pub fn write_positions_from(path: &Path, mut next: impl FnMut(&mut Fixes) -> bool) -> anyhow::Result<()> {
    let (schema, encodings) = positions_schema();
    let options = WriteOptions {
        statistics: StatisticsOptions {
            min_value: true,
            max_value: true,
            distinct_count: false,
            null_count: true,
            binary_statistics_truncate_length: None,
        },
        version: Version::V1,
        compression: CompressionOptions::Uncompressed,
        data_page_size: None,
    };
    let unranged = WriteOptions {
        statistics: StatisticsOptions {
            min_value: false,
            max_value: false,
            ..options.statistics
        },
        ..options
    };
    write_atomic_with(path, |file| {
        let pq = |e: PolarsError| anyhow::anyhow!("cannot encode Parquet: {e}");
        let sink = std::io::BufWriter::with_capacity(1 << 20, file);
        let mut writer = FileWriter::try_new(sink, schema.clone(), options).map_err(pq)?;
        let types = writer.parquet_schema().fields().to_vec();
        let mut batch = Fixes::default();
        while {
            batch.rows.clear();
            next(&mut batch)
        } {
            for group in batch.rows.chunks(ROW_GROUP) {
                let mut columns = Vec::with_capacity(types.len());
                let arrays = position_arrays(group, &schema);
                for (((array, type_), encoding), field) in
                    arrays.iter().zip(&types).zip(&encodings).zip(schema.iter_values())
                {
                    let options = if RANGED_COLUMNS.contains(&field.name.as_str()) {
                        options
                    } else {
                        unranged
                    };
                    for pages in array_to_columns(array.as_ref(), type_.clone(), options, &[*encoding]).map_err(pq)? {
                        let pages = DynIter::new(
                            pages
                                .into_iter()
                                .map(|p| p.map_err(|e| ParquetError::FeatureNotSupported(e.to_string()))),
                        );
                        let pages = Compressor::new(pages, options.compression, Vec::new()).map_err(PolarsError::from);
                        columns.push(Ok(DynStreamingIterator::new(pages)));
                    }
                }
                writer
                    .write(group.len() as u64, DynIter::new(columns.into_iter()))
                    .map_err(pq)?;
            }
        }
        writer.end(None).map_err(pq)?;
        Ok(())
    })
}

pub fn read_positions(path: &Path) -> anyhow::Result<Fixes> {
    positions_of_frame(&read_parquet(path, Some(POSITION_COLUMNS))?, path)
}

/// The columns of the positions table a reader takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    All,
    /// All but course over ground and heading, which port-call detection does not read
    /// (they come back "not available").
    NoCourse,
}

impl Columns {
    fn names(self) -> impl Iterator<Item = &'static str> {
        POSITION_COLUMNS
            .iter()
            .copied()
            .filter(move |c| self == Self::All || !matches!(*c, "cog_deg" | "heading_deg"))
    }
}

/// Reads a positions file `rows` rows at a time (whole row groups when `rows` is a
/// multiple of the 262,144 rows of a group), so that a large file is never held whole.
/// The file's footer is parsed once and handed to each slice's reader.
pub fn read_positions_by(
    path: &Path,
    rows: usize,
    columns: Columns,
    mut each: impl FnMut(Fixes),
) -> anyhow::Result<()> {
    let metadata = footer(path)?;
    let mut offset = 0;
    while offset < metadata.num_rows {
        let mut fixes = Fixes::default();
        read_rows(path, &metadata, (offset, rows), columns, &mut fixes.rows)?;
        each(fixes);
        offset += rows;
    }
    Ok(())
}

/// One row group of a positions file, to be read on its own ([`read_row_group`]): its
/// file and the file's parsed footer, its rows, and the MMSIs from the minimum to the
/// maximum its statistics give (every MMSI when it has none).
#[derive(Clone)]
pub struct RowGroup {
    path: Arc<Path>,
    metadata: FileMetadataRef,
    /// Its first row in the file.
    offset: usize,
    pub rows: usize,
    pub mmsis: RangeInclusive<u32>,
}

/// The row groups of a positions file, from its footer alone.
pub fn row_groups(path: &Path) -> anyhow::Result<Vec<RowGroup>> {
    let metadata = footer(path)?;
    let path: Arc<Path> = path.into();
    let mut offset = 0;
    let mut groups = Vec::with_capacity(metadata.row_groups.len());
    for group in &metadata.row_groups {
        let rows = group.num_rows();
        groups.push(RowGroup {
            path: Arc::clone(&path),
            metadata: Arc::clone(&metadata),
            offset,
            rows,
            mmsis: mmsi_range(group, &metadata.footer_buf),
        });
        offset += rows;
    }
    Ok(groups)
}

/// The MMSIs a row group's statistics say it holds.
fn mmsi_range(group: &RowGroupMetadata, footer: &[u8]) -> RangeInclusive<u32> {
    let stats = group
        .columns_under_root_iter("mmsi")
        .and_then(|mut c| c.next())
        .and_then(|c| c.statistics(footer))
        .and_then(Result::ok);
    // An unsigned 32-bit column's statistics are its values' bits as signed: an MMSI
    // (nine digits) is the same either way, and anything else counts as unknown.
    let bound = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
    match stats {
        Some(Statistics::Int32(s)) => match (bound(s.min_value), bound(s.max_value)) {
            (Some(lo), Some(hi)) if lo <= hi => lo..=hi,
            _ => 0..=u32::MAX,
        },
        _ => 0..=u32::MAX,
    }
}

/// The rows of one row group into `rows` (cleared first), in the file's order.
pub fn read_row_group(group: &RowGroup, columns: Columns, rows: &mut Vec<FixRow>) -> anyhow::Result<()> {
    read_rows(&group.path, &group.metadata, (group.offset, group.rows), columns, rows)
}

/// A positions file's parsed footer.
fn footer(path: &Path) -> anyhow::Result<FileMetadataRef> {
    let bad = || format!("cannot read Parquet file {}", path.display());
    Ok(ParquetReader::new(open_named(path)?)
        .get_metadata()
        .with_context(bad)?
        .clone())
}

/// The rows of a slice (first row, rows) of a positions file into `rows` (cleared first).
fn read_rows(
    path: &Path,
    metadata: &FileMetadataRef,
    slice: (usize, usize),
    columns: Columns,
    rows: &mut Vec<FixRow>,
) -> anyhow::Result<()> {
    let mut reader = ParquetReader::new(open_named(path)?);
    reader.set_metadata(Arc::clone(metadata));
    let df = reader
        .with_columns(Some(columns.names().map(str::to_string).collect()))
        .with_slice(Some(slice))
        .finish()
        .with_context(|| format!("cannot read Parquet file {}", path.display()))?;
    positions_of_frame_into(&df, path, rows)
}

fn positions_of_frame(df: &DataFrame, path: &Path) -> anyhow::Result<Fixes> {
    let mut fixes = Fixes::default();
    positions_of_frame_into(df, path, &mut fixes.rows)?;
    Ok(fixes)
}

/// The rows of a positions frame into `rows` (cleared first).
fn positions_of_frame_into(df: &DataFrame, path: &Path, rows: &mut Vec<FixRow>) -> anyhow::Result<()> {
    let mmsi = col(df, "mmsi")?.u32()?;
    let ts = col(df, "ts")?.datetime()?.physical();
    if mmsi.null_count() > 0 || ts.null_count() > 0 {
        return Err(anyhow::anyhow!("null mmsi or ts in {}", path.display()));
    }
    let (lat, lon) = (col(df, "lat")?.f64()?, col(df, "lon")?.f64()?);
    let (sog, draught) = (col(df, "sog_kn")?.f32()?, col(df, "draught_m")?.f32()?);
    let status = col(df, "nav_status")?.i32()?;
    let course = if df.width() == POSITION_COLUMNS.len() {
        Some((col(df, "cog_deg")?.f32()?, col(df, "heading_deg")?.i32()?))
    } else {
        None
    };
    let (mut mmsi, mut ts, mut lat, mut lon) = (Chunks::of(mmsi), Chunks::of(ts), Chunks::of(lat), Chunks::of(lon));
    let (mut sog, mut draught, mut status) = (Chunks::of(sog), Chunks::of(draught), Chunks::of(status));
    let mut course = course.map(|(c, h)| (Chunks::of(c), Chunks::of(h)));
    // Columns not read stay "not available".
    let mut empty = FixRow::default();
    empty.set_cog_deg(None);
    empty.set_heading(None);
    let height = df.height();
    rows.clear();
    rows.reserve(height);
    // The columns' chunks as they came (not copied into one), a run of rows that lies
    // in one chunk of every column at a time; each run one pass over its rows, every
    // column at once (a pass a column would stream the rows through memory once for each).
    while rows.len() < height {
        let mut n = [
            mmsi.left(),
            ts.left(),
            lat.left(),
            lon.left(),
            sog.left(),
            draught.left(),
            status.left(),
        ]
        .into_iter()
        .min()
        .unwrap_or_default();
        if let Some((cog, heading)) = &course {
            n = n.min(cog.left()).min(heading.left());
        }
        if n == 0 {
            return Err(anyhow::anyhow!("columns of unequal length in {}", path.display()));
        }
        let (m, t, la, lo) = (mmsi.take(n), ts.take(n), lat.take(n), lon.take(n));
        let (sp, dr, st) = (sog.take(n), draught.take(n), status.take(n));
        let co = course.as_mut().map(|(c, h)| (c.take(n), h.take(n)));
        rows.extend((0..n).map(|i| {
            let mut r = empty;
            r.mmsi = m.get(i).unwrap_or_default();
            r.ts_ms = t.get(i).unwrap_or_default();
            r.set_lat(la.get(i));
            r.set_lon(lo.get(i));
            r.set_sog_kn(sp.get(i));
            r.set_draught_m(dr.get(i));
            r.set_status(st.get(i));
            if let Some((cog, heading)) = &co {
                r.set_cog_deg(cog.get(i));
                r.set_heading(heading.get(i));
            }
            r
        }));
    }
    Ok(())
}

/// The values of a run of rows of one chunk of a column, and which are set (none: all).
struct Values<'a, T> {
    values: &'a [T],
    /// The chunk's validity and where the run starts in it.
    valid: Option<(&'a Bitmap, usize)>,
}

impl<T: Copy> Values<'_, T> {
    fn get(&self, i: usize) -> Option<T> {
        match self.valid {
            Some((valid, from)) if !valid.get_bit(from + i) => None,
            _ => Some(self.values[i]),
        }
    }
}

/// A column's chunks, read a run of rows at a time.
struct Chunks<'a, T: NativeType> {
    chunks: Vec<&'a PrimitiveArray<T>>,
    /// The chunk being read, and the rows of it already taken.
    at: (usize, usize),
}

impl<'a, T: NativeType> Chunks<'a, T> {
    fn of<P: PolarsNumericType<Native = T>>(column: &'a ChunkedArray<P>) -> Self {
        let chunks = column.downcast_iter().filter(|c| !c.is_empty()).collect();
        Self { chunks, at: (0, 0) }
    }

    /// Rows left in the current chunk.
    fn left(&self) -> usize {
        self.chunks.get(self.at.0).map_or(0, |c| c.len() - self.at.1)
    }

    /// The next `n` rows (at most [`Chunks::left`]), then on past them.
    fn take(&mut self, n: usize) -> Values<'a, T> {
        let (k, from) = self.at;
        let Some(chunk) = self.chunks.get(k).copied() else {
            return Values {
                values: &[],
                valid: None,
            };
        };
        let n = n.min(chunk.len() - from);
        self.at = if from + n == chunk.len() {
            (k + 1, 0)
        } else {
            (k, from + n)
        };
        Values {
            values: &chunk.values().as_slice()[from..from + n],
            valid: chunk.validity().filter(|v| v.unset_bits() > 0).map(|v| (v, from)),
        }
    }
}

// ---- identity spans ----

/// A string column with one value per row (`None`: null).
fn str_column<'a, T>(name: &str, rows: &'a [T], get: impl Fn(&'a T) -> Option<&'a str>) -> Column {
    StringChunked::new(name.into(), &rows.iter().map(get).collect::<Vec<_>>()).into_column()
}

pub fn write_spans(path: &Path, spans: &[IdentitySpan]) -> anyhow::Result<()> {
    let df = DataFrame::new_infer_height(vec![
        UInt32Chunked::new("mmsi".into(), &spans.iter().map(|x| x.mmsi).collect::<Vec<_>>()).into_column(),
        str_column("imo", spans, |x| x.imo.as_deref()),
        str_column("name", spans, |x| x.name.as_deref()),
        str_column("call_sign", spans, |x| x.call_sign.as_deref()),
        str_column("ship_type", spans, |x| x.ship_type.as_deref()),
        UInt32Chunked::new(
            "length_m".into(),
            &spans.iter().map(|x| x.length_m.map(u32::from)).collect::<Vec<_>>(),
        )
        .into_column(),
        str_column("flag", spans, |x| x.flag.as_deref()),
        str_column("source", spans, |x| Some(x.source.as_str())),
        ms_column("first_seen", &spans.iter().map(|x| x.first_ms).collect::<Vec<_>>()),
        ms_column("last_seen", &spans.iter().map(|x| x.last_ms).collect::<Vec<_>>()),
        UInt64Chunked::new("reports".into(), &spans.iter().map(|x| x.reports).collect::<Vec<_>>()).into_column(),
    ])?;
    write_parquet(path, df)
}

pub fn read_spans(path: &Path) -> anyhow::Result<Vec<IdentitySpan>> {
    let df = read_parquet(path, None)?;
    let mmsi: Vec<Option<u32>> = col(&df, "mmsi")?.u32()?.iter().collect();
    let (imo, name, call_sign) = (strings(&df, "imo")?, strings(&df, "name")?, strings(&df, "call_sign")?);
    let (ship_type, flag, source) = (
        strings(&df, "ship_type")?,
        strings(&df, "flag")?,
        strings(&df, "source")?,
    );
    let (first, last) = (ms_values(&df, "first_seen")?, ms_values(&df, "last_seen")?);
    let reports: Vec<Option<u64>> = col(&df, "reports")?.u64()?.iter().collect();
    // Files written before lengths were kept have no such column.
    let length_m: Vec<Option<u16>> = match df.column("length_m") {
        Ok(c) => c.u32()?.iter().map(|v| v.and_then(|v| u16::try_from(v).ok())).collect(),
        Err(_) => vec![None; df.height()],
    };
    Ok((0..df.height())
        .map(|i| IdentitySpan {
            mmsi: mmsi[i],
            imo: imo[i].clone(),
            name: name[i].clone(),
            call_sign: call_sign[i].clone(),
            ship_type: ship_type[i].clone(),
            length_m: length_m[i],
            flag: flag[i].clone(),
            source: source[i].clone().unwrap_or_default(),
            first_ms: first[i].unwrap_or_default(),
            last_ms: last[i].unwrap_or_default(),
            reports: reports[i].unwrap_or_default(),
        })
        .collect())
}

// ---- rejects ----

pub fn write_rejects(path: &Path, rejects: &[StoredReject]) -> anyhow::Result<()> {
    let df = DataFrame::new_infer_height(vec![
        str_column("file", rejects, |r| Some(r.file.as_str())),
        UInt64Chunked::new("line".into(), &rejects.iter().map(|r| r.line).collect::<Vec<_>>()).into_column(),
        str_column("reason", rejects, |r| Some(r.reason.as_str())),
    ])?;
    write_parquet(path, df)
}

pub fn read_rejects(path: &Path) -> anyhow::Result<Vec<StoredReject>> {
    let df = read_parquet(path, None)?;
    let (file, reason) = (strings(&df, "file")?, strings(&df, "reason")?);
    let line: Vec<Option<u64>> = col(&df, "line")?.u64()?.iter().collect();
    Ok((0..df.height())
        .map(|i| StoredReject {
            file: file[i].clone().unwrap_or_default(),
            line: line[i].unwrap_or_default(),
            reason: reason[i].clone().unwrap_or_default(),
        })
        .collect())
}

// ---- port-call records ----

pub fn write_calls(path: &Path, calls: &[PortCallRecord]) -> anyhow::Result<()> {
    let df = DataFrame::new_infer_height(vec![
        str_column("imo", calls, |c| c.imo.as_deref()),
        UInt32Chunked::new("mmsi".into(), &calls.iter().map(|c| c.mmsi).collect::<Vec<_>>()).into_column(),
        str_column("port", calls, |c| Some(c.port.as_str())),
        ms_column("arrival", &calls.iter().map(|c| c.arrival_ms).collect::<Vec<_>>()),
        opt_ms_column("departure", &calls.iter().map(|c| c.departure_ms).collect::<Vec<_>>()),
        str_column("source", calls, |c| Some(c.source.as_str())),
    ])?;
    write_parquet(path, df)
}

pub fn read_calls(path: &Path) -> anyhow::Result<Vec<PortCallRecord>> {
    let df = read_parquet(path, None)?;
    let (imo, port, source) = (strings(&df, "imo")?, strings(&df, "port")?, strings(&df, "source")?);
    let mmsi: Vec<Option<u32>> = col(&df, "mmsi")?.u32()?.iter().collect();
    let (arrival, departure) = (ms_values(&df, "arrival")?, ms_values(&df, "departure")?);
    Ok((0..df.height())
        .map(|i| PortCallRecord {
            imo: imo[i].clone(),
            mmsi: mmsi[i],
            port: port[i].clone().unwrap_or_default(),
            arrival_ms: arrival[i].unwrap_or_default(),
            departure_ms: departure[i],
            source: source[i].clone().unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;

    /// Three vessels, times stepping unevenly, every optional field missing somewhere,
    /// coordinates of both signs.
    fn rows() -> Vec<FixRow> {
        (0..3000u32)
            .map(|i| {
                let vessel = i / 1000;
                FixRow::from(Fix {
                    mmsi: 273_100_001 + vessel * 7,
                    ts_ms: 1_735_689_600_000 + i64::from(i % 1000) * 60_000 + i64::from(i % 7) * 1000,
                    lat: -33.5 + f64::from(i) * 1e-4,
                    lon: if vessel == 1 {
                        -70.25
                    } else {
                        151.0 + f64::from(i) * 1e-5
                    },
                    sog_kn: (i % 5 != 0).then(|| f32::from(u16::try_from(i % 150).unwrap_or(0)) / 10.0),
                    cog_deg: (i % 6 != 0).then_some(359.9),
                    heading_deg: (i % 4 != 0).then(|| u16::try_from(i % 360).unwrap_or(0)),
                    nav_status: (i % 3 != 0).then(|| u8::try_from(i % 9).unwrap_or(0)),
                    draught_m: (i % 11 != 0).then_some(9.8),
                })
            })
            .collect()
    }

    #[test]
    fn the_row_groups_give_the_range_of_mmsi_and_time_and_every_column_s_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        let rows = rows();
        let mut once = Some(rows.clone());
        write_positions_from(&path, |out| once.take().map(|rows| out.rows = rows).is_some()).unwrap();
        let metadata = footer(&path).unwrap();
        let group = &metadata.row_groups[0];
        let stats = |name: &str| {
            group
                .columns_under_root_iter(name)
                .and_then(|mut c| c.next())
                .and_then(|c| c.statistics(&metadata.footer_buf))
                .unwrap()
                .unwrap()
        };
        let Statistics::Int32(mmsi) = stats("mmsi") else {
            panic!("mmsi")
        };
        assert_eq!((mmsi.min_value, mmsi.max_value), (Some(273_100_001), Some(273_100_015)));
        let Statistics::Int64(ts) = stats("ts") else {
            panic!("ts")
        };
        let times = rows.iter().map(|r| r.ts_ms);
        assert_eq!((ts.min_value, ts.max_value), (times.clone().min(), times.max()));
        let Statistics::Double(lat) = stats("lat") else {
            panic!("lat")
        };
        assert_eq!((lat.min_value, lat.max_value, lat.null_count), (None, None, Some(0)));
        let Statistics::Float(sog) = stats("sog_kn") else {
            panic!("sog_kn")
        };
        let no_speed = rows.iter().filter(|r| r.sog_kn().is_none()).count();
        assert_eq!(
            (sog.max_value, sog.null_count),
            (None, Some(i64::try_from(no_speed).unwrap()))
        );
        assert!(no_speed > 0);
        assert_eq!(row_groups(&path).unwrap()[0].mmsis, 273_100_001..=273_100_015);
    }

    #[test]
    fn positions_come_back_as_written_with_the_table_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        let rows = rows();
        let mut batches = vec![rows[..1234].to_vec(), rows[1234..].to_vec()].into_iter();
        write_positions_from(&path, |out| batches.next().map(|rows| out.rows = rows).is_some()).unwrap();

        assert_eq!(read_positions(&path).unwrap().rows, rows);
        let mut pieces = Vec::new();
        read_positions_by(&path, 700, Columns::All, |f| pieces.extend(f.rows)).unwrap();
        assert_eq!(pieces, rows);
        // Without course and heading: those not available, the rest as written.
        pieces.clear();
        read_positions_by(&path, 700, Columns::NoCourse, |f| pieces.extend(f.rows)).unwrap();
        let without: Vec<FixRow> = rows
            .iter()
            .map(|r| {
                let mut r = *r;
                r.set_cog_deg(None);
                r.set_heading(None);
                r
            })
            .collect();
        assert_eq!(pieces, without);
        assert!(rows.iter().any(|r| r.cog_deg().is_some() && r.heading().is_some()));

        let df = read_parquet(&path, None).unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, POSITION_COLUMNS);
        let dtypes: Vec<String> = df.dtypes().iter().map(ToString::to_string).collect();
        assert_eq!(
            dtypes,
            [
                "u32",
                "datetime[ms, UTC]",
                "f64",
                "f64",
                "f32",
                "f32",
                "i32",
                "i32",
                "f32"
            ]
        );
        assert_eq!(col(&df, "sog_kn").unwrap().null_count(), 600);
        assert_eq!(col(&df, "nav_status").unwrap().null_count(), 1000);
    }

    #[test]
    fn columns_cut_into_chunks_at_different_rows_read_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        let rows = rows();
        let mut once = Some(rows.clone());
        write_positions_from(&path, |out| once.take().map(|rows| out.rows = rows).is_some()).unwrap();
        let df = read_parquet(&path, None).unwrap();
        // Each column in three chunks of its own, cut where no other column is.
        let columns: Vec<Column> = POSITION_COLUMNS
            .iter()
            .zip(0i64..)
            .map(|(name, k)| {
                let whole = df.column(name).unwrap().as_materialized_series().clone();
                let cut = 137 * (k + 1);
                let mut chunked = whole.slice(0, usize::try_from(cut).unwrap());
                chunked.append(&whole.slice(cut, 1500)).unwrap();
                chunked.append(&whole.slice(cut + 1500, rows.len())).unwrap();
                assert_eq!(chunked.n_chunks(), 3, "{name}");
                chunked.into_column()
            })
            .collect();
        let chunked = DataFrame::new_infer_height(columns).unwrap();
        assert_eq!(positions_of_frame(&chunked, &path).unwrap().rows, rows);
    }

    /// Files of earlier versions went through a data frame: every column optional, the
    /// time by dictionary, Snappy pages. They still read as they were written.
    #[test]
    fn positions_written_through_a_data_frame_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.parquet");
        let rows = rows();
        let opt = |get: &dyn Fn(&FixRow) -> Option<f32>| rows.iter().map(get).collect::<Vec<_>>();
        let ints = |get: &dyn Fn(&FixRow) -> Option<i32>| rows.iter().map(get).collect::<Vec<_>>();
        let df = DataFrame::new_infer_height(vec![
            Column::new("mmsi".into(), rows.iter().map(|r| Some(r.mmsi)).collect::<Vec<_>>()),
            ms_column("ts", &rows.iter().map(|r| r.ts_ms).collect::<Vec<_>>()),
            Column::new("lat".into(), rows.iter().map(|r| Some(r.lat())).collect::<Vec<_>>()),
            Column::new("lon".into(), rows.iter().map(|r| Some(r.lon())).collect::<Vec<_>>()),
            Column::new("sog_kn".into(), opt(&FixRow::sog_kn)),
            Column::new("cog_deg".into(), opt(&FixRow::cog_deg)),
            Column::new("heading_deg".into(), ints(&|r| r.heading().map(i32::from))),
            Column::new("nav_status".into(), ints(&|r| r.status().map(i32::from))),
            Column::new("draught_m".into(), opt(&FixRow::draught_m)),
        ])
        .unwrap();
        write_parquet(&path, df).unwrap();
        assert_eq!(read_positions(&path).unwrap().rows, rows);
    }
}
