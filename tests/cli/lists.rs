//! `fleetwatch lists` and `lists import`: every list format, versions, idempotence,
//! the write lock.

use crate::{Fw, fixture_path, golden};

#[test]
fn the_bundled_lists_show_with_version_and_counts() {
    let run = Fw::new().run(&["lists", "--format", "csv"]);
    assert_eq!(run.code, 0);
    golden("lists_bundled.csv", &run.stdout);
}

mod import {
    use super::*;

    #[test]
    fn the_uk_list_hand_written_in_the_documented_layout_loads_and_answers_check() {
        let fw = Fw::new();
        let run = fw.import("lists/uk_sanctions_list_HANDWRITTEN.csv", "uk", "2025-05-12");
        assert!(run.stderr.contains("2 entries"), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("uk_sanctions_list_HANDWRITTEN.csv:6: ship RUS2003 row without a name"),
            "{}",
            run.stderr
        );
        let check = fw.run(&["check", "Jaguar", "--format", "csv"]);
        golden("check_jaguar_with_uk.csv", &check.stdout);
        let rows = check.csv_rows();
        let uk = rows.iter().find(|r| r["list"] == "uk").unwrap();
        assert_eq!(uk["imo"], "9293002");
        assert_eq!(uk["listed_on"], "2025-05-09");
        assert_eq!(uk["list_record"], "RUS2001");
        assert_eq!(uk["flag"], "GA");
    }

