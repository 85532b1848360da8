//! Locating: re-reading a text to find the node at a JSON pointer, for the diagnostics that
//! need a position.

use super::*;

/// RFC 6901 reference tokens; `None` for a malformed pointer.
pub(super) fn split_pointer(pointer: &str) -> Option<Vec<String>> {
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
pub(super) fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) || !digits(token, 10) {
        return None;
    }
    token.parse().ok()
}

/// For each query, how many tokens of its pointer resolve, and where: pointers are first cut to
/// what exists in the loaded value (one parse), then walked in the source.
pub(super) fn nearest(text: &str, queries: &[(u32, String)]) -> Vec<Option<(usize, Located)>> {
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
pub(super) struct Want {
    children: Vec<(String, usize)>,
    /// Some query ends here.
    target: bool,
    found: Option<Located>,
}

/// What the walker expects next in an open mapping.
#[derive(Clone, Copy)]
pub(super) enum Phase {
    Key,
    /// The value of a key, and the wanted node it is (if any).
    Value(Option<usize>, Span),
    /// The value of a merge key.
    Merge(Span),
}

/// An open mapping or sequence on the way to wanted nodes.
pub(super) struct Open {
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
pub(super) enum After {
    Next,
    Found(usize, Option<Span>, Span),
    Key(Span),
    Merge(Span, Span),
}

/// Walks the events of one document towards the wanted nodes, without recursion: only
/// collections on the way are kept open, everything else is skipped with a counter.
pub(super) struct Walker<'w> {
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
pub(super) fn walk(text: &str, queries: &[(u32, Vec<String>)]) -> Vec<Option<(usize, Located)>> {
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
    let lines = Lines::new(text);
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
        let span = lines.conv(&ys);
        if ys.start.index() != ys.end.index() && !matches!(ev, Event::DocumentEnd | Event::StreamEnd) {
            last_end = end_of(&ev, span);
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
