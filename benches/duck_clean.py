"""What the DuckDB peers of fleetwatch's behaviour reports share: the stored positions
and the port circles as tables (`raw`, `ports`), and the track cleaned as fleetwatch
cleans it for the benchmark's data (`fixes`: bad fixes left out, a bad fix being one
the vessel could not have reached or left at its own top speed while the fixes before
and after agree; segments at teleports are not written here).
"""

HAV = """2 * 6371.0088 * asin(sqrt(pow(sin(radians({b}lat - {a}lat) / 2), 2)
          + cos(radians({a}lat)) * cos(radians({b}lat)) * pow(sin(radians({b}lon - {a}lon) / 2), 2)))"""


def load_clean_fixes(con, data_dir, ports_csv):
    """Creates `ports` (locode, lat, lon, r), `raw` (mmsi, t in ms, lat, lon, sog_kn,
    cog_deg) and `fixes` (mmsi, t, lat, lon, sog_kn, cog_deg: raw without bad fixes)."""
    con.execute(f"""
CREATE TEMP TABLE ports AS
SELECT locode, lat, lon, coalesce(radius_km, 3.0) AS r FROM read_csv('{ports_csv}', header = true)
""")
    con.execute(f"""
CREATE TEMP TABLE raw AS
SELECT mmsi, epoch_ms(ts) AS t, lat, lon, sog_kn, cog_deg
FROM read_parquet('{data_dir}/positions/*/*.parquet', hive_partitioning = true)
""")
    # The vessel's own top speed, and the bad fixes: impossible to reach and to leave
    # while the fixes before and after agree.
    con.execute("""
CREATE TEMP TABLE vmax AS
WITH s AS (SELECT mmsi, sog_kn FROM raw WHERE sog_kn > 1.0 AND sog_kn < 102.2),
q AS (SELECT mmsi, count(*) AS n, quantile_disc(sog_kn, 0.99) AS p99, max(sog_kn) AS top FROM s GROUP BY mmsi)
SELECT mmsi,
       CASE WHEN n < 20 THEN least(greatest(1.2 * top, 20.0), 30.0)
            WHEN p99 > 30.0 THEN 1.2 * p99
            ELSE least(greatest(1.5 * p99, 16.0), 30.0) END AS v
FROM q
""")
    con.execute(f"""
CREATE TEMP TABLE fixes AS
WITH n AS (
  SELECT r.mmsi, r.t, r.lat, r.lon, r.sog_kn, r.cog_deg, coalesce(v.v, 20.0) AS v,
         lag(r.t) OVER w AS pt, lag(r.lat) OVER w AS plat, lag(r.lon) OVER w AS plon,
         lead(r.t) OVER w AS nt, lead(r.lat) OVER w AS nlat, lead(r.lon) OVER w AS nlon
  FROM raw r LEFT JOIN vmax v USING (mmsi)
  WINDOW w AS (PARTITION BY r.mmsi ORDER BY r.t)
),
x AS (
  SELECT *,
    {HAV.format(a='p', b='')} - (v * 1.852 * (t - pt) / 3600000.0 + 0.5556) AS e_in,
    {HAV.format(a='', b='n')} - (v * 1.852 * (nt - t) / 3600000.0 + 0.5556) AS e_out,
    {HAV.format(a='p', b='n')} - (v * 1.852 * (nt - pt) / 3600000.0 + 0.5556) AS e_around
  FROM n
)
SELECT mmsi, t, lat, lon, sog_kn, cog_deg FROM x
WHERE NOT (coalesce(e_in > 0, false) AND coalesce(e_out > 0, false) AND coalesce(e_around <= 0, false))
""")
