//! Change requests: `change-window-missing`, `change-closure-missing` and `change-template`.

use super::index::closest;
use super::{key_at, of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{ChangeState, ChangeType, Entity, Kind, PolicySpec, Spec};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = the_policy(cx);
    for (entity, spec) in of_kind!(cx.entities(), ChangeRequest) {
        let finished = matches!(spec.state, ChangeState::Closed | ChangeState::Cancelled);
        let type_name = match spec.change_type {
            ChangeType::Standard => "standard",
            ChangeType::Normal => "normal",
            ChangeType::Emergency => "emergency",
        };

        if spec.window.is_none() && spec.change_type != ChangeType::Emergency && !finished {
            out.push(
                Diagnostic::new(
                    Code::ChangeWindowMissing,
                    format!("{type_name} change `{}` has no `window`: when will it be made?", entity.reference()),
                    value_at(&entity.origin, "/spec/type"),
                )
                .with_note("help: add `window: {start: …, end: …}` (RFC 3339 with an offset); only emergency changes may leave it out"),
            );
        }

        if spec.state == ChangeState::Closed && spec.closure.is_none() {
            out.push(
                Diagnostic::new(
                    Code::ChangeClosureMissing,
                    format!(
                        "change `{}` is closed but has no `closure`: how did it end?",
                        entity.reference()
                    ),
                    value_at(&entity.origin, "/spec/state"),
                )
                .with_note(
                    "help: add `closure: {code: successful|successful-with-issues|unsuccessful, notes: …}`",
                ),
            );
        }

        match (spec.change_type, &spec.template) {
            (ChangeType::Standard, None) => out.push(
                Diagnostic::new(
                    Code::ChangeTemplate,
                    format!("standard change `{}` names no `template`", entity.reference()),
                    value_at(&entity.origin, "/spec/type"),
                )
                .with_note(template_help(policy)),
            ),
            (ChangeType::Standard, Some(template)) if !finished => {
                if let Some((policy_entity, policy_spec)) = policy {
                    known_template(entity, template, policy_entity, policy_spec, out);
                }
            }
            (ChangeType::Standard, Some(_)) => {}
            (_, Some(template)) => out.push(
                Diagnostic::new(
                    Code::ChangeTemplate,
                    format!(
                        "{type_name} change `{}` names template `{template}`, which only standard changes use: it is ignored",
                        entity.reference()
                    ),
                    key_at(&entity.origin, "/spec/template"),
                )
                .with_note("help: remove `template`, or make the change `type: standard` if it follows that model"),
            ),
            (_, None) => {}
        }
    }
}

/// The policy, when there is exactly one and it passed the schema.
fn the_policy<'a>(cx: &Context<'a, '_>) -> Option<(&'a Entity, &'a PolicySpec)> {
    let mut policies = cx.index.of_kind(Kind::Policy);
    let only = policies.next()?;
    if policies.next().is_some() {
        return None;
    }
    let entity = only.entity()?;
    match &entity.spec {
        Spec::Policy(spec) => Some((entity, spec)),
        _ => None,
    }
}

fn template_names(spec: &PolicySpec) -> String {
    let names: Vec<String> = spec.standard_changes.iter().map(|s| format!("`{}`", s.name)).collect();
    names.join(", ")
}

fn template_help(policy: Option<(&Entity, &PolicySpec)>) -> String {
    match policy {
        Some((_, spec)) if !spec.standard_changes.is_empty() => {
            format!("help: set `template` to one of the policy's standard changes: {}", template_names(spec))
        }
        _ => "help: set `template` to a standard change of the policy, or make the change `type: normal`"
            .to_owned(),
    }
}

