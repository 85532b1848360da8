//! Change conflicts (SPEC §9, after ServiceNow's conflict detection): which active change
//! requests collide with each other, with a freeze, or fall outside a maintenance window.
//!
//! Pure: [`find`] reads entities (the graph, the services' maintenance windows, the freezes)
//! and two lists of change requests — the *subjects*, checked for every type of conflict and
//! compared with each other, and the *others* (changes living in other revisions), compared
//! only with the subjects — and returns each conflict once. Loading trees and revisions is
//! `load`'s job; printing is `report::conflicts`'.
//!
//! # What conflicts
//!
//! An *active* change is one that is not `closed` or `cancelled` and has a window (`[start,
//! end)`, half-open: a change that ends when another starts does not overlap it). For a subject
//! change C and each of its targets T:
//!
//! - `already-scheduled` — another active change targets T and the windows overlap;
//! - `parent-already-scheduled` — another active change targets an entity that depends on T
//!   (within `depth` edges of the graph: dependsOn, runsOn, components, members), overlapping;
//! - `child-already-scheduled` — another active change targets an entity T depends on (within
//!   `depth` edges), overlapping;
//! - `blackout` — C's window overlaps an occurrence of a freeze whose scope covers T (no scope
//!   or `all`; a listed service; a service's tier; a CI's environment) or a service T reaches
//!   (transitively, as impact does, without redundancy: a change to one member of a cluster
//!   is held to the freezes of everything above the cluster). An emergency change in a freeze
//!   with `allowEmergency: true` is exempt;
//! - `outside-maintenance-window` — T, or a service T reaches, lists maintenance windows and
//!   C's window lies inside no single occurrence of one of them. Services that list the same
//!   windows are one constraint, named by the nearest such service. Emergency changes are not
//!   held to maintenance windows (as in the gate).
//!
//! A change is never compared with a change of the same name (another revision's version of
//! it). Each pair of (change, target) is reported once: between two subjects, from the side of
//! the change whose reference sorts first; between a subject and an other, from the subject's
//! side. Recurring windows are expanded in their time zone across daylight-saving changes
//! ([`crate::time`]).
//!
//! # Speed
//!
//! Changes are indexed by target and, per target, by start time: a change meets only the
//! changes on its own target and its neighbours' targets whose windows can overlap it, never
//! every other change. Freezes and maintenance windows are resolved by one walk of the graph
//! per freeze and per distinct list of maintenance windows, from the services they cover down
//! to everything those services reach.

mod diagnostics;
mod gather;
pub mod overview;
mod reach;
pub mod schedule;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, Utc};

use crate::graph::Graph;
use crate::model::{
    ChangeSpec, ChangeState, ChangeType, Entity, EntityRef, Interval, Kind, Spec, WindowSpec, WindowType,
};
use crate::time::{Occurrence, Schedule};

pub use diagnostics::{describe, diagnostics};
pub use gather::{candidates, load_against, Against};
pub use overview::{overview, Overview};
pub use reach::Reach;

/// The kind of a conflict, as SPEC §9 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictType {
    AlreadyScheduled,
    ParentAlreadyScheduled,
    ChildAlreadyScheduled,
    Blackout,
    OutsideMaintenanceWindow,
}

impl ConflictType {
    pub const ALL: [ConflictType; 5] = [
        ConflictType::AlreadyScheduled,
        ConflictType::ParentAlreadyScheduled,
        ConflictType::ChildAlreadyScheduled,
        ConflictType::Blackout,
        ConflictType::OutsideMaintenanceWindow,
    ];

    /// The kebab-case name (also the diagnostic code).
    pub fn name(self) -> &'static str {
        match self {
            ConflictType::AlreadyScheduled => "already-scheduled",
            ConflictType::ParentAlreadyScheduled => "parent-already-scheduled",
            ConflictType::ChildAlreadyScheduled => "child-already-scheduled",
            ConflictType::Blackout => "blackout",
            ConflictType::OutsideMaintenanceWindow => "outside-maintenance-window",
        }
    }
}

/// A change request to compare, and the revision it lives in (`None`: the tree itself).
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub entity: &'a Entity,
    pub rev: Option<&'a str>,
}

/// What [`find`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The entities whose graph, services and windows hold (one tree).
    pub entities: &'a [&'a Entity],
    /// The changes checked for every type of conflict, compared with each other.
    pub subjects: &'a [Candidate<'a>],
    /// Changes of other revisions, compared with the subjects only.
    pub others: &'a [Candidate<'a>],
    /// How many edges away a parent or child may be (1 by default).
    pub depth: usize,
    /// Changes whose windows end by this time are done: they conflict with nothing.
    pub now: Option<DateTime<FixedOffset>>,
}

