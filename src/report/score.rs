//! `cairn score`: scorecard results for people (human), tools (JSON, SPEC §9) and pull-request
//! comments (Markdown).
//!
//! JSON: `{"scorecards": [{"name", "title", "levels": [names, lowest first], "entities": [{"ref",
//! "owner", "level" (null when none), "failing": [{"level", "check", "reason"}]}], "summary":
//! {level: count, …, "none": count}, "teams": [{"team" (null: no owner), "summary": {…}}]}]}`.
//! `failing` lists the checks of the next level the entity fails (empty at the top level).

use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::markdown::escape_cell;
use super::Format;
use crate::health::score::{CardReport, Counts};

/// Entities listed at most per scorecard in Markdown (a comment has a size limit); the rest are
/// counted.
const MAX_MARKDOWN_ROWS: usize = 200;

/// Writes the scorecard results in `format`; formats other than human, json and markdown are
/// [`io::ErrorKind::Unsupported`].
pub fn write_scores(out: &mut dyn Write, format: Format, reports: &[CardReport]) -> io::Result<()> {
    let text = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json_value(reports)).map_err(io::Error::other)?;
            text.push('\n');
            text
        }
        Format::Human => human(reports),
        Format::Markdown => markdown(reports),
        other => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "`--format {}` has no place for scorecards; use human, json or markdown",
                    other.name()
                ),
            ))
        }
    };
    out.write_all(text.as_bytes())
}

/// The JSON document (SPEC §9).
pub fn json_value(reports: &[CardReport]) -> Value {
    let cards: Vec<Value> = reports
        .iter()
        .map(|r| {
            let entities: Vec<Value> = r
                .entities
                .iter()
                .map(|s| {
                    let failing: Vec<Value> = s
                        .failing
                        .iter()
                        .map(|f| json!({"level": f.level, "check": f.check, "reason": f.reason}))
                        .collect();
                    json!({
                        "ref": s.entity.reference().to_string(),
                        "owner": s.owner.as_ref().map(ToString::to_string),
                        "level": s.level,
                        "failing": failing,
                    })
                })
                .collect();
            let teams: Vec<Value> = r
                .teams
                .iter()
                .map(|(team, counts)| {
                    json!({"team": team.as_ref().map(ToString::to_string), "summary": counts_value(counts)})
                })
                .collect();
            json!({
                "name": r.name,
                "title": r.title,
                "levels": r.levels,
                "entities": entities,
                "summary": counts_value(&r.summary),
                "teams": teams,
            })
        })
        .collect();
    json!({ "scorecards": cards })
}

fn counts_value(counts: &Counts) -> Value {
    let map: Map<String, Value> =
        counts.0.iter().map(|(level, n)| (level.clone(), Value::from(*n))).collect();
    Value::Object(map)
}

/// User text on a terminal: control characters (escape sequences, line breaks) are shown
/// escaped, never interpreted.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

fn counts_text(counts: &Counts) -> String {
    counts.0.iter().map(|(level, n)| format!("{} {n}", plain(level))).collect::<Vec<_>>().join(", ")
}

fn human(reports: &[CardReport]) -> String {
    let mut out = String::new();
    if reports.is_empty() {
        out.push_str("no scorecards in this tree\n");
        return out;
    }
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let levels: Vec<String> = r.levels.iter().map(|l| plain(l)).collect();
        let _ = writeln!(
            out,
            "scorecard {} ({}): {} graded",
            plain(&r.name),
            levels.join(" < "),
            super::plural(r.entities.len(), "entity", "entities")
        );
        let width =
            r.entities.iter().map(|s| s.entity.reference().to_string().chars().count()).max().unwrap_or(0);
        for s in &r.entities {
            let reference = plain(&s.entity.reference().to_string());
            let level = s.level.as_deref().map(plain).unwrap_or_else(|| "none".to_owned());
            let _ = writeln!(out, "  {reference:<width$}  {level}");
            for f in &s.failing {
                let _ = writeln!(
                    out,
                    "      needs {} / {}: {}",
                    plain(&f.level),
                    plain(&f.check),
                    plain(&f.reason)
                );
            }
        }
        let _ = writeln!(out, "  levels: {}", counts_text(&r.summary));
        if !r.teams.is_empty() {
            let _ = writeln!(out, "  by owner team:");
            for (team, counts) in &r.teams {
                let team =
                    team.as_ref().map(|t| plain(&t.to_string())).unwrap_or_else(|| "(no owner)".to_owned());
                let _ = writeln!(out, "    {team}: {}", counts_text(counts));
            }
        }
    }
    out
}

fn markdown(reports: &[CardReport]) -> String {
    let mut out = String::new();
    if reports.is_empty() {
        out.push_str("No scorecards in this tree.\n");
        return out;
    }
    for r in reports {
        let _ = writeln!(out, "## Scorecard {}\n", escape_cell(&r.title));
        let levels: Vec<String> = r.levels.iter().map(|l| escape_cell(l)).collect();
        let _ = writeln!(
            out,
            "Levels, lowest first: {}. {} graded.\n",
            levels.join(", "),
            super::plural(r.entities.len(), "entity", "entities")
        );
        out.push_str("| Entity | Level | Next level lacks |\n|---|---|---|\n");
        for s in r.entities.iter().take(MAX_MARKDOWN_ROWS) {
            let level = s.level.as_deref().map(escape_cell).unwrap_or_else(|| "none".to_owned());
            let lacks: Vec<String> = s
                .failing
                .iter()
                .map(|f| {
                    format!(
                        "{} · **{}**: {}",
                        escape_cell(&f.level),
                        escape_cell(&f.check),
                        escape_cell(&f.reason)
                    )
                })
                .collect();
            let _ = writeln!(out, "| `{}` | {level} | {} |", s.entity.reference(), lacks.join("<br>"));
        }
        if r.entities.len() > MAX_MARKDOWN_ROWS {
            let _ = writeln!(out, "\n…and {} more.", r.entities.len() - MAX_MARKDOWN_ROWS);
        }
        out.push_str("\n| Owner team |");
        for (level, _) in &r.summary.0 {
            let _ = write!(out, " {} |", escape_cell(level));
        }
        out.push_str("\n|---|");
        out.push_str(&"---:|".repeat(r.summary.0.len()));
        out.push('\n');
        for (team, counts) in &r.teams {
            let team = team.as_ref().map(|t| format!("`{t}`")).unwrap_or_else(|| "(no owner)".to_owned());
            let _ = write!(out, "| {team} |");
            for (_, n) in &counts.0 {
                let _ = write!(out, " {n} |");
            }
            out.push('\n');
        }
        out.push_str("| **all** |");
        for (_, n) in &r.summary.0 {
            let _ = write!(out, " **{n}** |");
        }
        out.push_str("\n\n");
    }
    out
}
