use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::markdown::{self, BUDGET, MAX_GRAPH_NODES};
use super::*;
use crate::impact::{Change, ChangeKind, Dangling, FieldChange, Reached, Review};

/// Snapshots live with the other report snapshots in `src/report/snapshots/`.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// Titles and tiers from a map.
#[derive(Default)]
struct Titles(BTreeMap<EntityRef, (String, Option<u8>)>);

impl Titles {
    fn with(mut self, r: &str, title: &str, tier: Option<u8>) -> Titles {
        self.0.insert(er(r), (title.to_owned(), tier));
        self
    }
}

impl Lookup for Titles {
    fn title(&self, r: &EntityRef) -> Option<&str> {
        self.0.get(r).map(|t| t.0.as_str())
    }
    fn tier(&self, r: &EntityRef) -> Option<u8> {
        self.0.get(r).and_then(|t| t.1)
    }
}

fn er(text: &str) -> EntityRef {
    EntityRef::parse(text).unwrap()
}

fn path(refs: &[&str]) -> Vec<EntityRef> {
    refs.iter().map(|r| er(r)).collect()
}

fn reached(level: Level, refs: &[&str]) -> Reached {
    Reached { reference: er(refs[refs.len() - 1]), level, path: path(refs), elided: 0 }
}

const HEADER: ImpactHeader<'static> = ImpactHeader { base: "origin/main", head: "working tree" };

const DESCRIPTION_BEFORE: &str = "Primary PostgreSQL database of the payments domain.\n\
    Backed up nightly to the EU bucket.\nFailover is manual.\n";
const DESCRIPTION_AFTER: &str = "Primary PostgreSQL database of the payments domain.\n\
    Backed up nightly to the EU bucket.\nFailover is automatic (Patroni) since 2026-03.\n";
const DESCRIPTION_DIFF: &str = "--- before\n+++ after\n@@ -1,3 +1,3 @@\n \
    Primary PostgreSQL database of the payments domain.\n Backed up nightly to the EU bucket.\n\
    -Failover is manual.\n+Failover is automatic (Patroni) since 2026-03.\n";

/// A changed CI with a field change and a long-text diff, a degraded cluster, an impacted
/// service four entities from the change, an SLA, teams to notify, an article to review, a
/// dangling reference, one added and one removed entity.
fn fixture() -> Impact {
    Impact {
        changed: vec![
            Change {
                reference: er("service:legacy-reports"),
                change: ChangeKind::Removed,
                file: Arc::from("services/legacy-reports.yaml"),
                fields: vec![],
            },
            Change {
                reference: er("service:search"),
                change: ChangeKind::Added,
                file: Arc::from("services/search.yaml"),
                fields: vec![],
            },
            Change {
                reference: er("ci:pg-main"),
                change: ChangeKind::Modified,
                file: Arc::from("cis/databases.yaml"),
                fields: vec![
                    FieldChange {
                        path: "metadata.description".to_owned(),
                        before: json!(DESCRIPTION_BEFORE),
                        after: json!(DESCRIPTION_AFTER),
                        diff: Some(DESCRIPTION_DIFF.to_owned()),
                    },
                    FieldChange {
                        path: "spec.attributes.version".to_owned(),
                        before: json!(15),
                        after: json!(16),
                        diff: None,
                    },
                    FieldChange {
                        path: "spec.attributes.maintainer".to_owned(),
                        before: Value::Null,
                        after: json!("dba|oncall"),
                        diff: None,
                    },
                ],
            },
        ],
        reached: vec![
            reached(Level::Degraded, &["ci:pg-main", "ci:pg-cluster"]),
            reached(Level::Impacted, &["ci:pg-main", "ci:pgbouncer"]),
            reached(Level::Impacted, &["ci:pg-main", "ci:pgbouncer", "service:payments"]),
            reached(Level::Impacted, &["ci:pg-main", "ci:pgbouncer", "service:payments", "service:checkout"]),
            reached(
                Level::Impacted,
                &["ci:pg-main", "ci:pgbouncer", "service:payments", "service:checkout", "sla:checkout-gold"],
            ),
        ],
        notify: vec![er("team:dba"), er("team:payments")],
        review: vec![Review {
            reference: er("kb:pg-failover"),
            about: path(&["ci:pg-main", "service:payments"]),
        }],
        dangling: vec![Dangling {
            from: er("service:reporting-ui"),
            to: er("service:legacy-reports"),
            file: Arc::from("services/reporting-ui.yaml"),
            pointer: "/spec/dependsOn/1".to_owned(),
        }],
        highest_tier: Some(1),
    }
}

