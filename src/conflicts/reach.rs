//! Which freezes and which maintenance windows hold each entity: one walk of the graph per
//! freeze and per distinct list of maintenance windows, from the services that carry them down
//! to everything those services depend on (an entity "reaches" a service when the service
//! depends on it, transitively).

use std::collections::BTreeMap;

use crate::graph::Graph;
use crate::model::{Entity, EntityRef, Kind, Spec, WindowType};
use crate::time::Schedule;

use super::{in_scope, window_spec};

/// No next hop: the walk did not reach the node.
const NONE: u32 = u32::MAX;

/// A readable freeze and what it covers.
pub struct Freeze {
    pub reference: EntityRef,
    pub schedule: Schedule,
    pub allow_emergency: bool,
    /// `None`: it covers everything. Else per node, the next hop towards a covered service (a
    /// covered node points at itself).
    next: Option<Vec<u32>>,
}

/// Services listing the same maintenance windows: one constraint.
pub struct MaintenanceList {
    /// The windows as listed.
    pub windows: Vec<EntityRef>,
    /// The listed windows that are readable maintenance windows of the tree.
    pub schedules: Vec<(EntityRef, Schedule)>,
    /// Per node, the next hop towards the nearest service with this list.
    next: Vec<u32>,
}

/// The freezes and maintenance-window lists of a tree, resolved over its graph.
pub struct Reach<'g, 'a> {
    graph: &'g Graph<'a>,
    pub freezes: Vec<Freeze>,
    pub lists: Vec<MaintenanceList>,
    /// Windows whose schedule cannot be read, with why.
    pub unreadable: Vec<(EntityRef, String)>,
}

impl<'g, 'a> Reach<'g, 'a> {
    pub fn new(graph: &'g Graph<'a>, entities: &[&Entity]) -> Reach<'g, 'a> {
        let mut unreadable = Vec::new();
        let mut windows: BTreeMap<EntityRef, &Entity> = BTreeMap::new();
        for &entity in entities {
            if entity.kind() == Kind::Window {
                // The graph keeps the first written of two namesakes; so does this.
                if let Some(kept) = graph.entity(&entity.reference()) {
                    windows.insert(entity.reference(), kept);
                }
            }
        }
        let mut freezes = Vec::new();
        for (reference, entity) in &windows {
            let Some(spec) = window_spec(entity, WindowType::Freeze) else { continue };
            let schedule = match Schedule::of(spec) {
                Ok(s) => s,
                Err(why) => {
                    unreadable.push((reference.clone(), why));
                    continue;
                }
            };
            let everything = spec.scope.as_ref().is_none_or(|s| s.all);
            let next = (!everything).then(|| {
                let mut next = vec![NONE; graph.len()];
                let mut sources = Vec::new();
                for (id, hop) in next.iter_mut().enumerate() {
                    let entity = graph.entity_at(id);
                    if matches!(entity.kind(), Kind::Service | Kind::ConfigurationItem)
                        && in_scope(spec, entity)
                    {
                        *hop = id as u32;
                        // Only a covered service passes its freeze on to what it reaches.
                        if entity.kind() == Kind::Service {
                            sources.push(id);
                        }
                    }
                }
                walk_down(graph, &mut next, sources);
                next
            });
            freezes.push(Freeze {
                reference: reference.clone(),
                schedule,
                allow_emergency: spec.allow_emergency == Some(true),
                next,
            });
        }

        let mut by_list: BTreeMap<Vec<EntityRef>, Vec<usize>> = BTreeMap::new();
        for id in 0..graph.len() {
            if let Spec::Service(service) = &graph.entity_at(id).spec {
                if !service.maintenance_windows.is_empty() {
                    let list: Vec<EntityRef> =
                        service.maintenance_windows.iter().map(|r| r.target.clone()).collect();
                    by_list.entry(list).or_default().push(id);
                }
            }
        }
        let mut lists = Vec::new();
        for (list, services) in by_list {
            let mut schedules = Vec::new();
            for window in &list {
                let Some(spec) = windows.get(window).and_then(|e| window_spec(e, WindowType::Maintenance))
                else {
                    continue;
                };
                match Schedule::of(spec) {
                    Ok(s) => schedules.push((window.clone(), s)),
                    Err(why) => unreadable.push((window.clone(), why)),
                }
            }
            let mut next = vec![NONE; graph.len()];
            for &id in &services {
                next[id] = id as u32;
            }
            walk_down(graph, &mut next, services);
            lists.push(MaintenanceList { windows: list, schedules, next });
        }
        unreadable.sort();
        unreadable.dedup();
        Reach { graph, freezes, lists, unreadable }
    }

    /// The path from `target` to what the freeze covers (itself, or a service it reaches),
    /// when the freeze covers it.
    pub fn covered_by_freeze(&self, freeze: &Freeze, target: &EntityRef) -> Option<Vec<EntityRef>> {
        let Some(next) = &freeze.next else { return Some(vec![target.clone()]) };
        let id = self.graph.id(target)?;
        self.path(next, id)
    }

    /// The maintenance-window lists that hold `target` (itself a service with the list, or
    /// reaching one), each with the path to the nearest service that carries it.
    pub fn maintenance_for(&self, target: &EntityRef) -> Vec<(&MaintenanceList, Vec<EntityRef>)> {
        let Some(id) = self.graph.id(target) else { return Vec::new() };
        self.lists.iter().filter_map(|list| Some((list, self.path(&list.next, id)?))).collect()
    }

    fn path(&self, next: &[u32], id: usize) -> Option<Vec<EntityRef>> {
        if next[id] == NONE {
            return None;
        }
        let mut path = vec![self.graph.reference(id).clone()];
        let mut at = id;
        // Bounded: each hop moves one step closer to a source along a breadth-first tree.
        for _ in 0..next.len() {
            let hop = next[at] as usize;
            if hop == at {
                break;
            }
            at = hop;
            path.push(self.graph.reference(at).clone());
        }
        Some(path)
    }
}

/// Breadth-first from `sources` (already marked) down the dependency edges: every node reached
/// records the node it was reached from, so it points along a shortest path to a source.
fn walk_down(graph: &Graph, next: &mut [u32], sources: Vec<usize>) {
    let mut frontier = sources;
    while !frontier.is_empty() {
        let mut following = Vec::new();
        for &node in &frontier {
            for &(to, _) in graph.dependencies_of(node) {
                if next[to] == NONE {
                    next[to] = node as u32;
                    following.push(to);
                }
            }
        }
        frontier = following;
    }
}
