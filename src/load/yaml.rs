//! YAML text → `serde_json::Value` documents, with exact positions.
//!
//! A pure module (no I/O) built on `saphyr_parser` events. Nothing here recurses over user data:
//! nesting is tracked with explicit stacks and counters, so hostile input (100,000-deep nesting,
//! alias bombs, millions of documents) ends in a [`Problem`], never in a stack overflow or a hang.
//!
//! Plain scalars are typed with the YAML 1.2 core schema (`yes`/`on` stay strings); quoted and
//! block scalars are strings. Aliases are expanded (within [`Limits::max_alias_nodes`]) and merge
//! keys (`<<`) are applied. Positions of values are not stored: [`locate`] re-reads the text and
//! finds the node at a JSON pointer only when a diagnostic needs it.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

use crate::diag::span::Span;

/// Bounds that keep hostile input cheap. Depth also bounds the depth of every returned value,
/// so dropping or walking it recursively is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest allowed nesting of mappings and sequences (default 64).
    pub max_depth: usize,
    /// Nodes that alias expansion may create in one document (default 10,000). A scalar or key
    /// counts one more node per 64 bytes of text, so aliases of long strings cannot multiply
    /// memory either; copies kept of anchored nodes are bounded by the document's size plus
    /// this budget, so nested anchors cannot either.
    pub max_alias_nodes: usize,
    /// Documents allowed in one stream (default 100,000).
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 64, max_alias_nodes: 10_000, max_documents: 100_000 }
    }
}

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based position of the document in the stream.
    pub index: u32,
    /// The whole document, from its first event to the end of its content.
    pub span: Span,
    /// The document's data; `Null` for an empty document.
    pub value: Value,
}

/// What kind of problem the loader found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The text is not valid YAML, or an alias names no anchor defined before it.
    Syntax,
    /// A key appears twice in one mapping; the first value is kept.
    DuplicateKey,
    /// Nesting deeper than [`Limits::max_depth`] (the subtree is replaced by `null`), or than
    /// the parser's own bound of 255 flow levels (the document is dropped).
    TooDeep,
    /// Alias expansion (or copies of nested anchors) exceeded [`Limits::max_alias_nodes`];
    /// later aliases of the document become `null`.
    AliasLimit,
    /// A mapping or sequence used as a mapping key; the entry is skipped.
    UnsupportedKey,
    /// A tag that is not supported or a value that does not fit its tag.
    UnsupportedValue,
    /// More than [`Limits::max_documents`] documents; loading stopped there.
    TooManyDocuments,
}

/// A located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The kind of problem.
    pub kind: ProblemKind,
    /// A readable, one-line description.
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// A second position that explains the first, e.g. `(first key, "first defined here")`.
    pub related: Option<(Span, String)>,
}

/// The result of [`parse`]: every document that loaded, and every problem found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// Documents in stream order; a document interrupted by a syntax error is left out.
    pub documents: Vec<Document>,
    /// Problems in the order they were found.
    pub problems: Vec<Problem>,
}

/// Source positions of the node at a JSON pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The mapping key whose value is the node; `None` for sequence items and the root.
    pub key: Option<Span>,
    /// The node itself.
    pub value: Span,
}

/// Parses every document of `text` into JSON values, collecting located problems.
pub fn parse(text: &str, limits: &Limits) -> Parsed {
    parse_until(text, limits, None)
}

/// Finds the source positions of the node at `pointer` (RFC 6901, `""` is the root) in document
/// `doc_index`, reading only as far as needed. A node reached through an alias resolves to the
/// alias (the place the user wrote); a key reached through a merge (`<<`) resolves to the merge
/// key and its value. `None` when the source has no such node; the rest of a pointer that goes
/// through an alias or a merge is not checked (see [`locate_nearest`], which checks).
pub fn locate(text: &str, doc_index: u32, pointer: &str) -> Option<Located> {
    let tokens = split_pointer(pointer)?;
    let len = tokens.len();
    match walk(text, &[(doc_index, tokens)]).pop()? {
        Some((depth, located)) if depth == len => Some(located),
        _ => None,
    }
}

/// Like [`locate`], but when the node does not exist (in the loaded value, merges and aliases
/// included), locates its deepest existing ancestor and returns that ancestor's pointer with it
/// (the pointer itself when the node exists). Used to point at the mapping that lacks a field.
pub fn locate_nearest(text: &str, doc_index: u32, pointer: &str) -> Option<(String, Located)> {
    split_pointer(pointer)?;
    let query = [(doc_index, pointer.to_string())];
    let (depth, located) = nearest(text, &query).pop()??;
    let prefix = match pointer.match_indices('/').nth(depth) {
        Some((at, _)) => &pointer[..at],
        None => pointer,
    };
    Some((prefix.to_string(), located))
}

/// [`locate_nearest`] for many `(document index, pointer)` queries of one file, with one parse
/// and one walk over its events however many queries there are. A malformed pointer locates
/// its document's root.
pub fn locate_many(text: &str, queries: &[(u32, String)]) -> Vec<Option<Located>> {
    nearest(text, queries).into_iter().map(|found| found.map(|(_, located)| located)).collect()
}

// ---------------------------------------------------------------------------------------------
// Positions

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// 1-based (line, column) of a marker.
fn pos(m: &Marker) -> (u32, u32) {
    (to_u32(m.line()).max(1), to_u32(m.col()).saturating_add(1))
}

fn conv(s: &saphyr_parser::Span) -> Span {
    let (line, col) = pos(&s.start);
    let (end_line, end_col) = pos(&s.end);
    Span::new(line, col, end_line, end_col)
}

/// `span`, or one character at its start when it is empty (a block collection's start event).
fn visible(span: Span) -> Span {
    if (span.end_line, span.end_col) > (span.line, span.col) {
        span
    } else {
        Span::point(span.line, span.col)
    }
}

/// `start` stretched to end at `end`, when `end` lies after it.
fn extend(start: Span, end: (u32, u32)) -> Span {
    if end >= (start.end_line, start.end_col) {
        Span::new(start.line, start.col, end.0, end.1)
    } else {
        start
    }
}

fn is_start(ev: &Event) -> bool {
    matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..))
}

fn is_end(ev: &Event) -> bool {
    matches!(ev, Event::SequenceEnd | Event::MappingEnd)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "invalid YAML".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars (YAML 1.2 core schema)

const CORE: &str = "tag:yaml.org,2002:";

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn as_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

fn float_value(f: f64, written: &str) -> Value {
    Number::from_f64(f).map_or_else(|| Value::String(written.to_string()), Value::Number)
}

/// Core-schema integer: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn as_int(s: &str) -> Option<Value> {
    let radix = |body: &str, radix: u32| {
        if !digits(body, radix) {
            return None;
        }
        Some(match u64::from_str_radix(body, radix) {
            Ok(n) => Value::from(n),
            Err(_) => {
                let f = body
                    .chars()
                    .filter_map(|c| c.to_digit(radix))
                    .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d));
                float_value(f, s)
            }
        })
    };
    if let Some(hex) = s.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return radix(oct, 8);
    }
    if !digits(s.strip_prefix(['-', '+']).unwrap_or(s), 10) {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(Value::from(n));
    }
    if let Ok(n) = s.parse::<u64>() {
        return Some(Value::from(n));
    }
    Some(float_value(s.parse::<f64>().unwrap_or(f64::INFINITY), s))
}

