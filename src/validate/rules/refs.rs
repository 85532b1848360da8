//! Every reference an entity makes, with the JSON pointer where it is written; and the
//! `unresolved-reference` rule over them.

use super::{value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entity, EntityRef, Kind, Ref, Spec, Targets};

/// One reference written in an entity's document.
#[derive(Debug, Clone, PartialEq)]
pub struct RefSite<'a> {
    /// JSON pointer of the reference in the document, e.g. `/spec/dependsOn/2`.
    pub pointer: String,
    pub target: &'a EntityRef,
    /// The kinds the field admits.
    pub kinds: &'static [Kind],
    /// How the entity relates to the target.
    pub relation: Relation,
}

/// What a reference means: dependencies (the edges cycles and impact follow) and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// `dependsOn` of a service or a CI.
    DependsOn,
    /// `components` of a service.
    Component,
    /// `runsOn` of a CI.
    RunsOn,
    /// `members` of a CI (a cluster or pool).
    Member,
    /// Anything else: owners, approvers, SLAs, related changes…
    Other,
}

impl Relation {
    /// Whether the entity depends on the target (an edge of the dependency graph).
    pub fn is_dependency(self) -> bool {
        !matches!(self, Relation::Other)
    }

    /// Words for "A <verb> B".
    pub fn verb(self) -> &'static str {
        match self {
            Relation::DependsOn => "depends on",
            Relation::Component => "has component",
            Relation::RunsOn => "runs on",
            Relation::Member => "has member",
            Relation::Other => "refers to",
        }
    }
}

struct Sites<'a> {
    out: Vec<RefSite<'a>>,
}

impl<'a> Sites<'a> {
    fn one<T: Targets>(&mut self, pointer: &str, r: &'a Ref<T>, relation: Relation) {
        self.out.push(RefSite { pointer: pointer.to_owned(), target: &r.target, kinds: T::KINDS, relation });
    }

    fn opt<T: Targets>(&mut self, pointer: &str, r: &'a Option<Ref<T>>) {
        if let Some(r) = r {
            self.one(pointer, r, Relation::Other);
        }
    }

    fn list<T: Targets>(&mut self, pointer: &str, refs: &'a [Ref<T>], relation: Relation) {
        for (i, r) in refs.iter().enumerate() {
            self.out.push(RefSite {
                pointer: format!("{pointer}/{i}"),
                target: &r.target,
                kinds: T::KINDS,
                relation,
            });
        }
    }
}

/// Every reference `entity` makes, in document order.
pub fn references(entity: &Entity) -> Vec<RefSite<'_>> {
    let mut s = Sites { out: Vec::new() };
    match &entity.spec {
        Spec::Team(t) => s.opt("/spec/parent", &t.parent),
        Spec::Service(v) => {
            s.one("/spec/owner", &v.owner, Relation::Other);
            s.list("/spec/dependsOn", &v.depends_on, Relation::DependsOn);
            s.list("/spec/components", &v.components, Relation::Component);
            s.list("/spec/approvers", &v.approvers, Relation::Other);
            s.list("/spec/maintenanceWindows", &v.maintenance_windows, Relation::Other);
        }
        Spec::ConfigurationItem(c) => {
            s.one("/spec/owner", &c.owner, Relation::Other);
            s.list("/spec/dependsOn", &c.depends_on, Relation::DependsOn);
            s.list("/spec/runsOn", &c.runs_on, Relation::RunsOn);
            s.list("/spec/members", &c.members, Relation::Member);
        }
        Spec::CatalogItem(c) => {
            s.one("/spec/service", &c.service, Relation::Other);
            s.opt("/spec/owner", &c.owner);
            if let Some(approval) = &c.approval {
                s.list("/spec/approval/approvers", &approval.approvers, Relation::Other);
            }
            s.opt("/spec/sla", &c.sla);
            s.list("/spec/audience", &c.audience, Relation::Other);
        }
        Spec::Sla(v) => {
            s.one("/spec/service", &v.service, Relation::Other);
            s.opt("/spec/provider", &v.provider);
        }
        Spec::ChangeRequest(c) => {
            s.list("/spec/targets", &c.targets, Relation::Other);
            if let Some(related) = &c.related {
                s.list("/spec/related/changes", &related.changes, Relation::Other);
            }
        }
        Spec::KnowledgeArticle(a) => {
            s.one("/spec/owner", &a.spec.owner, Relation::Other);
            s.list("/spec/services", &a.spec.services, Relation::Other);
            s.list("/spec/cis", &a.spec.cis, Relation::Other);
            s.list("/spec/catalogItems", &a.spec.catalog_items, Relation::Other);
        }
        Spec::Window(w) => {
            if let Some(scope) = &w.scope {
                s.list("/spec/scope/services", &scope.services, Relation::Other);
            }
        }
        Spec::Policy(p) => {
            s.list("/spec/owners", &p.owners, Relation::Other);
            for (i, rule) in p.approvals.iter().enumerate() {
                s.opt(&format!("/spec/approvals/{i}/require/team"), &rule.require.team);
            }
        }
        Spec::Scorecard(_) => {}
    }
    s.out
}

