//! The dependency graph of one set of entities.
//!
//! An edge `A → B` means "A depends on B": A `dependsOn` B (service → service or CI, CI → CI),
//! A `runsOn` B, B is a component of service A, or B is a member of cluster A. Only services and
//! configuration items have such edges; every other entity is known to the graph (for
//! [`Graph::entity`]) but never connected.
//!
//! The graph is built once, in O((entities + edges) · log entities), adjacency both ways. Nodes
//! are numbered in reference order, so everything the graph returns is sorted and deterministic.
//! Nothing here recurses over user data: walks use explicit queues.
//!
//! References that do not resolve are not edges (`cairn validate` reports them). When several
//! documents share a kind and name, the first written one is the entity (as in validation).

use std::borrow::Borrow;
use std::collections::VecDeque;

use crate::model::{Entity, EntityRef, Kind};
use crate::validate::rules::index::written_order;
use crate::validate::rules::refs::{dependencies, Relation};

/// A part of the graph: nodes sorted by reference, edges `(dependent, dependency, relation)`
/// sorted by dependent, dependency, then relation (dependsOn, runsOn, component, member).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subgraph {
    pub nodes: Vec<EntityRef>,
    pub edges: Vec<(EntityRef, EntityRef, Relation)>,
}

/// The dependency graph of one set of entities (see the module documentation).
#[derive(Debug)]
pub struct Graph<'a> {
    /// Every entity, one per (kind, name), sorted by reference: node `i` is `nodes[i]`.
    nodes: Vec<Node<'a>>,
    /// Per node: what it depends on, `(node, relation)`, sorted.
    dependencies: Vec<Vec<(usize, Relation)>>,
    /// Per node: what depends on it, `(node, relation)`, sorted.
    dependents: Vec<Vec<(usize, Relation)>>,
}

#[derive(Debug)]
struct Node<'a> {
    reference: EntityRef,
    entity: &'a Entity,
}

impl<'a> Graph<'a> {
    /// Builds the graph of `entities` (in any order; owned, shared or borrowed).
    pub fn new<E: Borrow<Entity>>(entities: &'a [E]) -> Graph<'a> {
        let mut all: Vec<&'a Entity> = entities.iter().map(Borrow::borrow).collect();
        all.sort_by(|a, b| {
            (a.kind(), a.name()).cmp(&(b.kind(), b.name())).then_with(|| written_order(&a.origin, &b.origin))
        });
        all.dedup_by(|later, first| later.kind() == first.kind() && later.name() == first.name());
        let nodes: Vec<Node<'a>> =
            all.into_iter().map(|e| Node { reference: e.reference(), entity: e }).collect();

        let mut graph = Graph {
            dependencies: vec![Vec::new(); nodes.len()],
            dependents: vec![Vec::new(); nodes.len()],
            nodes,
        };
        for from in 0..graph.nodes.len() {
            let mut out: Vec<(usize, Relation)> = dependencies(graph.nodes[from].entity)
                .iter()
                .filter_map(|site| graph.id(site.target).map(|to| (to, site.relation)))
                .collect();
            out.sort_by_key(|&(to, relation)| (to, relation_rank(relation)));
            out.dedup();
            for &(to, relation) in &out {
                graph.dependents[to].push((from, relation));
            }
            graph.dependencies[from] = out;
        }
        // `dependents` lists were filled in increasing `from` order; sort by relation too.
        for list in &mut graph.dependents {
            list.sort_by_key(|&(from, relation)| (from, relation_rank(relation)));
        }
        graph
    }

    /// How many entities the graph knows (of every kind).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The entity a reference names (any kind), if it exists.
    pub fn entity(&self, reference: &EntityRef) -> Option<&'a Entity> {
        self.id(reference).map(|id| self.nodes[id].entity)
    }

    /// Whether an entity of this kind and name exists.
    pub fn contains(&self, reference: &EntityRef) -> bool {
        self.id(reference).is_some()
    }

    /// Every entity, one per (kind, name), in reference order.
    pub fn entities(&self) -> impl ExactSizeIterator<Item = &'a Entity> + '_ {
        self.nodes.iter().map(|n| n.entity)
    }

