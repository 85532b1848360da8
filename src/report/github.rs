//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! GitHub shows only 10 errors and 10 warnings per step as annotations; the full report belongs
//! in `$GITHUB_STEP_SUMMARY` (see [`super::step_summary`]).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{message_with_notes, summary_line, Summary};
use crate::diag::{Diagnostic, Severity};

/// Escapes the data (message) part of a workflow command.
pub(super) fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value of a workflow command: as data, and `:` and `,` too.
pub(super) fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// One workflow command, without its line terminator.
pub(super) fn command(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut line = format!("::{level} file={}", escape_property(&d.primary.file));
    if let Some(s) = d.primary.span {
        let _ = write!(line, ",line={},endLine={},col={},endColumn={}", s.line, s.end_line, s.col, s.end_col);
    }
    let title = format!("cairn: {}", d.code.name());
    let _ = write!(line, ",title={}::{}", escape_property(&title), escape_data(&message_with_notes(d)));
    line
}

pub(super) fn write(out: &mut dyn Write, diagnostics: &[Diagnostic], summary: &Summary) -> io::Result<()> {
    for d in diagnostics {
        writeln!(out, "{}", command(d))?;
    }
    let (word, _, rest) = summary_line(summary);
    writeln!(out, "{word}: {rest}")
}
