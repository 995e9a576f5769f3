#!/usr/bin/env python3
"""Runs a fleetwatch report on Apache Spark, with the same rows as the single-machine run.

    spark-submit spark/fleetwatch_job.py REPORT --store DIR --out FILE
        [--fleetwatch BIN] [--partitions N] [-- REPORT FLAGS...]
    python3 spark/fleetwatch_job.py REPORT --store DIR --out FILE --master local[2] ...

REPORT is one of port-calls, gaps, loitering, anomalies, encounters. The store's
positions are read from the files its manifest (store.json) lists, never by a glob (files
of an interrupted write may lie beside the committed ones), from a local directory or from
any URI the cluster reads (s3://, gs://, abfss://, dbfs:/). Every rule runs in the
fleetwatch binary, shipped to the executors; Spark only moves rows:

  observe   each vessel's own track, in partitions by MMSI (sorted by MMSI and time);
  plan      (anomalies) the vessels that share an IMO, before observe, on the driver;
  silences  (gaps) the gaps whose neighbours are to be heard, on the driver;
  hear      (gaps) every fix heard near those gaps, in the same partitions;
  pair      (encounters) the grid points of each coarse cell (a UTC day by a degree by
            a degree, with the encounter distance around it), in partitions by cell;
  runs      (encounters) the times each pair was together, in partitions by pair;
  finish    the report from those partial results, on the driver, with the store's
            identities and lists (the joins run once, there).

The rows go to --out: CSV with the columns and order of the single-machine report, or
Parquet when the name ends in .parquet. Flags after `--` go to the report as on the
command line (`-- --ports ports.csv --min-gap-h 6`).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid

REPORTS = {
    "port-calls": ["observe", "finish"],
    "loitering": ["observe", "finish"],
    "anomalies": ["plan", "observe", "finish"],
    "gaps": ["observe", "silences", "hear", "finish"],
    "encounters": ["observe", "pair", "finish"],
}
POSITION_COLUMNS = ["mmsi", "ts", "lat", "lon", "sog_kn", "cog_deg", "heading_deg", "nav_status", "draught_m"]
PARTIAL_SCHEMA = "kind string, key string, json string"
# Report flags that name a file: the file is shipped to the executors with the binary.
FILE_FLAGS = ("--ports", "--land", "--waterways")
SHIPPED = "shipped-file:"


def parse(argv):
    flags = []
    if "--" in argv:
        at = argv.index("--")
        argv, flags = argv[:at], argv[at + 1 :]
    p = argparse.ArgumentParser(
        prog="fleetwatch_job.py",
        description="Runs a fleetwatch report on Apache Spark (the same rows as fleetwatch alone).",
        epilog="Flags after `--` go to the report: ... -- --ports ports.csv",
    )
    p.add_argument("report", choices=sorted(REPORTS))
    p.add_argument("--store", required=True, help="the fleetwatch store (a directory or a URI)")
    p.add_argument("--out", required=True, help="the rows: a CSV file, or Parquet when it ends in .parquet")
    p.add_argument("--fleetwatch", default=None, help="the fleetwatch binary to ship [default: fleetwatch on PATH]")
    p.add_argument("--partitions", type=int, default=None, help="partitions of the positions [default: Spark's parallelism]")
    p.add_argument("--master", default=None, help="the Spark master when run with python3 (local[2], spark://host:7077)")
    p.add_argument(
        "--partition-by",
        choices=["mmsi", "day"],
        default="mmsi",
        help=argparse.SUPPRESS,  # day splits vessels: wrong on purpose, for the test that shows it
    )
    args = p.parse_args(argv)
    args.flags = flags
    return args


def fleetwatch_binary(path):
    found = path or shutil.which("fleetwatch")
    if not found or not os.path.isfile(found):
        sys.exit("fleetwatch_job.py: no fleetwatch binary: give --fleetwatch BIN")
    return os.path.abspath(found)


def is_uri(path):
    return "://" in path or path.startswith("dbfs:")


def join(base, name):
    return base.rstrip("/") + "/" + name


def read_manifest(spark, store):
    if is_uri(store):
        text = spark.read.text(join(store, "store.json"), wholetext=True).first()[0]
    else:
        with open(os.path.join(store, "store.json"), encoding="utf-8") as f:
            text = f.read()
    return json.loads(text)


def local_store(spark, store, manifest, scratch):
    """A directory on the driver with the store's manifest, identities, port-call records
    and lists (not its positions): what the plan, silences and finish stages read. A
    store in object storage is copied: the files its manifest names, and its lists."""
    if not is_uri(store):
        return store
    from pyspark.sql.utils import AnalysisException

    copy = os.path.join(scratch, "store")
    named = [manifest[k]["file"] for k in ("identities", "port_call_records") if manifest.get(k)]
    reads = []
    if named:
        reads.append(spark.read.format("binaryFile").load(*[join(store, f) for f in named]))
    try:
        lists = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(join(store, "lists"))
        lists.limit(1).count()
        reads.append(lists)
    except AnalysisException:  # no list was ever imported: the bundled ones serve
        pass

    def relative(path):
        """The name in the store of a file Spark read (its URI spelt as Spark spells it)."""
        for name in named:
            if path.endswith("/" + name):
                return name
        at = path.rfind("/lists/")
        return path[at + 1 :] if at >= 0 else None

    for frame in reads:
        for row in frame.select("path", "content").toLocalIterator():
            name = relative(row["path"])
            if not name:
                continue
            target = os.path.join(copy, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(row["content"])
    os.makedirs(copy, exist_ok=True)
    with open(os.path.join(copy, "store.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    return copy


def position_files(store, manifest):
    files = []
    for day in sorted(manifest.get("positions", {})):
        files.extend(join(store, f) if is_uri(store) else os.path.join(store, f) for f in manifest["positions"][day]["files"])
    return files


def context(spark):
    """The SparkContext, or None on Spark Connect (which has none)."""
    try:
        return spark.sparkContext
    except Exception:
        return None


def ship(spark, path):
    """Makes a file reachable from every executor, as SparkFiles.get(its name)."""
    sc = context(spark)
    if sc is not None:
        sc.addFile(path)
    else:
        try:
            spark.addArtifacts(path, file=True)
        except Exception as e:  # the binary again, in the same session
            if "DUPLICATED_ARTIFACT" not in str(e):
                raise
    return os.path.basename(path)


def here_on_executor(flag, get):
    """A report flag with a shipped file's name made its path on this executor."""
    name, eq, value = flag.partition("=")
    if eq and value.startswith(SHIPPED):
        return f"{name}={get(value[len(SHIPPED) :])}"
    return get(flag[len(SHIPPED) :]) if flag.startswith(SHIPPED) else flag


