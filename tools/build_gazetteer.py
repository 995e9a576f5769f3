"""Builds data/ports.csv, the bundled port gazetteer, from public port lists.

    python3 tools/build_gazetteer.py WPI.csv SEAROUTE_PORTS.geojson data/oil_terminals.csv data/countries.csv > data/ports.csv

- WPI.csv: NGA World Port Index (Pub 150, "UpdatedPub150" CSV), public domain.
- SEAROUTE_PORTS.geojson: the searoute package's ports.geojson (Apache-2.0).
- data/oil_terminals.csv: fleetwatch's curated terminal points (see data/README.md),
  several rows for one LOCODE where a port has several terminals.

A port is the union of the circles around every point the sources place it at: a row of
the output per point, the rows of one port sharing its LOCODE, name and country. The
first row of a port is its main point (a terminal's, else the WPI's, else searoute's).

Output columns: locode,name,country,lat,lon,radius_km,source. LOCODEs are the 5-letter
form (RUPRI), countries ISO 3166-1 alpha-2, coordinates WGS 84 degrees. Rows are sorted by
LOCODE, then main point first; ports without a LOCODE are left out (reports key ports by
LOCODE). What is left out, and why, is said on stderr.
"""
import csv
import json
import re
import sys

DEFAULT_RADIUS_KM = 3.0
# Points of one LOCODE farther apart than this are not one port area: the code is
# ambiguous in the source, and only the first point is kept.
SAME_PORT_KM = 30.0
# Where the WPI gives one LOCODE to two ports, the code each really has (UN/LOCODE):
# WPI 44870 "Botas" is the BOTAS marine terminal of Ceyhan (Kirkuk-Ceyhan and
# Baku-Tbilisi-Ceyhan pipelines), 44802 the Dortyol oil terminal 18 km east; the WPI
# writes "TR BOT" for both.
WPI_CODES = {
    "44870": ("TRCEY", "Ceyhan"),
    "44802": ("TRDYL", "Dortyol"),
}
SOURCE_ORDER = {"fleetwatch": 0, "wpi": 1, "searoute": 2}


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


def warn(text):
    print(text, file=sys.stderr)


class Port:
    def __init__(self, code, name, source):
        self.code, self.name, self.source = code, name, source
        self.points = []  # (lat, lon, radius_km, source)

    def main(self):
        return self.points[0]

    def add(self, lat, lon, radius_km, source):
        lat0, lon0 = self.main()[:2] if self.points else (lat, lon)
        if distance_km(lat0, lon0, lat, lon) > SAME_PORT_KM:
            warn(f"{self.code}: {source} point {lat:.4f},{lon:.4f} is over {SAME_PORT_KM:.0f} km from "
                 f"{lat0:.4f},{lon0:.4f}: left out")
            return
        if any(abs(p[0] - lat) < 1e-6 and abs(p[1] - lon) < 1e-6 for p in self.points):
            return
        self.points.append((lat, lon, radius_km, source))


def main(wpi, searoute, terminals, countries):
    idx = country_index(countries)
    ports = {}
    for row in csv.DictReader(open(wpi, encoding="utf-8-sig")):
        code = row["UN/LOCODE"].replace(" ", "").strip().upper()
        name = row["Main Port Name"].strip()
        code, name = WPI_CODES.get(row["World Port Index Number"].strip(), (code, name))
        if len(code) != 5:
            continue
        port = ports.setdefault(code, Port(code, name, "wpi"))
        port.add(float(row["Latitude"]), float(row["Longitude"]), DEFAULT_RADIUS_KM, "wpi")
    for f in json.load(open(searoute, encoding="utf-8"))["features"]:
        p = f["properties"]
        code = (p.get("port") or "").strip().upper()
        if len(code) != 5:
            continue
        lon, lat = f["geometry"]["coordinates"]
        if code in ports:
            ports[code].add(lat, lon, DEFAULT_RADIUS_KM, "searoute")
            continue
        # The same port under another code in the WPI (Sikka: WPI "IN SKK", searoute
        # INSIK): one port, the searoute code (which follows the current UN/LOCODE list
        # where the two differ), both points.
        same = [
            c for c, q in ports.items()
            if q.source == "wpi" and c[:2] == code[:2] and key(q.name) == key(p["name"])
            and distance_km(*q.main()[:2], lat, lon) < SAME_PORT_KM
        ]
        if same:
            q = ports.pop(same[0])
            q.code = code
            q.add(lat, lon, DEFAULT_RADIUS_KM, "searoute")
            ports[code] = q
            continue
        # A searoute port within 3 km of a WPI port under another name (Pindhara, 1.3 km
        # from Sikka) would split that port's calls between two codes: left out.
        if any(q.source == "wpi" and distance_km(*q.main()[:2], lat, lon) < 3 for q in ports.values()):
            continue
        port = Port(code, p["name"].strip(), "searoute")
        port.add(lat, lon, DEFAULT_RADIUS_KM, "searoute")
        ports[code] = port
    for row in csv.DictReader(open(terminals, encoding="utf-8")):
        code = row["locode"]
        port = ports.get(code)
        if port is None or port.source != "fleetwatch":
            # The terminal list names the port and its main point; the sources' points
            # stay as further circles.
            old = port.points if port else []
            port = Port(code, row["name"], "fleetwatch")
            ports[code] = port
            port.points.append((float(row["lat"]), float(row["lon"]), float(row["radius_km"]), "fleetwatch"))
            for pt in old:
                port.add(*pt)
        else:
            port.add(float(row["lat"]), float(row["lon"]), float(row["radius_km"]), "fleetwatch")
    known = set(idx.values())
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["locode", "name", "country", "lat", "lon", "radius_km", "source"])
    for code in sorted(ports):
        p = ports[code]
        if code[:2] not in known:
            continue
        main, rest = p.points[0], sorted(p.points[1:], key=lambda q: (SOURCE_ORDER[q[3]], q[0], q[1]))
        for lat, lon, radius, source in [main, *rest]:
            w.writerow([code, p.name, code[:2], f"{lat:.6f}", f"{lon:.6f}", radius, source])


if __name__ == "__main__":
    main(*sys.argv[1:5])
