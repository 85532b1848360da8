//! SLA achievability: the availability ceiling of a service's dependency closure (SPEC §9,
//! after Treynor et al., "The Calculus of Service Availability", 2017).
//!
//! A dependency's own figure is the lowest availability target of the SLAs, OLAs and UCs
//! written for it (a service) or its `attributes.availability` in percent (a CI). A known figure
//! stands for everything below it: the walk stops there. Everything the service needs is a
//! *unit*; distinct units multiply, and a unit reached along several paths counts once. A
//! cluster with `redundancy.minUp: k` (and no figure of its own) is one unit, up when at least
//! k of its members are: k-of-n over each member's own ceiling, exact for unequal members (a
//! small dynamic programme). What every member needs (the pool they all run on) is taken out
//! of the members and counted once beside the cluster, since a shared failure takes them all
//! down together. A leaf with no figure counts as 100% and is listed as unknown.
//!
//! Cycles (reported by `dependency-cycle`) never hang the walk: an entity is visited once per
//! walk, and a cluster met again while its own figure is being worked out counts as 100%.
//! Nothing here recurses over user data: walks use explicit queues and the clusters a walk
//! needs first are worked out from an explicit stack.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::model::{Entity, EntityRef, Kind, Metric, Spec, Unit};
use crate::validate::rules::index::written_order;
use crate::validate::rules::refs::{dependencies, Relation};

/// Where a contributor's figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The lowest availability target of this SLA (OLA, UC) of the service.
    Sla(EntityRef),
    /// The CI's `attributes.availability`.
    Attribute,
    /// A cluster: up when at least `min_up` of its `members` (distinct) are.
    Redundancy { min_up: usize, members: usize },
    /// Nothing known: counted as 100%.
    Unknown,
}

/// One unit of a service's dependency closure.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributor {
    pub reference: EntityRef,
    /// As a fraction in [0, 1].
    pub availability: f64,
    pub source: Source,
    /// The shortest chain from the service to this unit, both included.
    pub path: Vec<EntityRef>,
}

/// The availability ceiling of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Ceiling {
    pub service: EntityRef,
    /// The product of every unit's availability, as a fraction in [0, 1].
    pub availability: f64,
    /// Units below 100%, weakest first (then by reference).
    pub contributors: Vec<Contributor>,
    /// Leaves with no known figure, counted as 100%, by reference.
    pub unknown: Vec<Contributor>,
}

/// The availability a service promises to need of each critical dependency by the "rule of the
/// extra nine": one more nine than its own target (`99.95` → `99.995`), in percent.
pub fn extra_nine(target_percent: f64) -> f64 {
    100.0 - (100.0 - target_percent) / 10.0
}

/// Probability that at least `k` of independent members with these availabilities are up.
pub fn k_of_n(k: usize, members: &[f64]) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let k = k.min(members.len());
    // up[j]: probability that exactly j of the members seen so far are up.
    let mut up = vec![0.0; members.len() + 1];
    up[0] = 1.0;
    for (seen, &p) in members.iter().enumerate() {
        for j in (0..=seen + 1).rev() {
            let stays_down = up[j] * (1.0 - p);
            let comes_up = if j > 0 { up[j - 1] * p } else { 0.0 };
            up[j] = stays_down + comes_up;
        }
    }
    up[k..].iter().sum::<f64>().clamp(0.0, 1.0)
}

/// A unit as kept during the walks: node, figure, source, path of nodes from where the walk
/// started.
#[derive(Debug, Clone)]
struct Found {
    value: f64,
    source: Source,
    path: Vec<usize>,
}

/// The units of a walk, by node (the first, shortest path kept).
type Units = BTreeMap<usize, Found>;

/// The services and CIs of one tree, ready for ceilings. Build once, ask for many services.
pub struct Availability<'a> {
    nodes: Vec<&'a Entity>,
    ids: HashMap<(Kind, String), usize>,
    /// Resolved dependencies of each node, without repeats, in the order written.
    deps: Vec<Vec<usize>>,
    /// For clusters with `redundancy.minUp`: the distinct resolved members and `minUp`.
    group: Vec<Option<(Vec<usize>, usize)>>,
    /// A node's own figure, when known.
    figure: Vec<Option<(f64, Source)>>,
    /// The units of each cluster worked out so far (paths start at the cluster).
    memo: HashMap<usize, Units>,
}