fn titles() -> Titles {
    Titles::default()
        .with("ci:pg-main", "Postgres main", None)
        .with("ci:pg-cluster", "Postgres cluster", None)
        .with("service:payments", "Payments API", Some(2))
        .with("service:checkout", "Checkout", Some(1))
        .with("service:legacy-reports", "Legacy reports", Some(3))
        .with("sla:checkout-gold", "Checkout gold", None)
        .with("kb:pg-failover", "Postgres failover runbook", None)
}

fn render(format: Format, impact: &Impact, lookup: &dyn Lookup) -> String {
    let mut out = Vec::new();
    write_impact(&mut out, format, &HEADER, impact, lookup).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn impact_json() {
    let text = render(Format::Json, &fixture(), &titles());
    let value: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["base", "head", "changed", "reached", "notify", "review", "dangling", "highestTier"]);
    assert_eq!(value["changed"][0]["change"], "removed");
    assert_eq!(value["changed"][0]["fields"], json!([]));
    assert_eq!(
        value["changed"][2]["fields"][1],
        json!({"path": "spec.attributes.version", "before": 15, "after": 16})
    );
    assert_eq!(value["reached"][0]["level"], "degraded");
    assert_eq!(value["reached"][2]["path"], json!(["ci:pg-main", "ci:pgbouncer", "service:payments"]));
    assert!(text.ends_with("}\n"));
    snapshot!("impact_json", text);
}

#[test]
fn impact_markdown() {
    let text = render(Format::Markdown, &fixture(), &titles());
    assert!(text.starts_with("<!-- cairn-impact -->\n"));
    assert_eq!(text, impact_step_summary(&HEADER, &fixture(), &titles()));
    snapshot!("impact_markdown", text);
}

#[test]
fn impact_human() {
    snapshot!("impact_human", render(Format::Human, &fixture(), &titles()));
}

#[test]
fn impact_github() {
    snapshot!("impact_github", render(Format::Github, &fixture(), &titles()));
}

#[test]
fn sarif_and_gitlab_are_unsupported() {
    for format in [Format::Sarif, Format::Gitlab] {
        let error = write_impact(&mut Vec::new(), format, &HEADER, &fixture(), &()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::Unsupported);
    }
}

#[test]
fn nothing_changed_is_one_line() {
    let empty = Impact::default();
    assert_eq!(
        render(Format::Human, &empty, &()),
        "no entity changed between origin/main and working tree\n"
    );
    assert_eq!(
        render(Format::Markdown, &empty, &()),
        "<!-- cairn-impact -->\n### cairn impact\n\n✅ No entity changed between `origin/main` and `working tree`.\n"
    );
    assert_eq!(
        render(Format::Github, &empty, &()),
        "::notice title=cairn impact::no entity changed between origin/main and working tree\n"
    );
    let value: Value = serde_json::from_str(&render(Format::Json, &empty, &())).unwrap();
    assert_eq!(
        value,
        json!({"base": "origin/main", "head": "working tree", "changed": [], "reached": [], "notify": [],
               "review": [], "dangling": []})
    );
}

#[test]
fn markdown_escapes_user_text() {
    let lookup = titles()
        .with("ci:pg-main", "a|b <script>alert(1)</script> @someone *x* [l](http://e) `c`\nnext", None)
        .with("service:checkout", "ping @octo-org/admins & <b>", Some(1));
    let mut impact = fixture();
    impact.changed[2].file = Arc::from("cis/odd|name`s.yaml");
    impact.changed[2].fields[0].diff = Some("-a\r<i>\n+```\n".to_owned());
    let text = render(Format::Markdown, &impact, &lookup);
    assert!(!text.contains("<script>"), "{text}");
    assert!(!text.contains("<b>"));
    assert!(!text.contains("@someone") && !text.contains("@octo-org"));
    assert!(text.contains("@\u{200D}someone") && text.contains("@\u{200D}octo-org/admins"));
    assert!(text.contains(
        "`ci:pg-main` a\\|b &lt;script&gt;alert(1)&lt;/script&gt; @\u{200D}someone \\*x\\* \\[l\\](http://e) \\`c\\`<br>next |"
    ));
    // In the HTML summary line of the details.
    assert!(text.contains(
        "<summary><code>ci:pg-main</code> a|b &lt;script&gt;alert(1)&lt;/script&gt; @\u{200D}someone"
    ));
    // In code spans: a longer fence, and `\|` in a table cell.
    assert!(text.contains("| ``cis/odd\\|name`s.yaml`` |"));
    // In the Mermaid graph.
    assert!(text.contains("n3[\"a|b #lt;script#gt;alert(1)#lt;/script#gt; @\u{200D}someone *x* [l](http://e) #96;c#96; next<br>ci:pg-main\"]"));
    // Every table row still has its five pipes.
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        assert_eq!(line.matches(" | ").count(), 3, "{line}");
    }
    // A diff is fenced by more backticks than it holds, and a lone CR cannot end a line in it.
    assert!(text.contains("  ````diff\n  -a <i>\n  +```\n  ````\n"), "{text}");
    assert!(!text.contains('\r'));
    assert_eq!(markdown::code("a`b", false), "``a`b``");
    assert_eq!(markdown::code("`a", true), "`` `a ``");
    assert_eq!(markdown::text("x\r\ny@z"), "x<br>y@\u{200D}z");
}

