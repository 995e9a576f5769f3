//! Hostile input: names that are formulas, escape sequences or HTML; a line of a
//! billion bytes; a million columns; coordinates and times out of this world; a config
//! or a manifest that names paths outside the data directory; links in the data
//! directory. Each is a clear error or a counted reject, never a panic, and memory stays
//! bounded (the billion-byte lines are read within a 400 MB address space).

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::Command;

use super::{Fw, Run, fixture_path};

/// A list whose names would act in a spreadsheet, a terminal or a browser.
const HOSTILE_LIST: &str = "imo,name\n\
    9293002,\"=HYPERLINK(\"\"http://example.org/\"\",\"\"JAG\"\")\"\n\
    9074729,\"\u{1b}[2J\u{1b}]0;owned\u{7}RED\"\n\
    9187629,\"<script>window.pwned=1</script><img src=x onerror=alert(1)>\"\n\
    9360219,\"CLEAN\u{202e}GNIRTS\"\n";

fn no_panic(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "{what}: {}",
        run.stderr
    );
}

#[test]
fn hostile_names_on_a_list_are_escaped_in_tables_csv_json_and_the_dossier() {
    let fw = Fw::new();
    let list = fw.dir.path().join("hostile.csv");
    std::fs::write(&list, HOSTILE_LIST).unwrap();
    fw.import_file(&list, "watch", "2026-01-01");
    let imos = ["9293002", "9074729", "9187629", "9360219"];
    let run = |format: &str| {
        let mut args = vec!["check"];
        args.extend(imos);
        args.extend(["--format", format]);
        let run = fw.run(&args);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        run.stdout
    };
    for format in ["table", "csv"] {
        let out = run(format);
        assert!(!out.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{format}: {out}");
        assert!(out.contains("\\u{1b}[2J\\u{1b}]0;owned\\u{7}RED"), "{format}: {out}");
        assert!(out.contains("CLEAN\\u{202e}GNIRTS"), "{format}: {out}");
    }
    let csv = run("csv");
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"), "{csv}");
    // JSON keeps each name exactly (its escapes are JSON's own).
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["list"] == "watch")
        .map(|r| r["name_on_list"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"\u{1b}[2J\u{1b}]0;owned\u{7}RED"), "{names:?}");
    // The dossier's HTML holds the markup as text.
    let html = fw.run(&["report", "vessel", "9187629", "--format", "html"]);
    assert_eq!(html.code, 0, "{}", html.stderr);
    assert!(!html.stdout.contains("<script>window.pwned") && !html.stdout.contains("<img src=x"));
    assert!(
        html.stdout.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"),
        "the name is not shown"
    );
}

/// A file of `head`, then a line of a billion zero bytes (a hole: it takes no disk),
/// then `tail`.
fn with_a_billion_byte_line(path: &Path, head: &str, tail: &str) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(head.as_bytes()).unwrap();
    f.seek(SeekFrom::Current(1_000_000_000)).unwrap();
    f.write_all(b"\n").unwrap();
    f.write_all(tail.as_bytes()).unwrap();
}

/// `fleetwatch ARGS` within an address space of 400 MB.
fn bounded(fw: &Fw, args: &[&str]) -> Run {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 400000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_fleetwatch"))
        .args(args)
        .env("FLEETWATCH_DATA_DIR", fw.dir.path())
        .env_remove("FLEETWATCH_CONFIG");
    Run::from(cmd.output().unwrap())
}

