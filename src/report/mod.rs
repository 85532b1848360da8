//! Output formats: the only module that turns [`Diagnostic`]s into text.
//!
//! Every format writes the findings in the order it is given them (callers sort them first) and
//! is byte-deterministic: no time stamps, no absolute paths, no hash-map order.
//!
//! - `human`: like rustc, rendered by annotate-snippets: `error[code]: message`, ` --> file:line:col`,
//!   the source lines with the span underlined, labels as secondary annotations (in the same
//!   snippet for the same file, in a snippet of their own for another file), notes as
//!   `= note:` footers (a note starting with `help: ` becomes a `= help:` footer). A finding
//!   without a span, or whose file text is not available, shows only its header and
//!   ` --> file` (with `:line:col` when the span is known). A summary line closes the report.
//! - `json`: the stable interface of SPEC §7 (`{"diagnostics": [...], "summary": {...}}`).
//!   **A whole-file finding (no span) is given `line`, `column`, `endLine` and `endColumn` 1, 1,
//!   1, 1**; so is a whole-file label. Columns count characters; ends are exclusive.
//! - `sarif`: SARIF 2.1.0, one run, every diagnostic code as a rule, columns counted in Unicode
//!   code points (`columnKind: unicodeCodePoints`); a whole-file result has no `region`.
//! - `github`: workflow commands (`::error file=…,line=…::message`), then the summary line.
//! - `gitlab`: a Code Quality JSON array with unique fingerprints.
//!
//! SARIF and GitLab share [`fingerprint`]: unique in a run, and independent of line numbers.
//! - `markdown`: a pull-request comment (also what [`step_summary`] returns).
//!
//! Spans are used as given by the machine formats; only `human` needs the file text, and it
//! clamps spans that do not fit the text rather than failing.

pub mod cases;
pub mod conflicts;
pub mod drift;
mod fingerprint;
pub mod gate;
mod github;
mod gitlab;
pub mod graph;
mod human;
pub mod impact;
mod json;
mod markdown;
mod sarif;
pub mod score;
mod text;

#[cfg(test)]
mod tests;

use std::io::{self, Write};

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};

/// An output format, as named by `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Gitlab,
    Markdown,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    const ALL: [Format; 6] =
        [Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Gitlab, Format::Markdown];

    /// The format named `s` (the names [`Format::name`] returns, lowercase).
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Markdown => "markdown",
        }
    }
}

/// What a run looked at and found. `errors` and `warnings` are reported as given: fill them
/// with [`crate::diag::count`] over the diagnostics being reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub entities: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Where the human format finds the text of the files findings point into.
pub trait Sources {
    /// Full text of a repository-relative file, if it was read.
    fn text(&self, file: &str) -> Option<&str>;
}

/// Terminal styling for the human format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Emit ANSI colour codes.
    pub color: bool,
}

/// Writes `diagnostics` (already sorted) and the summary in `format`.
pub fn write_diagnostics(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    summary: &Summary,
    sources: &dyn Sources,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, diagnostics, summary, sources, style),
        Format::Json => json::write(out, diagnostics, summary),
        Format::Sarif => sarif::write(out, diagnostics, sources),
        Format::Github => github::write(out, diagnostics, summary),
        Format::Gitlab => gitlab::write(out, diagnostics, sources),
        Format::Markdown => out.write_all(markdown::render(diagnostics, summary).as_bytes()),
    }
}

/// Markdown for $GITHUB_STEP_SUMMARY (the caller appends it to that file when set).
pub fn step_summary(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    markdown::render(diagnostics, summary)
}

/// `1 file`, `2 files`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing line of the human and github formats, split into its level word (`error`,
/// `warning`, `ok`), the severity it is coloured as (`None` for ok) and the rest after the
/// colon: `error: 2 errors and 1 warning in 12 files (34 entities)`, `ok: 12 files, 34
/// entities, no problems`.
fn summary_line(summary: &Summary) -> (&'static str, Option<Severity>, String) {
    let files = plural(summary.files, "file", "files");
    let entities = plural(summary.entities, "entity", "entities");
    let errors = plural(summary.errors, "error", "errors");
    let warnings = plural(summary.warnings, "warning", "warnings");
    match (summary.errors, summary.warnings) {
        (0, 0) => ("ok", None, format!("{files}, {entities}, no problems")),
        (0, _) => ("warning", Some(Severity::Warning), format!("{warnings} in {files} ({entities})")),
        (_, 0) => ("error", Some(Severity::Error), format!("{errors} in {files} ({entities})")),
        _ => ("error", Some(Severity::Error), format!("{errors} and {warnings} in {files} ({entities})")),
    }
}

/// 64-bit FNV-1a over `parts`, each followed by a NUL byte so that `("ab", "c")` and
/// `("a", "bc")` differ. Stable across Rust releases and platforms, unlike `DefaultHasher`.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    parts.iter().fold(FNV_OFFSET, |hash, part| fnv1a_extend(fnv1a_extend(hash, part), &[0]))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Continues a 64-bit FNV-1a hash over `bytes`.
fn fnv1a_extend(hash: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(hash, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(PRIME))
}

/// The message followed by the notes, one per line: for formats with a single text field.
fn message_with_notes(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    for note in &diagnostic.notes {
        text.push('\n');
        text.push_str(note);
    }
    text
}
