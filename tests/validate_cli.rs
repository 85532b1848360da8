//! `cairn validate` end to end: real files, real git repositories, the real binary.

mod common;

use common::*;

#[test]
fn a_clean_organisation_exits_zero_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files"], 4);
    assert_eq!(report["summary"]["entities"], 5);
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
}

#[test]
fn an_unknown_field_is_reported_at_its_key_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[(
            "services/checkout.yaml",
            "apiVersion: cairn/v1\nkind: Service\nmetadata:\n  name: checkout\nspec:\n  owner: team:payments\n  tier: 2\n  dependOn: [ci:pg-main]\n",
        )],
    );
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "unknown-field");
    assert_eq!(d["file"], "services/checkout.yaml");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(8), Some(3)));
    assert_eq!((d["endLine"].as_u64(), d["endColumn"].as_u64()), (Some(8), Some(11)));

    let github = stdout(&cairn(dir.path(), &["validate", "--format", "github"]));
    assert!(
        github.contains("::error file=services/checkout.yaml,line=8,endLine=8,col=3,endColumn=11"),
        "{github}"
    );
    let human = stdout(&cairn(dir.path(), &["validate"]));
    assert!(human.contains("error[unknown-field]"), "{human}");
    assert!(human.contains("services/checkout.yaml:8:3"), "{human}");
    assert!(human.contains("did you mean `dependsOn`?"), "{human}");

    let sarif: serde_json::Value =
        serde_json::from_str(&stdout(&cairn(dir.path(), &["validate", "--format", "sarif"]))).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 8);
    assert_eq!(region["startColumn"], 3);
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn people_see_paths_as_given_and_tools_from_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("org/x.yaml", "apiVersion: cairn/v1\nkind: Servise\nmetadata: {name: x}\n")]);
    let human = stdout(&cairn(dir.path(), &["validate", "org"]));
    assert!(human.contains("org/x.yaml:2:7"), "{human}");
    // Outside git, the folder checked is the repository.
    let (code, report) = json(dir.path(), &["validate", "org"]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["file"], "x.yaml");
    assert_eq!(report["diagnostics"][0]["code"], "unknown-kind");
    assert_eq!(report["diagnostics"][0]["line"], 2);
    assert_eq!(report["diagnostics"][0]["column"], 7);
    let absolute = dir.path().join("org");
    let (_, report) = json(&root(), &["validate", absolute.to_str().unwrap()]);
    assert_eq!(report["diagnostics"][0]["file"], "x.yaml", "never an absolute path");

    // Inside a git work tree, paths start at its root, wherever cairn runs and however the
    // folder is named, from the working tree or from a revision.
    git(dir.path(), &["init", "-q", "-b", "main"]);
    commit(dir.path(), "org");
    let sub = dir.path().join("org");
    for args in [
        &["validate", "org"][..],
        &["validate", absolute.to_str().unwrap()],
        &["validate", "org", "--rev", "HEAD"],
    ] {
        let (_, report) = json(dir.path(), args);
        assert_eq!(report["diagnostics"][0]["file"], "org/x.yaml", "{args:?}");
    }
    let (_, report) = json(&sub, &["validate"]);
    assert_eq!(report["diagnostics"][0]["file"], "org/x.yaml");
    let github = stdout(&cairn(&sub, &["validate", "--format", "github"]));
    assert!(github.contains("file=org/x.yaml,"), "{github}");
    let human = stdout(&cairn(&sub, &["validate"]));
    assert!(human.contains(" x.yaml:2:7"), "{human}");
}

#[test]
fn other_yaml_is_ignored_but_a_misspelt_api_version_is_not() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[
            ("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"),
            (".github/workflows/ci.yml", "on: [push]\njobs: {}\n"),
            ("docs/readme.md", "# Not an article\n"),
            ("svc.yaml", "apiVersion: cairn/v2\nkind: Service\n"),
        ],
    );
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["unknown-api-version"]);
    assert_eq!(report["diagnostics"][0]["file"], "svc.yaml");
}

#[test]
fn gitignored_files_are_never_read() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[(".gitignore", "build/\n"), ("build/broken.yaml", "apiVersion: cairn/v1\nkind: Nope\n")],
    );
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn markdown_articles_are_located_in_the_markdown_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[(
            "kb/restart.md",
            "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: restart\nspec:\n  owner: team:payments\n  services: [service:chekout]\n---\n# Restarting checkout\n",
        )],
    );
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "unresolved-reference");
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("kb/restart.md"), Some(8), Some(14))
    );
}

