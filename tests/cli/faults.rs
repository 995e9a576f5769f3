//! Faults in the middle of a write: the process stopped dead at every named point of
//! `ingest`, `lists import` and `refresh` (`FLEETWATCH_CRASH_AT`), a full disk, a
//! read-only disk, a file of the store gone, two writers at once, a reader during a
//! write. The store reads as before or as after, never a mix, and the next write
//! cleans up what a dead one left.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Fw, fixture_path};

/// Two files of positions over the same days (so the second supersedes day files of
/// the first), and a record file.
struct Files {
    first: PathBuf,
    second: PathBuf,
    records: PathBuf,
}

fn files(dir: &Path) -> Files {
    let ports = fleetwatch::track::ports::Gazetteer::bundled();
    // The same MMSIs at other times, and two more vessels.
    let write = |seed: u64, vessels: usize, name: &str| {
        let (fixes, _) = fleetwatch::synth::voyages::generate(seed, vessels, 8, 30, &ports);
        let path = dir.join(name);
        std::fs::write(&path, fleetwatch::synth::voyages::to_dma_csv(&fixes)).unwrap();
        path
    };
    Files {
        first: write(1, 2, "first.csv"),
        second: write(2, 4, "second.csv"),
        records: fixture_path("records/jaguar_registry_HANDWRITTEN.csv"),
    }
}

