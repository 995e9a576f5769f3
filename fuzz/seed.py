#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/TARGET/) from the test fixtures: the head of each
fixture of a reader's format (whole lines, up to 4 KiB), and for Arrow a few streams
written with pyarrow from the fixture positions. Run from the repository root; then
`fuzz/run.sh` minimises. Seeds are named by their SHA-1, as libFuzzer names its own."""

import gzip
import hashlib
import io
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "fuzz" / "corpus"
HEAD = 4096

SEEDS = {
    "dma": ["ais/dma_aisdk_sample_2018-06-01.csv", "ais/jaguar_dma_HANDWRITTEN.csv"],
    "noaa": [
        "ais/marinecadastre_2024_layout_CONVERTED.csv",
        "ais/marinecadastre_small_example_2022-03-31.csv",
        "ais-real/noaa_nyharbor_2020-06-30_first_hour.csv.gz",
    ],
    "nmea": [
        "ais/gpsd_sample.aivdm",
        "ais/gpsd_ais-nmea.log",
        "ais/pyais_mixed.txt",
        "ais/pyais_nmea_data_sample.txt",
        "ais/pyais_timestamped.ais",
        "ais-real/dma_aisabnormal_nmea_2013-11-12_1200-1205.txt.gz",
        "ais-real/dma_aislib_stream_example_2010-06-11.txt.gz",
    ],
    "records": ["records/jaguar_registry_HANDWRITTEN.csv", "records/hostile_names_HANDWRITTEN.csv"],
    "port_calls": ["records/port_calls_HANDWRITTEN.csv"],
    "eu_journal": ["lists/eu_833_2014_consolidated_all_annexes.csv"],
    "eu_amendment": ["lists/eu_amendment_32026R1848.csv"],
    "ofac_sdn": ["lists/ofac_sdn_excerpt_2026.csv", "lists/ofac_sdn_vessel_rows_2023-01.csv"],
    "uk": ["lists/uk_sanctions_list_HANDWRITTEN.csv"],
    "opensanctions": ["lists/opensanctions_maritime_HANDWRITTEN.csv"],
    "ftm": ["lists/ftm_vessels_HANDWRITTEN.jsonl"],
    "custom": ["lists/custom_watchlist.csv", "lists/name_only_watchlist_HANDWRITTEN.csv"],
    "ports_csv": ["ports/two_ports_HANDWRITTEN.csv", "ports/oil_port_source_points.csv"],
    "ports_geojson": ["ports/primorsk_area_HANDWRITTEN.geojson"],
}


def head(path: pathlib.Path, limit: int = HEAD) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if len(data) <= limit:
        return data
    cut = data.rfind(b"\n", 0, limit)
    return data[: cut + 1 if cut > 0 else limit]


def vessel_rows(path: pathlib.Path, n: int = 12) -> bytes:
    """The header and the first `n` rows of schema Vessel of an EU journal CSV (its
    head holds other annexes' entities only)."""
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join([lines[0]] + [l for l in lines[1:] if b",Vessel," in l][:n])


def put(target: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def arrow_seeds() -> None:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    rows = [
        (273338710, 1590969600000, 59.68, 28.40, 0.2, 90.0, 1, 80, 12.5),
        (273338710, 1590973200000, 59.69, 28.41, 11.0, 270.0, 0, 80, 12.5),
        (636018052, 1590969600000, 60.35, 28.68, None, None, None, None, None),
    ]
    cols = list(zip(*rows))
    full = pa.table(
        {
            "mmsi": pa.array(cols[0], pa.int64()),
            "ts": pa.array(cols[1], pa.timestamp("ms", tz="UTC")),
            "lat": pa.array(cols[2], pa.float64()),
            "lon": pa.array(cols[3], pa.float64()),
            "sog": pa.array(cols[4], pa.float32()),
            "cog": pa.array(cols[5], pa.float32()),
            "nav_status": pa.array(cols[6], pa.int8()),
            "ship_type": pa.array(cols[7], pa.int16()),
            "draught": pa.array(cols[8], pa.float64()),
        }
    )
    minimal = pa.table(
        {
            "mmsi": pa.array(cols[0], pa.int32()),
            "ts": pa.array(cols[1], pa.int64()),
            "lat": pa.array(cols[2], pa.float32()),
            "lon": pa.array(cols[3], pa.float32()),
        }
    )
    for table, batch in [(full, 2), (minimal, 8)]:
        sink = io.BytesIO()
        with ipc.new_stream(sink, table.schema) as w:
            for b in table.to_batches(max_chunksize=batch):
                w.write_batch(b)
        put("arrow", sink.getvalue())
    sink = io.BytesIO()
    with ipc.new_stream(sink, full.schema, options=ipc.IpcWriteOptions(compression="lz4")) as w:
        w.write_table(full)
    put("arrow", sink.getvalue())


def partials_seeds() -> None:
    """Partial results of a distributed stage as pyarrow and Spark write them: the text
    columns plain, large, and dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    kinds = ["observed", "hourly", "silence"]
    keys = [None, "12", "7"]
    jsons = ['{"mmsi":273338710,"heard_ms":[0,60000]}', "273338710", '{"mmsi":1}']
    for text in [pa.string(), pa.large_string()]:
        table = pa.table({"kind": pa.array(kinds, text), "key": pa.array(keys, text), "json": pa.array(jsons, text)})
        sink = io.BytesIO()
        with ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
        put("partials", sink.getvalue())
    table = pa.table({"kind": pa.array(kinds).dictionary_encode(), "key": pa.array(keys), "json": pa.array(jsons)})
    sink = io.BytesIO()
    with ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    put("partials", sink.getvalue())


def main() -> None:
    for target, files in SEEDS.items():
        for f in files:
            put(target, head(FIX / f))
    put("eu_journal", vessel_rows(FIX / "lists/eu_833_2014_consolidated_all_annexes.csv"))
    for target in ["dma", "noaa", "nmea", "records", "port_calls", "eu_journal", "custom", "ofac_sdn"]:
        for f in SEEDS[target]:
            put("detect", head(FIX / f, 512))
    put("config", (ROOT / "fuzz" / "seeds" / "config.toml").read_bytes())
    for name in ["store.json", "lists-manifest.json", "land.fwl", "waterways.csv"]:
        target = {"store.json": "store_manifest", "lists-manifest.json": "list_manifest",
                  "land.fwl": "land", "waterways.csv": "waterways"}[name]
        put(target, (ROOT / "fuzz" / "seeds" / name).read_bytes())
    put("waterways", (ROOT / "data" / "land" / "waterways.csv").read_bytes())
    try:
        arrow_seeds()
        partials_seeds()
    except ImportError:
        sys.exit("pyarrow is needed for the Arrow seeds (pip install -r spark/requirements.txt)")


if __name__ == "__main__":
    main()
