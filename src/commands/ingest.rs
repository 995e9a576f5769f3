//! `fleetwatch ingest FILE...`: reads AIS exports, vessel records and port-call records
//! into the store, one file per transaction, and says what it kept, skipped and why.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

use super::input::{Input, read_input};
use crate::cli::IngestArgs;
use crate::error::{Outcome, UserError};
use crate::ingest::{Hashing, InputFormat};
use crate::model::ais::FixRow;
use crate::settings::Settings;
use crate::spool::Staging;
use crate::store::WriteLock;
use crate::store::data::{Additions, DataStore, IngestedFile};

/// How many rejects the summary lists per file; all are in the store's rejects table.
const REJECTS_SHOWN: usize = 10;

pub fn run(settings: &Settings, args: &IngestArgs, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    let _lock = WriteLock::acquire(&settings.data_dir)?;
    let mut store = DataStore::open(&settings.data_dir)?;
    store.collect_garbage();
    let threads = crate::pool::workers();
    for path in &args.files {
        ingest_file(settings, args, &mut store, path, threads, err)?;
    }
    Ok(Outcome::Success)
}

fn ingest_file(
    settings: &Settings,
    args: &IngestArgs,
    store: &mut DataStore,
    path: &Path,
    threads: usize,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    // Positions beyond the buffer wait in a staging directory of the store (removed
    // with `staging`, or by the next writer if this one is killed).
    let staging = Staging::in_dir(
        &store.dir().join(format!(".tmp-staging-{}", std::process::id())),
        usize::try_from(args.buffer.saturating_mul(1 << 20)).unwrap_or(usize::MAX) / FixRow::BYTES,
    )
    .with_context(|| format!("cannot create a staging directory in {}", store.dir().display()))?;
    // The hash comes from the same reads as the rows, so a file already ingested is
    // known only once it is read; nothing of it is stored twice.
    let Input {
        shown,
        len,
        format,
        data,
        hash,
    } = read_input(
        settings,
        path,
        args.input_format,
        args.source.as_deref(),
        threads,
        Hashing::Hash,
        &staging,
    )?;
    let hash = hash.context("a file read with its hash has one")?;
    if let Some(f) = store.find_file(&hash) {
        if !settings.quiet {
            writeln!(
                err,
                "{shown}: already ingested (as {}, {}); nothing added",
                f.name,
                f.ingested_at.format("%Y-%m-%dT%H:%M:%SZ")
            )?;
        }
        return Ok(());
    }
    if args.strict
        && let Some(first) = data.rejects.first()
    {
        return Err(UserError::new(format!("{shown}:{}: {}", first.line, first.reason))
            .hint("--strict stops at the first bad row and stores nothing of the file; without it bad rows are skipped and recorded")
            .into());
    }
    let counts = data.counts;
    let additions = Additions {
        positions: data.fixes,
        spans: data.spans,
        calls: data.calls,
        rejects: data.rejects,
    };
    let entry = IngestedFile::new(hash, shown.clone(), format, len, counts, &additions);
    let rejects: Vec<_> = additions.rejects.iter().take(REJECTS_SHOWN).cloned().collect();
    let (spans, calls, rejected) = (additions.spans.len(), additions.calls.len(), additions.rejects.len());
    let committed = store.commit(entry, additions, &shown, &staging)?;
    if !settings.quiet {
        let mut line = format!("{shown}: {}, {} rows", format.as_str(), counts.rows);
        if matches!(format, InputFormat::Dma | InputFormat::Noaa | InputFormat::Nmea) {
            let _ = write!(
                line,
                ": {} positions added, {} duplicates, {} not ships, {} without position, {} other, {} rejected; {spans} identity spans",
                committed.positions, committed.duplicates, counts.not_ships, counts.no_position, counts.other, rejected
            );
        } else if format == InputFormat::Records {
            let _ = write!(line, ": {spans} identity spans, {rejected} rejected");
        } else {
            let _ = write!(line, ": {calls} port calls, {rejected} rejected");
        }
        writeln!(err, "{line}")?;
        for r in &rejects {
            writeln!(err, "  {shown}:{}: {}", r.line, r.reason)?;
        }
        if rejected > rejects.len() {
            writeln!(
                err,
                "  ... and {} more rejects (all in the store's rejects table)",
                rejected - rejects.len()
            )?;
        }
    }
    Ok(())
}
