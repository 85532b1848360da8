//! `--format markdown` for `cairn impact`: a pull-request comment (and the step summary).
//!
//! Everything user-controlled is escaped for where it lands: table cells and running text
//! ([`text`]: Markdown punctuation, `|`, HTML, line breaks), code spans ([`code`]: a fence longer
//! than any backtick run inside), HTML ([`html`]), fenced blocks (a fence longer than any inside)
//! and Mermaid labels. An `@` outside code is followed by a zero-width joiner so that a comment
//! never mentions (and notifies) anyone.
//!
//! GitHub rejects comments over 65,536 characters: when the report would exceed [`BUDGET`]
//! bytes, the per-entity field diffs are left out, then the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::super::graph::{escape_mermaid, mermaid_node};
use super::super::markdown::MAX_ROWS;
use super::super::plural;
use serde_json::Value;

use super::{
    change_word, changed_phrase, elided_words, gap, is_empty, level_word, reached_phrase, steps,
    ImpactHeader, Lookup, Step, MARKER,
};
use crate::impact::{Change, FieldChange, Impact, Level};
use crate::model::EntityRef;

/// Nodes the Mermaid graph shows at most.
pub(super) const MAX_GRAPH_NODES: usize = 50;
/// Changed entities whose field diffs are shown at most.
const MAX_DETAILS: usize = 50;
/// Fields shown per changed entity at most.
const MAX_FIELDS: usize = 50;
/// Field paths listed in the changes table per entity at most.
const MAX_FIELDS_IN_TABLE: usize = 5;
/// Lines of a text diff shown at most.
const MAX_DIFF_LINES: usize = 200;
/// Characters of a value shown at most.
const MAX_VALUE_CHARS: usize = 200;
/// Bytes the report aims to stay under (GitHub comments are limited to 65,536 characters).
pub(super) const BUDGET: usize = 60_000;

const ZWJ: char = '\u{200D}';

/// Escapes user text for running Markdown and table cells: Markdown punctuation that could
/// start emphasis, code, links, strike-through, math or a cell boundary is backslash-escaped,
/// `<`, `>` and `&` become entities, line breaks become `<br>`, other control characters
/// spaces, and `@` is followed by a zero-width joiner.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => {
                out.push('@');
                out.push(ZWJ);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` with a zero-width joiner after every `@`.
fn unmention(s: &str) -> String {
    s.replace('@', "@\u{200D}")
}

/// Escapes user text for HTML (`<summary>`): entities for `&`, `<`, `>`, `"`, spaces for line
/// breaks (a blank line would end the HTML block), a zero-width joiner after `@`.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '@' => {
                out.push('@');
                out.push(ZWJ);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span holding `s` literally: fenced by one more backtick than the longest run inside,
/// line breaks as spaces. In a table cell (`cell`), `|` is escaped as GFM requires.
pub(super) fn code(s: &str, cell: bool) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if s.trim().is_empty() {
        return "*(empty)*".to_owned();
    }
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' ')) {
        " "
    } else {
        ""
    };
    let s = if cell { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut longest, mut current) = (0, 0);
    for x in s.chars() {
        current = if x == c { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    longest
}

/// `` `ci:pg-main` Postgres main ``: the reference, then the title if there is one.
fn entity(r: &EntityRef, lookup: &dyn Lookup, cell: bool) -> String {
    match lookup.title(r) {
        Some(title) => format!("{} {}", code(&r.to_string(), cell), text(title)),
        None => code(&r.to_string(), cell),
    }
}

fn refs(list: &[EntityRef], cell: bool) -> String {
    list.iter().map(|r| code(&r.to_string(), cell)).collect::<Vec<_>>().join(", ")
}

/// A field value in a code span (compact JSON, cut at [`MAX_VALUE_CHARS`]), or *(none)*.
fn value(v: &Value) -> String {
    if v.is_null() {
        return "*(none)*".to_owned();
    }
    let full = v.to_string();
    match full.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => format!("{}…", code(&full[..at], false)),
        None => code(&full, false),
    }
}

