//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{fingerprint, message_with_notes, Sources};
use crate::diag::{Code, Diagnostic, Location, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `duplicate-key` → `DuplicateKey`, `tier1-without-sla` → `Tier1WithoutSla`.
pub(super) fn pascal_case(name: &str) -> String {
    name.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars)
        })
        .collect()
}

/// The first paragraph after the `# heading` of a Markdown explanation, lines joined by
/// spaces; `None` when there is none.
pub(super) fn first_paragraph(markdown: &str) -> Option<String> {
    let mut lines = markdown.lines().map(str::trim).peekable();
    if lines.peek().is_some_and(|l| l.starts_with("# ")) {
        lines.next();
    }
    let paragraph: Vec<&str> = lines.skip_while(|l| l.is_empty()).take_while(|l| !l.is_empty()).collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

fn rule(code: Code) -> Value {
    let explanation = code.explanation();
    let full = first_paragraph(explanation).unwrap_or_else(|| code.summary().to_owned());
    json!({
        "id": code.name(),
        "name": pascal_case(code.name()),
        "shortDescription": {"text": code.summary()},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": level(code.default_severity())},
        "help": {"text": explanation, "markdown": explanation},
    })
}

/// Percent-encodes a repository-relative path into a URI reference: everything but unreserved
/// characters, `/` and a few harmless sub-delimiters.
pub(super) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical_location(location: &Location) -> Value {
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), json!({"uri": uri(&location.file), "uriBaseId": "%SRCROOT%"}));
    if let Some(s) = location.span {
        physical.insert(
            "region".into(),
            json!({"startLine": s.line, "startColumn": s.col, "endLine": s.end_line, "endColumn": s.end_col}),
        );
    }
    Value::Object(physical)
}

fn result(d: &Diagnostic, fingerprint: String) -> Value {
    let rule_index = Code::ALL.iter().position(|&c| c == d.code).unwrap_or_default();
    let mut result = json!({
        "ruleId": d.code.name(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": message_with_notes(d)},
        "locations": [{"physicalLocation": physical_location(&d.primary)}],
    });
    if !d.labels.is_empty() {
        let related: Vec<Value> = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                json!({
                    "id": i,
                    "physicalLocation": physical_location(&label.location),
                    "message": {"text": label.message},
                })
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    result["partialFingerprints"] = json!({"cairnFingerprint/v2": fingerprint});
    result
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
) -> io::Result<()> {
    let fingerprints = fingerprint::fingerprints(diagnostics, sources);
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cairn",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": Code::ALL.iter().map(|&c| rule(c)).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().zip(fingerprints).map(|(d, f)| result(d, f)).collect::<Vec<_>>(),
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