def stage_task(binary, report, stage, flags, input_kind, partials=None, threads=1):
    """The function mapInArrow runs on each partition: its rows go to fleetwatch as an
    Arrow IPC stream on standard input, fleetwatch's partial results come back."""

    def task(batches):
        import pyarrow as pa
        from pyarrow import ipc
        from pyspark import SparkFiles

        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            return
        exe = SparkFiles.get(binary)
        if not os.access(exe, os.X_OK):
            os.chmod(exe, 0o755)
        cmd = [exe, "--quiet", "report", report, "--stage", stage]
        if input_kind == "positions":
            cmd += ["--input", "-", "--input-format", "arrow"]
        if partials or input_kind == "partials":
            cmd += ["--partials"]
            cmd += [SparkFiles.get(p) for p in (partials or [])]
            if input_kind == "partials":
                cmd += ["-"]
        cmd += [here_on_executor(f, SparkFiles.get) for f in flags]
        # A task has spark.task.cpus cores: fleetwatch works on that many threads.
        env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        failed = []

        def feed():
            try:
                with ipc.new_stream(proc.stdin, first.schema) as w:
                    w.write_batch(first)
                    for b in batches:
                        w.write_batch(b)
            except BrokenPipeError as e:
                failed.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        feeder = threading.Thread(target=feed, daemon=True)
        errors = []
        drain = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
        feeder.start()
        drain.start()
        try:
            reader = ipc.open_stream(proc.stdout)
            for batch in reader:
                yield batch
        except pa.ArrowInvalid:
            pass
        feeder.join()
        code = proc.wait()
        drain.join()
        if code != 0:
            raise RuntimeError(f"fleetwatch {' '.join(cmd[1:])} failed ({code}): {errors[0].decode(errors='replace')}")

    return task


