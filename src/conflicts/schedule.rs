//! `cairn schedule`: the next windows a change could take (ServiceNow's "next available").
//!
//! A proposal lasts as long as the change's own window and, from `now` on and ending within
//! the search period (90 days by default):
//!
//! - sits inside one occurrence of the maintenance windows of every constraint that holds one
//!   of the change's targets (the target itself or a service it reaches lists them; services
//!   listing the same windows are one constraint);
//! - overlaps no occurrence of a freeze that covers a target (an emergency change may sit in a
//!   freeze that allows emergencies);
//! - overlaps no other active change on a target or an entity within `depth` edges of one (the
//!   same relations as [`super::find`]).
//!
//! Candidate starts are `now`, the starts of maintenance occurrences and the ends of what
//! blocks (freeze occurrences, other changes), so the earliest fitting start is always among
//! them. Proposals do not overlap each other. When fewer than asked fit, the answer says what
//! ruled the rest out, most frequent first.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};

use super::{active_window, change_spec, neighbours, Candidate, Reach};
use crate::graph::Graph;
use crate::model::{ChangeType, Entity, EntityRef};
use crate::time::Occurrence;

/// The most maintenance occurrences looked at per window.
const MAX_OCCURRENCES: usize = 5_000;

/// What [`propose`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub entities: &'a [&'a Entity],
    /// The change to place (its targets, type and the length of its window).
    pub change: &'a Entity,
    /// Every other change that may block (the tree's and other revisions'); those not active
    /// at `now` (closed, cancelled, without a window, or over) are passed over.
    pub others: &'a [Candidate<'a>],
    pub now: DateTime<FixedOffset>,
    pub within: TimeDelta,
    pub count: usize,
    pub depth: usize,
}

/// One proposed window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Proposal {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// The maintenance windows holding it, one per constraint.
    pub inside: Vec<EntityRef>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub change: EntityRef,
    pub duration: TimeDelta,
    pub windows: Vec<Proposal>,
    /// The constraints looked at, in words (`maintenance windows of service:checkout
    /// (window:weekend-eu)`, `freeze window:year-end`, `3 other active changes`).
    pub constraints: Vec<String>,
    /// When fewer windows than asked fit: what ruled the rest out, most frequent first.
    pub why: Option<String>,
}

/// Why a plan cannot even be looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    NotAChange(EntityRef),
    NoWindow(EntityRef),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::NotAChange(r) => write!(f, "{r} is not a change request"),
            PlanError::NoWindow(r) => {
                write!(f, "{r} has no window (with an end after its start), so its duration is unknown")
            }
        }
    }
}

/// Something that rules a period out.
struct Block {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    why: String,
}

/// Proposes the next windows for a change (see the module documentation).
pub fn propose(request: &Request) -> Result<Plan, PlanError> {
    let graph = Graph::new(request.entities);
    let reach = Reach::new(&graph, request.entities);
    propose_in(&graph, &reach, request)
}

/// [`propose`] over the graph of `request.entities` and its freezes and maintenance windows,
/// built once for many changes.
pub fn propose_in(graph: &Graph, reach: &Reach, request: &Request) -> Result<Plan, PlanError> {
    propose_indexed(graph, reach, request, None)
}

/// The active changes among `others`, by the entities they target: for placing many changes
/// against the same others ([`propose_indexed`]), so that each looks only at the others on its
/// targets and next to them instead of at all of them.
pub struct OthersIndex<'a> {
    by_target: std::collections::HashMap<&'a EntityRef, Vec<usize>>,
}

