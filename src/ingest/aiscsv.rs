//! The AIS CSV hot path: Danish Maritime Authority daily files (22 or 26 columns,
//! `dd/mm/yyyy HH:MM:SS`) and NOAA `MarineCadastre` files (2015–2023 upper-case header,
//! 2024+ lower-case header, ISO times). The file is split at line ends across the cores;
//! fields are found with SIMD compares ([`super::lines`]) and parsed by hand, and a line
//! with quotes falls back to the csv crate. Columns are found by header name, never by
//! position alone.

use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use super::decimal::{parse_f64, scaled, whole};
use super::lines::{Line, MAX_FIELDS, for_each_line};
use super::treehash::{self, PieceHasher};
use super::{FileData, Hashing, Reject};
use crate::model::ais::{
    FixRow, NO_HEADING, NO_STATUS, NO_TENTHS, POSITION_TIMES, StaticReport, civil_to_ms, nav_status_code,
};
use crate::model::identity::{Sightings, SpanSet, coalesce};
use crate::spool::{Spool, Staging};

/// Which publisher's conventions a file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Dma,
    Noaa,
}

/// Column positions of one file.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dialect: Dialect,
    pub fields: usize,
    /// Columns up to the last one read: the rest of a line is only counted.
    keep: usize,
    time: usize,
    mobile: Option<usize>,
    mmsi: usize,
    lat: usize,
    lon: usize,
    status: Option<usize>,
    sog: Option<usize>,
    cog: Option<usize>,
    heading: Option<usize>,
    imo: Option<usize>,
    call_sign: Option<usize>,
    name: Option<usize>,
    ship_type: Option<usize>,
    length: Option<usize>,
    draught: Option<usize>,
}

impl Layout {
    /// Reads the header line; `None` when it is neither a DMA nor a NOAA header, or one
    /// that puts a column read past the 63rd.
    pub fn from_header(line: &str) -> Option<Self> {
        let line = line.trim_start_matches('\u{feff}').trim_end();
        let cols: Vec<String> = line
            .trim_start_matches('#')
            .split(',')
            .map(crate::columns::header_key)
            .collect();
        let find = |names: &[&str]| names.iter().find_map(|n| cols.iter().position(|c| c == n));
        let dialect = if find(&["typeofmobile"]).is_some() && find(&["timestamp"]).is_some() {
            Dialect::Dma
        } else if find(&["basedatetime"]).is_some() {
            Dialect::Noaa
        } else {
            return None;
        };
        let mut layout = Self {
            dialect,
            fields: cols.len(),
            keep: cols.len(),
            time: find(&["timestamp", "basedatetime"])?,
            mobile: find(&["typeofmobile"]),
            mmsi: find(&["mmsi"])?,
            lat: find(&["latitude", "lat"])?,
            lon: find(&["longitude", "lon"])?,
            status: find(&["navigationalstatus", "status"]),
            sog: find(&["sog"]),
            cog: find(&["cog"]),
            heading: find(&["heading"]),
            imo: find(&["imo"]),
            call_sign: find(&["callsign"]),
            name: find(&["name", "vesselname"]),
            ship_type: find(&["shiptype", "vesseltype"]),
            length: find(&["length"]),
            draught: find(&["draught", "draft"]),
        };
        layout.keep = [
            Some(layout.time),
            layout.mobile,
            Some(layout.mmsi),
            Some(layout.lat),
            Some(layout.lon),
            layout.status,
            layout.sog,
            layout.cog,
            layout.heading,
            layout.imo,
            layout.call_sign,
            layout.name,
            layout.ship_type,
            layout.length,
            layout.draught,
        ]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |m| m + 1);
        // The reader keeps the first `MAX_FIELDS - 1` fields of a line; no real export
        // puts a column it needs later than that.
        (layout.keep < MAX_FIELDS).then_some(layout)
    }
}

/// Joins the parts of a file read in pieces, in file order: line numbers made absolute
/// (the header is line 1), positions appended, spans coalesced.
fn combine(mut parts: Vec<(FileData, u64)>) -> FileData {
    let mut out = FileData::default();
    let mut line_offset = 1;
    let mut spans = Vec::new();
    for (part, lines) in &mut parts {
        for r in &mut part.rejects {
            r.line += line_offset;
        }
        line_offset += *lines;
        out.fixes.append(std::mem::take(&mut part.fixes));
        spans.append(&mut part.spans);
        out.rejects.append(&mut part.rejects);
        out.counts.add(&part.counts);
    }
    out.spans = coalesce(spans);
    out
}

