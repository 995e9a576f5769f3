//! NMEA 0183 AIS sentences (`!AIVDM`, `!AIVDO`, any talker): checksums verified,
//! multi-sentence messages reassembled (out of order and interleaved tolerated, stale
//! fragments expired), the six-bit payload decoded for message types 1, 2, 3 (class A
//! position), 5 (static and voyage), 18, 19 (class B position) and 24 (class B static).
//!
//! Times come from a tag block (`\c:1588888888*hh\`), a timestamp before the sentence
//! (RFC 3339 or Unix seconds), or the last `$PGHP` time sentence; a message with no
//! time is rejected, since a position without a time cannot be placed.

use std::collections::HashMap;

use super::{FileData, Hashing, Reject};
use crate::model::ais::{Fix, FixRow, POSITION_TIMES, StaticReport, civil_to_ms, rfc3339};
use crate::model::identity::SpanSet;
use crate::spool::{Spool, Staging};

/// How many sentences a partial multi-sentence message waits for its other parts.
const FRAGMENT_TTL: u64 = 50;

/// One decoded AIS message, raw values as the standard encodes them (speed in 0.1 kn,
/// positions in 1/10000 minute, course in 0.1 degree, draught in 0.1 m).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    pub msg_type: u8,
    pub mmsi: u32,
    pub status: Option<u8>,
    pub speed: Option<u16>,
    pub lon: Option<i32>,
    pub lat: Option<i32>,
    pub course: Option<u16>,
    pub heading: Option<u16>,
    pub imo: Option<u32>,
    pub callsign: Option<String>,
    pub shipname: Option<String>,
    pub shiptype: Option<u8>,
    pub draught: Option<u8>,
    /// Metres from the reference point to the bow plus to the stern (types 5, 19, 24
    /// part B), when both are given.
    pub length_m: Option<u16>,
    /// Type 24: part 0 (A) or 1 (B).
    pub part: Option<u8>,
}

impl Message {
    pub fn is_position(&self) -> bool {
        matches!(self.msg_type, 1 | 2 | 3 | 18 | 19)
    }

    /// Degrees, with AIS "not available" (91 / 181) as `None`.
    pub fn lat_deg(&self) -> Option<f64> {
        self.lat.map(|v| f64::from(v) / 600_000.0).filter(|v| v.abs() <= 90.0)
    }

    pub fn lon_deg(&self) -> Option<f64> {
        self.lon.map(|v| f64::from(v) / 600_000.0).filter(|v| v.abs() <= 180.0)
    }
}

/// Bits of a de-armoured payload.
struct Bits(Vec<u8>);