/// A fenced code block of `info` holding `body`, fenced by more backticks than any run inside.
fn fenced(info: &str, body: &str) -> String {
    let fence = "`".repeat((longest_run(body, '`') + 1).max(3));
    let mut out = format!("{fence}{info}\n{body}");
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

pub(super) fn render(header: &ImpactHeader, impact: &Impact, lookup: &dyn Lookup) -> String {
    let mut out = format!("{MARKER}\n### cairn impact\n\n");
    let base = code(header.base, false);
    let head = code(header.head, false);
    if is_empty(impact) {
        let _ = writeln!(out, "✅ No entity changed between {base} and {head}.");
        return out;
    }
    let _ = writeln!(out, "{base} → {head}\n");
    out.push_str(&summary(impact));

    let changes = changes(impact, lookup);
    let reached = reached(impact, lookup);
    let details = details(impact, lookup);
    let review = review(impact, lookup);
    let dangling = dangling(impact, lookup);
    let graph = graph(impact, lookup);
    let size = |parts: &[&str]| out.len() + parts.iter().map(|s| s.len()).sum::<usize>();
    let mut all: Vec<&str> = vec![&changes, &reached, &details, &review, &dangling, &graph];
    let (no_details, neither);
    if size(&all) > BUDGET {
        no_details = too_long("Field diffs are");
        all = vec![&changes, &reached, &no_details, &review, &dangling, &graph];
        if size(&all) > BUDGET {
            neither = too_long("Field diffs and the graph are");
            all = vec![&changes, &reached, &neither, &review, &dangling];
        }
    }
    for part in all {
        out.push_str(part);
    }
    out
}

/// The note that replaces what was left out to stay within [`BUDGET`].
fn too_long(what: &str) -> String {
    format!("\n> {what} left out to keep this comment within GitHub's size limit: run `cairn impact` to see them.\n")
}

fn summary(impact: &Impact) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "- **{}**", changed_phrase(impact));
    let _ = writeln!(out, "- **{}**", reached_phrase(impact));
    if let Some(tier) = impact.highest_tier {
        let _ = writeln!(out, "- Highest tier reached: **{tier}**");
    }
    if !impact.notify.is_empty() {
        let _ = writeln!(out, "- Teams to notify: {}", refs(&impact.notify, false));
    }
    if !impact.review.is_empty() {
        let articles = plural(impact.review.len(), "knowledge article", "knowledge articles");
        let _ = writeln!(out, "- {articles} to review");
    }
    if !impact.dangling.is_empty() {
        let dangling = plural(impact.dangling.len(), "dangling reference", "dangling references");
        let _ = writeln!(out, "- ⚠️ **{dangling}** to removed entities");
    }
    out
}

/// `…and 3 more.` after a capped table.
fn more(total: usize, shown: usize) -> String {
    if total > shown {
        format!("\n…and {} more.\n", total - shown)
    } else {
        String::new()
    }
}

fn changes(impact: &Impact, lookup: &dyn Lookup) -> String {
    if impact.changed.is_empty() {
        return String::new();
    }
    let mut out =
        String::from("\n#### Changes\n\n| Entity | Change | File | Fields changed |\n|---|---|---|---|\n");
    for c in impact.changed.iter().take(MAX_ROWS) {
        let mut fields: Vec<String> =
            c.fields.iter().take(MAX_FIELDS_IN_TABLE).map(|f| code(&f.path, true)).collect();
        if c.fields.len() > MAX_FIELDS_IN_TABLE {
            fields.push(format!("+{} more", c.fields.len() - MAX_FIELDS_IN_TABLE));
        }
        let fields = if fields.is_empty() { "—".to_owned() } else { fields.join(", ") };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {fields} |",
            entity(&c.reference, lookup, true),
            change_word(c.change),
            code(&c.file, true)
        );
    }
    out.push_str(&more(impact.changed.len(), MAX_ROWS));
    out
}

