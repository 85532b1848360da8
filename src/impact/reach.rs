//! What changes reach across the dependency graph (SPEC §4).
//!
//! A multi-source breadth-first search from the changed entities along "dependents" edges: when
//! B changed (or was reached) and A depends on B, A is reached. Added and modified entities start
//! in the head graph; a removed entity's dependents are found in the base graph (at head the link
//! may be gone) and continue in the head graph. Every entity is reached once, by a shortest path;
//! between paths of the same length, the one whose previous step has the smaller reference wins.
//!
//! Redundancy: a CI with `redundancy.minUp: N` that is reached through its `members` counts its
//! members that are not changed or impacted. While that count is at least N it is `degraded` and
//! passes nothing on; when it drops below N (possibly at a later level of the search, as more
//! members are hit) it becomes `impacted`, its path runs through the member that tipped it, and it
//! passes the impact on. Reached any other way (its own `dependsOn` or `runsOn`), or changed
//! itself, a cluster is impacted as usual.
//!
//! Paths are bounded: a path longer than [`MAX_PATH`] entries keeps its first and last halves and
//! records how many entries were left out in `Reached::elided`, so a 100 000-long chain stays linear
//! in time and memory.

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{Change, ChangeKind, Dangling, Impact, Level, Reached, Review};
use crate::graph::Graph;
use crate::model::{ArticleState, Entity, EntityRef, Spec};
use crate::validate::rules::index::written_order;
use crate::validate::rules::refs::{references, Relation};

/// The most entries a reached entity's path shows: the first `MAX_PATH / 2` (from the changed
/// entity) and the last `MAX_PATH / 2` (to the reached one).
pub const MAX_PATH: usize = 16;
const PATH_HEAD: usize = MAX_PATH / 2;
const PATH_TAIL: usize = MAX_PATH - PATH_HEAD;

/// What `changed` (from [`super::diff`] of `base` and `head`) reaches.
pub fn analyse<E: Borrow<Entity>>(base: &[E], head: &[E], changed: Vec<Change>) -> Impact {
    let base_graph = Graph::new(base);
    let head_graph = Graph::new(head);
    run(&base_graph, &head_graph, head, changed)
}

/// What-if: what changing `targets` would reach in one tree (no git). Targets are treated as
/// modified with no field changes; targets that name no entity are left out (check them with
/// [`Graph::contains`] first to report them).
pub fn what_if<E: Borrow<Entity>>(entities: &[E], targets: &[EntityRef]) -> Impact {
    let graph = Graph::new(entities);
    let targets: BTreeSet<&EntityRef> = targets.iter().collect();
    let changed = targets
        .into_iter()
        .filter_map(|target| {
            let entity = graph.entity(target)?;
            Some(Change {
                reference: target.clone(),
                change: ChangeKind::Modified,
                file: Arc::clone(&entity.origin.file),
                fields: Vec::new(),
            })
        })
        .collect();
    run(&graph, &graph, entities, changed)
}

/// One entry of a path: a head node, or a removed entity (only ever the first entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    Node(usize),
    Removed(usize),
}

#[derive(Debug, Clone, Copy)]
enum State {
    Untouched,
    Changed,
    Reached(Mark),
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    level: Level,
    /// Edges from the changed entity.
    distance: usize,
    /// The previous entry of the path.
    parent: Hop,
    /// The path's entry at index `min(distance, PATH_HEAD - 1)`: where its first half ends.
    anchor: Hop,
}

struct Search<'g, 'a> {
    base: &'g Graph<'a>,
    head: &'g Graph<'a>,
    /// Removed entities, sorted.
    removed: Vec<&'g EntityRef>,
    state: Vec<State>,
    /// Per head node: how many of its members are changed or impacted so far.
    hits: Vec<usize>,
    /// Per head node: how many distinct members it lists (computed when first needed).
    members: Vec<Option<usize>>,
}