impl Bits {
    fn from_payload(payload: &str, fill: usize) -> Option<Self> {
        let mut bits = Vec::with_capacity(payload.len() * 6);
        for c in payload.bytes() {
            let mut v = c.checked_sub(48)?;
            if v > 40 {
                v = v.checked_sub(8)?;
            }
            if v > 63 {
                return None;
            }
            for i in (0..6).rev() {
                bits.push((v >> i) & 1);
            }
        }
        bits.truncate(bits.len().saturating_sub(fill));
        Some(Self(bits))
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn uint(&self, start: usize, len: usize) -> Option<u32> {
        let slice = self.0.get(start..start + len)?;
        Some(slice.iter().fold(0u32, |acc, b| (acc << 1) | u32::from(*b)))
    }

    fn int(&self, start: usize, len: usize) -> Option<i32> {
        let u = self.uint(start, len)?;
        let shift = 32 - len;
        #[allow(clippy::cast_possible_wrap, reason = "two's complement sign extension")]
        Some(((u << shift) as i32) >> shift)
    }

    fn text(&self, start: usize, chars: usize) -> Option<String> {
        let mut s = String::with_capacity(chars);
        for i in 0..chars {
            let Some(v) = self.uint(start + i * 6, 6) else {
                break; // a short final part: take what is there
            };
            let v = u8::try_from(v).ok()?;
            s.push(char::from(if v < 32 { v + 64 } else { v }));
        }
        let trimmed = s.trim_end_matches(['@', ' ']).trim();
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }
}

fn u8_of(v: Option<u32>) -> Option<u8> {
    v.and_then(|v| u8::try_from(v).ok())
}

fn u16_of(v: Option<u32>) -> Option<u16> {
    v.and_then(|v| u16::try_from(v).ok())
}

/// Decodes a complete payload. `None` when it is too short for its type.
pub fn decode(payload: &str, fill: usize) -> Option<Message> {
    let b = Bits::from_payload(payload, fill)?;
    let msg_type = u8_of(b.uint(0, 6))?;
    let mut m = Message {
        msg_type,
        mmsi: b.uint(8, 30)?,
        ..Message::default()
    };
    let position = |m: &mut Message, sog: usize, lon: usize, lat: usize, cog: usize, hdg: usize| -> Option<()> {
        m.speed = u16_of(b.uint(sog, 10)).filter(|v| *v != 1023);
        m.lon = b.int(lon, 28);
        m.lat = b.int(lat, 27);
        m.course = u16_of(b.uint(cog, 12)).filter(|v| *v < 3600);
        m.heading = u16_of(b.uint(hdg, 9)).filter(|v| *v < 360);
        Some(())
    };
    match msg_type {
        1..=3 => {
            if b.len() < 137 {
                return None;
            }
            m.status = u8_of(b.uint(38, 4));
            position(&mut m, 50, 61, 89, 116, 128)?;
        }
        5 => {
            if b.len() < 420 {
                return None;
            }
            m.imo = b.uint(40, 30).filter(|v| *v != 0);
            m.callsign = b.text(70, 7);
            m.shipname = b.text(112, 20);
            m.shiptype = u8_of(b.uint(232, 8));
            m.length_m = length(&b, 240);
            m.draught = u8_of(b.uint(294, 8));
        }
        18 => {
            if b.len() < 133 {
                return None;
            }
            position(&mut m, 46, 57, 85, 112, 124)?;
        }
        19 => {
            if b.len() < 271 {
                return None;
            }
            position(&mut m, 46, 57, 85, 112, 124)?;
            m.shipname = b.text(143, 20);
            m.shiptype = u8_of(b.uint(263, 8));
            m.length_m = length(&b, 271);
        }
        24 => {
            let part = u8_of(b.uint(38, 2))?;
            m.part = Some(part);
            if part == 0 {
                m.shipname = b.text(40, 20);
            } else {
                m.shiptype = u8_of(b.uint(40, 8));
                m.callsign = b.text(90, 7);
                m.length_m = length(&b, 132);
            }
        }
        _ => {}
    }
    Some(m)
}

/// The length from the dimension fields at `at` (to bow, 9 bits; to stern, 9 bits): their
/// sum, when both are given (0 is "not available").
fn length(b: &Bits, at: usize) -> Option<u16> {
    let (bow, stern) = (u16_of(b.uint(at, 9))?, u16_of(b.uint(at + 9, 9))?);
    (bow > 0 && stern > 0).then_some(bow + stern)
}

/// A sentence's parts, checksum verified.
#[derive(Debug, PartialEq)]
struct Sentence<'a> {
    total: u8,
    number: u8,
    seq: &'a str,
    channel: &'a str,
    payload: &'a str,
    fill: usize,
}

/// XOR of the bytes between the start mark and `*`.
fn checksum_ok(body: &str, hex: &str) -> bool {
    let sum = body.bytes().fold(0u8, |a, b| a ^ b);
    u8::from_str_radix(hex.get(..2).unwrap_or(""), 16).is_ok_and(|h| h == sum)
}

fn parse_sentence(s: &str) -> Result<Sentence<'_>, String> {
    let s = s.trim_end();
    let (body, hex) = s[1..].rsplit_once('*').ok_or_else(|| "no checksum".to_string())?;
    if !checksum_ok(body, hex) {
        return Err(format!("bad checksum *{hex}"));
    }
    let f: Vec<&str> = body.split(',').collect();
    if f.len() < 7 {
        return Err(format!("{} fields, an AIVDM sentence has 7", f.len()));
    }
    let num = |v: &str, what: &str| v.parse::<u8>().map_err(|_| format!("bad {what} '{v}'"));
    Ok(Sentence {
        total: num(f[1], "fragment count")?,
        number: num(f[2], "fragment number")?,
        seq: f[3],
        channel: f[4],
        payload: f[5],
        fill: f[6].parse().unwrap_or(0),
    })
}

