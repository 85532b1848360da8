//! `--format human`: rustc-style reports rendered by annotate-snippets.

use std::collections::HashMap;
use std::io::{self, Write};

use annotate_snippets::{normalize_untrusted_str, AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::text::{Excerpt, LineIndex, Pos};
use super::{summary_line, Sources, Style, Summary};
use crate::diag::{Diagnostic, Severity, Span};

/// Line indexes of the files read so far; `None` for a file whose text is not available.
type Cache<'d, 's> = HashMap<&'d str, Option<LineIndex<'s>>>;

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    summary: &Summary,
    sources: &dyn Sources,
    style: Style,
) -> io::Result<()> {
    findings(out, diagnostics, sources, style)?;
    let (word, severity, rest) = summary_line(summary);
    if style.color {
        let colour = match severity {
            Some(Severity::Error) => "\x1b[1m\x1b[91m",
            Some(Severity::Warning) => "\x1b[1m\x1b[93m",
            None => "\x1b[1m\x1b[92m",
        };
        writeln!(out, "{colour}{word}\x1b[0m\x1b[1m: {rest}\x1b[0m")
    } else {
        writeln!(out, "{word}: {rest}")
    }
}

/// The findings alone, each followed by a blank line, without the summary.
pub(super) fn findings(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
    style: Style,
) -> io::Result<()> {
    let renderer = if style.color { Renderer::styled() } else { Renderer::plain() };
    let mut cache = Cache::new();
    for d in diagnostics {
        let rendered = render(&renderer, d, sources, &mut cache);
        out.write_all(rendered.as_bytes())?;
        out.write_all(b"\n\n")?;
    }
    Ok(())
}

/// The annotations of one snippet: one file, the primary span first if it is in this file.
struct Plan<'d> {
    file: &'d str,
    annotations: Vec<(AnnotationKind, Span, Option<&'d str>)>,
}

impl<'d> Plan<'d> {
    fn add(plans: &mut Vec<Plan<'d>>, file: &'d str, annotation: (AnnotationKind, Span, Option<&'d str>)) {
        match plans.iter_mut().find(|p| p.file == file) {
            Some(plan) => plan.annotations.push(annotation),
            None => plans.push(Plan { file, annotations: vec![annotation] }),
        }
    }
}

/// Whether a file's text is available, reading and indexing it the first time.
fn available<'d, 's>(cache: &mut Cache<'d, 's>, sources: &'s dyn Sources, file: &'d str) -> bool {
    cache.entry(file).or_insert_with(|| sources.text(file).map(LineIndex::new)).is_some()
}

fn location(file: &str, span: Option<Span>) -> String {
    match span {
        Some(s) => format!("{file}:{}:{}", s.line, s.col),
        None => file.to_owned(),
    }
}

/// Renders one finding, without a trailing newline.
fn render<'d, 's>(
    renderer: &Renderer,
    d: &'d Diagnostic,
    sources: &'s dyn Sources,
    cache: &mut Cache<'d, 's>,
) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(normalize_untrusted_str(&d.message)).id(d.code.name());
    let mut group = Group::with_title(title.clone());

    let file: &str = &d.primary.file;
    let mut plans: Vec<Plan<'_>> = Vec::new();
    match d.primary.span {
        Some(span) if available(cache, sources, file) => {
            plans.push(Plan { file, annotations: vec![(AnnotationKind::Primary, span, None)] });
        }
        span => {
            let mut origin = Origin::path(normalize_untrusted_str(file));
            if let Some(s) = span {
                origin = origin.line(s.line as usize).char_column(s.col as usize);
            }
            group = group.element(origin);
        }
    }
    // Labels that cannot be drawn (no span, no text) become notes.
    let mut loose = Vec::new();
    for label in &d.labels {
        let label_file: &str = &label.location.file;
        match label.location.span {
            Some(span) if available(cache, sources, label_file) => {
                Plan::add(&mut plans, label_file, (AnnotationKind::Context, span, Some(&label.message)));
            }
            span => {
                let place = location(label_file, span);
                loose.push(if label.message.is_empty() {
                    place
                } else {
                    format!("{place}: {}", label.message)
                });
            }
        }
    }

    for plan in &plans {
        let Some(Some(index)) = cache.get(plan.file) else { continue };
        let clamped: Vec<(Pos, Pos)> =
            plan.annotations.iter().map(|&(_, span, _)| index.clamp(span)).collect();
        let first = clamped.iter().map(|(start, _)| start.line).min().unwrap_or(0);
        let last = clamped.iter().map(|(_, end)| end.line).max().unwrap_or(0);
        let excerpt = Excerpt::new(index, first, last);
        let annotations: Vec<_> = plan
            .annotations
            .iter()
            .zip(&clamped)
            .map(|(&(kind, _, label), &range)| {
                let annotation = kind.span(excerpt.range(range));
                match label {
                    Some(label) if !label.is_empty() => annotation.label(normalize_untrusted_str(label)),
                    _ => annotation,
                }
            })
            .collect();
        let snippet = Snippet::source(excerpt.text)
            .line_start(excerpt.line_start)
            .path(normalize_untrusted_str(plan.file))
            .annotations(annotations);
        group = group.element(snippet);
    }

    for note in loose {
        group = group.element(Level::NOTE.message(normalize_untrusted_str(&note)));
    }
    for note in &d.notes {
        let message = match note.strip_prefix("help: ") {
            Some(help) => Level::HELP.message(normalize_untrusted_str(help)),
            None => Level::NOTE.message(normalize_untrusted_str(note.strip_prefix("note: ").unwrap_or(note))),
        };
        group = group.element(message);
    }
    let rendered = renderer.render(&[group]);
    if plans.is_empty() {
        indent_after_title(&rendered, &renderer.render(&[Group::with_title(title)]))
    } else {
        rendered
    }
}

/// annotate-snippets indents the ` --> file` line and the footers by the width of the widest
/// line number shown, which is none for a finding without source lines: indent them by one
/// column, as for a one-digit line number, so every finding's ` --> ` lines up.
fn indent_after_title(rendered: &str, title: &str) -> String {
    match rendered.strip_prefix(title) {
        Some(rest) if rest.starts_with('\n') => {
            let mut out = String::with_capacity(rendered.len() + 8);
            out.push_str(title);
            for line in rest[1..].split('\n') {
                out.push_str("\n ");
                out.push_str(line);
            }
            out
        }
        _ => rendered.to_owned(),
    }
}
