//! The knowledge drift report (`cairn drift`): human, JSON and Markdown.
//!
//! JSON: `{"rev", "articles": [{"ref", "title", "file", "lastEdited": {"id", "short", "date",
//! "summary"} | null, "entities": [{"ref", "changes": [{"commit": {…}, "change":
//! "added"|"removed"|"modified", "fields": [paths]}]}]}], "summary": {"articles", "drifting",
//! "commits"}}`. Changes are newest first; articles and entities sorted by reference.

use std::io::{self, Write};

use serde::Serialize;

use super::Format;
use crate::health::drift::{Drift, DriftingArticle, EntityChange};
use crate::impact::ChangeKind;

/// How many changed fields a line names before "and N more".
const FIELDS_SHOWN: usize = 6;

/// Writes the report; `Sarif`, `Github` and `Gitlab` are not offered for it.
pub fn write_drift(out: &mut dyn Write, format: Format, drift: &Drift) -> io::Result<()> {
    match format {
        Format::Json => json(out, drift),
        Format::Markdown => markdown(out, drift),
        Format::Human => human(out, drift),
        other => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("the drift report has no {other:?} format; use human, json or markdown"),
        )),
    }
}

#[derive(Serialize)]
struct Summary {
    /// Published articles that list entities.
    articles: usize,
    drifting: usize,
    commits: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    rev: &'a str,
    articles: &'a [DriftingArticle],
    summary: Summary,
}

fn json(out: &mut dyn Write, drift: &Drift) -> io::Result<()> {
    let report = Report {
        rev: &drift.rev,
        articles: &drift.articles,
        summary: Summary { articles: drift.checked, drifting: drift.articles.len(), commits: drift.commits },
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}

fn change_word(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Modified => "changed",
    }
}

/// `spec.attributes.version, spec.members` (at most a few, then "and N more").
fn fields(change: &EntityChange) -> String {
    let mut shown: Vec<&str> = change.fields.iter().take(FIELDS_SHOWN).map(String::as_str).collect();
    let more;
    if change.fields.len() > FIELDS_SHOWN {
        more = format!("and {} more", change.fields.len() - FIELDS_SHOWN);
        shown.push(&more);
    }
    shown.join(", ")
}

fn last_edited(article: &DriftingArticle) -> String {
    match &article.last_edited {
        Some(c) => format!("last edited on {} in {}", c.date, c.short),
        None => "never edited in the history walked".to_owned(),
    }
}

fn summary_line(drift: &Drift) -> String {
    let commits = if drift.commits == 1 { "commit" } else { "commits" };
    format!(
        "{} drifting of {} published articles that list entities ({} {commits} walked back from {})",
        drift.articles.len(),
        drift.checked,
        drift.commits,
        drift.rev
    )
}

fn human(out: &mut dyn Write, drift: &Drift) -> io::Result<()> {
    for article in &drift.articles {
        writeln!(out, "{} ({}), {}", article.reference, article.file, last_edited(article))?;
        for entity in &article.entities {
            for change in &entity.changes {
                write!(
                    out,
                    "  {} {} on {} in {}",
                    entity.reference,
                    change_word(change.change),
                    change.commit.date,
                    change.commit.short
                )?;
                if !change.fields.is_empty() {
                    write!(out, ": {}", fields(change))?;
                }
                writeln!(out)?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(drift))
}

/// Escapes what Markdown would read as markup in a table cell.
fn cell(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                s.push('\\');
                s.push(c);
            }
            '\n' | '\r' => s.push(' '),
            _ => s.push(c),
        }
    }
    s
}

fn markdown(out: &mut dyn Write, drift: &Drift) -> io::Result<()> {
    writeln!(out, "## Knowledge drift\n")?;
    writeln!(out, "{}\n", cell(&summary_line(drift)))?;
    for article in &drift.articles {
        writeln!(
            out,
            "### {} — {}\n\n`{}`, {}\n",
            cell(&article.reference.to_string()),
            cell(&article.title),
            article.file.replace('`', "'"),
            last_edited(article)
        )?;
        writeln!(out, "| entity | change | date | commit | fields |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for entity in &article.entities {
            for change in &entity.changes {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&entity.reference.to_string()),
                    change_word(change.change),
                    change.commit.date,
                    change.commit.short,
                    cell(&fields(change))
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
