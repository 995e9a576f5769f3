//! Name normalisation for matching: accents folded, Cyrillic and Greek transliterated,
//! upper case, vessel prefixes (`MT`, `M/T`, `MV`, `TANKER`...) stripped, punctuation
//! collapsed, numbers and Roman numerals read as numbers. No I/O.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A vessel name reduced to what matching compares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormName {
    /// The word tokens, upper-case ASCII, in order.
    pub words: Vec<String>,
    /// The numbers in the name (digits and Roman numerals), in order.
    pub numbers: Vec<u64>,
}

impl NormName {
    /// The words joined by single blanks: the display form of the normalised name.
    pub fn key(&self) -> String {
        let mut s = self.words.join(" ");
        for n in &self.numbers {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&n.to_string());
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.numbers.is_empty()
    }
}

/// Token sequences that prefix a vessel's name without being part of it.
const PREFIXES: &[&[&str]] = &[
    &["M", "T"],
    &["M", "V"],
    &["M", "S"],
    &["S", "S"],
    &["MT"],
    &["MV"],
    &["MS"],
    &["SS"],
    &["TANKER"],
    &["TANKSHIP"],
    &["VESSEL"],
    &["SHIP"],
    &["OIL", "TANKER"],
];

/// Normalises a vessel name.
///
/// ```
/// use fleetwatch::matching::normalize;
/// assert_eq!(normalize("M/T Jaguar").key(), "JAGUAR");
/// assert_eq!(normalize("JAGUAR@@@@@@").key(), "JAGUAR");
/// assert_eq!(normalize("Михаил Ульянов").key(), "MIKHAIL ULYANOV");
/// assert_eq!(normalize("Ocean II").key(), "OCEAN 2");
/// ```
pub fn normalize(name: &str) -> NormName {
    let folded = fold(name);
    let mut tokens = tokenize(&folded);
    strip_prefix(&mut tokens);
    let mut out = NormName::default();
    for (i, t) in tokens.into_iter().enumerate() {
        if t.bytes().all(|b| b.is_ascii_digit()) {
            out.numbers.push(t.parse().unwrap_or(u64::MAX));
        } else if let Some(n) = (i > 0).then(|| roman(&t)).flatten() {
            out.numbers.push(n);
        } else {
            out.words.push(t);
        }
    }
    out
}

/// Upper-case ASCII transliteration of any text; other characters become blanks.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                separator(c)
            });
            continue;
        }
        for u in c.to_uppercase() {
            if let Some(t) = cyrillic(u).or_else(|| greek(u)).or_else(|| special(u)) {
                out.push_str(t);
            } else {
                for d in u.nfd().filter(|d| !is_combining_mark(*d)) {
                    out.push(if d.is_ascii_alphanumeric() {
                        d.to_ascii_uppercase()
                    } else {
                        ' '
                    });
                }
            }
        }
    }
    out
}

/// Apostrophes join (`O'NEIL` -> `ONEIL`); every other punctuation mark separates.
fn separator(c: char) -> char {
    if c == '\'' { '\u{0}' } else { ' ' }
}

