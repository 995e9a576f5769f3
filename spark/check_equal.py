#!/usr/bin/env python3
"""Proves the Spark job equal to fleetwatch alone, field for field (run by .ci/run).

    python3 spark/check_equal.py --fleetwatch BIN --gen-dma BIN [--work DIR]

Generates a store (the Jaguar/Argent and ship-to-ship case studies, tankers on voyages
between oil ports, two days of vessels wandering the Danish straits with renames,
duplicates and bad rows), writes every report with fleetwatch alone, then runs every
report through spark/fleetwatch_job.py on local[2] and on a standalone cluster of a
master and two workers on 127.0.0.1 (separate JVMs), and compares the rows. A run that
partitions by day (splitting each vessel's track) must differ, or the comparison could
not tell. Every process it starts is stopped, also on failure.
"""

import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fleetwatch_job  # noqa: E402

REPORTS = ["port-calls", "gaps", "loitering", "anomalies", "encounters"]


def sh(*argv, **kw):
    subprocess.run(argv, check=True, **kw)


def make_store(fleetwatch, gen_dma, work):
    data = os.path.join(work, "data")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sh(gen_dma, "jaguar", os.path.join(data, "jaguar"), **quiet)
    sh(gen_dma, "sts", os.path.join(data, "sts"), **quiet)
    sh(gen_dma, "voyages", "30", "5", "3", os.path.join(data, "voyages"), **quiet)
    sh(gen_dma, "200", "5", "2", os.path.join(data, "straits"), "noise", **quiet)
    files = sorted(
        os.path.join(d, f) for d, _, names in os.walk(data) for f in names if f.endswith(".csv") and f != "ports.csv"
    )
    store = os.path.join(work, "store")
    sh(fleetwatch, "--quiet", "--data-dir", store, "ingest", *files, stderr=subprocess.DEVNULL)
    # A list of the store's own (besides the bundled ones), so that the lists are joined
    # at finish from the store, and copied with it when it is read from a URI.
    custom = os.path.join(work, "watch.csv")
    with open(custom, "w", encoding="utf-8") as f:
        f.write("imo,name\n9293002,ARGENT\n9472139,PELAGOS ONE\n")
    sh(fleetwatch, "--quiet", "--data-dir", store, "lists", "import", custom, "--source", "watch",
       "--version-date", "2025-01-01", stdout=subprocess.DEVNULL)
    return store


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def differences(expected_path, got_path):
    """What differs between two reports, field by field (empty: equal)."""
    expected, got = rows(expected_path), rows(got_path)
    if not expected or not got or expected[0] != got[0]:
        return [f"columns {got[:1]} != {expected[:1]}"]
    header, out = expected[0], []
    if len(expected) != len(got):
        out.append(f"{len(got) - 1} rows, not {len(expected) - 1}")
    for i, (e, g) in enumerate(zip(expected[1:], got[1:]), start=1):
        for name, a, b in zip(header, e, g):
            if a != b:
                out.append(f"row {i} {name}: {b!r} != {a!r}")
        if len(out) > 5:
            break
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A standalone Spark cluster on 127.0.0.1: a master and two workers, each its own JVM."""

    def __init__(self, work):
        import pyspark

        self.spark_class = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-class")
        self.port = free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        self.procs = []
        self.logs = os.path.join(work, "cluster-logs")
        os.makedirs(self.logs, exist_ok=True)

    def _start(self, name, *argv):
        log = open(os.path.join(self.logs, f"{name}.log"), "wb")
        proc = subprocess.Popen([self.spark_class, *argv], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc))

    def __enter__(self):
        web = str(free_port())
        self._start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(self.port), "--webui-port", web)
        self._wait(self.port)
        for k in range(2):
            self._start(
                f"worker-{k}",
                "org.apache.spark.deploy.worker.Worker",
                self.url,
                "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", str(free_port()),
            )
        return self

    def _wait(self, port, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"the Spark master did not listen on {port}; see {self.logs}")

    def workers_registered(self, spark, want=2, timeout=60):
        """Waits until `want` executors have joined the application."""
        end = time.time() + timeout
        while time.time() < end:
            # The driver counts itself among the executors the status tracker lists.
            if spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1 >= want:
                return
            time.sleep(0.5)
        raise RuntimeError(f"fewer than {want} executors joined; see {self.logs}")

    def __exit__(self, *exc):
        for _, proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for _, proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def session(master, app):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.executor.memory", "768m")
        .getOrCreate()
    )


def through_spark(spark, fleetwatch, store, out_dir, partition_by="mmsi"):
    os.makedirs(out_dir, exist_ok=True)
    outs = {}
    for report in REPORTS:
        out = os.path.join(out_dir, f"{report}.csv")
        started = time.time()
        fleetwatch_job.run(spark, report, store, out, fleetwatch, partitions=4, partition_by=partition_by)
        print(f"  {report}: {len(rows(out)) - 1} rows in {time.time() - started:.1f} s", flush=True)
        outs[report] = out
    return outs


def compare(expected, got, where):
    failed = False
    for report in REPORTS:
        diff = differences(expected[report], got[report])
        if diff:
            failed = True
            print(f"FAIL {where} {report}:", *diff, sep="\n  ")
    return not failed


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fleetwatch", required=True)
    p.add_argument("--gen-dma", required=True)
    p.add_argument("--work", default=None, help="a directory to keep (default: a temporary one, removed)")
    args = p.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    work = args.work or tempfile.mkdtemp(prefix="fleetwatch-spark-")
    fleetwatch = os.path.abspath(args.fleetwatch)
    ok = True
    try:
        store = make_store(fleetwatch, args.gen_dma, work)
        for report in REPORTS:
            path = os.path.join(work, "single", f"{report}.csv")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                sh(fleetwatch, "--quiet", "--data-dir", store, "report", report, "--format", "csv", stdout=f)
            print(f"fleetwatch alone, {report}: {len(rows(path)) - 1} rows")
            if len(rows(path)) < 2:
                print(f"FAIL the store has no {report}: the comparison would prove nothing")
                ok = False

        print("local[2]:")
        spark = session("local[2]", "fleetwatch equality, local")
        try:
            ok &= compare(expected_paths(work), through_spark(spark, fleetwatch, store, os.path.join(work, "local")), "local[2]")
            print("local[2], the store read as a URI (file://; copied to the driver without its positions):")
            uri = "file://" + os.path.abspath(store)
            outs = {}
            for report in ["gaps", "encounters"]:
                outs[report] = os.path.join(work, f"uri-{report}.csv")
                fleetwatch_job.run(spark, report, uri, outs[report], fleetwatch, partitions=4)
                print(f"  {report}: {len(rows(outs[report])) - 1} rows", flush=True)
            for report, out in outs.items():
                diff = differences(expected_paths(work)[report], out)
                if diff:
                    ok = False
                    print(f"FAIL uri {report}:", *diff, sep="\n  ")
            print("local[2], partitioned by day (wrong on purpose):")
            wrong = through_spark(spark, fleetwatch, store, os.path.join(work, "by-day"), partition_by="day")
            differing = [r for r in REPORTS if differences(expected_paths(work)[r], wrong[r])]
            if differing:
                print(f"  differs, as it must: {', '.join(differing)}")
            else:
                print("FAIL partitioning by day gave the same rows: the comparison cannot tell a wrong partitioning")
                ok = False
        finally:
            spark.stop()

        print("standalone cluster (a master and two workers on 127.0.0.1):")
        with Cluster(work) as cluster:
            spark = session(cluster.url, "fleetwatch equality, cluster")
            try:
                cluster.workers_registered(spark)
                ok &= compare(
                    expected_paths(work), through_spark(spark, fleetwatch, store, os.path.join(work, "cluster")), "cluster"
                )
            finally:
                spark.stop()

        print("the command line (python3 spark/fleetwatch_job.py ... --master local[2]):")
        out = os.path.join(work, "cli-port-calls.parquet")
        sh(
            sys.executable, os.path.join(HERE, "fleetwatch_job.py"), "port-calls",
            "--store", store, "--out", out, "--fleetwatch", fleetwatch, "--master", "local[2]",
        )
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        header = rows(expected_paths(work)["port-calls"])[0]
        if table.column_names != header or table.num_rows != len(rows(expected_paths(work)["port-calls"])) - 1:
            print(f"FAIL the Parquet output: {table.column_names} ({table.num_rows} rows)")
            ok = False
        else:
            print(f"  port-calls.parquet: {table.num_rows} rows, the report's columns")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("spark equality:", "passed" if ok else "FAILED")
    sys.exit(0 if ok else 1)


def expected_paths(work):
    return {r: os.path.join(work, "single", f"{r}.csv") for r in REPORTS}


if __name__ == "__main__":
    main()
