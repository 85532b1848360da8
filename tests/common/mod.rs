//! Helpers shared by the end-to-end tests: the real binary, real files, real git.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use assert_cmd::prelude::*;

/// The day date-based checks compare with in tests, so outputs never age.
pub const TODAY: &str = "2026-11-22";

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cairn ARGS` in `dir`, with a generous hang guard (not a speed check).
pub fn cairn(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("cairn").expect("binary built");
    cmd.current_dir(dir).args(args).env("CAIRN_TODAY", TODAY).env("NO_COLOR", "1");
    cmd.env_remove("GITHUB_STEP_SUMMARY");
    let mut child =
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().expect("spawn");
    // Drain both pipes while waiting, or a large report would fill a pipe and block the child.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("cairn {args:?} did not finish within 120 s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output { status, stdout: out.join().expect("stdout"), stderr: err.join().expect("stderr") }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs cairn with `--format json` and parses the output.
pub fn json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let output = cairn(dir, &all);
    let code = output.status.code().expect("exit code");
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\nstderr: {}", stdout(&output), String::from_utf8_lossy(&output.stderr))
    });
    (code, value)
}

/// The codes of a validate JSON report, in order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_owned())
        .collect()
}

/// Writes `files` (path, contents) under `dir`.
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// Runs git in `dir`, failing the test if git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A new git repository in a temp dir.
pub fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// Commits everything in `dir`.
pub fn commit(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A small valid organisation: a policy, two teams, a service on a CI.
pub const SMALL_ORG: &[(&str, &str)] = &[
    (
        "policy.yaml",
        "apiVersion: cairn/v1\nkind: Policy\nmetadata:\n  name: change-policy\nspec:\n  owners: [team:governance]\n",
    ),
    (
        "teams.yaml",
        "apiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: governance\nspec:\n  members:\n    - login: alice\n---\napiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: payments\nspec:\n  members:\n    - login: bob\n",
    ),
    (
        "services/checkout.yaml",
        "apiVersion: cairn/v1\nkind: Service\nmetadata:\n  name: checkout\n  title: Checkout\nspec:\n  owner: team:payments\n  tier: 2\n  dependsOn: [ci:pg-main]\n",
    ),
    (
        "cmdb/pg-main.yaml",
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata:\n  name: pg-main\nspec:\n  class: database/postgres\n  owner: payments\n  environment: production\n",
    ),
];

/// The rule called `name` in a gate verdict (JSON).
pub fn rule<'a>(verdict: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    verdict["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no rule {name}: {verdict:#}"))
}
