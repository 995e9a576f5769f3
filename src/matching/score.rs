//! The name similarity score: 0..1 from an edit distance (optimal string alignment:
//! substitutions, insertions, deletions and adjacent transpositions) over normalised
//! words, with numbers that must agree. No I/O.

use super::normalize::NormName;

/// Score factor when the query names no number and the listed name does (`AURA`
/// against `AURA 1`): a weaker match.
const MISSING_NUMBER_FACTOR: f64 = 0.85;

/// How alike a query name `a` is to a listed name `b`, 0 (nothing alike) to 1 (the
/// same).
///
/// Words are compared as written, with their order sorted, and with blanks removed;
/// the best of the three counts. Numbers must agree exactly: `AURA 1` against `AURA 2`
/// scores 0, and so does a query that names a number against a listed name without one
/// (`AURA 2` against `AURA`); a query without a number against a listed name with one
/// (`AURA` against `AURA 1`) scores 0.85 of the words' score.
///
/// ```
/// use fleetwatch::matching::{normalize, score};
/// assert_eq!(score(&normalize("MT JAGUAR"), &normalize("Jaguar")), 1.0);
/// assert_eq!(score(&normalize("VF TANKER 3"), &normalize("VF Tanker-4")), 0.0);
/// assert_eq!(score(&normalize("AURA 2"), &normalize("Aura")), 0.0);
/// assert_eq!(score(&normalize("AURA"), &normalize("Aura 1")), 0.85);
/// assert!(score(&normalize("Michail Uljanov"), &normalize("MIKHAIL ULYANOV")) > 0.85);
/// ```
pub fn score(a: &NormName, b: &NormName) -> f64 {
    score_at_least(&Prepared::of(a.clone()), &Prepared::of(b.clone()), 0.0).unwrap_or(0.0)
}

/// A normalised name with the three forms the score compares, made once.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub norm: NormName,
    /// Words joined by blanks, as written.
    plain: String,
    /// Words sorted, joined by blanks.
    sorted: String,
    /// Words joined without blanks.
    joined: String,
}

impl Prepared {
    pub fn of(norm: NormName) -> Self {
        let mut words = norm.words.clone();
        let plain = words.join(" ");
        let joined = words.concat();
        words.sort();
        let sorted = words.join(" ");
        Self {
            norm,
            plain,
            sorted,
            joined,
        }
    }
}

/// [`score`] of two prepared names when it is at least `min`, else `None`; the edit
/// distances stop as soon as they exceed what `min` allows, so that names far apart
/// cost little.
pub fn score_at_least(a: &Prepared, b: &Prepared, min: f64) -> Option<f64> {
    let (na, nb) = (&a.norm, &b.norm);
    let factor = match (na.numbers.is_empty(), nb.numbers.is_empty()) {
        (true, true) => 1.0,
        (false, false) if na.numbers == nb.numbers => 1.0,
        (false, false | true) => return (0.0 >= min).then_some(0.0),
        (true, false) => MISSING_NUMBER_FACTOR,
    };
    let found = |s: f64| (s >= min).then_some(s);
    if na.words.is_empty() || nb.words.is_empty() {
        return found(
            if na.words.is_empty() && nb.words.is_empty() && !na.numbers.is_empty() {
                factor
            } else {
                0.0
            },
        );
    }
    // Each form must reach min / factor; the best of the three counts.
    let need = min / factor;
    if need > 1.0 {
        return None;
    }
    let best = [(&a.plain, &b.plain), (&a.sorted, &b.sorted), (&a.joined, &b.joined)]
        .into_iter()
        .filter_map(|(x, y)| similarity_at_least(x, y, need))
        .fold(None, |acc: Option<f64>, s| Some(acc.map_or(s, |a| a.max(s))))?;
    found(best * factor)
}

/// The edits a similarity of at least `min` allows between strings whose longer one
/// has `len` bytes: `floor((1 - min) x len)`.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "names are short; the value is non-negative, so the cast floors"
)]
pub fn allowed_edits(min: f64, len: usize) -> usize {
    ((1.0 - min) * len as f64 + 1e-9) as usize
}