/// Bytes read at a time by each thread of [`read_file`].
const BLOCK: usize = 1 << 20;

/// The longest line read (an AIS CSV row is a few hundred bytes): a longer one is a
/// counted reject, so that memory stays bounded whatever the file holds.
pub const MAX_LINE: usize = 4 << 20;

/// Reads an AIS CSV file from disk on `threads` threads, each reading its share of the
/// file in blocks, so that neither the file nor a map of it is ever resident whole; the
/// positions go through `staging` (spilled beyond its budget). With `Hashing::Hash`,
/// each thread hashes what it reads, and the file's BLAKE3 hash comes back with its rows.
///
pub fn read_file(
    file: &std::fs::File,
    layout: &Layout,
    threads: usize,
    hashing: Hashing,
    staging: &Staging,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<(FileData, Option<blake3::Hash>)> {
    read_file_in_blocks(
        file,
        layout,
        (threads, BLOCK),
        hashing == Hashing::Hash,
        staging,
        progress,
    )
}

fn read_file_in_blocks(
    file: &std::fs::File,
    layout: &Layout,
    (threads, block): (usize, usize),
    hash: bool,
    staging: &Staging,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<(FileData, Option<blake3::Hash>)> {
    use std::os::unix::fs::FileExt;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    // Where the body starts (after the header line), and where each share starts: just
    // after a newline.
    let line_end_from = |offset: usize| -> std::io::Result<Option<usize>> {
        let mut at = offset;
        let mut probe = vec![0u8; 1 << 16];
        while at < len {
            let n = file.read_at(&mut probe, at as u64)?;
            if n == 0 {
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', &probe[..n]) {
                return Ok(Some(at + i + 1));
            }
            at += n;
        }
        Ok(None)
    };
    let header_end = line_end_from(0)?.unwrap_or(len);
    let mut bounds = vec![header_end];
    for k in 1..threads.max(1) {
        let target = header_end + (len - header_end) * k / threads;
        match line_end_from(target)? {
            Some(b) if b > *bounds.last().unwrap_or(&0) && b < len => bounds.push(b),
            _ => {}
        }
    }
    bounds.push(len);
    let done = AtomicU64::new(header_end as u64);
    let shares: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let parts = crate::pool::each(&shares, |&(start, end)| {
        // The first share hashes the header too.
        let hash_from = if start == header_end { 0 } else { start };
        let mut hasher = hash.then(|| PieceHasher::new(len as u64, hash_from as u64, end as u64));
        if let Some(hasher) = hasher.as_mut()
            && hash_from < start
        {
            let mut header = vec![0u8; start];
            file.read_exact_at(&mut header, 0)?;
            hasher.update(0, &header);
        }
        let reader = ChunkReader::new(layout, staging.spool());
        let (data, lines) = read_range(file, (start, end), block, reader, hasher.as_mut(), &|n| {
            progress(done.fetch_add(n, Ordering::Relaxed) + n);
        })?;
        Ok::<_, std::io::Error>((data, lines, hasher.map(|h| h.finish(file)).transpose()?))
    })?;
    let mut pieces = Vec::new();
    let mut data = Vec::new();
    for (d, lines, p) in parts {
        data.push((d, lines));
        pieces.extend(p.into_iter().flatten());
    }
    Ok((combine(data), hash.then(|| treehash::root(len as u64, pieces))))
}

/// One thread's share of [`read_file`]: blocks of whole lines through [`read_chunk`].
fn read_range(
    file: &std::fs::File,
    (start, end): (usize, usize),
    block: usize,
    mut reader: ChunkReader<'_>,
    mut hasher: Option<&mut PieceHasher>,
    progress: &dyn Fn(u64),
) -> std::io::Result<(FileData, u64)> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; block.min(end - start).max(1)];
    let mut carry = 0;
    let mut at = start;
    // Within a line over `MAX_LINE`, already counted: its bytes are dropped to its end.
    let mut skipping = false;
    loop {
        let want = (end - at).min(buf.len() - carry);
        let n = if want == 0 {
            0
        } else {
            file.read_at(&mut buf[carry..carry + want], at as u64)?
        };
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(at as u64, &buf[carry..carry + n]);
        }
        at += n;
        let filled = carry + n;
        let last_block = n == 0 || at >= end;
        let mut from = 0;
        if skipping {
            (from, skipping) = memchr::memchr(b'\n', &buf[..filled]).map_or((filled, true), |i| (i + 1, false));
        }
        // Whole lines only, unless this is the end of the share.
        let cut = if last_block {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[from..filled]) {
                Some(i) => from + i + 1,
                None if from == 0 && filled == buf.len() && buf.len() < MAX_LINE => {
                    // A line longer than the buffer: grow it.
                    buf.resize((buf.len() * 2).min(MAX_LINE), 0);
                    carry = filled;
                    continue;
                }
                None if from == 0 && filled == buf.len() => {
                    reader.overlong();
                    skipping = true;
                    from = filled;
                    filled
                }
                None => from,
            }
        };
        progress(from as u64);
        reader.feed(&buf[from..cut], progress);
        buf.copy_within(cut..filled, 0);
        carry = filled - cut;
        if last_block || reader.positions.failed() {
            break;
        }
    }
    reader.finish()
}

