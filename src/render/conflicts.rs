//! Template contexts for change conflicts and next windows: the marks the calendar and the
//! change tables put on a conflicting change (each linking to the conflict on the change's
//! page), and the change page's list of conflicts and proposed windows. The analyses are
//! [`crate::conflicts::overview`]'s, made once per render (`Site::conflicts`); this only puts
//! them into words and links.

use serde::Serialize;

use super::calendar;
use super::paths;
use super::site::{Link, Site};
use super::SiteFormat;
use crate::conflicts::schedule::duration_text;
use crate::conflicts::{describe, Conflict, ConflictType, With};
use crate::model::{ChangeSpec, Entity};

/// How many windows a change page proposes.
pub const NEXT_WINDOWS: usize = 3;
/// How far ahead (days) proposals may end.
pub const WITHIN_DAYS: i64 = 90;

/// A conflict as a mark on a change, linking to the conflict on the change's page.
#[derive(Debug, Serialize)]
pub struct ConflictMark {
    #[serde(rename = "type")]
    pub conflict_type: &'static str,
    /// `outside maintenance window on ci:hv-1: service:backup`.
    pub label: String,
    /// The conflict on the change's page (`changes/NAME.html#conflict-1`; in Markdown, the
    /// page's Conflicts section).
    pub href: String,
}

/// A period, as text in the offset of the change's window.
#[derive(Debug, Serialize)]
pub struct Period {
    pub start: String,
    pub end: String,
}

/// One conflict of a change, from its side.
#[derive(Debug, Serialize)]
pub struct ConflictView {
    /// The anchor on the change's page: `conflict-1`.
    pub id: String,
    #[serde(rename = "type")]
    pub conflict_type: &'static str,
    /// The type in words: `outside maintenance window`.
    pub type_label: &'static str,
    /// What it is with, in a few words (as the marks say).
    pub label: String,
    /// The change's target the conflict is on.
    pub target: Link,
    /// The other change and its target (conflicts between changes).
    pub with_change: Option<Link>,
    pub with_target: Option<Link>,
    /// The freeze, or every maintenance window of the constraint.
    pub windows: Vec<Link>,
    /// The freeze's occurrence, or the maintenance occurrence nearest the change.
    pub detail: Option<String>,
    /// The period both hold (for a maintenance window: the change's whole window).
    pub overlap: Period,
    /// From the change's target to the other change's target, to what the freeze covers, or
    /// to the service whose maintenance windows apply.
    pub path: Vec<Link>,
    /// The sentence `cairn conflicts` prints.
    pub message: String,
}

/// One proposed window.
#[derive(Debug, Serialize)]
pub struct ProposalView {
    pub start: String,
    pub end: String,
    /// The maintenance windows holding it, one per constraint.
    pub inside: Vec<Link>,
}

/// The next windows a change could take (what `cairn schedule` proposes).
#[derive(Debug, Serialize)]
pub struct NextWindows {
    /// Where the search starts: the start of `today`, `2026-11-22 00:00 +00:00`.
    pub from: String,
    pub within_days: i64,
    /// How many were asked for.
    pub count: usize,
    /// The change's duration, `2h30m`.
    pub duration: String,
    pub windows: Vec<ProposalView>,
    /// What was looked at, in words.
    pub constraints: Vec<String>,
    /// When fewer than `count` fit: what ruled the rest out.
    pub reason: Option<String>,
}

fn type_label(kind: ConflictType) -> &'static str {
    match kind {
        ConflictType::AlreadyScheduled => "already scheduled",
        ConflictType::ParentAlreadyScheduled => "parent already scheduled",
        ConflictType::ChildAlreadyScheduled => "child already scheduled",
        ConflictType::Blackout => "blackout",
        ConflictType::OutsideMaintenanceWindow => "outside maintenance window",
    }
}

/// `already scheduled on ci:pg-main: change:chg-2`, `parent already scheduled on ci:pg-main:
/// change:chg-3 on ci:api`, `blackout on ci:pg-main: window:year-end`, `outside maintenance
/// window on ci:hv-1: service:backup`.
fn label(conflict: &Conflict) -> String {
    let what = match &conflict.with {
        With::Change(other) if conflict.kind == ConflictType::AlreadyScheduled => other.change.to_string(),
        With::Change(other) => format!("{} on {}", other.change, other.target),
        With::Window { window, .. } if conflict.kind == ConflictType::Blackout => window.to_string(),
        With::Window { .. } => conflict.path.last().map(ToString::to_string).unwrap_or_default(),
    };
    format!("{} on {}: {what}", type_label(conflict.kind), conflict.change.target)
}

/// The anchor of a change's `n`th conflict (from 0) on its page, from page `from`.
fn conflict_href(site: &Site, from: &str, change: &Entity, n: usize) -> String {
    let page = paths::relative(from, &site.page_of(change));
    match site.format {
        SiteFormat::Html => format!("{page}#conflict-{}", n + 1),
        SiteFormat::Markdown => format!("{page}#conflicts"),
    }
}

/// The marks of a change's conflicts (empty when it has none).
pub fn marks(site: &Site, from: &str, change: &Entity) -> Vec<ConflictMark> {
    let conflicts = site.conflicts.conflicts_of(&change.reference());
    conflicts
        .iter()
        .enumerate()
        .map(|(n, c)| ConflictMark {
            conflict_type: c.kind.name(),
            label: label(c),
            href: conflict_href(site, from, change, n),
        })
        .collect()
}

/// A change's conflicts, for its page.
pub fn conflicts(site: &Site, from: &str, change: &Entity) -> Vec<ConflictView> {
    let conflicts = site.conflicts.conflicts_of(&change.reference());
    conflicts
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let (with_change, with_target, windows, detail) = match &c.with {
                With::Change(other) => (
                    Some(site.link(from, &other.change)),
                    Some(site.link(from, &other.target)),
                    Vec::new(),
                    None,
                ),
                With::Window { windows, detail, .. } => {
                    (None, None, site.links(from, windows), Some(detail.clone()))
                }
            };
            ConflictView {
                id: format!("conflict-{}", n + 1),
                conflict_type: c.kind.name(),
                type_label: type_label(c.kind),
                label: label(c),
                target: site.link(from, &c.change.target),
                with_change,
                with_target,
                windows,
                detail,
                overlap: Period {
                    start: calendar::fixed_text(&c.overlap.0),
                    end: calendar::fixed_text(&c.overlap.1),
                },
                path: site.links(from, &c.path),
                message: describe(c),
            }
        })
        .collect()
}

/// A change's next possible windows, for its page (`None` unless it is active: not closed or
/// cancelled, with a window that is not over by the start of `today`). Times are shown in the
/// offset of the change's own window.
pub fn next_windows(site: &Site, from: &str, change: &Entity, spec: &ChangeSpec) -> Option<NextWindows> {
    let plan = site.conflicts.plan_of(&change.reference())?;
    let offset = spec.window.map_or(chrono::FixedOffset::east_opt(0)?, |w| w.start.timezone());
    let text = |t: &chrono::DateTime<chrono::FixedOffset>| calendar::fixed_text(&t.with_timezone(&offset));
    Some(NextWindows {
        from: calendar::fixed_text(&site.now.fixed_offset()),
        within_days: WITHIN_DAYS,
        count: NEXT_WINDOWS,
        duration: duration_text(plan.duration),
        windows: plan
            .windows
            .iter()
            .map(|w| ProposalView {
                start: text(&w.start),
                end: text(&w.end),
                inside: site.links(from, &w.inside),
            })
            .collect(),
        constraints: plan.constraints.clone(),
        reason: plan.why.clone(),
    })
}
