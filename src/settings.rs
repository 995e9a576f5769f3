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
