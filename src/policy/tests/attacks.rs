//! A pull request cannot weaken its own gate.

use serde_json::json;

use super::*;
use crate::model::Risk;
use crate::policy::Decision;

/// A high-risk change: `ci:pg` reaches `service:checkout` (tier 1, owned by `team:pay`).
fn high_risk(w: Vec<Entity>) -> Vec<Entity> {
    let pg = ci(
        "pg",
        json!({"class": "database/postgres", "environment": "production",
                             "attributes": {"version": 17}}),
    );
    with(with(w, pg), change("chg-1", "normal", &["ci:pg"]))
}

#[test]
fn a_head_that_drops_a_rule_is_judged_by_the_base_policy_and_needs_the_policy_owners() {
    let head = |w: Vec<Entity>| {
        let mut spec = policy_spec();
        spec["approvals"] = json!([]);
        spec["owners"] = json!([]);
        with(high_risk(w), policy(spec))
    };
    let reviews = vec![approve(1, "pat")];
    let v = Case::on_world(head).reviews(reviews.clone()).run();
    assert_eq!(v.verdict, Decision::Block);
    assert_status(&v, "cab", Status::Fail);
    let owners = rule(&v, "policy-owners");
    assert_eq!(owners.status, Status::Fail);
    assert_eq!(
        owners.reason,
        "the diff changes policy:change-policy; 0 of 1 from team:governance (policy owner)"
    );
    assert_eq!(owners.missing.as_deref(), Some("1 more approval from team:governance"));
    assert_eq!(owners.eligible, ["gina"]);

    let mut all = reviews;
    all.extend([approve(2, "carol"), approve(3, "dave"), approve(4, "gina")]);
    let v = Case::on_world(head).reviews(all).run();
    assert_eq!(v.verdict, Decision::Allow, "{v:#?}");
    assert_eq!(
        rule(&v, "policy-owners").reason,
        "the diff changes policy:change-policy; 1 approval from team:governance (policy owner) by gina"
    );
}

#[test]
fn joining_an_approving_team_at_head_does_not_count() {
    // The author and a friend add themselves to the CAB in the same pull request.
    let head =
        |w: Vec<Entity>| with(high_risk(w), team("cab", &["carol", "dave", "erin", "mallory", "alice"]));
    let reviews = vec![approve(1, "pat"), approve(2, "alice"), approve(3, "mallory"), approve(4, "carol")];
    let v = Case::on_world(head).reviews(reviews).run();
    assert_eq!(v.verdict, Decision::Block);
    let cab = rule(&v, "cab");
    assert_eq!(cab.reason, "1 of 2 from team:cab by carol");
    assert_eq!(cab.eligible, ["dave", "erin"]);
    assert_status(&v, "policy-owners", Status::Fail);
    let why: Vec<(&str, &str)> =
        v.ignored_reviews.iter().map(|i| (i.login.as_str(), i.why.as_str())).collect();
    assert_eq!(
        why,
        [
            ("alice", "not a member of team:cab or team:governance or team:pay at the base"),
            ("mallory", "author's own review"),
        ]
    );
}

#[test]
fn moving_a_service_to_a_friendly_owner_or_tier_at_head_does_not_help() {
    let head = |w: Vec<Entity>| {
        let checkout = service(
            "checkout",
            json!({"owner": "sre", "tier": 4, "dependsOn": ["ci:pg"],
                                                   "components": ["ci:api"]}),
        );
        let w = with(high_risk(w), checkout);
        with(w, change("chg-1", "normal", &["ci:pg", "service:checkout"]))
    };
    let v = Case::on_world(head)
        .reviews(vec![approve(1, "alice"), approve(2, "carol"), approve(3, "dave")])
        .run();
    assert_eq!(v.risk, Some(Risk::High), "the base tier 1 still counts");
    let owners = rule(&v, "owners-of-impacted-services");
    assert_eq!(owners.status, Status::Fail);
    assert_eq!(owners.missing.as_deref(), Some("1 more approval from team:pay"));
}
