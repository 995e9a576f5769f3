#!/usr/bin/env python3
"""Spark's time beside fleetwatch alone (BENCHMARKS.md, `python3 benches/run.py --only spark`).

    PYTHON_WITH_PYSPARK benches/spark.py --fleetwatch BIN --store DIR [--runs N]

For each report: fleetwatch alone on the store, and spark/fleetwatch_job.py on
local[2] (one session; its start is timed apart), the two outputs compared byte for
byte. Then what one task costs: the observe stage of each report over all of the
store's positions in one process on one thread (RAYON_NUM_THREADS=1), the rate the
projection for a global year is made from. Then skew: one MMSI that five craft share
(a fix a second for 20 days, flipping between five places), through the observe stage
of gaps and encounters on one thread.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "spark"))
import fleetwatch_job  # noqa: E402

REPORTS = ["port-calls", "gaps", "loitering", "anomalies", "encounters"]


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def stream_of(paths, out):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    with pa.OSFile(out, "wb") as f:
        writer = None
        for p in paths:
            t = pq.read_table(p)
            writer = writer or pa.ipc.new_stream(f, t.schema)
            writer.write_table(t)
            rows += t.num_rows
        writer.close()
    return rows


def shared_mmsi_stream(out, days=20, craft=5):
    """One MMSI, a fix a second, the fixes of five craft in turn (each slow, kilometres apart)."""
    import numpy as np
    import pyarrow as pa

    n = days * 86_400
    t0 = 1_735_689_600_000  # 2025-01-01
    ts = t0 + np.arange(n, dtype=np.int64) * 1000
    k = np.arange(n) % craft
    drift = np.arange(n) * 1e-7
    table = pa.table(
        {
            "mmsi": pa.array(np.full(n, 111111111, dtype=np.uint32)),
            "ts": pa.array(ts, type=pa.timestamp("ms", tz="UTC")),
            "lat": pa.array(55.0 + k * 0.2 + drift),
            "lon": pa.array(11.0 + k * 0.3 + drift),
            "sog_kn": pa.array(np.full(n, 2.0, dtype=np.float32)),
            "cog_deg": pa.array(np.full(n, 45.0, dtype=np.float32)),
            "heading_deg": pa.array(np.full(n, 45, dtype=np.int32)),
            "nav_status": pa.array(np.zeros(n, dtype=np.int32)),
            "draught_m": pa.array(np.full(n, 3.0, dtype=np.float32)),
        }
    )
    with pa.OSFile(out, "wb") as f:
        with pa.ipc.new_stream(f, table.schema) as w:
            w.write_table(table, max_chunksize=1 << 16)
    return n


def observe_seconds(fw, report, stream, runs):
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    cmd = [fw, "--quiet", "report", report, "--stage", "observe", "--input", "-", "--input-format", "arrow"]
    best = None
    for _ in range(runs):
        with open(stream, "rb") as f:
            t = timed(lambda: subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, env=env, check=True))
        best = t if best is None else min(best, t)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fleetwatch", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--fixes-per-day", type=float, default=300e6, help="a global day, for the projection")
    args = ap.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    fw, store = os.path.abspath(args.fleetwatch), os.path.abspath(args.store)
    work = tempfile.mkdtemp(prefix="fleetwatch-spark-bench-")
    manifest = json.load(open(os.path.join(store, "store.json")))
    files = [os.path.join(store, f) for d in sorted(manifest["positions"]) for f in manifest["positions"][d]["files"]]

    alone = {}
    for report in REPORTS:
        out = os.path.join(work, f"alone-{report}.csv")

        def run():
            with open(out, "wb") as f:
                subprocess.run([fw, "--quiet", "--data-dir", store, "report", report, "--format", "csv"], stdout=f, check=True)

        alone[report] = min(timed(run) for _ in range(args.runs))

    from pyspark.sql import SparkSession

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "6g")
        .getOrCreate()
    )
    spark.range(1).count()
    session_s = time.perf_counter() - started
    on_spark, same = {}, {}
    try:
        for report in REPORTS:
            out = os.path.join(work, f"spark-{report}.csv")
            on_spark[report] = min(
                timed(lambda: fleetwatch_job.run(spark, report, store, out, fw, partitions=8)) for _ in range(args.runs)
            )
            same[report] = open(out, "rb").read() == open(os.path.join(work, f"alone-{report}.csv"), "rb").read()
    finally:
        spark.stop()

    stream = os.path.join(work, "positions.arrow")
    rows = stream_of(files, stream)
    task = {r: observe_seconds(fw, r, stream, args.runs) for r in REPORTS}
    skew_stream = os.path.join(work, "shared.arrow")
    skew_rows = shared_mmsi_stream(skew_stream)
    skew = {r: observe_seconds(fw, r, skew_stream, 1) for r in ["gaps", "encounters"]}

    print(f"positions: {rows:,} rows in {len(files)} files; Spark session start {session_s:.1f} s\n")
    print("| report | fleetwatch alone | Spark local[2] | rows equal | one task's observe, 1 thread | fixes/s per core |")
    print("|---|---|---|---|---|---|")
    for r in REPORTS:
        rate = rows / task[r]
        print(f"| {r} | {alone[r]:.2f} s | {on_spark[r]:.2f} s | {'yes' if same[r] else 'NO'} | {task[r]:.2f} s | {rate / 1e6:.2f} M |")
    print()
    year = args.fixes_per_day * 365
    for r in REPORTS:
        core_hours = year / (rows / task[r]) / 3600
        print(f"- {r}: a global year ({args.fixes_per_day / 1e6:.0f} M fixes a day) is {core_hours:,.0f} core-hours of observe: "
              f"{core_hours / 400:.1f} h on 100 executors of 4 cores")
    print()
    for r, t in skew.items():
        print(f"- skew, {r}: one MMSI of {skew_rows:,} fixes (five craft in turn) takes {t:.1f} s on one thread")


if __name__ == "__main__":
    main()
