//! The formats of `cairn impact`: what changed between two revisions and what it reaches.
//!
//! - `json`: the stable interface of SPEC §7 (`base`, `head`, `changed`, `reached`, `notify`),
//!   plus the additive keys `review`, `dangling` and `highestTier` (when known).
//! - `markdown`: a pull-request comment, opened by the hidden marker [`MARKER`] so CI can find
//!   and update the same comment; also what [`impact_step_summary`] returns.
//! - `human`: concise sections for the terminal.
//! - `github`: a one-line `::notice` with the summary and a `::warning` per dangling reference;
//!   the full report goes to `$GITHUB_STEP_SUMMARY` (the caller writes [`impact_step_summary`]).
//! - `sarif` and `gitlab` have no place for an impact report: [`write_impact`] returns an
//!   [`io::ErrorKind::Unsupported`] error.
//!
//! Output is deterministic: it follows the order of the [`Impact`] (sorted by its producer) and
//! never reads the clock or a hash map's order.

mod human;
mod markdown;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::github::{escape_data, escape_property};
use super::{plural, Format};
use crate::impact::{ChangeKind, Impact, Level, Reached, MAX_PATH};
use crate::model::{Entity, EntityRef, Spec};

/// The first line of the Markdown report: CI finds the comment to update by it.
pub const MARKER: &str = "<!-- cairn-impact -->";

/// The two revisions compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImpactHeader<'a> {
    pub base: &'a str,
    /// The head revision, or `"working tree"` when it is not a commit.
    pub head: &'a str,
}

/// Titles and tiers for display, looked up by reference (over the head and base entities: see
/// [`EntityLookup`]).
pub trait Lookup {
    /// The entity's `metadata.title`, if it has one.
    fn title(&self, r: &EntityRef) -> Option<&str>;
    /// A service's tier (1 is the most critical); `None` for other kinds.
    fn tier(&self, r: &EntityRef) -> Option<u8>;
}

/// No titles and no tiers: references are shown alone.
impl Lookup for () {
    fn title(&self, _: &EntityRef) -> Option<&str> {
        None
    }

    fn tier(&self, _: &EntityRef) -> Option<u8> {
        None
    }
}

/// A [`Lookup`] over sets of entities; for a reference in several, the first given wins (pass
/// head before base, so a removed entity still has its title).
#[derive(Debug, Default)]
pub struct EntityLookup<'a> {
    entities: BTreeMap<EntityRef, &'a Entity>,
}

impl<'a> EntityLookup<'a> {
    pub fn new(entities: impl IntoIterator<Item = &'a Entity>) -> EntityLookup<'a> {
        let mut map = BTreeMap::new();
        for entity in entities {
            map.entry(entity.reference()).or_insert(entity);
        }
        EntityLookup { entities: map }
    }
}

impl Lookup for EntityLookup<'_> {
    fn title(&self, r: &EntityRef) -> Option<&str> {
        self.entities.get(r)?.metadata.title.as_deref()
    }

    fn tier(&self, r: &EntityRef) -> Option<u8> {
        match &self.entities.get(r)?.spec {
            Spec::Service(service) => Some(service.tier),
            _ => None,
        }
    }
}

/// Writes `impact` in `format`. `sarif` and `gitlab` are [`io::ErrorKind::Unsupported`].
pub fn write_impact(
    out: &mut dyn Write,
    format: Format,
    header: &ImpactHeader,
    impact: &Impact,
    lookup: &dyn Lookup,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, header, impact),
        Format::Markdown => out.write_all(markdown::render(header, impact, lookup).as_bytes()),
        Format::Human => out.write_all(human::render(header, impact, lookup).as_bytes()),
        Format::Github => out.write_all(github(header, impact).as_bytes()),
        Format::Sarif | Format::Gitlab => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "`--format {}` has no place for an impact report; use human, json, markdown or github",
                format.name()
            ),
        )),
    }
}

/// Markdown for `$GITHUB_STEP_SUMMARY` (the same text as `--format markdown`).
pub fn impact_step_summary(header: &ImpactHeader, impact: &Impact, lookup: &dyn Lookup) -> String {
    markdown::render(header, impact, lookup)
}

// ---------------------------------------------------------------------------------------------
// JSON

#[derive(Serialize)]
struct JsonImpact<'a> {
    base: &'a str,
    head: &'a str,
    #[serde(flatten)]
    impact: &'a Impact,
}

