//! The bounds on the work of one file and of one run (issue 11.4): a file of many documents
//! each within its alias budget, many files each within every per-file bound. Each is a
//! located finding, the same whatever the thread count. Memory and time are measured by
//! `bench/hostile.sh`, not here.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const POLICY: (&str, &str) = ("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\n");

/// A CI document that anchors a list of ten and expands it `copies` × 10 times.
fn aliased_ci(name: &str, copies: usize) -> String {
    format!(
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {{name: {name}}}\nspec:\n  class: demo/x\n  owner: sre\n  attributes:\n    l: &l [a, b, c, d, e, f, g, h, i, j]\n    m: &m [*l, *l, *l, *l, *l, *l, *l, *l, *l, *l]\n    copies: [{}]\n",
        vec!["*m"; copies].join(", ")
    )
}

fn with_team(dir: &Path) {
    write(dir, &[POLICY, ("team.yaml", "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\n")]);
}

/// Runs validate with one thread and with four, checks both give the same bytes, and returns
/// the report.
fn validate_deterministic(dir: &Path) -> (i32, Value) {
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let mut cmd = assert_cmd::Command::cargo_bin("cairn").unwrap();
        let out = cmd
            .current_dir(dir)
            .args(["validate", "--format", "json"])
            .env("CAIRN_TODAY", TODAY)
            .env("RAYON_NUM_THREADS", threads)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        outputs.push(out);
    }
    assert_eq!(outputs[0].stdout, outputs[1].stdout, "output depends on the thread count");
    let code = outputs[0].status.code().unwrap();
    (code, serde_json::from_slice(&outputs[0].stdout).unwrap())
}

fn located(report: &Value, code: &str) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| (d["file"].as_str().unwrap().to_owned(), d["line"].as_u64().unwrap_or(0)))
        .collect()
}

#[test]
fn many_documents_each_within_the_alias_budget_hit_the_file_bound() {
    // 3,000 documents, each expanding 9,989 alias nodes (under the 10,000 per document): about
    // 30 million nodes from a 1.2 MB file before the bound; 2,000,000 with it.
    let dir = tempfile::tempdir().unwrap();
    with_team(dir.path());
    let one = aliased_ci("ci-{i}", 89);
    let mut text = String::new();
    for i in 0..3_000 {
        text.push_str("---\n");
        text.push_str(&one.replace("{i}", &i.to_string()));
    }
    std::fs::write(dir.path().join("bomb.yaml"), text).unwrap();
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["file-too-complex"], "{report:#}");
    let found = located(&report, "file-too-complex");
    // About 10,000 nodes per document: reading stops in the 200th document, on its last line
    // (the 11th of each: `---` and ten lines).
    assert_eq!(found, [("bomb.yaml".to_owned(), 199 * 11 + 11)], "{report:#}");
    // The documents before the bound were read.
    assert_eq!(report["summary"]["entities"], 2 + 199);
}

#[test]
fn the_file_bound_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    with_team(dir.path());
    write(dir.path(), &[("cairn.yaml", "limits: {maxFileNodes: 2500}\n")]);
    // About 1,130 nodes per document: the third passes 2,500.
    let text = format!("{}---\n{}---\n{}", aliased_ci("a", 9), aliased_ci("b", 9), aliased_ci("c", 9));
    write(dir.path(), &[("cis.yaml", &text)]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["file-too-complex"], "{report:#}");
    assert_eq!(report["summary"]["entities"], 2 + 2);
}

#[test]
fn many_files_each_within_every_file_bound_hit_the_run_bound() {
    // 60 files of about 10,000 nodes each: 594,000 nodes against a run budget of 300,000.
    let dir = tempfile::tempdir().unwrap();
    with_team(dir.path());
    write(dir.path(), &[("cairn.yaml", "limits: {maxTotalNodes: 300000}\n")]);
    for i in 0..60 {
        write(dir.path(), &[(&format!("cmdb/ci-{i:02}.yaml"), &aliased_ci(&format!("ci-{i:02}"), 89))]);
    }
    let (code, report) = validate_deterministic(dir.path());
    assert_eq!(code, 1);
    let found = located(&report, "input-too-large");
    assert!(!found.is_empty(), "{report:#}");
    assert!(codes(&report).iter().all(|c| c == "input-too-large"), "{report:#}");
    // Files are cut in path order: every file before the first one cut is read.
    let first_cut: usize = found[0].0.trim_start_matches("cmdb/ci-")[..2].parse().unwrap();
    let entities = report["summary"]["entities"].as_u64().unwrap();
    assert!(entities >= 2 + first_cut as u64, "{entities} entities, first cut at {first_cut}");
    assert!(entities < 2 + 60);
}

#[test]
fn files_past_the_run_byte_budget_are_not_read_and_are_named() {
    let dir = tempfile::tempdir().unwrap();
    with_team(dir.path());
    write(dir.path(), &[("cairn.yaml", "limits: {maxTotalSize: 2000}\n")]);
    for i in 0..10 {
        let text = format!(
            "apiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: t{i}\n  description: {}\n",
            "x".repeat(400)
        );
        write(dir.path(), &[(&format!("teams/t{i}.yaml"), &text)]);
    }
    let (code, report) = validate_deterministic(dir.path());
    assert_eq!(code, 1);
    let found = located(&report, "input-too-large");
    // policy.yaml, team.yaml sort after teams/…: "policy.yaml" < "team.yaml" < "teams/t0.yaml".
    // ~80 + ~55 bytes, then 4 files of ~450 bytes fit in 2,000.
    let cut: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        cut,
        [
            "teams/t4.yaml",
            "teams/t5.yaml",
            "teams/t6.yaml",
            "teams/t7.yaml",
            "teams/t8.yaml",
            "teams/t9.yaml"
        ]
    );
    assert_eq!(report["summary"]["entities"], 2 + 4);
}

#[test]
fn the_gate_fails_closed_when_the_head_is_past_a_bound() {
    let dir = repo();
    with_team(dir.path());
    commit(dir.path(), "base");
    let mut text = String::new();
    for i in 0..400 {
        text.push_str("---\n");
        text.push_str(&aliased_ci(&format!("ci-{i}"), 89));
    }
    write(dir.path(), &[("bomb.yaml", &text)]);
    commit(dir.path(), "bomb");
    let (code, verdict) =
        json(dir.path(), &["gate", "--base", "HEAD~1", "--head", "HEAD", "--now", "2026-12-01T12:00:00Z"]);
    assert_eq!(code, 1, "{verdict:#}");
    assert_eq!(verdict["verdict"], "block");
    assert!(verdict.to_string().contains("file-too-complex"), "{verdict:#}");
}

#[test]
fn two_hundred_thousand_unknown_fields_cost_a_thousand_findings() {
    // Before the bound, findings were deduplicated pairwise: 200,000 unknown fields took hours.
    let dir = tempfile::tempdir().unwrap();
    with_team(dir.path());
    let mut text = String::from("apiVersion: cairn/v1\nkind: Team\nmetadata: {name: noisy}\nspec:\n");
    for i in 0..200_000 {
        text.push_str(&format!("  u{i:06}: 1\n"));
    }
    write(dir.path(), &[("noisy.yaml", &text)]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    let found = located(&report, "unknown-field");
    assert_eq!(found.len(), 1_000);
    assert_eq!(found[0], ("noisy.yaml".to_owned(), 5));
    let last = &report["diagnostics"][999]["notes"];
    assert!(last.to_string().contains("199000 more schema findings"), "{last}");
}