def run_local(argv, out_path=None):
    """fleetwatch on the driver; its standard output to `out_path` (or returned)."""
    proc = subprocess.run(argv, capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    if out_path:
        with open(out_path, "wb") as f:
            f.write(proc.stdout)
    return proc.stdout


def write_stream(table, path):
    import pyarrow as pa

    with pa.OSFile(path, "wb") as f:
        with pa.ipc.new_stream(f, table.schema) as w:
            w.write_table(table)
    return path


def save_partials(df, path):
    """A DataFrame of partial results, collected to an Arrow IPC stream file on the driver."""
    return write_stream(df.toArrow(), path)


def met_mmsis(encounters_path):
    """The MMSIs of the encounters a runs stage found (as text, as notes are keyed)."""
    import pyarrow as pa

    table = pa.ipc.open_stream(pa.OSFile(encounters_path, "rb")).read_all()
    met = set()
    for text in table.column("json").to_pylist():
        e = json.loads(text)
        met.update((str(e["a"]), str(e["b"])))
    return met


def parallelism(spark):
    sc = context(spark)
    return sc.defaultParallelism if sc is not None else int(spark.conf.get("spark.default.parallelism", "8"))


def executor_flags(spark, flags, scratch, run_id):
    """The report flags as the executors see them: each file a flag names shipped."""
    out = []
    for k, flag in enumerate(flags):
        name, _, value = flag.partition("=")
        if value and name in FILE_FLAGS and os.path.isfile(value):
            out.append(f"{name}={SHIPPED}{ship_copy(spark, value, scratch, run_id)}")
        elif k > 0 and flags[k - 1] in FILE_FLAGS and os.path.isfile(flag):
            out.append(SHIPPED + ship_copy(spark, flag, scratch, run_id))
        else:
            out.append(flag)
    return out


def ship_copy(spark, path, scratch, run_id):
    copy = os.path.join(scratch, f"{run_id}-{os.path.basename(path)}")
    shutil.copyfile(path, copy)
    return ship(spark, copy)


def warn_skew(positions, n):
    """Prints the MMSIs that hold more fixes than a partition's share: all of an MMSI's
    fixes are one task's, so such an MMSI (a placeholder many transmitters share) makes
    its task the long one. Reads the mmsi column alone."""
    from pyspark.sql import functions as F

    counts = positions.groupBy("mmsi").count().persist()
    try:
        total = counts.agg(F.sum("count")).first()[0] or 0
        share = total / max(n, 1)
        for row in counts.orderBy(F.desc("count")).limit(3).collect():
            if row["count"] > share:
                print(
                    f"fleetwatch_job: MMSI {row['mmsi']:09d} has {row['count']:,} of {total:,} fixes, more than a "
                    f"partition's share ({share:,.0f}): its task is the long one",
                    file=sys.stderr,
                )
    finally:
        counts.unpersist()


def run(spark, report, store, out, fleetwatch=None, partitions=None, flags=(), partition_by="mmsi"):
    """Runs `report` of the store on `spark`, the rows written to `out`."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if __name__ != "__main__":
        # Imported as a module (a notebook, a test): the executors cannot import it, so
        # its functions travel by value.
        from pyspark import cloudpickle

        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    flags = list(flags)
    binary = fleetwatch_binary(fleetwatch)
    shipped = ship(spark, binary)
    manifest = read_manifest(spark, store)
    files = position_files(store, manifest)
    n = partitions or parallelism(spark)
    scratch = tempfile.mkdtemp(prefix="fleetwatch-job-")
    try:
        data_dir = local_store(spark, store, manifest, scratch)

        def here(*stage_args):
            return [binary, "--quiet", "--data-dir", data_dir, "report", report, *stage_args, *flags]

        # Files shipped to the executors are named for this run: Spark keeps one file per name.
        run_id = uuid.uuid4().hex[:12]

        remote = executor_flags(spark, flags, scratch, run_id)
        threads = int(spark.conf.get("spark.task.cpus", "1"))

        def collected(df, name):
            return save_partials(df, os.path.join(scratch, f"{run_id}-{name}"))

        partials = []  # the partial results finish reads
        if files:
            positions = spark.read.parquet(*files).select(*POSITION_COLUMNS)
            warn_skew(positions, n)
            key = "mmsi" if partition_by == "mmsi" else F.to_date("ts")
            positions = positions.repartition(n, key).sortWithinPartitions("mmsi", "ts")
            if report == "gaps":
                # observe and hear both take these partitions: shuffled once, kept.
                positions = positions.persist(StorageLevel.MEMORY_AND_DISK)
            plan = None
            if "plan" in REPORTS[report]:
                plan = [ship(spark, run_local_to(here("--stage", "plan"), scratch, f"{run_id}-plan.arrow"))]
            observed = positions.mapInArrow(stage_task(shipped, report, "observe", remote, "positions", plan, threads), PARTIAL_SCHEMA)
            if report == "encounters":
                observed = observed.persist()
                points = observed.filter(F.col("kind") == "point").repartition(n, "key")
                together = points.mapInArrow(stage_task(shipped, report, "pair", remote, "partials", threads=threads), PARTIAL_SCHEMA)
                # The times of one pair are one task's: their runs make its encounters.
                met = together.repartition(n, "key").mapInArrow(
                    stage_task(shipped, report, "runs", remote, "partials", threads=threads), PARTIAL_SCHEMA
                )
                partials.append(collected(met, "encounters.arrow"))
                # The notes (silences, draughts) of the vessels that met, alone.
                met = sorted(met_mmsis(partials[-1]))
                notes = observed.filter((F.col("kind") == "notes") & F.col("key").isin(met))
                partials.append(collected(notes, "notes.arrow"))
                observed.unpersist()
            else:
                partials.append(collected(observed, "observed.arrow"))
            if report == "gaps":
                silences = run_local_to(
                    here("--stage", "silences", "--partials", partials[0]), scratch, f"{run_id}-silences.arrow"
                )
                heard = positions.mapInArrow(
                    stage_task(shipped, report, "hear", remote, "positions", [ship(spark, silences)], threads), PARTIAL_SCHEMA
                )
                partials.append(collected(heard, "heard.arrow"))
                positions.unpersist()
        else:
            schema = pa.schema([("kind", pa.string()), ("key", pa.string()), ("json", pa.string())])
            partials.append(write_stream(schema.empty_table(), os.path.join(scratch, "empty.arrow")))
        finish = here("--stage", "finish", "--partials", *partials)
        if out.endswith(".parquet"):
            table = pa.ipc.open_stream(run_local([*finish, "--format", "arrow"])).read_all()
            if is_uri(out):
                spark.createDataFrame(table.to_pandas()).coalesce(1).write.mode("overwrite").parquet(out)
            else:
                pq.write_table(table, out)
        else:
            run_local([*finish, "--format", "csv"], out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_local_to(argv, scratch, name):
    path = os.path.join(scratch, name)
    run_local(argv, path)
    return path


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(f"fleetwatch {args.report}").config("spark.sql.session.timeZone", "UTC")
    if args.master:
        builder = builder.master(args.master)
    if not sys.stderr.isatty():
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    spark = builder.getOrCreate()
    try:
        run(spark, args.report, args.store, args.out, args.fleetwatch, args.partitions, args.flags, args.partition_by)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
