//! Levels and reasons computed by hand for small trees.

use serde_json::{json, Value};

use super::*;
use crate::graph::testutil::{entity, entity_in};

fn scorecard(spec: Value) -> Entity {
    entity("Scorecard", "readiness", spec)
}

/// bronze: an owner with 2 members; silver: a runbook and an SLA; gold: tier at most 2 and a
/// pager somewhere.
fn three_levels() -> Entity {
    scorecard(json!({
        "levels": [
            {"name": "bronze", "checks": [
                {"name": "owned", "owner": {"members": {"atLeast": 2}}},
                {"name": "described", "field": {"path": "metadata.description"}},
            ]},
            {"name": "silver", "checks": [
                {"name": "runbook", "link": {"type": "runbook"}},
                {"name": "sla", "related": {"kind": "sla"}},
            ]},
            {"name": "gold", "checks": [
                {"name": "critical", "field": {"path": "spec.tier", "atMost": 2}},
                {"name": "pager", "contact": {"type": "pager"}},
            ]},
        ],
    }))
}

fn team(name: &str, members: usize, contacts: Value) -> Entity {
    let members: Vec<Value> = (0..members).map(|i| json!({"login": format!("{name}-{i}")})).collect();
    entity("Team", name, json!({"members": members, "contacts": contacts}))
}

fn service(name: &str, metadata: Value, spec: Value) -> Entity {
    let mut meta = json!({"name": name});
    if let (Some(m), Value::Object(extra)) = (meta.as_object_mut(), metadata) {
        m.extend(extra);
    }
    let mut full = json!({"owner": "payments", "tier": 1});
    if let (Some(m), Value::Object(extra)) = (full.as_object_mut(), spec) {
        m.extend(extra);
    }
    entity_in("Service", meta, full, &format!("services/{name}.yaml"), 0)
}

fn sla(name: &str, service: &str) -> Entity {
    entity(
        "SLA",
        name,
        json!({"service": service, "objectives": [{"metric": "availability", "target": 99.9, "unit": "percent"}]}),
    )
}

/// (ref, level, failing as `level/check: reason`).
fn grade(card: &Entity, entities: &[Entity]) -> Vec<(String, Option<String>, Vec<String>)> {
    let all: Vec<&Entity> = entities.iter().chain([card]).collect();
    let tree = Tree::new(&all);
    let card = Card::new(card).expect("a scorecard");
    score(&card, &tree, &all)
        .entities
        .into_iter()
        .map(|s| {
            let failing =
                s.failing.iter().map(|f| format!("{}/{}: {}", f.level, f.check, f.reason)).collect();
            (s.entity.reference().to_string(), s.level, failing)
        })
        .collect()
}

#[test]
fn each_service_gets_the_level_it_earns_and_what_the_next_one_lacks() {
    let runbook = json!({"links": [{"url": "https://r", "type": "runbook"}], "description": "d"});
    let entities = vec![
        team("payments", 2, json!([{"type": "pager", "value": "p"}])),
        // All three levels.
        service("gold", runbook.clone(), json!({})),
        sla("gold-sla", "gold"),
        // Silver: tier 3 fails gold.
        service("silver", runbook.clone(), json!({"tier": 3})),
        sla("silver-sla", "silver"),
        // Bronze: no SLA.
        service("bronze", runbook, json!({})),
        // None: no description.
        service("none", json!({}), json!({})),
    ];
    let card = three_levels();
    let got = grade(&card, &entities);
    let expected = vec![
        (
            "service:bronze".to_owned(),
            Some("bronze".to_owned()),
            vec!["silver/sla: no SLA refers to service:bronze".to_owned()],
        ),
        ("service:gold".to_owned(), Some("gold".to_owned()), vec![]),
        (
            "service:none".to_owned(),
            None,
            vec!["bronze/described: `metadata.description` is missing".to_owned()],
        ),
        (
            "service:silver".to_owned(),
            Some("silver".to_owned()),
            vec!["gold/critical: `spec.tier` is 3, more than 2".to_owned()],
        ),
    ];
    assert_eq!(got, expected);
}

#[test]
fn levels_are_cumulative_a_higher_level_does_not_count_without_the_lower() {
    // Passes silver and gold, fails bronze (owner has one member): no level at all.
    let entities = vec![
        team("payments", 1, json!([{"type": "pager", "value": "p"}])),
        service("s", json!({"links": [{"url": "u", "type": "runbook"}], "description": "d"}), json!({})),
        sla("s-sla", "s"),
    ];
    let got = grade(&three_levels(), &entities);
    assert_eq!(got[0].1, None);
    assert_eq!(got[0].2, ["bronze/owned: the owner team:payments has 1 member, 2 needed"]);
}

