//! Positions in bounded memory: a file's on their way into the store (grouped by UTC
//! day), or a window of stored days on its way to port-call detection (grouped by
//! vessel). Rows sit in blocks grouped by MMSI bucket, held in memory up to a budget and
//! spilled to a staging file beyond it; a day or a window is then taken a slice of
//! vessels at a time, each slice gathered by copying ranges (or, for vessels a sorted
//! block in memory holds whole, read where they lie), so that neither a file nor a day is
//! ever held whole.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::ops::{Range, RangeInclusive};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::ais::{FixRow, Fixes, day_of};

/// MMSI buckets: a quarter of a million MMSIs each (the nine-digit range in 4,000).
pub const BUCKETS: usize = 4096;

/// The bucket of an MMSI; buckets are in MMSI order.
#[allow(clippy::cast_possible_truncation, reason = "clamped below BUCKETS")]
pub fn bucket(mmsi: u32) -> usize {
    (mmsi / 250_000).min(BUCKETS as u32 - 1) as usize
}

/// Rows of a block as it fills (2 MiB).
const BLOCK_ROWS: usize = 1 << 16;
/// Rows a spool adds up (at most) before it reports them to the shared count.
const REPORT_ROWS: usize = 1 << 13;

/// Rows grouped by bucket, each bucket's rows in the order they came; where each
/// non-empty bucket ends.
#[derive(Debug)]
struct Block {
    rows: Rows,
    /// (bucket, end) for the non-empty buckets, in bucket order; a bucket starts where the
    /// previous entry ends.
    ends: Vec<(u16, u32)>,
    /// For a block of rows sorted by MMSI: (MMSI, end) for each vessel, likewise.
    vessels: Vec<(u32, u32)>,
}

#[derive(Debug)]
enum Rows {
    Memory(Vec<FixRow>),
    /// In a staging file, from this byte offset.
    Spilled(Arc<File>, u64),
}

impl Block {
    /// Groups rows by bucket (stable).
    fn group(rows: &[FixRow]) -> Self {
        let mut counts = vec![0u32; BUCKETS];
        for r in rows {
            counts[bucket(r.mmsi)] += 1;
        }
        let mut next = vec![0usize; BUCKETS];
        let mut ends = Vec::new();
        let mut at = 0u32;
        for (b, n) in counts.iter().enumerate() {
            next[b] = at as usize;
            if *n > 0 {
                at += n;
                ends.push((u16::try_from(b).unwrap_or(u16::MAX), at));
            }
        }
        let mut grouped = vec![FixRow::default(); rows.len()];
        for r in rows {
            let slot = &mut next[bucket(r.mmsi)];
            grouped[*slot] = *r;
            *slot += 1;
        }
        Self {
            rows: Rows::Memory(grouped),
            ends,
            vessels: Vec::new(),
        }
    }

