//! `fleetwatch ingest`, `status` and the identity reports on real samples and on a
//! generated multi-month scenario whose truth is known.

use std::collections::BTreeMap;

use crate::{Fw, fixture_path, golden};

fn status(fw: &Fw) -> BTreeMap<String, String> {
    let run = fw.run(&["status", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.csv_rows()
        .into_iter()
        .map(|r| (r["item"].clone(), r["value"].clone()))
        .collect()
}

fn ingest(fw: &Fw, files: &[&str]) -> crate::Run {
    let mut args = vec!["ingest".to_string()];
    args.extend(files.iter().map(|f| fixture_path(f).to_string_lossy().into_owned()));
    let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

mod real_samples {
    use super::*;

    #[test]
    fn the_dma_sample_keeps_ships_with_positions_and_counts_the_rest() {
        let fw = Fw::new();
        let run = ingest(&fw, &["ais/dma_aisdk_sample_2018-06-01.csv"]);
        assert!(
            run.stderr.contains("dma, 138 rows: 115 positions added, 1 duplicates, 12 not ships, 10 without position, 0 other, 0 rejected"),
            "{}",
            run.stderr
        );
        let s = status(&fw);
        assert_eq!(s["positions"], "115");
        assert_eq!(s["position_days"], "1");
        assert_eq!(s["first_day"], "2018-06-01");
        assert_eq!(s["rows_rejected"], "0");
    }

    #[test]
    fn the_noaa_sample_reads_with_its_imo_placeholders() {
        let fw = Fw::new();
        let run = ingest(&fw, &["ais/marinecadastre_small_example_2022-03-31.csv"]);
        assert!(
            run.stderr.contains("noaa, 51 rows: 51 positions added, 0 duplicates"),
            "{}",
            run.stderr
        );
        let renames = fw.run(&["report", "renames", "--format", "csv"]);
        assert_eq!(renames.csv_rows().len(), 0);
    }

    #[test]
    fn the_2024_noaa_layout_gives_the_same_positions_as_the_old_one() {
        let old = Fw::new();
        ingest(&old, &["ais/marinecadastre_small_example_2022-03-31.csv"]);
        let new = Fw::new();
        let run = ingest(&new, &["ais/marinecadastre_2024_layout_CONVERTED.csv"]);
        assert!(
            run.stderr.contains("noaa, 51 rows: 51 positions added"),
            "{}",
            run.stderr
        );
        let read = |fw: &Fw| {
            let store = fleetwatch::store::data::DataStore::open(fw.dir.path()).unwrap();
            let day = *store.manifest.positions.keys().next().unwrap();
            store.positions_of_day(day).unwrap()
        };
        assert_eq!(read(&old), read(&new));
    }

    #[test]
    fn nmea_with_pghp_times_gives_positions_and_untimed_nmea_is_rejected_with_reasons() {
        let fw = Fw::new();
        let run = ingest(&fw, &["ais/pyais_timestamped.ais"]);
        assert!(run.stderr.contains("nmea, 4 rows: 4 positions added"), "{}", run.stderr);
        let run = ingest(&fw, &["ais/gpsd_sample.aivdm"]);
        assert!(run.stderr.contains("without a time"), "{}", run.stderr);
        assert!(run.stderr.contains("0 positions added"), "{}", run.stderr);
    }

    #[test]
    fn vessel_records_build_the_jaguar_timeline() {
        let fw = Fw::new();
        let run = ingest(&fw, &["records/jaguar_registry_HANDWRITTEN.csv"]);
        assert!(
            run.stderr.contains("records, 6 rows: 4 identity spans, 2 rejected"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("jaguar_registry_HANDWRITTEN.csv:5: IMO 9293003 fails its check digit"),
            "{}",
            run.stderr
        );
        let renames = fw.run(&["report", "renames", "--format", "csv"]);
        golden("renames_jaguar_registry.csv", &renames.stdout);
        let flags = fw.run(&["report", "flags", "--format", "csv"]);
        golden("flags_jaguar_registry.csv", &flags.stdout);
        let listed = fw.run(&["report", "listed", "--format", "csv"]);
        golden("listed_jaguar_registry.csv", &listed.stdout);
        let vessel = fw.run(&["report", "vessel", "9293002", "--format", "table"]);
        assert_eq!(vessel.code, 0, "{}", vessel.stderr);
        golden("vessel_9293002_registry.txt", &vessel.stdout);
    }

    #[test]
    fn the_jaguar_broadcast_against_the_argent_listing_is_a_finding() {
        let fw = Fw::new();
        ingest(
            &fw,
            &[
                "ais/jaguar_dma_HANDWRITTEN.csv",
                "records/jaguar_registry_HANDWRITTEN.csv",
            ],
        );
        let vessel = fw.run(&["report", "vessel", "Jaguar", "--format", "table"]);
        assert_eq!(vessel.code, 0, "{}", vessel.stderr);
        golden("vessel_jaguar_ais_and_registry.txt", &vessel.stdout);
        assert!(
            vessel.stdout.contains("AIS broadcast the name JAGUAR"),
            "{}",
            vessel.stdout
        );
        assert!(
            vessel.stdout.contains("gives JAGUAR as a former name"),
            "{}",
            vessel.stdout
        );
        assert!(
            vessel
                .stdout
                .contains("AIS broadcast IMO 9293003, which fails its check digit"),
            "{}",
            vessel.stdout
        );
        let json = fw.run(&["report", "vessel", "9293002", "--format", "json"]);
        golden("vessel_9293002.json", &json.stdout);
        let renames = fw
            .run(&["report", "renames", "--vessel", "9293002", "--format", "csv"])
            .csv_rows();
        assert!(
            crate::every(renames.iter(), |r| r["source"] == "registry"),
            "@ padding and case are no AIS rename"
        );
    }

    #[test]
    fn the_jaguar_call_at_primorsk_is_detected_beside_the_reported_calls() {
        let fw = Fw::new();
        ingest(
            &fw,
            &[
                "ais/jaguar_dma_HANDWRITTEN.csv",
                "records/jaguar_registry_HANDWRITTEN.csv",
                "records/port_calls_HANDWRITTEN.csv",
            ],
        );
        let run = fw.run(&["report", "port-calls", "--format", "csv"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        golden("port_calls_jaguar.csv", &run.stdout);
        let rows = run.csv_rows();
        let detected = rows.iter().find(|r| r["source"] == "detected").unwrap();
        assert_eq!(detected["port_locode"], "RUPRI");
        assert_eq!(detected["arrival_utc"], "2025-05-15T08:02:29Z");
        assert_eq!(
            detected["listed_at_arrival"], "",
            "the EU listed it on 21 May, after the call"
        );
        // With the UK list (9 May 2025) loaded, the call was at a listed vessel.
        fw.import("lists/uk_sanctions_list_HANDWRITTEN.csv", "uk", "2025-05-12");
        let run = fw.run(&["report", "port-calls", "--port", "RUPRI", "--format", "csv"]);
        let rows = run.csv_rows();
        assert!(
            crate::every(rows.iter(), |r| r["listed_at_arrival"] == "uk"),
            "{}",
            run.stdout
        );
        // The profile: the route, and the call at Primorsk while listed by the UK.
        let vessel = fw.run(&["report", "vessel", "9293002", "--format", "table"]);
        golden("vessel_9293002_route.txt", &vessel.stdout);
        assert!(
            vessel
                .stdout
                .contains("Ust-Luga (2025-04-02) -> Sikka (2025-04-28) -> Primorsk (2025-05-15)"),
            "{}",
            vessel.stdout
        );
        assert!(
            vessel
                .stdout
                .contains("called at Primorsk (RUPRI) on 2025-05-15T08:02:29Z, while listed: UK since 2025-05-09"),
            "{}",
            vessel.stdout
        );
    }

    #[test]
    fn ports_from_a_file_replace_the_gazetteer() {
        let fw = Fw::new();
        ingest(&fw, &["ais/jaguar_dma_HANDWRITTEN.csv"]);
        let detected = |args: &[&str]| -> Vec<String> {
            let mut all = vec!["report", "port-calls", "--format", "csv"];
            all.extend_from_slice(args);
            let run = fw.run(&all);
            assert_eq!(run.code, 0, "{}", run.stderr);
            run.csv_rows()
                .into_iter()
                .filter(|r| r["source"] == "detected")
                .map(|r| format!("{} {} {}", r["port_locode"], r["port_name"], r["arrival_utc"]))
                .collect()
        };
        let area = fixture_path("ports/primorsk_area_HANDWRITTEN.geojson");
        assert_eq!(
            detected(&["--ports", area.to_str().unwrap()]),
            ["RUPRI Primorsk oil port 2025-05-15T08:02:29Z"]
        );
        // A 2 km point misses the berth 3.7 km away; --enter-km widens it.
        let points = fixture_path("ports/two_ports_HANDWRITTEN.csv");
        assert!(detected(&["--ports", points.to_str().unwrap()]).is_empty());
        assert_eq!(
            detected(&["--ports", points.to_str().unwrap(), "--enter-km", "5"]),
            ["RUPRI Primorsk (test point) 2025-05-15T08:02:29Z"]
        );
        let bad = fw.run(&[
            "report",
            "port-calls",
            "--ports",
            fixture_path("README.md").to_str().unwrap(),
        ]);
        assert_eq!(bad.code, 2);
        assert!(bad.stderr.contains("is not a port list"), "{}", bad.stderr);
    }

    #[test]
    fn port_call_records_are_kept_by_source() {
        let fw = Fw::new();
        let run = ingest(&fw, &["records/port_calls_HANDWRITTEN.csv"]);
        assert!(
            run.stderr.contains("port-calls, 4 rows: 3 port calls, 1 rejected"),
            "{}",
            run.stderr
        );
        assert_eq!(status(&fw)["port_call_records"], "3");
    }
}

mod bad_input {
    use super::*;

    #[test]
    fn the_same_file_twice_adds_nothing() {
        let fw = Fw::new();
        ingest(&fw, &["ais/dma_aisdk_sample_2018-06-01.csv"]);
        let before = std::fs::read_to_string(fw.dir.path().join("store.json")).unwrap();
        let again = ingest(&fw, &["ais/dma_aisdk_sample_2018-06-01.csv"]);
        assert!(again.stderr.contains("already ingested"), "{}", again.stderr);
        assert_eq!(
            std::fs::read_to_string(fw.dir.path().join("store.json")).unwrap(),
            before
        );
    }

    #[test]
    fn strict_stops_at_the_first_bad_row_and_stores_nothing() {
        let fw = Fw::new();
        let path = fixture_path("records/jaguar_registry_HANDWRITTEN.csv");
        let run = fw.run(&["ingest", "--strict", path.to_str().unwrap()]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr
                .contains("jaguar_registry_HANDWRITTEN.csv:5: IMO 9293003 fails its check digit"),
            "{}",
            run.stderr
        );
        assert_eq!(status(&fw)["files_ingested"], "0");
    }

    #[test]
    fn a_file_in_no_known_format_is_an_error_naming_it() {
        let fw = Fw::new();
        let path = fixture_path("README.md");
        let run = fw.run(&["ingest", path.to_str().unwrap()]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("README.md: not a format fleetwatch reads"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn rejects_are_stored_with_file_line_and_reason() {
        let fw = Fw::new();
        let bad = fw.dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            format!(
                "{}\n01/06/2018 00:00:00,Class A,215810000,55.92,17.32,Moored,,0.0,0.0,,Unknown,,,Undefined,,,,GPS,,,,AIS\n\
                 garbage line\n\
                 01/06/2018 00:00:00,Class A,2158,55.92,17.32,Moored,,0.0,0.0,,Unknown,,,Undefined,,,,GPS,,,,AIS\n\
                 01/06/2018 00:00:09,Class A,215810000,95.5,17.32,Moored,,0.0,0.0,,Unknown,,,Undefined,,,,GPS,,,,AIS\n",
                "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type"
            ),
        )
        .unwrap();
        let run = fw.run(&["ingest", bad.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("bad.csv:3: 1 fields, the header has 22"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("bad.csv:4: bad MMSI '2158'"), "{}", run.stderr);
        assert!(
            run.stderr.contains("bad.csv:5: position out of range"),
            "{}",
            run.stderr
        );
        assert_eq!(status(&fw)["rows_rejected"], "3");
        let parts: Vec<_> = std::fs::read_dir(fw.dir.path().join("rejects")).unwrap().collect();
        assert_eq!(parts.len(), 1, "one rejects part file");
    }
}

mod scenario {
    use super::*;
    use fleetwatch::model::ais::rfc3339;
    use fleetwatch::synth::{Scenario, generate};

    fn ingest_scenario(fw: &Fw, s: &Scenario) -> fleetwatch::synth::Truth {
        let (files, truth) = generate(s);
        let mut args = vec!["ingest".to_string()];
        for (name, bytes) in files {
            let path = fw.dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            args.push(path.to_string_lossy().into_owned());
        }
        let run = fw.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(run.code, 0, "{}", run.stderr);
        truth
    }

    #[test]
    fn four_months_of_noisy_dma_come_out_exactly_right() {
        let fw = Fw::new();
        let truth = ingest_scenario(&fw, &Scenario::default());
        assert!(
            truth.renames.len() >= 5 && truth.flag_changes.len() >= 4 && truth.mmsi_changes >= 1,
            "{truth:?}"
        );

        let s = status(&fw);
        assert_eq!(s["rows_read"], truth.rows.to_string());
        assert_eq!(s["positions"], truth.positions.to_string());
        assert_eq!(s["duplicates_dropped"], truth.duplicates.to_string());
        assert_eq!(s["rows_rejected"], truth.rejects.to_string());
        assert_eq!(s["position_days"], truth.days.to_string());
        assert_eq!(s["vessels"], truth.vessels.to_string());

        let renames = fw.run(&["report", "renames", "--format", "csv"]).csv_rows();
        let got: Vec<_> = renames
            .iter()
            .map(|r| {
                (
                    r["imo"].clone(),
                    r["mmsi"].clone(),
                    r["old_name"].clone(),
                    r["new_name"].clone(),
                    r["last_seen_old_utc"].clone(),
                    r["first_seen_new_utc"].clone(),
                    r["source"].clone(),
                )
            })
            .collect();
        let want: Vec<_> = truth
            .renames
            .iter()
            .map(|r| {
                (
                    r.imo.clone(),
                    format!("{:09}", r.mmsi),
                    r.old_name.clone(),
                    r.new_name.clone(),
                    rfc3339(r.last_seen_old_ms),
                    rfc3339(r.first_seen_new_ms),
                    "ais".to_string(),
                )
            })
            .collect();
        assert_eq!(got, want);

        let flags = fw.run(&["report", "flags", "--format", "csv"]).csv_rows();
        let got: Vec<_> = flags
            .iter()
            .map(|r| {
                (
                    r["imo"].clone(),
                    r["old_mmsi"].clone(),
                    r["new_mmsi"].clone(),
                    r["last_seen_old_utc"].clone(),
                    r["first_seen_new_utc"].clone(),
                )
            })
            .collect();
        let want: Vec<_> = truth
            .flag_changes
            .iter()
            .map(|f| {
                (
                    f.imo.clone(),
                    format!("{:09}", f.old_mmsi),
                    format!("{:09}", f.new_mmsi),
                    rfc3339(f.last_seen_old_ms),
                    rfc3339(f.first_seen_new_ms),
                )
            })
            .collect();
        assert_eq!(got, want);
        assert!(crate::every(flags.iter(), |r| r["old_flag"] != r["new_flag"] && r["source"] == "ais"));
    }

    /// The files ingested in turn into two stores: with the default buffer (in memory)
    /// and with `--buffer 1` (1 MiB, spilled to staging).
    fn in_memory_and_spilled(files: &[(String, Vec<u8>)]) -> [Fw; 2] {
        [None, Some("1")].map(|buffer| {
            let fw = Fw::new();
            for (k, (name, bytes)) in files.iter().enumerate() {
                // Numbered: two generated files may share a name.
                let path = fw.dir.path().join(format!("{k}-{name}"));
                std::fs::write(&path, bytes).unwrap();
                let mut args = vec!["ingest", path.to_str().unwrap()];
                args.extend(buffer.map(|b| ["--buffer", b]).into_iter().flatten());
                let run = fw.run(&args);
                assert_eq!(run.code, 0, "{}", run.stderr);
            }
            fw
        })
    }

    /// A store's status without what differs between two stores of the same data.
    fn counts(fw: &Fw) -> BTreeMap<String, String> {
        let mut s = status(fw);
        s.retain(|k, _| k != "data_dir" && k != "last_ingest_utc");
        s
    }

    #[test]
    fn a_file_of_many_days_spilled_to_staging_stores_what_memory_would() {
        let s = Scenario {
            seed: 5,
            vessels: 60,
            days: 60,
            days_per_file: 60,
            interval_min: 30,
            ..Scenario::default()
        };
        let (files, truth) = generate(&s);
        assert_eq!(files.len(), 1);
        // The default buffer holds the file; one MiB (32,768 rows) holds a fifth of it.
        let stores = in_memory_and_spilled(&files);
        let (memory, spilled) = (counts(&stores[0]), counts(&stores[1]));
        assert!(truth.rows > 5 * 32_768, "{} rows", truth.rows);
        assert_eq!(spilled["positions"], truth.positions.to_string());
        assert_eq!(spilled["duplicates_dropped"], truth.duplicates.to_string());
        assert_eq!(spilled["position_days"], "60");
        assert_eq!(spilled, memory);
        let open = |fw: &Fw| fleetwatch::store::data::DataStore::open(fw.dir.path()).unwrap();
        let (a, b) = (open(&stores[0]), open(&stores[1]));
        assert_eq!(a.manifest.positions, b.manifest.positions);
        for day in a.manifest.positions.keys() {
            assert_eq!(
                a.positions_of_day(*day).unwrap(),
                b.positions_of_day(*day).unwrap(),
                "{day}"
            );
        }
        let leftovers: Vec<_> = walk(stores[1].dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // Read back a slice of vessels at a time through a small staging budget, as the
        // port-call report reads a window of days: the same rows as reading it whole.
        let days: Vec<_> = b.manifest.positions.keys().copied().collect();
        let dir = tempfile::tempdir().unwrap();
        let staging = fleetwatch::spool::Staging::in_dir(dir.path(), 5_000).unwrap();
        let by_vessel = b
            .positions_by_vessel(
                days.iter().copied(),
                fleetwatch::store::tables::Columns::All,
                &|_| true,
                &staging,
            )
            .unwrap();
        let mut rows = Vec::new();
        let slices = by_vessel.vessel_slices(20_000, &|_| true);
        assert!(slices.len() > 5, "{} slices", slices.len());
        // The buffers are reused from slice to slice, as the report does.
        let (mut sets, mut merged) = (Vec::new(), Vec::new());
        for slice in &slices {
            rows.extend_from_slice(by_vessel.vessel_rows(slice, &mut sets, &mut merged).unwrap());
        }
        assert!(dir.path().join("spool-0.bin").exists(), "nothing spilled");
        assert_eq!(rows, b.positions_of_days(days.into_iter()).unwrap().rows);
    }

    #[test]
    fn appending_to_stored_days_through_a_small_buffer_stores_what_memory_would() {
        // Two files over overlapping days (some rows of the second repeat the first's):
        // the second is merged into days already stored, whose rows are then read back
        // through the staging budget (spilled with a 1 MiB buffer).
        let file = |seed, days| {
            let (files, _) = generate(&Scenario {
                seed,
                vessels: 60,
                days,
                days_per_file: days,
                interval_min: 30,
                ..Scenario::default()
            });
            files.into_iter().next().unwrap()
        };
        let (first, second) = (file(7, 20), file(7, 30));
        let stores = in_memory_and_spilled(&[first, second]);
        assert_eq!(counts(&stores[0]), counts(&stores[1]));
        assert_ne!(counts(&stores[1])["duplicates_dropped"], "0", "the files overlap");
        let open = |fw: &Fw| fleetwatch::store::data::DataStore::open(fw.dir.path()).unwrap();
        let (a, b) = (open(&stores[0]), open(&stores[1]));
        assert_eq!(a.manifest.positions, b.manifest.positions);
        for day in a.manifest.positions.keys() {
            let rows = b.positions_of_day(*day).unwrap();
            assert!(
                crate::every(rows.rows.windows(2), |w| (w[0].mmsi, w[0].ts_ms)
                    < (w[1].mmsi, w[1].ts_ms)),
                "{day}"
            );
            assert_eq!(a.positions_of_day(*day).unwrap(), rows, "{day}");
        }
    }

    #[test]
    fn ingesting_the_scenario_again_changes_nothing() {
        let fw = Fw::new();
        let s = Scenario {
            days: 20,
            days_per_file: 10,
            ..Scenario::default()
        };
        ingest_scenario(&fw, &s);
        let before = status(&fw);
        let renames = fw.run(&["report", "renames", "--format", "csv"]).stdout;
        ingest_scenario(&fw, &s);
        assert_eq!(status(&fw), before);
        assert_eq!(fw.run(&["report", "renames", "--format", "csv"]).stdout, renames);
    }

    #[test]
    fn a_killed_ingest_leaves_the_previous_state_readable() {
        let fw = Fw::new();
        let small = Scenario {
            days: 5,
            days_per_file: 5,
            ..Scenario::default()
        };
        let first = ingest_scenario(&fw, &small);
        let before = status(&fw);
        assert_eq!(before["positions"], first.positions.to_string());
        let big = Scenario {
            seed: 11,
            vessels: 120,
            days: 20,
            days_per_file: 20,
            interval_min: 10,
            start_day: small.start_day + 30,
            noise: false,
            meetings: false,
        };
        let (files, truth) = generate(&big);
        let path = fw.dir.path().join("big.csv");
        std::fs::write(&path, &files[0].1).unwrap();
        // Killed at each named point of the write (a small buffer, so that positions
        // also wait in a staging directory): the previous state stays, whole.
        let mut stopped = 0;
        for point in ["ingest-read", "ingest-before-manifest"] {
            let run = fw
                .command()
                .args(["ingest", "--buffer", "1", path.to_str().unwrap()])
                .env("FLEETWATCH_CRASH_AT", point)
                .output()
                .unwrap();
            assert!(!run.status.success(), "{point}: the ingest was not stopped");
            stopped += 1;
            let staged = walk(fw.dir.path())
                .iter()
                .any(|p| p.to_string_lossy().contains(".tmp-staging-"));
            assert!(staged, "{point}: nothing was left in a staging directory");
            if point == "ingest-before-manifest" {
                let written = walk(fw.dir.path())
                    .iter()
                    .filter(|p| p.to_string_lossy().contains("part-000002"))
                    .count();
                assert!(written > 0, "no data file of the stopped ingest was written");
            }
            assert_eq!(status(&fw), before, "{point}: the store changed");
        }
        assert_eq!(stopped, 2);
        let run = fw.run(&["ingest", path.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let after = status(&fw);
        assert_eq!(after["positions"], (first.positions + truth.positions).to_string());
        let leftovers: Vec<_> = walk(fw.dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }
}
