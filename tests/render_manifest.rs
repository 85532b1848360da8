//! `cairn render` and its manifest, `.cairn-site`, under attack: the manifest is input, so a
//! hostile or stale one must never make render delete or replace a file it did not write.

mod common;

use std::path::Path;

use cairn::write::Digest;
use common::*;

fn sha(path: &Path) -> String {
    Digest::of(&std::fs::read(path).unwrap()).hex()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A git repository holding the small organisation, committed, rendered into itself once.
fn rendered_repo() -> tempfile::TempDir {
    let dir = repo();
    write(dir.path(), SMALL_ORG);
    write(dir.path(), &[("README.md", "# our services\n")]);
    commit(dir.path(), "org");
    let output = cairn(dir.path(), &["render", ".", "--out", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    dir
}

#[test]
fn a_hostile_manifest_does_not_make_render_delete_files_it_did_not_write() {
    let dir = rendered_repo();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "keep me\n").unwrap();
    std::fs::create_dir(root.join("real")).unwrap();
    std::fs::write(root.join("real/notes.txt"), "mine\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("linked")).unwrap();
    std::os::unix::fs::symlink(root.join("real"), root.join("inside-link")).unwrap();
    let guarded = [
        ".git/HEAD",
        ".git/config",
        ".git/index",
        "policy.yaml",
        "teams.yaml",
        "services/checkout.yaml",
        "README.md",
        "real/notes.txt",
    ];
    let before: Vec<Vec<u8>> = guarded.iter().map(|p| std::fs::read(root.join(p)).unwrap()).collect();
    let secret = outside.path().join("secret.txt");
    let mut manifest = std::fs::read_to_string(root.join(".cairn-site")).unwrap();
    // Each line with the true digest of the file it names: a manifest can be written by anyone
    // who can write the directory, digests included.
    for path in guarded.iter().filter(|p| **p != "real/notes.txt") {
        manifest.push_str(&format!("{}  {path}\n", sha(&root.join(path))));
    }
    let digest = sha(&secret);
    for line in [
        format!("{digest}  ../{}/secret.txt", outside.path().file_name().unwrap().to_string_lossy()),
        format!("{digest}  {}", secret.display()),
        format!("{digest}  linked/secret.txt"),
        format!("{}  inside-link/notes.txt", sha(&root.join("real/notes.txt"))),
        format!("{}  .GIT/HEAD", sha(&root.join(".git/HEAD"))),
        // The format of older versions: a path and no digest.
        "policy.yaml".to_owned(),
        ".git/config".to_owned(),
        "README.md".to_owned(),
    ] {
        manifest.push_str(&line);
        manifest.push('\n');
    }
    std::fs::write(root.join(".cairn-site"), manifest).unwrap();

    // Rendered again into the repository itself, the way a docs job would.
    let output = cairn(root, &["render", ".", "--out", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (path, bytes) in guarded.iter().zip(&before) {
        let now =
            std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}\n{}", stderr(&output)));
        assert_eq!(&now, bytes, "{path} was changed");
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "keep me\n");
    assert!(stderr(&output).contains("warning: ignored"), "{}", stderr(&output));
    // The repository is intact: git still reads it, and only the site is new in it.
    git(root, &["fsck", "--no-progress"]);
    let status = git(root, &["status", "--porcelain"]);
    assert!(!status.contains(" D "), "{status}");
    // The next manifest holds no line of the attacker's.
    let manifest = std::fs::read_to_string(root.join(".cairn-site")).unwrap();
    for path in guarded.iter().chain(&["linked/secret.txt", "inside-link/notes.txt"]) {
        assert!(!manifest.lines().any(|l| l.ends_with(&format!("  {path}"))), "{path} in {manifest}");
    }
}

#[test]
fn only_pages_still_holding_the_bytes_render_wrote_are_deleted_or_replaced() {
    let dir = rendered_repo();
    let root = dir.path();
    let extra = "apiVersion: cairn/v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  owner: team:payments\n  tier: 3\n";
    write(root, &[("services/legacy.yaml", extra), ("services/gone.yaml", &extra.replace("legacy", "gone"))]);
    let output = cairn(root, &["render", ".", "--out", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // One page of a removed entity edited by hand, one not.
    std::fs::write(root.join("services/legacy.html"), "my notes\n").unwrap();
    std::fs::remove_file(root.join("services/legacy.yaml")).unwrap();
    std::fs::remove_file(root.join("services/gone.yaml")).unwrap();
    let output = cairn(root, &["render", ".", "--out", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!root.join("services/gone.html").exists(), "the page of a removed entity stayed");
    assert_eq!(std::fs::read_to_string(root.join("services/legacy.html")).unwrap(), "my notes\n");
    assert!(stderr(&output).contains("services/legacy.html"), "{}", stderr(&output));

    // A page edited by hand is no longer cairn's: replacing it takes --force.
    std::fs::write(root.join("services/checkout.html"), "edited\n").unwrap();
    let output = cairn(root, &["render", ".", "--out", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("changed since"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(root.join("services/checkout.html")).unwrap(), "edited\n");
    let output = cairn(root, &["render", ".", "--out", ".", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::read_to_string(root.join("services/checkout.html")).unwrap().contains("Checkout"));

    // A manifest claiming a file of the user's with a made-up digest gives no right over it.
    std::fs::write(root.join("index.html"), "my home page\n").unwrap();
    let manifest = std::fs::read_to_string(root.join(".cairn-site")).unwrap();
    let forged: String = manifest
        .lines()
        .map(|l| {
            if l.ends_with("  index.html") {
                format!("{}  index.html\n", "0".repeat(64))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(root.join(".cairn-site"), forged).unwrap();
    let output = cairn(root, &["render", ".", "--out", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(root.join("index.html")).unwrap(), "my home page\n");
}

#[test]
fn the_sources_of_the_site_are_never_replaced_even_with_force() {
    let dir = repo();
    let root = dir.path();
    write(root, SMALL_ORG);
    let article = "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: restart\n\
                   spec:\n  owner: team:payments\n---\nRestart it.\n";
    write(root, &[("kb/restart.md", article)]);
    commit(root, "org");
    for force in [false, true] {
        let mut args = vec!["render", ".", "--out", ".", "--format", "markdown"];
        if force {
            args.push("--force");
        }
        let output = cairn(root, &args);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("one of the files this command reads"), "{}", stderr(&output));
        assert_eq!(std::fs::read_to_string(root.join("kb/restart.md")).unwrap(), article);
    }
    // The pages it had made are gone again; the tree is as it was.
    assert_eq!(git(root, &["status", "--porcelain"]), "");
}

#[test]
fn the_manifest_is_what_sha256sum_checks() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let Ok(check) = std::process::Command::new("sha256sum")
        .args(["--check", "--strict", "--quiet", ".cairn-site"])
        .current_dir(dir.path().join("site"))
        .output()
    else {
        eprintln!("sha256sum is not installed: skipped");
        return;
    };
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

/// `render` deletes only paths a site can hold (`cairn::render::is_site_file`): every file it
/// writes must be one, in both formats, or its stale pages would stay forever.
#[test]
fn every_file_of_a_site_is_one_render_may_delete_later() {
    for format in ["html", "markdown"] {
        let out = tempfile::tempdir().unwrap();
        let output = cairn(
            &root(),
            &["render", "examples/acme", "--out", out.path().to_str().unwrap(), "--format", format],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let manifest = std::fs::read_to_string(out.path().join(".cairn-site")).unwrap();
        assert!(manifest.lines().count() > 20, "{manifest}");
        for line in manifest.lines() {
            let (_, path) = line.split_once("  ").unwrap();
            assert!(cairn::render::is_site_file(path), "{format}: {path} is not a site path");
        }
    }
}
