//! `cairn policy test` results: human (one line a case, then what differs, like a test
//! runner) and JSON (a stable interface, documented in docs/policy-tests.md).

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::{Format, Sources, Style};
use crate::diag::Diagnostic;
use crate::policy::cases::CaseStatus;
use crate::policy::Verdict;

/// One case as run.
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub name: String,
    /// The case file, as shown to users.
    pub file: String,
    pub description: Option<String>,
    pub status: CaseStatus,
    /// How the verdict differs from the expectation (status `fail`).
    pub mismatches: Vec<String>,
    /// Why the case could not be run (status `invalid`), positioned.
    pub diagnostics: Vec<Diagnostic>,
    /// The gate's verdict, when the case ran.
    pub verdict: Option<Verdict>,
}

/// How many cases ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub invalid: usize,
}

impl CaseSummary {
    pub fn of(reports: &[CaseReport]) -> CaseSummary {
        let count = |s: CaseStatus| reports.iter().filter(|r| r.status == s).count();
        CaseSummary {
            cases: reports.len(),
            passed: count(CaseStatus::Pass),
            failed: count(CaseStatus::Fail),
            invalid: count(CaseStatus::Invalid),
        }
    }
}

/// Writes the results in `format` (`human` or `json`; others are
/// [`io::ErrorKind::Unsupported`]).
pub fn write_case_reports(
    out: &mut dyn Write,
    format: Format,
    reports: &[CaseReport],
    sources: &dyn Sources,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Human => human(out, reports, sources, style),
        Format::Json => json(out, reports),
        other => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("`--format {}` has no place for policy test results; use human or json", other.name()),
        )),
    }
}

fn human(out: &mut dyn Write, reports: &[CaseReport], sources: &dyn Sources, style: Style) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if style.color {
            format!("\x1b[1m{code}{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    for report in reports {
        let word = match report.status {
            CaseStatus::Pass => paint("\x1b[92m", "pass   "),
            CaseStatus::Fail => paint("\x1b[91m", "FAIL   "),
            CaseStatus::Invalid => paint("\x1b[91m", "INVALID"),
        };
        let mut line = format!("{word} {}", clean(&report.name));
        if let Some(verdict) = &report.verdict {
            let decision = match verdict.verdict {
                crate::policy::Decision::Allow => "allow",
                crate::policy::Decision::Block => "block",
            };
            let _ = write!(line, " ({decision})");
        }
        if let Some(description) = &report.description {
            let _ = write!(line, " — {}", clean(description.lines().next().unwrap_or_default()));
        }
        writeln!(out, "{line}")?;
        for mismatch in &report.mismatches {
            writeln!(out, "        {}", clean(mismatch))?;
        }
        if report.status != CaseStatus::Pass && !report.mismatches.is_empty() {
            writeln!(out, "        in {}", clean(&report.file))?;
        }
        if !report.diagnostics.is_empty() {
            super::human::findings(out, &report.diagnostics, sources, style)?;
        }
    }
    let s = CaseSummary::of(reports);
    let word = if s.passed == s.cases { paint("\x1b[92m", "ok") } else { paint("\x1b[91m", "error") };
    writeln!(
        out,
        "{word}: {} case{}: {} passed, {} failed, {} invalid",
        s.cases,
        if s.cases == 1 { "" } else { "s" },
        s.passed,
        s.failed,
        s.invalid
    )
}

#[derive(Serialize)]
struct JsonCase<'a> {
    name: &'a str,
    file: &'a str,
    description: Option<&'a str>,
    status: CaseStatus,
    mismatches: &'a [String],
    diagnostics: Vec<Value>,
    verdict: Option<&'a Verdict>,
}

fn json(out: &mut dyn Write, reports: &[CaseReport]) -> io::Result<()> {
    let cases: Vec<JsonCase> = reports
        .iter()
        .map(|r| JsonCase {
            name: &r.name,
            file: &r.file,
            description: r.description.as_deref(),
            status: r.status,
            mismatches: &r.mismatches,
            diagnostics: super::json::diagnostic_values(&r.diagnostics),
            verdict: r.verdict.as_ref(),
        })
        .collect();
    let output = serde_json::json!({"cases": cases, "summary": CaseSummary::of(reports)});
    serde_json::to_writer_pretty(&mut *out, &output)?;
    out.write_all(b"\n")
}

/// Control characters out, so a case cannot drive the terminal.
fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
