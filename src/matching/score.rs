//! The name similarity score: 0..1 from an edit distance (optimal string alignment:
//! substitutions, insertions, deletions and adjacent transpositions) over normalised
//! words, with numbers that must agree. No I/O.

use super::normalize::NormName;

/// Score when one name carries a number and the other none (`AURA` against `AURA 1`).
const MISSING_NUMBER_FACTOR: f64 = 0.85;

/// How alike two normalised names are, 0 (nothing alike) to 1 (the same).
///
/// Words are compared as written, with their order sorted, and with blanks removed;
/// the best of the three counts. Numbers must agree exactly: `AURA 1` against `AURA 2`
/// scores 0.
///
/// ```
/// use fleetwatch::matching::{normalize, score};
/// assert_eq!(score(&normalize("MT JAGUAR"), &normalize("Jaguar")), 1.0);
/// assert_eq!(score(&normalize("VF TANKER 3"), &normalize("VF Tanker-4")), 0.0);
/// assert!(score(&normalize("Michail Uljanov"), &normalize("MIKHAIL ULYANOV")) > 0.85);
/// ```
pub fn score(a: &NormName, b: &NormName) -> f64 {
    let factor = match (a.numbers.is_empty(), b.numbers.is_empty()) {
        (true, true) => 1.0,
        (false, false) if a.numbers == b.numbers => 1.0,
        (false, false) => return 0.0,
        _ => MISSING_NUMBER_FACTOR,
    };
    if a.words.is_empty() || b.words.is_empty() {
        return if a.words.is_empty() && b.words.is_empty() && !a.numbers.is_empty() {
            factor
        } else {
            0.0
        };
    }
    let plain = similarity(&a.words.join(" "), &b.words.join(" "));
    if plain >= 1.0 {
        return factor;
    }
    let sorted = |w: &[String]| {
        let mut v = w.to_vec();
        v.sort();
        v.join(" ")
    };
    let reordered = similarity(&sorted(&a.words), &sorted(&b.words));
    let joined = similarity(&a.words.concat(), &b.words.concat());
    plain.max(reordered).max(joined) * factor
}

/// `1 - distance / longer length`.
pub fn similarity(a: &str, b: &str) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let d = osa_distance(a.as_bytes(), b.as_bytes());
    #[allow(clippy::cast_precision_loss, reason = "names are far shorter than 2^52 bytes")]
    let s = 1.0 - d as f64 / longest as f64;
    s
}

/// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a
/// substring) between two byte strings.
pub fn osa_distance(a: &[u8], b: &[u8]) -> usize {
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

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "scores of identical names are exactly 1")]
mod tests {
    use super::super::normalize::normalize;
    use super::*;

    fn s(a: &str, b: &str) -> f64 {
        score(&normalize(a), &normalize(b))
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
    fn different_names_score_low() {
        assert!(s("JAGGER", "JAGUAR") < 0.8);
        assert!(s("ZALIV AMERIKA", "JAGUAR") < 0.3);
    }
}