    /// What `reference` depends on, directly, sorted by reference then relation. Empty when the
    /// entity does not exist.
    pub fn dependencies(&self, reference: &EntityRef) -> Vec<(&EntityRef, Relation)> {
        self.id(reference).map_or_else(Vec::new, |id| self.named(&self.dependencies[id]))
    }

    /// What depends on `reference`, directly, sorted by reference then relation. Empty when the
    /// entity does not exist.
    pub fn dependents(&self, reference: &EntityRef) -> Vec<(&EntityRef, Relation)> {
        self.id(reference).map_or_else(Vec::new, |id| self.named(&self.dependents[id]))
    }

    /// The entities within `depth` edges of `center`, following edges in either direction, and
    /// every edge between them. Empty when `center` does not exist; just the center at depth 0.
    pub fn neighbourhood(&self, center: &EntityRef, depth: usize) -> Subgraph {
        let Some(start) = self.id(center) else {
            return Subgraph::default();
        };
        let mut distance: Vec<Option<usize>> = vec![None; self.nodes.len()];
        distance[start] = Some(0);
        let mut queue = VecDeque::from([start]);
        let mut inside = vec![start];
        while let Some(node) = queue.pop_front() {
            let d = distance[node].unwrap_or(0);
            if d >= depth {
                continue;
            }
            let near = self.dependencies[node].iter().chain(&self.dependents[node]);
            for &(next, _) in near {
                if distance[next].is_none() {
                    distance[next] = Some(d + 1);
                    inside.push(next);
                    queue.push_back(next);
                }
            }
        }
        inside.sort_unstable();
        let member: Vec<bool> = distance.iter().map(Option::is_some).collect();
        self.subgraph(&inside, |to| member[to])
    }

    /// The whole dependency graph: every service and configuration item, and every edge.
    pub fn whole(&self) -> Subgraph {
        let nodes: Vec<usize> = (0..self.nodes.len())
            .filter(|&id| matches!(self.nodes[id].reference.kind, Kind::Service | Kind::ConfigurationItem))
            .collect();
        self.subgraph(&nodes, |_| true)
    }

    /// `nodes` (sorted ids) and their outgoing edges to targets that `keep`.
    fn subgraph(&self, nodes: &[usize], keep: impl Fn(usize) -> bool) -> Subgraph {
        let mut edges = Vec::new();
        for &from in nodes {
            for &(to, relation) in &self.dependencies[from] {
                if keep(to) {
                    edges.push((self.reference(from).clone(), self.reference(to).clone(), relation));
                }
            }
        }
        Subgraph { nodes: nodes.iter().map(|&id| self.reference(id).clone()).collect(), edges }
    }

    fn named(&self, list: &[(usize, Relation)]) -> Vec<(&EntityRef, Relation)> {
        list.iter().map(|&(id, relation)| (self.reference(id), relation)).collect()
    }

    // Node-level access for the impact analysis: ids are positions in reference order.

    /// The node of a reference.
    pub(crate) fn id(&self, reference: &EntityRef) -> Option<usize> {
        self.nodes.binary_search_by(|n| n.reference.cmp(reference)).ok()
    }

    pub(crate) fn reference(&self, id: usize) -> &EntityRef {
        &self.nodes[id].reference
    }

    pub(crate) fn entity_at(&self, id: usize) -> &'a Entity {
        self.nodes[id].entity
    }

    /// What depends on node `id`: `(node, relation)` sorted by node.
    pub(crate) fn dependents_of(&self, id: usize) -> &[(usize, Relation)] {
        &self.dependents[id]
    }

    /// What node `id` depends on: `(node, relation)` sorted by node.
    pub(crate) fn dependencies_of(&self, id: usize) -> &[(usize, Relation)] {
        &self.dependencies[id]
    }
}

