//! What every rule reads: the base and head entities by reference, the base teams' members, the
//! change requests in the diff and the impacted services.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::GateInput;
use crate::impact::ChangeKind;
use crate::model::{
    ChangeSpec, ChangeState, ChangeType, CiSpec, Entity, EntityRef, Kind, PolicySpec, ServiceSpec, Spec,
    TeamSpec, WindowSpec,
};
use crate::validate::rules::index::written_order;

/// One entity per (kind, name), the first written (as in validation and impact).
pub(super) struct Index<'a> {
    entities: BTreeMap<EntityRef, &'a Entity>,
}

impl<'a> Index<'a> {
    fn new(entities: &'a [&'a Entity]) -> Index<'a> {
        let mut map: BTreeMap<EntityRef, &'a Entity> = BTreeMap::new();
        for &entity in entities {
            map.entry(entity.reference())
                .and_modify(|kept| {
                    if written_order(&entity.origin, &kept.origin).is_lt() {
                        *kept = entity;
                    }
                })
                .or_insert(entity);
        }
        Index { entities: map }
    }

    pub fn get(&self, reference: &EntityRef) -> Option<&'a Entity> {
        self.entities.get(reference).copied()
    }

    pub fn service(&self, reference: &EntityRef) -> Option<&'a ServiceSpec> {
        match &self.get(reference)?.spec {
            Spec::Service(spec) => Some(spec),
            _ => None,
        }
    }

    pub fn ci(&self, reference: &EntityRef) -> Option<&'a CiSpec> {
        match &self.get(reference)?.spec {
            Spec::ConfigurationItem(spec) => Some(spec),
            _ => None,
        }
    }

    pub fn change(&self, reference: &EntityRef) -> Option<&'a ChangeSpec> {
        match &self.get(reference)?.spec {
            Spec::ChangeRequest(spec) => Some(spec),
            _ => None,
        }
    }

    pub fn window(&self, reference: &EntityRef) -> Option<&'a WindowSpec> {
        match &self.get(reference)?.spec {
            Spec::Window(spec) => Some(spec),
            _ => None,
        }
    }

    /// Every window, in reference order.
    pub fn windows(&self) -> impl Iterator<Item = (&EntityRef, &'a WindowSpec)> + '_ {
        self.entities.iter().filter_map(|(r, e)| match &e.spec {
            Spec::Window(spec) => Some((r, spec)),
            _ => None,
        })
    }

    fn teams(&self) -> impl Iterator<Item = (&EntityRef, &'a TeamSpec)> + '_ {
        self.entities.iter().filter_map(|(r, e)| match &e.spec {
            Spec::Team(spec) => Some((r, spec)),
            _ => None,
        })
    }
}

/// A change request added or modified by the diff, as written at head.
pub(super) struct Request<'a> {
    pub reference: EntityRef,
    pub spec: &'a ChangeSpec,
}

impl Request<'_> {
    pub fn is_emergency(&self) -> bool {
        self.spec.change_type == ChangeType::Emergency
    }
}

/// A team's members at the base: lower-cased login → login as written.
pub(super) type Members = BTreeMap<String, String>;

pub(super) struct Context<'a> {
    pub input: &'a GateInput<'a>,
    pub policy_ref: EntityRef,
    pub policy: &'a PolicySpec,
    pub base: Index<'a>,
    pub head: Index<'a>,
    /// Change requests in the diff that are not cancelled at head, by reference. This is the
    /// one place a request's state matters to the gate: every rule holds these to their type's
    /// rules whatever state they claim (a request added already `closed` still needs its window,
    /// coverage and approvals); a cancelled one authorises nothing, so it is left out.
    pub requests: Vec<Request<'a>>,
    /// Services changed or reached, sorted.
    pub services: Vec<EntityRef>,
    /// Services and CIs changed or reached, sorted.
    pub touched: Vec<EntityRef>,
    /// Per base team: its direct sub-teams.
    children: BTreeMap<EntityRef, Vec<EntityRef>>,
}

impl<'a> Context<'a> {
    pub fn new(input: &'a GateInput<'a>, policy_entity: &'a Entity, policy: &'a PolicySpec) -> Context<'a> {
        let base = Index::new(input.base);
        let head = Index::new(input.head);
        let mut requests = Vec::new();
        for change in &input.impact.changed {
            if change.reference.kind != Kind::ChangeRequest || change.change == ChangeKind::Removed {
                continue;
            }
            if let Some(spec) = head.change(&change.reference) {
                if spec.state != ChangeState::Cancelled {
                    requests.push(Request { reference: change.reference.clone(), spec });
                }
            }
        }
        requests.sort_by(|a, b| a.reference.cmp(&b.reference));

        let changed = input.impact.changed.iter().map(|c| &c.reference);
        let reached = input.impact.reached.iter().map(|r| &r.reference);
        let touched: BTreeSet<EntityRef> = changed
            .chain(reached)
            .filter(|r| matches!(r.kind, Kind::Service | Kind::ConfigurationItem))
            .cloned()
            .collect();
        let services = touched.iter().filter(|r| r.kind == Kind::Service).cloned().collect();

        let mut children: BTreeMap<EntityRef, Vec<EntityRef>> = BTreeMap::new();
        for (reference, team) in base.teams() {
            if let Some(parent) = &team.parent {
                children.entry(parent.target.clone()).or_default().push(reference.clone());
            }
        }
        Context {
            input,
            policy_ref: policy_entity.reference(),
            policy,
            base,
            head,
            requests,
            services,
            touched: touched.into_iter().collect(),
            children,
        }
    }

    /// The members of a team at the base, with the members of its sub-teams (as on GitHub, a
    /// member of a child team is a member of its parent). `None` when the team does not exist at
    /// the base.
    pub fn members(&self, team: &EntityRef) -> Option<Members> {
        self.base.get(team).filter(|e| e.kind() == Kind::Team)?;
        let mut out = Members::new();
        let mut seen: BTreeSet<&EntityRef> = BTreeSet::from([team]);
        let mut queue: VecDeque<&EntityRef> = VecDeque::from([team]);
        while let Some(next) = queue.pop_front() {
            if let Some(Spec::Team(spec)) = self.base.get(next).map(|e| &e.spec) {
                for member in &spec.members {
                    let login = member.login.trim();
                    if !login.is_empty() {
                        out.entry(login.to_lowercase()).or_insert_with(|| login.to_owned());
                    }
                }
            }
            for child in self.children.get(next).into_iter().flatten() {
                if seen.insert(child) {
                    queue.push_back(child);
                }
            }
        }
        Some(out)
    }

    /// A service as the gate reads it: at the base when it exists there, else at head.
    pub fn service(&self, reference: &EntityRef) -> Option<&'a ServiceSpec> {
        self.base.service(reference).or_else(|| self.head.service(reference))
    }

    /// A service's tier: the more critical of its base and head tiers.
    pub fn tier(&self, reference: &EntityRef) -> Option<u8> {
        let tiers = [self.base.service(reference), self.head.service(reference)];
        tiers.into_iter().flatten().map(|s| s.tier).min()
    }

    /// The author, lower-cased.
    pub fn author(&self) -> Option<String> {
        self.input.author.map(str::trim).filter(|a| !a.is_empty()).map(str::to_lowercase)
    }
}

/// `a, b and c`.
pub(super) fn and_list<T: std::fmt::Display>(items: &[T]) -> String {
    let texts: Vec<String> = items.iter().map(ToString::to_string).collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `1 approval`, `2 approvals`.
pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
