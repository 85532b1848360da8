//! `cairn render` from the command line: what it writes, and that it writes nothing outside
//! the output directory.

mod common;

use common::*;

#[test]
fn renders_the_example_in_both_formats() {
    let out = tempfile::tempdir().unwrap();
    let output = cairn(&root(), &["render", "examples/acme", "--out", out.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    for page in
        ["index.html", "services/checkout.html", "calendar.html", "catalog/index.html", "search-index.json"]
    {
        assert!(out.path().join(page).is_file(), "{page} missing");
    }
    let page = std::fs::read_to_string(out.path().join("services/checkout.html")).unwrap();
    assert!(
        page.contains("services/business/checkout.yaml"),
        "pages name the file relative to the repository root"
    );
    assert!(!page.contains("examples/acme/services"), "pages name the file relative to the repository root");

    let md = tempfile::tempdir().unwrap();
    let output = cairn(
        &root(),
        &["render", "examples/acme", "--out", md.path().to_str().unwrap(), "--format", "markdown"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(md.path().join("services/checkout.md").is_file());
}

#[test]
fn conflicts_and_next_windows_are_measured_from_today_not_the_clock() {
    // `CAIRN_TODAY` (2026-11-22, set by `cairn()`) and `--today` fix the day; the conflict of
    // chg-2026-0138 (5 December) is on the calendar before its window and gone after it.
    let render = |today: Option<&str>| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec!["render", "examples/acme", "--out", out.path().to_str().unwrap()];
        args.extend(today.map(|t| ["--today", t]).into_iter().flatten());
        let output = cairn(&root(), &args);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let read = |page: &str| std::fs::read_to_string(out.path().join(page)).unwrap();
        (read("calendar.html"), read("changes/chg-2026-0135.html"))
    };
    let (calendar, change) = render(None);
    assert!(calendar.contains("changes/chg-2026-0138.html#conflict-1"), "{calendar}");
    assert!(change.contains("from 2026-11-22 00:00 +00:00"), "{change}");
    assert_eq!(render(Some("2026-11-22")), (calendar, change), "the same day gives the same site");
    let (calendar, change) = render(Some("2026-12-06"));
    assert!(!calendar.contains("#conflict-"), "{calendar}");
    assert!(change.contains("from 2026-12-06 00:00 +00:00"), "{change}");
}

#[test]
fn templates_can_be_overridden_and_a_broken_one_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(dir.path(), &[("tpl/style.css", "body { color: rebeccapurple }\n")]);
    let output = cairn(dir.path(), &["render", "--out", "site", "--templates", "tpl"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("site/assets/style.css")).unwrap(),
        "body { color: rebeccapurple }\n"
    );

    write(dir.path(), &[("bad/service.html", "{% if %}")]);
    let output = cairn(dir.path(), &["render", "--out", "site2", "--templates", "bad"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("service.html"));
}

#[test]
fn nothing_is_written_through_a_link_out_of_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    std::fs::create_dir_all(dir.path().join("site")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("site/services")).unwrap();
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("outside"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn nothing_is_written_through_a_link_in_place_of_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    std::fs::write(elsewhere.path().join("kept.txt"), "kept").unwrap();
    std::fs::create_dir_all(dir.path().join("site/services")).unwrap();
    // One link to a file that exists, one to a file that does not.
    std::os::unix::fs::symlink(elsewhere.path().join("kept.txt"), dir.path().join("site/index.html"))
        .unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("new.txt"),
        dir.path().join("site/services/checkout.html"),
    )
    .unwrap();
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("symbolic link"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("kept.txt")).unwrap(), "kept");
    assert!(!elsewhere.path().join("new.txt").exists());
}

#[test]
fn an_invalid_tree_renders_what_is_valid_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    write(
        dir.path(),
        &[(
            "broken.yaml",
            "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: broken}\nspec: {tier: 9}\n",
        )],
    );
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing-field"));
    assert!(dir.path().join("site/services/checkout.html").is_file());
    assert!(!dir.path().join("site/services/broken.html").exists());
}

