//! Diagnostics as data: a stable code per finding, a severity, a message, a primary location
//! and optional secondary labels ("first defined here").
//!
//! This module owns the vocabulary of findings; it does not decide how they are printed (that
//! is `crate::report`) nor where a JSON pointer falls in a file (that is `crate::load`, which
//! resolves [`Anchor`]s into [`Span`]s after validation).

mod codes;
pub mod span;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use codes::Code;
pub use span::Span;

use crate::model::Level;

/// How serious a finding is. Errors fail the command (exit 1); warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding.
/// `text` as every report shows it: each control character (a newline would split a report's
/// lines, an escape sequence would drive the reader's terminal or colour a CI log) and each
/// bidirectional formatting character (it would reorder what a reader sees) escaped, as `\n`,
/// `\u{1b}`, `\u{202e}`. Diagnostics quote what files hold (a duplicate key's name, a
/// value), so their text is made printable where it is made, whatever the output format.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn printable_owned(text: String) -> String {
    match printable(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Location,
    /// Other places that explain the finding.
    pub labels: Vec<Label>,
    /// Extra lines: how to fix, what was expected.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A finding with the code's default severity.
    /// The message, like every label and note, is made [`printable`]: messages quote what
    /// files hold.
    pub fn new(code: Code, message: impl Into<String>, primary: Location) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: printable_owned(message.into()),
            primary,
            labels: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn with_label(mut self, location: Location, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { location, message: printable_owned(message.into()) });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(printable_owned(note.into()));
        self
    }

    /// The order findings are reported in: by file, position, then code and message, so output
    /// is the same whatever order the work was done in.
    pub fn sort_key(&self) -> (&str, Option<Span>, Code, &str) {
        (&self.primary.file, self.primary.span, self.code, &self.message)
    }
}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key()).then_with(|| self.labels.len().cmp(&other.labels.len()))
    }
}

/// A secondary place shown with a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

/// A place in a file. Validation knows places as JSON pointers into a document (`anchor`);
/// the loader turns them into line and column (`span`) before anything is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path relative to the repository root, `/`-separated.
    pub file: Arc<str>,
    pub span: Option<Span>,
    pub anchor: Option<Anchor>,
}

impl Location {
    /// A whole file, no position.
    pub fn file(file: Arc<str>) -> Location {
        Location { file, span: None, anchor: None }
    }

    pub fn at(file: Arc<str>, span: Span) -> Location {
        Location { file, span: Some(span), anchor: None }
    }

    /// A value (or, with `Part::Key`, its key) at a JSON pointer in document `doc`.
    pub fn pointer(file: Arc<str>, doc: u32, pointer: impl Into<String>, part: Part) -> Location {
        Location { file, span: None, anchor: Some(Anchor { doc, pointer: pointer.into(), part }) }
    }
}

/// A JSON pointer into one document of a file, waiting to be resolved into a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub doc: u32,
    pub pointer: String,
    pub part: Part,
}

/// Which part of a mapping entry a location points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The key: for an unknown field, or a mapping entry as a whole.
    Key,
    /// The value: for a wrong value.
    Value,
}

/// Severity overrides from `cairn.yaml` (`diagnostics: {code: error|warning|off}`).
#[derive(Debug, Clone, Default)]
pub struct SeverityMap {
    levels: BTreeMap<Code, Level>,
}

impl SeverityMap {
    pub fn new(levels: BTreeMap<Code, Level>) -> SeverityMap {
        SeverityMap { levels }
    }

    /// The severity a finding takes under these overrides; `None` when it is turned `off`.
    pub fn severity_of(&self, diagnostic: &Diagnostic) -> Option<Severity> {
        match self.levels.get(&diagnostic.code) {
            Some(Level::Off) => None,
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            None => Some(diagnostic.severity),
        }
    }

    /// Applies the overrides: changes severities and drops findings turned `off`.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.levels.is_empty() {
            return;
        }
        diagnostics.retain_mut(|d| match self.levels.get(&d.code) {
            Some(Level::Off) => false,
            Some(Level::Error) => {
                d.severity = Severity::Error;
                true
            }
            Some(Level::Warning) => {
                d.severity = Severity::Warning;
                true
            }
            None => true,
        });
    }
}

/// Counts of errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    (errors, diagnostics.len() - errors)
}

#[cfg(test)]
mod printable_tests {
    use super::*;

    #[test]
    fn quoted_text_is_made_printable() {
        assert!(matches!(printable("plain – ünïcode ok"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(printable("a\nb\x1b[31m\u{202e}c\td"), "a\\nb\\u{1b}[31m\\u{202e}c\\td");
        let d = Diagnostic::new(Code::DuplicateKey, "key `a\nb`", Location::file(Arc::from("f.yaml")))
            .with_label(Location::file(Arc::from("f.yaml")), "first `\x07`")
            .with_note("note\r");
        assert_eq!(d.message, "key `a\\nb`");
        assert_eq!(d.labels[0].message, "first `\\u{7}`");
        assert_eq!(d.notes, ["note\\r"]);
    }
}