impl<'a> Availability<'a> {
    pub fn new<E: Borrow<Entity>>(entities: &'a [E]) -> Availability<'a> {
        let mut nodes: Vec<&'a Entity> = entities
            .iter()
            .map(Borrow::borrow)
            .filter(|e| matches!(e.spec, Spec::Service(_) | Spec::ConfigurationItem(_)))
            .collect();
        nodes.sort_by(|a, b| {
            (a.kind(), a.name().to_lowercase())
                .cmp(&(b.kind(), b.name().to_lowercase()))
                .then_with(|| written_order(&a.origin, &b.origin))
        });
        nodes.dedup_by(|later, first| {
            later.kind() == first.kind() && later.name().eq_ignore_ascii_case(first.name())
        });
        let ids: HashMap<(Kind, String), usize> =
            nodes.iter().enumerate().map(|(i, e)| ((e.kind(), e.name().to_lowercase()), i)).collect();
        let lookup = |r: &EntityRef| ids.get(&(r.kind, r.name.to_lowercase())).copied();
        let mut deps = Vec::with_capacity(nodes.len());
        let mut group = Vec::with_capacity(nodes.len());
        for entity in &nodes {
            let sites = dependencies(entity);
            let mut list: Vec<usize> = Vec::new();
            let mut members: Vec<usize> = Vec::new();
            for site in &sites {
                let Some(id) = lookup(site.target) else { continue };
                if !list.contains(&id) {
                    list.push(id);
                }
                if site.relation == Relation::Member && !members.contains(&id) {
                    members.push(id);
                }
            }
            deps.push(list);
            group.push(match &entity.spec {
                Spec::ConfigurationItem(ci) => match ci.redundancy {
                    Some(r) if !members.is_empty() => {
                        Some((members, usize::try_from(r.min_up).unwrap_or(usize::MAX)))
                    }
                    _ => None,
                },
                _ => None,
            });
        }
        let mut figure: Vec<Option<(f64, Source)>> = nodes.iter().map(|e| attribute(e)).collect();
        // Services: the lowest availability target of their agreements (first SLA on ties).
        let mut slas: Vec<&Entity> =
            entities.iter().map(Borrow::borrow).filter(|e| matches!(e.spec, Spec::Sla(_))).collect();
        slas.sort_by(|a, b| (a.name(), &a.origin).cmp(&(b.name(), &b.origin)));
        for sla in slas {
            let Spec::Sla(spec) = &sla.spec else { continue };
            let Some(id) = lookup(&spec.service.target) else { continue };
            for target in availability_targets(spec) {
                if figure[id].as_ref().is_none_or(|(v, _)| target / 100.0 < *v) {
                    figure[id] = Some((target / 100.0, Source::Sla(sla.reference())));
                }
            }
        }
        Availability { nodes, ids, deps, group, figure, memo: HashMap::new() }
    }

    /// The ceiling of `service`'s dependency closure, or `None` when no such service exists.
    pub fn ceiling(&mut self, service: &EntityRef) -> Option<Ceiling> {
        let &start = self.ids.get(&(service.kind, service.name.to_lowercase()))?;
        let roots = self.deps[start].clone();
        let units = self.walk_resolved(&roots, start);
        let reference = |id: usize| self.nodes[id].reference();
        let mut availability = 1.0;
        let mut contributors = Vec::new();
        let mut unknown = Vec::new();
        for (id, found) in units {
            availability *= found.value;
            let mut path = vec![reference(start)];
            path.extend(found.path.iter().map(|&n| reference(n)));
            let c = Contributor {
                reference: reference(id),
                availability: found.value,
                source: found.source,
                path,
            };
            if c.source == Source::Unknown {
                unknown.push(c);
            } else if c.availability < 1.0 {
                contributors.push(c);
            }
        }
        contributors.sort_by(|a, b| {
            a.availability.total_cmp(&b.availability).then_with(|| a.reference.cmp(&b.reference))
        });
        unknown.sort_by(|a, b| a.reference.cmp(&b.reference));
        Some(Ceiling { service: reference(start), availability, contributors, unknown })
    }

    /// [`Availability::walk`] once every cluster it meets is worked out.
    fn walk_resolved(&mut self, roots: &[usize], from: usize) -> Units {
        loop {
            match self.walk(roots, from, &HashSet::new()) {
                Ok(units) => return units,
                Err(missing) => self.work_out(missing),
            }
        }
    }

    /// Works out the units of these clusters, and first of those they need, from a stack. A
    /// cluster that tried and found clusters it needs not worked out yet waits on the stack
    /// below them; meeting a waiting cluster again is a cycle, and it then counts as 100%.
    fn work_out(&mut self, clusters: Vec<usize>) {
        let mut waiting: HashSet<usize> = HashSet::new();
        let mut stack = clusters;
        stack.reverse();
        while let Some(&top) = stack.last() {
            if self.memo.contains_key(&top) {
                stack.pop();
                continue;
            }
            match self.cluster(top, &waiting) {
                Ok(units) => {
                    self.memo.insert(top, units);
                    waiting.remove(&top);
                    stack.pop();
                }
                Err(missing) => {
                    waiting.insert(top);
                    stack.extend(missing.into_iter().rev().filter(|m| !waiting.contains(m)));
                }
            }
        }
    }

    /// The units of one cluster (paths start at it): what all its members need, once; the
    /// cluster itself as k-of-n over what each member needs on its own; what the cluster needs
    /// besides its members. `Err` lists the clusters below it not yet worked out.
    fn cluster(&self, id: usize, waiting: &HashSet<usize>) -> Result<Units, Vec<usize>> {
        let Some((members, min_up)) = &self.group[id] else { return Ok(Units::new()) };
        let mut missing = Vec::new();
        let mut of_members = Vec::with_capacity(members.len());
        for &m in members {
            match self.walk(&[m], id, waiting) {
                Ok(units) => of_members.push(units),
                Err(more) => missing.extend(more),
            }
        }
        let others: Vec<usize> = self.deps[id].iter().copied().filter(|d| !members.contains(d)).collect();
        let besides = match self.walk(&others, id, waiting) {
            Ok(units) => units,
            Err(more) => {
                missing.extend(more);
                Units::new()
            }
        };
        if !missing.is_empty() {
            missing.sort_unstable();
            missing.dedup();
            return Err(missing);
        }
        let shared: Vec<usize> = match of_members.split_first() {
            Some((first, rest)) if !rest.is_empty() => {
                first.keys().copied().filter(|k| rest.iter().all(|u| u.contains_key(k))).collect()
            }
            _ => Vec::new(),
        };
        let own: Vec<f64> = of_members
            .iter()
            .map(|units| units.iter().filter(|(k, _)| !shared.contains(k)).map(|(_, f)| f.value).product())
            .collect();
        let mut out = Units::new();
        let prefixed = |f: &Found| Found { path: [&[id][..], &f.path].concat(), ..f.clone() };
        for k in &shared {
            if let Some(f) = of_members.iter().find_map(|u| u.get(k)) {
                out.insert(*k, prefixed(f));
            }
        }
        out.insert(
            id,
            Found {
                value: k_of_n(*min_up, &own),
                source: Source::Redundancy { min_up: (*min_up).min(members.len()), members: members.len() },
                path: vec![id],
            },
        );
        for (k, f) in besides {
            out.entry(k).or_insert_with(|| prefixed(&f));
        }
        Ok(out)
    }

    /// The units reached from `roots` (breadth first, each node once, never back to `from`),
    /// with paths starting at a root. `Err` lists the clusters met whose units are not worked
    /// out yet (the walk goes on past them to find them all at once).
    fn walk(&self, roots: &[usize], from: usize, waiting: &HashSet<usize>) -> Result<Units, Vec<usize>> {
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut seen: HashSet<usize> = HashSet::from([from]);
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &r in roots {
            if seen.insert(r) {
                queue.push_back(r);
            }
        }
        let path_to = |parent: &HashMap<usize, usize>, mut n: usize| {
            let mut path = vec![n];
            while let Some(&p) = parent.get(&n) {
                path.push(p);
                n = p;
            }
            path.reverse();
            path
        };
        let mut units = Units::new();
        let mut missing = Vec::new();
        while let Some(n) = queue.pop_front() {
            if let Some((value, source)) = &self.figure[n] {
                units.entry(n).or_insert_with(|| Found {
                    value: *value,
                    source: source.clone(),
                    path: path_to(&parent, n),
                });
                continue;
            }
            if self.group[n].is_some() {
                if waiting.contains(&n) {
                    continue; // a cycle through this cluster: reported elsewhere
                }
                match self.memo.get(&n) {
                    Some(below) => {
                        let here = path_to(&parent, n);
                        for (&k, f) in below {
                            units.entry(k).or_insert_with(|| Found {
                                path: [&here[..], &f.path[1..]].concat(),
                                ..f.clone()
                            });
                        }
                    }
                    None => missing.push(n),
                }
                continue;
            }
            if self.deps[n].is_empty() {
                units.entry(n).or_insert_with(|| Found {
                    value: 1.0,
                    source: Source::Unknown,
                    path: path_to(&parent, n),
                });
            }
            for &d in &self.deps[n] {
                if seen.insert(d) {
                    parent.insert(d, n);
                    queue.push_back(d);
                }
            }
        }
        if missing.is_empty() {
            Ok(units)
        } else {
            Err(missing)
        }
    }
}

/// The availability targets of an agreement that are percentages in (0, 100] (the others are
/// reported by `sla-availability-range` and `sla-unit-mismatch`).
pub fn availability_targets(spec: &crate::model::SlaSpec) -> impl Iterator<Item = f64> + '_ {
    spec.objectives
        .iter()
        .filter(|o| o.metric == Metric::Availability && matches!(o.unit, None | Some(Unit::Percent)))
        .map(|o| o.target)
        .filter(|t| *t > 0.0 && *t <= 100.0)
}

/// A CI's `attributes.availability` as a fraction: a number (or a numeric string, with or
/// without `%`) in (0, 100].
fn attribute(entity: &Entity) -> Option<(f64, Source)> {
    let Spec::ConfigurationItem(ci) = &entity.spec else { return None };
    let value = ci.attributes.get("availability")?;
    let percent = match value {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (percent > 0.0 && percent <= 100.0).then_some((percent / 100.0, Source::Attribute))
}

/// A fraction as a percentage for people, rounded down to at most four decimals (`99.9702`,
/// `99.95`, `100`), so a ceiling is never shown above what it is.
pub fn percent(fraction: f64) -> String {
    let scaled = (fraction * 1_000_000.0 + 1e-6).floor() / 10_000.0;
    let text = format!("{scaled:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

#[cfg(test)]
mod tests;