/// `1 - distance / longer length` when it is at least `min`.
fn similarity_at_least(a: &str, b: &str, min: f64) -> Option<f64> {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return Some(1.0);
    }
    let allowed = allowed_edits(min, longest);
    let d = osa_distance_within(a.as_bytes(), b.as_bytes(), allowed)?;
    #[allow(clippy::cast_precision_loss, reason = "names are far shorter than 2^52 bytes")]
    let s = 1.0 - d as f64 / longest as f64;
    (s >= min).then_some(s)
}

/// The optimal string alignment distance (Damerau-Levenshtein without repeated edits
/// of a substring) between two byte strings when it is at most `k`, else `None`: only
/// the diagonal band of width 2k+1 is computed, and the computation stops when a whole
/// row exceeds `k`.
#[allow(clippy::many_single_char_names, reason = "the textbook names of the recurrence")]
pub fn osa_distance_within(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    let far = k + 1;
    let mut prev2 = vec![far; m + 1];
    let mut prev: Vec<usize> = (0..=m).map(|j| j.min(far)).collect();
    let mut cur = vec![far; m + 1];
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        cur.fill(far);
        cur[0] = i.min(far);
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v.min(far);
            row_min = row_min.min(cur[j]);
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "scores of identical names are exactly 1")]
mod tests {
    use super::super::normalize::normalize;
    use super::*;

    /// The full distance, computed over the whole table: the reference for the bounded one.
    fn osa_distance(a: &[u8], b: &[u8]) -> usize {
        let n = b.len();
        let mut prev2 = vec![0usize; n + 1];
        let mut prev: Vec<usize> = (0..=n).collect();
        let mut cur = vec![0usize; n + 1];
        for i in 1..=a.len() {
            cur[0] = i;
            for j in 1..=n {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(prev2[j - 2] + 1);
                }
                cur[j] = v;
            }
            std::mem::swap(&mut prev2, &mut prev);
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[n]
    }

    fn s(a: &str, b: &str) -> f64 {
        score(&normalize(a), &normalize(b))
    }

    #[test]
    fn the_bounded_distance_agrees_with_the_full_one_within_its_bound() {
        let words = [
            "",
            "A",
            "JAGUAR",
            "JAUGAR",
            "JAGGER",
            "KITTEN",
            "SITTING",
            "MIKHAILULYANOV",
            "MICHAILULJANOV",
            "AB",
            "BA",
            "ABC",
        ];
        for a in words {
            for b in words {
                let d = osa_distance(a.as_bytes(), b.as_bytes());
                for k in 0..8 {
                    let want = (d <= k).then_some(d);
                    assert_eq!(osa_distance_within(a.as_bytes(), b.as_bytes(), k), want, "{a} {b} {k}");
                }
            }
        }
    }

    #[test]
    fn distance_counts_a_transposition_once() {
        assert_eq!(osa_distance(b"JAGUAR", b"JAUGAR"), 1);
        assert_eq!(osa_distance(b"JAGUAR", b"JAGUAR"), 0);
        assert_eq!(osa_distance(b"", b"ABC"), 3);
        assert_eq!(osa_distance(b"KITTEN", b"SITTING"), 3);
    }

    #[test]
    fn typos_and_transliteration_variants_score_high() {
        assert!(s("Jaugar", "JAGUAR") > 0.8);
        assert!(s("Michail Uljanov", "MIKHAIL ULYANOV") > 0.85);
        assert!(s("ULYANOV MIKHAIL", "MIKHAIL ULYANOV") == 1.0);
        assert!(s("SEAFORCE", "SEA FORCE") == 1.0);
    }

    #[test]
    fn numbers_must_agree() {
        assert_eq!(s("AURA 1", "AURA 2"), 0.0);
        assert_eq!(s("Ocean II", "OCEAN 2"), 1.0);
        assert!((s("AURA", "AURA 1") - MISSING_NUMBER_FACTOR).abs() < 1e-9);
    }

    #[test]
    fn a_query_that_names_a_number_does_not_match_a_listed_name_without_one() {
        assert_eq!(s("AURA 2", "AURA"), 0.0);
        assert_eq!(s("Aura 1", "AURA"), 0.0);
        assert_eq!(s("Ocean II", "OCEAN"), 0.0);
    }

    #[test]
    fn different_names_score_low() {
        assert!(s("JAGGER", "JAGUAR") < 0.8);
        assert!(s("ZALIV AMERIKA", "JAGUAR") < 0.3);
    }
}
