"""Builds data/ports.csv, the bundled port gazetteer, from public port lists.

    python3 tools/build_gazetteer.py WPI.csv SEAROUTE_PORTS.geojson data/oil_terminals.csv data/countries.csv > data/ports.csv

- WPI.csv: NGA World Port Index (Pub 150, "UpdatedPub150" CSV), public domain.
- SEAROUTE_PORTS.geojson: the searoute package's ports.geojson (Apache-2.0), for
  UN/LOCODEs the WPI lacks.
- data/oil_terminals.csv: fleetwatch's curated oil-terminal points (see data/README.md);
  they replace a port of the same LOCODE, or are added.

Output columns: locode,name,country,lat,lon,radius_km,source. LOCODEs are the 5-letter
form (RUPRI), countries ISO 3166-1 alpha-2, coordinates WGS 84 degrees. Rows are sorted by
LOCODE; ports without a LOCODE are left out (reports key ports by LOCODE).
"""
import csv
import json
import re
import sys

DEFAULT_RADIUS_KM = 3.0


def country_index(path):
    idx = {}
    for row in csv.DictReader(open(path, encoding="utf-8")):
        for n in [row["iso2"], row["name"], *row["aliases"].split(";")]:
            if n:
                idx[key(n)] = row["iso2"]
    return idx


def key(name):
    n = name.strip().lower().replace("&", " and ").replace("st.", "saint ").replace("st ", "saint ")
    n = re.sub(r"^the ", "", n)
    return re.sub(r"[^a-z]", "", n)


def distance_km(lat1, lon1, lat2, lon2):
    from math import asin, cos, radians, sin, sqrt
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(a))


def main(wpi, searoute, terminals, countries):
    idx = country_index(countries)
    ports = {}
    for row in csv.DictReader(open(wpi, encoding="utf-8-sig")):
        code = row["UN/LOCODE"].replace(" ", "").strip().upper()
        if len(code) != 5:
            continue
        cc = code[:2]
        ports[code] = {
            "locode": code,
            "name": row["Main Port Name"].strip(),
            "country": cc,
            "lat": float(row["Latitude"]),
            "lon": float(row["Longitude"]),
            "radius_km": DEFAULT_RADIUS_KM,
            "source": "wpi",
        }
    for f in json.load(open(searoute, encoding="utf-8"))["features"]:
        p = f["properties"]
        code = (p.get("port") or "").strip().upper()
        if len(code) != 5 or code in ports:
            continue
        lon, lat = f["geometry"]["coordinates"]
        # The same port under another code in the WPI (Sikka: WPI "IN SKK", searoute
        # INSIK): one entry, the WPI position, the searoute code (which follows the
        # current UN/LOCODE list where the two differ).
        same = [
            c for c, q in ports.items()
            if q["source"] == "wpi" and c[:2] == code[:2] and key(q["name"]) == key(p["name"])
            and distance_km(q["lat"], q["lon"], lat, lon) < 30
        ]
        if same:
            q = ports.pop(same[0])
            q["locode"] = code
            ports[code] = q
            continue
        # A searoute port within 3 km of a WPI port under another name (Pindhara, 1.3 km
        # from Sikka) would split that port's calls between two codes: left out.
        if any(q["source"] == "wpi" and distance_km(q["lat"], q["lon"], lat, lon) < 3 for q in ports.values()):
            continue
        ports[code] = {
            "locode": code,
            "name": p["name"].strip(),
            "country": code[:2],
            "lat": lat,
            "lon": lon,
            "radius_km": DEFAULT_RADIUS_KM,
            "source": "searoute",
        }
    for row in csv.DictReader(open(terminals, encoding="utf-8")):
        ports[row["locode"]] = {
            "locode": row["locode"],
            "name": row["name"],
            "country": row["locode"][:2],
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "radius_km": float(row["radius_km"]),
            "source": "fleetwatch",
        }
    known = set(idx.values())
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["locode", "name", "country", "lat", "lon", "radius_km", "source"])
    for code in sorted(ports):
        p = ports[code]
        if p["country"] not in known:
            continue
        w.writerow([p["locode"], p["name"], p["country"], f'{p["lat"]:.6f}', f'{p["lon"]:.6f}', p["radius_km"], p["source"]])


if __name__ == "__main__":
    main(*sys.argv[1:5])
