//! `dependency-cycle` (services and CIs through dependsOn, components, runsOn and members) and
//! `team-parent-cycle`. Both walk the graph with explicit stacks: graphs can hold 100k nodes
//! and the rules may run on small thread stacks.

use std::collections::{HashMap, VecDeque};

use super::refs::{dependencies, RefSite};
use super::{value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entity, Kind, Spec};

/// How many entities a cycle shows in full in its message; longer cycles are elided.
const SHOWN_IN_FULL: usize = 12;
/// How many edges of a cycle get a secondary label.
const MAX_LABELS: usize = 8;
const UNVISITED: u32 = u32::MAX;

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    dependency_cycles(cx, out);
    team_parent_cycles(cx, out);
}

/// The dependency graph: services and CIs, edges from the dependent to what it depends on.
struct Graph<'a> {
    nodes: Vec<&'a Entity>,
    sites: Vec<Vec<RefSite<'a>>>,
    /// Per node: (target node, index of the site in `sites[node]`).
    edges: Vec<Vec<(usize, usize)>>,
}

impl<'a> Graph<'a> {
    fn new(cx: &Context<'a, '_>) -> Graph<'a> {
        let nodes: Vec<&Entity> = cx
            .entities()
            .iter()
            .filter(|e| matches!(e.spec, Spec::Service(_) | Spec::ConfigurationItem(_)))
            .collect();
        let ids: HashMap<*const Entity, usize> =
            nodes.iter().enumerate().map(|(i, e)| (std::ptr::from_ref::<Entity>(e), i)).collect();
        let sites: Vec<Vec<RefSite>> = nodes.iter().map(|e| dependencies(e)).collect();
        let edges = sites
            .iter()
            .map(|list| {
                list.iter()
                    .enumerate()
                    .filter_map(|(s, site)| {
                        let target = cx.index.entity(site.target.kind, &site.target.name)?;
                        ids.get(&std::ptr::from_ref(target)).map(|&t| (t, s))
                    })
                    .collect()
            })
            .collect();
        Graph { nodes, sites, edges }
    }

    /// Strongly connected components that hold a cycle (more than one node, or a self-edge),
    /// by Tarjan's algorithm with an explicit call stack.
    fn cyclic_components(&self) -> Vec<Vec<usize>> {
        let n = self.nodes.len();
        let mut order = vec![UNVISITED; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut calls: Vec<(usize, usize)> = Vec::new();
        let mut counter = 0u32;
        let mut components = Vec::new();
        for root in 0..n {
            if order[root] != UNVISITED {
                continue;
            }
            order[root] = counter;
            low[root] = counter;
            counter += 1;
            stack.push(root);
            on_stack[root] = true;
            calls.push((root, 0));
            while let Some(frame) = calls.last_mut() {
                let v = frame.0;
                if let Some(&(w, _)) = self.edges[v].get(frame.1) {
                    frame.1 += 1;
                    if order[w] == UNVISITED {
                        order[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(order[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(u, _)) = calls.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == order[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    let cyclic = component.len() > 1 || self.edges[v].iter().any(|&(t, _)| t == v);
                    if cyclic {
                        components.push(component);
                    }
                }
            }
        }
        components
    }

    /// The shortest cycle through `start` staying inside `component` (`member[node]` true), as
    /// edges `(from node, site index)` in order, starting at `start`.
    fn shortest_cycle(&self, start: usize, member: &[bool]) -> Vec<(usize, usize)> {
        let mut parent: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut closing = None;
        'search: while let Some(u) = queue.pop_front() {
            for &(w, s) in &self.edges[u] {
                if w == start {
                    closing = Some((u, s));
                    break 'search;
                }
                if member[w] && !parent.contains_key(&w) {
                    parent.insert(w, (u, s));
                    queue.push_back(w);
                }
            }
        }
        let mut path = Vec::new();
        let mut edge = closing;
        while let Some((from, s)) = edge {
            path.push((from, s));
            edge = if from == start { None } else { parent.get(&from).copied() };
        }
        path.reverse();
        path
    }
}

fn dependency_cycles(cx: &Context, out: &mut Vec<Diagnostic>) {
    let graph = Graph::new(cx);
    let mut member = vec![false; graph.nodes.len()];
    for component in graph.cyclic_components() {
        let Some(start) = component
            .iter()
            .copied()
            .min_by(|&a, &b| ref_text(graph.nodes[a]).cmp(&ref_text(graph.nodes[b])).then(a.cmp(&b)))
        else {
            continue;
        };
        for &v in &component {
            member[v] = true;
        }
        let cycle = graph.shortest_cycle(start, &member);
        for &v in &component {
            member[v] = false;
        }
        let Some(&(first_from, first_site)) = cycle.first() else { continue };
        let mut chain: Vec<String> = cycle.iter().map(|&(from, _)| ref_text(graph.nodes[from])).collect();
        chain.push(ref_text(graph.nodes[start]));
        let first = &graph.sites[first_from][first_site];
        let mut d = Diagnostic::new(
            Code::DependencyCycle,
            format!("dependency cycle: {}", arrows(&chain)),
            value_at(&graph.nodes[first_from].origin, first.pointer.as_str()),
        );
        for &(from, s) in cycle.iter().skip(1).take(MAX_LABELS) {
            let site = &graph.sites[from][s];
            let entity = graph.nodes[from];
            d = d.with_label(
                value_at(&entity.origin, site.pointer.as_str()),
                format!("`{}` {} `{}` here", entity.reference(), site.relation.verb(), site.target),
            );
        }
        if component.len() > cycle.len() {
            d = d.with_note(format!(
                "note: {} entities depend on each other in this group; this is the shortest cycle through `{}`",
                component.len(),
                chain[0]
            ));
        }
        d = d.with_note(
            "help: remove one of the edges (dependsOn, components, runsOn or members) so that nothing depends on itself",
        );
        out.push(d);
    }
}

fn team_parent_cycles(cx: &Context, out: &mut Vec<Diagnostic>) {
    let teams: Vec<&Entity> = cx.entities().iter().filter(|e| e.kind() == Kind::Team).collect();
    let ids: HashMap<*const Entity, usize> =
        teams.iter().enumerate().map(|(i, e)| (std::ptr::from_ref::<Entity>(e), i)).collect();
    let parent: Vec<Option<usize>> = teams
        .iter()
        .map(|e| {
            let Spec::Team(t) = &e.spec else { return None };
            let target = cx.index.entity(Kind::Team, t.parent.as_ref()?.name())?;
            ids.get(&std::ptr::from_ref(target)).copied()
        })
        .collect();
    // 0: not seen, 1: on the current walk, 2: done.
    let mut state = vec![0u8; teams.len()];
    let mut position = vec![0usize; teams.len()];
    for start in 0..teams.len() {
        let mut path = Vec::new();
        let mut node = Some(start);
        while let Some(v) = node {
            match state[v] {
                0 => {
                    state[v] = 1;
                    position[v] = path.len();
                    path.push(v);
                    node = parent[v];
                }
                1 => {
                    report_team_cycle(&teams, &path[position[v]..], out);
                    break;
                }
                _ => break,
            }
        }
        for v in path {
            state[v] = 2;
        }
    }
}

fn report_team_cycle(teams: &[&Entity], cycle: &[usize], out: &mut Vec<Diagnostic>) {
    let Some(offset) = (0..cycle.len()).min_by(|&a, &b| teams[cycle[a]].name().cmp(teams[cycle[b]].name()))
    else {
        return;
    };
    let rotated: Vec<&Entity> = cycle[offset..].iter().chain(&cycle[..offset]).map(|&v| teams[v]).collect();
    let mut chain: Vec<String> = rotated.iter().map(|e| ref_text(e)).collect();
    chain.push(ref_text(rotated[0]));
    let mut d = Diagnostic::new(
        Code::TeamParentCycle,
        format!("team parent cycle: {}", arrows(&chain)),
        value_at(&rotated[0].origin, "/spec/parent"),
    );
    for team in rotated.iter().skip(1).take(MAX_LABELS) {
        d = d.with_label(value_at(&team.origin, "/spec/parent"), format!("parent of `{}`", team.reference()));
    }
    out.push(d.with_note("help: remove the `parent` of the team at the top of the hierarchy"));
}

fn ref_text(entity: &Entity) -> String {
    format!("{}:{}", entity.kind().short(), entity.name())
}

/// `a` → `b` → `a`, eliding the middle of long chains.
fn arrows(chain: &[String]) -> String {
    let quoted: Vec<String> = chain.iter().map(|r| format!("`{r}`")).collect();
    if quoted.len() <= SHOWN_IN_FULL {
        return quoted.join(" → ");
    }
    let head = &quoted[..6];
    let tail = &quoted[quoted.len() - 3..];
    format!("{} → … ({} more) … → {}", head.join(" → "), quoted.len() - 9, tail.join(" → "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::rules::testutil::*;

    #[test]
    fn a_cycle_is_reported_once_from_its_smallest_member() {
        let d = run(vec![
            service("b", json!({"dependsOn": ["ci:c"]})),
            ci("c", json!({"runsOn": ["d"]})),
            ci("d", json!({"dependsOn": ["pg"], "members": ["c"]})),
            ci("pg", json!({})),
            service("x", json!({"dependsOn": ["service:b"]})),
        ]);
        assert_places(&d, Code::DependencyCycle, &["cis/c.yaml#/spec/runsOn/0"]);
        let found = &only(&d, Code::DependencyCycle)[0];
        assert_eq!(found.message, "dependency cycle: `ci:c` → `ci:d` → `ci:c`");
        assert_eq!(found.labels.len(), 1);
        assert_eq!(found.labels[0].location, value_at(&origin("cis/d.yaml", 0), "/spec/members/0"));
        assert_eq!(found.labels[0].message, "`ci:d` has member `ci:c` here");
    }

    #[test]
    fn cycles_through_services_and_components() {
        let d = run(vec![
            service("a", json!({"components": ["b"]})),
            ci("b", json!({"dependsOn": ["c"]})),
            ci("c", json!({"runsOn": ["b"]})),
        ]);
        assert_places(&d, Code::DependencyCycle, &["cis/b.yaml#/spec/dependsOn/0"]);
        let d = run(vec![
            service("a", json!({"dependsOn": ["ci:b"]})),
            ci("b", json!({})),
            service("z", json!({"dependsOn": ["service:z"]})),
        ]);
        assert_places(&d, Code::DependencyCycle, &["services/z.yaml#/spec/dependsOn/0"]);
        assert_eq!(only(&d, Code::DependencyCycle)[0].message, "dependency cycle: `service:z` → `service:z`");
    }

    #[test]
    fn acyclic_graphs_are_quiet() {
        let d = run(vec![
            service("a", json!({"dependsOn": ["ci:b", "service:c"], "components": ["b"]})),
            service("c", json!({"dependsOn": ["ci:b"]})),
            ci("b", json!({"runsOn": ["host"]})),
            ci("host", json!({})),
        ]);
        assert_places(&d, Code::DependencyCycle, &[]);
    }

    #[test]
    fn a_long_cycle_runs_on_a_small_stack() {
        let result = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let n = 50_000;
                let cis: Vec<Entity> = (0..n)
                    .map(|i| {
                        let next = format!("ci-{:05}", (i + 1) % n);
                        ci(&format!("ci-{i:05}"), json!({"dependsOn": [next]}))
                    })
                    .collect();
                run(cis)
            })
            .map(|handle| handle.join());
        let Ok(Ok(d)) = result else { panic!("the rules overflowed or panicked") };
        assert_places(&d, Code::DependencyCycle, &["cis/ci-00000.yaml#/spec/dependsOn/0"]);
        let found = &only(&d, Code::DependencyCycle)[0];
        assert!(found.message.contains("(49992 more)"), "{}", found.message);
        assert_eq!(found.labels.len(), MAX_LABELS);
    }

    #[test]
    fn team_parent_cycles_are_reported_once() {
        let d = run(vec![
            entity("Team", "b", "teams.yaml", 1, json!({"parent": "c"})),
            entity("Team", "c", "teams.yaml", 2, json!({"parent": "team:b"})),
            entity("Team", "d", "teams.yaml", 3, json!({"parent": "c"})),
            entity("Team", "e", "teams.yaml", 4, json!({"parent": "e"})),
        ]);
        let found = only(&d, Code::TeamParentCycle);
        assert_eq!(found.len(), 2);
        assert_eq!(place(&found[0]), "teams.yaml#/spec/parent");
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.contains(&"team parent cycle: `team:b` → `team:c` → `team:b`"), "{messages:?}");
        assert!(messages.contains(&"team parent cycle: `team:e` → `team:e`"), "{messages:?}");
        let b = found.iter().find(|d| d.message.contains("team:b")).map(|d| d.primary.clone());
        assert_eq!(b, Some(value_at(&origin("teams.yaml", 1), "/spec/parent")));
    }

    #[test]
    fn team_hierarchies_are_quiet() {
        let d = run(vec![
            entity("Team", "a", "teams.yaml", 1, json!({})),
            entity("Team", "b", "teams.yaml", 2, json!({"parent": "a"})),
            entity("Team", "c", "teams.yaml", 3, json!({"parent": "b"})),
        ]);
        assert_places(&d, Code::TeamParentCycle, &[]);
    }
}
