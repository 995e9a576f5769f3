"""DuckDB finding AIS gaps on fleetwatch's stored positions, with the rule and the
neighbour evidence of `fleetwatch report gaps` written in SQL.

    python3 benches/gaps_duckdb.py DATA_DIR PORTS.csv [THREADS] [OUT.csv]

Prints the wall time and the number of gaps; with OUT.csv, writes them there (mmsi,
start, end, class, neighbours at start, neighbours at end) so that they can be compared
with fleetwatch's. The rule, as fleetwatch has it (GUIDE, Behaviour): a bad fix (one the
vessel could not have reached or left at its own top speed while the fixes around it
agree) is left out; a gap is a silence of at least 2 h between two fixes next in time
(6 usual intervals for a vessel whose median interval is above 10 minutes); an MMSI
whose last fix is that long before the end of the data ends in an open gap. Neighbours
are the other vessels heard within 20 km of the start (during the gap's first 48 h) and
of the end (during its last 48 h); the class is in_port (start and end in the same
port), unknown (fewer than 3 other vessels within 20 km of the start in the 6 h before),
coverage (none heard near an end, or most of those heard near the start in the hour
before fell silent for 2 h or more within 10 minutes of it), else unexplained. Fixes
are joined to gap ends through a grid of 20-km cells and 3-hour slots, as fleetwatch
does. Not written here: segments at teleports and two tracks on one MMSI, the reflag
rule for open gaps (the benchmark's voyages have neither).
"""
import sys
import time

import duckdb

from duck_clean import HAV, load_clean_fixes

data_dir, ports_csv = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
out = sys.argv[4] if len(sys.argv) > 4 else None

