//! Line ends and field separators of CSV text, found 64 bytes at a time: one SIMD
//! compare per byte class gives a bit per comma and per newline, and the lines are
//! walked bit by bit, so the cost follows the number of separators, not of bytes.
//! Quotes are not interpreted here (the reader sends lines with quotes elsewhere).

use wide::u8x64;

/// Separators remembered per line: fields past `MAX_FIELDS - 1` are counted, not kept.
pub const MAX_FIELDS: usize = 64;

/// One line of the text given to [`for_each_line`], without its newline.
#[derive(Debug, Clone, Copy)]
pub struct Line<'t, 'e> {
    text: &'t [u8],
    start: usize,
    end: usize,
    /// Where each kept field ends (exclusive), as offsets into `text`.
    ends: &'e [usize],
    /// The line's number of fields: its commas plus one.
    pub fields: usize,
}

impl<'t> Line<'t, '_> {
    /// The line's bytes (a carriage return before the newline included).
    pub fn bytes(&self) -> &'t [u8] {
        &self.text[self.start..self.end]
    }

    /// Where the line starts in the text.
    pub fn start(&self) -> usize {
        self.start
    }

    /// How many fields [`Line::field`] can give: all of them, up to `MAX_FIELDS - 1`.
    pub fn kept(&self) -> usize {
        self.fields.min(MAX_FIELDS - 1)
    }

    /// Puts the first `keep` fields (at most [`Line::kept`]) at the start of `out`;
    /// returns how many.
    #[inline]
    pub fn fields_into(&self, keep: usize, out: &mut [&'t [u8]; MAX_FIELDS]) -> usize {
        let keep = keep.min(self.kept());
        let mut from = self.start;
        for (slot, &to) in out.iter_mut().zip(&self.ends[..keep.min(self.fields - 1)]) {
            *slot = &self.text[from..to];
            from = to + 1;
        }
        if keep == self.fields {
            out[keep - 1] = &self.text[from..self.end];
        }
        keep
    }

    /// Field `k` (from 0), for `k < self.kept()`.
    ///
    /// # Panics
    /// When `k` is not below [`Line::kept`].
    pub fn field(&self, k: usize) -> &'t [u8] {
        assert!(k < self.kept(), "field {k} of a line with {} kept", self.kept());
        let from = if k == 0 { self.start } else { self.ends[k - 1] + 1 };
        let to = if k + 1 == self.fields { self.end } else { self.ends[k] };
        &self.text[from..to]
    }
}

/// One bit per comma and one per newline of 64 bytes (bit `i` for byte `i`).
fn separators(block: &[u8; 64]) -> (u64, u64) {
    let v = u8x64::new(*block);
    (
        v.simd_eq(u8x64::splat(b',')).to_bitmask(),
        v.simd_eq(u8x64::splat(b'\n')).to_bitmask(),
    )
}

/// Calls `row` with each line of `text`, in order: every newline ends a line (an empty
/// one too), and text after the last newline is a last line.
pub fn for_each_line<'t>(text: &'t [u8], mut row: impl FnMut(Line<'t, '_>)) {
    let mut ends = [0usize; MAX_FIELDS];
    let mut n = 0;
    let mut start = 0;
    let mut walk = |block: &[u8; 64], base: usize, ends: &mut [usize; MAX_FIELDS], n: &mut usize| {
        let (commas, newlines) = separators(block);
        let mut bits = commas | newlines;
        while bits != 0 {
            let bit = bits.trailing_zeros();
            let at = base + bit as usize;
            if newlines >> bit & 1 == 1 {
                row(Line {
                    text,
                    start,
                    end: at,
                    ends: &ends[..],
                    fields: *n + 1,
                });
                *n = 0;
                start = at + 1;
            } else {
                ends[(*n).min(MAX_FIELDS - 1)] = at;
                *n += 1;
            }
            bits &= bits - 1;
        }
    };
    let (blocks, rest) = text.as_chunks::<64>();
    let mut base = 0;
    for block in blocks {
        walk(block, base, &mut ends, &mut n);
        base += 64;
    }
    if !rest.is_empty() {
        let mut block = [0u8; 64];
        block[..rest.len()].copy_from_slice(rest);
        // Zero bytes are neither commas nor newlines, so the padding finds nothing.
        walk(&block, base, &mut ends, &mut n);
    }
    if start < text.len() {
        row(Line {
            text,
            start,
            end: text.len(),
            ends: &ends[..],
            fields: n + 1,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &[u8]) -> Vec<Vec<&[u8]>> {
        let mut lines = Vec::new();
        for_each_line(text, |line| {
            assert!(line.fields >= line.kept());
            let one_by_one: Vec<&[u8]> = (0..line.kept()).map(|k| line.field(k)).collect();
            for keep in [0, 1, 3, line.kept(), 100] {
                let mut some = [&b""[..]; MAX_FIELDS];
                let n = line.fields_into(keep, &mut some);
                assert_eq!(some[..n], one_by_one[..keep.min(line.kept())]);
            }
            lines.push(one_by_one);
        });
        lines
    }

    #[test]
    fn lines_split_like_a_plain_split() {
        let many = ",".repeat(70);
        for line in [
            &b"a,b,c"[..],
            b",",
            b",,,,,,,,,,,,,,,,,,",
            b"01/06/2018 00:00:00,Class A,215810000,55.921028,17.320418,Constrained by her draught,0.0,12.5,255.5,256,Unknown,,,Undefined,,,,Undefined, , , ,AIS",
            b"12345678,12345678,",
            b"\x2c\xac\x2d\x2b,\xff\x00,",
            b"a\r",
            many.as_bytes(),
        ] {
            let want: Vec<&[u8]> = line.split(|b| *b == b',').collect();
            // The line alone, followed by others, after others, at every offset in a block.
            for pad in [0, 1, 7, 63, 64, 65, 127] {
                let before = "x\n".repeat(pad / 2) + &"y".repeat(pad % 2) + if pad % 2 == 1 { "\n" } else { "" };
                for after in [&b""[..], b"\n", b"\nx,y\n", b"\n\n,,,,"] {
                    let text = [before.as_bytes(), line, after].concat();
                    let lines = split(&text);
                    let skip = before.matches('\n').count();
                    let what = format!("{:?}", String::from_utf8_lossy(&text));
                    assert_eq!(lines[skip], want[..want.len().min(MAX_FIELDS - 1)], "{what}");
                    let mut count = 0;
                    let mut bytes = Vec::new();
                    for_each_line(&text, |l| {
                        if count == skip {
                            bytes = l.bytes().to_vec();
                            assert_eq!(l.fields, want.len(), "{what}");
                        }
                        count += 1;
                    });
                    assert_eq!(bytes, line, "{what}");
                    let newlines = memchr::memchr_iter(b'\n', &text).count();
                    let last = usize::from(!text.ends_with(b"\n") && !text.is_empty());
                    assert_eq!(count, newlines + last, "{what}");
                }
            }
        }
    }

    #[test]
    fn empty_text_and_empty_lines() {
        assert!(split(b"").is_empty());
        assert_eq!(split(b"\n\n"), vec![vec![&b""[..]], vec![&b""[..]]]);
        assert_eq!(split(b"a"), vec![vec![&b"a"[..]]]);
    }
}
