//! The dependency neighbourhood of a service or CI as an SVG drawn in Rust (no script).
//!
//! Columns left to right: what depends on the entity (two levels), the entity, what it depends
//! on (two levels); edges are drawn between neighbouring columns. Each node links to its page. Walks are breadth-first with explicit queues,
//! columns are capped, and everything is sorted, so the drawing is bounded and deterministic.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use super::site::FxHashMap;
use crate::model::{EntityRef, Kind};
use crate::validate::rules::refs::Relation;

/// Levels drawn on each side of the centre.
const DEPTH: i32 = 2;
/// Most nodes in one column; the rest are counted in a `+N more` node.
const MAX_PER_COLUMN: usize = 12;
const COLUMN_WIDTH: i32 = 230;
const NODE_WIDTH: i32 = 190;
const NODE_HEIGHT: i32 = 34;
const ROW: i32 = 46;
const MARGIN: i32 = 12;
const LABEL_CHARS: usize = 26;

/// What the drawing needs to know about the graph.
pub trait GraphSource {
    /// What `node` depends on, sorted.
    fn dependencies(&self, node: &EntityRef) -> &[(EntityRef, Relation)];
    /// What depends on `node`, sorted.
    fn dependents(&self, node: &EntityRef) -> &[(EntityRef, Relation)];
    /// The title shown for a node.
    fn label(&self, node: &EntityRef) -> Cow<'_, str>;
    /// The link to a node's page from the page the drawing is on.
    fn href(&self, node: &EntityRef) -> Option<String>;
}

struct Column<'g> {
    nodes: Vec<&'g EntityRef>,
    hidden: usize,
}

/// A node where it is drawn: the top-left corner, and its title.
struct Placed<'g> {
    x: i32,
    y: i32,
    label: Cow<'g, str>,
}

