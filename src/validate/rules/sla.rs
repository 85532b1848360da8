//! Consistency of service level agreements: `sla-availability-range`, `sla-unit-mismatch`,
//! `sla-response-exceeds-resolution` and `sla-effective-period`.

use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entity, Metric, Objective, Priority, SlaSpec, Unit};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, spec) in of_kind!(cx.entities(), Sla) {
        objectives(entity, spec, out);
        response_within_resolution(entity, spec, out);
        effective_period(entity, spec, out);
    }
}

/// The unit an objective's target is read in, when it fits the metric.
fn unit_of(objective: &Objective) -> Option<Unit> {
    match (objective.metric, objective.unit) {
        (Metric::Availability, None | Some(Unit::Percent)) => Some(Unit::Percent),
        (Metric::Availability, Some(_)) | (_, Some(Unit::Percent)) => None,
        (_, None) => Some(Unit::Minutes),
        (_, Some(unit)) => Some(unit),
    }
}

fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Availability => "availability",
        Metric::Response => "response",
        Metric::Resolution => "resolution",
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "percent",
        Unit::Minutes => "minutes",
        Unit::Hours => "hours",
    }
}

/// Units that fit the metric, and availability targets in (0, 100].
fn objectives(entity: &Entity, spec: &SlaSpec, out: &mut Vec<Diagnostic>) {
    for (i, objective) in spec.objectives.iter().enumerate() {
        let metric = metric_name(objective.metric);
        match (unit_of(objective), objective.unit) {
            (None, Some(unit)) => {
                let expected = if objective.metric == Metric::Availability {
                    "availability is measured in `percent`"
                } else {
                    "response and resolution times are measured in `minutes` or `hours`"
                };
                out.push(
                    Diagnostic::new(
                        Code::SlaUnitMismatch,
                        format!(
                            "{metric} objective of `{}` has unit `{}`: {expected}",
                            entity.reference(),
                            unit_name(unit)
                        ),
                        value_at(&entity.origin, format!("/spec/objectives/{i}/unit")),
                    )
                    .with_note(if objective.metric == Metric::Availability {
                        "help: write `unit: percent` or leave `unit` out".to_owned()
                    } else {
                        "help: write `unit: minutes` or `unit: hours` (minutes when left out)".to_owned()
                    }),
                );
            }
            (Some(Unit::Percent), _) => {
                let target = objective.target;
                if target > 0.0 && target <= 100.0 {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::SlaAvailabilityRange,
                        format!(
                            "availability target {target} of `{}` is not in (0, 100]: it is a percentage",
                            entity.reference()
                        ),
                        value_at(&entity.origin, format!("/spec/objectives/{i}/target")),
                    )
                    .with_note(
                        "help: write the availability as a percentage above 0 and at most 100, e.g. `99.9`",
                    ),
                );
            }
            _ => {}
        }
    }
}

/// The target in minutes of a response or resolution objective whose unit fits.
fn minutes(objective: &Objective) -> Option<f64> {
    match unit_of(objective)? {
        Unit::Minutes => Some(objective.target),
        Unit::Hours => Some(objective.target * 60.0),
        Unit::Percent => None,
    }
}

fn show_target(objective: &Objective) -> String {
    let unit = unit_of(objective).map_or("", unit_name);
    format!("{} {unit}", objective.target)
}

/// Per priority (objectives without one form their own group), a response target is not longer
/// than the shortest resolution target.
fn response_within_resolution(entity: &Entity, spec: &SlaSpec, out: &mut Vec<Diagnostic>) {
    let of = |metric: Metric| {
        spec.objectives
            .iter()
            .enumerate()
            .filter(move |(_, o)| o.metric == metric)
            .filter_map(|(i, o)| minutes(o).map(|m| (i, o, m)))
    };
    for (i, response, response_minutes) in of(Metric::Response) {
        let shortest = of(Metric::Resolution)
            .filter(|(_, o, _)| o.priority == response.priority)
            .min_by(|a, b| a.2.total_cmp(&b.2));
        let Some((j, resolution, resolution_minutes)) = shortest else { continue };
        if response_minutes <= resolution_minutes {
            continue;
        }
        let group =
            response.priority.map_or("without a priority".to_owned(), |p| format!("for {}", priority(p)));
        out.push(
            Diagnostic::new(
                Code::SlaResponseExceedsResolution,
                format!(
                    "response target {} of `{}` {group} is longer than its resolution target {}",
                    show_target(response),
                    entity.reference(),
                    show_target(resolution)
                ),
                value_at(&entity.origin, format!("/spec/objectives/{i}/target")),
            )
            .with_label(
                value_at(&entity.origin, format!("/spec/objectives/{j}/target")),
                "resolution target of the same priority",
            )
            .with_note("help: an incident must be responded to before it can be resolved; shorten the response target or lengthen the resolution target"),
        );
    }
}

fn priority(p: Priority) -> &'static str {
    match p {
        Priority::P1 => "P1",
        Priority::P2 => "P2",
        Priority::P3 => "P3",
        Priority::P4 => "P4",
    }
}