/// A time for a message: RFC 3339 where chrono can write it, else milliseconds.
fn rfc3339_or_ms(ms: i64) -> String {
    Some(rfc3339(ms))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// Time from a tag block (`c:` field, seconds or milliseconds since the epoch).
fn tag_block_time(tag: &str) -> Result<Option<i64>, String> {
    let (body, hex) = tag.rsplit_once('*').unwrap_or((tag, ""));
    if !hex.is_empty() && !checksum_ok(body, hex) {
        return Err(format!("bad tag block checksum *{hex}"));
    }
    for field in body.split(',') {
        if let Some(v) = field.strip_prefix("c:") {
            let n: i64 = v.trim().parse().map_err(|_| format!("bad tag block time '{v}'"))?;
            return Ok(Some(if n > 100_000_000_000 { n } else { n.saturating_mul(1000) }));
        }
    }
    Ok(None)
}

/// A timestamp written before a sentence: RFC 3339 / ISO, or Unix seconds.
fn leading_time(prefix: &str) -> Option<i64> {
    let p = prefix.trim().trim_end_matches([',', ';', ' ', '\t']);
    if p.is_empty() {
        return None;
    }
    if let Ok(secs) = p.parse::<f64>() {
        #[allow(clippy::cast_possible_truncation, reason = "epoch milliseconds fit i64")]
        return (secs > 0.0).then(|| (secs * 1000.0).round() as i64);
    }
    chrono::DateTime::parse_from_rfc3339(p)
        .ok()
        .map(|t| t.timestamp_millis())
        .or_else(|| super::aiscsv::iso_time(p.as_bytes()))
}

/// `$PGHP,1,2008,5,9,0,0,0,10,...`: Gatehouse time (year, month, day, hour, minute,
/// second, centiseconds).
fn pghp_time(s: &str) -> Option<i64> {
    let f: Vec<&str> = s.split(',').collect();
    if f.len() < 9 || f[1] != "1" {
        return None;
    }
    let n = |i: usize| f[i].parse::<u32>().ok();
    civil_to_ms(
        i64::from(n(2)?),
        n(3)?,
        n(4)?,
        n(5)?,
        n(6)?,
        n(7)?,
        n(8)?.saturating_mul(10).min(999),
    )
}

struct Partial {
    first_line: u64,
    last_seen: u64,
    time: Option<i64>,
    parts: Vec<Option<(String, usize)>>,
}

/// Reads NMEA text held in memory. `on_message` sees every complete message with its
/// time, before it is turned into fixes and reports (tests compare decodes).
///
/// # Panics
/// Never: positions held in memory cannot fail to be staged.
pub fn read(text: &str, on_message: impl FnMut(u64, Option<i64>, &Message)) -> FileData {
    let staging = Staging::in_memory();
    let mut reader = Reader::new(staging.spool(), on_message);
    for (i, raw) in text.lines().enumerate() {
        reader.line(i as u64 + 1, raw);
    }
    reader.finish().expect("in-memory staging does not fail")
}

/// The longest line read (a sentence is at most 82 characters, a tag block a few
/// hundred more): a longer one is a counted reject, and memory stays bounded.
pub const MAX_LINE: usize = 1 << 20;

/// Reads an NMEA file from disk in blocks of whole lines, its positions through
/// `staging`; returns what it holds and (`Hashing::Hash`) its BLAKE3 hash.
pub fn read_file(
    file: &std::fs::File,
    hashing: Hashing,
    staging: &Staging,
    progress: &dyn Fn(u64),
) -> std::io::Result<(FileData, Option<blake3::Hash>)> {
    read_file_in_blocks(file, hashing == Hashing::Hash, staging, 8 << 20, progress)
}

fn read_file_in_blocks(
    file: &std::fs::File,
    hash: bool,
    staging: &Staging,
    block: usize,
    progress: &dyn Fn(u64),
) -> std::io::Result<(FileData, Option<blake3::Hash>)> {
    use std::io::Read;
    let mut reader = Reader::new(staging.spool(), |_, _, _| {});
    let mut hasher = hash.then(blake3::Hasher::new);
    let mut buf = vec![0u8; block.clamp(1, MAX_LINE)];
    let (mut carry, mut line_no, mut done) = (0usize, 0u64, 0u64);
    // Within a line over `MAX_LINE`, already counted: its bytes are dropped to its end.
    let mut skipping = false;
    let mut input = file;
    std::io::Seek::seek(&mut input, std::io::SeekFrom::Start(0))?;
    loop {
        if carry == buf.len() {
            if buf.len() < MAX_LINE {
                // A line longer than the buffer: grow it.
                buf.resize((buf.len() * 2).min(MAX_LINE), 0);
            } else {
                line_no += 1;
                reader.overlong(line_no);
                (skipping, done, carry) = (true, done + carry as u64, 0);
            }
        }
        let n = input.read(&mut buf[carry..])?;
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(&buf[carry..carry + n]);
        }
        let filled = carry + n;
        let mut from = 0;
        if skipping {
            (from, skipping) = memchr::memchr(b'\n', &buf[..filled]).map_or((filled, true), |i| (i + 1, false));
        }
        // Whole lines; at the end of the file, whatever is left.
        let cut = if n == 0 {
            filled
        } else {
            memchr::memrchr(b'\n', &buf[from..filled]).map_or(from, |i| from + i + 1)
        };
        let mut lines = &buf[from..cut];
        while !lines.is_empty() {
            let end = memchr::memchr(b'\n', lines).unwrap_or(lines.len());
            line_no += 1;
            reader.line(line_no, &String::from_utf8_lossy(&lines[..end]));
            lines = &lines[(end + 1).min(lines.len())..];
        }
        done += cut as u64;
        progress(done);
        buf.copy_within(cut..filled, 0);
        carry = filled - cut;
        if n == 0 || reader.positions.failed() {
            break;
        }
    }
    Ok((reader.finish()?, hasher.map(|h| h.finalize())))
}

