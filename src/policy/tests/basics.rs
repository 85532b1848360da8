//! The verdict's shape, the policy, coverage, lifecycle and risk.

use serde_json::json;

use super::*;
use crate::model::Risk;
use crate::policy::Decision;

fn scale_web(entities: Vec<Entity>) -> Vec<Entity> {
    with(
        entities,
        ci(
            "web",
            json!({"class": "k8s/deployment", "environment": "staging", "attributes": {"replicas": 4}}),
        ),
    )
}

#[test]
fn a_low_risk_covered_change_is_allowed_and_every_rule_reports() {
    let case = Case::on_world(|w| with(scale_web(w), change("chg-1", "normal", &["ci:web"])));
    let v = case.run();
    assert_eq!(v.verdict, Decision::Allow, "{v:#?}");
    assert_eq!(v.risk, Some(Risk::Low));
    assert_eq!(
        statuses(&v),
        [
            "readable: pass",
            "valid: skipped",
            "coverage: pass",
            "lifecycle: skipped",
            "standard-changes: skipped",
            "risk: pass",
            "freeze: pass",
            "change-windows: pass",
            "conflicts: pass",
            "owners-of-impacted-services: skipped",
            "cab: skipped",
            "policy-owners: skipped",
        ]
    );
    assert_eq!(
        rule(&v, "risk").reason,
        "risk low (1 service changed or reached, most critical tier 3); change:chg-1 (normal): risk rule 4 \
         (if always) gives low"
    );
    assert_eq!(rule(&v, "cab").reason, "risk low is not one of high, very-high");
    // SPEC §7 shape, plus the additive `ignoredReviews`.
    let value = serde_json::to_value(&v).unwrap_or_default();
    assert_eq!(value["verdict"], "allow");
    assert_eq!(value["risk"], "low");
    assert_eq!(
        value["rules"][2],
        json!({"name": "coverage", "status": "pass",
               "reason": "every changed service and configuration item (1) is a target of change:chg-1",
               "missing": null, "eligible": []})
    );
    assert_eq!(value["ignoredReviews"], json!([]));
}

#[test]
fn without_a_policy_at_the_base_the_gate_fails_closed() {
    let base = without(world(), "policy:change-policy");
    let head = with(scale_web(world()), change("chg-1", "normal", &["ci:web"]));
    let v = Case::new(base, head).run();
    assert_eq!(v.verdict, Decision::Block);
    assert_eq!(v.risk, None);
    assert_eq!(statuses(&v), ["policy: fail"]);
    assert_eq!(rule(&v, "policy").reason, "no policy at the base revision: the gate fails closed");

    let mut two = world();
    two.push(entity("Policy", "other", json!({})));
    let v = Case::new(two, world()).run();
    assert_eq!(statuses(&v), ["policy: fail"]);
    assert!(rule(&v, "policy").reason.contains("2 policies"), "{v:#?}");
}

#[test]
fn coverage_lists_what_no_change_request_targets() {
    let v = Case::on_world(|w| {
        let w = with(scale_web(w), ci("pg", json!({"class": "database/postgres", "environment": "staging"})));
        with(w, change("chg-1", "normal", &["ci:web"]))
    })
    .run();
    assert_eq!(v.verdict, Decision::Block);
    let coverage = rule(&v, "coverage");
    assert_eq!(coverage.status, Status::Fail);
    assert_eq!(
        coverage.reason,
        "1 of 2 changed services and configuration items is not a target of a change request in the diff"
    );
    assert_eq!(coverage.missing.as_deref(), Some("a change request targeting ci:pg"));

    // No change request at all.
    let v = Case::on_world(scale_web).run();
    assert_eq!(rule(&v, "coverage").missing.as_deref(), Some("a change request targeting ci:web"));
    // A cancelled request covers nothing.
    let cancelled = change_with("chg-1", "normal", &["ci:web"], json!({"state": "cancelled"}));
    let v = Case::on_world(|w| with(scale_web(w), cancelled)).run();
    assert_status(&v, "coverage", Status::Fail);
}

#[test]
fn optional_coverage_with_nothing_else_applying_fails_closed() {
    let mut spec = policy_spec();
    spec["coverage"] = json!("optional");
    spec["windows"] = json!("ignore");
    let base = with(world(), policy(spec));
    let head = scale_web(base.clone());
    let v = Case::new(base, head).run();
    assert_status(&v, "coverage", Status::Skipped);
    assert_status(&v, "freeze", Status::Skipped);
    assert_status(&v, "no-rule-applied", Status::Fail);
    assert_eq!(v.verdict, Decision::Block);
    assert_eq!(
        rule(&v, "no-rule-applied").missing.as_deref(),
        Some("an approval rule that applies, e.g. one without `if`")
    );
}