fn tokenize(folded: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for raw in folded.split(' ') {
        let raw: String = raw.chars().filter(|c| *c != '\u{0}').collect();
        // Split at letter/digit boundaries: `TANKER3` -> `TANKER`, `3`.
        let mut cur = String::new();
        for c in raw.chars() {
            if let Some(last) = cur.chars().last()
                && last.is_ascii_digit() != c.is_ascii_digit()
            {
                tokens.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            tokens.push(cur);
        }
    }
    tokens
}

fn strip_prefix(tokens: &mut Vec<String>) {
    for p in PREFIXES {
        if tokens.len() > p.len() && tokens.iter().zip(p.iter()).all(|(t, p)| t == p) {
            tokens.drain(..p.len());
            return;
        }
    }
}

/// A Roman numeral of up to 39 (I..XXXIX), the range ship names use.
fn roman(t: &str) -> Option<u64> {
    if t.is_empty() || !t.bytes().all(|b| matches!(b, b'I' | b'V' | b'X')) {
        return None;
    }
    let value = |b: u8| match b {
        b'I' => 1,
        b'V' => 5,
        _ => 10,
    };
    let bytes = t.as_bytes();
    let mut total: i64 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let v = value(b);
        if bytes.get(i + 1).is_some_and(|&n| value(n) > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    let n = u64::try_from(total).ok().filter(|n| (1..40).contains(n))?;
    // Only canonical spellings: `IIII` or `VV` are not numerals.
    (to_roman(n) == t).then_some(n)
}

fn to_roman(mut n: u64) -> String {
    let mut s = String::new();
    for (v, r) in [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")] {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Russian and Ukrainian Cyrillic, upper case, in the romanisation ship registers use
/// (`Х` KH, `Ц` TS, `Ч` CH, `Ш` SH, `Щ` SHCH, `Ю` YU, `Я` YA; signs dropped).
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'А' => "A",
        'Б' => "B",
        'В' => "V",
        'Г' | 'Ґ' => "G",
        'Д' => "D",
        'Е' | 'Ё' | 'Э' => "E",
        'Є' => "YE",
        'Ж' => "ZH",
        'З' => "Z",
        'И' | 'І' | 'İ' => "I",
        'Ї' => "YI",
        'Й' | 'Ы' => "Y",
        'К' => "K",
        'Л' => "L",
        'М' => "M",
        'Н' => "N",
        'О' => "O",
        'П' => "P",
        'Р' => "R",
        'С' => "S",
        'Т' => "T",
        'У' => "U",
        'Ф' => "F",
        'Х' => "KH",
        'Ц' => "TS",
        'Ч' => "CH",
        'Ш' => "SH",
        'Щ' => "SHCH",
        'Ъ' | 'Ь' => "",
        'Ю' => "YU",
        'Я' => "YA",
        _ => return None,
    })
}

/// Greek, upper case, per ELOT 743 (accents are folded before this is reached).
fn greek(c: char) -> Option<&'static str> {
    Some(match c {
        'Α' | 'Ά' => "A",
        'Β' => "V",
        'Γ' => "G",
        'Δ' => "D",
        'Ε' | 'Έ' => "E",
        'Ζ' => "Z",
        'Η' | 'Ή' | 'Ι' | 'Ί' | 'Ϊ' => "I",
        'Θ' => "TH",
        'Κ' => "K",
        'Λ' => "L",
        'Μ' => "M",
        'Ν' => "N",
        'Ξ' => "X",
        'Ο' | 'Ό' | 'Ω' | 'Ώ' => "O",
        'Π' => "P",
        'Ρ' => "R",
        'Σ' => "S",
        'Τ' => "T",
        'Υ' | 'Ύ' | 'Ϋ' => "Y",
        'Φ' => "F",
        'Χ' => "CH",
        'Ψ' => "PS",
        _ => return None,
    })
}

/// Letters that do not decompose into a base letter and a mark.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "SS",
        'Æ' => "AE",
        'Œ' => "OE",
        'Ø' => "O",
        'Ł' => "L",
        'Đ' => "D",
        'Þ' => "TH",
        '\u{2019}' | '\u{2bc}' => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ais_padding_case_and_blanks_do_not_matter() {
        assert_eq!(normalize("JAGUAR@@@@").key(), normalize("  jaguar ").key());
        assert_eq!(normalize("SEA   FORCE").key(), "SEA FORCE");
    }

    #[test]
    fn accents_fold() {
        assert_eq!(
            normalize("Ñandú Æsir Øresund Straße").key(),
            "NANDU AESIR ORESUND STRASSE"
        );
    }

    #[test]
    fn greek_transliterates() {
        assert_eq!(normalize("Αθηνά").key(), "ATHINA");
    }

    #[test]
    fn prefixes_are_stripped_only_at_the_start() {
        for n in ["MT JAGUAR", "M/T Jaguar", "M.T. JAGUAR", "MV Jaguar", "Tanker Jaguar"] {
            assert_eq!(normalize(n).key(), "JAGUAR", "{n}");
        }
        assert_eq!(normalize("VF TANKER 3").key(), "VF TANKER 3");
        // A name that is only a prefix word keeps it.
        assert_eq!(normalize("TANKER").key(), "TANKER");
    }

    #[test]
    fn numbers_and_roman_numerals_are_numbers() {
        assert_eq!(normalize("VF Tanker-4").numbers, vec![4]);
        assert_eq!(normalize("Ocean II").numbers, vec![2]);
        assert_eq!(normalize("AURA1").numbers, vec![1]);
        assert_eq!(normalize("XI AN").numbers, Vec::<u64>::new(), "a first token is a word");
        assert_eq!(
            normalize("SEA IIII").numbers,
            Vec::<u64>::new(),
            "not a canonical numeral"
        );
    }
}
