//! `--format human` for `cairn impact`: concise sections for the terminal.
//!
//! User text is printed as is, except control characters, which are written escaped (`\u{1b}`)
//! so that a title cannot move the cursor or change the terminal's colours.

use std::fmt::Write as _;

use super::super::plural;
use super::{
    change_word, changed_phrase, elided_words, is_empty, join, level_word, nothing_changed, reached_phrase,
    steps, value_text, ImpactHeader, Lookup, Step,
};
use crate::impact::{FieldChange, Impact};
use crate::model::EntityRef;

/// Indentation of the lines under an entry (past `  modified  `).
const INDENT: &str = "            ";

/// `refs` joined by commas, control characters escaped.
fn list(refs: &[EntityRef]) -> String {
    plain(&join(refs))
}

/// `s` with control characters escaped.
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `ci:pg-main "Postgres main"`.
fn entity(r: &EntityRef, lookup: &dyn Lookup) -> String {
    match lookup.title(r) {
        Some(title) => format!("{} \"{}\"", plain(&r.to_string()), plain(title)),
        None => plain(&r.to_string()),
    }
}

pub(super) fn render(header: &ImpactHeader, impact: &Impact, lookup: &dyn Lookup) -> String {
    if is_empty(impact) {
        return format!("{}\n", plain(&nothing_changed(header)));
    }
    let mut out = format!("cairn impact: {} → {}\n", plain(header.base), plain(header.head));

    let _ = writeln!(out, "\n{}:", changed_phrase(impact));
    for c in &impact.changed {
        let _ = writeln!(
            out,
            "  {:<8}  {} ({})",
            change_word(c.change),
            entity(&c.reference, lookup),
            plain(&c.file)
        );
        for f in &c.fields {
            field(&mut out, f);
        }
    }

    let mut reached = reached_phrase(impact);
    if let Some(tier) = impact.highest_tier {
        let _ = write!(reached, ", highest tier {tier}");
    }
    let colon = if impact.reached.is_empty() { "" } else { ":" };
    let _ = writeln!(out, "\n{reached}{colon}");
    for r in &impact.reached {
        let tier = lookup.tier(&r.reference).map(|t| format!(" (tier {t})")).unwrap_or_default();
        let _ = writeln!(out, "  {:<8}  {}{tier}", level_word(r.level), entity(&r.reference, lookup));
        let path: Vec<String> = steps(r)
            .into_iter()
            .map(|step| match step {
                Step::Entity(e) => plain(&e.to_string()),
                Step::Elided(n) => elided_words(n),
            })
            .collect();
        let _ = writeln!(out, "{INDENT}{}", path.join(" → "));
    }

    if !impact.notify.is_empty() {
        let _ = writeln!(out, "\nnotify: {}", list(&impact.notify));
    }

    if !impact.review.is_empty() {
        let _ = writeln!(
            out,
            "\n{} to review:",
            plural(impact.review.len(), "knowledge article", "knowledge articles")
        );
        for r in &impact.review {
            let _ = writeln!(out, "  {}: about {}", entity(&r.reference, lookup), list(&r.about));
        }
    }

    if !impact.dangling.is_empty() {
        let count = plural(impact.dangling.len(), "dangling reference", "dangling references");
        let _ = writeln!(out, "\nwarning: {count} to removed entities");
        for d in &impact.dangling {
            let _ = writeln!(
                out,
                "  {} → {} ({} at {})",
                plain(&d.from.to_string()),
                plain(&d.to.to_string()),
                plain(&d.file),
                plain(&d.pointer)
            );
        }
    }
    out
}

/// `spec.x: 15 → 16`, or the path and its text diff indented below.
fn field(out: &mut String, f: &FieldChange) {
    match &f.diff {
        None => {
            let _ = writeln!(
                out,
                "{INDENT}{}: {} → {}",
                plain(&f.path),
                plain(&value_text(&f.before)),
                plain(&value_text(&f.after))
            );
        }
        Some(diff) => {
            let _ = writeln!(out, "{INDENT}{}:", plain(&f.path));
            for line in diff.lines() {
                let _ = writeln!(out, "{INDENT}  {}", plain(line));
            }
        }
    }
}
