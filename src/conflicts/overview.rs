//! One tree's change requests as the site shows them: each active change's conflicts, seen
//! from its own side (a conflict between two changes is listed for both), and its next
//! possible windows.
//!
//! The same analyses as `cairn conflicts` ([`super::find`], every change of the tree a subject)
//! and `cairn schedule` ([`super::schedule::propose_in`], every other change of the tree able to
//! block), over one graph and one resolution of freezes and maintenance windows; the plans of
//! the changes are made on every core. Pure, and deterministic: each list is in the order
//! `find` and `propose` give, whatever the threads did.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, TimeDelta};
use rayon::prelude::*;

use super::schedule::{self, Plan};
use super::{active_window, change_spec, find_in, Candidate, Conflict, Findings, Input, Reach};
use crate::graph::Graph;
use crate::model::{Entity, EntityRef};

/// How the conflicts and next windows are looked for.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The present: changes whose windows ended by then conflict with nothing and get no
    /// proposals; proposals start at it or later.
    pub now: DateTime<FixedOffset>,
    /// How many edges away a parent or child change still conflicts.
    pub depth: usize,
    /// How many windows to propose per change.
    pub count: usize,
    /// How far ahead proposals may end.
    pub within: TimeDelta,
}

/// The conflicts and next windows of every active change of a tree.
#[derive(Debug, Default)]
pub struct Overview<'a> {
    /// Every conflict once, as `cairn conflicts` reports them.
    pub findings: Findings<'a>,
    /// Per change: its conflicts from its own side, in the order of `findings`.
    sides: HashMap<EntityRef, Vec<Conflict<'a>>>,
    /// Per active change: its next windows.
    plans: HashMap<EntityRef, Plan>,
}

impl<'a> Overview<'a> {
    /// The conflicts of a change, from its side (empty for a change that is not active).
    pub fn conflicts_of(&self, change: &EntityRef) -> &[Conflict<'a>] {
        self.sides.get(change).map_or(&[], Vec::as_slice)
    }

    /// The next windows of an active change (`None` for one that is closed, cancelled, without a
    /// window or over by `now`).
    pub fn plan_of(&self, change: &EntityRef) -> Option<&Plan> {
        self.plans.get(change)
    }
}

/// The conflicts and next windows of every active change of `entities` (one tree); `changes`
/// are its change requests, [`super::tree_candidates`] of `entities`.
pub fn overview<'a>(
    entities: &'a [&'a Entity],
    changes: &'a [Candidate<'a>],
    settings: &Settings,
) -> Overview<'a> {
    let graph = Graph::new(entities);
    let findings = find_in(
        &graph,
        &Input { entities, subjects: changes, others: &[], depth: settings.depth, now: Some(settings.now) },
    );
    let mut sides: HashMap<EntityRef, Vec<Conflict<'a>>> = HashMap::new();
    for conflict in &findings.conflicts {
        sides.entry(conflict.change.change.clone()).or_default().push(conflict.clone());
        if let Some(other) = conflict.from_other_side() {
            sides.entry(other.change.change.clone()).or_default().push(other);
        }
    }
    for list in sides.values_mut() {
        list.sort();
    }

    let reach = Reach::new(&graph, entities);
    let active: Vec<&Entity> = changes
        .iter()
        .map(|c| c.entity)
        .filter(|&e| change_spec(e).and_then(active_window).is_some_and(|w| w.end > settings.now))
        .collect();
    let index = schedule::OthersIndex::new(changes);
    let plans = active
        .par_iter()
        .filter_map(|&change| {
            let request = schedule::Request {
                entities,
                change,
                others: changes,
                now: settings.now,
                within: settings.within,
                count: settings.count,
                depth: settings.depth,
            };
            let plan = schedule::propose_indexed(&graph, &reach, &request, Some(&index)).ok()?;
            Some((change.reference(), plan))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    Overview { findings, sides, plans }
}
