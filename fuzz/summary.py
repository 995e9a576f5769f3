#!/usr/bin/env python3
"""Prints the fuzzing figures of RELIABILITY.md from fuzz/runs.csv: per target, the CPU
time spent (one core a target), of it under AddressSanitizer, the inputs run, the corpus
kept and the crashes found."""

import collections
import csv
import pathlib

runs = pathlib.Path(__file__).resolve().parent / "runs.csv"
total = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
for row in csv.DictReader(runs.open()):
    t = total[row["target"]]
    t[0] += int(row["seconds"])
    t[1] += int(row["execs"])
    t[2] = int(row["corpus_after"])
    t[3] += int(row["crashes"])
    if row.get("sanitizer", "none") != "none":
        t[4] += int(row["seconds"])
print("| target | CPU time | of it under ASan | inputs run | corpus kept | crashes found |")
print("|---|---:|---:|---:|---:|---:|")
for name in sorted(total):
    s, e, c, k, a = total[name]
    print(f"| `{name}` | {s / 60:.0f} min | {a / 60:.0f} min | {e:,} | {c} | {k} |")
s = sum(t[0] for t in total.values())
e = sum(t[1] for t in total.values())
k = sum(t[3] for t in total.values())
a = sum(t[4] for t in total.values())
print(f"| all {len(total)} | {s / 3600:.1f} h | {a / 3600:.1f} h | {e:,} | | {k} |")
