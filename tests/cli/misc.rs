//! The command line itself: help with examples (run, refreshes from 127.0.0.1), the
//! examples of the README and the guide, completions, exit codes, a closed stdout.

use std::io::Read;
use std::process::Stdio;

use crate::Fw;

#[test]
fn help_shows_examples_and_exit_codes() {
    let run = Fw::new().run(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("fleetwatch check Jaguar"));
    assert!(run.stdout.contains("Exit codes"));
    let run = Fw::new().run(&["check", "--help"]);
    assert!(run.stdout.contains("fleetwatch check \"IMO 9293002\" --format json"));
}

/// Runs each `fleetwatch ...` line of an `Examples:` block, files mapped to fixtures
/// (see `readme_file`); `check` may exit 1 (nothing listed).
fn run_examples(fw: &Fw, help: &str, context: &str, url: &dyn Fn(&str) -> Option<String>) -> usize {
    let mut ran = 0;
    let mut in_examples = false;
    for line in help.lines() {
        if line.starts_with("Examples:") || line.starts_with("Example:") {
            in_examples = true;
            continue;
        }
        if in_examples && !line.starts_with("  ") {
            in_examples = false;
        }
        let Some(rest) = line.trim_start().strip_prefix("fleetwatch ").filter(|_| in_examples) else {
            continue;
        };
        // A description may follow the command after a run of blanks.
        let command = rest.split("   ").next().unwrap_or(rest);
        let args: Vec<String> = words(command)
            .into_iter()
            .map(|w| {
                url(&w)
                    .or_else(|| readme_file(&w).map(|p| p.to_string_lossy().into_owned()))
                    .unwrap_or(w)
            })
            .collect();
        let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let allowed = allowed_codes(&args);
        assert!(
            allowed.contains(&run.code),
            "{context}: fleetwatch {command}\n{}",
            run.stderr
        );
        ran += 1;
    }
    ran
}

/// `check` may find nothing listed, `refresh --exit-code` may find a change (exit 1).
fn allowed_codes(args: &[String]) -> &'static [i32] {
    if args[0] == "check" || (args[0] == "refresh" && args.iter().any(|a| a == "--exit-code")) {
        &[0, 1]
    } else {
        &[0]
    }
}

#[test]
fn every_example_in_the_help_runs() {
    let fw = Fw::new();
    // Every source served from 127.0.0.1; the mirror of the `refresh` example too.
    let server = crate::refresh::serve_every_source(&fw);
    let url = |w: &str| (w == "http://mirror.example.org/sdn.csv").then(|| server.url("/sdn.csv"));
    // Data for the report examples.
    for f in [
        "ais/jaguar_dma_HANDWRITTEN.csv",
        "records/jaguar_registry_HANDWRITTEN.csv",
    ] {
        assert_eq!(fw.run(&["ingest", crate::fixture_path(f).to_str().unwrap()]).code, 0);
    }
    let mut ran = 0;
    for command in [
        vec![],
        vec!["check"],
        vec!["lists", "import"],
        vec!["refresh"],
        vec!["lists", "history"],
        vec!["lists", "diff"],
        vec!["completions"],
        vec!["report", "port-calls"],
        vec!["report", "renames"],
        vec!["report", "flags"],
        vec!["report", "listed"],
        vec!["report", "vessel"],
        vec!["report", "changes"],
    ] {
        let mut args = command.clone();
        args.push("--help");
        let help = fw.run(&args);
        assert_eq!(help.code, 0, "{args:?}");
        ran += run_examples(&fw, &help.stdout, &format!("{command:?} --help"), &url);
    }
    assert!(ran >= 18, "only {ran} help examples found");
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = Fw::new().run(&["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("fleetwatch"), "{shell}");
    }
}

#[test]
fn a_usage_error_exits_2() {
    assert_eq!(Fw::new().run(&["check"]).code, 2);
    assert_eq!(Fw::new().run(&["frobnicate"]).code, 2);
}

#[test]
fn global_options_stand_after_the_command_too() {
    let fw = Fw::new();
    let run = fw.run(&[
        "check",
        "Jaguar",
        "--format",
        "json",
        "--data-dir",
        fw.dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.trim_start().starts_with('['));
}

#[test]
fn csv_is_the_default_when_stdout_is_not_a_terminal() {
    let run = Fw::new().run(&["check", "Argent"]);
    assert!(run.stdout.starts_with("query,imo,name,matched_on"), "{}", run.stdout);
}

#[test]
fn a_closed_stdout_ends_quietly() {
    // A low score threshold matches every entry: far more output than a pipe buffers.
    let mut child = Fw::new()
        .command()
        .args(["check", "A", "--min-score", "0", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(stderr, "");
}

/// The fixture that stands in for a file a README example names.
fn readme_file(arg: &str) -> Option<std::path::PathBuf> {
    let fixture = match arg {
        "UK-Sanctions-List.csv" => "lists/uk_sanctions_list_HANDWRITTEN.csv",
        "sdn.csv" => "lists/ofac_sdn_excerpt_2026.csv",
        "32026R1848.csv" => "lists/eu_amendment_32026R1848.csv",
        "watchlist.csv" => "lists/custom_watchlist.csv",
        "fleet.txt" => "queries/fleet_HANDWRITTEN.txt",
        "aisdk-2025-05-15.csv" | "day.csv" | "ais-2025-q1.csv" => "ais/dma_aisdk_sample_2018-06-01.csv",
        "AIS_2022_03_31.csv" => "ais/marinecadastre_small_example_2022-03-31.csv",
        "ais.nmea" => "ais/pyais_timestamped.ais",
        "registry.csv" => "records/jaguar_registry_HANDWRITTEN.csv",
        "calls.csv" => "records/port_calls_HANDWRITTEN.csv",
        "terminals.geojson" => "ports/primorsk_area_HANDWRITTEN.geojson",
        _ => return None,
    };
    Some(crate::fixture_path(fixture))
}

/// Splits a README command line into words: double quotes group, `#` starts a comment,
/// `>` ends the command (the redirection is the reader's business).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '#' | '>' if !quoted => break,
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Runs each `fleetwatch ...` line of the `sh` blocks of a document, in order, in one
/// data directory; returns how many ran.
fn run_document_examples(name: &str, fw: &Fw) -> usize {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
    let mut ran = 0;
    let mut in_sh = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        let Some(rest) = line.strip_prefix("fleetwatch ").filter(|_| in_sh) else {
            continue;
        };
        let args: Vec<String> = words(rest)
            .into_iter()
            .map(|w| readme_file(&w).map_or(w, |p| p.to_string_lossy().into_owned()))
            .collect();
        let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let allowed = allowed_codes(&args);
        assert!(allowed.contains(&run.code), "{name}: fleetwatch {rest}\n{}", run.stderr);
        ran += 1;
    }
    ran
}

#[test]
fn every_example_in_the_readme_runs() {
    let fw = Fw::new();
    let _server = crate::refresh::serve_every_source(&fw);
    let ran = run_document_examples("README.md", &fw);
    assert!(ran >= 12, "only {ran} README examples found");
}

#[test]
fn every_example_in_the_guide_runs() {
    let fw = Fw::new();
    let _server = crate::refresh::serve_every_source(&fw);
    let ran = run_document_examples("GUIDE.md", &fw);
    assert!(ran >= 30, "only {ran} GUIDE examples found");
}
