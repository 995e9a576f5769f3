//! Decimals of CSV fields parsed by hand into integer units (1e-7 degrees, tenths of
//! a knot) without float rounding, and into floats without allocation.

/// A decimal in units of `10^-places`, rounded: `scaled(b"57.482261", 7)` is
/// `574_822_610`. Plain decimals (the files' own form) are read digit by digit; anything
/// else (an exponent, blanks, more decimals than `places`) through [`parse_f64`].
///
/// ```
/// use fleetwatch::ingest::decimal::scaled;
/// assert_eq!(scaled(b"57.482261", 7), Some(574_822_610));
/// assert_eq!(scaled(b"-0.5", 1), Some(-5));
/// assert_eq!(scaled(b"1e3", 1), Some(10_000));
/// assert_eq!(scaled(b"N/A", 1), None);
/// assert_eq!(scaled(b"9999999999999999", 7), None);
/// ```
#[inline]
pub fn scaled(b: &[u8], places: u32) -> Option<i64> {
    if let Some(v) = plain_scaled(b, places) {
        return Some(v);
    }
    parse_f64(b)
        .map(|v| v * 10f64.powi(i32::try_from(places).unwrap_or(0)))
        .and_then(|v| whole(v.round()))
}

/// A finite whole number as an integer, if it fits comfortably.
#[allow(clippy::cast_possible_truncation, reason = "range checked first")]
pub fn whole(v: f64) -> Option<i64> {
    (v.is_finite() && v.abs() < 9e15).then_some(v as i64)
}

/// `-?digits[.digits]` with at most `places` decimals and 16 characters, scaled;
/// `None` for anything else.
fn plain_scaled(b: &[u8], places: u32) -> Option<i64> {
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut v: i64 = 0;
    let mut decimals: Option<u32> = None;
    let mut any_digit = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                v = v * 10 + i64::from(c - b'0');
                any_digit = true;
                if let Some(d) = &mut decimals {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    let decimals = decimals.unwrap_or(0);
    if !any_digit || decimals > places {
        return None;
    }
    // Sixteen digits scaled by 10^7 overflow: such a number is no coordinate or speed.
    let v = v.checked_mul(10i64.checked_pow(places - decimals)?)?;
    Some(if neg { -v } else { v })
}

/// A plain decimal (`-12.345678`), parsed without allocation; anything else goes to
/// the standard parser. Exact for up to 15 significant digits.
pub fn parse_f64(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 17] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    ];
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    if digits.len() > 16 {
        return std::str::from_utf8(b).ok()?.trim().parse().ok();
    }
    let mut mantissa: u64 = 0;
    let mut scale: i32 = -1;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                if scale >= 0 {
                    scale += 1;
                }
            }
            b'.' if scale < 0 => scale = 0,
            _ => return std::str::from_utf8(b).ok()?.trim().parse().ok(),
        }
    }
    if scale == 0 && digits.len() == 1 {
        return None; // a lone "."
    }
    #[allow(clippy::cast_precision_loss, reason = "at most 16 digits, exact below 2^53")]
    let v = mantissa as f64 / POW10[usize::try_from(scale.max(0)).unwrap_or(0)];
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        for s in ["55.921028", "-95.08070", "0", "12.5", "511.0", "-0.5", "1e3"] {
            assert_eq!(parse_f64(s.as_bytes()), s.parse().ok(), "{s}");
        }
        assert_eq!(parse_f64(b""), None);
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_f64(b"."), None);
    }

    #[test]
    fn decimals_scale_to_integers_as_rounding_the_float_would() {
        for (s, places) in [
            ("57.482261", 7),
            ("-95.0807", 7),
            ("12.9", 1),
            ("0", 1),
            ("5.", 1),
            (".5", 1),
            ("-0.5", 0),
            ("83", 0),
            ("55.12345678", 7),
            ("1e3", 1),
            (" 12.5", 1),
            ("123456789.5", 1),
            ("12345678.1234567", 7),
        ] {
            let want = (s.trim().parse::<f64>().unwrap() * 10f64.powi(places)).round();
            #[allow(clippy::cast_possible_truncation, reason = "small test values")]
            let want = want as i64;
            assert_eq!(scaled(s.as_bytes(), places.unsigned_abs()), Some(want), "{s}");
        }
        for s in [
            "", ".", "-", "NaN", "inf", "abc", "1.2.3", "-.", "--1", "1-", "1..", ".1.", "+",
        ] {
            assert_eq!(scaled(s.as_bytes(), 7), None, "{s}");
        }
    }
}
