//! Input readers, one per format (DMA and NOAA AIS CSV, NMEA AIVDM, vessel records,
//! port-call records), and detection of the format from a file's content. Readers turn
//! bytes into fixes, identity spans, port-call records and rejects; they never write to
//! the store (positions beyond the memory budget wait in a staging file).

pub mod aiscsv;
pub mod arrow;
pub mod decimal;
pub mod lines;
pub mod nmea;
pub mod portcalls;
pub mod records;
mod treehash;

use crate::model::identity::IdentitySpan;
pub use crate::model::input::{Counts, InputFormat, Reject};
use crate::model::portcall::PortCallRecord;
use crate::spool::{Positions, Staging};

/// Recognises an input format from the start of a file.
pub fn detect(bytes: &[u8]) -> Option<InputFormat> {
    if bytes.starts_with(&arrow::STREAM_MAGIC) {
        return Some(InputFormat::Arrow);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let head = head.trim_start_matches('\u{feff}');
    let first = head.lines().find(|l| !l.trim().is_empty())?;
    if let Some(layout) = aiscsv::Layout::from_header(first) {
        return Some(match layout.dialect {
            aiscsv::Dialect::Dma => InputFormat::Dma,
            aiscsv::Dialect::Noaa => InputFormat::Noaa,
        });
    }
    let nmea_lines = head.lines().take(200).filter(|l| is_vdm_sentence(l)).count();
    if nmea_lines > 0 {
        return Some(InputFormat::Nmea);
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(head.as_bytes());
    let cols = crate::columns::Columns::new(reader.headers().ok()?);
    if portcalls::is_port_call_header(&cols) {
        return Some(InputFormat::PortCalls);
    }
    if records::is_records_header(&cols) {
        return Some(InputFormat::Records);
    }
    None
}

/// Whether a line holds an AIS sentence: `!` or `$`, a two-letter talker, then `VDM,` or
/// `VDO,` (prefixes such as timestamps and tag blocks allowed), so that prose that
/// names "AIVDM, AIVDO" is not taken for NMEA.
fn is_vdm_sentence(line: &str) -> bool {
    line.match_indices("VDM,")
        .chain(line.match_indices("VDO,"))
        .any(|(i, _)| {
            let b = line.as_bytes();
            i >= 3 && matches!(b[i - 3], b'!' | b'$') && b[i - 2].is_ascii_uppercase() && b[i - 1].is_ascii_uppercase()
        })
}

/// Whether a reader hashes the file as it reads it: the hash (BLAKE3) is the store's
/// identity of a file, of no use to a report of files that stores nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hashing {
    Hash,
    Skip,
}

/// Everything read from one file.
#[derive(Debug, Default)]
pub struct FileData {
    pub fixes: Positions,
    pub spans: Vec<IdentitySpan>,
    pub calls: Vec<PortCallRecord>,
    pub rejects: Vec<Reject>,
    pub counts: Counts,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("the first line is not a DMA or NOAA AIS header (with the columns read among its first 63)")]
    BadHeader,
    #[error("{0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Arrow(#[from] arrow::ArrowError),
}

/// The positions of an Arrow IPC stream (standard input, or a file), as a file's data:
/// a row without an MMSI, a time or a position counted as one without a position.
pub fn read_arrow(reader: impl std::io::Read, staging: &Staging) -> Result<FileData, ReadError> {
    let read = arrow::read_positions(reader, staging)?;
    Ok(FileData {
        fixes: read.positions,
        spans: Vec::new(),
        calls: Vec::new(),
        rejects: Vec::new(),
        counts: Counts {
            rows: read.rows,
            no_position: read.skipped,
            ..Counts::default()
        },
    })
}

/// Reads a file from disk; returns what it holds and (`Hashing::Hash`) its BLAKE3 hash
/// (the file's identity in the store), computed from the same reads. AIS CSV is read in
/// blocks on `threads` threads and NMEA in blocks on one, their positions going through
/// `staging` (which bounds the memory they take); record files are small and read whole.
pub fn read_file(
    file: &std::fs::File,
    format: InputFormat,
    source: &str,
    threads: usize,
    hashing: Hashing,
    staging: &Staging,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(FileData, Option<String>), ReadError> {
    use std::io::Read;
    match format {
        InputFormat::Dma | InputFormat::Noaa => {
            let mut first = vec![0u8; 64 * 1024];
            let n = std::os::unix::fs::FileExt::read_at(file, &mut first, 0)?;
            let line = first[..n].split(|b| *b == b'\n').next().unwrap_or_default();
            let layout = aiscsv::Layout::from_header(&String::from_utf8_lossy(line)).ok_or(ReadError::BadHeader)?;
            let (data, hash) = aiscsv::read_file(file, &layout, threads, hashing, staging, progress)?;
            Ok((data, hash.map(|h| h.to_hex().to_string())))
        }
        InputFormat::Nmea => {
            let (data, hash) = nmea::read_file(file, hashing, staging, progress)?;
            Ok((data, hash.map(|h| h.to_hex().to_string())))
        }
        InputFormat::Arrow => {
            let mut reader = file;
            std::io::Seek::seek(&mut reader, std::io::SeekFrom::Start(0))?;
            let data = read_arrow(reader, staging)?;
            progress(file.metadata()?.len());
            let hash = if hashing == Hashing::Hash {
                let mut hasher = blake3::Hasher::new();
                std::io::Seek::seek(&mut reader, std::io::SeekFrom::Start(0))?;
                std::io::copy(&mut reader, &mut hasher)?;
                Some(hasher.finalize().to_hex().to_string())
            } else {
                None
            };
            Ok((data, hash))
        }
        InputFormat::Records | InputFormat::PortCalls => {
            let mut bytes = Vec::new();
            let mut reader = file;
            std::io::Seek::seek(&mut reader, std::io::SeekFrom::Start(0))?;
            reader.read_to_end(&mut bytes)?;
            let hash = (hashing == Hashing::Hash).then(|| blake3::hash(&bytes).to_hex().to_string());
            let text = std::str::from_utf8(&bytes).map_err(|_| ReadError::NotUtf8)?;
            let data = if format == InputFormat::Records {
                records::read(text, source)?
            } else {
                portcalls::read(text, source)?
            };
            progress(bytes.len() as u64);
            Ok((data, hash))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nmea_is_told_from_prose_that_names_it() {
        for nmea in [
            "!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n",
            "2025-05-15T08:02:29Z !AIVDO,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n",
            "\\s:2573135,c:1671620143*0B\\!BSVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23\n",
        ] {
            assert_eq!(detect(nmea.as_bytes()), Some(InputFormat::Nmea), "{nmea}");
        }
        let prose = "# fleetwatch\n\n| `ingest` | DMA and NOAA AIS CSV, NMEA AIVDM/AIVDO, vessel records |\nreads VDM, VDO, sentences\n";
        assert_eq!(detect(prose.as_bytes()), None);
    }
}
