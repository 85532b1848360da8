//! Building values from parser events: anchors, aliases (within the limits), merge keys, and
//! the problems of hostile input, with explicit stacks instead of recursion.

use super::*;

/// A completed anchored node.
pub(super) struct Anchor {
    value: Value,
    /// Nodes in `value` (what one expansion creates).
    nodes: u64,
    /// Nesting levels in `value` (0 for a scalar).
    height: usize,
    /// The scalar text, when the anchored node is a scalar (used when an alias is a key).
    key: Option<String>,
}

/// What an open mapping expects next.
pub(super) enum Pending {
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
pub(super) enum Body {
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
pub(super) struct Frame {
    start: Span,
    anchor: usize,
    nodes: u64,
    height: usize,
    body: Body,
}

/// The document being built.
pub(super) struct Doc {
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
pub(super) fn weight(text: &str) -> u64 {
    1 + (text.len() / 64) as u64
}

pub(super) fn complex_key_problem(span: Span) -> Problem {
    let message = "a mapping key must be a scalar; this entry is skipped".to_string();
    Problem { kind: ProblemKind::UnsupportedKey, message, span: visible(span), related: None }
}

pub(super) struct Builder<'l> {
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

pub(super) fn parse_until(text: &str, limits: &Limits, stop_after: Option<u32>) -> Parsed {
    let mut b = Builder { limits, out: Parsed::default() };
    let mut parser = Parser::new_from_str(text);
    let lines = Lines::new(text);
    let mut doc: Option<Doc> = None;
    let mut started: usize = 0;
    let mut last_end = (1, 1);
    while let Some(next) = parser.next_event() {
        let (ev, ys) = match next {
            Ok(ok) => ok,
            Err(e) => {
                // At the end of the text the scanner's marker can sit on a line past the last
                // one (an unterminated flow collection without a final newline): a finding must
                // point into the file, so it lands on the end of the last line instead.
                let (line, col) = clamp_to_text(lines.pos(e.marker()), text);
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
        let span = lines.conv(&ys);
        let ends_doc = matches!(ev, Event::DocumentEnd | Event::StreamEnd);
        if ys.start.index() != ys.end.index() && !ends_doc {
            last_end = end_of(&ev, span);
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
                    b.out.nodes = b.out.nodes.saturating_add(d.nodes);
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
                    if b.out.nodes.saturating_add(d.nodes) > limits.max_file_nodes {
                        let msg = format!(
                            "the documents of this file build more than {} nodes, aliases expanded \
                             (limits.maxFileNodes); reading stopped here",
                            limits.max_file_nodes
                        );
                        b.problem(ProblemKind::TooManyNodes, msg, span);
                        b.out.nodes = b.out.nodes.saturating_add(d.nodes);
                        break;
                    }
                }
            }
        }
    }
    b.out
}

/// `(line, col)` (1-based, columns in characters), or the position just past the last character
/// of `text` when it lies beyond the text's last line.
fn clamp_to_text((line, col): (u32, u32), text: &str) -> (u32, u32) {
    let lines = u32::try_from(text.matches('\n').count()).unwrap_or(u32::MAX).saturating_add(1);
    if line <= lines {
        return (line, col);
    }
    let last = text.rsplit('\n').next().unwrap_or_default();
    (lines, u32::try_from(last.chars().count()).unwrap_or(u32::MAX).saturating_add(1))
}
