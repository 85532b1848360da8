//! `--format markdown`: a pull-request comment, and the GitHub step summary.

use std::fmt::Write as _;

use super::{message_with_notes, plural, Summary};
use crate::diag::{Diagnostic, Severity};

/// Rows shown at most; the rest are counted.
pub(super) const MAX_ROWS: usize = 200;

/// Escapes text for a table cell: `|` would end the cell, `<`, `>` and `&` would be read as
/// HTML, a line break would end the row.
pub(super) fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn status(summary: &Summary) -> String {
    let files = plural(summary.files, "file", "files");
    let entities = plural(summary.entities, "entity", "entities");
    if summary.errors == 0 && summary.warnings == 0 {
        return format!("✅ no problems in {files} ({entities})");
    }
    let icon = if summary.errors > 0 { "❌" } else { "⚠️" };
    format!(
        "{icon} {}, {} in {files} ({entities})",
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings")
    )
}

pub(super) fn render(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let mut out = String::new();
    out.push_str("### cairn validate\n\n");
    out.push_str(&status(summary));
    out.push('\n');
    if diagnostics.is_empty() {
        return out;
    }
    out.push_str("\n| | Code | Location | Message |\n|---|---|---|---|\n");
    for d in diagnostics.iter().take(MAX_ROWS) {
        let icon = match d.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
        };
        let location = match d.primary.span {
            Some(s) => format!("{}:{}:{}", d.primary.file, s.line, s.col),
            None => d.primary.file.to_string(),
        };
        let message = message_with_notes(d);
        let _ = writeln!(
            out,
            "| {icon} | `{}` | {} | {} |",
            d.code.name(),
            escape_cell(&location),
            escape_cell(&message)
        );
    }
    if diagnostics.len() > MAX_ROWS {
        let _ = writeln!(out, "\n…and {} more.", diagnostics.len() - MAX_ROWS);
    }
    out
}
