//! `cairn gate` end to end: scratch repositories, reviews in the GitHub formats, the real binary.

mod common;

use common::*;
use serde_json::{json, Value};

const BASE: &[(&str, &str)] = &[
    (
        "policy.yaml",
        "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec:\n  owners: [team:governance]\n  coverage: required\n  risk:\n    - {if: {type: emergency}, then: high}\n    - {if: {impactedTier: 1}, then: high}\n    - {then: low}\n  approvals:\n    - name: owners-of-impacted-services\n      require: {ownersOf: impacted, count: 1}\n    - name: cab\n      if: {risk: [high, very-high]}\n      require: {team: team:cab, count: 2}\n  windows: enforce\n",
    ),
    (
        "teams.yaml",
        "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: governance}\nspec: {members: [{login: alice}]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: shop-team}\nspec: {members: [{login: bob}, {login: carol}]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: cab}\nspec: {members: [{login: dave}, {login: erin}, {login: frank}]}\n",
    ),
    ("services/shop.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: shop}\nspec: {owner: shop-team, tier: 2, components: [api]}\n"),
    ("cmdb/api.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: api}\nspec: {class: k8s/deployment, owner: shop-team, attributes: {replicas: 3}}\n"),
];

const CHANGE: (&str, &str) = (
    "changes/chg-1.yaml",
    "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata: {name: chg-1}\nspec:\n  type: normal\n  requestedBy: bob\n  targets: [ci:api]\n  window: {start: 2026-12-02T22:00:00+01:00, end: 2026-12-02T23:00:00+01:00}\n",
);

/// A repository with the base committed and a head that scales the api with a change request.
fn pull_request(with_change: bool) -> (tempfile::TempDir, String) {
    let dir = repo();
    write(dir.path(), BASE);
    commit(dir.path(), "base");
    write(dir.path(), &[("cmdb/api.yaml", &BASE[3].1.replace("replicas: 3", "replicas: 6"))]);
    if with_change {
        write(dir.path(), &[CHANGE]);
    }
    let head = commit(dir.path(), "scale the api");
    (dir, head)
}

