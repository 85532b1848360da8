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
