//! The sources `refresh` fetches, from a TOML file (`FLEETWATCH_CONFIG`, else
//! `config.toml` in the data directory), over built-in defaults for the official EU, UK,
//! OFAC and `OpenSanctions` publications. Every setting has a default, so no file is
//! needed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::UserError;
use crate::model::ListFormat;

/// The longest timeout or wait the config may set, in seconds: a day.
const MAX_SECONDS: f64 = 86_400.0;

/// A commented example, printed by `fleetwatch refresh --print-config`.
pub const EXAMPLE: &str = r#"# fleetwatch sources: FLEETWATCH_CONFIG, else config.toml in the data directory.
# Every key is optional; these are the defaults.

[http]
connect_timeout_s = 15     # to open the connection
read_timeout_s = 60        # between two reads of the response
total_timeout_s = 600      # for the whole download
retries = 3                # after the first attempt, on network errors and 5xx
backoff_s = 2.0            # first wait between attempts; doubles each time
max_mb = 200               # larger downloads (or larger once unpacked) are refused
# ca_file = "mirror-ca.pem"  # trust these PEM roots instead of the bundled Mozilla ones
                             # (a mirror with its own CA); relative to this file

[sources.ofac]
url = "https://www.treasury.gov/ofac/downloads/sdn.csv"
format = "ofac-sdn"

[sources.uk]
url = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"
format = "uk"

[sources.eu]
url = "https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/eu/journal_sanctions/data/consolidated/32014R0833.csv"
format = "eu-journal"

[sources.opensanctions]
url = "https://data.opensanctions.org/datasets/latest/maritime/maritime.csv"
format = "opensanctions-csv"
# enabled = false          # leave a source out of `fleetwatch refresh`

# A list of your own (format: eu-journal, ofac-sdn, uk, opensanctions-csv, ftm, custom):
# [sources.watchlist]
# url = "https://example.org/watchlist.csv"
# format = "custom"
"#;

/// How downloads behave.
#[derive(Debug, Clone, PartialEq)]
pub struct Http {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub total_timeout: Duration,
    pub retries: u32,
    pub backoff: Duration,
    pub max_bytes: u64,
    /// Plain `http://` to other machines allowed (`refresh --allow-http`).
    pub allow_http: bool,
    /// PEM roots trusted instead of the bundled Mozilla ones.
    pub ca_file: Option<PathBuf>,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_mins(1),
            total_timeout: Duration::from_mins(10),
            retries: 3,
            backoff: Duration::from_secs(2),
            max_bytes: 200 << 20,
            allow_http: false,
            ca_file: None,
        }
    }
}

/// One source `refresh` can fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub name: String,
    pub url: String,
    pub format: ListFormat,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where the settings came from (`None`: the defaults alone).
    pub path: Option<PathBuf>,
    pub http: Http,
    pub sources: BTreeMap<String, Source>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    http: RawHttp,
    #[serde(default)]
    sources: BTreeMap<String, RawSource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    connect_timeout_s: Option<f64>,
    read_timeout_s: Option<f64>,
    total_timeout_s: Option<f64>,
    retries: Option<u32>,
    backoff_s: Option<f64>,
    max_mb: Option<f64>,
    ca_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    url: Option<String>,
    format: Option<ListFormat>,
    enabled: Option<bool>,
}

/// The built-in sources: where each list is published (see the specification).
fn defaults() -> BTreeMap<String, Source> {
    [
        ("ofac", "https://www.treasury.gov/ofac/downloads/sdn.csv", ListFormat::OfacSdn),
        (
            "uk",
            "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
            ListFormat::Uk,
        ),
        (
            "eu",
            "https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/eu/journal_sanctions/data/consolidated/32014R0833.csv",
            ListFormat::EuJournal,
        ),
        (
            "opensanctions",
            "https://data.opensanctions.org/datasets/latest/maritime/maritime.csv",
            ListFormat::OpensanctionsCsv,
        ),
    ]
    .into_iter()
    .map(|(name, url, format)| {
        (
            name.to_string(),
            Source {
                name: name.to_string(),
                url: url.to_string(),
                format,
                enabled: true,
            },
        )
    })
    .collect()
}

