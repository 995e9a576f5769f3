//! Reading the files commands are given (`ingest`, `report port-calls --input`): the
//! format recognised from the content, a progress bar on stderr for large files, the
//! reader of the format. Nothing here writes to the store.

use std::fs::File;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;

use crate::error::UserError;
use crate::ingest::{self, FileData, Hashing, InputFormat};
use crate::settings::Settings;
use crate::spool::Staging;

/// One input file, read.
pub struct Input {
    /// The path as given, for messages.
    pub shown: String,
    pub len: u64,
    pub format: InputFormat,
    pub data: FileData,
    /// BLAKE3 of the content, when asked for.
    pub hash: Option<String>,
}

/// Reads one input file (its format detected from its content unless `format` is
/// given) with a progress bar, its positions going through `staging`, hashed or not as
/// `hashing` says. `source` names the records' source (the file's stem by default).
pub fn read_input(
    settings: &Settings,
    path: &Path,
    format: Option<InputFormat>,
    source: Option<&str>,
    threads: usize,
    hashing: Hashing,
    staging: &Staging,
) -> anyhow::Result<Input> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| format!("cannot read {shown}"))?;
    let (len, head) = len_and_head(&file).with_context(|| format!("cannot read {shown}"))?;
    let format = match format {
        Some(f) => f,
        None => ingest::detect(&head).ok_or_else(|| {
            UserError::new(format!("{shown}: not a format fleetwatch reads"))
                .hint("fleetwatch reads DMA or NOAA AIS CSV, NMEA AIVDM, vessel records (imo, mmsi, name, flag, call_sign, observed_at) and port-call records (imo|mmsi, port|locode, arrival, departure); `ingest --input-format` forces one")
        })?,
    };
    let source = source.map_or_else(
        || {
            path.file_stem()
                .map_or_else(|| shown.clone(), |s| s.to_string_lossy().into_owned())
        },
        str::to_string,
    );
    let bar = progress_bar(settings, len, &shown);
    let (data, hash) = ingest::read_file(&file, format, &source, threads, hashing, staging, &|done| {
        bar.set_position(done);
    })
    .with_context(|| format!("cannot read {shown} as {}", format.as_str()))?;
    bar.finish_and_clear();
    Ok(Input {
        shown,
        len,
        format,
        data,
        hash,
    })
}

/// The file's length, and its first 64 KiB (for format detection).
fn len_and_head(file: &File) -> std::io::Result<(u64, Vec<u8>)> {
    use std::os::unix::fs::FileExt;
    let len = file.metadata()?.len();
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        match file.read_at(&mut head[filled..], filled as u64)? {
            0 => break,
            n => filled += n,
        }
    }
    head.truncate(filled);
    Ok((len, head))
}

/// A bar on stderr for reading a large file, hidden when quiet or not a terminal.
fn progress_bar(settings: &Settings, len: u64, name: &str) -> indicatif::ProgressBar {
    if settings.quiet || !std::io::stderr().is_terminal() || len < 8 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(name.to_string());
    bar
}
