//! `cairn conflicts` and `cairn schedule` output. Conflicts are shown as diagnostics in every
//! format but JSON (human: both changes' source lines), whose shape is SPEC §9's:
//! `{"conflicts": [{"type", "change", "target", "with": {"change", "target", "rev"} or
//! {"window"}, "overlap": {"start", "end"}, "path"}], "summary": {"changes", "conflicts"}}`.
//! Each conflict also carries `message` (the sentence the other formats show); a window
//! conflict's `with` also has `windows` (every window of the constraint) and `detail`.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{human, Sources, Style};
use crate::conflicts::schedule::{duration_text, Plan};
use crate::conflicts::{describe, Findings, With};
use crate::diag::Diagnostic;

/// What a conflicts run looked at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConflictSummary {
    /// Active changes of the tree checked.
    pub changes: usize,
    pub conflicts: usize,
    /// Other revisions compared with.
    pub revisions: usize,
}

fn rfc3339(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// The SPEC §9 JSON document.
pub fn json_value(findings: &Findings, summary: &ConflictSummary) -> Value {
    let conflicts: Vec<Value> = findings
        .conflicts
        .iter()
        .map(|c| {
            let with = match &c.with {
                With::Change(o) => json!({"change": o.change, "target": o.target, "rev": o.rev}),
                With::Window { window, windows, detail } => {
                    json!({"window": window, "windows": windows, "detail": detail})
                }
            };
            json!({
                "type": c.kind,
                "change": c.change.change,
                "target": c.change.target,
                "with": with,
                "overlap": {"start": rfc3339(&c.overlap.0), "end": rfc3339(&c.overlap.1)},
                "path": c.path,
                "message": describe(c),
            })
        })
        .collect();
    let unreadable: Vec<Value> =
        findings.unreadable.iter().map(|(w, why)| json!({"window": w, "why": why})).collect();
    json!({
        "conflicts": conflicts,
        "summary": {"changes": summary.changes, "conflicts": summary.conflicts, "revisions": summary.revisions},
        "unreadableWindows": unreadable,
    })
}

pub fn write_json(out: &mut dyn Write, findings: &Findings, summary: &ConflictSummary) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_value(findings, summary))?;
    out.write_all(b"\n")
}

/// The closing line: `error: 2 conflicts among 14 active changes` / `ok: 14 active changes, no
/// conflicts`.
pub fn summary_line(summary: &ConflictSummary) -> String {
    let changes = super::plural(summary.changes, "active change", "active changes");
    let others = match summary.revisions {
        0 => String::new(),
        n => format!(" and {}", super::plural(n, "other revision", "other revisions")),
    };
    match summary.conflicts {
        0 => format!("ok: {changes}{others}, no conflicts"),
        n => format!("error: {} among {changes}{others}", super::plural(n, "conflict", "conflicts")),
    }
}

/// Human output: each conflict with the source lines of both changes, then the summary line.
pub fn write_human(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    notes: &[String],
    sources: &dyn Sources,
    style: Style,
    summary: &ConflictSummary,
) -> io::Result<()> {
    human::findings(out, diagnostics, sources, style)?;
    for note in notes {
        writeln!(out, "note: {}", clean(note))?;
    }
    writeln!(out, "{}", summary_line(summary))
}

/// Control characters out of text that came from files.
fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `cairn schedule --format json`: `{"change", "duration", "windows": [{"start", "end",
/// "inside"}], "constraints", "reason"}` (`reason` is `null` when every window asked for fits).
pub fn schedule_json(plan: &Plan) -> Value {
    let windows: Vec<Value> = plan
        .windows
        .iter()
        .map(|w| json!({"start": rfc3339(&w.start), "end": rfc3339(&w.end), "inside": w.inside}))
        .collect();
    json!({
        "change": plan.change,
        "duration": duration_text(plan.duration),
        "windows": windows,
        "constraints": plan.constraints,
        "reason": plan.why,
    })
}

/// `cairn schedule` for people: a table of the proposed windows, the constraints, and why
/// nothing (more) fits.
pub fn schedule_human(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}):", plan.change, duration_text(plan.duration));
    if plan.windows.is_empty() {
        let _ = writeln!(out, "  no window fits");
    } else {
        let rows: Vec<(String, String, String)> = plan
            .windows
            .iter()
            .map(|w| {
                let inside: Vec<String> = w.inside.iter().map(ToString::to_string).collect();
                (
                    w.start.format("%Y-%m-%d %H:%M %:z").to_string(),
                    w.end.format("%Y-%m-%d %H:%M %:z").to_string(),
                    if inside.is_empty() { "-".to_owned() } else { inside.join(", ") },
                )
            })
            .collect();
        let _ = writeln!(out, "  {:<3} {:<23} {:<23} inside", "#", "start", "end");
        for (i, (start, end, inside)) in rows.iter().enumerate() {
            let _ = writeln!(out, "  {:<3} {start:<23} {end:<23} {}", i + 1, clean(inside));
        }
    }
    if !plan.constraints.is_empty() {
        let _ = writeln!(out, "constraints:");
        for c in &plan.constraints {
            let _ = writeln!(out, "  - {}", clean(c));
        }
    }
    if let Some(why) = &plan.why {
        let _ = writeln!(out, "why not more: {}", clean(why));
    }
    out
}
