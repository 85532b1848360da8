//! cairn documents (`serde_json::Value`) → YAML text, for the files an import or an export
//! writes. Block style, keys in the order the value holds them, and a string is written plain
//! only when YAML 1.2 reads it back as that very string; otherwise it is double-quoted (JSON's
//! escapes are YAML's) or, for text of several lines, a literal block. The output is read back
//! by cairn's own loader in the tests, value for value.
//!
//! Depth is bounded by the values given (built by cairn, at most a few levels), so the
//! recursion here never runs on untrusted nesting.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// One YAML document (without a `---` line), `modeline` first when given.
pub fn document(value: &Value, modeline: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(line) = modeline {
        out.push_str(line);
        out.push('\n');
    }
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0),
        other => {
            scalar_or_flow(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

/// Several documents in one stream, each opened by `---`.
pub fn stream<'a>(values: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for value in values {
        out.push_str("---\n");
        out.push_str(&document(value, None));
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn is_empty_collection(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.is_empty()) || matches!(v, Value::Array(a) if a.is_empty())
}

fn mapping(out: &mut String, map: &Map<String, Value>, level: usize) {
    for (key, value) in map {
        indent(out, level);
        key_text(out, key);
        out.push(':');
        entry_value(out, value, level);
    }
}

/// The value of a mapping entry or sequence item, after its `key:` or `-`.
fn entry_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            mapping(out, m, level + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            sequence(out, a, level);
        }
        other => {
            out.push(' ');
            scalar_or_flow(out, other, level + 2);
            out.push('\n');
        }
    }
}

fn sequence(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first entry on the dash's line, the rest under it.
                let mut first = true;
                for (key, value) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 2);
                    }
                    key_text(out, key);
                    out.push(':');
                    entry_value(out, value, level + 2);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                sequence(out, a, level + 2);
            }
            other => {
                out.push(' ');
                scalar_or_flow(out, other, level + 2);
                out.push('\n');
            }
        }
    }
}

fn scalar_or_flow(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(out, s, level),
        v if is_empty_collection(v) => out.push_str(if v.is_array() { "[]" } else { "{}" }),
        // Not reached through `mapping`/`sequence`, which open non-empty collections
        // themselves; JSON is valid YAML, so a top-level collection still reads back.
        other => out.push_str(&other.to_string()),
    }
}

/// A mapping key: plain or double-quoted, always on one line.
fn key_text(out: &mut String, key: &str) {
    if is_plain_safe(key) {
        out.push_str(key);
    } else {
        out.push_str(&Value::String(key.to_owned()).to_string());
    }
}

/// A string: plain, a literal block (several lines), or double-quoted.
fn string(out: &mut String, s: &str, level: usize) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if is_block_safe(s) {
        let body = s.trim_end_matches('\n');
        let trailing = s.len() - body.len();
        out.push_str(match trailing {
            0 => "|-",
            1 => "|",
            _ => "|+",
        });
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                indent(out, level);
                out.push_str(line);
            }
        }
        // The caller ends the scalar's line; kept trailing newlines are the empty lines.
        for _ in 1..trailing {
            out.push('\n');
        }
    } else {
        out.push_str(&Value::String(s.to_owned()).to_string());
    }
}

/// Whether YAML 1.2 (core schema) reads `s`, written bare, as this same string.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_ascii_alphanumeric() || first == '/' || first == '.' || first == '_') {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || " _./@+()-:=".contains(c)) {
        return false;
    }
    !looks_typed(s)
}

/// Plain scalars the core schema types as null, booleans or numbers.
fn looks_typed(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "null" | "true" | "false" | ".inf" | "-.inf" | "+.inf" | ".nan") {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.starts_with("0x") || body.starts_with("0o") {
        return true;
    }
    // Anything made only of digits, dots, signs and exponents might be a number: quote it.
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || ".eE+-".contains(c))
        && body.chars().any(|c| c.is_ascii_digit())
}

/// Whether a literal block keeps `s` exactly: several lines of printable text, the first not
/// starting with a blank (the block's indentation would be misread).
fn is_block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n', '\t'])
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        && !s.contains('\r')
        && !s.contains("\n ")
        && !s.contains('\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{parse, Limits};
    use serde_json::json;

    fn round_trip(value: Value) {
        let text = document(&value, Some("# modeline"));
        let parsed = parse(&text, &Limits::default());
        assert!(parsed.problems.is_empty(), "{text}\n{:?}", parsed.problems);
        assert_eq!(parsed.documents[0].value, value, "{text}");
    }

    #[test]
    fn values_read_back_as_written() {
        round_trip(json!({
            "apiVersion": "cairn/v1",
            "kind": "Service",
            "metadata": {"name": "a", "title": "Yes", "description": "two\nlines\n", "labels": {"backstage/ref": "component:default/A_b", "n": "1.0", "x": "true", "e": ""}},
            "spec": {"tier": 3, "dependsOn": ["ci:x", "service:y"], "empty": [], "none": {}, "links": [{"url": "https://e.x/a?b=c#d", "title": "Run: book"}, {"url": "u"}],
                "nested": [[1, 2], []], "odd": ["- x", "#c", "a #b", "k: v", "  lead", "trail ", "null", "~", "0x1F", "1e3", "-", "\"q\"", "'s'", "tab\there", "nl\n", "nl2\n\n", "\n lead", "é ü", "\u{7}"]}
        }));
    }

    #[test]
    fn multi_line_text_is_a_literal_block() {
        let text = document(&json!({"d": "one\ntwo"}), None);
        assert_eq!(text, "d: |-\n  one\n  two\n");
    }
}
