//! MMSI (Maritime Mobile Service Identity): nine digits whose first three, for a ship
//! station, are the Maritime Identification Digits (MID) of the flag state.
//! Nothing here does I/O.

use std::fmt;

use super::flag;

/// A validated ship-station MMSI: nine digits, a MID allocated by the ITU.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mmsi(String);

/// Why a text is not a valid ship MMSI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MmsiError {
    #[error("'{0}' is not an MMSI (an MMSI has nine digits)")]
    NotNineDigits(String),
    #[error("MMSI {mmsi} has no valid MID: {mid} is not allocated to any flag state")]
    UnknownMid { mmsi: String, mid: String },
}

impl Mmsi {
    /// Parses a ship-station MMSI and checks its MID against the ITU table.
    ///
    /// ```
    /// use fleetwatch::model::Mmsi;
    /// let m = Mmsi::parse("626313000").unwrap();
    /// assert_eq!(m.flag(), Some("GA"));
    /// assert!(Mmsi::parse("123456789").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, MmsiError> {
        let t = text.trim();
        if t.len() != 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MmsiError::NotNineDigits(t.to_string()));
        }
        let mid: u16 = t[..3].parse().unwrap_or(0);
        if flag::from_mid(mid).is_none() {
            return Err(MmsiError::UnknownMid {
                mmsi: t.to_string(),
                mid: t[..3].to_string(),
            });
        }
        Ok(Self(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Maritime Identification Digits.
    pub fn mid(&self) -> u16 {
        self.0[..3].parse().unwrap_or(0)
    }

    /// The flag implied by the MID (ISO 3166-1 alpha-2).
    pub fn flag(&self) -> Option<&'static str> {
        flag::from_mid(self.mid())
    }
}

impl fmt::Display for Mmsi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An MMSI as nine digits, leading zeros kept (coast stations start with `00`).
pub fn digits(mmsi: u32) -> String {
    format!("{mmsi:09}")
}

/// Whether an MMSI is of a station that is not a ship by its form (ITU-R M.585): a
/// coast station (`00MID....`), an aid to navigation (`99MID....`), a SAR aircraft
/// (`111MID...`), a search-and-rescue transmitter, MOB or EPIRB (`97.......`), a craft
/// of a parent ship (`98MID....`) or a handheld radio (`8MID.....`).
///
/// ```
/// use fleetwatch::model::mmsi::not_a_ship;
/// assert!(not_a_ship(2_190_045) && not_a_ship(993_310_001) && not_a_ship(111_111_111));
/// assert!(!not_a_ship(273_279_840) && !not_a_ship(123_456_789));
/// ```
pub fn not_a_ship(mmsi: u32) -> bool {
    mmsi < 10_000_000
        || (990_000_000..1_000_000_000).contains(&mmsi)
        || (111_000_000..112_000_000).contains(&mmsi)
        || (970_000_000..990_000_000).contains(&mmsi)
        || (800_000_000..900_000_000).contains(&mmsi)
}

/// True when `text` is nine ASCII digits (valid MID or not).
pub fn looks_like_mmsi(text: &str) -> bool {
    let t = text.trim();
    t.len() == 9 && t.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jaguar_mmsis_imply_gabon_then_russia() {
        assert_eq!(Mmsi::parse("626313000").unwrap().flag(), Some("GA"));
        assert_eq!(Mmsi::parse("273279840").unwrap().flag(), Some("RU"));
    }

    #[test]
    fn rejects_bad_length_and_unallocated_mid() {
        assert!(matches!(Mmsi::parse("62631300"), Err(MmsiError::NotNineDigits(_))));
        assert!(matches!(Mmsi::parse("999313000"), Err(MmsiError::UnknownMid { .. })));
    }
}