/// The dependency edges of `entity` (services and CIs only): what it depends on, and how.
pub fn dependencies(entity: &Entity) -> Vec<RefSite<'_>> {
    match entity.spec {
        Spec::Service(_) | Spec::ConfigurationItem(_) => {
            references(entity).into_iter().filter(|site| site.relation.is_dependency()).collect()
        }
        _ => Vec::new(),
    }
}

/// `unresolved-reference`: every reference names an existing document of its kind.
pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for entity in cx.entities() {
        for site in references(entity) {
            if cx.index.contains(site.target) {
                continue;
            }
            let target = site.target;
            let mut d = Diagnostic::new(
                Code::UnresolvedReference,
                format!(
                    "reference `{target}` in `{}` does not resolve: no {} is named `{}`",
                    entity.reference(),
                    target.kind.name(),
                    target.name
                ),
                value_at(&entity.origin, site.pointer.as_str()),
            );
            let other_kind = site.kinds.iter().copied().filter(|k| *k != target.kind).find_map(|kind| {
                cx.index.resolve(&EntityRef::new(kind, target.name.as_str())).map(|e| (kind, e))
            });
            if let Some((kind, _)) = other_kind {
                d = d.with_note(format!(
                    "help: a {} is named `{}`: did you mean `{}:{}`?",
                    kind.name(),
                    target.name,
                    kind.short(),
                    target.name
                ));
            } else if let Some(name) = cx.index.similar(target.kind, &target.name) {
                d = d.with_note(format!("help: did you mean `{}:{name}`?", target.kind.short()));
            } else {
                d = d.with_note(format!(
                    "help: create the {} `{}`, or correct the reference",
                    target.kind.name(),
                    target.name
                ));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Origin;
    use crate::validate::rules::testutil::*;

    #[test]
    fn unresolved_reference_points_at_the_reference_and_suggests_a_name() {
        let d = run(vec![
            ci("pg-main", json!({})),
            service("checkout", json!({"dependsOn": ["ci:pg-main", "ci:pg-mian"]})),
        ]);
        assert_places(&d, Code::UnresolvedReference, &["services/checkout.yaml#/spec/dependsOn/1"]);
        let found = &only(&d, Code::UnresolvedReference)[0];
        assert_eq!(
            found.message,
            "reference `ci:pg-mian` in `service:checkout` does not resolve: no ConfigurationItem is named `pg-mian`"
        );
        assert_eq!(found.notes, ["help: did you mean `ci:pg-main`?"]);
    }

    #[test]
    fn a_name_of_the_other_admissible_kind_is_suggested() {
        let d = run(vec![
            service("payments", json!({})),
            service("checkout", json!({"dependsOn": ["ci:payments"]})),
        ]);
        let found = only(&d, Code::UnresolvedReference);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].notes, ["help: a Service is named `payments`: did you mean `service:payments`?"]);
    }

    #[test]
    fn every_reference_field_is_checked() {
        let d = run(vec![
            entity("Team", "ops", "teams.yaml", 0, json!({"parent": "nope"})),
            service(
                "checkout",
                json!({"owner": "nope", "dependsOn": ["service:nope"], "components": ["nope"],
                       "approvers": ["nope"], "maintenanceWindows": ["nope"]}),
            ),
            ci(
                "pg",
                json!({"owner": "nope", "dependsOn": ["nope"], "runsOn": ["nope"], "members": ["nope"]}),
            ),
            entity(
                "CatalogItem",
                "access",
                "catalog.yaml",
                0,
                json!({"service": "nope", "category": "Access", "owner": "nope",
                       "approval": {"required": true, "approvers": ["nope"]}, "sla": "nope", "audience": ["nope"]}),
            ),
            entity(
                "SLA",
                "gold",
                "sla.yaml",
                0,
                json!({"service": "nope", "provider": "nope", "objectives": [{"metric": "availability", "target": 99.9}]}),
            ),
            entity(
                "ChangeRequest",
                "chg-1",
                "chg.yaml",
                0,
                json!({"type": "emergency", "requestedBy": "ann", "targets": ["ci:nope"],
                       "related": {"changes": ["nope"]}}),
            ),
            entity(
                "KnowledgeArticle",
                "howto",
                "kb/howto.md",
                0,
                json!({"owner": "nope", "services": ["nope"], "cis": ["nope"], "catalogItems": ["nope"]}),
            ),
            entity(
                "Window",
                "sat",
                "windows.yaml",
                0,
                json!({"type": "freeze", "start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z",
                       "scope": {"services": ["nope"]}}),
            ),
            policy(
                "policy.yaml",
                json!({"owners": ["nope"], "approvals": [{"name": "cab", "require": {"ownersOf": "impacted"}},
                                                          {"name": "x", "require": {"team": "nope"}}]}),
            ),
        ]);
        assert_places(
            &d,
            Code::UnresolvedReference,
            &[
                "catalog.yaml#/spec/service",
                "catalog.yaml#/spec/owner",
                "catalog.yaml#/spec/approval/approvers/0",
                "catalog.yaml#/spec/sla",
                "catalog.yaml#/spec/audience/0",
                "chg.yaml#/spec/targets/0",
                "chg.yaml#/spec/related/changes/0",
                "cis/pg.yaml#/spec/owner",
                "cis/pg.yaml#/spec/dependsOn/0",
                "cis/pg.yaml#/spec/runsOn/0",
                "cis/pg.yaml#/spec/members/0",
                "kb/howto.md#/spec/owner",
                "kb/howto.md#/spec/services/0",
                "kb/howto.md#/spec/cis/0",
                "kb/howto.md#/spec/catalogItems/0",
                "policy.yaml#/spec/owners/0",
                "policy.yaml#/spec/approvals/1/require/team",
                "services/checkout.yaml#/spec/owner",
                "services/checkout.yaml#/spec/dependsOn/0",
                "services/checkout.yaml#/spec/components/0",
                "services/checkout.yaml#/spec/approvers/0",
                "services/checkout.yaml#/spec/maintenanceWindows/0",
                "sla.yaml#/spec/service",
                "sla.yaml#/spec/provider",
                "teams.yaml#/spec/parent",
                "windows.yaml#/spec/scope/services/0",
            ],
        );
    }

    #[test]
    fn references_to_broken_documents_and_other_cases_resolve() {
        let broken = vec![(EntityRef::new(Kind::ConfigurationItem, "pg-main"), Origin::default())];
        let d = run_with(
            vec![
                service("api", json!({})),
                service("checkout", json!({"dependsOn": ["ci:pg-main", "service:api"]})),
            ],
            &broken,
            &Default::default(),
        );
        assert_places(&d, Code::UnresolvedReference, &[]);
    }
}