    /// A block of rows already sorted by MMSI (a stored day), taken as it is.
    fn of_sorted(rows: Vec<FixRow>) -> Self {
        let mut vessels: Vec<(u32, u32)> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let end = u32::try_from(i + 1).unwrap_or(u32::MAX);
            match vessels.last_mut() {
                Some((last, e)) if *last == r.mmsi => *e = end,
                _ => vessels.push((r.mmsi, end)),
            }
        }
        let mut ends: Vec<(u16, u32)> = Vec::new();
        for (mmsi, end) in &vessels {
            let b = u16::try_from(bucket(*mmsi)).unwrap_or(u16::MAX);
            match ends.last_mut() {
                Some((last, e)) if *last == b => *e = *end,
                _ => ends.push((b, *end)),
            }
        }
        Self {
            rows: Rows::Memory(rows),
            ends,
            vessels,
        }
    }

    fn len(&self) -> usize {
        self.ends.last().map_or(0, |(_, e)| *e as usize)
    }

    /// The row range of buckets `buckets`.
    fn range(&self, buckets: &Range<usize>) -> Range<usize> {
        let end_before = |b: usize| {
            let i = self.ends.partition_point(|(k, _)| usize::from(*k) < b);
            if i == 0 { 0 } else { self.ends[i - 1].1 as usize }
        };
        end_before(buckets.start)..end_before(buckets.end)
    }

    /// The row range of the vessels `mmsis` (a sorted block), or of their buckets.
    fn vessel_range(&self, mmsis: &RangeInclusive<u32>) -> Range<usize> {
        if self.vessels.is_empty() {
            return self.range(&(bucket(*mmsis.start())..bucket(*mmsis.end()) + 1));
        }
        let end_before = |m: u32| {
            let i = self.vessels.partition_point(|(k, _)| *k < m);
            if i == 0 { 0 } else { self.vessels[i - 1].1 as usize }
        };
        let end = match mmsis.end().checked_add(1) {
            Some(next) => end_before(next),
            None => self.len(),
        };
        end_before(*mmsis.start())..end
    }

    /// Appends rows `range` to `out`; `buf` is scratch for spilled rows.
    fn gather(&self, range: Range<usize>, out: &mut Vec<FixRow>, buf: &mut Vec<u8>) -> std::io::Result<()> {
        self.gather_vessels(range, &(0..=u32::MAX), out, buf)
    }

    /// Appends the rows of `range` whose MMSI is in `mmsis` to `out` (order kept), so
    /// that a part of a bucket costs a scan of the bucket, not a copy of it.
    fn gather_vessels(
        &self,
        range: Range<usize>,
        mmsis: &RangeInclusive<u32>,
        out: &mut Vec<FixRow>,
        buf: &mut Vec<u8>,
    ) -> std::io::Result<()> {
        let all = *mmsis == (0..=u32::MAX);
        match &self.rows {
            Rows::Memory(rows) if all => out.extend_from_slice(&rows[range]),
            Rows::Memory(rows) => out.extend(rows[range].iter().filter(|r| mmsis.contains(&r.mmsi))),
            Rows::Spilled(file, offset) => {
                // Read a piece at a time, so that a part of a large bucket does not read
                // the whole of it into memory at once.
                const PIECE_ROWS: usize = 1 << 15;
                let mut at = range.start;
                while at < range.end {
                    let n = (range.end - at).min(PIECE_ROWS);
                    buf.resize(n * FixRow::BYTES, 0);
                    file.read_exact_at(buf, offset + (at * FixRow::BYTES) as u64)?;
                    let rows = buf
                        .chunks_exact(FixRow::BYTES)
                        .map(|b| FixRow::from_le_bytes(b.try_into().unwrap_or(&[0; FixRow::BYTES])));
                    if all {
                        out.extend(rows);
                    } else {
                        out.extend(rows.filter(|r| mmsis.contains(&r.mmsi)));
                    }
                    at += n;
                }
            }
        }
        Ok(())
    }
}

/// Where spools spill, and the budget they share. Dropping it removes its directory.
pub struct Staging {
    dir: Option<PathBuf>,
    budget: usize,
    report_every: usize,
    held: AtomicUsize,
    spools: AtomicUsize,
    failed: AtomicBool,
}

impl Staging {
    /// Staging that never spills.
    pub fn in_memory() -> Self {
        Self {
            dir: None,
            budget: usize::MAX,
            report_every: REPORT_ROWS,
            held: AtomicUsize::new(0),
            spools: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
        }
    }

