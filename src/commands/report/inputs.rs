//! What `--input` files hold, read for one report as `ingest` would read them, but into
//! memory (beyond a budget, a temporary directory) instead of the store; `-` is an Arrow
//! IPC stream of positions on standard input (a worker of a distributed engine).

use std::io::Write;
use std::path::PathBuf;

use super::detect;
use crate::commands::input::read_input;
use crate::error::UserError;
use crate::ingest::{Hashing, InputFormat};
use crate::model::identity::{IdentitySpan, coalesce};
use crate::model::portcall::{self, PortCallRecord};
use crate::settings::Settings;
use crate::spool::{DayRows, Positions, Staging};

/// What `--input` files hold, read for one report.
pub struct Inputs {
    pub positions: DayRows,
    pub spans: Vec<IdentitySpan>,
    pub records: Vec<PortCallRecord>,
    /// Where the positions wait (memory, then a temporary directory).
    pub staging: Staging,
    /// Whether an Arrow stream was read (positions alone: the vessels come from the store).
    pub arrow: bool,
}

impl Inputs {
    /// The vessels of the identity records read, with those of the store at
    /// `--data-dir` when an Arrow stream (which holds positions alone) was read and a
    /// store is there; and the lists in force.
    pub fn loaded(&self, settings: &Settings) -> anyhow::Result<super::Loaded> {
        if self.arrow && settings.data_dir.join("store.json").exists() {
            let store = crate::store::data::DataStore::open(&settings.data_dir)?;
            let mut spans = store.spans()?;
            spans.extend(self.spans.iter().cloned());
            return super::Loaded::with_spans(settings, &coalesce(spans));
        }
        super::Loaded::with_spans(settings, &self.spans)
    }
}

/// Reads the `--input` files as `ingest` would, but into memory (beyond a budget, a
/// temporary directory) instead of the store, and without hashing them; a path given
/// twice is read once (and a position read twice counts once). Bad rows are skipped
/// and counted on stderr. `format` forces the files' format (else each is recognised
/// from its content); `-` reads an Arrow IPC stream from standard input.
pub fn read_inputs(
    settings: &Settings,
    paths: &[PathBuf],
    format: Option<InputFormat>,
    err: &mut dyn Write,
) -> anyhow::Result<Inputs> {
    let threads = crate::pool::workers();
    let staging = detect::detection_staging();
    let mut positions = Positions::default();
    let (mut spans, mut records, mut seen) = (Vec::new(), Vec::new(), Vec::new());
    let mut arrow = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if format.is_some_and(|f| f != InputFormat::Arrow) {
                return Err(UserError::new("--input - reads an Arrow IPC stream, not another format")
                    .hint("give other formats as files; --input - --input-format arrow reads positions from standard input")
                    .into());
            }
            if arrow {
                continue;
            }
            arrow = true;
            let data = crate::ingest::read_arrow(std::io::stdin().lock(), &staging)
                .map_err(|e| UserError::new(format!("standard input: {e}")))?;
            if !settings.quiet && data.counts.no_position > 0 {
                writeln!(
                    err,
                    "standard input: {} rows without an MMSI, a time or a position skipped",
                    data.counts.no_position
                )?;
            }
            positions.append(data.fixes);
            continue;
        }
        let same = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&same) {
            continue;
        }
        seen.push(same);
        let input = read_input(settings, path, format, None, threads, Hashing::Skip, &staging)?;
        arrow |= input.format == InputFormat::Arrow;
        let data = input.data;
        if !settings.quiet && !data.rejects.is_empty() {
            let (first, n) = (&data.rejects[0], data.rejects.len());
            writeln!(
                err,
                "{}: {n} bad {} skipped, the first at line {}: {}",
                input.shown,
                if n == 1 { "row" } else { "rows" },
                first.line,
                first.reason
            )?;
        }
        positions.append(data.fixes);
        spans.extend(data.spans);
        portcall::add_new(&mut records, data.calls);
    }
    Ok(Inputs {
        positions: positions.into_rows(),
        spans: coalesce(spans),
        records,
        staging,
        arrow,
    })
}