/// NMEA reading state carried from line to line: partial messages, the last `$PGHP`
/// time, the last draught each vessel sent.
pub struct Reader<'s, F> {
    out: FileData,
    positions: Spool<'s>,
    spans: SpanSet,
    partials: HashMap<(String, String, u8), Partial>,
    clock: Option<i64>,
    draught: HashMap<u32, f32>,
    sentence_no: u64,
    on_message: F,
}

impl<'s, F: FnMut(u64, Option<i64>, &Message)> Reader<'s, F> {
    pub fn new(positions: Spool<'s>, on_message: F) -> Self {
        Self {
            out: FileData::default(),
            positions,
            spans: SpanSet::default(),
            partials: HashMap::new(),
            clock: None,
            draught: HashMap::new(),
            sentence_no: 0,
            on_message,
        }
    }

    /// Counts a line over [`MAX_LINE`] as a rejected row (its bytes are skipped).
    fn overlong(&mut self, line_no: u64) {
        self.out.counts.rows += 1;
        self.out.rejects.push(Reject {
            line: line_no,
            reason: format!("a line of more than {} KiB; skipped", MAX_LINE >> 10),
        });
    }

    /// Reads one line (`line_no` is 1-based in the file).
    pub fn line(&mut self, line_no: u64, raw: &str) {
        let out = &mut self.out;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        if let Some(pos) = line.find("$PGHP") {
            if let Some(t) = pghp_time(&line[pos..]) {
                self.clock = Some(t);
            }
            return;
        }
        let Some(start) = line.find(['!']) else {
            // Other NMEA (GPS fixes) and non-NMEA lines carry no AIS.
            out.counts.other += 1;
            return;
        };
        out.counts.rows += 1;
        let (prefix, sentence) = line.split_at(start);
        let mut time = None;
        if let Some(tag) = prefix.strip_prefix('\\').and_then(|p| p.split('\\').next()) {
            match tag_block_time(tag) {
                Ok(t) => time = t,
                Err(reason) => {
                    out.rejects.push(Reject { line: line_no, reason });
                    return;
                }
            }
        } else if !prefix.is_empty() {
            time = leading_time(prefix);
        }
        let time = time.or(self.clock);
        if let Some(t) = time
            && !POSITION_TIMES.contains(&t)
        {
            out.rejects.push(Reject {
                line: line_no,
                reason: format!("time out of range (1990 to 2099): {}", rfc3339_or_ms(t)),
            });
            return;
        }
        let talker = sentence.get(3..6).unwrap_or("");
        if talker != "VDM" && talker != "VDO" {
            out.counts.other += 1;
            return;
        }
        let s = match parse_sentence(sentence) {
            Ok(s) => s,
            Err(reason) => {
                out.rejects.push(Reject { line: line_no, reason });
                return;
            }
        };
        self.sentence_no += 1;
        expire(&mut self.partials, self.sentence_no, &mut out.rejects);
        let complete = reassemble(
            &mut self.partials,
            &s,
            line_no,
            self.sentence_no,
            time,
            &mut out.rejects,
        );
        let Some((payload, fill, first_line, time)) = complete else {
            return;
        };
        let Some(m) = decode(&payload, fill) else {
            out.rejects.push(Reject {
                line: first_line,
                reason: "payload too short or not six-bit text".into(),
            });
            return;
        };
        (self.on_message)(first_line, time, &m);
        self.absorb(&m, time, first_line);
    }

