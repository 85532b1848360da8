//! Replays every fuzz target's seed corpus (fuzz/seeds/TARGET/) and every crash a fuzzing run
//! has found (fuzz/regressions/TARGET/) through the same entry points the fuzz targets call
//! (fuzz/entry.rs), on stable: a fixed crash stays fixed. Fuzzing itself is in fuzz/README.md.

#[path = "../fuzz/entry.rs"]
mod entry;

use std::path::Path;

/// Runs `target` on each file of the target's seeds and regressions; returns how many.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for folder in ["seeds", "regressions"] {
        let dir = root.join(folder).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", file.display());
            count += 1;
        }
    }
    count
}

#[test]
fn validate_file_corpus() {
    assert!(replay("validate_file", entry::validate_file) >= 10);
}

#[test]
fn apply_patch_corpus() {
    assert!(replay("apply_patch", entry::apply_patch) >= 5);
}

#[test]
fn gate_reviews_corpus() {
    assert!(replay("gate_reviews", entry::gate_reviews) >= 5);
}

#[test]
fn import_backstage_corpus() {
    assert!(replay("import_backstage", entry::import_backstage) >= 5);
}

#[test]
fn import_servicenow_corpus() {
    assert!(replay("import_servicenow", entry::import_servicenow) >= 5);
}
