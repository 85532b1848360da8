//! Positions in source text.
//!
//! Lines and columns are 1-based; columns count Unicode scalar values (characters), the unit
//! editors and CI annotations use. Byte offsets are derived from the text when a renderer needs
//! them, so a span stays meaningful however the text was read.

use serde::Serialize;

/// A range in one source file, 1-based, end exclusive (`end_col` is the column just past the
/// last character), as editors and SARIF expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    pub const fn new(line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
        Span { line, col, end_line, end_col }
    }

    /// A span covering one position: used when only a start is known.
    pub const fn point(line: u32, col: u32) -> Span {
        Span { line, col, end_line: line, end_col: col + 1 }
    }

    /// Shifts the span down by `lines` lines: front matter is parsed on its own and then
    /// placed back into its Markdown file.
    pub fn shifted(self, lines: u32) -> Span {
        Span { line: self.line + lines, end_line: self.end_line + lines, ..self }
    }
}
