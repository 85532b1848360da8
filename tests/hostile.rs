//! Hostile files are ordinary input: each gives diagnostics and exit 0 or 1, never a crash or a
//! hang (the helper kills a run after 120 s and fails the test).

mod common;

use common::*;
use std::io::Write;

fn run_on(files: &[(&str, &[u8])]) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\n")]);
    for (path, bytes) in files {
        std::fs::write(dir.path().join(path), bytes).unwrap();
    }
    json(dir.path(), &["validate"])
}

fn first(report: &serde_json::Value) -> (String, u64, u64) {
    let d = &report["diagnostics"][0];
    (d["code"].as_str().unwrap().to_owned(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap())
}

#[test]
fn an_alias_bomb_is_stopped() {
    let mut text = String::from("apiVersion: cairn/v1\nkind: Team\nmetadata: {name: lol}\nspec:\n  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("  x{i}: &a{i} [{refs}]\n"));
    }
    let (code, report) = run_on(&[("bomb.yaml", text.as_bytes())]);
    assert_eq!(code, 1);
    assert_eq!(first(&report).0, "yaml-alias-limit");
}

#[test]
fn nesting_a_hundred_thousand_deep_is_a_diagnostic() {
    let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let block: String = "- ".repeat(100_000) + "x\n";
    let mapping = format!("{}{}", "{a: ".repeat(100_000), "}".repeat(100_000));
    let (code, report) = run_on(&[
        ("flow.yaml", flow.as_bytes()),
        ("block.yaml", block.as_bytes()),
        ("map.yaml", mapping.as_bytes()),
    ]);
    assert_eq!(code, 1);
    let codes = codes(&report);
    assert!(codes.iter().all(|c| c == "yaml-too-deep" || c == "yaml-syntax"), "{codes:?}");
    let files: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert!(files.contains(&"flow.yaml") && files.contains(&"block.yaml"), "{files:?}");
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let big = "# padding\n".repeat(3_500_000); // 35 MB
    let (code, report) = run_on(&[("big.yaml", big.as_bytes())]);
    assert_eq!(code, 1);
    assert_eq!(first(&report), ("file-too-large".to_owned(), 1, 1));
}

#[test]
fn files_that_are_not_text_are_named() {
    let (code, report) = run_on(&[
        ("latin1.yaml", b"apiVersion: cairn/v1\nkind: Team\nmetadata: {name: caf\xe9}\n"),
        ("binary.yaml", &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe]),
        ("nul.yaml", b"apiVersion: cairn/v1\nkind: Team\x00\n"),
    ]);
    assert_eq!(code, 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 3, "{report:#}");
    for d in diagnostics {
        assert_eq!(d["code"], "invalid-utf8");
    }
    let latin1 = diagnostics.iter().find(|d| d["file"] == "latin1.yaml").unwrap();
    assert_eq!((latin1["line"].as_u64(), latin1["column"].as_u64()), (Some(3), Some(21)));
    let nul = diagnostics.iter().find(|d| d["file"] == "nul.yaml").unwrap();
    assert_eq!((nul["line"].as_u64(), nul["column"].as_u64()), (Some(2), Some(11)));
}

#[test]
fn a_symlink_out_of_the_repository_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "apiVersion: cairn/v1\nkind: Nope\n").unwrap();
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), dir.path().join("leak.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("leakdir")).unwrap();
    std::os::unix::fs::symlink("teams.yaml", dir.path().join("alias.yaml")).unwrap();
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 0, "warnings only: {report:#}");
    // `leakdir` is a link to a directory: not followed, and not a file cairn would read.
    assert_eq!(codes(&report), ["symlink-outside-repository"]);
    assert_eq!(report["diagnostics"][0]["file"], "leak.yaml");

    // The same from git objects: the link is a blob holding its target, never followed.
    commit(dir.path(), "links");
    let (code, from_git) = json(dir.path(), &["validate", "--rev", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(from_git, report);
}

#[test]
fn twenty_thousand_documents_in_one_file_are_read() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("---\napiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: team-{i}\n"));
    }
    let (code, report) = run_on(&[("teams.yaml", text.as_bytes())]);
    assert_eq!(code, 0, "{:#}", report["diagnostics"][0]);
    assert_eq!(report["summary"]["entities"], 20_001);
}

#[test]
fn twenty_thousand_findings_in_one_file_are_each_located() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "---\napiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: team-{i}\n  nmae: x\n"
        ));
    }
    let (code, report) = run_on(&[("teams.yaml", text.as_bytes())]);
    assert_eq!(code, 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 20_000);
    let last = &diagnostics[19_999];
    assert_eq!(
        (last["code"].as_str(), last["line"].as_u64(), last["column"].as_u64()),
        (Some("unknown-field"), Some(6 * 20_000), Some(3))
    );
}

#[test]
fn the_yaml_test_suite_never_breaks_the_loader() {
    // Every case of the YAML community's suite as a file of one repository: every file gets
    // either documents or located diagnostics, and the process survives.
    // The suite lies beside the repository only in this project's CI (`.ci/run` fails without
    // it); a clone with nothing beside it skips this case and says so.
    let suite = root().join("../shared/data/yaml-test-suite");
    if !suite.is_dir() {
        // Straight to stderr, past the test harness's capture, so that `cargo test` shows it.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the YAML test suite is not at {} (only this project's CI provides it)",
            suite.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(&suite).unwrap() {
        let case = entry.unwrap().path();
        let input = case.join("in.yaml");
        if let Ok(bytes) = std::fs::read(&input) {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            std::fs::write(dir.path().join(format!("{name}.yaml")), bytes).unwrap();
            count += 1;
        }
    }
    assert!(count > 300, "only {count} cases found");
    let (code, report) = json(dir.path(), &["validate"]);
    assert!(code == 0 || code == 1);
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1, "{d}");
    }
}
