"""DuckDB doing what `fleetwatch ingest` does to a DMA day: read the CSV, keep ship rows
with a position, parse the timestamp, write the position columns to Parquet.

    python3 benches/duckdb_ingest.py FILE.csv OUT.parquet [THREADS]

Prints the wall time of the COPY and the rows written. The column types are given, so
DuckDB does not spend time sniffing them, and the pages are not compressed, as
fleetwatch writes its positions (Snappy costs DuckDB about 0.3 s on the benchmark day).
"""
import sys
import time

import duckdb

from dma_csv import SHIPS_WITH_POSITION, TIME, source

src, out = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2

con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
con.execute(
    f"""
    COPY (
      SELECT CAST(MMSI AS UINTEGER) AS mmsi,
             {TIME} AS ts,
             Latitude AS lat, Longitude AS lon,
             CAST(SOG AS FLOAT) AS sog_kn, CAST(COG AS FLOAT) AS cog_deg,
             CAST(Heading AS INTEGER) AS heading_deg,
             "Navigational status" AS nav_status,
             CAST(Draught AS FLOAT) AS draught_m
      FROM {source(src)}
      WHERE {SHIPS_WITH_POSITION}
    ) TO '{out}' (FORMAT parquet, COMPRESSION uncompressed)
    """
)
elapsed = time.perf_counter() - start
rows = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
print(f"duckdb {duckdb.__version__}: {rows} rows in {elapsed:.2f} s ({threads} threads)")
