"""DuckDB detecting port calls on fleetwatch's stored positions, or straight from a
DMA-format CSV, with the rule of `fleetwatch report port-calls` written in SQL with
window functions.

    python3 benches/portcalls_duckdb.py DATA_DIR|DAY.csv PORTS.csv [THREADS]

Prints the wall time and the number of calls. The rule: a fix is in the nearest port
whose radius holds it (ports are joined through a 0.1-degree grid of the cells their
radius reaches, as fleetwatch does); a run of in-port fixes of one vessel at one port,
without a silence over 12 h, is a call when it includes a fix under 0.5 kn and lasts at
least 2 h. Simpler than fleetwatch's rule in two ways, both of which make DuckDB's work
lighter: no leave margin (hysteresis) and no tolerance of a single outlying fix.
"""
import sys
import time

import duckdb

from dma_csv import SHIPS_WITH_POSITION, TIME, source

data_dir, ports_csv = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2

con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
con.execute(f"""
CREATE TEMP TABLE ports AS
SELECT locode, lat, lon, coalesce(radius_km, 3.0) AS r,
       r / 111.195 + 0.1 AS dlat,
       least(r / (111.195 * cos(radians(least(abs(lat) + r / 111.195 + 0.1, 89.9)))) + 0.1, 180) AS dlon
FROM read_csv('{ports_csv}', header = true)
""")
con.execute("""
CREATE TEMP TABLE port_cells AS
WITH rows_ AS (
  SELECT locode, lat, lon, r, dlon,
         unnest(range(CAST(floor((lat - dlat + 90) * 10) AS BIGINT),
                      CAST(floor((lat + dlat + 90) * 10) AS BIGINT) + 1)) AS cy
  FROM ports
)
SELECT locode, lat, lon, r,
       cy * 3600 + unnest(range(CAST(floor((lon - dlon + 180) * 10) AS BIGINT),
                                CAST(floor((lon + dlon + 180) * 10) AS BIGINT) + 1)) AS cell
FROM rows_
""")
if data_dir.endswith(".csv"):
    # Read once (the CTE is used twice), only the columns the rule needs.
    positions = f"""MATERIALIZED (
  SELECT CAST(MMSI AS UINTEGER) AS mmsi, {TIME} AS ts, Latitude AS lat, Longitude AS lon,
         CAST(SOG AS FLOAT) AS sog_kn
  FROM {source(data_dir)}
  WHERE {SHIPS_WITH_POSITION}
)"""
else:
    positions = f"(FROM read_parquet('{data_dir}/positions/*/*.parquet', hive_partitioning = true))"
calls = con.execute(f"""
WITH positions AS {positions},
fixes AS (
  SELECT mmsi, ts, lat, lon, sog_kn,
         CAST(floor((lat + 90) * 10) AS BIGINT) * 3600 + CAST(floor((lon + 180) * 10) AS BIGINT) AS cell
  FROM positions
),
inside AS (
  SELECT f.mmsi, f.ts,
         arg_min(p.locode, 2 * 6371.0088 * asin(sqrt(
             pow(sin(radians(p.lat - f.lat) / 2), 2)
             + cos(radians(f.lat)) * cos(radians(p.lat)) * pow(sin(radians(p.lon - f.lon) / 2), 2)))) AS locode
  FROM fixes f JOIN port_cells p ON f.cell = p.cell
  WHERE 2 * 6371.0088 * asin(sqrt(
            pow(sin(radians(p.lat - f.lat) / 2), 2)
            + cos(radians(f.lat)) * cos(radians(p.lat)) * pow(sin(radians(p.lon - f.lon) / 2), 2))) <= p.r
  GROUP BY f.mmsi, f.ts
),
located AS (
  SELECT f.mmsi, f.ts, f.sog_kn, i.locode
  FROM fixes f LEFT JOIN inside i ON f.mmsi = i.mmsi AND f.ts = i.ts
),
marked AS (
  SELECT *,
         CASE WHEN locode IS NOT NULL
                   AND (lag(locode) OVER w IS DISTINCT FROM locode
                        OR ts - lag(ts) OVER w > INTERVAL 12 HOUR)
              THEN 1 ELSE 0 END AS starts
  FROM located
  WINDOW w AS (PARTITION BY mmsi ORDER BY ts)
),
runs AS (
  SELECT *, sum(starts) OVER (PARTITION BY mmsi ORDER BY ts ROWS UNBOUNDED PRECEDING) AS run
  FROM marked
)
SELECT mmsi, locode, min(ts) AS arrival, max(ts) AS departure, count(*) AS positions
FROM runs
WHERE locode IS NOT NULL
GROUP BY mmsi, run, locode
HAVING bool_or(sog_kn < 0.5) AND max(ts) - min(ts) >= INTERVAL 2 HOUR
""").fetchall()
elapsed = time.perf_counter() - start
print(f"duckdb {duckdb.__version__}: {len(calls)} port calls in {elapsed:.2f} s ({threads} threads)")