impl<'g, 'a> Search<'g, 'a> {
    fn hop_ref(&self, hop: Hop) -> &'g EntityRef {
        match hop {
            Hop::Node(id) => self.head.reference(id),
            Hop::Removed(i) => self.removed[i],
        }
    }

    /// The previous entry of `hop`'s path, if it is not the first.
    fn parent(&self, hop: Hop) -> Option<Hop> {
        match hop {
            Hop::Node(id) => match self.state[id] {
                State::Reached(mark) => Some(mark.parent),
                _ => None,
            },
            Hop::Removed(_) => None,
        }
    }

    fn anchor(&self, hop: Hop) -> Hop {
        match hop {
            Hop::Node(id) => match self.state[id] {
                State::Reached(mark) => mark.anchor,
                _ => hop,
            },
            Hop::Removed(_) => hop,
        }
    }

    /// Who depends on `hop`, as head nodes with the relation.
    fn dependents(&self, hop: Hop) -> Cow<'g, [(usize, Relation)]> {
        match hop {
            Hop::Node(id) => Cow::Borrowed(self.head.dependents_of(id)),
            Hop::Removed(i) => {
                let at_base = self.base.dependents(self.removed[i]);
                Cow::Owned(
                    at_base.into_iter().filter_map(|(r, rel)| self.head.id(r).map(|id| (id, rel))).collect(),
                )
            }
        }
    }

    /// Whether a hit on one more member of `node` leaves it working (degraded). Counts the hit.
    fn absorbs_member_hit(&mut self, node: usize) -> bool {
        let Spec::ConfigurationItem(ci) = &self.head.entity_at(node).spec else {
            return false;
        };
        let Some(redundancy) = ci.redundancy else {
            return false;
        };
        let total = *self.members[node]
            .get_or_insert_with(|| ci.members.iter().map(|m| &m.target).collect::<BTreeSet<_>>().len());
        self.hits[node] += 1;
        let untouched = total.saturating_sub(self.hits[node]);
        untouched >= usize::try_from(redundancy.min_up).unwrap_or(usize::MAX)
    }

    /// The breadth-first search, level by level; each level in reference order.
    fn spread(&mut self, mut frontier: Vec<Hop>) {
        frontier.sort_by(|a, b| self.hop_ref(*a).cmp(self.hop_ref(*b)));
        let mut distance = 0usize;
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for &from in &frontier {
                for &(node, relation) in self.dependents(from).iter() {
                    match self.state[node] {
                        State::Changed | State::Reached(Mark { level: Level::Impacted, .. }) => continue,
                        State::Untouched | State::Reached(_) => {}
                    }
                    let degraded = relation == Relation::Member && self.absorbs_member_hit(node);
                    if degraded && !matches!(self.state[node], State::Untouched) {
                        continue;
                    }
                    let anchor = if distance + 1 < PATH_HEAD { Hop::Node(node) } else { self.anchor(from) };
                    let level = if degraded { Level::Degraded } else { Level::Impacted };
                    self.state[node] =
                        State::Reached(Mark { level, distance: distance + 1, parent: from, anchor });
                    if !degraded {
                        next.push(Hop::Node(node));
                    }
                }
            }
            // Node ids are in reference order.
            next.sort_unstable_by_key(|hop| match hop {
                Hop::Node(id) => *id,
                Hop::Removed(_) => 0,
            });
            frontier = next;
            distance += 1;
        }
    }

    /// Up to `max` entries of the path ending at `from`, last first.
    fn walk(&self, from: Hop, max: usize) -> Vec<Hop> {
        let mut out = Vec::new();
        let mut at = Some(from);
        while let Some(hop) = at {
            if out.len() == max {
                break;
            }
            out.push(hop);
            at = self.parent(hop);
        }
        out
    }

    /// The (bounded) path of a reached node, and how many entries were left out of it.
    fn path(&self, node: usize, mark: &Mark) -> (Vec<EntityRef>, usize) {
        let len = mark.distance + 1;
        let hops = if len <= MAX_PATH {
            let mut all = self.walk(Hop::Node(node), MAX_PATH);
            all.reverse();
            all
        } else {
            let mut first = self.walk(mark.anchor, PATH_HEAD);
            first.reverse();
            let mut last = self.walk(Hop::Node(node), PATH_TAIL);
            last.reverse();
            first.extend(last);
            first
        };
        let elided = len - hops.len();
        (hops.into_iter().map(|hop| self.hop_ref(hop).clone()).collect(), elided)
    }
}