/// Parsing state that carries from one block of a share to the next: the rows so far,
/// the open identity spans, what each transmitter last said about itself.
struct ChunkReader<'a> {
    layout: &'a Layout,
    out: FileData,
    positions: Spool<'a>,
    spans: SpanSet,
    seen: FxHashMap<u32, Seen>,
    /// Rows of the block being read that carry static fields, not yet looked up.
    sightings: Vec<Sighting>,
    /// The date of the last DMA time parsed, and its midnight in ms.
    day: ([u8; 10], i64),
    line_no: u64,
}

/// Per transmitter: a fingerprint of the static fields it last sent, whether they made
/// an identity span, and the sightings since that are not yet folded into the span. A
/// row repeating the fields is one lookup in this small map.
struct Seen {
    print: u64,
    open: bool,
    pending: Sightings,
}

/// A row with static fields, waiting for its look-up in [`ChunkReader::seen`]: the
/// look-ups of a block are made together, after its rows are parsed, so that their
/// cache misses overlap instead of each stalling the parse of its row.
struct Sighting {
    mmsi: u32,
    ts_ms: i64,
    print: u64,
    /// Where the row's line starts in the block, to read its fields again when they changed.
    line: usize,
}

/// The first `keep` fields of a line into `out`, a carriage return before the newline
/// removed; returns how many, and the line's bytes (without that carriage return).
fn line_fields<'t>(line: &Line<'t, '_>, keep: usize, out: &mut [&'t [u8]; MAX_FIELDS]) -> (usize, &'t [u8]) {
    let kept = line.fields_into(keep, out);
    let mut bytes = line.bytes();
    if let [rest @ .., b'\r'] = bytes {
        bytes = rest;
        // The last field kept ends with the carriage return.
        if kept == line.fields {
            let last = &mut out[kept - 1];
            *last = &last[..last.len() - 1];
        }
    }
    (kept, bytes)
}

impl<'a> ChunkReader<'a> {
    fn new(layout: &'a Layout, positions: Spool<'a>) -> Self {
        Self {
            layout,
            out: FileData::default(),
            positions,
            spans: SpanSet::default(),
            seen: FxHashMap::default(),
            sightings: Vec::new(),
            day: ([0; 10], 0),
            line_no: 0,
        }
    }

    /// Counts a line over [`MAX_LINE`] as a rejected row (its bytes are skipped).
    fn overlong(&mut self) {
        self.line_no += 1;
        self.out.counts.rows += 1;
        self.out.rejects.push(Reject {
            line: self.line_no,
            reason: format!("a line of more than {} MiB; skipped", MAX_LINE >> 20),
        });
    }

    /// Parses whole lines (a last line without its newline counts as one).
    fn feed(&mut self, chunk: &[u8], progress: &dyn Fn(u64)) {
        let mut fields: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
        let keep = self.layout.keep;
        // Quoted fields are rare: lines are only searched for quotes in blocks that have any.
        let quotes = memchr::memchr(b'"', chunk).is_some();
        for_each_line(chunk, |line| {
            self.line_no += 1;
            let (kept, bytes) = line_fields(&line, keep, &mut fields);
            if bytes.is_empty() {
                return;
            }
            self.out.counts.rows += 1;
            if quotes && memchr::memchr(b'"', bytes).is_some() {
                let owned = quoted_fields(bytes);
                let split: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
                self.take_row(&split, split.len(), None, chunk);
            } else {
                self.take_row(&fields[..kept], line.fields, Some(line.start()), chunk);
            }
        });
        self.settle(chunk);
        progress(chunk.len() as u64);
    }

