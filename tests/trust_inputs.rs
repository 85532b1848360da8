//! Inputs a command is pointed at by a file it does not trust: the files a policy test case
//! names, the patch it applies, the templates of a site. None may read outside where it was
//! pointed, follow a link out, or read bytes that are not in the input.

mod common;

use std::path::Path;

use common::*;

const SECRET: &str = "SECRET-7f3a91";

/// `org/` with the small organisation, `cases/` with `cases`, and `outside/` beside them
/// holding a copy of the organisation with a secret in it.
fn setup(cases: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (folder, files) in [("org", SMALL_ORG), ("outside", SMALL_ORG)] {
        let files: Vec<(String, &str)> = files.iter().map(|(p, t)| (format!("{folder}/{p}"), *t)).collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
        write(dir.path(), &files);
    }
    let secret =
        format!("# {SECRET}\napiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: secret\nspec: {{}}\n");
    write(dir.path(), &[("outside/secret.yaml", &secret), ("outside/secret.patch", &format!("{SECRET}\n"))]);
    let cases: Vec<(String, &str)> = cases.iter().map(|(p, t)| (format!("cases/{p}"), *t)).collect();
    let cases: Vec<(&str, &str)> = cases.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write(dir.path(), &cases);
    dir
}

fn policy_test(dir: &Path) -> (i32, String) {
    let output = cairn(dir, &["policy", "test", "cases", "--repo", "org", "--color", "never"]);
    let all = format!("{}{}", stdout(&output), String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), all)
}

/// A patch that changes `secret.yaml` with a context line that does not match: when the
/// base is the outside folder, the mismatch message would quote the secret line.
const PROBE: &str = "diff --git a/secret.yaml b/secret.yaml\n--- a/secret.yaml\n+++ b/secret.yaml\n@@ -1,2 +1,2 @@\n-# nothing\n+# x\n apiVersion: cairn/v1\n";

const EXPECT: &str = "now: 2026-04-30T12:00:00Z\nexpect: {verdict: allow}\n";

#[test]
fn a_case_cannot_name_files_outside_its_directory() {
    let escapes = [
        ("base-up.yaml", format!("base: ../outside\npatch: probe/p.patch\n{EXPECT}")),
        ("base-deep.yaml", format!("base: ../../../../../../../../{}\n{EXPECT}", "tmp")),
        ("base-absolute.yaml", format!("base: /etc\n{EXPECT}")),
        ("patch-up.yaml", format!("patch: ../outside/secret.patch\n{EXPECT}")),
        ("reviews-up.yaml", format!("reviews: ../outside/secret.patch\n{EXPECT}")),
        ("head-up.yaml", format!("head: ../outside\n{EXPECT}")),
        ("patch-absolute.yaml", format!("patch: /etc/passwd\n{EXPECT}")),
    ];
    let mut files: Vec<(&str, &str)> = escapes.iter().map(|(p, t)| (*p, t.as_str())).collect();
    files.push(("probe/p.patch", PROBE));
    let dir = setup(&files);
    let (code, out) = policy_test(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains(SECRET), "an outside file was read and shown:\n{out}");
    assert!(!out.contains("root:x:0:0"), "/etc/passwd was read and shown:\n{out}");
    for (name, _) in &escapes {
        let stem = name.trim_end_matches(".yaml");
        assert!(
            out.contains(&format!("INVALID {stem}"))
                || out.contains(&format!("INVALID  {stem}"))
                || out.contains(stem),
            "{stem}: {out}"
        );
    }
    assert_eq!(
        out.matches("outside the case's directory").count() + out.matches("absolute path").count(),
        escapes.len(),
        "{out}"
    );
    assert!(out.contains("cases/base-up.yaml:1:7"), "the finding is located at the field's value:\n{out}");
}

