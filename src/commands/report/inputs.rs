//! What `--input` files hold, read for one report as `ingest` would read them, but into
//! memory (beyond a budget, a temporary directory) instead of the store.

use std::io::Write;
use std::path::PathBuf;

use super::detect;
use crate::commands::input::read_input;
use crate::ingest::Hashing;
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
}

/// Reads the `--input` files as `ingest` would, but into memory (beyond a budget, a
/// temporary directory) instead of the store, and without hashing them; a path given
/// twice is read once (and a position read twice counts once). Bad rows are skipped
/// and counted on stderr.
pub fn read_inputs(settings: &Settings, paths: &[PathBuf], err: &mut dyn Write) -> anyhow::Result<Inputs> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let staging = detect::detection_staging();
    let mut positions = Positions::default();
    let (mut spans, mut records, mut seen) = (Vec::new(), Vec::new(), Vec::new());
    for path in paths {
        let same = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&same) {
            continue;
        }
        seen.push(same);
        let input = read_input(settings, path, None, None, threads, Hashing::Skip, &staging)?;
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
    })
}