#[test]
fn mermaid_graph_caps_at_50_nodes() {
    let mut impact = fixture();
    impact.reached =
        (0..60).map(|i| reached(Level::Impacted, &["ci:pg-main", &format!("service:s{i:02}")])).collect();
    let text = render(Format::Markdown, &impact, &());
    let graph = &text[text.find("```mermaid").unwrap()..];
    let graph = &graph[..graph.find("\n```\n").unwrap()];
    let nodes = graph
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains("[\"") || l.contains("(\""))
        .count();
    assert_eq!(nodes, MAX_GRAPH_NODES);
    assert_eq!(graph.lines().filter(|l| l.contains(" --> ")).count(), MAX_GRAPH_NODES - 1);
    assert!(text.contains("\n*graph capped at 50 of 61 nodes*\n"), "{text}");

    impact.reached.truncate(49);
    let text = render(Format::Markdown, &impact, &());
    assert!(!text.contains("graph capped"));
}

#[test]
fn markdown_stays_within_the_budget() {
    let mut impact = fixture();
    let long: String =
        (0..150).map(|i| format!("+line {i} of a very long runbook that keeps going\n")).collect();
    let change = impact.changed[2].clone();
    impact.changed = (0..40)
        .map(|i| {
            let mut c = change.clone();
            c.reference = er(&format!("ci:db-{i:02}"));
            c.fields[0].diff = Some(long.clone());
            c
        })
        .collect();
    let text = render(Format::Markdown, &impact, &());
    assert!(text.len() <= BUDGET, "{}", text.len());
    assert!(text.contains("> Field diffs are left out"));
    assert!(text.contains("```mermaid"));
}

#[test]
fn entity_lookup_prefers_the_first_set() {
    use crate::graph::testutil::{entity_in, service};
    let head = [service("checkout", json!({"tier": 1}))];
    let base = vec![
        entity_in(
            "Service",
            json!({"name": "checkout", "title": "Old"}),
            json!({"owner": "t", "tier": 3}),
            "a.yaml",
            0,
        ),
        entity_in("Team", json!({"name": "t", "title": "Team T"}), json!({}), "t.yaml", 0),
    ];
    let lookup = EntityLookup::new(head.iter().chain(&base));
    assert_eq!(lookup.tier(&er("service:checkout")), Some(1));
    assert_eq!(lookup.title(&er("team:t")), Some("Team T"));
    assert_eq!(lookup.tier(&er("team:t")), None);
    assert_eq!(lookup.title(&er("ci:nope")), None);
}

#[test]
fn elided_paths_show_the_gap() {
    let mut impact = fixture();
    let names: Vec<String> = (0..16).map(|i| format!("ci:hop-{i:02}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut long = reached(Level::Impacted, &names);
    long.elided = 5;
    impact.reached = vec![long];
    let human = render(Format::Human, &impact, &());
    assert!(human.contains("ci:hop-07 → … 5 more … → ci:hop-08 →"), "{human}");
    let markdown = render(Format::Markdown, &impact, &());
    assert!(markdown.contains("`ci:hop-07` → … 5 more … → `ci:hop-08` →"), "{markdown}");
    assert!(markdown.contains("\n  n7 -.->|\"… 5 more …\"| n8\n"), "{markdown}");
    assert!(markdown.contains("\n  n6 --> n7\n"));
    let json: Value = serde_json::from_str(&render(Format::Json, &impact, &())).unwrap();
    assert_eq!(json["reached"][0]["elided"], 5);
}
