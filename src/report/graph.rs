//! `cairn graph`: the dependency graph, or the part of it around one entity, as Graphviz DOT,
//! Mermaid or JSON.
//!
//! An edge `(from, to, relation)` means "from depends on to" (`dependsOn`, `runsOn`, `component`,
//! `member`) and is drawn `from → to`. Nodes are written sorted by reference and deduplicated;
//! the endpoints of every edge are nodes even when the caller left them out of `nodes`. Edges are
//! written sorted by (from, to), keeping the caller's order of relations between the same two
//! entities, and deduplicated. Every user-controlled string (titles, names, relations) is escaped
//! for the format, so the output always parses.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::impact::Lookup;
use crate::model::{EntityRef, Kind};
use crate::validate::rules::refs::Relation;

/// An output format of `cairn graph`, as named by `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

impl GraphFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [GraphFormat; 3] = [GraphFormat::Dot, GraphFormat::Mermaid, GraphFormat::Json];

    /// The format named `s` (the names [`GraphFormat::name`] returns).
    pub fn parse(s: &str) -> Option<GraphFormat> {
        GraphFormat::ALL.into_iter().find(|f| f.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            GraphFormat::Dot => "dot",
            GraphFormat::Mermaid => "mermaid",
            GraphFormat::Json => "json",
        }
    }
}

/// The relation name `write_graph` expects for a dependency relation (`dependsOn`, `runsOn`,
/// `component`, `member`; `other` for a reference that is not a dependency).
pub fn relation_name(relation: Relation) -> &'static str {
    match relation {
        Relation::DependsOn => "dependsOn",
        Relation::RunsOn => "runsOn",
        Relation::Component => "component",
        Relation::Member => "member",
        Relation::Other => "other",
    }
}

/// Writes the graph of `nodes` and `edges` (`(dependent, dependency, relation)`) in `format`.
/// `highlight` (the `--around` entity) is drawn emphasised when it is one of the nodes.
pub fn write_graph(
    out: &mut dyn Write,
    format: GraphFormat,
    nodes: &[EntityRef],
    edges: &[(EntityRef, EntityRef, String)],
    lookup: &dyn Lookup,
    highlight: Option<&EntityRef>,
) -> io::Result<()> {
    let graph = Prepared::new(nodes, edges);
    let highlight = highlight.filter(|h| graph.nodes.binary_search(h).is_ok());
    let text = match format {
        GraphFormat::Dot => dot(&graph, lookup, highlight),
        GraphFormat::Mermaid => mermaid(&graph, lookup, highlight),
        GraphFormat::Json => json(&graph, lookup, highlight)?,
    };
    out.write_all(text.as_bytes())
}

/// Nodes sorted and deduplicated (edge endpoints included), edges sorted and deduplicated.
struct Prepared<'a> {
    nodes: Vec<&'a EntityRef>,
    edges: Vec<(&'a EntityRef, &'a EntityRef, &'a str)>,
}

impl<'a> Prepared<'a> {
    fn new(nodes: &'a [EntityRef], edges: &'a [(EntityRef, EntityRef, String)]) -> Prepared<'a> {
        let mut all: Vec<&EntityRef> =
            nodes.iter().chain(edges.iter().flat_map(|(a, b, _)| [a, b])).collect();
        all.sort();
        all.dedup();
        let mut edges: Vec<(&EntityRef, &EntityRef, &str)> =
            edges.iter().map(|(from, to, relation)| (from, to, relation.as_str())).collect();
        edges.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        // Duplicates are adjacent up to relation order: look for them within the (from, to) run.
        let mut kept: Vec<(&EntityRef, &EntityRef, &str)> = Vec::with_capacity(edges.len());
        let mut run = 0;
        for edge in edges {
            if kept.last().is_some_and(|last| (last.0, last.1) != (edge.0, edge.1)) {
                run = kept.len();
            }
            if !kept[run..].contains(&edge) {
                kept.push(edge);
            }
        }
        Prepared { nodes: all, edges: kept }
    }

    /// The Mermaid id of a node: `n` and its index in sorted order.
    fn id(&self, r: &EntityRef) -> usize {
        self.nodes.binary_search(&r).unwrap_or(0)
    }
}

/// What a node is called: its title, else its name.
fn display<'a>(r: &'a EntityRef, lookup: &'a dyn Lookup) -> &'a str {
    lookup.title(r).unwrap_or(&r.name)
}

// ---------------------------------------------------------------------------------------------
// DOT