fn write_json(out: &mut dyn Write, header: &ImpactHeader, impact: &Impact) -> io::Result<()> {
    let value = JsonImpact { base: header.base, head: header.head, impact };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    out.write_all(b"\n")
}

// ---------------------------------------------------------------------------------------------
// GitHub

fn github(header: &ImpactHeader, impact: &Impact) -> String {
    let mut out = format!("::notice title=cairn impact::{}\n", escape_data(&one_line(header, impact)));
    for d in &impact.dangling {
        let message =
            format!("{} still refers to {}, which this change removes ({})", d.from, d.to, d.pointer);
        let _ = writeln!(
            out,
            "::warning file={},title={}::{}",
            escape_property(&d.file),
            escape_property("cairn impact: dangling reference"),
            escape_data(&message)
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Shared by the formats

/// Whether there is nothing at all to report.
fn is_empty(impact: &Impact) -> bool {
    impact.changed.is_empty()
        && impact.reached.is_empty()
        && impact.notify.is_empty()
        && impact.review.is_empty()
        && impact.dangling.is_empty()
}

fn change_word(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Modified => "modified",
    }
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Impacted => "impacted",
        Level::Degraded => "degraded",
    }
}

/// `3 entities changed (1 added, 1 modified, 1 removed)`: zero counts are left out.
fn changed_phrase(impact: &Impact) -> String {
    let count = |kind| impact.changed.iter().filter(|c| c.change == kind).count();
    let parts: Vec<String> = [ChangeKind::Added, ChangeKind::Modified, ChangeKind::Removed]
        .into_iter()
        .map(|kind| (count(kind), change_word(kind)))
        .filter(|&(n, _)| n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    let head = plural(impact.changed.len(), "entity changed", "entities changed");
    if parts.is_empty() {
        head
    } else {
        format!("{head} ({})", parts.join(", "))
    }
}

/// `4 entities reached (3 impacted, 1 degraded)`, or `nothing else reached`.
fn reached_phrase(impact: &Impact) -> String {
    if impact.reached.is_empty() {
        return "nothing else reached".to_owned();
    }
    let count = |level| impact.reached.iter().filter(|r| r.level == level).count();
    let parts: Vec<String> = [Level::Impacted, Level::Degraded]
        .into_iter()
        .map(|level| (count(level), level_word(level)))
        .filter(|&(n, _)| n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    let head = plural(impact.reached.len(), "entity reached", "entities reached");
    format!("{head} ({})", parts.join(", "))
}

/// The summary on one line (the github notice).
fn one_line(header: &ImpactHeader, impact: &Impact) -> String {
    if is_empty(impact) {
        return nothing_changed(header);
    }
    let mut parts = vec![changed_phrase(impact), reached_phrase(impact)];
    if let Some(tier) = impact.highest_tier {
        parts.push(format!("highest tier {tier}"));
    }
    if !impact.notify.is_empty() {
        parts.push(format!("notify {}", join(&impact.notify)));
    }
    if !impact.review.is_empty() {
        parts.push(plural(impact.review.len(), "article to review", "articles to review"));
    }
    if !impact.dangling.is_empty() {
        parts.push(plural(impact.dangling.len(), "dangling reference", "dangling references"));
    }
    format!("{} → {}: {}", header.base, header.head, parts.join("; "))
}

fn nothing_changed(header: &ImpactHeader) -> String {
    format!("no entity changed between {} and {}", header.base, header.head)
}

fn join(refs: &[EntityRef]) -> String {
    refs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// A field value on one line: compact JSON (strings quoted), `(none)` for a missing value.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_owned(),
        v => v.to_string(),
    }
}

/// One step of a reached entity's path: an entity, or the entries left out of the middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step<'a> {
    Entity(&'a EntityRef),
    Elided(usize),
}

/// Where the left-out entries of a path were: after its first `MAX_PATH / 2` entries.
fn gap(reached: &Reached) -> Option<usize> {
    (reached.elided > 0).then(|| (MAX_PATH / 2).min(reached.path.len()))
}

/// The steps of a reached entity's path, the left-out entries (if any) in their place.
fn steps(reached: &Reached) -> Vec<Step<'_>> {
    let mut out: Vec<Step<'_>> = reached.path.iter().map(Step::Entity).collect();
    if let Some(at) = gap(reached) {
        out.insert(at, Step::Elided(reached.elided));
    }
    out
}

/// `… 5 more …`: the words for left-out entries.
fn elided_words(n: usize) -> String {
    format!("… {n} more …")
}
