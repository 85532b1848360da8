//! Consistency of the CMDB: `redundancy-exceeds-members` and `live-depends-on-retired`.

use std::collections::BTreeSet;

use super::refs::{dependencies, Relation};
use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{CiStatus, Lifecycle, Spec};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    redundancy(cx, out);
    live_on_retired(cx, out);
}

/// A cluster cannot need more members up than it has.
fn redundancy(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, spec) in of_kind!(cx.entities(), ConfigurationItem) {
        let Some(redundancy) = spec.redundancy else { continue };
        let distinct: BTreeSet<String> = spec.members.iter().map(|m| m.name().to_lowercase()).collect();
        let count = distinct.len();
        if usize::try_from(redundancy.min_up).is_ok_and(|min_up| min_up <= count) {
            continue;
        }
        let has = if count == 0 { "no members".to_owned() } else { format!("only {}", members(count)) };
        let mut d = Diagnostic::new(
            Code::RedundancyExceedsMembers,
            format!(
                "`{}` needs {} up (`redundancy.minUp`) but has {has}",
                entity.reference(),
                members(usize::try_from(redundancy.min_up).unwrap_or(usize::MAX))
            ),
            value_at(&entity.origin, "/spec/redundancy/minUp"),
        );
        if count > 0 {
            d = d.with_label(
                value_at(&entity.origin, "/spec/members"),
                format!("{} listed here", members(count)),
            );
        }
        out.push(d.with_note(format!(
            "help: list the cluster's members under `members`, or lower `minUp` to at most {count}"
        )));
    }
}

fn members(n: usize) -> String {
    if n == 1 {
        "1 member".to_owned()
    } else {
        format!("{n} members")
    }
}

/// A live service must not depend on (or be made of) something retired.
fn live_on_retired(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, spec) in of_kind!(cx.entities(), Service) {
        if spec.lifecycle != Lifecycle::Live {
            continue;
        }
        for site in dependencies(entity) {
            let Some(target) = cx.index.entity(site.target.kind, &site.target.name) else { continue };
            let (retired, field, noun) = match &target.spec {
                Spec::Service(s) => (s.lifecycle == Lifecycle::Retired, "lifecycle", "service"),
                Spec::ConfigurationItem(c) => (c.status == CiStatus::Retired, "status", "CI"),
                _ => (false, "", ""),
            };
            if !retired {
                continue;
            }
            let how = match site.relation {
                Relation::Component => "has the retired component".to_owned(),
                _ => format!("depends on the retired {noun}"),
            };
            out.push(
                Diagnostic::new(
                    Code::LiveDependsOnRetired,
                    format!("live service `{}` {how} `{}`", entity.reference(), target.reference()),
                    value_at(&entity.origin, site.pointer.as_str()),
                )
                .with_label(value_at(&target.origin, format!("/spec/{field}")), "retired here")
                .with_note(format!(
                    "help: point the service at what replaced `{}`, or change the lifecycle of `{}` too",
                    target.reference(),
                    entity.reference()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::rules::testutil::*;

    #[test]
    fn min_up_above_the_member_count() {
        let d = run(vec![
            ci("n1", json!({})),
            ci("n2", json!({})),
            ci("pool", json!({"members": ["n1", "n2", "ci:n2"], "redundancy": {"minUp": 3}})),
            ci("empty", json!({"redundancy": {"minUp": 1}})),
        ]);
        assert_places(
            &d,
            Code::RedundancyExceedsMembers,
            &["cis/empty.yaml#/spec/redundancy/minUp", "cis/pool.yaml#/spec/redundancy/minUp"],
        );
        let messages: Vec<String> =
            only(&d, Code::RedundancyExceedsMembers).into_iter().map(|d| d.message).collect();
        assert_eq!(
            messages,
            [
                "`ci:empty` needs 1 member up (`redundancy.minUp`) but has no members",
                "`ci:pool` needs 3 members up (`redundancy.minUp`) but has only 2 members",
            ]
        );
    }

    #[test]
    fn min_up_within_the_member_count_is_fine() {
        let d = run(vec![
            ci("n1", json!({})),
            ci("n2", json!({})),
            ci("pool", json!({"members": ["n1", "n2"], "redundancy": {"minUp": 2}})),
        ]);
        assert_places(&d, Code::RedundancyExceedsMembers, &[]);
    }

    #[test]
    fn live_service_on_retired_things() {
        let d = run(vec![
            ci("old-db", json!({"status": "retired"})),
            service("legacy", json!({"lifecycle": "retired"})),
            service(
                "checkout",
                json!({"dependsOn": ["service:legacy", "ci:old-db"], "components": ["old-db"]}),
            ),
        ]);
        assert_places(
            &d,
            Code::LiveDependsOnRetired,
            &[
                "services/checkout.yaml#/spec/components/0",
                "services/checkout.yaml#/spec/dependsOn/0",
                "services/checkout.yaml#/spec/dependsOn/1",
            ],
        );
        let found = only(&d, Code::LiveDependsOnRetired);
        let legacy = found.iter().find(|d| d.message.contains("legacy"));
        assert_eq!(
            legacy.map(|d| d.message.as_str()),
            Some("live service `service:checkout` depends on the retired service `service:legacy`")
        );
        assert_eq!(
            legacy.map(|d| d.labels[0].location.clone()),
            Some(value_at(&origin("services/legacy.yaml", 0), "/spec/lifecycle"))
        );
    }

    #[test]
    fn retired_or_deprecated_services_may_depend_on_retired_things() {
        let d = run(vec![
            ci("old-db", json!({"status": "retired"})),
            ci("db", json!({"status": "maintenance"})),
            service("legacy", json!({"lifecycle": "deprecated", "dependsOn": ["ci:old-db"]})),
            service("gone", json!({"lifecycle": "retired", "dependsOn": ["ci:old-db"]})),
            service("checkout", json!({"dependsOn": ["service:legacy", "ci:db"]})),
        ]);
        assert_places(&d, Code::LiveDependsOnRetired, &[]);
    }
}
