//! Arrow IPC in and out: positions on standard input as Spark's `mapInArrow` hands them
//! over (`mmsi` an `Int64`, `ts` microseconds), the rows back with `--format arrow`, and
//! the stages of a distributed run (`--stage`) giving the whole report when the vessels
//! are split between workers, and not when their tracks are split by day.

use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;

use fleetwatch::model::ais::FixRow;
use polars_arrow::array::{Array, PrimitiveArray};
use polars_arrow::datatypes::{ArrowDataType, ArrowSchema, Field, TimeUnit};
use polars_arrow::io::ipc::write::{StreamWriter, WriteOptions};
use polars_arrow::record_batch::RecordBatchT;

use crate::Fw;

/// The behaviour scenario's two days (every gap class, loitering, anomaly kind) with the
/// ship-to-ship case study (an encounter) in one store, and the scenario's ports file.
fn scenario() -> (Fw, String) {
    let (fw, ports) = crate::behaviour::scenario(2);
    let (name, bytes) = fleetwatch::synth::sts::file();
    let path = fw.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let run = fw.run(&["--quiet", "ingest", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (fw, ports)
}

const REPORTS: [&str; 5] = ["port-calls", "gaps", "loitering", "anomalies", "encounters"];

/// Every stored position, sorted by MMSI and time.
fn stored(fw: &Fw) -> Vec<FixRow> {
    let store = fleetwatch::store::data::DataStore::open(fw.dir.path()).unwrap();
    let days: Vec<_> = store.manifest.positions.keys().copied().collect();
    let mut rows = store.positions_of_days(days.into_iter()).unwrap().rows;
    rows.sort_by_key(|r| (r.mmsi, r.ts_ms));
    rows
}

/// Positions as an Arrow IPC stream of batches of `batch` rows, typed as Spark writes
/// them: `mmsi` Int64, `ts` a microsecond timestamp in UTC, floats and integers nullable.
fn spark_stream(rows: &[FixRow], batch: usize) -> Vec<u8> {
    let fields = vec![
        Field::new("mmsi".into(), ArrowDataType::Int64, true),
        Field::new(
            "ts".into(),
            ArrowDataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            true,
        ),
        Field::new("lat".into(), ArrowDataType::Float64, true),
        Field::new("lon".into(), ArrowDataType::Float64, true),
        Field::new("sog_kn".into(), ArrowDataType::Float32, true),
        Field::new("cog_deg".into(), ArrowDataType::Float32, true),
        Field::new("heading_deg".into(), ArrowDataType::Int32, true),
        Field::new("nav_status".into(), ArrowDataType::Int32, true),
        Field::new("draught_m".into(), ArrowDataType::Float32, true),
    ];
    let schema: Arc<ArrowSchema> = Arc::new(fields.into_iter().map(|f| (f.name.clone(), f)).collect());
    let mut out = Vec::new();
    let mut writer = StreamWriter::new(&mut out, WriteOptions { compression: None });
    writer.start(&schema, None).unwrap();
    for chunk in rows.chunks(batch) {
        let arrays: Vec<Box<dyn Array>> = vec![
            PrimitiveArray::<i64>::from_vec(chunk.iter().map(|r| i64::from(r.mmsi)).collect()).boxed(),
            PrimitiveArray::<i64>::from_vec(chunk.iter().map(|r| r.ts_ms * 1000).collect())
                .to(schema.get("ts").unwrap().dtype.clone())
                .boxed(),
            PrimitiveArray::<f64>::from_vec(chunk.iter().map(FixRow::lat).collect()).boxed(),
            PrimitiveArray::<f64>::from_vec(chunk.iter().map(FixRow::lon).collect()).boxed(),
            PrimitiveArray::<f32>::from(chunk.iter().map(FixRow::sog_kn).collect::<Vec<_>>()).boxed(),
            PrimitiveArray::<f32>::from(chunk.iter().map(FixRow::cog_deg).collect::<Vec<_>>()).boxed(),
            PrimitiveArray::<i32>::from(chunk.iter().map(|r| r.heading().map(i32::from)).collect::<Vec<_>>()).boxed(),
            PrimitiveArray::<i32>::from(chunk.iter().map(|r| r.status().map(i32::from)).collect::<Vec<_>>()).boxed(),
            PrimitiveArray::<f32>::from(chunk.iter().map(FixRow::draught_m).collect::<Vec<_>>()).boxed(),
        ];
        writer
            .write(
                &RecordBatchT::try_new(chunk.len(), schema.clone(), arrays).unwrap(),
                None,
            )
            .unwrap();
    }
    writer.finish().unwrap();
    out
}

/// `fleetwatch ARGS` with `stdin` on standard input: exit code, stdout bytes, stderr.
fn piped(fw: &Fw, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = fw
        .command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        // A stage that refuses its input closes the pipe early.
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok<S: AsRef<str>>(fw: &Fw, args: &[S], stdin: &[u8]) -> Vec<u8> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let (code, out, err) = piped(fw, &args, stdin);
    assert_eq!(code, 0, "fleetwatch {}: {err}", args.join(" "));
    out
}

/// A report of the store, with the scenario's ports, as CSV.
fn report_csv(fw: &Fw, report: &str, ports: &str) -> String {
    let run = fw.run(&["report", report, "--ports", ports, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn every_detecting_report_reads_positions_from_an_arrow_stream_as_spark_writes_them() {
    let (fw, ports) = scenario();
    let mut rows = stored(&fw);
    // A worker may be handed a fix twice: it counts once.
    let again: Vec<FixRow> = rows.iter().step_by(7).copied().collect();
    rows.extend(again);
    let stream = spark_stream(&rows, 1000);
    for report in REPORTS {
        let args = [
            "report",
            report,
            "--input",
            "-",
            "--input-format",
            "arrow",
            "--ports",
            &ports,
        ];
        let from_stream = ok(&fw, &[&args[..], &["--format", "csv"]].concat(), &stream);
        let expected = report_csv(&fw, report, &ports);
        assert!(expected.lines().count() > 1, "{report}: the scenario has rows");
        assert_eq!(String::from_utf8(from_stream).unwrap(), expected, "{report}");
    }
}

#[test]
fn format_arrow_writes_the_rows_with_their_types() {
    let (fw, ports) = crate::behaviour::scenario(1);
    let csv = report_csv(&fw, "gaps", &ports);
    let bytes = ok(&fw, &["report", "gaps", "--ports", &ports, "--format", "arrow"], &[]);
    let mut reader = std::io::Cursor::new(bytes);
    let metadata = polars_arrow::io::ipc::read::read_stream_metadata(&mut reader).unwrap();
    let schema = metadata.schema.clone();
    let names: Vec<&str> = schema.iter_values().map(|f| f.name.as_str()).collect();
    assert_eq!(names.join(","), csv.lines().next().unwrap());
    let dtype = |name: &str| schema.get(name).unwrap().dtype.clone();
    assert_eq!(dtype("duration_h"), ArrowDataType::Float64);
    assert_eq!(dtype("open"), ArrowDataType::Boolean);
    assert_eq!(dtype("neighbours_at_start"), ArrowDataType::Int64);
    assert_eq!(dtype("class"), ArrowDataType::Utf8);
    let mut height = 0;
    for state in polars_arrow::io::ipc::read::StreamReader::new(reader, metadata, None) {
        if let polars_arrow::io::ipc::read::StreamState::Some(batch) = state.unwrap() {
            height += batch.len();
        }
    }
    assert_eq!(height, csv.lines().count() - 1);
    // Not for the reports without places.
    let run = fw.run(&["report", "renames", "--format", "arrow"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// The report through its stages as the Spark job runs them, each of `workers` the
/// positions one worker is given.
fn staged(fw: &Fw, report: &str, ports: &str, workers: &[Vec<FixRow>]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    };
    let with = |extra: &[&str]| -> Vec<String> {
        ["report", report, "--ports", ports]
            .iter()
            .chain(extra)
            .map(|s| (*s).to_string())
            .collect()
    };
    let input = ["--input", "-", "--input-format", "arrow"];
    let mut plan = Vec::new();
    if report == "anomalies" {
        plan = vec![file("plan", &ok(fw, &with(&["--stage", "plan"]), &[]))];
    }
    let mut observed = Vec::new();
    for (k, part) in workers.iter().enumerate() {
        let mut args = with(&[&input[..], &["--stage", "observe"]].concat());
        if !plan.is_empty() {
            args.extend(["--partials".to_string(), plan[0].clone()]);
        }
        observed.push(file(&format!("observed-{k}"), &ok(fw, &args, &spark_stream(part, 500))));
    }
    let observed: Vec<&str> = observed.iter().map(String::as_str).collect();
    let mut partials: Vec<String> = observed.iter().map(|s| (*s).to_string()).collect();
    if report == "gaps" {
        let silences = file(
            "silences",
            &ok(
                fw,
                &with(&[&["--stage", "silences", "--partials"][..], &observed].concat()),
                &[],
            ),
        );
        for (k, part) in workers.iter().enumerate() {
            let args = with(&[&input[..], &["--stage", "hear", "--partials", &silences]].concat());
            partials.push(file(&format!("heard-{k}"), &ok(fw, &args, &spark_stream(part, 500))));
        }
    }
    if report == "encounters" {
        let args = with(&[&["--stage", "pair", "--partials"][..], &observed].concat());
        let together = file("together", &ok(fw, &args, &[]));
        partials.push(file(
            "encounters",
            &ok(fw, &with(&["--stage", "runs", "--partials", &together]), &[]),
        ));
    }
    let partials: Vec<&str> = partials.iter().map(String::as_str).collect();
    let args = with(&[&["--stage", "finish", "--format", "csv", "--partials"][..], &partials].concat());
    String::from_utf8(ok(fw, &args, &[])).unwrap()
}

#[test]
fn the_stages_give_the_report_when_workers_share_the_vessels_and_not_when_they_share_days() {
    let (fw, ports) = scenario();
    let rows = stored(&fw);
    let by_vessel: Vec<Vec<FixRow>> = (0..3)
        .map(|k| rows.iter().filter(|r| r.mmsi % 3 == k).copied().collect())
        .collect();
    let by_day: Vec<Vec<FixRow>> = (0..2)
        .map(|k| {
            rows.iter()
                .filter(|r| (r.ts_ms / 86_400_000) % 2 == k)
                .copied()
                .collect()
        })
        .collect();
    for report in REPORTS {
        let expected = report_csv(&fw, report, &ports);
        assert!(expected.lines().count() > 1, "{report}: the scenario has rows");
        assert_eq!(staged(&fw, report, &ports, &by_vessel), expected, "{report}");
    }
    // A day's worker sees half of each track: a gap across midnight is lost.
    assert_ne!(staged(&fw, "gaps", &ports, &by_day), report_csv(&fw, "gaps", &ports));
}

#[test]
fn a_stream_that_is_not_arrow_or_lacks_a_column_is_a_clear_error() {
    let fw = Fw::new();
    let (code, _, err) = piped(
        &fw,
        &["report", "gaps", "--input", "-", "--input-format", "arrow"],
        b"mmsi,ts\n1,2\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("standard input: not an Arrow IPC stream"), "{err}");

    let stream = {
        let schema: Arc<ArrowSchema> = Arc::new(
            [Field::new("mmsi".into(), ArrowDataType::Int64, true)]
                .into_iter()
                .map(|f| (f.name.clone(), f))
                .collect(),
        );
        let mut out = Vec::new();
        let mut w = StreamWriter::new(&mut out, WriteOptions { compression: None });
        w.start(&schema, None).unwrap();
        let batch = RecordBatchT::try_new(
            1,
            schema.clone(),
            vec![PrimitiveArray::<i64>::from_vec(vec![1]).boxed()],
        );
        w.write(&batch.unwrap(), None).unwrap();
        w.finish().unwrap();
        out
    };
    let (code, _, err) = piped(&fw, &["report", "gaps", "--input", "-"], &stream);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no 'ts' column"), "{err}");

    let (code, _, err) = piped(&fw, &["report", "gaps", "--input", "-", "--input-format", "dma"], b"");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--input - reads an Arrow IPC stream"), "{err}");

    let run = fw.run(&["report", "loitering", "--stage", "pair"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("its stages: observe, finish"), "{}", run.stderr);
}

/// One batch of the given columns as an Arrow IPC stream.
fn stream_of(columns: Vec<(Field, Box<dyn Array>)>) -> Vec<u8> {
    let rows = columns[0].1.len();
    let schema: Arc<ArrowSchema> = Arc::new(columns.iter().map(|(f, _)| (f.name.clone(), f.clone())).collect());
    let mut out = Vec::new();
    let mut w = StreamWriter::new(&mut out, WriteOptions { compression: None });
    w.start(&schema, None).unwrap();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    w.write(&RecordBatchT::try_new(rows, schema.clone(), arrays).unwrap(), None)
        .unwrap();
    w.finish().unwrap();
    out
}

#[test]
fn integers_of_8_and_16_bits_are_read_and_128_bits_are_refused_clearly() {
    // As pyarrow writes a frame of small types: a status in int8, a heading in uint16.
    let fw = Fw::new();
    let field = |name: &str, dtype: ArrowDataType| Field::new(name.into(), dtype, true);
    let minutes: Vec<i64> = (0..3).map(|m| 1_590_969_600_000 + m * 60_000).collect();
    let small = stream_of(vec![
        (
            field("mmsi", ArrowDataType::UInt32),
            PrimitiveArray::<u32>::from_vec(vec![273_338_710; 3]).boxed(),
        ),
        (
            field("ts", ArrowDataType::Int64),
            PrimitiveArray::<i64>::from_vec(minutes.clone()).boxed(),
        ),
        (
            field("lat", ArrowDataType::Float32),
            PrimitiveArray::<f32>::from_vec(vec![59.68, 59.69, 59.70]).boxed(),
        ),
        (
            field("lon", ArrowDataType::Float32),
            PrimitiveArray::<f32>::from_vec(vec![28.40; 3]).boxed(),
        ),
        (
            field("heading_deg", ArrowDataType::UInt16),
            PrimitiveArray::<u16>::from(vec![Some(90), None, Some(359)]).boxed(),
        ),
        (
            field("nav_status", ArrowDataType::Int8),
            PrimitiveArray::<i8>::from(vec![Some(1), Some(1), None]).boxed(),
        ),
    ]);
    let path = fw.dir.path().join("small.arrow");
    std::fs::write(&path, &small).unwrap();
    let run = fw.run(&["--quiet", "ingest", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = stored(&fw);
    assert_eq!(
        rows.iter().map(|r| (r.heading(), r.status())).collect::<Vec<_>>(),
        [(Some(90), Some(1)), (None, Some(1)), (Some(359), None)]
    );
    assert!((rows[1].lat() - 59.69).abs() < 1e-5, "{}", rows[1].lat());

    let wide = stream_of(vec![
        (
            field("mmsi", ArrowDataType::Int128),
            PrimitiveArray::<i128>::from_vec(vec![273_338_710]).boxed(),
        ),
        (
            field("ts", ArrowDataType::Int64),
            PrimitiveArray::<i64>::from_vec(vec![minutes[0]]).boxed(),
        ),
    ]);
    let (code, _, err) = piped(&fw, &["report", "gaps", "--input", "-"], &wide);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the Arrow column 'mmsi' is Int128, not a 32- or 64-bit number or timestamp"),
        "{err}"
    );
}
