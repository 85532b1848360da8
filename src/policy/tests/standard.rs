//! Standard changes: pre-approved within their template, normal outside it.

use serde_json::json;

use super::*;
use crate::model::Risk;
use crate::policy::Decision;

/// `ci:api` (k8s/deployment, a component of checkout, tier 1) with these attributes.
fn api(attributes: serde_json::Value) -> Entity {
    ci("api", json!({"class": "k8s/deployment", "environment": "production", "attributes": attributes}))
}

#[test]
fn a_standard_change_within_its_template_needs_no_approval() {
    let head = |w: Vec<Entity>| {
        with(with(w, api(json!({"replicas": 6, "version": "1.0"}))), change("chg-1", "standard", &["ci:api"]))
    };
    let v = Case::on_world(head).run();
    assert_eq!(v.verdict, Decision::Allow, "{v:#?}");
    assert_eq!(v.risk, Some(Risk::High), "checkout is tier 1");
    assert_eq!(
        rule(&v, "standard-changes").reason,
        "change:chg-1 is a pre-approved standard change `scale-replicas`"
    );
    for name in ["owners-of-impacted-services", "cab"] {
        let r = rule(&v, name);
        assert_eq!(r.status, Status::Skipped);
        assert_eq!(r.reason, "pre-approved standard change `scale-replicas` (change:chg-1)");
    }
}

#[test]
fn a_standard_change_outside_its_template_is_a_normal_change() {
    let head = |w: Vec<Entity>| {
        with(with(w, api(json!({"replicas": 6, "version": "2.0"}))), change("chg-1", "standard", &["ci:api"]))
    };
    let v = Case::on_world(head).run();
    assert_eq!(v.verdict, Decision::Block);
    assert_eq!(
        rule(&v, "standard-changes").reason,
        "change:chg-1 is treated as a normal change: field `spec.attributes.version` of ci:api is not one of \
         the allowed fields, outside the template `scale-replicas`"
    );
    assert!(rule(&v, "risk").reason.contains("change:chg-1 (normal)"), "{v:#?}");
    assert_status(&v, "cab", Status::Fail);

    // A class outside the template: pg is a database.
    let pg = ci(
        "pg",
        json!({"class": "database/postgres", "environment": "production", "attributes": {"replicas": 2}}),
    );
    let v = Case::on_world(|w| with(with(w, pg), change("chg-1", "standard", &["ci:pg"]))).run();
    assert!(rule(&v, "standard-changes")
        .reason
        .contains("ci:pg has class `database/postgres`, not one of the allowed classes"));

    // Another kind in the same diff.
    let head = |w: Vec<Entity>| {
        let w = with(w, api(json!({"replicas": 6, "version": "1.0"})));
        let w = with(w, service("catalog", json!({"tier": 2, "components": ["ci:web"]})));
        with(w, change("chg-1", "standard", &["ci:api", "service:catalog"]))
    };
    let v = Case::on_world(head).run();
    assert!(rule(&v, "standard-changes")
        .reason
        .contains("service:catalog is a Service, not one of the allowed kinds"));

    // An unknown template.
    let unknown = change_with("chg-1", "standard", &["ci:api"], json!({"template": "reboot"}));
    let v = Case::on_world(|w| with(with(w, api(json!({"replicas": 6, "version": "1.0"}))), unknown)).run();
    assert!(rule(&v, "standard-changes")
        .reason
        .contains("its template `reboot` is not a standard change of the base policy"));
    assert_status(&v, "cab", Status::Fail);
}

#[test]
fn a_template_added_at_head_does_not_pre_approve() {
    let head = |w: Vec<Entity>| {
        let mut spec = policy_spec();
        spec["standardChanges"] = json!([{"name": "anything", "allow": {}}]);
        let w = with(with(w, policy(spec)), api(json!({"replicas": 6, "version": "9.9"})));
        with(w, change_with("chg-1", "standard", &["ci:api"], json!({"template": "anything"})))
    };
    let v = Case::on_world(head).run();
    assert_eq!(v.verdict, Decision::Block);
    assert_status(&v, "cab", Status::Fail);
    assert_status(&v, "policy-owners", Status::Fail);
}