#[test]
fn summary_counts_each_level_and_each_owner_team() {
    let entities = [
        team("payments", 2, json!([])),
        team("search", 2, json!([])),
        service("a", json!({"description": "d"}), json!({})),
        service("b", json!({}), json!({})),
        service("c", json!({"description": "d"}), json!({"owner": "search"})),
    ];
    let card = three_levels();
    let all: Vec<&Entity> = entities.iter().chain([&card]).collect();
    let report = score(&Card::new(&card).unwrap(), &Tree::new(&all), &all);
    let counts = |c: &Counts| c.0.iter().map(|(l, n)| format!("{l}={n}")).collect::<Vec<_>>().join(" ");
    assert_eq!(counts(&report.summary), "bronze=2 silver=0 gold=0 none=1");
    let teams: Vec<String> = report
        .teams
        .iter()
        .map(|(t, c)| format!("{}: {}", t.as_ref().map(ToString::to_string).unwrap_or_default(), counts(c)))
        .collect();
    assert_eq!(
        teams,
        ["team:payments: bronze=1 silver=0 gold=0 none=1", "team:search: bronze=1 silver=0 gold=0 none=0"]
    );
}

#[test]
fn applies_to_filters_by_kind_tier_lifecycle_and_labels() {
    let card = scorecard(json!({
        "appliesTo": {"tiers": [1, 2], "lifecycle": ["live"], "labels": {"domain": "commerce"}},
        "levels": [{"name": "l", "checks": []}],
    }));
    let commerce = json!({"labels": {"domain": "commerce"}});
    let entities = vec![
        service("in", commerce.clone(), json!({})),
        service("tier-3", commerce.clone(), json!({"tier": 3})),
        service("planned", commerce.clone(), json!({"lifecycle": "planned"})),
        service("other-domain", json!({"labels": {"domain": "search"}}), json!({})),
        entity("ConfigurationItem", "db", json!({"owner": "payments", "class": "db"})),
    ];
    let got: Vec<String> = grade(&card, &entities).into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(got, ["service:in"]);
    let cis = scorecard(json!({"appliesTo": {"kinds": ["ConfigurationItem"]}, "levels": [{"name": "l"}]}));
    let got: Vec<String> = grade(&cis, &entities).into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(got, ["ci:db"]);
}

fn field_reason(check: Value, metadata: Value, spec: Value) -> Option<String> {
    let card = scorecard(json!({"levels": [{"name": "l", "checks": [{"name": "c", "field": check}]}]}));
    let got = grade(&card, &[service("s", metadata, spec)]);
    got[0].2.first().map(|f| f.trim_start_matches("l/c: ").to_owned())
}

#[test]
fn field_conditions_and_their_reasons() {
    let none = json!({});
    // exists (implied): defaults count, empty lists do not.
    assert_eq!(field_reason(json!({"path": "spec.lifecycle"}), none.clone(), none.clone()), None);
    assert_eq!(
        field_reason(json!({"path": "spec.maintenanceWindows"}), none.clone(), none.clone()),
        Some("`spec.maintenanceWindows` is empty".into())
    );
    assert_eq!(
        field_reason(json!({"path": "metadata.title", "exists": false}), json!({"title": "T"}), none.clone()),
        Some("`metadata.title` is set (to `T`)".into())
    );
    // equals and in; numbers by value.
    assert_eq!(field_reason(json!({"path": "spec.tier", "equals": 1.0}), none.clone(), none.clone()), None);
    assert_eq!(
        field_reason(json!({"path": "spec.lifecycle", "equals": "retired"}), none.clone(), none.clone()),
        Some("`spec.lifecycle` is `live`, not `retired`".into())
    );
    assert_eq!(
        field_reason(
            json!({"path": "spec.type", "in": ["business", "technical"]}),
            none.clone(),
            none.clone()
        ),
        Some("`spec.type` is missing, expected one of `business`, `technical`".into())
    );
    // matches: an unanchored search over text.
    assert_eq!(
        field_reason(
            json!({"path": "metadata.title", "matches": "out"}),
            json!({"title": "Checkout"}),
            none.clone()
        ),
        None
    );
    assert_eq!(
        field_reason(
            json!({"path": "metadata.title", "matches": "^out"}),
            json!({"title": "Checkout"}),
            none.clone()
        ),
        Some("`metadata.title` (`Checkout`) does not match `^out`".into())
    );
    assert_eq!(
        field_reason(json!({"path": "spec.tier", "matches": "1"}), none.clone(), none.clone()),
        Some("`spec.tier` is `1`, not text".into())
    );
    // atLeast / atMost, bounds included; lists indexed by number.
    assert_eq!(
        field_reason(json!({"path": "spec.tier", "atLeast": 1, "atMost": 1}), none.clone(), none.clone()),
        None
    );
    assert_eq!(
        field_reason(json!({"path": "spec.tier", "atLeast": 2}), none.clone(), none.clone()),
        Some("`spec.tier` is 1, less than 2".into())
    );
    assert_eq!(
        field_reason(
            json!({"path": "spec.contacts.0.value", "equals": "x"}),
            none.clone(),
            json!({"contacts": [{"type": "chat", "value": "y"}]})
        ),
        Some("`spec.contacts.0.value` is `y`, not `x`".into())
    );
    assert_eq!(
        field_reason(json!({"path": "spec.owner", "atLeast": 2}), none.clone(), none.clone()),
        Some("`spec.owner` is `team:payments`, not a number".into())
    );
}