/// Core-schema float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `.inf`, `.nan`.
/// Infinities and NaN cannot be JSON numbers: they stay the string as written.
fn as_float(s: &str) -> Option<Value> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(Value::String(s.to_string()));
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, frac) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], Some(&mantissa[at + 1..])),
        None => (mantissa, None),
    };
    let ok_mantissa = match frac {
        None => digits(whole, 10),
        Some(frac) if whole.is_empty() => digits(frac, 10),
        Some(frac) => digits(whole, 10) && (frac.is_empty() || digits(frac, 10)),
    };
    let ok_exponent = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !(ok_mantissa && ok_exponent) {
        return None;
    }
    Some(float_value(s.parse::<f64>().ok()?, s))
}

/// Scalar text as an owned string of its own size. saphyr-parser reserves room for at least 128
/// more bytes on every plain scalar it scans; kept as is, each name or label that ends up in an
/// entity would hold ~160 bytes for a dozen characters.
fn owned(text: Cow<str>) -> String {
    let mut text = text.into_owned();
    text.shrink_to_fit();
    text
}

fn plain(s: Cow<str>) -> Value {
    if is_null(&s) {
        Value::Null
    } else if let Some(b) = as_bool(&s) {
        Value::Bool(b)
    } else {
        as_int(&s).or_else(|| as_float(&s)).unwrap_or_else(|| Value::String(owned(s)))
    }
}

/// How a tag is written in messages.
fn tag_name(tag: &Tag) -> String {
    if tag.handle == CORE {
        format!("!!{}", tag.suffix)
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("!<{}{}>", tag.handle, tag.suffix)
    }
}

/// The value of a scalar, and the problem with its tag if any.
fn scalar(text: Cow<str>, style: ScalarStyle, tag: Option<&Tag>) -> (Value, Option<String>) {
    let untagged = |text: Cow<str>| {
        if style == ScalarStyle::Plain {
            plain(text)
        } else {
            Value::String(owned(text))
        }
    };
    let Some(tag) = tag else {
        return (untagged(text), None);
    };
    if tag.handle.is_empty() && tag.suffix == "!" {
        return (Value::String(text.to_string()), None);
    }
    if tag.handle != CORE {
        return (untagged(text), Some(format!("custom tags are not supported: `{}`", tag_name(tag))));
    }
    let typed = match tag.suffix.as_str() {
        "str" => return (Value::String(owned(text)), None),
        "null" => is_null(&text).then_some(Value::Null),
        "bool" => as_bool(&text).map(Value::Bool),
        "int" => as_int(&text),
        "float" => as_float(&text).or_else(|| {
            as_int(&text).map(|v| v.as_f64().map_or_else(|| v.clone(), |f| float_value(f, &text)))
        }),
        "map" | "seq" => None,
        other => {
            let msg = format!("tag `!!{other}` is not supported");
            return (untagged(text), Some(msg));
        }
    };
    match typed {
        Some(v) => (v, None),
        None => (untagged(text), Some(format!("value does not fit its tag `{}`", tag_name(tag)))),
    }
}

/// The problem with a mapping's or sequence's tag, if any.
fn collection_tag_problem(tag: Option<&Tag>, mapping: bool) -> Option<String> {
    let tag = tag?;
    let fits = (tag.handle.is_empty() && tag.suffix == "!")
        || (tag.handle == CORE && tag.suffix == if mapping { "map" } else { "seq" });
    if fits {
        None
    } else if tag.handle == CORE
        && matches!(tag.suffix.as_str(), "str" | "int" | "float" | "bool" | "null" | "map" | "seq")
    {
        Some(format!("value does not fit its tag `{}`", tag_name(tag)))
    } else if tag.handle == CORE {
        Some(format!("tag `{}` is not supported", tag_name(tag)))
    } else {
        Some(format!("custom tags are not supported: `{}`", tag_name(tag)))
    }
}

// ---------------------------------------------------------------------------------------------
// Building values

/// A completed anchored node.
struct Anchor {
    value: Value,
    /// Nodes in `value` (what one expansion creates).
    nodes: u64,
    /// Nesting levels in `value` (0 for a scalar).
    height: usize,
    /// The scalar text, when the anchored node is a scalar (used when an alias is a key).
    key: Option<String>,
}

/// What an open mapping expects next.
enum Pending {
    Key,
    Value {
        key: String,
        span: Span,
    },
    Merge,
    /// The value of a skipped entry: built, then dropped.
    Drop,
}

// Frames only live on the stack of open collections (at most `max_depth`): size is no concern.
#[allow(clippy::large_enum_variant)]
enum Body {
    Seq(Vec<Value>),
    Map {
        map: Map<String, Value>,
        /// Spans of the explicit keys, in the map's insertion order.
        key_spans: Vec<Span>,
        /// Key → span, built at the first duplicate so that many duplicates stay linear.
        by_key: Option<HashMap<String, Span>>,
        pending: Pending,
        merges: Vec<(Value, Span)>,
        merge_key: Option<Span>,
    },
}

/// An open mapping or sequence.
struct Frame {
    start: Span,
    anchor: usize,
    nodes: u64,
    height: usize,
    body: Body,
}

/// The document being built.
struct Doc {
    index: u32,
    start: Span,
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Anchor>,
    /// Weight (see [`weight`]) of the nodes built so far, aliases included.
    nodes: u64,
    /// Weight of the copies kept of anchored mappings and sequences.
    anchor_copies: u64,
    alias_nodes: u64,
    alias_exhausted: bool,
    too_deep_reported: bool,
    /// (depth, start) of a subtree being skipped for being too deep.
    skip: Option<(usize, Span)>,
}

/// What a scalar or key counts against the alias budget: one node, plus one per 64 bytes.
fn weight(text: &str) -> u64 {
    1 + (text.len() / 64) as u64
}

fn complex_key_problem(span: Span) -> Problem {
    let message = "a mapping key must be a scalar; this entry is skipped".to_string();
    Problem { kind: ProblemKind::UnsupportedKey, message, span: visible(span), related: None }
}

struct Builder<'l> {
    limits: &'l Limits,
    out: Parsed,
}

