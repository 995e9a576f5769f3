"""DuckDB finding ship-to-ship encounters on fleetwatch's stored positions, with the rule
of `fleetwatch report encounters` written in SQL.

    python3 benches/encounters_duckdb.py DATA_DIR PORTS.csv [THREADS] [OUT.csv]

Prints the wall time and the number of encounters; with OUT.csv, writes them there
(mmsi_a, mmsi_b, start ms, end ms, class) so that they can be compared with
fleetwatch's. The rule, as fleetwatch has it (GUIDE, Encounters): bad fixes left out
(duck_clean.py); each track on a 10-minute grid, interpolated between fixes at most an
hour apart (a fix on a grid time is itself), the velocity at a grid time the
displacement between the grid times around it (20 minutes; 10 at a run's edge; a lone
point the leg's, none for a fix with no other within the hour); two vessels together
at a grid time when both are at or below 3 kn, within 500 m and at most 1 kn apart in
velocity, found through a self-join of cells no narrower than 500 m (each point looks
in its own and the eight around it); runs of consecutive grid times, runs of a pair
less than 4 h apart one encounter, kept when one of its runs lasts 2 h; alongside when
the median distance is at most 150 m; grid points in a port circle are not paired, and
an encounter whose median position lies in one is left out. Not written here: segments at teleports and the antimeridian (the
benchmark's data has neither).
"""
import sys
import time

import duckdb

from duck_clean import HAV, load_clean_fixes

data_dir, ports_csv = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
out = sys.argv[4] if len(sys.argv) > 4 else None

STEP = 600000
CELL = 0.5 / 111.195 * (1 + 1e-6)
# Columns of a cell row: at least 500 m wide at every latitude of the row and the rows
# beside it, tiling the whole circle.
COLS = f"greatest(1, floor(360 / ({CELL} / cos(radians(least((abs({{row}}) + 2) * {CELL}, 89.9))))))"