/// One side of a conflict between two changes. Compared by change, target, its index and the
/// revision (the entity is where it was read).
#[derive(Debug, Clone)]
pub struct Side<'a> {
    pub change: EntityRef,
    pub target: EntityRef,
    /// Where the target is listed: its index in `spec.targets`.
    pub target_index: usize,
    /// The revision the change lives in; `None` for the tree (or, in the gate, the pull request).
    pub rev: Option<&'a str>,
    pub entity: &'a Entity,
}

impl Side<'_> {
    fn key(&self) -> (&EntityRef, &EntityRef, usize, Option<&str>) {
        (&self.change, &self.target, self.target_index, self.rev)
    }
}

impl PartialEq for Side<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Side<'_> {}

impl PartialOrd for Side<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Side<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// What a change conflicts with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum With<'a> {
    /// Another change.
    Change(Side<'a>),
    /// A freeze, or the maintenance windows of a service (the first listed in `window`).
    Window {
        window: EntityRef,
        /// Every window of the constraint (the service's list, or the freeze alone).
        windows: Vec<EntityRef>,
        /// The freeze's occurrence (`2026-12-18 00:00 +01:00 → …`), or why no maintenance
        /// occurrence holds the change.
        detail: String,
    },
}

/// One conflict.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict<'a> {
    pub change: Side<'a>,
    pub kind: ConflictType,
    pub with: With<'a>,
    /// The period both hold (for a maintenance window: the change's whole window), in the
    /// change window's offset.
    pub overlap: (DateTime<FixedOffset>, DateTime<FixedOffset>),
    /// The entities relating the change's target to the other's (or to the service or entity
    /// the window covers), from the change's target: `[ci:pg-main, service:checkout]`.
    pub path: Vec<EntityRef>,
}

/// What [`find`] found.
#[derive(Debug, Clone, Default)]
pub struct Findings<'a> {
    /// Active subjects looked at.
    pub changes: usize,
    /// Sorted by change, target, type, then what it is with.
    pub conflicts: Vec<Conflict<'a>>,
    /// Windows whose schedule cannot be read, with why (`cairn validate` reports them too).
    pub unreadable: Vec<(EntityRef, String)>,
}

/// The window of an active change: not closed or cancelled, with a window that ends after it
/// starts.
pub fn active_window(spec: &ChangeSpec) -> Option<Interval> {
    if matches!(spec.state, ChangeState::Closed | ChangeState::Cancelled) {
        return None;
    }
    spec.window.filter(|w| w.end > w.start)
}

/// The change spec of an entity.
pub fn change_spec(entity: &Entity) -> Option<&ChangeSpec> {
    match &entity.spec {
        Spec::ChangeRequest(spec) => Some(spec),
        _ => None,
    }
}

/// Every change request of a tree, as the tree's candidates (`rev: None`), in the order given:
/// the subjects of `cairn conflicts`, and what may block a change in `cairn schedule`.
pub fn tree_candidates<'a>(entities: &[&'a Entity]) -> Vec<Candidate<'a>> {
    entities
        .iter()
        .filter(|e| e.kind() == Kind::ChangeRequest)
        .map(|&entity| Candidate { entity, rev: None })
        .collect()
}

impl<'a> Conflict<'a> {
    /// The same conflict between two changes as the other change sees it: its target first,
    /// the path reversed, a parent conflict a child one (and back), the overlap in the offset
    /// of its own window. `None` for a conflict with a window (it has one side).
    pub fn from_other_side(&self) -> Option<Conflict<'a>> {
        let With::Change(other) = &self.with else { return None };
        let kind = match self.kind {
            ConflictType::ParentAlreadyScheduled => ConflictType::ChildAlreadyScheduled,
            ConflictType::ChildAlreadyScheduled => ConflictType::ParentAlreadyScheduled,
            kind => kind,
        };
        let offset = change_spec(other.entity)
            .and_then(|s| s.window)
            .map_or_else(|| self.overlap.0.timezone(), |w| w.start.timezone());
        let mut path = self.path.clone();
        path.reverse();
        Some(Conflict {
            change: other.clone(),
            kind,
            with: With::Change(self.change.clone()),
            overlap: (self.overlap.0.with_timezone(&offset), self.overlap.1.with_timezone(&offset)),
            path,
        })
    }
}

/// One active change, with its window in UTC.
struct Active<'a> {
    candidate: Candidate<'a>,
    reference: EntityRef,
    spec: &'a ChangeSpec,
    window: Interval,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    subject: bool,
}

/// Per target: the active changes on it sorted by start, and the longest of their windows.
#[derive(Default)]
struct OnTarget {
    changes: Vec<usize>,
    longest: chrono::TimeDelta,
}

/// Finds every conflict (see the module documentation).
pub fn find<'a>(input: &Input<'a>) -> Findings<'a> {
    let graph = Graph::new(input.entities);
    find_in(&graph, input)
}