fn reached(impact: &Impact, lookup: &dyn Lookup) -> String {
    if impact.reached.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n#### Reached\n\n| Entity | Level | Tier | Path |\n|---|---|---|---|\n");
    for r in impact.reached.iter().take(MAX_ROWS) {
        let tier = lookup.tier(&r.reference).map(|t| t.to_string()).unwrap_or_default();
        let path: Vec<String> = steps(r)
            .into_iter()
            .map(|step| match step {
                Step::Entity(e) => code(&e.to_string(), true),
                Step::Elided(n) => elided_words(n),
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {tier} | {} |",
            entity(&r.reference, lookup, true),
            level_word(r.level),
            path.join(" → ")
        );
    }
    out.push_str(&more(impact.reached.len(), MAX_ROWS));
    out
}

fn details(impact: &Impact, lookup: &dyn Lookup) -> String {
    let modified: Vec<&Change> = impact.changed.iter().filter(|c| !c.fields.is_empty()).collect();
    if modified.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n#### Field changes\n");
    for c in modified.iter().take(MAX_DETAILS) {
        let title = lookup.title(&c.reference).map(|t| format!(" {}", html(t))).unwrap_or_default();
        let fields = plural(c.fields.len(), "field", "fields");
        let _ = write!(
            out,
            "\n<details><summary><code>{}</code>{title}: {fields}</summary>\n\n",
            html(&c.reference.to_string())
        );
        for f in c.fields.iter().take(MAX_FIELDS) {
            out.push_str(&field(f));
        }
        if c.fields.len() > MAX_FIELDS {
            let _ = writeln!(out, "- …and {} more", c.fields.len() - MAX_FIELDS);
        }
        out.push_str("\n</details>\n");
    }
    out.push_str(&more(modified.len(), MAX_DETAILS));
    out
}

/// One field as a list item: `before → after`, or its text diff in a `diff` block.
fn field(f: &FieldChange) -> String {
    let path = code(&f.path, false);
    let Some(diff) = &f.diff else {
        return format!("- {path}: {} → {}\n", value(&f.before), value(&f.after));
    };
    // A lone `\r` (or another control character) would end a line inside the block and could
    // end the list item, and with it the block: spaces instead.
    let lines: Vec<String> = diff
        .lines()
        .map(|l| l.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect())
        .collect();
    let mut body = lines[..lines.len().min(MAX_DIFF_LINES)].join("\n");
    if lines.len() > MAX_DIFF_LINES {
        let _ = write!(body, "\n… {} more lines", lines.len() - MAX_DIFF_LINES);
    }
    let block = fenced("diff", &body);
    // Indented by two spaces, the block belongs to the list item.
    let block: String =
        block.lines().map(|l| if l.is_empty() { "\n".to_owned() } else { format!("  {l}\n") }).collect();
    format!("- {path}:\n\n{block}\n")
}

fn review(impact: &Impact, lookup: &dyn Lookup) -> String {
    if impact.review.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n#### Knowledge articles to review\n\n");
    for r in impact.review.iter().take(MAX_ROWS) {
        let _ = writeln!(out, "- {}: about {}", entity(&r.reference, lookup, false), refs(&r.about, false));
    }
    out.push_str(&more(impact.review.len(), MAX_ROWS));
    out
}

fn dangling(impact: &Impact, lookup: &dyn Lookup) -> String {
    if impact.dangling.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n#### ⚠️ Dangling references\n\n");
    out.push_str("Entities at head still refer to entities this change removes:\n\n");
    out.push_str("| From | To (removed) | File | Pointer |\n|---|---|---|---|\n");
    for d in impact.dangling.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            entity(&d.from, lookup, true),
            entity(&d.to, lookup, true),
            code(&d.file, true),
            code(&d.pointer, true)
        );
    }
    out.push_str(&more(impact.dangling.len(), MAX_ROWS));
    out
}

/// How a node of the impact graph is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Changed,
    Impacted,
    Degraded,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Changed => "changed",
            Class::Impacted => "impacted",
            Class::Degraded => "degraded",
        }
    }
}

