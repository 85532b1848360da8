//! Gate tests: a small organisation built from JSON, diffs between a base and a head, reviews.

mod approvals;
mod attacks;
mod basics;
mod reviews;
mod standard;
mod valid;
mod windows;

use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value};

use super::{evaluate, GateInput, IgnoredReview, Review, ReviewState, RuleResult, Status, Verdict};
use crate::graph::testutil::{ci, entity, service};
use crate::impact;
use crate::model::Entity;

/// The head commit of every case.
pub const HEAD: &str = "1111111111111111111111111111111111111111";
/// An older commit.
pub const OLD: &str = "abc1234999999999999999999999999999999999";

pub fn time(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub fn team(name: &str, logins: &[&str]) -> Entity {
    let members: Vec<Value> = logins.iter().map(|l| json!({ "login": l })).collect();
    entity("Team", name, json!({ "members": members }))
}

/// The policy of SPEC §5.
pub fn policy_spec() -> Value {
    json!({
        "owners": ["team:governance"],
        "coverage": "required",
        "risk": [
            {"if": {"type": "emergency"}, "then": "high"},
            {"if": {"impactedTier": 1}, "then": "high"},
            {"if": {"impactedServices": {"atLeast": 5}}, "then": "moderate"},
            {"then": "low"}
        ],
        "approvals": [
            {"name": "owners-of-impacted-services", "if": {"risk": ["moderate", "high", "very-high"]},
             "require": {"ownersOf": "impacted", "count": 1}},
            {"name": "cab", "if": {"risk": ["high", "very-high"]}, "require": {"team": "team:cab", "count": 2}}
        ],
        "standardChanges": [
            {"name": "scale-replicas",
             "allow": {"kinds": ["ConfigurationItem"], "classes": ["k8s/*"], "fields": ["spec.attributes.replicas"]}}
        ],
        "windows": "enforce",
        "allowSelfApproval": false,
        "invalidateStaleApprovals": true
    })
}

pub fn policy(spec: Value) -> Entity {
    entity("Policy", "change-policy", spec)
}

/// The base organisation:
/// - teams `sre` (alice, bob), `cab` (carol, dave, erin), `governance` (gina), `pay` (pat,
///   paula), `dev` (mallory, the usual author);
/// - `service:checkout` (tier 1, owned by `pay`) depends on `ci:pg` and is made of `ci:api`;
/// - `service:catalog` (tier 3, owned by `sre`) is made of `ci:web`;
/// - the policy of SPEC §5.
pub fn world() -> Vec<Entity> {
    vec![
        team("sre", &["alice", "bob"]),
        team("cab", &["carol", "dave", "erin"]),
        team("governance", &["gina"]),
        team("pay", &["pat", "paula"]),
        team("dev", &["mallory"]),
        service(
            "checkout",
            json!({"owner": "pay", "tier": 1, "dependsOn": ["ci:pg"], "components": ["ci:api"]}),
        ),
        service("catalog", json!({"tier": 3, "components": ["ci:web"]})),
        ci("pg", json!({"class": "database/postgres", "environment": "production"})),
        ci(
            "api",
            json!({"class": "k8s/deployment", "environment": "production",
                         "attributes": {"replicas": 3, "version": "1.0"}}),
        ),
        ci(
            "web",
            json!({"class": "k8s/deployment", "environment": "staging", "attributes": {"replicas": 2}}),
        ),
        policy(policy_spec()),
    ]
}

/// A change request with a window on 2026-06-10, 22:00–23:00 UTC.
pub fn change(name: &str, change_type: &str, targets: &[&str]) -> Entity {
    change_with(name, change_type, targets, json!({}))
}

pub fn change_with(name: &str, change_type: &str, targets: &[&str], extra: Value) -> Entity {
    let mut spec = json!({
        "type": change_type,
        "requestedBy": "mallory",
        "targets": targets,
        "window": {"start": "2026-06-10T22:00:00Z", "end": "2026-06-10T23:00:00Z"},
    });
    if change_type == "standard" {
        spec["template"] = json!("scale-replicas");
    }
    if let (Some(spec), Value::Object(extra)) = (spec.as_object_mut(), extra) {
        for (k, v) in extra {
            if v.is_null() {
                spec.remove(&k);
            } else {
                spec.insert(k, v);
            }
        }
    }
    entity("ChangeRequest", name, spec)
}

/// `entities` with `replacement` in place of the entity of the same kind and name (or added).
pub fn with(mut entities: Vec<Entity>, replacement: Entity) -> Vec<Entity> {
    let reference = replacement.reference();
    match entities.iter_mut().find(|e| e.reference() == reference) {
        Some(slot) => *slot = replacement,
        None => entities.push(replacement),
    }
    entities
}

/// `entities` without the entity `reference` names.
pub fn without(entities: Vec<Entity>, reference: &str) -> Vec<Entity> {
    entities.into_iter().filter(|e| e.reference().to_string() != reference).collect()
}

pub fn review(id: u64, login: &str, state: ReviewState, commit: &str, minute: u32) -> Review {
    Review {
        id,
        login: login.to_owned(),
        state,
        commit_id: Some(commit.to_owned()),
        submitted_at: Some(time(&format!("2026-06-10T10:{minute:02}:00Z"))),
    }
}

/// An approval of the head commit, submitted at 10:`id` on the day.
pub fn approve(id: u64, login: &str) -> Review {
    review(id, login, ReviewState::Approved, HEAD, u32::try_from(id % 60).unwrap_or(0))
}

/// One gate run.
pub struct Case {
    pub base: Vec<Entity>,
    pub head: Vec<Entity>,
    pub reviews: Vec<Review>,
    pub author: Option<String>,
    pub head_sha: Option<String>,
    pub now: DateTime<FixedOffset>,
}

impl Case {
    pub fn new(base: Vec<Entity>, head: Vec<Entity>) -> Case {
        Case {
            base,
            head,
            reviews: Vec::new(),
            author: Some("mallory".to_owned()),
            head_sha: Some(HEAD.to_owned()),
            now: time("2026-06-10T12:00:00Z"),
        }
    }

    /// The world at base and `head` built from it.
    pub fn on_world(head: impl FnOnce(Vec<Entity>) -> Vec<Entity>) -> Case {
        Case::new(world(), head(world()))
    }

    pub fn reviews(mut self, reviews: Vec<Review>) -> Case {
        self.reviews = reviews;
        self
    }

    pub fn now(mut self, now: &str) -> Case {
        self.now = time(now);
        self
    }

    pub fn run(&self) -> Verdict {
        let changed = impact::diff(&self.base, &self.head);
        let impact = impact::analyse(&self.base, &self.head, changed);
        let (base, head): (Vec<&Entity>, Vec<&Entity>) =
            (self.base.iter().collect(), self.head.iter().collect());
        let input = GateInput {
            base: &base,
            head: &head,
            impact: &impact,
            reviews: &self.reviews,
            author: self.author.as_deref(),
            head_sha: self.head_sha.as_deref(),
            now: self.now,
            unreadable: &[],
            validity: None,
            config_changed: false,
        };
        let first = evaluate(&input);
        assert_eq!(first, evaluate(&input), "the gate is deterministic");
        first
    }
}

/// The rule named `name`.
#[track_caller]
pub fn rule<'v>(verdict: &'v Verdict, name: &str) -> &'v RuleResult {
    verdict.rules.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no rule {name} in {verdict:#?}"))
}

/// `name: status` of every rule.
pub fn statuses(verdict: &Verdict) -> Vec<String> {
    verdict
        .rules
        .iter()
        .map(|r| {
            let status = match r.status {
                Status::Pass => "pass",
                Status::Fail => "fail",
                Status::Skipped => "skipped",
            };
            format!("{}: {status}", r.name)
        })
        .collect()
}

/// Asserts a rule's status, showing the whole verdict otherwise.
#[track_caller]
pub fn assert_status(verdict: &Verdict, name: &str, status: Status) {
    let r = rule(verdict, name);
    assert_eq!(r.status, status, "{name}: {}\n{verdict:#?}", r.reason);
}