impl Config {
    /// The configuration for a data directory: `FLEETWATCH_CONFIG` if set (the file must
    /// exist), else `DATA_DIR/config.toml` if it exists, else the defaults.
    pub fn load(data_dir: &Path) -> anyhow::Result<Self> {
        let (path, required) = match std::env::var_os("FLEETWATCH_CONFIG") {
            Some(p) if !p.is_empty() => (PathBuf::from(p), true),
            _ => (data_dir.join("config.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, Some(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Self::parse("", None),
            Err(e) => Err(
                UserError::new(format!("cannot read the config {}: {e}", path.display()))
                    .hint("FLEETWATCH_CONFIG names the config file; unset it to use DATA_DIR/config.toml")
                    .into(),
            ),
        }
    }

    /// Reads a config text (`path` is only for messages).
    pub fn parse(text: &str, path: Option<PathBuf>) -> anyhow::Result<Self> {
        let shown = path
            .as_ref()
            .map_or_else(|| "the config".to_string(), |p| p.display().to_string());
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            UserError::new(format!("{shown}: {}", e.message().trim()))
                .hint("`fleetwatch refresh --print-config` prints a commented example")
        })?;
        // At most a day: a wait of 1e300 s is no setting, and no `Duration` either.
        let seconds = |key: &str, v: Option<f64>, default: Duration| -> anyhow::Result<Duration> {
            match v {
                None => Ok(default),
                Some(s) if (0.0..=MAX_SECONDS).contains(&s) => Ok(Duration::from_secs_f64(s)),
                Some(s) => Err(UserError::new(format!(
                    "{shown}: http.{key} = {s} is not a number of seconds from 0 to {MAX_SECONDS}"
                ))
                .into()),
            }
        };
        let d = Http::default();
        let http = Http {
            connect_timeout: seconds("connect_timeout_s", raw.http.connect_timeout_s, d.connect_timeout)?,
            read_timeout: seconds("read_timeout_s", raw.http.read_timeout_s, d.read_timeout)?,
            total_timeout: seconds("total_timeout_s", raw.http.total_timeout_s, d.total_timeout)?,
            retries: raw.http.retries.unwrap_or(d.retries),
            backoff: seconds("backoff_s", raw.http.backoff_s, d.backoff)?,
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a positive size in MB, checked"
            )]
            max_bytes: match raw.http.max_mb {
                None => d.max_bytes,
                Some(mb) if mb.is_finite() && mb > 0.0 => (mb * 1_048_576.0) as u64,
                Some(mb) => return Err(UserError::new(format!("{shown}: http.max_mb = {mb} is not a size")).into()),
            },
            allow_http: false,
            // Relative to the config file, as a reader of the file would expect.
            ca_file: raw.http.ca_file.map(|f| match path.as_ref().and_then(|p| p.parent()) {
                Some(dir) if f.is_relative() => dir.join(f),
                _ => f,
            }),
        };
        let mut sources = defaults();
        for (name, s) in raw.sources {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(UserError::new(format!("{shown}: '{name}' is not a source name"))
                    .hint("use letters, digits, - and _")
                    .into());
            }
            let base = sources.get(&name).cloned();
            let (Some(url), Some(format)) = (
                s.url.or_else(|| base.as_ref().map(|b| b.url.clone())),
                s.format.or(base.as_ref().map(|b| b.format)),
            ) else {
                return Err(
                    UserError::new(format!("{shown}: source '{name}' needs a url and a format"))
                        .hint("formats: eu-journal, ofac-sdn, uk, opensanctions-csv, ftm, custom")
                        .into(),
                );
            };
            if format == ListFormat::EuAmendment {
                return Err(UserError::new(format!(
                    "{shown}: source '{name}': an amendment is imported with `lists import`, not refreshed"
                ))
                .into());
            }
            sources.insert(
                name.clone(),
                Source {
                    name,
                    url,
                    format,
                    enabled: s.enabled.unwrap_or(true),
                },
            );
        }
        Ok(Self { path, http, sources })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_and_waits_are_at_most_a_day() {
        for (value, ok) in [
            ("86400", true),
            ("86400.5", false),
            ("0", true),
            ("-0.1", false),
            ("nan", false),
        ] {
            let text = format!("[http]\nread_timeout_s = {value}\n");
            assert_eq!(Config::parse(&text, None).is_ok(), ok, "{value}");
        }
    }

    #[test]
    fn the_example_is_the_defaults() {
        let example = Config::parse(EXAMPLE, None).unwrap();
        let defaults = Config::parse("", None).unwrap();
        assert_eq!(example, defaults);
        assert_eq!(defaults.sources.len(), 4);
        assert_eq!(defaults.sources["ofac"].format, ListFormat::OfacSdn);
    }

    #[test]
    fn sources_are_overridden_added_and_checked() {
        let c = Config::parse(
            "[http]\nretries = 0\nmax_mb = 1\n[sources.ofac]\nurl = \"http://127.0.0.1:9/sdn.csv\"\n[sources.uk]\nenabled = false\n[sources.mine]\nurl = \"http://x/l.csv\"\nformat = \"custom\"\n",
            None,
        )
        .unwrap();
        assert_eq!(c.http.retries, 0);
        assert_eq!(c.http.max_bytes, 1 << 20);
        assert_eq!(c.sources["ofac"].url, "http://127.0.0.1:9/sdn.csv");
        assert_eq!(c.sources["ofac"].format, ListFormat::OfacSdn);
        assert!(!c.sources["uk"].enabled);
        assert_eq!(c.sources["mine"].format, ListFormat::Custom);
        for bad in [
            "[sources.mine]\nurl = \"http://x\"\n",
            "[sources.ofac]\nformat = \"xml\"\n",
            "[http]\nread_timeout_s = -1\n",
            "[htp]\n",
            "[sources.\"a b\"]\nurl = \"u\"\nformat = \"custom\"\n",
        ] {
            assert!(Config::parse(bad, None).is_err(), "{bad}");
        }
    }
}
