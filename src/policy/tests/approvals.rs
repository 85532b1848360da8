//! Approval rules: who must approve, and which reviews count.

use serde_json::json;

use super::*;
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
fn a_high_risk_change_needs_the_owners_and_two_of_the_cab() {
    let v = Case::on_world(high_risk).run();
    assert_eq!(v.verdict, Decision::Block);
    let owners = rule(&v, "owners-of-impacted-services");
    assert_eq!(owners.status, Status::Fail);
    assert_eq!(owners.reason, "0 of 1 from team:pay (owner of service:checkout)");
    assert_eq!(owners.missing.as_deref(), Some("1 more approval from team:pay"));
    assert_eq!(owners.eligible, ["pat", "paula"]);
    let cab = rule(&v, "cab");
    assert_eq!(cab.missing.as_deref(), Some("2 more approvals from team:cab"));
    assert_eq!(cab.eligible, ["carol", "dave", "erin"]);

    let v = Case::on_world(high_risk).reviews(vec![approve(1, "pat"), approve(2, "carol")]).run();
    assert_status(&v, "owners-of-impacted-services", Status::Pass);
    assert_eq!(
        rule(&v, "owners-of-impacted-services").reason,
        "1 approval from team:pay (owner of service:checkout) by pat"
    );
    let cab = rule(&v, "cab");
    assert_eq!(cab.status, Status::Fail);
    assert_eq!(cab.reason, "1 of 2 from team:cab by carol");
    assert_eq!(cab.missing.as_deref(), Some("1 more approval from team:cab"));
    assert_eq!(cab.eligible, ["dave", "erin"], "carol already counts");

    let v = Case::on_world(high_risk)
        .reviews(vec![approve(1, "pat"), approve(2, "Carol"), approve(3, "dave")])
        .run();
    assert_eq!(v.verdict, Decision::Allow, "{v:#?}");
    assert_eq!(rule(&v, "cab").reason, "2 approvals from team:cab by Carol, dave");
    assert_eq!(v.ignored_reviews, []);
}

#[test]
fn an_approval_from_outside_the_teams_is_ignored_with_why() {
    let v = Case::on_world(high_risk).reviews(vec![approve(7, "alice"), approve(8, "pat")]).run();
    assert_eq!(
        v.ignored_reviews,
        [IgnoredReview {
            login: "alice".into(),
            id: 7,
            why: "not a member of team:cab or team:pay at the base".into()
        }]
    );
}

#[test]
fn owners_of_impacted_include_every_owner_team_and_the_service_approvers() {
    // Both services reached; catalog has `approvers: [team:cab]`.
    let base =
        with(world(), service("catalog", json!({"tier": 3, "components": ["ci:web"], "approvers": ["cab"]})));
    let head = {
        let w = high_risk(base.clone());
        let w = with(
            w,
            ci(
                "web",
                json!({"class": "k8s/deployment", "environment": "staging",
                                         "attributes": {"replicas": 9}}),
            ),
        );
        with(w, change("chg-1", "normal", &["ci:pg", "ci:web"]))
    };
    let v = Case::new(base, head).reviews(vec![approve(1, "pat")]).run();
    let owners = rule(&v, "owners-of-impacted-services");
    assert_eq!(owners.status, Status::Fail);
    assert_eq!(
        owners.reason,
        "0 of 1 from team:cab (approver of service:catalog); 0 of 1 from team:sre (owner of service:catalog); \
         met: 1 approval from team:pay (owner of service:checkout) by pat"
    );
    assert_eq!(
        owners.missing.as_deref(),
        Some("1 more approval from team:cab; 1 more approval from team:sre")
    );
    assert_eq!(owners.eligible, ["alice", "bob", "carol", "dave", "erin"]);
}

#[test]
fn the_latest_review_counts_and_comments_do_not_supersede() {
    use ReviewState::*;
    let approved_then_changes = vec![
        approve(1, "pat"),
        review(2, "carol", Approved, HEAD, 1),
        review(3, "carol", ChangesRequested, HEAD, 5),
    ];
    let v = Case::on_world(high_risk).reviews(approved_then_changes).run();
    assert_eq!(rule(&v, "cab").reason, "0 of 2 from team:cab");
    assert_eq!(
        v.ignored_reviews,
        [
            IgnoredReview { login: "carol".into(), id: 2, why: "superseded by a later review".into() },
            IgnoredReview { login: "carol".into(), id: 3, why: "state CHANGES_REQUESTED".into() },
        ]
    );
    assert_eq!(rule(&v, "cab").eligible, ["carol", "dave", "erin"], "carol can approve again");

    // A later comment leaves the approval standing; a dismissal does not.
    let commented = vec![review(2, "carol", Approved, HEAD, 1), review(3, "carol", Commented, HEAD, 5)];
    let v = Case::on_world(high_risk).reviews(commented).run();
    assert_eq!(rule(&v, "cab").reason, "1 of 2 from team:cab by carol");
    assert_eq!(v.ignored_reviews[0].why, "state COMMENTED");
    let dismissed = vec![review(2, "carol", Approved, HEAD, 1), review(3, "carol", Dismissed, HEAD, 5)];
    assert_eq!(
        rule(&Case::on_world(high_risk).reviews(dismissed).run(), "cab").reason,
        "0 of 2 from team:cab"
    );

    // Order is by submission time, then id, not by position in the list.
    let reordered =
        vec![review(9, "carol", ChangesRequested, HEAD, 1), review(4, "carol", Approved, HEAD, 5)];
    let v = Case::on_world(high_risk).reviews(reordered).run();
    assert_eq!(rule(&v, "cab").reason, "1 of 2 from team:cab by carol");
}

