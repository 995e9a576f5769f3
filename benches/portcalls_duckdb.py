"""DuckDB detecting port calls on fleetwatch's stored positions, or straight from a
DMA-format CSV, with the rule of `fleetwatch report port-calls` written in SQL with
window functions.

    python3 benches/portcalls_duckdb.py DATA_DIR|DAY.csv PORTS.csv [THREADS] [OUT.csv]

Prints the wall time and the number of calls; with OUT.csv, writes the calls there
(mmsi, port, arrival, departure, positions, draughts, confidence) so that they can be
compared with fleetwatch's. The rule, as fleetwatch has it (README, Port calls): a fix
enters the nearest port whose radius holds it and stays while within the radius plus
1 km (ports joined through a 0.1-degree grid of the cells their reach covers, as
fleetwatch does); a vessel is stopped below 0.5 kn or moored or at anchor, moving again
above 1 kn (the last such reading holds between); one fix off the port between two in
it does not end a call, nor does a silence under 12 h; a call starts at its first fix
within the radius, includes a stop and lasts 2 h; confidence from whether the entry and
the exit were seen. Written with window functions, it takes the port a fix stays in
as the nearest within radius + 1 km, where fleetwatch keeps the port of the open call:
the two differ only where two ports' reaches overlap (on the benchmark's files, both find
the same calls, field for field).
"""
import sys
import time

import duckdb

from dma_csv import SHIPS_WITH_POSITION, TIME, source

data_dir, ports_csv = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
out = sys.argv[4] if len(sys.argv) > 4 else None

con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
con.execute(f"""
-- Each port's reach to leave it (radius + 1 km) in degrees, padded by a cell.
CREATE TEMP TABLE ports AS
SELECT locode, lat, lon, coalesce(radius_km, 3.0) AS r,
       (r + 1.0) / 111.195 + 0.1 AS dlat,
       least((r + 1.0) / (111.195 * cos(radians(least(abs(lat) + (r + 1.0) / 111.195 + 0.1, 89.9)))) + 0.1, 180) AS dlon
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
         CAST(SOG AS FLOAT) AS sog_kn, "Navigational status" AS nav_status, CAST(Draught AS FLOAT) AS draught_m
  FROM {source(data_dir)}
  WHERE {SHIPS_WITH_POSITION}
)"""
    stopped_status = "nav_status IN ('Moored', 'At anchor')"
else:
    positions = f"(FROM read_parquet('{data_dir}/positions/*/*.parquet', hive_partitioning = true))"
    stopped_status = "nav_status IN (1, 5)"
query = f"""
WITH positions AS {positions},
fixes AS (
  SELECT mmsi, ts, lat, lon, sog_kn, nav_status, draught_m,
         CAST(floor((lat + 90) * 10) AS BIGINT) * 3600 + CAST(floor((lon + 180) * 10) AS BIGINT) AS cell
  FROM positions
),
dist AS (
  SELECT f.mmsi, f.ts, p.locode, p.r,
         2 * 6371.0088 * asin(sqrt(
             pow(sin(radians(p.lat - f.lat) / 2), 2)
             + cos(radians(f.lat)) * cos(radians(p.lat)) * pow(sin(radians(p.lon - f.lon) / 2), 2))) AS km
  FROM fixes f JOIN port_cells p ON f.cell = p.cell
),
-- The nearest port whose radius holds the fix (to enter), and whose radius plus 1 km
-- holds it (to stay).
placed AS (
  SELECT mmsi, ts,
         arg_min(locode, (km, locode)) FILTER (WHERE km <= r) AS enter_port,
         arg_min(locode, (km, locode)) FILTER (WHERE km <= r + 1.0) AS near_port
  FROM dist WHERE km <= r + 1.0
  GROUP BY mmsi, ts
),
seq AS (
  SELECT f.mmsi, f.ts, f.draught_m, p.enter_port, p.near_port,
         coalesce(last_value(CASE WHEN {stopped_status} OR f.sog_kn < 0.5 THEN true
                                  WHEN f.sog_kn > 1.0 THEN false END IGNORE NULLS) OVER w, false) AS stopped,
         lag(p.near_port) OVER w AS prev_near, lead(p.near_port) OVER w AS next_near,
         lag(f.ts) OVER w AS prev_ts, lead(f.ts) OVER w AS next_ts,
         lag(p.enter_port) OVER w AS prev_enter
  FROM fixes f LEFT JOIN placed p ON f.mmsi = p.mmsi AND f.ts = p.ts
  WINDOW w AS (PARTITION BY f.mmsi ORDER BY f.ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
-- One fix off the port between two in it, within the silence limit: an outlier.
candidates AS (
  SELECT *, (prev_near IS NOT NULL AND near_port IS DISTINCT FROM prev_near AND next_near = prev_near
             AND ts - prev_ts <= INTERVAL 12 HOUR AND next_ts - prev_ts <= INTERVAL 12 HOUR) AS cand
  FROM seq
),
marked AS (
  SELECT *, cand AND NOT coalesce(lag(cand) OVER (PARTITION BY mmsi ORDER BY ts), false) AS outlier
  FROM candidates
),
kept AS (
  SELECT *, lag(near_port) OVER k AS kprev_near, lag(ts) OVER k AS kprev_ts
  FROM marked WHERE NOT outlier
  WINDOW k AS (PARTITION BY mmsi ORDER BY ts)
),
segs AS (
  SELECT *, sum(CASE WHEN near_port IS NOT NULL
                          AND (kprev_near IS DISTINCT FROM near_port OR ts - kprev_ts > INTERVAL 12 HOUR)
                     THEN 1 ELSE 0 END) OVER (PARTITION BY mmsi ORDER BY ts ROWS UNBOUNDED PRECEDING) AS seg
  FROM kept
),
in_seg AS (
  SELECT *, min(ts) FILTER (WHERE enter_port = near_port) OVER (PARTITION BY mmsi, seg) AS first_ts
  FROM segs WHERE near_port IS NOT NULL
),
calls AS (
  SELECT mmsi, near_port AS port, min(ts) AS arrival, max(ts) AS departure, count(*) AS positions,
         arg_min(draught_m, ts) FILTER (WHERE draught_m IS NOT NULL) AS draught_arrival,
         arg_max(draught_m, ts) FILTER (WHERE draught_m IS NOT NULL) AS draught_departure,
         arg_min(prev_ts IS NOT NULL AND ts - prev_ts <= INTERVAL 12 HOUR
                 AND prev_enter IS DISTINCT FROM near_port, ts) AS entry_seen,
         arg_max(next_ts IS NOT NULL AND next_near IS DISTINCT FROM near_port
                 AND next_ts - ts <= INTERVAL 12 HOUR, ts) AS exit_seen
  FROM in_seg WHERE ts >= first_ts
  GROUP BY mmsi, seg, near_port
  HAVING bool_or(stopped) AND max(ts) - min(ts) >= INTERVAL 2 HOUR
)
SELECT mmsi, port, arrival, departure, positions, draught_arrival, draught_departure,
       CASE WHEN entry_seen AND exit_seen THEN 'high' WHEN entry_seen OR exit_seen THEN 'medium' ELSE 'low' END
FROM calls ORDER BY mmsi, arrival
"""
calls = con.execute(query).fetchall()
elapsed = time.perf_counter() - start
print(f"duckdb {duckdb.__version__}: {len(calls)} port calls in {elapsed:.2f} s ({threads} threads)")
if out:
    # mmsi, port, arrival, departure, positions, draught at arrival and departure, confidence
    with open(out, "w") as f:
        for c in calls:
            f.write(",".join("" if v is None else str(v) for v in c) + "\n")