    /// What was read; messages never completed are rejects.
    pub fn finish(mut self) -> std::io::Result<FileData> {
        for p in self.partials.into_values() {
            self.out.rejects.push(Reject {
                line: p.first_line,
                reason: "multi-sentence message never completed".into(),
            });
        }
        self.out.rejects.sort_by_key(|r| r.line);
        self.out.spans = self.spans.finish();
        self.out.fixes = self.positions.finish()?;
        Ok(self.out)
    }
}

/// A message whose sentences are all in: payload, fill bits, first line, time.
type Complete = (String, usize, u64, Option<i64>);

/// Files a sentence with its message's other parts; returns the message once complete.
fn reassemble(
    partials: &mut HashMap<(String, String, u8), Partial>,
    s: &Sentence<'_>,
    line_no: u64,
    sentence_no: u64,
    time: Option<i64>,
    rejects: &mut Vec<Reject>,
) -> Option<Complete> {
    if s.total <= 1 {
        return Some((s.payload.to_string(), s.fill, line_no, time));
    }
    if s.number == 0 || s.number > s.total {
        rejects.push(Reject {
            line: line_no,
            reason: format!("fragment {} of {}", s.number, s.total),
        });
        return None;
    }
    let key = (s.seq.to_string(), s.channel.to_string(), s.total);
    let fresh = |line_no| Partial {
        first_line: line_no,
        last_seen: sentence_no,
        time,
        parts: vec![None; usize::from(s.total)],
    };
    let p = partials.entry(key.clone()).or_insert_with(|| fresh(line_no));
    p.last_seen = sentence_no;
    p.time = p.time.or(time);
    let slot = usize::from(s.number - 1);
    if p.parts[slot].is_some() {
        // The same fragment again: the older message with this sequence id never completed.
        rejects.push(Reject {
            line: p.first_line,
            reason: "multi-sentence message never completed".into(),
        });
        *p = fresh(line_no);
    }
    p.parts[slot] = Some((s.payload.to_string(), s.fill));
    if !p.parts.iter().all(Option::is_some) {
        return None;
    }
    let p = partials.remove(&key)?;
    let fill = p.parts.last().and_then(|x| x.as_ref()).map_or(0, |x| x.1);
    let payload: String = p.parts.into_iter().flatten().map(|x| x.0).collect();
    Some((payload, fill, p.first_line, p.time))
}

