//! Integration tests: the real `fleetwatch` executable run on fixture files in a
//! temporary data directory, its output compared with golden files.
//!
//! Golden files live in `tests/golden/`; after an intended change, rewrite them with
//! `FLEETWATCH_BLESS=1 cargo test --release` and review the diff.

mod arrow;
mod behaviour;
mod browser;
mod case_study;
mod check;
mod corpora;
mod dossier;
mod encounters;
mod faults;
mod geojson;
mod hostile;
mod http;
mod https;
mod indicators;
mod ingest;
mod listed;
mod lists;
mod misc;
mod nmea;
mod port_calls;
mod refresh;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fleetwatch with its own empty data directory.
pub(crate) struct Fw {
    pub(crate) dir: tempfile::TempDir,
}

impl Fw {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub(crate) fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetwatch"));
        cmd.env("FLEETWATCH_DATA_DIR", self.dir.path())
            .env_remove("FLEETWATCH_CONFIG")
            .env("TZ", "UTC")
            .stdin(Stdio::null());
        cmd
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let output = self.command().args(args).output().expect("fleetwatch runs");
        Run::from(output)
    }

    /// Imports a fixture list with a fixed version date, expecting success.
    pub(crate) fn import(&self, fixture: &str, source: &str, version: &str) -> Run {
        self.import_file(&fixture_path(fixture), source, version)
    }

    /// Imports a list file with a fixed version date, expecting success.
    pub(crate) fn import_file(&self, path: &Path, source: &str, version: &str) -> Run {
        let run = self.run(&[
            "lists",
            "import",
            path.to_str().unwrap(),
            "--source",
            source,
            "--version-date",
            version,
        ]);
        assert_eq!(run.code, 0, "import {}: {}", path.display(), run.stderr);
        run
    }
}

impl Fw {
    /// One tanker shuttling between the oil ports for `days` days, a fix every
    /// `interval_min` minutes, written as a DMA file in the data directory (not
    /// ingested); its path, MMSI and number of fixes.
    pub(crate) fn voyage_file(&self, days: i64, interval_min: i64) -> (PathBuf, String, usize) {
        let ports = fleetwatch::track::ports::Gazetteer::bundled();
        let (fixes, _) = fleetwatch::synth::voyages::generate(42, 1, days, interval_min, &ports);
        let path = self.dir.path().join("voyage.csv");
        std::fs::write(&path, fleetwatch::synth::voyages::to_dma_csv(&fixes)).unwrap();
        (path, format!("{:09}", fixes.rows[0].mmsi), fixes.len())
    }
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// The CSV output parsed into rows of (column -> value).
    pub(crate) fn csv_rows(&self) -> Vec<std::collections::BTreeMap<String, String>> {
        let mut reader = csv::Reader::from_reader(self.stdout.as_bytes());
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .map(str::to_string)
                    .zip(r.iter().map(str::to_string))
                    .collect()
            })
            .collect()
    }
}

/// Whether `pred` holds for every item, asserting that there is one at least: a check
/// over nothing would pass whatever it says.
pub(crate) fn every<I: IntoIterator>(items: I, mut pred: impl FnMut(&I::Item) -> bool) -> bool {
    let mut seen = 0;
    for item in items {
        seen += 1;
        if !pred(&item) {
            return false;
        }
    }
    assert!(seen > 0, "nothing to check");
    true
}

pub(crate) fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Compares `actual` with `tests/golden/NAME`, or rewrites it under `FLEETWATCH_BLESS=1`.
pub(crate) fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("FLEETWATCH_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}; run with FLEETWATCH_BLESS=1 to write it",
            path.display()
        )
    });
    if expected != actual {
        let diff_at = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its golden file at line {}:\n  expected: {:?}\n  actual:   {:?}\n(FLEETWATCH_BLESS=1 rewrites it)",
            diff_at + 1,
            expected.lines().nth(diff_at),
            actual.lines().nth(diff_at)
        );
    }
}
