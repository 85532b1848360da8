//! The `valid` rule: errors the head brings that the base does not have.

use std::sync::Arc;

use super::*;
use crate::diag::{Code, Diagnostic, Location, Part, Span};
use crate::model::EntityRef;
use crate::policy::{Decision, Finding, Validity};

/// An error at `pointer` of document 0 of `file`, shown at `line`; the document holds
/// `service:<entity>` unless `entity` is empty.
fn error(code: Code, file: &str, entity: &str, pointer: &str, line: u32) -> Finding {
    let mut location = Location::pointer(Arc::from(file), 0, pointer, Part::Value);
    location.span = Some(Span::new(line, 3, line, 6));
    let diagnostic = Diagnostic::new(code, format!("{code} in {file}"), location);
    let subject = |_: &str, _: u32| {
        (!entity.is_empty()).then(|| EntityRef::parse(&format!("service:{entity}"))).flatten()
    };
    Finding::of(&diagnostic, &subject)
}

fn judged(base: &[Finding], head: &[Finding]) -> Verdict {
    let case = Case::on_world(|w| w);
    let changed = crate::impact::diff(&case.base, &case.head);
    let impact = crate::impact::analyse(&case.base, &case.head, changed);
    let (b, h): (Vec<&Entity>, Vec<&Entity>) = (case.base.iter().collect(), case.head.iter().collect());
    evaluate(&GateInput {
        base: &b,
        head: &h,
        impact: &impact,
        reviews: &[],
        author: Some("mallory"),
        head_sha: Some(HEAD),
        now: case.now,
        unreadable: &[],
        validity: Some(Validity { base, head }),
        config_changed: false,
    })
}

#[test]
fn errors_the_base_already_has_do_not_block_even_when_their_lines_move() {
    let base = [error(Code::SlaAvailabilityRange, "slas.yaml", "a", "/spec/objectives/0/target", 4)];
    // The same error, ten lines further down and in another file: the entity moved.
    let head = [error(Code::SlaAvailabilityRange, "moved.yaml", "a", "/spec/objectives/0/target", 14)];
    let v = judged(&base, &head);
    let valid = rule(&v, "valid");
    assert_eq!(valid.status, Status::Pass, "{v:#?}");
    assert_eq!(
        valid.reason,
        "the head brings no validation error the base does not have (1 error at the base)"
    );
}

#[test]
fn a_new_error_blocks_and_is_named_with_its_place() {
    let base = [error(Code::SlaAvailabilityRange, "slas.yaml", "a", "/spec/objectives/0/target", 4)];
    let head = [
        error(Code::SlaAvailabilityRange, "slas.yaml", "a", "/spec/objectives/0/target", 4),
        // Same code, another objective: new.
        error(Code::SlaAvailabilityRange, "slas.yaml", "a", "/spec/objectives/1/target", 9),
        // A file-level error with no entity.
        error(Code::PolicyLocation, "elsewhere/policy.yaml", "", "", 1),
    ];
    let v = judged(&base, &head);
    assert_eq!(v.verdict, Decision::Block);
    let valid = rule(&v, "valid");
    assert_eq!(valid.status, Status::Fail);
    assert_eq!(
        valid.reason,
        "the head brings 2 validation errors that the base does not have, so the target branch would fail \
         `cairn validate`: slas.yaml:9:3 sla-availability-range (sla-availability-range in slas.yaml); \
         elsewhere/policy.yaml:1:3 policy-location (policy-location in elsewhere/policy.yaml)"
    );
    // Twice the same error where the base had it once: one is new.
    let twice = [head[0].clone(), head[0].clone()];
    assert_status(&judged(&base, &twice), "valid", Status::Fail);
    // No validation at all (a caller with entities only): skipped, not passed.
    assert_status(&Case::on_world(|w| w).run(), "valid", Status::Skipped);
}

#[test]
fn many_new_errors_are_counted_and_the_first_five_named() {
    let head: Vec<Finding> = (0..8)
        .map(|i| error(Code::UnresolvedReference, "a.yaml", "a", &format!("/spec/dependsOn/{i}"), i + 1))
        .collect();
    let v = judged(&[], &head);
    let reason = &rule(&v, "valid").reason;
    assert!(reason.starts_with("the head brings 8 validation errors"), "{reason}");
    assert!(reason.ends_with("; 3 more"), "{reason}");
    assert_eq!(reason.matches("a.yaml:").count(), 5, "{reason}");
}