/// `effective.to` is not before `effective.from`.
fn effective_period(entity: &Entity, spec: &SlaSpec, out: &mut Vec<Diagnostic>) {
    let Some(effective) = &spec.effective else { return };
    let Some(to) = effective.to else { return };
    if to >= effective.from {
        return;
    }
    out.push(
        Diagnostic::new(
            Code::SlaEffectivePeriod,
            format!(
                "effective period of `{}` ends ({to}) before it starts ({})",
                entity.reference(),
                effective.from
            ),
            value_at(&entity.origin, "/spec/effective/to"),
        )
        .with_label(value_at(&entity.origin, "/spec/effective/from"), "starts here")
        .with_note("help: `effective.to` is the last day in force: it must be on or after `effective.from`"),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::model::Entity;
    use crate::validate::rules::testutil::*;

    fn sla(spec: Value) -> Entity {
        let mut full = json!({"service": "checkout"});
        if let (Some(full), Value::Object(spec)) = (full.as_object_mut(), spec) {
            full.extend(spec);
        }
        entity("SLA", "gold", "slas/gold.yaml", 0, full)
    }

    fn run_sla(spec: Value) -> Vec<crate::diag::Diagnostic> {
        run(vec![service("checkout", json!({})), sla(spec)])
    }

    fn objectives(list: Value) -> Vec<crate::diag::Diagnostic> {
        run_sla(json!({ "objectives": list }))
    }

    #[test]
    fn availability_outside_zero_to_hundred() {
        let d = objectives(json!([
            {"metric": "availability", "target": 99.95},
            {"metric": "availability", "target": 100.5},
            {"metric": "availability", "target": 0},
            {"metric": "availability", "target": 100, "unit": "percent"},
        ]));
        assert_places(
            &d,
            Code::SlaAvailabilityRange,
            &["slas/gold.yaml#/spec/objectives/1/target", "slas/gold.yaml#/spec/objectives/2/target"],
        );
        assert!(only(&d, Code::SlaAvailabilityRange)
            .iter()
            .any(|d| d.message
                == "availability target 100.5 of `sla:gold` is not in (0, 100]: it is a percentage"));
    }

    #[test]
    fn units_must_fit_the_metric() {
        let d = objectives(json!([
            {"metric": "availability", "target": 99.9, "unit": "minutes"},
            {"metric": "response", "target": 15, "unit": "percent"},
            {"metric": "resolution", "target": 4, "unit": "hours"},
            {"metric": "availability", "target": 99.9, "unit": "percent"},
            {"metric": "response", "target": 15},
        ]));
        assert_places(
            &d,
            Code::SlaUnitMismatch,
            &["slas/gold.yaml#/spec/objectives/0/unit", "slas/gold.yaml#/spec/objectives/1/unit"],
        );
        assert_places(&d, Code::SlaAvailabilityRange, &[]);
    }

    #[test]
    fn response_longer_than_resolution_of_the_same_priority() {
        let d = objectives(json!([
            {"metric": "response", "target": 2, "unit": "hours", "priority": "P1"},
            {"metric": "resolution", "target": 90, "priority": "P1"},
            {"metric": "response", "target": 30, "priority": "P2"},
            {"metric": "resolution", "target": 1, "unit": "hours", "priority": "P2"},
            {"metric": "response", "target": 600},
            {"metric": "resolution", "target": 8, "unit": "hours"},
            {"metric": "resolution", "target": 5, "priority": "P3"},
        ]));
        assert_places(
            &d,
            Code::SlaResponseExceedsResolution,
            &["slas/gold.yaml#/spec/objectives/0/target", "slas/gold.yaml#/spec/objectives/4/target"],
        );
        let found = only(&d, Code::SlaResponseExceedsResolution);
        let p1 = found.iter().find(|d| d.message.contains("P1"));
        assert_eq!(
            p1.map(|d| d.message.as_str()),
            Some("response target 2 hours of `sla:gold` for P1 is longer than its resolution target 90 minutes")
        );
        assert_eq!(
            p1.map(|d| d.labels[0].location.clone()),
            Some(value_at(&origin("slas/gold.yaml", 0), "/spec/objectives/1/target"))
        );
    }

    #[test]
    fn consistent_objectives_are_quiet() {
        let d = objectives(json!([
            {"metric": "availability", "target": 99.9},
            {"metric": "response", "target": 1, "unit": "hours", "priority": "P1"},
            {"metric": "resolution", "target": 60, "priority": "P1"},
            {"metric": "response", "target": 600, "priority": "P2"},
        ]));
        assert_eq!(codes(&d), []);
    }

    #[test]
    fn effective_period_ending_before_it_starts() {
        let objectives = json!([{"metric": "availability", "target": 99.9}]);
        let d = run_sla(
            json!({"objectives": objectives, "effective": {"from": "2026-01-01", "to": "2025-12-31"}}),
        );
        assert_places(&d, Code::SlaEffectivePeriod, &["slas/gold.yaml#/spec/effective/to"]);
        let d = run_sla(
            json!({"objectives": objectives, "effective": {"from": "2026-01-01", "to": "2026-01-01"}}),
        );
        assert_places(&d, Code::SlaEffectivePeriod, &[]);
        let d = run_sla(json!({"objectives": objectives, "effective": {"from": "2026-01-01"}}));
        assert_places(&d, Code::SlaEffectivePeriod, &[]);
    }
}
