//! Scorecards whose checks cannot be evaluated as written: a check that sets no kind of check or
//! several (`scorecard-invalid-check`), a field path from neither `metadata` nor `spec`
//! (`scorecard-invalid-path`), a `matches` pattern that is not a regular expression
//! (`scorecard-invalid-pattern`), a `related` kind that is no kind (`scorecard-unknown-kind`),
//! level or check names the report could not tell apart (`scorecard-duplicate-name`), and
//! `atLeast`/`atMost` on a value that is not a number in an entity the scorecard grades
//! (`scorecard-not-a-number`). Such a check fails for every entity; `cairn score` says why.

use std::collections::BTreeMap;

use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{compile_pattern, document_of, Entity, Kind, ScorecardSpec, NO_LEVEL as NONE};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, spec) in of_kind!(cx.entities(), Scorecard) {
        names(entity, spec, out);
        shapes(entity, spec, out);
        fields(entity, spec, out);
        numbers(cx, entity, spec, out);
    }
}

fn names(entity: &Entity, spec: &ScorecardSpec, out: &mut Vec<Diagnostic>) {
    let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
    let mut checks: BTreeMap<&str, String> = BTreeMap::new();
    for (l, level) in spec.levels.iter().enumerate() {
        let at = format!("/spec/levels/{l}/name");
        if level.name == NONE {
            out.push(
                Diagnostic::new(
                    Code::ScorecardDuplicateName,
                    format!("a level may not be called `{NONE}`: that is the name of having no level"),
                    value_at(&entity.origin, at.as_str()),
                )
                .with_note("help: rename the level"),
            );
        } else if let Some(first) = levels.get(level.name.as_str()) {
            out.push(
                Diagnostic::new(
                    Code::ScorecardDuplicateName,
                    format!("a second level named `{}`", level.name),
                    value_at(&entity.origin, at.as_str()),
                )
                .with_label(
                    value_at(&entity.origin, format!("/spec/levels/{first}/name")),
                    "first named here",
                )
                .with_note("help: give each level its own name"),
            );
        } else {
            levels.insert(&level.name, l);
        }
        for (c, check) in level.checks.iter().enumerate() {
            let at = format!("/spec/levels/{l}/checks/{c}/name");
            match checks.get(check.name.as_str()) {
                Some(first) => out.push(
                    Diagnostic::new(
                        Code::ScorecardDuplicateName,
                        format!(
                            "a second check named `{}`: what an entity lacks would not say which one",
                            check.name
                        ),
                        value_at(&entity.origin, at.as_str()),
                    )
                    .with_label(value_at(&entity.origin, first.as_str()), "first named here")
                    .with_note("help: give each check of the scorecard its own name"),
                ),
                None => {
                    checks.insert(&check.name, at);
                }
            }
        }
    }
}

fn shapes(entity: &Entity, spec: &ScorecardSpec, out: &mut Vec<Diagnostic>) {
    for (l, level) in spec.levels.iter().enumerate() {
        for (c, check) in level.checks.iter().enumerate() {
            let at = format!("/spec/levels/{l}/checks/{c}");
            match check.kind() {
                Err(set) => {
                    let message = if set.is_empty() {
                        format!("check `{}` sets none of field, related, link, contact and owner", check.name)
                    } else {
                        format!(
                            "check `{}` sets {}: a check is exactly one of them",
                            check.name,
                            set.join(" and ")
                        )
                    };
                    out.push(
                        Diagnostic::new(
                            Code::ScorecardInvalidCheck,
                            message,
                            value_at(&entity.origin, at.as_str()),
                        )
                        .with_note("help: split it into one check per condition, each with its own name"),
                    );
                }
                Ok(_) => {
                    let Some(related) = &check.related else { continue };
                    if related.target_kind().is_none() {
                        let mut d = Diagnostic::new(
                            Code::ScorecardUnknownKind,
                            format!("`{}` is not a kind", related.kind),
                            value_at(&entity.origin, format!("{at}/related/kind")),
                        );
                        let names = Kind::ALL.iter().flat_map(|k| [k.short(), k.name()]);
                        d = match super::index::closest(&related.kind, names) {
                            Some(near) => d.with_note(format!("help: did you mean `{near}`?")),
                            None => d.with_note(
                                "help: name a kind, short (`sla`, `kb`, `service`) or long (`SLA`, `KnowledgeArticle`)",
                            ),
                        };
                        out.push(d);
                    }
                }
            }
        }
    }
}

fn fields(entity: &Entity, spec: &ScorecardSpec, out: &mut Vec<Diagnostic>) {
    for (at, field) in spec.fields() {
        if let Some(problem) = field.path_problem() {
            out.push(
                Diagnostic::new(
                    Code::ScorecardInvalidPath,
                    problem,
                    value_at(&entity.origin, format!("{at}/path")),
                )
                .with_note(
                    "help: write a dotted path from the document's top, e.g. `spec.tier` or `metadata.title`",
                ),
            );
        }
        if let Some(pattern) = &field.matches {
            if let Err(why) = compile_pattern(pattern) {
                out.push(
                    Diagnostic::new(
                        Code::ScorecardInvalidPattern,
                        format!("`{pattern}` is not a regular expression: {why}"),
                        value_at(&entity.origin, format!("{at}/matches")),
                    )
                    .with_note("help: the syntax is the Rust `regex` crate's; escape `(`, `[`, `.` and `\\` to match them literally"),
                );
            }
        }
    }
}