impl Builder<'_> {
    fn problem(&mut self, kind: ProblemKind, message: String, span: Span) {
        let span = visible(span);
        self.out.problems.push(Problem { kind, message, span, related: None });
    }

    /// Handles one event inside a document.
    fn event(&mut self, doc: &mut Doc, ev: Event, span: Span, last_end: (u32, u32)) {
        if let Some((depth, start)) = &mut doc.skip {
            if is_start(&ev) {
                *depth += 1;
            } else if is_end(&ev) {
                *depth -= 1;
                if *depth == 0 {
                    let whole = extend(*start, last_end);
                    doc.skip = None;
                    self.insert(doc, Value::Null, whole, 1, 0);
                }
            }
            return;
        }
        let key_expected =
            matches!(doc.stack.last(), Some(Frame { body: Body::Map { pending: Pending::Key, .. }, .. }));
        let mapping = matches!(ev, Event::MappingStart(..));
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                if key_expected && anchor == 0 && tag.is_none() {
                    let merge = style == ScalarStyle::Plain && text == "<<";
                    self.key(doc, owned(text), merge, span);
                    return;
                }
                let nodes = weight(&text);
                doc.nodes = doc.nodes.saturating_add(nodes);
                let keep = (key_expected || anchor > 0).then(|| text.to_string());
                let (value, tag_problem) = scalar(text, style, tag.as_deref());
                if let Some(msg) = tag_problem {
                    self.problem(ProblemKind::UnsupportedValue, msg, span);
                }
                if anchor > 0 {
                    let key = keep.clone();
                    let stored = Anchor { value: value.clone(), nodes, height: 0, key };
                    doc.anchors.insert(anchor, stored);
                }
                match keep {
                    // A tagged `<<` is an ordinary key.
                    Some(text) if key_expected => {
                        let merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                        self.key(doc, text, merge, span);
                    }
                    _ => self.insert(doc, value, span, nodes, 0),
                }
            }
            Event::Alias(id) => self.alias(doc, id, span, key_expected),
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                // A collection in key position is built (its anchors count) and then refused.
                if doc.stack.len() >= self.limits.max_depth {
                    if !doc.too_deep_reported {
                        doc.too_deep_reported = true;
                        let msg = format!("nesting is deeper than {} levels", self.limits.max_depth);
                        self.problem(ProblemKind::TooDeep, msg, span);
                    }
                    doc.skip = Some((1, span));
                } else {
                    if let Some(msg) = collection_tag_problem(tag.as_deref(), mapping) {
                        self.problem(ProblemKind::UnsupportedValue, msg, span);
                    }
                    let body = if mapping {
                        Body::Map {
                            map: Map::new(),
                            key_spans: Vec::new(),
                            by_key: None,
                            pending: Pending::Key,
                            merges: Vec::new(),
                            merge_key: None,
                        }
                    } else {
                        Body::Seq(Vec::new())
                    };
                    doc.nodes = doc.nodes.saturating_add(1);
                    doc.stack.push(Frame { start: span, anchor, nodes: 1, height: 1, body });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = doc.stack.pop() else { return };
                let whole = extend(frame.start, last_end);
                let value = match frame.body {
                    Body::Seq(items) => Value::Array(items),
                    Body::Map { mut map, merges, .. } => {
                        self.merge(&mut map, merges);
                        Value::Object(map)
                    }
                };
                if frame.anchor > 0 && self.may_copy(doc, frame.nodes, frame.start) {
                    let (nodes, height) = (frame.nodes, frame.height);
                    let stored = Anchor { value: value.clone(), nodes, height, key: None };
                    doc.anchors.insert(frame.anchor, stored);
                }
                self.insert(doc, value, whole, frame.nodes, frame.height);
            }
            _ => {}
        }
    }

    /// The key of the innermost mapping is unusable: drop the entry's value, reporting a
    /// mapping or sequence used as the key at `complex`.
    fn drop_entry(&mut self, doc: &mut Doc, complex: Option<Span>) {
        if let Some(span) = complex {
            self.out.problems.push(complex_key_problem(span));
        }
        if let Some(Frame { body: Body::Map { pending, .. }, .. }) = doc.stack.last_mut() {
            *pending = Pending::Drop;
        }
    }

    /// A scalar key of the innermost mapping.
    fn key(&mut self, doc: &mut Doc, key: String, merge: bool, span: Span) {
        let Some(Frame { body: Body::Map { map, key_spans, by_key, pending, merge_key, .. }, .. }) =
            doc.stack.last_mut()
        else {
            return;
        };
        // Each value is in the map before the next key arrives; merges are applied at the end.
        let first = if merge {
            *merge_key
        } else if map.contains_key(&key) {
            let index =
                by_key.get_or_insert_with(|| map.keys().cloned().zip(key_spans.iter().copied()).collect());
            index.get(&key).copied()
        } else {
            None
        };
        if let Some(first) = first {
            *pending = Pending::Drop;
            self.out.problems.push(Problem {
                kind: ProblemKind::DuplicateKey,
                message: format!("duplicate key `{key}`"),
                span: visible(span),
                related: Some((visible(first), "first defined here".to_string())),
            });
        } else if merge {
            *merge_key = Some(span);
            *pending = Pending::Merge;
        } else {
            *pending = Pending::Value { key, span };
        }
    }

    /// Whether an anchored mapping or sequence of `nodes` may be copied for later aliases.
    fn may_copy(&mut self, doc: &mut Doc, nodes: u64, span: Span) -> bool {
        if doc.alias_exhausted {
            return false;
        }
        let budget = doc.nodes.saturating_add(self.limits.max_alias_nodes as u64);
        if doc.anchor_copies.saturating_add(nodes) > budget {
            doc.alias_exhausted = true;
            let msg = "anchors are nested too much: their copies would outgrow the document";
            self.problem(ProblemKind::AliasLimit, msg.to_string(), span);
            return false;
        }
        doc.anchor_copies += nodes;
        true
    }

    fn alias(&mut self, doc: &mut Doc, id: usize, span: Span, key_expected: bool) {
        // Once the budget is spent, anchors are no longer kept and aliases are dropped silently.
        let anchor = doc.anchors.get(&id).filter(|_| !doc.alias_exhausted);
        let Some(anchor) = anchor else {
            if !doc.alias_exhausted {
                let msg = "alias refers to an anchor that is not defined before it in this document";
                self.problem(ProblemKind::Syntax, msg.to_string(), span);
            }
            if key_expected {
                self.drop_entry(doc, None);
            } else {
                self.insert(doc, Value::Null, span, 1, 0);
            }
            return;
        };
        if key_expected {
            match anchor.key.clone() {
                Some(key) => self.key(doc, key, false, span),
                None => self.drop_entry(doc, Some(span)),
            }
            return;
        }
        let (nodes, height) = (anchor.nodes, anchor.height);
        let value = if doc.stack.len() + height > self.limits.max_depth {
            if !doc.too_deep_reported {
                doc.too_deep_reported = true;
                let msg =
                    format!("this alias nests deeper than {} levels once expanded", self.limits.max_depth);
                self.problem(ProblemKind::TooDeep, msg, span);
            }
            Value::Null
        } else if doc.alias_nodes.saturating_add(nodes) > self.limits.max_alias_nodes as u64 {
            doc.alias_exhausted = true;
            let msg =
                format!("aliases expand to more than {} nodes in this document", self.limits.max_alias_nodes);
            self.problem(ProblemKind::AliasLimit, msg, span);
            Value::Null
        } else {
            doc.alias_nodes += nodes;
            doc.nodes = doc.nodes.saturating_add(nodes);
            anchor.value.clone()
        };
        if value.is_null() {
            self.insert(doc, value, span, 1, 0);
        } else {
            self.insert(doc, value, span, nodes, height);
        }
    }

    /// Places a completed value in the innermost open collection (or as the root).
    fn insert(&mut self, doc: &mut Doc, value: Value, span: Span, nodes: u64, height: usize) {
        let Some(frame) = doc.stack.last_mut() else {
            doc.root.get_or_insert(value);
            return;
        };
        frame.nodes = frame.nodes.saturating_add(nodes);
        frame.height = frame.height.max(height + 1);
        match &mut frame.body {
            Body::Seq(items) => items.push(value),
            Body::Map { map, key_spans, by_key, pending, merges, .. } => {
                match std::mem::replace(pending, Pending::Key) {
                    Pending::Value { key, span } => {
                        frame.nodes = frame.nodes.saturating_add(weight(&key) - 1);
                        key_spans.push(span);
                        if let Some(index) = by_key {
                            index.insert(key.clone(), span);
                        }
                        map.insert(key, value);
                    }
                    Pending::Merge => merges.push((value, span)),
                    Pending::Drop => {}
                    // Only a mapping or sequence reaches here as a key.
                    Pending::Key => {
                        *pending = Pending::Drop;
                        self.out.problems.push(complex_key_problem(span));
                    }
                }
            }
        }
    }

    /// Applies merge keys: entries not set explicitly are added, earlier sources first.
    fn merge(&mut self, map: &mut Map<String, Value>, merges: Vec<(Value, Span)>) {
        for (source, span) in merges {
            let sources = match source {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                match source {
                    Value::Object(entries) => {
                        for (k, v) in entries {
                            if !map.contains_key(&k) {
                                map.insert(k, v);
                            }
                        }
                    }
                    Value::Null => {}
                    _ => {
                        let msg = "a merge key (`<<`) takes a mapping or a sequence of mappings";
                        self.problem(ProblemKind::UnsupportedValue, msg.to_string(), span);
                    }
                }
            }
        }
    }
}

