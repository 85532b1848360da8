//! The dependency neighbourhood of a service or CI as an SVG drawn in Rust (no script).
//!
//! Columns left to right: what depends on the entity (two levels), the entity, what it depends
//! on (two levels); edges are drawn between neighbouring columns. Each node links to its page. Walks are breadth-first with explicit queues,
//! columns are capped, and everything is sorted, so the drawing is bounded and deterministic.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use super::lookup::FxHashMap;
use crate::model::Kind;
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

/// What the drawing needs to know about the graph, whose nodes are numbers.
pub trait GraphSource {
    /// What `node` depends on, sorted.
    fn dependencies(&self, node: usize) -> &[(usize, Relation)];
    /// What depends on `node`, sorted.
    fn dependents(&self, node: usize) -> &[(usize, Relation)];
    /// The kind and name of a node: the order of the drawing, the colour and the tooltip.
    fn key(&self, node: usize) -> (Kind, &str);
    /// The title shown for a node, and the link to its page from the page the drawing is on.
    fn describe(&self, node: usize) -> (Cow<'_, str>, Option<String>);
}

struct Column {
    nodes: Vec<usize>,
    hidden: usize,
}

/// A node where it is drawn: the top-left corner, its title and link.
struct Placed<'g> {
    node: usize,
    kind: Kind,
    name: &'g str,
    x: i32,
    y: i32,
    label: Cow<'g, str>,
    /// The label escaped (it is printed three times and more).
    escaped: String,
    href: Option<String>,
}

