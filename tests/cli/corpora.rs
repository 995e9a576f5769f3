//! The fuzz corpora (`fuzz/corpus/TARGET/`) and the inputs that once crashed a reader
//! (`fuzz/regressions/TARGET/`) replayed through the readers on stable, as the fuzz
//! targets run them: each reader reads or refuses every input, and never panics.

use std::path::Path;

use fleetwatch::readers::Reader;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_reader_has_a_corpus_and_reads_or_refuses_all_of_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut read = 0;
    for reader in Reader::ALL {
        let corpus = inputs(&root.join("corpus").join(reader.name()));
        assert!(!corpus.is_empty(), "fuzz/corpus/{} is empty", reader.name());
        let regressions = inputs(&root.join("regressions").join(reader.name()));
        let mut accepted = 0;
        for path in corpus.iter().chain(&regressions) {
            let bytes = std::fs::read(path).unwrap();
            let outcome = std::panic::catch_unwind(|| reader.read(&bytes));
            let result = outcome.unwrap_or_else(|_| panic!("{} panicked on {}", reader.name(), path.display()));
            accepted += usize::from(result.is_ok());
            read += 1;
        }
        // A corpus the reader refuses whole would fuzz nothing but its first check.
        assert!(accepted > 0, "{}: no input of its corpus is read", reader.name());
    }
    assert!(read > 100, "only {read} inputs replayed");
}