impl<'a> OthersIndex<'a> {
    pub fn new(others: &'a [Candidate<'a>]) -> OthersIndex<'a> {
        let mut by_target: std::collections::HashMap<&'a EntityRef, Vec<usize>> = Default::default();
        for (i, other) in others.iter().enumerate() {
            let Some(spec) = change_spec(other.entity) else { continue };
            if active_window(spec).is_none() {
                continue;
            }
            for target in &spec.targets {
                let list = by_target.entry(&target.target).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        OthersIndex { by_target }
    }

    /// The indexes into `others` of the active changes on any of `targets`, in order.
    fn on<'t>(&self, targets: impl Iterator<Item = &'t EntityRef>) -> Vec<usize> {
        let mut found: Vec<usize> =
            targets.filter_map(|t| self.by_target.get(t)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// [`propose_in`], looking up the other changes in `index` (built from `request.others`) when
/// there is one. The plan is the same either way.
pub fn propose_indexed(
    graph: &Graph,
    reach: &Reach,
    request: &Request,
    index: Option<&OthersIndex>,
) -> Result<Plan, PlanError> {
    let reference = request.change.reference();
    let spec = change_spec(request.change).ok_or_else(|| PlanError::NotAChange(reference.clone()))?;
    let window =
        spec.window.filter(|w| w.end > w.start).ok_or_else(|| PlanError::NoWindow(reference.clone()))?;
    let duration = window.end - window.start;
    let offset = request.now.timezone();
    let from = request.now.with_timezone(&Utc);
    let until = from + request.within;
    let emergency = spec.change_type == ChangeType::Emergency;
    let targets: Vec<&EntityRef> = {
        let mut seen = BTreeSet::new();
        spec.targets.iter().map(|t| &t.target).filter(|t| seen.insert(*t)).collect()
    };

    // Maintenance constraints: per list, its occurrences in the period.
    let mut constraints = Vec::new();
    let mut lists: Vec<(String, Vec<(EntityRef, Occurrence)>)> = Vec::new();
    let mut listed = BTreeSet::new();
    if !emergency {
        for target in &targets {
            for (list, path) in reach.maintenance_for(target) {
                if !listed.insert(list.windows.clone()) {
                    continue;
                }
                let service = path.last().cloned().unwrap_or_else(|| (*target).clone());
                let names: Vec<String> = list.windows.iter().map(ToString::to_string).collect();
                let label = format!("maintenance windows of {service} ({})", names.join(", "));
                let mut occurrences: Vec<(EntityRef, Occurrence)> = Vec::new();
                for (w, schedule) in &list.schedules {
                    for o in schedule.occurrences(from, until, MAX_OCCURRENCES) {
                        occurrences.push((w.clone(), o));
                    }
                }
                occurrences.sort_by(|a, b| (a.1.start, &a.0).cmp(&(b.1.start, &b.0)));
                constraints.push(label.clone());
                lists.push((label, occurrences));
            }
        }
    }

    // What blocks: freezes covering a target, and other active changes nearby.
    let mut blocks: Vec<Block> = Vec::new();
    for freeze in &reach.freezes {
        if emergency && freeze.allow_emergency {
            continue;
        }
        if !targets.iter().any(|t| reach.covered_by_freeze(freeze, t).is_some()) {
            continue;
        }
        constraints.push(format!("freeze {}", freeze.reference));
        for o in freeze.schedule.occurrences(from, until, MAX_OCCURRENCES) {
            blocks.push(Block {
                start: o.start,
                end: o.end,
                why: format!("freeze {} ({})", freeze.reference, o.text),
            });
        }
    }
    let mut near: BTreeSet<&EntityRef> = targets.iter().copied().collect();
    let mut near_owned: Vec<EntityRef> = Vec::new();
    for target in &targets {
        if let Some(id) = graph.id(target) {
            for (path, _) in neighbours(graph, id, request.depth) {
                if let Some(last) = path.last() {
                    near_owned.push(last.clone());
                }
            }
        }
    }
    near.extend(near_owned.iter());
    let mut blocking_changes = BTreeSet::new();
    // The same others in the same order as a scan of them all, only fewer.
    let nearby: Vec<&Candidate> = match index {
        Some(index) => index.on(near.iter().copied()).into_iter().map(|i| &request.others[i]).collect(),
        None => request.others.iter().collect(),
    };
    for other in nearby {
        let Some(other_spec) = change_spec(other.entity) else { continue };
        if other.entity.metadata.name == request.change.metadata.name {
            continue;
        }
        // Over by `now`: it blocks nothing and is not counted among the constraints.
        let Some(w) = active_window(other_spec).filter(|w| w.end > request.now) else { continue };
        let Some(on) = other_spec.targets.iter().map(|t| &t.target).find(|t| near.contains(t)) else {
            continue;
        };
        let other_ref = other.entity.reference();
        let at = other.rev.map(|r| format!(" at {r}")).unwrap_or_default();
        blocking_changes.insert(format!("{other_ref}{at}"));
        blocks.push(Block {
            start: w.start.with_timezone(&Utc),
            end: w.end.with_timezone(&Utc),
            why: format!("{other_ref}{at} on {on}"),
        });
    }
    if !blocking_changes.is_empty() {
        let n = blocking_changes.len();
        constraints.push(format!(
            "{n} other active change{} on the targets or next to them",
            if n == 1 { "" } else { "s" }
        ));
    }
    blocks.sort_by_key(|b| (b.start, b.end));

    // Candidate starts.
    let mut starts: BTreeSet<DateTime<Utc>> = BTreeSet::from([from]);
    for (_, occurrences) in &lists {
        starts.extend(occurrences.iter().map(|(_, o)| o.start).filter(|s| *s >= from));
    }
    starts.extend(blocks.iter().map(|b| b.end).filter(|e| *e >= from));

    let mut windows = Vec::new();
    let mut ruled_out: BTreeMap<String, usize> = BTreeMap::new();
    let mut earliest_free = from;
    for start in starts {
        if windows.len() >= request.count {
            break;
        }
        let end = start + duration;
        if end > until {
            break;
        }
        if start < earliest_free {
            continue;
        }
        let mut inside = Vec::new();
        let mut failed = None;
        for (label, occurrences) in &lists {
            match occurrences.iter().find(|(_, o)| o.start <= start && o.end >= end) {
                Some((w, _)) => inside.push(w.clone()),
                None => {
                    failed = Some(format!("outside the {label}"));
                    break;
                }
            }
        }
        if failed.is_none() {
            // Blocks are sorted by start: only those starting before `end` can overlap.
            let upto = blocks.partition_point(|b| b.start < end);
            failed = blocks[..upto].iter().find(|b| b.end > start).map(|b| format!("overlaps {}", b.why));
        }
        match failed {
            Some(why) => *ruled_out.entry(why).or_default() += 1,
            None => {
                inside.sort();
                inside.dedup();
                windows.push(Proposal {
                    start: start.with_timezone(&offset),
                    end: end.with_timezone(&offset),
                    inside,
                });
                earliest_free = end;
            }
        }
    }
    let why = (windows.len() < request.count).then(|| explain(&lists, &ruled_out, duration, request));
    Ok(Plan { change: reference, duration, windows, constraints, why })
}

/// Why fewer windows than asked fit.
fn explain(
    lists: &[(String, Vec<(EntityRef, Occurrence)>)],
    ruled_out: &BTreeMap<String, usize>,
    duration: TimeDelta,
    request: &Request,
) -> String {
    let days = request.within.num_days();
    let mut parts = Vec::new();
    for (label, occurrences) in lists {
        if occurrences.is_empty() {
            parts.push(format!("the {label} have no occurrence in the next {days} days"));
        } else if occurrences.iter().all(|(_, o)| o.end - o.start < duration) {
            parts.push(format!(
                "every occurrence of the {label} is shorter than the change ({})",
                duration_text(duration)
            ));
        }
    }
    let mut counted: Vec<(&String, &usize)> = ruled_out.iter().filter(|(_, n)| **n > 0).collect();
    counted.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    for (why, n) in counted.into_iter().take(5) {
        parts.push(format!("{n} candidate start{} {why}", if *n == 1 { " was" } else { "s were" }));
    }
    if parts.is_empty() {
        parts.push(format!("nothing else fits in the next {days} days"));
    }
    parts.join("; ")
}

/// `3h`, `1h30m`, `2d`.
pub fn duration_text(d: TimeDelta) -> String {
    let mut seconds = d.num_seconds().max(0);
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if seconds >= size {
            out.push_str(&format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}
