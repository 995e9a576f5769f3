//! `fleetwatch check`: the journalist's question, on the bundled lists.

use crate::{Fw, golden};

fn imos(run: &crate::Run) -> Vec<String> {
    let mut v: Vec<String> = run.csv_rows().into_iter().map(|r| r["imo"].clone()).collect();
    v.dedup();
    v
}

mod the_jaguar_case {
    use super::*;

    #[test]
    fn a_name_lookup_shows_both_hulls_in_every_format() {
        let fw = Fw::new();
        for (format, file) in [
            ("table", "check_jaguar.txt"),
            ("csv", "check_jaguar.csv"),
            ("json", "check_jaguar.json"),
        ] {
            let run = fw.run(&["check", "Jaguar", "--format", format]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            golden(file, &run.stdout);
        }
    }

    #[test]
    fn argent_is_listed_by_the_eu_under_its_former_name_jaguar() {
        let run = Fw::new().run(&["check", "Jaguar", "--format", "csv"]);
        let rows = run.csv_rows();
        let argent = rows.iter().find(|r| r["imo"] == "9293002").unwrap();
        assert_eq!(argent["matched_on"], "former_name");
        assert_eq!(argent["list"], "eu");
        assert_eq!(argent["list_record"], "215");
        assert_eq!(argent["listed_on"], "2025-05-21");
        assert_eq!(argent["name_on_list"], "Argent");
        assert_eq!(argent["former_names"], "Jaguar");
        let other: Vec<_> = rows.iter().filter(|r| r["imo"] == "9354301").collect();
        assert_eq!(other.len(), 2, "EU Jaguar ex Zaliv Amerika and OFAC ZALIV AMERIKA");
        assert_eq!(other[0]["former_names"], "Zaliv Amerika");
        assert_eq!(other[1]["list"], "ofac");
        assert_eq!(other[1]["name_on_list"], "ZALIV AMERIKA");
    }

    #[test]
    fn argent_mt_jaguar_and_the_imo_all_find_9293002() {
        let fw = Fw::new();
        for q in [
            "Argent",
            "MT JAGUAR",
            "IMO 9293002",
            "9293002",
            "imo9293002",
            "M/T Jaguar@@@",
        ] {
            let run = fw.run(&["check", q, "--format", "csv"]);
            assert_eq!(run.code, 0, "{q}: {}", run.stderr);
            assert!(imos(&run).contains(&"9293002".to_string()), "{q}: {}", run.stdout);
        }
    }

    #[test]
    fn a_mistyped_imo_exits_2_and_suggests_the_listed_one() {
        let run = Fw::new().run(&["check", "9293003"]);
        assert_eq!(run.code, 2);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("fails its check digit"), "{}", run.stderr);
        assert!(
            run.stderr.contains("did you mean IMO 9293002 (Argent)?"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn a_transposed_imo_suggests_the_listed_one() {
        let run = Fw::new().run(&["check", "IMO 9239002"]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("IMO 9293002 (Argent)"), "{}", run.stderr);
    }
}

mod names {
    use super::*;

    #[test]
    fn a_transliteration_variant_finds_mikhail_ulyanov_with_two_eu_entries_on_one_hull() {
        let run = Fw::new().run(&["check", "Michail Uljanov", "--format", "csv"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        golden("check_michail_uljanov.csv", &run.stdout);
        let rows = run.csv_rows();
        assert!(crate::every(rows.iter(), |r| r["imo"] == "9333670"));
        let eu: Vec<_> = rows
            .iter()
            .filter(|r| r["list"] == "eu")
            .map(|r| r["list_record"].as_str())
            .collect();
        assert_eq!(eu, ["586", "616"]);
    }

    #[test]
    fn cyrillic_finds_the_same_hull() {
        let run = Fw::new().run(&["check", "Михаил Ульянов", "--format", "csv"]);
        assert_eq!(run.code, 0);
        assert_eq!(imos(&run), ["9333670"]);
    }

    #[test]
    fn a_name_on_no_list_exits_1_with_one_unlisted_row() {
        let run = Fw::new().run(&["check", "Definitely Not A Listed Ship", "--format", "csv"]);
        assert_eq!(run.code, 1);
        let rows = run.csv_rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["listed"], "false");
        assert_eq!(rows[0]["query"], "Definitely Not A Listed Ship");
    }

    #[test]
    fn an_unlisted_imo_exits_1_and_names_the_imo() {
        // 9074729 passes its check digit and is on no bundled list.
        let run = Fw::new().run(&["check", "9074729", "--format", "table"]);
        assert_eq!(run.code, 1);
        assert!(
            run.stdout.contains("IMO 9074729 is on none of the lists checked"),
            "{}",
            run.stdout
        );
    }

    #[test]
    fn numbers_must_agree() {
        let fw = Fw::new();
        let run = fw.run(&["check", "AURA 1", "--format", "csv"]);
        assert!(crate::every(
            run.csv_rows().iter().filter(|r| r["listed"] == "true"),
            |r| !r["name_on_list"].contains('2')
        ));
    }

    /// A query that names a number does not match a listed name without one.
    #[test]
    fn a_numbered_query_does_not_find_the_listed_name_without_its_number() {
        let fw = Fw::new();
        let run = fw.run(&["check", "AURA 2", "--format", "csv"]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        let rows = run.csv_rows();
        assert_eq!((rows.len(), rows[0]["listed"].as_str()), (1, "false"), "{}", run.stdout);
        let run = fw.run(&["check", "Aura 1", "--format", "csv"]);
        assert_eq!(run.code, 0);
        let imos: Vec<String> = run.csv_rows().into_iter().map(|r| r["imo"].clone()).collect();
        assert!(imos.contains(&"9472634".to_string()), "{imos:?}");
        assert!(!imos.contains(&"9624316".to_string()), "the listed Aura: {imos:?}");
        // Without a number, the numbered name is still shown, as a weaker match.
        let run = fw.run(&["check", "Aura", "--format", "csv"]);
        let rows = run.csv_rows();
        let score = |imo: &str| rows.iter().find(|r| r["imo"] == imo).map(|r| r["match_score"].clone());
        assert_eq!(score("9624316").as_deref(), Some("1.00"));
        assert_eq!(score("9472634").as_deref(), Some("0.85"));
    }

    #[test]
    fn amendment_entries_are_found_by_current_and_former_name() {
        let fw = Fw::new();
        for q in ["Stormbringer", "Kriti Vigor"] {
            let run = fw.run(&["check", q, "--format", "csv"]);
            assert_eq!(run.code, 0, "{q}");
            let rows = run.csv_rows();
            let eu = rows.iter().find(|r| r["list"] == "eu").unwrap();
            assert_eq!(eu["imo"], "9290397");
            assert_eq!(eu["name_on_list"], "STORMBRINGER");
            assert_eq!(eu["former_names"], "KRITI VIGOR");
            assert!(eu["legal_basis"].ends_with("as amended by Council Regulation (EU) 2026/1848"));
        }
        let run = fw.run(&["check", "Aleksey Kosygin", "--format", "csv"]);
        let rows = run.csv_rows();
        assert_eq!(rows[0]["imo"], "9904546");
        assert_eq!(rows[0]["listed_on"], "2026-07-24");
    }

    #[test]
    fn several_queries_answer_in_order() {
        let run = Fw::new().run(&["check", "9354301", "Argent", "--format", "csv"]);
        let queries: Vec<String> = run.csv_rows().into_iter().map(|r| r["query"].clone()).collect();
        assert_eq!(queries, ["9354301", "9354301", "Argent"]);
    }
}

mod bad_queries {
    use super::*;

    #[test]
    fn digits_that_are_no_identifier_exit_2() {
        let run = Fw::new().run(&["check", "12345"]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("neither an IMO number"), "{}", run.stderr);
    }

    #[test]
    fn an_mmsi_without_a_valid_mid_exits_2() {
        let run = Fw::new().run(&["check", "999313000"]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("no valid MID"), "{}", run.stderr);
    }

    #[test]
    fn a_min_score_outside_0_1_exits_2() {
        assert_eq!(Fw::new().run(&["check", "Jaguar", "--min-score", "1.5"]).code, 2);
    }
}

#[test]
fn queries_come_from_a_file_one_a_line_and_bad_lines_are_skipped_with_their_number() {
    let path = crate::fixture_path("queries/fleet_HANDWRITTEN.txt");
    let run = Fw::new().run(&["check", "--from", path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let queries: std::collections::BTreeSet<String> = run.csv_rows().into_iter().map(|r| r["query"].clone()).collect();
    let want: std::collections::BTreeSet<String> = ["Jaguar", "Michail Uljanov", "NO SUCH SHIP AT ALL", "IMO 9354301"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(queries, want);
    assert!(
        run.stderr.contains("fleet_HANDWRITTEN.txt:4: query '9293003'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean IMO 9293002"), "{}", run.stderr);
    assert!(run.stderr.contains("1 queries skipped, 4 screened"), "{}", run.stderr);
    // The same from standard input, after the arguments.
    let mut child = Fw::new()
        .command()
        .args(["check", "Argent", "--from", "-", "--format", "csv"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"Jaguar\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("Argent,"), "{text}");
    assert!(text.contains("\nJaguar,"), "{text}");
}