fn run<E: Borrow<Entity>>(
    base: &Graph,
    head: &Graph,
    head_entities: &[E],
    mut changed: Vec<Change>,
) -> Impact {
    changed.sort_by(|a, b| a.reference.cmp(&b.reference));
    changed.dedup_by(|later, first| later.reference == first.reference);
    let changed_refs: BTreeSet<&EntityRef> = changed.iter().map(|c| &c.reference).collect();

    let removed: Vec<&EntityRef> =
        changed.iter().filter(|c| c.change == ChangeKind::Removed).map(|c| &c.reference).collect();
    let mut search = Search {
        base,
        head,
        removed,
        state: vec![State::Untouched; head.len()],
        hits: vec![0; head.len()],
        members: vec![None; head.len()],
    };
    let mut seeds = Vec::new();
    for change in &changed {
        if change.change != ChangeKind::Removed {
            if let Some(id) = head.id(&change.reference) {
                search.state[id] = State::Changed;
                seeds.push(Hop::Node(id));
            }
        }
    }
    seeds.extend((0..search.removed.len()).map(Hop::Removed));
    search.spread(seeds);

    let mut reached: Vec<(Reached, usize)> = Vec::new();
    // Head node → index in `reached`, for the SLAs and catalog items of reached services.
    let mut reached_at: BTreeMap<usize, usize> = BTreeMap::new();
    for node in 0..head.len() {
        if let State::Reached(mark) = search.state[node] {
            let (path, elided) = search.path(node, &mark);
            reached_at.insert(node, reached.len());
            let reference = head.reference(node).clone();
            reached.push((Reached { reference, level: mark.level, path, elided }, mark.distance));
        }
    }

    // SLAs and catalog items of changed or reached services.
    let mut extra = Vec::new();
    for entity in head.entities() {
        let service = match &entity.spec {
            Spec::Sla(sla) => &sla.service.target,
            Spec::CatalogItem(item) => &item.service.target,
            _ => continue,
        };
        let reference = entity.reference();
        if changed_refs.contains(&reference) {
            continue;
        }
        let (mut path, mut elided, distance) = if changed_refs.contains(service) {
            (vec![service.clone()], 0, 0)
        } else {
            let Some(index) = head.id(service).and_then(|id| reached_at.get(&id)) else {
                continue;
            };
            let (via, distance) = &reached[*index];
            if via.level != Level::Impacted {
                continue;
            }
            (via.path.clone(), via.elided, *distance)
        };
        if path.len() >= MAX_PATH {
            path.remove(PATH_HEAD);
            elided += 1;
        }
        path.push(reference.clone());
        extra.push((Reached { reference, level: Level::Impacted, path, elided }, distance + 1));
    }
    reached.extend(extra);
    reached.sort_by(|(a, da), (b, db)| (da, &a.reference).cmp(&(db, &b.reference)));
    let reached: Vec<Reached> = reached.into_iter().map(|(r, _)| r).collect();

    // Everything the diff touches: changed and reached.
    let affected: BTreeSet<&EntityRef> =
        changed_refs.iter().copied().chain(reached.iter().map(|r| &r.reference)).collect();

    // Owners and approvers to notify, and the most critical tier.
    let mut notify = BTreeSet::new();
    let mut tier: Option<u8> = None;
    let mut note = |entity: &Entity, graph: &Graph| {
        owners(entity, graph, &mut notify);
        if let Spec::Service(service) = &entity.spec {
            tier = Some(tier.map_or(service.tier, |t| t.min(service.tier)));
        }
    };
    for change in &changed {
        if change.change != ChangeKind::Added {
            if let Some(entity) = base.entity(&change.reference) {
                note(entity, base);
            }
        }
        if change.change != ChangeKind::Removed {
            if let Some(entity) = head.entity(&change.reference) {
                note(entity, head);
            }
        }
    }
    for r in &reached {
        if let Some(entity) = head.entity(&r.reference) {
            note(entity, head);
        }
    }

    // Knowledge articles about anything affected.
    let mut review = Vec::new();
    for entity in head.entities() {
        let Spec::KnowledgeArticle(article) = &entity.spec else { continue };
        if article.spec.state == ArticleState::Retired {
            continue;
        }
        let spec = &article.spec;
        let named = spec.services.iter().map(|r| &r.target);
        let named = named
            .chain(spec.cis.iter().map(|r| &r.target))
            .chain(spec.catalog_items.iter().map(|r| &r.target));
        let about: BTreeSet<&EntityRef> = named.filter(|r| affected.contains(r)).collect();
        if !about.is_empty() {
            review
                .push(Review { reference: entity.reference(), about: about.into_iter().cloned().collect() });
        }
    }

    Impact {
        dangling: dangling(head_entities, &search.removed),
        changed,
        reached,
        notify: notify.into_iter().collect(),
        review,
        highest_tier: tier,
    }
}