#[test]
fn rendering_again_removes_the_pages_of_entities_that_are_gone_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    let extra = "apiVersion: cairn/v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  owner: team:payments\n  tier: 3\n";
    write(dir.path(), &[("services/legacy.yaml", extra)]);
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let site = dir.path().join("site");
    assert!(site.join("services/legacy.html").is_file());
    // Files of the user's in the output directory, and a manifest line that tries to leave it.
    write(&site, &[("CNAME", "docs.example.com\n"), ("services/notes.txt", "mine\n")]);
    let outside = dir.path().join("outside.txt");
    std::fs::write(&outside, "keep").unwrap();
    let manifest = std::fs::read_to_string(site.join(".cairn-site")).unwrap();
    assert!(manifest.lines().any(|l| l.ends_with("  services/legacy.html")), "{manifest}");
    std::fs::write(site.join(".cairn-site"), format!("{manifest}../outside.txt\n")).unwrap();

    std::fs::remove_file(dir.path().join("services/legacy.yaml")).unwrap();
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!site.join("services/legacy.html").exists(), "the page of a removed entity stayed");
    assert!(site.join("services/checkout.html").is_file());
    assert!(site.join("CNAME").is_file() && site.join("services/notes.txt").is_file());
    assert!(outside.is_file(), "a manifest line led outside the output directory");

    // Switching format leaves only the Markdown site (and the user's files).
    let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(!site.join("services/checkout.html").exists() && site.join("services/checkout.md").is_file());
    assert!(!site.join("assets").exists(), "an emptied folder stayed");
    assert!(site.join("CNAME").is_file() && site.join("services/notes.txt").is_file());
}

#[test]
fn a_file_an_earlier_render_did_not_write_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    // A knowledge article kept at the very path its Markdown page would have: rendering
    // Markdown into the repository must not replace it.
    let article = "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: restart\n\
                   spec:\n  owner: team:payments\n---\nRestart it.\n";
    write(dir.path(), &[("kb/restart.md", article)]);
    let output = cairn(dir.path(), &["render", "--out", ".", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to replace") && stderr.contains("kb/restart.md"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("kb/restart.md")).unwrap(), article);
    // The pages it had made before it stopped are gone again, folders and all.
    for made in ["index.md", "services/checkout.md", ".cairn-site", "calendar.md", "catalog"] {
        assert!(!dir.path().join(made).exists(), "{made} was left behind");
    }
    assert!(dir.path().join("services/checkout.yaml").is_file());
    // The tree still validates: nothing of it was replaced.
    let output = cairn(dir.path(), &["validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stdout));

    // A folder of its own renders, and renders again (the second run replaces its own pages).
    for _ in 0..2 {
        let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown"]);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    }
    // A page someone edited by hand no longer holds what cairn wrote: it is replaced only with
    // --force.
    std::fs::write(dir.path().join("site/kb/restart.md"), "edited\n").unwrap();
    let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("site/kb/restart.md")).unwrap(), "edited\n");
    let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::read_to_string(dir.path().join("site/kb/restart.md")).unwrap().contains("Restart it."));

    // A site from before the manifest, or copied in: identical pages are taken over, others
    // only with --force.
    std::fs::remove_file(dir.path().join("site/.cairn-site")).unwrap();
    let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::remove_file(dir.path().join("site/.cairn-site")).unwrap();
    std::fs::write(dir.path().join("site/index.md"), "old\n").unwrap();
    let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        dir.path().join("site/services/checkout.md").is_file(),
        "a refused run removed a page it had not made"
    );
    let output = cairn(dir.path(), &["render", "--out", "site", "--format", "markdown", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_ne!(std::fs::read_to_string(dir.path().join("site/index.md")).unwrap(), "old\n");
}

#[test]
fn rendering_again_leaves_unchanged_pages_untouched() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SMALL_ORG);
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    // Date every page back, then change one entity: only the pages that show it are rewritten.
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let stamp =
        |page: &str| std::fs::metadata(dir.path().join("site").join(page)).unwrap().modified().unwrap();
    for page in ["services/checkout.html", "cis/pg-main.html", "teams/governance.html"] {
        let file = std::fs::File::options().write(true).open(dir.path().join("site").join(page)).unwrap();
        file.set_modified(long_ago).unwrap();
    }
    let checkout = std::fs::read_to_string(dir.path().join("services/checkout.yaml")).unwrap();
    write(
        dir.path(),
        &[("services/checkout.yaml", &checkout.replace("title: Checkout", "title: Checkout v2"))],
    );
    let output = cairn(dir.path(), &["render", "--out", "site"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stamp("teams/governance.html"), long_ago, "an unchanged page was rewritten");
    assert_ne!(stamp("services/checkout.html"), long_ago, "the changed service's page was not rewritten");
    assert_ne!(stamp("cis/pg-main.html"), long_ago, "the page that links to the service was not rewritten");
    let page = std::fs::read_to_string(dir.path().join("site/services/checkout.html")).unwrap();
    assert!(page.contains("Checkout v2"));
}
