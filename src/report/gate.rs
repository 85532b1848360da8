//! The gate verdict for people and CI: human, JSON (SPEC §7), Markdown (a pull-request comment)
//! and GitHub (annotations and a step summary).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Format;
use crate::policy::{Decision, Status, Verdict};

/// First line of the Markdown verdict, so CI can find and update its own comment.
pub const MARKER: &str = "<!-- cairn-gate -->";

/// A place in the head tree a failing rule is shown at by `--format github`: the file (and the
/// line its document starts on) of a change request in the diff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Anchor {
    pub file: String,
    pub line: u32,
}

/// At most this many annotations per failing rule (GitHub shows ten per step anyway).
const MAX_ANCHORS: usize = 10;

/// Writes `verdict` in `format`; `sarif` and `gitlab` are [`io::ErrorKind::Unsupported`].
/// `github` annotates each failing rule on every `anchor` (or without a file when there is none).
pub fn write_verdict(
    out: &mut dyn Write,
    format: Format,
    verdict: &Verdict,
    anchors: &[Anchor],
) -> io::Result<()> {
    let text = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(verdict).map_err(io::Error::other)?;
            text.push('\n');
            text
        }
        Format::Human => human(verdict),
        Format::Markdown => markdown(verdict),
        Format::Github => github(verdict, anchors),
        Format::Sarif | Format::Gitlab => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "`--format {}` has no place for a gate verdict; use human, json, markdown or github",
                    format.name()
                ),
            ))
        }
    };
    out.write_all(text.as_bytes())
}

/// Markdown for `$GITHUB_STEP_SUMMARY` (the same as `--format markdown`).
pub fn step_summary(verdict: &Verdict) -> String {
    markdown(verdict)
}

fn decision(verdict: &Verdict) -> &'static str {
    match verdict.verdict {
        Decision::Allow => "allow",
        Decision::Block => "block",
    }
}

fn risk(verdict: &Verdict) -> String {
    verdict
        .risk
        .and_then(|r| serde_json::to_value(r).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "none".to_owned())
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "FAIL",
        Status::Skipped => "skip",
    }
}

fn human(verdict: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "cairn gate: {} (risk: {})", decision(verdict), risk(verdict));
    for rule in &verdict.rules {
        let _ = writeln!(out, "  {:<4}  {}: {}", status(rule.status), clean(&rule.name), clean(&rule.reason));
        if let Some(missing) = &rule.missing {
            let _ = writeln!(out, "        missing: {}", clean(missing));
        }
        if rule.status == Status::Fail && !rule.eligible.is_empty() {
            let _ = writeln!(out, "        can approve: {}", clean(&rule.eligible.join(", ")));
        }
        for warning in &rule.warnings {
            let _ = writeln!(out, "        warning: {}", clean(warning));
        }
    }
    if !verdict.ignored_reviews.is_empty() {
        let _ = writeln!(out, "ignored reviews:");
        for r in &verdict.ignored_reviews {
            let _ = writeln!(out, "  {} (review {}): {}", clean(reviewer(&r.login)), r.id, clean(&r.why));
        }
    }
    out
}

/// How a reviewer is named: a deleted account has no login (GitHub shows it as "ghost").
fn reviewer(login: &str) -> &str {
    if login.is_empty() {
        "(deleted account)"
    } else {
        login
    }
}

fn markdown(verdict: &Verdict) -> String {
    let mut out = String::new();
    let icon = if verdict.verdict == Decision::Allow { "✅" } else { "⛔" };
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "### cairn gate\n");
    let _ = writeln!(out, "{icon} **{}** — risk: **{}**\n", decision(verdict), risk(verdict));
    let _ = writeln!(out, "| | Rule | Why | Missing | Who can still satisfy it |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for rule in &verdict.rules {
        let icon = match rule.status {
            Status::Pass if !rule.warnings.is_empty() => "⚠️",
            Status::Pass => "✅",
            Status::Fail => "❌",
            Status::Skipped => "➖",
        };
        let eligible: Vec<String> = rule.eligible.iter().map(|l| format!("`{}`", cell(l))).collect();
        let _ = writeln!(
            out,
            "| {icon} | {} | {} | {} | {} |",
            cell(&rule.name),
            cell(&rule.reason),
            rule.missing.as_deref().map(cell).unwrap_or_default(),
            eligible.join(", ")
        );
    }
    for rule in verdict.rules.iter().filter(|r| !r.warnings.is_empty()) {
        let _ = writeln!(out, "\n**Warnings of {}**\n", cell(&rule.name));
        for warning in &rule.warnings {
            let _ = writeln!(out, "- ⚠️ {}", cell(warning));
        }
    }
    if !verdict.ignored_reviews.is_empty() {
        let _ = writeln!(out, "\n<details><summary>Reviews that did not count</summary>\n");
        for r in &verdict.ignored_reviews {
            let who = match r.login.as_str() {
                "" => reviewer("").to_owned(),
                login => format!("`{}`", cell(login)),
            };
            let _ = writeln!(out, "- {who} (review {}): {}", r.id, cell(&r.why));
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}

fn github(verdict: &Verdict, anchors: &[Anchor]) -> String {
    let mut out = String::new();
    for rule in verdict.rules.iter().filter(|r| r.status == Status::Fail) {
        let mut message = rule.reason.clone();
        if let Some(missing) = &rule.missing {
            message.push_str(&format!("\nmissing: {missing}"));
        }
        if !rule.eligible.is_empty() {
            message.push_str(&format!("\ncan approve: {}", rule.eligible.join(", ")));
        }
        if anchors.is_empty() {
            let _ = writeln!(out, "::error title=cairn gate%3A {}::{}", property(&rule.name), data(&message));
        }
        for anchor in anchors.iter().take(MAX_ANCHORS) {
            let _ = writeln!(
                out,
                "::error file={},line={},title=cairn gate%3A {}::{}",
                property(&anchor.file),
                anchor.line,
                property(&rule.name),
                data(&message)
            );
        }
    }
    for rule in verdict.rules.iter().filter(|r| r.status != Status::Fail) {
        for warning in &rule.warnings {
            match anchors.first() {
                Some(anchor) => {
                    let _ = writeln!(
                        out,
                        "::warning file={},line={},title=cairn gate%3A {}::{}",
                        property(&anchor.file),
                        anchor.line,
                        property(&rule.name),
                        data(warning)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "::warning title=cairn gate%3A {}::{}",
                        property(&rule.name),
                        data(warning)
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "cairn gate: {} (risk: {})", decision(verdict), risk(verdict));
    out
}

/// Control characters out, so a rule or login cannot drive the terminal.
fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Text for one Markdown table cell: no table breaks, no HTML, no @mentions.
fn cell(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push_str("<br>"),
            '@' => out.push_str("@\u{200d}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::IgnoredReview;

    #[test]
    fn a_deleted_accounts_review_is_named_as_such() {
        let verdict = Verdict {
            verdict: Decision::Block,
            risk: None,
            rules: Vec::new(),
            ignored_reviews: vec![IgnoredReview {
                login: String::new(),
                id: 81,
                why: "no reviewer login (a deleted account)".into(),
            }],
        };
        let json: serde_json::Value = serde_json::to_value(&verdict).unwrap();
        assert_eq!(json["ignoredReviews"][0]["login"], serde_json::Value::Null);
        assert!(human(&verdict).contains("  (deleted account) (review 81): "));
        assert!(markdown(&verdict).contains("- (deleted account) (review 81): "));
    }
}
