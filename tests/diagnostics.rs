//! One fixture per diagnostic code (`examples/diagnostics/<code>/`): each produces its code, and
//! the human rendering of it is snapshotted. Codes that cannot be shown by a small file are
//! exercised by generated inputs below.

mod common;

use cairn::diag::Code;
use common::*;

/// Codes whose situation cannot be written down as a small fixture.
const GENERATED: &[Code] = &[Code::IoError, Code::TooManyDocuments, Code::UnprintablePath];

/// Codes `cairn conflicts` reports (their fixtures validate clean).
const CONFLICTS: &[Code] = &[
    Code::AlreadyScheduled,
    Code::ParentAlreadyScheduled,
    Code::ChildAlreadyScheduled,
    Code::Blackout,
    Code::OutsideMaintenanceWindow,
];

/// The present the conflict fixtures are checked at (their windows are later).
const NOW: &str = "2026-12-01T00:00:00Z";

/// The conflict fixtures validate clean and show their code, and only it, under `cairn conflicts`.
#[test]
fn every_conflict_fixture_produces_its_code() {
    for &code in CONFLICTS {
        let dir = root().join("examples/diagnostics").join(code.name());
        let (exit, report) = json(&dir, &["validate"]);
        assert_eq!((exit, codes(&report)), (0, Vec::<String>::new()), "{code}: validate is not clean");
        let (exit, report) = json(&dir, &["conflicts", "--now", NOW]);
        let found: Vec<&str> = report["conflicts"]
            .as_array()
            .expect("conflicts")
            .iter()
            .filter_map(|c| c["type"].as_str())
            .collect();
        assert_eq!((exit, found), (1, vec![code.name()]), "{code}");
        let human = stdout(&cairn(&dir, &["conflicts", "--now", NOW, "--color", "never"]));
        insta::assert_snapshot!(format!("human-{}", code.name()), human);
    }
}

/// Codes of `cairn import`: their fixtures are sources to import, not repositories.
const IMPORT: &[Code] = &[
    Code::ImportUnmapped,
    Code::ImportUnresolved,
    Code::ImportNameCollision,
    Code::ImportUnknownClass,
    Code::ImportLocationTarget,
    Code::ImportInvalidSource,
];

#[test]
fn every_code_has_an_explanation_and_a_fixture() {
    for code in Code::ALL {
        let text = code.explanation();
        assert!(
            text.starts_with(&format!("# {}\n", code.name())),
            "{code}: explanation must start with its title"
        );
        assert!(text.lines().count() >= 5, "{code}: explanation is a placeholder");
        let dir = root().join("examples/diagnostics").join(code.name());
        assert!(dir.is_dir(), "{code}: no fixture directory {}", dir.display());
    }
}

#[test]
fn every_fixture_produces_its_code() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        if GENERATED.contains(&code) || CONFLICTS.contains(&code) {
            continue;
        }
        let dir = root().join("examples/diagnostics").join(code.name());
        let out = tempfile::tempdir().unwrap();
        let out_dir = out.path().to_string_lossy().into_owned();
        let (exit, report) = if !IMPORT.contains(&code) {
            json(&dir, &["validate"])
        } else if dir.join("cmdb_ci.json").exists() {
            json(&dir, &["import", "servicenow", "--cis", "cmdb_ci.json", "--out", &out_dir])
        } else {
            json(&dir, &["import", "backstage", ".", "--out", &out_dir])
        };
        let found = codes(&report);
        if !found.iter().any(|c| c == code.name()) {
            failures.push(format!("{code}: got {found:?}"));
            continue;
        }
        let extra: Vec<&String> = found.iter().filter(|c| *c != code.name()).collect();
        if !extra.is_empty() {
            failures.push(format!("{code}: also got {extra:?}"));
        }
        let expected_exit = i32::from(code.default_severity() == cairn::diag::Severity::Error);
        if exit != expected_exit {
            failures.push(format!("{code}: exit {exit}, expected {expected_exit}"));
        }
        if IMPORT.contains(&code) {
            continue;
        }
        let human = stdout(&cairn(&dir, &["validate", "--color", "never"]));
        insta::assert_snapshot!(format!("human-{}", code.name()), human);
    }
    assert!(failures.is_empty(), "fixtures that do not show their code:\n{}", failures.join("\n"));
}

#[test]
fn explain_prints_the_explanation() {
    let output = cairn(&root(), &["explain", "duplicate-key"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("# duplicate-key\n"), "{text}");
    assert!(text.contains("examples/diagnostics/duplicate-key/"));
    let unknown = cairn(&root(), &["explain", "duplicate-kee"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `duplicate-key`"));
    let list = stdout(&cairn(&root(), &["explain", "--list"]));
    assert_eq!(list.lines().count(), Code::ALL.len());
}

#[test]
fn too_many_documents_stops_reading_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\n")]);
    std::fs::write(dir.path().join("many.yaml"), "---\n".repeat(100_001)).unwrap();
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["too-many-documents"]);
}

#[test]
fn a_blob_missing_from_git_is_an_io_error() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    commit(dir.path(), "org");
    let blob = git(dir.path(), &["rev-parse", "HEAD:services/checkout.yaml"]);
    std::fs::remove_file(dir.path().join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let (code, report) = json(dir.path(), &["validate", "--rev", "HEAD"]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["code"], "io-error");
    assert_eq!(report["diagnostics"][0]["file"], "services/checkout.yaml");
}
