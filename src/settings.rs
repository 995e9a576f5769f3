//! Raw flags and environment resolved into the settings every command runs with,
//! before any work starts: the data directory, the output format, quietness.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::{FormatArg, GlobalArgs};
use crate::error::UserError;
use crate::report::Format;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The store directory (it may not exist yet: an absent store is an empty one).
    pub data_dir: PathBuf,
    pub format: Format,
    /// No progress or summaries on stderr.
    pub quiet: bool,
}

impl Settings {
    pub fn resolve(global: &GlobalArgs) -> anyhow::Result<Self> {
        let data_dir = match &global.data_dir {
            Some(d) => d.clone(),
            None => dirs::data_dir()
                .map(|d| d.join("fleetwatch"))
                .ok_or_else(|| UserError::new("no data directory: set --data-dir or FLEETWATCH_DATA_DIR"))?,
        };
        let on_terminal = std::io::stdout().is_terminal();
        let format = match global.format {
            Some(FormatArg::Table) => Format::Table,
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Geojson) => Format::Geojson,
            Some(FormatArg::Html) => Format::Html,
            Some(FormatArg::Arrow) => Format::Arrow,
            None => {
                if on_terminal {
                    Format::Table
                } else {
                    Format::Csv
                }
            }
        };
        Ok(Self {
            data_dir,
            format,
            quiet: global.quiet,
        })
    }
}

/// Reads a date flag (`2025-05-21`), naming the flag in the error.
pub fn parse_date_flag(flag: &str, value: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        UserError::new(format!("{flag} '{value}' is not a date"))
            .hint("write dates as YYYY-MM-DD, e.g. 2025-05-21")
            .into()
    })
}

/// Validates a score flag: a number from 0 to 1.
pub fn check_score(flag: &str, value: f64) -> anyhow::Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(UserError::new(format!("{flag} {value} is outside 0..1")).into())
    }
}

/// Report filters resolved: times as epoch milliseconds (UTC), the vessel as a query.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub vessel: Option<crate::matching::Query>,
    pub since_ms: Option<i64>,
    /// Inclusive: a date means the end of that day.
    pub until_ms: Option<i64>,
    pub port: Option<String>,
    pub country: Option<String>,
    pub listed_only: bool,
}

impl Filters {
    pub fn resolve(raw: &crate::cli::ReportFilters) -> anyhow::Result<Self> {
        let vessel = raw
            .vessel
            .as_deref()
            .map(|v| crate::matching::Query::parse(v).map_err(|e| UserError::new(format!("--vessel '{v}': {e}"))))
            .transpose()?;
        Ok(Self {
            vessel,
            since_ms: raw
                .since
                .as_deref()
                .map(|v| parse_when("--since", v, false))
                .transpose()?,
            until_ms: raw
                .until
                .as_deref()
                .map(|v| parse_when("--until", v, true))
                .transpose()?,
            port: raw.port.as_ref().map(|p| p.replace(' ', "").to_uppercase()),
            country: raw.country.as_ref().map(|c| c.trim().to_uppercase()),
            listed_only: raw.listed_only,
        })
    }

    /// Whether a time falls within `--since` .. `--until`.
    pub fn in_window(&self, ts_ms: i64) -> bool {
        self.since_ms.is_none_or(|s| ts_ms >= s) && self.until_ms.is_none_or(|u| ts_ms <= u)
    }
}

/// A `--since` or `--until` as given: a date, or a moment (RFC 3339, UTC). For what
/// carries both a date and a moment (a list version: its version date, the time it was
/// stored), a date bound compares dates and a time bound compares moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Date(NaiveDate),
    Time(chrono::DateTime<chrono::Utc>),
}

impl Bound {
    pub fn parse(flag: &str, value: &str) -> anyhow::Result<Self> {
        let v = value.trim();
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
            return Ok(Self::Time(t.with_timezone(&chrono::Utc)));
        }
        parse_date_flag(flag, v).map(Self::Date).map_err(|_| {
            UserError::new(format!("{flag} '{value}' is not a date or time"))
                .hint("write 2025-05-01 or 2025-05-01T12:00:00Z (UTC)")
                .into()
        })
    }

    /// Whether something of this date and moment is at or after the bound.
    pub fn at_or_after(&self, (date, moment): &(NaiveDate, chrono::DateTime<chrono::Utc>)) -> bool {
        match self {
            Self::Date(d) => date >= d,
            Self::Time(t) => moment >= t,
        }
    }

    /// Whether something of this date and moment is at or before the bound (a date
    /// bound includes its day).
    pub fn at_or_before(&self, (date, moment): &(NaiveDate, chrono::DateTime<chrono::Utc>)) -> bool {
        match self {
            Self::Date(d) => date <= d,
            Self::Time(t) => moment <= t,
        }
    }
}

/// A date (`2025-05-01`) or an RFC 3339 time, UTC. With `end_of_day`, a date means its
/// last millisecond.
///
/// # Panics
/// Never: every date has a midnight.
pub fn parse_when(flag: &str, value: &str, end_of_day: bool) -> anyhow::Result<i64> {
    Ok(match Bound::parse(flag, value)? {
        Bound::Time(t) => t.timestamp_millis(),
        Bound::Date(d) => {
            let start = d
                .and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
                .timestamp_millis();
            if end_of_day { start + 86_399_999 } else { start }
        }
    })
}
