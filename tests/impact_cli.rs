//! `cairn impact` end to end on real git repositories built in temp directories.

mod common;

use common::*;
use serde_json::Value;

/// An organisation with a redundant cluster: shop → api (runsOn k8s) → k8s members node-1..3
/// (minUp 2); shop has an SLA and a catalog item; a KB article describes the api.
const ORG: &[(&str, &str)] = &[
    ("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\n"),
    (
        "teams.yaml",
        "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: platform}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: shop-team}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: cab}\n",
    ),
    (
        "services/shop.yaml",
        "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: shop, title: Web shop}\nspec:\n  owner: shop-team\n  tier: 1\n  components: [api]\n  approvers: [cab]\n",
    ),
    (
        "slas/shop.yaml",
        "apiVersion: cairn/v1\nkind: SLA\nmetadata: {name: shop-sla}\nspec:\n  service: shop\n  objectives:\n    - {metric: availability, target: 99.9}\n",
    ),
    (
        "catalog/order.yaml",
        "apiVersion: cairn/v1\nkind: CatalogItem\nmetadata: {name: order}\nspec: {service: shop, category: Shopping}\n",
    ),
    (
        "cmdb/api.yaml",
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: api}\nspec:\n  class: k8s/deployment\n  owner: shop-team\n  runsOn: [k8s]\n  attributes: {replicas: 3}\n",
    ),
    (
        "cmdb/k8s.yaml",
        "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: k8s}\nspec:\n  class: k8s/cluster\n  owner: platform\n  members: [node-1, node-2, node-3]\n  redundancy: {minUp: 2}\n---\napiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: node-1}\nspec: {class: k8s/node, owner: platform, attributes: {version: '1.30'}}\n---\napiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: node-2}\nspec: {class: k8s/node, owner: platform, attributes: {version: '1.30'}}\n---\napiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: node-3}\nspec: {class: k8s/node, owner: platform, attributes: {version: '1.30'}}\n",
    ),
    (
        "kb/api.md",
        "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata: {name: restart-api}\nspec: {owner: shop-team, cis: [api]}\n---\n# Restarting the api\n",
    ),
];

fn org_repo() -> tempfile::TempDir {
    let dir = repo();
    write(dir.path(), ORG);
    commit(dir.path(), "base");
    dir
}

fn impact(dir: &std::path::Path, args: &[&str]) -> Value {
    let mut all = vec!["impact"];
    all.extend_from_slice(args);
    let (code, report) = json(dir, &all);
    assert_eq!(code, 0, "{report:#}");
    report
}

fn refs(report: &Value, key: &str) -> Vec<String> {
    report[key].as_array().unwrap().iter().map(|r| r["ref"].as_str().unwrap().to_owned()).collect()
}

fn set_node_versions(dir: &std::path::Path, nodes: &[&str]) {
    let mut text = std::fs::read_to_string(dir.join("cmdb/k8s.yaml")).unwrap();
    for node in nodes {
        let from = format!(
            "name: {node}}}\nspec: {{class: k8s/node, owner: platform, attributes: {{version: '1.30'}}}}"
        );
        let to = format!(
            "name: {node}}}\nspec: {{class: k8s/node, owner: platform, attributes: {{version: '1.31'}}}}"
        );
        assert!(text.contains(&from));
        text = text.replace(&from, &to);
    }
    std::fs::write(dir.join("cmdb/k8s.yaml"), text).unwrap();
}

#[test]
fn one_member_of_a_redundant_cluster_degrades_it_and_stops_there() {
    let dir = org_repo();
    set_node_versions(dir.path(), &["node-1"]);
    commit(dir.path(), "upgrade node-1");
    let report = impact(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(refs(&report, "changed"), ["ci:node-1"]);
    let field = &report["changed"][0]["fields"][0];
    assert_eq!(
        (field["path"].as_str(), field["before"].as_str(), field["after"].as_str()),
        (Some("spec.attributes.version"), Some("1.30"), Some("1.31"))
    );
    assert_eq!(report["changed"][0]["change"], "modified");
    assert_eq!(report["changed"][0]["file"], "cmdb/k8s.yaml");
    assert_eq!(refs(&report, "reached"), ["ci:k8s"]);
    assert_eq!(report["reached"][0]["level"], "degraded");
    assert_eq!(report["reached"][0]["path"], serde_json::json!(["ci:node-1", "ci:k8s"]));
    assert_eq!(report["notify"], serde_json::json!(["team:platform"]));
}

#[test]
fn defeating_the_redundancy_impacts_everything_above() {
    let dir = org_repo();
    set_node_versions(dir.path(), &["node-1", "node-2"]);
    commit(dir.path(), "upgrade two nodes");
    let report = impact(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(refs(&report, "changed"), ["ci:node-1", "ci:node-2"]);
    let reached: Vec<(String, String, Value)> = report["reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ref"].as_str().unwrap().to_owned(),
                r["level"].as_str().unwrap().to_owned(),
                r["path"].clone(),
            )
        })
        .collect();
    let find =
        |r: &str| reached.iter().find(|x| x.0 == r).unwrap_or_else(|| panic!("{r} not reached: {reached:?}"));
    assert_eq!(find("ci:k8s").1, "impacted");
    // The path runs through the member whose change defeated the redundancy.
    assert_eq!(find("ci:api").2, serde_json::json!(["ci:node-2", "ci:k8s", "ci:api"]));
    assert_eq!(find("service:shop").2, serde_json::json!(["ci:node-2", "ci:k8s", "ci:api", "service:shop"]));
    assert_eq!(find("sla:shop-sla").1, "impacted");
    assert_eq!(find("catalog:order").1, "impacted");
    assert_eq!(report["notify"], serde_json::json!(["team:cab", "team:platform", "team:shop-team"]));
    assert_eq!(report["highestTier"], 1);
    assert_eq!(report["review"][0]["ref"], "kb:restart-api");
}

