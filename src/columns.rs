//! Reading CSV by header name, for every CSV reader (the list loaders, the vessel and
//! port-call record readers, the AIS CSV layouts, the gazetteer): header keys, columns
//! found by any of several spellings, trimmed field values, the line of a record, and
//! dates as the files write them. No I/O.

use std::collections::HashMap;

use chrono::NaiveDate;

/// A column a file must have and does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("missing column '{0}'")]
pub struct MissingColumn(pub &'static str);

/// Line numbers from byte offsets. The csv crate's own line count does not advance on
/// CRLF line ends, which real lists use, so lines are counted here.
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(text: &str) -> Self {
        Self(memchr_newlines(text.as_bytes()))
    }

    /// The 1-based line of a record.
    pub fn line(&self, record: &csv::StringRecord) -> u64 {
        let byte = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        u64::try_from(self.0.partition_point(|&nl| nl <= byte)).unwrap_or(u64::MAX) + 1
    }
}

fn memchr_newlines(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// The comparison key for a column header: lower-case letters and digits only.
pub fn header_key(h: &str) -> String {
    h.trim()
        .trim_matches('"')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Column positions by header name, looked up by any of several spellings.
pub struct Columns(HashMap<String, usize>);

impl Columns {
    pub fn new(headers: &csv::StringRecord) -> Self {
        let mut map = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            map.entry(header_key(h)).or_insert(i);
        }
        Self(map)
    }

    /// The position of the first of `names` present.
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.0.get(&header_key(n)).copied())
    }

    pub fn require(&self, names: &[&'static str]) -> Result<usize, MissingColumn> {
        self.find(names).ok_or(MissingColumn(names[0]))
    }
}

/// The trimmed, non-empty value of a field.
pub fn field(record: &csv::StringRecord, idx: Option<usize>) -> Option<String> {
    let v = record.get(idx?)?.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Parses the dates lists use: `2025-05-21`, `21.5.2025`, `21/05/2025`, and US
/// `03/20/2026` where the month/day order is unambiguous. `day_first` decides the
/// ambiguous slash form.
pub fn parse_date(text: &str, day_first: bool) -> Option<NaiveDate> {
    let t = text.trim();
    let t = t
        .get(..10)
        .filter(|p| p.len() == 10 && t.as_bytes()[4] == b'-')
        .unwrap_or(t);
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    let sep = if t.contains('.') { '.' } else { '/' };
    let parts: Vec<&str> = t.split(sep).collect();
    let [first, second, year] = parts.as_slice() else {
        return None;
    };
    let (first, second): (u32, u32) = (first.parse().ok()?, second.parse().ok()?);
    let year: i32 = year.parse().ok()?;
    let (day, month) = if sep == '.' || first > 12 || (day_first && second <= 12) {
        (first, second)
    } else {
        (second, first)
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_list_spellings() {
        let d = NaiveDate::from_ymd_opt(2025, 5, 21);
        assert_eq!(parse_date("21.5.2025", true), d);
        assert_eq!(parse_date("2025-05-21", true), d);
        assert_eq!(parse_date("2025-05-21T00:00:00", true), d);
        assert_eq!(parse_date("21/05/2025", true), d);
        assert_eq!(parse_date("05/21/2025", true), d);
        assert_eq!(parse_date("03/04/2025", false), NaiveDate::from_ymd_opt(2025, 3, 4));
        assert_eq!(parse_date("03/04/2025", true), NaiveDate::from_ymd_opt(2025, 4, 3));
        assert_eq!(parse_date("soon", true), None);
    }
}