    /// Staging in `dir` (created; removed on drop) for rows beyond `budget_rows` in memory.
    pub fn in_dir(dir: &Path, budget_rows: usize) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: Some(dir.to_path_buf()),
            budget: budget_rows,
            report_every: (budget_rows / 8).clamp(1, REPORT_ROWS),
            held: AtomicUsize::new(0),
            spools: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
        })
    }

    /// Whether a spool could not spill: readers stop, since the rows would pile up in
    /// memory and the file fails anyway.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// A spool for one reader thread.
    pub fn spool(&self) -> Spool<'_> {
        Spool {
            staging: self,
            open: Vec::new(),
            current: None,
            sealed: BTreeMap::new(),
            unreported: 0,
            reported: 0,
            file: None,
            error: None,
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// One thread's positions as they are read: a filling block per day, sealed blocks per
/// day, spilled to the thread's staging file when the rows held by all spools pass the
/// budget.
pub struct Spool<'s> {
    staging: &'s Staging,
    /// Filling blocks: (day, rows).
    open: Vec<(i64, Vec<FixRow>)>,
    /// Index into `open` of the day last pushed to.
    current: Option<usize>,
    sealed: BTreeMap<i64, Vec<Block>>,
    unreported: usize,
    reported: usize,
    file: Option<(Arc<File>, u64)>,
    error: Option<std::io::Error>,
}

impl Spool<'_> {
    /// Adds a row under its UTC day.
    pub fn push(&mut self, row: FixRow) {
        let day = day_of(row.ts_ms);
        let k = match self.current {
            Some(k) if self.open[k].0 == day => k,
            _ => self.open_day(day),
        };
        let rows = &mut self.open[k].1;
        rows.push(row);
        if rows.len() == BLOCK_ROWS {
            let block = Block::group(rows);
            rows.clear();
            self.sealed.entry(day).or_default().push(block);
        }
        self.unreported += 1;
        if self.unreported >= self.staging.report_every {
            self.report();
        }
    }

    /// Whether a spool of the same staging could not spill (see [`Staging::failed`]).
    pub fn failed(&self) -> bool {
        self.staging.failed()
    }

    /// Adds rows sorted by MMSI (a stored file) as one block, as they are, under `day`
    /// whatever their times (a reader that groups several days by vessel files them all
    /// under one).
    pub fn push_sorted(&mut self, day: i64, rows: Vec<FixRow>) {
        if rows.is_empty() {
            return;
        }
        self.unreported += rows.len();
        self.sealed.entry(day).or_default().push(Block::of_sorted(rows));
        self.report();
    }

    fn open_day(&mut self, day: i64) -> usize {
        let k = self.open.iter().position(|(d, _)| *d == day).unwrap_or_else(|| {
            self.open.push((day, Vec::with_capacity(1024)));
            self.open.len() - 1
        });
        self.current = Some(k);
        k
    }

    /// Adds the rows since the last report to the shared count; spills when it is over.
    fn report(&mut self) {
        let held = self.staging.held.fetch_add(self.unreported, Ordering::Relaxed) + self.unreported;
        self.reported += self.unreported;
        self.unreported = 0;
        if held > self.staging.budget
            && self.staging.dir.is_some()
            && self.error.is_none()
            && let Err(e) = self.spill()
        {
            let dir = self.staging.dir.as_deref().unwrap_or(Path::new("."));
            self.error = Some(std::io::Error::new(
                e.kind(),
                format!("cannot write positions to the staging directory {}: {e}", dir.display()),
            ));
            self.staging.failed.store(true, Ordering::Relaxed);
        }
    }

    /// Seals every block and writes the ones in memory to this spool's staging file.
    fn spill(&mut self) -> std::io::Result<()> {
        self.seal_open();
        let (file, written) = if let Some(f) = self.file.take() {
            f
        } else {
            let dir = self.staging.dir.as_deref().unwrap_or(Path::new("."));
            let n = self.staging.spools.fetch_add(1, Ordering::Relaxed);
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(dir.join(format!("spool-{n}.bin")))?;
            (Arc::new(file), 0)
        };
        let mut at = written;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &*file);
        for block in self.sealed.values_mut().flatten() {
            let Rows::Memory(rows) = &block.rows else {
                continue;
            };
            let bytes = (rows.len() * FixRow::BYTES) as u64;
            for r in rows {
                out.write_all(&r.to_le_bytes())?;
            }
            block.rows = Rows::Spilled(Arc::clone(&file), at);
            at += bytes;
        }
        out.flush()?;
        drop(out);
        self.file = Some((file, at));
        self.staging.held.fetch_sub(self.reported, Ordering::Relaxed);
        self.reported = 0;
        Ok(())
    }

    fn seal_open(&mut self) {
        for (day, rows) in self.open.drain(..) {
            if !rows.is_empty() {
                self.sealed.entry(day).or_default().push(Block::group(&rows));
            }
        }
        self.current = None;
    }

    /// The positions read, in the order they came.
    pub fn finish(mut self) -> std::io::Result<Positions> {
        self.seal_open();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let days: BTreeMap<i64, DayRows> = std::mem::take(&mut self.sealed)
            .into_iter()
            .map(|(d, blocks)| (d, DayRows { blocks }))
            .collect();
        Ok(Positions { days })
    }
}