fn parse_until(text: &str, limits: &Limits, stop_after: Option<u32>) -> Parsed {
    let mut b = Builder { limits, out: Parsed::default() };
    let mut parser = Parser::new_from_str(text);
    let mut doc: Option<Doc> = None;
    let mut started: usize = 0;
    let mut last_end = (1, 1);
    while let Some(next) = parser.next_event() {
        let (ev, ys) = match next {
            Ok(ok) => ok,
            Err(e) => {
                let (line, col) = pos(e.marker());
                let (kind, msg) = if e.info() == "recursion limit exceeded" {
                    // The scanner allows 255 flow levels and reports this before any event.
                    (ProblemKind::TooDeep, "nesting is deeper than the parser's limit".to_string())
                } else {
                    (ProblemKind::Syntax, capitalise(e.info()))
                };
                b.problem(kind, msg, Span::point(line, col));
                break;
            }
        };
        let span = conv(&ys);
        let ends_doc = matches!(ev, Event::DocumentEnd | Event::StreamEnd);
        if ys.start.index() != ys.end.index() && !ends_doc {
            last_end = (span.end_line, span.end_col);
        }
        match ev {
            Event::DocumentStart(_) => {
                if started >= limits.max_documents {
                    let msg = format!("more than {} documents in one stream", limits.max_documents);
                    b.problem(ProblemKind::TooManyDocuments, msg, span);
                    break;
                }
                doc = Some(Doc {
                    index: to_u32(started),
                    start: span,
                    stack: Vec::new(),
                    root: None,
                    anchors: HashMap::new(),
                    nodes: 0,
                    anchor_copies: 0,
                    alias_nodes: 0,
                    alias_exhausted: false,
                    too_deep_reported: false,
                    skip: None,
                });
                started += 1;
            }
            Event::DocumentEnd => {
                if let Some(d) = doc.take() {
                    let value = if d.stack.is_empty() { d.root.unwrap_or(Value::Null) } else { Value::Null };
                    let index = d.index;
                    let span = extend(d.start, last_end);
                    b.out.documents.push(Document { index, span, value });
                    if stop_after == Some(index) {
                        break;
                    }
                }
            }
            Event::StreamEnd => {
                if started == 0 {
                    let span = Span::new(1, 1, span.end_line, span.end_col);
                    b.out.documents.push(Document { index: 0, span, value: Value::Null });
                }
                break;
            }
            Event::StreamStart | Event::Nothing => {}
            other => {
                if let Some(d) = doc.as_mut() {
                    b.event(d, other, span, last_end);
                }
            }
        }
    }
    b.out
}

// ---------------------------------------------------------------------------------------------
// Locating

/// RFC 6901 reference tokens; `None` for a malformed pointer.
fn split_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .map(|raw| {
            let mut out = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c != '~' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('0') => out.push('~'),
                    Some('1') => out.push('/'),
                    _ => return None,
                }
            }
            Some(out)
        })
        .collect()
}

/// An RFC 6901 array index: `0` or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) || !digits(token, 10) {
        return None;
    }
    token.parse().ok()
}

/// For each query, how many tokens of its pointer resolve, and where: pointers are first cut to
/// what exists in the loaded value (one parse), then walked in the source.
fn nearest(text: &str, queries: &[(u32, String)]) -> Vec<Option<(usize, Located)>> {
    let last = queries.iter().map(|q| q.0).max();
    let parsed = parse_until(text, &Limits::default(), last);
    let cut: Vec<(u32, Vec<String>)> = queries
        .iter()
        .map(|(doc_index, pointer)| {
            let mut tokens = split_pointer(pointer).unwrap_or_default();
            // A document that did not load is walked as far as its source goes.
            if let Some(doc) = parsed.documents.iter().find(|d| d.index == *doc_index) {
                let mut value = &doc.value;
                let mut depth = 0;
                for token in &tokens {
                    let next = match value {
                        Value::Object(map) => map.get(token),
                        Value::Array(items) => array_index(token).and_then(|i| items.get(i)),
                        _ => None,
                    };
                    let Some(next) = next else { break };
                    value = next;
                    depth += 1;
                }
                tokens.truncate(depth);
            }
            (*doc_index, tokens)
        })
        .collect();
    walk(text, &cut)
}

/// A node of the trie of wanted pointers.
#[derive(Default)]
struct Want {
    children: Vec<(String, usize)>,
    /// Some query ends here.
    target: bool,
    found: Option<Located>,
}

/// What the walker expects next in an open mapping.
#[derive(Clone, Copy)]
enum Phase {
    Key,
    /// The value of a key, and the wanted node it is (if any).
    Value(Option<usize>, Span),
    /// The value of a merge key.
    Merge(Span),
}

/// An open mapping or sequence on the way to wanted nodes.
struct Open {
    want: usize,
    key: Option<Span>,
    start: Span,
    map: bool,
    index: usize,
    phase: Phase,
    merge: Option<Located>,
    /// Wanted children already found under an explicit key (the first of duplicates wins).
    seen: Vec<usize>,
}