/// The SVG of the neighbourhood of `center`, or `None` when it has no dependency either way.
/// `standalone` adds the XML namespace, for an `.svg` file of its own.
pub fn neighbourhood<'g>(
    center: &'g EntityRef,
    graph: &'g dyn GraphSource,
    standalone: bool,
) -> Option<String> {
    let mut column_of: FxHashMap<&'g EntityRef, i32> = FxHashMap::default();
    column_of.insert(center, 0);
    let mut columns: BTreeMap<i32, Column<'g>> = BTreeMap::new();
    columns.insert(0, Column { nodes: vec![center], hidden: 0 });
    for direction in [1, -1] {
        let mut queue: VecDeque<(&'g EntityRef, i32)> = VecDeque::from([(center, 0)]);
        while let Some((node, col)) = queue.pop_front() {
            if col.abs() >= DEPTH {
                continue;
            }
            let next = if direction > 0 { graph.dependencies(node) } else { graph.dependents(node) };
            for (other, _) in next {
                if column_of.contains_key(other) {
                    continue;
                }
                let target = col + direction;
                let column = columns.entry(target).or_insert(Column { nodes: Vec::new(), hidden: 0 });
                if column.nodes.len() >= MAX_PER_COLUMN {
                    column.hidden += 1;
                    column_of.insert(other, i32::MIN);
                    continue;
                }
                column.nodes.push(other);
                column_of.insert(other, target);
                queue.push_back((other, target));
            }
        }
    }
    if columns.len() == 1 {
        return None;
    }
    for column in columns.values_mut() {
        column.nodes.sort();
    }
    let first = *columns.keys().next().unwrap_or(&0);
    let rows = columns.values().map(|c| c.nodes.len() + usize::from(c.hidden > 0)).max().unwrap_or(1);
    let rows = i32::try_from(rows).unwrap_or(i32::MAX / ROW);
    let height = rows * ROW + 2 * MARGIN - (ROW - NODE_HEIGHT);
    let width =
        i32::try_from(columns.len()).unwrap_or(1) * COLUMN_WIDTH - (COLUMN_WIDTH - NODE_WIDTH) + 2 * MARGIN;
    let mut place: BTreeMap<&'g EntityRef, Placed<'g>> = BTreeMap::new();
    for (col, column) in &columns {
        let count = i32::try_from(column.nodes.len() + usize::from(column.hidden > 0)).unwrap_or(rows);
        let top = MARGIN + (rows - count) * ROW / 2;
        let x = MARGIN + (col - first) * COLUMN_WIDTH;
        for (i, node) in column.nodes.iter().enumerate() {
            let y = top + i32::try_from(i).unwrap_or(0) * ROW;
            place.insert(node, Placed { x, y, label: graph.label(node) });
        }
    }

    // About 600 bytes a node and edge: one allocation for most drawings.
    let mut svg = String::with_capacity(1024 + place.len() * 1200);
    let namespace = if standalone { r#" xmlns="http://www.w3.org/2000/svg""# } else { "" };
    let title = format!("Dependencies of {}", place.get(center).map_or("", |p| &p.label));
    let _ = write!(
        svg,
        r#"<svg{namespace} class="graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label=""#
    );
    escape_into(&mut svg, &title);
    svg.push_str(r#""><title>"#);
    escape_into(&mut svg, &title);
    svg.push_str(
        r##"</title><defs><marker id="cairn-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>"##,
    );
    // Only edges between neighbouring columns are drawn (the lists under the drawing have
    // every edge): a dependent on the left, its dependency one column to the right.
    for (from, f) in &place {
        for (to, relation) in graph.dependencies(from) {
            let Some(t) = place.get(to) else { continue };
            if t.x != f.x + COLUMN_WIDTH {
                continue;
            }
            let (y1, y2) = (f.y + NODE_HEIGHT / 2, t.y + NODE_HEIGHT / 2);
            let (x1, x2) = (f.x + NODE_WIDTH, t.x);
            let mid = (x1 + x2) / 2;
            let dash = match relation {
                Relation::DependsOn | Relation::Other => "",
                Relation::RunsOn => r#" stroke-dasharray="6 3""#,
                Relation::Component => r#" stroke-dasharray="2 3""#,
                Relation::Member => r#" stroke-dasharray="8 3 2 3""#,
            };
            let _ = write!(
                svg,
                r##"<path class="edge {}" d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" fill="none" stroke="#6b7280" stroke-width="1.4"{dash} marker-end="url(#cairn-arrow)"><title>"##,
                relation_class(*relation),
            );
            escape_into(&mut svg, &f.label);
            let _ = write!(svg, " {} ", relation.verb());
            escape_into(&mut svg, &t.label);
            svg.push_str("</title></path>");
        }
    }
    for (node, p) in &place {
        node_svg(&mut svg, graph, node, p, *node == center);
    }
    for (col, column) in &columns {
        if column.hidden > 0 {
            let x = MARGIN + (col - first) * COLUMN_WIDTH;
            let count = i32::try_from(column.nodes.len()).unwrap_or(0);
            let top = MARGIN + (rows - count - 1) * ROW / 2 + count * ROW;
            let _ = write!(
                svg,
                r##"<g class="node more"><rect x="{x}" y="{top}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill="#f3f4f6" stroke="#9ca3af" stroke-dasharray="4 3"/><text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#374151">+{} more</text></g>"##,
                x + NODE_WIDTH / 2,
                top + NODE_HEIGHT / 2 + 5,
                column.hidden
            );
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn relation_class(relation: Relation) -> &'static str {
    match relation {
        Relation::DependsOn | Relation::Other => "depends-on",
        Relation::RunsOn => "runs-on",
        Relation::Component => "component",
        Relation::Member => "member",
    }
}

fn node_svg(svg: &mut String, graph: &dyn GraphSource, node: &EntityRef, p: &Placed, center: bool) {
    let (kind_class, fill, stroke) = match node.kind {
        Kind::Service => ("service", "#e0ecff", "#3b6fd8"),
        _ => ("ci", "#e8f5e9", "#3c8c47"),
    };
    let (fill, stroke_width) = if center { ("#fff7d6", 2.5) } else { (fill, 1.2) };
    let center_class = if center { " center" } else { "" };
    let href = if center { None } else { graph.href(node) };
    match &href {
        Some(href) => {
            svg.push_str(r#"<a href=""#);
            escape_into(svg, href);
            let _ = write!(svg, r#"" class="node {kind_class}{center_class}">"#);
        }
        None => {
            let _ = write!(svg, r#"<g class="node {kind_class}{center_class}">"#);
        }
    }
    let (x, y) = (p.x, p.y);
    let _ = write!(
        svg,
        r##"<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/><text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#111827">"##,
        x + NODE_WIDTH / 2,
        y + NODE_HEIGHT / 2 + 5,
    );
    let label: &str = &p.label;
    match label.char_indices().nth(LABEL_CHARS) {
        // More than LABEL_CHARS characters: the first LABEL_CHARS - 1 and an ellipsis.
        Some(_) => {
            let cut = label.char_indices().nth(LABEL_CHARS - 1).map_or(label.len(), |(i, _)| i);
            escape_into(svg, &label[..cut]);
            svg.push('…');
        }
        None => escape_into(svg, label),
    }
    svg.push_str("</text><title>");
    escape_into(svg, label);
    let _ = write!(svg, " ({}:", node.kind.short());
    escape_into(svg, &node.name);
    svg.push_str(")</title>");
    svg.push_str(if href.is_some() { "</a>" } else { "</g>" });
}

/// Appends `text` escaped for XML content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    let mut plain = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '<' => "&lt;",
            '>' => "&gt;",
            '&' => "&amp;",
            '"' => "&quot;",
            '\'' => "&#39;",
            c if c.is_control() && c != '\n' && c != '\t' => "",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(replacement);
        plain = i + c.len_utf8();
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a → b → c, and b has the component db.
    struct Chain {
        dependencies: BTreeMap<&'static str, Vec<(EntityRef, Relation)>>,
        dependents: BTreeMap<&'static str, Vec<(EntityRef, Relation)>>,
    }

    fn r(name: &str) -> EntityRef {
        EntityRef::new(Kind::Service, name)
    }

    fn chain() -> Chain {
        let db = EntityRef::new(Kind::ConfigurationItem, "db");
        Chain {
            dependencies: BTreeMap::from([
                ("a", vec![(r("b"), Relation::DependsOn)]),
                ("b", vec![(r("c"), Relation::DependsOn), (db, Relation::Component)]),
            ]),
            dependents: BTreeMap::from([
                ("b", vec![(r("a"), Relation::DependsOn)]),
                ("c", vec![(r("b"), Relation::DependsOn)]),
                ("db", vec![(r("b"), Relation::DependsOn)]),
            ]),
        }
    }

    impl GraphSource for Chain {
        fn dependencies(&self, node: &EntityRef) -> &[(EntityRef, Relation)] {
            self.dependencies.get(node.name.as_str()).map_or(&[], Vec::as_slice)
        }
        fn dependents(&self, node: &EntityRef) -> &[(EntityRef, Relation)] {
            self.dependents.get(node.name.as_str()).map_or(&[], Vec::as_slice)
        }
        fn label(&self, node: &EntityRef) -> Cow<'_, str> {
            Cow::Owned(format!("<{}>", node.name))
        }
        fn href(&self, node: &EntityRef) -> Option<String> {
            Some(format!("{}.html", node.name))
        }
    }

    #[test]
    fn draws_both_sides_with_links_and_escaped_labels() {
        let svg = neighbourhood(&r("b"), &chain(), false).unwrap_or_default();
        assert!(svg.starts_with("<svg class=\"graph\""), "{svg}");
        assert!(svg.contains(r#"<a href="a.html" class="node service">"#), "{svg}");
        assert!(svg.contains(r#"<a href="db.html" class="node ci">"#), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "{svg}");
        assert_eq!(svg.matches("<path class=\"edge").count(), 3, "{svg}");
        assert!(svg.contains("<title>&lt;b&gt; has component &lt;db&gt;</title>"), "{svg}");
        assert!(neighbourhood(&r("lonely"), &chain(), true).is_none());
    }
}