/// [`find`] over a graph already built from `input.entities`.
pub fn find_in<'a>(graph: &Graph<'a>, input: &Input<'a>) -> Findings<'a> {
    let mut active: Vec<Active<'a>> = Vec::new();
    for (list, subject) in [(input.subjects, true), (input.others, false)] {
        for &candidate in list {
            let Some(spec) = change_spec(candidate.entity) else { continue };
            let Some(window) = active_window(spec) else { continue };
            if input.now.is_some_and(|now| window.end <= now) {
                continue;
            }
            active.push(Active {
                candidate,
                reference: candidate.entity.reference(),
                spec,
                window,
                start: window.start.with_timezone(&Utc),
                end: window.end.with_timezone(&Utc),
                subject,
            });
        }
    }
    // Subjects in reference order, so that "the side that sorts first" is the lower index.
    active.sort_by(|a, b| {
        (!a.subject, &a.reference, a.candidate.rev).cmp(&(!b.subject, &b.reference, b.candidate.rev))
    });
    let mut findings =
        Findings { changes: active.iter().filter(|a| a.subject).count(), ..Findings::default() };

    let mut index: HashMap<&EntityRef, OnTarget> = HashMap::new();
    for (i, a) in active.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for target in &a.spec.targets {
            if seen.insert(&target.target) {
                let on = index.entry(&target.target).or_default();
                on.changes.push(i);
                on.longest = on.longest.max(a.end - a.start);
            }
        }
    }
    for on in index.values_mut() {
        on.changes.sort_by_key(|&i| (active[i].start, i));
    }

    let depth = input.depth;
    for (i, a) in active.iter().enumerate().filter(|(_, a)| a.subject) {
        for (target_index, target) in a.spec.targets.iter().enumerate() {
            let target = &target.target;
            if a.spec.targets[..target_index].iter().any(|t| &t.target == target) {
                continue;
            }
            let mut near: Vec<(ConflictType, Vec<EntityRef>)> =
                vec![(ConflictType::AlreadyScheduled, vec![target.clone()])];
            if depth > 0 {
                if let Some(id) = graph.id(target) {
                    for (path, kind) in neighbours(graph, id, depth) {
                        near.push((kind, path));
                    }
                }
            }
            for (kind, path) in near {
                let Some(other_target) = path.last() else { continue };
                let Some(on) = index.get(other_target) else { continue };
                for j in overlapping(&active, on, a.start, a.end) {
                    let b = &active[j];
                    if b.reference == a.reference || (b.subject && j < i) {
                        continue;
                    }
                    if b.subject && j == i {
                        continue;
                    }
                    let Some(other_index) = b.spec.targets.iter().position(|t| &t.target == other_target)
                    else {
                        continue;
                    };
                    let offset = a.window.start.timezone();
                    let overlap = (
                        a.start.max(b.start).with_timezone(&offset),
                        a.end.min(b.end).with_timezone(&offset),
                    );
                    findings.conflicts.push(Conflict {
                        change: side(a, target, target_index),
                        kind,
                        with: With::Change(side(b, other_target, other_index)),
                        overlap,
                        path: path.clone(),
                    });
                }
            }
        }
    }

    let reach = Reach::new(graph, input.entities);
    findings.unreadable = reach.unreadable.clone();
    for a in active.iter().filter(|a| a.subject) {
        windows_of(&reach, a, &mut findings.conflicts);
    }
    findings.conflicts.sort();
    findings.conflicts.dedup();
    findings
}

fn side<'a>(a: &Active<'a>, target: &EntityRef, target_index: usize) -> Side<'a> {
    Side {
        change: a.reference.clone(),
        target: target.clone(),
        target_index,
        rev: a.candidate.rev,
        entity: a.candidate.entity,
    }
}