/// What to do when a skipped subtree closes.
enum After {
    Next,
    Found(usize, Option<Span>, Span),
    Key(Span),
    Merge(Span, Span),
}

/// Walks the events of one document towards the wanted nodes, without recursion: only
/// collections on the way are kept open, everything else is skipped with a counter.
struct Walker<'w> {
    wants: &'w mut [Want],
    remaining: usize,
    root: usize,
    root_done: bool,
    stack: Vec<Open>,
    skip: Option<(usize, After)>,
    scalar_anchors: HashMap<usize, String>,
}

impl Walker<'_> {
    fn found(&mut self, want: usize, located: Located) {
        if let Some(w) = self.wants.get_mut(want) {
            if w.found.is_none() {
                w.found = Some(located);
                self.remaining -= usize::from(w.target);
            }
        }
    }

    /// `want` and everything wanted below it resolve to `located` (an alias or a merge).
    fn found_all(&mut self, want: usize, located: Located) {
        let mut todo = vec![want];
        while let Some(w) = todo.pop() {
            self.found(w, located);
            todo.extend(self.wants.get(w).into_iter().flat_map(|w| w.children.iter().map(|c| c.1)));
        }
    }

    fn next(&mut self) {
        match self.stack.last_mut() {
            None => self.root_done = true,
            Some(open) if open.map => open.phase = Phase::Key,
            Some(open) => open.index += 1,
        }
    }

    fn child(&self, want: usize, matches: impl Fn(&str) -> bool) -> Option<usize> {
        let children = self.wants.get(want).map(|w| w.children.as_slice()).unwrap_or_default();
        children.iter().find(|(token, _)| matches(token)).map(|c| c.1)
    }

    fn event(&mut self, ev: Event, span: Span, last_end: (u32, u32)) {
        if let Event::Scalar(text, _, anchor, _) = &ev {
            if *anchor > 0 {
                self.scalar_anchors.insert(*anchor, text.to_string());
            }
        }
        if let Some((depth, _)) = &mut self.skip {
            if is_start(&ev) {
                *depth += 1;
            } else if is_end(&ev) {
                *depth -= 1;
                if *depth == 0 {
                    let whole = |start| extend(start, last_end);
                    match self.skip.take().map(|s| s.1) {
                        Some(After::Found(want, key, start)) => {
                            self.found(want, Located { key, value: whole(start) });
                            self.next();
                        }
                        Some(After::Key(key)) => self.set_phase(Phase::Value(None, key)),
                        Some(After::Merge(key, start)) => {
                            self.set_merge(Located { key: Some(key), value: whole(start) });
                        }
                        Some(After::Next) | None => self.next(),
                    }
                }
            }
            return;
        }
        let (want, key) = match self.stack.last_mut() {
            None if self.root_done => return,
            None => (Some(self.root), None),
            Some(_) if is_end(&ev) => return self.close(last_end),
            Some(open) if open.map => match open.phase {
                Phase::Key => return self.key(ev, span),
                Phase::Merge(key) if is_start(&ev) => {
                    self.skip = Some((1, After::Merge(key, span)));
                    return;
                }
                Phase::Merge(key) => return self.set_merge(Located { key: Some(key), value: span }),
                Phase::Value(want, key) => (want, Some(key)),
            },
            Some(open) => {
                let (want, index) = (open.want, open.index);
                (self.child(want, |token| array_index(token) == Some(index)), None)
            }
        };
        match (want, ev) {
            (Some(want), Event::Scalar(..)) => {
                self.found(want, Located { key, value: span });
                self.next();
            }
            (Some(want), Event::Alias(_)) => {
                self.found_all(want, Located { key, value: span });
                self.next();
            }
            (Some(want), ev) if is_start(&ev) => {
                if self.wants.get(want).is_some_and(|w| w.children.is_empty()) {
                    self.skip = Some((1, After::Found(want, key, span)));
                } else {
                    let map = matches!(ev, Event::MappingStart(..));
                    let (phase, merge, seen) = (Phase::Key, None, Vec::new());
                    self.stack.push(Open { want, key, start: span, map, index: 0, phase, merge, seen });
                }
            }
            (None, ev) if is_start(&ev) => self.skip = Some((1, After::Next)),
            _ => self.next(),
        }
    }

    fn set_phase(&mut self, phase: Phase) {
        if let Some(open) = self.stack.last_mut() {
            open.phase = phase;
        }
    }

    fn set_merge(&mut self, located: Located) {
        if let Some(open) = self.stack.last_mut() {
            open.merge.get_or_insert(located);
            open.phase = Phase::Key;
        }
    }

    /// A key of the innermost open mapping.
    fn key(&mut self, ev: Event, span: Span) {
        let text = match ev {
            Event::Scalar(text, style, _, tag) => {
                if style == ScalarStyle::Plain && tag.is_none() && text == "<<" {
                    return self.set_phase(Phase::Merge(span));
                }
                Some(text.into_owned())
            }
            Event::Alias(id) => self.scalar_anchors.get(&id).cloned(),
            ev if is_start(&ev) => {
                self.skip = Some((1, After::Key(span)));
                return;
            }
            _ => None,
        };
        let Some(open) = self.stack.last() else { return };
        let seen = &open.seen;
        let want = text
            .and_then(|text| self.child(open.want, |token| token == text))
            .filter(|want| !seen.contains(want));
        if let Some(open) = self.stack.last_mut() {
            open.seen.extend(want);
            open.phase = Phase::Value(want, span);
        }
    }

    fn close(&mut self, last_end: (u32, u32)) {
        let Some(open) = self.stack.pop() else { return };
        self.found(open.want, Located { key: open.key, value: extend(open.start, last_end) });
        if let (true, Some(merge)) = (open.map, open.merge) {
            let children: Vec<usize> = self.wants.get(open.want).map_or_else(Vec::new, |w| {
                w.children.iter().map(|c| c.1).filter(|c| !open.seen.contains(c)).collect()
            });
            for child in children {
                self.found_all(child, merge);
            }
        }
        self.next();
    }
}