#[test]
fn stale_approvals_do_not_count_unless_the_policy_allows_them() {
    let stale = vec![review(5, "carol", ReviewState::Approved, OLD, 1), approve(6, "dave")];
    let v = Case::on_world(high_risk).reviews(stale.clone()).run();
    assert_eq!(rule(&v, "cab").reason, "1 of 2 from team:cab by dave");
    assert_eq!(
        v.ignored_reviews,
        [IgnoredReview {
            login: "carol".into(),
            id: 5,
            why: "stale: approves an older commit abc1234".into()
        }]
    );

    let mut spec = policy_spec();
    spec["invalidateStaleApprovals"] = json!(false);
    let base = with(world(), policy(spec));
    let v = Case::new(base.clone(), high_risk(base)).reviews(stale).run();
    assert_status(&v, "cab", Status::Pass);
}

#[test]
fn the_authors_own_approval_never_counts_unless_allowed() {
    // mallory, the author, is in the CAB at the base.
    let base = with(world(), team("cab", &["carol", "mallory"]));
    let reviews = vec![approve(1, "MALLORY"), approve(2, "carol"), approve(3, "pat")];
    let v = Case::new(base.clone(), high_risk(base.clone())).reviews(reviews.clone()).run();
    let cab = rule(&v, "cab");
    assert_eq!(cab.status, Status::Fail);
    assert_eq!(cab.reason, "1 of 2 from team:cab by carol; only 0 other members can still approve");
    assert!(cab.eligible.is_empty(), "the author is never eligible: {cab:#?}");
    assert_eq!(v.ignored_reviews[0].why, "author's own review");

    let mut spec = policy_spec();
    spec["allowSelfApproval"] = json!(true);
    let base = with(base, policy(spec));
    let v = Case::new(base.clone(), high_risk(base)).reviews(reviews).run();
    assert_status(&v, "cab", Status::Pass);
}

#[test]
fn an_unknown_author_fails_every_approval_rule_that_applies() {
    let mut case =
        Case::on_world(high_risk).reviews(vec![approve(1, "pat"), approve(2, "carol"), approve(3, "dave")]);
    case.author = None;
    let v = case.run();
    let cab = rule(&v, "cab");
    assert_eq!(cab.status, Status::Fail);
    assert!(cab.reason.contains("author is unknown"), "{cab:#?}");
    assert_eq!(cab.missing.as_deref(), Some("the pull request's author"));
}

#[test]
fn conditions_on_type_and_sub_teams() {
    let mut spec = policy_spec();
    spec["approvals"] = json!([
        {"name": "ecab", "if": {"type": ["emergency"]}, "require": {"team": "team:cab", "count": 1}}
    ]);
    let base = with(
        with(world(), policy(spec)),
        entity(
            "Team",
            "cab-deputies",
            json!({
                "parent": "cab", "members": [{"login": "dora"}]
            }),
        ),
    );
    let scale = |w: Vec<Entity>| {
        with(
            w,
            ci(
                "web",
                json!({"class": "k8s/deployment", "environment": "staging", "attributes": {"replicas": 3}}),
            ),
        )
    };
    let normal = with(scale(base.clone()), change("chg-1", "normal", &["ci:web"]));
    let v = Case::new(base.clone(), normal).run();
    assert_status(&v, "ecab", Status::Skipped);
    assert_eq!(
        rule(&v, "ecab").reason,
        "no change request needing approval is of type emergency (the diff has normal)"
    );
    let v = Case::new(base.clone(), scale(base.clone())).run();
    assert_eq!(rule(&v, "ecab").reason, "no change request in the diff, so none is of type emergency");

    let emergency =
        with(scale(base.clone()), change_with("chg-1", "emergency", &["ci:web"], json!({"window": null})));
    let v = Case::new(base.clone(), emergency.clone()).run();
    assert_eq!(rule(&v, "ecab").eligible, ["carol", "dave", "dora", "erin"], "sub-team members count");
    let v = Case::new(base, emergency).reviews(vec![approve(4, "dora")]).run();
    assert_status(&v, "ecab", Status::Pass);
}

#[test]
fn a_team_missing_at_the_base_cannot_approve() {
    // A new service owned by a new team: both only exist at head.
    let head = {
        let w = with(high_risk(world()), team("newbies", &["nina"]));
        let w = with(w, service("fresh", json!({"owner": "newbies", "tier": 2, "dependsOn": ["ci:pg"]})));
        with(w, change("chg-1", "normal", &["ci:pg", "service:fresh"]))
    };
    let v = Case::new(world(), head).reviews(vec![approve(1, "nina"), approve(2, "pat")]).run();
    let owners = rule(&v, "owners-of-impacted-services");
    assert_eq!(owners.status, Status::Fail);
    assert!(
        owners.reason.starts_with(
            "team:newbies (owner of service:fresh) does not exist at the base revision, so no one can approve for it"
        ),
        "{owners:#?}"
    );
    assert_eq!(owners.missing.as_deref(), Some("team:newbies at the base revision"));
    assert_status(&v, "policy-owners", Status::Fail);
}