#[test]
fn a_case_cannot_follow_a_link_out_of_its_directory() {
    let dir = setup(&[
        ("linked/case.yaml", &format!("patch: link.patch\n{EXPECT}")),
        ("folder/case.yaml", &format!("base: tree\npatch: ../probe/p.patch\n{EXPECT}")),
        ("probe/p.patch", PROBE),
    ]);
    std::os::unix::fs::symlink(
        dir.path().join("outside/secret.patch"),
        dir.path().join("cases/linked/link.patch"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside"), dir.path().join("cases/folder/tree")).unwrap();
    let (code, out) = policy_test(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains(SECRET), "an outside file was read through a link:\n{out}");
    assert_eq!(out.matches("symbolic link").count(), 2, "{out}");
}

#[test]
fn a_case_may_name_files_in_its_directory_and_the_repository() {
    let added = "diff --git a/extra.yaml b/extra.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/extra.yaml\n@@ -0,0 +1,5 @@\n+apiVersion: cairn/v1\n+kind: Team\n+metadata:\n+  name: extra\n+spec: {}\n";
    let dir = setup(&[
        ("inside/case.yaml", &format!("base: ../../org\npatch: sub/../change.patch\n{EXPECT}")),
        ("inside/change.patch", added),
    ]);
    let (code, out) = policy_test(dir.path());
    assert!(!out.contains("outside the case's directory"), "{out}");
    assert!(!out.contains("INVALID"), "{out}");
    assert!(code == 0 || code == 1, "{out}");
}

/// A patch whose lines hold NUL bytes: libgit2 copies such a line up to the NUL and reports
/// its full length, so bytes after the allocation were read (shown in messages, copied into
/// the patched file).
#[test]
fn a_patch_with_a_nul_byte_is_a_located_finding() {
    for (name, line) in
        [("plus", "+  name: a\0bcdefghijklmnopqrstuvwxyz0123456789\n"), ("context", " spec:\0 {}\n")]
    {
        let patch = format!(
            "diff --git a/teams.yaml b/teams.yaml\n--- a/teams.yaml\n+++ b/teams.yaml\n@@ -1,3 +1,4 @@\n apiVersion: cairn/v1\n kind: Team\n metadata:\n{line}"
        );
        let dir = setup(&[("nul/case.yaml", &format!("patch: change.patch\n{EXPECT}"))]);
        std::fs::write(dir.path().join("cases/nul/change.patch"), patch.as_bytes()).unwrap();
        let (code, out) = policy_test(dir.path());
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.contains("invalid-utf8") && out.contains("NUL"), "{name}: {out}");
        let column = line.find('\0').unwrap() + 1;
        assert!(out.contains(&format!("cases/nul/change.patch:8:{column}")), "{name}: {out}");
        // Every byte shown is from the inputs: printable text only.
        assert!(!out.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{name}: {out:?}");
    }
}

#[test]
fn templates_are_read_only_as_regular_files_inside_their_directory() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    std::fs::write(outside.path().join("secret.html"), format!("{SECRET}\n")).unwrap();
    std::fs::create_dir(dir.path().join("tpl")).unwrap();
    for (target, name) in
        [(outside.path().join("secret.html"), "service.html"), ("/proc/self/environ".into(), "team.html")]
    {
        let tpl = dir.path().join(format!("tpl-{name}"));
        std::fs::create_dir(&tpl).unwrap();
        std::os::unix::fs::symlink(&target, tpl.join(name)).unwrap();
        let out = format!("site-{name}");
        let output = cairn(dir.path(), &["render", "--out", &out, "--templates", tpl.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("symbolic link") && stderr.contains(name), "{name}: {stderr}");
        assert!(!dir.path().join(&out).exists(), "{name}: a site was written");
        assert!(!stderr.contains(SECRET), "{stderr}");
    }
    // A FIFO in place of a template: refused, not waited on.
    let fifo = dir.path().join("tpl-fifo");
    std::fs::create_dir(&fifo).unwrap();
    let made = std::process::Command::new("mkfifo").arg(fifo.join("service.html")).status();
    if made.is_ok_and(|s| s.success()) {
        let output =
            cairn(dir.path(), &["render", "--out", "site-fifo", "--templates", fifo.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
    // A template that is a regular file in the directory is used.
    write(dir.path(), &[("tpl/style.css", "body { color: teal }\n")]);
    let output = cairn(dir.path(), &["render", "--out", "site", "--templates", "tpl"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("site/assets/style.css")).unwrap(),
        "body { color: teal }\n"
    );
}

#[test]
fn a_template_cannot_render_for_ever_or_fill_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    for (name, source, says) in [
        (
            "loops",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n",
            "steps to render",
        ),
        ("grows", "{% for i in range(100) %}{{ \"x\" * 10000000 }}{% endfor %}\n", "the page is larger than"),
    ] {
        let tpl = dir.path().join(format!("tpl-{name}"));
        std::fs::create_dir(&tpl).unwrap();
        std::fs::write(tpl.join("team.html"), source).unwrap();
        let out = format!("site-{name}");
        let output = cairn(dir.path(), &["render", "--out", &out, "--templates", tpl.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("template `team.html`") && stderr.contains(says), "{name}: {stderr}");
    }
}