/// The edges of the impact graph, `changed → … → reached`, each with how many entries of a
/// path were left out between its two ends (0: a direct dependency).
type Edges<'a> = BTreeMap<(&'a EntityRef, &'a EntityRef), usize>;

/// The reached sub-graph: the nodes and edges of the paths, whole paths added shortest first
/// (the order of `reached`) while they fit in `cap` nodes. Returns the nodes kept, the edges
/// kept and the number of nodes of all paths.
pub(super) fn subgraph(impact: &Impact, cap: usize) -> (BTreeSet<&EntityRef>, Edges<'_>, usize) {
    let all: BTreeSet<&EntityRef> =
        impact.reached.iter().flat_map(|r| r.path.iter().chain([&r.reference])).collect();
    let mut nodes = BTreeSet::new();
    let mut edges: Edges<'_> = BTreeMap::new();
    for r in &impact.reached {
        let mut path: Vec<&EntityRef> = r.path.iter().collect();
        if path.last() != Some(&&r.reference) {
            path.push(&r.reference);
        }
        let new: BTreeSet<&&EntityRef> = path.iter().filter(|p| !nodes.contains(*p)).collect();
        if nodes.len() + new.len() > cap {
            continue;
        }
        nodes.extend(path.iter().copied());
        let at = gap(r);
        for (i, pair) in path.windows(2).enumerate() {
            let elided = if at == Some(i + 1) { r.elided } else { 0 };
            edges.entry((pair[0], pair[1])).and_modify(|e| *e = (*e).min(elided)).or_insert(elided);
        }
    }
    (nodes, edges, all.len())
}

fn graph(impact: &Impact, lookup: &dyn Lookup) -> String {
    if impact.reached.is_empty() {
        return String::new();
    }
    let (nodes, edges, total) = subgraph(impact, MAX_GRAPH_NODES);
    let changed: BTreeSet<&EntityRef> = impact.changed.iter().map(|c| &c.reference).collect();
    let levels: BTreeMap<&EntityRef, Level> =
        impact.reached.iter().map(|r| (&r.reference, r.level)).collect();
    let class = |r: &EntityRef| {
        if changed.contains(r) {
            Class::Changed
        } else if levels.get(r) == Some(&Level::Degraded) {
            Class::Degraded
        } else {
            Class::Impacted
        }
    };
    let ids: BTreeMap<&EntityRef, usize> = nodes.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    let mut body = String::from("flowchart LR\n");
    for (&r, i) in &ids {
        let label = match lookup.title(r) {
            Some(title) => {
                format!("{}<br>{}", escape_mermaid(&unmention(title)), escape_mermaid(&r.to_string()))
            }
            None => escape_mermaid(&r.to_string()),
        };
        let _ = writeln!(body, "  {}", mermaid_node(&format!("n{i}"), r.kind, &label));
    }
    for (&(from, to), &elided) in &edges {
        match elided {
            0 => writeln!(body, "  n{} --> n{}", ids[from], ids[to]),
            n => writeln!(body, "  n{} -.->|\"{}\"| n{}", ids[from], elided_words(n), ids[to]),
        }
        .unwrap_or(());
    }
    body.push_str("  classDef changed fill:#fde68a,stroke:#b45309,stroke-width:2px;\n");
    body.push_str("  classDef impacted fill:#fecaca,stroke:#b91c1c;\n");
    body.push_str("  classDef degraded fill:#e0e7ff,stroke:#4338ca,stroke-dasharray:4 3;\n");
    let mut classes: BTreeMap<Class, Vec<String>> = BTreeMap::new();
    for (&r, i) in &ids {
        classes.entry(class(r)).or_default().push(format!("n{i}"));
    }
    for (class, members) in &classes {
        let _ = writeln!(body, "  class {} {};", members.join(","), class.name());
    }
    let mut out = String::from("\n#### Graph\n\n");
    out.push_str(&fenced("mermaid", &body));
    if total > nodes.len() {
        let _ = writeln!(out, "\n*graph capped at {} of {total} nodes*", MAX_GRAPH_NODES);
    }
    out
}
