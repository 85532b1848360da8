//! What the loader reads and how it names it, against hostile trees (issue 11): tracked files
//! that ignore rules match, path names that are not printable UTF-8, each tree of a comparison
//! read under its own `cairn.yaml`, and documents that nearly are cairn entities.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const TEAM: &str = "apiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: {name}\n";

fn team(name: &str) -> String {
    TEAM.replace("{name}", name)
}

fn files(report: &Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap().to_owned()).collect()
}

/// A path under `dir` whose last parts are raw bytes (not necessarily UTF-8).
#[cfg(unix)]
fn raw_path(dir: &Path, parts: &[&[u8]]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let mut path = dir.to_path_buf();
    for part in parts {
        path.push(std::ffi::OsStr::from_bytes(part));
    }
    path
}

// 11.7 ---------------------------------------------------------------------------------------

#[test]
fn ignore_rules_never_hide_a_tracked_file() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    write(dir.path(), &[("generated/extra.yaml", &team("extra")), ("local/more.yaml", &team("more"))]);
    commit(dir.path(), "org");
    // Ignore everything, after the fact: git itself still tracks every file above.
    write(dir.path(), &[(".gitignore", "*\n")]);
    std::fs::write(dir.path().join(".git/info/exclude"), "local/\n").unwrap();
    // Untracked and ignored: never read (it would be an error if it were).
    write(dir.path(), &[("scratch.yaml", "apiVersion: cairn/v1\nkind: Nope\n")]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files"], 6, "{report:#}");
    assert_eq!(report["summary"]["entities"], 7, "{report:#}");

    // The same tree from git objects reads the same files.
    let (_, from_git) = json(dir.path(), &["validate", "--rev", "HEAD"]);
    assert_eq!(from_git["summary"], report["summary"]);

    // Untracked files that no rule ignores are read as before.
    std::fs::remove_file(dir.path().join(".gitignore")).unwrap();
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["unknown-kind"]);
    assert_eq!(files(&report), ["scratch.yaml"]);
}

#[test]
fn a_tracked_file_behind_a_link_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "apiVersion: cairn/v1\nkind: Nope\n").unwrap();
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    write(dir.path(), &[("sub/t.yaml", &team("sub"))]);
    commit(dir.path(), "org");
    write(dir.path(), &[(".gitignore", "sub/\n")]);
    // The tracked folder is replaced by a link out of the repository: nothing is read through it.
    std::fs::remove_dir_all(dir.path().join("sub")).unwrap();
    std::fs::create_dir(outside.path().join("sub")).unwrap();
    std::fs::write(outside.path().join("sub/t.yaml"), "apiVersion: cairn/v1\nkind: Nope\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("sub"), dir.path().join("sub")).unwrap();
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["entities"], 5);
}

// 11.8 ---------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn path_names_that_are_not_utf8_are_read_and_reported() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    let folder = raw_path(dir.path(), &[b"caf\xe9"]);
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("team.yaml"), team("cafe")).unwrap();
    // A broken entity in a file whose own name is not UTF-8: its error must be seen.
    std::fs::write(raw_path(dir.path(), &[b"na\xefve.yaml"]), "apiVersion: cairn/v1\nkind: Team\n").unwrap();
    commit(dir.path(), "odd names");

    for args in [&["validate"][..], &["validate", "--rev", "HEAD"][..]] {
        let (code, report) = json(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {report:#}");
        assert_eq!(report["summary"]["entities"], 6, "{args:?}: {report:#}");
        let found: Vec<(String, String)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].as_str().unwrap().to_owned(), d["file"].as_str().unwrap().to_owned()))
            .collect();
        let expected = [
            ("unprintable-path", "caf\\xe9/team.yaml"),
            ("unprintable-path", "na\\xefve.yaml"),
            ("missing-field", "na\\xefve.yaml"),
        ];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(c, f)| (c.to_string(), f.to_string())).collect();
        assert_eq!(found, expected, "{args:?}");
    }

    // Comparing revisions and gating no longer fail on such a folder (exit 2 before).
    std::fs::write(folder.join("team.yaml"), team("cafe").replace("cafe", "cafe\n  title: Café")).unwrap();
    commit(dir.path(), "retitle");
    let (code, impact) = json(dir.path(), &["impact", "--base", "HEAD~1", "--head", "HEAD"]);
    assert!(code == 0 || code == 1, "{impact:#}");
    let changed: Vec<&str> =
        impact["changed"].as_array().unwrap().iter().map(|c| c["ref"].as_str().unwrap()).collect();
    assert_eq!(changed, ["team:cafe"], "{impact:#}");
    let (code, verdict) =
        json(dir.path(), &["gate", "--base", "HEAD~1", "--head", "HEAD", "--now", "2026-12-01T12:00:00Z"]);
    assert!(code == 0 || code == 1, "{verdict:#}");
    assert!(verdict["verdict"].is_string(), "{verdict:#}");
}