#[test]
fn a_line_of_a_billion_bytes_is_a_counted_reject_in_bounded_memory() {
    let fw = Fw::new();
    // NMEA: two timed sentences, the line, two more.
    let sentence = "\\c:1717200000\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
    let nmea = fw.dir.path().join("long.nmea");
    with_a_billion_byte_line(
        &nmea,
        &format!("{sentence}\n{sentence}\n"),
        &format!("{sentence}\n{sentence}\n"),
    );
    let run = bounded(&fw, &["ingest", nmea.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("long.nmea:3: a line of more than 1024 KiB; skipped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("5 rows: 1 positions added, 3 duplicates"),
        "{}",
        run.stderr
    );

    // DMA CSV: a header and a row, the line, another row.
    let dma = std::fs::read_to_string(fixture_path("ais/jaguar_dma_HANDWRITTEN.csv")).unwrap();
    let mut lines = dma.lines();
    let (header, first, second) = (lines.next().unwrap(), lines.next().unwrap(), lines.next().unwrap());
    let csv = fw.dir.path().join("long.csv");
    with_a_billion_byte_line(&csv, &format!("{header}\n{first}\n"), &format!("{second}\n"));
    let run = bounded(&fw, &["ingest", csv.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("long.csv:3: a line of more than 4 MiB; skipped"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 rows: 2 positions added"), "{}", run.stderr);
}

#[test]
fn a_million_columns_is_a_counted_reject_or_a_clear_error() {
    let fw = Fw::new();
    let million = ",x".repeat(1_000_000);
    let dma = std::fs::read_to_string(fixture_path("ais/jaguar_dma_HANDWRITTEN.csv")).unwrap();
    let mut lines = dma.lines();
    let (header, row) = (lines.next().unwrap(), lines.next().unwrap());
    let cases = [
        ("row.csv", format!("{header}\n{row}{million}\n{row}\n")),
        ("header.csv", format!("{header}{million}\n{row}\n")),
        ("wide-first.csv", format!("x{million},{header}\n{row}\n")),
        (
            "records.csv",
            format!("imo,mmsi,name{million}\n9293002,626313000,JAGUAR\n"),
        ),
    ];
    for (name, text) in cases {
        let path = fw.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let run = bounded(&fw, &["ingest", path.to_str().unwrap()]);
        no_panic(&run, name);
        assert!(matches!(run.code, 0 | 2), "{name}: {}", run.stderr);
        if name == "row.csv" {
            assert!(
                run.stderr.contains("row.csv:2: 1000026 fields, the header has 26"),
                "{}",
                run.stderr
            );
        }
        if name == "wide-first.csv" {
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(run.stderr.contains("wide-first.csv"), "{}", run.stderr);
        }
    }
    let list = fw.dir.path().join("wide-list.csv");
    std::fs::write(&list, format!("imo,name{million}\n9293002,JAGUAR\n")).unwrap();
    let run = bounded(&fw, &["lists", "import", list.to_str().unwrap(), "--source", "wide"]);
    no_panic(&run, "wide list");
    assert!(matches!(run.code, 0 | 2), "{}", run.stderr);
}

#[test]
fn coordinates_and_times_out_of_this_world_are_counted_rejects() {
    let fw = Fw::new();
    let dma = std::fs::read_to_string(fixture_path("ais/jaguar_dma_HANDWRITTEN.csv")).unwrap();
    let mut lines = dma.lines();
    let header = lines.next().unwrap();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let with = |time: &str, lat: &str, lon: &str| {
        let mut r = row.clone();
        r[0] = time;
        r[3] = lat;
        r[4] = lon;
        r.join(",")
    };
    let t = row[0];
    let rows = [
        with(t, "NaN", "12.0"),
        with(t, "55.0", "1e308"),
        with(t, "inf", "12.0"),
        with(t, "-1e308", "12.0"),
        with(t, "55.0", "nan"),
        with("01/01/0000 00:00:00", "55.0", "12.0"),
        with("31/12/9999 23:59:59", "55.0", "12.0"),
        with("29/02/2023 12:00:00", "55.0", "12.0"),
        with("15/05/2025 24:00:00", "55.0", "12.0"),
        with(t, "55.0", "12.0"),
    ];
    let path = fw.dir.path().join("world.csv");
    std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let run = fw.run(&["ingest", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("10 rows: 1 positions added"), "{}", run.stderr);
    for (line, reason) in [
        (2, "bad position 'NaN','12.0'"),
        (3, "bad position '55.0','1e308'"),
        (5, "bad position '-1e308','12.0'"),
        (7, "time out of range (1990 to 2099) '01/01/0000 00:00:00'"),
        (8, "time out of range (1990 to 2099) '31/12/9999 23:59:59'"),
        (9, "bad time '29/02/2023 12:00:00'"),
        (10, "bad time '15/05/2025 24:00:00'"),
    ] {
        assert!(
            run.stderr.contains(&format!("world.csv:{line}: {reason}")),
            "{line}: {}",
            run.stderr
        );
    }
    // NMEA times from a tag block far out of range, either way.
    let nmea = fw.dir.path().join("world.nmea");
    let s = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
    std::fs::write(
        &nmea,
        format!("\\c:-9223372036854775807\\{s}\n\\c:9223372036854775807\\{s}\n\\c:0\\{s}\n"),
    )
    .unwrap();
    let run = fw.run(&["ingest", nmea.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("time out of range (1990 to 2099)").count(),
        3,
        "{}",
        run.stderr
    );
    // The store holds only the one good day.
    let status = fw.run(&["status", "--format", "csv"]);
    let days: Vec<_> = status
        .csv_rows()
        .into_iter()
        .filter(|r| r["item"].ends_with("_day"))
        .map(|r| r["value"].clone())
        .collect();
    assert_eq!(days, ["2025-05-15", "2025-05-15"]);
}

#[test]
fn the_config_and_the_manifests_cannot_name_paths_outside_the_data_directory() {
    let fw = Fw::new();
    std::fs::write(
        fw.dir.path().join("config.toml"),
        "[sources.\"../../etc\"]\nurl = \"https://example.org/x.csv\"\nformat = \"custom\"\n",
    )
    .unwrap();
    let run = fw.run(&["refresh"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("'../../etc' is not a source name"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(fw.dir.path().join("config.toml")).unwrap();

    // A store manifest naming a file outside its table.
    let store = fw.dir.path().join("store.json");
    for file in [
        "../../../etc/passwd",
        "/etc/passwd",
        "positions/../../x.parquet",
        "identities/x.parquet",
    ] {
        std::fs::write(
            &store,
            format!(
                "{{\"generation\":1,\"files\":[],\"positions\":{{\"2025-05-15\":{{\"files\":[\"{file}\"],\"rows\":1}}}},\
                 \"identities\":null,\"port_call_records\":null,\"rejects\":[]}}"
            ),
        )
        .unwrap();
        let run = fw.run(&["status"]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "names the file '{file}', which is not in the store's positions directory"
            )),
            "{file}: {}",
            run.stderr
        );
    }
    std::fs::remove_file(&store).unwrap();

    // A list manifest naming a file outside lists/files.
    let lists = fw.dir.path().join("lists");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::write(
        lists.join("manifest.json"),
        "{\"versions\":[{\"id\":\"w-2026-01-01-00000000\",\"source\":\"w\",\"format\":\"custom\",\
         \"version\":\"2026-01-01\",\"imported_at\":\"2026-01-01T00:00:00Z\",\"origin\":\"x\",\
         \"sha256\":\"00\",\"file\":\"../../../etc/passwd\",\"entries\":1}]}",
    )
    .unwrap();
    let run = fw.run(&["lists"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("which is not in lists/files"), "{}", run.stderr);
}

#[test]
fn links_in_the_data_directory_are_never_followed_to_remove_anything() {
    let fw = Fw::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.parquet");
    std::fs::write(&victim, b"not yours").unwrap();
    std::fs::create_dir(outside.path().join("day=2030-01-01")).unwrap();
    std::fs::write(
        outside.path().join("day=2030-01-01/part-999999-0.parquet"),
        b"not yours",
    )
    .unwrap();
    let run = fw.run(&[
        "ingest",
        fixture_path("ais/jaguar_dma_HANDWRITTEN.csv").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let data = fw.dir.path();
    let link = |target: &Path, at: &Path| std::os::unix::fs::symlink(target, at).unwrap();
    // Links where garbage collection looks: a day directory, a data file, a temporary
    // file and a staging directory of a killed write.
    link(
        &outside.path().join("day=2030-01-01"),
        &data.join("positions/day=2030-01-01"),
    );
    link(&victim, &data.join("positions/day=2025-05-15/part-999999-0.parquet"));
    link(&victim, &data.join(".tmp-file"));
    link(outside.path(), &data.join(".tmp-staging-1"));
    let run = fw.run(&[
        "ingest",
        fixture_path("records/jaguar_registry_HANDWRITTEN.csv")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&victim).unwrap(), b"not yours");
    assert!(outside.path().join("day=2030-01-01/part-999999-0.parquet").exists());
    // The links of temporary files are removed, as such files are (their targets stay).
    assert!(!data.join(".tmp-file").exists() && !data.join(".tmp-staging-1").exists());
    let status = fw.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
}