/// What a reader sees of the store: `status` (without the times of writes) and a
/// report over all positions and identities.
fn seen(fw: &Fw) -> (BTreeMap<String, String>, String) {
    let run = fw.run(&["status", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let status = run
        .csv_rows()
        .into_iter()
        .filter(|r| !r["item"].ends_with("_utc") && r["item"] != "data_dir")
        .map(|r| (r["item"].clone(), r["value"].clone()))
        .collect();
    let gaps = fw.run(&["report", "gaps", "--min-gap-h", "0.5", "--format", "csv"]);
    assert_eq!(gaps.code, 0, "{}", gaps.stderr);
    (status, gaps.stdout)
}

fn ingest(fw: &Fw, path: &Path) {
    let run = fw.run(&["ingest", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Runs a command that a crash point stops; asserts it was stopped there.
fn crash(fw: &Fw, point: &str, args: &[&str]) {
    let out = fw
        .command()
        .args(args)
        .env("FLEETWATCH_CRASH_AT", point)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        None,
        "{point}: not stopped: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn every_file(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(every_file(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The data files in the store that its manifest does not name, and temporary files.
fn leftovers(fw: &Fw) -> Vec<PathBuf> {
    let dir = fw.dir.path();
    let manifest = std::fs::read(dir.join("store.json")).unwrap_or_else(|_| b"{}".to_vec());
    let text = String::from_utf8(manifest).unwrap();
    let lists = std::fs::read_to_string(dir.join("lists/manifest.json")).unwrap_or_default();
    every_file(dir)
        .into_iter()
        .filter(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let name = p.file_name().unwrap().to_string_lossy();
            let data = rel.ends_with(".parquet") && !text.contains(&format!("\"{rel}\""));
            let list = rel.starts_with("lists/files/")
                && !lists.contains(&format!("\"{}\"", rel.trim_start_matches("lists/")));
            data || list || name.starts_with(".tmp-") || rel.contains(".tmp-")
        })
        .collect()
}

/// The crash points the tests of this file stop at: every one the store has.
const TESTED: [&str; 8] = [
    "ingest-read",
    "ingest-positions-written",
    "ingest-before-manifest",
    "ingest-after-manifest",
    "garbage-collection",
    "list-read",
    "list-before-manifest",
    "list-after-manifest",
];

#[test]
fn every_crash_point_is_tested() {
    let all: BTreeSet<&str> = fleetwatch::store::atomic::CrashPoint::ALL
        .iter()
        .map(|p| p.name())
        .collect();
    assert_eq!(all, TESTED.into_iter().collect());
}

#[test]
fn ingest_stopped_at_any_point_reads_as_before_or_after_and_the_next_write_cleans_up() {
    // The state before the second ingest, and after it, in stores of their own.
    let reference = Fw::new();
    let f = files(reference.dir.path());
    ingest(&reference, &f.first);
    let before = seen(&reference);
    ingest(&reference, &f.second);
    let after = seen(&reference);
    assert_ne!(before, after);
    // All three files, in the order each stopped store gets them in the end.
    let reference_whole = {
        let r = Fw::new();
        ingest(&r, &f.first);
        ingest(&r, &f.records);
        ingest(&r, &f.second);
        seen(&r)
    };

    let points = [
        ("ingest-read", &before),
        ("ingest-positions-written", &before),
        ("ingest-before-manifest", &before),
        ("ingest-after-manifest", &after),
        ("garbage-collection", &after),
    ];
    for (point, expected) in points {
        let fw = Fw::new();
        ingest(&fw, &f.first);
        crash(&fw, point, &["ingest", f.second.to_str().unwrap()]);
        assert_eq!(
            &seen(&fw),
            expected,
            "{point}: the store reads as neither before nor after"
        );
        if point != "ingest-read" {
            // Something was left behind: data files no manifest names, or superseded.
            assert!(!leftovers(&fw).is_empty(), "{point}: nothing was left behind");
        }
        // The next write (another file) cleans up; the second file, if it did not land,
        // is ingested whole.
        ingest(&fw, &f.records);
        ingest(&fw, &f.second);
        assert_eq!(leftovers(&fw), Vec::<PathBuf>::new(), "{point}");
        let whole = seen(&fw);
        assert_eq!(whole.1, reference_whole.1, "{point}");
        assert_eq!(whole.0["positions"], reference_whole.0["positions"], "{point}");
    }
}

/// The lists in force: (list, version, entries).
fn lists(fw: &Fw) -> BTreeSet<(String, String, String)> {
    let run = fw.run(&["lists", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.csv_rows()
        .into_iter()
        .map(|r| (r["list"].clone(), r["version"].clone(), r["entries"].clone()))
        .collect()
}

#[test]
fn lists_import_stopped_at_any_point_reads_as_before_or_after_and_the_next_import_cleans_up() {
    let list = fixture_path("lists/custom_watchlist.csv");
    let other = fixture_path("lists/name_only_watchlist_HANDWRITTEN.csv");
    let import = |path: &Path, version: &str| {
        vec![
            "lists".to_string(),
            "import".to_string(),
            path.to_str().unwrap().to_string(),
            "--source".to_string(),
            "watch".to_string(),
            "--version-date".to_string(),
            version.to_string(),
        ]
    };
    let reference = Fw::new();
    let before = lists(&reference);
    reference.import_file(&list, "watch", "2026-01-01");
    let after = lists(&reference);
    assert_ne!(before, after);

    for (point, expected) in [
        ("list-read", &before),
        ("list-before-manifest", &before),
        ("list-after-manifest", &after),
    ] {
        let fw = Fw::new();
        let cmd = import(&list, "2026-01-01");
        crash(&fw, point, &args(&cmd));
        assert_eq!(&lists(&fw), expected, "{point}");
        if point == "list-before-manifest" {
            assert_eq!(leftovers(&fw).len(), 1, "{point}: the list file written is not named");
        }
        // The next import (of another file) cleans up; the first then lands whole.
        fw.import_file(&other, "watch", "2026-02-01");
        fw.import_file(&list, "watch", "2026-03-01");
        assert_eq!(leftovers(&fw), Vec::<PathBuf>::new(), "{point}");
    }

    // Stopped while removing what a dead import left: the new version stands, and the
    // rest goes at the next import.
    let fw = Fw::new();
    crash(&fw, "list-before-manifest", &args(&import(&list, "2026-01-01")));
    crash(&fw, "list-before-manifest", &args(&import(&other, "2026-01-02")));
    assert_eq!(leftovers(&fw).len(), 2);
    let third = fw.dir.path().join("third.csv");
    std::fs::write(&third, "imo,name\n9293002,JAGUAR\n").unwrap();
    crash(&fw, "garbage-collection", &args(&import(&third, "2026-01-03")));
    assert!(lists(&fw).iter().any(|(l, v, _)| l == "watch" && v == "2026-01-03"));
    assert_eq!(
        leftovers(&fw).len(),
        1,
        "one of the two left was removed before the stop"
    );
    fw.import_file(&list, "watch", "2026-04-01");
    assert_eq!(leftovers(&fw), Vec::<PathBuf>::new());
}

/// A tmpfs of `size` mounted on a new directory, unmounted when dropped; `None` where
/// this process may not mount (not root). `.ci/run` sets `FLEETWATCH_REQUIRE_MOUNT`, so
/// that these tests cannot pass there without running.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var_os("FLEETWATCH_REQUIRE_MOUNT").is_none(),
                "cannot mount a tmpfs (FLEETWATCH_REQUIRE_MOUNT is set)"
            );
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Self { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn read_only(&self) {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).output();
    }
}

/// A fleetwatch whose data directory is `dir`.
fn fw_at(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetwatch"));
    cmd.env("FLEETWATCH_DATA_DIR", dir)
        .env_remove("FLEETWATCH_CONFIG")
        .env("TZ", "UTC");
    cmd
}

fn status_at(dir: &Path) -> BTreeMap<String, String> {
    let out = fw_at(dir).args(["status", "--format", "csv"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .filter(|(k, _)| !k.ends_with("_utc"))
        .collect()
}

#[test]
fn a_full_disk_is_an_error_naming_the_path_and_leaves_the_store_as_it_was() {
    let Some(disk) = Tmpfs::mount("1m") else { return };
    let data = disk.path().join("store");
    let work = tempfile::tempdir().unwrap();
    let small = fixture_path("ais/jaguar_dma_HANDWRITTEN.csv");
    let out = fw_at(&data).arg("ingest").arg(&small).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = status_at(&data);
    // 20 vessels, 10 days, a fix a minute: several MB of Parquet on a 1 MB disk.
    let ports = fleetwatch::track::ports::Gazetteer::bundled();
    let (fixes, _) = fleetwatch::synth::voyages::generate(5, 20, 10, 1, &ports);
    let big = work.path().join("big.csv");
    std::fs::write(&big, fleetwatch::synth::voyages::to_dma_csv(&fixes)).unwrap();
    let out = fw_at(&data).arg("ingest").arg(&big).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("No space left on device") && stderr.contains(&data.display().to_string()),
        "{stderr}"
    );
    assert_eq!(status_at(&data), before);
    let temporary: Vec<_> = every_file(&data)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(temporary.is_empty(), "{temporary:?}");
}

#[test]
fn a_read_only_store_reads_and_refuses_writes_clearly() {
    let Some(disk) = Tmpfs::mount("64m") else { return };
    let data = disk.path().join("store");
    let fixture = fixture_path("ais/jaguar_dma_HANDWRITTEN.csv");
    let out = fw_at(&data).arg("ingest").arg(&fixture).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = status_at(&data);
    disk.read_only();
    assert_eq!(status_at(&data), before);
    for args in [
        vec!["check", "JAGUAR"],
        vec!["report", "renames"],
        vec!["report", "gaps"],
    ] {
        let out = fw_at(&data).args(&args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let records = fixture_path("records/jaguar_registry_HANDWRITTEN.csv");
    for args in [
        vec!["ingest".to_string(), records.display().to_string()],
        vec![
            "lists".to_string(),
            "import".to_string(),
            fixture_path("lists/custom_watchlist.csv").display().to_string(),
            "--source".to_string(),
            "watch".to_string(),
        ],
    ] {
        let out = fw_at(&data).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("Read-only file system") && stderr.contains(&data.display().to_string()),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(status_at(&data), before);
}

#[test]
fn a_file_of_the_store_gone_is_a_clear_error_and_status_names_it() {
    let fw = Fw::new();
    let f = files(fw.dir.path());
    ingest(&fw, &f.first);
    let part = every_file(&fw.dir.path().join("positions"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "parquet"))
        .unwrap();
    std::fs::remove_file(&part).unwrap();
    let rel = part.strip_prefix(fw.dir.path()).unwrap().display().to_string();
    let status = fw.run(&["status", "--format", "csv"]);
    assert_eq!(status.code, 2, "{}", status.stderr);
    let health = status.csv_rows().into_iter().find(|r| r["item"] == "health").unwrap();
    assert!(health["value"].starts_with("damaged: 1 file missing") && health["value"].contains(&rel));
    assert!(
        status.stderr.contains("is damaged") && status.stderr.contains(&rel),
        "{}",
        status.stderr
    );
    let report = fw.run(&["report", "gaps"]);
    assert_eq!(report.code, 2, "{}", report.stderr);
    assert!(
        report.stderr.contains("which is not there") && report.stderr.contains("fleetwatch status"),
        "{}",
        report.stderr
    );
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_store() {
    let fw = Fw::new();
    let f = files(fw.dir.path());
    ingest(&fw, &f.first);
    // The first writer takes the lock, then waits to open its input, a FIFO.
    let fifo = fw.dir.path().join("input.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut first = fw
        .command()
        .arg("ingest")
        .arg(&fifo)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it holds the lock: an exclusive flock of its pid in /proc/locks.
    let pid = first.id().to_string();
    let holds = || {
        std::fs::read_to_string("/proc/locks").unwrap().lines().any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 4 && f[1] == "FLOCK" && f[3] == "WRITE" && f[4] == pid
        })
    };
    let mut waited = 0;
    while !holds() {
        assert!(first.try_wait().unwrap().is_none(), "the first writer ended");
        assert!(waited < 400, "the first writer never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(25));
        waited += 1;
    }
    let run = fw.run(&["ingest", f.second.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("another fleetwatch process is writing"),
        "{}",
        run.stderr
    );
    // Readers are not held up by a writer.
    let status = fw.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    // Release the first (its input ends at once: an empty file, an error).
    drop(std::fs::OpenOptions::new().write(true).open(&fifo).unwrap());
    let _ = first.wait().unwrap();
    ingest(&fw, &f.second);
}

#[test]
fn a_reader_keeps_the_files_of_its_manifest_while_a_write_supersedes_them() {
    let fw = Fw::new();
    let f = files(fw.dir.path());
    ingest(&fw, &f.first);
    // A reader (this process) opens the store: the manifest of the first ingest.
    let reader = fleetwatch::store::data::DataStore::open(fw.dir.path()).unwrap();
    let days: Vec<_> = reader.manifest.positions.keys().copied().collect();
    let before: usize = days.iter().map(|d| reader.positions_of_day(*d).unwrap().len()).sum();
    // A writer supersedes every day file of it.
    ingest(&fw, &f.second);
    let now = fleetwatch::store::data::DataStore::open(fw.dir.path()).unwrap();
    assert_ne!(now.manifest.generation, reader.manifest.generation);
    // The reader still reads what its manifest names, whole.
    let again: usize = days.iter().map(|d| reader.positions_of_day(*d).unwrap().len()).sum();
    assert_eq!(again, before);
    drop((reader, now));
    // With no reader left, the next write removes the superseded files.
    assert!(!leftovers(&fw).is_empty());
    ingest(&fw, &f.records);
    assert_eq!(leftovers(&fw), Vec::<PathBuf>::new());
}