/// Positions of a file (or of several spools, appended in file order), by UTC day
/// (days since the epoch).
#[derive(Debug, Default)]
pub struct Positions {
    days: BTreeMap<i64, DayRows>,
}

impl Positions {
    pub fn len(&self) -> usize {
        self.days.values().map(DayRows::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.days.values().all(DayRows::is_empty)
    }

    /// Adds `later`'s rows after these.
    pub fn append(&mut self, later: Positions) {
        for (day, mut rows) in later.days {
            self.days.entry(day).or_default().blocks.append(&mut rows.blocks);
        }
    }

    pub fn into_days(self) -> impl Iterator<Item = (i64, DayRows)> {
        self.days.into_iter()
    }

    /// Every day's rows as one set, in day order (so in time order within a vessel, for
    /// files in time order), to be taken a slice of vessels at a time.
    pub fn into_rows(self) -> DayRows {
        let blocks = self.days.into_values().flat_map(|d| d.blocks).collect();
        DayRows { blocks }
    }

    /// Every row (grouped by day and bucket, not in file order).
    pub fn into_fixes(self) -> std::io::Result<Fixes> {
        let mut rows = Vec::with_capacity(self.len());
        for day in self.days.into_values() {
            rows.extend(day.gather(&Slice::all())?);
        }
        Ok(Fixes { rows })
    }
}

/// A part of a day written at a time: a run of MMSI buckets, and of their vessels those
/// of an MMSI range (all of them but in a bucket cut in parts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    buckets: Range<usize>,
    mmsis: RangeInclusive<u32>,
    pub rows: usize,
}

impl Slice {
    /// Every row of a day.
    pub fn all() -> Self {
        Self {
            buckets: 0..BUCKETS,
            mmsis: 0..=u32::MAX,
            rows: 0,
        }
    }

    fn whole(&self) -> bool {
        self.mmsis == (0..=u32::MAX)
    }
}

/// A run of whole vessels of a [`DayRows`] whose rows were added sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VesselSlice {
    /// Vessels whose every row one block holds in memory: that block's range of rows,
    /// read where they lie.
    Lying { block: usize, rows: Range<usize> },
    /// Vessels of an MMSI range, some of them in several blocks: gathered
    /// ([`DayRows::gather_vessels`]) and merged.
    Spread(RangeInclusive<u32>),
}

/// The rows of one day, from blocks in file order (a day already stored first).
#[derive(Debug, Default)]
pub struct DayRows {
    blocks: Vec<Block>,
}

