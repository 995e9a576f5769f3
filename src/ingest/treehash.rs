//! The BLAKE3 hash of a file, computed by the threads that read it for parsing, each
//! hashing the bytes it already holds. BLAKE3 is a tree hash: the file is cut into
//! pieces of [`PIECE`] bytes (aligned power-of-two subtrees), each piece is hashed by the
//! thread whose share of the file holds its start, and the pieces' chaining values are
//! merged into the root as the BLAKE3 tree would (the hash equals `blake3::hash` of the
//! whole file; tests check it).

use std::ops::Range;

use blake3::Hasher;
use blake3::hazmat::{ChainingValue, HasherExt, Mode, left_subtree_len, merge_subtrees_non_root, merge_subtrees_root};

/// Bytes per piece: a power of two, and a whole number of BLAKE3 chunks.
pub const PIECE: u64 = 8 << 20;

/// One thread's part of the hash: the pieces whose start lies in its share.
pub struct PieceHasher {
    len: u64,
    /// Indices of the pieces this thread hashes.
    owned: Range<u64>,
    current: Option<(u64, u64, Hasher)>,
    done: Vec<(u64, Hasher)>,
}

impl PieceHasher {
    /// For a file of `len` bytes and the thread whose share starts at `share_start` and
    /// ends at `share_end` (the first share counts from byte 0).
    pub fn new(len: u64, share_start: u64, share_end: u64) -> Self {
        Self {
            len,
            owned: share_start.div_ceil(PIECE)..share_end.div_ceil(PIECE),
            current: None,
            done: Vec::new(),
        }
    }

    /// Takes the bytes at `offset` (calls come in file order); bytes of pieces this
    /// thread does not own are skipped.
    pub fn update(&mut self, offset: u64, mut bytes: &[u8]) {
        let mut at = offset;
        while !bytes.is_empty() {
            let piece = at / PIECE;
            let piece_end = ((piece + 1) * PIECE).min(self.len);
            let n = usize::try_from((piece_end - at).min(bytes.len() as u64)).unwrap_or(bytes.len());
            if self.owned.contains(&piece) {
                let (_, fed, hasher) = self.current.get_or_insert_with(|| {
                    let mut h = Hasher::new();
                    h.set_input_offset(piece * PIECE);
                    (piece, piece * PIECE, h)
                });
                // Only bytes that continue the piece (a piece is entered at its start).
                if *fed == at {
                    hasher.update(&bytes[..n]);
                    *fed += n as u64;
                }
                if *fed == piece_end
                    && let Some((p, _, h)) = self.current.take()
                {
                    self.done.push((p, h));
                }
            }
            at += n as u64;
            bytes = &bytes[n..];
        }
    }

    /// The owned pieces, the last one completed from the file past the share if it
    /// runs beyond it.
    pub fn finish(mut self, file: &std::fs::File) -> std::io::Result<Vec<(u64, Hasher)>> {
        use std::os::unix::fs::FileExt;
        if let Some((piece, fed, _)) = &self.current {
            let piece_end = ((piece + 1) * PIECE).min(self.len);
            let mut rest = vec![0u8; usize::try_from(piece_end - fed).unwrap_or(0)];
            file.read_exact_at(&mut rest, *fed)?;
            let fed = *fed;
            self.update(fed, &rest);
        }
        Ok(self.done)
    }
}

/// The file's hash from every thread's pieces (in any order).
pub fn root(len: u64, mut pieces: Vec<(u64, Hasher)>) -> blake3::Hash {
    pieces.sort_by_key(|(p, _)| *p);
    if pieces.len() <= 1 {
        return pieces.first().map_or_else(|| blake3::hash(b""), |(_, h)| h.finalize());
    }
    let cvs: Vec<ChainingValue> = pieces.iter().map(|(_, h)| h.finalize_non_root()).collect();
    let left = left_subtree_len(len);
    let k = usize::try_from(left / PIECE).unwrap_or(0);
    merge_subtrees_root(&subtree(&cvs[..k], left), &subtree(&cvs[k..], len - left), Mode::Hash)
}

/// The chaining value of the subtree of `len` bytes made of these pieces. Every BLAKE3
/// subtree boundary above a piece falls on a piece boundary, since pieces are aligned
/// powers of two.
fn subtree(cvs: &[ChainingValue], len: u64) -> ChainingValue {
    if cvs.len() == 1 {
        return cvs[0];
    }
    let left = left_subtree_len(len);
    let k = usize::try_from(left / PIECE).unwrap_or(0);
    merge_subtrees_non_root(&subtree(&cvs[..k], left), &subtree(&cvs[k..], len - left), Mode::Hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashes `data` as `shares` threads reading `block`-byte blocks would.
    fn hash_in_shares(data: &[u8], cuts: &[u64], block: usize) -> blake3::Hash {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, data).unwrap();
        let len = data.len() as u64;
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(len);
        let mut pieces = Vec::new();
        for w in bounds.windows(2) {
            let mut h = PieceHasher::new(len, w[0], w[1]);
            let share = &data[usize::try_from(w[0]).unwrap()..usize::try_from(w[1]).unwrap()];
            for (k, b) in share.chunks(block).enumerate() {
                h.update(w[0] + (k * block) as u64, b);
            }
            pieces.extend(h.finish(tmp.as_file()).unwrap());
        }
        root(len, pieces)
    }

    #[test]
    fn pieces_hashed_apart_give_the_hash_of_the_whole() {
        let mut data = vec![0u8; usize::try_from(5 * PIECE + 12_345).unwrap()];
        let mut x: u32 = 1;
        for b in &mut data {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *b = (x >> 24) as u8;
        }
        let p = PIECE;
        for len in [0, 1, 1024, 1025, p - 1, p, p + 1, 2 * p, 3 * p + 7, 5 * p + 12_345] {
            let d = &data[..usize::try_from(len).unwrap()];
            let want = blake3::hash(d);
            for cuts in [vec![], vec![len / 2], vec![len / 3, 2 * len / 3], vec![p.min(len)]] {
                for block in [4096, 1 << 20, 64 << 20] {
                    assert_eq!(
                        hash_in_shares(d, &cuts, block),
                        want,
                        "len {len}, cuts {cuts:?}, block {block}"
                    );
                }
            }
        }
    }
}
