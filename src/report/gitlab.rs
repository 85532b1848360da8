//! `--format gitlab`: a GitLab Code Quality report.

use std::io::{self, Write};

use serde::Serialize;

use super::{fingerprint, Sources};
use crate::diag::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
) -> io::Result<()> {
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .zip(fingerprint::fingerprints(diagnostics, sources))
        .map(|(d, fingerprint)| Issue {
            description: format!("{}: {}", d.code.name(), d.message),
            check_name: d.code.name(),
            fingerprint,
            severity: match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            },
            location: IssueLocation {
                path: &d.primary.file,
                lines: Lines { begin: d.primary.span.map_or(1, |s| s.line) },
            },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}