/// The changes on a target whose windows overlap `[start, end)`, found by start time.
fn overlapping(active: &[Active], on: &OnTarget, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<usize> {
    // Nothing that starts before `start - longest` can still run at `start`.
    let from = start - on.longest;
    let first = on.changes.partition_point(|&i| active[i].start < from);
    on.changes[first..]
        .iter()
        .copied()
        .take_while(|&i| active[i].start < end)
        .filter(|&i| active[i].end > start)
        .collect()
}

/// The entities within `depth` edges above (parents: they depend on it) and below (children:
/// it depends on them) node `id`, with the shortest path from it, in reference order.
fn neighbours(graph: &Graph, id: usize, depth: usize) -> Vec<(Vec<EntityRef>, ConflictType)> {
    let mut out = Vec::new();
    for (up, kind) in
        [(true, ConflictType::ParentAlreadyScheduled), (false, ConflictType::ChildAlreadyScheduled)]
    {
        let mut previous: BTreeMap<usize, usize> = BTreeMap::from([(id, id)]);
        let mut frontier = vec![id];
        for _ in 0..depth {
            let mut next = Vec::new();
            for &node in &frontier {
                let edges = if up { graph.dependents_of(node) } else { graph.dependencies_of(node) };
                for &(to, _) in edges {
                    if let std::collections::btree_map::Entry::Vacant(e) = previous.entry(to) {
                        e.insert(node);
                        next.push(to);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            next.sort_unstable();
            frontier = next;
        }
        for (&node, _) in previous.iter().filter(|(&n, _)| n != id) {
            let mut path = vec![graph.reference(node).clone()];
            let mut at = node;
            while at != id {
                at = previous[&at];
                path.push(graph.reference(at).clone());
            }
            path.reverse();
            out.push((path, kind));
        }
    }
    out
}

/// The blackout and maintenance-window conflicts of one subject.
fn windows_of<'a>(reach: &Reach, a: &Active<'a>, out: &mut Vec<Conflict<'a>>) {
    let emergency = a.spec.change_type == ChangeType::Emergency;
    let offset = a.window.start.timezone();
    for (target_index, target) in a.spec.targets.iter().enumerate() {
        let target = &target.target;
        if a.spec.targets[..target_index].iter().any(|t| &t.target == target) {
            continue;
        }
        for freeze in &reach.freezes {
            if emergency && freeze.allow_emergency {
                continue;
            }
            let Some(path) = reach.covered_by_freeze(freeze, target) else { continue };
            let Some(o) = freeze.schedule.overlapping(a.start, a.end) else { continue };
            out.push(Conflict {
                change: side(a, target, target_index),
                kind: ConflictType::Blackout,
                with: With::Window {
                    window: freeze.reference.clone(),
                    windows: vec![freeze.reference.clone()],
                    detail: o.text.clone(),
                },
                overlap: (
                    a.start.max(o.start).with_timezone(&offset),
                    a.end.min(o.end).with_timezone(&offset),
                ),
                path,
            });
        }
        if emergency {
            continue;
        }
        for (list, path) in reach.maintenance_for(target) {
            if list.schedules.iter().any(|(_, s)| s.containing(a.start, a.end).is_some()) {
                continue;
            }
            let detail = match list.schedules.is_empty() {
                true => "none of them is a readable maintenance window".to_owned(),
                false => nearest_text(&list.schedules, a.start),
            };
            out.push(Conflict {
                change: side(a, target, target_index),
                kind: ConflictType::OutsideMaintenanceWindow,
                with: With::Window {
                    window: list.windows.first().cloned().unwrap_or_else(|| target.clone()),
                    windows: list.windows.clone(),
                    detail,
                },
                overlap: (a.window.start, a.window.end.with_timezone(&offset)),
                path,
            });
        }
    }
}

/// `the nearest occurrence is 2027-01-16 02:00 CET → 06:00 CET (window:weekend-eu)`.
fn nearest_text(schedules: &[(EntityRef, Schedule)], at: DateTime<Utc>) -> String {
    let mut best: Option<(chrono::TimeDelta, &EntityRef, Occurrence)> = None;
    for (window, schedule) in schedules {
        let before = schedule.overlapping(at - chrono::TimeDelta::days(400), at);
        let after = schedule
            .occurrences(at, at + chrono::TimeDelta::days(400), 2)
            .into_iter()
            .find(|o| o.start >= at);
        for o in before.into_iter().chain(after) {
            let distance = if o.start > at { o.start - at } else { at - o.start };
            if best.as_ref().is_none_or(|(d, _, _)| distance < *d) {
                best = Some((distance, window, o));
            }
        }
    }
    match best {
        Some((_, window, o)) => format!("the nearest occurrence is {} ({window})", o.text),
        None => "no occurrence within 400 days".to_owned(),
    }
}

/// The window spec of an entity, when it is a window of `kind`.
pub(crate) fn window_spec(entity: &Entity, kind: WindowType) -> Option<&WindowSpec> {
    match &entity.spec {
        Spec::Window(spec) if spec.window_type == kind => Some(spec),
        _ => None,
    }
}

/// Whether an entity (a service or CI) is inside a window's scope, on its own.
pub(crate) fn in_scope(spec: &WindowSpec, entity: &Entity) -> bool {
    let Some(scope) = &spec.scope else { return true };
    if scope.all {
        return true;
    }
    match &entity.spec {
        Spec::Service(s) => {
            scope
                .services
                .iter()
                .any(|r| r.target.kind == Kind::Service && r.target.name == entity.metadata.name)
                || scope.tiers.contains(&s.tier)
        }
        Spec::ConfigurationItem(c) => c.environment.is_some_and(|e| scope.environments.contains(&e)),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
