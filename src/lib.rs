//! fleetwatch: sanctions and shadow-fleet vessel tracking.
//!
//! The library face that the binary, tests and benchmarks use. Dependencies point one
//! way, from the bottom up (the `layering` test below holds the code to it):
//!
//! 1. `model` (domain types), `columns` (CSV by header name), `error`, `pool` (work on
//!    every core): no I/O, import nothing of the crate but each other;
//! 2. `spool`: positions in bounded memory, for readers, the store and detection;
//! 3. `ingest` (input readers), `lists` (list loaders), `sources` (the config and
//!    downloads of `refresh`);
//! 4. `store`: the data directory (it reads list versions with `lists`);
//! 5. `matching`, `track`: joins, scores, port calls, timelines; no I/O;
//! 6. `report` (rows and writers), `synth` (generated test and benchmark data) and
//!    `readers` (every reader of outside data behind one face, for fuzzing);
//! 7. `cli` (clap definitions), then `settings`, then `commands`, the only code that
//!    prints.

pub mod cli;
pub mod columns;
pub mod commands;
pub mod error;
pub mod ingest;
pub mod lists;
pub mod matching;
pub mod model;
pub mod pool;
pub mod readers;
pub mod report;
pub mod settings;
pub mod sources;
pub mod spool;
pub mod store;
pub mod synth;
pub mod track;

#[cfg(test)]
mod layering {
    use std::path::Path;

    /// Each module's layer: a module may import from its own layer's peers only where
    /// listed in `PEERS`, and from lower layers freely.
    const LAYERS: &[(&str, u8)] = &[
        ("model", 1),
        ("columns", 1),
        ("error", 1),
        ("pool", 1),
        ("spool", 2),
        ("ingest", 3),
        ("lists", 3),
        ("sources", 3),
        ("store", 4),
        ("matching", 5),
        ("track", 5),
        ("report", 6),
        ("readers", 6),
        ("synth", 6),
        ("cli", 7),
        ("settings", 8),
        ("commands", 9),
    ];
    /// Imports within one layer that are allowed: (from, to).
    const PEERS: &[(&str, &str)] = &[("model", "error")];

    fn layer(module: &str) -> u8 {
        LAYERS
            .iter()
            .find(|(m, _)| *m == module)
            .map_or_else(|| panic!("module {module} has no layer in LAYERS"), |(_, l)| *l)
    }

    /// The `.rs` files of a module (`src/NAME.rs`, or everything under `src/NAME/`).
    fn files(src: &Path, module: &str) -> Vec<std::path::PathBuf> {
        let single = src.join(format!("{module}.rs"));
        if single.exists() {
            return vec![single];
        }
        let mut out = Vec::new();
        let mut stack = vec![src.join(module)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "rs") {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The crate modules a file's code (its tests left out: they may use any layer's
    /// generators and fixtures) names as `crate::NAME`.
    fn imports(text: &str) -> Vec<String> {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        let mut out: Vec<String> = code
            .match_indices("crate::")
            .map(|(i, m)| {
                code[i + m.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_import_points_down_the_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        let mut checked = 0;
        for (module, level) in LAYERS {
            for file in files(&src, module) {
                let text = std::fs::read_to_string(&file).unwrap();
                for to in imports(&text) {
                    checked += 1;
                    if to == *module {
                        continue;
                    }
                    let allowed = layer(&to) < *level || PEERS.contains(&(*module, to.as_str()));
                    if !allowed {
                        wrong.push(format!("{} imports crate::{to}", file.display()));
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} imports read");
        assert!(
            wrong.is_empty(),
            "imports that run up the layers:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn the_check_sees_an_import_that_runs_up() {
        let text =
            "use crate::model::ais::Fix;\nuse crate::ingest::portcalls::X;\n#[cfg(test)]\nuse crate::synth::Rng;";
        assert_eq!(imports(text), ["ingest", "model"]);
        assert!(layer("ingest") > layer("spool"));
    }

    #[test]
    fn every_module_of_the_crate_has_a_layer() {
        let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
        for line in lib.lines().filter_map(|l| l.strip_prefix("pub mod ")) {
            layer(line.trim_end_matches(';'));
        }
    }
}