/// The teams to tell about a change to `entity`: its owner (a catalog item without one: its
/// service's owner), an SLA's provider, and a service's approvers.
fn owners(entity: &Entity, graph: &Graph, out: &mut BTreeSet<EntityRef>) {
    match &entity.spec {
        Spec::Service(service) => {
            out.insert(service.owner.target.clone());
            out.extend(service.approvers.iter().map(|r| r.target.clone()));
        }
        Spec::ConfigurationItem(ci) => {
            out.insert(ci.owner.target.clone());
        }
        Spec::CatalogItem(item) => match &item.owner {
            Some(owner) => {
                out.insert(owner.target.clone());
            }
            None => {
                if let Some(Spec::Service(service)) = graph.entity(&item.service.target).map(|e| &e.spec) {
                    out.insert(service.owner.target.clone());
                }
            }
        },
        Spec::Sla(sla) => out.extend(sla.provider.iter().map(|r| r.target.clone())),
        Spec::KnowledgeArticle(article) => {
            out.insert(article.spec.owner.target.clone());
        }
        Spec::Team(_) | Spec::Window(_) | Spec::Policy(_) | Spec::ChangeRequest(_) | Spec::Scorecard(_) => {}
    }
}

/// References at head to removed entities, by referring entity then document order.
fn dangling<E: Borrow<Entity>>(head: &[E], removed: &[&EntityRef]) -> Vec<Dangling> {
    if removed.is_empty() {
        return Vec::new();
    }
    let mut entities: Vec<&Entity> = head.iter().map(Borrow::borrow).collect();
    entities.sort_by(|a, b| {
        (a.kind(), a.name()).cmp(&(b.kind(), b.name())).then_with(|| written_order(&a.origin, &b.origin))
    });
    let mut out = Vec::new();
    for entity in entities {
        for site in references(entity) {
            if removed.binary_search(&site.target).is_ok() {
                out.push(Dangling {
                    from: entity.reference(),
                    to: site.target.clone(),
                    file: Arc::clone(&entity.origin.file),
                    pointer: site.pointer,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::graph::testutil::*;
    use crate::impact::diff;

    fn r(text: &str) -> EntityRef {
        EntityRef::parse(text).unwrap_or_else(|| panic!("bad ref {text}"))
    }

    fn refs(list: &[EntityRef]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    /// `ref level path…` of every reached entity, in order.
    fn summary(impact: &Impact) -> Vec<String> {
        impact
            .reached
            .iter()
            .map(|r| {
                let level = match r.level {
                    Level::Impacted => "impacted",
                    Level::Degraded => "degraded",
                };
                format!("{} {level} {}", r.reference, refs(&r.path).join(" > "))
            })
            .collect()
    }

    fn modified(mut e: Entity, extra: &str) -> Entity {
        e.metadata.title = Some(extra.to_owned());
        e
    }

    /// Analyses `head` against `base` where `touched` entities (by name) were retitled.
    fn touch(entities: &[Entity], touched: &[&str]) -> Impact {
        let head: Vec<Entity> = entities
            .iter()
            .map(|e| if touched.contains(&e.name()) { modified(e.clone(), "changed") } else { e.clone() })
            .collect();
        analyse(entities, &head, diff(entities, &head))
    }

    #[test]
    fn a_chain_is_reached_by_shortest_paths() {
        let entities = vec![
            ci("a", json!({"dependsOn": ["b"]})),
            ci("b", json!({"dependsOn": ["c"]})),
            ci("c", json!({})),
            ci("x", json!({"dependsOn": ["a", "c"]})),
            ci("u", json!({"dependsOn": ["x"], "runsOn": ["b"]})),
        ];
        let impact = touch(&entities, &["c"]);
        assert_eq!(refs(&impact.changed.iter().map(|c| c.reference.clone()).collect::<Vec<_>>()), ["ci:c"]);
        assert_eq!(
            summary(&impact),
            [
                "ci:b impacted ci:c > ci:b",
                "ci:x impacted ci:c > ci:x",
                "ci:a impacted ci:c > ci:b > ci:a",
                // Two shortest paths (through b and through x): the smaller previous step wins.
                "ci:u impacted ci:c > ci:b > ci:u",
            ]
        );
        assert_eq!(impact.reached[2].distance(), 2);
    }

    #[test]
    fn ties_between_changed_entities_go_to_the_smaller_reference() {
        let entities =
            vec![ci("z", json!({})), ci("m", json!({})), ci("t", json!({"dependsOn": ["z", "m"]}))];
        let impact = touch(&entities, &["z", "m"]);
        assert_eq!(summary(&impact), ["ci:t impacted ci:m > ci:t"]);
    }

    #[test]
    fn cycles_terminate_and_changed_entities_are_not_repeated() {
        let entities = vec![
            ci("a", json!({"dependsOn": ["b"]})),
            ci("b", json!({"dependsOn": ["a", "b"]})),
            ci("c", json!({"dependsOn": ["a"]})),
        ];
        let impact = touch(&entities, &["a"]);
        assert_eq!(summary(&impact), ["ci:b impacted ci:a > ci:b", "ci:c impacted ci:a > ci:c"]);
    }

    fn cluster() -> Vec<Entity> {
        vec![
            ci(
                "pg",
                json!({"class": "database/cluster", "members": ["pg-1", "pg-2", "pg-3", "pg-1"],
                            "redundancy": {"minUp": 2}, "runsOn": ["dc"]}),
            ),
            ci("pg-1", json!({})),
            ci("pg-2", json!({"runsOn": ["host"]})),
            ci("pg-3", json!({})),
            ci("host", json!({})),
            ci("dc", json!({})),
            service("orders", json!({"dependsOn": ["ci:pg"]})),
        ]
    }

    #[test]
    fn a_redundant_cluster_absorbs_one_member() {
        let impact = touch(&cluster(), &["pg-1"]);
        assert_eq!(summary(&impact), ["ci:pg degraded ci:pg-1 > ci:pg"]);
        assert_eq!(impact.reached[0].level, Level::Degraded);
    }

    #[test]
    fn a_redundant_cluster_below_min_up_is_impacted_and_passes_it_on() {
        let impact = touch(&cluster(), &["pg-1", "pg-2"]);
        // pg-2 is the member that tips the cluster below minUp.
        assert_eq!(
            summary(&impact),
            ["ci:pg impacted ci:pg-2 > ci:pg", "service:orders impacted ci:pg-2 > ci:pg > service:orders"]
        );
    }

    #[test]
    fn a_degraded_cluster_is_upgraded_when_a_later_level_hits_another_member() {
        let impact = touch(&cluster(), &["pg-1", "host"]);
        assert_eq!(
            summary(&impact),
            [
                "ci:pg-2 impacted ci:host > ci:pg-2",
                "ci:pg impacted ci:host > ci:pg-2 > ci:pg",
                "service:orders impacted ci:host > ci:pg-2 > ci:pg > service:orders",
            ]
        );
    }

    #[test]
    fn a_change_to_the_cluster_itself_or_its_host_impacts_it() {
        let impact = touch(&cluster(), &["pg"]);
        assert_eq!(summary(&impact), ["service:orders impacted ci:pg > service:orders"]);
        let impact = touch(&cluster(), &["dc"]);
        assert_eq!(
            summary(&impact),
            ["ci:pg impacted ci:dc > ci:pg", "service:orders impacted ci:dc > ci:pg > service:orders"]
        );
    }

    #[test]
    fn a_cluster_without_redundancy_is_impacted_by_any_member() {
        let entities =
            vec![ci("pool", json!({"members": ["m1", "m2"]})), ci("m1", json!({})), ci("m2", json!({}))];
        assert_eq!(summary(&touch(&entities, &["m2"])), ["ci:pool impacted ci:m2 > ci:pool"]);
    }

    fn shop() -> Vec<Entity> {
        vec![
            service("shop", json!({"owner": "web", "tier": 1, "dependsOn": ["ci:db"], "approvers": ["cab"]})),
            ci("db", json!({"owner": "dba"})),
            entity(
                "SLA",
                "gold",
                json!({"service": "shop", "provider": "ops",
                                         "objectives": [{"metric": "availability", "target": 99.9}]}),
            ),
            entity("CatalogItem", "basket", json!({"service": "shop", "category": "Shopping"})),
            entity("CatalogItem", "refund", json!({"service": "other", "category": "Shopping"})),
            entity("KnowledgeArticle", "restore-db", json!({"owner": "dba", "cis": ["db"]})),
            entity(
                "KnowledgeArticle",
                "shop-faq",
                json!({"owner": "web", "services": ["shop"],
                                                          "catalogItems": ["basket"], "state": "draft"}),
            ),
            entity(
                "KnowledgeArticle",
                "old",
                json!({"owner": "web", "services": ["shop"], "state": "retired"}),
            ),
            entity("Team", "web", json!({})),
        ]
    }

    #[test]
    fn slas_and_catalog_items_of_reached_services_are_reached() {
        let impact = touch(&shop(), &["db"]);
        assert_eq!(
            summary(&impact),
            [
                "service:shop impacted ci:db > service:shop",
                "catalog:basket impacted ci:db > service:shop > catalog:basket",
                "sla:gold impacted ci:db > service:shop > sla:gold",
            ]
        );
        assert_eq!(impact.highest_tier, Some(1));
        let impact = touch(&shop(), &["shop"]);
        assert_eq!(
            summary(&impact),
            [
                "catalog:basket impacted service:shop > catalog:basket",
                "sla:gold impacted service:shop > sla:gold"
            ]
        );
    }

    #[test]
    fn notify_owners_providers_and_approvers() {
        let impact = touch(&shop(), &["db"]);
        // db owner dba, shop owner web and approver cab, SLA provider ops; the catalog item has no
        // owner, so its service's owner (web).
        assert_eq!(refs(&impact.notify), ["team:cab", "team:dba", "team:ops", "team:web"]);
        // A changed team notifies nobody extra; a transferred CI notifies both owners.
        let base = shop();
        let mut head = shop();
        head[1] = ci("db", json!({"owner": "platform"}));
        head[8] = entity("Team", "web", json!({"timezone": "Europe/Berlin"}));
        let impact = analyse(&base, &head, diff(&base, &head));
        assert_eq!(refs(&impact.notify), ["team:cab", "team:dba", "team:ops", "team:platform", "team:web"]);
        let only_team = touch(&shop(), &["web"]);
        assert_eq!(only_team.notify, []);
        assert_eq!(only_team.reached, []);
        assert_eq!(only_team.highest_tier, None);
    }

    #[test]
    fn knowledge_articles_about_affected_entities_are_listed_for_review() {
        let impact = touch(&shop(), &["db"]);
        let review: Vec<String> =
            impact.review.iter().map(|r| format!("{}: {}", r.reference, refs(&r.about).join(", "))).collect();
        assert_eq!(review, ["kb:restore-db: ci:db", "kb:shop-faq: service:shop, catalog:basket"]);
    }

    #[test]
    fn a_removed_entity_reaches_its_base_dependents_and_leaves_dangling_references() {
        let base = vec![
            service("shop", json!({"dependsOn": ["ci:old"], "components": ["old"]})),
            ci("old", json!({})),
            service("front", json!({"dependsOn": ["service:shop"]})),
        ];
        let head = vec![base[0].clone(), base[2].clone()];
        let changes = diff(&base, &head);
        let impact = analyse(&base, &head, changes);
        assert_eq!(impact.changed.len(), 1);
        assert_eq!(impact.changed[0].change, ChangeKind::Removed);
        assert_eq!(
            summary(&impact),
            [
                "service:shop impacted ci:old > service:shop",
                "service:front impacted ci:old > service:shop > service:front",
            ]
        );
        let dangling: Vec<String> = impact
            .dangling
            .iter()
            .map(|d| format!("{} -> {} {}#{}", d.from, d.to, d.file, d.pointer))
            .collect();
        assert_eq!(
            dangling,
            [
                "service:shop -> ci:old Service/shop.yaml#/spec/dependsOn/0",
                "service:shop -> ci:old Service/shop.yaml#/spec/components/0",
            ]
        );
        assert_eq!(refs(&impact.notify), ["team:sre"]);
    }

    #[test]
    fn a_removed_member_counts_against_redundancy() {
        let base = cluster();
        let head: Vec<Entity> = base.iter().filter(|e| e.name() != "pg-1").cloned().collect();
        let impact = analyse(&base, &head, diff(&base, &head));
        assert_eq!(summary(&impact), ["ci:pg degraded ci:pg-1 > ci:pg"]);
        assert_eq!(impact.dangling.len(), 2);
    }

    #[test]
    fn what_if_treats_targets_as_modified() {
        let impact = what_if(&shop(), &[r("ci:db"), r("ci:nope"), r("ci:db")]);
        assert_eq!(impact.changed.len(), 1);
        assert_eq!(impact.changed[0].reference, r("ci:db"));
        assert_eq!(impact.changed[0].change, ChangeKind::Modified);
        assert_eq!(&*impact.changed[0].file, "ConfigurationItem/db.yaml");
        assert_eq!(impact.reached.len(), 3);
        assert_eq!(impact.dangling, []);
        assert_eq!(what_if(&shop(), &[]), Impact::default());
    }

    #[test]
    fn long_paths_keep_both_ends() {
        let mut entities: Vec<Entity> = (0..20)
            .map(|i| {
                let deps = if i == 0 { json!([]) } else { json!([format!("service:s{:02}", i - 1)]) };
                service(&format!("s{i:02}"), json!({ "dependsOn": deps }))
            })
            .collect();
        entities.push(entity(
            "SLA",
            "gold",
            json!({"service": "s19",
            "objectives": [{"metric": "availability", "target": 99.9}]}),
        ));
        let impact = what_if(&entities, &[r("service:s00")]);
        let last = impact.reached.last().cloned().unwrap_or_else(|| panic!("nothing reached"));
        assert_eq!(last.reference, r("sla:gold"));
        assert_eq!(last.path.len(), MAX_PATH);
        assert_eq!(last.distance(), 20);
        assert_eq!(last.elided, 5);
        assert_eq!(last.path[0], r("service:s00"));
        assert_eq!(last.path[PATH_HEAD - 1], r("service:s07"));
        assert_eq!(last.path[PATH_HEAD], r("service:s13"));
        assert_eq!(last.path[MAX_PATH - 2], r("service:s19"));
        let s19 = &impact.reached[impact.reached.len() - 2];
        assert_eq!((s19.distance(), s19.elided, s19.path.len()), (19, 4, MAX_PATH));
        assert_eq!(s19.path[PATH_HEAD], r("service:s12"));
        let s15 = impact.reached.iter().find(|x| x.reference == r("service:s15"));
        assert_eq!(s15.map(|x| (x.path.len(), x.elided)), Some((16, 0)));
    }

    #[test]
    fn a_100k_chain_on_a_small_stack() {
        let run = || {
            let n = 100_000usize;
            let base: Vec<Entity> = (0..n)
                .map(|i| {
                    let deps = if i == 0 { json!([]) } else { json!([format!("n{}", i - 1)]) };
                    ci(&format!("n{i}"), json!({ "dependsOn": deps }))
                })
                .collect();
            let mut head = base.clone();
            head[0] = modified(head[0].clone(), "changed");
            let changes = diff(&base, &head);
            assert_eq!(changes.len(), 1);
            let impact = analyse(&base, &head, changes);
            assert_eq!(impact.reached.len(), n - 1);
            let last = &impact.reached[n - 2];
            assert_eq!(last.reference, r(&format!("ci:n{}", n - 1)));
            assert_eq!(last.distance(), n - 1);
            assert_eq!(last.path.len(), MAX_PATH);
            assert_eq!(last.path[0], r("ci:n0"));
            assert_eq!(last.path[MAX_PATH - 2], r(&format!("ci:n{}", n - 2)));
            let what = what_if(&base, &[r("ci:n50000")]);
            assert_eq!(what.reached.len(), n - 50_001);
        };
        let handle = std::thread::Builder::new().stack_size(2 << 20).spawn(run);
        assert!(handle.map(|h| h.join().is_ok()).unwrap_or(false));
    }
}