    /// Sorts one row into the output: a fix, a non-ship, a row without position, a
    /// reject. `line` is where the row's line starts in `chunk`; `None` when its
    /// fields are not the line's own (quoted).
    fn take_row(&mut self, fields: &[&[u8]], count: usize, line: Option<usize>, chunk: &[u8]) {
        match parse_row(fields, count, self.layout, &mut self.day) {
            Row::Fix(row, has_static) => {
                if has_static {
                    self.sight(fields, row.mmsi, row.ts_ms, line, chunk);
                }
                self.positions.push(row);
            }
            Row::NotShip => self.out.counts.not_ships += 1,
            Row::NoPosition(mmsi, ts_ms) => {
                self.out.counts.no_position += 1;
                self.sight(fields, mmsi, ts_ms, line, chunk);
            }
            Row::Bad(reason) => self.out.rejects.push(Reject {
                line: self.line_no,
                reason,
            }),
        }
    }

    /// Queues a row's static fields for [`ChunkReader::settle`]; a row whose fields
    /// cannot be read again from its line is folded in at once, after the queue.
    fn sight(&mut self, f: &[&[u8]], mmsi: u32, ts_ms: i64, line: Option<usize>, chunk: &[u8]) {
        let print = fingerprint(f, self.layout);
        if let Some(line) = line {
            self.sightings.push(Sighting {
                mmsi,
                ts_ms,
                print,
                line,
            });
        } else {
            self.settle(chunk);
            self.observe(f, mmsi, ts_ms, print);
        }
    }

    /// Looks the queued sightings up, in order: a transmitter repeating its fields
    /// only counts; one whose fields changed has its line split again and observed.
    fn settle(&mut self, chunk: &[u8]) {
        let mut queue = std::mem::take(&mut self.sightings);
        let mut fields: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
        for s in &queue {
            if let Some(seen) = self.seen.get_mut(&s.mmsi)
                && seen.print == s.print
            {
                if seen.open {
                    seen.pending.add(s.ts_ms);
                }
                continue;
            }
            let end = memchr::memchr(b'\n', &chunk[s.line..]).map_or(chunk.len(), |i| s.line + i);
            let mut kept = 0;
            for_each_line(&chunk[s.line..end], |line| {
                kept = line_fields(&line, self.layout.keep, &mut fields).0;
            });
            self.observe(&fields[..kept], s.mmsi, s.ts_ms, s.print);
        }
        queue.clear();
        self.sightings = queue;
    }

    /// Folds a row's static fields into the spans: the report (with its allocations)
    /// only when the fields changed for this transmitter.
    fn observe(&mut self, f: &[&[u8]], mmsi: u32, ts_ms: i64, print: u64) {
        let seen = match self.seen.entry(mmsi) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let seen = e.into_mut();
                if seen.print == print {
                    if seen.open {
                        seen.pending.add(ts_ms);
                    }
                    return;
                }
                self.spans.touch(mmsi, &seen.pending);
                seen.print = print;
                seen.pending = Sightings::NONE;
                seen
            }
            std::collections::hash_map::Entry::Vacant(e) => e.insert(Seen {
                print,
                open: false,
                pending: Sightings::NONE,
            }),
        };
        seen.open = static_report(f, self.layout, mmsi, ts_ms).is_some_and(|r| self.spans.observe(r));
    }

    /// The rows, rejects (lines relative to the share) and spans, and the lines read.
    fn finish(mut self) -> std::io::Result<(FileData, u64)> {
        for (mmsi, seen) in &self.seen {
            self.spans.touch(*mmsi, &seen.pending);
        }
        self.out.spans = self.spans.finish();
        self.out.fixes = self.positions.finish()?;
        Ok((self.out, self.line_no))
    }
}

/// The fields of a line with quotes, as the csv crate reads them.
fn quoted_fields(line: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(<[u8]>::to_vec).collect(),
        _ => Vec::new(),
    }
}

