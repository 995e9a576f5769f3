//! Every reader of outside data behind one face, `Reader::read(&[u8])`: what the fuzz
//! targets (`fuzz/`) run and the corpus replay test feeds. A reader may refuse its
//! input with an error; it must never panic, hang or take memory without bound.

use std::io::{Seek, Write};

use crate::ingest::{self, Hashing, aiscsv, nmea, portcalls, records};
use crate::lists;
use crate::model::ListFormat;
use crate::sources::config::Config;
use crate::spool::Staging;
use crate::store::{ListCatalog, data::DataStore};
use crate::track::{land, ports::Gazetteer};

/// A reader of outside data, named as its fuzz target and corpus directory are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// `ingest::aiscsv` on a file, in blocks on two threads as `ingest` runs it (the
    /// corpus: DMA files; the same reader as `Noaa`).
    Dma,
    Noaa,
    /// `ingest::nmea` on a file: tag blocks, multi-part messages, `$PGHP` clocks.
    Nmea,
    Records,
    PortCalls,
    /// `ingest::read_arrow`, as `--input -` and `ingest` run it.
    Arrow,
    /// The partial results of a distributed stage (`--partials`): the text columns of an
    /// Arrow IPC stream, `ingest::arrow::text_rows`.
    Partials,
    /// `ingest::detect` and `lists::detect`.
    Detect,
    /// The list loaders, one a format, through `lists::parse`.
    EuJournal,
    EuAmendment,
    OfacSdn,
    Uk,
    Opensanctions,
    Ftm,
    Custom,
    /// The refresh config (TOML).
    Config,
    /// `--ports` CSV.
    PortsCsv,
    /// `--ports` `GeoJSON`.
    PortsGeojson,
    /// `--land`: a land mask file (gzip or not).
    Land,
    /// `--waterways` CSV.
    Waterways,
    /// The store's manifest (`store.json`).
    StoreManifest,
    /// The list manifest (`lists/manifest.json`).
    ListManifest,
}

impl Reader {
    pub const ALL: [Self; 22] = [
        Self::Dma,
        Self::Noaa,
        Self::Nmea,
        Self::Records,
        Self::PortCalls,
        Self::Arrow,
        Self::Partials,
        Self::Detect,
        Self::EuJournal,
        Self::EuAmendment,
        Self::OfacSdn,
        Self::Uk,
        Self::Opensanctions,
        Self::Ftm,
        Self::Custom,
        Self::Config,
        Self::PortsCsv,
        Self::PortsGeojson,
        Self::Land,
        Self::Waterways,
        Self::StoreManifest,
        Self::ListManifest,
    ];

    /// The name of its fuzz target and of its corpus directory.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dma => "dma",
            Self::Noaa => "noaa",
            Self::Nmea => "nmea",
            Self::Records => "records",
            Self::PortCalls => "port_calls",
            Self::Arrow => "arrow",
            Self::Partials => "partials",
            Self::Detect => "detect",
            Self::EuJournal => "eu_journal",
            Self::EuAmendment => "eu_amendment",
            Self::OfacSdn => "ofac_sdn",
            Self::Uk => "uk",
            Self::Opensanctions => "opensanctions",
            Self::Ftm => "ftm",
            Self::Custom => "custom",
            Self::Config => "config",
            Self::PortsCsv => "ports_csv",
            Self::PortsGeojson => "ports_geojson",
            Self::Land => "land",
            Self::Waterways => "waterways",
            Self::StoreManifest => "store_manifest",
            Self::ListManifest => "list_manifest",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Reads `bytes` as this reader's input. `Ok` holds how many rows or items it
    /// accepted; `Err` why it refused the whole input. Either is fine; a panic is not.
    pub fn read(self, bytes: &[u8]) -> Result<usize, String> {
        let text = || std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string());
        match self {
            Self::Dma | Self::Noaa => {
                let file = temp_file(bytes)?;
                let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
                let layout = aiscsv::Layout::from_header(&String::from_utf8_lossy(line))
                    .ok_or_else(|| "not an AIS CSV header".to_string())?;
                let (data, _) = aiscsv::read_file(&file, &layout, 2, Hashing::Hash, &Staging::in_memory(), &|_| {})
                    .map_err(|e| e.to_string())?;
                Ok(data.fixes.len())
            }
            Self::Nmea => {
                let file = temp_file(bytes)?;
                let (data, _) =
                    nmea::read_file(&file, Hashing::Hash, &Staging::in_memory(), &|_| {}).map_err(|e| e.to_string())?;
                Ok(data.fixes.len() + data.spans.len())
            }
            Self::Records => Ok(records::read(text()?, "fuzz").map_err(|e| e.to_string())?.spans.len()),
            Self::PortCalls => Ok(portcalls::read(text()?, "fuzz").map_err(|e| e.to_string())?.calls.len()),
            Self::Arrow => Ok(ingest::read_arrow(bytes, &Staging::in_memory())
                .map_err(|e| e.to_string())?
                .fixes
                .len()),
            Self::Partials => {
                let rows = ingest::arrow::text_rows(bytes, &ingest::arrow::PARTIAL_COLUMNS);
                Ok(rows.map_err(|e| e.to_string())?.len())
            }
            Self::Detect => {
                Ok(usize::from(ingest::detect(bytes).is_some()) + usize::from(lists::detect(bytes).is_some()))
            }
            Self::EuJournal => list(bytes, ListFormat::EuJournal),
            Self::EuAmendment => list(bytes, ListFormat::EuAmendment),
            Self::OfacSdn => list(bytes, ListFormat::OfacSdn),
            Self::Uk => list(bytes, ListFormat::Uk),
            Self::Opensanctions => list(bytes, ListFormat::OpensanctionsCsv),
            Self::Ftm => list(bytes, ListFormat::Ftm),
            Self::Custom => list(bytes, ListFormat::Custom),
            Self::Config => Ok(Config::parse(text()?, None).map_err(|e| e.to_string())?.sources.len()),
            Self::PortsCsv => Ok(Gazetteer::from_csv(text()?).map_err(|e| e.to_string())?.ports().len()),
            Self::PortsGeojson => Ok(Gazetteer::from_geojson(text()?)
                .map_err(|e| e.to_string())?
                .ports()
                .len()),
            Self::Land => land::check(bytes).map_err(|e| e.to_string()),
            Self::Waterways => land::check_waterways(text()?).map_err(|e| e.to_string()),
            Self::StoreManifest => Ok(DataStore::parse_manifest(bytes)
                .map_err(|e| format!("{e:#}"))?
                .files
                .len()),
            Self::ListManifest => ListCatalog::parse_manifest(bytes).map_err(|e| format!("{e:#}")),
        }
    }
}