con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
load_clean_fixes(con, data_dir, ports_csv)
con.execute(f"""
CREATE TEMP TABLE grid AS
WITH legs AS (
  SELECT mmsi, t, lat, lon, sog_kn, cog_deg,
         lead(t) OVER w AS t2, lead(lat) OVER w AS lat2, lead(lon) OVER w AS lon2
  FROM fixes WINDOW w AS (PARTITION BY mmsi ORDER BY t)
),
within AS (
  SELECT *, unnest(range(((t + {STEP - 1}) // {STEP}) * {STEP}, t2, {STEP})) AS g
  FROM legs WHERE t2 - t <= 3600000
),
places AS (
  SELECT mmsi, g,
         lat + (lat2 - lat) * (g - t) / (t2 - t) AS lat,
         lon + (lon2 - lon) * (g - t) / (t2 - t) AS lon,
         (lon2 - lon) * 111.195 * cos(radians((lat + lat2) / 2)) / 1.852 / ((t2 - t) / 3600000.0) AS lone_e,
         (lat2 - lat) * 111.195 / 1.852 / ((t2 - t) / 3600000.0) AS lone_n
  FROM within
  UNION ALL
  SELECT mmsi, t, lat, lon, NULL, NULL
  FROM legs WHERE (t2 IS NULL OR t2 - t > 3600000) AND t % {STEP} = 0
),
around AS (
  SELECT *, lag(g) OVER w AS pg, lag(lat) OVER w AS plat, lag(lon) OVER w AS plon,
         lead(g) OVER w AS ng, lead(lat) OVER w AS nlat, lead(lon) OVER w AS nlon
  FROM places WINDOW w AS (PARTITION BY mmsi ORDER BY g)
),
v AS (
  SELECT mmsi, g, lat, lon,
    CASE WHEN pg = g - {STEP} AND ng = g + {STEP} THEN (nlon - plon) * 111.195 * cos(radians((plat + nlat) / 2)) / 1.852 * 3
         WHEN pg = g - {STEP} THEN (lon - plon) * 111.195 * cos(radians((plat + lat) / 2)) / 1.852 * 6
         WHEN ng = g + {STEP} THEN (nlon - lon) * 111.195 * cos(radians((lat + nlat) / 2)) / 1.852 * 6
         ELSE lone_e END AS ve,
    CASE WHEN pg = g - {STEP} AND ng = g + {STEP} THEN (nlat - plat) * 111.195 / 1.852 * 3
         WHEN pg = g - {STEP} THEN (lat - plat) * 111.195 / 1.852 * 6
         WHEN ng = g + {STEP} THEN (nlat - lat) * 111.195 / 1.852 * 6
         ELSE lone_n END AS vn
  FROM around
)
SELECT mmsi, g, lat, lon, ve, vn, CAST(floor(lat / {CELL}) AS BIGINT) AS cy
FROM v WHERE ve IS NOT NULL AND vn IS NOT NULL AND sqrt(ve * ve + vn * vn) <= 3.0
""")
# Points in a port area are not paired (as fleetwatch without --include-port): the
# port circles over the 0.1-degree cells they reach, joined to the points' cells.
con.execute("""
CREATE TEMP TABLE port_cells AS
WITH c AS (SELECT *, r / 111.195 AS dlat, r / (111.195 * cos(radians(lat))) AS dlon FROM ports),
y AS (SELECT *, unnest(range(CAST(floor((lat - dlat) * 10) AS BIGINT), CAST(floor((lat + dlat) * 10) AS BIGINT) + 1)) AS py FROM c)
SELECT lat, lon, r, py,
       unnest(range(CAST(floor((lon - dlon) * 10) AS BIGINT), CAST(floor((lon + dlon) * 10) AS BIGINT) + 1)) AS px
FROM y
""")
con.execute(f"""
DELETE FROM grid WHERE (mmsi, g) IN (
  SELECT k.mmsi, k.g FROM grid k JOIN port_cells p
    ON p.py = CAST(floor(k.lat * 10) AS BIGINT) AND p.px = CAST(floor(k.lon * 10) AS BIGINT)
  WHERE {HAV.format(a='k.', b='p.')} <= p.r)
""")
con.execute(f"""
CREATE TEMP TABLE cells AS
SELECT *, CAST(floor((lon + 180) / 360 * n) AS BIGINT) % n AS cx
FROM (SELECT *, CAST({COLS.format(row='cy')} AS BIGINT) AS n FROM grid)
""")
con.execute(f"""
CREATE TEMP TABLE together AS
WITH probe AS (
  SELECT a.*, r.ry, CAST({COLS.format(row='r.ry')} AS BIGINT) AS rn FROM cells a,
         (SELECT unnest([-1, 0, 1]) AS dy) d, LATERAL (SELECT a.cy + d.dy AS ry) r
),
keys AS (
  SELECT DISTINCT mmsi, g, lat, lon, ve, vn, ry,
         (CAST(floor((lon + 180) / 360 * rn) AS BIGINT) + dx + rn) % rn AS rx
  FROM probe, (SELECT unnest([-1, 0, 1]) AS dx)
)
SELECT k.mmsi AS a, b.mmsi AS b, k.g, {HAV.format(a='k.', b='b.')} * 1000 AS m,
       (k.lat + b.lat) / 2 AS mlat, (k.lon + b.lon) / 2 AS mlon
FROM keys k JOIN cells b ON b.g = k.g AND b.cy = k.ry AND b.cx = k.rx AND b.mmsi > k.mmsi
WHERE {HAV.format(a='k.', b='b.')} <= 0.5
  AND sqrt(pow(k.ve - b.ve, 2) + pow(k.vn - b.vn, 2)) <= 1.0
""")
rows = con.execute(f"""
WITH runs AS (
  SELECT a, b, g, m, mlat, mlon, g // {STEP} - row_number() OVER (PARTITION BY a, b ORDER BY g) AS island
  FROM together
),
spans AS (
  SELECT a, b, island, min(g) AS s, max(g) AS e FROM runs GROUP BY a, b, island
),
grouped AS (
  SELECT *, sum(CASE WHEN s - prev_e < {4 * 3600000} THEN 0 ELSE 1 END) OVER (PARTITION BY a, b ORDER BY s) AS grp
  FROM (SELECT *, lag(e) OVER (PARTITION BY a, b ORDER BY s) AS prev_e FROM spans)
),
enc AS (
  SELECT r.a, r.b, x.grp, min(r.g) AS s, max(r.g) AS e, max(x.e - x.s) AS longest,
         median(r.m) AS med, median(r.mlat) AS lat, median(r.mlon) AS lon
  FROM runs r JOIN grouped x USING (a, b, island)
  GROUP BY r.a, r.b, x.grp
)
SELECT a, b, s, e, CASE WHEN med <= 150 THEN 'alongside' ELSE 'close' END
FROM enc
WHERE longest >= 7200000
  AND NOT EXISTS (SELECT 1 FROM ports p WHERE abs(p.lat - enc.lat) < 1 AND {HAV.format(a='enc.', b='p.')} <= p.r)
ORDER BY s, a, b
""").fetchall()
wall = time.perf_counter() - start
print(f"{wall:.3f} s, {len(rows)} encounters")
if out:
    with open(out, "w") as f:
        for a, b, s, e, cls in rows:
            f.write(f"{a},{b},{s},{e},{cls}\n")