enum Row {
    /// A fix, and whether the row has static fields to look at.
    Fix(FixRow, bool),
    NotShip,
    NoPosition(u32, i64),
    Bad(String),
}

/// A hash of the identity fields (IMO, call sign, name, ship type, length) and their lengths,
/// eight bytes at a time (the `FxHash` mixing step); a field's last bytes are read as
/// a word overlapping the one before, never copied out.
fn fingerprint(f: &[&[u8]], layout: &Layout) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default());
    let half = |b: &[u8], at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or_default()));
    let (mut h, mut lengths) = (0u64, 0u64);
    for i in [
        layout.imo,
        layout.call_sign,
        layout.name,
        layout.ship_type,
        layout.length,
    ]
    .into_iter()
    .flatten()
    {
        let b = f[i];
        let n = b.len();
        lengths = (lengths << 8) ^ n as u64;
        h = match n {
            0 => h,
            1..=3 => mix(
                h,
                u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            ),
            4..=8 => mix(h, half(b, 0) | half(b, n - 4) << 32),
            _ => {
                let mut h = h;
                let mut at = 0;
                while at + 8 < n {
                    h = mix(h, word(b, at));
                    at += 8;
                }
                mix(h, word(b, n - 8))
            }
        };
    }
    mix(h, lengths)
}

fn parse_row(f: &[&[u8]], count: usize, layout: &Layout, day: &mut ([u8; 10], i64)) -> Row {
    if count != layout.fields {
        return Row::Bad(format!("{count} fields, the header has {}", layout.fields));
    }
    if let Some(i) = layout.mobile
        && !matches!(f[i], b"Class A" | b"Class B")
    {
        return Row::NotShip;
    }
    let Some(ts_ms) = (match layout.dialect {
        Dialect::Dma => dma_time_cached(f[layout.time], day),
        Dialect::Noaa => iso_time(f[layout.time]),
    }) else {
        return Row::Bad(format!("bad time '{}'", text(f[layout.time])));
    };
    if !POSITION_TIMES.contains(&ts_ms) {
        return Row::Bad(format!("time out of range (1990 to 2099) '{}'", text(f[layout.time])));
    }
    let Some(mmsi) = parse_mmsi(f[layout.mmsi]) else {
        return Row::Bad(format!("bad MMSI '{}'", text(f[layout.mmsi])));
    };
    let (Some(lat), Some(lon)) = (scaled(f[layout.lat], 7), scaled(f[layout.lon], 7)) else {
        return Row::Bad(format!(
            "bad position '{}','{}'",
            text(f[layout.lat]),
            text(f[layout.lon])
        ));
    };
    // 91/181 is AIS for "no position"; anything else off the globe is a bad row.
    if lat == 91 * E7 || lon == 181 * E7 {
        return Row::NoPosition(mmsi, ts_ms);
    }
    let (Ok(lat_e7), Ok(lon_e7)) = (i32::try_from(lat), i32::try_from(lon)) else {
        return out_of_range(lat, lon);
    };
    if lat.abs() > 90 * E7 || lon.abs() > 180 * E7 {
        return out_of_range(lat, lon);
    }
    let tenths = |i: Option<usize>, below: i64| {
        i.and_then(|i| scaled(f[i], 1))
            .filter(|t| (0..below).contains(t))
            .and_then(|t| u16::try_from(t).ok())
            .unwrap_or(NO_TENTHS)
    };
    let status = layout.status.and_then(|i| match layout.dialect {
        Dialect::Dma => nav_status_code(f[i]),
        Dialect::Noaa => text(f[i]).trim().parse().ok().filter(|c| *c <= 14),
    });
    let row = FixRow {
        ts_ms,
        mmsi,
        lat_e7,
        lon_e7,
        // Speeds below 102.3 kn (1023: not available), courses below 360 degrees.
        sog_dkn: tenths(layout.sog, 1023),
        cog_ddeg: tenths(layout.cog, 3600),
        draught_dm: match tenths(layout.draught, i64::from(NO_TENTHS)) {
            0 => NO_TENTHS,
            t => t,
        },
        // A heading from 0 to 359; the fraction of a fractional one is dropped.
        heading_deg: layout
            .heading
            .and_then(|i| scaled(f[i], 0).or_else(|| parse_f64(f[i]).map(f64::floor).and_then(whole)))
            .filter(|h| (0..360).contains(h))
            .and_then(|h| u16::try_from(h).ok())
            .unwrap_or(NO_HEADING),
        nav_status: status.filter(|s| *s < NO_STATUS).unwrap_or(NO_STATUS),
    };
    Row::Fix(
        row,
        [layout.imo, layout.call_sign, layout.name]
            .into_iter()
            .flatten()
            .any(|i| !f[i].is_empty()),
    )
}

