//! What an input file is and what reading it found, as the store records it: its
//! format, its row counts, the rows that could not be used. No I/O.

/// A row that could not be used, and why. `line` is 1-based in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub line: u64,
    pub reason: String,
}

/// Row counts of one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Data rows (or sentences) read.
    pub rows: u64,
    /// DMA rows from base stations, aids to navigation and other non-ships.
    pub not_ships: u64,
    /// Ship rows without a position (91/181).
    pub no_position: u64,
    /// Lines or messages that carry nothing fleetwatch keeps (other NMEA, other AIS types).
    pub other: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.rows += o.rows;
        self.not_ships += o.not_ships;
        self.no_position += o.no_position;
        self.other += o.other;
    }
}

/// The input formats `ingest` reads (the doc comments are `--help` text).
#[allow(clippy::doc_markdown, reason = "shown verbatim by --help")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// Danish Maritime Authority AIS CSV (22 or 26 columns).
    Dma,
    /// NOAA MarineCadastre AIS CSV (2015–2023 or 2024+ header).
    Noaa,
    /// NMEA 0183 AIVDM/AIVDO sentences.
    Nmea,
    /// Vessel records CSV (imo, mmsi, name, flag, call_sign, observed_at).
    Records,
    /// Port-call records CSV (imo|mmsi, port|locode, arrival, departure).
    PortCalls,
    /// An Arrow IPC stream of the store's position columns (mmsi, ts, lat, lon, ...).
    Arrow,
}

impl InputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dma => "dma",
            Self::Noaa => "noaa",
            Self::Nmea => "nmea",
            Self::Records => "records",
            Self::PortCalls => "port-calls",
            Self::Arrow => "arrow",
        }
    }
}