fn list(bytes: &[u8], format: ListFormat) -> Result<usize, String> {
    Ok(lists::parse(bytes, format, "fuzz")
        .map_err(|e| e.to_string())?
        .entries
        .len())
}

/// The bytes as a file (unnamed, gone when closed), for the readers that read files.
fn temp_file(bytes: &[u8]) -> Result<std::fs::File, String> {
    let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
    file.write_all(bytes).map_err(|e| e.to_string())?;
    file.rewind().map_err(|e| e.to_string())?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reader_has_a_distinct_name_that_finds_it() {
        for r in Reader::ALL {
            assert_eq!(Reader::from_name(r.name()), Some(r));
        }
        assert_eq!(Reader::from_name("nope"), None);
    }

    /// An input that once crashed a reader: `fuzz/regressions/TARGET/NAME`.
    fn regression(reader: Reader, name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions")
            .join(reader.name())
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Why `reader` refuses the regression input `name` (it must, with an error).
    fn refused(reader: Reader, name: &str) -> String {
        match reader.read(&regression(reader, name)) {
            Ok(n) => panic!("{} read {n} from an input it should refuse", reader.name()),
            Err(e) => e,
        }
    }

    #[test]
    fn dma_header_column_past_the_63rd() {
        let why = refused(Reader::Dma, "header-column-past-the-63rd");
        assert_eq!(why, "not an AIS CSV header");
    }

    #[test]
    fn arrow_bitmap_claims_70_tb_unpacked() {
        let why = refused(Reader::Arrow, "bitmap-claims-70-tb-unpacked");
        assert!(why.contains("over 256 MiB") || why.contains("claims"), "{why}");
    }

    #[test]
    fn arrow_a_column_named_twice() {
        let why = refused(Reader::Arrow, "a-column-named-twice");
        assert!(why.contains("names a column twice"), "{why}");
    }

    #[test]
    fn arrow_compressed_buffer_shorter_than_its_length() {
        let why = refused(Reader::Arrow, "compressed-buffer-shorter-than-its-length");
        assert!(why.contains("cannot decode"), "{why}");
    }

    #[test]
    fn arrow_a_schema_the_reader_cannot_decode() {
        let why = refused(Reader::Arrow, "a-schema-the-reader-cannot-decode");
        assert!(why.contains("cannot decode"), "{why}");
    }

    #[test]
    fn arrow_a_128_bit_integer_column() {
        let why = refused(Reader::Arrow, "a-128-bit-integer-column");
        assert!(why.contains("not a 32- or 64-bit number"), "{why}");
    }

    #[test]
    fn partials_a_null_column_of_a_quadrillion_values() {
        // Found under AddressSanitizer: the reader allocated the column's bitmap at once.
        let why = refused(Reader::Partials, "a-null-column-of-a-quadrillion-values");
        assert!(why.contains("an Arrow column of"), "{why}");
    }

    #[test]
    fn config_a_timeout_of_5e32_seconds() {
        // Found by fuzzing: no `Duration` holds it (a panic).
        let why = refused(Reader::Config, "a-timeout-of-5e32-seconds");
        assert!(why.contains("is not a number of seconds from 0 to 86400"), "{why}");
    }

    #[test]
    fn ports_csv_a_radius_of_287002_km() {
        for name in ["a-radius-of-287002-km", "slow-a-radius-of-thousands-of-km"] {
            // Refused as it is read, before any index is built.
            let why = refused(Reader::PortsCsv, name);
            assert!(why.contains("bad radius_km"), "{why}");
        }
    }

    #[test]
    fn ports_csv_a_locode_of_five_bytes_not_five_characters() {
        let why = refused(Reader::PortsCsv, "a-locode-of-five-bytes-not-five-characters");
        assert!(why.contains("is not a UN/LOCODE"), "{why}");
    }

    #[test]
    fn dma_sixteen_digits_scaled_overflow() {
        // Read, with the row whose number overflowed a bad row (so the file is not refused).
        let bytes = regression(Reader::Dma, "sixteen-digits-scaled-overflow");
        assert!(Reader::Dma.read(&bytes).is_ok());
    }

    #[test]
    fn every_reader_refuses_or_reads_nothing_and_garbage() {
        for r in Reader::ALL {
            for bytes in [&b""[..], b"\xff\xfe\x00garbage\n,,,\n", b"{\"features\":[{}]}"] {
                let _ = r.read(bytes);
            }
        }
    }
}
