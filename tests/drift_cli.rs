//! `cairn drift` on real git repositories: a changed CI after the article is found, a move or a
//! reformat is not, and editing the article clears it; the article's page carries the banner.

mod common;

use std::path::Path;

use common::*;

const ORG: &[(&str, &str)] = &[
    ("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec: {}\n"),
    ("teams.yaml", "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: search}\n"),
    (
        "cis/os-search.yaml",
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata:\n  name: os-search\nspec:\n  class: search/opensearch\n  owner: search\n  attributes:\n    version: \"2.17\"\n",
    ),
    (
        "cis/other.yaml",
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata:\n  name: other\nspec:\n  class: server/linux\n  owner: search\n",
    ),
    (
        "kb/reindex.md",
        "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: reindex\n  title: Reindexing OpenSearch\nspec:\n  owner: search\n  state: published\n  cis: [os-search]\n---\n# Reindexing\n\nRun the reindex job.\n",
    ),
    (
        "kb/draft.md",
        "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: draft\nspec:\n  owner: search\n  state: draft\n  cis: [os-search]\n---\nNot yet.\n",
    ),
];

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replace(from, to)).expect("write");
}

fn org() -> tempfile::TempDir {
    let dir = repo();
    write(dir.path(), ORG);
    commit(dir.path(), "the organisation");
    dir
}

#[test]
fn a_ci_changed_after_the_article_drifts() {
    let dir = org();
    // An unrelated change, then the article's CI.
    edit(dir.path(), "cis/other.yaml", "server/linux", "server/bsd");
    commit(dir.path(), "other");
    edit(dir.path(), "cis/os-search.yaml", "\"2.17\"", "\"2.18\"");
    let head = commit(dir.path(), "upgrade opensearch");
    let (code, report) = json(dir.path(), &["drift"]);
    assert_eq!(code, 1, "{report}");
    let articles = report["articles"].as_array().expect("articles");
    assert_eq!(articles.len(), 1, "only the published article: {report}");
    let article = &articles[0];
    assert_eq!(article["ref"], "kb:reindex");
    assert_eq!(article["file"], "kb/reindex.md");
    let first = git(dir.path(), &["rev-list", "--max-parents=0", "HEAD"]);
    assert_eq!(article["lastEdited"]["id"], first.as_str());
    let entities = article["entities"].as_array().expect("entities");
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0]["ref"], "ci:os-search");
    let change = &entities[0]["changes"][0];
    assert_eq!(change["commit"]["id"], head.as_str());
    assert_eq!(change["commit"]["short"], &head[..7]);
    assert_eq!(
        change["commit"]["date"],
        git(dir.path(), &["log", "-1", "--format=%cd", "--date=short"]).as_str()
    );
    assert_eq!(change["change"], "modified");
    assert_eq!(change["fields"], serde_json::json!(["spec.attributes.version"]));
    assert_eq!(entities[0]["changes"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["summary"], serde_json::json!({"articles": 1, "drifting": 1, "commits": 3}));

    let human = stdout(&cairn(dir.path(), &["drift"]));
    let date = change["commit"]["date"].as_str().unwrap_or_default();
    assert!(
        human.contains(&format!(
            "  ci:os-search changed on {date} in {}: spec.attributes.version\n",
            &head[..7]
        )),
        "{human}"
    );
    let markdown = stdout(&cairn(dir.path(), &["drift", "--format", "markdown"]));
    assert!(
        markdown.contains(&format!(
            "| ci:os-search | changed | {date} | {} | spec.attributes.version |",
            &head[..7]
        )),
        "{markdown}"
    );

    // From an older revision, the change has not happened yet.
    let (code, report) = json(dir.path(), &["drift", "--rev", "HEAD~1"]);
    assert_eq!((code, report["articles"].as_array().map(Vec::len)), (0, Some(0)), "{report}");
}

