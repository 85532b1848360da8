//! `--format json`: the stable interface of SPEC §7. Additive changes only.

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::diag::{Diagnostic, Location, Severity};

#[derive(Serialize)]
struct Output<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation<'a>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLocation<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl<'a> JsonLocation<'a> {
    /// A whole-file location is 1, 1, 1, 1.
    fn new(location: &'a Location) -> JsonLocation<'a> {
        let (line, column, end_line, end_column) =
            location.span.map_or((1, 1, 1, 1), |s| (s.line, s.col, s.end_line, s.end_col));
        JsonLocation { file: &location.file, line, column, end_line, end_column }
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation<'a>,
}

pub(super) fn write(out: &mut dyn Write, diagnostics: &[Diagnostic], summary: &Summary) -> io::Result<()> {
    let output = Output { diagnostics: diagnostics.iter().map(json_diagnostic).collect(), summary };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    out.write_all(b"\n")
}

/// Diagnostics as the objects of `{"diagnostics": [...]}`, for reports that embed them.
pub(super) fn diagnostic_values(diagnostics: &[Diagnostic]) -> Vec<serde_json::Value> {
    diagnostics.iter().filter_map(|d| serde_json::to_value(json_diagnostic(d)).ok()).collect()
}

fn json_diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: d.code.name(),
        severity: d.severity,
        message: &d.message,
        location: JsonLocation::new(&d.primary),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel { message: &l.message, location: JsonLocation::new(&l.location) })
            .collect(),
        notes: &d.notes,
    }
}