/// Walks the source once for all queries; for each, the deepest node of its pointer that was
/// found (number of tokens, position).
fn walk(text: &str, queries: &[(u32, Vec<String>)]) -> Vec<Option<(usize, Located)>> {
    let mut wants: Vec<Want> = Vec::new();
    let mut roots: HashMap<u32, usize> = HashMap::new();
    let mut paths = Vec::with_capacity(queries.len());
    for (doc_index, tokens) in queries {
        let mut at = *roots.entry(*doc_index).or_insert_with(|| {
            wants.push(Want::default());
            wants.len() - 1
        });
        let mut path = vec![at];
        for token in tokens {
            let existing = wants.get(at).and_then(|w| w.children.iter().find(|c| c.0 == *token));
            at = match existing {
                Some(&(_, child)) => child,
                None => {
                    wants.push(Want::default());
                    let child = wants.len() - 1;
                    if let Some(w) = wants.get_mut(at) {
                        w.children.push((token.clone(), child));
                    }
                    child
                }
            };
            path.push(at);
        }
        if let Some(w) = wants.get_mut(at) {
            w.target = true;
        }
        paths.push(path);
    }
    let remaining = wants.iter().filter(|w| w.target).count();
    let last_doc = roots.keys().max().copied().unwrap_or(0);
    let mut parser = Parser::new_from_str(text);
    let mut walker = Walker {
        wants: &mut wants,
        remaining,
        root: usize::MAX,
        root_done: true,
        stack: Vec::new(),
        skip: None,
        scalar_anchors: HashMap::new(),
    };
    let mut next_doc = 0u32;
    let mut last_end = (1, 1);
    while let Some(Ok((ev, ys))) = parser.next_event() {
        if walker.remaining == 0 {
            break;
        }
        let span = conv(&ys);
        if ys.start.index() != ys.end.index() && !matches!(ev, Event::DocumentEnd | Event::StreamEnd) {
            last_end = (span.end_line, span.end_col);
        }
        match ev {
            Event::DocumentStart(_) if next_doc > last_doc => break,
            Event::DocumentStart(_) => {
                let root = roots.get(&next_doc).copied();
                (walker.root, walker.root_done) = (root.unwrap_or(usize::MAX), root.is_none());
                walker.stack.clear();
                walker.skip = None;
                walker.scalar_anchors.clear();
                next_doc += 1;
            }
            Event::StreamEnd => {
                // A stream without documents is one empty document.
                if let (0, Some(&root)) = (next_doc, roots.get(&0)) {
                    let value = Span::new(1, 1, span.end_line, span.end_col);
                    walker.found(root, Located { key: None, value });
                }
            }
            Event::DocumentEnd | Event::StreamStart | Event::Nothing => {}
            ev => walker.event(ev, span, last_end),
        }
    }
    paths
        .iter()
        .map(|path| {
            let found = path.iter().map(|&w| wants.get(w).and_then(|w| w.found));
            found.enumerate().filter_map(|(depth, f)| f.map(|f| (depth, f))).next_back()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> (Value, Vec<Problem>) {
        let parsed = parse(text, &Limits::default());
        assert_eq!(parsed.documents.len(), 1, "{text:?}: {parsed:?}");
        let doc = parsed.documents.into_iter().next().map(|d| d.value);
        (doc.unwrap_or(Value::Null), parsed.problems)
    }

    fn kinds(problems: &[Problem]) -> Vec<ProblemKind> {
        problems.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn scalar_typing_follows_the_core_schema() {
        let table: &[(&str, Value)] = &[
            ("~", Value::Null),
            ("null", Value::Null),
            ("NULL", Value::Null),
            ("", Value::Null),
            ("true", json!(true)),
            ("False", json!(false)),
            ("yes", json!("yes")),
            ("no", json!("no")),
            ("on", json!("on")),
            ("off", json!("off")),
            ("y", json!("y")),
            ("12", json!(12)),
            ("-7", json!(-7)),
            ("+3", json!(3)),
            ("0o17", json!(15)),
            ("0x1F", json!(31)),
            ("18446744073709551615", json!(18_446_744_073_709_551_615_u64)),
            ("99999999999999999999", json!(1e20)),
            ("1.5", json!(1.5)),
            ("1e3", json!(1000.0)),
            (".5", json!(0.5)),
            ("-.5", json!(-0.5)),
            (".inf", json!(".inf")),
            ("-.Inf", json!("-.Inf")),
            (".nan", json!(".nan")),
            ("1e999", json!("1e999")),
            ("2026-01-01", json!("2026-01-01")),
            ("0x", json!("0x")),
            ("1_000", json!("1_000")),
            ("'12'", json!("12")),
            ("\"true\"", json!("true")),
            ("\"\"", json!("")),
            ("|\n  12\n", json!("12\n")),
            ("!!str 12", json!("12")),
            ("!!int \"42\"", json!(42)),
            ("!!float 3", json!(3.0)),
            ("!!bool TRUE", json!(true)),
            ("!!null ~", Value::Null),
            ("! 12", json!("12")),
        ];
        for (text, want) in table {
            let (value, problems) = one(&format!("k: {text}\n"));
            assert_eq!(value, json!({ "k": want }), "{text}");
            assert!(problems.is_empty(), "{text}: {problems:?}");
        }
    }

    #[test]
    fn tags_that_do_not_fit_or_are_custom_are_problems() {
        let (value, problems) = one("a: !!int x\nb: !Ref foo\nc: !!binary aGk=\nd: !!map [1]\n");
        assert_eq!(value, json!({"a": "x", "b": "foo", "c": "aGk=", "d": [1]}));
        assert_eq!(kinds(&problems), vec![ProblemKind::UnsupportedValue; 4]);
        assert_eq!(problems[0].span, Span::new(1, 4, 1, 11));
        assert!(problems[1].message.contains("custom tags are not supported"), "{problems:?}");
        assert!(problems[1].message.contains("!Ref"));
    }

    #[test]
    fn duplicate_key_points_at_both_keys() {
        let (value, problems) = one("name: a\nother: 1\n  # c\nname: b\n");
        assert_eq!(value, json!({"name": "a", "other": 1}));
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(p.kind, ProblemKind::DuplicateKey);
        assert_eq!(p.span, Span::new(4, 1, 4, 5));
        assert_eq!(p.related, Some((Span::new(1, 1, 1, 5), "first defined here".to_string())));
        assert!(p.message.contains("name"));
        // Nested and in flow style.
        let (_, problems) = one("x:\n  y: {a: 1, b: 2,  a: 3}\n");
        assert_eq!(problems[0].span, Span::new(2, 20, 2, 21));
        assert_eq!(problems[0].related.as_ref().map(|r| r.0), Some(Span::new(2, 7, 2, 8)));
    }

    #[test]
    fn merge_keys_fill_in_what_is_not_set_explicitly() {
        let text = "\
base: &base {a: 1, b: 2, c: {deep: true}}
more: &more {b: 20, d: 4}
before:
  b: 9
  <<: *base
after:
  <<: [*more, *base]
  a: 0
inline:
  <<: {z: 1}
";
        let (value, problems) = one(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(value["before"], json!({"b": 9, "a": 1, "c": {"deep": true}}));
        assert_eq!(value["after"], json!({"a": 0, "b": 20, "d": 4, "c": {"deep": true}}));
        assert_eq!(value["inline"], json!({"z": 1}));
        // A quoted `<<` is an ordinary key; a merge of a scalar is a problem.
        let (value, problems) = one("'<<': 1\nm:\n  <<: 3\n");
        assert_eq!(value, json!({"<<": 1, "m": {}}));
        assert_eq!(kinds(&problems), vec![ProblemKind::UnsupportedValue]);
        assert_eq!(problems[0].span, Span::new(3, 7, 3, 8));
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let (value, problems) = one("a: &x [1, {b: 2}]\nc: *x\n&k key: *k\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(value, json!({"a": [1, {"b": 2}], "c": [1, {"b": 2}], "key": "key"}));
        // Unknown (here: recursive) anchors are syntax problems, never loops.
        let parsed = parse("a: &x [*x]\n", &Limits::default());
        assert!(parsed.problems.iter().all(|p| p.kind == ProblemKind::Syntax));
        assert!(!parsed.problems.is_empty());
        let parsed = parse("b: *nope\n", &Limits::default());
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::Syntax]);
        assert_eq!(parsed.problems[0].span.line, 1);
    }

    #[test]
    fn alias_bomb_hits_the_alias_limit() {
        let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..9 {
            let prev = format!("*l{}", level - 1);
            let items = [prev.as_str(); 9].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{items}]\n"));
        }
        let parsed = parse(&text, &Limits::default());
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::AliasLimit]);
        // 9 + 81 + 729 + 6561 nodes fit in 10,000; the next level crosses the bound.
        assert_eq!(parsed.problems[0].span.line, 5);
        assert_eq!(parsed.documents.len(), 1);
        let small = Limits { max_alias_nodes: 5, ..Limits::default() };
        let parsed = parse("a: &a [1, 2]\nb: *a\nc: *a\nd: *a\n", &small);
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::AliasLimit]);
        assert_eq!(parsed.problems[0].span, Span::new(3, 4, 3, 6));
        assert_eq!(parsed.documents[0].value["d"], Value::Null);
    }

    /// Runs `f` on a thread with a rayon-sized (2 MiB) stack.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        let handle = std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(f);
        let joined = handle.map(std::thread::JoinHandle::join);
        assert!(matches!(joined, Ok(Ok(()))), "thread failed");
    }

    #[test]
    fn very_deep_nesting_is_a_problem_not_a_crash() {
        on_small_stack(|| {
            let n = 100_000;
            let flow = format!("{}{}", "[".repeat(n), "]".repeat(n));
            let block = format!("{}x\n", "- ".repeat(n));
            let mapping = format!("{}1{}", "{a: ".repeat(n), "}".repeat(n));
            let unclosed = "[".repeat(n);
            for text in [&flow, &block, &mapping, &unclosed] {
                let parsed = parse(text, &Limits::default());
                assert!(kinds(&parsed.problems).contains(&ProblemKind::TooDeep), "{:?}", parsed.problems);
                for p in &parsed.problems {
                    assert!(p.span.line >= 1 && p.span.col >= 1);
                }
                // locate walks the same depth without recursion.
                let _ = locate(text, 0, &"/0".repeat(n));
                let _ = locate_nearest(text, 0, &"/0".repeat(70));
            }
            // Block nesting: reported at the 65th level, and the document is kept.
            let parsed = parse(&block, &Limits::default());
            assert_eq!(parsed.problems[0].span, Span::point(1, 129));
            assert_eq!(parsed.documents.len(), 1);
        });
    }

    #[test]
    fn depth_limit_is_exact() {
        let limits = Limits { max_depth: 3, ..Limits::default() };
        assert!(parse("a: {b: [1]}\n", &limits).problems.is_empty());
        let parsed = parse("a: {b: [[1]]}\nc: 2\n", &limits);
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::TooDeep]);
        assert_eq!(parsed.problems[0].span, Span::new(1, 9, 1, 10));
        assert_eq!(parsed.documents[0].value, json!({"a": {"b": [null]}, "c": 2}));
        // Aliases cannot build deeper values than the limit either.
        let parsed = parse("a: &a [[1]]\nb: [*a]\n", &limits);
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::TooDeep]);
        assert_eq!(parsed.documents[0].value["b"], json!([null]));
    }

    #[test]
    fn documents_keep_their_stream_index() {
        let text = "a: 1\n---\nb: 2\n--- \n...\n# only a comment\n---\nc: [x\n";
        let parsed = parse(text, &Limits::default());
        let docs: Vec<(u32, Value)> = parsed.documents.iter().map(|d| (d.index, d.value.clone())).collect();
        assert_eq!(docs, vec![(0, json!({"a": 1})), (1, json!({"b": 2})), (2, Value::Null)]);
        assert_eq!(parsed.documents[0].span, Span::new(1, 1, 1, 5));
        assert_eq!(parsed.documents[1].span, Span::new(2, 1, 3, 5));
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::Syntax]);
        assert_eq!(parsed.problems[0].span.line, 9);
        // A stream of comments is one empty document.
        let parsed = parse("# nothing here\n", &Limits::default());
        assert_eq!(parsed.documents.len(), 1);
        assert_eq!(parsed.documents[0].value, Value::Null);
        assert!(parse("", &Limits::default()).problems.is_empty());
        // Too many documents.
        let limits = Limits { max_documents: 2, ..Limits::default() };
        let parsed = parse("--- 1\n--- 2\n--- 3\n--- 4\n", &limits);
        assert_eq!(parsed.documents.len(), 2);
        assert_eq!(kinds(&parsed.problems), vec![ProblemKind::TooManyDocuments]);
        assert_eq!(parsed.problems[0].span, Span::new(3, 1, 3, 4));
    }

    #[test]
    fn syntax_errors_are_located() {
        let parsed = parse("a: 1\nb: [1, 2\nc: 3\n", &Limits::default());
        assert!(parsed.documents.is_empty());
        assert_eq!(parsed.problems.len(), 1);
        let p = &parsed.problems[0];
        assert_eq!(p.kind, ProblemKind::Syntax);
        assert_eq!((p.span.line, p.span.col), (3, 2));
        assert_eq!(p.message, "Illegal placement of ':' indicator");
        assert!(!p.message.contains("ScanError"));
        let p = &parse("a: 'x\n", &Limits::default()).problems[0];
        assert_eq!((p.span.line, p.span.col), (1, 4));
    }

    #[test]
    fn columns_count_characters() {
        let parsed = parse("name: \"héllo\" x\n", &Limits::default());
        assert_eq!(parsed.problems[0].span, Span::point(1, 15));
        let text = "name: \"héllo\"\nüber: [a, b]\n";
        let located = locate(text, 0, "/über/1");
        assert_eq!(located, Some(Located { key: None, value: Span::new(2, 11, 2, 12) }));
        let located = locate(text, 0, "/über");
        let want = Located { key: Some(Span::new(2, 1, 2, 5)), value: Span::new(2, 7, 2, 13) };
        assert_eq!(located, Some(want));
    }

    #[test]
    fn complex_keys_are_skipped() {
        let (value, problems) = one("? [a, b]\n: v\n{x: 1}: w\nok: 1\n");
        assert_eq!(value, json!({"ok": 1}));
        assert_eq!(kinds(&problems), vec![ProblemKind::UnsupportedKey; 2]);
        assert_eq!(problems[0].span, Span::new(1, 3, 1, 9));
        assert_eq!(problems[1].span, Span::new(3, 1, 3, 7));
        let (value, problems) = one("1: a\nnull: b\n~: c\ntrue: d\n");
        assert!(problems.is_empty());
        assert_eq!(value, json!({"1": "a", "null": "b", "~": "c", "true": "d"}));
    }

    const LOCATE: &str = "\
service:
  name: web
  ports: [80, 443]
  tags:
    - a
    - {k: v}
  \"a/b~c\": 1
