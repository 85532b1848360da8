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

mod build;
mod locate;
mod scalars;
#[cfg(test)]
mod tests;

use build::*;
use locate::*;
use scalars::*;

/// Bounds that keep hostile input cheap. Depth also bounds the depth of every returned value,
/// so dropping or walking it recursively is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Nodes that all documents of one stream may build together, aliases expanded (default
    /// 2,000,000; counted as for `max_alias_nodes`). The alias budget is per document and a
    /// file's documents are all held at once: without this, many small documents each within
    /// their alias budget multiply a small file into gigabytes.
    pub max_file_nodes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 64, max_alias_nodes: 10_000, max_documents: 100_000, max_file_nodes: 2_000_000 }
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
    /// The documents built more than [`Limits::max_file_nodes`] nodes; loading stopped there
    /// (the document being built is dropped).
    TooManyNodes,
}

impl ProblemKind {
    /// The diagnostic code a problem of this kind is reported under, wherever YAML is read.
    pub fn code(self) -> crate::diag::Code {
        use crate::diag::Code;
        match self {
            ProblemKind::Syntax => Code::YamlSyntax,
            ProblemKind::DuplicateKey => Code::DuplicateKey,
            ProblemKind::TooDeep => Code::YamlTooDeep,
            ProblemKind::AliasLimit => Code::YamlAliasLimit,
            ProblemKind::UnsupportedKey | ProblemKind::UnsupportedValue => Code::YamlUnsupported,
            ProblemKind::TooManyDocuments => Code::TooManyDocuments,
            ProblemKind::TooManyNodes => Code::FileTooComplex,
        }
    }
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
    /// Nodes built, aliases expanded (what [`Limits::max_file_nodes`] bounds).
    pub nodes: u64,
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

/// Positions as cairn reports them: a line ends at `\n` only, as git, editors' annotations and
/// every report reader count lines. YAML also ends a line at a lone `\r`, and the parser's
/// markers count it so; in a text that holds one, a position is worked out again from the
/// marker's character index (a lone `\r` is then a character of its line, shown as `␍`).
pub(super) struct Lines {
    /// The character index where each line starts, only for a text with a lone `\r`.
    starts: Option<Vec<usize>>,
}

impl Lines {
    pub(super) fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let lone_cr = bytes.iter().enumerate().any(|(i, b)| *b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if !lone_cr {
            return Lines { starts: None };
        }
        let mut starts = vec![0];
        starts.extend(text.chars().enumerate().filter(|(_, c)| *c == '\n').map(|(i, _)| i + 1));
        Lines { starts: Some(starts) }
    }

    /// 1-based (line, column) of a marker.
    pub(super) fn pos(&self, m: &Marker) -> (u32, u32) {
        let Some(starts) = &self.starts else {
            return (to_u32(m.line()).max(1), to_u32(m.col()).saturating_add(1));
        };
        let line = starts.partition_point(|&start| start <= m.index()).max(1);
        let col = m.index() - starts[line - 1];
        (to_u32(line), to_u32(col).saturating_add(1))
    }

    pub(super) fn conv(&self, s: &saphyr_parser::Span) -> Span {
        let (line, col) = self.pos(&s.start);
        let (end_line, end_col) = self.pos(&s.end);
        Span::new(line, col, end_line, end_col)
    }
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

/// Where the text of an event ends. The end of a flow collection is its `}` or `]`: the
/// parser's span for it runs on over the blanks and a comment after it.
fn end_of(ev: &Event, span: Span) -> (u32, u32) {
    match ev {
        Event::MappingEnd | Event::SequenceEnd => (span.line, span.col.saturating_add(1)),
        _ => (span.end_line, span.end_col),
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