#[test]
fn closed_and_cancelled_change_requests_are_immutable() {
    for state in ["closed", "cancelled"] {
        let extra = json!({"state": state, "closure": {"code": "successful"}});
        let base = with(world(), change_with("chg-old", "normal", &["ci:web"], extra.clone()));
        let mut edited = extra.clone();
        edited["justification"] = json!("rewritten history");
        let head = with(base.clone(), change_with("chg-old", "normal", &["ci:web"], edited));
        let v = Case::new(base.clone(), head).run();
        let lifecycle = rule(&v, "lifecycle");
        assert_eq!(lifecycle.status, Status::Fail, "{v:#?}");
        assert_eq!(
            lifecycle.reason,
            format!("change:chg-old is {state} at the base and must not be modified (spec.justification)")
        );
        assert_eq!(v.verdict, Decision::Block);
        let v = Case::new(base, without(world(), "change:chg-old")).run();
        assert!(rule(&v, "lifecycle").reason.ends_with("must not be removed"), "{v:#?}");
    }
}

#[test]
fn states_only_move_forward_and_cancel_from_anywhere() {
    let at = |state: &str| change_with("chg-1", "normal", &["ci:web"], json!({"state": state}));
    let run = |from: &str, to: &str| {
        let base = with(world(), at(from));
        Case::new(base.clone(), with(base, at(to))).run()
    };
    let v = run("review", "assess");
    assert_status(&v, "lifecycle", Status::Fail);
    assert_eq!(rule(&v, "lifecycle").reason, "change:chg-1 goes back from review to assess");
    let v = run("new", "scheduled");
    assert_status(&v, "lifecycle", Status::Pass);
    assert_eq!(rule(&v, "lifecycle").reason, "states move forward: change:chg-1 new → scheduled");
    assert_status(&run("implement", "cancelled"), "lifecycle", Status::Pass);
    assert_status(&run("cancelled", "new"), "lifecycle", Status::Fail);
    assert_status(&run("closed", "cancelled"), "lifecycle", Status::Fail);
}

#[test]
fn risk_takes_the_first_matching_rule_and_the_declared_risk_only_raises_it() {
    // ci:pg reaches checkout, tier 1: rule 2.
    let pg = ci(
        "pg",
        json!({"class": "database/postgres", "environment": "production",
                             "attributes": {"version": 17}}),
    );
    let v = Case::on_world(|w| with(with(w, pg.clone()), change("chg-1", "normal", &["ci:pg"]))).run();
    assert_eq!(v.risk, Some(Risk::High));
    assert!(
        rule(&v, "risk").reason.contains("change:chg-1 (normal): risk rule 2 (if impactedTier 1) gives high"),
        "{v:#?}"
    );

    // Emergency: rule 1, whatever is impacted.
    let emergency = change_with("chg-2", "emergency", &["ci:web"], json!({"window": null}));
    let v = Case::on_world(|w| with(scale_web(w), emergency)).run();
    assert_eq!(v.risk, Some(Risk::High));
    assert!(rule(&v, "risk").reason.contains("risk rule 1 (if type emergency) gives high"), "{v:#?}");

    // A declared risk raises the computed one, never lowers it; the verdict takes the highest.
    let declared = change_with("chg-3", "normal", &["ci:web"], json!({"risk": "very-high"}));
    let low = change_with("chg-4", "normal", &["ci:web"], json!({"risk": "low"}));
    let v = Case::on_world(|w| with(with(scale_web(w), declared), low)).run();
    assert_eq!(v.risk, Some(Risk::VeryHigh));
    let reason = &rule(&v, "risk").reason;
    assert!(reason.contains(
        "change:chg-3 (normal): risk rule 4 (if always) gives low, raised to the declared very-high"
    ));
    assert!(reason
        .contains("change:chg-4 (normal): risk rule 4 (if always) gives low, not below the declared risk"));
    let declared_low = change_with("chg-5", "normal", &["ci:pg"], json!({"risk": "low"}));
    let v = Case::on_world(|w| with(with(w, pg.clone()), declared_low)).run();
    assert_eq!(v.risk, Some(Risk::High));
}

#[test]
fn risk_without_a_change_request_and_without_a_matching_rule() {
    // No request: evaluated with no type, so the emergency rule does not match.
    let v = Case::on_world(scale_web).run();
    assert_eq!(v.risk, Some(Risk::Low));
    assert!(rule(&v, "risk")
        .reason
        .contains("no change request in the diff: risk rule 4 (if always) gives low"));

    let mut spec = policy_spec();
    spec["risk"] = json!([{"if": {"impactedServices": {"atLeast": 5}}, "then": "moderate"}]);
    let base = with(world(), policy(spec));
    let head = with(scale_web(base.clone()), change("chg-1", "normal", &["ci:web"]));
    let v = Case::new(base, head).run();
    assert_eq!(v.risk, Some(Risk::VeryHigh));
    assert!(rule(&v, "risk").reason.contains("taken as very-high (fails closed)"), "{v:#?}");
    assert_status(&v, "cab", Status::Fail);
}