base: &b {x: 1}
use:
  ref: *b
  <<: *b
---
second: true
";

    fn at(line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
        Span::new(line, col, end_line, end_col)
    }

    #[test]
    fn locate_finds_keys_values_and_items() {
        let loc = |p: &str| locate(LOCATE, 0, p);
        assert_eq!(loc("/service/name"), Some(Located { key: Some(at(2, 3, 2, 7)), value: at(2, 9, 2, 12) }));
        assert_eq!(loc("/service/ports/1"), Some(Located { key: None, value: at(3, 15, 3, 18) }));
        assert_eq!(
            loc("/service/ports"),
            Some(Located { key: Some(at(3, 3, 3, 8)), value: at(3, 10, 3, 19) })
        );
        assert_eq!(
            loc("/service/tags/1/k"),
            Some(Located { key: Some(at(6, 8, 6, 9)), value: at(6, 11, 6, 12) })
        );
        assert_eq!(loc("/service/tags"), Some(Located { key: Some(at(4, 3, 4, 7)), value: at(5, 5, 6, 13) }));
        assert_eq!(
            loc("/service/a~1b~0c"),
            Some(Located { key: Some(at(7, 3, 7, 10)), value: at(7, 12, 7, 13) })
        );
        assert_eq!(loc(""), Some(Located { key: None, value: at(1, 1, 11, 9) }));
        assert_eq!(loc("/service/ports/2"), None);
        assert_eq!(loc("/service/ports/01"), None);
        assert_eq!(loc("/nope"), None);
        assert_eq!(loc("no-slash"), None);
        assert_eq!(loc("/bad~2"), None);
        assert_eq!(
            locate(LOCATE, 1, "/second"),
            Some(Located { key: Some(at(13, 1, 13, 7)), value: at(13, 9, 13, 13) })
        );
        assert_eq!(locate(LOCATE, 2, ""), None);
    }

    #[test]
    fn locate_through_aliases_and_merges_points_where_the_user_wrote() {
        let alias = Some(Located { key: Some(at(10, 3, 10, 6)), value: at(10, 8, 10, 10) });
        assert_eq!(locate(LOCATE, 0, "/use/ref"), alias);
        assert_eq!(locate(LOCATE, 0, "/use/ref/x"), alias);
        let merged = Some(Located { key: Some(at(11, 3, 11, 5)), value: at(11, 7, 11, 9) });
        assert_eq!(locate(LOCATE, 0, "/use/x"), merged);
    }

    #[test]
    fn locate_nearest_returns_the_deepest_existing_ancestor() {
        let near = |p: &str| locate_nearest(LOCATE, 0, p);
        let service = Located { key: Some(at(1, 1, 1, 8)), value: at(2, 3, 7, 13) };
        assert_eq!(near("/service/missing"), Some(("/service".to_string(), service)));
        assert_eq!(near("/service/missing/deeper"), Some(("/service".to_string(), service)));
        let name = Located { key: Some(at(2, 3, 2, 7)), value: at(2, 9, 2, 12) };
        assert_eq!(near("/service/name"), Some(("/service/name".to_string(), name)));
        let root = Located { key: None, value: at(1, 1, 11, 9) };
        assert_eq!(near("/zzz"), Some((String::new(), root)));
        // Through an alias: the alias exists, its missing member does not.
        let alias = Located { key: Some(at(10, 3, 10, 6)), value: at(10, 8, 10, 10) };
        assert_eq!(near("/use/ref/nope"), Some(("/use/ref".to_string(), alias)));
        assert_eq!(locate_nearest(LOCATE, 5, "/a"), None);
    }

    #[test]
    fn locate_many_resolves_every_query_in_one_walk() {
        let text = "\
a: {x: 1}
base: &b {k: 1}
m:
  <<: *b
  own: 2
  own: 3
? [c]
: skipped
&key name: value
ref: {*key : v}
---
second: [10, 20]
";
        let queries: Vec<(u32, String)> = [
            (0, "/a/x"),
            (0, "/a/missing"),
            (0, "/m/k"),
            (0, "/m/nope"),
            (0, "/m/own"),
            (0, "/ref/name"),
            (1, "/second/1"),
            (1, "/second/7"),
            (0, "not a pointer"),
            (3, ""),
        ]
        .iter()
        .map(|(d, p)| (*d, p.to_string()))
        .collect();
        let found = locate_many(text, &queries);
        let value = |l: &Option<Located>| l.map(|l| l.value);
        assert_eq!(value(&found[0]), Some(at(1, 8, 1, 9)));
        assert_eq!(value(&found[1]), Some(at(1, 4, 1, 10)));
        // Through a merge: the merge; a key the merge lacks: the mapping itself.
        assert_eq!(found[2], Some(Located { key: Some(at(4, 3, 4, 5)), value: at(4, 7, 4, 9) }));
        assert_eq!(found[3], Some(Located { key: Some(at(3, 1, 3, 2)), value: at(4, 3, 6, 9) }));
        // The first of duplicate keys wins, as in `parse`.
        assert_eq!(value(&found[4]), Some(at(5, 8, 5, 9)));
        // An alias used as a key matches its anchored text.
        assert_eq!(value(&found[5]), Some(at(10, 14, 10, 15)));
        assert_eq!(value(&found[6]), Some(at(12, 14, 12, 16)));
        assert_eq!(value(&found[7]), Some(at(12, 9, 12, 17)));
        assert_eq!(value(&found[8]), Some(at(1, 1, 10, 16)));
        assert_eq!(found[9], None);
        assert_eq!(locate_nearest(text, 0, "not a pointer"), None);
    }

    #[test]
    fn hostile_fragments_never_panic() {
        let inputs = [
            "",
            "-",
            "?",
            ":",
            "[",
            "]",
            "{",
            "}",
            "&",
            "*",
            "!",
            "|",
            ">",
            "'",
            "\"",
            "%",
            "@",
            "---",
            "...",
            "--- |\n",
            "? ? ?",
            "&a &b x",
            "*a: *b",
            "[*]",
            "{? : }",
            "- !<x> ",
            "\u{feff}a: 1",
            "a:\t1",
            "\0",
            "a: \u{1F600}",
            "%YAML 1.2\n%YAML 1.2\n---",
            "!!!x y",
            "a: !!int\n",
            "<<: *x",
            "<<: [1, *x]",
            "[a: 1, b]: c",
        ];
        for text in inputs {
            let parsed = parse(text, &Limits::default());
            for p in &parsed.problems {
                assert!(p.span.line >= 1 && p.span.col >= 1, "{text:?}");
            }
            for pointer in ["", "/0", "/a", "/a/b"] {
                let _ = locate(text, 0, pointer);
                let _ = locate_nearest(text, 0, pointer);
            }
        }
    }
}