#[test]
fn severities_follow_cairn_yaml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(dir.path(), &[("kb/old.md", "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata: {name: old}\nspec: {owner: payments, validTo: 2020-01-01}\n---\nOld.\n")]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!((code, codes(&report)), (0, vec!["kb-expired".to_owned()]));
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
    assert_eq!(cairn(dir.path(), &["validate", "--deny-warnings"]).status.code(), Some(1));

    write(dir.path(), &[("cairn.yaml", "diagnostics:\n  kb-expired: error\n")]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!((code, report["diagnostics"][0]["severity"].as_str()), (1, Some("error")));

    write(dir.path(), &[("cairn.yaml", "diagnostics:\n  kb-expired: off\n")]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!((code, codes(&report).len()), (0, 0));

    write(dir.path(), &[("cairn.yaml", "diagnostics:\n  kb-expird: off\n")]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["file"], "cairn.yaml");
    assert_eq!(report["diagnostics"][0]["line"], 2);
}

#[test]
fn include_and_exclude_globs_choose_the_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[
            ("vendor/x.yaml", "apiVersion: cairn/v1\nkind: Nope\n"),
            ("cairn.yaml", "exclude: [\"vendor/**\"]\n"),
        ],
    );
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files"], 4);
}

#[test]
fn a_revision_loads_exactly_as_the_same_working_tree() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[
            ("services/broken.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: Broken}\nspec: {owner: nobody, tier: 9}\n"),
            ("kb/a.md", "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata: {name: a}\nspec: {owner: payments, cis: [pg-mian]}\n---\nBody\n"),
        ],
    );
    commit(dir.path(), "org");
    let worktree = stdout(&cairn(dir.path(), &["validate", "--format", "json"]));
    let revision = stdout(&cairn(dir.path(), &["validate", "--rev", "HEAD", "--format", "json"]));
    assert!(worktree.contains("invalid-name"), "{worktree}");
    assert_eq!(worktree, revision);

    // Later edits on disk do not change what an older revision says.
    write(dir.path(), &[("services/broken.yaml", "apiVersion: cairn/v1\nkind: Nope\n")]);
    let again = stdout(&cairn(dir.path(), &["validate", "--rev", "HEAD", "--format", "json"]));
    assert_eq!(again, revision);
    let sub = stdout(&cairn(dir.path(), &["validate", "services", "--rev", "HEAD", "--format", "json"]));
    assert!(sub.contains("\"file\": \"services/broken.yaml\""), "{sub}");
}

#[test]
fn revisions_take_any_git_syntax() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    commit(dir.path(), "one");
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), &[("x.yaml", "apiVersion: cairn/v1\nkind: Nope\n")]);
    commit(dir.path(), "two");
    assert_eq!(cairn(dir.path(), &["validate", "--rev", "HEAD~1"]).status.code(), Some(0));
    assert_eq!(cairn(dir.path(), &["validate", "--rev", "main"]).status.code(), Some(0));
    assert_eq!(cairn(dir.path(), &["validate", "--rev", "main...feature"]).status.code(), Some(0));
    assert_eq!(cairn(dir.path(), &["validate", "--rev", "feature"]).status.code(), Some(1));
}

#[test]
fn what_cannot_run_exits_two() {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    commit(dir.path(), "one");
    let unknown = cairn(dir.path(), &["validate", "--rev", "no-such-rev"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-rev"));

    let plain = tempfile::tempdir().unwrap();
    assert_eq!(cairn(plain.path(), &["validate", "--rev", "HEAD"]).status.code(), Some(2));
    assert_eq!(cairn(plain.path(), &["validate", "missing-dir"]).status.code(), Some(2));
    assert_eq!(cairn(plain.path(), &["validate", "--format", "xml"]).status.code(), Some(2));
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    for i in 0..40 {
        let text = format!(
            "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {{name: host-{i}}}\nspec: {{class: server/linux, owner: team:nobody-{}, dependsOn: [ci:host-{}]}}\n",
            i % 3,
            (i + 1) % 40
        );
        write(dir.path(), &[(&format!("cmdb/host-{i}.yaml"), &text)]);
    }
    let run = |threads: &str| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("cairn"));
        let out = cmd
            .current_dir(dir.path())
            .args(["validate", "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .env("CAIRN_TODAY", TODAY)
            .output()
            .unwrap();
        out.stdout
    };
    let one = run("1");
    assert!(String::from_utf8_lossy(&one).contains("dependency-cycle"));
    assert_eq!(one, run("2"));
    assert_eq!(one, run("8"));
}

#[test]
fn a_reader_that_stops_early_is_not_a_failure() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!(
            "---\napiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: team-{i}\n  nmae: x\n"
        ));
    }
    write(dir.path(), &[("teams.yaml", &text)]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cairn"))
        .current_dir(dir.path())
        .args(["validate", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}
