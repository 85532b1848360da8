//! What the policy says, read as the gate will read it: rules that can never pass
//! (`policy-approval-unsatisfiable`), never fire (`policy-unreachable-rule`), names the verdict
//! cannot tell apart (`policy-rule-name`), risk that falls through (`policy-no-fallback-risk`) and
//! class patterns that are not globs (`policy-invalid-pattern`). `cairn policy check` shows these
//! with the policy's other findings; the gate itself still fails closed on all of them.

use std::collections::{BTreeMap, BTreeSet};

use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entity, Kind, OwnersOf, PolicySpec, Spec};

/// Rule names the gate reports itself: an approval rule by one of these names would be
/// indistinguishable from it in the verdict.
const BUILT_IN: &[&str] = &[
    "policy",
    "readable",
    "valid",
    "coverage",
    "lifecycle",
    "standard-changes",
    "risk",
    "freeze",
    "change-windows",
    "policy-owners",
    "scorecards",
    "no-rule-applied",
];

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, policy) in of_kind!(cx.entities(), Policy) {
        risk_rules(entity, policy, out);
        rule_names(entity, policy, out);
        approvals(cx, entity, policy, out);
        patterns(entity, policy, out);
    }
}

fn risk_rules(entity: &Entity, policy: &PolicySpec, out: &mut Vec<Diagnostic>) {
    let catch_all = policy.risk.iter().position(|r| r.when.as_ref().is_none_or(|c| c.is_empty()));
    match catch_all {
        Some(first) => {
            for later in first + 1..policy.risk.len() {
                out.push(
                    Diagnostic::new(
                        Code::PolicyUnreachableRule,
                        format!(
                            "risk rule {} can never apply: rule {} above it has no condition and matches every change",
                            later + 1,
                            first + 1
                        ),
                        value_at(&entity.origin, format!("/spec/risk/{later}")),
                    )
                    .with_label(value_at(&entity.origin, format!("/spec/risk/{first}")), "matches every change")
                    .with_note("help: move the rule without `if` to the end of the list, or delete the rules after it"),
                );
            }
        }
        None if !policy.risk.is_empty() => out.push(
            Diagnostic::new(
                Code::PolicyNoFallbackRisk,
                "no risk rule matches every change: a change that matches none, and declares no risk, is rated very-high",
                value_at(&entity.origin, "/spec/risk"),
            )
            .with_note("help: end the list with a rule without `if`, e.g. `- {then: low}`"),
        ),
        None => {}
    }
}

fn rule_names(entity: &Entity, policy: &PolicySpec, out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, rule) in policy.approvals.iter().enumerate() {
        let at = value_at(&entity.origin, format!("/spec/approvals/{i}/name"));
        if BUILT_IN.contains(&rule.name.as_str()) {
            out.push(
                Diagnostic::new(
                    Code::PolicyRuleName,
                    format!("approval rule `{}` has the name of one of the gate's own rules", rule.name),
                    at,
                )
                .with_note(format!("the gate's own rules: {}", BUILT_IN.join(", ")))
                .with_note("help: rename the approval rule"),
            );
        } else if let Some(&earlier) = first.get(rule.name.as_str()) {
            out.push(
                Diagnostic::new(
                    Code::PolicyRuleName,
                    format!(
                        "a second approval rule named `{}`: the verdict could not tell them apart",
                        rule.name
                    ),
                    at,
                )
                .with_label(
                    value_at(&entity.origin, format!("/spec/approvals/{earlier}/name")),
                    "first named here",
                )
                .with_note("help: give each approval rule its own name"),
            );
        } else {
            first.insert(&rule.name, i);
        }
    }
}

