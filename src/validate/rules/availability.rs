//! `sla-unachievable`: an availability objective whose target is above the ceiling of its
//! service's dependency closure (`crate::health::ceiling` works the ceiling out).

use std::collections::HashMap;

use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::health::ceiling::{extra_nine, percent, Availability, Ceiling, Contributor, Source};
use crate::model::{EntityRef, Metric, SlaType, Unit};

/// How many of the weakest dependencies a finding names.
const WEAKEST: usize = 3;
/// How many unknown dependencies a finding names.
const UNKNOWN_SHOWN: usize = 5;
/// Targets this close to the ceiling are met: products of decimal fractions round.
const TOLERANCE: f64 = 1e-12;

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut model: Option<Availability> = None;
    // Several agreements (an SLA and OLAs) are often written for one service.
    let mut known: HashMap<EntityRef, Option<Ceiling>> = HashMap::new();
    for (entity, spec) in of_kind!(cx.entities(), Sla) {
        // An underpinning contract is a supplier's promise about its own part: what the
        // service it underpins needs besides is no reason to doubt it.
        if spec.sla_type == SlaType::Uc {
            continue;
        }
        let Some(service) = cx.index.entity(spec.service.target.kind, &spec.service.target.name) else {
            continue;
        };
        let mut ceiling: Option<Ceiling> = None;
        for (i, objective) in spec.objectives.iter().enumerate() {
            let target = objective.target;
            let percent_unit = matches!(objective.unit, None | Some(Unit::Percent));
            if objective.metric != Metric::Availability || !percent_unit || !(target > 0.0 && target <= 100.0)
            {
                continue;
            }
            if ceiling.is_none() {
                let model = model.get_or_insert_with(|| Availability::new(cx.entities()));
                let reference = service.reference();
                ceiling = known.entry(reference).or_insert_with_key(|r| model.ceiling(r)).clone();
            }
            let Some(ceiling) = &ceiling else { break };
            if target / 100.0 <= ceiling.availability + TOLERANCE {
                continue;
            }
            out.push(finding(entity, i, target, ceiling));
        }
    }
}

fn finding(entity: &crate::model::Entity, index: usize, target: f64, ceiling: &Ceiling) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::SlaUnachievable,
        format!(
            "availability target {target}% of `{}` is above {}%, the most that `{}`'s dependencies allow",
            entity.reference(),
            percent(ceiling.availability),
            ceiling.service
        ),
        value_at(&entity.origin, format!("/spec/objectives/{index}/target")),
    );
    for c in ceiling.contributors.iter().take(WEAKEST) {
        d = d.with_note(format!("note: {}", contributor(c)));
    }
    if ceiling.contributors.len() > WEAKEST {
        d = d.with_note(format!(
            "note: and {} more dependencies below 100%",
            ceiling.contributors.len() - WEAKEST
        ));
    }
    if !ceiling.unknown.is_empty() {
        let mut names: Vec<String> =
            ceiling.unknown.iter().take(UNKNOWN_SHOWN).map(|c| format!("`{}`", c.reference)).collect();
        if ceiling.unknown.len() > UNKNOWN_SHOWN {
            names.push(format!("and {} more", ceiling.unknown.len() - UNKNOWN_SHOWN));
        }
        d = d.with_note(format!("note: no availability is known for {} (counted as 100%)", names.join(", ")));
    }
    d.with_note(format!(
        "help: by the rule of the extra nine each critical dependency should offer {}%; add redundancy \
         (`redundancy.minUp` over more members), raise what the weakest dependencies promise, or lower the target",
        percent(extra_nine(target) / 100.0)
    ))
}

/// `ci:pg-main` 99.9% (`attributes.availability`), via service:checkout → ci:pg-main
fn contributor(c: &Contributor) -> String {
    let source = match &c.source {
        Source::Sla(sla) => format!("`{sla}`"),
        Source::Attribute => "`attributes.availability`".to_owned(),
        Source::Redundancy { min_up, members } => format!("{min_up} of {members} members up"),
        Source::Unknown => "unknown".to_owned(),
    };
    let path: Vec<String> = c.path.iter().map(ToString::to_string).collect();
    format!("`{}` {}% ({source}), via {}", c.reference, percent(c.availability), path.join(" → "))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::diag::Code;
    use crate::validate::rules::testutil::*;

    fn sla(name: &str, service: &str, kind: &str, targets: Value) -> crate::model::Entity {
        entity(
            "SLA",
            name,
            &format!("slas/{name}.yaml"),
            0,
            json!({"service": service, "type": kind, "objectives": targets}),
        )
    }

    #[test]
    fn a_target_above_the_ceiling_is_flagged_at_the_target() {
        let d = run(vec![
            service("checkout", json!({"dependsOn": ["service:payments", "ci:pg"]})),
            service("payments", json!({})),
            ci("pg", json!({"attributes": {"availability": 99.95}})),
            sla("payments-ola", "payments", "ola", json!([{"metric": "availability", "target": 99.9}])),
            sla(
                "checkout-sla",
                "checkout",
                "sla",
                json!([
                    {"metric": "response", "target": 15},
                    {"metric": "availability", "target": 99.95},
                    {"metric": "availability", "target": 99.8},
                ]),
            ),
            // A supplier's contract is not held to what the service needs besides.
            sla("psp-uc", "checkout", "uc", json!([{"metric": "availability", "target": 99.99}])),
        ]);
        assert_places(&d, Code::SlaUnachievable, &["slas/checkout-sla.yaml#/spec/objectives/1/target"]);
        let found = only(&d, Code::SlaUnachievable);
        assert_eq!(
            found[0].message,
            "availability target 99.95% of `sla:checkout-sla` is above 99.85%, the most that `service:checkout`'s dependencies allow"
        );
        assert_eq!(
            found[0].notes[0],
            "note: `service:payments` 99.9% (`sla:payments-ola`), via service:checkout → service:payments"
        );
        assert!(found[0].notes.iter().any(|n| n.contains("99.995%")), "{:?}", found[0].notes);
    }

    #[test]
    fn a_target_the_dependencies_allow_is_quiet() {
        let d = run(vec![
            service("checkout", json!({"components": ["pg"]})),
            ci("pg", json!({"members": ["pg-1", "pg-2", "pg-3"], "redundancy": {"minUp": 2}})),
            ci("pg-1", json!({"attributes": {"availability": 99}})),
            ci("pg-2", json!({"attributes": {"availability": 99}})),
            ci("pg-3", json!({"attributes": {"availability": 99}})),
            // 2 of 3 at 99%: 99.9702%.
            sla("checkout-sla", "checkout", "sla", json!([{"metric": "availability", "target": 99.97}])),
            sla("tight", "checkout", "sla", json!([{"metric": "availability", "target": 99.971}])),
        ]);
        assert_places(&d, Code::SlaUnachievable, &["slas/tight.yaml#/spec/objectives/0/target"]);
    }
}