/// The SVG of the neighbourhood of `center`, or `None` when it has no dependency either way.
/// `standalone` adds the XML namespace, for an `.svg` file of its own.
pub fn neighbourhood(center: usize, graph: &dyn GraphSource, standalone: bool) -> Option<String> {
    let mut column_of: FxHashMap<usize, i32> = FxHashMap::default();
    column_of.insert(center, 0);
    let mut columns: BTreeMap<i32, Column> = BTreeMap::new();
    columns.insert(0, Column { nodes: vec![center], hidden: 0 });
    for direction in [1, -1] {
        let mut queue: VecDeque<(usize, i32)> = VecDeque::from([(center, 0)]);
        while let Some((node, col)) = queue.pop_front() {
            if col.abs() >= DEPTH {
                continue;
            }
            let next = if direction > 0 { graph.dependencies(node) } else { graph.dependents(node) };
            for &(other, _) in next {
                if column_of.contains_key(&other) {
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
        column.nodes.sort_by_key(|&n| graph.key(n));
    }
    let first = *columns.keys().next().unwrap_or(&0);
    let rows = columns.values().map(|c| c.nodes.len() + usize::from(c.hidden > 0)).max().unwrap_or(1);
    let rows = i32::try_from(rows).unwrap_or(i32::MAX / ROW);
    let height = rows * ROW + 2 * MARGIN - (ROW - NODE_HEIGHT);
    let width =
        i32::try_from(columns.len()).unwrap_or(1) * COLUMN_WIDTH - (COLUMN_WIDTH - NODE_WIDTH) + 2 * MARGIN;
    let mut place: Vec<Placed> = Vec::new();
    for (col, column) in &columns {
        let count = i32::try_from(column.nodes.len() + usize::from(column.hidden > 0)).unwrap_or(rows);
        let top = MARGIN + (rows - count) * ROW / 2;
        let x = MARGIN + (col - first) * COLUMN_WIDTH;
        for (i, &node) in column.nodes.iter().enumerate() {
            let y = top + i32::try_from(i).unwrap_or(0) * ROW;
            let (kind, name) = graph.key(node);
            let (label, href) = graph.describe(node);
            let mut escaped = String::with_capacity(label.len());
            escape_into(&mut escaped, &label);
            place.push(Placed { node, kind, name, x, y, label, escaped, href });
        }
    }
    place.sort_by(|a, b| (a.kind, a.name).cmp(&(b.kind, b.name)));
    let at: FxHashMap<usize, usize> = place.iter().enumerate().map(|(i, p)| (p.node, i)).collect();

    // About 600 bytes a node and edge: one allocation for most drawings.
    let mut svg = String::with_capacity(1024 + place.len() * 1200);
    let namespace = if standalone { r#" xmlns="http://www.w3.org/2000/svg""# } else { "" };
    let title = format!("Dependencies of {}", at.get(&center).map_or("", |&i| &place[i].label));
    let _ = write!(
        svg,
        r#"<svg{namespace} class="graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label=""#
    );
    escape_into(&mut svg, &title);
    svg.push_str(r#""><title>"#);
    escape_into(&mut svg, &title);
    svg.push_str(
        r##"</title><defs><marker id="cairn-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs><g class="edges" fill="none" stroke="#6b7280" stroke-width="1.4" marker-end="url(#cairn-arrow)">"##,
    );
    // Paint is set once on the groups of edges and of nodes and inherited: most of a drawing
    // is its edges and nodes, and a site has tens of thousands of drawings.
    // Only edges between neighbouring columns are drawn (the lists under the drawing have
    // every edge): a dependent on the left, its dependency one column to the right.
    for f in &place {
        for (to, relation) in graph.dependencies(f.node) {
            let Some(t) = at.get(to).map(|&i| &place[i]) else { continue };
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
            Out(&mut svg)
                .raw(r#"<path class="edge "#)
                .raw(relation_class(*relation))
                .raw("\"")
                .raw(dash)
                .raw(r#" d="M"#)
                .num(x1)
                .raw(",")
                .num(y1)
                .raw(" C")
                .num(mid)
                .raw(",")
                .num(y1)
                .raw(" ")
                .num(mid)
                .raw(",")
                .num(y2)
                .raw(" ")
                .num(x2)
                .raw(",")
                .num(y2)
                .raw(r#""><title>"#)
                .raw(&f.escaped)
                .raw(" ")
                .raw(relation.verb())
                .raw(" ")
                .raw(&t.escaped)
                .raw("</title></path>");
        }
    }
    svg.push_str(
        r##"</g><g class="nodes" stroke-width="1.2" fill="#111827" font-size="13" text-anchor="middle">"##,
    );
    for p in &place {
        node_svg(&mut svg, p, p.node == center);
    }
    for (col, column) in &columns {
        if column.hidden > 0 {
            let x = MARGIN + (col - first) * COLUMN_WIDTH;
            let count = i32::try_from(column.nodes.len()).unwrap_or(0);
            let top = MARGIN + (rows - count - 1) * ROW / 2 + count * ROW;
            let _ = write!(
                svg,
                r##"<g class="node more"><rect x="{x}" y="{top}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill="#f3f4f6" stroke="#9ca3af" stroke-dasharray="4 3"/><text x="{}" y="{}" fill="#374151">+{} more</text></g>"##,
                x + NODE_WIDTH / 2,
                top + NODE_HEIGHT / 2 + 5,
                column.hidden
            );
        }
    }
    svg.push_str("</g></svg>");
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

fn node_svg(svg: &mut String, p: &Placed, center: bool) {
    let (kind_class, fill, stroke) = match p.kind {
        Kind::Service => ("service", "#e0ecff", "#3b6fd8"),
        _ => ("ci", "#e8f5e9", "#3c8c47"),
    };
    let fill = if center { "#fff7d6" } else { fill };
    let center_class = if center { " center" } else { "" };
    let href = p.href.as_deref().filter(|_| !center);
    let mut out = Out(svg);
    match href {
        Some(href) => out.raw(r#"<a href=""#).text(href).raw(r#"" class="node "#),
        None => out.raw(r#"<g class="node "#),
    };
    out.raw(kind_class)
        .raw(center_class)
        .raw(r#""><rect x=""#)
        .num(p.x)
        .raw(r#"" y=""#)
        .num(p.y)
        .raw(r#"" width=""#)
        .num(NODE_WIDTH)
        .raw(r#"" height=""#)
        .num(NODE_HEIGHT)
        .raw(r#"" rx="6" fill=""#)
        .raw(fill)
        .raw(r#"" stroke=""#)
        .raw(stroke)
        .raw(if center { r#"" stroke-width="2.5"/><text x=""# } else { r#""/><text x=""# })
        .num(p.x + NODE_WIDTH / 2)
        .raw(r#"" y=""#)
        .num(p.y + NODE_HEIGHT / 2 + 5)
        .raw(r#"">"#);
    let label: &str = &p.label;
    match label.char_indices().nth(LABEL_CHARS) {
        // More than LABEL_CHARS characters: the first LABEL_CHARS - 1 and an ellipsis.
        Some(_) => {
            let cut = label.char_indices().nth(LABEL_CHARS - 1).map_or(label.len(), |(i, _)| i);
            out.text(&label[..cut]).raw("…")
        }
        None => out.raw(&p.escaped),
    };
    out.raw("</text><title>")
        .raw(&p.escaped)
        .raw(" (")
        .raw(p.kind.short())
        .raw(":")
        .text(p.name)
        .raw(")</title>")
        .raw(if href.is_some() { "</a>" } else { "</g>" });
}

/// Appends to a drawing: markup as it is, numbers, and text escaped. Each drawing has
/// hundreds of pieces, and `write!` costs several times as much per piece.
struct Out<'s>(&'s mut String);

impl Out<'_> {
    fn raw(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    fn num(&mut self, n: i32) -> &mut Self {
        if n < 0 {
            self.0.push('-');
        }
        let n = n.unsigned_abs();
        let mut unit = 1;
        while unit <= n / 10 {
            unit *= 10;
        }
        loop {
            self.0.push(char::from(b'0' + ((n / unit) % 10) as u8));
            if unit == 1 {
                break;
            }
            unit /= 10;
        }
        self
    }

    fn text(&mut self, text: &str) -> &mut Self {
        escape_into(self.0, text);
        self
    }
}

/// What `escape_into` does with each byte: 0 keeps it, 1 to 5 replace it (see `REPLACEMENTS`),
/// 6 drops it (a control character), 7 starts a character that may be a C1 control.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = 6;
        b += 1;
    }
    table[b'\n' as usize] = 0;
    table[b'\t' as usize] = 0;
    table[0x7f] = 6;
    table[b'<' as usize] = 1;
    table[b'>' as usize] = 2;
    table[b'&' as usize] = 3;
    table[b'"' as usize] = 4;
    table[b'\'' as usize] = 5;
    table[0xc2] = 7;
    table
};

const REPLACEMENTS: [&str; 6] = ["", "&lt;", "&gt;", "&amp;", "&quot;", "&#39;"];

/// Appends `text` escaped for XML content and attribute values, without control characters
/// other than line feed and tab.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    if bytes.iter().all(|&b| ESCAPES[usize::from(b)] == 0) {
        out.push_str(text);
        return;
    }
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, width) = match ESCAPES[usize::from(bytes[i])] {
            0 => {
                i += 1;
                continue;
            }
            6 => ("", 1),
            // The C1 controls (U+0080 to U+009F) are C2 80 to C2 9F; other bytes of
            // multi-byte characters are never ASCII.
            7 if bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => ("", 2),
            7 => {
                i += 1;
                continue;
            }
            k => (REPLACEMENTS[usize::from(k)], 1),
        };
        out.push_str(&text[plain..i]);
        out.push_str(replacement);
        i += width;
        plain = i;
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a → b → c, and b has the component db: nodes 0 to 3.
    struct Chain {
        nodes: [(Kind, &'static str); 4],
        dependencies: [Vec<(usize, Relation)>; 4],
        dependents: [Vec<(usize, Relation)>; 4],
    }

    const B: usize = 1;

    fn chain() -> Chain {
        Chain {
            nodes: [
                (Kind::Service, "a"),
                (Kind::Service, "b"),
                (Kind::Service, "c"),
                (Kind::ConfigurationItem, "db"),
            ],
            dependencies: [
                vec![(1, Relation::DependsOn)],
                vec![(2, Relation::DependsOn), (3, Relation::Component)],
                vec![],
                vec![],
            ],
            dependents: [
                vec![],
                vec![(0, Relation::DependsOn)],
                vec![(1, Relation::DependsOn)],
                vec![(1, Relation::DependsOn)],
            ],
        }
    }

    impl GraphSource for Chain {
        fn dependencies(&self, node: usize) -> &[(usize, Relation)] {
            &self.dependencies[node]
        }
        fn dependents(&self, node: usize) -> &[(usize, Relation)] {
            &self.dependents[node]
        }
        fn key(&self, node: usize) -> (Kind, &str) {
            self.nodes[node]
        }
        fn describe(&self, node: usize) -> (Cow<'_, str>, Option<String>) {
            let name = self.nodes[node].1;
            (Cow::Owned(format!("<{name}>")), Some(format!("{name}.html")))
        }
    }

    #[test]
    fn numbers_are_written_out() {
        let mut svg = String::new();
        for n in [0, 7, 10, 46, 230, 1009, -5, -120, i32::MAX, i32::MIN] {
            Out(&mut svg).num(n).raw(" ");
        }
        assert_eq!(svg, "0 7 10 46 230 1009 -5 -120 2147483647 -2147483648 ");
    }

    #[test]
    fn escaping_drops_control_characters() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"'\u{1}\u{7f}\u{85}\u{9f}\n\té\u{a0}…");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;&#39;\n\té\u{a0}…");
    }

    #[test]
    fn draws_both_sides_with_links_and_escaped_labels() {
        let svg = neighbourhood(B, &chain(), false).unwrap_or_default();
        assert!(svg.starts_with("<svg class=\"graph\""), "{svg}");
        assert!(svg.contains(r#"<a href="a.html" class="node service">"#), "{svg}");
        assert!(svg.contains(r#"<a href="db.html" class="node ci">"#), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "{svg}");
        assert_eq!(svg.matches("<path class=\"edge").count(), 3, "{svg}");
        assert!(svg.contains("<title>&lt;b&gt; has component &lt;db&gt;</title>"), "{svg}");
        let mut lonely = chain();
        lonely.dependencies[B].clear();
        lonely.dependents[B].clear();
        assert!(neighbourhood(B, &lonely, true).is_none());
    }
}
