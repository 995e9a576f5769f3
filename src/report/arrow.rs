//! Columns written as an Arrow IPC stream (`--format arrow`, and the partial results of
//! a distributed run), for an engine to read back: Spark's `mapInArrow`, pyarrow,
//! `DuckDB`, Polars. Strings are plain `Utf8` (not views), which every reader takes.

use std::io::{self, Write};
use std::sync::Arc;

use polars_arrow::array::{Array, BooleanArray, PrimitiveArray, Utf8Array};
use polars_arrow::datatypes::{ArrowDataType, ArrowSchema, Field};
use polars_arrow::io::ipc::write::{StreamWriter, WriteOptions};
use polars_arrow::record_batch::RecordBatchT;

use super::{Cell, Rows};

/// One column's values.
pub enum Values {
    Utf8(Vec<Option<String>>),
    F64(Vec<Option<f64>>),
    I64(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Self::Utf8(v) => v.len(),
            Self::F64(v) => v.len(),
            Self::I64(v) => v.len(),
            Self::Bool(v) => v.len(),
        }
    }

    fn array(&self) -> (ArrowDataType, Box<dyn Array>) {
        match self {
            Self::Utf8(v) => (ArrowDataType::Utf8, Utf8Array::<i32>::from(v).boxed()),
            Self::F64(v) => (ArrowDataType::Float64, PrimitiveArray::<f64>::from(v.clone()).boxed()),
            Self::I64(v) => (ArrowDataType::Int64, PrimitiveArray::<i64>::from(v.clone()).boxed()),
            Self::Bool(v) => (ArrowDataType::Boolean, BooleanArray::from(v.clone()).boxed()),
        }
    }
}

/// Named columns (of one length) as an Arrow IPC stream of one record batch.
pub fn write_stream(columns: &[(&str, Values)], out: &mut dyn Write) -> io::Result<()> {
    let height = columns.first().map_or(0, |(_, v)| v.len());
    let (fields, arrays): (Vec<Field>, Vec<Box<dyn Array>>) = columns
        .iter()
        .map(|(name, values)| {
            let (dtype, array) = values.array();
            (Field::new((*name).into(), dtype, true), array)
        })
        .unzip();
    let schema: ArrowSchema = fields.into_iter().map(|f| (f.name.clone(), f)).collect();
    let schema = Arc::new(schema);
    let ipc = |e: polars::prelude::PolarsError| io::Error::other(format!("cannot write the Arrow stream: {e}"));
    let mut writer = StreamWriter::new(out, WriteOptions { compression: None });
    writer.start(&schema, None).map_err(ipc)?;
    if height > 0 {
        let batch = RecordBatchT::try_new(height, schema.clone(), arrays).map_err(ipc)?;
        writer.write(&batch, None).map_err(ipc)?;
    }
    writer.finish().map_err(ipc)
}

impl Rows {
    /// The rows as an Arrow IPC stream, each column typed by its values: integers
    /// `Int64`, other numbers `Float64`, flags `Boolean`, the rest (and a column with
    /// no value or with values of several kinds) `Utf8`.
    pub fn write_arrow(&self, out: &mut dyn Write) -> io::Result<()> {
        let columns: Vec<(&str, Values)> = self
            .columns
            .iter()
            .enumerate()
            .map(|(k, name)| (*name, self.column_values(k)))
            .collect();
        write_stream(&columns, out)
    }

    fn column_values(&self, k: usize) -> Values {
        let cells = || self.rows.iter().map(move |r| &r[k]);
        let all = |f: fn(&Cell) -> bool| cells().all(|c| matches!(c, Cell::Null) || f(c));
        let some = cells().any(|c| !matches!(c, Cell::Null));
        if some && all(|c| matches!(c, Cell::Int(_))) {
            Values::I64(
                cells()
                    .map(|c| if let Cell::Int(v) = c { Some(*v) } else { None })
                    .collect(),
            )
        } else if some && all(|c| matches!(c, Cell::Int(_) | Cell::Num(..))) {
            #[allow(clippy::cast_precision_loss, reason = "counts in a column of numbers")]
            Values::F64(
                cells()
                    .map(|c| match c {
                        // As CSV shows it, so the two agree.
                        Cell::Num(..) => c.text().parse().ok(),
                        Cell::Int(v) => Some(*v as f64),
                        _ => None,
                    })
                    .collect(),
            )
        } else if some && all(|c| matches!(c, Cell::Bool(_))) {
            Values::Bool(
                cells()
                    .map(|c| if let Cell::Bool(v) = c { Some(*v) } else { None })
                    .collect(),
            )
        } else {
            Values::Utf8(
                cells()
                    .map(|c| match c {
                        Cell::Null => None,
                        Cell::Str(s) => Some(s.clone()),
                        other => Some(other.text()),
                    })
                    .collect(),
            )
        }
    }
}
