#!/usr/bin/env python3
"""Builds fleetwatch's land mask (data/land/land.fwl.gz) from a WKB MultiPolygon.

    python3 tools/build_landmask.py gshhg_f_land_lakes100_0.002deg.wkb.xz data/land/land.fwl.gz

The input is one WKB MultiPolygon (float64, lon/lat; xz-compressed or not), as the
GSHHG full-resolution land simplified to 0.002 degree (see data/README.md). The output,
gzip-compressed, little-endian:

    b"FWLAND1\\n"
    u32 polygons; per polygon: u32 rings; per ring: u32 vertices, then per vertex two
    i32 (lon, lat) in 1e-6 degree, the first absolute and each next as the difference
    from the one before.

Any land polygons can be turned into a mask this way (for example OSM land polygons,
dissolved and exported as WKB) and given to fleetwatch with --land FILE.
Only the Python standard library is used.
"""
import gzip
import lzma
import struct
import sys


def read_wkb(data):
    pos = 0

    def header():
        nonlocal pos
        order = data[pos]
        pos += 1
        end = "<" if order == 1 else ">"
        (kind,) = struct.unpack_from(end + "I", data, pos)
        pos += 4
        return end, kind

    def u32(end):
        nonlocal pos
        (v,) = struct.unpack_from(end + "I", data, pos)
        pos += 4
        return v

    end, kind = header()
    polygons = []
    if kind == 3:
        count, single = 1, True
    elif kind == 6:
        count, single = u32(end), False
    else:
        sys.exit(f"not a (multi)polygon: WKB type {kind}")
    for _ in range(count):
        if not single:
            end, kind = header()
            if kind != 3:
                sys.exit(f"not a polygon: WKB type {kind}")
        rings = []
        for _ in range(u32(end)):
            n = u32(end)
            pts = struct.unpack_from(end + "%dd" % (2 * n), data, pos)
            pos += 16 * n
            rings.append(pts)
        polygons.append(rings)
    return polygons


def main(src, dst):
    raw = open(src, "rb").read()
    if src.endswith(".xz"):
        raw = lzma.decompress(raw)
    polygons = read_wkb(raw)
    out = [b"FWLAND1\n", struct.pack("<I", len(polygons))]
    vertices = 0
    for rings in polygons:
        out.append(struct.pack("<I", len(rings)))
        for pts in rings:
            n = len(pts) // 2
            vertices += n
            out.append(struct.pack("<I", n))
            px = py = 0
            ints = []
            for k in range(n):
                x = round(pts[2 * k] * 1e6)
                y = round(pts[2 * k + 1] * 1e6)
                ints.extend((x - px, y - py))
                px, py = x, y
            out.append(struct.pack("<%di" % len(ints), *ints))
    with gzip.open(dst, "wb", compresslevel=9) as f:
        f.write(b"".join(out))
    print(f"{len(polygons)} polygons, {vertices} vertices -> {dst}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
