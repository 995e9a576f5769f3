//! IMO ship identification numbers: seven digits, the last a check digit.
//!
//! IMO numbers stay strings: company and owner IMO numbers can start with 0, and a
//! number is an identifier, not a quantity. Nothing here does I/O.

use std::fmt;

/// A validated IMO ship number (seven digits, check digit correct).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Imo(String);

/// Why a text is not a valid IMO number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImoError {
    #[error("'{0}' is not an IMO number (an IMO number has seven digits)")]
    NotSevenDigits(String),
    #[error("IMO {digits} fails its check digit (the first six digits give {expected}, not {found})")]
    CheckDigit { digits: String, expected: u8, found: u8 },
}

impl Imo {
    /// Parses `9293002`, `IMO 9293002`, `IMO9293002` or `imo:9293002`.
    ///
    /// ```
    /// use fleetwatch::model::Imo;
    /// assert_eq!(Imo::parse("IMO 9293002").unwrap().as_str(), "9293002");
    /// assert!(Imo::parse("9293003").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, ImoError> {
        let digits = strip_imo_prefix(text);
        if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImoError::NotSevenDigits(text.trim().to_string()));
        }
        let expected = check_digit(digits);
        let found = digits.as_bytes()[6] - b'0';
        if expected != found {
            return Err(ImoError::CheckDigit {
                digits: digits.to_string(),
                expected,
                found,
            });
        }
        Ok(Self(digits.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Imo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Removes a leading `IMO` (any case) and separators, and surrounding blanks.
pub fn strip_imo_prefix(text: &str) -> &str {
    let t = text.trim();
    let rest = match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("IMO") => &t[3..],
        _ => t,
    };
    rest.trim_start_matches([' ', ':', '-', '.', '#']).trim()
}

/// True when `text` looks like an IMO number with or without its prefix, valid or not.
pub fn looks_like_imo(text: &str) -> bool {
    let d = strip_imo_prefix(text);
    d.len() == 7 && d.bytes().all(|b| b.is_ascii_digit())
}

/// The check digit of the first six digits: weights 7..2, sum modulo 10.
///
/// # Panics
/// When `digits` has fewer than six ASCII digits.
pub fn check_digit(digits: &str) -> u8 {
    let sum: u32 = digits.as_bytes()[..6]
        .iter()
        .zip((2..=7).rev())
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    u8::try_from(sum % 10).expect("a remainder of 10 fits in u8")
}

/// Whether a seven-digit string passes the IMO check digit.
pub fn is_valid(digits: &str) -> bool {
    digits.len() == 7
        && digits.bytes().all(|b| b.is_ascii_digit())
        && check_digit(digits) == digits.as_bytes()[6] - b'0'
}

/// Every seven-digit string one digit substitution or one adjacent transposition away
/// from `digits` that passes the check digit: the candidates for a mistyped IMO.
pub fn near_misses(digits: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = digits.as_bytes();
    if bytes.len() != 7 || !bytes.iter().all(u8::is_ascii_digit) {
        return out;
    }
    for i in 0..7 {
        for d in b'0'..=b'9' {
            if d != bytes[i] {
                let mut v = bytes.to_vec();
                v[i] = d;
                push_valid(&mut out, v);
            }
        }
        if i < 6 && bytes[i] != bytes[i + 1] {
            let mut v = bytes.to_vec();
            v.swap(i, i + 1);
            push_valid(&mut out, v);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn push_valid(out: &mut Vec<String>, v: Vec<u8>) {
    let s = String::from_utf8(v).expect("ASCII digits");
    if is_valid(&s) {
        out.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_running_example_in_every_spelling() {
        for text in ["9293002", "IMO 9293002", "IMO9293002", "imo:9293002", " 9293002 "] {
            assert_eq!(Imo::parse(text).unwrap().as_str(), "9293002", "{text}");
        }
    }

    #[test]
    fn rejects_a_wrong_check_digit_and_says_which() {
        let err = Imo::parse("9293003").unwrap_err();
        assert_eq!(
            err,
            ImoError::CheckDigit {
                digits: "9293003".into(),
                expected: 2,
                found: 3
            }
        );
    }

    #[test]
    fn rejects_wrong_lengths() {
        assert!(matches!(Imo::parse("929300"), Err(ImoError::NotSevenDigits(_))));
        assert!(matches!(Imo::parse("92930021"), Err(ImoError::NotSevenDigits(_))));
    }

    #[test]
    fn text_that_is_not_ascii_is_no_imo_and_no_panic() {
        assert!(!looks_like_imo("Михаил Ульянов"));
        assert_eq!(strip_imo_prefix("Им"), "Им");
    }

    #[test]
    fn known_valid_numbers_pass() {
        for n in ["9074729", "9293002", "9354301", "9333670"] {
            assert!(is_valid(n), "{n}");
        }
    }

    #[test]
    fn near_misses_include_substitution_and_transposition() {
        assert!(near_misses("9293003").contains(&"9293002".to_string()));
        // 9239002 is 9293002 with digits 3 and 4 swapped.
        assert!(near_misses("9239002").contains(&"9293002".to_string()));
        let near = near_misses("9293003");
        assert!(!near.is_empty() && near.iter().all(|s| is_valid(s)));
    }
}