fn reviews(dir: &std::path::Path, list: &[(&str, &str, &str)]) -> String {
    let items: Vec<Value> = list
        .iter()
        .enumerate()
        .map(|(i, (login, state, commit))| {
            json!({"id": i + 1, "user": {"login": login}, "state": state, "commit_id": commit,
                   "submitted_at": format!("2026-12-01T10:0{i}:00Z")})
        })
        .collect();
    let path = dir.join("reviews.json");
    std::fs::write(&path, serde_json::to_string(&items).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

fn gate(dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["gate", "--base", "HEAD~1", "--head", "HEAD", "--now", "2026-12-01T12:00:00+01:00"];
    args.extend_from_slice(extra);
    json(dir, &args)
}

#[test]
fn an_approved_covered_change_may_merge() {
    let (dir, head) = pull_request(true);
    let file = reviews(dir.path(), &[("carol", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), &["--reviews", &file, "--author", "bob"]);
    assert_eq!((code, verdict["verdict"].as_str()), (0, Some("allow")), "{verdict:#}");
    assert_eq!(verdict["risk"], "low");
    assert_eq!(rule(&verdict, "owners-of-impacted-services")["status"], "pass");
    assert_eq!(rule(&verdict, "cab")["status"], "skipped");
}

#[test]
fn a_missing_approval_blocks_and_names_who_can_give_it() {
    let (dir, _) = pull_request(true);
    let (code, verdict) = gate(dir.path(), &["--author", "bob"]);
    assert_eq!((code, verdict["verdict"].as_str()), (1, Some("block")));
    let owners = rule(&verdict, "owners-of-impacted-services");
    assert_eq!(owners["status"], "fail");
    assert_eq!(owners["eligible"], json!(["carol"]), "the author cannot approve: {owners:#}");
}

#[test]
fn self_approval_stale_approval_and_changes_requested_do_not_count() {
    let (dir, head) = pull_request(true);
    let old = git(dir.path(), &["rev-parse", "HEAD~1"]);
    for list in [
        vec![("bob", "APPROVED", head.as_str())],
        vec![("carol", "APPROVED", old.as_str())],
        vec![("carol", "APPROVED", head.as_str()), ("carol", "CHANGES_REQUESTED", head.as_str())],
    ] {
        let file = reviews(dir.path(), &list);
        let (code, verdict) = gate(dir.path(), &["--reviews", &file, "--author", "bob"]);
        assert_eq!(code, 1, "{list:?}: {verdict:#}");
        assert!(!verdict["ignoredReviews"].as_array().unwrap().is_empty() || list.len() > 1, "{verdict:#}");
    }
}

#[test]
fn a_change_without_a_change_request_is_not_covered() {
    let (dir, head) = pull_request(false);
    let file = reviews(dir.path(), &[("carol", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), &["--reviews", &file, "--author", "bob"]);
    assert_eq!(code, 1);
    assert_eq!(rule(&verdict, "coverage")["status"], "fail");
}

#[test]
fn a_pull_request_cannot_weaken_its_own_gate() {
    let (dir, head) = pull_request(true);
    // The head drops every approval rule and adds the author to the CAB: the base still rules.
    write(
        dir.path(),
        &[("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec: {}\n")],
    );
    let head2 = commit(dir.path(), "weaken the policy");
    let file = reviews(dir.path(), &[("bob", "APPROVED", &head2)]);
    let (code, verdict) = json(
        dir.path(),
        &[
            "gate",
            "--base",
            "HEAD~2",
            "--head",
            "HEAD",
            "--now",
            "2026-12-01T12:00:00+01:00",
            "--reviews",
            &file,
            "--author",
            "mallory",
        ],
    );
    assert_eq!(code, 1, "{verdict:#}");
    assert_eq!(rule(&verdict, "policy-owners")["status"], "fail");
    assert_eq!(rule(&verdict, "policy-owners")["eligible"], json!(["alice"]));
    let _ = head;
}

#[test]
fn a_freeze_blocks_the_merge_and_the_change_window() {
    let dir = repo();
    write(dir.path(), BASE);
    write(dir.path(), &[("windows/freeze.yaml", "apiVersion: cairn/v1\nkind: Window\nmetadata: {name: year-end}\nspec: {type: freeze, start: 2026-12-01T00:00:00+01:00, end: 2026-12-05T00:00:00+01:00, scope: {all: true}, allowEmergency: true}\n")]);
    commit(dir.path(), "base with a freeze");
    write(dir.path(), &[("cmdb/api.yaml", &BASE[3].1.replace("replicas: 3", "replicas: 6")), CHANGE]);
    let head = commit(dir.path(), "scale the api");
    let file = reviews(dir.path(), &[("carol", "APPROVED", &head)]);
    let at = |now: &str| {
        json(
            dir.path(),
            &[
                "gate",
                "--base",
                "HEAD~1",
                "--head",
                "HEAD",
                "--now",
                now,
                "--reviews",
                &file,
                "--author",
                "bob",
            ],
        )
    };
    // Merging inside the freeze is blocked.
    let (code, verdict) = at("2026-12-01T12:00:00+01:00");
    assert_eq!((code, rule(&verdict, "freeze")["status"].as_str()), (1, Some("fail")), "{verdict:#}");
    // After the freeze the merge time is fine, but the change's own window is inside it.
    let (code, verdict) = at("2026-12-06T12:00:00+01:00");
    assert_eq!((code, rule(&verdict, "freeze")["status"].as_str()), (1, Some("fail")), "{verdict:#}");
    // An emergency may go ahead: this freeze allows emergencies.
    write(dir.path(), &[("changes/chg-1.yaml", &CHANGE.1.replace("type: normal", "type: emergency"))]);
    let head = commit(dir.path(), "make it an emergency");
    let file = reviews(
        dir.path(),
        &[("carol", "APPROVED", &head), ("dave", "APPROVED", &head), ("erin", "APPROVED", &head)],
    );
    let (_, verdict) = json(
        dir.path(),
        &[
            "gate",
            "--base",
            "HEAD~2",
            "--head",
            "HEAD",
            "--now",
            "2026-12-01T12:00:00+01:00",
            "--reviews",
            &file,
            "--author",
            "bob",
        ],
    );
    assert_eq!(rule(&verdict, "freeze")["status"], "pass", "{verdict:#}");
}

#[test]
fn the_event_payload_supplies_author_commits_and_review() {
    let (dir, head) = pull_request(true);
    let base = git(dir.path(), &["rev-parse", "HEAD~1"]);
    let event = json!({
        "action": "submitted",
        "pull_request": {"user": {"login": "bob"}, "base": {"sha": base}, "head": {"sha": head}},
        "review": {"id": 7, "user": {"login": "carol"}, "state": "approved", "commit_id": head, "submitted_at": "2026-12-01T10:00:00Z"}
    });
    std::fs::write(dir.path().join("event.json"), event.to_string()).unwrap();
    let (code, verdict) =
        json(dir.path(), &["gate", "--event", "event.json", "--now", "2026-12-01T12:00:00+01:00"]);
    assert_eq!(code, 0, "{verdict:#}");
    let md = stdout(&cairn(
        dir.path(),
        &["gate", "--event", "event.json", "--now", "2026-12-01T12:00:00+01:00", "--format", "markdown"],
    ));
    assert!(md.starts_with("<!-- cairn-gate -->"), "{md}");
}

#[test]
fn inputs_that_cannot_be_read_exit_two() {
    let (dir, _) = pull_request(true);
    std::fs::write(dir.path().join("bad.json"), "{not json").unwrap();
    assert_eq!(
        cairn(dir.path(), &["gate", "--base", "HEAD~1", "--head", "HEAD", "--reviews", "bad.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(cairn(dir.path(), &["gate", "--base", "nope", "--head", "HEAD"]).status.code(), Some(2));
    assert_eq!(cairn(dir.path(), &["gate"]).status.code(), Some(2));
}