KM = 20.0
CELL = KM / 111.195
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
load_clean_fixes(con, data_dir, ports_csv)
con.execute("""
CREATE TEMP TABLE steps AS
SELECT mmsi, t, lat, lon, lead(t) OVER w AS t2, lead(lat) OVER w AS lat2, lead(lon) OVER w AS lon2
FROM fixes WINDOW w AS (PARTITION BY mmsi ORDER BY t)
""")
con.execute("""
CREATE TEMP TABLE thr AS
SELECT mmsi, CASE WHEN median(t2 - t) > 600000 THEN greatest(7200000, 6 * median(t2 - t)) ELSE 7200000 END AS g
FROM steps WHERE t2 > t GROUP BY mmsi
""")
data_end = con.execute("SELECT max(t) FROM raw").fetchone()[0]
con.execute(f"""
CREATE TEMP TABLE gaps AS
SELECT row_number() OVER () AS id, s.mmsi, s.t AS t1, s.lat AS lat1, s.lon AS lon1,
       s.t2, s.lat2, s.lon2, coalesce(s.t2, {data_end}) AS until
FROM steps s JOIN thr USING (mmsi)
WHERE (s.t2 IS NOT NULL AND s.t2 - s.t >= thr.g) OR (s.t2 IS NULL AND {data_end} - s.t >= thr.g)
""")
# When each transmitter fell silent for 2 h or more (any fix), for the outage rule.
con.execute(f"""
CREATE TEMP TABLE silent AS
WITH r AS (SELECT mmsi, t, lead(t) OVER (PARTITION BY mmsi ORDER BY t) AS t2 FROM raw)
SELECT mmsi, t FROM r WHERE (t2 IS NOT NULL AND t2 - t >= 7200000) OR (t2 IS NULL AND {data_end} - t >= 7200000)
""")
# Gap ends as probes over grid cells and 3-hour slots, and the fixes heard near them.
con.execute(f"""
CREATE TEMP TABLE probes AS
SELECT id, mmsi, t1, until, false AS at_end, lat1 AS lat, lon1 AS lon,
       t1 - 21600000 AS w0, least(until, t1 + 172800000) AS w1 FROM gaps
UNION ALL
SELECT id, mmsi, t1, until, true, lat2, lon2, greatest(t1, until - 172800000), until FROM gaps WHERE t2 IS NOT NULL
""")
con.execute(f"""
CREATE TEMP TABLE probe_cells AS
WITH a AS (
  SELECT *, {KM} / 111.195 AS dlat, least({KM} / (111.195 * greatest(cos(radians(lat)), 0.01)), 180) AS dlon FROM probes
),
b AS (
  SELECT *, unnest(range(CAST(floor((lat - dlat) / {CELL}) AS BIGINT), CAST(floor((lat + dlat) / {CELL}) AS BIGINT) + 1)) AS cy
  FROM a
),
c AS (
  SELECT *, unnest(range(CAST(floor((lon - dlon) / {CELL}) AS BIGINT), CAST(floor((lon + dlon) / {CELL}) AS BIGINT) + 1)) AS cx
  FROM b
)
SELECT id, mmsi, t1, until, at_end, lat, lon, cy, cx,
       unnest(range(CAST(floor(w0 / 10800000) AS BIGINT), CAST(floor(w1 / 10800000) AS BIGINT) + 1)) AS slot
FROM c
""")
con.execute(f"""
CREATE TEMP TABLE heard AS
WITH f AS (
  SELECT mmsi, t, lat, lon, CAST(floor(lat / {CELL}) AS BIGINT) AS cy, CAST(floor(lon / {CELL}) AS BIGINT) AS cx,
         CAST(floor(t / 10800000) AS BIGINT) AS slot
  FROM raw
),
j AS (
  SELECT p.id, p.at_end, p.t1, p.until, f.mmsi AS other, f.t,
         {HAV.format(a='p.', b='f.')} AS km
  FROM probe_cells p JOIN f ON f.cy = p.cy AND f.cx = p.cx AND f.slot = p.slot AND f.mmsi <> p.mmsi
)
SELECT DISTINCT id, at_end, other,
       CASE WHEN t > t1 AND t < until AND ((at_end AND t >= until - 172800000) OR (NOT at_end AND t <= t1 + 172800000))
              THEN 'during'
            WHEN NOT at_end AND t <= t1 AND t >= t1 - 3600000 THEN 'hour'
            WHEN NOT at_end AND t <= t1 AND t >= t1 - 21600000 THEN 'six'
       END AS kind
FROM j WHERE km <= {KM} AND kind IS NOT NULL
""")
query = """
WITH ev AS (
  SELECT g.id,
    count(DISTINCT h.other) FILTER (WHERE h.kind = 'during' AND NOT h.at_end) AS at_start,
    count(DISTINCT h.other) FILTER (WHERE h.kind = 'during' AND h.at_end) AS at_end,
    count(DISTINCT h.other) FILTER (WHERE h.kind IN ('hour', 'six')) AS before6,
    count(DISTINCT h.other) FILTER (WHERE h.kind = 'hour') AS last_hour
  FROM gaps g LEFT JOIN heard h ON h.id = g.id
  GROUP BY g.id
),
fell AS (
  SELECT h.id, count(DISTINCT h.other) AS n
  FROM heard h JOIN gaps g ON g.id = h.id
  WHERE h.kind = 'hour' AND EXISTS (
    SELECT 1 FROM silent s WHERE s.mmsi = h.other AND s.t BETWEEN g.t1 - 600000 AND g.t1 + 600000)
  GROUP BY h.id
),
port_of AS (
  SELECT g.id, arg_min(p.locode, (%(s)s, p.locode)) FILTER (WHERE %(s)s <= p.r) AS p1,
         arg_min(p.locode, (%(e)s, p.locode)) FILTER (WHERE %(e)s <= p.r) AS p2
  FROM gaps g JOIN ports p ON abs(p.lat - g.lat1) < 1 OR abs(p.lat - coalesce(g.lat2, 999)) < 1
  GROUP BY g.id
)
SELECT g.mmsi, g.t1, g.t2, CASE
    WHEN po.p1 IS NOT NULL AND (g.t2 IS NULL OR po.p2 = po.p1) THEN 'in_port'
    WHEN ev.before6 < 3 THEN 'unknown'
    WHEN ev.at_start = 0 OR (g.t2 IS NOT NULL AND ev.at_end = 0)
         OR (ev.last_hour > 0 AND coalesce(fell.n, 0) * 2 > ev.last_hour) THEN 'coverage'
    ELSE 'unexplained' END AS class,
  ev.at_start, CASE WHEN g.t2 IS NULL THEN NULL ELSE ev.at_end END
FROM gaps g JOIN ev USING (id) LEFT JOIN fell USING (id) LEFT JOIN port_of po USING (id)
ORDER BY g.mmsi, g.t1
""" % {
    "s": HAV.format(a="g.", b="p.").replace("g.lat", "g.lat1").replace("g.lon", "g.lon1"),
    "e": HAV.format(a="g.", b="p.").replace("g.lat", "g.lat2").replace("g.lon", "g.lon2"),
}
rows = con.execute(query).fetchall()
wall = time.perf_counter() - start
print(f"{wall:.3f} s, {len(rows)} gaps")
if out:
    with open(out, "w") as f:
        for m, t1, t2, cls, a, b in rows:
            f.write(f"{m},{t1},{'' if t2 is None else t2},{cls},{a},{'' if b is None else b}\n")