fn known_template(
    entity: &Entity,
    template: &str,
    policy_entity: &Entity,
    policy: &PolicySpec,
    out: &mut Vec<Diagnostic>,
) {
    if policy.standard_changes.iter().any(|s| s.name == template) {
        return;
    }
    let names = || policy.standard_changes.iter().map(|s| s.name.as_str());
    let suggestion =
        names().find(|name| name.eq_ignore_ascii_case(template)).or_else(|| closest(template, names()));
    let (label_at, label) = if policy.standard_changes.is_empty() {
        (value_at(&policy_entity.origin, "/metadata/name"), "the policy defines no standard changes")
    } else {
        (key_at(&policy_entity.origin, "/spec/standardChanges"), "the policy's standard changes")
    };
    let mut d = Diagnostic::new(
        Code::ChangeTemplate,
        format!(
            "standard change `{}` names template `{template}`, which is not a standard change of the policy",
            entity.reference()
        ),
        value_at(&entity.origin, "/spec/template"),
    )
    .with_label(label_at, label);
    d = match suggestion {
        Some(name) => d.with_note(format!("help: did you mean `{name}`?")),
        None if policy.standard_changes.is_empty() => d.with_note(
            "help: add the model under the policy's `standardChanges`, or make the change `type: normal`",
        ),
        None => d.with_note(format!("help: the policy's standard changes are {}", template_names(policy))),
    };
    out.push(d);
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::validate::rules::testutil::*;

    fn change(spec: Value) -> Entity {
        let mut full = json!({"requestedBy": "ann", "targets": ["service:checkout"]});
        if let (Some(full), Value::Object(spec)) = (full.as_object_mut(), spec) {
            full.extend(spec);
        }
        entity("ChangeRequest", "chg-1", "changes/chg-1.yaml", 0, full)
    }

    fn with_policy(spec: Value) -> Vec<crate::diag::Diagnostic> {
        run(vec![
            service("checkout", json!({})),
            change(spec),
            policy(
                "policy.yaml",
                json!({"standardChanges": [{"name": "scale-replicas", "allow": {"kinds": ["ConfigurationItem"]}}]}),
            ),
        ])
    }

    fn window() -> Value {
        json!({"start": "2026-04-01T02:00:00Z", "end": "2026-04-01T03:00:00Z"})
    }

    #[test]
    fn standard_and_normal_changes_need_a_window() {
        for kind in ["normal", "standard"] {
            let d = with_policy(json!({"type": kind, "template": "scale-replicas"}));
            assert_places(&d, Code::ChangeWindowMissing, &["changes/chg-1.yaml#/spec/type"]);
        }
        for spec in [
            json!({"type": "emergency"}),
            json!({"type": "normal", "window": window()}),
            json!({"type": "normal", "state": "cancelled"}),
            json!({"type": "normal", "state": "closed", "closure": {"code": "successful"}}),
        ] {
            let d = with_policy(spec);
            assert_eq!(codes(&d), []);
        }
    }

    #[test]
    fn closed_changes_need_a_closure() {
        let d = with_policy(json!({"type": "emergency", "state": "closed"}));
        assert_places(&d, Code::ChangeClosureMissing, &["changes/chg-1.yaml#/spec/state"]);
        let d = with_policy(json!({"type": "emergency", "state": "review"}));
        assert_places(&d, Code::ChangeClosureMissing, &[]);
    }

    #[test]
    fn standard_changes_name_a_template_of_the_policy() {
        let d = with_policy(json!({"type": "standard", "window": window()}));
        assert_places(&d, Code::ChangeTemplate, &["changes/chg-1.yaml#/spec/type"]);
        let d = with_policy(json!({"type": "standard", "window": window(), "template": "scale-replica"}));
        assert_places(&d, Code::ChangeTemplate, &["changes/chg-1.yaml#/spec/template"]);
        let found = &only(&d, Code::ChangeTemplate)[0];
        assert_eq!(found.notes, ["help: did you mean `scale-replicas`?"]);
        assert_eq!(found.labels[0].location, key_at(&origin("policy.yaml", 0), "/spec/standardChanges"));
        let d = with_policy(json!({"type": "normal", "window": window(), "template": "scale-replicas"}));
        assert_places(&d, Code::ChangeTemplate, &["changes/chg-1.yaml#/spec/template!key"]);
    }

    #[test]
    fn known_templates_and_finished_changes_are_quiet() {
        let d = with_policy(json!({"type": "standard", "window": window(), "template": "scale-replicas"}));
        assert_eq!(codes(&d), []);
        let d = with_policy(json!({"type": "standard", "state": "cancelled", "template": "retired-model"}));
        assert_eq!(codes(&d), []);
        // With two policies, which one counts is unknown: the template is not checked.
        let d = run(vec![
            service("checkout", json!({})),
            change(json!({"type": "standard", "window": window(), "template": "anything"})),
            policy("a.yaml", json!({})),
            policy("b.yaml", json!({})),
        ]);
        assert_places(&d, Code::ChangeTemplate, &[]);
    }
}