    #[test]
    fn the_uk_report_date_is_the_version_when_none_is_given() {
        let fw = Fw::new();
        let path = fixture_path("lists/uk_sanctions_list_HANDWRITTEN.csv");
        let run = fw.run(&["lists", "import", path.to_str().unwrap(), "--source", "uk"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let lists = fw.run(&["lists", "--format", "csv"]);
        let uk = lists.csv_rows().into_iter().find(|r| r["list"] == "uk").unwrap();
        assert_eq!(uk["version"], "2025-05-12");
    }

    #[test]
    fn ofac_sdn_csv_takes_the_imo_from_the_remarks_and_skips_a_company_imo() {
        let fw = Fw::new();
        fw.import("lists/ofac_sdn_excerpt_2026.csv", "ofac", "2026-11-01");
        let lists = fw.run(&["lists", "--format", "csv"]);
        let ofac = lists.csv_rows().into_iter().find(|r| r["list"] == "ofac").unwrap();
        assert_eq!(ofac["entries"], "9", "ten rows, one an entity");
        let olia = fw.run(&["check", "9268112", "--format", "csv"]);
        let row = olia.csv_rows().into_iter().find(|r| r["list"] == "ofac").unwrap();
        assert_eq!(row["name_on_list"], "OLIA");
        assert_eq!(row["list_record"], "51647");
        let sino = fw.run(&["check", "SINO SHIP MANAGEMENT COMPANY LIMITED", "--format", "csv"]);
        assert_eq!(sino.code, 1, "a company is not a vessel");
    }

    #[test]
    fn a_re_saved_sdn_csv_with_a_header_and_crlf_loads_with_former_names() {
        let fw = Fw::new();
        fw.import("lists/ofac_sdn_vessel_rows_2023-01.csv", "ofac", "2027-01-01");
        let run = fw.run(&["check", "Perun", "--format", "csv"]);
        let row = run
            .csv_rows()
            .into_iter()
            .find(|r| r["name_on_list"] == "PEGAS")
            .expect("PEGAS, formerly PERUN");
        assert_eq!(row["imo"], "9256860", "IMO 9256860 (Russia) in the remarks");
        assert_eq!(row["matched_on"], "former_name");
        assert_eq!(row["name_on_list"], "PEGAS");
    }

    #[test]
    fn the_45_column_eu_file_keeps_the_633_annex_xlii_vessels() {
        let fw = Fw::new();
        fw.import("lists/eu_833_2014_consolidated_all_annexes.csv", "eu", "2026-08-14");
        let lists = fw.run(&["lists", "--format", "csv"]);
        let eu = lists.csv_rows().into_iter().find(|r| r["list"] == "eu").unwrap();
        // The bundled version (2026-08-15, with the amendment) is newer and stays in force.
        assert_eq!(eu["version"], "2026-08-15");
        fw.import("lists/eu_833_2014_consolidated_all_annexes.csv", "eu2", "2026-08-14");
        let lists = fw.run(&["lists", "--format", "csv"]);
        let eu2 = lists.csv_rows().into_iter().find(|r| r["list"] == "eu2").unwrap();
        assert_eq!(eu2["entries"], "633");
    }

    #[test]
    fn an_amendment_applies_to_the_list_in_force() {
        let fw = Fw::new();
        fw.import("lists/eu_833_2014_consolidated_all_annexes.csv", "eu", "2026-08-16");
        let before = fw.run(&["check", "Stormbringer", "--format", "csv"]);
        assert!(
            crate::every(before.csv_rows().iter(), |r| r["list"] != "eu"),
            "not yet in the consolidated file"
        );
        fw.import("lists/eu_amendment_32026R1848.csv", "eu", "2026-08-17");
        let lists = fw.run(&["lists", "--format", "csv"]);
        let eu = lists.csv_rows().into_iter().find(|r| r["list"] == "eu").unwrap();
        assert_eq!((eu["version"].as_str(), eu["entries"].as_str()), ("2026-08-17", "674"));
        let after = fw.run(&["check", "Kriti Vigor", "--format", "csv"]);
        let row = after.csv_rows().into_iter().find(|r| r["list"] == "eu").unwrap();
        assert_eq!(row["name_on_list"], "STORMBRINGER");
    }

    #[test]
    fn opensanctions_csv_ftm_and_custom_lists_load() {
        let fw = Fw::new();
        fw.import(
            "lists/opensanctions_maritime_HANDWRITTEN.csv",
            "opensanctions",
            "2026-11-01",
        );
        let ftm = fw.import("lists/ftm_vessels_HANDWRITTEN.jsonl", "ftm", "2026-11-01");
        assert!(
            ftm.stderr
                .contains("ftm_vessels_HANDWRITTEN.jsonl:3: not a JSON object"),
            "{}",
            ftm.stderr
        );
        let custom = fw.import("lists/custom_watchlist.csv", "watch", "2026-11-01");
        assert!(
            custom
                .stderr
                .contains("custom_watchlist.csv:3: IMO '9999999' fails its check digit"),
            "{}",
            custom.stderr
        );
        let lists = fw.run(&["lists", "--format", "csv"]);
        golden("lists_after_imports.csv", &lists.stdout);
        let nasledie = fw.run(&["check", "Nasledie", "--format", "csv"]);
        golden("check_nasledie.csv", &nasledie.stdout);
    }

    #[test]
    fn importing_the_same_file_twice_adds_nothing() {
        let fw = Fw::new();
        fw.import("lists/custom_watchlist.csv", "watch", "2026-11-01");
        let again = fw.import("lists/custom_watchlist.csv", "watch", "2026-11-02");
        assert!(again.stderr.contains("already stored"), "{}", again.stderr);
        let manifest = std::fs::read_to_string(fw.dir.path().join("lists/manifest.json")).unwrap();
        assert_eq!(manifest.matches("\"id\"").count(), 1);
    }

    #[test]
    fn a_file_in_no_known_format_is_an_error_naming_it() {
        let fw = Fw::new();
        let path = fixture_path("README.md");
        let run = fw.run(&["lists", "import", path.to_str().unwrap(), "--source", "x"]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("README.md"), "{}", run.stderr);
        assert!(run.stderr.contains("not a sanctions list"), "{}", run.stderr);
        assert!(!fw.dir.path().join("lists/manifest.json").exists());
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let run = Fw::new().run(&["lists", "import", "no/such/file.csv", "--source", "x"]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("no/such/file.csv"), "{}", run.stderr);
    }

    #[test]
    fn a_second_writer_is_told_the_store_is_busy() {
        let fw = Fw::new();
        std::fs::create_dir_all(fw.dir.path()).unwrap();
        let lock = std::fs::File::create(fw.dir.path().join(".lock")).unwrap();
        lock.lock().unwrap();
        let path = fixture_path("lists/custom_watchlist.csv");
        let run = fw.run(&["lists", "import", path.to_str().unwrap(), "--source", "watch"]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("another fleetwatch process is writing"),
            "{}",
            run.stderr
        );
        drop(lock);
        let run = fw.run(&["lists", "import", path.to_str().unwrap(), "--source", "watch"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_escaped_in_csv() {
        let fw = Fw::new();
        let list = fw.dir.path().join("formula.csv");
        std::fs::write(&list, "imo,name,reason\n9293002,=HYPERLINK(\"http://x\"),@SUM(A1)\n").unwrap();
        fw.import_file(&list, "f", "2027-01-01");
        let check = fw.run(&["check", "9293002", "--format", "csv"]);
        let row = check.csv_rows().into_iter().find(|r| r["list"] == "f").unwrap();
        assert_eq!(row["name_on_list"], "'=HYPERLINK(\"http://x\")");
        assert_eq!(row["reason"], "'@SUM(A1)");
    }
}

mod versions {
    use super::*;

    #[test]
    fn check_as_of_answers_from_the_versions_in_force_that_day() {
        let fw = Fw::new();
        fw.import("lists/ofac_sdn_vessel_rows_2023-01.csv", "ofac", "2023-01-15");
        // IMICO NEKA 456 (IMO 9404558) is on the 2023 OFAC rows, not on the 2026 list.
        let then = fw.run(&["check", "9404558", "--as-of", "2023-06-01", "--format", "csv"]);
        assert_eq!(then.code, 0, "{}", then.stderr);
        let rows = then.csv_rows();
        assert_eq!(rows[0]["list"], "ofac");
        assert_eq!(rows[0]["source_version"], "2023-01-15");
        let now = fw.run(&["check", "9404558", "--format", "csv"]);
        assert_eq!(now.code, 1, "not listed on the lists in force today");

        // No EU version that old is stored: the bundled one, cut to its entries listed by
        // then. ARGENT ex JAGUAR went on Annex XLII on 2025-05-21.
        let before = fw.run(&["check", "9293002", "--as-of", "2025-05-15", "--format", "csv"]);
        assert_eq!(before.code, 1, "{}", before.stdout);
        assert!(
            before.stderr.contains("eu: no version dated on or before 2025-05-15"),
            "{}",
            before.stderr
        );
        let after = fw.run(&["check", "9293002", "--as-of", "2025-05-21", "--format", "csv"]);
        assert_eq!(after.code, 0, "{}", after.stderr);
        assert_eq!(after.csv_rows()[0]["listed_on"], "2025-05-21");

        let bad = fw.run(&["check", "Jaguar", "--as-of", "May 2025"]);
        assert_eq!(bad.code, 2);
    }

    #[test]
    fn history_and_diff_name_versions_by_id_bundled_or_date() {
        let fw = Fw::new();
        fw.import("lists/custom_watchlist.csv", "watch", "2026-01-01");
        // The next version: NASLEDIE renamed and reflagged, one vessel added, the
        // vessel without an IMO gone.
        let next = fw.dir.path().join("watch-2.csv");
        std::fs::write(
            &next,
            "IMO Number,Vessel Name,Former Names,Flag,Listed On,Reason\n\
             9293002,ARGENT II,NASLEDIE / ARGENT / JAGUAR / S PUMA,Gabon,2025-06-01,Watch: renamed again\n\
             9354301,JAGUAR,ZALIV AMERIKA,,2026-02-01,Watch\n",
        )
        .unwrap();
        fw.import_file(&next, "watch", "2026-02-01");
        let history = fw.run(&["lists", "history", "watch", "--format", "csv"]);
        assert_eq!(history.code, 0, "{}", history.stderr);
        let rows = history.csv_rows();
        assert_eq!(rows.len(), 2);
        assert!(rows[0]["version_id"].starts_with("watch-2026-01-01-"));

        let by_date = fw.run(&["lists", "diff", "watch", "2026-01-01", "2026-02-01", "--format", "csv"]);
        let by_id = fw.run(&[
            "lists",
            "diff",
            "watch",
            &rows[0]["version_id"],
            &rows[1]["version_id"],
            "--format",
            "csv",
        ]);
        let newest_two = fw.run(&["lists", "diff", "watch", "--format", "csv"]);
        assert_eq!(by_date.code, 0, "{}", by_date.stderr);
        assert_eq!(by_date.stdout, by_id.stdout);
        assert_eq!(by_date.stdout, newest_two.stdout);
        // Ids hold a hash of the file: compare with them replaced.
        let shown = by_date
            .stdout
            .replace(rows[0]["version_id"].as_str(), "V1")
            .replace(rows[1]["version_id"].as_str(), "V2");
        golden("lists_diff_watch.csv", &shown);
        let changes = fw.run(&["report", "changes", "--list", "watch", "--format", "csv"]);
        assert_eq!(changes.stdout, by_date.stdout, "the one pair of versions");
        let since = fw.run(&["report", "changes", "--since", "2026-02-02", "--format", "csv"]);
        assert_eq!(since.csv_rows().len(), 0);

        let bundled = fw.run(&["lists", "diff", "ofac", "bundled", "1999-01-01"]);
        assert_eq!(bundled.code, 2);
        assert!(bundled.stderr.contains("no version '1999-01-01'"), "{}", bundled.stderr);
        let one = fw.run(&["lists", "diff", "eu"]);
        assert_eq!(one.code, 2, "{}", one.stderr);
    }

    /// Two versions of one day (two refreshes, say) are told apart by the time each was
    /// stored: `--since` and `--until` take RFC 3339 times as well as dates.
    #[test]
    fn report_changes_tells_two_versions_of_one_day_apart_by_time() {
        let fw = Fw::new();
        fw.import("lists/custom_watchlist.csv", "watch", "2026-01-01");
        let version = |name: &str, text: &str| {
            let path = fw.dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            fw.import_file(&path, "watch", "2026-02-01");
        };
        let header = "IMO Number,Vessel Name,Former Names,Flag,Listed On,Reason\n";
        version(
            "morning.csv",
            &format!("{header}9293002,ARGENT II,NASLEDIE / ARGENT / JAGUAR,Gabon,2025-06-01,Watch\n"),
        );
        let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        version(
            "evening.csv",
            &format!("{header}9293002,ARGENT III,NASLEDIE / ARGENT / JAGUAR,Gabon,2025-06-01,Watch\n"),
        );
        let changes = |args: &[&str]| {
            let mut all = vec!["report", "changes", "--list", "watch", "--format", "csv"];
            all.extend_from_slice(args);
            let run = fw.run(&all);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            run.csv_rows()
        };
        let renamed_to = |rows: &[std::collections::BTreeMap<String, String>]| -> Vec<String> {
            rows.iter()
                .filter(|r| r["field"] == "name")
                .map(|r| r["new_value"].clone())
                .collect()
        };
        // By date, both versions of 1 February count; by time, only the one after.
        assert_eq!(
            renamed_to(&changes(&["--since", "2026-02-01"])),
            ["ARGENT II", "ARGENT III"]
        );
        assert_eq!(renamed_to(&changes(&["--since", &between])), ["ARGENT III"]);
        assert_eq!(renamed_to(&changes(&["--until", &between])), ["ARGENT II"]);
        assert_eq!(renamed_to(&changes(&["--until", "2026-01-31"])), Vec::<String>::new());
        assert_eq!(
            renamed_to(&changes(&["--vessel", "9293002", "--since", &between])),
            ["ARGENT III"]
        );
        assert!(crate::every(changes(&["--vessel", "9293002"]).iter(), |r| r["imo"] == "9293002"));
        let bad = fw.run(&["report", "changes", "--since", "yesterday"]);
        assert_eq!(bad.code, 2);
        assert!(
            bad.stderr.contains("--since 'yesterday' is not a date or time"),
            "{}",
            bad.stderr
        );
        assert_eq!(fw.run(&["report", "changes", "--port", "RUPRI"]).code, 2);
    }
}
