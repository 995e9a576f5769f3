"""The benchmark suite: fleetwatch and DuckDB side by side, on the same generated files,
in the same run. One command (from the repository root):

    python3 benches/run.py [--quick] [--work DIR] [--runs N] [--only behaviour|encounters|dossier|spark]

It builds fleetwatch (release), installs its peer (the `duckdb` Python package, into
DIR/venv) when missing, generates the data (deterministic: `examples/gen_dma.rs`,
`examples/gen_names.rs`), runs each workload for both tools and prints a Markdown table
(also written to DIR/results.md). Workloads:

  (a) ingest: one DMA-format day, CSV -> Parquet (the same 9 columns for DuckDB); also
      a day of another shape: few vessels with dense tracks and empty static fields
      (1,000 vessels, a fix every 20 s, all in one MMSI bucket);
  (b) port calls: detection on the ingested positions of a week of tankers calling at
      oil ports (DuckDB: the rule in SQL with window functions, benches/portcalls_duckdb.py);
      then one day of that week, and the day of (a), from CSV to port calls: through
      the store (ingest, then the report), and straight from the file
      (`report port-calls --input`; DuckDB: the same SQL over `read_csv`);
  (e) behaviour: `report gaps`, `report loitering` and `report anomalies` on the stored
      week of voyages (with planted dark periods and loitering) and on the day of (a);
      DuckDB runs the gap rule with its neighbour evidence in SQL
      (benches/gaps_duckdb.py), and the two gap lists are compared field for field;
      `report encounters` on both, DuckDB running the grid, the cell self-join and the
      runs in SQL (benches/encounters_duckdb.py), compared field for field;
  (f) dossier: `report vessel --format html` for one tanker with a year of two-minute
      fixes (no DuckDB peer: it is fleetwatch's own output), with the file's size;
  (g) spark (`--only spark`, no DuckDB peer): each report on the stored week through
      spark/fleetwatch_job.py on local[2] beside fleetwatch alone, one task's cost on one
      thread, and one MMSI that five craft share (benches/spark.py, in DIR/spark-venv);
  (c) check: cold-start latency of one name query (DuckDB: a Python process that
      imports duckdb and filters the same list file by name);
  (d) screening: 100,000 names against all bundled lists (DuckDB: jaro_winkler
      similarity over every pair, the straightforward SQL).

Each time is the best of N runs (default 3), peak memory the largest; the machine, the
versions and the data sizes are printed with the table, and for each port-call workload
whether both tools found the same calls, field for field. `--quick` shrinks every input
(for a smoke test; its numbers mean nothing).
"""
import argparse
import csv
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Runs a command; returns (wall seconds, stdout text when captured)."""
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if res.returncode not in (0, 1):
        sys.exit(f"failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr.decode(errors='replace')}")
    return wall, res.stdout.decode() if stdout == subprocess.PIPE else None


def port_calls_run(fw, store, counted):
    """A timed `report port-calls` on a store, its number of calls left in counted["n"]
    and its output in counted["out"]."""
    def run():
        wall, out = timed([fw, "--data-dir", store, "report", "port-calls", "--format", "csv"],
                          stdout=subprocess.PIPE)
        counted["n"] = out.count("\n") - 1
        counted["out"] = out
        return wall
    return run


def agreement(fw_csv, duck_csv):
    """How fleetwatch's detected calls (its CSV report) and DuckDB's (portcalls_duckdb.py's
    OUT.csv) compare, field for field: a note for the table."""
    fw = set()
    for r in csv.DictReader(io.StringIO(fw_csv)):
        if r["source"] == "detected":
            fw.add((int(r["mmsi"]), r["port_locode"], r["arrival_utc"][:19].replace("T", " "),
                    r["departure_utc"][:19].replace("T", " "), int(r["positions"]), r["draught_arrival_m"],
                    r["draught_departure_m"], r["confidence"]))
    dk = set()
    with open(duck_csv) as f:
        for line in f:
            m, port, arr, dep, n, da, dd, conf = line.rstrip("\n").split(",")
            tenth = lambda x: "" if x == "" else f"{float(x):.1f}"
            dk.add((int(m), port, arr[:19], dep[:19], int(n), tenth(da), tenth(dd), conf))
    if fw == dk:
        return f"both find the same {len(fw):,} calls, field for field"
    return f"{len(fw):,} calls vs DuckDB's {len(dk):,}, {len(fw & dk):,} the same field for field"


def gap_agreement(fw_csv, duck_csv):
    """How fleetwatch's gaps (its CSV report) and DuckDB's (gaps_duckdb.py's OUT.csv)
    compare, field for field (MMSI, start, end, class, neighbours at both ends)."""
    import datetime

    def utc(ms):
        if ms == "":
            return ""
        return datetime.datetime.fromtimestamp(int(ms) / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    fw = {(int(r["mmsi"]), r["start_utc"], r["end_utc"], r["class"], r["neighbours_at_start"], r["neighbours_at_end"])
          for r in csv.DictReader(io.StringIO(fw_csv))}
    dk = set()
    with open(duck_csv) as f:
        for line in f:
            m, t1, t2, cls, a, b = line.rstrip("\n").split(",")
            dk.add((int(m), utc(t1), utc(t2), cls, a, b))
    classes = {}
    for g in fw:
        classes[g[3]] = classes.get(g[3], 0) + 1
    shown = ", ".join(f"{k} {v:,}" for k, v in sorted(classes.items()))
    if fw == dk:
        return f"both find the same {len(fw):,} gaps, field for field ({shown})"
    return f"{len(fw):,} gaps vs DuckDB's {len(dk):,}, {len(fw & dk):,} the same field for field ({shown})"


def behaviour_rows(fw, py, store, name, runs, work):
    """Table rows: the three behaviour reports on a store; DuckDB beside `report gaps`."""
    out = []
    counted = {}

    def fw_gaps():
        wall, text = timed([fw, "--data-dir", store, "report", "gaps", "--format", "csv"], stdout=subprocess.PIPE)
        counted["out"] = text
        return wall

    duck_out = os.path.join(work, "duck-gaps.csv")

    def duck_gaps():
        return timed([py, "benches/gaps_duckdb.py", store, "data/ports.csv", "2", duck_out])[0]

    t_fw, t_dk = best_pair(runs, fw_gaps, duck_gaps)
    m_fw = peak_mb([fw, "--data-dir", store, "report", "gaps", "--format", "csv"])
    m_dk = peak_mb([py, "benches/gaps_duckdb.py", store, "data/ports.csv", "2", duck_out])
    out.append((f"(e) report gaps on {name}", t_fw, t_dk,
                f"{gap_agreement(counted['out'], duck_out)}; peak {m_fw:.0f} MB vs {m_dk:.0f} MB"))
    for report in ["loitering", "anomalies"]:
        cmd = [fw, "--data-dir", store, "report", report, "--format", "csv"]
        found = {}

        def run_once():
            wall, text = timed(cmd, stdout=subprocess.PIPE)
            found["n"] = max(len(text.splitlines()) - 1, 0)
            return wall

        t = best(runs, run_once)
        out.append((f"(e) report {report} on {name}", t, None, f"{found['n']:,} events; peak {peak_mb(cmd):.0f} MB"))
    return out


def encounter_agreement(fw_csv, duck_csv):
    """How fleetwatch's encounters (its CSV report) and DuckDB's (encounters_duckdb.py's
    OUT.csv) compare, field for field (both MMSIs, start, end, class)."""
    import datetime

    def utc(ms):
        return datetime.datetime.fromtimestamp(int(ms) / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    rows = list(csv.DictReader(io.StringIO(fw_csv)))
    fw = {(int(r["mmsi_a"]), int(r["mmsi_b"]), r["start_utc"], r["end_utc"], r["class"]) for r in rows}
    dk = set()
    with open(duck_csv) as f:
        for line in f:
            a, b, t1, t2, cls = line.rstrip("\n").split(",")
            dk.add((int(a), int(b), utc(t1), utc(t2), cls))
    shown = (f"{sum(r['class'] == 'alongside' for r in rows):,} alongside, "
             f"{sum(r['transfer_like'] == 'true' for r in rows):,} transfer-like")
    if fw == dk:
        return f"both find the same {len(fw):,} encounters, field for field ({shown})"
    return f"{len(fw):,} encounters vs DuckDB's {len(dk):,}, {len(fw & dk):,} the same field for field ({shown})"


def encounter_rows(fw, py, store, name, runs, work):
    """A table row: `report encounters` on a store, DuckDB running the rule beside it."""
    counted = {}
    cmd = [fw, "--data-dir", store, "report", "encounters", "--format", "csv"]

    def fw_run():
        wall, text = timed(cmd, stdout=subprocess.PIPE)
        counted["out"] = text
        return wall

    duck_out = os.path.join(work, "duck-encounters.csv")
    duck = [py, "benches/encounters_duckdb.py", store, "data/ports.csv", "2", duck_out]

    def duck_run():
        return timed(duck)[0]

    t_fw, t_dk = best_pair(runs, fw_run, duck_run)
    m_fw, m_dk = peak_mb(cmd), peak_mb(duck)
    return [(f"(e) report encounters on {name}", t_fw, t_dk,
             f"{encounter_agreement(counted['out'], duck_out)}; peak {m_fw:.0f} MB vs {m_dk:.0f} MB")]


def dossier_rows(fw, ex, runs, work, quick):
    """A table row: the HTML dossier of one tanker with a year of two-minute fixes
    (a month with --quick), from its store."""
    days = 30 if quick else 365
    data = os.path.join(work, f"dossier-{days}")
    store = os.path.join(data, "store")
    if not os.path.isdir(store):
        print(f"generating {days} days of one tanker's two-minute fixes ...", file=sys.stderr)
        sh([os.path.join(ex, "gen_dma"), "voyages", "1", "2", str(days), data], stderr=subprocess.DEVNULL)
        files = sorted(os.path.join(data, f) for f in os.listdir(data) if f.endswith(".csv"))
        with open(files[0]) as f:
            f.readline()
            mmsi = f.readline().split(",")[2]
        records = os.path.join(data, "records.txt")
        with open(records, "w") as f:
            f.write(f"imo,mmsi,name,flag,call_sign,observed_at\n9074729,{mmsi},YEAR TANKER,LR,,2025-01-01\n")
        sh([fw, "--quiet", "--data-dir", store, "ingest"] + files + [records])
    with open(os.path.join(data, "records.txt")) as f:
        mmsi = f.read().splitlines()[1].split(",")[1]
    out = os.path.join(work, "dossier.html")
    cmd = [fw, "--data-dir", store, "report", "vessel", mmsi, "--format", "html"]

    def run():
        with open(out, "w") as f:
            start = time.perf_counter()
            subprocess.run(cmd, stdout=f, check=True)
            return time.perf_counter() - start

    t = best(runs, run)
    with open(out) as f:
        page = f.read()
    drawn = page.split("The line is simplified")[1].split(": ")[1].split(" fixes drawn")[0]
    return [(f"(f) report vessel --format html, one tanker, {days} days of 2-minute fixes", t, None,
             f"{os.path.getsize(out) / 1e6:.2f} MB; {drawn} fixes drawn; peak {peak_mb(cmd):.0f} MB")]


def direct_calls_row(name, fw, py, day_csv, runs, empty):
    """A table row: port calls straight from a CSV file, fleetwatch (`--input`, no store)
    and DuckDB (the rule over `read_csv`) in turn; `empty` is a data directory without a
    store (the bundled lists only)."""
    counted_fw = {}
    duck_out = os.path.join(os.path.dirname(empty), "duck-calls-direct.csv")

    def fw_run():
        wall, out = timed([fw, "--data-dir", empty, "report", "port-calls", "--input", day_csv, "--format", "csv"],
                          stdout=subprocess.PIPE)
        counted_fw["out"] = out
        return wall

    def duck_run():
        return timed([py, "benches/portcalls_duckdb.py", day_csv, "data/ports.csv", "2", duck_out])[0]

    t_fw, t_dk = best_pair(runs, fw_run, duck_run)
    peak = peak_mb([fw, "--data-dir", empty, "report", "port-calls", "--input", day_csv, "--format", "csv"])
    return (name, t_fw, t_dk, f"{agreement(counted_fw['out'], duck_out)}; peak {peak:.0f} MB")


def peak_mb(cmd, env=None):
    """Peak resident memory of one run of a command, in MB (via /usr/bin/time if there)."""
    if shutil.which("time") or os.path.exists("/usr/bin/time"):
        res = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env)
        try:
            return int(res.stderr.decode().strip().splitlines()[-1]) / 1024
        except (ValueError, IndexError):
            return float("nan")
    return float("nan")


def best(runs, fn):
    times = [fn() for _ in range(runs)]
    return min(times)


def best_pair(runs, fa, fb):
    """Best times of two commands run in turn, so that both meet the same drift of a
    shared machine's speed."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(fa())
        tb.append(fb())
    return min(ta), min(tb)


def ensure_duckdb(work):
    try:
        import duckdb  # noqa: F401
        return sys.executable
    except ImportError:
        pass
    venv = os.path.join(work, "venv")
    py = os.path.join(venv, "bin", "python3")
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", venv])
    if subprocess.run([py, "-c", "import duckdb"], capture_output=True).returncode != 0:
        sh([py, "-m", "pip", "install", "--quiet", "duckdb"])
    return py


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/fleetwatch-bench", help="where data and results go")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="tiny inputs, for a smoke test")
    ap.add_argument("--only", choices=["behaviour", "encounters", "dossier", "spark"],
                    help="only these workloads (the stores are made when missing)")
    args = ap.parse_args()
    work = args.work
    os.makedirs(work, exist_ok=True)
    os.chdir(ROOT)

    print("building fleetwatch (release) ...", file=sys.stderr)
    sh(["cargo", "build", "--release", "--quiet", "--bin", "fleetwatch",
        "--example", "gen_dma", "--example", "gen_names"])
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    fw = os.path.join(target, "release", "fleetwatch")
    ex = os.path.join(target, "release", "examples")
    py = ensure_duckdb(work)
    duck_version = subprocess.run([py, "-c", "import duckdb; print(duckdb.__version__)"],
                                  capture_output=True, text=True).stdout.strip()

    # Data.
    vessels, names = (300, 2000) if args.quick else (11000, 100000)
    day_dir = os.path.join(work, f"day-{vessels}")
    day = os.path.join(day_dir, "aisdk-2025-01-01.csv")
    if not os.path.exists(day):
        print(f"generating one DMA day of {vessels} vessels ...", file=sys.stderr)
        sh([os.path.join(ex, "gen_dma"), str(vessels), "1", "1", day_dir], stderr=subprocess.DEVNULL)
    tankers = 200 if args.quick else 3000
    voy_dir = os.path.join(work, f"voyages-{tankers}")
    if not os.path.isdir(voy_dir):
        print(f"generating a week of {tankers} tankers calling at ports ...", file=sys.stderr)
        sh([os.path.join(ex, "gen_dma"), "voyages", str(tankers), "2", "8", voy_dir], stderr=subprocess.DEVNULL)
    voy_files = sorted(os.path.join(voy_dir, f) for f in os.listdir(voy_dir) if f.endswith(".csv"))
    names_file = os.path.join(work, f"names-{names}.txt")
    if not os.path.exists(names_file):
        with open(names_file, "w") as f:
            sh([os.path.join(ex, "gen_names"), str(names)], stdout=f)

    rows = []
    if args.only == "spark":
        vstore = os.path.join(work, "store-voyages")
        if not os.path.isdir(vstore):
            sh([fw, "--quiet", "--data-dir", vstore, "ingest"] + voy_files)
        venv = os.environ.get("FLEETWATCH_CI_VENV", os.path.join(work, "spark-venv"))
        if not os.path.exists(os.path.join(venv, "bin", "python")):
            sh([sys.executable, "-m", "venv", venv])
            sh([os.path.join(venv, "bin", "pip"), "install", "-q", "-r", "spark/requirements.txt"])
        sh([os.path.join(venv, "bin", "python"), "benches/spark.py", "--fleetwatch", fw, "--store", vstore,
            "--runs", str(min(args.runs, 2))])
        return
    if args.only == "dossier":
        rows += dossier_rows(fw, ex, args.runs, work, args.quick)
        write_table(rows, args, fw, duck_version, work)
        return
    if args.only:
        store = os.path.join(work, "store-day")
        if not os.path.isdir(store):
            sh([fw, "--quiet", "--data-dir", store, "ingest", day])
        vstore = os.path.join(work, "store-voyages")
        if not os.path.isdir(vstore):
            sh([fw, "--quiet", "--data-dir", vstore, "ingest"] + voy_files)
        for s, name in [(vstore, "the stored week of voyages"), (store, "the stored day of (a)")]:
            if args.only == "behaviour":
                rows += behaviour_rows(fw, py, s, name, args.runs, work)
            rows += encounter_rows(fw, py, s, name, args.runs, work)
        write_table(rows, args, fw, duck_version, work)
        return
    day_bytes = os.path.getsize(day)
    with open(day, "rb") as f:
        day_rows = sum(1 for _ in f) - 1
    sh(["cat", day], stdout=subprocess.DEVNULL)  # into the page cache, for both

    def ingest_row(name, path, rows_in, store, duck_out):
        """A table row: one file ingested by fleetwatch and into Parquet by DuckDB, in
        turn; returns the row and fleetwatch's best time."""
        def fw_ingest():
            shutil.rmtree(store, ignore_errors=True)
            return timed([fw, "--quiet", "--data-dir", store, "ingest", path])[0]

        def duck_ingest():
            if os.path.exists(duck_out):
                os.remove(duck_out)
            return timed([py, "benches/duckdb_ingest.py", path, duck_out, "2"])[0]

        t_fw, t_dk = best_pair(args.runs, fw_ingest, duck_ingest)
        shutil.rmtree(store, ignore_errors=True)
        m_fw = peak_mb([fw, "--quiet", "--data-dir", store, "ingest", path])
        m_dk = peak_mb([py, "benches/duckdb_ingest.py", path, duck_out, "2"])
        note = (f"{rows_in / t_fw / 1e6:.2f} M rows/s, {os.path.getsize(path) / t_fw / 1e6:.0f} MB/s; "
                f"peak {m_fw:.0f} MB vs {m_dk:.0f} MB")
        return (name, t_fw, t_dk, note), t_fw

    # (a) ingest
    store = os.path.join(work, "store-day")
    row, t_day_ingest = ingest_row("(a) ingest one DMA day, CSV -> Parquet", day, day_rows, store,
                                   os.path.join(work, "duck-day.parquet"))
    rows.append(row)

    # (a'') a day of another shape: few vessels, dense tracks, no static fields
    dvessels = 100 if args.quick else 1000
    dense_dir = os.path.join(work, f"dense-{dvessels}")
    dense = os.path.join(dense_dir, "aisdk-2025-06-01.csv")
    if not os.path.exists(dense):
        print(f"generating a dense day of {dvessels} vessels ...", file=sys.stderr)
        sh([os.path.join(ex, "gen_dma"), "dense", str(dvessels), "20", dense_dir], stderr=subprocess.DEVNULL)
    with open(dense, "rb") as f:
        dense_rows = sum(1 for _ in f) - 1
    sh(["cat", dense], stdout=subprocess.DEVNULL)
    dstore = os.path.join(work, "store-dense")
    row, _ = ingest_row(f"(a'') ingest a dense day ({dvessels:,} vessels, a fix every 20 s, no static fields)",
                        dense, dense_rows, dstore, os.path.join(work, "duck-dense.parquet"))
    rows.append(row)
    shutil.rmtree(dstore, ignore_errors=True)

    # (a') one file of several days: memory bounded by --buffer, not by the file
    mvessels, mdays = (100, 2) if args.quick else (4000, 4)
    multi = os.path.join(work, f"days-{mvessels}x{mdays}.csv")
    if not os.path.exists(multi):
        print(f"generating one DMA file of {mdays} days ...", file=sys.stderr)
        parts = os.path.join(work, f"days-{mvessels}x{mdays}")
        sh([os.path.join(ex, "gen_dma"), str(mvessels), "1", str(mdays), parts], stderr=subprocess.DEVNULL)
        with open(multi, "wb") as out:
            for k, name in enumerate(sorted(os.listdir(parts))):
                with open(os.path.join(parts, name), "rb") as f:
                    if k > 0:
                        f.readline()
                    shutil.copyfileobj(f, out)
        shutil.rmtree(parts)
    mstore = os.path.join(work, "store-days")
    notes = []
    for buffer in ["128", "512", "4096"]:
        shutil.rmtree(mstore, ignore_errors=True)
        start = time.perf_counter()
        peak = peak_mb([fw, "--quiet", "--data-dir", mstore, "ingest", "--buffer", buffer, multi])
        notes.append(f"--buffer {buffer}: {time.perf_counter() - start:.1f} s, peak {peak:.0f} MB")
    shutil.rmtree(mstore, ignore_errors=True)
    rows.append((f"(a') ingest one file of {mdays} days ({os.path.getsize(multi) / 1e9:.1f} GB)", None, None,
                 "; ".join(notes)))

    # (b) port calls, and one day end to end
    vstore = os.path.join(work, "store-voyages")
    shutil.rmtree(vstore, ignore_errors=True)
    sh([fw, "--quiet", "--data-dir", vstore, "ingest"] + voy_files)
    calls_fw = {}
    fw_calls = port_calls_run(fw, vstore, calls_fw)

    duck_out = os.path.join(work, "duck-calls.csv")

    def duck_calls():
        return timed([py, "benches/portcalls_duckdb.py", vstore, "data/ports.csv", "2", duck_out])[0]

    t_fw, t_dk = best_pair(args.runs, fw_calls, duck_calls)
    m_fw = peak_mb([fw, "--data-dir", vstore, "report", "port-calls", "--format", "csv"])
    pos = sum(1 for f in voy_files for _ in open(f, "rb")) - len(voy_files)
    rows.append((f"(b) port calls on {pos / 1e6:.1f} M stored positions", t_fw, t_dk,
                 f"{agreement(calls_fw['out'], duck_out)}; peak {m_fw:.0f} MB"))

    busiest = max(voy_files, key=os.path.getsize)
    e2e = os.path.join(work, "store-e2e")

    def fw_e2e():
        shutil.rmtree(e2e, ignore_errors=True)
        start = time.perf_counter()
        sh([fw, "--quiet", "--data-dir", e2e, "ingest", busiest])
        sh([fw, "--data-dir", e2e, "report", "port-calls", "--format", "csv"], stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    t_e2e = best(args.runs, fw_e2e)
    rows.append((f"(b') one day of the week ({os.path.getsize(busiest) / 1e6:.0f} MB) CSV -> port calls via the store",
                 t_e2e, None, ""))
    empty = os.path.join(work, "store-empty")
    rows.append(direct_calls_row("(b') the same day straight from the CSV (`report port-calls --input`)",
                                 fw, py, busiest, args.runs, empty))

    # (b'') the DMA day of (a) from CSV to port calls: its ingest, then the report on it
    day_calls = {}
    t_day_calls = best(args.runs, port_calls_run(fw, store, day_calls))
    m_day_calls = peak_mb([fw, "--data-dir", store, "report", "port-calls", "--format", "csv"])
    rows.append((f"(b'') the day of (a) ({day_rows / 1e6:.1f} M rows) CSV -> port calls via the store",
                 t_day_ingest + t_day_calls,
                 None, f"ingest {t_day_ingest:.2f} s (best of (a)) + port calls {t_day_calls:.2f} s "
                       f"({day_calls['n']} calls); peak {m_day_calls:.0f} MB"))

    rows.append(direct_calls_row("(b'') the day of (a) straight from the CSV (`report port-calls --input`)",
                                 fw, py, day, args.runs, empty))

    # (e) behaviour: gaps, loitering, anomalies
    rows += behaviour_rows(fw, py, vstore, "the stored week of voyages", args.runs, work)
    rows += encounter_rows(fw, py, vstore, "the stored week of voyages", args.runs, work)
    rows += behaviour_rows(fw, py, store, "the stored day of (a)", args.runs, work)
    rows += encounter_rows(fw, py, store, "the stored day of (a)", args.runs, work)

    # (f) the dossier
    rows += dossier_rows(fw, ex, args.runs, work, args.quick)

    # (c) check cold start
    def lat(cmd, n=30):
        ts = []
        for _ in range(n):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ts.append(time.perf_counter() - start)
        return statistics.median(ts)

    t_fw = lat([fw, "--data-dir", empty, "check", "Jaguar", "--format", "csv"])
    t_dk = lat([py, "-c", "import duckdb; duckdb.sql(\"SELECT * FROM read_csv('data/lists/eu_833_2014_annex_xlii.csv') "
                "WHERE name ILIKE '%jaguar%' OR previousName ILIKE '%jaguar%'\").fetchall()"])
    rows.append(("(c) check one name, cold start (median of 30)", t_fw, t_dk, "DuckDB: Python start + import + query"))

    # (d) screening
    def fw_screen():
        return timed([fw, "--data-dir", empty, "check", "--from", names_file, "--format", "csv"])[0]

    def duck_screen():
        return timed([py, "benches/screen_duckdb.py", names_file, "2"])[0]

    t_fw = best(args.runs, fw_screen)
    t_dk = best(1, duck_screen)
    rows.append((f"(d) screen {names:,} names against all bundled lists", t_fw, t_dk, "DuckDB: one run"))

    write_table(rows, args, fw, duck_version, work)


def write_table(rows, args, fw, duck_version, work):
    """Prints the Markdown table of the rows and writes it to WORK/results.md."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    fw_version = subprocess.run([fw, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Machine: {os.cpu_count()} cores ({cpu}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB; "
        f"{fw_version}; DuckDB {duck_version} (2 threads). Best of {args.runs} runs.",
        "",
        "| workload | fleetwatch | DuckDB | fleetwatch faster by | notes |",
        "|---|---|---|---|---|",
    ]
    def fmt(t):
        return f"{t * 1000:.1f} ms" if t < 0.5 else f"{t:.2f} s"

    for name, a, b, note in rows:
        ratio = f"{b / a:.1f}x" if b else ""
        lines.append(f"| {name} | {fmt(a) if a else ''} | {fmt(b) if b else ''} | {ratio} | {note} |")
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
