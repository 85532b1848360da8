//! `--format gitlab`: a GitLab Code Quality report.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use super::fnv1a;
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

/// Fingerprints of code, file, line, column and message; a finding that collides with an
/// earlier one (the same finding twice, or a hash collision) mixes in an occurrence counter
/// until it is unique, so GitLab does not merge them.
pub(super) fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen = HashSet::with_capacity(diagnostics.len());
    diagnostics
        .iter()
        .map(|d| {
            let (line, col) = d.primary.span.map_or((0, 0), |s| (s.line, s.col));
            let (line, col) = (line.to_string(), col.to_string());
            let parts: [&[u8]; 5] = [
                d.code.name().as_bytes(),
                d.primary.file.as_bytes(),
                line.as_bytes(),
                col.as_bytes(),
                d.message.as_bytes(),
            ];
            let mut hash = fnv1a(&parts);
            let mut occurrence = 1u64;
            while !seen.insert(hash) {
                occurrence += 1;
                let counter = occurrence.to_string();
                hash = fnv1a(&[&parts[..], &[counter.as_bytes()]].concat());
            }
            format!("{hash:016x}")
        })
        .collect()
}

pub(super) fn write(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics))
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