#[test]
fn malformed_checks_fail_with_a_reason_and_never_panic() {
    let none = json!({});
    assert_eq!(
        field_reason(json!({"path": "metadata.title", "matches": "("}), json!({"title": "x"}), none.clone()),
        Some("the pattern `(` is not a valid regular expression".into())
    );
    assert_eq!(
        field_reason(json!({"path": "status.x"}), none.clone(), none.clone()),
        Some("path `status.x` does not start at `metadata` or `spec`".into())
    );
    assert_eq!(
        field_reason(json!({"path": "spec..x"}), none.clone(), none.clone()),
        Some("path `spec..x` has an empty segment".into())
    );
    let card = scorecard(json!({"levels": [{"name": "l", "checks": [
        {"name": "empty"},
        {"name": "two", "link": {"type": "runbook"}, "contact": {"type": "pager"}},
        {"name": "kind", "related": {"kind": "slas"}},
    ]}]}));
    let got = grade(&card, &[service("s", none.clone(), none)]);
    assert_eq!(
        got[0].2,
        [
            "l/empty: the check sets none of field, related, link, contact and owner",
            "l/two: the check sets several kinds of check (link, contact): it must set one",
            "l/kind: `slas` is not a kind",
        ]
    );
}

#[test]
fn related_counts_each_referrer_once_and_applies_where() {
    let card = scorecard(json!({"levels": [{"name": "l", "checks": [
        {"name": "two-slas", "related": {"kind": "SLA", "atLeast": 2,
            "where": [{"path": "spec.objectives.0.target", "atLeast": 99.9}]}},
        {"name": "runbook", "related": {"kind": "kb"}},
    ]}]}));
    let mut weak = sla("weak", "s");
    if let Spec::Sla(spec) = &mut weak.spec {
        spec.objectives[0].target = 99.0;
    }
    let entities = vec![service("s", json!({}), json!({})), sla("strong", "s"), weak];
    let got = grade(&card, &entities);
    assert_eq!(
        got[0].2,
        [
            "l/two-slas: 1 SLA (matching `where`) refer to service:s, 2 needed",
            "l/runbook: no KnowledgeArticle refers to service:s",
        ]
    );
    // A service listing the same dependency twice still counts once.
    let card = scorecard(json!({"levels": [{"name": "l", "checks": [
        {"name": "used", "related": {"kind": "service", "atLeast": 2}},
    ]}]}));
    let entities = vec![
        service("s", json!({}), json!({})),
        service("t", json!({}), json!({"dependsOn": ["service:s", "service:s"]})),
    ];
    let got = grade(&card, &entities);
    assert_eq!(got[0].2, ["l/used: 1 Service refer to service:s, 2 needed"]);
}

#[test]
fn contact_is_the_entity_s_or_its_owner_s_and_owner_checks_the_team() {
    let card = scorecard(json!({"levels": [{"name": "l", "checks": [
        {"name": "pager", "contact": {"type": "pager"}},
        {"name": "owner-chat", "owner": {"contact": "chat"}},
    ]}]}));
    let pager = json!([{"type": "pager", "value": "p"}]);
    // The service's own pager counts; the owner has no chat.
    let got =
        grade(&card, &[team("payments", 1, json!([])), service("s", json!({}), json!({"contacts": pager}))]);
    assert_eq!(got[0].2, ["l/owner-chat: the owner team:payments has no chat contact"]);
    // The owner's pager counts too.
    let got = grade(&card, &[team("payments", 1, pager.clone()), service("s", json!({}), json!({}))]);
    assert_eq!(got[0].2, ["l/owner-chat: the owner team:payments has no chat contact"]);
    // A missing owner team fails both.
    let got = grade(&card, &[service("s", json!({}), json!({}))]);
    assert_eq!(
        got[0].2,
        [
            "l/pager: no pager contact on service:s, and its owner team:payments does not exist",
            "l/owner-chat: the owner team:payments does not exist",
        ]
    );
}
