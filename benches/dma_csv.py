"""DuckDB's reading of a DMA-format AIS CSV, shared by the benchmark scripts: the
column types given (so DuckDB does not sniff them), ship rows with a position kept."""

NAMES = [
    "Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude", "Navigational status", "ROT", "SOG", "COG",
    "Heading", "IMO", "Callsign", "Name", "Ship type", "Cargo type", "Width", "Length",
    "Type of position fixing device", "Draught", "Destination", "ETA", "Data source type", "A", "B", "C", "D",
]


def source(path):
    """`read_csv(...)` of the file with its columns typed, for a FROM clause."""
    with open(path) as f:
        width = len(f.readline().split(","))
    types = {n: "VARCHAR" for n in NAMES[:width]}
    for n in ["Latitude", "Longitude", "SOG", "COG", "Heading", "Draught"]:
        types[n] = "DOUBLE"
    types["MMSI"] = "UBIGINT"
    columns = "{" + ", ".join(f"'{n}': '{t}'" for n, t in types.items()) + "}"
    return f"read_csv('{path}', header = true, skip = 0, delim = ',', quote = '\"', columns = {columns})"


# The rows fleetwatch keeps as positions.
SHIPS_WITH_POSITION = "\"Type of mobile\" IN ('Class A', 'Class B') AND Latitude <> 91 AND Longitude <> 181"
TIME = "strptime(\"Timestamp\", '%d/%m/%Y %H:%M:%S')"