/// `atLeast`/`atMost` of a `field` check over the entities the scorecard grades: reported once
/// per check, at the check, with the first entity (in kind and name order) whose value is not a
/// number.
fn numbers(cx: &Context, entity: &Entity, spec: &ScorecardSpec, out: &mut Vec<Diagnostic>) {
    let comparing: Vec<(String, &crate::model::FieldCheck)> = spec
        .levels
        .iter()
        .enumerate()
        .flat_map(|(l, level)| level.checks.iter().enumerate().map(move |(c, check)| (l, c, check)))
        .filter_map(|(l, c, check)| {
            let field = check.field.as_ref().filter(|f| f.compares() && f.path_problem().is_none())?;
            Some((format!("/spec/levels/{l}/checks/{c}/field"), field))
        })
        .collect();
    if comparing.is_empty() {
        return;
    }
    let mut found: Vec<Option<(&Entity, String)>> = vec![None; comparing.len()];
    for graded in cx.entities().iter().filter(|e| spec.applies_to.covers(e)) {
        if found.iter().all(Option::is_some) {
            break;
        }
        let document = document_of(graded);
        for (slot, (_, field)) in found.iter_mut().zip(&comparing) {
            if slot.is_some() {
                continue;
            }
            match field.value_in(&document) {
                None | Some(serde_json::Value::Null | serde_json::Value::Number(_)) => {}
                Some(other) => *slot = Some((graded, other.to_string())),
            }
        }
    }
    for ((at, field), slot) in comparing.iter().zip(found) {
        let Some((graded, value)) = slot else { continue };
        let pointer = format!("/{}", field.path.replace('~', "~0").replace('/', "~1").replace('.', "/"));
        out.push(
            Diagnostic::new(
                Code::ScorecardNotANumber,
                format!(
                    "`{}` compares numbers, but in `{}` it is {value}: the check can never pass there",
                    field.path,
                    graded.reference()
                ),
                value_at(&entity.origin, at.as_str()),
            )
            .with_label(value_at(&graded.origin, pointer), "not a number")
            .with_note("help: compare a numeric field, or use `equals`, `in` or `matches` for text"),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::rules::testutil::*;

    fn card(levels: serde_json::Value) -> Entity {
        entity("Scorecard", "readiness", "scorecard.yaml", 0, json!({"levels": levels}))
    }

    #[test]
    fn each_malformed_check_is_reported_at_its_place() {
        let d = run(vec![card(json!([
            {"name": "none", "checks": [
                {"name": "a"},
                {"name": "b", "link": {"type": "runbook"}, "owner": {}},
                {"name": "c", "field": {"path": "spec.x", "matches": "a{2,1}"}},
                {"name": "d", "field": {"path": "status.x"}},
                {"name": "e", "related": {"kind": "kbs", "where": [{"path": "x", "equals": 1}]}},
            ]},
            {"name": "gold", "checks": [{"name": "a", "link": {"type": "runbook"}}]},
            {"name": "gold"},
        ]))]);
        assert_places(
            &d,
            Code::ScorecardInvalidCheck,
            &["scorecard.yaml#/spec/levels/0/checks/0", "scorecard.yaml#/spec/levels/0/checks/1"],
        );
        assert_places(
            &d,
            Code::ScorecardInvalidPattern,
            &["scorecard.yaml#/spec/levels/0/checks/2/field/matches"],
        );
        assert_places(
            &d,
            Code::ScorecardInvalidPath,
            &[
                "scorecard.yaml#/spec/levels/0/checks/3/field/path",
                "scorecard.yaml#/spec/levels/0/checks/4/related/where/0/path",
            ],
        );
        assert_places(
            &d,
            Code::ScorecardUnknownKind,
            &["scorecard.yaml#/spec/levels/0/checks/4/related/kind"],
        );
        assert_places(
            &d,
            Code::ScorecardDuplicateName,
            &[
                "scorecard.yaml#/spec/levels/0/name",
                "scorecard.yaml#/spec/levels/1/checks/0/name",
                "scorecard.yaml#/spec/levels/2/name",
            ],
        );
    }

    #[test]
    fn a_comparison_is_reported_once_at_the_first_non_number_and_never_for_a_missing_value() {
        let compare = |path: &str| {
            card(json!([{"name": "l", "checks": [{"name": "c", "field": {"path": path, "atLeast": 1}}]}]))
        };
        // Text in both services: one finding, naming the first.
        let d = run(vec![compare("spec.owner"), service("a", json!({})), service("b", json!({}))]);
        assert_places(&d, Code::ScorecardNotANumber, &["scorecard.yaml#/spec/levels/0/checks/0/field"]);
        let found = d.iter().find(|x| x.code == Code::ScorecardNotANumber).expect("found");
        assert!(found.message.contains("`service:a`"), "{}", found.message);
        // Numbers, or nothing at all: no finding.
        let d = run(vec![compare("spec.tier"), service("a", json!({}))]);
        assert_places(&d, Code::ScorecardNotANumber, &[]);
        let d = run(vec![compare("metadata.title"), service("a", json!({}))]);
        assert_places(&d, Code::ScorecardNotANumber, &[]);
        // Out of scope (a CI, the scorecard grades services): no finding.
        let d = run(vec![compare("spec.class"), ci("db", json!({}))]);
        assert_places(&d, Code::ScorecardNotANumber, &[]);
    }
}
