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

src, out = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2

names = [
    "Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude", "Navigational status", "ROT", "SOG", "COG",
    "Heading", "IMO", "Callsign", "Name", "Ship type", "Cargo type", "Width", "Length",
    "Type of position fixing device", "Draught", "Destination", "ETA", "Data source type", "A", "B", "C", "D",
]
with open(src) as f:
    width = len(f.readline().split(","))
names = names[:width]
types = {n: "VARCHAR" for n in names}
for n in ["Latitude", "Longitude", "SOG", "COG", "Heading", "Draught"]:
    types[n] = "DOUBLE"
types["MMSI"] = "UBIGINT"
columns = "{" + ", ".join(f"'{n}': '{t}'" for n, t in types.items()) + "}"

con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
con.execute(
    f"""
    COPY (
      SELECT CAST(MMSI AS UINTEGER) AS mmsi,
             strptime("Timestamp", '%d/%m/%Y %H:%M:%S') AS ts,
             Latitude AS lat, Longitude AS lon,
             CAST(SOG AS FLOAT) AS sog_kn, CAST(COG AS FLOAT) AS cog_deg,
             CAST(Heading AS INTEGER) AS heading_deg,
             "Navigational status" AS nav_status,
             CAST(Draught AS FLOAT) AS draught_m
      FROM read_csv('{src}', header = true, skip = 0, delim = ',', quote = '"', columns = {columns})
      WHERE "Type of mobile" IN ('Class A', 'Class B') AND Latitude <> 91 AND Longitude <> 181
    ) TO '{out}' (FORMAT parquet, COMPRESSION uncompressed)
    """
)
elapsed = time.perf_counter() - start
rows = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
print(f"duckdb {duckdb.__version__}: {rows} rows in {elapsed:.2f} s ({threads} threads)")