/// The order of relations between the same two entities in sorted output.
pub fn relation_rank(relation: Relation) -> u8 {
    match relation {
        Relation::DependsOn => 0,
        Relation::RunsOn => 1,
        Relation::Component => 2,
        Relation::Member => 3,
        Relation::Other => 4,
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Entities built from small JSON specs, for the graph and impact tests.

    use std::sync::Arc;

    use serde_json::{json, Value};

    use crate::model::{Article, Entity, Metadata, Origin, Spec};

    fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
        match serde_json::from_value(value.clone()) {
            Ok(v) => v,
            Err(e) => panic!("bad test spec {value}: {e}"),
        }
    }

    /// An entity of `kind` (long name) with a `metadata` and `spec` as JSON, in `file`.
    pub fn entity_in(kind: &str, metadata: Value, spec: Value, file: &str, doc: u32) -> Entity {
        let spec = match kind {
            "Team" => Spec::Team(from(spec)),
            "Service" => Spec::Service(from(spec)),
            "ConfigurationItem" => Spec::ConfigurationItem(from(spec)),
            "CatalogItem" => Spec::CatalogItem(from(spec)),
            "SLA" => Spec::Sla(from(spec)),
            "ChangeRequest" => Spec::ChangeRequest(from(spec)),
            "KnowledgeArticle" => {
                Spec::KnowledgeArticle(Article { spec: from(spec), body: String::new(), body_line: 0 })
            }
            "Window" => Spec::Window(from(spec)),
            "Policy" => Spec::Policy(from(spec)),
            "Scorecard" => Spec::Scorecard(from(spec)),
            other => panic!("no kind {other}"),
        };
        let metadata: Metadata = from(metadata);
        Entity { metadata, spec, origin: Origin { file: Arc::from(file), doc, line: 1 } }
    }

    pub fn entity(kind: &str, name: &str, spec: Value) -> Entity {
        entity_in(kind, json!({ "name": name }), spec, &format!("{kind}/{name}.yaml"), 0)
    }

    fn merged(mut base: Value, extra: Value) -> Value {
        if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
            base.extend(extra);
        }
        base
    }

    /// A tier-3 service owned by `team:sre`, with more spec fields.
    pub fn service(name: &str, spec: Value) -> Entity {
        entity("Service", name, merged(json!({ "owner": "sre", "tier": 3 }), spec))
    }

    /// A Linux server CI owned by `team:sre`, with more spec fields.
    pub fn ci(name: &str, spec: Value) -> Entity {
        entity("ConfigurationItem", name, merged(json!({ "owner": "sre", "class": "server/linux" }), spec))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::testutil::*;
    use super::*;

    fn r(text: &str) -> EntityRef {
        EntityRef::parse(text).unwrap_or_else(|| panic!("bad ref {text}"))
    }

    fn names(list: &[(&EntityRef, Relation)]) -> Vec<String> {
        list.iter().map(|(r, rel)| format!("{r} {}", rel.verb())).collect()
    }

    fn edges(sub: &Subgraph) -> Vec<String> {
        sub.edges.iter().map(|(a, b, rel)| format!("{a} {} {b}", rel.verb())).collect()
    }

    fn sample() -> Vec<Entity> {
        vec![
            service(
                "checkout",
                json!({"dependsOn": ["service:payments", "ci:pg-main"], "components": ["web"]}),
            ),
            service("payments", json!({"dependsOn": ["ci:pg-main", "ci:missing"]})),
            ci(
                "pg-main",
                json!({"runsOn": ["k8s"], "members": ["pg-1", "pg-2"], "redundancy": {"minUp": 1}}),
            ),
            ci("pg-1", json!({})),
            ci("pg-2", json!({})),
            ci("k8s", json!({})),
            ci("web", json!({"runsOn": ["k8s"], "dependsOn": ["k8s"]})),
            entity("Team", "sre", json!({})),
        ]
    }

    #[test]
    fn edges_both_ways_sorted_and_unresolved_targets_dropped() {
        let entities = sample();
        let g = Graph::new(&entities);
        assert_eq!(g.len(), 8);
        assert_eq!(
            names(&g.dependencies(&r("service:checkout"))),
            ["service:payments depends on", "ci:pg-main depends on", "ci:web has component"]
        );
        assert_eq!(names(&g.dependencies(&r("service:payments"))), ["ci:pg-main depends on"]);
        assert_eq!(
            names(&g.dependents(&r("ci:pg-main"))),
            ["service:checkout depends on", "service:payments depends on"]
        );
        assert_eq!(
            names(&g.dependents(&r("ci:k8s"))),
            ["ci:pg-main runs on", "ci:web depends on", "ci:web runs on"]
        );
        assert_eq!(names(&g.dependents(&r("ci:pg-1"))), ["ci:pg-main has member"]);
        assert!(g.dependents(&r("ci:nope")).is_empty());
        assert_eq!(g.entity(&r("team:sre")).map(Entity::name), Some("sre"));
        assert!(g.entity(&r("ci:missing")).is_none());
    }

    #[test]
    fn whole_graph_holds_services_and_cis_only() {
        let entities = sample();
        let whole = Graph::new(&entities).whole();
        let nodes: Vec<String> = whole.nodes.iter().map(ToString::to_string).collect();
        assert_eq!(
            nodes,
            ["service:checkout", "service:payments", "ci:k8s", "ci:pg-1", "ci:pg-2", "ci:pg-main", "ci:web"]
        );
        assert_eq!(
            edges(&whole),
            [
                "service:checkout depends on service:payments",
                "service:checkout depends on ci:pg-main",
                "service:checkout has component ci:web",
                "service:payments depends on ci:pg-main",
                "ci:pg-main runs on ci:k8s",
                "ci:pg-main has member ci:pg-1",
                "ci:pg-main has member ci:pg-2",
                "ci:web depends on ci:k8s",
                "ci:web runs on ci:k8s",
            ]
        );
    }

    #[test]
    fn neighbourhood_follows_both_directions_up_to_depth() {
        let entities = sample();
        let g = Graph::new(&entities);
        let around = g.neighbourhood(&r("ci:pg-main"), 1);
        let nodes: Vec<String> = around.nodes.iter().map(ToString::to_string).collect();
        assert_eq!(
            nodes,
            ["service:checkout", "service:payments", "ci:k8s", "ci:pg-1", "ci:pg-2", "ci:pg-main"]
        );
        // Induced: checkout → payments is inside too.
        assert!(edges(&around).contains(&"service:checkout depends on service:payments".to_owned()));
        assert!(!edges(&around).iter().any(|e| e.contains("ci:web")));
        let only = g.neighbourhood(&r("ci:pg-main"), 0);
        assert_eq!(only.nodes, [r("ci:pg-main")]);
        assert!(only.edges.is_empty());
        assert_eq!(g.neighbourhood(&r("ci:nope"), 3), Subgraph::default());
        assert_eq!(g.neighbourhood(&r("ci:pg-1"), 10).nodes.len(), 7);
    }

    #[test]
    fn first_written_duplicate_wins_and_duplicate_edges_collapse() {
        let mut first = ci("db", json!({"dependsOn": ["a", "a"]}));
        first.origin.file = "a.yaml".into();
        let mut second = ci("db", json!({"dependsOn": ["b"]}));
        second.origin.file = "b.yaml".into();
        let entities = vec![second, ci("a", json!({})), ci("b", json!({})), first];
        let g = Graph::new(&entities);
        assert_eq!(g.len(), 3);
        assert_eq!(names(&g.dependencies(&r("ci:db"))), ["ci:a depends on"]);
        assert_eq!(g.entity(&r("ci:db")).map(|e| &*e.origin.file), Some("a.yaml"));
    }

    #[test]
    fn cycles_and_self_edges_are_kept() {
        let entities = vec![ci("a", json!({"dependsOn": ["a", "b"]})), ci("b", json!({"dependsOn": ["a"]}))];
        let g = Graph::new(&entities);
        assert_eq!(
            edges(&g.whole()),
            ["ci:a depends on ci:a", "ci:a depends on ci:b", "ci:b depends on ci:a"]
        );
        assert_eq!(g.neighbourhood(&r("ci:a"), usize::MAX).nodes.len(), 2);
    }

    #[test]
    fn a_100k_chain_on_a_small_stack() {
        let run = || {
            let n = 100_000;
            let entities: Vec<Entity> = (0..n)
                .map(|i| {
                    let deps = if i == 0 { json!([]) } else { json!([format!("n{}", i - 1)]) };
                    ci(&format!("n{i}"), json!({ "dependsOn": deps }))
                })
                .collect();
            let g = Graph::new(&entities);
            let whole = g.whole();
            assert_eq!((whole.nodes.len(), whole.edges.len()), (n, n - 1));
            let around = g.neighbourhood(&r("ci:n0"), usize::MAX);
            assert_eq!(around.nodes.len(), n);
            let near = g.neighbourhood(&r("ci:n500"), 2);
            assert_eq!(near.nodes.len(), 5);
        };
        let handle = std::thread::Builder::new().stack_size(2 << 20).spawn(run);
        assert!(handle.map(|h| h.join().is_ok()).unwrap_or(false));
    }
}
