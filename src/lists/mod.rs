//! Sanctions list loaders: one module per source format, each turning a file's bytes
//! into normalised [`Listing`]s. Detection from content lives here; loaders never touch
//! the store or the network.

pub mod bundled;
pub mod custom;
pub mod diff;
pub mod eu;
pub mod ftm;
pub mod ofac;
pub mod opensanctions;
pub mod uk;

use chrono::NaiveDate;

use crate::columns::{MissingColumn, header_key};
use crate::model::{ListFormat, Listing, imo};

/// What a loader made of a file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Listing>,
    /// A version date the file states about itself (UK `Report Date:`), if any.
    pub version_hint: Option<NaiveDate>,
    /// Rows skipped or kept with a caveat, with their line and reason.
    pub notes: Vec<RowNote>,
}

/// A row a loader skipped, or kept with a caveat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    /// 1-based line of the file.
    pub line: u64,
    pub skipped: bool,
    pub reason: String,
}

/// Why a list file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "not a sanctions list fleetwatch recognises (expected EU journal CSV, OFAC sdn.csv, UK Sanctions List CSV, OpenSanctions maritime.csv, FollowTheMoney JSON lines, or a CSV with imo and name columns)"
    )]
    UnknownFormat,
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error(transparent)]
    MissingColumn(#[from] MissingColumn),
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("it holds no vessel entries")]
    Empty,
}

impl From<csv::Error> for LoadError {
    fn from(e: csv::Error) -> Self {
        let line = e.position().map_or(0, csv::Position::line);
        Self::Csv {
            line,
            message: e.to_string(),
        }
    }
}

/// Recognises a list format from the first bytes of a file.
pub fn detect(bytes: &[u8]) -> Option<ListFormat> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') {
        return Some(ListFormat::Ftm);
    }
    let first_line = head.lines().next().unwrap_or("");
    if first_line.starts_with("Report Date:") {
        return Some(ListFormat::Uk);
    }
    let header: Vec<String> = first_line.split(',').map(header_key).collect();
    let has = |k: &str| header.iter().any(|h| h == k);
    if has("uniqueid") && has("designationtype") {
        return Some(ListFormat::Uk);
    }
    if has("amendmentcelex") && has("recordid") {
        return Some(ListFormat::EuAmendment);
    }
    if has("celex") && has("recordid") {
        return Some(ListFormat::EuJournal);
    }
    if has("caption") && has("imo") && has("datasets") {
        return Some(ListFormat::OpensanctionsCsv);
    }
    if ofac::looks_like_sdn(head) {
        return Some(ListFormat::OfacSdn);
    }
    if has("imo") || has("imonumber") {
        return Some(ListFormat::Custom);
    }
    None
}

/// Parses a list file of a known format; entries carry `source` as their list name.
pub fn parse(bytes: &[u8], format: ListFormat, source: &str) -> Result<Parsed, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|_| LoadError::NotUtf8)?;
    let text = text.trim_start_matches('\u{feff}');
    let parsed = match format {
        ListFormat::EuJournal | ListFormat::EuAmendment => eu::parse(text, source)?,
        ListFormat::OfacSdn => ofac::parse_sdn(text, source)?,
        ListFormat::Uk => uk::parse(text, source)?,
        ListFormat::OpensanctionsCsv => opensanctions::parse(text, source)?,
        ListFormat::Ftm => ftm::parse(text, source)?,
        ListFormat::Custom => custom::parse(text, source)?,
    };
    if parsed.entries.is_empty() {
        return Err(LoadError::Empty);
    }
    Ok(parsed)
}

/// Checks a list's IMO value: kept as given (the list says so), with a note when the
/// check digit fails or it is not seven digits.
pub(crate) fn list_imo(raw: Option<String>, line: u64, notes: &mut Vec<RowNote>) -> Option<String> {
    let raw = raw?;
    let digits = imo::strip_imo_prefix(&raw).to_string();
    if digits.is_empty() || digits.bytes().all(|b| b == b'0') {
        return None;
    }
    if !imo::is_valid(&digits) {
        notes.push(RowNote {
            line,
            skipped: false,
            reason: format!("IMO '{raw}' fails its check digit or is not seven digits; kept as the list gives it"),
        });
    }
    Some(digits)
}

/// Splits a multi-valued cell on `;` (and ` / ` when `slash` is set), trimming blanks.
pub(crate) fn split_multi(v: &str, slash: bool) -> Vec<String> {
    let parts: Vec<&str> = if slash {
        v.split([';', '/']).collect()
    } else {
        v.split(';').collect()
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format_from_its_first_line() {
        assert_eq!(detect(b"celex,recordId,programKey\n"), Some(ListFormat::EuJournal));
        assert_eq!(
            detect(b"amendedCelex,amendmentCelex,recordId\n"),
            Some(ListFormat::EuAmendment)
        );
        assert_eq!(
            detect(b"Report Date: 01-Jan-2026\nLast Updated\n"),
            Some(ListFormat::Uk)
        );
        assert_eq!(
            detect(b"type,caption,imo,risk,countries,flag,mmsi,id,url,datasets,aliases\n"),
            Some(ListFormat::OpensanctionsCsv)
        );
        assert_eq!(detect(b"{\"id\":\"x\"}\n"), Some(ListFormat::Ftm));
        assert_eq!(detect(b"imo,name\n9293002,ARGENT\n"), Some(ListFormat::Custom));
        assert_eq!(detect(b"hello,world\n"), None);
    }
}