#[test]
fn a_move_or_a_reformat_is_no_change() {
    let dir = org();
    std::fs::create_dir_all(dir.path().join("infra")).expect("mkdir");
    git(dir.path(), &["mv", "cis/os-search.yaml", "infra/os-search.yaml"]);
    commit(dir.path(), "move");
    // Same entity, written in flow style with keys reordered.
    std::fs::write(
        dir.path().join("infra/os-search.yaml"),
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: os-search}\nspec: {owner: search, class: search/opensearch, attributes: {version: \"2.17\"}}\n",
    )
    .expect("write");
    commit(dir.path(), "reformat");
    let (code, report) = json(dir.path(), &["drift"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["articles"], serde_json::json!([]));
}

#[test]
fn editing_the_article_clears_it() {
    let dir = org();
    edit(dir.path(), "cis/os-search.yaml", "\"2.17\"", "\"2.18\"");
    commit(dir.path(), "upgrade opensearch");
    assert_eq!(json(dir.path(), &["drift"]).0, 1);
    edit(
        dir.path(),
        "kb/reindex.md",
        "Run the reindex job.",
        "Run the reindex job (2.18 needs a snapshot first).",
    );
    commit(dir.path(), "update the runbook");
    let (code, report) = json(dir.path(), &["drift"]);
    assert_eq!(code, 0, "{report}");
    // The walk stopped at the article's edit.
    assert_eq!(report["summary"]["commits"], 1);
    // Moving the article afterwards is not an edit, and the CI changing again drifts anew.
    git(dir.path(), &["mv", "kb/reindex.md", "kb/opensearch-reindex.md"]);
    commit(dir.path(), "move the runbook");
    edit(dir.path(), "cis/os-search.yaml", "\"2.18\"", "\"2.19\"");
    commit(dir.path(), "upgrade again");
    let (code, report) = json(dir.path(), &["drift"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["articles"][0]["file"], "kb/opensearch-reindex.md");
    assert_eq!(report["articles"][0]["entities"][0]["changes"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_article_page_carries_a_banner() {
    let dir = org();
    edit(dir.path(), "cis/os-search.yaml", "\"2.17\"", "\"2.18\"");
    let head = commit(dir.path(), "upgrade opensearch");
    let site = tempfile::tempdir().expect("tempdir");
    let out = site.path().to_str().expect("utf-8");
    let output = cairn(dir.path(), &["render", ".", "--out", out]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let page = std::fs::read_to_string(site.path().join("kb/reindex.html")).expect("article page");
    assert!(page.contains("class=\"banner drift\""), "{page}");
    assert!(page.contains(&format!("in {}, after this article was last edited", &head[..7])), "{page}");
    let other = std::fs::read_to_string(site.path().join("kb/draft.html")).expect("draft page");
    assert!(!other.contains("banner drift"));
}

#[test]
fn outside_git_it_cannot_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ORG);
    let output = cairn(dir.path(), &["drift"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not inside a git repository"));
}

/// `cairn drift --format json` with `RAYON_NUM_THREADS` set: the walk's output must not
/// depend on it.
fn drift_json_with_threads(dir: &Path, threads: &str) -> (Option<i32>, Vec<u8>) {
    let output = assert_cmd::Command::cargo_bin("cairn")
        .expect("binary built")
        .current_dir(dir)
        .args(["drift", "--format", "json"])
        .env("RAYON_NUM_THREADS", threads)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("runs");
    (output.status.code(), output.stdout)
}

#[test]
fn a_change_deep_in_nested_folders_is_found_and_a_move_between_them_is_not() {
    let dir = org();
    std::fs::create_dir_all(dir.path().join("infra/eu/west/search")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("infra/eu/east")).expect("mkdir");
    git(dir.path(), &["mv", "cis/os-search.yaml", "infra/eu/west/search/os-search.yaml"]);
    git(dir.path(), &["mv", "cis/other.yaml", "infra/eu/east/other.yaml"]);
    commit(dir.path(), "nest the CMDB");
    // A sibling folder changes (its subtree id changes, the search folder's does not)...
    edit(dir.path(), "infra/eu/east/other.yaml", "server/linux", "server/bsd");
    commit(dir.path(), "other");
    // ...then the nested file itself, four folders down.
    edit(dir.path(), "infra/eu/west/search/os-search.yaml", "\"2.17\"", "\"2.18\"");
    let head = commit(dir.path(), "upgrade opensearch");
    // And a move from one nested folder to another is no change.
    std::fs::create_dir_all(dir.path().join("infra/us/search")).expect("mkdir");
    git(dir.path(), &["mv", "infra/eu/west/search/os-search.yaml", "infra/us/search/os-search.yaml"]);
    commit(dir.path(), "move to the US");
    let (code, report) = json(dir.path(), &["drift"]);
    assert_eq!(code, 1, "{report}");
    let entities = report["articles"][0]["entities"].as_array().expect("entities");
    assert_eq!(entities.len(), 1, "{report}");
    assert_eq!(entities[0]["ref"], "ci:os-search");
    let changes = entities[0]["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "only the upgrade, not the moves: {report}");
    assert_eq!(changes[0]["commit"]["id"], head.as_str());
    assert_eq!(changes[0]["fields"], serde_json::json!(["spec.attributes.version"]));
    assert_eq!(report["summary"]["commits"], 5);
}

#[test]
fn a_merged_pull_request_is_one_step_on_the_first_parent_path() {
    let dir = org();
    git(dir.path(), &["checkout", "-q", "-b", "upgrade"]);
    edit(dir.path(), "cis/os-search.yaml", "\"2.17\"", "\"2.18\"");
    let on_branch = commit(dir.path(), "upgrade opensearch to 2.18");
    edit(dir.path(), "cis/os-search.yaml", "\"2.18\"", "\"2.19\"");
    commit(dir.path(), "and to 2.19");
    git(dir.path(), &["checkout", "-q", "main"]);
    // Meanwhile on main, the article is edited: after the branch's commits were made, but
    // before they were merged.
    edit(dir.path(), "kb/reindex.md", "Run the reindex job.", "Run the reindex job, then check it.");
    let edited = commit(dir.path(), "update the runbook");
    git(dir.path(), &["merge", "-q", "--no-ff", "-m", "merge the upgrade", "upgrade"]);
    let merge = git(dir.path(), &["rev-parse", "HEAD"]);
    let (code, report) = json(dir.path(), &["drift"]);
    assert_eq!(code, 1, "{report}");
    let article = &report["articles"][0];
    assert_eq!(article["lastEdited"]["id"], edited.as_str(), "{report}");
    let changes = article["entities"][0]["changes"].as_array().expect("changes");
    // The merge brought the change to main after the edit: one change, in the merge commit,
    // from 2.17 straight to 2.19; the branch's own commits are not on the first-parent path.
    assert_eq!(changes.len(), 1, "{report}");
    assert_eq!(changes[0]["commit"]["id"], merge.as_str());
    assert_ne!(changes[0]["commit"]["id"], on_branch.as_str());
    assert_eq!(report["summary"]["commits"], 2, "the merge, then the edit ends the walk");
}

#[test]
fn a_long_history_gives_the_same_report_whatever_the_thread_count() {
    let dir = org();
    // A second published article, never edited after it was added: the walk goes back to
    // the commit that added it.
    write(
        dir.path(),
        &[(
            "kb/other.md",
            "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: other-howto\nspec:\n  owner: search\n  state: published\n  cis: [other]\n---\nAbout the other server.\n",
        )],
    );
    commit(dir.path(), "another article");
    // 60 commits (more than one batch of the walk, cut across the cores), each changing one of
    // the two CIs; the first article is edited at commit 20.
    let mut reindex_changes = 0;
    let mut other_changes = 0;
    for i in 1..=60 {
        if i == 20 {
            edit(dir.path(), "kb/reindex.md", "Run the reindex job.", "Run the reindex job (edited).");
            commit(dir.path(), "edit the runbook");
        }
        if i % 3 == 0 {
            let text = format!("  attributes:\n    version: \"2.{i}\"\n");
            let path = dir.path().join("cis/os-search.yaml");
            let old = std::fs::read_to_string(&path).expect("read");
            let start = old.find("  attributes:").expect("attributes");
            std::fs::write(&path, format!("{}{text}", &old[..start])).expect("write");
            if i > 20 {
                reindex_changes += 1;
            }
        } else {
            std::fs::write(
                dir.path().join("cis/other.yaml"),
                format!("apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata:\n  name: other\nspec:\n  class: server/linux\n  owner: search\n  attributes: {{build: {i}}}\n"),
            )
            .expect("write");
            other_changes += 1;
        }
        commit(dir.path(), &format!("change {i}"));
    }
    let (code, one) = drift_json_with_threads(dir.path(), "1");
    assert_eq!(code, Some(1));
    for threads in ["2", "3", "8"] {
        let (code, many) = drift_json_with_threads(dir.path(), threads);
        assert_eq!(code, Some(1));
        assert!(one == many, "{threads} threads: a different report");
    }
    let report: serde_json::Value = serde_json::from_slice(&one).expect("json");
    let changes = |name: &str| {
        report["articles"]
            .as_array()
            .expect("articles")
            .iter()
            .find(|a| a["ref"] == name)
            .map_or(0, |a| a["entities"][0]["changes"].as_array().map_or(0, Vec::len))
    };
    assert_eq!(changes("kb:reindex"), reindex_changes, "{report}");
    assert_eq!(changes("kb:other-howto"), other_changes, "{report}");
    // The 60 changes, the edit and the commit adding the second article.
    assert_eq!(report["summary"]["commits"], 62, "{report}");
}