impl DayRows {
    pub fn len(&self) -> usize {
        self.blocks.iter().map(Block::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(|b| b.len() == 0)
    }

    /// Puts `earlier`'s rows (the day as stored) before these.
    pub fn prepend(&mut self, mut earlier: DayRows) {
        earlier.blocks.append(&mut self.blocks);
        self.blocks = earlier.blocks;
    }

    /// Parts of up to about `max_rows` rows, in MMSI order: runs of whole buckets (a larger
    /// bucket alone), and a bucket of over twice that (a busy flag's MMSIs, or a few
    /// vessels with dense tracks) cut into runs of vessels of up to that (a larger vessel
    /// alone), so that the parts share out evenly among the writers; each part scans the
    /// whole bucket. Empty buckets are left out.
    pub fn slices(&self, max_rows: usize) -> std::io::Result<Vec<Slice>> {
        let mut slices: Vec<Slice> = Vec::new();
        for (b, n) in self.bucket_rows().into_iter().enumerate().filter(|(_, n)| *n > 0) {
            match slices.last_mut() {
                Some(last) if last.rows + n <= max_rows && last.whole() => {
                    last.buckets.end = b + 1;
                    last.rows += n;
                }
                _ if n > 2 * max_rows => slices.extend(self.cut_bucket(b, max_rows)?),
                _ => slices.push(Slice {
                    buckets: b..b + 1,
                    mmsis: 0..=u32::MAX,
                    rows: n,
                }),
            }
        }
        Ok(slices)
    }

    /// One bucket as runs of vessels of up to `max_rows` rows.
    fn cut_bucket(&self, b: usize, max_rows: usize) -> std::io::Result<Vec<Slice>> {
        let mut per_vessel: rustc_hash::FxHashMap<u32, usize> = rustc_hash::FxHashMap::default();
        let mut buf = Vec::new();
        let mut rows = Vec::new();
        for block in &self.blocks {
            rows.clear();
            block.gather(block.range(&(b..b + 1)), &mut rows, &mut buf)?;
            for r in &rows {
                *per_vessel.entry(r.mmsi).or_default() += 1;
            }
        }
        let mut per_vessel: Vec<(u32, usize)> = per_vessel.into_iter().collect();
        per_vessel.sort_unstable();
        let mut slices: Vec<Slice> = Vec::new();
        for (mmsi, n) in per_vessel {
            match slices.last_mut() {
                Some(last) if last.rows + n <= max_rows => {
                    last.mmsis = *last.mmsis.start()..=mmsi;
                    last.rows += n;
                }
                _ => slices.push(Slice {
                    buckets: b..b + 1,
                    mmsis: mmsi..=mmsi,
                    rows: n,
                }),
            }
        }
        Ok(slices)
    }

    /// Rows per bucket.
    fn bucket_rows(&self) -> Vec<usize> {
        let mut counts = vec![0usize; BUCKETS];
        for block in &self.blocks {
            let mut start = 0;
            for (b, end) in &block.ends {
                counts[usize::from(*b)] += (*end - start) as usize;
                start = *end;
            }
        }
        counts
    }

    /// The rows of a slice, block after block (so in file order within a vessel).
    pub fn gather(&self, slice: &Slice) -> std::io::Result<Vec<FixRow>> {
        let mut out = Vec::new();
        self.gather_into(slice, &mut out)?;
        Ok(out)
    }

    /// [`DayRows::gather`] into `out` (cleared first), so that a writer going through
    /// slice after slice reuses one buffer.
    pub fn gather_into(&self, slice: &Slice, out: &mut Vec<FixRow>) -> std::io::Result<()> {
        out.clear();
        // A bucket cut in parts (few vessels, dense tracks): only this part's vessels,
        // picked out as the bucket is scanned.
        out.reserve(if slice.whole() {
            self.blocks.iter().map(|b| b.range(&slice.buckets).len()).sum()
        } else {
            slice.rows
        });
        let mut buf = Vec::new();
        for block in &self.blocks {
            block.gather_vessels(block.range(&slice.buckets), &slice.mmsis, out, &mut buf)?;
        }
        Ok(())
    }

    /// For rows added sorted ([`Spool::push_sorted`]): the vessels `wanted` accepts, in
    /// MMSI order, in runs of up to `max_rows` rows (a larger vessel alone). A run of
    /// vessels that one block in memory holds whole is a range of that block's rows,
    /// read where they lie; the others (a vessel in several blocks: several days, or a
    /// stored file's row groups either side of it) are gathered and merged by MMSI range.
    pub fn vessel_slices(&self, max_rows: usize, wanted: &dyn Fn(u32) -> bool) -> Vec<VesselSlice> {
        // Each vessel's rows, and the block and range that hold them all, if one does.
        type Lies = Option<(usize, Range<usize>)>;
        let mut per_vessel: BTreeMap<u32, (usize, Lies)> = BTreeMap::new();
        for (k, block) in self.blocks.iter().enumerate() {
            let in_memory = matches!(block.rows, Rows::Memory(_));
            let mut start = 0;
            for (mmsi, end) in &block.vessels {
                let rows = start as usize..*end as usize;
                start = *end;
                match per_vessel.entry(*mmsi) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert((rows.len(), in_memory.then_some((k, rows))));
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => {
                        let (n, lying) = o.get_mut();
                        *n += rows.len();
                        *lying = None;
                    }
                }
            }
        }
        let mut slices: Vec<VesselSlice> = Vec::new();
        let (mut rows_in_last, mut open) = (0usize, false);
        for (mmsi, (n, lying)) in per_vessel {
            if !wanted(mmsi) {
                // Its rows lie between the ones before and after it: a run ends.
                open = false;
                continue;
            }
            match (slices.last_mut(), lying) {
                (Some(VesselSlice::Lying { block, rows }), Some((k, more)))
                    if open && *block == k && rows.end == more.start && rows.len() + more.len() <= max_rows =>
                {
                    rows.end = more.end;
                }
                (Some(VesselSlice::Spread(range)), None) if open && rows_in_last + n <= max_rows => {
                    *range = *range.start()..=mmsi;
                    rows_in_last += n;
                }
                (_, Some((block, rows))) => slices.push(VesselSlice::Lying { block, rows }),
                (_, None) => {
                    slices.push(VesselSlice::Spread(mmsi..=mmsi));
                    rows_in_last = n;
                }
            }
            open = true;
        }
        slices
    }