#[test]
fn moving_splitting_and_reformatting_files_is_no_change() {
    let dir = org_repo();
    git(dir.path(), &["mv", "services/shop.yaml", "services/web-shop.yaml"]);
    // Split the cluster file: one document per file, in another style and key order.
    std::fs::remove_file(dir.path().join("cmdb/k8s.yaml")).unwrap();
    write(
        dir.path(),
        &[
            ("cmdb/k8s/cluster.yaml", "kind: ConfigurationItem\napiVersion: cairn/v1\nspec:\n  redundancy:\n    minUp: 2\n  members:\n    - node-1\n    - node-2\n    - node-3\n  owner: team:platform\n  class: k8s/cluster\nmetadata:\n  name: k8s\n"),
            ("cmdb/k8s/nodes.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: node-1}\nspec: {class: k8s/node, owner: platform, attributes: {version: '1.30'}, status: operational}\n---\napiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: node-2}\nspec: {class: k8s/node, owner: platform, attributes: {version: '1.30'}}\n"),
            ("cmdb/k8s/node-3.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: node-3}\nspec: {class: k8s/node, owner: platform, attributes: {version: '1.30'}}\n"),
        ],
    );
    commit(dir.path(), "reorganise");
    let report = impact(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(report["changed"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["reached"], serde_json::json!([]));
}

#[test]
fn a_moved_file_keeps_its_own_path_in_each_tree() {
    // Two documents named ci:dup: the first written one is the entity. Moving b.yaml after
    // c.yaml (same content, so both trees share its parse) makes c.yaml's the entity at head.
    let dup = |class: &str| {
        format!("apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {{name: dup}}\nspec: {{class: {class}, owner: platform}}\n")
    };
    let dir = org_repo();
    write(dir.path(), &[("cmdb/b.yaml", &dup("k8s/node")), ("cmdb/c.yaml", &dup("k8s/cluster"))]);
    commit(dir.path(), "duplicates");
    git(dir.path(), &["mv", "cmdb/b.yaml", "cmdb/d.yaml"]);
    write(dir.path(), &[("cmdb/c.yaml", &format!("# touched\n{}", dup("k8s/cluster")))]);
    commit(dir.path(), "move b after c");
    let report = impact(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(refs(&report, "changed"), ["ci:dup"], "{report:#}");
    assert_eq!(report["changed"][0]["file"], "cmdb/c.yaml");
    assert_eq!(report["changed"][0]["fields"][0]["before"], "k8s/node");
    assert_eq!(report["changed"][0]["fields"][0]["after"], "k8s/cluster");
}

#[test]
fn a_removed_entity_still_referenced_is_reported() {
    let dir = org_repo();
    std::fs::remove_file(dir.path().join("cmdb/api.yaml")).unwrap();
    commit(dir.path(), "remove api");
    let report = impact(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(refs(&report, "changed"), ["ci:api"]);
    assert_eq!(report["changed"][0]["change"], "removed");
    assert_eq!(report["changed"][0]["file"], "cmdb/api.yaml");
    let dangling = report["dangling"].as_array().unwrap();
    let from: Vec<&str> = dangling.iter().map(|d| d["from"].as_str().unwrap()).collect();
    assert!(from.contains(&"service:shop") && from.contains(&"kb:restart-api"), "{dangling:?}");
    assert!(refs(&report, "reached").contains(&"service:shop".to_owned()));
}

#[test]
fn the_working_tree_is_the_default_head() {
    let dir = org_repo();
    write(dir.path(), &[("cmdb/api.yaml", &ORG[5].1.replace("replicas: 3", "replicas: 6"))]);
    let report = impact(dir.path(), &["--base", "HEAD"]);
    assert_eq!(report["head"], "working tree");
    assert_eq!(refs(&report, "changed"), ["ci:api"]);
    assert_eq!(report["changed"][0]["fields"][0]["path"], "spec.attributes.replicas");
    assert_eq!(refs(&report, "reached"), ["service:shop", "catalog:order", "sla:shop-sla"]);
}

#[test]
fn added_entities_and_merge_bases() {
    let dir = org_repo();
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), &[("cmdb/cache.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: cache}\nspec: {class: cache/redis, owner: platform}\n")]);
    commit(dir.path(), "add cache");
    git(dir.path(), &["checkout", "-q", "main"]);
    write(
        dir.path(),
        &[(
            "teams.yaml",
            &format!("{}---\napiVersion: cairn/v1\nkind: Team\nmetadata: {{name: dba}}\n", ORG[1].1),
        )],
    );
    commit(dir.path(), "add dba on main");
    git(dir.path(), &["checkout", "-q", "feature"]);
    git(dir.path(), &["merge", "-q", "--no-edit", "main"]);
    // Against the merge base, the feature adds only the cache (the team came from main).
    let report = impact(dir.path(), &["--base", "main...feature", "--head", "feature"]);
    assert_eq!(refs(&report, "changed"), ["ci:cache"]);
    assert_eq!(report["changed"][0]["change"], "added");
    // Against main itself, the same.
    let report = impact(dir.path(), &["--base", "main", "--head", "HEAD"]);
    assert_eq!(refs(&report, "changed"), ["ci:cache"]);
}

#[test]
fn cycles_terminate() {
    let dir = repo();
    write(dir.path(), &[("ci.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: a}\nspec: {class: x, owner: t, dependsOn: [b]}\n---\napiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: b}\nspec: {class: x, owner: t, dependsOn: [a]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: t}\n")]);
    commit(dir.path(), "base");
    write(
        dir.path(),
        &[(
            "ci.yaml",
            &std::fs::read_to_string(dir.path().join("ci.yaml"))
                .unwrap()
                .replace("name: a}\nspec: {class: x", "name: a}\nspec: {class: y"),
        )],
    );
    let report = impact(dir.path(), &["--base", "HEAD"]);
    assert_eq!(refs(&report, "changed"), ["ci:a"]);
    assert_eq!(refs(&report, "reached"), ["ci:b"]);
}

#[test]
fn what_if_needs_no_git() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ORG);
    let report = impact(dir.path(), &["--entity", "ci:k8s"]);
    assert!(refs(&report, "reached").contains(&"service:shop".to_owned()), "{report:#}");
    let unknown = cairn(dir.path(), &["impact", "--entity", "ci:nope"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_markdown_report_reads_well() {
    let dir = org_repo();
    set_node_versions(dir.path(), &["node-1", "node-2"]);
    commit(dir.path(), "upgrade two nodes");
    let output = cairn(dir.path(), &["impact", "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("<!-- cairn-impact -->"));
    insta::assert_snapshot!("impact-markdown", text);
}

#[test]
fn bad_revisions_cannot_run() {
    let dir = org_repo();
    assert_eq!(cairn(dir.path(), &["impact", "--base", "nope"]).status.code(), Some(2));
    let plain = tempfile::tempdir().unwrap();
    assert_eq!(cairn(plain.path(), &["impact", "--base", "HEAD"]).status.code(), Some(2));
}

#[test]
fn graph_exports_the_neighbourhood() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ORG);
    let output = cairn(dir.path(), &["graph", "--around", "ci:api", "--depth", "1", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let graph: Value = serde_json::from_slice(&output.stdout).unwrap();
    let nodes: Vec<&str> =
        graph["nodes"].as_array().unwrap().iter().map(|n| n["ref"].as_str().unwrap()).collect();
    // Refs sort by kind (the order of SPEC §3), then name.
    assert_eq!(nodes, ["service:shop", "ci:api", "ci:k8s"]);
    let dot = stdout(&cairn(dir.path(), &["graph", "--format", "dot"]));
    assert!(dot.starts_with("digraph"), "{dot}");
}

#[test]
fn files_are_named_from_the_repository_root_wherever_cairn_runs() {
    // The organisation in a folder of a larger repository, checked from inside that folder.
    let dir = repo();
    let org: Vec<(String, &str)> = ORG.iter().map(|(path, text)| (format!("itsm/{path}"), *text)).collect();
    let org: Vec<(&str, &str)> = org.iter().map(|(path, text)| (path.as_str(), *text)).collect();
    write(dir.path(), &org);
    commit(dir.path(), "base");
    std::fs::remove_file(dir.path().join("itsm/cmdb/api.yaml")).unwrap();
    commit(dir.path(), "remove api");
    let itsm = dir.path().join("itsm");
    let report = impact(&itsm, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(report["changed"][0]["file"], "itsm/cmdb/api.yaml", "{report:#}");
    let dangling = report["dangling"].as_array().unwrap();
    assert!(dangling.iter().all(|d| d["file"].as_str().unwrap().starts_with("itsm/")), "{dangling:?}");
    let human = stdout(&cairn(&itsm, &["impact", "--base", "HEAD~1", "--head", "HEAD"]));
    assert!(human.contains("cmdb/api.yaml") && !human.contains("itsm/cmdb"), "{human}");
}
