//! YAML scalars written so they read back as the same strings.

use super::*;

/// A scalar for block context: plain when that reads back as the same string, else quoted.
pub(crate) fn s(v: &str) -> Cow<'_, str> {
    if plain_ok(v, false) {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(dq(v))
    }
}

/// A scalar for flow context (inside `[...]` or `{...}`).
pub(crate) fn f(v: &str) -> Cow<'_, str> {
    if plain_ok(v, true) {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(dq(v))
    }
}

pub(crate) fn plain_ok(v: &str, flow: bool) -> bool {
    let Some(first) = v.chars().next() else { return false };
    if !first.is_ascii_alphabetic() && first != '/' {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n") {
        return false;
    }
    if v.ends_with(' ') || v.ends_with(':') || v.contains(": ") || v.contains(" #") {
        return false;
    }
    !v.chars().any(|c| {
        matches!(c, '"' | '\'' | '`' | '\n' | '\t' | '\\' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '#')
            || (flow && matches!(c, ',' | '[' | ']' | '{' | '}'))
    })
}

pub(crate) fn dq(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `[a, b, c]` with flow scalars.
pub(crate) fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<Cow<str>> = items.iter().map(|i| f(i.as_ref())).collect();
    format!("[{}]", parts.join(", "))
}

/// A `|` literal block at `indent` spaces, after the key on the current line.
pub(crate) fn literal(out: &mut String, indent: usize, text: &str) {
    out.push_str("|\n");
    for line in text.trim_end().lines() {
        if !line.is_empty() {
            for _ in 0..indent {
                out.push(' ');
            }
            out.push_str(line);
        }
        out.push('\n');
    }
}

macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}