fn expire(partials: &mut HashMap<(String, String, u8), Partial>, now: u64, rejects: &mut Vec<Reject>) {
    if partials.is_empty() {
        return;
    }
    partials.retain(|_, p| {
        let live = now - p.last_seen <= FRAGMENT_TTL;
        if !live {
            rejects.push(Reject {
                line: p.first_line,
                reason: "multi-sentence message never completed".into(),
            });
        }
        live
    });
}

impl<F> Reader<'_, F> {
    /// Turns a decoded message into a fix and/or a static report.
    fn absorb(&mut self, m: &Message, time: Option<i64>, line: u64) {
        let out = &mut self.out;
        let supported = m.is_position() || matches!(m.msg_type, 5 | 24);
        if !supported {
            out.counts.other += 1;
            return;
        }
        let Some(ts_ms) = time else {
            out.rejects.push(Reject {
                line,
                reason: format!(
                    "type {} message without a time (no tag block c:, leading timestamp or $PGHP)",
                    m.msg_type
                ),
            });
            return;
        };
        if m.msg_type == 5
            && let Some(d) = m.draught.filter(|d| *d > 0)
        {
            self.draught.insert(m.mmsi, f32::from(d) / 10.0);
        }
        if m.imo.is_some() || m.shipname.is_some() || m.callsign.is_some() {
            self.spans.observe(StaticReport {
                mmsi: Some(m.mmsi),
                ts_ms,
                imo: m.imo.map(|i| format!("{i:07}")),
                name: m.shipname.clone(),
                call_sign: m.callsign.clone(),
                ship_type: m.shiptype.map(|t| t.to_string()),
                length_m: m.length_m,
                flag: None,
                source: "ais".into(),
            });
        }
        if !m.is_position() {
            return;
        }
        match (m.lat_deg(), m.lon_deg()) {
            (Some(lat), Some(lon)) => self.positions.push(FixRow::from(Fix {
                mmsi: m.mmsi,
                ts_ms,
                lat,
                lon,
                sog_kn: m.speed.map(|s| f32::from(s) / 10.0),
                cog_deg: m.course.map(|c| f32::from(c) / 10.0),
                heading_deg: m.heading,
                nav_status: m.status.filter(|s| *s <= 14),
                draught_m: self.draught.get(&m.mmsi).copied(),
            })),
            _ => out.counts.no_position += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_a_position_decodes() {
        // gpsd test vector: type 1, MMSI 371798000, 12.3 kn, 48.3816333 N 123.3953833 W.
        let m = decode("15RTgt0PAso;90TKcjM8h6g208CQ", 0).unwrap();
        assert_eq!((m.msg_type, m.mmsi), (1, 371_798_000));
        assert_eq!(m.speed, Some(123));
        assert!((m.lat_deg().unwrap() - 48.381_633_3).abs() < 1e-6);
        assert!((m.lon_deg().unwrap() + 123.395_383_3).abs() < 1e-6);
        assert_eq!((m.course, m.heading), (Some(2240), Some(215)));
    }

    #[test]
    fn a_two_sentence_type_5_reassembles_even_out_of_order() {
        let text = "\\c:1588888888\\!AIVDM,2,2,9,B,`88888888888880,2*76\n\
                    !AIVDM,2,1,9,B,55R3Vn82=ILTQ3KKS>1<D60Dq@E918U<F222221J1`?164vc03S1CCAD,0*2A\n";
        let mut seen = Vec::new();
        let out = read(text, |_, t, m| seen.push((t, m.clone())));
        assert_eq!(seen.len(), 1, "{:?}", out.rejects);
        let m = &seen[0].1;
        assert_eq!((m.msg_type, m.mmsi, m.imo), (5, 371_255_000, Some(9_266_633)));
        assert_eq!(m.shipname.as_deref(), Some("SEA ENTERPRISE"));
        assert_eq!(m.callsign.as_deref(), Some("HP6683"));
    }

    #[test]
    fn a_bad_checksum_is_rejected() {
        let out = read(
            "1588888888 !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n",
            |_, _, _| {},
        );
        assert_eq!(out.rejects.len(), 1);
        assert!(out.rejects[0].reason.contains("checksum"));
    }

    #[test]
    fn times_come_from_tag_blocks_leading_stamps_and_pghp() {
        let text = "\\s:r1,c:1747296149*00\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n";
        // The tag block checksum above is wrong on purpose.
        assert!(read(text, |_, _, _| {}).rejects[0].reason.contains("tag block"));
        let tag = "s:r1,c:1747296149";
        let sum = tag.bytes().fold(0u8, |a, b| a ^ b);
        let text = format!("\\{tag}*{sum:02X}\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n");
        let out = read(&text, |_, _, _| {});
        assert_eq!(
            out.fixes
                .into_fixes()
                .unwrap()
                .rows
                .iter()
                .map(|r| r.ts_ms)
                .collect::<Vec<_>>(),
            vec![1_747_296_149_000]
        );
        let out = read(
            "2025-05-15T08:02:29Z !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n",
            |_, _, _| {},
        );
        assert_eq!(
            crate::model::ais::rfc3339(out.fixes.into_fixes().unwrap().rows[0].ts_ms),
            "2025-05-15T08:02:29Z"
        );
        let out = read(
            "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n",
            |_, _, _| {},
        );
        assert_eq!(
            crate::model::ais::rfc3339(out.fixes.into_fixes().unwrap().rows[0].ts_ms),
            "2008-05-09T00:00:00Z"
        );
    }

    #[test]
    fn reading_from_disk_in_blocks_and_spilling_gives_what_reading_from_memory_gives() {
        let sample = "2025-05-15T08:02:29Z !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n\
            2025-05-15T08:02:30Z !AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n\
            2025-05-15T08:02:31Z !AIVDM,2,2,3,B,1@0000000000000,2*55\n\
            !AIVDM,1,1,,A,bad*00\n\
            \n\
            $GPGGA,not ais\n\
            2025-05-16T00:00:01Z !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
        let want = read(sample, |_, _, _| {});
        let canonical = |p: crate::spool::Positions| p.into_fixes().unwrap().rows;
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, sample.as_bytes()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let want_rows = canonical(want.fixes);
        assert_eq!(want_rows.len(), 2, "two positions on two days");
        for block in [1, 7, 64, 1 << 20] {
            let staging = Staging::in_dir(&dir.path().join("staging"), 1).unwrap();
            let hashed = block != 7;
            let (got, hash) = read_file_in_blocks(tmp.as_file(), hashed, &staging, block, &|_| {}).unwrap();
            assert_eq!(
                hash,
                hashed.then(|| blake3::hash(sample.as_bytes())),
                "{block} B blocks"
            );
            assert_eq!(got.rejects, want.rejects, "{block} B blocks");
            assert_eq!(got.counts, want.counts, "{block} B blocks");
            assert_eq!(got.spans, want.spans, "{block} B blocks");
            assert_eq!(canonical(got.fixes), want_rows, "{block} B blocks");
            assert!(dir.path().join("staging/spool-0.bin").exists(), "nothing spilled");
        }
    }

    #[test]
    fn a_staging_directory_that_cannot_be_written_fails_the_read() {
        let text = "2025-05-15T08:02:29Z !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n".repeat(100);
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, text.as_bytes()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::in_dir(&dir.path().join("gone"), 1).unwrap();
        std::fs::remove_dir(dir.path().join("gone")).unwrap();
        let err = read_file_in_blocks(tmp.as_file(), true, &staging, 64, &|_| {}).unwrap_err();
        assert!(err.to_string().contains("staging directory"), "{err}");
    }

    #[test]
    fn an_untimed_position_is_rejected_with_the_reason() {
        let out = read("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n", |_, _, _| {});
        assert!(out.fixes.is_empty());
        assert!(out.rejects[0].reason.contains("without a time"));
    }

    #[test]
    fn a_lonely_fragment_expires() {
        let out = read(
            "1588888888 !AIVDM,2,1,9,B,55R3Vn82=ILTQ3KKS>1<D60Dq@E918U<F222221J1`?164vc03S1CCAD,0*2A\n",
            |_, _, _| {},
        );
        assert_eq!(out.rejects.len(), 1);
        assert!(out.rejects[0].reason.contains("never completed"));
    }
}
