//! Turning 1-based line/character spans into byte ranges of a source excerpt, for the renderer.
//!
//! Spans come from the loader and should fit their text, but the text a report is given may
//! differ (an edited working tree, a different revision), so every conversion clamps: lines past
//! the end go to the end of the last line, columns past the end of a line go to its end, an end
//! before its start becomes a zero-width span at the start. Nothing here panics.

use std::ops::Range;

use crate::diag::Span;

/// Where each line of a text starts and ends, in bytes, line terminators (`\n` or `\r\n`)
/// excluded.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// (start, end) byte offsets of each line without its terminator. Never empty: an empty text
    /// has one empty line. A final line terminator does not start another line.
    lines: Vec<(usize, usize)>,
}

/// A position in a text: a 0-based line and a byte offset inside that line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pos {
    pub line: usize,
    pub byte: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                let end = if i > start && text.as_bytes()[i - 1] == b'\r' { i - 1 } else { i };
                lines.push((start, end));
                start = i + 1;
            }
        }
        if start < text.len() || lines.is_empty() {
            lines.push((start, text.len()));
        }
        LineIndex { text, lines }
    }

    #[cfg(test)]
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The text of 0-based line `line`, without its terminator.
    pub fn line(&self, line: usize) -> &'a str {
        let (start, end) = self.lines[line.min(self.lines.len() - 1)];
        &self.text[start..end]
    }

    fn end_of(&self, line: usize) -> Pos {
        Pos { line, byte: self.line(line).len() }
    }

    /// The position of 1-based `line` and character column `col`, clamped into the text.
    fn pos(&self, line: u32, col: u32) -> Pos {
        let line = (line.max(1) as usize) - 1;
        if line >= self.lines.len() {
            return self.end_of(self.lines.len() - 1);
        }
        let text = self.line(line);
        let col = (col.max(1) as usize) - 1;
        let byte = text.char_indices().nth(col).map_or(text.len(), |(b, _)| b);
        Pos { line, byte }
    }

    /// The clamped start and end of `span`; `start <= end` always.
    pub fn clamp(&self, span: Span) -> (Pos, Pos) {
        let start = self.pos(span.line, span.col);
        let end = if span.end_line > span.line.max(1) && span.end_col <= 1 {
            // An end at the start of a line is the end of the line before: do not draw a
            // multi-line annotation for a span that merely includes a line terminator.
            let previous = (span.end_line as usize - 1).min(self.lines.len());
            self.end_of(previous - 1)
        } else {
            self.pos(span.end_line, span.end_col)
        };
        (start, end.max(start))
    }
}

/// An excerpt of a text, lines `first..=last` joined by `\n` (carriage returns dropped), that
/// clamped positions can be mapped into.
#[derive(Debug)]
pub(crate) struct Excerpt {
    pub text: String,
    /// 1-based number of the first line.
    pub line_start: usize,
    /// Byte offset in `text` of each line of the excerpt.
    starts: Vec<usize>,
}

impl Excerpt {
    /// The lines from `first` to `last` (0-based, inclusive).
    pub fn new(index: &LineIndex<'_>, first: usize, last: usize) -> Excerpt {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(last.saturating_sub(first) + 1);
        for line in first..=last.max(first) {
            if line > first {
                text.push('\n');
            }
            starts.push(text.len());
            text.push_str(index.line(line));
        }
        Excerpt { text, line_start: first + 1, starts }
    }

    /// The byte offset in the excerpt of a position inside it (clamped to the excerpt).
    fn offset(&self, pos: Pos) -> usize {
        let i = pos.line.saturating_sub(self.line_start - 1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |next| next - 1);
        (start + pos.byte).min(end)
    }

    pub fn range(&self, (start, end): (Pos, Pos)) -> Range<usize> {
        self.offset(start)..self.offset(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_lf_crlf_and_empty_texts() {
        let index = LineIndex::new("a\r\nbé\nc");
        assert_eq!(index.line_count(), 3);
        assert_eq!((index.line(0), index.line(1), index.line(2)), ("a", "bé", "c"));
        assert_eq!(LineIndex::new("a\n").line_count(), 1);
        assert_eq!(LineIndex::new("").line_count(), 1);
        assert_eq!(LineIndex::new("\n\n").line_count(), 2);
    }

    #[test]
    fn columns_count_characters() {
        let index = LineIndex::new("é: x\r\nkey: ü\n");
        let (start, end) = index.clamp(Span::new(1, 3, 1, 5));
        assert_eq!((start, end), (Pos { line: 0, byte: 3 }, Pos { line: 0, byte: 5 }));
        let (start, end) = index.clamp(Span::new(2, 6, 2, 7));
        assert_eq!((start, end), (Pos { line: 1, byte: 5 }, Pos { line: 1, byte: 7 }));
    }

    #[test]
    fn clamps_past_the_end_and_backwards() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.clamp(Span::new(9, 9, 12, 1)), (index.end_of(1), index.end_of(1)));
        assert_eq!(index.clamp(Span::new(1, 9, 1, 12)), (index.end_of(0), index.end_of(0)));
        let (start, end) = index.clamp(Span::new(2, 2, 1, 1));
        assert_eq!(start, end);
        // An end at column 1 of the next line is the end of this line.
        assert_eq!(index.clamp(Span::new(1, 1, 2, 1)).1, index.end_of(0));
        assert_eq!(index.clamp(Span::new(0, 0, 0, 0)), (Pos { line: 0, byte: 0 }, Pos { line: 0, byte: 0 }));
    }
}