    /// The rows of the vessels of `slice`, sorted by (MMSI, time) with no key repeated:
    /// where they lie, or gathered from the blocks into `sets` and merged into `merged`
    /// (buffers reused from call to call).
    pub fn vessel_rows<'a>(
        &'a self,
        slice: &VesselSlice,
        sets: &mut Vec<Fixes>,
        merged: &'a mut Vec<FixRow>,
    ) -> std::io::Result<&'a [FixRow]> {
        match slice {
            VesselSlice::Lying { .. } => {
                let lying = self.lying(slice);
                if Fixes::sorted_unique(lying) {
                    return Ok(lying);
                }
                let mut fixes = Fixes {
                    rows: std::mem::take(merged),
                };
                fixes.rows.clear();
                fixes.rows.extend_from_slice(lying);
                fixes.sort_dedup();
                *merged = fixes.rows;
            }
            VesselSlice::Spread(mmsis) => {
                // Each block holds a run of one stored file, sorted: merged, not sorted again.
                let n = self.gather_vessels(mmsis, None, sets)?;
                Fixes::merge_sorted_into(&mut sets[..n], merged);
            }
        }
        Ok(merged)
    }

    /// The rows of a [`VesselSlice::Lying`], where they lie (none for another slice).
    fn lying(&self, slice: &VesselSlice) -> &[FixRow] {
        match slice {
            VesselSlice::Lying { block, rows } => match self.blocks.get(*block).map(|b| &b.rows) {
                Some(Rows::Memory(held)) => held.get(rows.clone()).unwrap_or_default(),
                _ => &[],
            },
            VesselSlice::Spread(_) => &[],
        }
    }

    /// The rows of the vessels `mmsis` (of those among them in `only`, sorted, when
    /// given), a set per block (each sorted when the rows came sorted), into the first
    /// sets of `sets` (their buffers reused from one call to the next; the sets beyond
    /// are emptied); returns how many.
    pub fn gather_vessels(
        &self,
        mmsis: &RangeInclusive<u32>,
        only: Option<&[u32]>,
        sets: &mut Vec<Fixes>,
    ) -> std::io::Result<usize> {
        let mut buf = Vec::new();
        let mut k = 0;
        for block in &self.blocks {
            if sets.len() == k {
                sets.push(Fixes::default());
            }
            let rows = &mut sets[k].rows;
            rows.clear();
            let range = block.vessel_range(mmsis);
            match only {
                // A sorted block: each listed vessel's rows from its index, the others
                // not copied.
                Some(only) if !block.vessels.is_empty() => {
                    let first = block.vessels.partition_point(|(_, end)| (*end as usize) <= range.start);
                    let mut start = range.start;
                    for (mmsi, end) in &block.vessels[first..] {
                        let end = *end as usize;
                        if start >= range.end {
                            break;
                        }
                        if only.binary_search(mmsi).is_ok() {
                            block.gather(start..end.min(range.end), rows, &mut buf)?;
                        }
                        start = end;
                    }
                }
                _ => block.gather(range, rows, &mut buf)?,
            }
            // A block not sorted by vessel gave its buckets: only these vessels.
            rows.retain(|r| mmsis.contains(&r.mmsi) && only.is_none_or(|o| o.binary_search(&r.mmsi).is_ok()));
            if !rows.is_empty() {
                k += 1;
            }
        }
        for set in &mut sets[k..] {
            set.rows.clear();
        }
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Staging in memory, or spilling into `dir` beyond `budget` rows.
    fn staging(budget: Option<usize>, dir: &Path) -> Staging {
        match budget {
            Some(b) => Staging::in_dir(&dir.join("s"), b).unwrap(),
            None => Staging::in_memory(),
        }
    }

    fn row(mmsi: u32, ts_ms: i64) -> FixRow {
        FixRow {
            ts_ms,
            mmsi,
            ..FixRow::default()
        }
    }

    #[test]
    fn slices_cover_a_day_in_mmsi_order_and_cut_a_crowded_bucket_by_vessel() {
        // 40 vessels in one bucket (a busy flag), 10 spread over others, a repeated key.
        let mut rows: Vec<FixRow> = Vec::new();
        for t in 0..30 {
            for v in 0..40 {
                rows.push(row(219_000_000 + v, t * 1000));
            }
            for v in 0..10 {
                rows.push(row(100_000_000 * (v + 1) + 7, t * 1000));
            }
        }
        rows.push(row(219_000_003, 5000));
        let dir = tempfile::tempdir().unwrap();
        for budget in [None, Some(100)] {
            let staging = staging(budget, dir.path());
            let mut spool = staging.spool();
            for r in &rows {
                spool.push(*r);
            }
            let day = spool.finish().unwrap().into_days().next().unwrap().1;
            let slices = day.slices(200).unwrap();
            let crowded = slices.iter().filter(|s| s.buckets == (876..877)).count();
            assert!(crowded >= 6, "the crowded bucket is cut: {slices:?}");
            let mut got = Vec::new();
            let mut below = None;
            for s in &slices {
                let part = day.gather(s).unwrap();
                assert_eq!(part.len(), s.rows);
                assert!(s.rows <= 200, "{s:?}");
                // Every MMSI of a slice above every MMSI of the slices before.
                let (low, high) = (part.iter().map(|r| r.mmsi).min(), part.iter().map(|r| r.mmsi).max());
                assert!(below < low, "{s:?}");
                below = high;
                got.extend(part);
            }
            let mut want = rows.clone();
            want.sort_by_key(|r| (r.mmsi, r.ts_ms));
            got.sort_by_key(|r| (r.mmsi, r.ts_ms));
            assert_eq!(got, want, "budget {budget:?}");
        }
    }

    #[test]
    fn vessels_one_block_holds_are_read_where_they_lie_and_the_others_gathered() {
        // Two sorted blocks (a stored file's two row groups): vessels 1..=4, then 4..=6,
        // 3 fixes each; vessel 4 straddles the two.
        let block = |vessels: std::ops::RangeInclusive<u32>, from: i64| -> Vec<FixRow> {
            vessels
                .flat_map(|v| (0..3).map(move |t| row(v, from + t * 1000)))
                .collect()
        };
        let dir = tempfile::tempdir().unwrap();
        let lying = |block: usize, rows: Range<usize>| VesselSlice::Lying { block, rows };
        for budget in [None, Some(10)] {
            let staging = staging(budget, dir.path());
            let mut spool = staging.spool();
            spool.push_sorted(0, block(1..=4, 0));
            spool.push_sorted(0, block(4..=6, 10_000));
            let day = spool.finish().unwrap().into_days().next().unwrap().1;
            let all = day.vessel_slices(100, &|_| true);
            if budget.is_some() {
                // The first block spilled (the second, the last, is still in memory): its
                // vessels are gathered, in one run with vessel 4.
                assert_eq!(all, vec![VesselSlice::Spread(1..=4), lying(1, 3..9)]);
                assert!(day.lying(&lying(0, 0..3)).is_empty());
                continue;
            }
            assert_eq!(all, vec![lying(0, 0..9), VesselSlice::Spread(4..=4), lying(1, 3..9)]);
            let mmsis = |s: &VesselSlice| day.lying(s).iter().map(|r| r.mmsi).collect::<Vec<_>>();
            assert_eq!(mmsis(&all[2]), vec![5, 5, 5, 6, 6, 6]);
            assert!(day.lying(&all[1]).is_empty());
            // A vessel not wanted ends a run, and so does the row limit (6 rows: 2 vessels).
            let without_2 = day.vessel_slices(100, &|m| m != 2);
            assert_eq!(
                without_2,
                vec![
                    lying(0, 0..3),
                    lying(0, 6..9),
                    VesselSlice::Spread(4..=4),
                    lying(1, 3..9)
                ]
            );
            let by_six = day.vessel_slices(6, &|_| true);
            assert_eq!(
                by_six,
                vec![
                    lying(0, 0..6),
                    lying(0, 6..9),
                    VesselSlice::Spread(4..=4),
                    lying(1, 3..9)
                ]
            );
            assert_eq!(day.vessel_slices(100, &|m| m > 6), Vec::new());
        }
    }

    #[test]
    fn the_vessels_of_a_list_are_gathered_from_sorted_blocks_alone() {
        // Two sorted blocks (two stored files), vessels 1..=9 with 3 fixes each in both.
        let file = |day: i64| -> Vec<FixRow> {
            (1..=9u32)
                .flat_map(|v| (0..3).map(move |t| row(v, day * 86_400_000 + t * 1000)))
                .collect()
        };
        let dir = tempfile::tempdir().unwrap();
        for budget in [None, Some(10)] {
            let staging = staging(budget, dir.path());
            let mut spool = staging.spool();
            spool.push_sorted(0, file(0));
            spool.push_sorted(0, file(1));
            let day = spool.finish().unwrap().into_days().next().unwrap().1;
            let mut sets = Vec::new();
            let mmsis = |sets: &[Fixes], n: usize| -> Vec<Vec<u32>> {
                sets[..n]
                    .iter()
                    .map(|s| s.rows.iter().map(|r| r.mmsi).collect())
                    .collect()
            };
            // Vessels 2..=8 of the list [1, 3, 8, 9]: 3 and 8, from each block, in order.
            let n = day.gather_vessels(&(2..=8), Some(&[1, 3, 8, 9]), &mut sets).unwrap();
            assert_eq!(mmsis(&sets, n), vec![vec![3, 3, 3, 8, 8, 8]; 2], "budget {budget:?}");
            assert!(
                sets[0]
                    .rows
                    .windows(2)
                    .all(|w| (w[0].mmsi, w[0].ts_ms) < (w[1].mmsi, w[1].ts_ms))
            );
            // A list with none of them: nothing; no list: all of them.
            assert_eq!(day.gather_vessels(&(4..=6), Some(&[1, 9]), &mut sets).unwrap(), 0);
            let n = day.gather_vessels(&(4..=5), None, &mut sets).unwrap();
            assert_eq!(mmsis(&sets, n), vec![vec![4, 4, 4, 5, 5, 5]; 2]);
        }
    }
}