// 11.13 --------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn control_characters_in_names_are_escaped_in_every_format() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    let name: &[u8] = b"bad\nname\x1b[31m.yaml";
    std::fs::write(raw_path(dir.path(), &[name]), "apiVersion: cairn/v1\nkind: Team\n").unwrap();
    commit(dir.path(), "odd name");
    let shown = "bad\\nname\\u{1b}[31m.yaml";

    let human = stdout(&cairn(dir.path(), &["validate", "--color", "never"]));
    assert!(human.contains(&format!(" --> {shown}:")), "{human}");
    assert!(!human.contains('\x1b'), "{human}");
    assert!(!human.lines().any(|l| l.starts_with("name")), "{human}");

    let (_, report) = json(dir.path(), &["validate"]);
    assert!(files(&report).iter().all(|f| f == shown), "{report:#}");

    let github = stdout(&cairn(dir.path(), &["validate", "--format", "github"]));
    let annotations: Vec<&str> = github.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 2, "{github}");
    for line in github.lines() {
        assert!(!line.starts_with("name"), "a file name split a line: {github}");
    }

    let markdown = stdout(&cairn(dir.path(), &["validate", "--format", "markdown"]));
    assert!(!markdown.contains('\x1b') && !markdown.contains("bad\nname"), "{markdown}");
}

#[test]
fn control_characters_quoted_from_a_file_are_escaped_in_every_format() {
    // A duplicate key's name is quoted in the message; this one would colour the terminal red,
    // forge a second line and reverse what follows.
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[(
            "odd.yaml",
            "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: odd}\nspec:\n  \"k\\e[31m\\nerror: forged\\u202e\": 1\n  \"k\\e[31m\\nerror: forged\\u202e\": 2\n",
        )],
    );
    for format in ["human", "github", "markdown", "gitlab", "sarif", "json"] {
        let mut out = stdout(&cairn(dir.path(), &["validate", "--color", "never", "--format", format]));
        if ["gitlab", "sarif", "json"].contains(&format) {
            // JSON writes a backslash as two, and ESC as `\u001b`, which readers turn back.
            assert!(!out.contains("\\u001b") && !out.contains("\\u202e"), "{format}: {out}");
            out = out.replace("\\\\", "\\");
        }
        assert!(out.contains("k\\u{1b}[31m\\nerror: forged\\u{202e}"), "{format}: {out}");
        assert!(!out.contains('\x1b') && !out.contains('\u{202e}'), "{format}: {out:?}");
        assert!(!out.lines().any(|l| l.starts_with("error: forged")), "{format}: {out}");
    }
}

// 11.9 ---------------------------------------------------------------------------------------

#[test]
fn each_tree_is_read_under_its_own_configuration() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    commit(dir.path(), "base");
    // The pull request tightens the file size bound so much that no file of the head is read.
    write(dir.path(), &[("cairn.yaml", "limits: {maxFileSize: 40}\n")]);
    commit(dir.path(), "tighten");

    let (_, base_alone) = json(dir.path(), &["validate", "--rev", "HEAD~1"]);
    assert_eq!(base_alone["summary"]["entities"], 5);

    let (_, verdict) =
        json(dir.path(), &["gate", "--base", "HEAD~1", "--head", "HEAD", "--now", "2026-12-01T12:00:00Z"]);
    let text = verdict.to_string();
    assert!(!text.contains("no policy at the base revision"), "{verdict:#}");
    // The head's files are too large for the head's own bound: the gate says so, and blocks.
    assert_eq!(verdict["verdict"], "block", "{verdict:#}");
    assert!(text.contains("file-too-large"), "{verdict:#}");
}

// 11.14 --------------------------------------------------------------------------------------

#[test]
fn near_miss_documents_are_errors_and_other_yaml_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\n")]);
    let near_misses = [
        ("key-case.yaml", "apiversion: cairn/v1\nkind: Team\nmetadata: {name: a}\n"),
        ("key-snake.yaml", "api_version: cairn/v1\nkind: Team\nmetadata: {name: b}\n"),
        ("key-bom.yaml", "\"\u{feff}apiVersion\": cairn/v1\nkind: Team\nmetadata: {name: c}\n"),
        ("in-a-list.yaml", "apiVersion: [cairn/v1]\nkind: Team\nmetadata: {name: d}\n"),
        ("upper.yaml", "apiVersion: Cairn/V1\nkind: Team\nmetadata: {name: e}\n"),
        ("blanks.yaml", "apiVersion: \" cairn/v1 \"\nkind: Team\nmetadata: {name: f}\n"),
        ("no-api.yaml", "kind: service\nmetadata: {name: g}\nspec: {owner: x, tier: 1}\n"),
        ("null-api.yaml", "apiVersion:\nkind: Team\nmetadata: {name: h}\n"),
    ];
    let others = [
        (
            "k8s.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n",
        ),
        (
            ".github/workflows/ci.yml",
            "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: cargo test}]\n",
        ),
        ("docker-compose.yml", "services:\n  web: {image: nginx, ports: [\"80:80\"]}\n"),
        ("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [k8s.yaml]\n"),
        ("notes.md", "---\ntitle: Notes\nkind: page\n---\n# Notes\n"),
    ];
    for (path, text) in near_misses.iter().chain(others.iter()) {
        write(dir.path(), &[(path, text)]);
    }
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    let mut flagged = files(&report);
    flagged.dedup();
    let mut expected: Vec<String> = near_misses.iter().map(|(p, _)| p.to_string()).collect();
    expected.sort();
    assert_eq!(flagged, expected, "{report:#}");
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d["line"].as_u64().is_some(), "located: {d:#}");
    }
}
