//! What packaging gives users, exercised as they would: shell completions and man pages (and
//! their copies in docs/, which must not drift from the command line), formats offered only
//! where they work, and progress that only a person at a terminal sees.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// `cairn SUBCOMMAND --out DIR` in a temporary directory, compared with `docs/NAME`.
fn assert_generated_matches(subcommand: &str, name: &str) {
    let out = tempfile::tempdir().unwrap();
    let output = cairn(out.path(), &[subcommand, "--out", "generated"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let generated = files_in(&out.path().join("generated"));
    assert!(generated.len() >= 4, "{generated:?}");
    let committed = files_in(&root().join("docs").join(name));
    let stale: Vec<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|file| generated.get(*file) != committed.get(*file))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/{name}/ is stale for {stale:?}: run `cargo run -- {subcommand} --out docs/{name}`"
    );
}

#[test]
fn man_pages_in_docs_match_the_command_line() {
    assert_generated_matches("man", "man");
    // man(1) reads pages as plain ASCII roff unless told otherwise: `…` in a flag's help
    // became a warning and garbage there.
    for (name, text) in files_in(&root().join("docs/man")) {
        assert!(text.is_ascii(), "docs/man/{name} has non-ASCII text");
    }
}

#[test]
fn completions_in_docs_match_the_command_line() {
    assert_generated_matches("completions", "completions");
}

#[test]
fn every_shell_gets_a_completion_script() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_cairn()"),
        ("zsh", "#compdef cairn"),
        ("fish", "complete -c cairn"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = cairn(dir.path(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = stdout(&output);
        assert!(text.contains(marker), "{shell}: {text:.200}");
        // Every command is completed, including those added after this test was written.
        assert!(
            text.contains("validate") && text.contains("completions") && text.contains("gate"),
            "{shell}"
        );
    }
    let output = cairn(dir.path(), &["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_man_page_names_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = cairn(dir.path(), &["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(page.starts_with(".ie") || page.contains(".TH cairn 1"), "{page:.200}");
    for command in ["validate", "impact", "gate", "render", "policy", "completions", "man"] {
        assert!(page.contains(command), "{command} is missing from cairn.1");
    }
}

#[test]
fn help_offers_only_the_formats_each_command_writes() {
    let dir = tempfile::tempdir().unwrap();
    for (args, absent, present) in [
        (&["impact", "--help"][..], &["sarif", "gitlab"][..], &["json", "markdown", "github"][..]),
        (&["gate", "--help"], &["sarif", "gitlab"], &["json", "markdown", "github"]),
        (&["policy", "test", "--help"], &["sarif", "gitlab", "markdown", "github"], &["json"]),
        (&["validate", "--help"], &[], &["sarif", "gitlab", "markdown", "github", "json"]),
    ] {
        let output = cairn(dir.path(), args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let help = stdout(&output);
        let formats =
            help.lines().skip_while(|l| !l.contains("--format")).take(3).collect::<Vec<_>>().join(" ");
        for name in absent {
            assert!(!formats.contains(name), "{args:?} offers {name}: {formats}");
        }
        for name in present {
            assert!(formats.contains(name), "{args:?} does not offer {name}: {formats}");
        }
    }
    // And what is not offered is a usage error, said as one.
    let output = cairn(dir.path(), &["gate", "--base", "a", "--head", "b", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid value 'sarif'"));
}

/// A repository of `n` teams, one a file, and a policy.
fn organisation(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\n")]);
    for i in 0..n {
        let text = format!("apiVersion: cairn/v1\nkind: Team\nmetadata: {{name: team-{i}}}\n");
        std::fs::write(dir.path().join(format!("team-{i}.yaml")), text).unwrap();
    }
    dir
}

#[test]
fn a_pipe_gets_no_progress() {
    let dir = organisation(400);
    for args in [&["validate"][..], &["validate", "--format", "json"], &["render", "--out", "site"]] {
        let output = cairn(dir.path(), args);
        assert!(output.status.code().is_some_and(|c| c <= 1), "{args:?}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(!err.contains('\r') && !err.contains("reading"), "{args:?}: {err}");
    }
}

/// Runs cairn under a pseudo-terminal (util-linux `script`), outside CI; `None` without
/// `script`.
fn at_a_terminal(dir: &Path, args: &str) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("cairn");
    let line = format!("{} {args} > /dev/null", bin.display());
    let output = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(dir)
        .env_remove("CI")
        .env("TERM", "xterm")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_terminal_gets_progress_unless_quiet() {
    let dir = organisation(50);
    let Some(shown) = at_a_terminal(dir.path(), "validate") else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    assert!(shown.contains("reading: 0/51") || shown.contains("reading: "), "{shown:?}");
    // Erased before the report: the last thing drawn on the line clears it.
    assert!(shown.contains("\r\x1b[2K"), "{shown:?}");
    for args in ["validate --quiet", "validate --format json", "-q render --out site"] {
        let shown = at_a_terminal(dir.path(), args).unwrap();
        assert!(!shown.contains("reading"), "{args}: {shown:?}");
    }
}