fn approvals(cx: &Context, entity: &Entity, policy: &PolicySpec, out: &mut Vec<Diagnostic>) {
    for (i, rule) in policy.approvals.iter().enumerate() {
        let need = rule.require.count.max(1) as usize;
        let mut teams: Vec<(String, String)> = Vec::new(); // (team, why it is asked)
        if let Some(team) = &rule.require.team {
            teams.push((team.name().to_owned(), String::new()));
        }
        if rule.require.owners_of == Some(OwnersOf::Impacted) && need > 1 {
            for (service, spec) in of_kind!(cx.entities(), Service) {
                teams.push((spec.owner.name().to_owned(), format!(" (owner of service:{})", service.name())));
                for approver in &spec.approvers {
                    teams.push((
                        approver.name().to_owned(),
                        format!(" (approver of service:{})", service.name()),
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (team, why) in teams {
            if !seen.insert(team.clone()) {
                continue;
            }
            // A team that does not exist is `unresolved-reference`'s to report.
            let Some(members) = members(cx, &team) else { continue };
            if members < need {
                let pointer = format!("/spec/approvals/{i}/require");
                let mut d = Diagnostic::new(
                    Code::PolicyApprovalUnsatisfiable,
                    format!(
                        "approval rule `{}` needs {need} approval{} from team:{team}{why}, which has {members} member{} with sub-teams: it can never pass",
                        rule.name,
                        if need == 1 { "" } else { "s" },
                        if members == 1 { "" } else { "s" }
                    ),
                    value_at(&entity.origin, pointer),
                );
                if let Some(def) = cx.index.entity(Kind::Team, &team) {
                    d = d.with_label(value_at(&def.origin, "/spec"), "the team's members");
                }
                out.push(d.with_note("help: add members to the team, or lower `count`"));
            }
        }
    }
}

/// Distinct logins of `team` and its sub-teams (as the gate counts them); `None` when there is
/// no such team.
fn members(cx: &Context, team: &str) -> Option<usize> {
    cx.index.entity(Kind::Team, team)?;
    let mut logins = BTreeSet::new();
    for (entity, spec) in of_kind!(cx.entities(), Team) {
        if descends_from(cx, entity, team) {
            logins.extend(spec.members.iter().map(|m| m.login.to_lowercase()));
        }
    }
    Some(logins.len())
}

/// Whether `entity` is `team` or below it; parent cycles (reported elsewhere) end the climb.
fn descends_from(cx: &Context, entity: &Entity, team: &str) -> bool {
    let mut current = Some(entity);
    let mut steps = 0;
    while let Some(e) = current {
        if e.name().eq_ignore_ascii_case(team) {
            return true;
        }
        steps += 1;
        if steps > 64 {
            return false;
        }
        current = match &e.spec {
            Spec::Team(spec) => spec.parent.as_ref().and_then(|p| cx.index.entity(Kind::Team, p.name())),
            _ => None,
        };
    }
    false
}

fn patterns(entity: &Entity, policy: &PolicySpec, out: &mut Vec<Diagnostic>) {
    for (i, standard) in policy.standard_changes.iter().enumerate() {
        for (j, pattern) in standard.allow.classes.iter().enumerate() {
            if let Err(e) = globset::GlobBuilder::new(pattern).literal_separator(true).build() {
                out.push(
                    Diagnostic::new(
                        Code::PolicyInvalidPattern,
                        format!("`{pattern}` is not a class pattern: {}", e.kind()),
                        value_at(&entity.origin, format!("/spec/standardChanges/{i}/allow/classes/{j}")),
                    )
                    .with_note(
                        "help: classes are globs over `/`-separated names: `k8s/*`, `server/linux/**`",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::rules::testutil::*;

    fn team_of(name: &str, logins: &[&str], parent: Option<&str>) -> Entity {
        let members: Vec<_> = logins.iter().map(|l| json!({"login": l})).collect();
        let mut spec = json!({"members": members});
        if let Some(parent) = parent {
            spec["parent"] = json!(parent);
        }
        entity("Team", name, &format!("teams/{name}.yaml"), 0, spec)
    }

    #[test]
    fn risk_rules_after_a_catch_all_never_apply() {
        let p = policy(
            "policy.yaml",
            json!({"risk": [{"then": "low"}, {"if": {"type": "emergency"}, "then": "high"}]}),
        );
        let d = run(vec![p]);
        assert_places(&d, Code::PolicyUnreachableRule, &["policy.yaml#/spec/risk/1"]);
        assert_places(&d, Code::PolicyNoFallbackRisk, &[]);
    }

    #[test]
    fn risk_without_a_catch_all_falls_through() {
        let p = policy("policy.yaml", json!({"risk": [{"if": {"type": "emergency"}, "then": "high"}]}));
        assert_places(&run(vec![p]), Code::PolicyNoFallbackRisk, &["policy.yaml#/spec/risk"]);
        assert_eq!(codes(&run(vec![policy("policy.yaml", json!({}))])), []);
    }

    #[test]
    fn rule_names_are_unique_and_not_the_gates_own() {
        let rule = |name: &str| json!({"name": name, "require": {"ownersOf": "impacted"}});
        let p = policy("policy.yaml", json!({"approvals": [rule("a"), rule("freeze"), rule("a")]}));
        let d = run(vec![p]);
        assert_places(
            &d,
            Code::PolicyRuleName,
            &["policy.yaml#/spec/approvals/1/name", "policy.yaml#/spec/approvals/2/name"],
        );
    }

    #[test]
    fn a_team_too_small_for_its_count_can_never_approve() {
        let cab = team_of("cab", &["a", "B"], None);
        let sub = team_of("cab-deputies", &["b", "c"], Some("cab"));
        let rule = |count: u32| json!({"name": "cab", "require": {"team": "cab", "count": count}});
        let d = run(vec![cab.clone(), sub.clone(), policy("policy.yaml", json!({"approvals": [rule(3)]}))]);
        assert_eq!(codes(&d), [], "a, b and c: three members with the sub-team");
        let d = run(vec![cab, sub, policy("policy.yaml", json!({"approvals": [rule(4)]}))]);
        assert_places(&d, Code::PolicyApprovalUnsatisfiable, &["policy.yaml#/spec/approvals/0/require"]);
        assert!(only(&d, Code::PolicyApprovalUnsatisfiable)[0].message.contains("has 3 members"));
    }

    #[test]
    fn owners_of_impacted_services_need_enough_members_in_each_team() {
        let rule = json!({"name": "owners", "require": {"ownersOf": "impacted", "count": 2}});
        let small = team_of("small", &["x"], None);
        let d = run(vec![
            small,
            service("web", json!({"owner": "small"})),
            policy("policy.yaml", json!({"approvals": [rule]})),
        ]);
        let found = only(&d, Code::PolicyApprovalUnsatisfiable);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found.iter().any(|d| d.message.contains("team:small (owner of service:web)")));
    }

    #[test]
    fn class_patterns_must_be_globs() {
        let p = policy(
            "policy.yaml",
            json!({"standardChanges": [{"name": "s", "allow": {"classes": ["k8s/*", "k8s/[a"]}}]}),
        );
        assert_places(
            &run(vec![p]),
            Code::PolicyInvalidPattern,
            &["policy.yaml#/spec/standardChanges/0/allow/classes/1"],
        );
    }
}