/// Degrees in units of 1e-7.
const E7: i64 = 10_000_000;

fn out_of_range(lat_e7: i64, lon_e7: i64) -> Row {
    #[allow(clippy::cast_precision_loss, reason = "coordinates far below 2^53")]
    let deg = |v: i64| v as f64 / 1e7;
    Row::Bad(format!(
        "position out of range: lat {}, lon {}",
        deg(lat_e7),
        deg(lon_e7)
    ))
}

fn static_report(f: &[&[u8]], layout: &Layout, mmsi: u32, ts_ms: i64) -> Option<StaticReport> {
    // Names in another encoding than UTF-8 are kept, their stray bytes replaced.
    let get = |i: Option<usize>| {
        i.map(|i| String::from_utf8_lossy(f[i]).trim().to_string())
            .filter(|v| !v.is_empty() && v != "Unknown" && v != "Undefined")
    };
    let imo = get(layout.imo).as_deref().and_then(broadcast_imo);
    let name = get(layout.name);
    let call_sign = get(layout.call_sign);
    if imo.is_none() && name.is_none() && call_sign.is_none() {
        return None;
    }
    Some(StaticReport {
        mmsi: Some(mmsi),
        ts_ms,
        imo,
        name,
        call_sign,
        ship_type: get(layout.ship_type),
        length_m: get(layout.length).as_deref().and_then(length_m),
        flag: None,
        source: "ais".to_string(),
    })
}

/// A length in metres as DMA (`183`) and NOAA (`183` or `183.0`) write it; 0 and
/// blanks are "not available".
fn length_m(v: &str) -> Option<u16> {
    let m: f64 = v.parse().ok()?;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked first"
    )]
    (1.0..1023.0).contains(&m).then(|| m.round() as u16)
}

/// An IMO as broadcast: `9293002` or `IMO9293002`; placeholders (`IMO0000000`, `0`)
/// are no IMO. A number failing its check digit is kept: that is a finding.
pub fn broadcast_imo(v: &str) -> Option<String> {
    let d = crate::model::imo::strip_imo_prefix(v);
    (d.len() == 7 && d.bytes().all(|b| b.is_ascii_digit()) && d != "0000000").then(|| d.to_string())
}

fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// Nine digits (an MMSI), in one pass: nine digits cannot overflow a `u32`.
fn parse_mmsi(b: &[u8]) -> Option<u32> {
    if b.len() != 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

fn two(b: &[u8]) -> Option<u32> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

fn four(b: &[u8]) -> Option<i64> {
    Some(i64::from(two(&b[..2])?) * 100 + i64::from(two(&b[2..4])?))
}

/// `01/06/2018 00:00:00` (day first, UTC).
pub fn dma_time(b: &[u8]) -> Option<i64> {
    dma_time_cached(b, &mut ([0; 10], 0))
}

/// [`dma_time`], with the midnight of the last date read kept: rows come in time
/// order, so the date is nearly always the one before.
fn dma_time_cached(b: &[u8], day: &mut ([u8; 10], i64)) -> Option<i64> {
    if b.len() != 19 || b[2] != b'/' || b[5] != b'/' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[..10] != day.0 {
        day.1 = civil_to_ms(four(&b[6..10])?, two(&b[3..5])?, two(&b[0..2])?, 0, 0, 0, 0)?;
        day.0.copy_from_slice(&b[..10]);
    }
    let (h, m, s) = (two(&b[11..13])?, two(&b[14..16])?, two(&b[17..19])?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(day.1 + i64::from(h * 3600 + m * 60 + s) * 1000)
}

/// `2022-03-31T00:00:01` (UTC; a trailing `Z` or fraction is accepted).
pub fn iso_time(b: &[u8]) -> Option<i64> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let ms = match &b[19..] {
        [] | [b'Z'] => 0,
        [b'.', frac @ ..] => frac
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .take(3)
            .zip([100, 10, 1])
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum(),
        _ => return None,
    };
    civil_to_ms(
        four(&b[0..4])?,
        two(&b[5..7])?,
        two(&b[8..10])?,
        two(&b[11..13])?,
        two(&b[14..16])?,
        two(&b[17..19])?,
        ms,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::rfc3339;

    /// Reads a whole AIS CSV file held in memory on `threads` threads: the tests' reference
    /// for the reader from disk. `progress` receives the bytes done as they are done.
    ///
    fn read(bytes: &[u8], layout: &Layout, threads: usize, progress: &(dyn Fn(u64) + Sync)) -> FileData {
        let staging = Staging::in_memory();
        let header_end = memchr::memchr(b'\n', bytes).map_or(bytes.len(), |i| i + 1);
        let body = &bytes[header_end..];
        let bounds = split_at_lines(body, threads.max(1));
        let done = AtomicU64::new(header_end as u64);
        let chunks: Vec<&[u8]> = bounds.windows(2).map(|w| &body[w[0]..w[1]]).collect();
        let parts = crate::pool::each(&chunks, |chunk| {
            let mut reader = ChunkReader::new(layout, staging.spool());
            reader.feed(chunk, &|n| progress(done.fetch_add(n, Ordering::Relaxed) + n));
            reader.finish()
        });
        combine(parts.expect("in-memory staging does not fail"))
    }

    /// Chunk boundaries: `n` pieces, each ending just after a newline.
    fn split_at_lines(body: &[u8], n: usize) -> Vec<usize> {
        let mut bounds = vec![0];
        for k in 1..n {
            let target = body.len() * k / n;
            let start = *bounds.last().expect("bounds start with 0");
            if target <= start {
                continue;
            }
            match memchr::memchr(b'\n', &body[target..]) {
                Some(i) => bounds.push(target + i + 1),
                None => break,
            }
        }
        bounds.push(body.len());
        bounds.dedup();
        bounds
    }

    #[test]
    fn times_parse_by_arithmetic() {
        assert_eq!(
            rfc3339(dma_time(b"15/05/2025 08:02:29").unwrap()),
            "2025-05-15T08:02:29Z"
        );
        assert_eq!(
            rfc3339(iso_time(b"2022-03-31T00:00:01").unwrap()),
            "2022-03-31T00:00:01Z"
        );
        assert_eq!(dma_time(b"2025-05-15 08:02:29"), None);
        assert_eq!(dma_time(b"32/05/2025 08:02:29"), None);
    }

    #[test]
    fn mmsis_are_nine_digits() {
        assert_eq!(parse_mmsi(b"219000001"), Some(219_000_001));
        assert_eq!(parse_mmsi(b"999999999"), Some(999_999_999));
        assert_eq!(parse_mmsi(b"000000000"), Some(0));
        for bad in [
            &b"21900000a"[..],
            b"12345678",
            b"1234567890",
            b"-12345678",
            b" 21900000",
            b"",
        ] {
            assert_eq!(parse_mmsi(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn dma_times_reuse_the_date_and_check_every_field() {
        let mut day = ([0; 10], 0);
        for t in ["31/12/2024 23:59:59", "01/01/2025 00:00:00", "01/01/2025 13:04:05"] {
            assert_eq!(dma_time_cached(t.as_bytes(), &mut day), dma_time(t.as_bytes()), "{t}");
        }
        for t in [
            "01/01/2025 24:00:00",
            "01/01/2025 00:60:00",
            "01/01/2025 00-00-00",
            "32/01/2025 00:00:00",
        ] {
            assert_eq!(dma_time_cached(t.as_bytes(), &mut day), None, "{t}");
        }
    }

    #[test]
    fn headers_of_both_publishers_are_recognised() {
        let dma = "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D";
        let l = Layout::from_header(dma).unwrap();
        assert_eq!((l.dialect, l.fields), (Dialect::Dma, 26));
        let noaa = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass";
        assert_eq!(Layout::from_header(noaa).unwrap().dialect, Dialect::Noaa);
        let noaa24 = "mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,vessel_type,status,length,width,draft,cargo,transceiver";
        let l = Layout::from_header(noaa24).unwrap();
        assert_eq!((l.lat, l.lon), (3, 2));
    }

    /// Rows in a canonical order: by key, repeated keys in file order.
    fn canonical(p: crate::spool::Positions) -> Vec<FixRow> {
        let mut rows = p.into_fixes().unwrap().rows;
        rows.sort_by_key(|r| (r.mmsi, r.ts_ms));
        rows
    }

    #[test]
    fn reading_from_disk_in_small_blocks_and_spilling_gives_what_reading_from_memory_gives() {
        let (files, _) = crate::synth::generate(&crate::synth::Scenario {
            days: 3,
            days_per_file: 3,
            ..crate::synth::Scenario::default()
        });
        let bytes = &files[0].1;
        let header = std::str::from_utf8(bytes).unwrap().lines().next().unwrap();
        let layout = Layout::from_header(header).unwrap();
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, bytes).unwrap();
        let want = read(bytes, &layout, 2, &|_| {});
        assert!(!want.rejects.is_empty(), "the scenario has bad rows");
        let want_rows = canonical(want.fixes);
        let dir = tempfile::tempdir().unwrap();
        for (threads, block, budget) in [
            (1, 300, None),
            (2, 1000, Some(50)),
            (3, 4096, Some(1)),
            (2, 1 << 20, Some(5000)),
        ] {
            let staging = match budget {
                Some(rows) => Staging::in_dir(&dir.path().join("staging"), rows).unwrap(),
                None => Staging::in_memory(),
            };
            // Every other run without the hash: the same rows.
            let hashed = block != 4096;
            let (got, hash) =
                read_file_in_blocks(tmp.as_file(), &layout, (threads, block), hashed, &staging, &|_| {}).unwrap();
            let what = format!("{threads} threads, {block} B blocks, budget {budget:?}");
            if budget.is_some_and(|rows| rows < want_rows.len()) {
                assert!(
                    dir.path().join("staging/spool-0.bin").exists(),
                    "{what}: nothing spilled"
                );
            }
            assert_eq!(hash, hashed.then(|| blake3::hash(bytes)), "{what}");
            assert_eq!(got.rejects, want.rejects, "{what}");
            assert_eq!(got.counts, want.counts);
            assert_eq!(got.spans, want.spans);
            assert_eq!(canonical(got.fixes), want_rows, "{what}");
            drop(staging);
            assert!(!dir.path().join("staging").exists(), "{what}: staging left behind");
        }
    }

    #[test]
    fn quoted_lines_among_queued_ones_keep_the_order_of_identities() {
        let header = "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D";
        let row = |minute: u32, name: &str| {
            format!(
                "01/01/2025 00:{minute:02}:00,Class A,273100001,57.48,9.30,Moored,0.0,0.0,0.0,83,9293002,UBCD3,{name},Tanker,,20,120,GPS,9.8,PRIMORSK,,AIS,,,,\r\n"
            )
        };
        let text = [
            format!("{header}\r\n"),
            row(0, "ARGENT"),
            row(1, "\"ARGENT\""),
            row(2, "ARGENT"),
            row(3, "\"JAGUAR, II\""),
            row(4, "ARGENT"),
        ]
        .concat();
        let layout = Layout::from_header(header).unwrap();
        let data = read(text.as_bytes(), &layout, 1, &|_| {});
        assert!(data.rejects.is_empty(), "{:?}", data.rejects);
        let spans: Vec<(String, i64, i64, u64)> = data
            .spans
            .iter()
            .map(|s| {
                (
                    s.name.clone().unwrap(),
                    s.first_ms / 60_000 % 60,
                    s.last_ms / 60_000 % 60,
                    s.reports,
                )
            })
            .collect();
        let want = [("ARGENT", 0, 2, 3), ("JAGUAR, II", 3, 3, 1), ("ARGENT", 4, 4, 1)];
        let want: Vec<_> = want.iter().map(|(n, a, b, r)| ((*n).to_string(), *a, *b, *r)).collect();
        assert_eq!(spans, want);
    }

    #[test]
    fn chunks_end_at_line_ends() {
        let body = b"aaa\nbbb\nccc\nddd\n";
        let b = split_at_lines(body, 3);
        assert_eq!(b.first(), Some(&0));
        assert_eq!(b.last(), Some(&body.len()));
        assert!(b[1..b.len() - 1].iter().all(|&i| body[i - 1] == b'\n'));
    }
}
