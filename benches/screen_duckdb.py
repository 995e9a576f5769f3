"""DuckDB screening a file of vessel names (one a line) against the names on the bundled
EU and OFAC lists: every pair compared by Jaro-Winkler similarity on upper-case names,
pairs at 0.9 or more kept. The straightforward SQL an analyst would write.

    python3 benches/screen_duckdb.py NAMES.txt [THREADS]

Prints the wall time and the number of matching pairs.
"""
import sys
import time

import duckdb

names, threads = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
con.execute(f"CREATE TEMP TABLE q AS SELECT upper(trim(column0)) AS name FROM read_csv('{names}', header = false, columns = {{'column0': 'VARCHAR'}}, delim = '\\t', quote = '')")
con.execute("""
CREATE TEMP TABLE l AS
SELECT DISTINCT upper(n) AS name FROM (
  SELECT name AS n FROM read_csv('data/lists/eu_833_2014_annex_xlii.csv', header = true, all_varchar = true)
  UNION ALL
  SELECT previousName FROM read_csv('data/lists/eu_833_2014_annex_xlii.csv', header = true, all_varchar = true)
  UNION ALL
  SELECT name FROM read_csv('data/lists/ofac_sdn_vessels.csv', header = true, all_varchar = true)
) WHERE n IS NOT NULL AND n <> ''
""")
pairs = con.execute("""
SELECT count(*) FROM q, l WHERE jaro_winkler_similarity(q.name, l.name) >= 0.9
""").fetchone()[0]
elapsed = time.perf_counter() - start
print(f"duckdb {duckdb.__version__}: {pairs} pairs in {elapsed:.2f} s ({threads} threads)")