/// Escapes text for a DOT double-quoted string: `\` and `"` are escaped, line breaks and other
/// control characters become spaces (so no `\n`, `\l` or `\N` escape can be smuggled in).
pub(crate) fn escape_dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn dot_shape(kind: Kind) -> &'static str {
    match kind {
        Kind::Service => "box",
        Kind::ConfigurationItem => "box3d",
        Kind::CatalogItem => "tab",
        Kind::Sla => "note",
        Kind::Team => "ellipse",
        Kind::ChangeRequest => "diamond",
        Kind::KnowledgeArticle => "folder",
        Kind::Window => "octagon",
        Kind::Policy => "hexagon",
        Kind::Scorecard => "component",
    }
}

fn dot(graph: &Prepared<'_>, lookup: &dyn Lookup, highlight: Option<&EntityRef>) -> String {
    let mut out = String::new();
    out.push_str("digraph cairn {\n  rankdir=LR;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for &r in &graph.nodes {
        let id = escape_dot(&r.to_string());
        let label = format!("{}\\n({})", escape_dot(display(r, lookup)), r.kind.name());
        let mut style: Vec<&str> = Vec::new();
        if r.kind == Kind::Service {
            style.push("rounded");
        }
        let mut attributes = format!("label=\"{label}\", tooltip=\"{id}\", shape={}", dot_shape(r.kind));
        if highlight == Some(r) {
            style.extend(["bold", "filled"]);
            attributes.push_str(", fillcolor=\"#fef3c7\", penwidth=2");
        }
        if !style.is_empty() {
            let _ = write!(attributes, ", style=\"{}\"", style.join(","));
        }
        let _ = writeln!(out, "  \"{id}\" [{attributes}];");
    }
    for (from, to, relation) in &graph.edges {
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\"];",
            escape_dot(&from.to_string()),
            escape_dot(&to.to_string()),
            escape_dot(relation)
        );
    }
    out.push_str("}\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Mermaid

/// Escapes text for a double-quoted Mermaid label: `"`, `#`, `<`, `>`, `&`, `` ` `` and `\` become
/// Mermaid entity codes (so no markup, no Markdown string and no closing code fence can be
/// smuggled in), line breaks and other control characters become spaces.
pub(crate) fn escape_mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\\' => out.push_str("#92;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid node declaration `id<open>"label"<close>`, its shape by kind. `label` must already
/// be escaped (it may hold `<br>`).
pub(crate) fn mermaid_node(id: &str, kind: Kind, label: &str) -> String {
    let (open, close) = match kind {
        Kind::Service => ("(", ")"),
        Kind::ConfigurationItem => ("[", "]"),
        Kind::CatalogItem => ("[/", "/]"),
        Kind::Sla => (">", "]"),
        Kind::Team => ("([", "])"),
        Kind::ChangeRequest => ("{", "}"),
        Kind::KnowledgeArticle => ("[[", "]]"),
        Kind::Window => ("((", "))"),
        Kind::Policy => ("{{", "}}"),
        Kind::Scorecard => ("[\\", "\\]"),
    };
    format!("{id}{open}\"{label}\"{close}")
}

fn mermaid(graph: &Prepared<'_>, lookup: &dyn Lookup, highlight: Option<&EntityRef>) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, &r) in graph.nodes.iter().enumerate() {
        let label = format!("{}<br>({})", escape_mermaid(display(r, lookup)), r.kind.name());
        let _ = writeln!(out, "  {}", mermaid_node(&format!("n{i}"), r.kind, &label));
    }
    for (from, to, relation) in &graph.edges {
        let _ =
            writeln!(out, "  n{} -->|\"{}\"| n{}", graph.id(from), escape_mermaid(relation), graph.id(to));
    }
    if let Some(h) = highlight {
        out.push_str("  classDef highlight fill:#fef3c7,stroke:#d97706,stroke-width:3px;\n");
        let _ = writeln!(out, "  class n{} highlight;", graph.id(h));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// JSON

#[derive(Serialize)]
struct JsonGraph<'a> {
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    highlight: Option<&'a EntityRef>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    #[serde(rename = "ref")]
    reference: &'a EntityRef,
    kind: Kind,
    name: &'a str,
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<u8>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a EntityRef,
    to: &'a EntityRef,
    relation: &'a str,
}

fn json<'a>(
    graph: &Prepared<'a>,
    lookup: &'a dyn Lookup,
    highlight: Option<&'a EntityRef>,
) -> io::Result<String> {
    let value = JsonGraph {
        nodes: graph
            .nodes
            .iter()
            .map(|&r| JsonNode {
                reference: r,
                kind: r.kind,
                name: &r.name,
                title: lookup.title(r),
                tier: lookup.tier(r),
            })
            .collect(),
        edges: graph.edges.iter().map(|&(from, to, relation)| JsonEdge { from, to, relation }).collect(),
        highlight,
    };
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Titles and tiers from a map.
    struct Titles(BTreeMap<EntityRef, (&'static str, Option<u8>)>);

    impl Lookup for Titles {
        fn title(&self, r: &EntityRef) -> Option<&str> {
            self.0.get(r).map(|t| t.0)
        }
        fn tier(&self, r: &EntityRef) -> Option<u8> {
            self.0.get(r).and_then(|t| t.1)
        }
    }

    fn r(text: &str) -> EntityRef {
        EntityRef::parse(text).unwrap()
    }

    fn fixture() -> (Vec<EntityRef>, Vec<(EntityRef, EntityRef, String)>, Titles) {
        let nodes = vec![
            r("service:checkout"),
            r("ci:pg-main"),
            r("service:payments"),
            r("ci:k8s-prod"),
            r("ci:node-1"),
            r("sla:checkout-gold"),
            r("service:checkout"),
        ];
        let edge = |a: &str, b: &str, rel: &str| (r(a), r(b), rel.to_owned());
        let edges = vec![
            edge("service:payments", "ci:pg-main", "dependsOn"),
            edge("service:checkout", "service:payments", "dependsOn"),
            edge("ci:k8s-prod", "ci:node-1", "member"),
            edge("service:payments", "ci:k8s-prod", "runsOn"),
            edge("service:checkout", "service:payments", "dependsOn"),
            // An endpoint missing from `nodes` is still drawn; hostile relation text is escaped.
            edge("ci:node-1", "ci:rack-7", "odd\"rel\\n<b>#x`"),
        ];
        let titles = Titles(BTreeMap::from([
            (r("service:checkout"), ("Checkout \"web\" <shop>", Some(1))),
            (r("service:payments"), ("Payments & ledger #1", Some(2))),
            (r("ci:pg-main"), ("Postgres \\ main\nprimary", None)),
        ]));
        (nodes, edges, titles)
    }

    fn render(format: GraphFormat) -> String {
        let (nodes, edges, titles) = fixture();
        let mut out = Vec::new();
        let around = r("service:payments");
        write_graph(&mut out, format, &nodes, &edges, &titles, Some(&around)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn graph_dot() {
        insta::assert_snapshot!("graph_dot", render(GraphFormat::Dot));
    }

    #[test]
    fn graph_mermaid() {
        insta::assert_snapshot!("graph_mermaid", render(GraphFormat::Mermaid));
    }

    #[test]
    fn graph_json() {
        let text = render(GraphFormat::Json);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["nodes"].as_array().unwrap().len(), 7);
        assert_eq!(value["edges"].as_array().unwrap().len(), 5);
        assert_eq!(value["highlight"], "service:payments");
        insta::assert_snapshot!("graph_json", text);
    }

    #[test]
    fn graph_is_deterministic_and_ignores_input_order() {
        let (mut nodes, mut edges, titles) = fixture();
        nodes.reverse();
        edges.reverse();
        for format in GraphFormat::ALL {
            let mut out = Vec::new();
            write_graph(&mut out, format, &nodes, &edges, &titles, Some(&r("service:payments"))).unwrap();
            let reversed = String::from_utf8(out).unwrap();
            // Relations between the same two entities keep the caller's order; there is one here.
            assert_eq!(reversed, render(format), "{}", format.name());
        }
    }

    #[test]
    fn empty_graph_and_absent_highlight() {
        let mut out = Vec::new();
        write_graph(&mut out, GraphFormat::Mermaid, &[], &[], &(), Some(&r("ci:x"))).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "flowchart LR\n");
        let mut out = Vec::new();
        write_graph(&mut out, GraphFormat::Json, &[], &[], &(), None).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\n  \"nodes\": [],\n  \"edges\": []\n}\n");
        assert_eq!(GraphFormat::parse("dot"), Some(GraphFormat::Dot));
        assert_eq!(GraphFormat::parse("svg"), None);
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_dot("a\"b\\c\nd"), "a\\\"b\\\\c d");
        assert_eq!(escape_mermaid("a\"b#<c>&`\\\r\n"), "a#quot;b#35;#lt;c#gt;#amp;#96;#92;  ");
    }
}
